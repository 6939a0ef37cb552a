"""Bad input typed or uploaded in a real browser: each is refused with a clear Indonesian message and
the database (and the upload folder) is left exactly as it was."""

from django.conf import settings
from django_fsm_log.models import StateLog
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import Evidence, Realisation, UnitSubmission
from sopkinerja.common.periods import Period
from workflow.models import RunStep, Sop
from workflow.runs.services import run_start, run_step_submit

from ..conftest import user

ROW = "Rata-rata waktu layanan peminjaman buku"


def figures_state() -> tuple:
    """Everything a refused figures page could have written: figures, evidence, submissions, files."""
    figures = sorted(
        Realisation.objects.values_list(
            "indicator_id", "year", "quarter", "value", "obstacles", "solutions", "not_available"
        )
    )
    media = settings.MEDIA_ROOT
    stored = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return (
        figures,
        sorted(Evidence.objects.values_list("pk", "file")),
        sorted(UnitSubmission.objects.values_list("pk", "unit_id", "period", "state")),
        stored,
    )


def quarter_page(sign_in):
    """The section head's own unit page for Triwulan IV 2026 (the quarter open for entry)."""
    page = sign_in("balangan.kasi-layanan")
    page.click("nav >> text=Data kinerja")
    page.click("a:has-text('Triwulan IV 2026')")
    expect(page.locator("h1")).to_contain_text("Triwulan IV 2026")
    return page


def row_of(page, name: str = ROW):
    return page.locator("tbody tr", has_text=name)


def test_letters_in_a_number_field_are_refused_in_indonesian_and_nothing_is_saved(sign_in):
    page = quarter_page(sign_in)
    before = figures_state()
    row = row_of(page)
    row.locator("input[name$='-value']").fill("sepuluh")
    # The capaian cell, computed on the server as the user types, already says what is wrong.
    expect(row).to_contain_text("“sepuluh” bukan angka")
    other = row_of(page, "Jumlah pengunjung perpustakaan")
    other.locator("input[name$='-value']").fill("1.250")
    page.click("button:has-text('Simpan draf')")
    expect(page.locator(".alert-danger")).to_contain_text("Tidak ada yang disimpan. Perbaiki baris yang ditandai")
    expect(row.locator(".invalid-feedback")).to_contain_text("“sepuluh” bukan angka. Tulis misalnya 12.500")
    # Nothing typed is lost: both inputs come back as typed.
    expect(row.locator("input[name$='-value']")).to_have_value("sepuluh")
    expect(other.locator("input[name$='-value']")).to_have_value("1.250")
    assert figures_state() == before


def save_with_evidence(page, file):
    """Type a figure in the row, attach the file as its bukti dukung, and press Simpan draf."""
    row = row_of(page)
    row.locator("input[name$='-value']").fill("9,5")
    row.locator("input[type=file]").set_input_files(file)
    page.click("button:has-text('Simpan draf')")
    expect(page.locator(".alert-danger")).to_contain_text("Tidak ada yang disimpan")
    expect(row.locator("input[name$='-value']")).to_have_value("9,5")  # what was typed is kept
    return row.locator(".invalid-feedback")


def test_a_50_mb_evidence_file_is_refused_in_indonesian_and_nothing_is_stored(sign_in, tmp_path):
    big = tmp_path / "scan-laporan.pdf"
    with big.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(50 * 1024 * 1024)
    page = quarter_page(sign_in)
    before = figures_state()
    expect(save_with_evidence(page, big)).to_contain_text("Berkas terlalu besar: paling banyak 10 MB.")
    assert figures_state() == before


def test_an_exe_renamed_pdf_is_refused_in_indonesian_and_nothing_is_stored(sign_in, tmp_path):
    impostor = tmp_path / "laporan.pdf"
    impostor.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4096)
    page = quarter_page(sign_in)
    before = figures_state()
    expect(save_with_evidence(page, impostor)).to_contain_text(
        "“laporan.pdf” ditolak: isinya bukan berkas PDF yang sebenarnya"
    )
    assert figures_state() == before


def downloaded_template(page, tmp_path):
    """The quarter's Excel file, downloaded from the page as the user would, opened with openpyxl."""
    with page.expect_download() as download:
        page.click("a:has-text('Unduh Excel')")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    return load_workbook(template)


def uploaded(page, book, tmp_path):
    """The workbook saved and uploaded back; the refusal box it gets."""
    filled = tmp_path / "isian.xlsx"
    book.save(filled)
    page.set_input_files("#excel-file", filled)
    page.click("button:has-text('Unggah Excel')")
    refusal = page.locator(".alert-danger", has_text="Berkas Excel ditolak")
    expect(refusal).to_contain_text("Berkas Excel ditolak; tidak ada yang disimpan")
    return refusal


def test_an_excel_file_with_a_wrong_column_is_refused_in_indonesian_and_nothing_is_saved(sign_in, tmp_path):
    page = quarter_page(sign_in)
    book = downloaded_template(page, tmp_path)
    sheet = book.active
    assert sheet["F3"].value == "Realisasi"
    sheet["F3"] = "Nilai"  # the header of the realisation column renamed
    for number in range(4, sheet.max_row + 1):
        if sheet[f"A{number}"].value is not None:
            sheet[f"F{number}"] = "7"  # and every row filled: only the column is wrong
    before = figures_state()
    expect(uploaded(page, book, tmp_path)).to_contain_text("Kolom F harus berjudul “Realisasi”")
    assert figures_state() == before


def test_an_excel_file_without_a_column_is_refused_in_indonesian_and_nothing_is_saved(sign_in, tmp_path):
    page = quarter_page(sign_in)
    book = downloaded_template(page, tmp_path)
    book.active.protection.sheet = False
    book.active.delete_cols(8)  # the kendala column removed, the ones after it move left
    before = figures_state()
    expect(uploaded(page, book, tmp_path)).to_contain_text("Kolom H harus berjudul")
    assert figures_state() == before


def submitted_first_step() -> RunStep:
    """Balangan's TW I 2025 run with its first step handed in by the Sekretaris, awaiting the Kepala Dinas."""
    version = Sop.objects.get(agency__slug="balangan").current_version()
    run = run_start(version=version, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    first = run.steps.get(step__number=1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi TW I dikirim")
    return first


def step_state(run_step: RunStep) -> tuple:
    run_step.refresh_from_db()
    logs = StateLog.objects.filter(object_id=run_step.pk).count()
    return run_step.state, run_step.return_note, run_step.returned_count, logs


def test_a_return_without_a_note_is_refused_on_the_dashboard_and_the_step_stays_submitted(sign_in):
    first = submitted_first_step()
    before = step_state(first)
    assert before[0] == RunStep.State.SUBMITTED
    head = sign_in("balangan.kadis")
    card = head.locator(".card", has_text="Menunggu persetujuan saya")
    item = card.locator("li", has_text="Disposisi TW I dikirim")
    item.locator("summary", has_text="Kembalikan untuk diperbaiki").click()
    note = item.locator("textarea[name=note][id^=return-note]")
    # Empty: the browser does not send it, and says in Indonesian what is missing.
    item.locator("button:has-text('Kembalikan untuk diperbaiki')").click()
    assert "catatan" in note.evaluate("box => box.validationMessage").lower()
    assert step_state(first) == before
    # Only spaces: the browser lets it through, the server refuses it and says why, in place.
    note.fill("   ")
    item.locator("button:has-text('Kembalikan untuk diperbaiki')").click()
    expect(card).to_contain_text("catatan tentang yang harus diperbaiki wajib diisi")
    assert step_state(first) == before
    # The same item stays, its return box open, so the note can be written there and sent again.
    expect(note).to_be_visible()
    note.fill("Lampirkan daftar unit yang diminta datanya.")
    card.locator("button:has-text('Kembalikan untuk diperbaiki')").click()
    expect(card).to_contain_text("Langkah 1 dikembalikan")
    assert step_state(first)[0] == RunStep.State.ACTIVE


def test_a_return_without_a_note_is_refused_on_the_run_page_and_the_step_stays_submitted(sign_in):
    first = submitted_first_step()
    before = step_state(first)
    head = sign_in("balangan.kadis")
    head.click(".card:has-text('Menunggu persetujuan saya') a")
    note = head.locator(f"#id_r{first.pk}-note")
    head.click("button:has-text('Kembalikan untuk diperbaiki')")
    assert "catatan" in note.evaluate("box => box.validationMessage").lower()
    assert step_state(first) == before
    note.fill("  \n  ")
    head.click("button:has-text('Kembalikan untuk diperbaiki')")
    expect(head.locator(".alert-danger")).to_contain_text("catatan tentang yang harus diperbaiki wajib diisi")
    assert step_state(first) == before
