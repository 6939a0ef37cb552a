"""Plh/Plt appointments: only the Kepala Dinas or a superuser appoints, nobody themselves, and the
agency sees who appointed whom. The admin goes through the same rules."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from workflow import permissions
from workflow.models import ActingAssignment, Agency, Position
from workflow.organisation.appointments import acting_appoint, acting_end
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, employee, user
from .test_races import race

DAY = datetime.timedelta(days=1)


@pytest.fixture
def head(balangan) -> Position:
    return Position.objects.get(agency=balangan, rank="kepala_dinas")


@pytest.fixture
def sekretaris(balangan) -> Position:
    return Position.objects.get(agency=balangan, rank="sekretaris")


def balangan_today() -> datetime.date:
    """Today where the appointments are made: Balangan keeps WITA, a date ahead of UTC every evening."""
    return permissions.local_today(Agency.objects.get(slug="balangan"))


def long_date(day: datetime.date) -> str:
    return date_format(day)  # 2 Januari 2026


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
    assert head.pk not in permissions.held_position_ids(user("balangan.sekretaris"))  # their work lists too


def test_an_appointment_ended_before_it_began_covers_no_day(head):
    today = balangan_today()
    assignment = appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today + DAY)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assignment.refresh_from_db()
    assert not any(assignment.covers(today + n * DAY) for n in range(10))


def test_an_appointment_still_to_come_is_withdrawn_not_ended_now(login, head):
    today = balangan_today()
    coming = appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today + 3 * DAY)
    client = login("balangan.kadis")
    page = client.get(reverse("workflow:appointments")).content.decode()
    assert "Batalkan penunjukan" in page and "Akhiri sekarang" not in page
    response = client.post(reverse("workflow:appointment-end", args=[coming.pk]), follow=True)
    assert "Penunjukan dibatalkan." in response.content.decode()
    coming.refresh_from_db()
    assert coming.ends_on < coming.starts_on and coming.ended_at is not None


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


# One acting official per position at a time ------------------------------------------------


def test_a_second_plh_for_an_overlapping_period_is_refused(head):
    today = balangan_today()
    appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today, ends_on=today + 4 * DAY)
    reason = refusal(
        appoint,
        by=user("balangan.kadis"),
        position=head,
        who="balangan.kabid-arsip",
        starts_on=today + 2 * DAY,
        ends_on=today + 9 * DAY,
    )
    sekretaris = employee("balangan.sekretaris").full_name
    assert reason == (
        f"{sekretaris} sudah menjadi Plh {head.title} dari {long_date(today)} sampai {long_date(today + 4 * DAY)}; "
        "akhiri penunjukan itu lebih dulu atau pilih tanggal lain."
    )
    assert list(ActingAssignment.objects.filter(position=head).values_list("employee__full_name", flat=True)) == [
        sekretaris
    ]


def test_a_plt_cannot_overlap_a_plh_of_the_same_position_either(head):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    reason = refusal(appoint, by=user("admin"), position=head, who="balangan.kabid-arsip", kind="plt")
    assert "sudah menjadi Plh" in reason
    assert ActingAssignment.objects.filter(position=head).count() == 1


def test_a_plh_from_the_day_after_the_current_one_ends_is_appointed(head):
    today = balangan_today()
    appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today, ends_on=today + 4 * DAY)
    appoint(user("balangan.kadis"), head, "balangan.kabid-arsip", starts_on=today + 5 * DAY, ends_on=today + 9 * DAY)
    assert ActingAssignment.objects.filter(position=head).count() == 2


def test_an_ended_appointment_leaves_its_dates_free_for_another_plh(head):
    today = balangan_today()
    first = appoint(user("balangan.kadis"), head, "balangan.sekretaris", starts_on=today, ends_on=today + 4 * DAY)
    acting_end(by=user("balangan.kadis"), assignment=first)
    appoint(user("balangan.kadis"), head, "balangan.kabid-arsip", starts_on=today, ends_on=today + 4 * DAY)
    assert [a.employee.user.username for a in ActingAssignment.objects.in_force(today).filter(position=head)] == [
        "balangan.kabid-arsip"
    ]


def test_another_position_may_have_its_own_plh_for_the_same_dates(head, sekretaris):
    appoint(user("balangan.kadis"), head, "balangan.sekretaris")
    appoint(user("balangan.kadis"), sekretaris, "balangan.kasubbag-umum")
    assert ActingAssignment.objects.filter(position__in=[head, sekretaris]).count() == 2


def test_the_plh_page_refuses_a_second_plh_for_the_same_dates_and_keeps_what_was_typed(login, padang_panjang):
    head = Position.objects.get(agency=padang_panjang, rank="kepala_dinas")
    client = login("padangpanjang.kadis")
    today = permissions.local_today(padang_panjang)
    form = {
        "position": head.pk,
        "kind": "plh",
        "starts_on": today.isoformat(),
        "ends_on": (today + 3 * DAY).isoformat(),
    }
    firdaus, erizal = employee("padangpanjang.kabid-arsip"), employee("padangpanjang.sekretaris")
    first = client.post(reverse("workflow:appointments"), {**form, "employee": firdaus.pk, "note": "ST 1/2026"})
    assert first.status_code == 302
    second = client.post(reverse("workflow:appointments"), {**form, "employee": erizal.pk, "note": "ST 2/2026"})
    page = second.content.decode()
    assert second.status_code == 200
    assert f"{firdaus.full_name} sudah menjadi Plh {head.title} dari {long_date(today)}" in page
    assert 'value="ST 2/2026"' in page and f'value="{(today + 3 * DAY).isoformat()}"' in page
    assert f'<option value="{erizal.pk}" selected>' in page
    assert [a.employee for a in ActingAssignment.objects.filter(position=head)] == [firdaus]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_appointments_for_the_same_dates_make_one():
    if not Agency.objects.exists():  # an earlier transactional test emptied the database
        load_all(password=PASSWORD, today=TODAY)
    head = Position.objects.get(agency__slug="balangan", rank="kepala_dinas")
    candidates = ["balangan.sekretaris", "balangan.kabid-arsip", "balangan.kabid-perpustakaan"] * 2
    outcomes = race(lambda who: appoint(user("balangan.kadis"), head, who), candidates)
    assert outcomes["done"] == 1 and sum(outcomes.values()) == len(candidates)
    assert all("sudah menjadi Plh" in outcome for outcome in outcomes if outcome != "done"), outcomes
    assert ActingAssignment.objects.filter(position=head).count() == 1
