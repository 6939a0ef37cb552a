"""A right taken away shows at the next request, on the same signed-in session: the navigation and the
pages read who holds or acts for a position afresh for each request, never from an earlier answer.
And what a signed-in page costs does not grow with the agency's data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import UnitSubmission
from reports.performance.selectors import submissions_to_review
from workflow.models import ActingAssignment, Employee, Position, Unit
from workflow.organisation.appointments import acting_appoint, acting_end
from workflow.permissions import can_review_submission, local_today

from .conftest import user

TW3 = "2026-TW3"
SIGN_FIELD = 'name="report-sign"'


def documents_page(client) -> str:
    response = client.get(reverse("reports:documents"))
    assert response.status_code == 200
    return response.content.decode()


def overview(client) -> str:
    response = client.get(reverse("reports:figures-period", args=[TW3]))
    assert response.status_code == 200
    return response.content.decode()


def unit_links(agency) -> list[str]:
    units = Unit.objects.filter(agency=agency, indicators__targets__year=2026).distinct()
    return [reverse("reports:figures-unit", args=[TW3, unit.pk]) for unit in units]


def appoint(agency, rank: str, who: str) -> ActingAssignment:
    today = local_today(agency)
    return acting_appoint(
        by=user(f"{agency.slug}.kadis"),
        position=Position.objects.get(agency=agency, rank=rank),
        employee=user(who).employee,
        kind="plh",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=3),
        note="ST 800/21/2026",
    )


def test_a_plh_of_the_kepala_dinas_is_offered_tte_on_the_documents_page_until_the_appointment_is_ended(login, balangan):
    client = login("balangan.sekretaris")
    assert SIGN_FIELD not in documents_page(client)
    assignment = appoint(balangan, "kepala_dinas", "balangan.sekretaris")
    assert SIGN_FIELD in documents_page(client)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assert SIGN_FIELD not in documents_page(client), "the ended Plh was still offered a signature"


def test_an_acting_assignment_that_is_over_no_longer_offers_tte_at_the_next_request(login, balangan):
    client = login("balangan.sekretaris")
    assignment = appoint(balangan, "kepala_dinas", "balangan.sekretaris")
    assert SIGN_FIELD in documents_page(client)
    today = local_today(balangan)
    ActingAssignment.objects.filter(pk=assignment.pk).update(
        starts_on=today - datetime.timedelta(days=5), ends_on=today - datetime.timedelta(days=1)
    )
    assert SIGN_FIELD not in documents_page(client), "an appointment that ended yesterday still signs"


def test_a_kepala_dinas_moved_to_another_position_no_longer_signs_at_the_next_request(login, balangan):
    client = login("balangan.kadis")
    assert SIGN_FIELD in documents_page(client)
    Employee.objects.filter(user__username="balangan.kadis").update(
        position=Position.objects.get(agency=balangan, rank="sekretaris")
    )
    assert SIGN_FIELD not in documents_page(client), "the former Kepala Dinas was still offered a signature"


def test_a_plh_of_the_sekretaris_reads_every_units_figures_on_the_overview_until_the_appointment_is_ended(
    login, balangan
):
    client = login("balangan.kasubbag-umum")
    every_unit = unit_links(balangan)
    assert len(every_unit) > 1
    assert not all(link in overview(client) for link in every_unit)
    assignment = appoint(balangan, "sekretaris", "balangan.kasubbag-umum")
    page = overview(client)
    assert all(link in page for link in every_unit)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    page = overview(client)
    assert not all(link in page for link in every_unit), "the ended Plh still read every unit's figures"


def test_a_login_no_longer_staff_loses_the_administration_link_in_the_navigation_at_the_next_request(
    login, balangan, django_user_model
):
    django_user_model.objects.filter(username="balangan.kasubbag").update(is_staff=True)
    client = login("balangan.kasubbag")
    links = [f'href="{reverse("admin:index")}"', f'href="{reverse("reports:signing-keys")}"']
    page = documents_page(client)
    assert all(link in page for link in links)
    django_user_model.objects.filter(username="balangan.kasubbag").update(is_staff=False)
    page = documents_page(client)
    assert not any(link in page for link in links), "the navigation kept a right taken away"
    assert f'href="{reverse("reports:documents")}"' in page  # the rest of the menu stays


def counted(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_a_signed_in_page_not_found_costs_the_session_and_the_login_only(login, balangan):
    client = login("balangan.sekretaris")
    client.get("/")
    assert counted(client, "/tidak-ada/") == 2  # the session, the login with its employee


def submit(units, periods, who="balangan.kasubbag") -> None:
    UnitSubmission.objects.bulk_create(
        UnitSubmission(
            unit=unit,
            period=period,
            state=UnitSubmission.State.SUBMITTED,
            submitted_by=user(who),
            submitted_at=timezone.now(),
        )
        for period in periods
        for unit in units
        if not UnitSubmission.objects.filter(unit=unit, period=period).exists()
    )


def test_the_figures_overview_costs_as_many_queries_with_every_unit_waiting_for_review_as_with_one(login, balangan):
    client = login("balangan.kadis")
    url = reverse("reports:figures-period", args=[TW3])
    units = list(Unit.objects.filter(agency=balangan, indicators__isnull=False).distinct())
    submit(units[:1], ["2026-TW1"])
    client.get(url)
    one_waiting = counted(client, url)
    submit(units, ["2026-TW1", "2026-TW2", TW3])
    assert UnitSubmission.objects.filter(unit__agency=balangan, state=UnitSubmission.State.SUBMITTED).count() >= 6
    assert counted(client, url) == one_waiting, "the overview asks who reviews each submission on its own"


@pytest.mark.parametrize("who", ["balangan.kadis", "balangan.sekretaris", "balangan.kasubbag-umum"])
def test_who_reviews_a_units_figures_is_decided_as_for_one_submission_at_a_time(balangan, who):
    units = Unit.objects.filter(agency=balangan, indicators__isnull=False).distinct()
    submitters = ["balangan.kasubbag", "balangan.kasi-layanan", "balangan.kadis", "balangan.staf"]
    for unit, submitter in zip(units, submitters, strict=False):
        UnitSubmission.objects.create(
            unit=unit, period=TW3, state=UnitSubmission.State.SUBMITTED, submitted_by=user(submitter)
        )
    appoint(balangan, "sekretaris", "balangan.kasubbag-umum")
    viewer = user(who)
    waiting = UnitSubmission.objects.filter(unit__agency=balangan, state=UnitSubmission.State.SUBMITTED)
    one_at_a_time = [s.pk for s in waiting.order_by("-period", "unit__name") if can_review_submission(viewer, s)]
    assert [s.pk for s in submissions_to_review(balangan, viewer)] == one_at_a_time


def test_the_kept_main_menu_follows_the_language_of_the_viewer(login, balangan, settings):
    client = login("balangan.sekretaris")
    runs = f'href="{reverse("workflow:runs")}">'
    assert f"{runs}Pelaksanaan SOP</a>" in documents_page(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert f"{runs}SOP runs</a>" in documents_page(client)
