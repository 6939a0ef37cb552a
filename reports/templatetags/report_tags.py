from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def angka(value, places: int | None = None) -> str:
    """A figure the Indonesian way: 12.500 or 64,05 (grouping with '.', decimals with ',')."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    return number_format(round(value, int(places)), decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def persen(value) -> str:
    return "—" if value is None else f"{angka(value, 2)} %"


@register.filter
def target_text(target) -> str:
    if target is None:
        return "—"
    if target.high is None:
        return angka(target.low)
    return f"{angka(target.low)} – {angka(target.high)}"


@register.filter
def subtract(value, other):
    return Decimal(value) - Decimal(other)


@register.inclusion_tag("partials/traffic_light.html")
def traffic_light(achievement):
    """e-SAKIP's traffic light for a capaian: red below the first threshold, green above the second
    (settings.TRAFFIC_LIGHT_THRESHOLDS, 70 and 90 by default), yellow between."""
    from django.conf import settings

    if achievement is None:
        return {"colour": None}
    red_below, green_above = settings.TRAFFIC_LIGHT_THRESHOLDS
    colour = "red" if achievement < red_below else "green" if achievement > green_above else "yellow"
    return {"colour": colour}
