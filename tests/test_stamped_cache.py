"""Values cached under a stamp of their data are read from the process's memory first, then from the
shared cache, and a new stamp (changed data) is never answered with the old value."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sopkinerja.common.stamped_cache import stamped_get, stamped_set

from .api_helpers import call, token_for
from .figures_helpers import library_visitors

LAYERS = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sopkinerja_cache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stamped-test"},
}


@pytest.fixture
def layered(settings, db):
    settings.CACHES = LAYERS
    call_command("createcachetable")  # the shared cache as in production: a table, read by a query
    for alias in LAYERS:
        caches[alias].clear()
    yield
    for alias in LAYERS:
        caches[alias].clear()


def test_a_stamped_value_is_read_from_memory_without_a_query_once_kept(layered):
    stamped_set("office:1:2026:stamp-a", "<p>page</p>", 60)
    with CaptureQueriesContext(connection) as queries:
        assert stamped_get("office:1:2026:stamp-a") == "<p>page</p>"
    assert len(queries) == 0
    caches["local"].clear()  # another process, or this one after its memory let the value go
    with CaptureQueriesContext(connection) as queries:
        assert stamped_get("office:1:2026:stamp-a") == "<p>page</p>"
    assert len(queries) == 1


def test_another_process_finds_the_value_in_the_shared_cache_and_keeps_it_in_its_memory(layered):
    caches["default"].set("office:1:2026:stamp-a", "<p>page</p>", 60)  # kept by another web process
    assert stamped_get("office:1:2026:stamp-a") == "<p>page</p>"
    assert caches["local"].get("office:1:2026:stamp-a") == "<p>page</p>"


def test_a_new_stamp_is_not_answered_with_the_value_of_the_old_one(layered):
    stamped_set("office:1:2026:stamp-a", "<p>old</p>", 60)
    assert stamped_get("office:1:2026:stamp-b") is None


def test_the_dashboards_table_changes_with_a_figure_though_the_old_one_is_in_memory(layered, login, balangan):
    client = login("balangan.kadis")
    first = client.get(reverse("workflow:home")).content.decode()
    assert "85,24" in first  # the visitors' capaian, TW III 2026
    figure = library_visitors(balangan).realisations.get(year=2026, quarter=3)
    figure.value = figure.value * 2
    figure.save()
    again = client.get(reverse("workflow:home")).content.decode()
    assert "85,24" not in again


def test_the_apis_figures_change_with_a_figure_though_the_old_answer_is_in_memory(layered, client, balangan):
    _token, secret = token_for(balangan)
    url = "/api/v1/agencies/balangan/figures/2026-TW3"

    def visitors() -> dict:
        answer = call(client, "GET", url, secret)
        assert answer.status_code == 200
        return next(line for line in answer.json() if line["indicator"] == "Jumlah pengunjung perpustakaan")

    before = visitors()
    figure = library_visitors(balangan).realisations.get(year=2026, quarter=3)
    figure.value = figure.value * 2
    figure.save()
    after = visitors()
    assert after["realisation"] != before["realisation"] and after["capaian"] != before["capaian"]
