"""Staff submit quarterly figures: validated, attributed, never across agencies."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import Realisation
from reports.performance.services import realisation_submit, target_set

from .conftest import user


def test_a_submission_records_who_and_when(visitors):
    when = datetime.datetime(2026, 12, 30, 9, 0, tzinfo=datetime.UTC)
    realisation = realisation_submit(
        indicator=visitors,
        year=2026,
        quarter=4,
        value=D(12750),
        obstacles="Hujan",
        solutions="Layanan keliling",
        user=user("balangan.kasi-layanan"),
        now=when,
    )
    assert realisation.submitted_by.username == "balangan.kasi-layanan"
    assert realisation.submitted_at == when
    assert realisation.obstacles == "Hujan"


def test_submitting_again_corrects_the_figure_instead_of_duplicating_it(visitors):
    realisation_submit(indicator=visitors, year=2026, quarter=3, value=D(10700), user=user("balangan.kasi-layanan"))
    assert Realisation.objects.filter(indicator=visitors, year=2026, quarter=3).get().value == D(10700)


def test_a_realisation_for_a_year_without_targets_is_refused(visitors):
    with pytest.raises(ValidationError) as caught:
        realisation_submit(indicator=visitors, year=2031, quarter=1, value=D(5), user=user("balangan.kasi-layanan"))
    assert "tidak memiliki target untuk tahun 2031" in " ".join(caught.value.messages)
    assert not Realisation.objects.filter(indicator=visitors, year=2031).exists()


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_outside_one_to_four_is_refused(visitors, quarter):
    with pytest.raises(ValidationError):
        realisation_submit(
            indicator=visitors, year=2026, quarter=quarter, value=D(5), user=user("balangan.kasi-layanan")
        )


def test_a_negative_figure_is_refused_in_indonesian(visitors):
    with pytest.raises(ValidationError) as caught:
        realisation_submit(indicator=visitors, year=2026, quarter=4, value=D(-1), user=user("balangan.kasi-layanan"))
    assert "Nilai tidak boleh negatif." in caught.value.messages


def test_another_agencys_employee_cannot_submit(visitors):
    with pytest.raises(PermissionDenied, match="dinas Anda sendiri"):
        realisation_submit(indicator=visitors, year=2026, quarter=4, value=D(1), user=user("padangpanjang.perencana"))
    assert not Realisation.objects.filter(indicator=visitors, year=2026, quarter=4).exists()


def test_a_range_target_cannot_end_below_its_start(visitors):
    with pytest.raises(ValidationError) as caught:
        target_set(indicator=visitors, year=2027, value=D(100), upper_value=D(90))
    assert "Batas atas tidak boleh lebih kecil dari target." in caught.value.messages


def test_the_demo_has_figures_for_the_quarters_that_are_over(balangan, padang_panjang):
    assert set(
        Realisation.objects.filter(indicator__objective__agency=balangan, year=2026).values_list("quarter", flat=True)
    ) == {1, 2, 3}
    assert Realisation.objects.filter(indicator__objective__agency=padang_panjang, year=2026, quarter=1).exists()
    assert Realisation.objects.filter(indicator__objective__agency=balangan, year=2025, quarter=4).exists()


def test_a_unit_enters_only_its_own_indicators(visitors):
    with pytest.raises(PermissionDenied, match="diisi oleh Seksi Layanan"):
        realisation_submit(indicator=visitors, year=2026, quarter=4, value=D(1), user=user("balangan.kasi-arsip"))


def test_the_head_of_the_division_above_may_enter_them(visitors):
    realisation = realisation_submit(
        indicator=visitors, year=2026, quarter=4, value=D(12000), user=user("balangan.kabid-perpustakaan")
    )
    assert realisation.submitted_by.username == "balangan.kabid-perpustakaan"
