"""The API's docs page (Swagger UI at /api/v1/docs) works under the strict CSP: it loads from the
app's own static files, the browser reports no refused script or style, and the operations are
listed, at desktop and phone width. Screenshots go to SCREENSHOTS_DIR (default var/screenshots/)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_api_docs_page_lists_the_operations_without_a_csp_refusal(width, browser, live_server, seeded):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, elsewhere = [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: request.url.startswith(live_server.url) or elsewhere.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("/api/v1/agencies/{slug}/units/{unit_id}/figures/{period}").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"api-docs-{width}.png"))
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [url for url in elsewhere if not url.startswith(("data:", "blob:"))], elsewhere
    page.close()
