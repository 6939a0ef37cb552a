"""The workflow pages: thin views that show the services' refusals as the reason."""

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sopkinerja.common.periods import Period
from workflow.models import Attachment, Run, RunStep
from workflow.runs.services import run_start

from .conftest import user
from .genuine_files import EXE, pdf_bytes
from .workflow_helpers import step


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_run_is_started_from_the_runs_page(login, sop000):
    client = login("balangan.kadis")
    response = client.post(reverse("workflow:runs"), {"version": sop000.pk, "period": "2025-TW2"})
    assert response.status_code == 302
    assert flash(response) == ["Pelaksanaan dimulai dan disposisi pertamanya telah diterbitkan."]
    assert Run.objects.filter(sop=sop000.sop, period="2025-TW2").exists()


def test_a_refused_start_says_why_and_creates_nothing(login, sop000):
    response = login("balangan.staf").post(reverse("workflow:runs"), {"version": sop000.pk, "period": "2025-TW2"})
    assert "Anda tidak berwenang memulai pelaksanaan SOP ini." in response.content.decode()
    assert not Run.objects.filter(period="2025-TW2").exists()


def test_submitting_out_of_order_shows_the_reason(login, run):
    client = login("balangan.staf")
    response = client.post(
        reverse("workflow:step-submit", args=[step(run, 3).pk]), {f"s{step(run, 3).pk}-output_note": "Draft"}
    )
    assert flash(response) == ["Langkah 3 belum aktif: langkah-langkah sebelumnya harus disetujui lebih dulu."]
    assert step(run, 3).state == RunStep.State.WAITING


def test_a_submission_uploads_its_files(login, run):
    first = step(run, 1)
    upload = SimpleUploadedFile("disposisi.pdf", pdf_bytes(), content_type="application/pdf")
    response = login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]),
        {f"s{first.pk}-output_note": "Disposisi terkirim", f"s{first.pk}-files": [upload]},
    )
    assert flash(response) == ["Langkah 1 telah disampaikan."]
    assert [str(a) for a in Attachment.objects.filter(run_step=first)] == ["disposisi.pdf"]


def test_a_file_of_a_forbidden_type_is_refused_and_nothing_is_submitted(login, run):
    first = step(run, 1)
    upload = SimpleUploadedFile("virus.exe", EXE, content_type="application/octet-stream")
    response = login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]),
        {f"s{first.pk}-output_note": "Disposisi", f"s{first.pk}-files": [upload]},
    )
    assert "“virus.exe” ditolak" in response.content.decode()
    assert step(run, 1).state == RunStep.State.ACTIVE


def test_returning_without_a_note_is_refused_in_indonesian(login, run):
    first = step(run, 1)
    login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]), {f"s{first.pk}-output_note": "Disposisi"}
    )
    response = login("balangan.kadis").post(reverse("workflow:step-return", args=[first.pk]), {"note": ""})
    assert "Untuk mengembalikan langkah, catatan tentang yang harus diperbaiki wajib diisi." in flash(response)
    assert step(run, 1).state == RunStep.State.SUBMITTED


def test_the_run_page_offers_each_person_only_their_own_actions(login, run):
    page = login("balangan.sekretaris").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert "Sampaikan langkah ini" in page and "Setujui" not in page
    page = login("balangan.staf").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert "Sampaikan langkah ini" not in page
    assert "Pelaksanaan dimulai untuk Triwulan I 2025" in page  # the history


def test_the_run_page_measures_a_quarter_against_its_own_steps_not_the_whole_sops_jumlah(login, run):
    page = login("balangan.staf").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    # Steps 1-5 of seed 000: 15 + 30 + 2 + 30 + 30 minutes; the SOP's Jumlah (122 hari …) spans the year.
    assert "Waktu penyelesaian / standar: — / 1 jam 47 menit" in page
    assert "122 hari" not in page


def test_the_dashboard_lists_my_tasks_and_my_approvals(login, run):
    first = step(run, 1)
    page = login("balangan.sekretaris").get(reverse("workflow:home")).content.decode()
    assert "Tugas saya" in page and "Mengumpulkan data laporan kinerja" in page
    login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]), {f"s{first.pk}-output_note": "Disposisi"}
    )
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert page.count(f'id="approve-note-{first.pk}"') == 1  # awaiting my approval, once


def test_another_agency_cannot_see_or_touch_a_run(login, run):
    client = login("padangpanjang.kadis")
    assert client.get(reverse("workflow:run-detail", args=[run.pk])).status_code == 404
    assert client.post(reverse("workflow:step-approve", args=[step(run, 1).pk])).status_code == 404
    assert client.post(reverse("workflow:run-cancel", args=[run.pk]), {"reason": "x"}).status_code == 404
    disposition = step(run, 1).disposition
    assert client.get(reverse("workflow:disposition", args=[disposition.pk])).status_code == 404


def test_staff_who_may_not_start_a_run_are_not_offered_the_form(login, sop000):
    staff = login("balangan.kasi-layanan").get(reverse("workflow:runs")).content.decode()
    assert "Pelaksanaan dimulai oleh Kepala Dinas" in staff and 'name="version"' not in staff
    secretary = login("balangan.sekretaris").get(reverse("workflow:runs")).content.decode()
    assert 'name="version"' in secretary


def _finished_runs(version, count: int, first_year: int) -> None:
    """Years of finished quarterly runs, written straight to the table (their steps do not matter here)."""
    from django.utils import timezone

    starter = user("balangan.sekretaris")
    Run.objects.bulk_create(
        Run(
            sop=version.sop,
            version=version,
            period=f"{first_year + n // 4}-TW{n % 4 + 1}",
            state=Run.State.FINISHED,
            started_by=starter,
            started_at=timezone.now(),
        )
        for n in range(count)
    )


def test_the_runs_list_shows_a_page_at_a_time_at_the_same_cost_whatever_the_history(
    login, sop000, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("balangan.sekretaris")
    _finished_runs(sop000, 30, 2000)
    with CaptureQueriesContext(connection) as small:
        first = client.get(reverse("workflow:runs"))
    assert len(first.context["runs"]) == 25 and "Halaman 1 dari 2" in first.content.decode()
    _finished_runs(sop000, 60, 2010)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("workflow:runs"), {"page": "4"})
    total = Run.objects.filter(sop=sop000.sop).count()  # the seed's own runs and the 90 written here
    assert len(response.context["runs"]) == total - 3 * 25
    assert "Halaman 4 dari 4" in response.content.decode()


def test_a_page_number_that_is_not_a_number_shows_the_first_page(login, sop000):
    response = login("balangan.sekretaris").get(reverse("workflow:runs"), {"page": "abc"})
    assert response.status_code == 200 and response.context["runs"].number == 1


def test_a_refused_submission_shows_the_step_form_again_with_everything_typed(login, sop000):
    quarter = run_start(version=sop000, period=Period.parse("2026-TW4"), user=user("balangan.sekretaris"))
    first = step(quarter, 1)
    typed = "Disposisi pengumpulan data TW IV\nkepada semua bidang"
    response = login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]), {f"s{first.pk}-output_note": typed}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unit berikut belum menyampaikan data Triwulan IV 2026" in page
    assert f"{typed}</textarea>" in page
    assert step(quarter, 1).state == RunStep.State.ACTIVE


def test_a_submission_refused_by_its_form_keeps_the_output_typed(login, run):
    first = step(run, 1)
    upload = SimpleUploadedFile("virus.exe", EXE, content_type="application/octet-stream")
    response = login("balangan.sekretaris").post(
        reverse("workflow:step-submit", args=[first.pk]),
        {f"s{first.pk}-output_note": "Disposisi terkirim ke Kasubbag", f"s{first.pk}-files": [upload]},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "“virus.exe” ditolak" in page
    assert "Disposisi terkirim ke Kasubbag</textarea>" in page


def periods_offered(client) -> list[str]:
    form = client.get(reverse("workflow:runs")).context["form"]
    return [value for value, _label in form.fields["period"].choices]


def test_the_start_form_offers_only_the_periods_that_can_start(login, sop000):
    offered = periods_offered(login("balangan.kadis"))
    # Quarters without a run; no semester or year before their quarters' runs have finished.
    assert "2026-TW4" in offered and not any("-S" in p or "-TW" not in p for p in offered)
    run_start(version=sop000, period=Period.parse("2026-TW4"), user=user("balangan.sekretaris"))
    assert "2026-TW4" not in periods_offered(login("balangan.kadis"))


def test_a_quarterly_sop_is_never_offered_a_semester(login, sop002):
    offered = periods_offered(login("padangpanjang.kadis"))
    assert offered and all("-TW" in p for p in offered)
