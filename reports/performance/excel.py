"""The unit's quarter and the year's targets as .xlsx files, there and back, through openpyxl.

Written: indicator names and targets locked by sheet protection, input cells unlocked and marked
with a fill, a data-validation hint on each input column. Read back: every row is checked before
anything is saved; a refused file lists each bad row by its number and reason. Reading is bounded
the same way as the SOP workbooks (sopkinerja.common.xlsx): the zip's declared sizes are checked
before openpyxl opens it, and openpyxl parses through defusedxml (no DTD entities). Every cell is
written through sopkinerja.common.xlsx.write_cell: an indicator name or a kendala typed as
"=HYPERLINK(…)" stays text. An ID is read digit by digit before it is a number, so "1e1000000" costs
nothing.
"""

import dataclasses
import datetime
import io
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from reports.models.performance import YEARLY_TARGET_ONLY
from reports.performance.services import FigureRow
from reports.performance.values import NOTE_LENGTH, figure_text, format_number, parse_figure, parse_target, target_text
from sopkinerja.common.limits import whole_number
from sopkinerja.common.xlsx import UNREADABLE, WorkbookTooLarge, WorkbookUnreadable, check_archive, write_cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 2000
ID_DIGITS = 12  # an indicator's id
# The file format, so fixed (Indonesian) whatever the language of the page.
FIGURE_COLUMNS = (
    "ID",
    "Indikator",
    "Satuan",
    "Target TW",
    "Target Tahunan",
    "Realisasi",
    "Alasan n/a",
    "Kendala",
    "Solusi",
    "Catatan",
)
TARGET_COLUMNS = ("ID", "Indikator", "Satuan", "Target PK", "TW I", "TW II", "TW III", "TW IV")
FIGURE_INPUTS = "FGHIJ"
NOTE_COLUMN = "J"  # added later: a file downloaded before it is read without notes
TARGET_INPUTS = "DEFGH"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)


class WorkbookRefused(Exception):
    """The uploaded workbook cannot be saved; `problems` are sentences, one per bad row or column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Writing ------------------------------------------------------------------------------------------


def _workbook(title: str, sheet_name: str, columns, rows, inputs: str, hints: dict[str, str]) -> bytes:
    """One protected sheet: a title, the header in row 3, then rows; `inputs` are the editable columns,
    kept as text (so "0,277" or "1:28" is not turned into a date or a time by Excel)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    write_cell(sheet["A1"], title)
    sheet["A1"].font = BOLD
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index)
        write_cell(cell, name)
        cell.font = BOLD
    last = FIRST_ROW
    for number, values in enumerate(rows, start=FIRST_ROW):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(number, index)
            write_cell(cell, None if value == "" else value)
            if cell.column_letter in inputs:
                cell.fill = INPUT_FILL
                cell.number_format = "@"
                cell.protection = Protection(locked=False)
        last = number
    for letter, width in zip("ABCDEFGHIJ", [8, 48, 12] + [16] * (len(columns) - 3), strict=False):
        sheet.column_dimensions[letter].width = width
    for letter, hint in hints.items():
        validation = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1="4000" if letter in "HI" else str(NOTE_LENGTH) if letter == NOTE_COLUMN else "60",
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=True,
            promptTitle=columns["ABCDEFGHIJ".index(letter)][:32],
            prompt=hint[:255],
        )
        validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FIGURE_HINT = "Angka (12.500 atau 0,277; boleh dengan %), rasio 1:28, atau n/a dengan alasan di kolom G."
NOTE_HINT = "Catatan yang dicetak di samping realisasi, mis. Evaluasi Semester I."
SATUAN_NONE = "-"  # an indicator without a unit of measure, as printed
YEARLY = "tahunan"  # the quarter's target cell of an indicator measured once a year
TARGET_HINT = "80, 10 – 20 (rentang), 1:32 (rasio), maksimal 1 % atau minimal 80."


def figures_workbook(*, agency, unit, period, entries) -> bytes:
    """The unit's quarter, pre-filled with what is saved (a ratio as 1:n, the note in its own column);
    only the input columns can be edited."""
    rows = []
    for entry in entries:
        realisation = entry.realisation
        value = reason = obstacles = solutions = note = ""
        if realisation is not None:
            value = (
                "n/a"
                if realisation.not_available
                else figure_text(realisation.value, ratio=realisation.written_as_ratio)
            )
            reason, obstacles, solutions, note = (
                realisation.not_available_reason,
                realisation.obstacles,
                realisation.solutions,
                realisation.note,
            )
        rows.append(
            (
                entry.indicator.pk,
                entry.indicator.name,
                entry.indicator.unit_of_measure or SATUAN_NONE,
                YEARLY if entry.indicator.measured_yearly else target_text(entry.target),
                target_text(entry.annual_target),
                value,
                reason,
                obstacles,
                solutions,
                note,
            )
        )
    title = f"Data kinerja {unit.name} {period.label} ({agency.name})"
    hints = {
        "F": FIGURE_HINT,
        "G": "Wajib diisi bila realisasi n/a.",
        "H": "Kendala.",
        "I": "Upaya/solusi.",
        NOTE_COLUMN: NOTE_HINT,
    }
    return _workbook(title, str(period), FIGURE_COLUMNS, rows, FIGURE_INPUTS, hints)


def targets_workbook(*, agency, year: int, rows) -> bytes:
    """The year's PK and Rencana Aksi targets of every indicator; only the target columns can be edited."""
    lines = []
    for indicator, form in rows:
        initial = form.initial
        lines.append(
            (indicator.pk, indicator.name, indicator.unit_of_measure or SATUAN_NONE, initial["annual"])
            + tuple(initial[f"q{q}"] for q in (1, 2, 3, 4))
        )
    hints = {letter: TARGET_HINT for letter in TARGET_INPUTS}
    return _workbook(f"Target {year} ({agency.name})", str(year), TARGET_COLUMNS, lines, TARGET_INPUTS, hints)


# Reading ------------------------------------------------------------------------------------------


def _sheet_cells(upload) -> dict[int, dict[str, object]]:
    """Row number → column letter → value (str, or Decimal for a number) of the first worksheet."""
    refused = WorkbookRefused([_("The file is not an Excel workbook (.xlsx).")])
    try:
        data = upload.read() if hasattr(upload, "read") else upload
        check_archive(io.BytesIO(data))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except WorkbookTooLarge:
        raise WorkbookRefused([_("The Excel file is too large.")]) from None
    except WorkbookUnreadable:  # a DTD, or no zip at all
        raise refused from None
    except UNREADABLE:
        raise refused from None
    cells: dict[int, dict[str, object]] = {}
    try:
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise WorkbookRefused([_("The Excel file has too many rows.")])
            for letter, value in zip("ABCDEFGHIJ", row, strict=False):
                if value is not None:
                    cells.setdefault(number, {})[letter] = _cell_value(value)
    except (*UNREADABLE, IndexError):
        raise refused from None
    finally:
        book.close()
    return cells


def _cell_value(value):
    """A number as Decimal (a float read back in its shortest form); a date as its ISO text; "1e1000000"
    in a number cell (read as infinity) as its text, which no reader takes for a number."""
    if isinstance(value, bool) or isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _text(value) -> str:
    if value is None:
        return ""
    return format_number(value) if isinstance(value, Decimal) else str(value).strip()


def _check_header(cells, columns) -> None:
    header = cells.get(HEADER_ROW, {})
    problems = []
    for letter, name in zip("ABCDEFGHIJ", columns, strict=False):
        found = _text(header.get(letter))
        if found != name:
            problems.append(
                _("Column %(column)s must be headed “%(expected)s”, not “%(found)s”.")
                % {"column": letter, "expected": name, "found": found}
            )
    if problems:
        problems.append(_("Use the file downloaded from this page without moving its columns."))
        raise WorkbookRefused(problems)


def _row_refusal(number: int, problem) -> str:
    text = " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
    return _("Row %(row)s: %(problem)s") % {"row": number, "problem": text}


def _indicator_of(values, known: dict, number: int, problems: list):
    """The indicator the row's ID names. A number cell holds a Decimal, a text cell the digits as typed:
    either is read only when it is a plain whole number of at most ID_DIGITS digits, never expanded."""
    typed = values.get("A")
    if isinstance(typed, Decimal):
        sign, digits, exponent = typed.as_tuple()
        whole = typed.is_finite() and not sign and 0 <= exponent and len(digits) + exponent <= ID_DIGITS
        key = int(typed) if whole else None
    else:
        key = whole_number(_text(typed), maximum=10**ID_DIGITS - 1)
    indicator = known.get(key)
    if indicator is None:
        problems.append(_row_refusal(number, _("the ID in column A is not an indicator of this page.")))
    return indicator


def read_figures(upload, *, entries) -> list:
    """The FigureRows of a filled workbook: every row checked; any problem refuses the whole file."""

    cells = _sheet_cells(upload)
    header = cells.get(HEADER_ROW, {})
    # A file downloaded before the note column existed ends at Solusi: read it without notes.
    _check_header(cells, FIGURE_COLUMNS if header.get(NOTE_COLUMN) is not None else FIGURE_COLUMNS[:-1])
    known = {entry.indicator.pk: entry.indicator for entry in entries}
    rows, problems, seen = [], [], set()
    for number in sorted(n for n in cells if n >= FIRST_ROW):
        values = cells[number]
        if not any(_text(values.get(letter)) for letter in "A" + FIGURE_INPUTS):
            continue
        indicator = _indicator_of(values, known, number, problems)
        if indicator is None:
            continue
        if indicator.pk in seen:
            problems.append(_row_refusal(number, _("this indicator appears twice.")))
            continue
        seen.add(indicator.pk)
        typed = values.get("F")
        reason, obstacles, solutions, note = (_text(values.get(letter)) for letter in "GHIJ")
        if _text(typed) == "":
            if reason or obstacles or solutions or note:
                problems.append(_row_refusal(number, _("Enter the realisation, or n/a with a reason.")))
            continue
        try:
            figure = parse_figure(typed if isinstance(typed, Decimal) else _text(typed))
        except ValidationError as problem:
            problems.append(_row_refusal(number, problem))
            continue
        if figure.not_available and not reason:
            problems.append(_row_refusal(number, _("Say why the figure is not available.")))
            continue
        note = " ".join(note.split())
        if note and figure.note and note != figure.note:
            problems.append(_row_refusal(number, _("The note is written twice, differently: keep it in one place.")))
            continue
        if len(note) > NOTE_LENGTH:
            problems.append(
                _row_refusal(number, _("A note is at most %(length)s characters.") % {"length": NOTE_LENGTH})
            )
            continue
        rows.append(
            FigureRow(indicator, dataclasses.replace(figure, note=note or figure.note), reason, obstacles, solutions)
        )
    if problems:
        raise WorkbookRefused(problems)
    return rows


def read_targets(upload, *, indicators) -> dict:
    """Indicator → {quarter (None for the PK): TargetValue} of a filled targets workbook; all or nothing."""
    cells = _sheet_cells(upload)
    _check_header(cells, TARGET_COLUMNS)
    known = {indicator.pk: indicator for indicator in indicators}
    result, problems = {}, []
    for number in sorted(n for n in cells if n >= FIRST_ROW):
        values = cells[number]
        if not any(_text(values.get(letter)) for letter in "A" + TARGET_INPUTS):
            continue
        indicator = _indicator_of(values, known, number, problems)
        if indicator is None:
            continue
        targets = {}
        for letter, quarter in zip(TARGET_INPUTS, (None, 1, 2, 3, 4), strict=True):
            typed = values.get(letter)
            if _text(typed) == "":
                continue
            column = TARGET_COLUMNS["ABCDEFGH".index(letter)]
            if quarter is not None and indicator.measured_yearly:
                problems.append(_row_refusal(number, f"{column}: {YEARLY_TARGET_ONLY}"))
                continue
            try:
                targets[quarter] = parse_target(typed if isinstance(typed, Decimal) else _text(typed))
            except ValidationError as problem:
                problems.append(_row_refusal(number, f"{column}: {' '.join(problem.messages)}"))
        result[indicator] = targets
    if problems:
        raise WorkbookRefused(problems)
    return result
