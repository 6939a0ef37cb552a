"""Padang Panjang's year: four quarters, then its semester and annual reports are signed.

Its SOP 002 is one quarterly chain: no semester or year run exists, so a semester or annual report
is signable once every quarter in it has a finished data run. The seed holds the figures of TW I and
II of 2026; TW I-III are walked through the services, TW IV is done in the browser by its people
(figures, Kirim, every step of the run), and all the signing is done in the browser by the Kepala
Dinas, each signed PDF checked with pdfsig.
"""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, Indicator, SignedDocument
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
from reports.performance.values import parse_figure
from sopkinerja.common.periods import Period
from workflow.models import Run, RunStep, Sop, Step
from workflow.runs.services import run_start

from ..conftest import TODAY, user
from ..workflow_helpers import approver_of, current, executor_of, walk

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfsig", "pdftotext", "certutil")),
    reason="pdfsig, pdftotext (poppler-utils) or certutil (libnss3-tools) not installed",
)

YEAR = TODAY.year  # the seed's year: it has targets, and the figures of TW I and II
HEAD = "padangpanjang.kadis"
HEAD_NAME = "Dra. YUSNIDAR, M.Si."
REPORTS = {f"{YEAR}-S1": f"Semester I {YEAR}", f"{YEAR}-S2": f"Semester II {YEAR}", str(YEAR): f"Tahun {YEAR}"}
# TW III and TW IV figures of each bidang, by indicator.
FIGURES = {
    "padangpanjang.kabid-perpustakaan": {
        "Tingkat Gemar Membaca (TGM)": ("69,10", "69,85"),
        "Indeks Pembangunan Literasi Masyarakat (IPLM)": ("71,40", "72,05"),
        "Jumlah pengunjung perpustakaan": ("9.610", "9.870"),
    },
    "padangpanjang.kabid-arsip": {
        "Persentase arsip statis yang dialihmediakan": ("22,5", "30,25"),
        "Persentase perangkat daerah dengan pengelolaan arsip kategori baik": ("58", "61"),
    },
}


def sop002():
    return Sop.objects.get(agency__slug="padang-panjang").current_version()


def indicator(name: str) -> Indicator:
    return Indicator.objects.get(objective__agency__slug="padang-panjang", name=name)


def quarter_by_services(quarter: int) -> Run:
    """A quarter done the quick way: each bidang's figures saved and sent (when the seed has none),
    then every step of the data run submitted and approved by the people who hold them."""
    period = Period.quarter(YEAR, quarter)
    if quarter == 3:  # TW I and II have the seed's figures
        for reporter, rows in FIGURES.items():
            unit = user(reporter).employee.position.unit
            typed = [FigureRow(indicator(name), parse_figure(tw3)) for name, (tw3, _tw4) in rows.items()]
            figures_save_draft(unit=unit, period=period, rows=typed, user=user(reporter))
            unit_submission_submit(unit=unit, period=period, user=user(reporter))
    run = walk(run_start(version=sop002(), period=period, user=user(HEAD)))
    assert run.state == Run.State.FINISHED
    return run


def report_row(page, label: str):
    return page.locator("table.report-overview tr", has_text=label)


def documents(page, live_server):
    page.goto(live_server.url + reverse("reports:documents"))
    expect(page.locator("h1")).to_have_text("Dokumen")
    return page


def expect_not_ready(page, label: str, *quarters: str) -> None:
    row = report_row(page, label)
    expect(row).to_contain_text("Belum siap")
    for quarter in quarters:
        expect(row).to_contain_text(f"Pelaksanaan pengumpulan data {quarter} {YEAR} belum selesai.")


def enter_and_send_tw4(page, reporter: str) -> None:
    """A bidang head types the unit's TW IV figures on its page, saves them all at once, and sends them."""
    page.click("nav >> text=Data kinerja")
    page.click(f"a:has-text('Triwulan IV {YEAR}')")
    expect(page.locator("h1")).to_contain_text(f"Triwulan IV {YEAR}")
    for name, (_tw3, tw4) in FIGURES[reporter].items():
        page.locator("tbody tr", has_text=name).locator("input[name$='-value']").fill(tw4)
    page.click("button:has-text('Simpan draf')")
    expect(page.locator(".alert-success")).to_contain_text(f"Draf disimpan: {len(FIGURES[reporter])} angka.")
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("untuk diperiksa")


def walk_in_the_browser(run: Run, pages, live_server) -> None:
    """Every step of the run, submitted and approved on the run page by whoever holds it."""
    url = live_server.url + reverse("workflow:run-detail", args=[run.pk])
    while (run_step := current(run)) is not None:
        number = run_step.step.number
        page = pages(executor_of(run_step).username)
        page.goto(url)
        form = page.locator(f"form[action$='/steps/{run_step.pk}/submit/']")
        form.locator("textarea[name$='output_note']").fill(f"{run_step.step.output} TW IV selesai")
        if run_step.step.symbol == Step.Symbol.DECISION:
            form.get_by_label("Ya", exact=True).check()
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success").first).to_contain_text(f"Langkah {number} telah disampaikan.")
        run_step.refresh_from_db()
        if run_step.state == RunStep.State.SUBMITTED:
            page = pages(approver_of(run_step).username)
            page.goto(url)
            page.locator(f"form[action$='/steps/{run_step.pk}/approve/'] button[type=submit]").click()
            expect(page.locator(".alert-success").first).to_contain_text(f"Langkah {number} telah disetujui.")
    run.refresh_from_db()


def sign_report(page, label: str, period: str, tmp_path, nss) -> SignedDocument:
    """The Kepala Dinas asks for the report with TTE, types the passphrase, downloads the signed PDF,
    and pdfsig finds the signature valid and trusted."""
    card = page.locator(".card", has_text="Laporan kinerja")
    card.locator("select[name='report-period']").select_option(label=label)
    card.locator("input[name='report-sign']").check()
    card.get_by_role("button", name="Buat PDF").click()
    passphrase = page.locator("input[name='passphrase']")
    expect(passphrase).to_be_visible(timeout=60_000)  # rendered in the background; the page refreshes
    passphrase.fill(DEMO_PASSPHRASE)
    page.get_by_role("button", name="Tandatangani secara elektronik").click()
    expect(page.locator(".alert-success")).to_contain_text("Dokumen sudah ditandatangani.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").click()
    pdf = tmp_path / f"laporan-{period}.pdf"
    download.value.save_as(pdf)
    report = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True).stdout
    assert f"Signer Certificate Common Name: {HEAD_NAME}" in report, report
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    assert "Total document signed" in report, report
    signed = SignedDocument.objects.get(agency__slug="padang-panjang", kind=DocumentKind.REPORT, period=period)
    assert pdf.read_bytes() == bytes(signed.pdf)  # the download is the stored original
    return signed


@pytest.fixture
def nss(tmp_path):
    """An NSS database trusting the demo CA, for pdfsig."""
    directory = tmp_path / "nss"
    directory.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{directory}"], check=True)
    ca = settings.SIGNING_TRUST_ROOTS[0]
    subprocess.run(["certutil", "-A", "-d", f"sql:{directory}", "-n", "demo-ca", "-t", "C,C,C", "-i", ca], check=True)
    return directory


def test_padang_panjang_brings_four_quarters_in_and_signs_its_semester_and_annual_reports(
    sign_in, live_server, tmp_path, nss
):
    opened = {}

    def pages(username):
        if username not in opened:
            opened[username] = sign_in(username)
        return opened[username]

    head = documents(pages(HEAD), live_server)
    expect_not_ready(head, REPORTS[f"{YEAR}-S1"], "Triwulan I", "Triwulan II")
    expect_not_ready(head, REPORTS[str(YEAR)], "Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV")

    # TW I and II: the semester is ready without any semester run (the SOP defines none).
    quarter_by_services(1)
    quarter_by_services(2)
    documents(head, live_server)
    expect(report_row(head, REPORTS[f"{YEAR}-S1"])).to_contain_text("Siap ditandatangani")
    expect_not_ready(head, REPORTS[f"{YEAR}-S2"], "Triwulan III", "Triwulan IV")
    expect_not_ready(head, REPORTS[str(YEAR)], "Triwulan III", "Triwulan IV")

    # TW III: the bidang send their figures, then the run is walked.
    quarter_by_services(3)
    documents(head, live_server)
    expect_not_ready(head, REPORTS[f"{YEAR}-S2"], "Triwulan IV")
    expect(report_row(head, REPORTS[f"{YEAR}-S2"])).not_to_contain_text("Triwulan III")

    # TW IV, in the browser: both bidang enter and send their figures, the Kepala Dinas starts the run,
    # and every step is submitted and approved on the run page by whoever holds it.
    for reporter in FIGURES:
        enter_and_send_tw4(pages(reporter), reporter)
    head.click("nav >> text=Pelaksanaan SOP")
    head.select_option("#id_period", f"{YEAR}-TW4")
    head.click("button:has-text('Mulai')")
    expect(head.locator(".alert-success")).to_contain_text("Pelaksanaan dimulai")
    run = Run.objects.get(sop__agency__slug="padang-panjang", period=f"{YEAR}-TW4")
    walk_in_the_browser(run, pages, live_server)
    assert run.state == Run.State.FINISHED
    for rows in FIGURES.values():
        for name, (_tw3, tw4) in rows.items():
            assert indicator(name).realisations.get(year=YEAR, quarter=4).value == parse_figure(tw4).value

    documents(head, live_server)
    for label in REPORTS.values():
        expect(report_row(head, label)).to_contain_text("Siap ditandatangani")

    signed = {}
    for period, label in REPORTS.items():
        documents(head, live_server)
        signed[period] = sign_report(head, label, period, tmp_path, nss)

    documents(head, live_server)
    for period, label in REPORTS.items():
        row = report_row(head, label)
        expect(row).to_contain_text("Ditandatangani")
        expect(row).to_contain_text(f"versi 1, ditandatangani oleh {HEAD_NAME}")
        assert signed[period].version == 1 and signed[period].signer_name == HEAD_NAME
    # The annual report is computed from the four quarters, TW IV's as typed in the browser: visitors
    # add up (8.412 + 7.950 + 9.610 + 9.870), the reading index is the last quarter's.
    annual = tmp_path / f"laporan-{YEAR}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(annual), "-"], capture_output=True, text=True).stdout
    assert "35.842" in text and "69,85" in text, text
