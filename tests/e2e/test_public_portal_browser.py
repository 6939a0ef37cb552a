"""Issue 20 in a real browser: the agency admin publishes a signed report; an anonymous visitor finds
it on the office's year page at desktop and phone width, downloads it, verifies it through its QR
link; the admin withdraws it and the visitor sees the notice. axe-core finds no serious fault on the
portal's pages at either width (screenshots in SCREENSHOTS_DIR)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, Publication
from workflow.models import Agency

from ..conftest import user
from ..test_public_portal import YEAR, finish_data_runs, lock_year
from .test_a11y import SCREENSHOTS, at_both_widths

pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture
def unpublished_report(seeded):
    """Balangan's 2026 with its targets locked and TW I and II finished, and its TW I report signed but
    not on the portal. Signed before the browser starts (pyHanko runs its own event loop)."""
    balangan = Agency.objects.get(slug="balangan")
    lock_year(balangan)
    finish_data_runs(balangan, f"{YEAR}-TW1", f"{YEAR}-TW2")
    document = document_sign(
        agency=balangan,
        kind=DocumentKind.REPORT,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        period=f"{YEAR}-TW1",
        via="command",
    )
    Publication.objects.filter(document=document).delete()
    return document


def test_a_report_published_found_verified_and_withdrawn_as_a_visitor_sees_it(
    unpublished_report, sign_in, browser, live_server
):
    office = f"{live_server.url}{reverse('portal:office', args=['balangan'])}?tahun={YEAR}"
    admin = sign_in("balangan.kasubbag")
    admin.goto(live_server.url + reverse("reports:publications"))
    row = admin.locator("tr", has_text=unpublished_report.title)
    row.get_by_role("button", name="Publikasikan").click()
    expect(admin.locator(".alert-success")).to_contain_text("Dipublikasikan")

    visitor = browser.new_page(viewport={"width": 1280, "height": 900})
    for width, height in ((1280, 900), (390, 844)):
        visitor.set_viewport_size({"width": width, "height": height})
        visitor.goto(office)
        expect(visitor.locator("#pelaporan")).to_contain_text(unpublished_report.title)
        expect(visitor.locator("#pengukuran svg.portal-chart").first).to_be_visible()
        assert visitor.evaluate("document.documentElement.scrollWidth") == width, "the page scrolls sideways"
        visitor.screenshot(path=str(SCREENSHOTS / f"portal-office-{width}.png"), full_page=True)
        # Targets, achievements, reports and SOPs are cards on a phone: no table scrolls sideways.
        boxes = visitor.locator("main .table-responsive").all()
        assert boxes and all(box.evaluate("b => b.scrollWidth <= b.clientWidth + 1") for box in boxes), width
    with visitor.expect_download() as download:
        visitor.locator("#pelaporan").get_by_role("link", name="Unduh PDF").first.click()
    assert download.value.suggested_filename == unpublished_report.filename

    visitor.locator("#pelaporan").get_by_role("link", name="Verifikasi").first.click()
    expect(visitor.locator("h1")).to_have_text("Verifikasi dokumen bertanda tangan elektronik")
    expect(visitor.locator("main")).to_contain_text(unpublished_report.title)

    document_page = reverse("portal:document", args=[unpublished_report.token])
    faults = at_both_widths(
        visitor,
        live_server.url,
        {
            "portal-index": reverse("portal:index"),
            "portal-office": f"{reverse('portal:office', args=['balangan'])}?tahun={YEAR}",
            "portal-government": reverse("portal:government", args=[unpublished_report.agency.local_government_id]),
            "portal-document": document_page,
        },
    )

    admin.goto(live_server.url + reverse("reports:publications"))
    row = admin.locator("tr", has_text=unpublished_report.title)
    row.get_by_label("Alasan (tampil di halaman publik)").fill("Diganti versi perbaikan")
    row.get_by_role("button", name="Tarik").click()
    expect(admin.locator(".alert-success")).to_contain_text("Ditarik dari portal publik")

    visitor.goto(live_server.url + document_page)
    expect(visitor.locator(".alert-warning")).to_contain_text("ditarik dari publikasi pada")
    expect(visitor.locator(".alert-warning")).to_contain_text("Diganti versi perbaikan")
    expect(visitor.get_by_role("link", name="Unduh PDF")).to_have_count(0)
    faults += at_both_widths(visitor, live_server.url, {"portal-document-withdrawn": document_page})
    visitor.goto(office)
    expect(visitor.locator("#pelaporan")).not_to_contain_text(unpublished_report.title)
    assert not faults, "\n".join(faults)
