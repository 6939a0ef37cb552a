"""Staff enter their unit's quarterly figures in the browser: one page per unit and quarter, saved all at once."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.forms import parse_angka
from reports.models import Evidence, Indicator, Realisation

from .figures_helpers import library_visitors
from .genuine_files import EXE, pdf_bytes, upload


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12.500", "12500"),
        ("64,05", "64.05"),
        ("1.234,5", "1234.5"),
        ("64.05", "64.05"),
        ("0.277", "0.277"),
        ("8", "8"),
        (" 3 391 ", "3391"),
    ],
)
def test_numbers_are_read_the_indonesian_way(typed, read):
    assert parse_angka(typed) == read


def unit_url(indicator, period="2026-TW4"):
    return reverse("reports:figures-unit", args=[period, indicator.responsible_unit_id])


def unit_rows(agency, indicator):
    return list(Indicator.objects.filter(responsible_unit=indicator.responsible_unit, targets__year=2026).distinct())


def test_a_unit_head_goes_straight_to_the_unit_page(login, balangan):
    response = login("balangan.kasi-layanan").get(reverse("reports:figures-period", args=["2026-TW4"]))
    assert response.status_code == 302 and response.url == unit_url(library_visitors(balangan))


def test_the_unit_page_lists_every_indicator_with_both_targets(login, balangan):
    html = login("balangan.kasi-layanan").get(unit_url(library_visitors(balangan))).content.decode()
    assert "Jumlah pengunjung perpustakaan" in html and "Rata-rata waktu layanan" in html
    assert "arsip statis" not in html
    assert "Target (triwulan)" in html and "Target (tahun)" in html


def test_save_all_saves_every_row_with_kendala_solusi_and_evidence(login, balangan):
    indicator = library_visitors(balangan)
    data = {
        f"i{indicator.pk}-value": "12.750",
        f"i{indicator.pk}-obstacles": "Hujan deras di bulan Desember",
        f"i{indicator.pk}-solutions": "Layanan keliling",
        f"i{indicator.pk}-evidence": upload("buku-tamu.pdf", pdf_bytes()),
    }
    others = [i for i in unit_rows(balangan, indicator) if i != indicator]
    for other in others:
        data[f"i{other.pk}-value"] = "0,277"
    response = login("balangan.kasi-layanan").post(unit_url(indicator), data)
    assert response.status_code == 302
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert realisation.value == D(12750) and realisation.obstacles == "Hujan deras di bulan Desember"
    assert Evidence.objects.filter(realisation=realisation).count() == 1
    assert all(Realisation.objects.get(indicator=o, year=2026, quarter=4).value == D("0.277") for o in others)


def test_a_bad_row_keeps_every_input_and_saves_nothing(login, balangan):
    indicator = library_visitors(balangan)
    other = next(i for i in unit_rows(balangan, indicator) if i != indicator)
    response = login("balangan.kasi-layanan").post(
        unit_url(indicator),
        {f"i{indicator.pk}-value": "12.750", f"i{indicator.pk}-obstacles": "Banjir", f"i{other.pk}-value": "abc"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“abc” bukan angka" in html
    assert 'value="12.750"' in html and "Banjir" in html and 'value="abc"' in html
    assert not Realisation.objects.filter(indicator__in=[indicator, other], year=2026, quarter=4).exists()


def test_a_negative_figure_is_refused_in_indonesian(login, balangan):
    indicator = library_visitors(balangan)
    response = login("balangan.kasi-layanan").post(unit_url(indicator), {f"i{indicator.pk}-value": "-5"})
    assert "Nilai tidak boleh negatif." in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()


def test_n_a_needs_a_reason_and_is_stored_as_such(login, balangan):
    indicator = library_visitors(balangan)
    client = login("balangan.kasi-layanan")
    response = client.post(unit_url(indicator), {f"i{indicator.pk}-value": "n/a"})
    assert "Jelaskan mengapa angka ini tidak tersedia." in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()
    client.post(
        unit_url(indicator),
        {f"i{indicator.pk}-value": "tidak tersedia", f"i{indicator.pk}-na_reason": "Gedung direnovasi"},
    )
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert realisation.not_available and realisation.value is None
    assert realisation.not_available_reason == "Gedung direnovasi"


def test_a_file_of_a_forbidden_type_saves_nothing(login, balangan):
    indicator = library_visitors(balangan)
    response = login("balangan.kasi-layanan").post(
        unit_url(indicator),
        {f"i{indicator.pk}-value": "100", f"i{indicator.pk}-evidence": upload("x.exe", EXE)},
    )
    assert "“x.exe” ditolak: hanya berkas PDF, PNG, JPEG" in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()


def test_another_units_page_is_refused(login, balangan):
    response = login("balangan.kasi-arsip").get(unit_url(library_visitors(balangan)))
    assert response.status_code == 403


def test_another_agency_never_sees_the_page(login, balangan):
    response = login("padangpanjang.sekretaris").get(unit_url(library_visitors(balangan)))
    assert response.status_code == 404


def test_the_capaian_cell_is_computed_on_the_server_as_the_user_types(login, balangan):
    indicator = library_visitors(balangan)
    url = reverse("reports:figures-capaian", args=["2026-TW4", indicator.responsible_unit_id, indicator.pk])
    client = login("balangan.kasi-layanan")
    target = indicator.targets.get(year=2026, quarter=4).value
    html = client.post(url, {f"i{indicator.pk}-value": str(target).replace(".", ",")}).content.decode()
    assert "100,00 %" in html and "Sangat Baik" in html
    assert "bukan angka" in client.post(url, {f"i{indicator.pk}-value": "12x"}).content.decode()


def test_locked_figures_show_why_and_refuse_changes(login, balangan, sop000):
    from sopkinerja.common.periods import Period
    from workflow.runs.services import run_start, run_step_submit

    from .conftest import user

    run = run_start(version=sop000, period=Period.parse("2026-TW3"), user=user("balangan.sekretaris"))
    run_step_submit(run_step_id=run.steps.get(step__number=1).pk, user=user("balangan.sekretaris"), output_note="ok")
    indicator = library_visitors(balangan)
    client = login("balangan.kasi-layanan")
    html = client.get(unit_url(indicator, "2026-TW3")).content.decode()
    assert "sudah dikunci" in html and "Simpan draf" not in html
    response = client.post(unit_url(indicator, "2026-TW3"), {f"i{indicator.pk}-value": "1"})
    assert any("dikunci" in str(m) for m in get_messages(response.wsgi_request))
    assert Realisation.objects.get(indicator=indicator, year=2026, quarter=3).value != D(1)


def test_the_current_figure_is_shown_in_a_text_box(login, balangan):
    html = login("balangan.kasi-layanan").get(unit_url(library_visitors(balangan), "2026-TW3")).content.decode()
    assert 'value="10.655"' in html and 'inputmode="decimal"' in html


def test_the_page_keeps_a_bounded_number_of_queries_at_sixty_indicators(login, balangan, django_assert_max_num_queries):
    from reports.models import Target

    indicator = library_visitors(balangan)
    for number in range(60):
        extra = Indicator.objects.create(
            objective=indicator.objective,
            order=100 + number,
            name=f"Indikator tambahan {number}",
            unit_of_measure="orang",
            responsible_unit=indicator.responsible_unit,
        )
        Target.objects.create(indicator=extra, year=2026, quarter=4, value=D(10))
        Target.objects.create(indicator=extra, year=2026, value=D(40))
        Realisation.objects.create(
            indicator=extra,
            year=2026,
            quarter=4,
            value=D(9),
            submitted_by=indicator.responsible_unit.positions.first().holders.first().user,
            submitted_at="2026-11-01T00:00Z",
        )
    client = login("balangan.kasi-layanan")
    with django_assert_max_num_queries(40):
        html = client.get(unit_url(indicator)).content.decode()
    assert "Indikator tambahan 59" in html


def test_a_report_prints_n_a_with_its_reason_as_a_footnote(balangan):
    from django.template.loader import render_to_string

    from reports.performance.selectors import measure
    from reports.performance.services import realisation_submit
    from reports.performance.values import Figure
    from sopkinerja.common.periods import Period

    from .conftest import user

    indicator = library_visitors(balangan)
    realisation_submit(
        indicator=indicator,
        year=2026,
        quarter=4,
        value=Figure(None, True),
        not_available_reason="Gedung direnovasi",
        user=user("balangan.kasi-layanan"),
    )
    rows = measure(balangan, Period.parse("2026-TW4"))
    html = render_to_string("reports/partials/measure_table.html", {"rows": rows})
    assert "n/a<sup>" in html and "n/a TW 4: Gedung direnovasi" in html
    row = next(r for r in rows if r.indicator == indicator)
    assert row.actual is None and row.achievement is None


def test_the_sekretaris_chooses_among_every_unit_and_finds_the_targets(login):
    html = login("balangan.sekretaris").get(reverse("reports:figures-period", args=["2026-TW4"])).content.decode()
    assert "Seksi Layanan dan Pembudayaan Gemar Membaca" in html and "Bidang Kearsipan" in html
    assert reverse("reports:targets", args=[2026]) in html


def test_the_unit_head_finds_what_waits_for_review(login, balangan):
    from reports.performance.services import FigureRow, figures_save_draft, unit_submission_submit
    from reports.performance.values import Figure
    from sopkinerja.common.periods import Period

    from .conftest import user

    unit = library_visitors(balangan).responsible_unit
    rows = [FigureRow(indicator=i, figure=Figure(D(1))) for i in unit_rows(balangan, library_visitors(balangan))]
    figures_save_draft(unit=unit, period=Period.parse("2026-TW4"), rows=rows, user=user("balangan.kasi-layanan"))
    unit_submission_submit(unit=unit, period=Period.parse("2026-TW4"), user=user("balangan.kasi-layanan"))
    html = login("balangan.kabid-perpustakaan").get(reverse("reports:figures-period", args=["2026-TW4"]))
    assert (
        "Menunggu pemeriksaan Anda" in html.content.decode()
        and unit_url(library_visitors(balangan)) in html.content.decode()
    )
