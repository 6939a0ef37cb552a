"""An agency's logo: a genuine PNG or a harmless SVG of at most 1 MB, stored privately, printed on the
SOP sheet and in the reports' header as an embedded data URI; a neutral emblem when there is none."""

import base64

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.documents import rendering as documents
from sopkinerja.common.periods import Period
from tests import genuine_files as files

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#135"/></svg>'


def give_logo(agency, name: str, content: bytes) -> None:
    agency.logo = SimpleUploadedFile(name, content)
    agency.full_clean()
    agency.save()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "skrip",
        ),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "atribut peristiwa"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="https://example.org/x.png"/></svg>',
            "berkas atau alamat lain",
        ),
        (
            "logo.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DTD",
        ),
        ("logo.png", files.pdf_bytes(), "PNG"),
        ("logo.jpg", files.image_bytes("JPEG"), "PNG atau SVG"),
        ("logo.svg", b"<svg", "XML"),
    ],
    ids=["script", "event attribute", "external reference", "entity", "pdf named png", "jpeg", "broken"],
)
def test_a_harmful_or_wrong_logo_is_refused_with_a_reason_and_nothing_is_stored(
    balangan, settings, name, content, reason
):
    with pytest.raises(ValidationError) as refusal:
        give_logo(balangan, name, content)
    assert reason in " ".join(refusal.value.messages)
    balangan.refresh_from_db()
    assert not balangan.logo
    assert not (settings.MEDIA_ROOT / "logos").exists()


def test_a_logo_over_one_megabyte_is_refused(balangan):
    with pytest.raises(ValidationError) as refusal:
        give_logo(balangan, "logo.svg", SVG + b" " * (1024 * 1024))
    assert "1 MB" in " ".join(refusal.value.messages)


def test_a_png_logo_is_stored_privately_and_printed_on_the_sop_sheet_and_the_report(balangan, sop000, settings):
    png = files.image_bytes("PNG")
    give_logo(balangan, "lambang.png", png)
    assert balangan.logo.name.startswith("logos/balangan/") and balangan.logo.name.endswith(".png")
    assert "lambang" not in balangan.logo.name  # a name nobody can guess
    embedded = "data:image/png;base64," + base64.b64encode(png).decode()
    assert embedded in documents.sop_sheet(sop000).html
    report = documents.performance_report(balangan, Period.parse("2026-TW3"))
    assert embedded in report.html and "PEMERINTAH KABUPATEN BALANGAN" in report.html
    assert report.pdf().startswith(b"%PDF")


def test_a_harmless_svg_logo_is_accepted_and_embedded(balangan, sop000):
    give_logo(balangan, "lambang.svg", SVG)
    assert "data:image/svg+xml;base64," + base64.b64encode(SVG).decode() in documents.sop_sheet(sop000).html


def test_an_agency_without_a_logo_prints_the_neutral_placeholder_emblem(sop002):
    html = documents.sop_sheet(sop002).html
    assert 'class="logo" src="data:image/svg+xml;base64,' in html
    assert "http" not in html.split('class="logo" src="')[1][:40]


def test_the_identity_page_lists_the_office_top_down(sop000):
    html = documents.sop_sheet(sop000).html
    government = html.index("PEMERINTAH KABUPATEN BALANGAN")
    agency = html.index("Dinas Perpustakaan dan Kearsipan", government)
    assert html.index('class="logo"') < government < agency
