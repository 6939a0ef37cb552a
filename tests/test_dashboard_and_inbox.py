"""The dashboard and the disposisi inbox: what waits for me, decided in place, and who has read what."""

from decimal import Decimal as D

from django.core import mail
from django.urls import reverse

from reports.models import UnitSubmission
from reports.performance.selectors import unit_indicators
from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from tests.conftest import user
from tests.workflow_helpers import approver_of, complete_current, current, executor_of
from workflow.models import Disposition, Run, RunStep, Unit
from workflow.runs.services import run_start, run_step_approve, run_step_submit


def submit_current(run, note="Selesai"):
    attempt = current(run)
    run_step_submit(run_step_id=attempt.pk, user=executor_of(attempt), output_note=note)
    attempt.refresh_from_db()
    return attempt


def test_the_inbox_lists_my_unread_disposisi_and_never_another_agencys(login, run, sop002):
    run_start(version=sop002, period=Period.parse("2026-TW4"), user=user("padangpanjang.kadis"))
    page = login("balangan.sekretaris").get(reverse("workflow:disposition-inbox")).content.decode()
    mine = current(run).disposition
    assert mine.number in page and "Kotak masuk disposisi" in page
    others = Disposition.objects.exclude(run_step__run=run)
    assert others.exists() and not any(other.number in page for other in others)


def test_opening_a_disposisi_moves_it_to_read(login, run):
    client = login("balangan.sekretaris")
    disposition = current(run).disposition
    client.get(reverse("workflow:disposition", args=[disposition.pk]))
    disposition.refresh_from_db()
    assert disposition.read_by == user("balangan.sekretaris")
    page = client.get(reverse("workflow:disposition-inbox")).content.decode()
    assert "Tidak ada disposisi yang belum dibaca." in page and disposition.number in page


def test_acting_on_a_step_without_opening_its_disposisi_counts_as_reading_it(run):
    attempt = submit_current(run)
    attempt.disposition.refresh_from_db()
    assert attempt.disposition.read_at is not None and attempt.disposition.read_by == attempt.submitted_by


def test_the_approvers_note_is_kept_beside_the_next_instruction_not_run_into_it(login, run):
    attempt = submit_current(run)
    run_step_approve(run_step_id=attempt.pk, user=approver_of(attempt), note="Gunakan format triwulan yang baru.")
    following = current(run).disposition
    assert following.instruction == current(run).step.activity
    assert following.note == "Gunakan format triwulan yang baru."
    page = login(executor_of(current(run)).username).get(reverse("workflow:disposition", args=[following.pk]))
    assert '<th>Catatan dari langkah sebelumnya</th><td colspan="3">Gunakan format triwulan yang baru.</td>' in (
        page.content.decode()
    )


def test_the_disposisi_mail_has_a_short_subject_and_the_note_in_its_own_line(run, django_capture_on_commit_callbacks):
    attempt = submit_current(run)
    with django_capture_on_commit_callbacks(execute=True):
        run_step_approve(run_step_id=attempt.pk, user=approver_of(attempt), note="Gunakan format triwulan yang baru.")
    sent = mail.outbox[-1]
    assert sent.subject == f"Disposisi langkah 2: {current(run).step.activity}"
    assert "Gunakan" not in sent.subject and len(sent.subject) <= 100
    assert "\nCatatan dari langkah sebelumnya: Gunakan format triwulan yang baru.\n" in sent.body


def test_a_step_is_approved_in_place_from_the_dashboard(login, run):
    attempt = submit_current(run)
    approver = approver_of(attempt)
    client = login(approver.username)
    assert f"approve-note-{attempt.pk}" in client.get(reverse("workflow:home")).content.decode()
    page = client.get(reverse("workflow:home")).content.decode()
    waiting = int(page.split('id="count-to-approve">')[1].split("<")[0])
    response = client.post(reverse("workflow:step-approve", args=[attempt.pk]), {"note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Langkah 1 telah disetujui." in response.content.decode()
    # The badge of "Awaiting my approval" counts one less, swapped out of band.
    expected = f'id="count-to-approve" hx-swap-oob="true">{waiting - 1}</span>'
    assert waiting >= 1 and expected in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == RunStep.State.APPROVED


def test_a_return_from_the_dashboard_without_a_note_is_refused_and_changes_nothing(login, run):
    attempt = submit_current(run)
    client = login(approver_of(attempt).username)
    response = client.post(reverse("workflow:step-return", args=[attempt.pk]), {"note": " "}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "alert-danger" in html
    assert "catatan tentang yang harus diperbaiki wajib diisi" in html  # says which box, not "this field"
    # The same item comes back with its forms, the return box open, to try again in place.
    assert f'id="return-note-{attempt.pk}"' in html and f'id="approve-note-{attempt.pk}"' in html
    assert '<details class="mt-1" open>' in html
    attempt.refresh_from_db()
    assert attempt.state == RunStep.State.SUBMITTED and attempt.returned_count == 0


def test_an_empty_return_box_is_explained_in_indonesian_by_the_browser_too(login, run):
    attempt = submit_current(run)
    page = login(approver_of(attempt).username).get(reverse("workflow:home")).content.decode()
    # static/js/app.js shows this instead of the browser's own "Please fill out this field."
    said = "Untuk mengembalikan langkah, catatan tentang yang harus diperbaiki wajib diisi."
    assert f'data-required-message="{said}"' in page


def test_the_dashboard_shows_runs_in_progress_with_their_current_step_and_holder(login, run):
    complete_current(run)
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert '<progress value="1" max="5"' in page
    assert current(run).step.activity[:30] in page and "Kasubbag Perencanaan dan Keuangan" in page


def test_the_runs_can_be_filtered_by_period_and_state_and_a_bad_period_says_why(login, run, sop000):
    client = login("balangan.kadis")
    finished = client.get(reverse("workflow:home"), {"state": Run.State.FINISHED}).content.decode()
    assert "Tidak ada pelaksanaan yang cocok." in finished
    other = client.get(reverse("workflow:home"), {"period": "2026-TW1", "state": ""}).content.decode()
    assert "Tidak ada pelaksanaan yang cocok." in other
    bad = client.get(reverse("workflow:home"), {"period": "kuartal 9"}).content.decode()
    assert "Tulis periode seperti 2026-TW3" in bad


def test_the_dashboard_takes_a_bounded_number_of_queries_whatever_the_runs(
    login, sop000, django_assert_max_num_queries
):
    client = login("balangan.kadis")
    for quarter in (2, 3):
        run_start(version=sop000, period=Period.parse(f"2025-TW{quarter}"), user=user("balangan.sekretaris"))
    with django_assert_max_num_queries(45):
        client.get(reverse("workflow:home"), {"state": ""})
    for quarter in (4,):
        run_start(version=sop000, period=Period.parse(f"2025-TW{quarter}"), user=user("balangan.sekretaris"))
    run_start(version=sop000, period=Period.parse("2024-TW1"), user=user("balangan.sekretaris"))
    with django_assert_max_num_queries(45):
        client.get(reverse("workflow:home"), {"state": ""})


def test_each_indicator_on_the_dashboard_has_a_traffic_light_by_its_capaian(login, sop000, settings):
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    # Seed TW III 2026: visitors 85,24 % (yellow), TGM 99,30 % (green); none below 70.
    assert page.count("light-green") == 7 and page.count("light-yellow") == 1 and "light-red" not in page
    settings.TRAFFIC_LIGHT_THRESHOLDS = (90, 99.5)
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert page.count('class="light light-red"') == 1 and '<span class="visually-hidden">merah</span>' in page


def sent_figures(balangan):
    """Seksi Layanan's Triwulan IV 2026, sent by its Kepala Seksi: the Kepala Bidang reviews it."""
    unit = Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=Period.parse("2026-TW4"), rows=rows, user=user("balangan.kasi-layanan"))
    return unit_submission_submit(unit=unit, period=Period.parse("2026-TW4"), user=user("balangan.kasi-layanan"))


def test_a_units_figures_wait_on_the_heads_dashboard_and_are_approved_in_place(login, balangan):
    submission = sent_figures(balangan)
    client = login("balangan.kabid-perpustakaan")
    page = client.get(reverse("workflow:home")).content.decode()
    assert "Data kinerja triwulan · Seksi Layanan dan Pembudayaan Gemar Membaca" in page
    assert "Triwulan IV 2026 · RINA MARLIANA, S.IP." in page
    assert 'Menunggu saya <span class="badge text-bg-warning">1</span>' in page
    assert reverse("reports:submission-approve", args=[submission.pk]) in page
    assert f'for="figures-return-note-{submission.pk}"' in page and f'id="figures-return-note-{submission.pk}"' in page
    url = reverse("reports:submission-approve", args=[submission.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Disetujui: Seksi Layanan dan Pembudayaan Gemar Membaca." in response.content.decode()
    # The counters above and beside the lists change with the decision, without reloading the page.
    answer = response.content.decode()
    assert '<ul class="list-inline mb-4 counters" id="dashboard-counters" hx-swap-oob="true">' in answer
    assert 'Menunggu saya <span class="badge text-bg-warning">0</span>' in answer
    assert '<span class="badge text-bg-secondary" id="count-to-approve" hx-swap-oob="true">0</span>' in answer
    submission.refresh_from_db()
    assert submission.state == UnitSubmission.State.APPROVED
    assert "Tidak ada yang menunggu persetujuan Anda." in client.get(reverse("workflow:home")).content.decode()


def test_figures_returned_from_the_dashboard_need_a_note(login, balangan):
    submission = sent_figures(balangan)
    client = login("balangan.kabid-perpustakaan")
    url = reverse("reports:submission-return", args=[submission.pk])
    response = client.post(url, {"note": " "}, HTTP_HX_REQUEST="true")
    assert "alert-danger" in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == UnitSubmission.State.SUBMITTED
    response = client.post(url, {"note": "Lampirkan bukti dukung"}, HTTP_HX_REQUEST="true")
    returned = "Dikembalikan ke Seksi Layanan dan Pembudayaan Gemar Membaca dengan catatan Anda."
    assert returned in response.content.decode()
    submission.refresh_from_db()
    assert (submission.state, submission.return_note) == (UnitSubmission.State.RETURNED, "Lampirkan bukti dukung")


def test_nobody_but_the_reviewer_sees_a_units_figures_waiting(login, balangan):
    sent_figures(balangan)
    for other in ("balangan.kasi-layanan", "balangan.kabid-arsip", "balangan.kadis"):
        page = login(other).get(reverse("workflow:home")).content.decode()
        assert "Data kinerja triwulan · Seksi Layanan" not in page, other


def test_figures_not_yet_approved_are_marked_provisional_on_the_dashboard_until_approved(login, balangan):
    submission = sent_figures(balangan)
    mark = 'class="badge text-bg-warning provisional"'
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert "Capaian kinerja, Triwulan IV 2026" in page
    assert page.count(mark) == len(unit_indicators(submission.unit, 2026)) == 3
    assert "belum disetujui kepala unit" in page
    login("balangan.kabid-perpustakaan").post(reverse("reports:submission-approve", args=[submission.pk]))
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert mark not in page
