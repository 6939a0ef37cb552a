"""Targets in the browser: the planning staff enter the PK and Rencana Aksi targets until the PK is locked."""

import io
import re
import zipfile
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.achievement import TargetForm
from reports.models import Indicator, Target, TargetLock
from reports.services import target_set

from .genuine_files import upload


def visitors(agency):
    return Indicator.objects.get(objective__agency=agency, name="Jumlah pengunjung perpustakaan")


def url(year=2027):
    return reverse("reports:targets", args=[year])


def test_the_planning_staff_enter_targets_in_every_form(login, balangan):
    indicator = visitors(balangan)
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
    indicator = visitors(balangan)
    other = Indicator.objects.filter(objective__agency=balangan).exclude(pk=indicator.pk).first()
    response = login("balangan.sekretaris").post(url(), {f"t{indicator.pk}-annual": "80", f"t{other.pk}-q1": "20 – 10"})
    assert response.status_code == 400
    assert "Batas atas tidak boleh lebih kecil dari target." in response.content.decode()
    assert not Target.objects.filter(year=2027).exists()


def test_a_unit_head_cannot_enter_targets(login, balangan):
    indicator = visitors(balangan)
    response = login("balangan.kasi-layanan").post(url(), {f"t{indicator.pk}-annual": "80"})
    assert response.status_code == 403
    assert not Target.objects.filter(year=2027).exists()


def test_another_agency_sees_only_its_own_indicators(login, balangan):
    html = login("padangpanjang.perencana").get(url(2026)).content.decode()
    assert f"t{visitors(balangan).pk}-annual" not in html


def test_kunci_pk_freezes_the_years_targets(login, balangan):
    indicator = visitors(balangan)
    assert login("balangan.sekretaris").post(reverse("reports:targets-lock", args=[2027])).status_code == 302
    assert not TargetLock.objects.filter(agency=balangan, year=2027).exists()  # only the Kepala Dinas locks
    login("balangan.kadis").post(reverse("reports:targets-lock", args=[2027]))
    assert TargetLock.objects.filter(agency=balangan, year=2027).exists()
    response = login("balangan.sekretaris").post(url(), {f"t{indicator.pk}-annual": "80"})
    assert response.status_code == 400 and "sudah dikunci" in response.content.decode()
    with pytest.raises(ValidationError, match="Perjanjian Kinerja telah ditandatangani"):
        target_set(indicator=indicator, year=2027, value=D(80))
    assert not Target.objects.filter(year=2027).exists()


def test_targets_round_trip_through_excel(login, balangan):
    indicator = visitors(balangan)
    client = login("balangan.sekretaris")
    data = client.get(reverse("reports:targets-excel", args=[2027])).content
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    row = re.search(rf'<c r="A(\d+)"><v>{indicator.pk}</v>', sheet).group(1)
    sheet = re.sub(
        rf'<c r="D{row}"[^>]*/>', f'<c r="D{row}" s="1" t="inlineStr"><is><t>maksimal 1 %</t></is></c>', sheet
    )
    sheet = re.sub(rf'<c r="E{row}"[^>]*/>', f'<c r="E{row}" s="1"><v>25</v></c>', sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, sheet if name.endswith("sheet1.xml") else source.read(name))
    response = client.post(url(), {"file": upload("target.xlsx", out.getvalue())})
    assert response.status_code == 302
    annual = Target.objects.get(indicator=indicator, year=2027, quarter=None)
    assert annual.form == TargetForm.CEILING and annual.value == D(1)
    assert Target.objects.get(indicator=indicator, year=2027, quarter=1).value == D(25)


def test_a_targets_file_with_a_bad_row_saves_nothing(login, balangan):
    client = login("balangan.sekretaris")
    data = client.get(reverse("reports:targets-excel", args=[2027])).content
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<c r="D4"[^>]*/>', '<c r="D4" s="1" t="inlineStr"><is><t>sekitar</t></is></c>', sheet)
    sheet = re.sub(r'<c r="E5"[^>]*/>', '<c r="E5" s="1" t="inlineStr"><is><t>5</t></is></c>', sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, sheet if name.endswith("sheet1.xml") else source.read(name))
    response = client.post(url(), {"file": upload("target.xlsx", out.getvalue())})
    assert "Baris 4: Target PK" in response.content.decode()
    assert not Target.objects.filter(year=2027).exists()
