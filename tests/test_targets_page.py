"""Targets in the browser: the planning staff enter the PK and Rencana Aksi targets until the PK is locked."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Indicator, Target, TargetLock
from reports.performance.achievement import TargetForm
from reports.performance.services import target_set

from .figures_helpers import library_visitors
from .genuine_files import upload


def url(year=2027):
    return reverse("reports:targets", args=[year])


def test_the_planning_staff_enter_targets_in_every_form(login, balangan):
    indicator = library_visitors(balangan)
    prefix = f"t{indicator.pk}"
    response = login("balangan.sekretaris").post(
        url(),
        {
            f"{prefix}-annual": "minimal 40.000",
            f"{prefix}-q1": "1:32",
            f"{prefix}-q2": "maksimal 1 %",
            f"{prefix}-q3": "9.000 – 11.000",
            f"{prefix}-q4": "0,2775",
        },
    )
    assert response.status_code == 302
    targets = {t.quarter: t for t in Target.objects.filter(indicator=indicator, year=2027)}
    assert targets[None].form == TargetForm.FLOOR and targets[None].value == D(40000)
    assert targets[1].form == TargetForm.RATIO and targets[1].value == D(32)
    assert targets[2].form == TargetForm.CEILING and targets[2].value == D(1)
    assert targets[3].form == TargetForm.RANGE and targets[3].upper_value == D(11000)
    assert targets[4].value == D("0.2775")


def test_a_bad_target_saves_nothing_and_says_why(login, balangan):
    indicator = library_visitors(balangan)
    other = Indicator.objects.filter(objective__agency=balangan).exclude(pk=indicator.pk).first()
    response = login("balangan.sekretaris").post(url(), {f"t{indicator.pk}-annual": "80", f"t{other.pk}-q1": "20 – 10"})
    assert response.status_code == 400
    assert "Batas atas tidak boleh lebih kecil dari target." in response.content.decode()
    assert not Target.objects.filter(year=2027).exists()


def test_a_unit_head_cannot_enter_targets(login, balangan):
    indicator = library_visitors(balangan)
    response = login("balangan.kasi-layanan").post(url(), {f"t{indicator.pk}-annual": "80"})
    assert response.status_code == 403
    assert not Target.objects.filter(year=2027).exists()


def test_another_agency_sees_only_its_own_indicators(login, balangan):
    html = login("padangpanjang.perencana").get(url(2026)).content.decode()
    assert f"t{library_visitors(balangan).pk}-annual" not in html


def test_kunci_pk_freezes_the_years_targets(login, balangan):
    indicator = library_visitors(balangan)
    for each in Indicator.objects.filter(objective__agency=balangan):
        for quarter in (None, 1, 2, 3, 4):
            target_set(indicator=each, year=2027, quarter=quarter, value=D(70))
    assert login("balangan.sekretaris").post(reverse("reports:targets-lock", args=[2027])).status_code == 302
    assert not TargetLock.objects.filter(agency=balangan, year=2027).exists()  # only the Kepala Dinas locks
    login("balangan.kadis").post(reverse("reports:targets-lock", args=[2027]))
    assert TargetLock.objects.filter(agency=balangan, year=2027).exists()
    response = login("balangan.sekretaris").post(url(), {f"t{indicator.pk}-annual": "80"})
    assert response.status_code == 400 and "sudah dikunci" in response.content.decode()
    with pytest.raises(ValidationError, match="Target tahun 2027 sudah dikunci."):
        target_set(indicator=indicator, year=2027, value=D(80))
    assert Target.objects.get(indicator=indicator, year=2027, quarter=None).value == D(70)


def _filled(data: bytes, typed: dict) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for ref, value in typed.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_targets_round_trip_through_excel(login, balangan):
    indicator = library_visitors(balangan)
    client = login("balangan.sekretaris")
    data = client.get(reverse("reports:targets-excel", args=[2027])).content
    sheet = load_workbook(io.BytesIO(data)).active
    row = next(cells[0].row for cells in sheet.iter_rows(min_row=4) if cells[0].value == indicator.pk)
    data = _filled(data, {f"D{row}": "maksimal 1 %", f"E{row}": 25})
    response = client.post(url(), {"file": upload("target.xlsx", data)})
    assert response.status_code == 302
    annual = Target.objects.get(indicator=indicator, year=2027, quarter=None)
    assert annual.form == TargetForm.CEILING and annual.value == D(1)
    assert Target.objects.get(indicator=indicator, year=2027, quarter=1).value == D(25)


def test_a_targets_file_with_a_bad_row_saves_nothing(login, balangan):
    client = login("balangan.sekretaris")
    data = client.get(reverse("reports:targets-excel", args=[2027])).content
    data = _filled(data, {"D4": "sekitar", "E5": "5"})
    response = client.post(url(), {"file": upload("target.xlsx", data)})
    assert "Baris 4: Target PK" in response.content.decode()
    assert not Target.objects.filter(year=2027).exists()
