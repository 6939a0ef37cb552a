"""Stamps of what the SOP pages show (the version's text beside its runs): a key, read in one
query, that changes whenever any row the page is drawn from does (reports.performance.stamps.rows_digest)."""

from reports.performance.stamps import db_table, rows_digest
from workflow.models.organisation import Agency, LocalGovernment, Position, Unit
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
