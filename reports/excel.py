# ruff: noqa: E501 - the package parts below are literal XML, kept one element a line
"""The unit's quarter and the year's targets as .xlsx files, there and back.

Written: indicator names and targets locked by sheet protection, input cells unlocked and marked
with a fill, a data-validation hint on each input column. Read back: every row is checked before
anything is saved; a refused file lists each bad row by its number and reason.

openpyxl is not installed in this project, so the few parts of SpreadsheetML we need are written
and read here directly (one worksheet, inline strings out; shared or inline strings and numbers in).
The reader never resolves entities or fetches anything, and refuses archives that unpack too big.
"""

import io
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from reports.values import format_number, parse_figure, parse_target, target_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
MAX_UNPACKED = 20 * 1024 * 1024
MAX_ROWS = 2000
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
)
TARGET_COLUMNS = ("ID", "Indikator", "Satuan", "Target PK", "TW I", "TW II", "TW III", "TW IV")
FIGURE_INPUTS = "FGHI"
TARGET_INPUTS = "DEFGH"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class WorkbookRefused(Exception):
    """The uploaded workbook cannot be saved; `problems` are sentences, one per bad row or column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Writing ------------------------------------------------------------------------------------------

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="49" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1" applyNumberFormat="1" applyProtection="1"><protection locked="0"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
</styleSheet>"""

_PACKAGE = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>""",
    "xl/styles.xml": _STYLES,
}


def _cell(ref: str, value, style: int = 0) -> str:
    attributes = f' r="{ref}"' + (f' s="{style}"' if style else "")
    if value is None or value == "":
        return f"<c{attributes}/>"
    if isinstance(value, int):
        return f"<c{attributes}><v>{value}</v></c>"
    return f'<c{attributes} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _workbook(title: str, sheet_name: str, columns, rows, inputs: str, hints: dict[str, str]) -> bytes:
    """One protected sheet: a title, the header in row 3, then rows; `inputs` are the editable columns."""
    letters = "ABCDEFGHIJ"
    lines = [f'<row r="1">{_cell("A1", title, 2)}</row>']
    lines.append(
        f'<row r="{HEADER_ROW}">'
        + "".join(_cell(f"{letters[i]}{HEADER_ROW}", name, 2) for i, name in enumerate(columns))
        + "</row>"
    )
    last = FIRST_ROW
    for number, values in enumerate(rows, start=FIRST_ROW):
        cells = []
        for i, value in enumerate(values):
            letter = letters[i]
            cells.append(_cell(f"{letter}{number}", value, 1 if letter in inputs else 0))
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
        last = number
    widths = [8, 48, 12] + [16] * (len(columns) - 3)
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    validations = "".join(
        f'<dataValidation type="textLength" operator="lessThanOrEqual" allowBlank="1" showInputMessage="1" '
        f'showErrorMessage="1" promptTitle="{escape(columns[letters.index(letter)])}" prompt="{escape(hint, {chr(34): "&quot;"})}" '
        f'sqref="{letter}{FIRST_ROW}:{letter}{last}"><formula1>{4000 if letter in "HI" else 60}</formula1></dataValidation>'
        for letter, hint in hints.items()
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}" xmlns:r="{REL_NS}">'
        f"<cols>{cols}</cols><sheetData>{''.join(lines)}</sheetData>"
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0"/>'
        f'<dataValidations count="{len(hints)}">{validations}</dataValidations></worksheet>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}">'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _PACKAGE.items():
            archive.writestr(name, content)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


FIGURE_HINT = "Angka (12.500 atau 0,277; boleh dengan %), rasio 1:28, atau n/a dengan alasan di kolom G."
TARGET_HINT = "80, 10 – 20 (rentang), 1:32 (rasio), maksimal 1 % atau minimal 80."


def figures_workbook(*, agency, unit, period, entries) -> bytes:
    """The unit's quarter, pre-filled with what is saved; only the input columns can be edited."""
    rows = []
    for entry in entries:
        realisation = entry.realisation
        value = reason = obstacles = solutions = ""
        if realisation is not None:
            value = "n/a" if realisation.not_available else format_number(realisation.value)
            reason, obstacles, solutions = (
                realisation.not_available_reason,
                realisation.obstacles,
                realisation.solutions,
            )
        rows.append(
            (
                entry.indicator.pk,
                entry.indicator.name,
                entry.indicator.unit_of_measure,
                target_text(entry.target),
                target_text(entry.annual_target),
                value,
                reason,
                obstacles,
                solutions,
            )
        )
    title = f"Data kinerja {unit.name} {period.label} ({agency.name})"
    hints = {"F": FIGURE_HINT, "G": "Wajib diisi bila realisasi n/a.", "H": "Kendala.", "I": "Upaya/solusi."}
    return _workbook(title, str(period), FIGURE_COLUMNS, rows, FIGURE_INPUTS, hints)


def targets_workbook(*, agency, year: int, rows) -> bytes:
    """The year's PK and Rencana Aksi targets of every indicator; only the target columns can be edited."""
    lines = []
    for indicator, form in rows:
        initial = form.initial
        lines.append(
            (indicator.pk, indicator.name, indicator.unit_of_measure, initial["annual"])
            + tuple(initial[f"q{q}"] for q in (1, 2, 3, 4))
        )
    hints = {letter: TARGET_HINT for letter in TARGET_INPUTS}
    return _workbook(f"Target {year} ({agency.name})", str(year), TARGET_COLUMNS, lines, TARGET_INPUTS, hints)


# Reading ------------------------------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _xml(archive: zipfile.ZipFile, name: str):
    return etree.fromstring(archive.read(name), _PARSER)


def _column(ref: str) -> str:
    return "".join(ch for ch in ref if ch.isalpha())


def _sheet_cells(upload) -> dict[int, dict[str, object]]:
    """Row number → column letter → value (str, or Decimal for a number) of the first worksheet."""
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise WorkbookRefused([_("The file is not an Excel workbook (.xlsx).")]) from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise WorkbookRefused([_("The Excel file is too large.")])
        try:
            workbook = _xml(archive, "xl/workbook.xml")
            sheet = workbook.find(f"{{{NS}}}sheets/{{{NS}}}sheet")
            rels = _xml(archive, "xl/_rels/workbook.xml.rels")
            target = next(r.get("Target") for r in rels if r.get("Id") == sheet.get(f"{{{REL_NS}}}id"))
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            shared = []
            if "xl/sharedStrings.xml" in archive.namelist():
                shared = ["".join(si.itertext()) for si in _xml(archive, "xl/sharedStrings.xml").iter(f"{{{NS}}}si")]
            data = _xml(archive, path)
        except (KeyError, StopIteration, AttributeError, etree.XMLSyntaxError):
            raise WorkbookRefused([_("The file is not an Excel workbook (.xlsx).")]) from None
    cells: dict[int, dict[str, object]] = {}
    for row in data.iter(f"{{{NS}}}row"):
        number = int(row.get("r", "0"))
        if number > MAX_ROWS:
            raise WorkbookRefused([_("The Excel file has too many rows.")])
        for cell in row.iter(f"{{{NS}}}c"):
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                value = "".join(cell.find(f"{{{NS}}}is").itertext())
            else:
                raw = cell.findtext(f"{{{NS}}}v")
                if raw is None:
                    continue
                if kind == "s":
                    value = shared[int(raw)] if int(raw) < len(shared) else ""
                elif kind in ("str", "b", "e"):
                    value = raw
                else:  # a number as Excel stores it (binary float): read back its shortest form
                    value = Decimal(repr(float(raw)))
            cells.setdefault(number, {})[_column(cell.get("r", ""))] = value
    return cells


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
    try:
        key = int(Decimal(_text(values.get("A")).replace(",", ".")))
    except ArithmeticError:
        key = None
    indicator = known.get(key)
    if indicator is None:
        problems.append(_row_refusal(number, _("the ID in column A is not an indicator of this page.")))
    return indicator


def read_figures(upload, *, entries) -> list:
    """The FigureRows of a filled workbook: every row checked; any problem refuses the whole file."""
    from reports.services import FigureRow

    cells = _sheet_cells(upload)
    _check_header(cells, FIGURE_COLUMNS)
    known = {entry.indicator.pk: entry.indicator for entry in entries}
    rows, problems, seen = [], [], set()
    for number in sorted(n for n in cells if n >= FIRST_ROW):
        values = cells[number]
        if not any(_text(values.get(letter)) for letter in "AFGHI"):
            continue
        indicator = _indicator_of(values, known, number, problems)
        if indicator is None:
            continue
        if indicator.pk in seen:
            problems.append(_row_refusal(number, _("this indicator appears twice.")))
            continue
        seen.add(indicator.pk)
        typed = values.get("F")
        reason, obstacles, solutions = (_text(values.get(letter)) for letter in "GHI")
        if _text(typed) == "":
            if reason or obstacles or solutions:
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
        rows.append(FigureRow(indicator, figure, reason, obstacles, solutions))
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
            try:
                targets[quarter] = parse_target(typed if isinstance(typed, Decimal) else _text(typed))
            except ValidationError as problem:
                problems.append(
                    _row_refusal(number, f"{TARGET_COLUMNS['ABCDEFGH'.index(letter)]}: {' '.join(problem.messages)}")
                )
        result[indicator] = targets
    if problems:
        raise WorkbookRefused(problems)
    return result
