"""The SOP sheet's page layout: paper sizes and margins, the width of each column, how much of a page
the flowchart may fill, and the pages of a flowchart. One place for the PDF (reports.documents.rendering
.sop_sheet) and the editor's preview (flowchart_preview), so that both draw the same sheet."""

import math

from workflow.sop.flowchart import FlowExit, FlowStep, build, text_height
from workflow.sop.graph import Arrow, Node, default_exits
from workflow.sop.services import ExecutorSpec, StepSpec

PAPERS = {"f4": ("F4", 330.0, 215.0), "a4": ("A4", 297.0, 210.0)}


# The SOP sheet's page margins (top, right, bottom, left), mm: the one source for both the @page rule
# and the column widths. The generated stylesheet is a user stylesheet for WeasyPrint, so the rules
# that print.css also sets are !important there, or print.css would win.
SHEET_MARGINS = (10.0, 12.0, 14.0, 12.0)


EXECUTOR_WIDTH_MAX = {"f4": 24.0, "a4": 21.0}


TEXT_WIDTH_MIN = {"f4": 100.0, "a4": 92.0}  # Kegiatan + Kelengkapan + Output never narrower than this


NARROW_EXECUTOR = 19.0  # below this, columns are headed with Executor.label


def content_width(paper: str) -> float:
    _label, width, _height = PAPERS[paper]
    return width - SHEET_MARGINS[1] - SHEET_MARGINS[3]


def column_widths(paper: str, executors: int) -> dict:
    """Widths (mm) that add up exactly to the printable width of the paper."""
    content = content_width(paper)
    fixed = {"no": 8.0, "waktu": 19.0, "ket": 21.0}
    count = max(executors, 1)
    area = min(EXECUTOR_WIDTH_MAX[paper] * count, content - sum(fixed.values()) - TEXT_WIDTH_MIN[paper])
    executor = area / count
    rest = content - sum(fixed.values()) - executor * count
    return {
        **fixed,
        "executor": executor,
        "kegiatan": rest * 0.42,
        "kelengkapan": rest * 0.33,
        "output": rest * 0.25,
    }


def header_font_size(headers: list[str], column_width: float) -> float:
    """The executor headings' size (pt) at which the longest word fits its column: headings wrap at
    word boundaries only, never inside a word."""
    longest = max((len(word) for header in headers for word in header.split()), default=1)
    room = column_width - 1.6  # the heading cells' padding and borders
    fitting = room / (longest * 0.70 * 0.3528)  # bold DejaVu Sans Condensed: up to ~0.66 em a character
    return max(5.0, min(7.0, math.floor(fitting * 10) / 10))


def flowchart_pages(flow: list, headers: list[str], widths: dict, paper: str = "f4", notes: str = "") -> list:
    """The flowchart split into the sheet's pages: the one place that knows how much of a page the
    drawing may fill (the PDF sheet and the editor's preview both call it). The notes of the Jumlah
    (the "Catatan Jumlah" row below it) take their room on the last page."""
    header = 5 + max([text_height(text, widths["executor"]) for text in headers] + [8]) + 4
    budget = PAPERS[paper][2] - SHEET_MARGINS[0] - SHEET_MARGINS[2] - 8 - header - 9 - 6  # title, Jumlah, slack
    tail = 0.0
    return build(flow, len(headers), widths["executor"], budget, tail)


def flowchart_preview(executors: list[ExecutorSpec], steps: list[StepSpec]):
    """The flowchart pages of unsaved content, drawn by workflow.sop.flowchart exactly as
    reports.documents.rendering.sop_sheet calls it for the PDF (F4). The one place the editor draws."""

    widths = column_widths("f4", len(executors))
    column = {spec.title: index for index, spec in enumerate(executors)}
    nodes = {
        node.number: node
        for node in default_exits([Node(s.number, s.symbol, tuple(Arrow(*e) for e in (s.exits or ()))) for s in steps])
    }
    numbers = {s.number for s in steps}
    flow = [
        FlowStep(
            s.number,
            tuple(column[title] for title in s.actors),
            s.symbol,
            tuple(FlowExit(a.label, a.target) for a in nodes[s.number].exits if a.target in numbers),
            texts=(
                (s.activity, widths["kegiatan"]),
                (", ".join(s.requirements), widths["kelengkapan"]),
                (s.waktu, widths["waktu"]),
                (s.output, widths["output"]),
                (s.remark, widths["ket"]),
            ),
        )
        for s in steps
    ]
    narrow = widths["executor"] < NARROW_EXECUTOR
    headers = [(e.short_label if narrow and e.short_label else e.title) for e in executors]
    pages = flowchart_pages(flow, headers, widths, "f4")
    for page in pages:  # the page's header columns are as wide as the drawing's lanes (96 px per inch)
        page.extra["lane_px"] = round(widths["executor"] * 96 / 25.4)
    return pages
