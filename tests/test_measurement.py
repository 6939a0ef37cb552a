"""The measurement table of an agency for a period, computed from the demo data."""

from decimal import Decimal as D

from reports.models import RatingBand
from reports.performance.selectors import measure
from sopkinerja.common.periods import Period


def row(rows, name):
    return next(r for r in rows if r.indicator.name == name)


def test_the_third_quarter_of_balangan_is_measured_from_its_figures(balangan):
    rows = measure(balangan, Period.parse("2026-TW3"))
    assert len(rows) == 8
    visitors = row(rows, "Jumlah pengunjung perpustakaan")
    assert (visitors.target.low, visitors.actual) == (D(12500), D(10655))
    assert visitors.achievement == D("85.24")
    assert visitors.rating == "Baik"
    assert visitors.obstacles == ["Ruang baca lantai 2 ditutup selama renovasi atap bulan Agustus."]


def test_a_range_target_is_measured_against_the_bound_it_missed(balangan):
    rows = measure(balangan, Period.parse("2026-TW3"))
    standard = row(rows, "Persentase perangkat daerah yang pengelolaan arsipnya sesuai standar")
    assert (standard.target.low, standard.target.high, standard.actual) == (D(52), D(60), D("61.5"))
    assert standard.achievement == D("102.5")


def test_capping_is_an_agency_setting_and_keeps_the_uncapped_figure(balangan):
    balangan.cap_achievement = True
    rows = measure(balangan, Period.parse("2026-TW3"))
    waiting = row(rows, "Rata-rata waktu layanan peminjaman buku")
    assert waiting.achievement_uncapped == D(120)
    assert waiting.achievement == D(100)


def test_the_semester_rolls_up_each_indicator_by_its_own_rule(balangan):
    rows = measure(balangan, Period.parse("2026-S1"))
    assert row(rows, "Jumlah pengunjung perpustakaan").actual == D(24113)
    assert row(rows, "Tingkat Gemar Membaca (TGM)").actual == D("63.10")
    assert row(rows, "Rata-rata waktu layanan peminjaman buku").actual == D("10.75")


def test_an_agencys_own_rating_bands_replace_the_default(balangan):
    RatingBand.objects.filter(local_government=balangan.local_government).delete()
    RatingBand.objects.create(local_government=balangan.local_government, label="Memuaskan", lower_bound=80)
    RatingBand.objects.create(local_government=balangan.local_government, label="Belum Memuaskan", lower_bound=0)
    rows = measure(balangan, Period.parse("2026-TW3"))
    assert row(rows, "Jumlah pengunjung perpustakaan").rating == "Memuaskan"


def test_measurements_never_include_another_agencys_indicators(balangan, padang_panjang):
    names = {r.indicator.objective.agency_id for r in measure(padang_panjang, Period.parse("2026-TW1"))}
    assert names == {padang_panjang.pk}


def test_a_quarter_nobody_reported_is_named_instead_of_silently_carrying_another_quarters_value(balangan):
    rows = measure(balangan, Period.parse("2026"))
    reading = row(rows, "Tingkat Gemar Membaca (TGM)")
    assert reading.missing_quarters == (4,)
    assert reading.actual == row(measure(balangan, Period.parse("2026-TW3")), "Tingkat Gemar Membaca (TGM)").actual
    assert reading.footnoted


def test_a_fully_reported_quarter_has_no_missing_quarters(balangan):
    rows = measure(balangan, Period.parse("2026-TW3"))
    assert all(r.missing_quarters == () for r in rows if r.actual is not None)


def test_the_annual_report_footnotes_each_indicator_with_a_missing_quarter(balangan):
    from reports.documents import rendering as documents

    html = documents.performance_report(balangan, Period.parse("2026")).html
    rows = measure(balangan, Period.parse("2026"))
    number = next(i for i, r in enumerate(rows, 1) if r.indicator.name == "Tingkat Gemar Membaca (TGM)")
    assert f"{number}) tidak ada data TW 4: realisasi dihitung tanpa triwulan tersebut." in html


def test_a_cached_measurement_is_never_stale(balangan, django_assert_max_num_queries):
    """Each change to what the table is computed from gives a new key, so the next read recomputes."""
    from reports.models import Realisation, Target

    period = Period.parse("2026-TW3")
    visitors = "Jumlah pengunjung perpustakaan"
    first = measure(balangan, period)
    with django_assert_max_num_queries(1):  # the digest; the table comes from the cache
        assert [r.actual for r in measure(balangan, period)] == [r.actual for r in first]

    figure = Realisation.objects.get(
        indicator__name=visitors, indicator__objective__agency=balangan, year=2026, quarter=3
    )
    figure.value = D(12500)
    figure.save()
    assert row(measure(balangan, period), visitors).achievement == D(100)

    target = Target.objects.get(indicator__name=visitors, indicator__objective__agency=balangan, year=2026, quarter=3)
    target.value = D(25000)
    target.save()
    assert row(measure(balangan, period), visitors).achievement == D(50)

    indicator = row(first, visitors).indicator
    indicator.name = "Jumlah kunjungan perpustakaan"
    indicator.save()
    assert row(measure(balangan, period), "Jumlah kunjungan perpustakaan").achievement == D(50)

    RatingBand.objects.filter(local_government=balangan.local_government).delete()
    RatingBand.objects.create(local_government=balangan.local_government, label="Separuh", lower_bound=50)
    assert row(measure(balangan, period), "Jumlah kunjungan perpustakaan").rating == "Separuh"


def test_capping_changes_the_cached_table_too(balangan):
    period = Period.parse("2026-TW3")
    assert row(measure(balangan, period), "Rata-rata waktu layanan peminjaman buku").achievement == D(120)
    balangan.cap_achievement = True
    assert row(measure(balangan, period), "Rata-rata waktu layanan peminjaman buku").achievement == D(100)


def render_table(agency, period, language="id") -> str:
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        return Template("{% load report_tags %}{% measurement_table agency period %}").render(
            Context({"agency": agency, "period": period})
        )


def test_the_dashboards_achievement_table_is_served_from_the_cache_until_a_figure_changes(
    balangan, django_assert_max_num_queries
):
    from reports.models import Realisation

    period = Period.parse("2026-TW3")
    first = render_table(balangan, period)
    assert "Jumlah pengunjung perpustakaan" in first
    # The digest, the cached HTML and whether any unit's figures await approval; nothing is computed.
    with django_assert_max_num_queries(3):
        assert render_table(balangan, period) == first

    figure = Realisation.objects.get(
        indicator__name="Jumlah pengunjung perpustakaan", indicator__objective__agency=balangan, year=2026, quarter=3
    )
    figure.value = D("12345.5")
    figure.save()
    changed = render_table(balangan, period)
    assert changed != first
    assert "12.345,5" in changed


def test_the_cached_achievement_table_follows_the_readers_language(balangan):
    period = Period.parse("2026-TW3")
    assert "Indikator" in render_table(balangan, period, "id")
    english = render_table(balangan, period, "en")
    assert "Indicator" in english
    assert "Indikator</th>" not in english
