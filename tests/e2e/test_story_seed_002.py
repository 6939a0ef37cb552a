"""Padang Panjang (seed 002), a whole quarter in the browser, with its decision loop:

1. its two bidang enter their figures for Triwulan IV 2026, Bidang Kearsipan by the Excel template;
2. the Kepala Dinas returns Bidang Perpustakaan's figures with a note from her dashboard, they are
   fixed and approved there too (Bidang Kearsipan's on the figures page);
3. the run of SOP 002 goes through its ten steps: the Sekretaris returns the data step (3) from the
   dashboard and it is handed in again; the Kasubbag's check (7) answers "Tidak" once, which sends
   the run back to drafting (5), and "Ya" the second time;
4. the run finishes, so the triwulan report is ready to sign;
5. the Kepala Dinas signs it on the Documents page;
6. the downloaded PDF's signature validates with pdfsig.
"""

from decimal import Decimal

from playwright.sync_api import expect

from reports.models import UnitSubmission
from sopkinerja.common.periods import Period
from workflow.models import Agency, Run, RunStep

from .story import (
    approve_on_dashboard,
    fix_returned_figures,
    open_run,
    realisations,
    return_on_dashboard,
    review_figures,
    review_figures_on_dashboard,
    send_figures_by_excel,
    send_typed_figures,
    sign_finished_quarter,
    start_run,
    step_names,
    step_row,
    submission_states,
    submit_current_step,
)

TW4 = Period.parse("2026-TW4")
PERPUS, ARSIP = "Bidang Perpustakaan", "Bidang Kearsipan"
TGM, IPLM, VISITORS = (
    "Tingkat Gemar Membaca (TGM)",
    "Indeks Pembangunan Literasi Masyarakat (IPLM)",
    "Jumlah pengunjung perpustakaan",
)
DIGITISED = "Persentase arsip statis yang dialihmediakan"
GOOD_RECORDS = "Persentase perangkat daerah dengan pengelolaan arsip kategori baik"
KADIS_NAME = "Dra. YUSNIDAR, M.Si."


def test_padang_panjang_runs_its_quarter_through_the_decision_loop_and_signs_it(people, tmp_path):
    padang_panjang = Agency.objects.get(slug="padang-panjang")
    steps = step_names(padang_panjang)
    kadis, sekretaris = people["padangpanjang.kadis"], people["padangpanjang.sekretaris"]
    kasubbag, perencana = people["padangpanjang.kasubbag"], people["padangpanjang.perencana"]
    perpus, arsip = people["padangpanjang.kabid-perpustakaan"], people["padangpanjang.kabid-arsip"]

    # The Kepala Dinas starts the run and gives the instruction (his own step: approved at once);
    # the Sekretaris passes it on to the Fungsional Perencana.
    start_run(kadis, TW4)
    submit_current_step(kadis, TW4, 1, steps[1], "Disposisi pengumpulan data TW IV kepada Sekretaris")
    expect(step_row(kadis, 1, steps[1])).to_contain_text("Disetujui")
    submit_current_step(sekretaris, TW4, 2, steps[2], "Perintah kepada Fungsional Perencana")
    approve_on_dashboard(kadis, 2, steps[2])

    # 1. Bidang Perpustakaan types its figures; Bidang Kearsipan fills the Excel template offline.
    send_typed_figures(perpus, TW4, PERPUS, {TGM: "70,25", IPLM: "71,8", VISITORS: "9.100"})
    send_figures_by_excel(arsip, TW4, ARSIP, {DIGITISED: "31,5", GOOD_RECORDS: "60"}, tmp_path)

    # 2. The Kepala Dinas returns Bidang Perpustakaan's figures from her dashboard; meanwhile the data
    #    step names the unit.
    note = "Jumlah pengunjung belum termasuk layanan pojok baca digital."
    review_figures_on_dashboard(kadis, PERPUS, return_note=note)
    submit_current_step(perencana, TW4, 3, steps[3], "Data dari bidang-bidang", refused=PERPUS)
    fix_returned_figures(perpus, TW4, PERPUS, note, {TGM: "70,25", IPLM: "71,8", VISITORS: "9.870"})
    review_figures_on_dashboard(kadis, PERPUS)
    review_figures(kadis, TW4, ARSIP)

    # 3. The data step is returned from the dashboard once, then the chain runs to the check.
    submit_current_step(perencana, TW4, 3, steps[3], "Data dari bidang-bidang")
    return_on_dashboard(sekretaris, 3, steps[3], "Lampirkan rekap per bidang.")
    submit_current_step(perencana, TW4, 3, steps[3], "Data dan rekap per bidang")
    approve_on_dashboard(sekretaris, 3, steps[3])
    submit_current_step(kasubbag, TW4, 4, steps[4], "Materi diterima")
    approve_on_dashboard(sekretaris, 4, steps[4])
    for attempt, answer in ((1, "Tidak"), (2, "Ya")):
        submit_current_step(perencana, TW4, 5, steps[5], f"Draft data kinerja, putaran {attempt}")
        approve_on_dashboard(sekretaris, 5, steps[5])
        submit_current_step(perencana, TW4, 6, steps[6], "Draft disampaikan kepada Kasubbag")
        approve_on_dashboard(sekretaris, 6, steps[6])
        submit_current_step(kasubbag, TW4, 7, steps[7], f"Diperiksa: {answer}", answer=answer)
        approve_on_dashboard(sekretaris, 7, steps[7])
        if answer == "Tidak":  # back to drafting: a second round of steps 5-7 is waiting
            open_run(perencana, TW4)
            expect(step_row(perencana, 5, steps[5])).to_contain_text("putaran 2")
            expect(step_row(perencana, 5, steps[5])).to_contain_text("Sedang berjalan")
    submit_current_step(sekretaris, TW4, 8, steps[8], "Dokumen final dilaporkan kepada Kepala Dinas")
    approve_on_dashboard(kadis, 8, steps[8])
    submit_current_step(kadis, TW4, 9, steps[9], "Ditandatangani")
    submit_current_step(perencana, TW4, 10, steps[10], "Didistribusikan kepada pihak terkait")
    approve_on_dashboard(sekretaris, 10, steps[10])

    # 4-6. The run has finished; the Kepala Dinas signs the triwulan report; pdfsig validates it.
    sign_finished_quarter(kadis, padang_panjang, TW4, KADIS_NAME, tmp_path)

    run = Run.objects.get(sop__agency=padang_panjang, period=str(TW4))
    assert run.state == Run.State.FINISHED
    assert [(rs.step.number, rs.attempt) for rs in run.steps.order_by("sequence")] == [
        (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (5, 2), (6, 2), (7, 2), (8, 1), (9, 1), (10, 1),
    ]  # fmt: skip
    assert set(run.steps.values_list("state", flat=True)) == {RunStep.State.APPROVED}
    assert list(run.steps.filter(step__number=7).order_by("attempt").values_list("answer", flat=True)) == [
        "Tidak",
        "Ya",
    ]
    assert run.steps.get(step__number=3).returned_count == 1
    figures = realisations(padang_panjang, TW4)
    assert (figures[TGM], figures[IPLM], figures[VISITORS]) == (Decimal("70.25"), Decimal("71.8"), Decimal(9870))
    assert (figures[DIGITISED], figures[GOOD_RECORDS]) == (Decimal("31.5"), Decimal(60))
    assert submission_states(padang_panjang, TW4) == {
        PERPUS: UnitSubmission.State.APPROVED,
        ARSIP: UnitSubmission.State.APPROVED,
    }
