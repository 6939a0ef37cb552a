"""What makes a file of an accepted kind dangerous, read from its parsed structure.

`sopkinerja.common.uploads` decides what a file is (a PDF, a PNG, a Word document …); this module decides
whether such a file may be kept. Each function returns one Indonesian reason naming what was found,
or None. Nothing here writes or runs anything:

- decompression bombs: a zip's declared sizes, part count and ratio, read from its central directory
  before any part is unpacked (`archive_problem`);
- embedded Windows programs anywhere in the raw bytes (`executable_problem`);
- polyglots: web page or script markup at either end of any file, anywhere in an image, after a
  PDF's end; an image that Pillow cannot decode or that carries data after its end marker;
- office files: macros (VBA storages, vbaProject parts, ODF Basic and event scripts), remote
  references (external relationships other than web links, ODF links to outside objects),
  embedded programs and OLE packages, DDE links and formulas;
- PDFs, walked with pypdf from the trailer: JavaScript, Launch, embedded files, RichMedia, XFA; the
  same names in the raw bytes, where objects that no cross-reference points to can hide them.
"""

import io
import re
import struct
import warnings
import zipfile
from xml.etree.ElementTree import ParseError

import olefile
import pypdf
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from PIL import Image
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# A zip that unpacks beyond these is refused before any of its parts is read.
ZIP_MAX_PARTS = 2000
ZIP_MAX_PART_BYTES = 100 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Text compresses well, but an office file more than this many times its packed size is a bomb
# (counted once it unpacks beyond ZIP_RATIO_FROM_BYTES: a tiny file may compress very well).
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_BYTES = 10 * 1024 * 1024
# More pixels than this and an image is refused before it is decoded (about 8000 × 6000).
IMAGE_MAX_PIXELS = 50_000_000
# Bytes allowed after a PDF's last %%EOF and after an image's end marker (padding some writers add).
TRAILER_ALLOWANCE = 1024
IMAGE_TRAILER_ALLOWANCE = 64
# How far from each end markup is looked for in any file.
EDGE_BYTES = 1024
# Objects walked in one PDF at most: enough for a long scanned report, and a bound on the time.
PDF_MAX_OBJECTS = 500_000

MARKUP = re.compile(rb"<\?php|<script|<html|<iframe|<body|<!doctype\s+html|javascript:", re.IGNORECASE)
DOS_STUB = b"This program cannot be run in DOS mode"
# PDF names that make a document act: scripts, launched programs, embedded files, Flash, XFA forms.
PDF_ACTIVE_NAMES = {"JS", "JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "GoToE"}
PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
# Storages that hold VBA macros in a legacy Word (Macros) or Excel (_VBA_PROJECT_CUR) file.
OLE2_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}
# A URL scheme at the start of a reference: the reference leaves the file.
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
WEB_LINK_SCHEMES = {"http", "https", "mailto"}
# Word fields that start another program or fetch content from outside.
DDE_FIELD = re.compile(r"\bDDE(AUTO)?\b", re.IGNORECASE)
REMOTE_FIELD = re.compile(r"\b(INCLUDETEXT|INCLUDEPICTURE|LINK)\b[^\\]*?(\\\\\\\\|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)
# Text and quoted sheet names in a formula, where a | is harmless.
STRING_LITERAL = re.compile(r'"[^"]*"|\'[^\']*\'')
OFFICE_LABELS = {"doc": "Word", "docx": "Word", "xls": "Excel", "xlsx": "Excel", "odt": "OpenDocument"}
OFFICE_LABELS["ods"] = "OpenDocument"


def label(kind: str) -> str:
    return OFFICE_LABELS.get(kind) or {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}.get(kind, kind)


# Reasons -----------------------------------------------------------------------------------------
def _macro(kind):
    return _("This %(kind)s file contains macros (program code that Office runs).") % {"kind": label(kind)}


def _remote(kind, target):
    return _("This %(kind)s file refers to a template or object elsewhere (%(target)s).") % {
        "kind": label(kind),
        "target": target[:80],
    }


def _program(kind, where):
    return _("This %(kind)s file carries an embedded program or package (%(where)s).") % {
        "kind": label(kind),
        "where": where[:80],
    }


def _dde(kind):
    return _("This %(kind)s file contains a DDE link that starts another program.") % {"kind": label(kind)}


def _markup(kind, found: bytes):
    return _("This %(kind)s file also carries web page or script code (%(found)s).") % {
        "kind": label(kind),
        "found": found.decode("ascii", "replace"),
    }


# Archives ----------------------------------------------------------------------------------------
def archive_problem(stream, kind: str) -> str | None:
    """A zip that would unpack too far, judged from its central directory alone (nothing unpacked)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None  # not a zip it can read: the content check says so
    finally:
        stream.seek(0)
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if (
        len(infos) > ZIP_MAX_PARTS
        or any(info.file_size > ZIP_MAX_PART_BYTES for info in infos)
        or total > ZIP_MAX_TOTAL_BYTES
        or (total > ZIP_RATIO_FROM_BYTES and total / packed > ZIP_MAX_RATIO)
    ):
        return _(
            "This %(kind)s file would unpack to %(mb)d MB in %(parts)d parts, far more than a document "
            "holds: it looks like a decompression bomb."
        ) % {"kind": label(kind), "mb": total // (1024 * 1024), "parts": len(infos)}
    return None


def is_program(head: bytes) -> bool:
    """A Windows (MZ with its DOS stub or PE header) or Linux (ELF) program, from its first bytes."""
    if head.startswith(b"\x7fELF"):
        return True
    if not head.startswith(b"MZ"):
        return False
    pe_offset = struct.unpack("<I", head[0x3C:0x40])[0] if len(head) >= 0x40 else 0
    return DOS_STUB in head[:512] or head[pe_offset : pe_offset + 4] == b"PE\x00\x00"


def executable_problem(content: bytes, kind: str) -> str | None:
    """A Windows program's DOS stub inside the bytes as stored. A file that *is* a program is left to
    the content check, which refuses it as not being the document its name claims."""
    if DOS_STUB in content and not is_program(content[:1024]):
        return _program(kind, "Windows .exe")
    return None


def markup_problem(content: bytes, kind: str) -> str | None:
    """Web page or PHP code at either end of the file, where browsers and interpreters look for it."""
    for edge in (content[:EDGE_BYTES], content[-EDGE_BYTES:]):
        found = MARKUP.search(edge)
        if found:
            return _markup(kind, found.group(0))
    return None


# Images ------------------------------------------------------------------------------------------
def image_problem(content: bytes, kind: str) -> str | None:
    found = MARKUP.search(content)
    if found:
        return _markup(kind, found.group(0))
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > IMAGE_MAX_PIXELS:
                return _("This %(kind)s image has too many pixels to open safely.") % {"kind": label(kind)}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("This %(kind)s image cannot be decoded.") % {"kind": label(kind)}
    end = png_end(content) if kind == "png" else jpeg_end(content)
    extra = content[end:] if end is not None else content
    if kind == "jpeg" and extra.startswith(b"\xff\xd8\xff"):
        extra = b""  # further pictures of a multi-picture (MPF) camera file
    if end is None or len(extra.strip(b"\x00")) > IMAGE_TRAILER_ALLOWANCE:
        return _("This %(kind)s image carries extra data after its end.") % {"kind": label(kind)}
    return None


def png_end(content: bytes) -> int | None:
    """The offset just past the IEND chunk, walking the chunks; None when there is none."""
    offset = 8
    while offset + 8 <= len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        chunk = content[offset + 4 : offset + 8]
        offset += 12 + length
        if chunk == b"IEND":
            return offset
    return None


def jpeg_end(content: bytes) -> int | None:
    """The offset just past the EOI marker that ends the first picture, walking segments and scans."""
    offset = 2
    while offset + 2 <= len(content):
        if content[offset] != 0xFF:
            return None
        marker = content[offset + 1]
        if marker == 0xD9:
            return offset + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            offset += 1 if marker == 0xFF else 2
            continue
        if offset + 4 > len(content):
            return None
        (length,) = struct.unpack(">H", content[offset + 2 : offset + 4])
        offset += 2 + length
        if marker == 0xDA:  # entropy-coded data up to the next marker that is not stuffing or a restart
            while offset + 1 < len(content):
                if content[offset] == 0xFF and content[offset + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                offset += 1
    return None


# PDF ---------------------------------------------------------------------------------------------
def pdf_problem(content: bytes) -> str | None:
    if not content.startswith(b"%PDF-"):
        return _("This PDF does not begin with its PDF header: something else comes first.")
    end = content.rfind(b"%%EOF")
    if end >= 0:
        trailer = content[end + 5 :]
        found = MARKUP.search(trailer)
        if found:
            return _markup("pdf", found.group(0))
        if len(trailer.strip(b"\x00\r\n\t ")) > TRAILER_ALLOWANCE:
            return _("This PDF carries extra data after its end.")
    names = {name for name in _raw_pdf_names(content) if name in PDF_ACTIVE_NAMES}
    try:
        names |= _walked_pdf_names(pypdf.PdfReader(io.BytesIO(content), strict=False))
    except Exception:  # noqa: BLE001 - hostile bytes may break the parser anywhere: unreadable is refused
        return _("This PDF's structure cannot be read.")
    if names:
        return _("This PDF contains active content (%(names)s): scripts, launched programs or embedded files.") % {
            "names": ", ".join("/" + name for name in sorted(names))
        }
    return None


def _raw_pdf_names(content: bytes) -> set[str]:
    """Every PDF name in the bytes as stored, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {
        re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")
        for name in PDF_NAME.findall(content)
    }


def _walked_pdf_names(reader) -> set[str]:
    """The active names among the keys and name values of every object reachable from the trailer,
    including those packed in object streams."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    # Objects no reference leads to still count: an attacker hides them in object streams.
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    pending += [IndirectObject(number, gen, reader) for gen, numbers in reader.xref.items() for number in numbers]
    walked = 0
    while pending and walked < PDF_MAX_OBJECTS:
        value = pending.pop()
        walked += 1
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            pending.append(value.get_object())
        elif isinstance(value, DictionaryObject):
            found |= {str(name)[1:] for name in value.keys() if str(name)[1:] in PDF_ACTIVE_NAMES}
            pending.extend(value.values())
        elif isinstance(value, ArrayObject):
            pending.extend(value)
        elif isinstance(value, NameObject) and str(value)[1:] in PDF_ACTIVE_NAMES:
            found.add(str(value)[1:])
    return found


# Legacy office files (OLE2) ----------------------------------------------------------------------
def ole2_problem(content: bytes, kind: str) -> str | None:
    try:
        ole = olefile.OleFileIO(content)
    except (OSError, ValueError, struct.error, IndexError):
        return None  # the content check already refused what olefile cannot read
    with ole:
        for path in ole.listdir(streams=True, storages=True):
            names = {part.lower() for part in path}
            if names & OLE2_MACRO_STORAGES:
                return _macro(kind)
            if ole.get_type(path) != olefile.STGTY_STREAM:
                continue
            if path[-1].lower() == "\x01ole10native":
                return _program(kind, "OLE Package")
            data = ole.openstream(path).read()
            if is_program(data):
                return _program(kind, "/".join(path))
            # A linked (not embedded) OLE object: the \x01Ole stream's flags have bit 0 set.
            if path[-1] == "\x01Ole" and len(data) >= 8 and struct.unpack("<I", data[4:8])[0] & 1:
                return _remote(kind, "OLE link")
            if path[-1] == "WordDocument" and (b"DDEAUTO" in data or "DDEAUTO".encode("utf-16-le") in data):
                return _dde(kind)
    return None


# Zip-based office files (OOXML, ODF) -------------------------------------------------------------
def package_problem(stream, kind: str) -> str | None:
    """Walk every part of an OOXML or ODF package (its sizes already bounded by archive_problem)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            for info in archive.infolist():
                problem = _part_problem(archive, info, kind)
                if problem:
                    return problem
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return _("This %(kind)s file cannot be unpacked.") % {"kind": label(kind)}
    finally:
        stream.seek(0)
    return None


def _part_problem(archive, info, kind: str) -> str | None:
    name = info.filename
    lower = name.lower()
    folders = lower.split("/")
    if lower.endswith(("vbaproject.bin", "vbadata.xml")) or folders[0] in {"basic", "scripts"}:
        return _macro(kind)
    if "embeddings" in folders[:-1] and not lower.endswith((".xlsx", ".docx", ".pptx", ".png", ".jpeg", ".emf")):
        return _program(kind, name)
    if "activex" in folders[:-1]:
        return _program(kind, name)
    if "externallinks" in folders[:-1]:
        return _dde(kind) if _has_dde_link(archive, info) else _remote(kind, name)
    with archive.open(info) as member:
        head = member.read(1024)
    if is_program(head):
        return _program(kind, name)
    if lower.endswith((".xml", ".rels")):
        return _xml_problem(archive, info, kind)
    return None


def _has_dde_link(archive, info) -> bool:
    with archive.open(info) as member:
        return b"ddeLink" in member.read()


def _xml_problem(archive, info, kind: str) -> str | None:
    instructions = []
    try:
        with archive.open(info) as member:
            for _event, element in iterparse(member, events=("end",), forbid_dtd=True):
                tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
                problem = _element_problem(tag, element, kind)
                if problem:
                    return problem
                if tag == "instrText":
                    instructions.append(element.text or "")
                elif tag == "fldSimple":
                    instructions.append(_attribute(element, "instr") or "")
                element.clear()
    except (ParseError, DefusedXmlException):
        return _("This %(kind)s file cannot be unpacked.") % {"kind": label(kind)}
    fields = " ".join(instructions)
    if DDE_FIELD.search(fields):
        return _dde(kind)
    remote = REMOTE_FIELD.search(fields)
    if remote:
        return _remote(kind, remote.group(0))
    return None


def _attribute(element, local: str) -> str | None:
    for attribute, value in element.attrib.items():
        if attribute.rsplit("}", 1)[-1] == local:
            return value
    return None


def _element_problem(tag: str, element, kind: str) -> str | None:
    if tag == "Relationship":
        return _relationship_problem(element, kind)
    if tag in {"f", "definedName"} and "|" in STRING_LITERAL.sub("", element.text or ""):
        return _dde(kind)  # =cmd|' /C calc'!A0: a formula that asks another program for its value
    if tag in {"ddeLink", "dde-source", "dde-connection-decl", "dde-link"}:
        return _dde(kind)
    if tag in {"event-listener", "script", "event-listeners"} and element.attrib:
        return _macro(kind)
    for value in element.attrib.values():
        if value.startswith(("vnd.sun.star.script:", "macro:", "vnd.sun.star.basic:")):
            return _macro(kind)
    href = _attribute(element, "href")
    if tag == "template" and (href or "").startswith("file:///"):
        return None  # the local template an ODF document was made from, recorded in meta.xml
    if href is not None and tag != "a" and SCHEME.match(href):
        return _remote(kind, href)  # an ODF picture, object or section fetched from elsewhere
    return None


def _relationship_problem(element, kind: str) -> str | None:
    relation = (element.get("Type") or "").rsplit("/", 1)[-1]
    target = element.get("Target") or ""
    if relation in {"vbaProject", "attachedToolbars", "wordVbaData"}:
        return _macro(kind)
    scheme = SCHEME.match(target)
    leaves = element.get("TargetMode") == "External" or scheme or target.startswith(("\\\\", "//"))
    if leaves:
        if relation == "hyperlink" and scheme and scheme.group(1).lower() in WEB_LINK_SCHEMES:
            return None
        return _remote(kind, target)
    if relation in {"oleObject", "package", "control", "activeXControlBinary"}:
        return _program(kind, target)
    return None
