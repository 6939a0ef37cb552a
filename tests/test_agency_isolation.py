"""Another agency's data is never visible: not in pages, not in the admin, not in choice lists."""

from django.urls import reverse

from workflow.models import Position, SopVersion


def test_the_dashboard_shows_only_the_users_own_agency(login, sop000, sop002):
    page = login("balangan.staf").get(reverse("workflow:home")).content.decode()
    assert sop000.name in page and sop000.sop.number in page
    assert sop002.sop.number not in page
    assert "Padang Panjang" not in page


def test_an_sop_of_another_agency_is_not_found(login, sop002):
    response = login("balangan.staf").get(reverse("workflow:sop-detail", args=[sop002.pk]))
    assert response.status_code == 404


def test_the_agency_admin_lists_only_its_own_sops(login, sop000, sop002):
    page = login("balangan.kasubbag").get(reverse("admin:workflow_sopversion_changelist")).content.decode()
    assert sop000.sop.number in page
    assert sop002.sop.number not in page


def test_the_agency_admin_cannot_open_another_agencys_sop(login, sop002):
    client = login("balangan.kasubbag")
    response = client.get(reverse("admin:workflow_sopversion_change", args=[sop002.pk]))
    assert response.status_code == 302  # the admin redirects away from objects outside the queryset
    assert reverse("admin:index") in response["Location"]


def test_choice_lists_in_the_admin_offer_only_own_positions(login, balangan, padang_panjang):
    page = login("balangan.kasubbag").get(reverse("admin:workflow_employee_add")).content.decode()
    assert "Kasubbag Umum dan Kepegawaian" in page
    assert "Fungsional Perencana" not in page  # a Padang Panjang position


def test_a_superuser_sees_both_offices(login):
    page = login("admin").get(reverse("admin:workflow_sopversion_changelist")).content.decode()
    assert "SOP – 01/DISPERSIP" in page and "SOP-SEKR/02/DISPUSIP" in page


def test_a_login_without_an_agency_cannot_see_the_dashboard(client, django_user_model):
    stranger = django_user_model.objects.create_user("tamu", password="a-long-password")
    client.force_login(stranger)
    assert client.get(reverse("workflow:home")).status_code == 403


def test_the_scoping_covers_every_model_of_both_apps(db):
    from django.apps import apps

    from workflow.scoping import AGENCY_PATHS, INSTALLATION_WIDE

    models = [m._meta.label_lower for app in ("workflow", "reports") for m in apps.get_app_config(app).get_models()]
    assert sorted(set(models) - set(AGENCY_PATHS) - INSTALLATION_WIDE) == []
    assert Position.objects.exists() and SopVersion.objects.exists()


def test_admin_sidebar_filters_do_not_name_other_agencies(login):
    client = login("balangan.kasubbag")
    for name in ("workflow_sopversion", "workflow_position", "reports_indicator", "reports_realisation"):
        page = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert "Padang Panjang" not in page, f"{name} list names the other agency"
