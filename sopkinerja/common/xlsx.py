"""Excel workbooks (.xlsx) for SOP exchange, through openpyxl.

The SOP workbook needs text cells, a styled header row, column widths, frozen panes, drop-down lists
(data validation) on a hidden sheet of lists, and reading back what Excel and LibreOffice write.
Reading is bounded: the zip's declared sizes are checked before openpyxl opens it, so a zip bomb
stays harmless; only the sheets asked for are read, each up to a number of rows and columns; a cell
longer than MAX_CELL_CHARS, or with text the database cannot store, is refused. openpyxl parses the
XML through defusedxml (installed with the app): a DTD's entities (billion laughs, XXE) are refused.

Writing goes through write_cell: text from users is always a text cell, never a formula, so an
"=HYPERLINK(…)" typed into an SOP or an indicator is shown, not run, by whoever opens the file.
A formula in an uploaded SOP workbook is read as its text ("=…"), never evaluated or dropped.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from sopkinerja.common.limits import MAX_CELL_CHARS, MAX_SHEET_ROWS, storable

PART_MAX_BYTES = 20 * 1024 * 1024
TOTAL_MAX_BYTES = 60 * 1024 * 1024
EXCEL_EPOCH = datetime.date(1899, 12, 30)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    # (column index from 0, name of a column of the list sheet) -> a drop-down for that column
    choices: dict[int, str] = field(default_factory=dict)
    hidden: bool = False


class WorkbookUnreadable(Exception):
    """The file is not a workbook that can be read."""


class WorkbookTooLarge(WorkbookUnreadable):
    """The zip would unpack beyond PART_MAX_BYTES or TOTAL_MAX_BYTES."""


class WorkbookBeyondLimits(WorkbookUnreadable):
    """The workbook is readable but too large, or holds text that cannot be stored; `problems` are
    sentences naming the sheet, the row and the limit."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Errors openpyxl and the XML parser raise for a file that is not a sound workbook (defusedxml's
# refusals of entities and DTDs are ValueErrors; the stdlib parser's are ParseErrors).
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError, TypeError, ParseError)


def write_cell(cell, value) -> None:
    """Write a value into a cell: a str always as text (openpyxl would make "=…" a formula), so text
    typed by a user never runs as a formula when the file is opened."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    return get_column_letter(index + 1)


def write_workbook(sheets: list[Sheet], lists: dict[str, list[str]], *, validated_rows: int = 300) -> bytes:
    """The workbook as bytes: the sheets in order, then a hidden sheet "Daftar" with the drop-down lists."""
    book = Workbook()
    book.remove(book.active)
    names = list(lists)
    where = {name: (column_letter(i), len(lists[name])) for i, name in enumerate(names)}
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        _write_row(page, 1, sheet.header)
        for cell in page[1]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for number, row in enumerate(sheet.rows, start=2):
            _write_row(page, number, ["" if value is None else value for value in row])
        for row in page.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"  # text: "1." stays "1.", a Nomor is never a date
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for index, width in enumerate(sheet.widths):
            page.column_dimensions[column_letter(index)].width = width
        page.freeze_panes = "A2"
        for column, list_name in sheet.choices.items():
            letter, count = where[list_name]
            validation = DataValidation(
                type="list", formula1=f"Daftar!${letter}$2:${letter}${max(count, 1) + 1}", allow_blank=True
            )
            validation.add(f"{column_letter(column)}2:{column_letter(column)}{validated_rows + 1}")
            page.add_data_validation(validation)
    listing = book.create_sheet("Daftar")
    _write_row(listing, 1, names)
    for row in range(max((len(values) for values in lists.values()), default=0)):
        _write_row(listing, row + 2, [(lists[name][row] if row < len(lists[name]) else "") for name in names])
    listing.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_row(page, number: int, values: list) -> None:
    for column, value in enumerate(values, start=1):
        write_cell(page.cell(number, column), value)


def check_archive(stream) -> None:
    """WorkbookTooLarge when a part of the zip, or all of them, would unpack beyond the bounds;
    WorkbookUnreadable when an XML part declares a DTD or an entity (billion laughs, XXE). A workbook needs neither; the
    scan does not depend on which XML parser openpyxl picked (lxml leaves entities unexpanded,
    defusedxml refuses them, the stdlib expands them)."""
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        sizes = [info.file_size for info in infos]
        if any(size > PART_MAX_BYTES for size in sizes) or sum(sizes) > TOTAL_MAX_BYTES:
            raise WorkbookTooLarge("a part of the workbook is too large")
        for info in infos:
            if _declares_dtd(archive, info):
                raise WorkbookUnreadable(f"{info.filename} declares a DTD")


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(1 << 16):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-8:]
    return False


def read_workbook(
    stream, *, sheets: tuple[str, ...] | None = None, max_rows: int = MAX_SHEET_ROWS, max_columns: int = 26
) -> dict[str, list[tuple[int, list]]]:
    """The sheets by name (those named in `sheets`, or all): their non-empty rows as (row number, cell
    values from column A), a formula as its text. At most `max_rows` rows and `max_columns` columns
    of a sheet are read: a longer sheet, a cell over MAX_CELL_CHARS or one with unstorable text is
    WorkbookBeyondLimits; a file that is no sound workbook is WorkbookUnreadable."""
    try:
        data = stream.read() if hasattr(stream, "read") else stream
        check_archive(io.BytesIO(data))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return {
                page.title: _sheet_rows(page, max_rows, max_columns)
                for page in book.worksheets
                if sheets is None or page.title in sheets
            }
        finally:
            book.close()
    except WorkbookUnreadable:
        raise
    except UNREADABLE as error:
        raise WorkbookUnreadable(str(error)) from error


def _sheet_rows(page, max_rows: int, max_columns: int) -> list[tuple[int, list]]:
    rows, problems = [], []
    for number, values in enumerate(page.iter_rows(max_col=max_columns, values_only=True), start=1):
        if number > max_rows:
            raise WorkbookBeyondLimits(
                [
                    _("Sheet %(sheet)s has more than %(limit)d rows: at most %(limit)d are read.")
                    % {"sheet": page.title, "limit": max_rows}
                ]
            )
        values = [_plain(value) for value in values]
        for value in values:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                problems.append(
                    _("Sheet %(sheet)s, row %(row)d: a cell holds more than %(limit)d characters.")
                    % {"sheet": page.title, "row": number, "limit": MAX_CELL_CHARS}
                )
            elif isinstance(value, str) and not storable(value):
                problems.append(
                    _("Sheet %(sheet)s, row %(row)d: a cell holds a NUL character or an unpaired surrogate.")
                    % {"sheet": page.title, "row": number}
                )
        while values and values[-1] in ("", None):
            values.pop()
        if any(value not in ("", None) for value in values):
            rows.append((number, values))
    if problems:
        raise WorkbookBeyondLimits(problems)
    return rows


def _plain(value):
    """Cell values as the reader gives them: whole numbers as int, dates as dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if hasattr(value, "text"):  # an array or data-table formula: its text, as for any formula
        return str(value.text)
    return value


def excel_date(value) -> datetime.date | None:
    """A date cell: a date, text YYYY-MM-DD, or the day number Excel stores for a date. ValueError
    for anything else, a day number outside the calendar included."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        except OverflowError:
            raise ValueError(f"day number {value} is outside the calendar") from None
    return datetime.date.fromisoformat(str(value).strip())
