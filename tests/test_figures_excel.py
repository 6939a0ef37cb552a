"""The unit's quarter as an Excel file: downloaded pre-filled and protected, filled offline, uploaded back."""

import io
import re
import zipfile
from decimal import Decimal as D

from django.urls import reverse

from reports.models import Indicator, Realisation, UnitSubmission

from .genuine_files import EXE, upload


def layanan(balangan):
    return Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan").responsible_unit


def url(unit, period="2026-TW4"):
    return reverse("reports:figures-excel", args=[period, unit.pk])


def sheet_of(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def with_sheet(data: bytes, sheet: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else source.read(name))
    return out.getvalue()


def put(sheet: str, ref: str, value) -> str:
    """Type into a cell as Excel stores it: text inline, a number as <v>."""
    if isinstance(value, str):
        cell = f'<c r="{ref}" s="1" t="inlineStr"><is><t>{value}</t></is></c>'
    else:
        cell = f'<c r="{ref}" s="1"><v>{value}</v></c>'
    return re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', cell, sheet, count=1)


def downloaded(client, unit) -> bytes:
    response = client.get(url(unit))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return response.content


def unit_indicators(unit):
    return list(
        Indicator.objects.filter(responsible_unit=unit, targets__year=2026)
        .distinct()
        .order_by("objective__order", "order")
    )


def test_the_download_is_protected_with_marked_inputs_and_hints(login, balangan):
    unit = layanan(balangan)
    sheet = sheet_of(downloaded(login("balangan.kasi-layanan"), unit))
    assert '<sheetProtection sheet="1"' in sheet
    assert "Jumlah pengunjung perpustakaan" in sheet and ">Realisasi<" in sheet
    assert '<c r="F4" s="1"' in sheet and '<c r="B4"' in sheet and '<c r="B4" s="1"' not in sheet
    assert "<dataValidation " in sheet and "n/a dengan alasan" in sheet


def test_a_filled_file_is_saved_as_a_draft_in_one_go(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = downloaded(client, unit)
    sheet = sheet_of(data)
    indicators = unit_indicators(unit)
    row_of = {int(m.group(2)): int(m.group(1)) for m in re.finditer(r'<c r="A(\d+)"><v>(\d+)</v>', sheet)}
    first, *rest = indicators
    sheet = put(sheet, f"F{row_of[first.pk]}", "12.750")
    sheet = put(sheet, f"H{row_of[first.pk]}", "Hujan deras")
    for other in rest:
        sheet = put(sheet, f"F{row_of[other.pk]}", 0.1)
    response = client.post(url(unit), {"file": upload("isi.xlsx", with_sheet(data, sheet))})
    assert response.status_code == 302
    saved = Realisation.objects.get(indicator=first, year=2026, quarter=4)
    assert saved.value == D(12750) and saved.obstacles == "Hujan deras"
    assert all(Realisation.objects.get(indicator=o, year=2026, quarter=4).value == D("0.1") for o in rest)
    assert UnitSubmission.objects.get(unit=unit, period="2026-TW4").state == "draft"


def test_bad_rows_are_listed_by_number_and_nothing_is_saved(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = downloaded(client, unit)
    sheet = put(put(sheet_of(data), "F4", "abc"), "F5", "n/a")
    response = client.post(url(unit), {"file": upload("isi.xlsx", with_sheet(data, sheet))})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Baris 4: “abc” bukan angka" in html and "Baris 5: Jelaskan mengapa" in html
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_a_wrong_column_is_refused_and_nothing_is_saved(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = downloaded(client, unit)
    sheet = put(sheet_of(data), "F4", "5").replace(">Realisasi<", ">Nilai<")
    response = client.post(url(unit), {"file": upload("isi.xlsx", with_sheet(data, sheet))})
    assert "Kolom F harus berjudul “Realisasi”" in response.content.decode()
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_an_exe_renamed_xlsx_is_refused(login, balangan):
    unit = layanan(balangan)
    response = login("balangan.kasi-layanan").post(url(unit), {"file": upload("isi.xlsx", EXE)})
    assert "ditolak" in response.content.decode()
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_another_agency_cannot_download_the_file(login, balangan):
    assert login("padangpanjang.kadis").get(url(layanan(balangan))).status_code == 404
