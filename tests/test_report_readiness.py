"""Every office can sign its semester and annual reports once their figures are final."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.documents.readiness import report_overview, report_readiness
from reports.documents.rendering import performance_report
from reports.documents.services import document_request
from reports.models import DocumentKind, DocumentRequest, Realisation, UnitSubmission
from sopkinerja.common.periods import Period
from workflow.runs.services import run_start

from .conftest import sign_report, user
from .figures_helpers import fill_year
from .workflow_helpers import walk


def finish_quarter(version, quarter: str, who: str):
    return walk(run_start(version=version, period=Period.parse(quarter), user=user(who)))


def test_padang_panjangs_semester_report_is_signable_once_both_quarters_finished(sop002, padang_panjang):
    semester = Period.parse("2025-S1")
    assert report_readiness(padang_panjang, semester).reasons == (
        "Pelaksanaan pengumpulan data Triwulan I 2025 belum selesai.",
        "Pelaksanaan pengumpulan data Triwulan II 2025 belum selesai.",
    )
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    with pytest.raises(ValidationError, match="Triwulan II 2025 belum selesai"):
        sign_report(padang_panjang, "padangpanjang.kadis", "2025-S1", via="web")
    finish_quarter(sop002, "2025-TW2", "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    # Its SOP is one quarterly chain: no semester run exists or is needed.
    assert report_readiness(padang_panjang, semester).ready
    assert sign_report(padang_panjang, "padangpanjang.kadis", "2025-S1", via="web").version == 1


def test_balangan_also_needs_its_semester_run_because_its_sop_defines_one(sop000, balangan):
    finish_quarter(sop000, "2025-TW1", "balangan.sekretaris")
    finish_quarter(sop000, "2025-TW2", "balangan.sekretaris")
    assert report_readiness(balangan, Period.parse("2025-S1")).reasons == (
        "Pelaksanaan SOP untuk Semester I 2025 belum selesai.",
    )
    walk(run_start(version=sop000, period=Period.parse("2025-S1"), user=user("balangan.sekretaris")))
    fill_year(balangan, 2025)
    assert report_readiness(balangan, Period.parse("2025-S1")).ready


def test_the_documents_page_shows_each_report_with_its_state(login, sop002, padang_panjang):
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    sign_report(padang_panjang, "padangpanjang.kadis", "2025-TW1", via="web")
    rows = {str(row.period): row for row in report_overview(padang_panjang, 2025)[0]}
    assert rows["2025-TW1"].signed.version == 1
    assert not rows["2025-TW2"].readiness.ready and not rows["2025"].readiness.ready
    page = login("padangpanjang.kadis").get(reverse("reports:documents")).content.decode()
    assert "Siap ditandatangani" in page or "Belum siap" in page
    assert "Pelaksanaan pengumpulan data Triwulan I" in page  # the current year's reasons are listed


def test_padang_panjangs_empty_annual_report_is_not_offered_for_signature(sop002, padang_panjang):
    for quarter in ("2025-TW1", "2025-TW2", "2025-TW3", "2025-TW4"):
        finish_quarter(sop002, quarter, "padangpanjang.kadis")
    readiness = report_readiness(padang_panjang, Period.parse("2025"))
    assert readiness.reasons == () and not readiness.ready
    no_target, *no_figures = readiness.gaps
    assert no_target.text.startswith("Belum ada target Tahun 2025: Tingkat Gemar Membaca (TGM);")
    assert no_target.url == reverse("reports:targets", args=[2025])
    # One gap per unit and quarter, each linking to that unit's page of that quarter; a cumulative
    # indicator (to date) needs only the year's last quarter.
    units = padang_panjang.units.filter(indicators__isnull=False).distinct()
    assert {gap.url for gap in no_figures} == {
        reverse("reports:figures-unit", args=[f"2025-TW{q}", unit.pk]) for unit in units for q in (1, 2, 3, 4)
    }
    archives = next(gap for gap in no_figures if gap.url.startswith("/data/2025-TW1/") and "Kearsipan" in gap.text)
    assert "belum mengisi realisasi Triwulan I 2025:" in archives.text
    assert "Persentase arsip statis" not in archives.text  # cumulative: its TW IV figure is the year's
    with pytest.raises(ValidationError, match="Belum ada target Tahun 2025"):
        sign_report(padang_panjang, "padangpanjang.kadis", "2025", via="web")
    with pytest.raises(ValidationError, match="belum mengisi realisasi"):
        document_request(
            agency=padang_panjang, kind=DocumentKind.REPORT, period="2025", user=user("padangpanjang.kadis"), sign=True
        )
    assert not DocumentRequest.objects.filter(agency=padang_panjang, period="2025").exists()


def test_a_report_becomes_signable_once_its_targets_and_figures_are_in(sop002, padang_panjang):
    for quarter in ("2025-TW1", "2025-TW2", "2025-TW3", "2025-TW4"):
        finish_quarter(sop002, quarter, "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    assert report_readiness(padang_panjang, Period.parse("2025")).ready
    assert sign_report(padang_panjang, "padangpanjang.kadis", "2025", via="web").version == 1


def test_one_missing_quarter_of_one_indicator_is_named_with_its_unit(sop002, padang_panjang):
    for quarter in ("2025-TW1", "2025-TW2"):
        finish_quarter(sop002, quarter, "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    visitors = Realisation.objects.get(
        indicator__name="Jumlah pengunjung perpustakaan",
        indicator__objective__agency=padang_panjang,
        year=2025,
        quarter=2,
    )
    visitors.delete()
    (gap,) = report_readiness(padang_panjang, Period.parse("2025-S1")).gaps
    unit = visitors.indicator.responsible_unit
    assert gap.text == f"{unit.name} belum mengisi realisasi Triwulan II 2025: Jumlah pengunjung perpustakaan."
    assert gap.url == reverse("reports:figures-unit", args=["2025-TW2", unit.pk])
    # The first quarter's report does not count the second quarter.
    assert report_readiness(padang_panjang, Period.parse("2025-TW1")).ready


def test_returned_figures_keep_their_quarters_report_unsigned(sop002, padang_panjang):
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    unit = padang_panjang.units.filter(indicators__isnull=False).first()
    UnitSubmission.objects.create(unit=unit, period="2025-TW1", state=UnitSubmission.State.RETURNED)
    (gap,) = report_readiness(padang_panjang, Period.parse("2025-TW1")).gaps
    assert gap.text == f"Realisasi {unit.name} Triwulan I 2025 dikembalikan atau belum dikirim."
    assert gap.url == reverse("reports:figures-unit", args=["2025-TW1", unit.pk])


def test_the_documents_page_links_each_gap_to_where_it_is_entered(login, sop002, padang_panjang):
    page = login("padangpanjang.kadis").get(reverse("reports:documents")).content.decode()
    assert f'href="{reverse("reports:targets", args=[2025])}"' in page
    assert "Belum ada target Tahun 2025" in page


def test_an_annual_report_with_nothing_measured_does_not_claim_every_indicator_met(padang_panjang):
    html = performance_report(padang_panjang, Period.parse("2025")).html
    assert "telah mencapai target" not in html
    assert "Belum ada indikator yang dapat diukur." in html


def test_an_unsigned_report_whose_figures_are_not_final_is_stamped_konsep(sop002, padang_panjang):
    assert "KONSEP" in performance_report(padang_panjang, Period.parse("2025")).html
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    fill_year(padang_panjang, 2025)
    assert "KONSEP" not in performance_report(padang_panjang, Period.parse("2025-TW1")).html
