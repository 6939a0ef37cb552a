"""The run page keeps what everyone sees (the steps, their disposisi and files, the history) under a
stamp of the run's rows, and draws each viewer's forms, the overdue marks and the cancel form at
each request: a step submitted, approved or returned, a disposisi given or read, a renamed person or
another language never shows the old page; one viewer's forms never show for another, a Plh gets
theirs the day they are appointed, and another agency's run stays a 404."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sopkinerja.common.periods import Period
from tests.support.scale import seed_scale
from workflow.models import Disposition, Employee, Run, RunStep
from workflow.organisation.appointments import acting_appoint
from workflow.runs.services import run_step_approve, run_step_send_back, run_step_submit

from .conftest import PASSWORD, employee, user
from .test_fragments_kept import kept  # noqa: F401 (the fixture)
from .test_query_counts_at_scale import NOW, signed_in
from .workflow_helpers import step

SUBMIT = "Sampaikan langkah ini"
APPROVE = "Setujui"
CANCEL = "Batalkan pelaksanaan ini"


# Both layers of stamped values on, as in production: the page is kept in this process's memory.
pytestmark = pytest.mark.usefixtures("kept")


def run_page(client, run) -> str:
    response = client.get(reverse("workflow:run-detail", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def kept_pages() -> int:
    return sum(1 for key in caches["local"]._cache if ":run-page:" in key)


def test_the_page_is_kept_and_drawn_from_the_kept_copy_the_second_time(login, run):
    client = login("balangan.kadis")
    first = run_page(client, run)
    assert kept_pages() == 1
    with CaptureQueriesContext(connection) as queries:
        second = run_page(client, run)
    assert second.count("<tr") == first.count("<tr") and kept_pages() == 1
    # Drawn from the kept copy: the actors and the history are read by the stamp only.
    drawn = [q["sql"] for q in queries if "md5" not in q["sql"]]
    assert not any("workflow_stepactor" in sql or "django_fsm_log_statelog" in sql for sql in drawn)


def test_a_submitted_step_shows_its_output_and_its_approval_forms_though_the_old_page_is_kept(login, run):
    client = login("balangan.kadis")
    page = run_page(client, run)
    assert APPROVE not in page and "Direkap tanpa sisa" not in page
    first = step(run, 1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Direkap tanpa sisa")
    page = run_page(client, run)
    assert "Direkap tanpa sisa" in page and "Langkah 1 disampaikan" in page
    assert APPROVE in page and f'action="{reverse("workflow:step-approve", args=[first.pk])}"' in page


def test_an_approved_step_shows_the_disposisi_given_for_the_next_though_the_old_page_is_kept(login, run):
    client = login("balangan.staf")
    run_page(client, run)
    first = step(run, 1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    run_step_approve(run_step_id=first.pk, user=user("balangan.kadis"))
    given = step(run, 2).disposition
    page = run_page(client, run)
    assert "Langkah 1 disetujui" in page and f"Disposisi {given.number}" in page
    assert reverse("workflow:disposition", args=[given.pk]) in page


def test_a_returned_step_shows_the_note_though_the_old_page_is_kept(login, run):
    client = login("balangan.sekretaris")
    run_page(client, run)
    first = step(run, 1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    assert "Dikembalikan: Nomor surat salah" not in run_page(client, run)
    run_step_send_back(run_step_id=first.pk, user=user("balangan.kadis"), note="Nomor surat salah")
    page = run_page(client, run)
    assert "Dikembalikan: Nomor surat salah" in page and SUBMIT in page


def test_a_disposisi_read_shows_as_read_though_the_old_page_is_kept(login, run):
    client = login("balangan.staf")
    assert "belum dibaca" in run_page(client, run)
    Disposition.objects.filter(run_step__run=run).update(read_at=timezone.now(), read_by=user("balangan.sekretaris"))
    page = run_page(client, run)
    assert "belum dibaca" not in page and "Disposisi langkah 1 dibaca" in page


def test_the_history_names_a_renamed_person_by_their_new_name(login, run):
    client = login("balangan.kadis")
    assert "Hj. NOOR AINAH BINTI AMAT" not in run_page(client, run)
    Employee.objects.filter(user__username="balangan.sekretaris").update(full_name="Hj. NOOR AINAH BINTI AMAT")
    assert "Hj. NOOR AINAH BINTI AMAT" in run_page(client, run)


def test_the_kept_page_follows_the_language(login, run):
    client = login("balangan.staf")
    assert "Riwayat" in run_page(client, run)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = run_page(client, run)
    assert "History" in page and "Riwayat" not in page


def test_one_viewers_forms_never_show_for_another_though_the_page_is_kept(login, run):
    assert SUBMIT in run_page(login("balangan.sekretaris"), run)  # the executor of step 1
    for other in ("balangan.staf", "balangan.kadis"):
        page = run_page(login(other), run)
        assert SUBMIT not in page and reverse("workflow:step-submit", args=[step(run, 1).pk]) not in page
    assert kept_pages() == 1
    assert SUBMIT in run_page(login("balangan.sekretaris"), run)


def test_only_who_may_cancel_the_run_is_offered_it_beside_the_kept_page(login, run):
    assert CANCEL in run_page(login("balangan.kadis"), run)
    assert CANCEL not in run_page(login("balangan.staf"), run)
    Run.objects.filter(pk=run.pk).update(state=Run.State.CANCELLED, cancel_reason="Diulang")
    page = run_page(login("balangan.kadis"), run)
    assert CANCEL not in page and "Dibatalkan: Diulang" in page


def test_a_plh_appointed_gets_the_form_to_submit_though_the_page_is_kept(login, run):
    client = login("balangan.staf")
    assert SUBMIT not in run_page(client, run)
    sekretaris = employee("balangan.sekretaris")
    today = timezone.localdate()
    acting_appoint(
        by=user("balangan.kadis"),
        position=sekretaris.position,
        employee=employee("balangan.staf"),
        kind="plh",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    assert SUBMIT in run_page(client, run)


def test_a_step_becomes_overdue_with_the_time_though_its_row_and_the_kept_page_do_not_change(login, run, monkeypatch):
    client = login("balangan.staf")
    due = step(run, 1).due_at
    assert due is not None and "Terlambat" not in run_page(client, run)
    later = due + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Terlambat" in run_page(client, run)
    assert kept_pages() == 1


def test_another_agency_never_gets_the_page_kept_for_balangan(login, run):
    activity = step(run, 1).step.activity
    assert activity in run_page(login("balangan.staf"), run)
    response = login("padangpanjang.kadis").get(reverse("workflow:run-detail", args=[run.pk]))
    assert response.status_code == 404 and activity not in response.content.decode()
    assert kept_pages() == 1


def test_balangan_never_gets_a_page_kept_for_another_agency(login, run, padang_panjang_run):
    activity = step(padang_panjang_run, 1).step.activity
    assert activity in run_page(login("padangpanjang.kadis"), padang_panjang_run)
    response = login("balangan.kadis").get(reverse("workflow:run-detail", args=[padang_panjang_run.pk]))
    assert response.status_code == 404 and activity not in response.content.decode()


def test_the_run_page_makes_as_many_queries_with_more_agencies_and_years_kept_or_drawn(client):
    seed_scale(agencies=1, years=1, password=PASSWORD, now=NOW)
    small = counts(client, "scale-001")
    seed_scale(agencies=1, years=3, first=3, password=PASSWORD, now=NOW)  # Balangan's copy again
    large = counts(client, "scale-003")
    assert (
        Run.objects.filter(sop__agency__slug="scale-003").count()
        > 2 * Run.objects.filter(sop__agency__slug="scale-001").count()
    )
    assert small == large, f"drawn, then kept: {small} queries at 1 year, {large} at 3 years"


def counts(client, slug: str) -> tuple[int, int]:
    """The queries of the run page of the agency's quarter that is over, drawn and then kept."""
    signed_in(client, slug)
    run = Run.objects.get(sop__agency__slug=slug, period=str(Period.parse("2026-TW3")))
    assert RunStep.objects.filter(run=run).count() == 5
    url = reverse("workflow:run-detail", args=[run.pk])
    measured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        measured.append(len(queries))
    return measured[0], measured[1]
