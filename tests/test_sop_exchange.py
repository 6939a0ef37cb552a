"""SOP import and export in the open JSON format (workflow.sop.exchange.json_format)."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from workflow.models import Agency, LocalGovernment, Position, Sop, SopVersion, Unit
from workflow.sop.exchange.json_format import export_version, import_document
from workflow.sop.exchange.schema import schema_problems

from .conftest import user


def agency_like(source: Agency, slug: str) -> Agency:
    """A new agency with the same unit names and position titles as `source`."""
    government = LocalGovernment.objects.create(name=f"Kabupaten {slug}", kind="kabupaten", province="Riau")
    agency = Agency.objects.create(
        local_government=government, name=source.name, slug=slug, time_zone=source.time_zone, city="Contoh"
    )
    for unit in source.units.all():
        Unit.objects.create(agency=agency, name=unit.name, kind=unit.kind)
    for position in source.positions.all():
        Position.objects.create(agency=agency, title=position.title, rank=position.rank)
    return agency


def round_trip(version: SopVersion, slug: str) -> tuple[dict, dict]:
    first = export_version(version)
    # Through text, as a file would carry it.
    imported = import_document(
        agency_like(version.sop.agency, slug), json.loads(json.dumps(first)), user=None, keep_status=True
    )
    return first, export_version(imported)


def branching_document() -> dict:
    """Three-way decision, a forward jump, two ends, a step of two columns, an outside party."""
    step = {"requirements": [], "output": "Berkas", "remark": "", "cadence": "triwulan", "provenance": ""}
    return {
        "format": "sop-kinerja/sop",
        "version": 1,
        "number": "SOP-UJI/01",
        "unit": "Sekretariat",
        "name": "SOP Layanan Permohonan Data",
        "revision": 0,
        "status": "draft",
        "made_on": "2026-01-05",
        "revised_on": None,
        "effective_on": None,
        "approver": {"title": "", "name": "", "nip": ""},
        "prepared_by": "Penyusun",
        "checked_by": "Pemeriksa",
        "provenance": "Uji",
        "lists": {"dasar_hukum": [{"label": "a.", "text": "Undang-Undang 14/2008"}], "peringatan": []},
        "columns": [
            {"title": "Pemohon", "short_label": "", "kind": "outside", "position": None},
            {"title": "Sekretaris", "short_label": "Sekr.", "kind": "position", "position": "Sekretaris"},
            {
                "title": "Kasubbag",
                "short_label": "",
                "kind": "position",
                "position": "Kasubbag Perencanaan dan Keuangan",
            },
        ],
        "steps": [
            {
                **step,
                "number": 1,
                "activity": "Mengajukan permohonan",
                "actors": ["Pemohon"],
                "symbol": "terminator",
                "waktu": "Seketika",
            },
            {
                **step,
                "number": 2,
                "activity": "Memeriksa permohonan",
                "actors": ["Sekretaris"],
                "symbol": "decision",
                "waktu": "15 menit",
                "exits": [{"label": "Lengkap", "to": 3}, {"label": "Kurang", "to": 1}, {"label": "Ditolak", "to": 4}],
            },
            {
                **step,
                "number": 3,
                "activity": "Menyiapkan data bersama",
                "actors": ["Sekretaris", "Kasubbag"],
                "executor": "Kasubbag",
                "symbol": "process",
                "waktu": "1 hari",
                "exits": [{"label": "", "to": 5}],
                "requirements": ["Permohonan", "KTP"],
                "approver_position": "Kepala Seksi Layanan dan Pembudayaan Gemar Membaca",
                "collects_data": True,
            },
            {
                **step,
                "number": 4,
                "activity": "Menerima penolakan",
                "actors": ["Pemohon"],
                "symbol": "terminator",
                "waktu": "Menyesuaikan",
                "exits": [],
            },
            {
                **step,
                "number": 5,
                "activity": "Selesai",
                "actors": ["Pemohon"],
                "symbol": "terminator",
                "waktu": "Seketika",
                "exits": [],
            },
        ],
    }


def test_the_balangan_seed_survives_export_import_export_unchanged(sop000):
    first, second = round_trip(sop000, "salinan-balangan")
    assert second == first
    assert first["steps"][0]["waktu"] == "15 Menit"
    assert first["lists"]["peringatan"][0]["text"].startswith("Apabila Pengumpulan Data Kinerja")


def test_the_padang_panjang_seed_survives_export_import_export_unchanged(sop002):
    first, second = round_trip(sop002, "salinan-padang")
    assert second == first
    assert first["steps"][6]["exits"] == [{"label": "Ya", "to": 8}, {"label": "Tidak", "to": 5}]


def test_a_branching_sop_with_an_outside_party_round_trips(balangan):
    document = branching_document()
    version = import_document(balangan, document, user=None)
    first, second = round_trip(version, "salinan-cabang")
    assert second == first
    three = version.steps.get(number=3)
    assert [c.title for c in three.actor_columns()] == ["Sekretaris", "Kasubbag"]
    assert three.executor.title == "Kasubbag" and three.approver_position.title.startswith("Kepala Seksi")
    assert version.steps.get(number=2).exit_labels() == ["Lengkap", "Kurang", "Ditolak"]
    assert first["steps"][0]["executor"] == "Sekretaris"  # an outside party's step is recorded by a position
    assert first["steps"][3]["exits"] == [] and first["steps"][4]["exits"] == []  # two ends
    assert first["steps"][2]["exits"] == [{"label": "", "to": 5}]  # a jump over step 4
    assert first["lists"]["dasar_hukum"] == [{"label": "a.", "text": "Undang-Undang 14/2008"}]


def test_the_schema_rejects_a_malformed_file_with_the_path_of_each_problem(balangan):
    document = branching_document()
    document["steps"][1]["exits"][0]["to"] = "tiga"
    document["steps"][2]["symbol"] = "segitiga"
    del document["name"]
    document["warna"] = "merah"
    problems = schema_problems(document)
    assert any(p.startswith("steps[1].exits[0].to:") for p in problems)
    assert any(p.startswith("steps[2].symbol:") for p in problems)
    assert any(p.startswith("name:") for p in problems)
    assert any(p.startswith("warna:") for p in problems)
    with pytest.raises(ValidationError) as refusal:
        import_document(balangan, document, user=None)
    assert len(refusal.value.messages) == 4
    assert not Sop.objects.filter(number="SOP-UJI/01").exists()


def test_every_unknown_position_title_is_named_and_nothing_is_saved(padang_panjang):
    document = branching_document()  # Balangan's titles
    document["unit"] = "Sekretariat"
    with pytest.raises(ValidationError) as refusal:
        import_document(padang_panjang, document, user=None)
    text = " ".join(refusal.value.messages)
    assert "Kasubbag Perencanaan dan Keuangan" in text
    assert "Langkah 3" in text  # its approver position
    assert not Sop.objects.filter(agency=padang_panjang, number="SOP-UJI/01").exists()


def test_an_effective_file_imports_as_a_new_draft_revision_for_an_agency_user(sop000):
    document = export_version(sop000)
    draft = import_document(sop000.sop.agency, document, user=user("balangan.kasubbag"))
    assert draft.sop == sop000.sop
    assert draft.status == SopVersion.Status.DRAFT and draft.revision == 1
    assert draft.effective_on is None and draft.approver_name == ""
    assert export_version(draft)["steps"] == document["steps"]


def test_only_a_system_administrator_imports_a_file_as_signed_on_paper(balangan):
    with pytest.raises(PermissionDenied):
        import_document(balangan, branching_document(), user=user("balangan.kasubbag"), keep_status=True)


def test_another_agency_cannot_import_into_an_agency(balangan):
    with pytest.raises(PermissionDenied):
        import_document(balangan, branching_document(), user=user("padangpanjang.kasubbag"))
    assert not Sop.objects.filter(number="SOP-UJI/01").exists()


def test_the_commands_export_and_import_a_json_file(balangan, tmp_path):
    target = tmp_path / "sop.json"
    call_command("export_sop", "--agency", "balangan", "--number", "SOP – 01/DISPERSIP", "-o", str(target))
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["number"] == "SOP – 01/DISPERSIP"
    copy_ = agency_like(balangan, "salinan-perintah")
    call_command("import_sop", "--agency", copy_.slug, "--signed-on-paper", str(target))
    imported = Sop.objects.get(agency=copy_).current_version()
    assert export_version(imported) == document


def test_the_import_command_fails_and_lists_the_problems_of_a_bad_file(balangan, tmp_path):
    document = copy.deepcopy(branching_document())
    document["steps"][0]["symbol"] = "lingkaran"
    document["columns"][1]["position"] = "Jabatan Tak Dikenal"
    source = tmp_path / "rusak.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    # From a shell, a CommandError is the message on stderr and exit code 1.
    with pytest.raises(CommandError) as failure:
        call_command("import_sop", "--agency", "balangan", str(source))
    assert failure.value.returncode == 1
    assert "steps[0].symbol" in str(failure.value)
    assert not Sop.objects.filter(number="SOP-UJI/01").exists()


def test_the_export_command_refuses_an_unknown_agency(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_sop", "--agency", "tidak-ada", "-o", str(tmp_path / "x.json"))


def test_the_commands_carry_an_sop_through_an_excel_file(padang_panjang, tmp_path):
    target = tmp_path / "sop.xlsx"
    call_command("export_sop", "--agency", "padang-panjang", "-o", str(target))
    copy_ = agency_like(padang_panjang, "salinan-xlsx")
    call_command("import_sop", "--agency", copy_.slug, "--signed-on-paper", str(target))
    original = Sop.objects.get(agency=padang_panjang).current_version()
    assert export_version(Sop.objects.get(agency=copy_).current_version()) == export_version(original)
