"""The dashboard's agency parts (its SOP table, its runs in progress, its steps' due times, its
achievement table) are kept under a stamp of the agency's rows and shared by its users: they change
with a step, a figures lock, a language or the clock at once, what depends on the viewer stays
theirs, and no agency sees another's."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reports.models import Indicator
from reports.performance.selectors import unit_indicators
from reports.performance.services import FigureRow, figures_save_draft
from reports.performance.values import Figure
from reports.templatetags import report_tags
from sopkinerja.common.periods import Period
from tests.conftest import user
from tests.workflow_helpers import approver_of, complete_current, current, executor_of
from workflow.models import Executor, Step, Unit
from workflow.permissions import AUTHOR_PERMISSION, holds_permission
from workflow.runs.selectors import agency_stamp
from workflow.runs.services import run_start, run_step_send_back, run_step_submit
from workflow.sop.editor import sop_draft_create

from .figures_helpers import library_visitors
from .test_stamped_cache import layered  # noqa: F401

pytestmark = pytest.mark.usefixtures("layered")  # both layers of stamped values on, as in production


def dashboard(client) -> str:
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 200
    return response.content.decode()


def sop_row(page: str, number: str) -> str:
    """The row of the SOP table for the SOP numbered so."""
    return page.split(f"<td>{number}</td>", 1)[1].split("</tr>", 1)[0]


def test_the_dashboards_sop_table_counts_a_new_step_though_the_old_table_was_kept(login, balangan):
    author = user("balangan.kasubbag")
    draft = sop_draft_create(agency=balangan, user=author, number="SOP-99/DISPERSIP", name="SOP Arsip Laporan")
    client = login("balangan.kadis")
    assert '<td class="text-end">0</td>' in sop_row(dashboard(client), "SOP-99/DISPERSIP")
    executor = Executor.objects.create(version=draft, order=1, title="Kasubbag Umum")
    Step.objects.create(version=draft, number=1, activity="Mengarsipkan laporan", executor=executor)
    assert '<td class="text-end">1</td>' in sop_row(dashboard(client), "SOP-99/DISPERSIP")


def test_the_dashboards_runs_move_on_when_a_step_is_approved(login, run):
    client = login("balangan.kadis")
    assert '<progress value="0"' in dashboard(client)
    complete_current(run)
    page = dashboard(client)
    assert '<progress value="1"' in page and current(run).step.activity[:30] in page


def test_the_dashboards_kept_sop_table_is_in_the_language_of_each_viewer(login, sop000):
    client = login("balangan.kadis")
    assert "<th>Nomor SOP</th>" in dashboard(client)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = dashboard(client)
    assert "<th>SOP number</th>" in english and "<th>Nomor SOP</th>" not in english


def test_the_import_button_beside_the_kept_sop_table_shows_only_to_an_sop_author(client, sop000):
    client.force_login(user("balangan.kasubbag"))  # agency admin: holds workflow.add_sopversion
    author = dashboard(client)
    client.force_login(user("balangan.kadis"))
    reader = dashboard(client)
    assert reverse("workflow:sop-import") in author and reverse("workflow:sop-import") not in reader
    assert sop_row(author, sop000.sop.number) == sop_row(reader, sop000.sop.number)  # the same kept table


def test_a_step_becomes_overdue_on_the_dashboard_when_its_time_passes_without_any_write(login, run, monkeypatch):
    attempt = current(run)
    attempt.due_at = timezone.now() + datetime.timedelta(hours=2)
    attempt.save(update_fields=["due_at"])
    client = login("balangan.kadis")
    before = dashboard(client)
    assert "Tidak ada langkah yang terlambat." in before and "Terlambat</span>" not in before
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = dashboard(client)
    assert "Tidak ada langkah yang terlambat." not in after and "Terlambat</span>" in after
    assert attempt.step.activity[:30] in after.split('id="overdue"', 1)[1].split("</ul>", 1)[0]


def test_no_agency_sees_anothers_kept_sops_or_runs(login, run, padang_panjang_run, sop000, sop002):
    balangan = dashboard(login("balangan.kadis"))
    padang_panjang = dashboard(login("padangpanjang.kadis"))
    assert sop000.name in balangan and sop000.name not in padang_panjang
    assert sop002.name in padang_panjang and sop002.name not in balangan
    mine, theirs = current(run).step.activity[:30], current(padang_panjang_run).step.activity[:30]
    assert mine != theirs
    assert mine in balangan and theirs not in balangan
    assert theirs in padang_panjang and mine not in padang_panjang


def test_what_waits_for_the_viewer_is_theirs_though_the_agency_parts_are_kept(login, run):
    attempt = current(run)
    run_step_submit(run_step_id=attempt.pk, user=executor_of(attempt), output_note="Selesai")
    decide = f"approve-note-{attempt.pk}"
    assert decide in dashboard(login(approver_of(attempt).username))
    assert decide not in dashboard(login(executor_of(attempt).username))  # separation of duties


def test_the_kept_achievement_table_drops_its_provisional_marks_when_the_quarters_figures_are_locked(
    login, balangan, sop000
):
    unit = Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")
    quarter = Period.parse("2026-TW4")
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=quarter, rows=rows, user=user("balangan.kasi-layanan"))
    run = run_start(version=sop000, period=quarter, user=user("balangan.sekretaris"))
    client = login("balangan.kadis")
    mark = 'class="badge text-bg-warning provisional"'
    assert dashboard(client).count(mark) == 3  # a draft: not final yet
    collecting = current(run)
    assert collecting.step.collects_data
    run_step_submit(
        run_step_id=collecting.pk, user=executor_of(collecting), output_note="Ditutup", close_incomplete=True
    )
    assert mark not in dashboard(client)  # handed in: the quarter's figures are locked, final


def provisional_draft(balangan, sop000):
    """A draft of a unit's TW IV figures (three indicators, marked provisional) and the quarter's run."""
    unit = Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")
    quarter = Period.parse("2026-TW4")
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=quarter, rows=rows, user=user("balangan.kasi-layanan"))
    return run_start(version=sop000, period=quarter, user=user("balangan.sekretaris"))


def test_the_kept_achievement_tables_provisional_marks_come_back_when_the_data_collection_step_is_returned(
    login, balangan, sop000
):
    run = provisional_draft(balangan, sop000)
    client = login("balangan.kadis")
    mark = 'class="badge text-bg-warning provisional"'
    collecting = current(run)
    run_step_submit(
        run_step_id=collecting.pk, user=executor_of(collecting), output_note="Ditutup", close_incomplete=True
    )
    assert mark not in dashboard(client)  # locked: final
    run_step_send_back(run_step_id=collecting.pk, user=approver_of(collecting), note="Belum lengkap")
    assert dashboard(client).count(mark) == 3  # the return reopens the quarter: not final again


def test_the_figures_locks_stamp_changes_with_a_data_collection_step_and_not_with_a_step_of_another_kind(
    balangan, sop000, run
):
    assert current(run).step.collects_data
    complete_current(run)
    before = agency_stamp(balangan)
    assert not current(run).step.collects_data
    complete_current(run)
    after_other_step = agency_stamp(balangan)
    assert after_other_step.rows != before.rows
    assert after_other_step.figures_locks == before.figures_locks
    quarter_run = run_start(version=sop000, period=Period.parse("2026-TW4"), user=user("balangan.sekretaris"))
    assert current(quarter_run).step.collects_data
    assert agency_stamp(balangan).figures_locks != after_other_step.figures_locks  # a new data-collection attempt


def test_the_achievement_table_shows_a_new_figure_after_another_quarters_lock_kept_it_anew(
    login, balangan, sop000, run
):
    provisional_draft(balangan, sop000)
    client = login("balangan.sekretaris")
    first = achievement_table(dashboard(client))
    collecting = current(run)  # 2025-TW1's data collection: its lock leaves 2026-TW4's marks as they are
    run_step_submit(run_step_id=collecting.pk, user=executor_of(collecting), output_note="-", close_incomplete=True)
    kept_anew = achievement_table(dashboard(client))
    assert kept_anew == first
    unit = Unit.objects.get(agency=balangan, name="Seksi Layanan dan Pembudayaan Gemar Membaca")
    rows = [FigureRow(indicator=i, figure=Figure(D("4321"))) for i in unit_indicators(unit, 2026)]
    figures_save_draft(unit=unit, period=Period.parse("2026-TW4"), rows=rows, user=user("balangan.kasi-layanan"))
    assert achievement_table(dashboard(client)) != kept_anew


def achievement_table(page: str) -> str:
    return page.split('class="table table-sm table-bordered align-middle measurement"', 1)[1].split("</table>", 1)[0]


def test_the_import_button_shows_to_a_login_given_the_authors_permission_itself_and_goes_when_it_is_taken(
    client, sop000
):
    kadis = user("balangan.kadis")
    client.force_login(kadis)
    adding = Permission.objects.get(content_type__app_label="workflow", codename="add_sopversion")
    kadis.user_permissions.add(adding)
    assert reverse("workflow:sop-import") in dashboard(client)
    kadis.user_permissions.remove(adding)
    assert reverse("workflow:sop-import") not in dashboard(client)


def test_holding_a_permission_answers_as_djangos_own_check_for_groups_direct_grants_and_inactive_logins(db):
    logins = [user("balangan.kasubbag"), user("balangan.kadis"), user("balangan.staf")]
    logins.append(get_user_model().objects.filter(is_superuser=True).first())
    inactive = user("balangan.kasubbag")
    inactive.is_active = False
    logins.append(inactive)
    answers = [holds_permission(login, AUTHOR_PERMISSION) for login in logins if login is not None]
    assert answers == [login.has_perm(AUTHOR_PERMISSION) for login in logins if login is not None]
    assert answers[:3] == [True, False, False]  # the agency admin (through the Admin Dinas group) only


def measured_again(monkeypatch) -> list:
    """The indicators each drawing of the achievement table measured afresh, one list per drawing."""
    calls = []
    original = report_tags.measure_indicators

    def spy(agency, period, indicator_ids):
        calls.append(None if indicator_ids is None else sorted(indicator_ids))
        return original(agency, period, indicator_ids)

    monkeypatch.setattr(report_tags, "measure_indicators", spy)
    return calls


def test_after_a_figure_changes_only_its_indicators_row_is_measured_and_drawn_again(login, balangan, monkeypatch):
    client = login("balangan.sekretaris")
    first = achievement_table(dashboard(client))
    calls = measured_again(monkeypatch)
    visitors = library_visitors(balangan)
    figure = visitors.realisations.get(year=2026, quarter=3)
    figure.value = figure.value * 2
    figure.save()
    again = achievement_table(dashboard(client))
    assert calls == [[visitors.pk]]
    assert again != first and "85,24" in first and "85,24" not in again
    changed = [line for line in zip(first.split("<tr>"), again.split("<tr>"), strict=True) if line[0] != line[1]]
    assert len(changed) == 1 and visitors.name in changed[0][1]  # every other row as it was
    dashboard(client)
    assert calls == [[visitors.pk]]  # nothing changed since: the whole table as kept


def test_a_renamed_objective_shows_once_above_its_rows_though_the_rows_were_kept(login, balangan):
    client = login("balangan.sekretaris")
    dashboard(client)
    objective = library_visitors(balangan).objective
    objective.name = "Meningkatnya minat baca masyarakat (diperbarui)"
    objective.save()
    table = achievement_table(dashboard(client))
    assert table.count("Meningkatnya minat baca masyarakat (diperbarui)") == 1
    numbers = [int(row.split("<td>", 2)[1].split("</td>", 1)[0]) for row in table.split("<tr>")[2:]]
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_kept_row_is_not_shown_in_another_language_or_to_another_agency(login, balangan, padang_panjang):
    client = login("balangan.sekretaris")
    indonesian = achievement_table(dashboard(client))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = achievement_table(dashboard(client))
    assert "kumulatif" in indonesian and "kumulatif" not in english and "cumulative" in english
    theirs = achievement_table(dashboard(login("padangpanjang.sekretaris")))
    shown = {row.split("<td>", 4)[3].split("<", 1)[0].strip() for row in theirs.split("<tr>")[2:]}
    own = set(Indicator.objects.filter(objective__agency=padang_panjang).values_list("name", flat=True))
    assert shown and shown <= own
    assert theirs != indonesian
