"""Read paths of the runs: what waits for whom, a run with its attempts and disposisi, the runs in
progress, the periods a run can start for, and whether a quarter's figures are locked by its run."""

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.db.models.lookups import IsNull
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from sopkinerja.common.periods import Period
from workflow.models.organisation import Agency, Employee, Position
from workflow.models.run import Attachment, Disposition, Run, RunStep
from workflow.models.sop import Executor, Sop, SopVersion, Step, StepActor
from workflow.organisation.deliveries import Delivery, deliveries
from workflow.organisation.mail import key_start
from workflow.organisation.selectors import agency_of
from workflow.permissions import held_position_ids
from workflow.sop.waktu import Waktu


def start_refusal(period: Period, *, cadences: set[str], runs: dict[str, str]) -> str | None:
    """Why a run of an SOP for `period` cannot start (None: it can), given the cadences the SOP
    has steps for and its runs that are not cancelled (period → state). The one rule behind
    run_start's refusals and the periods the start form offers."""
    if period.kind not in cadences:
        return _("This SOP has no steps to run for %(period)s.") % {"period": period.label}
    if str(period) in runs:
        return _("This SOP already has a run for %(period)s.") % {"period": period.label}
    for part in period.parts():
        if runs.get(str(part)) != Run.State.FINISHED:
            return _("%(period)s can only start once the run for %(part)s has finished.") % {
                "period": period.label,
                "part": part.label,
            }
    return None


def startable_periods(versions: list[SopVersion], periods: list[Period]) -> list[Period]:
    """Those of `periods` that a run of at least one of `versions` can start for now; two queries."""
    cadences: dict[int, set[str]] = {}
    for version_id, cadence in (
        Step.objects.filter(version__in=versions).order_by().values_list("version_id", "cadence")
    ):
        cadences.setdefault(version_id, set()).add(cadence)
    runs: dict[int, dict[str, str]] = {}
    sop_runs = Run.objects.filter(sop_id__in=[v.sop_id for v in versions]).exclude(state=Run.State.CANCELLED)
    for sop_id, period, state in sop_runs.values_list("sop_id", "period", "state"):
        runs.setdefault(sop_id, {})[period] = state
    return [
        period
        for period in periods
        if any(
            start_refusal(period, cadences=cadences.get(v.pk, set()), runs=runs.get(v.sop_id, {})) is None
            for v in versions
        )
    ]


def runs_for_agency(agency: Agency):

    return Run.objects.for_agency(agency).select_related("sop", "version", "started_by__employee")


@dataclass(frozen=True)
class RunPageDisposition:
    pk: int
    number: str
    read_at: datetime.datetime | None
    read_by: str  # the reader's name, "" before it is read


@dataclass(frozen=True)
class RunPageFile:
    pk: int
    name: str


@dataclass(frozen=True)
class RunPageAttempt:
    """One attempt as the run page shows it to everyone."""

    pk: int
    state: str
    state_label: str
    attempt: int
    due_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    output_note: str
    answer: str
    missing_units: str
    return_note: str
    actual_minutes: int | None
    number: int  # the step's
    activity: str
    waktu: Waktu
    actors: list[str]  # the step's columns: its actors, else its executor
    disposition: RunPageDisposition | None
    files: list[RunPageFile]


@dataclass(frozen=True)
class RunPageLog:
    """A transition logged for the run (`attempt_id` None) or one of its attempts."""

    attempt_id: int | None
    transition: str
    at: datetime.datetime
    by: str
    note: str


@dataclass(frozen=True)
class RunPage:
    """A run as its page shows it to everyone (workflow.runs.stamps.run_page_key): read in six
    queries of one table shape each, whatever the number of its attempts."""

    pk: int
    state: str
    state_label: str
    period: Period
    sop_number: str
    version_name: str
    started_at: datetime.datetime
    started_by: str
    lead_minutes: int | None
    standard_minutes: int
    cancel_reason: str
    attempts: list[RunPageAttempt]
    history: list[RunPageLog]  # in the order logged


def person_name(username: str | None, full_name: str | None) -> str:
    """A person as the run page names them: the employee's full name, else the login ("" for nobody)."""
    return full_name or username or ""


def run_detail(agency: Agency, run_id: int) -> RunPage:
    """One run of this agency as its page shows it to everyone: its attempts in order with their steps
    (activity, Waktu, actor columns), first disposisi and files, and its history; Run.DoesNotExist
    for another agency's. What a viewer may do with an attempt is read by run_steps_in_hand, for the
    attempts in hand only."""
    person = ("username", "employee__full_name")
    run = (
        Run.objects.for_agency(agency)
        .filter(pk=run_id)
        .values(
            *("state", "period", "started_at", "lead_minutes", "standard_minutes", "cancel_reason"),
            *("sop__number", "version__name", *(f"started_by__{field}" for field in person)),
        )
        .first()
    )
    if run is None:
        raise Run.DoesNotExist
    # Ordered here, never by a model's default ordering (the attempts' joins their run's).
    as_stored = ("pk", "state", "attempt", "due_at", "submitted_at", "output_note", "answer", "missing_units")
    as_stored += ("return_note", "actual_minutes")
    rows = list(
        RunStep.objects.filter(run_id=run_id)
        .order_by("sequence")
        .values(
            *as_stored,
            *("step_id", "step__number", "step__activity", "step__executor__title"),
            *("step__duration_text", "step__duration_amount", "step__duration_unit"),
        )
    )
    attempt_ids = [row["pk"] for row in rows]
    actors: dict[int, list[str]] = {}
    links = StepActor.objects.filter(step_id__in={row["step_id"] for row in rows}).order_by("step_id", "order")
    for step_id, title in links.values_list("step_id", "executor__title"):
        actors.setdefault(step_id, []).append(title)
    first_dispositions = (
        Disposition.objects.filter(run_step_id__in=attempt_ids, parent__isnull=True)
        .order_by("issued_at", "pk")  # the latest wins below, as RunStep.disposition reads them newest first
        .values_list("pk", "run_step_id", "issued_at", "read_at", *(f"read_by__{field}" for field in person))
    )
    dispositions = {
        attempt_id: RunPageDisposition(pk, Disposition(pk=pk, issued_at=issued_at).number, read_at, person_name(*name))
        for pk, attempt_id, issued_at, read_at, *name in first_dispositions
    }
    files: dict[int, list[RunPageFile]] = {}
    attached = Attachment.objects.filter(run_step_id__in=attempt_ids).order_by("pk")
    for pk, attempt_id, file, original_name in attached.values_list("pk", "run_step_id", "file", "original_name"):
        name = str(Attachment(file=file, original_name=original_name))
        files.setdefault(attempt_id, []).append(RunPageFile(pk, name))
    return RunPage(
        pk=run_id,
        state=run["state"],
        state_label=Run.State(run["state"]).label,
        period=Period.parse(run["period"]),
        sop_number=run["sop__number"],
        version_name=run["version__name"],
        started_at=run["started_at"],
        started_by=person_name(run["started_by__username"], run["started_by__employee__full_name"]),
        lead_minutes=run["lead_minutes"],
        standard_minutes=run["standard_minutes"],
        cancel_reason=run["cancel_reason"],
        attempts=[
            RunPageAttempt(
                **{field: row[field] for field in as_stored},
                state_label=RunStep.State(row["state"]).label,
                number=row["step__number"],
                activity=row["step__activity"],
                waktu=Step(
                    duration_text=row["step__duration_text"],
                    duration_amount=row["step__duration_amount"],
                    duration_unit=row["step__duration_unit"],
                ).waktu,
                actors=actors.get(row["step_id"]) or [row["step__executor__title"]],
                disposition=dispositions.get(row["pk"]),
                files=files.get(row["pk"], []),
            )
            for row in rows
        ],
        history=run_history(run_id, attempt_ids),
    )


def run_history(run_id: int, attempt_ids: list[int]) -> list[RunPageLog]:
    """The transitions logged for the run and its attempts, in the order logged, with who made them."""
    run_type, attempt_type = (ContentType.objects.get_for_model(model).pk for model in (Run, RunStep))
    logs = StateLog.objects.filter(content_type_id=attempt_type, object_id__in=attempt_ids) | StateLog.objects.filter(
        content_type_id=run_type, object_id=run_id
    )
    fields = ("content_type_id", "object_id", "transition", "timestamp", "description", "by__username")
    return [
        RunPageLog(None if type_id == run_type else object_id, transition, at, person_name(*by), note or "")
        for type_id, object_id, transition, at, note, *by in logs.order_by("timestamp", "pk").values_list(
            *fields, "by__employee__full_name"
        )
    ]


def run_steps_in_hand(run_id: int, attempt_ids: list[int]) -> list[RunStep]:
    """These attempts of the run (those in progress or handed in) with what the rights to act on them
    read (the executor's position and its supervisor, the approver) and the run with its SOP."""
    return list(
        RunStep.objects.filter(run_id=run_id, pk__in=attempt_ids)
        .select_related("run__sop", "step__executor__position__supervisor", "step__approver_position")
        .order_by()
    )


def run_with_sop(run_id: int) -> Run:
    """The run with its SOP: whether the viewer may cancel it reads the SOP's agency."""
    return Run.objects.select_related("sop__agency").get(pk=run_id)


def my_work(user, now=None) -> dict:
    """What waits for the user: steps to perform and submitted steps to approve, oldest first.

    A step to perform that was returned carries who returned it (`returned_by`, with the note) and
    when (`returned_at`, the time of its latest return in the transition log), read in the same query.
    """
    positions = held_position_ids(user, now)
    # What the dashboard shows of each (templates/workflow/home.html, work-item), no more.
    shown = ("run__version", "step__executor")
    last_return = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(RunStep), object_id=OuterRef("pk"), transition="send_back"
    ).order_by("-timestamp")
    return {
        "to_perform": list(
            RunStep.objects.waiting_for(positions)
            .select_related(*shown, "returned_by__employee")
            .annotate(returned_at=Subquery(last_return.values("timestamp")[:1]))
            .order_by("due_at")
        ),
        "to_approve": list(
            RunStep.objects.awaiting_decision_by(positions)
            .select_related(*shown)
            .exclude(submitted_by=user)  # separation of duties: someone else decides
            .order_by("submitted_at")
        ),
    }


def overdue_steps(agency: Agency, now):

    return [attempt for attempt in timed_steps(agency) if attempt.due_at < now]


def timed_steps(agency: Agency) -> list[RunStep]:
    """The active attempts with a due time in the agency's runs in progress, soonest due first: the
    overdue ones at any moment are a prefix of this list, so it can be kept under agency_stamp()."""
    return list(
        RunStep.objects.for_agency(agency)
        .in_active_runs()
        .filter(state=RunStep.State.ACTIVE, due_at__isnull=False)
        .select_related("run__version", "step__executor")
        .order_by("due_at", "pk")
    )


@dataclass(frozen=True)
class AgencyStamps:
    """Digests of the agency's rows that the dashboard keeps parts under (agency_stamp)."""

    rows: str  # its SOPs, positions, people and runs in progress: the board, the SOP table, my work
    figures_locks: str  # its data-collection attempts: what the figures locks read


def agency_stamp(agency: Agency) -> AgencyStamps | None:
    """Two digests in one query; None without PostgreSQL (nothing is kept then).

    `rows`: every row the dashboard shows of the agency's SOPs and runs in progress: its SOPs with
    their versions, steps and executors, its positions and employees, and its active runs with their
    attempts. A run that starts, moves, finishes or is cancelled, a step returned, a step, position or
    person renamed, changes it; its size grows with the agency's SOPs and people, not with the years
    of runs.

    `figures_locks`: every attempt at a data-collection step in the agency's runs, with its run's
    period and state: all that the runs' figures-lock rule reads (RunStepQuerySet.figures_locked), so
    the achievement table's provisional marks are kept under it and not rebuilt at each step of
    another kind. It grows with the quarters run, a few rows each."""
    if connection.vendor != "postgresql":
        return None
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Sop, SopVersion, Step, Executor, Position, Employee, Run, RunStep)
    }
    sops = f"SELECT s.id FROM {table[Sop]} s WHERE s.agency_id = %(agency)s"
    versions = f"SELECT v.id FROM {table[SopVersion]} v WHERE v.sop_id IN ({sops})"
    active = f"SELECT r.id FROM {table[Run]} r WHERE r.state = %(active)s AND r.sop_id IN ({sops})"

    def rows(model, where: str) -> str:
        return f"(SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {table[model]} x WHERE {where})"

    parts = [
        rows(Sop, "x.agency_id = %(agency)s"),
        rows(SopVersion, f"x.sop_id IN ({sops})"),
        rows(Step, f"x.version_id IN ({versions})"),
        rows(Executor, f"x.version_id IN ({versions})"),
        rows(Position, "x.agency_id = %(agency)s"),
        rows(Employee, "x.agency_id = %(agency)s"),
        rows(Run, f"x.id IN ({active})"),
        rows(RunStep, f"x.run_id IN ({active})"),
    ]
    collecting = (
        f"(SELECT string_agg(concat_ws(':', x::text, r.period, r.state), ',' ORDER BY x.id) "
        f"FROM {table[RunStep]} x JOIN {table[Run]} r ON r.id = x.run_id JOIN {table[Step]} s ON s.id = x.step_id "
        f"WHERE s.collects_data AND r.sop_id IN ({sops}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5(concat_ws('|', {', '.join(parts)})), md5(coalesce({collecting}, ''))",
            {"agency": agency.pk, "active": str(Run.State.ACTIVE)},
        )
        board, locks = cursor.fetchone()
    return AgencyStamps(rows=board, figures_locks=locks)


def disposition_sheet(agency: Agency, disposition_id: int) -> tuple[Disposition, list[Disposition]]:
    """The disposisi of the agency with the history of its attempt (as disposition_history() orders
    it; the disposisi itself is the same object in it), with their step, run, positions and people:
    two queries, whatever the history. Raises Disposition.DoesNotExist outside the agency."""

    # Every table joined costs PostgreSQL planning time (with the people joined too, ten times the
    # query's execution): the attempt is found in a subquery, planned on its own, and the logins with
    # their employees come in a second query of one join.
    attempt = Disposition.objects.for_agency(agency).filter(pk=disposition_id).values("run_step_id")[:1]
    rows = list(
        Disposition.objects.filter(run_step_id=Subquery(attempt))
        .select_related("run_step__run", "run_step__step", "from_position", "to_position")
        .order_by("issued_at", "pk")
    )
    if not rows:
        raise Disposition.DoesNotExist(disposition_id)
    people = {row.from_user_id for row in rows} | {row.read_by_id for row in rows if row.read_by_id}
    users = get_user_model().objects.filter(pk__in=people).select_related("employee").in_bulk()
    for row in rows:
        row.from_user = users[row.from_user_id]
        if row.read_by_id:
            row.read_by = users[row.read_by_id]
    history = as_history(rows, disposition_id)
    return next(row for row in history if row.is_this), history


def as_history(rows: list[Disposition], disposition_id: int) -> list[Disposition]:
    """The disposisi of one attempt (`rows`, in the order given) as a tree from the first issuer down:
    each with `depth` (0 for the first) and `is_this` (the one with `disposition_id`)."""
    children: dict = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    history, pending = [], [(row, 0) for row in reversed(children.get(None, []))]
    while pending:
        row, depth = pending.pop()
        row.depth, row.is_this = depth, row.pk == disposition_id
        history.append(row)
        pending += [(child, depth + 1) for child in reversed(children.get(row.pk, []))]
    return history


def disposition_history(disposition) -> list:
    """The disposisi of the same attempt as a tree in the order given, from the first issuer down:
    each with `depth` (0 for the first) and `is_this` (the one asked about). One query."""
    rows = list(
        Disposition.objects.filter(run_step_id=disposition.run_step_id)
        .select_related("from_user__employee", "from_position", "to_position", "read_by__employee")
        .order_by("issued_at", "pk")
    )
    return as_history(rows, disposition.pk)


@dataclass(frozen=True)
class InboxRow:
    """One line of the disposisi inbox, read with the others in one query (disposition_inbox)."""

    pk: int
    issued_at: datetime.datetime
    urgency: str
    subject: str
    forwarded: bool
    step_number: int
    instruction: str  # its own, else the step's activity
    from_position: str  # the title, "" when it came from no position
    due_at: datetime.datetime | None
    duration_text: str  # the step's Waktu as written, and as read when stored
    duration_amount: int | None
    duration_unit: str
    read_at: datetime.datetime | None
    reader: str  # the reader's name (the login's, without an employee profile), "" before it is read

    # The model's own number and Waktu, read from this row's fields of the same names (a model instance
    # per row would cost more than the rest of the row).
    number = Disposition.number
    waktu = Step.waktu  # shown when the disposisi has no due time

    @property
    def urgency_label(self) -> str:
        return Disposition.Urgency(self.urgency).label


INBOX_COLUMNS = (
    "pk",
    "issued_at",
    "urgency",
    "subject",
    "parent_id",
    "instruction",
    "due_at",
    "read_at",
    "run_step__step__number",
    "run_step__step__activity",
    "run_step__step__duration_text",
    "run_step__step__duration_amount",
    "run_step__step__duration_unit",
    "from_position__title",
    "read_by__employee__full_name",
    "read_by__username",
)


def inbox_row(values: dict) -> InboxRow:
    return InboxRow(
        pk=values["pk"],
        issued_at=values["issued_at"],
        urgency=values["urgency"],
        subject=values["subject"],
        forwarded=values["parent_id"] is not None,
        step_number=values["run_step__step__number"],
        instruction=values["instruction"] or values["run_step__step__activity"],
        from_position=values["from_position__title"] or "",
        due_at=values["due_at"],
        duration_text=values["run_step__step__duration_text"],
        duration_amount=values["run_step__step__duration_amount"],
        duration_unit=values["run_step__step__duration_unit"],
        read_at=values["read_at"],
        reader=values["read_by__employee__full_name"] or values["read_by__username"] or "",
    )


def disposition_inbox(user, now=None, *, read_limit: int = 50) -> dict:
    """The disposisi to the positions the user holds or acts for: unread ones (all), and the latest
    `read_limit` read ones, newest first, as InboxRow. One query, whatever the history."""

    positions = held_position_ids(user, now)
    agency = agency_of(user)
    # Unread and read are numbered apart, newest first, so that one query (one plan) holds every
    # unread one and the newest read ones; only the columns the list shows.
    newest_first = [F("issued_at").desc(), F("pk").desc()]
    rows = (
        Disposition.objects.for_agency(agency)
        .filter(to_position__in=positions)
        .annotate(rank=Window(RowNumber(), partition_by=[IsNull(F("read_at"), True)], order_by=newest_first))
        .filter(Q(read_at__isnull=True) | Q(rank__lte=read_limit))
        .order_by(*newest_first)
        .values(*INBOX_COLUMNS)
    )
    inbox: dict = {"unread": [], "read": []}
    for values in rows:
        inbox["unread" if values["read_at"] is None else "read"].append(inbox_row(values))
    return inbox


def inbox_stamp(rows: list[InboxRow]) -> str:
    """A stamp of exactly what a list of disposition_inbox() shows: the digest of every field of every
    row, so that a disposisi arriving, read, forwarded or changed, or a name or step changed, changes it."""
    shown = repr(rows).encode()
    return f"disposition-inbox:{hashlib.md5(shown, usedforsecurity=False).hexdigest()}"


def unread_disposition_count(user, now=None) -> int:

    return (
        Disposition.objects.for_agency(agency_of(user))
        .filter(to_position__in=held_position_ids(user, now), read_at__isnull=True)
        .count()
    )


@dataclass(frozen=True)
class RunProgress:
    run: object
    done: int  # approved or skipped attempts
    total: int  # attempts planned so far
    current: object | None  # the attempt in hand (active or submitted)
    overdue: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def runs_in_progress(agency: Agency, now, *, sop_id: int | None = None, period: str = "", state: str = "active"):
    """Runs with their progress, current step, who holds it and its due time: two queries in all."""
    return progress_at(runs_with_current_steps(agency, sop_id=sop_id, period=period, state=state), now)


def progress_at(runs: list[tuple], now) -> list[RunProgress]:
    """The progress rows of runs_with_current_steps() at the moment `now` (whether each is overdue)."""
    return [
        RunProgress(
            run,
            run.done,
            run.total,
            current,
            bool(current and run.state == Run.State.ACTIVE and current.is_overdue(now)),
        )
        for run, current in runs
    ]


def runs_with_current_steps(agency: Agency, *, sop_id: int | None = None, period: str = "", state: str = "active"):
    """The newest 100 runs that match, each with its counts of attempts done and planned and its
    attempt in hand (or None): what the progress table shows, without the clock."""
    runs = (
        Run.objects.for_agency(agency)
        .select_related("sop", "version")
        .annotate(done=Count("steps", filter=Q(steps__state__in=RunStep.DONE)), total=Count("steps"))
    )
    if state:
        runs = runs.filter(state=state)
    if sop_id:
        runs = runs.filter(sop_id=sop_id)
    if period:
        runs = runs.filter(period=period)
    runs = list(runs.order_by("-started_at")[:100])
    if not runs:
        return []
    current = {
        attempt.run_id: attempt
        for attempt in RunStep.objects.filter(
            run__in=[run.pk for run in runs], state__in=[RunStep.State.ACTIVE, RunStep.State.SUBMITTED]
        ).select_related("step__executor__position__supervisor", "step__approver_position")
    }
    return [(run, current.get(run.pk)) for run in runs]


def disposition_deliveries(agency: Agency, disposition: Disposition) -> list[Delivery]:
    """What became of the messages telling the recipients of this disposisi, per person and channel."""
    event = "disposition_issued"
    return deliveries(agency=agency, event=event, key_prefix=key_start(event, disposition))


def return_deliveries(agency: Agency, run_step: RunStep) -> list[Delivery]:
    """What became of the messages telling the executor that this step was returned, its latest return only."""
    event = "step_returned"
    return deliveries(agency=agency, event=event, key_prefix=key_start(event, run_step), latest_only=True)
