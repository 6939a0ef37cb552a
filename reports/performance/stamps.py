"""Stamps of what a performance page shows: a key, read in one query, that changes whenever any row
the page is built from changes (sopkinerja.common.stamped_cache keeps values under such keys).

Each stamp is the md5 of the rows themselves (every column, as PostgreSQL prints a row), so an
edit, an insert and a delete all change it; without PostgreSQL there is no stamp (None) and the
caller computes each time."""

from django.db import connection

from reports.models.performance import Indicator, Objective, Target
from workflow.models.organisation import Agency, Unit


def targets_key(agency: Agency, year: int) -> str | None:
    """A key that changes whenever the agency's targets page of `year` would: its objectives (their
    order), indicators, units (the responsible unit's name) and the year's targets."""
    if connection.vendor != "postgresql":
        return None
    objectives, indicators, units, targets = (
        connection.ops.quote_name(model._meta.db_table) for model in (Objective, Indicator, Unit, Target)
    )
    of_agency = (
        f"SELECT i.id FROM {indicators} i JOIN {objectives} o ON o.id = i.objective_id WHERE o.agency_id = %(agency)s"
    )
    digests = ", ".join(
        f"(SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {table} x WHERE {where})"
        for table, where in (
            (objectives, "x.agency_id = %(agency)s"),
            (indicators, f"x.id IN ({of_agency})"),
            (units, "x.agency_id = %(agency)s"),
            (targets, f"x.year = %(year)s AND x.indicator_id IN ({of_agency})"),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(concat_ws('|', {digests}))", {"agency": agency.pk, "year": year})
        digest = cursor.fetchone()[0]
    return f"targets:v1:{agency.pk}:{year}:{digest}"
