"""SOP sheets and reports: every figure and text from the data, rendered to PDF/A in Indonesian."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.documents import rendering as documents
from reports.documents.pdf import StaticFilesOnly, print_stylesheet, user_agent_stylesheet, user_agent_text
from sopkinerja.common.periods import Period
from tests.sample_sops import reviewer_sop

MM = 72 / 25.4


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfFileReader(io.BytesIO(pdf))
    sizes = []
    for index in range(reader.root["/Pages"]["/Count"]):
        box = reader.root["/Pages"]["/Kids"][index]["/MediaBox"]
        sizes.append((round(float(box[2]) / MM), round(float(box[3]) / MM)))
    return sizes


def test_the_sop_sheet_is_f4_landscape_by_default_and_a4_on_request(sop000):
    assert set(page_sizes_mm(documents.sop_sheet(sop000).pdf())) == {(330, 215)}
    assert set(page_sizes_mm(documents.sop_sheet(sop000, paper="a4").pdf())) == {(297, 210)}


def test_the_pdf_is_pdf_a_3b(sop002):
    reader = PdfFileReader(io.BytesIO(documents.sop_sheet(sop002).pdf()))
    assert reader.root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in reader.root["/Metadata"].data


def test_the_sop_sheet_carries_the_identity_items_and_the_computed_jumlah(sop000):
    html = documents.sop_sheet(sop000).html
    for text in (
        "SOP – 01/DISPERSIP",
        ">2 Januari 2024<",  # as offices write it, never "02 Januari 2024"
        "NIP. 19660313 198903 1 011",
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
        "Peraturan Presiden Nomor 29 Tahun 2014",
    ):
        assert text in html, text
    # The Jumlah in unbreakable pieces.
    pieces = ("122 hari", "3 jam", "2 menit")
    assert " ".join(f'<span class="piece">{piece}</span>' for piece in pieces) in html
    assert html.count('<tr class="step">') == 9


def test_every_flowchart_page_repeats_the_header(balangan):
    html = documents.sop_sheet(reviewer_sop(balangan)).html  # seed 000 now fits one flowchart page
    pages = html.count('<table class="flow">')
    assert pages >= 2 and html.count("<th>Kelengkapan</th>") == pages


def test_the_quarter_report_shows_figures_computed_from_the_data(balangan):
    html = documents.performance_report(balangan, Period.parse("2026-TW3")).html
    assert "Laporan Kinerja Triwulan III 2026" in html
    assert "12.500" in html and "10.655" in html and "85,24 %" in html
    assert "Triwulan III 2025" in html and "-19,81 poin" in html  # compared with last year
    assert "Ruang baca lantai 2 ditutup" in html  # kendala
    assert "Paringin, " in html and "NIP. 19660313 198903 1 011" in html
    assert "<svg" in html  # the chart


def test_the_semester_report_rolls_quarters_up(balangan):
    html = documents.performance_report(balangan, Period.parse("2026-S1")).html
    assert "24.113" in html and "Semester I 2026" in html


def test_the_annual_report_follows_the_lkjip_chapters(balangan):
    html = documents.performance_report(balangan, Period.parse("2026")).html
    for chapter in (
        "Ringkasan Eksekutif",
        "Bab I Pendahuluan",
        "Bab II Perencanaan Kinerja",
        "Bab III Akuntabilitas Kinerja",
        "Bab IV Penutup",
        "Lampiran: Perjanjian Kinerja Tahun 2026",
    ):
        assert chapter in html, chapter
    assert "menetapkan 8 indikator kinerja" in html
    assert "48.000" in html  # the PK target of visitors


def test_a_report_with_a_capped_agency_prints_one_hundred_and_keeps_the_figure(balangan):
    balangan.cap_achievement = True
    html = documents.performance_report(balangan, Period.parse("2026-TW3")).html
    assert "100,00 %" in html and "(120,00 %)" in html


def test_the_lembar_disposisi_prints_its_instruction(run):
    disposition = run.steps.get(step__number=1).disposition
    document = documents.disposition_sheet(disposition)
    assert "Lembar Disposisi" in document.html and "Rencana Aksi, PK" in document.html
    assert document.pdf().startswith(b"%PDF-")


@pytest.mark.parametrize("url", ["https://example.com/logo.png", "http://127.0.0.1:8000/x", "file:///etc/passwd"])
def test_documents_cannot_fetch_anything_but_static_files(url):
    with pytest.raises(ValueError):
        StaticFilesOnly().fetch(url)


def test_static_files_are_read_from_disk():
    response = StaticFilesOnly().fetch("https://sop-kinerja.invalid/static/css/print.css")
    assert b"@page" in response.read()


def test_the_static_stylesheets_are_parsed_once_per_process(sop000):
    documents.sop_sheet(sop000).pdf()
    shared = print_stylesheet(), user_agent_stylesheet()
    documents.sop_sheet(sop000).pdf()
    assert (print_stylesheet(), user_agent_stylesheet()) == shared
    assert "print.css" not in documents.sop_sheet(sop000).html, "print.css is given to WeasyPrint parsed, not linked"


def test_the_trimmed_user_agent_stylesheet_still_matches_weasyprints_rules():
    # user_agent_text raises when an upgrade of WeasyPrint rewrote a rule that it trims.
    text = user_agent_text()
    assert "li::marker {" in text and "::footnote-call" not in text and "::note-marker" not in text
