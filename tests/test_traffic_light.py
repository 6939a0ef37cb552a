"""One traffic-light rule for a capaian, on every page and document: red below 70, yellow from 70
to 90, green above 90 (settings.TRAFFIC_LIGHT_THRESHOLDS)."""

from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.template import Context, Template

from reports.documents.charts import LIGHT_COLOURS, achievement_bars
from reports.performance.achievement import traffic_light


@dataclass
class Row:
    """What the chart reads of a measurement row."""

    achievement: D
    rating: str
    indicator: object


@dataclass
class Named:
    name: str


@pytest.mark.parametrize(
    ("achievement", "colour"),
    [(D("69.99"), "red"), (D(70), "yellow"), (D(88), "yellow"), (D(90), "yellow"), (D("90.01"), "green"), (None, None)],
)
def test_a_capaian_gets_its_colour_from_the_thresholds(achievement, colour):
    assert traffic_light(achievement) == colour


def test_the_thresholds_are_configurable(settings):
    settings.TRAFFIC_LIGHT_THRESHOLDS = (60, 85)
    assert traffic_light(D(88)) == "green" and traffic_light(D(59)) == "red"


def test_88_percent_is_yellow_on_the_dashboard_and_in_the_report_chart_alike():
    page = Template("{% load report_tags %}{% traffic_light value %}").render(Context({"value": D(88)}))
    assert "light-yellow" in page
    chart = achievement_bars([Row(D(88), "Baik", Named("Jumlah pengunjung perpustakaan"))])
    assert f'fill="{LIGHT_COLOURS["yellow"]}"' in chart
    assert LIGHT_COLOURS["green"] not in chart
