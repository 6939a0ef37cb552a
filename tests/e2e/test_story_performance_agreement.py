"""Balangan's Perjanjian Kinerja for the seed's year: the Kepala Dinas prints it from the Documents page,
signs it with the demo passphrase, and the year's targets are then locked, the targets page linking the
signed PK. Both PDFs are read back with poppler (pdftotext, pdfsig)."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, SignedDocument, TargetLock

from ..conftest import TODAY
from .story import assert_signed_by, download, go, success

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfsig", "pdftotext", "certutil")),
    reason="pdfsig, pdftotext (poppler-utils) or certutil (libnss3-tools) not installed",
)

YEAR = TODAY.year  # the seed gives every Balangan indicator its annual and quarterly targets for it
HEAD = "balangan.kadis"
HEAD_NAME = "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"


def agreement_card(page):
    return page.locator(".card", has=page.get_by_role("heading", name="Perjanjian Kinerja"))


def ask_for_the_pk(page, *, sign: bool) -> None:
    go(page, "Dokumen")
    card = agreement_card(page)
    expect(card.locator("li", has_text=str(YEAR))).to_contain_text("Siap ditandatangani")
    card.get_by_label("Tahun").select_option(str(YEAR))
    if sign:
        card.get_by_label("Tandatangani secara elektronik (TTE)").check()
    card.get_by_role("button", name="Buat PDF").click()


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_kepala_dinas_prints_and_signs_the_pk_and_the_years_targets_are_locked(people, live_server, tmp_path):
    head = people[HEAD]

    ask_for_the_pk(head, sign=False)
    printed = pdf_text(download(head, "Unduh PDF", tmp_path / "pk.pdf"))
    assert f"PERJANJIAN KINERJA TAHUN {YEAR}" in printed and f"RENCANA AKSI TAHUN {YEAR}" in printed
    assert HEAD_NAME in printed and "H. ABDUL HADI, S.Ag., M.I.Kom." in printed
    assert not TargetLock.objects.filter(agency__slug="balangan", year=YEAR).exists()  # printing locks nothing

    ask_for_the_pk(head, sign=True)
    head.get_by_label("Passphrase kunci tanda tangan Anda").fill(DEMO_PASSPHRASE)
    head.get_by_role("button", name="Tandatangani secara elektronik").click()
    success(head, "Dokumen sudah ditandatangani.")
    signed_pdf = download(head, "Unduh PDF", tmp_path / "pk-ttd.pdf")
    assert_signed_by(signed_pdf, HEAD_NAME, tmp_path)
    signed = SignedDocument.objects.get(agency__slug="balangan", kind=DocumentKind.AGREEMENT, period=str(YEAR))
    assert signed_pdf.read_bytes() == bytes(signed.pdf)
    assert TargetLock.objects.get(agency__slug="balangan", year=YEAR).signed_document == signed

    go(head, "Dokumen")
    expect(agreement_card(head).locator("li", has_text=str(YEAR))).to_contain_text(
        f"versi 1, ditandatangani oleh {HEAD_NAME}"
    )

    planner = people["balangan.sekretaris"]
    planner.goto(live_server.url + reverse("reports:targets", args=[YEAR]))
    expect(planner.locator(".target-lock")).to_contain_text(f"Perjanjian Kinerja ditandatangani oleh {HEAD_NAME}")
    expect(planner.get_by_role("button", name="Simpan target")).to_have_count(0)
    expect(planner.locator("#targets-form input[type=text]").first).to_be_disabled()
    again = download(planner, "Unduh PK yang ditandatangani", tmp_path / "pk-dari-target.pdf")
    assert again.read_bytes() == bytes(signed.pdf)
