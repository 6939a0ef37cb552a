"""A small reader and writer of Excel workbooks (.xlsx, Office Open XML), with the standard library.

openpyxl is not a dependency of the project, and the SOP workbook needs little: text cells, a styled
header row, column widths, frozen panes, drop-down lists (data validation) and a hidden sheet that
holds the lists. The reader takes what Excel and LibreOffice write: shared, inline and plain string
cells, numbers and booleans. Reading is bounded (size of each part) so a zip bomb stays harmless.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
PART_MAX_BYTES = 20 * 1024 * 1024
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 cannot carry at all.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    """The file is not a workbook this reader understands."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(reference: str) -> int:
    number = 0
    for char in reference:
        if not char.isalpha():
            break
        number = number * 26 + (ord(char.upper()) - 64)
    return number - 1


def _cell(reference: str, value, style: int) -> str:
    if value is None or value == "":
        return f'<c r="{reference}" s="{style}"/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{reference}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}" s="{style}"><v>{value}</v></c>'
    text = escape(_UNWRITABLE.sub("", str(value)))
    return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(sheet: Sheet, lists: dict[str, tuple[str, int]], validated_rows: int) -> str:
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>' for i, width in enumerate(sheet.widths)
    )
    rows = []
    for number, values in enumerate([sheet.header, *sheet.rows], start=1):
        style = 1 if number == 1 else 2
        cells = "".join(_cell(f"{column_letter(i)}{number}", value, style) for i, value in enumerate(values))
        rows.append(f'<row r="{number}">{cells}</row>')
    validations = []
    for column, list_name in sheet.choices.items():
        letter, count = lists[list_name]
        target = f"{column_letter(column)}2:{column_letter(column)}{validated_rows}"
        validations.append(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{target}">'
            f"<formula1>Daftar!${letter}$2:${letter}${max(count, 1) + 1}</formula1></dataValidation>"
        )
    validation_xml = (
        f'<dataValidations count="{len(validations)}">{"".join(validations)}</dataValidations>' if validations else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>{''.join(rows)}</sheetData>{validation_xml}</worksheet>"
    )


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FF1F4E79"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">
<alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">
<alignment vertical="top" wrapText="1"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def write_workbook(sheets: list[Sheet], lists: dict[str, list[str]], *, validated_rows: int = 300) -> bytes:
    """The workbook as bytes: the sheets in order, then a hidden sheet "Daftar" with the drop-down lists."""
    names = list(lists)
    list_sheet = Sheet(
        "Daftar",
        names,
        [
            [(lists[name][row] if row < len(lists[name]) else "") for name in names]
            for row in range(max((len(v) for v in lists.values()), default=0))
        ],
        hidden=True,
    )
    where = {name: (column_letter(i), len(lists[name])) for i, name in enumerate(names)}
    all_sheets = [*sheets, list_sheet]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(all_sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name={quoteattr(sheet.name)} sheetId="{i}"{' state="hidden"' if sheet.hidden else ""} '
            f'r:id="rId{i}"/>'
            for i, sheet in enumerate(all_sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(all_sheets) + 1)
        )
        styles_id = len(all_sheets) + 1
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL}">'
            f'{relations}<Relationship Id="rId{styles_id}" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(all_sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet, where, validated_rows))
    return buffer.getvalue()


def _read(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > PART_MAX_BYTES:
        raise WorkbookUnreadable(name)
    with archive.open(info) as member:
        return ElementTree.fromstring(member.read(PART_MAX_BYTES + 1))


def read_workbook(stream) -> dict[str, list[tuple[int, list]]]:
    """Every sheet by name: its non-empty rows as (row number, cell values from column A)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            shared = []
            if "xl/sharedStrings.xml" in names:
                for item in _read(archive, "xl/sharedStrings.xml").iter(f"{{{MAIN}}}si"):
                    shared.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
            targets = {rel.get("Id"): rel.get("Target", "") for rel in _read(archive, "xl/_rels/workbook.xml.rels")}
            sheets = {}
            for entry in _read(archive, "xl/workbook.xml").iter(f"{{{MAIN}}}sheet"):
                target = targets.get(entry.get(f"{{{REL}}}id"), "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                if path in names:
                    sheets[entry.get("name")] = _rows(_read(archive, path), shared)
            return sheets
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ElementTree.ParseError) as error:
        raise WorkbookUnreadable(str(error)) from error


def _rows(worksheet: ElementTree.Element, shared: list[str]) -> list[tuple[int, list]]:
    rows = []
    for index, row in enumerate(worksheet.iter(f"{{{MAIN}}}row"), start=1):
        values: dict[int, object] = {}
        for position, cell in enumerate(row.iter(f"{{{MAIN}}}c")):
            column = _column_index(cell.get("r", "")) if cell.get("r") else position
            kind = cell.get("t", "n")
            raw = cell.find(f"{{{MAIN}}}v")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{{{MAIN}}}t"))
            elif raw is None or raw.text is None:
                continue
            elif kind == "s":
                value = shared[int(raw.text)]
            elif kind == "b":
                value = raw.text == "1"
            elif kind in ("str", "e"):
                value = raw.text
            else:
                number = float(raw.text)
                value = int(number) if number.is_integer() else number
            values[column] = value
        if any(v not in ("", None) for v in values.values()):
            width = max(values) + 1
            rows.append((int(row.get("r") or index), [values.get(i) for i in range(width)]))
    return rows


def excel_date(value) -> datetime.date | None:
    """A date cell: text YYYY-MM-DD, or the day number Excel stores when a cell is formatted as a date."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    return datetime.date.fromisoformat(str(value).strip())
