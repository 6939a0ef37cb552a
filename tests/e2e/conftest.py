"""Browser tests: Playwright driving Debian's chromium against a live server. No browser is downloaded."""

import shutil

import pytest
from django.db import connections

from workflow.models import Agency
from workflow.seed import load_all

from ..conftest import PASSWORD, TODAY

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, the ORM works on a connection of that context: close it here,
        # or it outlives the test database.
        connections.close_all()


@pytest.fixture
def seeded(transactional_db):
    """Live-server tests commit for real, so they load the seed offices themselves."""
    if not Agency.objects.exists():
        load_all(password=PASSWORD, today=TODAY)


@pytest.fixture
def sign_in(browser, live_server, seeded):
    def _sign_in(username: str):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The same live server, set up after (so torn down before) the test database."""
    return live_server


@pytest.fixture
def people(sign_in):
    """Everyone of a story, each signed in once in a browser context of their own (tests/e2e/story.py)."""
    from .story import People

    return People(sign_in)
