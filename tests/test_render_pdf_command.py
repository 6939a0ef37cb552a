"""`render_pdf` renders any document from the command line, in exactly the documented form."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.documents import signing
from reports.models import SignedDocument

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
