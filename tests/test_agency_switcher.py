"""A superuser or government administrator sees one agency's pages at a time, chosen in the navbar,
as its Kepala Dinas would, and is offered and allowed no action where it holds no position."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from workflow.models import RunStep
from workflow.organisation.selectors import agency_of

from .conftest import user

SWITCH = reverse("agency-switch")


@pytest.fixture
def government_admin(balangan):
    """A staff login without an employee profile, administering Kabupaten Balangan."""
    login = get_user_model().objects.create_user("pemkab.admin", password="x-password-1", is_staff=True)
    balangan.local_government.administrators.add(login)
    return login


def test_the_superuser_sees_an_agency_instead_of_a_403(client, balangan):
    client.force_login(user("admin"))
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 200
    assert 'id="agency-switch"' in response.content.decode()


def test_a_superuser_switches_to_padang_panjang_and_sees_its_pages(client, padang_panjang):
    client.force_login(user("admin"))
    response = client.post(SWITCH, {"agency": "padang-panjang", "next": reverse("workflow:runs")})
    assert response.status_code == 302 and response["Location"] == reverse("workflow:runs")
    page = client.get(reverse("workflow:home"))
    assert page.status_code == 200
    assert page.context["agency"] == padang_panjang
    assert 'value="padang-panjang" selected>' in page.content.decode()


def test_the_switcher_names_each_office_with_its_local_government(client, balangan, padang_panjang):
    client.force_login(user("admin"))
    page = client.get(reverse("workflow:home")).content.decode()
    assert "Dinas Perpustakaan dan Kearsipan — Kabupaten Balangan</option>" in page
    assert "Dinas Perpustakaan dan Kearsipan — Kota Padang Panjang</option>" in page


def test_a_superuser_viewing_an_agency_is_offered_no_approval_and_is_refused_one(client, submitted_step):
    client.force_login(user("admin"))
    page = client.get(reverse("workflow:run-detail", args=[submitted_step.run_id])).content.decode()
    assert reverse("workflow:step-approve", args=[submitted_step.pk]) not in page
    response = client.post(reverse("workflow:step-approve", args=[submitted_step.pk]), {"note": ""})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    submitted_step.refresh_from_db()
    assert submitted_step.state == RunStep.State.SUBMITTED


def test_a_government_administrator_sees_its_own_governments_agency(client, government_admin, balangan):
    client.force_login(government_admin)
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 200 and response.context["agency"] == balangan


def test_a_government_administrator_may_not_switch_to_another_government(client, government_admin, balangan):
    client.force_login(government_admin)
    response = client.post(SWITCH, {"agency": "padang-panjang", "next": "/"})
    assert response.status_code == 403
    assert "hanya superuser atau administrator pemerintah" in response.content.decode()
    assert client.get(reverse("workflow:home")).context["agency"] == balangan


def test_an_ordinary_employee_has_no_switcher_and_cannot_switch(login, balangan):
    client = login("balangan.staf")
    assert 'id="agency-switch"' not in client.get(reverse("workflow:home")).content.decode()
    assert client.post(SWITCH, {"agency": "padang-panjang"}).status_code == 403
    assert client.get(reverse("workflow:home")).context["agency"] == balangan


def test_the_switcher_never_redirects_to_another_site(client, balangan):
    client.force_login(user("admin"))
    response = client.post(SWITCH, {"agency": "balangan", "next": "https://evil.example/"})
    assert response["Location"] == reverse("workflow:home")


def test_agency_of_follows_the_switcher_and_otherwise_the_employee(balangan, padang_panjang):
    staff = user("balangan.staf")
    assert agency_of(staff) == balangan
    admin = user("admin")
    admin.viewing_agency = padang_panjang
    assert agency_of(admin) == padang_panjang


@pytest.mark.parametrize("who", ["admin", "pemkab.admin", "padangpanjang.kasubbag"])
def test_a_viewer_reads_an_agencys_targets_but_may_not_enter_them(client, government_admin, balangan, who):
    from reports.models import Indicator, Target

    viewer = user(who)
    if who == "padangpanjang.kasubbag":  # another agency's admin who also administers Balangan's government
        balangan.local_government.administrators.add(viewer)
    client.force_login(viewer)
    client.post(SWITCH, {"agency": "balangan"})
    assert client.get(reverse("reports:targets", args=[2027])).status_code == 200
    indicator = Indicator.objects.filter(objective__agency=balangan).first()
    response = client.post(reverse("reports:targets", args=[2027]), {f"t{indicator.pk}-annual": "80"})
    assert response.status_code == 403
    assert not Target.objects.filter(indicator__objective__agency=balangan, year=2027).exists()


def test_a_government_administrator_of_another_agency_may_not_write_the_viewed_agencys_sops(
    client, government_admin, balangan
):
    from django.contrib.auth.models import Permission

    from workflow.models import SopVersion
    from workflow.permissions import can_author

    viewer = user("padangpanjang.kasubbag")
    balangan.local_government.administrators.add(viewer)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["add_sopversion", "change_sopversion"]))
    viewer = user("padangpanjang.kasubbag")  # fresh, without a cached permission set
    client.force_login(viewer)
    client.post(SWITCH, {"agency": "balangan"})
    assert client.get(reverse("workflow:sop-list")).status_code == 200  # reads it
    viewer.viewing_agency = balangan
    effective = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    assert not can_author(viewer, balangan)  # the one rule behind the editor, the import and a new revision
    assert client.post(reverse("workflow:sop-new"), {"number": "X", "name": "Y"}).status_code in {403, 404}
    client.post(reverse("workflow:sop-revise", args=[effective.pk]))  # refused with its reason
    assert SopVersion.objects.filter(sop__agency=balangan).count() == 1
