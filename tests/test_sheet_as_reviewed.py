"""The SOP sheet as a Bagian Organisasi reviewer reads it (issue 19), checked on the geometry the app
draws: every exit label whole and readable inside the drawing, every arrow on its own port and its
own lane, no line through a symbol or an arrowhead, nothing printed within 5 mm of the paper's edge
(the band office printers cannot print), rows no taller than their content needs."""

import io
import math
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.documents import rendering as documents
from reports.documents.rendering import Stamp
from tests.sample_sops import complex_sop, permohonan_sop, reviewer_sop
from workflow.models import Executor, Position, Sop
from workflow.sop.flowchart import LABEL_SIZE, FlowExit, FlowStep, paginate
from workflow.sop.layout import PAPERS, column_widths, flowchart_pages
from workflow.sop.services import ExecutorSpec, StepSpec, sop_version_create

EDGE_BAND = 5.0  # mm that office printers cannot print
TOLERANCE = 0.05


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?[\d.]+", text)]


def attribute(element: str, name: str) -> str:
    return re.search(rf'\b{name}="([^"]*)"', element).group(1)


class Row:
    """One row's drawing, read back from its SVG."""

    def __init__(self, svg: str):
        self.svg = svg
        self.width, self.height = numbers(attribute(svg, "viewBox"))[2:]
        self.edges = [
            list(zip(*[iter(numbers(attribute(e, "points")))] * 2, strict=True))
            for e in re.findall(r'<polyline [^>]*class="edge"/>', svg)
        ]
        self.arrowheads = [
            list(zip(*[iter(numbers(attribute(e, "points")))] * 2, strict=True))
            for e in re.findall(r'<polygon [^>]*class="arrowhead"/>', svg)
        ]
        self.symbols = []
        for element in re.findall(r'<(?:rect|polygon) [^>]*class="(?:symbol|connector)"/>', svg):
            if element.startswith("<rect"):
                x, y, w, h = (float(attribute(element, k)) for k in ("x", "y", "width", "height"))
                radius = float(attribute(element, "rx")) if ' rx="' in element else 0.0
                self.symbols.append(("rect", (x, y, w, h, radius)))
            else:
                points = list(zip(*[iter(numbers(attribute(element, "points")))] * 2, strict=True))
                self.symbols.append(("polygon", points))
        self.labels = []
        for element in re.findall(r'<text [^>]*class="label">[^<]*</text>', self.svg):
            x, y, size = (float(attribute(element, k)) for k in ("x", "y", "font-size"))
            text = re.search(r">([^<]*)<", element).group(1)
            self.labels.append((text, size, (x, y - size * 0.8, x + len(text) * size * 0.62, y + size * 0.25)))


def inside_symbol(kind, shape, x, y) -> bool:
    """Strictly inside (by more than the tolerance)."""
    if kind == "rect":
        x0, y0, w, h, radius = shape
        if not (x0 + TOLERANCE < x < x0 + w - TOLERANCE and y0 + TOLERANCE < y < y0 + h - TOLERANCE):
            return False
        if radius:  # a capsule: the ends are half circles
            cx = min(max(x, x0 + radius), x0 + w - radius)
            return math.hypot(x - cx, y - (y0 + radius)) < radius - TOLERANCE
        return True
    return inside_polygon(shape, x, y, TOLERANCE)


def inside_polygon(points, x, y, margin) -> bool:
    """Inside a convex polygon, farther than margin from each side."""
    signs = []
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        length = math.hypot(x2 - x1, y2 - y1)
        if length == 0:
            continue
        signs.append(((x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)) / length)
    return all(s > margin for s in signs) or all(s < -margin for s in signs)


def segments(polyline):
    return list(zip(polyline, polyline[1:], strict=False))


def samples(segment, step=0.1):
    (x1, y1), (x2, y2) = segment
    count = max(int(math.hypot(x2 - x1, y2 - y1) / step), 1)
    return [(x1 + (x2 - x1) * k / count, y1 + (y2 - y1) * k / count) for k in range(1, count)]


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def problems_of(row: Row) -> list[str]:
    found = []
    for text, size, box in row.labels:
        if size < LABEL_SIZE:
            found.append(f"label {text!r} shrunk to {size}")
        if box[0] < 0 or box[2] > row.width or box[1] < 0 or box[3] > row.height:
            found.append(f"label {text!r} clipped: {box} outside {row.width} x {row.height}")
        for kind, shape in row.symbols:
            xs = [shape[0], shape[0] + shape[2]] if kind == "rect" else [p[0] for p in shape]
            ys = [shape[1], shape[1] + shape[3]] if kind == "rect" else [p[1] for p in shape]
            if overlaps(box, (min(xs), min(ys), max(xs), max(ys))):
                found.append(f"label {text!r} lies on a symbol")
        for head in row.arrowheads:
            if overlaps(
                box,
                (min(p[0] for p in head), min(p[1] for p in head), max(p[0] for p in head), max(p[1] for p in head)),
            ):
                found.append(f"label {text!r} hides an arrowhead")
    for e, edge in enumerate(row.edges):
        for segment in segments(edge):
            for point in samples(segment):
                for kind, shape in row.symbols:
                    if inside_symbol(kind, shape, *point):
                        found.append(f"a line runs through a symbol at {point}")
                        break
                for head in row.arrowheads:
                    tip = head[0]
                    owns = any(math.dist(end, tip) < 0.02 for end in (edge[0], edge[-1]))
                    if not owns and inside_polygon(head, *point, TOLERANCE):
                        found.append(f"a line runs through an arrowhead at {point}")
        # Own lane: no stretch of this edge runs on top of another edge's.
        for other in row.edges[e + 1 :]:
            for a1, a2 in segments(edge):
                for b1, b2 in segments(other):
                    if collinear_overlap((a1, a2), (b1, b2)):
                        found.append(f"two arrows share the stretch {a1}-{a2} / {b1}-{b2}")
    # Own port: the ends of arrows on a symbol's outline are all different points.
    ends = []
    for edge in row.edges:
        for end in (edge[0], edge[-1]):
            if any(near_outline(kind, shape, *end) for kind, shape in row.symbols):
                ends.append(end)
    for k, end in enumerate(ends):
        if any(math.dist(end, other) < 0.5 for other in ends[k + 1 :]):
            found.append(f"two arrows share the port {end}")
    return sorted(set(found))


def near_outline(kind, shape, x, y) -> bool:
    if kind == "rect":
        x0, y0, w, h, _radius = shape
        return x0 - 0.2 <= x <= x0 + w + 0.2 and y0 - 0.2 <= y <= y0 + h + 0.2
    xs, ys = [p[0] for p in shape], [p[1] for p in shape]
    return min(xs) - 0.2 <= x <= max(xs) + 0.2 and min(ys) - 0.2 <= y <= max(ys) + 0.2


def collinear_overlap(a, b) -> bool:
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if abs(ax1 - ax2) < 0.01 and abs(bx1 - bx2) < 0.01 and abs(ax1 - bx1) < 0.2:
        low, high = max(min(ay1, ay2), min(by1, by2)), min(max(ay1, ay2), max(by1, by2))
        return high - low > 0.2
    if abs(ay1 - ay2) < 0.01 and abs(by1 - by2) < 0.01 and abs(ay1 - by1) < 0.2:
        low, high = max(min(ax1, ax2), min(bx1, bx2)), min(max(ax1, ax2), max(bx1, bx2))
        return high - low > 0.2
    return False


def rows_of(html: str) -> list[Row]:
    return [Row(svg) for svg in re.findall(r'<svg [^>]*class="flow-row".*?</svg>', html, re.S)]


@pytest.fixture
def reviewed(sop000, sop002, balangan):
    return {
        "balangan": sop000,
        "padang-panjang": sop002,
        "generated": reviewer_sop(balangan),
        "complex": complex_sop(balangan),
        "permohonan": permohonan_sop(balangan),
    }


@pytest.mark.parametrize("paper", ["f4", "a4"])
def test_every_label_is_whole_and_every_arrow_has_its_own_port_and_lane_clear_of_symbols_and_arrowheads(
    reviewed, paper
):
    for name, version in reviewed.items():
        html = documents.sop_sheet(version, paper=paper).html
        rows = rows_of(html)
        assert len(rows) == version.steps.count(), name
        for row in rows:
            problems = problems_of(row)
            assert not problems, (name, paper, re.search(r"<title>(.*?)</title>", row.svg).group(1), problems)


def test_the_generated_sop_breaks_across_pages_with_connectors_and_keeps_its_rightmost_labels(reviewed):
    html = documents.sop_sheet(reviewed["generated"], paper="f4").html
    assert html.count('class="connector"') >= 6  # each crossing edge has a pentagon on both pages
    rows = rows_of(html)
    rightmost = [row for row in rows if "Tidak" in row.svg and "Langkah 5," in row.svg or "Langkah 12," in row.svg]
    for row in rightmost:
        assert [text for text, _size, _box in row.labels if text == "Tidak"] == ["Tidak"]


def pgm_pages(pdf: bytes, dpi: int = 100) -> list[tuple[int, int, bytes]]:
    """Each page as grey pixels (width, height, bytes), rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sheet.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(source), str(Path(folder) / "page")], check=True)
        pages = []
        for path in sorted(Path(folder).glob("page*.pgm")):
            data = path.read_bytes()
            magic, width, height, _max, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
            pages.append((int(width), int(height), pixels))
        return pages


def ink_within(pages, band_mm: float, dpi: int = 100) -> list[tuple[int, str, float]]:
    """Where a page carries ink closer to the paper's edge than band_mm: (page, edge, distance in mm)."""
    found = []
    for number, (width, height, pixels) in enumerate(pages, start=1):
        band = int(band_mm * dpi / 25.4) - 1  # the last pixel wholly inside the band (anti-aliasing aside)
        closest = {}
        for y in range(height):
            line = pixels[y * width : (y + 1) * width]
            inked = [x for x in range(width) if line[x] < 200] if (y < band or y >= height - band) else None
            if inked is None:
                left = next((x for x in range(band) if line[x] < 200), None)
                right = next((x for x in range(width - 1, width - band - 1, -1) if line[x] < 200), None)
                inked = [x for x in (left, right) if x is not None]
            for x in inked:
                for edge, distance in (("left", x), ("right", width - 1 - x), ("top", y), ("bottom", height - 1 - y)):
                    if distance < band:
                        closest[edge] = min(closest.get(edge, band), distance)
        found += [(number, edge, round(d * 25.4 / dpi, 1)) for edge, d in closest.items()]
    return found


@pytest.mark.parametrize("paper", ["f4", "a4"])
def test_nothing_is_printed_within_5_mm_of_the_paper_edge_draft_or_signed(reviewed, balangan, paper):
    stamp = Stamp("https://sop.example.go.id/verifikasi/" + "a" * 64, signed_at=documents.timezone.now())
    sheets = {
        "generated draft": documents.sop_sheet(reviewed["generated"], paper=paper),
        "balangan signed": documents.sop_sheet(reviewed["balangan"], paper=paper, stamp=stamp),
        "padang-panjang": documents.sop_sheet(reviewed["padang-panjang"], paper=paper),
    }
    for name, document in sheets.items():
        pages = pgm_pages(document.pdf())
        _label, long, short = PAPERS[paper]
        assert pages[0][0] > pages[0][1], name  # landscape
        too_near = ink_within(pages, EDGE_BAND)
        assert not too_near, (name, paper, too_near)


def short_chain(count: int) -> list[FlowStep]:
    steps = []
    for n in range(1, count + 1):
        symbol = "terminator" if n in (1, count) else ("decision" if n == 4 else "process")
        exits = () if n == count else (FlowExit("Ya" if n == 4 else "", n + 1),)
        if n == 4:
            exits += (FlowExit("Tidak", 2),)
        steps.append(FlowStep(n, ((n - 1) % 4,), symbol, exits, texts=(("Memeriksa berkas", 40.0), ("1 hari", 19.0))))
    return steps


@pytest.mark.parametrize("paper", ["f4", "a4"])
def test_an_eight_step_sop_with_short_texts_fits_its_flowchart_on_one_page(paper):
    widths = column_widths(paper, 4)
    steps = short_chain(8)
    headers = ["Pemohon", "Staf Pelayanan", "Sekretaris", "Kepala Dinas"]
    pages = flowchart_pages(steps, headers, widths, paper)
    assert len(pages) == 1, [len(page.rows) for page in pages]
    assert all(row.height < 19.0 for row in pages[0].rows)


def test_rows_are_as_tall_as_their_content_with_a_compact_minimum():
    (page,) = paginate(short_chain(8), budget=1000)
    assert len(page) == 8


def chain_sop(agency, count: int):
    """A straight chain of count steps, each Waktu a different estimate, time per item or range, so
    that the notes under the Jumlah run to several lines."""
    staff = Position.objects.filter(agency=agency).order_by("pk")[2]
    executors = [ExecutorSpec("Pemohon", None, Executor.Kind.OUTSIDE), ExecutorSpec("Staf Pelayanan", staff)]
    times = [lambda n: f"± {n} menit", lambda n: f"{n} menit/berkas", lambda n: f"1 – {n} hari kerja"]
    steps = [
        StepSpec(
            n,
            f"Langkah {n}: memeriksa dan mencatat berkas permohonan beserta kelengkapan administrasinya",
            times[n % 3](n),
            f"Berkas {n}",
            actors=["Pemohon" if n in (1, count) else "Staf Pelayanan"],
            symbol="terminator" if n in (1, count) else "process",
            exits=[] if n == count else None,
        )
        for n in range(1, count + 1)
    ]
    sop = Sop.objects.create(agency=agency, number=f"SOP – {count}/RANTAI")
    return sop_version_create(sop=sop, name="Rantai", made_on=None, executors=executors, steps=steps)


def test_the_catatan_jumlah_stays_on_the_page_of_the_last_step(balangan):
    for count in (12, 13, 14, 22, 23, 24):  # around the counts where the flowchart takes another page
        version = chain_sop(balangan, count)
        pdf = documents.sop_sheet(version).pdf()
        pages = [
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), "-layout", "-", "-"], input=pdf, capture_output=True
            ).stdout.decode()
            for n in range(1, PdfReader(io.BytesIO(pdf)).get_num_pages() + 1)
        ]
        (notes_page,) = [page for page in pages if "Catatan Jumlah" in page]
        assert f"Langkah {count}:" in notes_page, count


def page_texts(pdf: bytes) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=pdf, capture_output=True
        ).stdout.decode()
        for n in range(1, PdfReader(io.BytesIO(pdf)).get_num_pages() + 1)
    ]


@pytest.mark.parametrize("laws", [14, 17, 18, 21])  # the identity breaks before each of its sections in turn
def test_no_identity_page_ends_with_a_section_head_or_holds_only_the_penyusun_row(balangan, laws):
    dasar_hukum = [
        (
            f"{n}.",
            f"Peraturan Menteri PAN-RB Nomor {n} Tahun 2012 tentang Pedoman Penyusunan Standar Operasional Prosedur",
        )
        for n in range(1, laws + 1)
    ]
    version = complex_sop(
        balangan, lists={"dasar_hukum": dasar_hukum}, prepared_by="Kasubbag Umum", checked_by="Sekretaris"
    )
    pages = page_texts(documents.sop_sheet(version).pdf())

    def page_of(text: str) -> int:
        (number,) = [n for n, page in enumerate(pages) if text in page]
        return number

    assert page_of("Dasar Hukum") == page_of("Nomor 1 Tahun")
    assert page_of("Peringatan") == page_of("Berkas yang tidak lengkap") == page_of("Pemeriksa") > 0
