"""Issue 10: a page makes as many queries at province size as with one agency's first year.

Both sizes are scale data (tests.support.scale): first two agencies with one year of history, then four
more with three years. The same page of a copy of the same seed office is counted at each size.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Indicator
from sopkinerja.common.periods import Period
from tests.support.scale import main_pages, scale_slug, seed_scale
from workflow.models import Run

from .conftest import PASSWORD, TODAY, user

NOW = datetime.datetime.combine(TODAY, datetime.time(12), ZoneInfo("Asia/Jakarta"))
PERIOD = "2026-TW3"  # a quarter that is over at both sizes


def pages(slug: str) -> dict[str, str]:
    return main_pages(slug, Period.parse(PERIOD))


def signed_in(client, slug: str):
    client.force_login(user(f"{slug}.sekretaris"))
    client.get(reverse("workflow:home"))  # the first request after signing in does the session's work
    return client


def counted(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)


@pytest.mark.parametrize("copy_of", [1, 2], ids=["balangan", "padang-panjang"])
def test_no_main_page_makes_more_queries_with_more_agencies_and_years(
    db, client, django_assert_max_num_queries, copy_of
):
    seed_scale(agencies=2, years=1, password=PASSWORD, now=NOW)
    small_slug = scale_slug(copy_of)
    signed_in(client, small_slug)
    small = {name: counted(client, url) for name, url in pages(small_slug).items()}

    # Four more agencies, three years each: scale-003 copies Balangan like scale-001, and so on.
    seed_scale(agencies=4, years=3, first=3, password=PASSWORD, now=NOW)
    large_slug = scale_slug(copy_of + 2)
    assert (
        Run.objects.filter(sop__agency__slug=large_slug).count()
        > 2 * Run.objects.filter(sop__agency__slug=small_slug).count()
    )
    signed_in(client, large_slug)
    large = {}
    for name, url in pages(large_slug).items():
        with django_assert_max_num_queries(small[name], info=f"the {name} page ({url})") as queries:
            client.get(url)
        large[name] = len(queries)
    print(f"\nqueries per page, {small_slug} (2 agencies × 1 year) → {large_slug} (6 agencies, up to 3 years):")
    for name, count in small.items():
        print(f"  {name:<16} {count:>3} → {large[name]:>3}")


def test_a_run_page_makes_as_many_queries_for_a_run_of_two_steps_as_for_one_of_five(db, client):
    seed_scale(agencies=1, years=1, password=PASSWORD, now=NOW)
    signed_in(client, "scale-001")
    semester = Run.objects.get(sop__agency__slug="scale-001", period="2026-S1")
    quarter = Run.objects.get(sop__agency__slug="scale-001", period=PERIOD)
    assert (semester.steps.count(), quarter.steps.count()) == (2, 5)
    five = counted(client, reverse("workflow:run-detail", args=[quarter.pk]))
    two = counted(client, reverse("workflow:run-detail", args=[semester.pk]))
    assert five == two, f"the run page makes queries per step: {two} for 2 steps, {five} for 5"


def test_a_units_figures_page_makes_as_many_queries_for_3_indicators_as_for_15(db, client):
    seed_scale(agencies=1, years=1, password=PASSWORD, now=NOW)
    signed_in(client, "scale-001")
    units = sorted(
        {indicator.responsible_unit for indicator in Indicator.objects.filter(objective__agency__slug="scale-001")},
        key=lambda unit: unit.indicators.count(),
    )
    fewest, most = units[0], units[-1]
    assert (fewest.indicators.count(), most.indicators.count()) == (3, 15)
    fifteen = counted(client, reverse("reports:figures-unit", args=[PERIOD, most.pk]))
    three = counted(client, reverse("reports:figures-unit", args=[PERIOD, fewest.pk]))
    assert fifteen == three, f"the figures page makes queries per indicator: {three} for 3, {fifteen} for 15"


def test_no_main_page_orders_its_rows_through_the_agencys_government(db, client):
    """A default order that names a related model follows that model's own order: the indicator's goes
    to its agency and on to the government's name, two joins more in every query of targets, figures
    or evidence that did not ask for an order. Within one agency they order nothing."""
    seed_scale(agencies=1, years=1, password=PASSWORD, now=NOW)
    signed_in(client, "scale-001")
    urls = pages("scale-001")
    unit_url = urls["unit figures"]
    urls["unit figures, entered"] = unit_url.replace(PERIOD, str(Period.quarter(TODAY.year, 4)))
    for name, url in urls.items():
        caches["default"].clear()  # the first drawing of each page, with every query of its miss path
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        through = [
            query["sql"]
            for query in queries
            if re.search(r'ORDER BY [^()]*"workflow_localgovernment"\."name"', query["sql"])
            and not name.startswith("portal")  # the portal lists governments and offices by name
        ]
        assert not through, f"the {name} page orders through the government: {through[0][:300]}"
