"""The unit's quarter as an Excel file: downloaded pre-filled and protected, filled offline, uploaded back."""

import io
import zipfile
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Indicator, Realisation, UnitSubmission

from .figures_helpers import layanan
from .genuine_files import EXE, upload


def url(unit, period="2026-TW4"):
    return reverse("reports:figures-excel", args=[period, unit.pk])


def opened(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def filled(data: bytes, typed: dict) -> bytes:
    """Type into cells and save, as someone filling the file in Excel would: text or a number."""
    book = load_workbook(io.BytesIO(data))
    for ref, value in typed.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_by_indicator(data: bytes) -> dict[int, int]:
    sheet = opened(data)
    return {int(row[0].value): row[0].row for row in sheet.iter_rows(min_row=4) if row[0].value is not None}


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
    sheet = opened(downloaded(login("balangan.kasi-layanan"), unit))
    assert sheet.protection.sheet
    assert sheet["F3"].value == "Realisasi"
    assert "Jumlah pengunjung perpustakaan" in [cell.value for cell in sheet["B"]]
    assert sheet["F4"].protection.locked is False and sheet["F4"].fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet["B4"].protection.locked is True
    prompts = [validation.prompt for validation in sheet.data_validations.dataValidation]
    assert any("n/a dengan alasan" in prompt for prompt in prompts)


def test_a_filled_file_is_saved_as_a_draft_in_one_go(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = downloaded(client, unit)
    row_of = rows_by_indicator(data)
    first, *rest = unit_indicators(unit)
    typed = {f"F{row_of[first.pk]}": "12.750", f"H{row_of[first.pk]}": "Hujan deras"}
    typed |= {f"F{row_of[other.pk]}": 0.1 for other in rest}  # a number typed into a cell
    response = client.post(url(unit), {"file": upload("isi.xlsx", filled(data, typed))})
    assert response.status_code == 302
    saved = Realisation.objects.get(indicator=first, year=2026, quarter=4)
    assert saved.value == D(12750) and saved.obstacles == "Hujan deras"
    assert all(Realisation.objects.get(indicator=o, year=2026, quarter=4).value == D("0.1") for o in rest)
    assert UnitSubmission.objects.get(unit=unit, period="2026-TW4").state == "draft"


def test_bad_rows_are_listed_by_number_and_nothing_is_saved(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = filled(downloaded(client, unit), {"F4": "abc", "F5": "n/a"})
    response = client.post(url(unit), {"file": upload("isi.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Baris 4: “abc” bukan angka" in html and "Baris 5: Jelaskan mengapa" in html
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_a_wrong_column_is_refused_and_nothing_is_saved(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = filled(downloaded(client, unit), {"F4": "5", "F3": "Nilai"})
    response = client.post(url(unit), {"file": upload("isi.xlsx", data)})
    assert "Kolom F harus berjudul “Realisasi”" in response.content.decode()
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_an_exe_renamed_xlsx_is_refused(login, balangan):
    unit = layanan(balangan)
    response = login("balangan.kasi-layanan").post(url(unit), {"file": upload("isi.xlsx", EXE)})
    assert "ditolak" in response.content.decode()
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_another_agency_cannot_download_the_file(login, balangan):
    assert login("padangpanjang.kadis").get(url(layanan(balangan))).status_code == 404


def test_a_workbook_that_unpacks_too_big_is_refused_and_nothing_is_saved(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = filled(downloaded(client, unit), {"F4": "5"})
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("xl/media/padding.bin", b"\0" * (21 * 1024 * 1024))  # a few kB packed
    assert len(bomb.getvalue()) < 1024 * 1024
    response = client.post(url(unit), {"file": upload("isi.xlsx", bomb.getvalue())})
    page = response.content.decode()
    # Refused by the upload's bomb check (from the zip's directory) or the workbook reader's size check.
    assert "Berkas Excel terlalu besar" in page or "bom dekompresi" in page
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()
