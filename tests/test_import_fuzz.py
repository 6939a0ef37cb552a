"""The Excel and JSON imports, fuzzed: a genuine file with cells or keys changed to anything, or
bytes that are no file at all, never make a server error, and a refused file saves nothing.
Figures from these runs are in docs/reliability.md."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from reports.models import Indicator
from workflow.models import SopVersion

from .fuzzing import FUZZ, NASTY, fuzz_once

CELL_VALUES = st.sampled_from(NASTY) | st.text(max_size=40) | st.integers(-(10**15), 10**15) | st.floats() | st.none()


def edited_workbook(data: bytes, edits: list) -> bytes:
    """The workbook with cells overwritten, as someone typing anywhere in Excel would."""
    book = load_workbook(io.BytesIO(data))
    for sheet_index, row, column, value in edits:
        sheet = book.worksheets[sheet_index % len(book.worksheets)]
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_edits(max_row: int, max_column: int):
    return st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, max_row + 2), st.integers(1, max_column + 1), CELL_VALUES),
        min_size=1,
        max_size=8,
    )


def fuzz_workbook_upload(client, download_url: str, upload_url: str, name: str):
    original = client.get(download_url).content
    sheet = load_workbook(io.BytesIO(original)).worksheets[0]

    @FUZZ
    @given(workbook_edits(sheet.max_row, sheet.max_column))
    def edited(edits):
        try:
            content = edited_workbook(original, edits)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses it (a control character)
            return
        fuzz_once(client, upload_url, {"file": SimpleUploadedFile(name, content)})

    @FUZZ
    @given(st.binary(max_size=4096) | st.just(original[: len(original) // 2]))
    def not_a_workbook(content):
        fuzz_once(client, upload_url, {"file": SimpleUploadedFile(name, content)})

    edited()
    not_a_workbook()


def test_any_edit_of_a_units_figures_workbook_is_saved_whole_or_not_at_all(login, balangan):
    unit = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan").responsible_unit
    url = reverse("reports:figures-excel", args=["2026-TW4", unit.pk])
    fuzz_workbook_upload(login("balangan.kasi-layanan"), url, url, "isi.xlsx")


def test_any_edit_of_the_targets_workbook_is_saved_whole_or_not_at_all(login, balangan):
    url = reverse("reports:targets-excel", args=[2027])
    fuzz_workbook_upload(login("balangan.sekretaris"), url, url, "target.xlsx")


def test_any_edit_of_an_sop_workbook_imports_whole_or_not_at_all(login, balangan):
    version = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    fuzz_workbook_upload(
        login("balangan.kasubbag"),
        reverse("workflow:sop-download", args=[version.pk, "xlsx"]),
        reverse("workflow:sop-import"),
        "sop.xlsx",
    )


def leaf_paths(document, path=()):
    if isinstance(document, dict):
        for key, value in document.items():
            yield from leaf_paths(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from leaf_paths(value, (*path, index))
    yield path


def replaced(document, path, value):
    if not path:  # the whole document: replaced, or (deleting the root) left as it is
        return document if value is _DELETE else value
    copy = json.loads(json.dumps(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    if value is _DELETE and isinstance(holder, dict):
        del holder[path[-1]]
    elif value is not _DELETE:
        holder[path[-1]] = value
    return copy


_DELETE = object()
JSON_VALUES = (
    st.sampled_from(NASTY)
    | st.integers(-(10**12), 10**12)
    | st.none()
    | st.booleans()
    | st.just([])
    | st.just({})
    | st.just(_DELETE)
    | st.lists(st.sampled_from(NASTY), max_size=3)
)


def test_any_edit_of_an_sop_json_file_imports_whole_or_not_at_all(login, balangan):
    client = login("balangan.kasubbag")
    version = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    original = json.loads(client.get(reverse("workflow:sop-download", args=[version.pk, "json"])).content)
    paths = list(leaf_paths(original))
    url = reverse("workflow:sop-import")

    @FUZZ
    @given(st.lists(st.tuples(st.sampled_from(paths), JSON_VALUES), min_size=1, max_size=5))
    def edited(changes):
        document = original
        for path, value in changes:
            try:
                document = replaced(document, path, value)
            except (KeyError, IndexError, TypeError):  # an earlier change removed the place
                continue
        content = json.dumps(document, ensure_ascii=False).encode()
        fuzz_once(client, url, {"file": SimpleUploadedFile("sop.json", content)})

    @FUZZ
    @given(st.binary(max_size=2048) | st.text(max_size=200).map(str.encode))
    def not_json(content):
        fuzz_once(client, url, {"file": SimpleUploadedFile("sop.json", content)})

    edited()
    not_json()


# Structure-aware: what the bounds and the text checks are for, at any place of a genuine document.
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(["\x00", "\ud800", "\udfff", "²", "³", "=", "a", "é"]), max_size=30)
HOSTILE_VALUES = (
    HOSTILE_TEXT
    | st.integers(min_value=10**4, max_value=10**40)
    | st.integers(min_value=1, max_value=60).map(lambda depth: json.loads("[" * depth + "]" * depth))
    | st.integers(min_value=0, max_value=300).map(lambda count: [{"label": "", "to": 1}] * count)
    | st.integers(min_value=1, max_value=5).map(lambda n: "a" * (1000 * n))
)


def test_a_hostile_sop_json_file_is_refused_without_a_server_error(login, balangan):
    client = login("balangan.kasubbag")
    version = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    original = json.loads(client.get(reverse("workflow:sop-download", args=[version.pk, "json"])).content)
    paths = list(leaf_paths(original))
    url = reverse("workflow:sop-import")

    @FUZZ
    @given(st.lists(st.tuples(st.sampled_from(paths), HOSTILE_VALUES), min_size=1, max_size=3), st.integers(0, 3000))
    def hostile(changes, depth):
        document = original
        for path, value in changes:
            try:
                document = replaced(document, path, value)
            except (KeyError, IndexError, TypeError):
                continue
        content = json.dumps(document, ensure_ascii=True).encode()
        if depth > 2000:  # thousands deep, as no json.dumps writes it
            content = b'{"steps": ' + b"[" * depth + b"]" * depth + b"}"
        fuzz_once(client, url, {"file": SimpleUploadedFile("sop.json", content)})

    hostile()
