"""Stamps of what a performance page shows: a key, read in one query, that changes whenever any row
the page is built from changes (sopkinerja.common.stamped_cache keeps values under such keys).

Each stamp is the md5 of the rows themselves (every column, as PostgreSQL prints a row), so an
edit, an insert and a delete all change it; without PostgreSQL there is no stamp (None) and the
caller computes each time."""

from reports.models.performance import Evidence, Indicator, Objective, RatingBand, Realisation, Target
from sopkinerja.common.stamped_cache import db_table, rows_digest
from workflow.models.organisation import Agency, Unit


def targets_key(agency: Agency, year: int) -> str | None:
    """A key that changes whenever the agency's targets page of `year` would: its objectives (their
    order), indicators, units (the responsible unit's name) and the year's targets."""
    of_agency = (
        f"SELECT i.id FROM {db_table(Indicator)} i JOIN {db_table(Objective)} o ON o.id = i.objective_id "
        "WHERE o.agency_id = %(agency)s"
    )
    digest = rows_digest(
        [
            (Objective, "x.agency_id = %(agency)s"),
            (Indicator, f"x.id IN ({of_agency})"),
            (Unit, "x.agency_id = %(agency)s"),
            (Target, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        ],
        {"agency": agency.pk, "year": year},
    )
    return None if digest is None else f"targets:v1:{agency.pk}:{year}:{digest}"


def unit_figures_key(agency: Agency, unit: Unit, year: int, quarter: int) -> str | None:
    """A key that changes whenever the rows of a unit's quarter would (reports.performance.selectors.
    figure_entries, with capaian): the indicators the unit answers for and their objectives (the
    order), the year's targets, the quarter's figures and their evidence, the government's rating
    bands and whether the agency caps capaian."""
    answered = f"FROM {db_table(Indicator)} i WHERE i.responsible_unit_id = %(unit)s"
    of_unit = f"SELECT i.id {answered}"
    figures = f"x.year = %(year)s AND x.quarter = %(quarter)s AND x.indicator_id IN ({of_unit})"
    digest = rows_digest(
        [
            (Objective, f"x.id IN (SELECT i.objective_id {answered})"),
            (Indicator, "x.responsible_unit_id = %(unit)s"),
            (Target, f"x.year = %(year)s AND x.indicator_id IN ({of_unit})"),
            (Realisation, figures),
            (Evidence, f"x.realisation_id IN (SELECT x.id FROM {db_table(Realisation)} x WHERE {figures})"),
            (RatingBand, "x.local_government_id = %(government)s"),
        ],
        {"unit": unit.pk, "year": year, "quarter": quarter, "government": agency.local_government_id},
    )
    if digest is None:
        return None
    return f"unit-figures:v1:{unit.pk}:{year}-{quarter}:{int(agency.cap_achievement)}:{digest}"
