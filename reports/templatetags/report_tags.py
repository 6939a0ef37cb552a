import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from reports.performance.achievement import traffic_light as achievement_light
from reports.performance.selectors import measure_indicators, measure_row_stamps, provisional_indicators
from reports.performance.values import figure_text
from sopkinerja.common.stamped_cache import (
    FRAGMENT_SECONDS,
    fragment_key,
    kept_html,
    stamped_get,
    stamped_set,
)

register = template.Library()


@register.filter
def angka(value, places: int | None = None) -> str:
    """A figure the Indonesian way: 12.500 or 64,05 (grouping with '.', decimals with ',')."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if places is None:
        # Two decimals as before, more when the figure has them (0,277): values keep up to four.
        decimals = max(-value.normalize().as_tuple().exponent, 0)
        places = 0 if value == value.to_integral_value() else min(max(decimals, 2), 4)
    return number_format(round(value, int(places)), decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def persen(value) -> str:
    return "—" if value is None else f"{angka(value, 2)} %"


@register.filter
def rasio(value) -> str:
    """A ratio 1:n as offices print it, with the decimals it has: "1:32", "1:17,9"."""
    return "—" if value is None or value == "" else figure_text(Decimal(value), ratio=True)


@register.filter
def realisasi(figure) -> str:
    """A measured realisation (a Measurement's `actual`) or a Realisation's value, in its written form:
    "1:17,9" for a ratio, else a number ("12.500", "64,05"); "—" when there is none."""
    if figure is None:
        return "—"
    if hasattr(figure, "actual_ratio"):  # a Measurement
        return rasio(figure.actual) if figure.actual_ratio else angka(figure.actual)
    return rasio(figure.value) if figure.written_as_ratio else angka(figure.value)


@register.filter
def satuan(indicator) -> str:
    """The indicator's unit of measure, "-" when it has none (common in published tables)."""
    return indicator.unit_of_measure or "-"


@register.filter
def target_text(target) -> str:
    if target is None:
        return "—"
    form = getattr(target, "form", "single")
    if form == "ratio":
        return rasio(target.low)
    if form == "ceiling":
        return f"maks. {angka(target.low)}"
    if form == "floor":
        return f"min. {angka(target.low)}"
    if target.high is None:
        return angka(target.low)
    # The dash stays with the low end, so a narrow column breaks "78,46 –" / "86,31", never inside a number.
    return f"{angka(target.low)}\u00a0– {angka(target.high)}"


@register.filter
def subtract(value, other):
    return Decimal(value) - Decimal(other)


TRAFFIC_LIGHT = "partials/traffic_light.html"


@register.inclusion_tag(TRAFFIC_LIGHT)
def traffic_light(achievement):
    """The capaian's traffic light (reports.performance.achievement.traffic_light), with its colour as hidden text."""
    return {"colour": achievement_light(achievement)}


MEASUREMENT_TABLE = "partials/measurement_table.html"
MEASUREMENT_ROW = "partials/measurement_row.html"  # a row's cells after its number and objective


@dataclass(frozen=True)
class TableLine:
    number: int
    objective: str  # the strategic objective's name on its first row, else ""
    cells: str  # the row's own cells (safe HTML)


@register.simple_tag
def measurement_table(agency, period, locks_stamp=None):
    """The agency's achievement table for the period (reports.performance.selectors.measure).

    Kept twice over, under digests of the rows it is drawn from (measure_row_stamps, one query): the
    whole table, and each indicator's row under its own digest, so that after a figure changes only
    the rows of the indicators whose target or figures changed are measured and drawn again. A row is
    kept for the language, the thresholds, the agency's capping, the rating bands and units, and with
    whether it is marked provisional; its number and objective cell depend on the rows before it and
    are not kept.
    Without PostgreSQL every row is measured and drawn each time.

    Which figures are marked provisional depends on the units' submissions (in the stamp) and on the
    figures locks: `locks_stamp`, when given, is a stamp that changes with them (the dashboard passes
    workflow.runs.selectors.agency_stamp().figures_locks: the digest of every data-collection attempt
    of the agency's runs, all that the runs' lock rule reads), and the marks are then read only when
    the table is drawn; without it they are read each time."""

    if period is None:
        return render_to_string(MEASUREMENT_TABLE, {"lines": []})
    stamps = measure_row_stamps(agency, period)
    provisional = None if locks_stamp else provisional_indicators(agency, period)
    table_stamp = None
    if stamps is not None:
        marks = f"locks-{locks_stamp}" if locks_stamp else ",".join(map(str, sorted(provisional)))
        table_stamp = (
            f"measure-table:v1:{agency.pk}:{period}:{_row_context(agency)}:{stamps.rules}:{stamps.submissions}:"
            f"{stamps.figures}:{hashlib.md5(marks.encode(), usedforsecurity=False).hexdigest()}"
        )

    def render() -> str:
        marked = provisional if provisional is not None else provisional_indicators(agency, period)
        return _drawn_table(agency, period, stamps, marked)

    return kept_html(table_stamp, (MEASUREMENT_TABLE, MEASUREMENT_ROW, TRAFFIC_LIGHT), render)


def _row_context(agency) -> str:
    """What every row's drawing depends on beyond its data: the agency's capping, the light's thresholds."""
    return f"{int(agency.cap_achievement)}:{'-'.join(str(t) for t in settings.TRAFFIC_LIGHT_THRESHOLDS)}"


def _drawn_table(agency, period, stamps, provisional: frozenset) -> str:
    """The table's HTML: each row as kept for its digest when it is, the others measured and drawn.
    The rows are kept together, {indicator id: (digest, provisional?, row)}, so that one read and one
    write of the shared cache serve a table however many of its rows changed."""
    kept, fresh, key = {}, {}, None
    if stamps is not None:
        key = fragment_key(
            f"measure-rows:v1:{agency.pk}:{period}:{_row_context(agency)}:{stamps.rules}",
            (MEASUREMENT_ROW, TRAFFIC_LIGHT),
        )
        rows = stamped_get(key) or {}
        for pk, digest in stamps.rows:
            held = rows.get(pk)
            if held and held[:2] == (digest, pk in provisional):
                kept[pk] = held
    order = [pk for pk, _digest in stamps.rows] if stamps is not None else None
    missing = None if order is None else [pk for pk in order if pk not in kept]
    if missing is None or missing:
        measured = measure_indicators(agency, period, missing)
        row_template = get_template(MEASUREMENT_ROW)
        digests = dict(stamps.rows) if stamps is not None else {}
        fresh = {
            pk: (digests.get(pk), pk in provisional, _row_parts(measured.get(pk), row_template, pk in provisional))
            for pk in (missing if missing is not None else measured)
        }
        order = order if order is not None else list(measured)
        if key:
            stamped_set(key, kept | fresh, FRAGMENT_SECONDS)
    rows = kept | fresh
    lines, shown, previous = [], set(), None
    for pk in order:
        parts = rows[pk][2]
        if not parts:
            continue  # not measured in this period (a yearly indicator in a quarter)
        objective_id, objective, cells = parts
        lines.append(TableLine(len(lines) + 1, objective if objective_id != previous else "", mark_safe(cells)))  # noqa: S308 (drawn here)
        shown.add(pk)
        previous = objective_id
    return render_to_string(MEASUREMENT_TABLE, {"lines": lines, "provisional": bool(shown & provisional)})


def _row_parts(row, row_template, provisional: bool) -> tuple:
    """A row as kept: (its objective's id and name, its cells' HTML); () when the period does not
    measure the indicator."""
    if row is None:
        return ()
    cells = row_template.render({"row": row, "provisional": provisional})
    return (row.indicator.objective_id, row.indicator.objective.name, str(cells))
