"""The SOP as an Excel workbook: sheets Identitas, Pelaksana and Langkah (docs/sop-format.md).

Reading a workbook gives a document of the JSON format, so an upload takes the same path as a JSON
file (json_format.import_document). Every wrong row is reported with its sheet, row and reason, all
at once, before anything is saved; problems found later by the services are mapped back to the row
of the step they name.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sopkinerja.common import xlsx
from sopkinerja.common.limits import MAX_COLUMNS, MAX_EXITS, MAX_NUMBER, MAX_STEPS, whole_number
from workflow.models.organisation import Agency
from workflow.models.sop import SopVersion
from workflow.sop.exchange.json_format import FORMAT, FORMAT_VERSION, SECTIONS, export_version, import_document
from workflow.sop.text import parse_waktu

IDENTITY = "Identitas"
COLUMNS = "Pelaksana"
STEPS = "Langkah"

# Field rows of the Identitas sheet: (label in the sheet, key in the document)
FIELDS = [
    ("Nomor SOP", "number"),
    ("Unit", "unit"),
    ("Nama SOP", "name"),
    ("Revisi", "revision"),
    ("Status", "status"),
    ("Tanggal Pembuatan", "made_on"),
    ("Tanggal Revisi", "revised_on"),
    ("Tanggal Efektif", "effective_on"),
    ("Disahkan oleh: jabatan", "approver.title"),
    ("Disahkan oleh: nama", "approver.name"),
    ("Disahkan oleh: NIP", "approver.nip"),
    ("Penyusun", "prepared_by"),
    ("Pemeriksa", "checked_by"),
    ("Asal-usul", "provenance"),
]
SECTION_LABELS = {
    "dasar_hukum": "Dasar Hukum",
    "kualifikasi": "Kualifikasi Pelaksana",
    "keterkaitan": "Keterkaitan",
    "peralatan": "Peralatan/Perlengkapan",
    "peringatan": "Peringatan",
    "pencatatan": "Pencatatan dan Pendataan",
    "tujuan": "Tujuan",
    "ruang_lingkup": "Ruang Lingkup",
    "definisi": "Definisi/Istilah",
}
STATUSES = {"draft": "Draf", "effective": "Berlaku", "withdrawn": "Dicabut"}
KINDS = {"position": "Jabatan", "outside": "Pihak luar", "system": "Sistem"}
SYMBOLS = {"terminator": "Mulai/Selesai", "process": "Proses", "decision": "Keputusan"}
CADENCES = {"triwulan": "Triwulan", "semester": "Semester", "tahunan": "Tahunan"}
YES, NO = "Ya", "Tidak"

COLUMN_HEADER = ["Judul kolom", "Label singkat", "Jenis", "Jabatan"]
STEP_HEADER = [
    "No",
    "Kegiatan",
    "Pelaksana",
    "Simbol",
    "Keluar ke",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Keterangan",
    "Siklus",
    "Pengumpul data",
    "Dicatat oleh",
    "Penyetuju",
    "Asal-usul",
]
SEPARATOR = ";"


def _reverse(mapping: dict[str, str]) -> dict[str, str]:
    return {label.casefold(): key for key, label in mapping.items()}


def workbook_for(agency: Agency, version: SopVersion | None = None) -> bytes:
    """The workbook of a version, or a blank template for the agency (its unit and position names in the lists)."""
    document = export_version(version) if version else None
    identity = []
    for label, key in FIELDS:
        value = _get(document, key) if document else ""
        if key == "status":
            value = STATUSES[value or "draft"]
        identity.append([label, "", value if value is not None else ""])
    for section in SECTIONS:
        entries = document["lists"][section] if document else []
        for entry in entries or [{"label": "", "text": ""}]:
            identity.append([SECTION_LABELS[section], entry["label"], entry["text"]])
    columns = [
        [c["title"], c["short_label"], KINDS[c["kind"]], c["position"] or ""]
        for c in (document or {}).get("columns", [])
    ]
    steps = [_step_row(step, document["steps"]) for step in (document or {}).get("steps", [])]
    positions = list(agency.positions.order_by("title").values_list("title", flat=True))
    return xlsx.write_workbook(
        [
            xlsx.Sheet(IDENTITY, ["Isian", "Nomor", "Nilai"], identity, widths=[28, 8, 90]),
            xlsx.Sheet(COLUMNS, COLUMN_HEADER, columns, widths=[40, 18, 14, 50], choices={2: "Jenis", 3: "Jabatan"}),
            xlsx.Sheet(
                STEPS,
                STEP_HEADER,
                steps,
                widths=[6, 50, 30, 14, 18, 30, 14, 24, 24, 12, 14, 24, 24, 30],
                choices={3: "Simbol", 9: "Siklus", 10: "Ya/Tidak", 11: "Pelaksana", 12: "Jabatan"},
            ),
        ],
        {
            "Simbol": list(SYMBOLS.values()),
            "Siklus": list(CADENCES.values()),
            "Jenis": list(KINDS.values()),
            "Ya/Tidak": [YES, NO],
            "Jabatan": positions,
            "Pelaksana": [c[0] for c in columns] or positions,
            "Status": list(STATUSES.values()),
            "Unit": list(agency.units.order_by("name").values_list("name", flat=True)),
        },
    )


def _get(document: dict, key: str):
    value = document
    for part in key.split("."):
        value = value[part]
    return value


def _step_row(step: dict, steps: list[dict]) -> list:
    numbers = [s["number"] for s in steps]
    index = numbers.index(step["number"])
    following = numbers[index + 1] if index + 1 < len(numbers) else None
    exits = step["exits"]
    # The usual arrow to the next step is left blank, as the template explains.
    if exits == [{"label": "", "to": following}] and step["symbol"] == "process" or not exits:
        written = ""
    else:
        written = "; ".join(f"{e['label']}: {e['to']}" if e["label"] else str(e["to"]) for e in exits)
    return [
        step["number"],
        step["activity"],
        "; ".join(step["actors"]),
        SYMBOLS[step["symbol"]],
        written,
        "; ".join(step["requirements"]),
        step["waktu"],
        step["output"],
        step["remark"],
        CADENCES[step["cadence"]],
        YES if step["collects_data"] else NO,
        step["executor"] if step["executor"] != _only_actor(step) else "",
        step["approver_position"] or "",
        step["provenance"],
    ]


def _only_actor(step: dict) -> str | None:
    """Dicatat oleh is left blank when it is what the services derive anyway: the step's only actor."""
    return step["actors"][0] if len(step["actors"]) == 1 else None


class Rows:
    """Problems found while reading, each with its sheet and row."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, sheet: str, row: int, reason: str) -> None:
        self.problems.append(
            _("Sheet %(sheet)s, row %(row)d: %(reason)s") % {"sheet": sheet, "row": row, "reason": reason}
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cells(row: list, width: int) -> list[str | object]:
    return [*row, *[None] * (width - len(row))][:width]


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb", "pebruari", "peb"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "ags", "agst"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des"),
        ],
        start=1,
    )
    for name in names
}
WORDED_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")


def sheet_date(value) -> datetime.date | None:
    """A date as offices type it: a date cell, ISO (2017-08-01), in words (1 Agustus 2017, 1 Agt 2017)
    or day first (01-08-2017, 1/8/2017, 1.8.2017). None for an empty cell; ValueError for anything else."""
    try:
        day = xlsx.excel_date(value)
    except ValueError:
        day = None
        text = " ".join(_text(value).casefold().split())
        if match := WORDED_DATE.match(text):
            if match[2] not in MONTHS:
                raise ValueError(f"unknown month {match[2]}") from None
            day = datetime.date(int(match[3]), MONTHS[match[2]], int(match[1]))
        elif match := DAY_FIRST_DATE.match(text):
            day = datetime.date(int(match[4]), int(match[3]), int(match[1]))
        else:
            raise
    return day.date() if isinstance(day, datetime.datetime) else day


def read_document(stream) -> tuple[dict, dict[int, int]]:
    """The workbook as a document of the JSON format, and the Langkah row of each step number.
    Raises ValidationError listing every wrong row."""
    try:
        sheets = xlsx.read_workbook(stream, sheets=(IDENTITY, COLUMNS, STEPS), max_columns=len(STEP_HEADER))
    except xlsx.WorkbookBeyondLimits as beyond:
        raise ValidationError(beyond.problems) from None
    except xlsx.WorkbookUnreadable:
        raise ValidationError(_("The file cannot be read as an Excel workbook.")) from None
    missing = [name for name in (IDENTITY, COLUMNS, STEPS) if name not in sheets]
    if missing:
        raise ValidationError(
            _("The workbook lacks the sheet(s) %(names)s: start from the downloaded template.")
            % {"names": ", ".join(missing)}
        )
    for sheet, limit, what in ((COLUMNS, MAX_COLUMNS, _("columns")), (STEPS, MAX_STEPS, _("steps"))):
        # Counted before any row is read into the document, so an oversized SOP costs nothing more.
        if len(sheets[sheet]) - 1 > limit:
            raise ValidationError(
                _("Sheet %(sheet)s has %(count)d rows: an SOP has at most %(limit)d %(what)s.")
                % {"sheet": sheet, "count": len(sheets[sheet]) - 1, "limit": limit, "what": what}
            )
    rows = Rows()
    document = {"format": FORMAT, "version": FORMAT_VERSION, "approver": {}, "lists": {s: [] for s in SECTIONS}}
    for key in ("number", "name", "prepared_by", "checked_by", "provenance"):
        document[key] = ""
    document.update(unit=None, revision=0, status="draft", made_on=None, revised_on=None, effective_on=None)
    fields = {label.casefold(): key for label, key in FIELDS}
    sections = _reverse(SECTION_LABELS)
    statuses = _reverse(STATUSES)
    for number, row in sheets[IDENTITY][1:]:
        name, label, value = (_text(cell) if i < 2 else cell for i, cell in enumerate(_cells(row, 3)))
        if name.casefold() in sections:
            if _text(value):
                document["lists"][sections[name.casefold()]].append({"label": label, "text": _text(value)})
            continue
        key = fields.get(name.casefold())
        if key is None:
            rows.add(IDENTITY, number, _("“%(name)s” is not a field of the SOP.") % {"name": name})
        elif key in ("made_on", "revised_on", "effective_on"):
            try:
                day = sheet_date(value)
            except ValueError:
                rows.add(
                    IDENTITY,
                    number,
                    _("%(name)s must be a date such as 2017-08-01, 1 Agustus 2017, 01-08-2017 or 1/8/2017.")
                    % {"name": name},
                )
            else:
                document[key] = day.isoformat() if day else None
        elif key == "revision":
            revision = whole_number(_text(value) or "0")
            if revision is None:
                rows.add(
                    IDENTITY, number, _("Revisi must be a whole number from 0 to %(limit)d.") % {"limit": MAX_NUMBER}
                )
            else:
                document["revision"] = revision
        elif key == "status":
            status = statuses.get(_text(value).casefold() or "draf")
            if status is None:
                rows.add(IDENTITY, number, _("Status must be Draf, Berlaku or Dicabut."))
            else:
                document["status"] = status
        elif key.startswith("approver."):
            document["approver"][key.split(".")[1]] = _text(value)
        elif key == "unit":
            document["unit"] = _text(value) or None
        else:
            document[key] = _text(value)

    kinds = _reverse(KINDS)
    document["columns"] = []
    for number, row in sheets[COLUMNS][1:]:
        title, short_label, kind, position = (_text(cell) for cell in _cells(row, 4))
        if not title:
            rows.add(COLUMNS, number, _("The column title is empty."))
            continue
        if kinds.get(kind.casefold() or "jabatan") is None:
            rows.add(COLUMNS, number, _("Jenis must be Jabatan, Pihak luar or Sistem."))
            continue
        document["columns"].append(
            {
                "title": title,
                "short_label": short_label,
                "kind": kinds[kind.casefold() or "jabatan"],
                "position": position or None,
            }
        )
    titles = {column["title"] for column in document["columns"]}

    symbols, cadences = _reverse(SYMBOLS), _reverse(CADENCES)
    step_rows: dict[int, int] = {}
    document["steps"] = []
    parsed = []
    for number, row in sheets[STEPS][1:]:
        cells = [_text(cell) for cell in _cells(row, len(STEP_HEADER))]
        (no, activity, actors, symbol, exits, requirements, waktu, output, remark, cadence, collects, executor) = cells[
            :12
        ]
        approver, provenance = cells[12:]
        problems = []
        step_number = whole_number(no)
        if not step_number:
            problems.append(_("No must be a whole number from 1 to %(limit)d.") % {"limit": MAX_NUMBER})
        elif step_number in step_rows:
            problems.append(
                _("step %(number)s is already on row %(row)d.") % {"number": no, "row": step_rows[step_number]}
            )
        else:
            step_rows[step_number] = number
        if not activity:
            problems.append(_("Kegiatan is empty."))
        actor_list = [a.strip() for a in actors.split(SEPARATOR) if a.strip()]
        if not actor_list:
            problems.append(_("Pelaksana is empty."))
        for title in [*actor_list, *([executor] if executor else [])]:
            if title not in titles:
                problems.append(_("%(title)s is not a column of the Pelaksana sheet.") % {"title": title})
        if symbols.get(symbol.casefold()) is None:
            problems.append(_("Simbol must be Mulai/Selesai, Proses or Keputusan."))
        exit_list, exit_problem = _exits(exits)
        if exit_problem:
            problems.append(exit_problem)
        try:
            parse_waktu(waktu)
        except ValidationError as error:
            problems.append(" ".join(error.messages))
        if not output:
            problems.append(_("Output is empty."))
        if cadence and cadences.get(cadence.casefold()) is None:
            problems.append(_("Siklus must be Triwulan, Semester or Tahunan."))
        if collects and collects.casefold() not in (YES.casefold(), NO.casefold()):
            problems.append(_("Pengumpul data must be Ya or Tidak."))
        if problems:
            rows.add(STEPS, number, " ".join(problems))
            continue
        parsed.append((number, exit_list))
        document["steps"].append(
            {
                "number": step_number,
                "activity": activity,
                "actors": actor_list,
                "executor": executor or None,
                "symbol": symbols[symbol.casefold()],
                "exits": exit_list,
                "requirements": [r.strip() for r in requirements.split(SEPARATOR) if r.strip()],
                "waktu": waktu,
                "output": output,
                "remark": remark,
                "cadence": cadences.get(cadence.casefold(), "triwulan"),
                "collects_data": collects.casefold() == YES.casefold(),
                "approver_position": approver or None,
                "provenance": provenance,
            }
        )
    for number, exit_list in parsed:
        for target in {e["to"] for e in exit_list or []} - set(step_rows):
            rows.add(
                STEPS, number, _("Keluar ke names step %(number)d, which is not in the sheet.") % {"number": target}
            )
    if rows.problems:
        raise ValidationError(rows.problems)
    return document, step_rows


EXIT = re.compile(r"^(?:(?P<label>[^:]+):)?\s*(?P<to>[0-9]+)$")


def _exits(text: str) -> tuple[list[dict] | None, str]:
    """ "Ya: 8; Tidak: 5" -> exits; blank -> None (the next step)."""
    if not text:
        return None, ""
    parts = text.split(SEPARATOR)
    if len(parts) > MAX_EXITS:
        return None, _("Keluar ke names %(count)d steps: a step has at most %(limit)d exits.") % {
            "count": len(parts),
            "limit": MAX_EXITS,
        }
    exits = []
    for part in parts:
        match = EXIT.match(part.strip())
        target = whole_number(match["to"]) if match else None
        if not target:
            return None, _("Keluar ke must read like “Ya: 8; Tidak: 5” or “7”.")
        exits.append({"label": (match["label"] or "").strip(), "to": target})
    return exits, ""


STEP_NAMED = re.compile(r"\b(?:Langkah|Step|langkah|step)\s+(\d+)")
STEP_PATH = re.compile(r"^steps\[(\d+)\]")


def import_workbook(agency: Agency, stream, *, user, keep_status: bool = False) -> SopVersion:
    """Read the workbook and import it (see json_format.import_document); a problem the services find in a
    step is reported on that step's row of the Langkah sheet."""
    document, step_rows = read_document(stream)
    try:
        return import_document(agency, document, user=user, keep_status=keep_status)
    except ValidationError as error:
        raise located(error, document, step_rows) from error


def located(error: ValidationError, document: dict, step_rows: dict[int, int]) -> ValidationError:
    """The error with each message about a step put on that step's row of the Langkah sheet."""
    numbers = [step["number"] for step in document["steps"]]
    messages = []
    for message in error.messages:
        path = STEP_PATH.match(message)
        named = STEP_NAMED.search(message)
        number = numbers[int(path[1])] if path and int(path[1]) < len(numbers) else int(named[1]) if named else None
        if number in step_rows:
            message = _("Sheet %(sheet)s, row %(row)d: %(reason)s") % {
                "sheet": STEPS,
                "row": step_rows[number],
                "reason": message,
            }
        messages.append(message)
    return ValidationError(messages)
