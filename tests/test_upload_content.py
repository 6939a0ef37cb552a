"""Uploads are judged by their content, not their name: on every path (form, service, model)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import Evidence, Indicator, Realisation
from reports.performance.services import evidence_add
from sopkinerja.common.uploads import sniff
from workflow.models import Attachment, RunStep
from workflow.runs.services import run_step_submit

from . import genuine_files as files
from .conftest import stored_files, user

TYPE_REFUSED = "hanya berkas PDF, PNG, JPEG, Word (docx, doc), Excel (xlsx, xls), ODT, dan ODS yang diterima"
IMPOSTORS = [
    pytest.param("setup.exe", files.EXE, TYPE_REFUSED, id="an exe"),
    pytest.param("laporan.pdf", files.EXE, "isinya bukan berkas PDF yang sebenarnya", id="an exe renamed pdf"),
    pytest.param("laporan.pdf", files.HTML, "isinya bukan berkas PDF yang sebenarnya", id="an html page renamed pdf"),
    pytest.param("grafik.pdf", files.SVG, "isinya bukan berkas PDF yang sebenarnya", id="an svg renamed pdf"),
    pytest.param("laporan.html", files.HTML, TYPE_REFUSED, id="an html page"),
    pytest.param(
        "notulen.docx", files.plain_zip_bytes(), "isinya bukan berkas Word (docx) yang sebenarnya", id="a zip as docx"
    ),
    pytest.param("foto.png", files.pdf_bytes(), "isinya bukan berkas PNG yang sebenarnya", id="a pdf renamed png"),
    pytest.param("tabel.xlsx", files.docx_bytes(), "isinya bukan berkas Excel (xlsx)", id="a docx renamed xlsx"),
    pytest.param("kosong.pdf", b"", "isinya bukan berkas PDF", id="an empty file"),
]


@pytest.mark.parametrize(("name", "content", "message"), IMPOSTORS)
def test_an_impostor_is_refused_as_evidence_and_nothing_is_saved(realisation, settings, name, content, message):
    with pytest.raises(ValidationError) as refusal:
        evidence_add(realisation=realisation, file=files.upload(name, content), user=user("balangan.kasi-layanan"))
    assert any(message in text and name in text for text in refusal.value.messages)
    assert not Evidence.objects.filter(realisation=realisation).exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content", "message"), IMPOSTORS)
def test_an_impostor_is_refused_as_a_step_attachment_and_the_step_stays_open(run, settings, name, content, message):
    first = run.steps.get(step__number=1)
    with pytest.raises(ValidationError) as refusal:
        run_step_submit(
            run_step_id=first.pk,
            user=user("balangan.sekretaris"),
            output_note="Disposisi",
            files=[files.upload("sah.pdf", files.pdf_bytes()), files.upload(name, content)],
        )
    assert any(message in text for text in refusal.value.messages)
    first.refresh_from_db()
    assert first.state == RunStep.State.ACTIVE and not Attachment.objects.filter(run_step=first).exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", ["pdf", "png", "jpg", "docx", "xlsx", "odt", "ods"])
def test_a_genuine_document_is_accepted_as_evidence_under_its_own_name(realisation, settings, kind):
    evidence = evidence_add(
        realisation=realisation,
        file=files.upload(f"bukti.{kind}", files.genuine(kind)),
        user=user("balangan.kasi-layanan"),
    )
    assert evidence.original_name == f"bukti.{kind}"
    assert (settings.MEDIA_ROOT / evidence.file.name).read_bytes() == files.genuine(kind)


@pytest.mark.parametrize("kind", ["pdf", "png", "jpg", "docx", "xlsx"])
def test_a_genuine_document_is_accepted_as_a_step_attachment(run, kind):
    first = run.steps.get(step__number=1)
    run_step_submit(
        run_step_id=first.pk,
        user=user("balangan.sekretaris"),
        output_note="Disposisi",
        files=[files.upload(f"lampiran.{kind}", files.genuine(kind))],
    )
    assert [str(a) for a in first.attachments.all()] == [f"lampiran.{kind}"]


def test_an_extension_in_capitals_is_read_like_a_small_one(realisation):
    evidence = evidence_add(
        realisation=realisation, file=files.upload("SCAN.JPG", files.genuine("jpg")), user=user("balangan.kasi-layanan")
    )
    assert evidence.original_name == "SCAN.JPG"


def test_the_size_limit_still_holds(realisation, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refusal:
        evidence_add(
            realisation=realisation,
            file=files.upload("besar.pdf", files.pdf_bytes()),
            user=user("balangan.kasi-layanan"),
        )
    assert any("terlalu besar" in text for text in refusal.value.messages)
    assert not Evidence.objects.filter(realisation=realisation).exists()


def test_legacy_office_files_are_told_apart_from_other_ole2_containers():
    assert sniff(io.BytesIO(files.ole2_bytes("WordDocument"))) == "doc"
    assert sniff(io.BytesIO(files.ole2_bytes("Workbook"))) == "xls"
    # An .msi installer is an OLE2 container too, without a Word or Excel stream.
    assert sniff(io.BytesIO(files.ole2_bytes("SummaryInformation"))) is None


def test_the_figures_page_refuses_an_svg_renamed_pdf_and_saves_nothing(login, balangan, settings):
    indicator = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    response = login("balangan.kasi-layanan").post(
        reverse("reports:figures-unit", args=["2026-TW4", indicator.responsible_unit_id]),
        {
            f"i{indicator.pk}-value": "100",
            f"i{indicator.pk}-evidence": files.upload("grafik.pdf", files.SVG),
        },
    )
    assert "“grafik.pdf” ditolak: isinya bukan berkas PDF yang sebenarnya" in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()
    assert stored_files(settings) == []


def test_a_macro_document_is_refused_even_when_its_manifest_mentions_a_plain_document_in_a_comment():

    plain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f"<!-- {plain} -->"
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    )
    trick = files.zip_bytes(
        {
            "[Content_Types].xml": manifest,
            "_rels/.rels": files.RELS.format(target="word/document.xml"),
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": "Attribute VB_Name",
        }
    )
    assert sniff(io.BytesIO(trick)) is None
    without_the_macro_file = files.zip_bytes({"[Content_Types].xml": manifest, "word/document.xml": "<w:document/>"})
    assert sniff(io.BytesIO(without_the_macro_file)) is None
