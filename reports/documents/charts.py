"""Charts for reports, computed from the measurements (no image files, no JavaScript).

The bar chart is a table: the labels and values are table text, and each bar is a small SVG with
no text in it. WeasyPrint lays table text out fast but draws SVG text glyph by glyph (a chart of
60 indicators drawn as one SVG cost a fifth of the annual report's render).
"""

from decimal import Decimal
from html import escape

from reports.performance.achievement import traffic_light

# A bar takes its capaian's traffic-light colour (reports.performance.achievement.traffic_light), as on the
# pages: an 88 % bar is yellow here and on the dashboard. The predikat is printed in the table.
LIGHT_COLOURS = {"red": "#c92a2a", "yellow": "#e0a800", "green": "#1b7f3b"}
DEFAULT_COLOUR = LIGHT_COLOURS["red"]
BAR_HEIGHT = 4.6  # mm


def _bar_svg(plot: float, end: float | None, hundred: float, colour: str) -> str:
    rect = "" if end is None else f'<rect x="0" y="0.6" width="{max(end, 0.3):.2f}" height="3.4" fill="{colour}"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{plot:.2f}mm" height="{BAR_HEIGHT}mm" '
        f'viewBox="0 0 {plot:.2f} {BAR_HEIGHT}">{rect}'
        f'<line x1="{hundred:.2f}" y1="0" x2="{hundred:.2f}" y2="{BAR_HEIGHT}" stroke="#444" stroke-width="0.3" '
        'stroke-dasharray="1,1"/></svg>'
    )


def achievement_bars(rows, width: float = 176.0) -> str:
    """Horizontal bars of % capaian per indicator, with the 100 % line; sizes are millimetres."""
    label_width, value_width = 78.0, 18.0
    plot = width - label_width - value_width
    scale_max = max([Decimal(120)] + [r.achievement for r in rows if r.achievement is not None])

    def x_of(value: Decimal) -> float:
        return float(value / scale_max) * plot

    hundred = x_of(Decimal(100))
    body = []
    for index, row in enumerate(rows, 1):
        name = row.indicator.name if len(row.indicator.name) <= 50 else row.indicator.name[:48] + "…"
        if row.achievement is None:
            bar, value = _bar_svg(plot, None, hundred, DEFAULT_COLOUR), "—"
        else:
            colour = LIGHT_COLOURS[traffic_light(row.achievement)]
            bar = _bar_svg(plot, x_of(row.achievement), hundred, colour)
            value = f"{row.achievement:.2f}".replace(".", ",") + " %"
        body.append(
            f'<tr><td class="bar-label">{index}. {escape(name)}</td><td class="bar">{bar}</td>'
            f'<td class="bar-value">{value}</td></tr>'
        )
    head = (
        f'<tr><td></td><td class="bar"><svg xmlns="http://www.w3.org/2000/svg" width="{plot:.2f}mm" height="4mm" '
        f'viewBox="0 0 {plot:.2f} 4"><text x="{hundred:.2f}" y="3" font-size="2.6" text-anchor="middle" '
        f'font-family="DejaVu Sans">100 %</text></svg></td><td></td></tr>'
    )
    return (
        f'<table class="bars"><colgroup><col class="bar-label"><col class="bar"><col class="bar-value"></colgroup>'
        f"<tbody>{head}{''.join(body)}</tbody></table>"
    )
