"""Excel workbooks (.xlsx) for SOP exchange, through openpyxl.

The SOP workbook needs text cells, a styled header row, column widths, frozen panes, drop-down lists
(data validation) on a hidden sheet of lists, and reading back what Excel and LibreOffice write.
Reading is bounded: the zip's declared sizes are checked before openpyxl opens it, so a zip bomb
stays harmless.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

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
        page.append(sheet.header)
        for cell in page[1]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in sheet.rows:
            page.append(["" if value is None else value for value in row])
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
    listing.append(names)
    for row in range(max((len(values) for values in lists.values()), default=0)):
        listing.append([(lists[name][row] if row < len(lists[name]) else "") for name in names])
    listing.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check_sizes(stream) -> None:
    with zipfile.ZipFile(stream) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    if any(size > PART_MAX_BYTES for size in sizes) or sum(sizes) > TOTAL_MAX_BYTES:
        raise WorkbookUnreadable("a part of the workbook is too large")


def read_workbook(stream) -> dict[str, list[tuple[int, list]]]:
    """Every sheet by name: its non-empty rows as (row number, cell values from column A)."""
    try:
        data = stream.read() if hasattr(stream, "read") else stream
        _check_sizes(io.BytesIO(data))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = {}
        for page in book.worksheets:
            rows = []
            for number, values in enumerate(page.iter_rows(values_only=True), start=1):
                values = [_plain(value) for value in values]
                while values and values[-1] in ("", None):
                    values.pop()
                if any(value not in ("", None) for value in values):
                    rows.append((number, values))
            sheets[page.title] = rows
        book.close()
        return sheets
    except WorkbookUnreadable:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError, TypeError) as error:
        raise WorkbookUnreadable(str(error)) from error


def _plain(value):
    """Cell values as the reader gives them: whole numbers as int, dates as dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
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
