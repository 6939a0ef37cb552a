"""Text from users goes into the exported workbooks as text, never as a formula; an SOP workbook read
back keeps such text as it was written."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Indicator
from workflow.sop.exchange.excel import import_workbook, workbook_for
from workflow.sop.exchange.json_format import export_version, import_document

from .test_sop_exchange import agency_like, branching_document

ATTACKS = ['=HYPERLINK("http://x.example/", "klik")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def formula_like_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]


def attacked_document() -> dict:
    document = branching_document()
    for step, text in zip(document["steps"], ATTACKS, strict=False):
        step["activity"] = text
    document["lists"]["dasar_hukum"][0]["text"] = ATTACKS[1]
    document["prepared_by"] = ATTACKS[0]
    return document


def test_every_sop_workbook_cell_starting_like_a_formula_is_a_text_cell(balangan):
    version = import_document(balangan, attacked_document(), user=None)
    cells = formula_like_cells(workbook_for(balangan, version))
    assert {cell.value for cell in cells} >= set(ATTACKS)
    assert all(cell.data_type == "s" for cell in cells)


def test_a_reimported_sop_workbook_keeps_formula_like_text_as_written(balangan):
    version = import_document(balangan, attacked_document(), user=None)
    copy = agency_like(balangan, "salinan-rumus")
    imported = import_workbook(copy, io.BytesIO(workbook_for(balangan, version)), user=None)
    assert [step["activity"] for step in export_version(imported)["steps"]][: len(ATTACKS)] == ATTACKS
    assert export_version(imported)["lists"]["dasar_hukum"][0]["text"] == ATTACKS[1]


def test_a_formula_typed_into_an_sop_workbook_is_imported_as_its_text(balangan):
    version = import_document(balangan, branching_document(), user=None)
    book = load_workbook(io.BytesIO(workbook_for(balangan, version)))
    book["Langkah"]["B2"] = "=1+1"  # a formula cell, as Excel stores what is typed
    assert book["Langkah"]["B2"].data_type == "f"
    out = io.BytesIO()
    book.save(out)
    imported = import_workbook(agency_like(balangan, "salinan-rumus2"), io.BytesIO(out.getvalue()), user=None)
    assert export_version(imported)["steps"][0]["activity"] == "=1+1"


def test_the_figures_and_targets_workbooks_write_an_indicator_name_as_text(login, balangan):
    indicator = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    Indicator.objects.filter(pk=indicator.pk).update(name=ATTACKS[1], unit_of_measure=ATTACKS[0])
    figures = login("balangan.kasi-layanan").get(
        reverse("reports:figures-excel", args=["2026-TW4", indicator.responsible_unit_id])
    )
    targets = login("balangan.sekretaris").get(reverse("reports:targets-excel", args=[2027]))
    for content in (figures.content, targets.content):
        cells = formula_like_cells(content)
        assert {cell.value for cell in cells} >= {ATTACKS[0], ATTACKS[1]}
        assert all(cell.data_type == "s" for cell in cells)
