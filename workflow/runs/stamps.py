"""Stamps of what the SOP and run pages show: a key, read in one query, that changes whenever any
row the page is drawn from does (sopkinerja.common.stamped_cache.rows_digest)."""

from django.contrib.auth import get_user_model

from sopkinerja.common.stamped_cache import db_table, rows_digest
from workflow.models.organisation import Agency, Employee, LocalGovernment, Position, Unit
from workflow.models.run import Run
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
