"""Every main page in a real browser, at desktop (1366) and phone (390 × 844) width: axe-core finds
no serious or critical fault, nothing sticks out sideways (and on the pages of long reasons and
inputs no table scrolls sideways on a phone: its rows stack as cards), the navbar collapses behind its toggler,
and a supervisor approves from a phone. Screenshots of each page are kept as test artifacts in
SCREENSHOTS_DIR (default var/screenshots/)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind
from sopkinerja.common.periods import Period
from workflow.models import Agency, Disposition, RunStep, Sop
from workflow.runs.services import run_start, run_step_submit

from ..conftest import user
from ..workflow_helpers import complete_current, current, executor_of

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed: pip install -e '.[dev]' installs it for the browser tests",
)

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
# Pages whose tables hold long reasons or inputs: on a phone their rows stack as cards, nothing scrolls sideways.
STACKED_ON_A_PHONE = {"documents", "documents-head", "targets", "unit-figures-read-only"}
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))


@pytest.fixture
def submitted_step(seeded) -> RunStep:
    """Balangan's quarter run with step 2 handed in and waiting for the Sekretaris."""
    version = Sop.objects.get(agency__slug="balangan").current_version()
    run = run_start(version=version, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    complete_current(run)
    run_step = current(run)
    run_step_submit(run_step_id=run_step.pk, user=executor_of(run_step), output_note="Direkap")
    run_step.refresh_from_db()
    return run_step


@pytest.fixture
def signed_token(seeded):
    """A genuinely signed report for the verification page. pyHanko runs its own event loop, so
    this is set up before the browser's (request it before sign_in)."""
    return document_sign(
        agency=Agency.objects.get(slug="balangan"),
        kind=DocumentKind.REPORT,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        period="2026-TW1",
        via="command",
    ).token


def main_pages(run_step, token) -> dict[str, str]:
    disposition = Disposition.objects.filter(run_step__run=run_step.run).order_by("pk").last()
    return {
        "dashboard": reverse("workflow:home"),
        "figures": reverse("reports:figures"),
        "runs": reverse("workflow:runs"),
        "run": reverse("workflow:run-detail", args=[run_step.run_id]),
        "disposisi": reverse("workflow:disposition", args=[disposition.pk]),
        "inbox": reverse("workflow:disposition-inbox"),
        "sop-list": reverse("workflow:sop-list"),
        "documents": reverse("reports:documents"),
        "sop": reverse("workflow:sop-detail", args=[run_step.run.version_id]),
        "monitoring": reverse("workflow:monitoring"),
        "plh": reverse("workflow:appointments"),
        "profile": reverse("workflow:profile"),
        "second-factor": reverse("second-factor-setup"),
        "verification": reverse("reports:verify", args=[token]),
        "not-found": "/tidak-ada/",
    }


def serious_faults(page) -> list[str]:
    results = axe_playwright.Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
        for node in violation["nodes"]
    ]


def check(page, name: str, width_name: str) -> list[str]:
    """Faults of the page as it is now, and its screenshot saved."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width_name}.png"), full_page=True)
    faults = [f"{name} at {width_name}: {fault}" for fault in serious_faults(page)]
    width = page.viewport_size["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    if overflow > 0:
        faults.append(f"{name} at {width_name}: the page is {overflow} px wider than the screen")
    if width_name == "phone" and name in STACKED_ON_A_PHONE:
        wide = page.evaluate(
            "[...document.querySelectorAll('.table-responsive')].filter(b => b.scrollWidth > b.clientWidth + 1)"
            ".map(b => b.querySelector('caption, th')?.textContent.trim() ?? '')"
        )
        faults += [f"{name} at {width_name}: the table '{table}' scrolls sideways" for table in wide]
    if page.locator("h1").count() != 1:
        faults.append(f"{name} at {width_name}: {page.locator('h1').count()} h1 headings")
    return faults


def at_both_widths(page, base: str, urls: dict[str, str]) -> list[str]:
    """The faults of each page, at desktop then phone width."""
    faults = []
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, url in urls.items():
            page.goto(base + url)
            faults += check(page, name, width_name)
    return faults


def test_every_main_page_has_no_serious_accessibility_fault_at_desktop_and_phone_width(
    signed_token, submitted_step, sign_in, live_server
):
    page = sign_in("balangan.sekretaris")
    faults = at_both_widths(page, live_server.url, main_pages(submitted_step, signed_token))
    faults += at_both_widths(page.context.browser.new_page(), live_server.url, {"login": reverse("login")})
    assert not faults, "\n".join(faults)


def test_the_signers_the_admins_and_the_compilers_pages_have_no_serious_accessibility_fault(sign_in, live_server):
    """The pages added for signing and compiling: the Kepala Dinas's queue, the keys page, a unit's
    figures read by a compiler, the targets, and the forgotten-password page."""
    agency = Agency.objects.get(slug="balangan")
    unit = agency.units.filter(indicators__isnull=False).first()
    pages = {
        "balangan.kadis": {"dashboard-head": reverse("workflow:home"), "documents-head": reverse("reports:documents")},
        "balangan.kasubbag": {
            "signing-keys": reverse("reports:signing-keys"),
            "targets": reverse("reports:targets", args=[2026]),
            "unit-figures-read-only": reverse("reports:figures-unit", args=["2026-TW1", unit.pk]),
        },
    }
    faults = []
    for who, urls in pages.items():
        page = sign_in(who)
        faults += at_both_widths(page, live_server.url, urls)
    anonymous = page.context.browser.new_page()
    faults += at_both_widths(anonymous, live_server.url, {"password-reset": reverse("password_reset")})
    assert not faults, "\n".join(faults)


def test_the_navbar_collapses_on_a_phone_and_opens_with_its_toggler(sign_in, live_server):
    page = sign_in("balangan.sekretaris")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    sign_out = page.locator("nav button:has-text('Keluar')")
    expect(sign_out).to_be_hidden()
    page.click("button.navbar-toggler")
    expect(sign_out).to_be_visible()
    expect(page.locator("nav >> text=Dokumen")).to_be_visible()
    page.click("nav >> text=Dokumen")
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith(reverse("reports:documents"))


def test_a_supervisor_approves_from_a_phone(sign_in, live_server, submitted_step):
    page = sign_in("balangan.sekretaris")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("workflow:run-detail", args=[submitted_step.run_id]))
    note = page.get_by_label("Catatan (opsional)")
    assert note.bounding_box()["width"] > 300, "the note box fills the phone's width"
    note.fill("Sudah lengkap, lanjutkan")
    page.click("button:has-text('Setujui')")
    expect(page.locator(".alert-success")).to_contain_text("disetujui")
    submitted_step.refresh_from_db()
    assert submitted_step.state == RunStep.State.APPROVED
