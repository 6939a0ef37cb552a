"""The public chart of a sasaran: capaian per indicator and period as a server-rendered SVG.

No script, no inline style (the CSP forbids them): presentation attributes only. The SVG is an
image with a title for screen readers; the table beside it carries the same numbers.
"""

import textwrap
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.documents.charts import DEFAULT_COLOUR, LIGHT_COLOURS
from reports.performance.achievement import traffic_light
from sopkinerja.common.periods import ROMAN, PeriodKind

WIDTH, LABEL, VALUE = 400, 46, 58  # the drawing's units; it scales to the page's width
ROW, HEADING, GAP = 14, 15, 8
# An indicator's name is drawn whole, wrapped at this many characters a line: at 390 px the drawing is
# about 0.9 of its size and the name's font 11.5 units (static/css/app.css): a line of 46 fits with room.
NAME_CHARACTERS, NAME_LEADING = 46, 13


def short_label(period) -> str:
    if period.kind == PeriodKind.QUARTER:
        return f"TW {ROMAN[period.number]}"
    return _("Year")


def name_lines(name: str) -> list[str]:
    """The name in lines of at most NAME_CHARACTERS, broken between words (a longer word on its own)."""
    return textwrap.wrap(name, NAME_CHARACTERS, break_on_hyphens=False) or [""]


def _number(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + " %"


def objective_chart(progress, chart_id: str) -> SafeString:
    """Horizontal bars of % capaian, one per indicator and period, coloured by the traffic light
    (reports.performance.achievement.traffic_light), with the 100 % line over the bars; the names,
    which may run across the line, are drawn last, over it (with a halo: static/css/app.css)."""
    plot = WIDTH - LABEL - VALUE
    values = [m.achievement for i in progress.indicators for _p, m in i.cells if m and m.achievement is not None]
    scale_max = max([Decimal(120), *values])
    hundred = LABEL + float(Decimal(100) / scale_max) * plot
    parts, names, y = [], [], 16
    for indicator in progress.indicators:
        cells = [(p, m) for p, m in indicator.cells if m is not None]
        if not cells:
            continue
        lines = name_lines(indicator.indicator.name)
        spans = "".join(
            f'<tspan x="0" dy="{NAME_LEADING if number else 0}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        names.append(f'<text x="0" y="{y + 10}" class="chart-name">{spans}</text>')
        y += HEADING + NAME_LEADING * (len(lines) - 1)
        for period, row in cells:
            parts.append(f'<text x="0" y="{y + 10}" class="chart-period">{escape(short_label(period))}</text>')
            if row.achievement is None:
                parts.append(f'<text x="{LABEL}" y="{y + 10}" class="chart-value">—</text>')
            else:
                colour = LIGHT_COLOURS.get(traffic_light(row.achievement), DEFAULT_COLOUR)
                width = max(float(row.achievement / scale_max) * plot, 1.0)
                parts.append(
                    f'<rect x="{LABEL}" y="{y + 2}" width="{width:.1f}" height="{ROW - 4}" fill="{colour}"/>'
                    f'<text x="{WIDTH}" y="{y + 10}" text-anchor="end" class="chart-value">'
                    f"{_number(row.achievement)}</text>"
                )
            y += ROW
        y += GAP
    height = y + 2
    line = (
        f'<line x1="{hundred:.1f}" y1="14" x2="{hundred:.1f}" y2="{height - 4}" stroke="#444" '
        'stroke-width="1" stroke-dasharray="3,3"/>'
        f'<text x="{hundred:.1f}" y="10" text-anchor="middle" class="chart-value">100 %</text>'
    )
    title = _("Achievement per indicator and period: %(objective)s") % {"objective": progress.objective.name}
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<svg class="portal-chart" role="img" aria-labelledby="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}">{escape(title)}</title>{"".join(parts)}{line}{"".join(names)}</svg>'
    )
