import hashlib
from decimal import Decimal

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import number_format

from reports.performance.achievement import traffic_light as achievement_light
from reports.performance.selectors import measure, measure_key, provisional_indicators
from reports.performance.values import figure_text
from sopkinerja.common.stamped_cache import kept_html

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


@register.simple_tag
def measurement_table(agency, period, locks_stamp=None):
    """The agency's achievement table for the period (reports.performance.selectors.measure), rendered once per
    change of its data: the HTML is cached under measure()'s key, which any change to the rows it is
    computed from replaces, with the language, the traffic-light thresholds and the template's digest.
    Without a key (SQLite) it is rendered each time. The rows themselves are not kept: the key that
    would keep them changes with the HTML's, so only the HTML is written (one write to the shared
    cache after a figure changed, not two).

    Which figures are marked provisional depends on the units' submissions (in the key) and on the
    figures locks: `locks_stamp`, when given, is a stamp that changes with them (the dashboard passes
    workflow.runs.selectors.agency_stamp().figures_locks: the digest of every data-collection attempt
    of the agency's runs, all that the runs' lock rule reads), and the marks are then read only when
    the table is rendered; without it they are read each time."""

    if period is None:
        return render_to_string(MEASUREMENT_TABLE, {"measurements": []})
    rows_key = measure_key(agency, period, submissions=True)
    provisional = None
    stamp = None
    if rows_key is not None:
        thresholds = "-".join(str(t) for t in settings.TRAFFIC_LIGHT_THRESHOLDS)
        if locks_stamp:
            marks = f"locks-{locks_stamp}"
        else:
            provisional = provisional_indicators(agency, period)
            marks = hashlib.md5(",".join(map(str, sorted(provisional))).encode()).hexdigest()[:12]
        stamp = f"{rows_key}:{thresholds}:{marks}"

    def render() -> str:
        marked = provisional if provisional is not None else provisional_indicators(agency, period)
        rows = measure(agency, period, keep=False)  # not final yet: marked "sementara"
        return render_to_string(MEASUREMENT_TABLE, {"measurements": rows, "provisional": marked})

    return kept_html(stamp, (MEASUREMENT_TABLE, TRAFFIC_LIGHT), render)
