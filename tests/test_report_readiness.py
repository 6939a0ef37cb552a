"""Every office can sign its semester and annual reports once their figures are final."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.document_services import document_sign
from reports.models import DocumentKind
from reports.periods import Period
from reports.selectors import report_overview, report_readiness
from reports.signing import DEMO_PASSPHRASE
from workflow.services.runs import run_start

from .conftest import user
from .workflow_helpers import walk


def finish_quarter(version, quarter: str, who: str):
    return walk(run_start(version=version, period=Period.parse(quarter), user=user(who)))


def sign(agency, period, who):
    return document_sign(
        agency=agency, kind=DocumentKind.REPORT, period=period, user=user(who), secret=DEMO_PASSPHRASE, via="web"
    )


def test_padang_panjangs_semester_report_is_signable_once_both_quarters_finished(sop002, padang_panjang):
    semester = Period.parse("2025-S1")
    assert report_readiness(padang_panjang, semester).reasons == (
        "Pelaksanaan pengumpulan data Triwulan I 2025 belum selesai.",
        "Pelaksanaan pengumpulan data Triwulan II 2025 belum selesai.",
    )
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    with pytest.raises(ValidationError, match="Triwulan II 2025 belum selesai"):
        sign(padang_panjang, "2025-S1", "padangpanjang.kadis")
    finish_quarter(sop002, "2025-TW2", "padangpanjang.kadis")
    # Its SOP is one quarterly chain: no semester run exists or is needed.
    assert report_readiness(padang_panjang, semester).ready
    assert sign(padang_panjang, "2025-S1", "padangpanjang.kadis").version == 1


def test_balangan_also_needs_its_semester_run_because_its_sop_defines_one(sop000, balangan):
    finish_quarter(sop000, "2025-TW1", "balangan.sekretaris")
    finish_quarter(sop000, "2025-TW2", "balangan.sekretaris")
    assert report_readiness(balangan, Period.parse("2025-S1")).reasons == (
        "Pelaksanaan SOP untuk Semester I 2025 belum selesai.",
    )
    walk(run_start(version=sop000, period=Period.parse("2025-S1"), user=user("balangan.sekretaris")))
    assert report_readiness(balangan, Period.parse("2025-S1")).ready


def test_the_documents_page_shows_each_report_with_its_state(login, sop002, padang_panjang):
    finish_quarter(sop002, "2025-TW1", "padangpanjang.kadis")
    sign(padang_panjang, "2025-TW1", "padangpanjang.kadis")
    rows = {str(row.period): row for row in report_overview(padang_panjang, 2025)[0]}
    assert rows["2025-TW1"].signed.version == 1
    assert not rows["2025-TW2"].readiness.ready and not rows["2025"].readiness.ready
    page = login("padangpanjang.kadis").get(reverse("reports:documents")).content.decode()
    assert "Siap ditandatangani" in page or "Belum siap" in page
    assert "Pelaksanaan pengumpulan data Triwulan I" in page  # the current year's reasons are listed
