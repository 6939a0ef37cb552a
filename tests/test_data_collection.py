"""The data-collection step needs every responsible unit's figures, and then locks them."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from reports.models import Indicator, Realisation
from reports.performance.selectors import units_missing_figures
from reports.performance.services import realisation_submit
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import RunStep
from workflow.runs.services import run_start, run_step_send_back, run_step_submit

from .conftest import user
from .workflow_helpers import complete_current, step


@pytest.fixture
def fourth_quarter(sop000):
    """TW IV 2026 of Balangan: no unit has reported yet."""
    return run_start(version=sop000, period=Period.parse("2026-TW4"), user=user("balangan.sekretaris"))


def report_everything(agency, year, quarter):
    for indicator in Indicator.objects.filter(objective__agency=agency, targets__year=year).distinct():
        realisation_submit(
            indicator=indicator, year=year, quarter=quarter, value=D(1), user=user("balangan.sekretaris")
        )


def test_the_step_is_refused_while_units_have_not_reported_naming_them(fourth_quarter):
    with pytest.raises(WorkflowRefused) as refusal:
        run_step_submit(run_step_id=step(fourth_quarter, 1).pk, user=user("balangan.sekretaris"), output_note="x")
    assert refusal.value.message.startswith("Unit berikut belum menyampaikan data Triwulan IV 2026: Bidang Kearsipan, ")
    assert "Seksi Pengelolaan dan Pelestarian Arsip. Tunggu, atau tutup langkah ini" in refusal.value.message


def test_the_missing_units_are_named(balangan):
    missing = [unit.name for unit in units_missing_figures(balangan, Period.parse("2026-TW4"))]
    assert missing == [
        "Bidang Kearsipan",
        "Bidang Pengembangan dan Layanan Perpustakaan",
        "Sekretariat",
        "Seksi Layanan dan Pembudayaan Gemar Membaca",
        "Seksi Pengelolaan dan Pelestarian Arsip",
    ]
    assert units_missing_figures(balangan, Period.parse("2026-TW3")) == []


def test_the_executor_may_close_it_listing_the_missing_units(fourth_quarter):
    run_step_submit(
        run_step_id=step(fourth_quarter, 1).pk,
        user=user("balangan.sekretaris"),
        output_note="Ditutup per 5 Januari",
        close_incomplete=True,
    )
    closed = step(fourth_quarter, 1)
    assert closed.state == RunStep.State.SUBMITTED
    assert "Bidang Kearsipan" in closed.missing_units and "Sekretariat" in closed.missing_units


def test_the_step_completes_once_every_unit_has_reported(balangan, fourth_quarter):
    report_everything(balangan, 2026, 4)
    run_step_submit(run_step_id=step(fourth_quarter, 1).pk, user=user("balangan.sekretaris"), output_note="Lengkap")
    assert step(fourth_quarter, 1).missing_units == ""


def test_figures_are_locked_once_the_step_is_handed_in_and_a_return_reopens_them(balangan, sop000):
    run = run_start(version=sop000, period=Period.parse("2026-TW3"), user=user("balangan.sekretaris"))
    visitors = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Lengkap")
    with pytest.raises(ValidationError, match="Triwulan III 2026 sudah dikunci"):
        realisation_submit(indicator=visitors, year=2026, quarter=3, value=D(99), user=user("balangan.kasi-layanan"))
    run_step_send_back(run_step_id=step(run, 1).pk, user=user("balangan.kadis"), note="Cek ulang pengunjung")
    realisation_submit(indicator=visitors, year=2026, quarter=3, value=D(10700), user=user("balangan.kasi-layanan"))
    assert Realisation.objects.get(indicator=visitors, year=2026, quarter=3).value == D(10700)
    complete_current(run)
    with pytest.raises(ValidationError, match="dikunci"):
        realisation_submit(indicator=visitors, year=2026, quarter=3, value=D(1), user=user("balangan.kasi-layanan"))
    # Other quarters stay open.
    realisation_submit(indicator=visitors, year=2026, quarter=4, value=D(5), user=user("balangan.kasi-layanan"))
