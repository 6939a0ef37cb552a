"""Staff enter their unit's quarterly figures in the browser."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.forms import parse_angka
from reports.models import Evidence, Indicator, Realisation

from .genuine_files import EXE, pdf_bytes, upload


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12.500", "12500"),
        ("64,05", "64.05"),
        ("1.234,5", "1234.5"),
        ("64.05", "64.05"),
        ("8", "8"),
        (" 3 391 ", "3391"),
    ],
)
def test_numbers_are_read_the_indonesian_way(typed, read):
    assert parse_angka(typed) == read


def page(client, period="2026-TW4"):
    return client.get(reverse("reports:figures-period", args=[period])).content.decode()


def visitors(balangan):
    return Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")


def test_a_unit_sees_only_the_indicators_it_reports(login):
    html = page(login("balangan.kasi-layanan"))
    assert "Jumlah pengunjung perpustakaan" in html and "Rata-rata waktu layanan" in html
    assert "arsip statis" not in html


def test_a_figure_is_saved_with_kendala_solusi_and_evidence(login, balangan):
    indicator = visitors(balangan)
    prefix = f"i{indicator.pk}"
    response = login("balangan.kasi-layanan").post(
        reverse("reports:figures-period", args=["2026-TW4"]),
        {
            "indicator": indicator.pk,
            f"{prefix}-value": "12.750",
            f"{prefix}-obstacles": "Hujan deras di bulan Desember",
            f"{prefix}-solutions": "Layanan keliling",
            f"{prefix}-evidence": upload("buku-tamu.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    realisation = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert realisation.value == D(12750) and realisation.obstacles == "Hujan deras di bulan Desember"
    assert Evidence.objects.filter(realisation=realisation).count() == 1


def test_bad_input_is_refused_in_indonesian_and_nothing_is_saved(login, balangan):
    indicator = visitors(balangan)
    response = login("balangan.kasi-layanan").post(
        reverse("reports:figures-period", args=["2026-TW4"]),
        {"indicator": indicator.pk, f"i{indicator.pk}-value": "-5"},
    )
    assert "Pastikan nilai ini lebih besar dari atau sama dengan 0." in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()


def test_a_file_of_a_forbidden_type_saves_nothing(login, balangan):
    indicator = visitors(balangan)
    response = login("balangan.kasi-layanan").post(
        reverse("reports:figures-period", args=["2026-TW4"]),
        {
            "indicator": indicator.pk,
            f"i{indicator.pk}-value": "100",
            f"i{indicator.pk}-evidence": upload("x.exe", EXE),
        },
    )
    assert "“x.exe” ditolak: hanya berkas PDF, PNG, JPEG" in response.content.decode()
    assert not Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).exists()


def test_another_units_indicator_cannot_be_posted(login, balangan):
    indicator = visitors(balangan)
    response = login("balangan.kasi-arsip").post(
        reverse("reports:figures-period", args=["2026-TW4"]), {"indicator": indicator.pk, f"i{indicator.pk}-value": "1"}
    )
    assert response.status_code == 404


def test_locked_figures_show_why_and_offer_no_form(login, balangan, sop000):
    from reports.periods import Period
    from workflow.services.runs import run_start, run_step_submit

    from .conftest import user

    run = run_start(version=sop000, period=Period.parse("2026-TW3"), user=user("balangan.sekretaris"))
    run_step_submit(run_step_id=run.steps.get(step__number=1).pk, user=user("balangan.sekretaris"), output_note="ok")
    html = page(login("balangan.kasi-layanan"), "2026-TW3")
    assert "sudah dikunci" in html and 'name="indicator"' not in html
    indicator = visitors(balangan)
    response = login("balangan.kasi-layanan").post(
        reverse("reports:figures-period", args=["2026-TW3"]), {"indicator": indicator.pk, f"i{indicator.pk}-value": "1"}
    )
    assert any("dikunci" in str(m) for m in get_messages(response.wsgi_request))


def test_the_current_figure_is_shown_the_indonesian_way_in_a_text_box(login, balangan):
    html = page(login("balangan.kasi-layanan"), "2026-TW3")
    assert 'value="10.655"' in html and 'inputmode="decimal"' in html
