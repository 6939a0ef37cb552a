"""Balangan (seed 000), a whole quarter in the browser, as the issue's story tells it:

1. two units enter their figures for Triwulan IV 2026, one by downloading the Excel template and
   uploading it back filled;
2. the unit head returns one unit's figures with a note, the unit fixes and resends, the head approves;
3. the quarter's run of SOP 000 goes through steps 1-5; the Sekretaris returns step 2 from the
   dashboard, it is handed in again and approved;
4. the run finishes, so the triwulan report is ready to sign;
5. the Kepala Dinas signs it on the Documents page;
6. the downloaded PDF's signature validates with pdfsig.

The other three units' figures are set up through the services: they are not the story.
"""

import re
from decimal import Decimal

from playwright.sync_api import expect

from reports.models import UnitSubmission
from sopkinerja.common.periods import Period
from workflow.models import Agency, Run, RunStep

from .story import (
    approve_on_dashboard,
    fix_returned_figures,
    hand_in_other_units,
    open_figures,
    open_run,
    realisations,
    return_on_dashboard,
    review_figures,
    send_figures_by_excel,
    send_typed_figures,
    sign_finished_quarter,
    start_run,
    step_names,
    submission_states,
    submit_current_step,
)

TW4 = Period.parse("2026-TW4")
LAYANAN = "Seksi Layanan dan Pembudayaan Gemar Membaca"
ARSIP = "Seksi Pengelolaan dan Pelestarian Arsip"
VISITORS = "Jumlah pengunjung perpustakaan"
MEMBERS = "Jumlah anggota perpustakaan"
LOAN_TIME = "Rata-rata waktu layanan peminjaman buku"
DIGITISED = "Persentase arsip statis yang dialihmediakan"
KADIS_NAME = "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"


def test_balangan_collects_reviews_runs_and_signs_a_quarter_in_the_browser(people, tmp_path):
    balangan = Agency.objects.get(slug="balangan")
    hand_in_other_units(balangan, TW4, done=[LAYANAN, ARSIP])
    steps = step_names(balangan)
    sekretaris, kadis = people["balangan.sekretaris"], people["balangan.kadis"]
    kasubbag, staf, kabid = people["balangan.kasubbag"], people["balangan.staf"], people["balangan.kabid-perpustakaan"]
    layanan, arsip = people["balangan.kasi-layanan"], people["balangan.kasi-arsip"]

    # The Sekretaris starts the quarter's run: its step 1 asks the units for their figures.
    start_run(sekretaris, TW4)

    # 1. Seksi Layanan types its figures; Seksi Arsip fills the Excel template offline and uploads it.
    send_typed_figures(layanan, TW4, LAYANAN, {VISITORS: "12.100", MEMBERS: "3.520", LOAN_TIME: "9,5"})
    send_figures_by_excel(arsip, TW4, ARSIP, {DIGITISED: "41,5"}, tmp_path)

    # 2. The Kepala Bidang returns Seksi Layanan's figures with a note; until they are back, the data
    #    step names the unit that is missing.
    note = "Pengunjung perpustakaan keliling bulan Desember belum dihitung."
    review_figures(kabid, TW4, LAYANAN, return_note=note)
    submit_current_step(sekretaris, TW4, 1, steps[1], "Disposisi pengumpulan data TW IV", refused=LAYANAN)
    fix_returned_figures(layanan, TW4, LAYANAN, note, {VISITORS: "12.640", MEMBERS: "3.520", LOAN_TIME: "9,5"})
    review_figures(kabid, TW4, LAYANAN)

    # 3. Steps 1-5, each approved in place on the approver's dashboard; step 2 is returned once.
    submit_current_step(sekretaris, TW4, 1, steps[1], "Disposisi pengumpulan data TW IV")
    approve_on_dashboard(kadis, 1, steps[1], note="Rekap paling lambat Jumat.")
    submit_current_step(kasubbag, TW4, 2, steps[2], "Rekap TW IV")
    return_on_dashboard(sekretaris, 2, steps[2], "Rekap Bidang Kearsipan belum dilampirkan.")
    open_run(kasubbag, TW4)
    expect(kasubbag.get_by_text("Dikembalikan: Rekap Bidang Kearsipan belum dilampirkan.")).to_be_visible()
    submit_current_step(kasubbag, TW4, 2, steps[2], "Rekap TW IV dengan Bidang Kearsipan")
    approve_on_dashboard(sekretaris, 2, steps[2])
    for number, executor, approver in ((3, staf, kasubbag), (4, staf, kasubbag), (5, kabid, kadis)):
        submit_current_step(executor, TW4, number, steps[number], f"Selesai: {steps[number]}")
        approve_on_dashboard(approver, number, steps[number])

    # The figures the run collected are locked now: read, with no input left to type in.
    open_figures(layanan, TW4, LAYANAN)
    expect(layanan.locator("#figures-form")).to_have_count(0)
    expect(layanan.get_by_role("row", name=re.compile(re.escape(VISITORS)))).to_be_visible()

    # 4-6. The run has finished; the Kepala Dinas signs the triwulan report; pdfsig validates it.
    sign_finished_quarter(kadis, balangan, TW4, KADIS_NAME, tmp_path)

    run = Run.objects.get(sop__agency=balangan, period=str(TW4))
    assert run.state == Run.State.FINISHED
    assert [(rs.step.number, rs.state) for rs in run.steps.order_by("sequence")] == [
        (n, RunStep.State.APPROVED) for n in range(1, 6)
    ]
    assert run.steps.get(step__number=2).returned_count == 1
    figures = realisations(balangan, TW4)
    assert (figures[VISITORS], figures[MEMBERS], figures[LOAN_TIME]) == (Decimal(12640), Decimal(3520), Decimal("9.5"))
    assert figures[DIGITISED] == Decimal("41.5")
    states = submission_states(balangan, TW4)
    assert states[LAYANAN] == UnitSubmission.State.APPROVED and states[ARSIP] == UnitSubmission.State.SUBMITTED
