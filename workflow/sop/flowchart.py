"""The flowchart of an SOP, drawn from its graph as SVG rows, for the PDF sheet and the web page alike.

Only the standard symbols: terminator (capsule), process (rectangle), decision (diamond), arrow and
off-page connector (numbered pentagon). Each table row gets its own SVG across the executor columns,
as tall as the row's text needs, so the drawing and the table stay aligned. Units: mm.

How edges are drawn (see docs/flowchart.md):
- A step with several actors has its symbol in each actor's column, joined by a horizontal line at
  mid-height. Arrows enter and leave through its first actor's symbol; side exits leave from the
  outermost symbol on that side.
- An exit to the very next row goes straight down (with a dog-leg at the row's bottom when the
  columns differ), its label beside the line just under the symbol.
- Any other exit (forward jump, loop back, third way of a decision) leaves from a side vertex, its
  label above that short horizontal stub, and runs in a lane at the side of a column, where no
  symbol is drawn, to the target's side. Lanes are spread so parallel edges never overlap.
- An edge that crosses a page break ends in a numbered pentagon on its page and starts again from a
  pentagon with the same number on the target's page: in the bottom band for edges going down, in
  the top band for edges going up (loops back).
"""

import math
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _

MIN_ROW_HEIGHT = 19.0
BAND = 10.0  # room for off-page connectors above the first and below the last row of a page
STROKE = 0.35
LINE_HEIGHT = 3.3  # 7.5 pt text
CHAR_WIDTH = 1.32  # average width of a character of 7.5 pt DejaVu Sans Condensed
CELL_PADDING = 3.0
LABEL_SIZE = 2.2
FILL_AT_LEAST = 0.6  # a page is not left more than 40 % empty to keep a loop together


@dataclass(frozen=True)
class FlowExit:
    label: str
    target: int  # step number


@dataclass(frozen=True)
class FlowStep:
    number: int
    columns: tuple[int, ...]  # 0-based actor columns; the first one carries the arrows in and out
    symbol: str  # terminator | process | decision
    exits: tuple[FlowExit, ...] = ()
    texts: tuple[tuple[str, float], ...] = ()  # (text, column width) of the row's other cells

    @property
    def column(self) -> int:
        return self.columns[0]


@dataclass
class FlowRow:
    step: FlowStep
    height: float
    svg: str = ""


@dataclass
class FlowPage:
    rows: list[FlowRow]
    connectors_in: list[int] = field(default_factory=list)
    connectors_out: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def steps_of(version, widths: dict | None = None) -> list[FlowStep]:
    """The drawable graph of a stored version (prefetch executors, steps, actors and exits)."""
    column = {executor.pk: index for index, executor in enumerate(version.executors.all())}
    widths = widths or {}
    flow = []
    for step in version.steps.all():
        texts = ()
        if widths:
            texts = (
                (step.activity, widths["kegiatan"]),
                (", ".join(step.requirement_texts()), widths["kelengkapan"]),
                (step.duration_text, widths["waktu"]),
                (step.output, widths["output"]),
                (step.remark, widths["ket"]),
            )
        flow.append(
            FlowStep(
                step.number,
                tuple(column[executor.pk] for executor in step.actor_columns()),
                step.symbol,
                tuple(FlowExit(exit.label, exit.target.number) for exit in step.exit_list()),
                texts,
            )
        )
    return flow


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
    """Pages within the height budget (with room for connector bands).

    Pages are filled greedily; a break moves earlier to keep a loop (an exit back to an earlier step)
    on one page only when the loop fits on a page and the page stays at least 60 % full. A last page
    holding a single row takes one row from the page before, so no row stands alone."""
    index = {step.number: i for i, step in enumerate(steps)}
    heights = [row_height(step) for step in steps]
    pages, start = [], 0
    while start < len(steps):
        # A page after the first opens with a connector band; one that is not the last closes with one.
        room = budget - (BAND if start else 0.0)
        end, used = start, 0.0
        while end < len(steps) and (
            end == start or used + heights[end] + (BAND if end + 1 < len(steps) else 0.0) <= room
        ):
            used += heights[end]
            end += 1
        for position in range(end, len(steps)):
            for exit in steps[position].exits:
                target = index.get(exit.target)
                if target is None or not start < target < end or target >= position:
                    continue
                loop = sum(heights[target : position + 1])
                if loop <= budget - 2 * BAND and sum(heights[start:target]) >= FILL_AT_LEAST * room:
                    end = target
        pages.append(list(range(start, end)))
        start = end
    if len(pages) > 1 and len(pages[-1]) == 1 and len(pages[-2]) > 2:
        pages[-1].insert(0, pages[-2].pop())
    return [[steps[i] for i in page] for page in pages] or [[]]


def build(steps: list[FlowStep], columns: int, column_width: float, budget: float) -> list[FlowPage]:
    """Paginate and draw: every exit of every step becomes an arrow, page breaks become connectors."""
    chunks = paginate(steps, budget)
    page_of = {step.number: p for p, chunk in enumerate(chunks) for step in chunk}
    firsts = {chunk[0].number for chunk in chunks if chunk}
    lasts = {chunk[-1].number for chunk in chunks if chunk}
    pages = [FlowPage(rows=[FlowRow(step, row_height(step)) for step in chunk]) for chunk in chunks]
    # Number the edges that cross a page break, in reading order. The first exit from the last row
    # of a page to the first row of the next one goes straight down through a connector pair.
    crossing: dict[tuple[int, int, int], int] = {}
    straight: set[tuple[int, int, int]] = set()
    for step in steps:
        for k, exit in enumerate(step.exits):
            if exit.target in page_of and page_of[exit.target] != page_of[step.number]:
                key = (step.number, k, exit.target)
                crossing[key] = len(crossing) + 1
                if (
                    step.number in lasts
                    and exit.target in firsts
                    and page_of[exit.target] == page_of[step.number] + 1
                    and not any(s == step.number for s, _k, _t in straight)
                ):
                    straight.add(key)
    for (source, _k, target), number in crossing.items():
        pages[page_of[source]].connectors_out.append(number)
        pages[page_of[target]].connectors_in.append(number)
    for p, page in enumerate(pages):
        if not page.rows:
            continue
        on_page = {key: n for key, n in crossing.items() if p in (page_of[key[0]], page_of[key[2]])}
        _draw_page(page, columns, column_width, on_page, straight, page_of, p)
    return pages


class _Canvas:
    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.parts: list[str] = []
        self.labels: list[str] = []

    def line(self, *points: tuple[float, float]) -> None:
        path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        self.parts.append(f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="{STROKE}"/>')

    def arrowhead(self, x: float, y: float, direction: str) -> None:
        s = 1.6
        tips = {
            "down": [(x, y), (x - s / 2, y - s), (x + s / 2, y - s)],
            "up": [(x, y), (x - s / 2, y + s), (x + s / 2, y + s)],
            "left": [(x, y), (x + s, y - s / 2), (x + s, y + s / 2)],
            "right": [(x, y), (x - s, y - s / 2), (x - s, y + s / 2)],
        }[direction]
        self.parts.append(f'<polygon points="{" ".join(f"{a:.2f},{b:.2f}" for a, b in tips)}" fill="#000"/>')

    def text(self, x: float, y: float, value: str, anchor: str = "middle", size: float = 2.5) -> None:
        # Labels are kept inside the drawing: shrink a long one rather than let it be cut.
        width = len(value) * size * 0.56
        room = {"start": self.width - x, "end": x, "middle": 2 * min(x, self.width - x)}[anchor] - 0.3
        if width > room > 0:
            size = max(1.5, size * room / width)
            width = len(value) * size * 0.56
        left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
        # A white ground under the label: lane lines pass behind it, so it stays readable.
        self.labels.append(
            f'<rect x="{left - 0.3:.2f}" y="{y - size * 0.8:.2f}" width="{width + 0.6:.2f}" '
            f'height="{size * 1.05:.2f}" fill="#fff"/>'
        )
        markup = (
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" text-anchor="{anchor}" '
            f'font-family="DejaVu Sans">{escape(value)}</text>'
        )
        self.labels.append(markup)  # drawn last: above every line, never under a symbol

    def shape(self, markup: str) -> None:
        self.parts.append(markup)

    def svg(self, title: str = "") -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.2f}mm" height="{self.height:.2f}mm" '
            f'viewBox="0 0 {self.width:.2f} {self.height:.2f}" class="flow-row" role="img">'
            f"<title>{escape(title)}</title>{''.join(self.parts)}{''.join(self.labels)}</svg>"
        )


def describe(step: FlowStep) -> str:
    """What a row's drawing shows, in words: the drawing's title for screen readers."""
    kind = {"terminator": _("start or end"), "process": _("activity"), "decision": _("decision")}.get(step.symbol, "")
    text = _("Step %(n)d, %(kind)s") % {"n": step.number, "kind": kind}
    if step.exits:
        arrows = ", ".join(
            (f"{exit.label} → {exit.target}" if exit.label else f"→ {exit.target}") for exit in step.exits
        )
        text += "; " + _("goes to %(arrows)s") % {"arrows": arrows}
    return text


def symbol_size(symbol: str, column_width: float) -> tuple[float, float]:
    width = min(column_width * 0.7, 19.0)
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


def _connector(canvas: _Canvas, cx: float, cy: float, number: int, half: float = 3.0) -> tuple[float, float]:
    """Off-page connector: a pentagon pointing down, numbered. Returns its top and bottom."""
    top, shoulder, bottom = cy - half, cy + half * 0.4, cy + half * 1.15
    points = (
        f"{cx - half:.2f},{top:.2f} {cx + half:.2f},{top:.2f} {cx + half:.2f},{shoulder:.2f} "
        f"{cx:.2f},{bottom:.2f} {cx - half:.2f},{shoulder:.2f}"
    )
    canvas.shape(f'<polygon points="{points}" fill="#fff" stroke="#000" stroke-width="{STROKE}"/>')
    canvas.parts.append(
        f'<text x="{cx:.2f}" y="{cy + 0.7:.2f}" font-size="2.5" text-anchor="middle" '
        f'font-family="DejaVu Sans">{number}</text>'
    )
    return top, bottom


@dataclass
class _Edge:
    source: int  # row index on this page, or -1 (comes in from the top band) / len(rows) (bottom band)
    target: int
    label: str
    side: str  # "R" or "L": the side of the column the lane runs along
    column: int  # the column whose side holds the lane
    connector: int | None = None  # the number of the off-page connector at the lane's open end
    slot: int = 0
    x: float = 0.0
    straight: bool = False  # goes straight down into the next row


def _draw_page(page, columns, column_width, crossing, straight, page_of, p) -> None:
    rows = page.rows
    index = {row.step.number: i for i, row in enumerate(rows)}
    steps = [row.step for row in rows]
    n = len(rows)
    needs_top = any(page_of[s] < p or page_of[t] < p for s, _k, t in crossing)
    needs_bottom = any(page_of[s] > p or page_of[t] > p for s, _k, t in crossing)
    if needs_top:
        rows[0].height += BAND
    if needs_bottom:
        rows[-1].height += BAND
    widest = max(symbol_size(s.symbol, column_width)[0] for s in steps)

    def centre(column: int) -> float:
        return (column + 0.5) * column_width

    edges: list[_Edge] = []
    from_connector: list[tuple[int, int]] = []  # (row index, number): straight in from an opening connector
    for i, step in enumerate(steps):
        side_used = 0
        for k, exit in enumerate(step.exits):
            key = (step.number, k, exit.target)
            number = crossing.get(key)
            j = index.get(exit.target)
            if j == i + 1 or key in straight:
                edges.append(_Edge(i, n if j is None else j, exit.label, "", 0, number, straight=True))
                continue
            side = "R" if side_used % 2 == 0 else "L"
            side_used += 1
            involved = list(step.columns) + (list(steps[j].columns) if j is not None else [])
            lane_column = max(involved) if side == "R" else min(involved)
            if j is None:
                j = -1 if page_of[exit.target] < p else n
            edges.append(_Edge(i, j, exit.label, side, lane_column, number))
    for key, number in crossing.items():
        source, _k, target = key
        if page_of[target] != p:
            continue
        j = index[target]
        if key in straight:
            from_connector.append((j, number))
            continue
        from_above = page_of[source] < p
        edges.append(_Edge(-1 if from_above else n, j, "", "R", max(steps[j].columns), number))

    # Lanes: edges on the same column side whose vertical spans overlap get separate slots.
    lanes = [e for e in edges if not e.straight]
    for key in {(e.side, e.column) for e in lanes}:
        group = sorted((e for e in lanes if (e.side, e.column) == key), key=lambda e: min(e.source, e.target))
        ends: list[int] = []
        for edge in group:
            low, high = sorted((edge.source, edge.target))
            slot = next((s for s, end in enumerate(ends) if end < low), len(ends))
            if slot == len(ends):
                ends.append(high)
            else:
                ends[slot] = high
            edge.slot = slot
        free = (column_width - widest) / 2
        side, column = key
        for edge in group:
            offset = free * (edge.slot + 1) / (len(ends) + 1)
            edge.x = (column + 1) * column_width - offset if side == "R" else column * column_width + offset

    for i, row in enumerate(rows):
        step, canvas = row.step, _Canvas(columns * column_width, row.height)
        top_band = BAND if (i == 0 and needs_top) else 0.0
        bottom_band = BAND if (i == n - 1 and needs_bottom) else 0.0
        cy = top_band + (row.height - top_band - bottom_band) / 2
        w, h = symbol_size(step.symbol, column_width)
        cx = centre(step.column)
        right = centre(max(step.columns)) + w / 2
        left = centre(min(step.columns)) - w / 2
        band_top = BAND / 2  # centre of a connector in the top band
        band_bottom = row.height - BAND / 2 - 0.5
        for k in range(1, columns):
            canvas.line((k * column_width, 0), (k * column_width, row.height))
        # Several actors: one symbol per actor column, joined at mid-height.
        if len(step.columns) > 1:
            canvas.line((centre(min(step.columns)), cy), (centre(max(step.columns)), cy))

        if any(e.straight and e.target == i for e in edges):
            canvas.line((cx, 0), (cx, cy - h / 2))
            canvas.arrowhead(cx, cy - h / 2, "down")
        for _j, number in [c for c in from_connector if c[0] == i]:
            _top, bottom = _connector(canvas, cx, band_top, number)
            canvas.line((cx, bottom), (cx, cy - h / 2))
            canvas.arrowhead(cx, cy - h / 2, "down")

        connectors = []
        for edge in edges:
            if edge.straight:
                if edge.source != i:
                    continue
                if edge.target == n:  # to the next page
                    top, _bottom = _connector(canvas, cx, band_bottom, edge.connector)
                    canvas.line((cx, cy + h / 2), (cx, top))
                    canvas.arrowhead(cx, top, "down")
                else:
                    nx = centre(steps[edge.target].column)
                    turn = max(row.height - 1.8, cy + h / 2 + 3.2)
                    canvas.line((cx, cy + h / 2), (cx, turn), (nx, turn), (nx, row.height))
                if edge.label:
                    canvas.text(cx + 0.9, cy + h / 2 + 2.3, edge.label, anchor="start", size=LABEL_SIZE)
                continue
            low, high = sorted((edge.source, edge.target))
            # Where the lane is open at this page's bands, it stops at a connector.
            y_top = BAND if (i == 0 and low == -1) else 0.0
            y_bottom = row.height - BAND if (i == n - 1 and high == n) else row.height
            if edge.source == i:
                port = right if edge.side == "R" else left
                end = y_top if edge.target < i else y_bottom
                canvas.line((port, cy), (edge.x, cy), (edge.x, end))
                if edge.label:
                    anchor, dx = ("start", 0.8) if edge.side == "R" else ("end", -0.8)
                    canvas.text(port + dx, cy - 0.9, edge.label, anchor=anchor, size=LABEL_SIZE)
            elif edge.target == i:
                port = right if edge.x > cx else left
                canvas.line((edge.x, y_top if edge.source < i else y_bottom), (edge.x, cy), (port, cy))
                canvas.arrowhead(port, cy, "left" if edge.x > cx else "right")
            elif low < i < high:
                canvas.line((edge.x, y_top), (edge.x, y_bottom))
            if edge.connector is not None and i == 0 and low == -1:
                connectors.append((edge, True))
            if edge.connector is not None and i == n - 1 and high == n:
                connectors.append((edge, False))
        # Lanes open at a band end in numbered pentagons, spread so that none covers another (nor the
        # flow's own connector at the symbol's centre); a short jog joins each lane to its pentagon.
        for top in (True, False):
            group = sorted((edge for edge, at_top in connectors if at_top == top), key=lambda e: e.x)
            taken = [cx] if (top and any(c[0] == i for c in from_connector)) else []
            taken += [cx] if (not top and any(e.straight and e.source == i and e.target == n for e in edges)) else []
            for edge in group:
                x = edge.x
                while any(abs(x - other) < 5.6 for other in taken):
                    x += 1.0
                x = min(x, canvas.width - 3.0)
                taken.append(x)
                y = band_top if top else band_bottom
                boundary = BAND if top else row.height - BAND
                c_top, c_bottom = _connector(canvas, x, y, edge.connector, half=2.4)
                near = c_bottom if top else c_top
                jog = boundary + (-1.0 if top else 1.0)
                canvas.line((edge.x, boundary), (edge.x, jog), (x, jog), (x, near))
                if 0 <= edge.source < n:  # leaves this page: the arrow points into the pentagon
                    canvas.arrowhead(x, near, "up" if top else "down")

        for column in step.columns:
            _symbol(canvas, step.symbol, centre(column), cy, column_width)
        row.svg = canvas.svg(describe(step))


WEB_COLUMN_WIDTH = 24.0
WEB_TEXT_WIDTHS = {"kegiatan": 45.0, "kelengkapan": 30.0, "waktu": 18.0, "output": 28.0, "ket": 22.0}


def web_rows(version) -> list[tuple[FlowRow, object]]:
    """The same drawing for the web page: one page, no breaks, each row with its Step. Rows are sized
    for narrow text columns, so a table row on screen is rarely taller than its drawing."""
    steps = list(version.steps.all())
    (page,) = build(steps_of(version, WEB_TEXT_WIDTHS), len(version.executors.all()), WEB_COLUMN_WIDTH, 1e9)
    by_number = {step.number: step for step in steps}
    return [(row, by_number[row.step.number]) for row in page.rows]
