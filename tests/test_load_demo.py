from io import StringIO

from django.core.management import call_command

from reports.models import Realisation, Target
from workflow.models import Employee, Sop, Step


def counts():
    return [m.objects.count() for m in (Sop, Step, Employee, Target, Realisation)]


def test_loading_the_demo_twice_changes_nothing(db):
    before = counts()
    out = StringIO()
    call_command("load_demo", "--password", "another-password-1", "--no-signing", stdout=out)
    assert counts() == before
    assert before[:3] == [2, 19, 15]


def test_the_demo_command_prints_every_login(db):
    out = StringIO()
    call_command("load_demo", "--no-signing", stdout=out)
    text = out.getvalue()
    assert "balangan.kadis" in text and "padangpanjang.perencana" in text and "admin" in text


def test_the_demo_password_is_set_for_every_login(db, client):
    call_command("load_demo", "--password", "fresh-password-9", "--no-signing", stdout=StringIO())
    assert client.login(username="padangpanjang.kadis", password="fresh-password-9")


def test_the_demo_signs_each_offices_sop_sheet_once_for_the_public_portal(db, client):
    from django.urls import reverse

    from reports.models import Publication, SignedDocument

    out = StringIO()
    call_command("load_demo", stdout=out)
    sheets = SignedDocument.objects.filter(kind="sop")
    assert sheets.count() == 2 and Publication.objects.in_force().filter(document__in=sheets).count() == 2
    assert "portal publik" in out.getvalue().lower() or "public portal" in out.getvalue().lower()
    call_command("load_demo", stdout=StringIO())
    assert SignedDocument.objects.filter(kind="sop").count() == 2
    page = client.get(reverse("portal:office", args=["balangan"])).content.decode()
    assert sheets.get(agency__slug="balangan").sop_version.sop.number in page


def test_the_demo_gives_the_public_portal_a_locked_year_with_finished_quarters_once(db, client):
    from django.urls import reverse
    from django.utils import timezone

    from reports.models import TargetLock
    from workflow.models import Run

    year = timezone.localdate().year
    out = StringIO()
    call_command("load_demo", "--no-signing", stdout=out)
    assert TargetLock.objects.filter(year=year, agency__slug__in=["balangan", "padang-panjang"]).count() == 2
    finished = Run.objects.filter(period__startswith=f"{year}-TW", state=Run.State.FINISHED)
    assert finished.filter(sop__agency__slug="balangan").exists()
    assert finished.filter(sop__agency__slug="padang-panjang").exists()
    assert not Run.objects.filter(period__startswith=f"{year}-TW").exclude(state=Run.State.FINISHED).exists()
    assert "Kunci PK" in out.getvalue()
    runs = finished.count()
    call_command("load_demo", "--no-signing", stdout=StringIO())
    assert finished.count() == runs
    page = client.get(reverse("portal:office", args=["balangan"]), {"tahun": year}).content.decode()
    assert '<svg class="portal-chart"' in page  # Pengukuran: a finished quarter's capaian
    assert "Triwulan I " in page


def test_the_demo_can_leave_the_year_open(db):
    from django.utils import timezone

    from reports.models import TargetLock

    call_command("load_demo", "--no-signing", "--no-public-year", stdout=StringIO())
    assert not TargetLock.objects.filter(year=timezone.localdate().year).exists()
