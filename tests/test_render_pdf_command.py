"""`render_pdf` renders any document from the command line, in exactly the documented form."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.documents import signing
from reports.models import SignedDocument, TargetLock

from .test_documents import page_sizes_mm


def test_render_pdf_sop_takes_the_agencys_only_sop_on_f4(tmp_path, db):
    output = tmp_path / "sop.pdf"
    call_command("render_pdf", "sop", "--agency", "padang-panjang", "-o", str(output))
    assert set(page_sizes_mm(output.read_bytes())) == {(330, 215)}


def test_render_pdf_sop_by_number_on_a4(tmp_path, db):
    output = tmp_path / "sop.pdf"
    call_command(
        "render_pdf",
        "sop",
        "--agency",
        "balangan",
        "--number",
        "SOP – 01/DISPERSIP",
        "--paper",
        "a4",
        "-o",
        str(output),
    )
    assert set(page_sizes_mm(output.read_bytes())) == {(297, 210)}


def test_render_pdf_report_sign_writes_the_stored_signed_bytes(tmp_path, balangan, monkeypatch):
    monkeypatch.setenv("SOPKINERJA_SIGNING_PASSPHRASE", signing.DEMO_PASSPHRASE)
    output = tmp_path / "tw1.pdf"
    call_command("render_pdf", "report", "--agency", "balangan", "--period", "2026-TW1", "--sign", "-o", str(output))
    document = SignedDocument.objects.get(agency=balangan, period="2026-TW1")
    assert signing.sha256(output.read_bytes()) == document.sha256
    assert document.via == "command" and document.signed_by.username == "balangan.kadis"


@pytest.mark.parametrize("period", ["2026", "2026-S2", "2026-TW4"])
def test_render_pdf_report_accepts_every_period_form(tmp_path, db, period):
    output = tmp_path / "r.pdf"
    call_command("render_pdf", "report", "--agency", "balangan", "--period", period, "-o", str(output))
    assert output.read_bytes().startswith(b"%PDF-")


def test_render_pdf_refuses_an_unknown_period_or_agency(tmp_path, db):
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("render_pdf", "report", "--agency", "balangan", "--period", "2026-Q1", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No agency"):
        call_command("render_pdf", "sop", "--agency", "nowhere", "-o", str(tmp_path / "x"))


def test_render_pdf_pk_renders_the_years_perjanjian_kinerja_and_signs_it_locking_the_targets(
    tmp_path, balangan, monkeypatch
):
    draft = tmp_path / "pk-draft.pdf"
    call_command("render_pdf", "pk", "--agency", "balangan", "--period", "2026", "-o", str(draft))
    assert draft.read_bytes().startswith(b"%PDF-") and not TargetLock.objects.filter(agency=balangan).exists()
    monkeypatch.setenv("SOPKINERJA_SIGNING_PASSPHRASE", signing.DEMO_PASSPHRASE)
    signed = tmp_path / "pk.pdf"
    call_command("render_pdf", "pk", "--agency", "balangan", "--period", "2026", "--sign", "-o", str(signed))
    document = SignedDocument.objects.get(agency=balangan, kind="pk", period="2026")
    assert signing.sha256(signed.read_bytes()) == document.sha256
    assert TargetLock.objects.get(agency=balangan, year=2026).signed_document == document


def test_render_pdf_monev_renders_a_semesters_sop_monitoring(tmp_path, db):
    output = tmp_path / "monev.pdf"
    call_command("render_pdf", "monev", "--agency", "balangan", "--period", "2026-S1", "-o", str(output))
    assert output.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(("document", "period"), [("pk", "2026-TW1"), ("monev", "2026"), ("pk", None)])
def test_render_pdf_refuses_a_period_of_the_wrong_kind_for_the_document(tmp_path, db, document, period):
    arguments = ["render_pdf", document, "--agency", "balangan", "-o", str(tmp_path / "x")]
    with pytest.raises(CommandError, match="needs --period"):
        call_command(*arguments, *(["--period", period] if period else []))
