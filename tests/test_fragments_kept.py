"""The big fragments of pages (the year's targets, a unit's quarter read without inputs, an SOP's
text, the list of runs) are rendered once per change of what they show and kept in memory; a change to a target, a
figure, its evidence, an indicator, a unit, a lock, a step, the language or who may act never shows
the old fragment, and one agency never sees another's."""

from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from reports.models import Indicator, Realisation, TargetLock, UnitSubmission
from reports.performance.services import evidence_add, target_set
from sopkinerja.common.periods import Period
from workflow.models import Employee, Run, Step
from workflow.runs.services import run_start
from workflow.sop.services import sop_version_revise

from .conftest import user
from .figures_helpers import layanan, library_visitors
from .genuine_files import pdf_bytes, upload


@pytest.fixture
def kept(settings, db):
    """Both layers of stamped values on, as in production: a grid is kept in this process's memory."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "targets-shared"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "targets-local"},
    }
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


def grid(client, year=2027) -> str:
    return client.get(reverse("reports:targets", args=[year])).content.decode()


def test_the_targets_grid_shows_a_new_target_though_the_old_grid_is_kept(kept, login, balangan):
    indicator = library_visitors(balangan)
    client = login("balangan.sekretaris")
    assert 'value="77"' not in grid(client)
    target_set(indicator=indicator, year=2027, quarter=2, value=D(77))
    assert f'name="t{indicator.pk}-q2" id="id_t{indicator.pk}-q2" value="77"' in grid(client)
    target_set(indicator=indicator, year=2027, quarter=2, value=D(78))
    assert 'value="77"' not in grid(client) and 'value="78"' in grid(client)


def test_the_targets_grid_shows_a_renamed_indicator_and_unit(kept, login, balangan):
    indicator, unit = library_visitors(balangan), layanan(balangan)
    client = login("balangan.sekretaris")
    assert "Jumlah pengunjung perpustakaan" in grid(client)
    indicator.name = "Jumlah pemustaka"
    indicator.save()
    unit.name = "Seksi Layanan Baca"
    unit.save()
    html = grid(client)
    assert "Jumlah pengunjung perpustakaan" not in html
    assert "Jumlah pemustaka" in html and "Seksi Layanan Baca" in html


def test_the_targets_grid_follows_the_language(kept, login, balangan):
    client = login("balangan.sekretaris")
    assert 'data-label="Target tahunan (PK)"' in grid(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'data-label="Annual target (PK)"' in grid(client)


def test_the_targets_grid_is_typed_in_by_the_planning_staff_only(kept, login, balangan):
    field = f'name="t{library_visitors(balangan).pk}-annual"'

    def annual_input(username: str) -> str:
        return grid(login(username)).split(field, 1)[1].split(">", 1)[0]

    assert "disabled" not in annual_input("balangan.sekretaris")
    assert "disabled" in annual_input("balangan.kasi-layanan")
    # Kunci PK: nobody types any more.
    TargetLock.objects.create(agency=balangan, year=2027, locked_at=timezone.now(), locked_by=user("balangan.kadis"))
    assert "disabled" in annual_input("balangan.sekretaris")


def test_another_agency_never_gets_the_grid_kept_for_balangan(kept, login, balangan, padang_panjang):
    assert f"t{library_visitors(balangan).pk}-annual" in grid(login("balangan.sekretaris"), 2026)
    html = grid(login("padangpanjang.perencana"), 2026)
    assert f"t{library_visitors(balangan).pk}-annual" not in html
    own = Indicator.objects.filter(objective__agency=padang_panjang).first()
    assert f'name="t{own.pk}-annual"' in html


def test_a_refused_row_is_shown_with_its_error_and_never_kept(kept, login, balangan):
    indicator = library_visitors(balangan)
    client = login("balangan.sekretaris")
    grid(client)
    response = client.post(reverse("reports:targets", args=[2027]), {f"t{indicator.pk}-q1": "20 – 10"})
    assert response.status_code == 400
    assert "Batas atas tidak boleh lebih kecil dari target." in response.content.decode()
    assert 'value="20 – 10"' in response.content.decode()
    html = grid(client)
    assert "Batas atas tidak boleh lebih kecil dari target." not in html and "20 – 10" not in html


# A unit's quarter read without inputs ------------------------------------------------------------

TW3 = "2026-TW3"


def unit_page(client, unit, period=TW3) -> str:
    response = client.get(reverse("reports:figures-unit", args=[period, unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_compiler_reads_a_changed_figure_though_the_old_rows_are_kept(kept, login, balangan):
    visitors = library_visitors(balangan)
    client = login("balangan.staf")  # compiles the report: reads every unit, types nothing
    first = unit_page(client, visitors.responsible_unit)
    assert "85,24" in first and "<input" not in first.split("<tbody>", 1)[1]
    Realisation.objects.filter(indicator=visitors, year=2026, quarter=3).update(value=12345, obstacles="Atap bocor")
    html = unit_page(client, visitors.responsible_unit)
    assert "12.345" in html and "Atap bocor" in html and "85,24" not in html


def test_a_compiler_reads_new_evidence_though_the_old_rows_are_kept(kept, login, balangan):
    visitors = library_visitors(balangan)
    client = login("balangan.staf")
    assert "buku-tamu TW3.pdf" not in unit_page(client, visitors.responsible_unit)
    realisation = Realisation.objects.get(indicator=visitors, year=2026, quarter=3)
    file = upload("buku-tamu TW3.pdf", pdf_bytes())
    evidence_add(realisation=realisation, file=file, user=user("balangan.kasi-layanan"))
    html = unit_page(client, visitors.responsible_unit)
    assert "buku-tamu TW3.pdf" in html
    assert "Hapus" not in html.split("<tbody>", 1)[1]  # a compiler removes nothing


def test_a_compiler_reads_a_changed_target_though_the_old_rows_are_kept(kept, login, balangan):
    visitors = library_visitors(balangan)
    client = login("balangan.staf")
    assert "99.999" not in unit_page(client, visitors.responsible_unit)
    target_set(indicator=visitors, year=2026, quarter=3, value=D(99999))
    assert "99.999" in unit_page(client, visitors.responsible_unit)


def test_the_kept_rows_follow_the_language(kept, login, balangan):
    client = login("balangan.staf")
    assert 'data-label="Target (triwulan)"' in unit_page(client, layanan(balangan))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'data-label="Target (quarter)"' in unit_page(client, layanan(balangan))


def test_who_enters_the_figures_gets_inputs_though_a_compiler_read_them_kept(kept, login, balangan):
    unit = layanan(balangan)
    assert "<input" not in unit_page(login("balangan.staf"), unit).split("<tbody>", 1)[1]
    assert 'id="figures-form"' in unit_page(login("balangan.kasi-layanan"), unit)


def test_handing_the_quarter_in_locks_the_rows_and_a_return_opens_them_again(kept, login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    assert 'id="figures-form"' in unit_page(client, unit)
    submission = UnitSubmission.objects.create(
        unit=unit, period=TW3, state=UnitSubmission.State.SUBMITTED, submitted_by=user("balangan.kasi-layanan")
    )
    locked = unit_page(client, unit)
    assert 'id="figures-form"' not in locked and "<input" not in locked.split("<tbody>", 1)[1]
    UnitSubmission.objects.filter(pk=submission.pk).update(state=UnitSubmission.State.RETURNED, return_note="Periksa")
    assert 'id="figures-form"' in unit_page(client, unit)


def test_another_agency_never_reads_the_rows_kept_for_balangan(kept, login, balangan):
    unit = layanan(balangan)
    assert "Jumlah pengunjung perpustakaan" in unit_page(login("balangan.staf"), unit)
    response = login("padangpanjang.kasubbag").get(reverse("reports:figures-unit", args=[TW3, unit.pk]))
    assert response.status_code == 404 and "Jumlah pengunjung perpustakaan" not in response.content.decode()


# An SOP's text ------------------------------------------------------------------------------------


def sop_page(client, version) -> str:
    response = client.get(reverse("workflow:sop-detail", args=[version.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_sop_page_shows_a_changed_step_though_the_old_text_is_kept(kept, login, sop000):
    draft = sop_version_revise(version=sop000, user=user("balangan.kasubbag"))
    client = login("balangan.kasubbag")
    assert "Menata ulang rak baca" not in sop_page(client, draft)
    Step.objects.filter(version=draft, number=1).update(activity="Menata ulang rak baca")
    assert "Menata ulang rak baca" in sop_page(client, draft)


def test_the_sop_page_shows_the_renamed_agency_in_its_heading(kept, login, sop000, balangan):
    heading = '<div class="fw-bold text-uppercase">Dinas Baca Tulis</div>'
    client = login("balangan.staf")
    assert heading not in sop_page(client, sop000)
    balangan.name = "Dinas Baca Tulis"
    balangan.save()
    assert heading in sop_page(client, sop000)


def test_the_kept_sop_text_follows_the_language(kept, login, sop000):
    client = login("balangan.staf")
    assert "Nomor SOP" in sop_page(client, sop000)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "SOP number" in sop_page(client, sop000)


def test_only_an_author_is_offered_a_revision_beside_the_kept_text(kept, login, sop000):
    assert "Buat revisi baru" not in sop_page(login("balangan.staf"), sop000)
    assert "Buat revisi baru" in sop_page(login("balangan.kasubbag"), sop000)


def test_another_agency_never_reads_the_sop_text_kept_for_balangan(kept, login, sop000):
    activity = sop000.steps.order_by("number").first().activity
    assert activity in sop_page(login("balangan.staf"), sop000)
    response = login("padangpanjang.kasubbag").get(reverse("workflow:sop-detail", args=[sop000.pk]))
    assert response.status_code == 404 and activity not in response.content.decode()


# The list of runs ---------------------------------------------------------------------------------


def runs_page(client, page="") -> str:
    response = client.get(reverse("workflow:runs") + (f"?page={page}" if page else ""))
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_of_runs_shows_a_new_run_and_its_state_though_the_old_list_is_kept(kept, login, sop000):
    client = login("balangan.sekretaris")
    assert "Belum ada SOP yang dijalankan." in runs_page(client)
    started = run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    html = runs_page(client)
    assert reverse("workflow:run-detail", args=[started.pk]) in html and "state-active" in html
    Run.objects.filter(pk=started.pk).update(state=Run.State.CANCELLED)
    html = runs_page(client)
    assert "state-cancelled" in html and "state-active" not in html


def test_the_list_of_runs_shows_who_started_a_run_by_their_new_name(kept, login, run):
    client = login("balangan.kadis")
    assert "Hj. NOOR AINAH" in runs_page(client)
    Employee.objects.filter(user__username="balangan.sekretaris").update(full_name="Hj. NOOR AINAH BINTI AMAT")
    assert "Hj. NOOR AINAH BINTI AMAT" in runs_page(client)


def test_another_agency_never_gets_the_list_of_runs_kept_for_balangan(kept, login, run):
    detail = reverse("workflow:run-detail", args=[run.pk])
    assert detail in runs_page(login("balangan.sekretaris"))
    html = runs_page(login("padangpanjang.kadis"))
    assert detail not in html and "Belum ada SOP yang dijalankan." in html


def test_a_page_of_runs_that_is_not_a_number_shows_the_first_page(kept, login, run):
    client = login("balangan.sekretaris")
    detail = reverse("workflow:run-detail", args=[run.pk])
    assert detail in runs_page(client, "satu") and detail in runs_page(client, "1") and detail in runs_page(client)
