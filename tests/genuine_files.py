"""Small but genuine files of each allowed kind, and impostors, for upload tests."""

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A complete one-page PDF: header, catalog, pages, page, cross-reference table, trailer.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
]


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(_PDF_OBJECTS, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(_PDF_OBJECTS) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(_PDF_OBJECTS) + 1, xref))
    return out.getvalue()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>'
)


def content_types(part: str, content_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(
                "word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            ),
            "_rels/.rels": RELS.format(target="word/document.xml"),
            "word/document.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>Buku tamu</w:t></w:r></w:p></w:body></w:document>"
            ),
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(
                "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            "_rels/.rels": RELS.format(target="xl/workbook.xml"),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheets><sheet name="Data" sheetId="1"/></sheets></workbook>'
            ),
        }
    )


def plain_zip_bytes() -> bytes:
    return zip_bytes({"catatan.txt": "bukan dokumen"})


def odf_bytes(kind: str) -> bytes:
    """An OpenDocument file: `mimetype` first, then its manifest and content."""
    return zip_bytes(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}",
            "META-INF/manifest.xml": (
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                f'opendocument.{kind}"/></manifest:manifest>'
            ),
            "content.xml": (
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                'xmlns:xlink="http://www.w3.org/1999/xlink"><office:scripts/><office:body><office:text>'
                '<text:p>Lihat <text:a xlink:href="https://balangankab.go.id/">situs</text:a></text:p>'
                "</office:text></office:body></office:document-content>"
            ),
        }
    )


OLE2_END = 0xFFFFFFFE
OLE2_FREE = 0xFFFFFFFF


def ole2_bytes(*streams: str, contents: dict[str, bytes] | None = None) -> bytes:
    """A real OLE2 compound file (version 3, 512-byte sectors) that olefile reads: the named streams,
    and storages for each folder in a path ("Macros/VBA/dir"). Each stream is padded to 4 KiB so it
    lives in regular sectors and no mini stream is needed."""
    contents = dict.fromkeys(streams, b"") | (contents or {})
    entries = [{"name": "Root Entry", "type": 5, "children": []}]
    by_path = {"": 0}
    for path in contents:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key not in by_path:
                by_path[key] = len(entries)
                kind = 2 if depth == len(parts) else 1
                entries.append({"name": parts[depth - 1], "type": kind, "children": []})
                entries[by_path["/".join(parts[: depth - 1])]]["children"].append(by_path[key])
    data_sectors = []
    for path, data in contents.items():
        data = data.ljust(4096, b"\x00")
        data = data.ljust(-(-len(data) // 512) * 512, b"\x00")
        entries[by_path[path]]["data"] = data
        data_sectors.append((by_path[path], len(data) // 512))
    directory_sectors = -(-len(entries) // 4)
    # Sector 0: the FAT; then the directory; then each stream's sectors in order.
    fat = [0xFFFFFFFD]
    first_directory = len(fat)
    fat += [first_directory + i + 1 for i in range(directory_sectors - 1)] + [OLE2_END]
    for index, count in data_sectors:
        entries[index]["start"] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [OLE2_END]
    assert len(fat) <= 128, "one FAT sector is enough for a test file"
    fat += [OLE2_FREE] * (128 - len(fat))
    directory = b""
    for entry in entries:
        children = entry["children"]
        # Siblings chained through the right pointer: a valid (if unbalanced) tree for readers.
        for left, right in zip(children, children[1:], strict=False):
            entries[left]["right"] = right
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBiii16sIQQIII",
            name,
            len(name),
            entry["type"],
            1,
            -1,
            entry.get("right", -1),
            children[0] if children else -1,
            b"\x00" * 16,
            0,
            0,
            0,
            entry.get("start", OLE2_END),
            len(entry.get("data", b"")),
            0,
        )
    directory = directory.ljust(directory_sectors * 512, b"\x00")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        first_directory,
        0,
        4096,
        OLE2_END,
        0,
        OLE2_END,
        0,
    )
    header += struct.pack("<I", 0) + struct.pack("<I", OLE2_FREE) * 108
    body = struct.pack("<128I", *fat) + directory + b"".join(e.get("data", b"") for e in entries)
    return header + body


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
EXE += b"This program cannot be run in DOS mode."
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def genuine(kind: str) -> bytes:
    return {
        "pdf": pdf_bytes,
        "png": lambda: image_bytes("PNG"),
        "jpg": lambda: image_bytes("JPEG"),
        "docx": docx_bytes,
        "xlsx": xlsx_bytes,
        "odt": lambda: odf_bytes("text"),
        "ods": lambda: odf_bytes("spreadsheet"),
    }[kind]()
