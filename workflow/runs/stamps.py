"""Stamps of what the SOP and run pages show: a key, read in one query, that changes whenever any
row the page is drawn from does (sopkinerja.common.stamped_cache.rows_digest)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog

from sopkinerja.common.stamped_cache import db_table, rows_digest
from workflow.models.organisation import Agency, Employee, LocalGovernment, Position, Unit
from workflow.models.run import Attachment, Disposition, Run, RunStep
from workflow.models.sop import Executor, Sop, SopListItem, SopVersion, Step, StepActor, StepExit, StepRequirement


def sop_text_key(agency: Agency, version_id: int) -> str | None:
    """A key that changes whenever the text of an SOP version as its page shows it would: the version,
    its SOP and unit, the agency and its government (the heading), the identity lists, the executor
    columns (and their positions), the steps with their requirements, exits and actors. None
    without PostgreSQL."""
    sop = f"SELECT v.sop_id FROM {db_table(SopVersion)} v WHERE v.id = %(version)s"
    steps = f"SELECT s.id FROM {db_table(Step)} s WHERE s.version_id = %(version)s"
    digest = rows_digest(
        [
            (SopVersion, "x.id = %(version)s"),
            (Sop, f"x.id IN ({sop})"),
            (Unit, f"x.id IN (SELECT s.unit_id FROM {db_table(Sop)} s WHERE s.id IN ({sop}))"),
            (Agency, "x.id = %(agency)s"),
            (LocalGovernment, "x.id = %(government)s"),
            (SopListItem, "x.version_id = %(version)s"),
            (Executor, "x.version_id = %(version)s"),
            (Position, f"x.id IN (SELECT e.position_id FROM {db_table(Executor)} e WHERE e.version_id = %(version)s)"),
            (Step, "x.version_id = %(version)s"),
            (StepRequirement, f"x.step_id IN ({steps})"),
            (StepExit, f"x.step_id IN ({steps})"),
            (StepActor, f"x.step_id IN ({steps})"),
        ],
        {"version": version_id, "agency": agency.pk, "government": agency.local_government_id},
    )
    return None if digest is None else f"sop-text:v1:{agency.pk}:{version_id}:{digest}"


def runs_key(agency: Agency) -> str | None:
    """A key that changes whenever the agency's list of runs would: its runs (state, times), their
    SOPs and versions (number, name), who started them (the name shown) and the agency's working
    day (the lead time in working days). None without PostgreSQL."""
    sops = f"SELECT s.id FROM {db_table(Sop)} s WHERE s.agency_id = %(agency)s"
    starters = f"SELECT r.started_by_id FROM {db_table(Run)} r WHERE r.sop_id IN ({sops})"
    digest = rows_digest(
        [
            (Run, f"x.sop_id IN ({sops})"),
            (Sop, "x.agency_id = %(agency)s"),
            (SopVersion, f"x.sop_id IN ({sops})"),
            (get_user_model(), f"x.id IN ({starters})"),
            (Employee, f"x.user_id IN ({starters})"),
            (Agency, "x.id = %(agency)s"),
        ],
        {"agency": agency.pk},
    )
    return None if digest is None else f"runs:v1:{agency.pk}:{digest}"


def run_page_key(agency: Agency, run_id: int) -> str | None:
    """A key that changes whenever what the run page shows to everyone would: the run (its state,
    times, reason for cancelling), its SOP and version (number, name), its attempts (state, output,
    return note, deadline, times), their steps and executor columns (activity, Waktu, actors), their
    disposisi and files, the history (the transitions logged for the run and its attempts), the names
    of the people it names (who started it, who acted, who read a disposisi) and the agency (its
    working day). None without PostgreSQL.

    Whether the run is the agency's is not read here: the key names the agency, and a page is kept
    under it only once drawn, which another agency's run never is (a 404)."""
    # Each selection reads its rows through an index: the run's one SOP and version as scalars (an
    # IN of a subquery made PostgreSQL hash every step, executor and actor of the province).
    run = f"(SELECT r.{{column}} FROM {db_table(Run)} r WHERE r.id = %(run)s)"
    attempts = f"SELECT rs.id FROM {db_table(RunStep)} rs WHERE rs.run_id = %(run)s"
    steps = f"SELECT s.id FROM {db_table(Step)} s WHERE s.version_id = {run.format(column='version_id')}"
    # Two selections, each on the log's object index (an OR of both made PostgreSQL read every row).
    logged = (
        f"SELECT l.id FROM {db_table(StateLog)} l WHERE l.content_type_id = %(attempt_type)s"
        f" AND l.object_id IN ({attempts})"
        f" UNION ALL SELECT l.id FROM {db_table(StateLog)} l WHERE l.content_type_id = %(run_type)s"
        " AND l.object_id = %(run)s"
    )
    # Who acted read straight from the log's two selections (through `logged` it took a third longer).
    people = (
        f"SELECT {run.format(column='started_by_id')}"
        f" UNION SELECT l.by_id FROM {db_table(StateLog)} l WHERE l.content_type_id = %(attempt_type)s"
        f" AND l.object_id IN ({attempts})"
        f" UNION SELECT l.by_id FROM {db_table(StateLog)} l WHERE l.content_type_id = %(run_type)s"
        " AND l.object_id = %(run)s"
        f" UNION SELECT d.read_by_id FROM {db_table(Disposition)} d WHERE d.run_step_id IN ({attempts})"
    )
    digest = rows_digest(
        [
            (Run, "x.id = %(run)s"),
            (Sop, f"x.id = {run.format(column='sop_id')}"),
            (SopVersion, f"x.id = {run.format(column='version_id')}"),
            (RunStep, "x.run_id = %(run)s"),
            (Step, f"x.version_id = {run.format(column='version_id')}"),
            (Executor, f"x.version_id = {run.format(column='version_id')}"),
            (StepActor, f"x.step_id IN ({steps})"),
            (Disposition, f"x.run_step_id IN ({attempts})"),
            (Attachment, f"x.run_step_id IN ({attempts})"),
            (StateLog, f"x.id IN ({logged})"),
            (get_user_model(), f"x.id IN ({people})"),
            (Employee, f"x.user_id IN ({people})"),
            (Agency, "x.id = %(agency)s"),
        ],
        {
            "run": run_id,
            "agency": agency.pk,
            "run_type": ContentType.objects.get_for_model(Run).pk,
            "attempt_type": ContentType.objects.get_for_model(RunStep).pk,
        },
    )
    return None if digest is None else f"run-page:v1:{agency.pk}:{run_id}:{digest}"
