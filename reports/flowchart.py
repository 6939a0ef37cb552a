"""The flowchart part of an SOP sheet, drawn as SVG with the five standard symbols only:
terminator (capsule), process (rectangle), decision (diamond), arrow, off-page connector (pentagon).

Each table row gets its own SVG across the executor columns, as tall as the row's text needs, so
the drawing and the table stay aligned whatever the text. Arrows leave a row at its bottom edge
and enter the next one at its top edge. Pages are filled up to a height budget; where the flow
continues on the next page a numbered connector closes one page and opens the next. A page break
is moved earlier when that keeps a decision's loop back to its target on one page. Units: mm.
"""

import math
from dataclasses import dataclass, field
from html import escape

MIN_ROW_HEIGHT = 19.0
BAND = 10.0  # room for an off-page connector above or below a symbol
STROKE = 0.35
LINE_HEIGHT = 3.3  # 7.5 pt text
CHAR_WIDTH = 1.32  # average width of a character of 7.5 pt DejaVu Sans Condensed
CELL_PADDING = 3.0


@dataclass(frozen=True)
class FlowStep:
    number: int
    column: int  # 0-based executor column
    symbol: str  # terminator | process | decision
    no_branch_to: int | None = None
    texts: tuple[tuple[str, float], ...] = ()  # (text, column width) of the row's other cells


@dataclass
class FlowRow:
    step: FlowStep
    height: float
    svg: str = ""


@dataclass
class FlowPage:
    rows: list[FlowRow]
    connector_in: int | None = None
    connector_out: int | None = None
    extra: dict = field(default_factory=dict)


def text_height(text: str, width: float) -> float:
    """A generous estimate of the height a text needs in a cell of the given width."""
    per_line = max(int((width - CELL_PADDING) / CHAR_WIDTH), 8)
    lines = 0
    for paragraph in (text or "").split("\n"):
        line, count = 0, 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > per_line:
                count, line = count + 1, len(word)
            else:
                line += len(word) + (1 if line else 0)
            count += max(0, math.ceil(len(word) / per_line) - 1)
        lines += count
    return lines * LINE_HEIGHT + CELL_PADDING


def row_height(step: FlowStep) -> float:
    return max([MIN_ROW_HEIGHT] + [text_height(text, width) + 2 for text, width in step.texts])


def paginate(steps: list[FlowStep], budget: float) -> list[list[FlowStep]]:
    """Pages within the height budget (with room for connectors), keeping decision loops together."""
    index = {step.number: i for i, step in enumerate(steps)}
    heights = [row_height(step) for step in steps]
    pages, start = [], 0
    while start < len(steps):
        end, used = start, 2 * BAND
        while end < len(steps) and (end == start or used + heights[end] <= budget):
            used += heights[end]
            end += 1
        for position in range(end, len(steps)):
            target = index.get(steps[position].no_branch_to)
            loop = sum(heights[target : position + 1]) + 2 * BAND if target is not None else 0
            if target is not None and start < target < end and loop <= budget:
                end = min(end, target)
        pages.append(steps[start:end])
        start = end
    return pages or [[]]


def build(steps: list[FlowStep], columns: int, column_width: float, budget: float) -> list[FlowPage]:
    chunks = paginate(steps, budget)
    pages = []
    for number, chunk in enumerate(chunks):
        page = FlowPage(
            rows=[FlowRow(step, row_height(step)) for step in chunk],
            connector_in=number if number > 0 else None,
            connector_out=number + 1 if number < len(chunks) - 1 else None,
        )
        if page.rows and page.connector_in:
            page.rows[0].height += BAND
        if page.rows and page.connector_out:
            page.rows[-1].height += BAND
        _draw_page(page, columns, column_width)
        pages.append(page)
    return pages


class _Canvas:
    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.parts: list[str] = []

    def line(self, *points: tuple[float, float]) -> None:
        path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        self.parts.append(f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="{STROKE}"/>')

    def arrowhead(self, x: float, y: float, direction: str) -> None:
        s = 1.6
        tips = {
            "down": [(x, y), (x - s / 2, y - s), (x + s / 2, y - s)],
            "left": [(x, y), (x + s, y - s / 2), (x + s, y + s / 2)],
            "up": [(x, y), (x - s / 2, y + s), (x + s / 2, y + s)],
        }[direction]
        self.parts.append(f'<polygon points="{" ".join(f"{a:.2f},{b:.2f}" for a, b in tips)}" fill="#000"/>')

    def text(self, x: float, y: float, value: str, anchor: str = "middle", size: float = 2.5) -> None:
        self.parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-family="DejaVu Sans">{escape(value)}</text>'
        )

    def shape(self, markup: str) -> None:
        self.parts.append(markup)

    def svg(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.2f}mm" height="{self.height:.2f}mm" '
            f'viewBox="0 0 {self.width:.2f} {self.height:.2f}">{"".join(self.parts)}</svg>'
        )


def symbol_size(symbol: str, column_width: float) -> tuple[float, float]:
    width = min(column_width * 0.72, 19.0)
    return (width, 9.5) if symbol == "decision" else (width, 6.5)


def _symbol(canvas: _Canvas, symbol: str, cx: float, cy: float, column_width: float) -> None:
    w, h = symbol_size(symbol, column_width)
    style = f'fill="#fff" stroke="#000" stroke-width="{STROKE}"'
    if symbol == "decision":
        points = (
            f"{cx:.2f},{cy - h / 2:.2f} {cx + w / 2:.2f},{cy:.2f} {cx:.2f},{cy + h / 2:.2f} {cx - w / 2:.2f},{cy:.2f}"
        )
        canvas.shape(f'<polygon points="{points}" {style}/>')
    else:
        radius = f' rx="{h / 2:.2f}"' if symbol == "terminator" else ""
        canvas.shape(
            f'<rect x="{cx - w / 2:.2f}" y="{cy - h / 2:.2f}" width="{w:.2f}" height="{h:.2f}"{radius} {style}/>'
        )


def _connector(canvas: _Canvas, cx: float, cy: float, number: int) -> tuple[float, float]:
    """Off-page connector: a pentagon pointing down, numbered. Returns its top and bottom."""
    half, top, shoulder, bottom = 3.4, cy - 3.4, cy + 1.3, cy + 4.0
    points = (
        f"{cx - half:.2f},{top:.2f} {cx + half:.2f},{top:.2f} {cx + half:.2f},{shoulder:.2f} "
        f"{cx:.2f},{bottom:.2f} {cx - half:.2f},{shoulder:.2f}"
    )
    canvas.shape(f'<polygon points="{points}" fill="#fff" stroke="#000" stroke-width="{STROKE}"/>')
    canvas.text(cx, cy + 0.8, str(number), size=2.7)
    return top, bottom


def _draw_page(page: FlowPage, columns: int, column_width: float) -> None:
    rows = page.rows
    position = {row.step.number: i for i, row in enumerate(rows)}
    x_of = {row.step.number: (row.step.column + 0.5) * column_width for row in rows}
    lanes = {}  # decision number -> x of its Tidak lane
    for row in rows:
        step = row.step
        if step.symbol == "decision" and step.no_branch_to is not None:
            columns_involved = [step.column] + (
                [rows[position[step.no_branch_to]].step.column] if step.no_branch_to in position else []
            )
            lanes[step.number] = (max(columns_involved) + 1) * column_width - 1.8

    for i, row in enumerate(rows):
        step, canvas = row.step, _Canvas(columns * column_width, row.height)
        top_band = BAND if (i == 0 and page.connector_in) else 0.0
        bottom_band = BAND if (i == len(rows) - 1 and page.connector_out) else 0.0
        cx = x_of[step.number]
        cy = top_band + (row.height - top_band - bottom_band) / 2
        w, h = symbol_size(step.symbol, column_width)
        for k in range(1, columns):
            canvas.line((k * column_width, 0), (k * column_width, row.height))

        # In: from the previous row's bottom edge, or from this page's opening connector.
        if i > 0:
            canvas.line((cx, 0), (cx, cy - h / 2))
            canvas.arrowhead(cx, cy - h / 2, "down")
        elif page.connector_in:
            _top, bottom = _connector(canvas, cx, BAND / 2, page.connector_in)
            canvas.line((cx, bottom), (cx, cy - h / 2))
            canvas.arrowhead(cx, cy - h / 2, "down")

        # Out: down, across to the next executor's column if needed, to the bottom edge.
        if i < len(rows) - 1:
            nx = x_of[rows[i + 1].step.number]
            turn = row.height - 3.0
            canvas.line((cx, cy + h / 2), (cx, turn), (nx, turn), (nx, row.height))
            if step.symbol == "decision":
                canvas.text(cx + 1.2, cy + h / 2 + 3.0, "Ya", anchor="start")
        elif page.connector_out:
            top, _bottom = _connector(canvas, cx, row.height - BAND / 2, page.connector_out)
            canvas.line((cx, cy + h / 2), (cx, top))
            canvas.arrowhead(cx, top, "down")
            if step.symbol == "decision":
                canvas.text(cx + 1.2, cy + h / 2 + 3.0, "Ya", anchor="start")

        # Tidak: from a decision back up its lane to the target step.
        for decision, lane in lanes.items():
            target = rows[position[decision]].step.no_branch_to
            here, start = i, position[decision]
            end = position.get(target)
            if here == start:
                canvas.line((cx + w / 2, cy), (lane, cy), (lane, 0))
                canvas.text(lane - 0.6, cy - 3.0, "Tidak", anchor="end", size=2.2)
                if end is None:
                    canvas.arrowhead(lane, 0, "up")
                    canvas.text(lane - 1.0, 3.6, f"ke langkah {target}", anchor="end", size=2.3)
            elif end is not None and end < here < start:
                canvas.line((lane, 0), (lane, row.height))
            elif here == end:
                tw, _th = symbol_size(step.symbol, column_width)
                canvas.line((lane, row.height), (lane, cy), (cx + tw / 2, cy))
                canvas.arrowhead(cx + tw / 2, cy, "left")

        _symbol(canvas, step.symbol, cx, cy, column_width)
        row.svg = canvas.svg()
