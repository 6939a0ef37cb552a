"""Pages render in Indonesian by default, English on request, with Indonesian dates."""

from django.urls import reverse

from workflow.models import Employee
from workflow.permissions import local_today


def test_the_dashboard_is_in_indonesian_by_default(login):
    page = login("balangan.staf").get(reverse("workflow:home")).content.decode()
    assert "Standar operasional prosedur" in page
    assert "Capaian kinerja, Triwulan III 2026" in page
    assert "122 hari 3 jam 2 menit" in page
    assert "2 Januari 2024" in page


def test_english_can_be_chosen(login):
    client = login("balangan.staf")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("workflow:home")).content.decode()
    assert "Standard operating procedures" in page
    assert "122 days 3 hours 2 minutes" in page


def test_the_sop_page_shows_the_identity_the_steps_and_the_computed_jumlah(login, sop000):
    page = login("balangan.staf").get(reverse("workflow:sop-detail", args=[sop000.pk])).content.decode()
    assert "Disahkan oleh" in page and "NIP. 19660313 198903 1 011" in page
    assert "Peraturan Presiden Nomor 29 Tahun 2014" in page
    assert page.count('class="flow-row"') == 9  # the flowchart rows, drawn as on the PDF sheet
    assert "Jumlah" in page and all(f">{part}<" in page for part in ("122 hari", "3 jam", "2 menit"))


def test_the_decision_of_seed_002_shows_where_tidak_returns(login, sop002):
    page = login("padangpanjang.perencana").get(reverse("workflow:sop-detail", args=[sop002.pk])).content.decode()
    assert "Tidak: ke langkah 5" in page
    assert ">Tidak</text>" in page  # the drawn arrow's label


def test_pages_send_a_content_security_policy_without_inline_code(login):
    response = login("balangan.staf").get(reverse("workflow:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode() and "style=" not in response.content.decode()


def test_the_admin_shows_the_jumlah_of_each_sop_version(login):
    page = login("admin").get(reverse("admin:workflow_sopversion_changelist")).content.decode()
    assert "122 hari 3 jam 2 menit" in page and "13 hari 20 menit" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_wrong_password_is_answered_in_plain_indonesian(client, db):
    response = client.post(reverse("login"), {"username": "balangan.kadis", "password": "salah"})
    assert "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecilnya." in response.content.decode()


def test_a_system_administrator_without_an_agency_sees_an_agency_not_a_refusal(login):
    # Issue 9 item 12: the agency switcher shows the superuser an agency (tests/test_agency_switcher.py).
    response = login("admin").get(reverse("workflow:home"))
    assert response.status_code == 200 and response.context["agency"] is not None


def test_the_admin_names_the_background_tasks_in_indonesian(login):
    page = login("admin").get(reverse("admin:index")).content.decode()
    assert "Tugas latar belakang" in page and "Hasil tugas" in page
    assert "Tasks Database Backend" not in page and "Task Results" not in page


def test_the_admin_prints_golongan_as_offices_write_them(login, balangan):
    Employee.objects.filter(user__username="balangan.staf").update(grade="III/b")
    page = login("admin").get(reverse("admin:workflow_employee_changelist")).content.decode()
    assert '<td class="field-grade">III/b</td>' in page
    assert "Iii B" not in page and "Ii A" not in page


def test_the_targets_are_in_the_menu_of_everyone_in_an_agency(login, balangan):
    year = local_today(balangan).year
    page = login("balangan.staf").get(reverse("workflow:home")).content.decode()
    menu = page[page.index('id="app-nav-menu"') :]
    assert f'href="{reverse("reports:targets", args=[year])}"' in menu.split("</ul>")[0]
