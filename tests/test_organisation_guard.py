"""An agency admin keeps the organisation up to date, but cannot make anyone (himself first) the
Kepala Dinas, change what permissions read, or bypass the figures page's lock through the admin."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import Realisation
from workflow.models import ActingAssignment, Employee, Position, Unit

from .conftest import user


def admin_form(client, url) -> dict:
    """The change form as the browser would post it back: every field's current value."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None or (hasattr(value, "field") and not value) else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_the_agency_admin_cannot_move_himself_into_the_kepala_dinas_position(login, balangan):
    client = login("balangan.kasubbag")
    me = Employee.objects.get(user__username="balangan.kasubbag")
    head = Position.objects.get(agency=balangan, rank=Position.Rank.HEAD)
    url = reverse("admin:workflow_employee_change", args=[me.pk])
    data = admin_form(client, url)
    assert "position" not in data  # read-only for his own row
    client.post(url, {**data, "position": head.pk})
    me.refresh_from_db()
    assert me.position.rank != Position.Rank.HEAD


def test_the_kepala_dinas_position_is_never_offered_to_an_agency_admin(login, balangan):
    client = login("balangan.kasubbag")
    staff = Employee.objects.get(user__username="balangan.staf")
    head = Position.objects.get(agency=balangan, rank=Position.Rank.HEAD)
    url = reverse("admin:workflow_employee_change", args=[staff.pk])
    data = admin_form(client, url)
    response = client.post(url, {**data, "position": head.pk})
    assert response.status_code == 200 and "position" in response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert staff.position_id != head.pk


def test_the_kepala_dinas_row_and_position_are_read_only_for_an_agency_admin(login, balangan):
    client = login("balangan.kasubbag")
    kadis = Employee.objects.get(user__username="balangan.kadis")
    head = kadis.position
    assert client.post(reverse("admin:workflow_position_change", args=[head.pk]), {"title": "x"}).status_code == 403
    assert client.post(reverse("admin:workflow_position_delete", args=[head.pk]), {"post": "yes"}).status_code == 403
    assert "position" not in admin_form(client, reverse("admin:workflow_employee_change", args=[kadis.pk]))
    head.refresh_from_db()
    assert head.title != "x"


def test_an_agency_admin_cannot_raise_a_position_to_kepala_dinas_or_change_its_supervisor(login, balangan):
    client = login("balangan.kasubbag")
    position = Position.objects.get(agency=balangan, holders__user__username="balangan.staf")
    url = reverse("admin:workflow_position_change", args=[position.pk])
    data = admin_form(client, url)
    assert "rank" not in data and "supervisor" not in data
    add = client.get(reverse("admin:workflow_position_add")).context["adminform"].form
    assert Position.Rank.HEAD not in [value for value, _label in add.fields["rank"].choices]


def test_a_superuser_still_manages_the_head_position(login, balangan):
    client = login("admin")
    kadis = Employee.objects.get(user__username="balangan.kadis")
    assert "position" in admin_form(client, reverse("admin:workflow_employee_change", args=[kadis.pk]))


def test_figures_are_read_only_in_the_admin_so_the_lock_and_the_removal_record_hold(login, balangan):
    client = login("balangan.kasubbag")
    realisation = Realisation.objects.filter(indicator__objective__agency=balangan).first()
    before = realisation.value
    change = reverse("admin:reports_realisation_change", args=[realisation.pk])
    assert client.post(change, {"value": "123456"}).status_code == 403
    delete = reverse("admin:reports_realisation_delete", args=[realisation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    realisation.refresh_from_db()
    assert realisation.value == before
    assert client.get(change).status_code == 200  # still readable
    assert user("balangan.kasubbag").is_staff


def test_the_agency_admin_cannot_rewrite_the_name_and_nip_printed_for_the_kepala_dinas(login, balangan):
    client = login("balangan.kasubbag")
    kadis = Employee.objects.get(user__username="balangan.kadis")
    url = reverse("admin:workflow_employee_change", args=[kadis.pk])
    data = admin_form(client, url)
    assert not {"full_name", "nip", "nik"} & set(data)
    client.post(url, {**data, "full_name": "ORANG LAIN, S.H.", "nip": "199001012015031001"})
    kadis.refresh_from_db()
    assert kadis.full_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"


def test_a_plh_appointed_for_later_is_protected_like_the_kepala_dinas(login, balangan):
    appoint_plh(balangan, "balangan.sekretaris", days_from_now=5)
    client = login("balangan.kasubbag")
    sekretaris = Employee.objects.get(user__username="balangan.sekretaris")
    data = admin_form(client, reverse("admin:workflow_employee_change", args=[sekretaris.pk]))
    assert "full_name" not in data and "nip" not in data
    # Someone who may not sign keeps an editable record.
    staff = Employee.objects.get(user__username="balangan.staf")
    assert "full_name" in admin_form(client, reverse("admin:workflow_employee_change", args=[staff.pk]))


def test_the_agency_admin_cannot_move_his_position_into_a_unit_to_head_it(login, balangan, caplog):
    client = login("balangan.kasubbag")
    me = Employee.objects.get(user__username="balangan.kasubbag")
    layanan = Unit.objects.get(agency=balangan, name__startswith="Seksi Layanan")
    url = reverse("admin:workflow_position_change", args=[me.position_id])
    data = admin_form(client, url)
    assert "unit" not in data
    client.post(url, {**data, "unit": layanan.pk})
    me.position.refresh_from_db()
    assert me.position.unit_id != layanan.pk


def test_the_agency_admin_cannot_make_himself_the_run_canceller(login, balangan):
    client = login("balangan.kasubbag")
    me = Employee.objects.get(user__username="balangan.kasubbag")
    url = reverse("admin:workflow_agency_change", args=[balangan.pk])
    data = admin_form(client, url)
    assert "run_canceller" not in data
    client.post(url, {**data, "run_canceller": me.position_id})
    balangan.refresh_from_db()
    assert balangan.run_canceller_id != me.position_id


def test_a_superuser_moves_a_position_and_the_change_is_logged(client, balangan, caplog):
    client.force_login(user("admin"))
    position = Employee.objects.get(user__username="balangan.kasubbag").position
    layanan = Unit.objects.get(agency=balangan, name__startswith="Seksi Layanan")
    url = reverse("admin:workflow_position_change", args=[position.pk])
    data = admin_form(client, url)
    with caplog.at_level(logging.WARNING, logger="sopkinerja.organisation"):
        client.post(url, {**data, "unit": layanan.pk})
    position.refresh_from_db()
    assert position.unit_id == layanan.pk
    assert any("admin changed unit of Position" in record.getMessage() for record in caplog.records)


def appoint_plh(agency, username, days_from_now: int):
    start = datetime.date.today() + datetime.timedelta(days=days_from_now)
    return ActingAssignment.objects.create(
        position=Position.objects.get(agency=agency, rank=Position.Rank.HEAD),
        employee=Employee.objects.get(user__username=username),
        starts_on=start,
        ends_on=start + datetime.timedelta(days=3),
    )


def test_bsre_cannot_be_chosen_where_no_bsre_service_is_configured(balangan, settings):
    settings.BSRE_URL = ""
    balangan.signing_backend = "bsre"
    with pytest.raises(ValidationError, match="BSRE_URL"):
        balangan.full_clean()
    settings.BSRE_URL = "http://127.0.0.1:9/"
    balangan.full_clean()


def test_the_admin_offers_only_the_agencys_own_positions_even_to_a_superuser(client, balangan):
    client.force_login(user("admin"))
    agency_form = client.get(reverse("admin:workflow_agency_change", args=[balangan.pk])).context["adminform"].form
    assert {p.agency_id for p in agency_form.fields["run_canceller"].queryset} == {balangan.pk}
    kadis = Employee.objects.get(user__username="balangan.kadis")
    url = reverse("admin:workflow_employee_change", args=[kadis.pk])
    employee_form = client.get(url).context["adminform"].form
    assert {p.agency_id for p in employee_form.fields["position"].queryset} == {balangan.pk}
