"""The flowchart is drawn from the graph, with the standard symbols only, in the actors' columns,
page by page; every exit is an arrow with its label, and page breaks become numbered connectors."""

import re

import pytest

from reports.documents import rendering as documents
from tests.sample_sops import complex_sop, wide_sop
from tests.test_sop_sheet_layout import word_boxes
from workflow.sop import flowchart
from workflow.sop.flowchart import FlowExit, FlowStep, build, paginate, steps_of, text_height
from workflow.sop.layout import column_widths


def chain(*specs) -> list[FlowStep]:
    """(number, column, symbol, exits) where exits None means 'to the next step'."""
    last = max(n for n, *_ in specs)
    steps = []
    for n, column, symbol, exits in specs:
        if exits is None:
            exits = [] if n == last else [("", n + 1)]
        columns = column if isinstance(column, tuple) else (column,)
        steps.append(FlowStep(n, columns, symbol, tuple(FlowExit(label, target) for label, target in exits)))
    return steps


SEED_002 = chain(
    (1, 0, "terminator", None),
    (2, 1, "process", None),
    (3, 3, "process", None),
    (4, 2, "process", None),
    (5, 3, "process", None),
    (6, 3, "process", None),
    (7, 2, "decision", [("Ya", 8), ("Tidak", 5)]),
    (8, 1, "process", None),
    (9, 0, "process", None),
    (10, 3, "terminator", None),
)

# A forward jump (4 -> 11), a three-way decision (7), two ends (10, 12), two actors (9).
GRAPH = chain(
    (1, 0, "terminator", None),
    (2, 1, "process", None),
    (3, 4, "process", None),
    (4, 1, "decision", [("Lengkap", 5), ("Tidak lengkap", 11)]),
    (5, 2, "process", None),
    (6, 2, "process", None),
    (7, 3, "decision", [("Disetujui", 8), ("Ditolak", 12), ("Didisposisikan", 5)]),
    (8, 3, "process", None),
    (9, (1, 0), "process", None),
    (10, 0, "terminator", []),
    (11, 1, "process", [("", 2)]),
    (12, 4, "terminator", []),
)


@pytest.fixture
def rows_of_19_mm(monkeypatch):
    """The pagination rules, read on rows of the old fixed height: the budgets below count in them."""
    monkeypatch.setattr(flowchart, "MIN_ROW_HEIGHT", 19.0)


def svg_of(pages) -> str:
    return "".join(row.svg for page in pages for row in page.rows)


def connector_numbers(svg: str) -> list[str]:
    return re.findall(r'<polygon points="[^"]+" fill="#fff" stroke="#000"[^>]*/><text[^>]*>(\d+)</text>', svg)


def test_a_page_break_moves_earlier_to_keep_a_loop_on_one_page_when_the_page_stays_full_enough(rows_of_19_mm):
    pages = paginate(SEED_002, budget=125)
    assert [[s.number for s in page] for page in pages] == [[1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]


def test_a_loop_is_not_kept_together_when_that_would_leave_a_page_mostly_empty(rows_of_19_mm):
    steps = chain(*[(n, 0, "process", None) for n in range(1, 8)], (8, 0, "decision", [("Ya", 9), ("Tidak", 2)]))
    steps += chain((9, 0, "terminator", []))
    pages = paginate(steps, budget=5 * 19 + 20)
    assert len(pages[0]) >= 4  # filled, not cut after step 1 to keep 2..8 together


def test_no_page_holds_a_single_row_when_the_rows_before_could_share(rows_of_19_mm):
    steps = chain(*[(n, 0, "process", None) for n in range(1, 8)])
    pages = paginate(steps, budget=6 * 19 + 10)
    assert all(len(page) > 1 for page in pages)
    assert sum(len(page) for page in pages) == 7


def test_every_edge_of_a_forward_jump_a_three_way_decision_and_two_ends_is_drawn_with_its_label():
    (page,) = build(GRAPH, columns=5, column_width=24, budget=1000)
    rows = {row.step.number: row.svg for row in page.rows}
    for label in ("Lengkap", "Tidak lengkap"):
        assert f">{label}<" in rows[4]
    for label in ("Disetujui", "Ditolak", "Didisposisikan"):
        assert f">{label}<" in rows[7]
    # An arrowhead enters each target reached from elsewhere than the row above: 11, 12 (from the
    # side), 5 (loop back) and 2 (from 11).
    for target in (2, 5, 11, 12):
        assert rows[target].count('fill="#000"') >= 1, target
    # The ends have no way out; the lanes of 4 -> 11 and 7 -> 12 pass through the rows between.
    assert rows[10].count("<polyline") > rows[1].count("<polyline")


def test_a_step_with_two_actors_has_its_symbol_in_both_columns_joined():
    (page,) = build(GRAPH, columns=5, column_width=24, budget=1000)
    row9 = next(row for row in page.rows if row.step.number == 9).svg
    xs = sorted(float(x) for x in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="14.88"[^>]*class="symbol"', row9))
    assert len(xs) == 2 and xs[1] - xs[0] == pytest.approx(24)
    assert re.search(r'<polyline points="12.00,[\d.]+ 36.00,[\d.]+"[^>]*class="join"', row9)  # centre to centre


def boxes(svg: str):
    """(label grounds, symbol boxes) of a row: each (x0, y0, x1, y1)."""
    rect = r'<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"'
    labels = [
        (float(x), float(y), float(x) + float(w), float(y) + float(h))
        for x, y, w, h in re.findall(rect + r' fill="#fff" class="label-ground"/>', svg)
    ]
    symbols = [
        (float(x), float(y), float(x) + float(w), float(y) + float(h))
        for x, y, w, h in re.findall(rect + r'(?: rx="[\d.]+")? fill="#fff" stroke', svg)
    ]
    for points in re.findall(r'<polygon points="([^"]+)" fill="#fff" stroke', svg):
        xy = [tuple(map(float, p.split(","))) for p in points.split()]
        symbols.append((min(x for x, _ in xy), min(y for _, y in xy), max(x for x, _ in xy), max(y for _, y in xy)))
    return labels, symbols


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("width", [24.0, 15.0])
def test_no_label_lies_on_a_symbol(width, rows_of_19_mm):
    for pages in (build(GRAPH, 5, width, 1000), build(GRAPH, 5, width, 5 * 19 + 20), build(SEED_002, 4, width, 500)):
        for page in pages:
            for row in page.rows:
                labels, symbols = boxes(row.svg)
                for label in labels:
                    assert not any(overlaps(label, symbol) for symbol in symbols), (row.step.number, label)


def test_every_edge_crossing_a_page_break_has_a_connector_at_both_ends(rows_of_19_mm):
    pages = build(GRAPH, columns=5, column_width=24, budget=5 * 19 + 20)
    assert len(pages) >= 3
    crossing = sorted({n for page in pages for n in page.connectors_out})
    assert crossing == sorted({n for page in pages for n in page.connectors_in})
    for page in pages:
        drawn = connector_numbers("".join(row.svg for row in page.rows))
        assert sorted(drawn) == sorted(str(n) for n in page.connectors_in + page.connectors_out)
    # 4 -> 11 (forward jump) and 11 -> 2 (back) both cross: each has a number on two pages.
    svg = svg_of(pages)
    for number in crossing:
        assert connector_numbers(svg).count(str(number)) == 2


def test_only_the_standard_symbols_are_used():
    pages = build(SEED_002, columns=4, column_width=24, budget=500)
    svg = svg_of(pages)
    assert set(re.findall(r"<(\w+)[ >]", svg)) <= {"svg", "title", "polyline", "polygon", "rect", "text"}
    assert svg.count(' rx="') == 2  # the two terminators are capsules


def test_each_row_is_as_tall_as_its_longest_text():
    short, long = text_height("Rekap", 50), text_height("kata " * 80, 50)
    assert long > short
    step = FlowStep(1, (0,), "process", texts=(("kata " * 80, 50.0),))
    (page,) = build([step], columns=1, column_width=24, budget=500)
    assert page.rows[0].height >= long


def test_the_drawing_of_a_stored_sop_follows_its_exits(balangan):
    version = complex_sop(balangan)
    flow = {step.number: step for step in steps_of(version)}
    assert [(e.label, e.target) for e in flow[7].exits] == [("Disetujui", 8), ("Ditolak", 12), ("Didisposisikan", 5)]
    assert flow[9].columns == (1, 0)
    assert flow[10].exits == ()


def test_ten_columns_stay_legible_on_f4(balangan):
    version = wide_sop(balangan)
    document = documents.sop_sheet(version, paper="f4")
    widths = column_widths("f4", 10)
    assert widths["executor"] >= 14.5
    size = float(re.search(r"th\.executor \{ font-size: ([\d.]+)pt !important", document.stylesheets[0]).group(1))
    assert size >= 5.0
    # And in the PDF itself: every word of every heading is narrower than its column.
    heading_words = {word for executor in version.executors.all() for word in executor.label.split()}
    printed = [w for w in word_boxes(document.pdf()) if w["text"] in heading_words and w["page"]["number"] == 2]
    assert {w["text"] for w in printed} == heading_words
    too_wide = [
        (w["text"], round(w["xMax"] - w["xMin"], 1))
        for w in printed
        if w["xMax"] - w["xMin"] > widths["executor"] - 0.6
    ]
    assert not too_wide, (widths["executor"], size, too_wide)


def test_each_row_tells_a_screen_reader_what_it_draws():
    pages = build(SEED_002, columns=4, column_width=24, budget=500)
    titles = re.findall(r"<title>(.*?)</title>", svg_of(pages))
    assert len(titles) == len(SEED_002)
    decision = next(step for step in SEED_002 if step.symbol == "decision")
    described = titles[SEED_002.index(decision)]
    assert described.startswith(f"Langkah {decision.number}, keputusan; menuju ")  # Indonesian by default
    assert all(f"→ {exit.target}" in described for exit in decision.exits)
