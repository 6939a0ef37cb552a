"""Scale data (issue 10): copies of the seed offices with years of history, as the services would leave them."""

import datetime
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_fsm_log.models import StateLog

from reports.models import Indicator, Realisation, Target
from sopkinerja.common.periods import Period
from tests.support.scale import ScaleRefused, seed_scale
from workflow import permissions
from workflow.models import Agency, Disposition, Employee, Run, RunStep, SopVersion, Unit
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.services import run_start, run_step_approve, run_step_submit

from .conftest import PASSWORD, TODAY, user

NOW = datetime.datetime.combine(TODAY, datetime.time(12), ZoneInfo("Asia/Jakarta"))
# As of 21 November 2026: every period of 2025, and TW I–III and S I of 2026, are over.
BALANGAN_PERIODS = ["2025-TW1", "2025-TW2", "2025-TW3", "2025-TW4", "2025-S1", "2025-S2", "2025"]
BALANGAN_PERIODS += ["2026-TW1", "2026-TW2", "2026-TW3", "2026-S1"]
PADANG_PANJANG_PERIODS = ["2025-TW1", "2025-TW2", "2025-TW3", "2025-TW4", "2026-TW1", "2026-TW2", "2026-TW3"]


@pytest.fixture
def scale(db):
    """Two agencies (a copy of each seed office) with two years of history."""
    seed_scale(agencies=2, years=2, password=PASSWORD, now=NOW)
    return Agency.objects.get(slug="scale-001"), Agency.objects.get(slug="scale-002")


def runs_of(agency):
    return Run.objects.filter(sop__agency=agency)


def logs_of(model, ids):
    return StateLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)


def test_each_scale_agency_is_a_copy_of_a_seed_office_with_its_own_names_and_logins(scale):
    first, second = scale
    assert first.local_government.name == "Kabupaten Skala 001"
    assert second.local_government.name == "Kota Skala 002"
    assert first.full_name != second.full_name
    usernames = set(Employee.objects.filter(agency=first).values_list("user__username", flat=True))
    assert "scale-001.kadis" in usernames and "scale-001.sekretaris" in usernames
    assert Employee.objects.filter(agency=first).count() == Employee.objects.filter(agency__slug="balangan").count()
    assert user("scale-002.kadis").check_password(PASSWORD)
    assert SopVersion.objects.filter(sop__agency=first, status=SopVersion.Status.EFFECTIVE).count() == 1


def test_every_scale_agency_has_about_60_indicators_with_targets_and_every_quarters_figures(scale):
    for agency in scale:
        indicators = Indicator.objects.filter(objective__agency=agency)
        assert indicators.count() == 60
        assert {i.aggregation for i in indicators} == {"sum", "last", "average"}
        assert {i.polarity for i in indicators} == {"higher", "lower"}
        forms = set(Target.objects.filter(indicator__in=indicators).values_list("form", flat=True))
        assert {"single", "range", "ratio", "ceiling", "floor"} <= forms
        for year in (2025, 2026):
            # An annual target (PK) and four quarterly ones (Rencana Aksi) for every indicator.
            assert Target.objects.filter(indicator__in=indicators, year=year, quarter=None).count() == 60
            assert Target.objects.filter(indicator__in=indicators, year=year, quarter__isnull=False).count() == 240
        figures = Realisation.objects.filter(indicator__in=indicators)
        assert figures.filter(year=2025).count() == 60 * 4
        assert figures.filter(year=2026).count() == 60 * 3  # TW IV 2026 is not over
        assert not figures.filter(submitted_at__gt=NOW).exists()


def test_every_period_that_is_over_has_one_finished_run_of_the_seed_sop(scale):
    first, second = scale
    assert sorted(runs_of(first).values_list("period", flat=True)) == sorted(BALANGAN_PERIODS)
    assert sorted(runs_of(second).values_list("period", flat=True)) == sorted(PADANG_PANJANG_PERIODS)
    for agency in scale:
        assert set(runs_of(agency).values_list("state", flat=True)) == {Run.State.FINISHED}
        assert not runs_of(agency).filter(finished_at__gt=NOW).exists()


def test_every_run_step_was_handed_out_by_a_disposisi_and_approved_with_its_state_logs(scale):
    for agency in scale:
        runs = runs_of(agency)
        steps = RunStep.objects.filter(run__in=runs)
        assert set(steps.values_list("state", flat=True)) == {RunStep.State.APPROVED}
        assert Disposition.objects.filter(run_step__in=steps).count() == steps.count()
        logs = logs_of(RunStep, steps.values_list("pk", flat=True))
        for transition in ("activate", "submit", "approve"):
            assert logs.filter(transition=transition).count() >= steps.count()
        assert logs_of(Run, runs.values_list("pk", flat=True)).filter(transition="finish").count() == runs.count()
    # Now and then a step was returned once before its approval: its log says so.
    assert RunStep.objects.filter(run__sop__agency__in=scale, returned_count=1).exists()


def test_a_semester_run_starts_only_after_both_its_quarters_finished(scale):
    first, _second = scale
    runs = {run.period: run for run in runs_of(first)}
    for period in ("2025-S1", "2025-S2", "2025", "2026-S1"):
        for part in Period.parse(period).parts():
            assert runs[str(part)].finished_at < runs[period].started_at


def shape(run: Run) -> dict:
    """What a finished run says, without its moments: who did what, in which order, and the disposisi."""
    calendar = WorkingCalendar.for_agency(run.sop.agency)
    steps = []
    for run_step in run.steps.select_related("step").prefetch_related("dispositions").order_by("sequence"):
        disposition = run_step.disposition
        logs = logs_of(RunStep, [run_step.pk]).order_by("timestamp", "pk")
        assert disposition.due_at == calendar.due(disposition.issued_at, run_step.step.waktu)
        assert run_step.actual_minutes == calendar.working_minutes(run_step.activated_at, run_step.submitted_at)
        steps.append(
            {
                "step": (run_step.step.number, run_step.attempt, run_step.state, run_step.answer),
                "standard": run_step.standard_minutes,
                "people": (run_step.submitted_by.username, run_step.approved_by.username),
                "logs": [
                    (log.source_state, log.state, log.transition, log.by.username, log.description) for log in logs
                ],
                "disposisi": (
                    disposition.from_user.username,
                    disposition.from_position_id,
                    disposition.to_position_id,
                    disposition.subject,
                    disposition.urgency,
                    disposition.requests,
                    disposition.instruction,
                    disposition.requirements,
                    disposition.read_by.username,
                ),
            }
        )
    finish = logs_of(Run, [run.pk]).get()
    assert run.lead_minutes == calendar.working_minutes(run.started_at, run.finished_at)
    return {
        "run": (run.state, run.started_by.username, run.standard_minutes),
        "finish": (finish.transition, finish.by.username, finish.description),
        "steps": steps,
    }


def run_through_the_services(version: SopVersion, period: Period, moment: datetime.datetime) -> Run:
    """The straight way through a run, by the services: the output written as the step's Output."""
    agency = version.sop.agency
    holder = {e.position_id: e.user for e in Employee.objects.filter(agency=agency).select_related("user")}
    first = version.steps.filter(cadence=period.kind).order_by("number").first()
    starter = holder[first.executor.position_id]
    if not permissions.can_start(version, starter):
        starter = user(f"{agency.slug}.sekretaris")
    run = run_start(version=version, period=period, user=starter, now=moment)
    while (current := run.steps.filter(state=RunStep.State.ACTIVE).select_related("step").first()) is not None:
        step = current.step
        moment += datetime.timedelta(hours=1)
        answer = step.exit_list()[0].label if step.exit_list() and step.symbol == "decision" else ""
        run_step_submit(
            run_step_id=current.pk, user=holder[step.executor.position_id], output_note=step.output, answer=answer,
            now=moment,
        )  # fmt: skip
        approver = permissions.approver_position(step)
        if approver is not None:
            moment += datetime.timedelta(hours=1)
            run_step_approve(run_step_id=current.pk, user=holder[approver.pk], now=moment)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("slug", ["scale-001", "scale-002"])
def test_a_generated_run_is_what_the_services_leave_after_the_same_run(scale, slug):
    agency = Agency.objects.get(slug=slug)
    version = SopVersion.objects.get(sop__agency=agency, status=SopVersion.Status.EFFECTIVE)
    generated = (
        runs_of(agency).filter(period__contains="-TW").exclude(steps__returned_count__gt=0).order_by("period").first()
    )
    expected = shape(generated)
    period = generated.period_obj
    ids = list(generated.steps.values_list("pk", flat=True))
    generated.delete()
    logs_of(RunStep, ids).delete()
    logs_of(Run, [generated.pk]).delete()

    real = run_through_the_services(version, period, generated.started_at)

    assert shape(real) == expected


def test_pages_of_a_scale_agency_answer_its_own_users(scale, login):
    first, _second = scale
    run = runs_of(first).order_by("-started_at").first()
    disposition = Disposition.objects.filter(run_step__run=run).first()
    version = SopVersion.objects.get(sop__agency=first, status=SopVersion.Status.EFFECTIVE)
    pages = [
        reverse("workflow:home"),
        reverse("reports:figures"),
        reverse("reports:targets", args=[2026]),
        reverse("workflow:runs"),
        reverse("workflow:run-detail", args=[run.pk]),
        reverse("reports:documents"),
        reverse("workflow:disposition-inbox"),
        reverse("workflow:disposition", args=[disposition.pk]),
        reverse("workflow:sop-list"),
        reverse("workflow:sop-detail", args=[version.pk]),
    ]
    for username in ("scale-001.kadis", "scale-001.sekretaris", "scale-001.staf"):
        client = login(username)
        # Their own unit's figures; the Kepala Dinas (Pimpinan reports nothing) opens any unit's.
        unit = user(username).employee.position.unit
        if not unit.indicators.exists():
            unit = Unit.objects.filter(agency=first, indicators__isnull=False).first()
        for page in [*pages, reverse("reports:figures-unit", args=["2026-TW3", unit.pk])]:
            # The figures page takes a unit's staff straight to their unit's page.
            response = client.get(page, follow=True)
            assert response.status_code == 200, f"{username} could not open {page}"


def test_a_scale_agency_never_sees_another_agencys_data(scale, login):
    first, second = scale
    client = login("scale-001.kadis")
    theirs = runs_of(second).first()
    assert client.get(reverse("workflow:run-detail", args=[theirs.pk])).status_code == 404
    their_disposition = Disposition.objects.filter(run_step__run=theirs).first()
    assert client.get(reverse("workflow:disposition", args=[their_disposition.pk])).status_code == 404
    their_unit = Unit.objects.filter(agency=second).first()
    assert client.get(reverse("reports:figures-unit", args=["2026-TW3", their_unit.pk])).status_code in (403, 404)

    own_runs = set(runs_of(first).values_list("pk", flat=True))
    own_dispositions = set(Disposition.objects.filter(run_step__run__sop__agency=first).values_list("pk", flat=True))
    own_units = set(Unit.objects.filter(agency=first).values_list("pk", flat=True))
    for page, pattern, own in [
        (reverse("workflow:runs"), r"/runs/(\d+)/", own_runs),
        (reverse("workflow:home"), r"/runs/(\d+)/", own_runs),
        (reverse("workflow:disposition-inbox"), r"/disposisi/(\d+)/", own_dispositions),
        (reverse("reports:figures"), r"/unit/(\d+)/", own_units),
    ]:
        html = client.get(page).content.decode()
        shown = {int(pk) for pk in re.findall(pattern, html)}
        assert shown <= own, f"{page} shows another agency's rows: {sorted(shown - own)}"
    assert second.full_name not in client.get(reverse("workflow:home")).content.decode()


def test_the_command_reports_what_it_made_and_refuses_to_make_it_twice(db):
    out = StringIO()
    call_command("seed_scale", agencies=1, years=1, stdout=out)
    assert "Scale data: 1 agencies × 1 years" in out.getvalue()
    assert re.search(r"indicators\s+60\b", out.getvalue())
    with pytest.raises(CommandError, match="Scale agencies already exist"):
        call_command("seed_scale", agencies=2, years=1, stdout=StringIO())
    assert not Agency.objects.filter(slug="scale-002").exists()  # refused before writing anything


@pytest.mark.parametrize(
    ("agencies", "years", "message"),
    [(0, 1, "--agencies must be at least 1"), (1000, 1, "at most 999"), (1, 0, "--years must be between 1 and 20")],
)
def test_the_command_says_which_argument_is_out_of_range(db, agencies, years, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_scale", agencies=agencies, years=years, stdout=StringIO())
    with pytest.raises(ScaleRefused, match=message):
        seed_scale(agencies=agencies, years=years)
