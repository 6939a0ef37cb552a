"""An SOP file in or out, .json or .xlsx: the one path shared by the browser and the commands."""

import json
import os
import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sopkinerja.common.limits import MAX_DEPTH
from sopkinerja.common.uploads import sniff
from workflow.models.organisation import Agency
from workflow.models.sop import SopVersion
from workflow.sop.exchange.excel import located, read_document, workbook_for
from workflow.sop.exchange.json_format import export_version, import_document

CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMPORT_MAX_BYTES = 5 * 1024 * 1024
MAX_INT_DIGITS = 20  # a JSON integer longer than this is no number of an SOP
SEAL = "sop-import-replace"
SEAL_MAX_AGE = 3600  # seconds between the confirmation page and the confirmation


def _json_integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(_("a number has more than %(limit)d digits") % {"limit": MAX_INT_DIGITS})
    return int(digits)


@dataclass
class SopFile:
    """An SOP file as read: the document of the JSON format, and for a workbook the Langkah row of
    each step number (so a problem found later is put on its row)."""

    document: dict
    step_rows: dict[int, int] = field(default_factory=dict)


def sop_file_read(*, name: str, stream) -> SopFile:
    """Read an uploaded or local file. The content decides, not the name alone: a .json must parse as
    JSON, a .xlsx must be a genuine Excel workbook (no macros). Every problem is raised as ValidationError."""
    extension = os.path.splitext(name or "")[1].lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise ValidationError(_("Only .json and .xlsx files can be imported."))
    stream.seek(0, os.SEEK_END)
    if stream.tell() > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is too large: at most %(mb)d MB.") % {"mb": IMPORT_MAX_BYTES // 2**20})
    stream.seek(0)
    if extension == "xlsx":
        if sniff(stream) != "xlsx":
            raise ValidationError(_("The file is not a genuine Excel (xlsx) workbook, whatever its name says."))
        return SopFile(*read_document(stream))
    content = stream.read(IMPORT_MAX_BYTES + 1)
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        document = json.loads(text, parse_int=_json_integer)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(_("The file is not valid JSON: %(reason)s") % {"reason": error}) from None
    except RecursionError:
        # The decoder recurses per level: a file nested thousands deep stops it before the schema can.
        raise ValidationError(
            _("The document is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH}
        ) from None
    return SopFile(document)


def sop_file_import(
    *, agency: Agency, file: SopFile, user, keep_status: bool = False, replacing: str = ""
) -> SopVersion:
    """Import a file as read (json_format.import_document has the rules, `replacing` included); a
    problem found in a step of a workbook is reported on its row of the Langkah sheet."""
    try:
        return import_document(agency, file.document, user=user, keep_status=keep_status, replacing=replacing)
    except ValidationError as error:
        if file.step_rows:
            raise located(error, file.document, file.step_rows) from error
        raise


def sop_import_file(*, agency: Agency, name: str, stream, user, keep_status: bool = False) -> SopVersion:
    """Import one SOP version from an uploaded or local file (sop_file_read, then sop_file_import).
    Every problem is raised as ValidationError (nothing saved); see json_format.import_document."""
    return sop_file_import(
        agency=agency, file=sop_file_read(name=name, stream=stream), user=user, keep_status=keep_status
    )


def sop_file_sealed(file: SopFile, *, replacing: str) -> str:
    """The file as read and the digest of the draft it will replace, signed for the confirmation page:
    what is confirmed is exactly what was shown, and nobody can alter it on the way."""
    rows = {str(number): row for number, row in file.step_rows.items()}
    return signing.dumps({"document": file.document, "rows": rows, "replacing": replacing}, salt=SEAL, compress=True)


def sop_file_unsealed(token: str) -> tuple[SopFile, str]:
    """The file and the draft digest of a confirmation page, if it is intact and at most an hour old."""
    try:
        sealed = signing.loads(token, salt=SEAL, max_age=SEAL_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(_("The confirmation has expired or is damaged: import the file again.")) from None
    rows = {int(number): row for number, row in sealed["rows"].items()}
    return SopFile(sealed["document"], rows), sealed["replacing"]


def sop_export_file(*, version: SopVersion, kind: str) -> tuple[str, bytes, str]:
    """(file name, content, content type) of the version as .json or .xlsx."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", version.sop.number or version.name).strip("-") or "sop"
    name = f"{slug}-rev{version.revision}.{kind}"
    if kind == "json":
        content = json.dumps(export_version(version), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        content = workbook_for(version.sop.agency, version)
    return name, content, CONTENT_TYPES[kind]
