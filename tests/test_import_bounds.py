"""An SOP import is bounded by the editor's limits (sopkinerja.common.limits): a file beyond them is refused,
naming the limit, before any step is built."""

import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from sopkinerja.common import xlsx
from sopkinerja.common.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_EXITS, MAX_SHEET_ROWS, MAX_STEPS
from workflow.forms.editor import ExecutorFormSet, StepFormSet
from workflow.models import SopVersion
from workflow.sop.exchange import excel, json_format
from workflow.sop.exchange.files import sop_import_file
from workflow.sop.exchange.json_format import import_document
from workflow.sop.exchange.schema import SCHEMA_FILE, bounded

from .test_sop_exchange import branching_document


@pytest.fixture
def no_step_built(monkeypatch):
    """Fails the test if the import gets as far as building the version."""

    def refuse(**kwargs):
        raise AssertionError("sop_version_create was reached")

    monkeypatch.setattr(json_format, "sop_version_create", refuse)


def many_steps(count: int) -> dict:
    document = branching_document()
    template = document["steps"][1]
    document["steps"] = [{**copy.deepcopy(template), "number": n, "exits": None} for n in range(1, count + 1)]
    return document


def test_the_editor_the_schema_and_the_reader_share_one_set_of_limits():
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert bounded(published) == published
    assert published["properties"]["steps"]["maxItems"] == MAX_STEPS == StepFormSet.absolute_max
    assert published["properties"]["columns"]["maxItems"] == MAX_COLUMNS == ExecutorFormSet.absolute_max


def test_a_json_sop_of_a_thousand_steps_is_refused_before_any_step_is_built(balangan, no_step_built):
    content = json.dumps(many_steps(1000)).encode()
    with pytest.raises(ValidationError) as refused:
        sop_import_file(agency=balangan, name="sop.json", stream=io.BytesIO(content), user=None)
    assert "steps: berisi lebih dari 200 butir: paling banyak 200 butir." in refused.value.messages


def test_a_step_with_seventy_eight_exits_is_refused_naming_the_limit(balangan, no_step_built):
    document = many_steps(3)
    document["steps"][1]["symbol"] = "decision"
    document["steps"][1]["exits"] = [{"label": f"J{n}", "to": 3} for n in range(78)]
    with pytest.raises(ValidationError) as refused:
        import_document(balangan, document, user=None)
    assert f"steps[1].exits: berisi lebih dari {MAX_EXITS} butir" in " ".join(refused.value.messages)


def workbook_with_steps(balangan, count: int) -> bytes:
    version = import_document(balangan, branching_document(), user=None)
    book = load_workbook(io.BytesIO(excel.workbook_for(balangan, version)))
    sheet = book["Langkah"]
    first = [cell.value for cell in sheet[2]]
    for number in range(sheet.max_row, count + 1):
        sheet.append([number, *first[1:4], "", *first[5:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_of_two_thousand_steps_is_refused_before_a_step_row_is_read(balangan, monkeypatch):
    content = workbook_with_steps(balangan, 2000)
    before = SopVersion.objects.count()
    parsed = []
    monkeypatch.setattr(excel, "parse_waktu", parsed.append)
    with pytest.raises(ValidationError) as refused:
        excel.import_workbook(balangan, io.BytesIO(content), user=None)
    assert "Lembar Langkah memiliki lebih dari 1000 baris" in refused.value.messages[0]
    assert parsed == [] and SopVersion.objects.count() == before


def test_a_workbook_of_three_hundred_steps_is_refused_naming_the_limit(balangan, monkeypatch):
    content = workbook_with_steps(balangan, 300)
    parsed = []
    monkeypatch.setattr(excel, "parse_waktu", parsed.append)
    with pytest.raises(ValidationError) as refused:
        excel.import_workbook(balangan, io.BytesIO(content), user=None)
    assert "SOP paling banyak memiliki 200 langkah" in refused.value.messages[0] and parsed == []


def test_reading_a_sheet_stops_after_the_row_limit(monkeypatch):
    rows = []
    sheet = xlsx.Sheet("Langkah", ["No"], [[n] for n in range(1, 20_000)])
    content = xlsx.write_workbook([sheet], {})
    real = xlsx.load_workbook

    def counting_load(*args, **kwargs):
        book = real(*args, **kwargs)
        original = book.worksheets[0].iter_rows

        def iter_rows(*a, **k):
            for row in original(*a, **k):
                rows.append(row)
                yield row

        book.worksheets[0].iter_rows = iter_rows
        return book

    monkeypatch.setattr(xlsx, "load_workbook", counting_load)
    with pytest.raises(xlsx.WorkbookBeyondLimits):
        xlsx.read_workbook(io.BytesIO(content))
    assert len(rows) == MAX_SHEET_ROWS + 1


def test_a_cell_longer_than_the_limit_is_refused_on_its_row(balangan):
    version = import_document(balangan, branching_document(), user=None)
    book = load_workbook(io.BytesIO(excel.workbook_for(balangan, version)))
    book["Langkah"]["B3"] = "a" * (MAX_CELL_CHARS + 1)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as refused:
        excel.read_document(io.BytesIO(out.getvalue()))
    assert refused.value.messages == ["Lembar Langkah, baris 3: sebuah sel berisi lebih dari 10000 karakter."]
