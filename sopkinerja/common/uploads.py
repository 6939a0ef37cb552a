"""What an uploaded file is, read from its content: the one check that evidence and step attachments share.

A file is accepted when its first bytes (puremagic) say it is a PDF, PNG, JPEG or office document,
and that kind agrees with its extension. Zips are opened (stdlib zipfile): an OOXML document must
declare a Word or Excel main part in `[Content_Types].xml` (macro-enabled ones do not qualify), an
ODF one must name its type in `mimetype`. Legacy Word/Excel files are OLE2 containers; one is
accepted when its directory holds the Word or Excel stream (an .msi installer is OLE2 too).
Anything else, an .exe, an HTML page, an SVG or a plain zip renamed, is refused before it is stored.
"""

import os
import struct
import zipfile
from xml.etree import ElementTree

import olefile
import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_sendfile import sendfile

from sopkinerja.common import upload_hazards

HEAD_BYTES = 8192
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What an extension promises, as the kind that the content must turn out to be.
KIND_OF_EXTENSION = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
    "ods": "ods",
    "doc": "doc",
    "xls": "xls",
}
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "docx": "Word (docx)",
    "xlsx": "Excel (xlsx)",
    "odt": "OpenDocument (odt)",
    "ods": "OpenDocument (ods)",
    "doc": "Word (doc)",
    "xls": "Excel (xls)",
}
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Directory entry names (UTF-16LE) of the main stream of a legacy Word or Excel file.
OLE2_STREAMS = {"doc": ["WordDocument"], "xls": ["Workbook", "Book"]}
ZIP_KINDS = {"docx", "xlsx", "odt", "ods"}
# A [Content_Types].xml is a few kilobytes; reading no more keeps a zip bomb harmless.
MANIFEST_MAX_BYTES = 1024 * 1024


def sniff(stream) -> str | None:
    """The kind of document the stream holds (a key of KIND_LABELS), or None if it is none of them."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        return None
    try:
        extensions = {match.extension for match in puremagic.magic_string(head)}
    except (puremagic.PureError, ValueError):
        return None
    if ".pdf" in extensions:
        return "pdf"
    if ".png" in extensions:
        return "png"
    if extensions & {".jpg", ".jpeg"}:
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    if head.startswith(OLE2_MAGIC):
        return _ole2_kind(stream)
    return None


def _zip_kind(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    kind = ODF_MIMETYPES.get(member.read(100).strip())
                if kind:
                    return kind
            if "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return None  # macros: never an allowed document, whatever the manifest says
                with archive.open("[Content_Types].xml") as member:
                    manifest = ElementTree.fromstring(member.read(MANIFEST_MAX_BYTES))
                # Read the declared content types themselves, not text that merely looks like one.
                declared = {element.get("ContentType", "") for element in manifest if element.tag.endswith("Override")}
                if any("macroenabled" in content_type.lower() for content_type in declared):
                    return None
                for content_type, kind in OOXML_MAIN_PARTS.items():
                    if content_type in declared:
                        return kind
    except (
        zipfile.BadZipFile,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        EOFError,
        ElementTree.ParseError,
    ):
        return None
    finally:
        stream.seek(0)
    return None


def _ole2_kind(stream) -> str | None:
    stream.seek(0)
    # The directory sits anywhere in the file; the size limit of uploads bounds this read.
    content = stream.read(settings.EVIDENCE_MAX_BYTES + 1)
    stream.seek(0)
    # Parse the compound file (olefile): a name that merely appears in the bytes is not a stream.
    try:
        with olefile.OleFileIO(content) as ole:
            for kind, streams in OLE2_STREAMS.items():
                if any(ole.exists(name) and ole.get_type(name) == olefile.STGTY_STREAM for name in streams):
                    return kind
    except (OSError, ValueError, struct.error, IndexError):
        return None
    return None


def _stream_of(value):
    """The readable file behind a form upload or a model FieldFile."""
    return getattr(value, "file", None) or value


def validate_upload(value) -> None:
    """Model and form validator: the file's content is an allowed document matching its extension."""
    if getattr(value, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    name = os.path.basename(value.name or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    expected = KIND_OF_EXTENSION.get(extension)
    if expected is None or extension not in settings.EVIDENCE_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is refused: only PDF, PNG, JPEG, Word (docx, doc), Excel (xlsx, xls), "
                "ODT and ODS files are accepted."
            )
            % {"name": name},
            code="upload_type",
        )
    if (value.size or 0) > settings.EVIDENCE_MAX_BYTES:
        return  # too large: validate_upload_size says so, and nothing this big is parsed
    stream = _stream_of(value)
    # The bomb is judged from the zip's directory before any part of it is unpacked.
    problem = upload_hazards.archive_problem(stream, expected) if expected in ZIP_KINDS else None
    if problem is None:
        stream.seek(0)
        problem = upload_hazards.executable_problem(stream.read(settings.EVIDENCE_MAX_BYTES + 1), expected)
    if problem is None and sniff(stream) != expected:
        raise ValidationError(
            _("“%(name)s” is refused: its content is not a genuine %(kind)s file, whatever its name says.")
            % {"name": name, "kind": KIND_LABELS[expected]},
            code="upload_content",
        )
    problem = problem or hazard(stream, expected)
    if problem:
        raise ValidationError(
            _("“%(name)s” is refused. %(problem)s") % {"name": name, "problem": problem}, code="upload_hazard"
        )


def hazard(stream, kind: str) -> str | None:
    """Why a genuine file of this kind may still not be kept (active content, remote references,
    embedded programs, polyglots), or None. See sopkinerja.common.upload_hazards."""
    stream.seek(0)
    content = stream.read(settings.EVIDENCE_MAX_BYTES + 1)
    stream.seek(0)
    problem = upload_hazards.markup_problem(content, kind)
    if problem:
        return problem
    if kind in {"png", "jpeg"}:
        return upload_hazards.image_problem(content, kind)
    if kind == "pdf":
        return upload_hazards.pdf_problem(content)
    if kind in ZIP_KINDS:
        return upload_hazards.package_problem(stream, kind)
    return upload_hazards.ole2_problem(content, kind)


def validate_upload_size(value) -> None:
    """Model and form validator: the file is within EVIDENCE_MAX_BYTES."""
    if getattr(value, "_committed", False):
        return
    if value.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)},
            code="upload_size",
        )


def clean_name(name: str) -> str:
    """The original file name as it may appear in a header: its last path part, no control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    return "".join(ch for ch in name if ch.isprintable())[:200] or "berkas"


def download_response(request, file, name: str):
    """A stored upload as a download: Content-Disposition attachment with its original name (RFC 6266,
    filename* when not ASCII), nosniff, never cached by shared caches. The transfer itself is done by
    SENDFILE_BACKEND: Django in development, the web server (X-Accel-Redirect, X-Sendfile) in production.
    From object storage (MEDIA_STORAGE=s3), which has no path, Django streams the object read with the
    app's own credentials: the bucket stays private and no signed link leaves the app.
    The caller has checked the login and the agency. A file that is gone is a 404, as sendfile's is."""
    try:
        path = file.path
    except NotImplementedError:
        path = None
    if path is not None:
        response = sendfile(request, path, attachment=True, attachment_filename=name)
    else:
        try:
            response = FileResponse(file.storage.open(file.name, "rb"), as_attachment=True, filename=name)
        except OSError as gone:  # FileNotFoundError from django-storages when the key is gone
            raise Http404(_("The file is no longer stored.")) from gone
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Agency logos -----------------------------------------------------------------------------------
LOGO_MAX_BYTES = 1024 * 1024
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _svg_problem(content: bytes) -> str | None:
    """Why an SVG may not be printed, or None. No DTD at all (so no entities, internal or external),
    no script or foreignObject, no event attributes, no reference outside the file itself."""
    upper = content.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return _("it declares a DTD or entities")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        return _("it is not well-formed XML")
    if root.tag != SVG_NAMESPACE + "svg":
        return _("it is not an SVG image")
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if name in {"script", "foreignobject", "iframe", "embed", "object", "handler"}:
            return _("it contains a script or embedded content")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return _("it contains an event attribute")
            if (local == "href" or attribute == XLINK_HREF) and not value.strip().startswith("#"):
                return _("it refers to another file or address")
            if "url(" in value.replace(" ", "").lower() and "url(#" not in value.replace(" ", "").lower():
                return _("it refers to another file or address")
        css = (element.text or "") if name == "style" else ""
        if "@import" in css or "url(" in css.replace("url(#", ""):
            return _("it refers to another file or address")
    return None


def validate_logo(value) -> None:
    """Model and form validator for Agency.logo: a genuine PNG (magic bytes) or a harmless SVG, at most 1 MB."""
    if getattr(value, "_committed", False):
        return
    name = os.path.basename(value.name or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if value.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is too large: at most 1 MB."), code="logo_size")
    if extension not in {"png", "svg"}:
        raise ValidationError(
            _("“%(name)s” is refused: a logo must be a PNG or SVG file.") % {"name": name}, code="logo_type"
        )
    stream = _stream_of(value)
    if extension == "png":
        if sniff(stream) != "png":
            raise ValidationError(
                _("“%(name)s” is refused: its content is not a genuine PNG file, whatever its name says.")
                % {"name": name},
                code="logo_content",
            )
        return
    stream.seek(0)
    content = stream.read(LOGO_MAX_BYTES + 1)
    stream.seek(0)
    problem = _svg_problem(content)
    if problem:
        raise ValidationError(
            _("“%(name)s” is refused as a logo: %(problem)s.") % {"name": name, "problem": problem},
            code="logo_content",
        )
