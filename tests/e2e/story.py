"""The steps of the browser stories (test_story_seed_*.py), shared by both seed offices: figures typed
on the unit page or sent back in the Excel template, reviewed by the unit head, SOP steps handed in on
the run page and decided on the dashboard, the triwulan report signed on the Documents page, and the
downloaded PDF checked with poppler's pdfsig. Each helper checks what the user is shown, in Indonesian."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, Realisation, SignedDocument, Target, UnitSubmission
from reports.performance.selectors import unit_indicators
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow.models import Sop, Unit
from workflow.permissions import unit_head_position

# openpyxl's template: the header is row 3, indicator names in column B, realisasi in column F.
EXCEL_NAME, EXCEL_VALUE = "B", "F"


class People:
    """Everyone in a story, each in a browser context of their own, signed in on first use."""

    def __init__(self, sign_in):
        self._sign_in = sign_in
        self._pages: dict[str, Page] = {}

    def __getitem__(self, username: str) -> Page:
        if username not in self._pages:
            page = self._sign_in(username)
            page.set_default_timeout(10_000)  # a page of this app answers in well under a second
            self._pages[username] = page
        return self._pages[username]


def go(page: Page, menu: str) -> None:
    """Follow an entry of the main menu (Beranda, Data kinerja, Pelaksanaan SOP, Dokumen …)."""
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=menu, exact=True).click()


def success(page: Page, text: str) -> None:
    """The page's message after an action (Django's messages, above the content)."""
    expect(page.locator(".messages .alert-success")).to_contain_text(text)


def refusal(page: Page, text: str) -> None:
    expect(page.locator(".messages .alert-danger")).to_contain_text(text)


def download(page: Page, link: str, target: Path) -> Path:
    """Click the link (or button) named `link` and keep the file the browser receives."""
    with page.expect_download() as received:
        page.get_by_role("link", name=link, exact=True).click()
    received.value.save_as(target)
    return target


# Figures --------------------------------------------------------------------------------------------


def open_figures(page: Page, period: Period, unit: str) -> None:
    """Data kinerja → the quarter → the unit (a one-unit person lands on their unit at once)."""
    go(page, "Data kinerja")
    page.get_by_role("navigation", name="Triwulan").get_by_role("link", name=period.label).click()
    heading = page.get_by_role("heading", level=1)
    if unit not in heading.inner_text():
        page.get_by_role("list").get_by_role("link", name=unit).first.click()
    expect(heading).to_contain_text(f"{unit} · {period.label}")


def type_figures(page: Page, values: dict[str, str]) -> None:
    """Type each indicator's realisasi and save them all at once (Simpan draf)."""
    for indicator, value in values.items():
        page.get_by_label(f"Realisasi: {indicator}", exact=True).fill(value)
    page.get_by_role("button", name="Simpan draf").click()
    success(page, f"Draf disimpan: {len(values)} angka.")


def fill_template(path: Path, values: dict[str, str]) -> None:
    """What a unit does offline: type the realisasi into the downloaded workbook's marked cells."""
    book = load_workbook(path)
    sheet = book.active
    rows = {sheet[f"{EXCEL_NAME}{row}"].value: row for row in range(4, sheet.max_row + 1)}
    for indicator, value in values.items():
        sheet[f"{EXCEL_VALUE}{rows[indicator]}"] = value
    book.save(path)


def upload_template(page: Page, path: Path, count: int) -> None:
    page.get_by_label("Berkas Excel yang sudah diisi").set_input_files(path)
    page.get_by_role("button", name="Unggah Excel").click()
    success(page, f"Berkas Excel disimpan sebagai draf: {count} angka.")


def send_figures(page: Page, unit: str) -> None:
    page.get_by_role("button", name="Kirim", exact=True).click()
    success(page, "untuk diperiksa.")  # "Dikirim kepada <the position that reviews> untuk diperiksa."
    expect(page.locator(".alert-info")).to_contain_text("Dikirim")


def send_typed_figures(page: Page, period: Period, unit: str, values: dict[str, str]) -> None:
    """A unit types its quarter on the figures page, saves it, and sends it to its head (Kirim)."""
    open_figures(page, period, unit)
    type_figures(page, values)
    send_figures(page, unit)


def send_figures_by_excel(page: Page, period: Period, unit: str, values: dict[str, str], workdir: Path) -> None:
    """A unit downloads its quarter as Excel, fills it offline, uploads it back, checks it, sends it."""
    open_figures(page, period, unit)
    template = download(page, "Unduh Excel", workdir / f"{unit}-{period}.xlsx")
    fill_template(template, values)
    upload_template(page, template, count=len(values))
    for indicator, value in values.items():
        expect(page.get_by_label(f"Realisasi: {indicator}", exact=True)).to_have_value(value)
    send_figures(page, unit)


def fix_returned_figures(page: Page, period: Period, unit: str, note: str, values: dict[str, str]) -> None:
    """The unit reads its head's note on its page, corrects the figures and sends them again."""
    open_figures(page, period, unit)
    expect(page.locator(".alert-danger")).to_contain_text(f"Dikembalikan dengan catatan: {note}")
    type_figures(page, values)
    send_figures(page, unit)


def review_figures(page: Page, period: Period, unit: str, *, return_note: str = "") -> None:
    """The reviewer finds the unit under "Menunggu pemeriksaan Anda", then approves or returns it."""
    go(page, "Data kinerja")
    page.get_by_role("link", name=f"{unit} · {period.label}", exact=True).click()
    if return_note:
        page.get_by_label("Catatan pengembalian").fill(return_note)
        page.get_by_role("button", name="Kembalikan", exact=True).click()
        success(page, f"Dikembalikan ke {unit} dengan catatan Anda.")
    else:
        page.get_by_role("button", name="Setujui", exact=True).click()
        success(page, f"Disetujui: {unit}.")
        expect(page.get_by_text("Disetujui oleh kepala unit.")).to_be_visible()


def hand_in_other_units(agency, period: Period, *, done: list[str]) -> list[Unit]:
    """Set-up, not story: every other unit's figures for the quarter (its quarter target as the
    realisasi), sent by the unit head through the services, so the data step is not kept waiting."""
    others = []
    for unit in Unit.objects.filter(agency=agency).exclude(name__in=done).order_by("name"):
        indicators = unit_indicators(unit, period.year)
        if not indicators:
            continue
        head = unit_head_position(unit).holders.select_related("user").first().user
        rows = [
            FigureRow(indicator=i, figure=Figure(quarter_target(i, period))) for i in indicators
        ]  # fmt: skip
        figures_save_draft(unit=unit, period=period, rows=rows, user=head)
        unit_submission_submit(unit=unit, period=period, user=head)
        others.append(unit)
    return others


def quarter_target(indicator, period: Period) -> Decimal:
    return Target.objects.get(indicator=indicator, year=period.year, quarter=period.number).value


def realisations(agency, period: Period) -> dict[str, Decimal]:
    rows = Realisation.objects.filter(indicator__objective__agency=agency, year=period.year, quarter=period.number)
    return {r.indicator.name: r.value for r in rows.select_related("indicator")}


def submission_states(agency, period: Period) -> dict[str, str]:
    rows = UnitSubmission.objects.filter(unit__agency=agency, period=str(period)).select_related("unit")
    return {s.unit.name: s.state for s in rows}


# SOP runs ---------------------------------------------------------------------------------------------


def step_names(agency) -> dict[int, str]:
    """Each step of the agency's SOP by number, named by the first words of its activity: enough to
    find it on the run page and on the dashboard, which shortens long activities."""
    version = Sop.objects.get(agency=agency).current_version()
    return {step.number: " ".join(step.activity.split()[:5]) for step in version.steps.all()}


def start_run(page: Page, period: Period) -> None:
    go(page, "Pelaksanaan SOP")
    page.get_by_label("Periode").select_option(str(period))
    page.get_by_role("button", name="Mulai", exact=True).click()
    success(page, "Pelaksanaan dimulai dan disposisi pertamanya telah diterbitkan.")


def open_run(page: Page, period: Period) -> None:
    go(page, "Pelaksanaan SOP")
    page.get_by_role("row", name=re.compile(period.label)).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.label)


def step_row(page: Page, number: int, activity: str):
    """The run page's row of the step's current attempt."""
    rows = page.locator("table.run-steps tbody tr", has_text=activity)
    return rows.filter(has=page.locator("td").first.filter(has_text=re.compile(rf"^{number}(\D|$)"))).last


def submit_current_step(
    page: Page, period: Period, number: int, activity: str, output: str, *, answer: str = "", refused: str = ""
) -> None:
    """The executor opens the run and hands in the step's output (a decision with its answer). With
    `refused`, the data step is expected to be refused, naming that unit as missing its figures."""
    open_run(page, period)
    row = step_row(page, number, activity)
    expect(row).to_contain_text("Sedang berjalan")
    row.get_by_role("textbox", name="Output").fill(output)
    if answer:
        row.get_by_label(answer, exact=True).check()
    row.get_by_role("button", name="Sampaikan").click()
    if refused:
        refusal(page, f"Unit berikut belum menyampaikan data {period.label}: {refused}.")
    else:
        success(page, f"Langkah {number} telah disampaikan.")


def _waiting_on_dashboard(page: Page, link: str):
    """The item of "Menunggu persetujuan saya" whose link starts with `link`."""
    go(page, "Beranda")
    box = page.locator("#to-approve")
    # A slash must be escaped too: Playwright passes the pattern on as a JavaScript regex literal.
    item = box.locator("li", has=page.get_by_role("link", name=re.compile("^" + re.escape(link).replace("/", r"\/"))))
    expect(item).to_have_count(1)
    return box, item


def _decide_on_dashboard(page: Page, link: str, answer: str, *, note: str = "", return_note: str = "") -> None:
    """Approve (with an optional note) or return (with its required note) in place: htmx swaps the
    item for the answer, which must read `answer`."""
    box, item = _waiting_on_dashboard(page, link)
    waiting = int(page.locator("#count-to-approve").inner_text())
    if return_note:
        item.get_by_text("Kembalikan untuk diperbaiki").first.click()  # opens the <details>
        item.get_by_label("Yang harus diperbaiki").fill(return_note)
        item.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    else:
        if note:
            item.get_by_label("Catatan (opsional)").fill(note)
        item.get_by_role("button", name="Setujui").click()
    expect(box.locator(".decision-result")).to_contain_text(answer)
    # The counters change with the decision, without a reload (swapped out of band).
    expect(page.locator("#count-to-approve")).to_have_text(str(waiting - 1))


def approve_on_dashboard(page: Page, number: int, activity: str, note: str = "") -> None:
    _decide_on_dashboard(page, f"{number}. {activity}", f"Langkah {number} telah disetujui.", note=note)


def return_on_dashboard(page: Page, number: int, activity: str, note: str) -> None:
    answer = f"Langkah {number} dikembalikan kepada pelaksananya."
    _decide_on_dashboard(page, f"{number}. {activity}", answer, return_note=note)


def review_figures_on_dashboard(page: Page, unit: str, *, return_note: str = "") -> None:
    """The unit head approves or returns a unit's quarter in place, from "Menunggu persetujuan saya"."""
    link = f"Data kinerja triwulan · {unit}"
    answer = f"Dikembalikan ke {unit} dengan catatan Anda." if return_note else f"Disetujui: {unit}."
    _decide_on_dashboard(page, link, answer, return_note=return_note)


# Documents ------------------------------------------------------------------------------------------


def sign_report(page: Page, period: Period, target: Path) -> Path:
    """The Kepala Dinas sees the quarter ready to sign, signs it with the passphrase and downloads it."""
    go(page, "Dokumen")
    # This year's reports, or last year's (folded away) once the calendar has moved on.
    row = page.locator("table.report-overview tr", has_text=period.label)
    expect(row).to_contain_text("Siap ditandatangani")
    card = page.locator(".card", has=page.get_by_role("heading", name="Laporan kinerja"))
    card.get_by_label("Periode").select_option(str(period))
    card.get_by_label("Tandatangani secara elektronik (TTE)").check()
    card.get_by_role("button", name="Buat PDF").click()
    page.get_by_label("Passphrase kunci tanda tangan Anda").fill(DEMO_PASSPHRASE)
    page.get_by_role("button", name="Tandatangani secara elektronik").click()
    success(page, "Dokumen sudah ditandatangani.")
    download(page, "Unduh PDF", target)
    go(page, "Dokumen")
    expect(row).to_contain_text("Ditandatangani")
    return target


def sign_finished_quarter(page: Page, agency, period: Period, signer: str, workdir: Path) -> None:
    """The Kepala Dinas sees the quarter's run finished, signs its report, and the downloaded PDF's
    signature validates with pdfsig; one signed version of the report is stored."""
    open_run(page, period)
    expect(page.locator(".badge.state-finished").first).to_have_text("Selesai")
    pdf = sign_report(page, period, workdir / f"laporan-{period}.pdf")
    assert_signed_by(pdf, signer, workdir)
    signed = SignedDocument.objects.get(agency=agency, kind=DocumentKind.REPORT, period=str(period))
    assert (signed.signer_name, signed.version) == (signer, 1)


def pdfsig_report(pdf: Path, workdir: Path) -> str:
    """pdfsig's account of the PDF's signatures, trusting the demo CA in a throwaway NSS store."""
    nss = workdir / "nss"
    nss.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
    ca = settings.SIGNING_TRUST_ROOTS[0]
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "demo-ca", "-t", "C,C,C", "-i", ca], check=True)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True, check=False)
    return done.stdout


def assert_signed_by(pdf: Path, signer: str, workdir: Path) -> None:
    report = pdfsig_report(pdf, workdir)
    assert f"Signer Certificate Common Name: {signer}" in report, report
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    assert "Total document signed" in report, report
