"""GET /api/v1/…/figures/<period> keeps its rendered answer under the measurement's key: a second
call sends the same bytes without measuring again or validating, a changed figure is measured anew,
another agency's token never gets the kept answer, and the OpenAPI schema still describes it."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import caches

from reports.performance.selectors import measure
from sopkinerja.api import performance
from sopkinerja.common.periods import Period

from .api_helpers import call, token_for
from .figures_helpers import library_visitors

URL = "/api/v1/agencies/balangan/figures/2026-TW3"


@pytest.fixture
def empty_caches(db):
    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


def as_sent(percent: Decimal | None) -> str | None:
    return None if percent is None else str(round(percent, 2))


def test_the_kept_figures_answer_is_byte_for_byte_the_measured_one_and_measures_nothing(empty_caches, client, balangan):
    _token, secret = token_for(balangan)
    measured = call(client, "GET", URL, secret)
    assert measured.status_code == 200
    with mock.patch.object(performance, "measure", side_effect=AssertionError("measured again")):
        kept = call(client, "GET", URL, secret)
    assert kept.status_code == 200
    assert kept.content == measured.content
    assert kept["Content-Type"] == measured["Content-Type"] == "application/json; charset=utf-8"
    # The numbers are the reports' own measurement, Decimals as the schema renders them (text).
    lines = measure(balangan, Period.parse("2026-TW3"))
    assert [(row["indicator_id"], row["capaian"], row["predikat"]) for row in kept.json()] == [
        (line.indicator.pk, as_sent(line.achievement), line.rating) for line in lines
    ]


def test_the_kept_figures_answer_gives_way_to_a_changed_figure(empty_caches, client, balangan):
    _token, secret = token_for(balangan)
    before = call(client, "GET", URL, secret).content
    figure = library_visitors(balangan).realisations.get(year=2026, quarter=3)
    figure.value = figure.value * 2
    figure.save()
    after = call(client, "GET", URL, secret)
    assert after.status_code == 200 and after.content != before


def test_another_agencys_token_is_not_answered_with_the_kept_figures(empty_caches, client, balangan, padang_panjang):
    _token, secret = token_for(balangan)
    assert "Jumlah pengunjung perpustakaan" in call(client, "GET", URL, secret).content.decode()
    _other_token, other_secret = token_for(padang_panjang)
    refused = call(client, "GET", URL, other_secret)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert "Jumlah pengunjung perpustakaan" not in refused.content.decode()


def test_the_openapi_schema_still_describes_the_figures_answer(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    answer = schema["paths"]["/api/v1/agencies/{slug}/figures/{period}"]["get"]["responses"]["200"]
    items = answer["content"]["application/json"]["schema"]["items"]
    assert items["$ref"].endswith("/MeasurementOut")
    fields = schema["components"]["schemas"]["MeasurementOut"]["properties"]
    assert {"indicator_id", "target", "realisation", "capaian", "predikat", "missing_quarters"} <= set(fields)
