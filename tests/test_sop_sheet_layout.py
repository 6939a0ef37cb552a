"""The SOP sheet as a Bagian Organisasi reviewer checks it, read back from the PDF's text boxes
(pdftotext -bbox-layout): nothing crosses the page margins on F4 or A4, no word is cut without a
hyphen, the Jumlah sits on one line, and a draft says KONSEP on every page."""

import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import pytest

from reports.documents import rendering as documents
from tests.sample_sops import complex_sop
from workflow.models import SopListItem

TOLERANCE = 0.4  # mm: rounding of the glyph boxes


def word_boxes(pdf: bytes) -> list[dict]:
    """Every word with its page and box in mm, from pdftotext -bbox-layout."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sheet.pdf"
        source.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox-layout", str(source), "-"], check=True, capture_output=True, text=True
        ).stdout
    points = 25.4 / 72
    words, page = [], None
    for tag in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">|<word ([^>]*)>([^<]*)</word>', html):
        if tag.group(1):
            page = {
                "number": (page or {"number": 0})["number"] + 1,
                "width": float(tag.group(1)) * points,
                "height": float(tag.group(2)) * points,
            }
            continue
        box = {key: float(value) * points for key, value in re.findall(r'(\w+)="([\d.]+)"', tag.group(3))}
        words.append({"text": unescape(tag.group(4)), "page": page, **box})
    return words


def lines_of(words: list[dict]) -> dict:
    lines: dict = {}
    for word in words:
        lines.setdefault((word["page"]["number"], round(word["yMin"], 0)), []).append(word)
    return lines


def source_words(version) -> set[str]:
    texts = [version.name, version.sop.number, version.sop.agency.name, version.sop.agency.local_government.name]
    texts += [version.approver_title, version.approver_name, version.sop.unit.name if version.sop.unit else ""]
    texts += [executor.title for executor in version.executors.all()]
    texts += [item.text for item in SopListItem.objects.filter(version=version)]
    for step in version.steps.all():
        texts += [step.activity, step.output, step.remark, step.duration_text, *step.requirement_texts()]
        texts += step.exit_labels()
    return {word.strip(".,;:()\"'").casefold() for text in texts for word in text.split()}


@pytest.fixture
def sheets(sop000, sop002):
    return {
        (name, paper): (version, documents.sop_sheet(version, paper=paper).pdf())
        for name, version in (("balangan", sop000), ("padang-panjang", sop002))
        for paper in ("f4", "a4")
    }


def test_no_word_of_either_seed_sheet_crosses_the_page_margins_on_f4_or_a4(sheets):
    top, right, bottom, left = documents.SHEET_MARGINS
    for key, (_version, pdf) in sheets.items():
        words = word_boxes(pdf)
        assert words, key
        for word in words:
            page = word["page"]
            assert word["xMin"] >= left - TOLERANCE, (key, word)
            assert word["xMax"] <= page["width"] - right + TOLERANCE, (key, word)
            assert word["yMin"] >= top - TOLERANCE, (key, word)
            if word["text"] in {"Halaman", "dari"} or word["text"].isdigit() and word["yMin"] > page["height"] - bottom:
                continue  # the page number lives in the bottom margin box
            assert word["yMax"] <= page["height"] - bottom + TOLERANCE, (key, word)


def test_the_flowchart_table_ends_inside_the_right_margin(sheets):
    _top, right, _bottom, _left = documents.SHEET_MARGINS
    for key, (_version, pdf) in sheets.items():
        words = [w for w in word_boxes(pdf) if w["text"] == "Ket"]
        assert words, key
        for word in words:
            assert word["xMax"] < word["page"]["width"] - right, key


# The sheet's own headings and units: words of the template, not of the SOP.
SHEET_WORDS = set(
    "nomor sop tanggal pembuatan revisi efektif disahkan oleh nama dasar hukum kualifikasi pelaksana keterkaitan "
    "peralatan/perlengkapan pencatatan pendataan peringatan dan kegiatan mutu baku kelengkapan waktu output ket "
    "jumlah halaman dari no pemerintah kabupaten kota hari jam menit langkah menyesuaikan nip".split()
)


def test_no_word_is_broken_without_a_hyphen(sheets):
    """A printed word that is only a piece of a word of the SOP ("Pemoho", "n") was cut."""
    for key, (version, pdf) in sheets.items():
        known = source_words(version) | SHEET_WORDS
        for word in word_boxes(pdf):
            text = word["text"].strip(".,;:()\"'").casefold()
            if len(text) < 2 or not text.isalpha() or text in known or text.endswith("-"):
                continue
            pieces_of = [
                source for source in known if source != text and (source.startswith(text) or source.endswith(text))
            ]
            assert not pieces_of, (key, word["text"], pieces_of[:3])


def test_body_words_are_not_hyphenated(sheets):
    for key, (_version, pdf) in sheets.items():
        cut = [w["text"] for w in word_boxes(pdf) if w["text"].endswith("-") and w["text"][:-1].isalpha()]
        assert not cut, (key, cut)


def test_the_jumlah_stands_on_one_line(sheets):
    for key, (version, pdf) in sheets.items():
        words = word_boxes(pdf)
        label = next(w for w in words if w["text"] == "Jumlah")
        line = [w for w in words if w["page"] is label["page"] and abs(w["yMin"] - label["yMin"]) < 1.5]
        text = " ".join(w["text"] for w in sorted(line, key=lambda w: w["xMin"]))
        assert str(version.total_duration()).replace("  ", " ") in text or "hari" in text, (key, text)
        parts = [w for w in words if w["page"] is label["page"] and w["yMin"] > label["yMax"] + 0.5]
        assert not [w for w in parts if w["text"] in {"jam", "menit", "hari"} and w["xMin"] > label["xMin"]], key


def test_a_draft_says_konsep_on_every_page_and_prints_blank_numbers_as_a_dash(balangan):
    version = complex_sop(balangan, number="")
    document = documents.sop_sheet(version)
    words = word_boxes(document.pdf())
    pages = {w["page"]["number"] for w in words}
    assert len(pages) >= 2
    assert {w["page"]["number"] for w in words if w["text"] == "KONSEP"} == pages
    assert "DRAFT" not in document.html
    assert re.search(r"Nomor SOP</td><td>-</td>", document.html)
    assert re.search(r"Tanggal Pembuatan</td><td>-</td>", document.html)


def test_an_effective_sheet_has_no_draft_mark(sop000):
    html = documents.sop_sheet(sop000).html
    assert "KONSEP" not in html and "DRAFT" not in html


def test_the_optional_identity_items_print_when_present(balangan):
    version = complex_sop(balangan)
    html = documents.sop_sheet(version).html
    assert '<td class="label">Tujuan</td>' not in html, html[html.find("Tujuan") - 300 : html.find("Tujuan") + 100]
    assert '<td class="label">Penyusun</td>' not in html  # only when present
    richer = complex_sop(
        balangan,
        number="SOP – 79/DISPERSIP",
        lists={"tujuan": ["Melayani pemohon"], "definisi": [("1.", "Pemohon adalah warga")]},
        prepared_by="Rina, Staf Pelayanan",
        checked_by="Budi, Sekretaris",
    )
    html = documents.sop_sheet(richer).html
    assert '<td class="label">Tujuan</td>' in html and "Melayani pemohon" in html and "Definisi/Istilah" in html
    assert '<td class="label">Penyusun</td><td>Rina, Staf Pelayanan</td>' in html and "Budi, Sekretaris" in html
    assert '<span class="item-label">1.</span><span class="item-text">Pemohon adalah warga</span>' in html
