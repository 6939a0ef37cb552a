"""SVG charts for reports, computed from the measurements (no image files, no JavaScript)."""

from decimal import Decimal
from html import escape

BAR_COLOURS = {"Sangat Baik": "#1b7f3b", "Baik": "#5aa02c", "Cukup": "#e0a800", "Kurang": "#e8590c"}
DEFAULT_COLOUR = "#c92a2a"


def achievement_bars(rows, width: float = 176.0) -> str:
    """Horizontal bars of % capaian per indicator, with the 100 % line; units are millimetres."""
    label_width, bar_height, gap, top = 78.0, 4.6, 2.2, 8.0
    scale_max = max([Decimal(120)] + [r.achievement for r in rows if r.achievement is not None])
    plot = width - label_width - 18
    height = top + len(rows) * (bar_height + gap) + 6

    def x_of(value: Decimal) -> float:
        return label_width + float(value / scale_max) * plot

    parts = [
        f'<text x="{x_of(Decimal(100)):.2f}" y="5" font-size="2.6" text-anchor="middle">100 %</text>',
        f'<line x1="{x_of(Decimal(100)):.2f}" y1="6" x2="{x_of(Decimal(100)):.2f}" y2="{height - 4:.2f}" '
        'stroke="#444" stroke-width="0.3" stroke-dasharray="1,1"/>',
    ]
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        name = row.indicator.name if len(row.indicator.name) <= 50 else row.indicator.name[:48] + "…"
        parts.append(
            f'<text x="{label_width - 2:.2f}" y="{y + bar_height * 0.75:.2f}" font-size="2.5" '
            f'text-anchor="end">{index + 1}. {escape(name)}</text>'
        )
        if row.achievement is None:
            parts.append(f'<text x="{label_width + 1:.2f}" y="{y + bar_height * 0.75:.2f}" font-size="2.5">—</text>')
            continue
        colour = BAR_COLOURS.get(row.rating, DEFAULT_COLOUR)
        end = x_of(row.achievement)
        parts.append(
            f'<rect x="{label_width:.2f}" y="{y:.2f}" width="{max(end - label_width, 0.3):.2f}" '
            f'height="{bar_height:.2f}" fill="{colour}"/>'
        )
        label = f"{row.achievement:.2f}".replace(".", ",")
        parts.append(f'<text x="{end + 1:.2f}" y="{y + bar_height * 0.75:.2f}" font-size="2.5">{label} %</text>')
    parts.append(
        f'<line x1="{label_width:.2f}" y1="6" x2="{label_width:.2f}" y2="{height - 4:.2f}" '
        'stroke="#000" stroke-width="0.3"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {width} {height:.2f}" font-family="DejaVu Sans">{"".join(parts)}</svg>'
    )
