"""An SOP written in the browser: a three-way decision, previewed, signed by the Kepala Dinas, run once,
and its sheet downloaded. Screenshots of the editor at 1366 and 390 px go to SCREENSHOTS_DIR
(default var/screenshots/)."""

import os
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from reports.documents.signing import DEMO_PASSPHRASE
from sopkinerja.common.periods import Period
from tests.workflow_helpers import approver_of, executor_of
from workflow.models import Position, Run, RunStep, SopVersion
from workflow.runs.services import run_start, run_step_approve, run_step_submit

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))

THREE_WAY = "Disetujui: 3; Ditolak: 4; Didisposisikan: 1"
STEPS = [
    # activity, actor, symbol, exits, waktu
    ("Menerima permohonan surat", "Kasubbag", "terminator", "", "5 menit"),
    ("Memutuskan permohonan", "Kepala Dinas", "decision", THREE_WAY, "1 hari kerja"),
    ("Menerbitkan surat", "Kasubbag", "process", "5", "2 jam"),
    ("Memberitahu penolakan", "Kasubbag", "process", "", "Menyesuaikan"),
    ("Selesai", "Kasubbag", "terminator", "", "Seketika"),
]


def _fill_column(page, index, title, position):
    page.fill(f"#id_col-{index}-title", title)
    page.select_option(f"#id_col-{index}-kind", "position")
    page.select_option(f"#id_col-{index}-position", str(position.pk))


def _fill_step(page, index, activity, actor, symbol, exits, waktu):
    prefix = f"#id_step-{index}"
    page.fill(f"{prefix}-activity", activity)
    page.check(f"input[name='step-{index}-actors'][value='{actor}']")
    page.select_option(f"{prefix}-symbol", symbol)
    page.fill(f"{prefix}-exits", exits)
    page.fill(f"{prefix}-waktu", waktu)
    page.fill(f"{prefix}-output", "Berkas")


def _save(page):
    page.click("button[name=save]")
    expect(page.locator(".messages .alert-success")).to_contain_text("Draf telah disimpan")


def test_an_sop_with_a_three_way_decision_is_written_previewed_signed_run_and_printed(sign_in, live_server):
    kasubbag = Position.objects.get(agency__slug="balangan", rank="kasubbag", title__contains="Perencanaan")
    kadis = Position.objects.get(agency__slug="balangan", rank="kepala_dinas")

    author = sign_in("balangan.kasubbag")
    author.click("nav a[href='/sop/']")
    author.click("text=SOP baru")
    author.fill("#id_number", "800/99/SOP/2026")
    author.fill("#id_name", "Layanan Surat Keterangan")
    author.click("button:has-text('Buat draf')")
    expect(author.locator(".messages .alert-success")).to_contain_text("Draf telah dibuat")

    author.fill("#id_made_on", "2026-11-02")
    _fill_column(author, 0, "Kasubbag", kasubbag)
    _save(author)
    _fill_column(author, 1, "Kepala Dinas", kadis)
    _save(author)
    # One blank step at a time, the next one by "Tambah langkah"; the decision's exits lead to steps
    # written in the same save.
    expect(author.locator("fieldset.step-form")).to_have_count(1)
    for index, (activity, actor, symbol, exits, waktu) in enumerate(STEPS):
        if index:
            author.get_by_role("button", name="+ Tambah langkah").click()
            expect(author.locator("fieldset.step-form")).to_have_count(index + 1)
        _fill_step(author, index, activity, actor, symbol, exits, waktu)
    author.locator(f"#id_step-{len(STEPS) - 1}-output").dispatch_event("change")

    # The preview redraws from the unsaved form as it changes.
    expect(author.locator("#sop-preview .preview-table svg").first).to_be_visible()
    expect(author.locator("#sop-preview")).to_contain_text("Alur sudah benar", timeout=10000)
    expect(author.locator("#sop-preview .preview-table tbody tr")).to_have_count(5)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        author.set_viewport_size({"width": width, "height": 900})
        author.screenshot(path=str(SHOTS / f"editor-{width}.png"), full_page=True)
    author.set_viewport_size({"width": 1280, "height": 900})
    _save(author)

    draft = SopVersion.objects.get(sop__number="800/99/SOP/2026")
    assert draft.effective_problems() == []
    decision = draft.steps.get(number=2)
    assert decision.exit_labels() == ["Disetujui", "Ditolak", "Didisposisikan"]

    head = sign_in("balangan.kadis")
    head.click("nav a[href='/sop/']")
    head.locator("tr", has_text="800/99/SOP/2026").locator("button:has-text('Ajukan untuk ditandatangani')").click()
    head.fill("input[name=passphrase]", DEMO_PASSPHRASE)
    head.click("button:has-text('Tandatangani secara elektronik')")
    expect(head.locator("main")).to_contain_text("Unduh")
    draft.refresh_from_db()
    assert draft.status == SopVersion.Status.EFFECTIVE

    run = run_start(version=draft, period=Period.parse("2026-TW1"), user=head_user())
    complete_active(run)  # 1: received
    complete_active(run, answer="Disetujui")  # 2: the Kepala Dinas approves
    complete_active(run)  # 3: letter issued, jumps over 4
    complete_active(run)  # 5: end
    run.refresh_from_db()
    assert run.state == Run.State.FINISHED
    assert run.steps.get(step__number=4).state == RunStep.State.SKIPPED

    head.click("nav a[href='/sop/']")
    head.locator("tr", has_text="800/99/SOP/2026").locator("a:has-text('Riwayat revisi')").click()
    with head.expect_download() as download:
        head.locator("a[href*='/dokumen/ttd/']").first.click()
    assert re.search(r"\.pdf$", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"%PDF")


def head_user():
    from tests.conftest import user

    return user("balangan.kadis")


def complete_active(run, answer: str = "") -> None:
    """The executor submits the active step and its approver approves it (skipped steps stay skipped)."""
    run_step = run.steps.get(state=RunStep.State.ACTIVE)
    run_step_submit(run_step_id=run_step.pk, user=executor_of(run_step), output_note="Selesai", answer=answer)
    run_step.refresh_from_db()
    if run_step.state == RunStep.State.SUBMITTED:
        run_step_approve(run_step_id=run_step.pk, user=approver_of(run_step))
