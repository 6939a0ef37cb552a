"""Files that used to make a server error on import: each is now refused with a reason, nothing saved.
Deep JSON, NUL and lone surrogates, DTD entities and XXE in a workbook, odd digits, a racing SOP
number, and the same through `manage.py import_sop`."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Realisation, Target
from reports.performance import excel as reports_excel
from workflow.models import Sop, SopVersion
from workflow.sop.exchange.files import sop_import_file
from workflow.sop.exchange.json_format import export_version, import_document

from .test_figures_excel import downloaded, filled, layanan
from .test_figures_excel import url as figures_url
from .test_sop_exchange import branching_document

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def import_page(client, name: str, content: bytes):
    return client.post(reverse("workflow:sop-import"), {"file": SimpleUploadedFile(name, content)})


def versions() -> int:
    return SopVersion.objects.count()


def with_doctype(content: bytes, part: str, doctype: str, entity: str = "") -> bytes:
    """The workbook with a DTD put before the root element of one XML part (and an entity used in it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert part in source.namelist()
        for name in source.namelist():
            data = source.read(name)
            if name == part:
                text = data.decode()
                root = text.index("<", text.index("?>") + 2 if text.startswith("<?xml") else 0)
                text = text[:root] + doctype + text[root:]
                if entity:
                    text = text.replace("<v>", f"<v>{entity}", 1)
                data = text.encode()
            target.writestr(name, data)
    return out.getvalue()


def nested(depth: int) -> bytes:
    return b'{"format": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_json_file_nested_deeply_is_refused_naming_the_limit(login, balangan, depth):
    before = versions()
    response = import_page(login("balangan.kasubbag"), "sop.json", nested(depth))
    assert response.status_code == 200
    assert "bersarang lebih dari 8 tingkat" in response.content.decode()
    assert versions() == before


@pytest.mark.parametrize("text", ["Terima\x00berkas", "Terima \ud800 berkas"])
def test_a_json_text_with_a_nul_or_a_lone_surrogate_is_refused_and_nothing_saved(login, balangan, text):
    document = branching_document()
    document["steps"][1]["activity"] = text
    content = json.dumps(document).encode()  # \u0000 and \ud800 as JSON escapes, as an attacker writes them
    before = versions()
    response = import_page(login("balangan.kasubbag"), "sop.json", content)
    assert "steps[1].activity: memuat karakter yang tidak dapat disimpan" in response.content.decode()
    assert versions() == before


def test_a_json_number_of_five_thousand_digits_is_refused(login, balangan):
    content = json.dumps(branching_document()).replace('"revision": 0', '"revision": ' + "9" * 5000).encode()
    response = import_page(login("balangan.kasubbag"), "sop.json", content)
    assert "lebih dari 20 digit" in response.content.decode()


def test_a_json_step_number_beyond_the_limit_is_refused_by_the_schema(balangan):
    document = branching_document()
    document["steps"][0]["number"] = 40_000  # beyond the model's small integer
    with pytest.raises(ValidationError) as refused:
        import_document(balangan, document, user=None)
    assert "steps[0].number: paling besar 9999." in refused.value.messages


@pytest.fixture
def sop_workbook(login, balangan):
    """The Balangan effective SOP as downloaded, and a client allowed to import."""
    client = login("balangan.kasubbag")
    version = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    return client, client.get(reverse("workflow:sop-download", args=[version.pk, "xlsx"])).content


def edited(content: bytes, sheet: str, ref: str, value) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("sheet", "ref", "value", "reason"),
    [
        ("Langkah", "A2", "²", "No harus bilangan bulat dari 1 sampai 9999."),
        ("Langkah", "A2", "9" * 5000, "No harus bilangan bulat dari 1 sampai 9999."),
        ("Langkah", "E2", "Ya: " + "7" * 5000, "Keluar ke harus ditulis seperti"),
        ("Identitas", "C5", "³", "Revisi harus bilangan bulat dari 0 sampai 9999."),
    ],
)
def test_odd_digits_in_a_workbook_are_refused_on_their_row(sop_workbook, sheet, ref, value, reason):
    client, content = sop_workbook
    before = versions()
    response = import_page(client, "sop.xlsx", edited(content, sheet, ref, value))
    assert response.status_code == 200 and reason in response.content.decode()
    assert versions() == before


@pytest.mark.parametrize("part", ["xl/worksheets/sheet3.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_billion_laughs_in_an_sop_workbook_is_refused(sop_workbook, part):
    client, content = sop_workbook
    before = versions()
    response = import_page(client, "sop.xlsx", with_doctype(content, part, LAUGHS))
    assert response.status_code == 200 and "tidak dapat dibaca sebagai buku kerja Excel" in response.content.decode()
    assert versions() == before


def test_an_external_entity_in_an_sop_workbook_is_refused_and_nothing_leaks(sop_workbook):
    client, content = sop_workbook
    response = import_page(client, "sop.xlsx", with_doctype(content, "xl/worksheets/sheet3.xml", XXE, "&xxe;"))
    page = response.content.decode()
    assert response.status_code == 200 and "tidak dapat dibaca sebagai buku kerja Excel" in page
    assert "root:" not in page


@pytest.mark.parametrize("doctype", [LAUGHS, XXE])
def test_dtd_entities_in_the_figures_upload_are_refused_and_nothing_saved(login, balangan, doctype):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = with_doctype(filled(downloaded(client, unit), {"F4": "5"}), "xl/worksheets/sheet1.xml", doctype)
    response = client.post(figures_url(unit), {"file": SimpleUploadedFile("isi.xlsx", data)})
    page = response.content.decode()
    # Refused by the upload's content check or by the workbook reader, whichever sees the DTD first.
    assert response.status_code == 400 and ("bukan buku kerja Excel" in page or "tidak dapat dibongkar" in page)
    assert not Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4).exists()


def test_dtd_entities_in_the_targets_upload_are_refused_and_nothing_saved(login, balangan):
    client = login("balangan.sekretaris")
    data = client.get(reverse("reports:targets-excel", args=[2027])).content
    data = with_doctype(data, "xl/workbook.xml", LAUGHS)
    response = client.post(reverse("reports:targets", args=[2027]), {"file": SimpleUploadedFile("t.xlsx", data)})
    page = response.content.decode()
    assert response.status_code == 400 and ("bukan buku kerja Excel" in page or "tidak dapat dibongkar" in page)
    assert not Target.objects.filter(year=2027).exists()


class IntLike(type):
    def __instancecheck__(cls, instance):
        return isinstance(instance, int)


@pytest.mark.parametrize("typed", ["1e1000000", "1e300000", 1e300, "²"])
def test_an_id_cell_holding_a_huge_number_is_refused_without_expanding_it(login, balangan, monkeypatch, typed):
    converted = []

    class CountingInt(metaclass=IntLike):
        """int, as the reader's module sees it, noting every value converted."""

        def __new__(cls, value, *args):
            converted.append(value)
            return int(value, *args)

    monkeypatch.setattr(reports_excel, "int", CountingInt, raising=False)
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    data = filled(downloaded(client, unit), {"A4": typed, "F4": "5"})
    response = client.post(figures_url(unit), {"file": SimpleUploadedFile("isi.xlsx", data)})
    assert response.status_code == 400
    assert "Baris 4: ID di kolom A bukan indikator halaman ini." in response.content.decode()
    assert not any(isinstance(value, Decimal) and value.adjusted() > 18 for value in converted)


def test_two_imports_racing_for_the_same_new_sop_number_give_a_form_error(balangan, monkeypatch):
    """The second import checked the number before the first saved it: the constraint's message."""
    document = branching_document()
    real_full_clean = Sop.full_clean

    def full_clean_then_lose_the_race(sop, *args, **kwargs):
        real_full_clean(sop, *args, **kwargs)
        Sop.objects.create(agency=sop.agency, number=sop.number)  # the other import, committed meanwhile

    monkeypatch.setattr(Sop, "full_clean", full_clean_then_lose_the_race)
    before = versions()
    with pytest.raises(ValidationError) as refused:
        import_document(balangan, document, user=None)
    assert refused.value.messages == ["Dinas ini sudah memiliki SOP dengan nomor tersebut."]
    assert versions() == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [(nested(5_000), "bersarang lebih dari 8 tingkat"), (None, "memuat karakter yang tidak dapat disimpan")],
)
def test_the_import_command_prints_one_line_for_a_deep_or_nul_file(balangan, tmp_path, content, reason):
    if content is None:
        document = export_version(SopVersion.objects.filter(sop__agency=balangan).first())
        document["name"] = "SOP\x00"
        content = json.dumps(document).encode()
    path = tmp_path / "sop.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as failed:
        call_command("import_sop", "--agency", balangan.slug, str(path))
    assert reason in str(failed.value) and "Traceback" not in str(failed.value)


def test_the_service_refuses_a_deep_file_as_a_validation_error(balangan):
    with pytest.raises(ValidationError):
        sop_import_file(agency=balangan, name="sop.json", stream=io.BytesIO(nested(100_000)), user=None)
