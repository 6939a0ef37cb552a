"""Plh/Plt appointments: only the Kepala Dinas or a superuser appoints, nobody themselves, and the
agency sees who appointed whom. The admin goes through the same rules."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from workflow import permissions
from workflow.models import ActingAssignment, Employee, Position
from workflow.services.appointments import acting_appoint, acting_end

from .conftest import user

DAY = datetime.timedelta(days=1)


@pytest.fixture
def head(balangan) -> Position:
    return Position.objects.get(agency=balangan, rank="kepala_dinas")


@pytest.fixture
def sekretaris(balangan) -> Position:
    return Position.objects.get(agency=balangan, rank="sekretaris")


def balangan_today() -> datetime.date:
    """Today where the appointments are made: Balangan keeps WITA, a date ahead of UTC every evening."""
    from workflow.models import Agency

    return permissions.local_today(Agency.objects.get(slug="balangan"))


def employee(username: str) -> Employee:
    return Employee.objects.get(user__username=username)


def appoint(by, position, who, **extra):
    today = balangan_today()
    values = {"kind": "plh", "starts_on": today - DAY, "ends_on": today + 5 * DAY, "note": "ST 800/12/2026"}
    return acting_appoint(by=by, position=position, employee=employee(who), **(values | extra))


def refusal(action, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    return " ".join(caught.value.messages)


def test_the_kepala_dinas_appoints_a_plh_and_the_appointer_is_recorded(head):
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    assignment.refresh_from_db()
    assert assignment.appointed_by == user("balangan.kadis") and assignment.appointed_at is not None
    assert permissions.holds(user("balangan.sekretaris"), head)


def test_nobody_appoints_themselves(sekretaris):
    reason = refusal(appoint, by=user("balangan.kadis"), position=sekretaris, who="balangan.kadis")
    assert reason == "Tidak seorang pun dapat menunjuk dirinya sendiri sebagai Plh atau Plt."
    assert not ActingAssignment.objects.filter(position=sekretaris).exists()


def test_the_agency_admin_cannot_appoint_himself_plh_of_the_kepala_dinas(head):
    reason = refusal(appoint, by=user("balangan.kasubbag"), position=head, who="balangan.kasubbag")
    assert "dirinya sendiri" in reason
    assert not ActingAssignment.objects.filter(position=head).exists()


def test_someone_who_is_not_the_kepala_dinas_cannot_appoint(head, sekretaris):
    for appointer in ("balangan.sekretaris", "balangan.kasubbag"):
        reason = refusal(appoint, by=user(appointer), position=sekretaris, who="balangan.staf")
        assert reason == "Hanya Kepala Dinas atau administrator sistem yang dapat menunjuk Plh atau Plt."
    assert not ActingAssignment.objects.filter(position__in=[head, sekretaris]).exists()


def test_a_plh_of_the_kepala_dinas_cannot_appoint(head, sekretaris):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    reason = refusal(appoint, by=user("balangan.sekretaris"), position=sekretaris, who="balangan.staf")
    assert reason == "Hanya Kepala Dinas atau administrator sistem yang dapat menunjuk Plh atau Plt."


def test_the_kepala_dinas_of_another_agency_cannot_appoint_here(sekretaris):
    reason = refusal(appoint, by=user("padangpanjang.kadis"), position=sekretaris, who="balangan.staf")
    assert "Hanya Kepala Dinas" in reason


def test_a_superuser_appoints(head):
    assignment = appoint(user("admin"), head, "balangan.sekretaris", kind="plt")
    assert assignment.appointed_by.username == "admin"


def test_an_ended_appointment_no_longer_confers_the_position_and_records_who_ended_it(head):
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    assert "Hanya Kepala Dinas" in refusal(acting_end, by=user("balangan.sekretaris"), assignment=assignment)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.ended_by == user("balangan.kadis") and assignment.ended_at is not None
    assert not permissions.holds(user("balangan.sekretaris"), head)


def test_an_appointment_ended_before_it_began_covers_no_day(head):
    today = balangan_today()
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today + DAY)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assignment.refresh_from_db()
    assert not any(assignment.covers(today + n * DAY) for n in range(10))


def test_everyone_of_the_agency_sees_appointments_and_who_made_them(login, head):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    page = login("balangan.staf").get(reverse("workflow:appointments")).content.decode()
    kadis, sekretaris = employee("balangan.kadis").full_name, employee("balangan.sekretaris").full_name
    assert sekretaris in page and kadis in page and "ST 800/12/2026" in page
    assert "Tunjuk Plh atau Plt" not in page  # staff see no form


def test_another_agency_does_not_see_the_appointments(login, head):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    page = login("padangpanjang.kadis").get(reverse("workflow:appointments")).content.decode()
    assert "ST 800/12/2026" not in page


def test_the_kepala_dinas_appoints_from_the_page(login, sekretaris):
    client = login("balangan.kadis")
    today = balangan_today()
    form = {
        "position": sekretaris.pk,
        "employee": employee("balangan.kasubbag-umum").pk,
        "kind": "plh",
        "starts_on": today.isoformat(),
        "ends_on": (today + 3 * DAY).isoformat(),
        "note": "Cuti tahunan",
    }
    assert "Tunjuk Plh atau Plt" in client.get(reverse("workflow:appointments")).content.decode()
    response = client.post(reverse("workflow:appointments"), form)
    assert response.status_code == 302
    assignment = ActingAssignment.objects.get(position=sekretaris)
    assert assignment.appointed_by.username == "balangan.kadis"
    client.post(reverse("workflow:appointment-end", args=[assignment.pk]))
    assert ActingAssignment.objects.get(pk=assignment.pk).ended_by.username == "balangan.kadis"


def test_the_page_refuses_a_post_from_someone_who_is_not_the_kepala_dinas(login, head):
    today = balangan_today()
    form = {
        "position": head.pk,
        "employee": employee("balangan.kasubbag").pk,
        "kind": "plh",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
    }
    response = login("balangan.kasubbag").post(reverse("workflow:appointments"), form)
    assert response.status_code == 403
    assert not ActingAssignment.objects.filter(position=head).exists()


# The admin ------------------------------------------------------------------------------


def admin_form(position, who) -> dict:
    today = balangan_today()
    return {
        "position": position.pk,
        "employee": employee(who).pk,
        "kind": "plh",
        "starts_on": today.isoformat(),
        "ends_on": (today + DAY).isoformat(),
        "note": "",
    }


def test_the_agency_admin_cannot_add_an_appointment_of_the_kepala_dinas_in_the_admin(login, head):
    client = login("balangan.kasubbag")
    response = client.post(reverse("admin:workflow_actingassignment_add"), admin_form(head, "balangan.kasubbag"))
    assert response.status_code == 403
    assert not ActingAssignment.objects.filter(position=head).exists()


def test_the_agency_admin_cannot_change_or_delete_an_appointment_of_the_kepala_dinas(login, head):
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    client = login("balangan.kasubbag")
    change = client.post(
        reverse("admin:workflow_actingassignment_change", args=[assignment.pk]),
        admin_form(head, "balangan.kasubbag"),
    )
    delete = client.post(reverse("admin:workflow_actingassignment_delete", args=[assignment.pk]), {"post": "yes"})
    ended = client.post(
        reverse("admin:workflow_actingassignment_changelist"),
        {"action": "end_now", "_selected_action": [assignment.pk]},
    )
    assert change.status_code == 403 and delete.status_code == 403
    assert ended.status_code in (200, 302)
    assignment.refresh_from_db()
    assert assignment.employee.user.username == "balangan.sekretaris" and assignment.ended_at is None


def test_the_agency_admin_reads_the_appointments_in_the_admin(login, head):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    page = login("balangan.kasubbag").get(reverse("admin:workflow_actingassignment_changelist"))
    assert page.status_code == 200 and employee("balangan.sekretaris").full_name in page.content.decode()


def test_a_superuser_appoints_in_the_admin_through_the_service(login, head):
    client = login("admin")
    response = client.post(reverse("admin:workflow_actingassignment_add"), admin_form(head, "balangan.sekretaris"))
    assert response.status_code == 302
    assignment = ActingAssignment.objects.get(position=head)
    assert assignment.appointed_by.username == "admin" and assignment.appointed_at is not None


def test_the_admin_form_refuses_self_appointment_with_the_reason(login, head):
    kadis = user("balangan.kadis")
    kadis.is_staff = True
    kadis.save()
    kadis.user_permissions.add(*Permission.objects.filter(codename__endswith="_actingassignment"))
    client = login("balangan.kadis")
    sekretaris = Position.objects.get(agency=head.agency, rank="sekretaris")
    response = client.post(reverse("admin:workflow_actingassignment_add"), admin_form(sekretaris, "balangan.kadis"))
    assert response.status_code == 200
    assert "Tidak seorang pun dapat menunjuk dirinya sendiri" in response.content.decode()
    assert not ActingAssignment.objects.filter(position=sekretaris).exists()


def test_an_appointment_longer_than_a_year_is_refused(head):
    today = balangan_today()
    reason = refusal(
        appoint, by=user("balangan.kadis"), position=head, who="balangan.sekretaris", ends_on=today + 400 * DAY
    )
    assert reason == "Penunjukan berlaku paling lama satu tahun; tunjuk kembali untuk memperpanjangnya."
    assert not ActingAssignment.objects.filter(position=head).exists()


def test_an_appointment_ended_on_its_first_day_keeps_that_day_in_its_history(login, head):
    today = balangan_today()
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today)
    assert permissions.holds(user("balangan.sekretaris"), head)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assignment.refresh_from_db()
    assert (assignment.starts_on, assignment.ends_on) == (today, today) and assignment.ended_at is not None
    assert not permissions.holds(user("balangan.sekretaris"), head)
    page = login("balangan.kadis").get(reverse("workflow:appointments")).content.decode()
    assert "dicabut sebelum berlaku" not in page and "diakhiri oleh" in page
