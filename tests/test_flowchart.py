"""The flowchart is drawn with the five standard symbols, in the executor's column, page by page."""

import re

from reports.flowchart import FlowStep, build, paginate, text_height


def chain(*specs) -> list[FlowStep]:
    return [FlowStep(n, column, symbol, branch) for n, column, symbol, branch in specs]


SEED_002 = chain(
    (1, 0, "terminator", None),
    (2, 1, "process", None),
    (3, 3, "process", None),
    (4, 2, "process", None),
    (5, 3, "process", None),
    (6, 3, "process", None),
    (7, 2, "decision", 5),
    (8, 1, "process", None),
    (9, 0, "process", None),
    (10, 3, "terminator", None),
)


def test_a_page_break_moves_earlier_to_keep_a_decision_loop_on_one_page():
    pages = paginate(SEED_002, budget=6 * 19 + 20)
    assert [[s.number for s in page] for page in pages] == [[1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]


def test_numbered_connectors_close_one_page_and_open_the_next():
    pages = build(SEED_002, columns=4, column_width=24, budget=6 * 19 + 20)
    assert [(p.connector_in, p.connector_out) for p in pages] == [(None, 1), (1, None)]
    pentagon = re.compile(r"<polygon points=\"[^\"]+\" fill=\"#fff\"[^>]*/><text[^>]*>1</text>")
    assert pentagon.search(pages[0].rows[-1].svg) and pentagon.search(pages[1].rows[0].svg)


def test_only_the_standard_symbols_are_used():
    pages = build(SEED_002, columns=4, column_width=24, budget=500)
    svg = "".join(row.svg for page in pages for row in page.rows)
    assert set(re.findall(r"<(\w+)[ >]", svg)) <= {"svg", "polyline", "polygon", "rect", "text"}
    assert svg.count('rx="') == 2  # the two terminators are capsules


def test_a_decision_has_ya_and_tidak_and_loops_back_to_its_target():
    (page,) = build(SEED_002, columns=4, column_width=24, budget=500)
    rows = {row.step.number: row.svg for row in page.rows}
    assert ">Ya<" in rows[7] and ">Tidak<" in rows[7]
    # Rows 5 and 6 carry the Tidak lane; row 5 receives it with an arrowhead pointing left.
    assert rows[6].count("<polyline") > rows[6].count("<text")
    assert "ke langkah" not in rows[7]


def test_a_loop_that_must_leave_the_page_says_where_it_goes():
    steps = chain(*[(n, 0, "process", None) for n in range(1, 5)], (5, 0, "decision", 1))
    pages = build(steps, columns=1, column_width=24, budget=3 * 19 + 20)
    assert "ke langkah 1" in pages[-1].rows[-1].svg


def test_each_row_is_as_tall_as_its_longest_text():
    short, long = text_height("Rekap", 50), text_height("kata " * 80, 50)
    assert long > short
    step = FlowStep(1, 0, "process", texts=(("kata " * 80, 50.0),))
    (page,) = build([step], columns=1, column_width=24, budget=500)
    assert page.rows[0].height >= long
