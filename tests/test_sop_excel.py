"""The SOP as an Excel workbook, and the browser pages that download and upload SOP files."""

import io
import json
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sopkinerja.common import xlsx
from workflow.models import Sop, SopVersion
from workflow.sop.exchange.excel import import_workbook, workbook_for
from workflow.sop.exchange.json_format import export_version, import_document

from .test_sop_exchange import agency_like, branching_document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edited(content: bytes, changes: dict[tuple[str, int, int], object]) -> bytes:
    """The workbook with some cells changed: (sheet, row number, column from 0) -> value."""
    sheets = xlsx.read_workbook(io.BytesIO(content))
    rebuilt = []
    for name in ("Identitas", "Pelaksana", "Langkah"):
        rows = {number: list(values) for number, values in sheets[name]}
        for (sheet, number, column), value in changes.items():
            if sheet == name:
                row = rows.setdefault(number, [])
                row.extend([None] * (column + 1 - len(row)))
                row[column] = value
        ordered = [rows.get(n, []) for n in range(1, max(rows) + 1)]
        rebuilt.append(xlsx.Sheet(name, ordered[0], ordered[1:]))
    return xlsx.write_workbook(rebuilt, {})


def upload(client, name: str, content: bytes):
    return client.post(reverse("workflow:sop-import"), {"file": SimpleUploadedFile(name, content)})


def test_the_blank_template_has_styled_headers_drop_downs_and_frozen_panes(login):
    response = login("balangan.kasubbag").get(reverse("workflow:sop-template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheets = xlsx.read_workbook(io.BytesIO(response.content))
    assert list(sheets) == ["Identitas", "Pelaksana", "Langkah", "Daftar"]
    assert sheets["Langkah"][0][1][:5] == ["No", "Kegiatan", "Pelaksana", "Simbol", "Keluar ke"]
    assert "Sekretaris" in [row[4] for _n, row in sheets["Daftar"][1:] if len(row) > 4]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        steps = archive.read("xl/worksheets/sheet3.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert 'state="frozen"' in steps and "<dataValidation " in steps and "<col " in steps
    assert 'name="Daftar" sheetId="4" state="hidden"' in workbook


def test_a_branching_sop_survives_the_excel_round_trip(balangan):
    version = import_document(balangan, branching_document(), user=None)
    first = export_version(version)
    copy = agency_like(balangan, "salinan-excel")
    imported = import_workbook(copy, io.BytesIO(workbook_for(balangan, version)), user=None)
    assert export_version(imported) == first


def test_the_filled_workbook_comes_back_into_the_same_sop_as_a_draft(login, sop000):
    client = login("balangan.kasubbag")
    response = client.get(reverse("workflow:sop-download", args=[sop000.pk, "xlsx"]))
    assert response.status_code == 200
    changed = edited(response.content, {("Langkah", 3, 1): "Merekap laporan kinerja triwulan dan semester"})
    response = upload(client, "sop-diisi.xlsx", changed)
    draft = SopVersion.objects.get(sop=sop000.sop, revision=1)
    assert response.status_code == 302 and response["Location"] == reverse("workflow:sop-detail", args=[draft.pk])
    assert draft.status == SopVersion.Status.DRAFT
    assert draft.steps.get(number=2).activity == "Merekap laporan kinerja triwulan dan semester"
    before, after = export_version(sop000), export_version(draft)
    assert [s for s in after["steps"] if s["number"] != 2] == [s for s in before["steps"] if s["number"] != 2]
    assert after["lists"] == before["lists"]


def test_three_bad_rows_are_all_listed_with_sheet_row_and_reason_and_nothing_is_saved(login, sop000):
    client = login("balangan.kasubbag")
    content = workbook_for(sop000.sop.agency, sop000)
    bad = edited(
        content,
        {
            ("Langkah", 2, 3): "Segitiga",  # step 1: no such symbol
            ("Langkah", 4, 6): "sebentar",  # step 3: unreadable Waktu
            ("Langkah", 6, 4): "Ya: 99",  # step 5: no step 99
        },
    )
    response = upload(client, "rusak.xlsx", bad)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert len(problems) == 3
    assert problems[0].startswith("Lembar Langkah, baris 2:") and "Simbol" in problems[0]
    assert problems[1].startswith("Lembar Langkah, baris 4:")
    assert problems[2].startswith("Lembar Langkah, baris 6:") and "99" in problems[2]
    assert not SopVersion.objects.filter(sop=sop000.sop, revision=1).exists()


def refusal(agency, content: bytes) -> list[str]:
    try:
        import_workbook(agency, io.BytesIO(content), user=None)
    except ValidationError as error:
        return error.messages
    raise AssertionError("the workbook was accepted")


def test_a_problem_found_after_reading_is_reported_on_the_row_of_its_step(balangan):
    version = import_document(balangan, branching_document(), user=None)
    content = workbook_for(balangan, version)
    copy = agency_like(balangan, "salinan-baris")
    # Step 3 recorded by the outside party: the step's own rule refuses it.
    [problem] = refusal(copy, edited(content, {("Langkah", 4, 11): "Pemohon"}))
    assert problem.startswith("Lembar Langkah, baris 4: Langkah 3:") and "Pemohon" in problem
    # An output too long for the format: the schema names the step by its place.
    [problem] = refusal(copy, edited(content, {("Langkah", 5, 7): "x" * 301}))
    assert problem.startswith("Lembar Langkah, baris 5: steps[3].output:")
    assert not Sop.objects.filter(agency=copy).exists()


def test_a_json_file_uploads_in_the_browser_as_a_draft(login, balangan):
    response = upload(login("balangan.kasubbag"), "sop.json", json.dumps(branching_document()).encode())
    version = SopVersion.objects.get(sop__agency=balangan, sop__number="SOP-UJI/01")
    assert response.status_code == 302 and version.status == SopVersion.Status.DRAFT


def test_a_renamed_file_is_refused_by_its_content(login):
    response = upload(login("balangan.kasubbag"), "sop.xlsx", b"PK\x03\x04 bukan buku kerja")
    assert "bukan buku kerja Excel (xlsx) yang asli" in response.context["problems"][0]


def test_another_agency_cannot_download_an_sop(login, sop000):
    client = login("padangpanjang.kasubbag")
    for kind in ("json", "xlsx"):
        assert client.get(reverse("workflow:sop-download", args=[sop000.pk, kind])).status_code == 404


def test_a_user_without_the_permission_cannot_open_the_import_page(login):
    assert login("balangan.sekretaris").get(reverse("workflow:sop-import")).status_code == 403


def test_the_sop_pages_offer_the_downloads(login, sop000):
    client = login("balangan.kasubbag")
    detail = client.get(reverse("workflow:sop-detail", args=[sop000.pk])).content.decode()
    home = client.get(reverse("workflow:home")).content.decode()
    download = reverse("workflow:sop-download", args=[sop000.pk, "xlsx"])
    assert download in detail and download in home
    assert reverse("workflow:sop-import") in home
    listing = client.get(reverse("workflow:sop-list")).content.decode()
    assert reverse("workflow:sop-import") in listing and reverse("workflow:sop-template") in listing


def test_the_import_page_shows_the_form_and_refuses_a_file_over_the_limit(login):
    client = login("balangan.kasubbag")
    page = client.get(reverse("workflow:sop-import")).content.decode()
    assert 'type="file"' in page and reverse("workflow:sop-template") in page
    response = upload(client, "besar.json", b" " * (5 * 1024 * 1024 + 1))
    assert response.context["problems"] == ["Berkas terlalu besar: paling banyak 5 MB."]


def test_a_date_number_outside_the_calendar_is_refused_as_a_date(login, sop000):
    content = workbook_for(sop000.sop.agency, sop000)
    identity = xlsx.read_workbook(io.BytesIO(content))["Identitas"]
    (made_on,) = [number for number, row in identity if row and row[0] == "Tanggal Pembuatan"]
    response = upload(login("balangan.kasubbag"), "tanggal.xlsx", edited(content, {("Identitas", made_on, 2): -693594}))
    assert response.status_code == 200
    assert any("Tanggal Pembuatan" in problem for problem in response.context["problems"])
    assert not SopVersion.objects.filter(sop=sop000.sop, revision=1).exists()
