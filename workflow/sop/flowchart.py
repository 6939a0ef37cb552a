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

MIN_ROW_HEIGHT = 11.0  # a compact minimum: rows are as tall as their text and their drawing need
ABOVE = 2.5  # room above a symbol for the arrow coming in
BELOW = 2.5  # room below a symbol for the arrow going out and its dog-leg
BELOW_LABEL = 4.6  # the same when the way down carries a label ("Ya") under the symbol
BAND = 10.0  # room for off-page connectors above the first and below the last row of a page
STROKE = 0.35
ARROW = 1.2  # length of an arrowhead: lanes keep clear of it
LANE_MARGIN = 0.8  # a lane never runs closer than this to a column border
LANE_SPACING = 1.2  # at most this far apart; closer when many lanes share a strip
LINE_HEIGHT = 3.3  # 7.5 pt text
CHAR_WIDTH = 1.32  # average width of a character of 7.5 pt DejaVu Sans Condensed
CELL_PADDING = 3.0
LABEL_SIZE = 2.2  # mm (6.2 pt): never shrunk; a label that does not fit one place moves to another
LABEL_EM = 0.62  # a generous average advance of DejaVu Sans, in em
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


def needs_label_below(step: FlowStep) -> bool:
    """A labelled exit to the next step prints its label under the symbol, beside the line down."""
    return any(exit.label and exit.target == step.number + 1 for exit in step.exits)


def row_height(step: FlowStep) -> float:
    """As tall as the row's longest text, and at least as tall as its symbol with the room its arrows
    need above (the arrow in) and below (the label of the way down and the dog-leg)."""
    _w, h = symbol_size(step.symbol, 24.0)
    drawing = ABOVE + h + (BELOW_LABEL if needs_label_below(step) else BELOW)
    return max([MIN_ROW_HEIGHT, drawing] + [text_height(text, width) + 2 for text, width in step.texts])


def paginate(steps: list[FlowStep], budget: float, tail: float = 0.0) -> list[list[FlowStep]]:
    """Pages within the height budget (with room for connector bands, and on the last page for the
    tail: rows printed below the flowchart, such as the Catatan Jumlah).

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
            end == start or used + heights[end] + (BAND if end + 1 < len(steps) else tail) <= room
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
    if (
        len(pages) > 1
        and len(pages[-1]) == 1
        and len(pages[-2]) > 2
        and sum(heights[i] for i in pages[-2][-1:] + pages[-1]) + BAND + tail <= budget
    ):
        pages[-1].insert(0, pages[-2].pop())
    return [[steps[i] for i in page] for page in pages] or [[]]


def build(steps: list[FlowStep], columns: int, column_width: float, budget: float, tail: float = 0.0) -> list[FlowPage]:
    """Paginate and draw: every exit of every step becomes an arrow, page breaks become connectors."""
    chunks = paginate(steps, budget, tail)
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


def label_width(text: str, size: float = LABEL_SIZE) -> float:
    return len(text) * size * LABEL_EM


class _Canvas:
    """One row's SVG. Layers, bottom to top: lines and symbols, the grounds of labels, the column
    borders (so that no label ground hides them), the labels' text."""

    def __init__(self, width: float, height: float, columns: int = 1, column_width: float = 0.0):
        self.width, self.height = width, height
        self.parts: list[str] = []
        self.grounds: list[str] = []
        self.labels: list[str] = []
        self.borders = [k * column_width for k in range(1, columns)]

    def line(self, *points: tuple[float, float], kind: str = "edge") -> None:
        path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        self.parts.append(
            f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="{STROKE}" class="{kind}"/>'
        )

    def arrowhead(self, x: float, y: float, direction: str) -> None:
        s, half = ARROW, ARROW * 0.4
        tips = {
            "down": [(x, y), (x - half, y - s), (x + half, y - s)],
            "up": [(x, y), (x - half, y + s), (x + half, y + s)],
            "left": [(x, y), (x + s, y - half), (x + s, y + half)],
            "right": [(x, y), (x - s, y - half), (x - s, y + half)],
        }[direction]
        points = " ".join(f"{a:.2f},{b:.2f}" for a, b in tips)
        self.parts.append(f'<polygon points="{points}" fill="#000" class="arrowhead"/>')

    def place_label(self, value: str, candidates: list[tuple[float, float, str]]) -> None:
        """Print a label at the first candidate (x, baseline, anchor) that lies inside the drawing and
        crosses no column border; else the first inside the drawing; else the first, moved inside.
        Never shrunk: the size is LABEL_SIZE everywhere."""
        width = label_width(value)

        def box(x, anchor):
            left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
            return left, left + width

        def inside(x, anchor):
            left, right = box(x, anchor)
            return left >= 0.4 and right <= self.width - 0.4

        def clear(x, anchor):
            left, right = box(x, anchor)
            return not any(left - 0.4 < b < right + 0.4 for b in self.borders)

        chosen = next((c for c in candidates if inside(c[0], c[2]) and clear(c[0], c[2])), None)
        chosen = chosen or next((c for c in candidates if inside(c[0], c[2])), None)
        if chosen is None:
            x, y, anchor = candidates[0]
            left, _right = box(x, anchor)
            left = min(max(left, 0.4), self.width - 0.4 - width)
            chosen = (left, y, "start")
        x, y, anchor = chosen
        left, _right = box(x, anchor)
        self.grounds.append(
            f'<rect x="{left - 0.3:.2f}" y="{y - LABEL_SIZE * 0.8:.2f}" width="{width + 0.6:.2f}" '
            f'height="{LABEL_SIZE * 1.05:.2f}" fill="#fff" class="label-ground"/>'
        )
        self.labels.append(
            f'<text x="{left:.2f}" y="{y:.2f}" font-size="{LABEL_SIZE:.2f}" text-anchor="start" '
            f'font-family="DejaVu Sans" class="label">{escape(value)}</text>'
        )

    def shape(self, markup: str) -> None:
        self.parts.append(markup)

    def svg(self, title: str = "") -> str:
        borders = "".join(
            f'<polyline points="{x:.2f},0 {x:.2f},{self.height:.2f}" fill="none" stroke="#000" '
            f'stroke-width="{STROKE}" class="border"/>'
            for x in self.borders
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.2f}mm" height="{self.height:.2f}mm" '
            f'viewBox="0 0 {self.width:.2f} {self.height:.2f}" class="flow-row" role="img">'
            f"<title>{escape(title)}</title>{''.join(self.parts)}{''.join(self.grounds)}{borders}"
            f"{''.join(self.labels)}</svg>"
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
    """Symbols fill at most 62 % of their column: the strips beside them hold the lanes, clear of
    every arrowhead."""
    width = min(column_width * 0.62, 19.0)
    return (width, 9.5) if symbol == "decision" else (width, 6.5)


def _symbol(canvas: _Canvas, symbol: str, cx: float, cy: float, column_width: float) -> None:
    w, h = symbol_size(symbol, column_width)
    style = f'fill="#fff" stroke="#000" stroke-width="{STROKE}"'
    if symbol == "decision":
        points = (
            f"{cx:.2f},{cy - h / 2:.2f} {cx + w / 2:.2f},{cy:.2f} {cx:.2f},{cy + h / 2:.2f} {cx - w / 2:.2f},{cy:.2f}"
        )
        canvas.shape(f'<polygon points="{points}" {style} class="symbol"/>')
    else:
        radius = f' rx="{h / 2:.2f}"' if symbol == "terminator" else ""
        canvas.shape(
            f'<rect x="{cx - w / 2:.2f}" y="{cy - h / 2:.2f}" width="{w:.2f}" height="{h:.2f}"{radius} {style} '
            f'class="symbol"/>'
        )


CONNECTOR_HALF = 2.2


def _connector(canvas: _Canvas, cx: float, cy: float, number: int, half: float = CONNECTOR_HALF):
    """Off-page connector: a pentagon pointing down, numbered. Returns its top and bottom."""
    top, shoulder, bottom = cy - half, cy + half * 0.4, cy + half * 1.15
    points = (
        f"{cx - half:.2f},{top:.2f} {cx + half:.2f},{top:.2f} {cx + half:.2f},{shoulder:.2f} "
        f"{cx:.2f},{bottom:.2f} {cx - half:.2f},{shoulder:.2f}"
    )
    canvas.shape(f'<polygon points="{points}" fill="#fff" stroke="#000" stroke-width="{STROKE}" class="connector"/>')
    canvas.parts.append(
        f'<text x="{cx:.2f}" y="{cy + 0.6:.2f}" font-size="2.3" text-anchor="middle" '
        f'font-family="DejaVu Sans" class="connector-number">{number}</text>'
    )
    return top, bottom


# Where connectors stand in a band: the top band's pentagons high, the bottom band's low, so that the
# jogs joining lanes to them run between the pentagons' arrowheads and the band's edge.
TOP_CONNECTOR_Y = 4.2
BOTTOM_CONNECTOR_Y = BAND - 4.4  # measured from the band's top edge
JOG_LEVELS = (0.5, 1.0, 1.5, 1.9)  # distance of a jog from the band's edge


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
    out_port: tuple[float, float] | None = None
    in_port: tuple[float, float] | None = None
    label_below: bool = False


class _Ports:
    """The points where arrows touch one step's symbols: top, bottom and three on each side (the side
    vertex or middle, and one above and one below it). Each is given to one arrow only."""

    def __init__(self, step: FlowStep, cy: float, column_width: float):
        self.step, self.cy = step, cy
        self.w, self.h = symbol_size(step.symbol, column_width)
        self.cx = (step.column + 0.5) * column_width
        self.right_centre = (max(step.columns) + 0.5) * column_width
        self.left_centre = (min(step.columns) + 0.5) * column_width
        self.taken: set = set()

    def point(self, name) -> tuple[float, float]:
        if name == "top":
            return self.cx, self.cy - self.h / 2
        if name == "bottom":
            return self.cx, self.cy + self.h / 2
        side, level = name
        sign = 1 if side == "R" else -1
        centre = self.right_centre if side == "R" else self.left_centre
        if level == 0:
            return centre + sign * self.w / 2, self.cy
        dy = self.h / 4
        if self.step.symbol == "decision":
            reach = self.w / 4
        elif self.step.symbol == "terminator":
            radius = self.h / 2
            reach = self.w / 2 - radius + math.sqrt(radius**2 - dy**2)
        else:
            reach = self.w / 2
        return centre + sign * reach, self.cy + level * dy

    def take(self, *names):
        """The first free port of those named (or the first one, shared, when all are taken)."""
        name = next((n for n in names if n not in self.taken), names[0])
        self.taken.add(name)
        return name


def _lane_x(side: str, column: int, slot: int, slots: int, column_width: float) -> float:
    """Lanes run in the strip between a symbol's arrowhead zone and the column border."""
    w, _h = symbol_size("process", column_width)
    strip = (column_width - w) / 2 - ARROW - 0.3 - LANE_MARGIN
    spacing = min(LANE_SPACING, strip / max(slots - 1, 1))
    offset = LANE_MARGIN + slot * spacing
    return (column + 1) * column_width - offset if side == "R" else column * column_width + offset


def _label_candidates(px: float, y: float, direction: int, borders: list[float], below: bool) -> list:
    """Places for a side exit's label along its stub, starting beside the port; past a column border
    when the label would straddle it."""
    baseline = y + 2.45 if below else y - 0.8
    anchor = "start" if direction > 0 else "end"
    starts = [px + direction * 0.8]
    ahead = sorted((b for b in borders if (b - px) * direction > 0), key=lambda b: abs(b - px))
    starts += [b + direction * 0.6 for b in ahead]
    return [(x, baseline, anchor) for x in starts]


def _draw_page(page, columns, column_width, crossing, straight, page_of, p) -> None:
    rows = page.rows
    index = {row.step.number: i for i, row in enumerate(rows)}
    steps = [row.step for row in rows]
    n = len(rows)
    width = columns * column_width
    borders = [k * column_width for k in range(1, columns)]
    needs_top = any(page_of[s] < p or page_of[t] < p for s, _k, t in crossing)
    needs_bottom = any(page_of[s] > p or page_of[t] > p for s, _k, t in crossing)
    if needs_top:
        rows[0].height += BAND
    if needs_bottom:
        rows[-1].height += BAND

    def centre(column: int) -> float:
        return (column + 0.5) * column_width

    # Where each symbol stands: centred in the room its row leaves under the bands.
    ports: list[_Ports] = []
    for i, row in enumerate(rows):
        step = row.step
        top_band = BAND if (i == 0 and needs_top) else 0.0
        bottom_band = BAND if (i == n - 1 and needs_bottom) else 0.0
        _w, h = symbol_size(step.symbol, column_width)
        below = BELOW_LABEL if needs_label_below(step) else BELOW
        spare = max(0.0, row.height - top_band - bottom_band - ABOVE - h - below)
        ports.append(_Ports(step, top_band + ABOVE + h / 2 + spare / 2, column_width))

    def stub_holds(i: int, side: str, column: int, label: str) -> bool:
        """Whether a side exit's label finds a place on its stub, from the port to a lane at the far
        side of the given column, crossing no column border."""
        if not label:
            return True
        px, py = ports[i].point((side, 0))
        lane = (column + 1) * column_width - LANE_MARGIN if side == "R" else column * column_width + LANE_MARGIN
        low, high = sorted((px, lane))
        size = label_width(label)
        for x, _y, anchor in _label_candidates(px, py, 1 if side == "R" else -1, borders, False):
            left = x if anchor == "start" else x - size
            if (
                low + 0.3 <= left
                and left + size <= high - 0.3
                and not any(left - 0.4 < b < left + size + 0.4 for b in borders)
            ):
                return True
        return False

    def lane_column_for(i: int, side: str, involved: list[int], label: str) -> int | None:
        """The column whose side strip holds the lane: the outermost column involved, or further out
        when the label needs a longer stub; None when no column on that side gives it room."""
        column = max(involved) if side == "R" else min(involved)
        while not stub_holds(i, side, column, label):
            column += 1 if side == "R" else -1
            if not 0 <= column < columns:
                return None
        return column

    edges: list[_Edge] = []
    from_connector: list[tuple[int, int]] = []  # (row index, number): straight in from an opening connector
    for i, step in enumerate(steps):
        side_used = 0
        for k, exit in enumerate(step.exits):
            key = (step.number, k, exit.target)
            number = crossing.get(key)
            j = index.get(exit.target)
            if j == i + 1 or key in straight:
                edge = _Edge(i, n if j is None else j, exit.label, "", 0, number, straight=True)
                ports[i].take("bottom")
                edge.out_port = ports[i].point("bottom")
                edges.append(edge)
                continue
            # The first side exit to the right, the next to the left; a side where the label would
            # not fit inside the drawing gives way to the other one.
            side = "R" if side_used % 2 == 0 else "L"
            other = "L" if side == "R" else "R"
            side_used += 1
            involved = list(step.columns) + (list(steps[j].columns) if j is not None else [])
            lane_column = lane_column_for(i, side, involved, exit.label)
            if lane_column is None and lane_column_for(i, other, involved, exit.label) is not None:
                side, lane_column = other, lane_column_for(i, other, involved, exit.label)
            if lane_column is None:  # no room anywhere: the label stands beside the port, inside the drawing
                lane_column = max(involved) if side == "R" else min(involved)
            if j is None:
                j = -1 if page_of[exit.target] < p else n
            edge = _Edge(i, j, exit.label, side, lane_column, number)
            name = ports[i].take((side, 0), (side, 1), (side, -1))
            edge.out_port = ports[i].point(name)
            edge.label_below = name[1] > 0
            edges.append(edge)
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
        for edge in group:
            edge.x = _lane_x(key[0], key[1], edge.slot, len(ends), column_width)

    # Ways in: straight from above to the top; lanes to a free side port facing the lane, below an
    # exit's stub first (its label stands above the stub).
    for i in range(n):
        if any(e.straight and e.target == i for e in edges) or any(c[0] == i for c in from_connector):
            ports[i].take("top")
    for edge in sorted(lanes, key=lambda e: (e.target, e.x)):
        if 0 <= edge.target < n:
            side = "R" if edge.x > ports[edge.target].cx else "L"
            name = ports[edge.target].take((side, 0), (side, 1), (side, -1))
            edge.in_port = ports[edge.target].point(name)

    for i, row in enumerate(rows):
        step = row.step
        canvas = _Canvas(width, row.height, columns, column_width)
        port = ports[i]
        cx, cy, h = port.cx, port.cy, port.h
        band_top = TOP_CONNECTOR_Y
        band_bottom = row.height - BAND + BOTTOM_CONNECTOR_Y
        # Several actors: one symbol per actor column, joined at mid-height.
        if len(step.columns) > 1:
            canvas.line((centre(min(step.columns)), cy), (centre(max(step.columns)), cy), kind="join")

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
                    turn = row.height - 1.2
                    canvas.line((cx, cy + h / 2), (cx, turn), (nx, turn), (nx, row.height))
                if edge.label:
                    baseline = cy + h / 2 + 2.4
                    canvas.place_label(edge.label, [(cx + 0.9, baseline, "start"), (cx - 0.9, baseline, "end")])
                continue
            low, high = sorted((edge.source, edge.target))
            # Where the lane is open at this page's bands, it stops at a connector.
            y_top = BAND if (i == 0 and low == -1) else 0.0
            y_bottom = row.height - BAND if (i == n - 1 and high == n) else row.height
            if edge.source == i:
                px, py = edge.out_port
                end = y_top if edge.target < i else y_bottom
                canvas.line((px, py), (edge.x, py), (edge.x, end))
                if edge.label:
                    direction = 1 if edge.x > px else -1
                    canvas.place_label(
                        edge.label, _label_candidates(px, py, direction, canvas.borders, edge.label_below)
                    )
            elif edge.target == i:
                px, py = edge.in_port
                canvas.line((edge.x, y_top if edge.source < i else y_bottom), (edge.x, py), (px, py))
                canvas.arrowhead(px, py, "left" if edge.x > px else "right")
            elif low < i < high:
                canvas.line((edge.x, y_top), (edge.x, y_bottom))
            if edge.connector is not None and i == 0 and low == -1:
                connectors.append((edge, True))
            if edge.connector is not None and i == n - 1 and high == n:
                connectors.append((edge, False))
        _band_connectors(canvas, connectors, edges, from_connector, i, n, cx, band_top, band_bottom, borders)

        for column in step.columns:
            _symbol(canvas, step.symbol, centre(column), cy, column_width)
        row.svg = canvas.svg(describe(step))


def _band_connectors(canvas, connectors, edges, from_connector, i, n, cx, band_top, band_bottom, borders) -> None:
    """Lanes open at a band end in numbered pentagons: each on its own spot (clear of the others, of
    the column borders, of every lane's line and of the flow's own connector at the symbol's centre),
    joined to its lane by a jog on its own level, between the pentagons' arrowheads and the band's edge."""
    half = CONNECTOR_HALF
    for top in (True, False):
        group = sorted((edge for edge, at_top in connectors if at_top == top), key=lambda e: e.x)
        if not group:
            continue
        taken = [cx] if (top and any(c[0] == i for c in from_connector)) else []
        taken += [cx] if (not top and any(e.straight and e.source == i and e.target == n for e in edges)) else []
        lanes = [e.x for e in group]
        boundary = BAND if top else canvas.height - BAND
        spots = []
        for edge in group:
            x = _free_spot(edge.x, taken, lanes, borders, canvas.width, half)
            taken.append(x)
            spots.append(x)
        # Jogs whose spans overlap run on different levels.
        levels: list[list[tuple[float, float]]] = [[] for _ in JOG_LEVELS]
        for edge, x in zip(group, spots, strict=True):
            low, high = sorted((edge.x, x))
            level = next(
                (k for k, spans in enumerate(levels) if all(high < a - 0.3 or low > b + 0.3 for a, b in spans)),
                len(levels) - 1,
            )
            levels[level].append((low, high))
            y = band_top if top else band_bottom
            c_top, c_bottom = _connector(canvas, x, y, edge.connector)
            near = c_bottom if top else c_top
            jog = boundary + (-JOG_LEVELS[level] if top else JOG_LEVELS[level])
            if abs(x - edge.x) < 0.01:
                canvas.line((edge.x, boundary), (x, near))
            else:
                canvas.line((edge.x, boundary), (edge.x, jog), (x, jog), (x, near))
            if 0 <= edge.source < n:  # leaves this page: the arrow points into the pentagon
                canvas.arrowhead(x, near, "up" if top else "down")


def _free_spot(x: float, taken: list, lanes: list, borders: list, width: float, half: float) -> float:
    """The spot nearest to x for a pentagon: inside the drawing, clear of borders, other pentagons and
    the lanes of other edges (a lane's own spot may be on its line)."""

    def free(spot: float) -> bool:
        return (
            half + 0.4 <= spot <= width - half - 0.4
            and all(abs(spot - b) >= half + 0.4 for b in borders)
            and all(abs(spot - other) >= 2 * half + 0.8 for other in taken)
            and all(abs(spot - lane) >= half + 0.4 or abs(spot - lane) < 0.01 for lane in lanes if lane != x)
        )

    for step in range(0, int(width * 4)):
        for spot in (x - step * 0.25, x + step * 0.25):
            if free(spot):
                return spot
    return min(max(x, half + 0.4), width - half - 0.4)


WEB_COLUMN_WIDTH = 24.0
WEB_TEXT_WIDTHS = {"kegiatan": 45.0, "kelengkapan": 30.0, "waktu": 18.0, "output": 28.0, "ket": 22.0}


def web_rows(version) -> list[tuple[FlowRow, object]]:
    """The same drawing for the web page: one page, no breaks, each row with its Step. Rows are sized
    for narrow text columns, so a table row on screen is rarely taller than its drawing."""
    steps = list(version.steps.all())
    (page,) = build(steps_of(version, WEB_TEXT_WIDTHS), len(version.executors.all()), WEB_COLUMN_WIDTH, 1e9)
    by_number = {step.number: step for step in steps}
    return [(row, by_number[row.step.number]) for row in page.rows]
