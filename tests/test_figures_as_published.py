"""Figures as offices publish them (issue 19): a ratio realisasi stays "1:17,9", an indicator measured
once a year has one figure for the year, a figure may carry a note ("38% (Evaluasi Semester I)"), and an
indicator may have no satuan."""

import io
import json
import re
import subprocess
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.documents.readiness import agreement_readiness, report_readiness
from reports.documents.rendering import performance_agreement, performance_report
from reports.models import Indicator, Realisation
from reports.performance.achievement import MeasurementFrequency, TargetForm
from reports.performance.selectors import figure_entries, measure
from reports.performance.services import realisation_submit, target_set
from reports.performance.values import Figure, parse_figure
from sopkinerja.common.periods import Period
from workflow.seed import FIXTURES, agency_admin_group, load_office

from .conftest import TODAY, user
from .figures_helpers import fill_year, layanan, library_visitors
from .genuine_files import upload

CLERK = "balangan.kasi-layanan"


def new_indicator(agency, name: str, **fields) -> Indicator:
    """An indicator of the Seksi Layanan, beside the library visitors."""
    visitors = library_visitors(agency)
    indicator = Indicator(
        objective=visitors.objective,
        order=90,
        name=name,
        unit_of_measure=fields.pop("unit_of_measure", "orang"),
        responsible_unit=visitors.responsible_unit,
        **fields,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


def ratio_indicator(agency, year: int = 2026) -> Indicator:
    """Pustakawan per pengunjung harian, targeted 1:32 for the year and each quarter."""
    indicator = new_indicator(agency, "Rasio pustakawan terhadap pengunjung harian", unit_of_measure="rasio")
    for quarter in (None, 1, 2, 3, 4):
        target_set(indicator=indicator, year=year, quarter=quarter, value=D(32), form=TargetForm.RATIO)
    return indicator


def yearly_indicator(agency, year: int = 2026) -> Indicator:
    """Indeks Kepuasan Masyarakat: a survey, measured once a year, target 80."""
    indicator = new_indicator(
        agency,
        "Indeks Kepuasan Masyarakat terhadap layanan perpustakaan",
        unit_of_measure="indeks",
        aggregation="last",
        measurement_frequency=MeasurementFrequency.YEARLY,
    )
    target_set(indicator=indicator, year=year, value=D(80))
    return indicator


def unit_url(unit, period="2026-TW4"):
    return reverse("reports:figures-unit", args=[period, unit.pk])


def submit(indicator, typed: str, quarter: int = 4, year: int = 2026) -> Realisation:
    return realisation_submit(
        indicator=indicator, year=year, quarter=quarter, value=parse_figure(typed), user=user(CLERK)
    )


# Ratios ------------------------------------------------------------------------------------------


def test_a_ratio_realisation_is_read_as_a_ratio_and_measured_against_a_ratio_target(balangan):
    assert parse_figure("1:17,9") == Figure(D("17.9"), ratio=True)
    indicator = ratio_indicator(balangan)
    realisation = submit(indicator, "1:17,9")
    assert realisation.value == D("17.9") and realisation.written_as_ratio
    row = next(m for m in measure(balangan, Period.parse("2026-TW4")) if m.indicator == indicator)
    assert row.actual_ratio
    assert row.achievement == D("144.0625")  # (2 − 17,9/32) × 100: a ratio target is lower-is-better


def test_a_ratio_realisation_is_printed_as_a_ratio_on_the_figures_page(login, balangan):
    indicator = ratio_indicator(balangan)
    client = login(CLERK)
    response = client.post(unit_url(indicator.responsible_unit), {f"i{indicator.pk}-value": "1:17,9"})
    assert response.status_code == 302
    html = client.get(unit_url(indicator.responsible_unit)).content.decode()
    assert 'value="1:17,9"' in html and "17,90" not in html
    assert "1:32" in html  # the target beside it, in the same form
    assert "144,06 %" in html


def test_a_ratio_realisation_goes_out_to_excel_and_back_as_a_ratio(login, balangan):
    indicator = ratio_indicator(balangan)
    submit(indicator, "1:17,9")
    client = login(CLERK)
    url = reverse("reports:figures-excel", args=["2026-TW4", indicator.responsible_unit_id])
    book = load_workbook(io.BytesIO(client.get(url).content))
    row = next(r for r in book.active.iter_rows(min_row=4) if r[0].value == indicator.pk)
    assert [row[3].value, row[4].value, row[5].value] == ["1:32", "1:32", "1:17,9"]
    row[5].value = "1:20,5"
    out = io.BytesIO()
    book.save(out)
    response = client.post(url, {"file": upload("data.xlsx", out.getvalue())})
    assert response.status_code == 302
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert realisation.value == D("20.5") and realisation.written_as_ratio


def test_a_ratio_realisation_is_printed_as_a_ratio_in_the_reports_html_against_its_ratio_target(balangan):
    indicator = ratio_indicator(balangan)
    submit(indicator, "1:17,9")
    html = performance_report(balangan, Period.parse("2026-TW4")).html
    assert '<td class="num target">1:32</td>' in html
    assert '<td class="num">1:17,9' in html and "17,90" not in html
    assert '<td class="num target">1:32</td>' in performance_agreement(balangan, 2026).html


# Yearly indicators -------------------------------------------------------------------------------


def test_a_yearly_indicator_takes_its_figure_for_the_year_on_the_tw_iv_page_only(balangan):
    indicator = yearly_indicator(balangan)
    unit = layanan(balangan)
    assert indicator not in [e.indicator for e in figure_entries(unit, Period.parse("2026-TW1"))]
    entry = next(e for e in figure_entries(unit, Period.parse("2026-TW4")) if e.indicator == indicator)
    assert entry.target is None and entry.capaian_target.low == D(80)
    with pytest.raises(ValidationError, match="diukur sekali setahun"):
        submit(indicator, "82", quarter=2)
    assert not Realisation.objects.filter(indicator=indicator).exists()
    assert submit(indicator, "82").quarter == 4


def test_a_yearly_indicator_is_in_the_annual_report_without_quarter_footnotes(balangan):
    indicator = yearly_indicator(balangan)
    submit(indicator, "82")
    row = next(m for m in measure(balangan, Period.parse("2026")) if m.indicator == indicator)
    assert (row.target.low, row.actual, row.missing_quarters, row.footnoted) == (D(80), D(82), (), False)
    assert row.achievement == D("102.5")
    html = performance_report(balangan, Period.parse("2026")).html
    assert 'Indeks Kepuasan Masyarakat terhadap layanan perpustakaan <span class="muted">(diukur tahunan)' in html
    footnotes = [line for line in html.splitlines() if "tidak ada data TW" in line]
    assert not any("1, 2, 3" in line for line in footnotes)
    # The quarterly and semester reports leave it out: it has neither target nor figure for them.
    assert indicator not in [m.indicator for m in measure(balangan, Period.parse("2026-S1"))]


def test_a_yearly_indicator_counts_for_the_annual_reports_readiness_with_its_one_figure(balangan):
    fill_year(balangan, 2025)
    indicator = yearly_indicator(balangan, 2025)
    year_gaps = [gap.text for gap in report_readiness(balangan, Period.parse("2025")).gaps]
    unit = indicator.responsible_unit.name
    assert year_gaps == [f"{unit} belum memiliki realisasi tahun 2025 (diisi bersama TW IV): {indicator.name}."]
    for quarter in ("2025-TW1", "2025-TW4", "2025-S1"):
        assert report_readiness(balangan, Period.parse(quarter)).gaps == ()
    submit(indicator, "82", year=2025)
    assert report_readiness(balangan, Period.parse("2025")).gaps == ()


def test_a_seed_office_may_have_an_indicator_measured_once_a_year_without_satuan(balangan):
    data = json.loads((FIXTURES / "balangan.json").read_text(encoding="utf-8"))
    data["objectives"][0]["indicators"].append(
        {
            "name": "Indeks Literasi Masyarakat (survei tahunan)",
            "polarity": "higher",
            "aggregation": "last",
            "frequency": "yearly",
            "cumulative": False,
            "unit": "bid-perpus",
            "targets": {"-1": {"annual": "70"}, "0": {"annual": "72"}},
            "realisations": {"-1": ["71.5"], "0": ["73"]},
        }
    )
    load_office(data, None, TODAY, agency_admin_group(), certificates=False, logos=False)
    indicator = Indicator.objects.get(objective__agency=balangan, name="Indeks Literasi Masyarakat (survei tahunan)")
    assert indicator.measured_yearly and indicator.unit_of_measure == ""
    assert [(t.year, t.quarter, t.value) for t in indicator.targets.order_by("year")] == [
        (2025, None, D(70)),
        (2026, None, D(72)),
    ]
    # 2025 is over: its one figure, with TW IV; 2026 is not over on the seed's day: none yet.
    assert [(r.year, r.quarter, r.value) for r in indicator.realisations.all()] == [(2025, 4, D("71.5"))]


def test_the_targets_page_and_its_workbook_refuse_a_quarterly_target_for_a_yearly_indicator(login, balangan):
    indicator = yearly_indicator(balangan)
    with pytest.raises(ValidationError, match="diukur sekali setahun"):
        target_set(indicator=indicator, year=2026, quarter=2, value=D(20))
    client = login("balangan.sekretaris")
    url = reverse("reports:targets", args=[2026])
    page = client.get(url).content.decode()
    assert f'name="t{indicator.pk}-annual"' in page and f'name="t{indicator.pk}-q1"' not in page
    response = client.post(url, {f"t{indicator.pk}-annual": "85", f"t{indicator.pk}-q1": "20"})
    assert response.status_code == 400 and "diukur sekali setahun" in response.content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:targets-excel", args=[2026])).content))
    row = next(r for r in workbook.active.iter_rows(min_row=4) if r[0].value == indicator.pk)
    assert [cell.value for cell in row[4:8]] == [None] * 4
    row[3].value, row[5].value = "85", "20"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(url, {"file": upload("target.xlsx", buffer.getvalue())})
    assert response.status_code == 400 and "diukur sekali setahun" in response.content.decode()
    assert [(t.quarter, t.value) for t in indicator.targets.all()] == [(None, D(80))]  # nothing saved


def test_the_pk_lists_a_yearly_indicators_annual_target_without_demanding_rencana_aksi(balangan):
    indicator = yearly_indicator(balangan)
    assert not [gap for gap in agreement_readiness(balangan, 2026).gaps if indicator.name in gap.text]
    html = performance_agreement(balangan, 2026).html
    assert '<td class="center" colspan="4">diukur tahunan</td>' in html


# A figure with its note --------------------------------------------------------------------------


def test_a_figure_typed_with_its_note_is_saved_as_the_value_and_the_note(login, balangan):
    indicator = new_indicator(balangan, "Persentase layanan yang dievaluasi", unit_of_measure="%")
    target_set(indicator=indicator, year=2026, quarter=4, value=D(40))
    target_set(indicator=indicator, year=2026, value=D(40))
    client = login(CLERK)
    response = client.post(
        unit_url(indicator.responsible_unit), {f"i{indicator.pk}-value": "38% (Evaluasi Semester I)"}
    )
    assert response.status_code == 302
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert (realisation.value, realisation.note) == (D(38), "Evaluasi Semester I")
    page = client.get(unit_url(indicator.responsible_unit)).content.decode()
    assert 'value="38"' in page and 'value="Evaluasi Semester I"' in page
    html = performance_report(balangan, Period.parse("2026-TW4")).html
    assert '<td class="num">38 <span class="figure-note">(Evaluasi Semester I)</span>' in html


def test_a_note_written_twice_differently_is_refused_and_nothing_is_saved(login, balangan):
    indicator = library_visitors(balangan)
    response = login(CLERK).post(
        unit_url(indicator.responsible_unit),
        {f"i{indicator.pk}-value": "12.000 (sementara)", f"i{indicator.pk}-note": "final"},
    )
    assert response.status_code == 400
    assert "Catatan ditulis dua kali" in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()


def test_a_figures_note_goes_out_to_excel_and_comes_back(login, balangan):
    indicator = library_visitors(balangan)
    client = login(CLERK)
    url = reverse("reports:figures-excel", args=["2026-TW4", indicator.responsible_unit_id])
    book = load_workbook(io.BytesIO(client.get(url).content))
    sheet = book.active
    assert sheet["J3"].value == "Catatan"
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == indicator.pk)
    row[5].value, row[9].value = "12.750", "Angka sementara"
    out = io.BytesIO()
    book.save(out)
    assert client.post(url, {"file": upload("data.xlsx", out.getvalue())}).status_code == 302
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert (realisation.value, realisation.note) == (D(12750), "Angka sementara")
    again = load_workbook(io.BytesIO(client.get(url).content)).active
    assert next(r for r in again.iter_rows(min_row=4) if r[0].value == indicator.pk)[9].value == "Angka sementara"


# An indicator without satuan ---------------------------------------------------------------------


def test_an_indicator_without_satuan_is_allowed_and_printed_as_a_dash(login, balangan):
    indicator = new_indicator(balangan, "Nilai SAKIP perangkat daerah", unit_of_measure="")
    target_set(indicator=indicator, year=2026, value=D(70))
    target_set(indicator=indicator, year=2026, quarter=4, value=D(70))
    Realisation.objects.create(
        indicator=indicator, year=2026, quarter=4, value=D(71), submitted_by=user(CLERK), submitted_at=timezone.now()
    )
    report = performance_report(balangan, Period.parse("2026-TW4")).html
    assert f'<td>{indicator.name}</td>\n      <td class="center">-</td>' in report
    assert '<td class="center">-</td><td class="num target">70</td>' in performance_agreement(balangan, 2026).html
    page = login(CLERK).get(unit_url(indicator.responsible_unit)).content.decode()
    assert f'{indicator.name}<div class="small text-body-secondary">-</div>' in page


def test_the_targets_page_says_a_yearly_indicator_needs_no_rencana_aksi(login, balangan):
    indicator = yearly_indicator(balangan)
    html = login("balangan.sekretaris").get(reverse("reports:targets", args=[2026])).content.decode()
    assert f"{indicator.name}<div" in html and "diukur sekali setahun: tanpa Rencana Aksi" in html


# A range target in print ---------------------------------------------------------------------------


def pages_words(pdf: bytes) -> list[dict[str, tuple[float, float]]]:
    """Per page, (x right edge, y top) of each word, read back by poppler."""
    found = []
    for number in range(1, PdfReader(io.BytesIO(pdf)).get_num_pages() + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-bbox", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        found.append(
            {
                word: (float(x_max), float(y_min))
                for y_min, x_max, word in re.findall(r'yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<', text)
            }
        )
    return found


def test_a_range_target_breaks_after_its_dash_and_ends_where_every_other_target_ends(balangan):
    indicator = new_indicator(balangan, "Persentase arsip yang tertata sesuai kaidah kearsipan", unit_of_measure="%")
    for quarter in (None, 1, 2, 3, 4):
        target_set(indicator=indicator, year=2026, quarter=quarter, value=D("78.46"), upper_value=D("86.31"))
    fill_year(balangan, 2026)
    pdf = performance_report(balangan, Period.parse("2026")).pdf()
    tables = [words for words in pages_words(pdf) if "86,31" in words and "48.000" in words]
    assert tables  # the PK in Bab II and the capaian in Bab III
    for words in tables:
        low, high, other = words["78,46"], words["86,31"], words["48.000"]  # 48.000: the visitors' target
        assert high[1] > low[1]  # "86,31" on the line below "78,46 –"
        assert abs(high[0] - other[0]) < 0.5, (high, other)
