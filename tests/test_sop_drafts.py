"""Drafts that can be fixed: deleting a never-signed draft, replacing it by a corrected file after a
confirmation, an identity page without steps, the approver's position kept in a draft, errors that
name their field, and the dates offices type in the Excel workbook."""

import copy
import io
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import Sop, SopVersion, Step
from workflow.runs.services import run_start
from workflow.sop.editor import DraftIdentity, sop_draft_create, sop_draft_save, sop_draft_submit_for_signature
from workflow.sop.exchange.excel import import_workbook, workbook_for
from workflow.sop.exchange.json_format import export_version, import_document
from workflow.sop.services import (
    ExecutorSpec,
    StepSpec,
    sop_draft_delete,
    sop_version_hold_for_signing,
    sop_version_revise,
)

from .conftest import user
from .test_sop_excel import edited
from .test_sop_exchange import branching_document

AUTHOR = "balangan.kasubbag"


def _upload(client, name: str, content: bytes):
    return client.post(reverse("workflow:sop-import"), {"file": SimpleUploadedFile(name, content)})


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def identity_only() -> dict:
    document = branching_document()
    document.update(columns=[], steps=[], number="SOP-IDENTITAS/01")
    document["approver"] = {"title": "Kepala Dinas Perpustakaan dan Kearsipan", "name": "", "nip": ""}
    return document


# --- Deleting a draft -----------------------------------------------------------------------------


def test_an_author_deletes_a_never_signed_draft_and_the_sop_goes_with_its_only_version(balangan, caplog):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    sop_id = draft.sop_id
    with caplog.at_level(logging.INFO, logger="sopkinerja.sop"):
        remaining = sop_draft_delete(version=draft, user=user(AUTHOR))
    assert remaining is None
    assert not Sop.objects.filter(pk=sop_id).exists() and not Step.objects.filter(version_id=draft.pk).exists()
    assert "deleted by balangan.kasubbag" in caplog.text


def test_deleting_a_new_revision_keeps_the_signed_sop_and_its_effective_version(sop000):
    draft = sop_version_revise(version=sop000, user=user(AUTHOR))
    assert draft.steps.count() == 9
    assert sop_draft_delete(version=draft, user=user(AUTHOR)) == sop000.sop
    sop000.refresh_from_db()
    assert sop000.status == SopVersion.Status.EFFECTIVE and sop000.steps.count() == 9
    assert list(sop000.sop.versions.all()) == [sop000]


def test_a_signed_version_is_never_deleted_and_the_refusal_says_why(sop000):
    with pytest.raises(ValidationError) as refusal:
        sop_draft_delete(version=sop000, user=user(AUTHOR))
    assert "sudah ditandatangani" in refusal.value.messages[0] and "revisi baru" in refusal.value.messages[0]
    assert SopVersion.objects.filter(pk=sop000.pk).exists()


def test_a_draft_held_for_signing_is_not_deleted(sop000):
    draft = sop_version_revise(version=sop000, user=user(AUTHOR))
    sop_version_hold_for_signing(version=draft, since=timezone.now())
    with pytest.raises(ValidationError) as refusal:
        sop_draft_delete(version=draft, user=user(AUTHOR))
    assert "disiapkan untuk ditandatangani" in refusal.value.messages[0]
    assert SopVersion.objects.filter(pk=draft.pk).exists()


def test_someone_who_may_not_author_cannot_delete_a_draft(balangan):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    with pytest.raises(PermissionDenied):
        sop_draft_delete(version=draft, user=user("balangan.sekretaris"))
    assert SopVersion.objects.filter(pk=draft.pk).exists()


def test_an_author_of_another_agency_cannot_delete_a_draft(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    with pytest.raises(PermissionDenied):
        sop_draft_delete(version=draft, user=user("padangpanjang.kasubbag"))
    response = login("padangpanjang.kasubbag").post(reverse("workflow:sop-delete", args=[draft.pk]))
    assert response.status_code == 404
    assert SopVersion.objects.filter(pk=draft.pk).exists()


def test_the_sop_page_deletes_a_draft_only_after_its_confirmation_page(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    client = login(AUTHOR)
    assert (
        reverse("workflow:sop-delete", args=[draft.pk])
        in client.get(reverse("workflow:sop-detail", args=[draft.pk])).content.decode()
    )
    page = client.get(reverse("workflow:sop-delete", args=[draft.pk]))
    assert page.status_code == 200 and "Hapus draf?" in page.content.decode()
    assert "SOP-nya ikut dihapus" in page.content.decode()
    assert SopVersion.objects.filter(pk=draft.pk).exists()
    response = client.post(reverse("workflow:sop-delete", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("workflow:sop-list")
    assert not SopVersion.objects.filter(pk=draft.pk).exists()


def test_the_delete_page_of_a_signed_version_says_why_and_deletes_nothing(sop000, login):
    response = login(AUTHOR).post(reverse("workflow:sop-delete", args=[sop000.pk]), follow=True)
    assert "sudah ditandatangani" in response.content.decode()
    assert SopVersion.objects.filter(pk=sop000.pk).exists()


def test_the_admin_deletes_a_draft_sop_with_its_steps(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    client = login(AUTHOR)
    url = reverse("admin:workflow_sop_delete", args=[draft.sop_id])
    page = client.get(url)
    assert page.status_code == 200 and "Tidak dapat menghapus" not in page.content.decode()
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Sop.objects.filter(pk=draft.sop_id).exists()


def test_the_admin_deletes_a_draft_version_and_keeps_the_signed_one(sop000, login):
    draft = sop_version_revise(version=sop000, user=user(AUTHOR))
    response = login(AUTHOR).post(reverse("admin:workflow_sopversion_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert list(sop000.sop.versions.all()) == [sop000]


def test_the_admin_does_not_delete_a_signed_sop(sop000, login):
    client = login(AUTHOR)
    response = client.post(reverse("admin:workflow_sop_delete", args=[sop000.sop_id]), {"post": "yes"})
    assert response.status_code == 403
    assert SopVersion.objects.filter(pk=sop000.pk).exists()


# --- Replacing a draft by a corrected file ----------------------------------------------------------


def corrected(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["name"] = "SOP Layanan Permohonan Data (perbaikan)"
    document["steps"][1]["waktu"] = "30 menit"
    del document["steps"][3]  # step 4 goes; step 2's "Ditolak" now leads to the end
    document["steps"][1]["exits"][2]["to"] = 5
    return document


def test_reimporting_a_corrected_file_shows_what_changes_and_saves_nothing_before_the_confirmation(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    before = export_version(draft)
    response = _upload(login(AUTHOR), "perbaikan.json", _json(corrected(branching_document())))
    assert response.status_code == 200 and "Ganti draf?" in response.content.decode()
    changes = response.context["changes"]
    assert "Isian identitas yang berubah: Nama SOP." in changes
    assert "Langkah yang dihapus: 4." in changes
    assert "Langkah yang berubah: 2 (Keluar ke, Waktu)." in changes
    assert export_version(SopVersion.objects.get(pk=draft.pk)) == before


def test_confirming_replaces_the_draft_with_the_file_as_the_same_revision(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    client = login(AUTHOR)
    page = _upload(client, "perbaikan.json", _json(corrected(branching_document())))
    response = client.post(reverse("workflow:sop-import"), {"sealed": page.context["sealed"]})
    replaced = SopVersion.objects.get(sop=draft.sop, status=SopVersion.Status.DRAFT)
    assert response.status_code == 302 and response["Location"] == reverse("workflow:sop-detail", args=[replaced.pk])
    assert replaced.revision == draft.revision and replaced.name.endswith("(perbaikan)")
    assert [s.number for s in replaced.steps.all()] == [1, 2, 3, 5]
    assert draft.sop.versions.count() == 1


def test_an_excel_file_replaces_the_draft_after_confirmation(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    client = login(AUTHOR)
    content = edited(workbook_for(balangan, draft), {("Langkah", 3, 7): "Berkas permohonan"})
    page = _upload(client, "perbaikan.xlsx", content)
    assert page.context["changes"] == ["Langkah yang berubah: 2 (Output)."]
    client.post(reverse("workflow:sop-import"), {"sealed": page.context["sealed"]})
    replaced = SopVersion.objects.get(sop=draft.sop, status=SopVersion.Status.DRAFT)
    assert replaced.steps.get(number=2).output == "Berkas permohonan"


def test_a_draft_changed_after_the_confirmation_page_is_not_replaced(balangan, login):
    draft = import_document(balangan, branching_document(), user=user(AUTHOR))
    client = login(AUTHOR)
    page = _upload(client, "perbaikan.json", _json(corrected(branching_document())))
    SopVersion.objects.filter(pk=draft.pk).update(name="Diubah di editor sementara itu")
    response = client.post(reverse("workflow:sop-import"), {"sealed": page.context["sealed"]})
    assert "Draf berubah setelah Anda menyetujui" in " ".join(response.context["problems"])
    assert SopVersion.objects.get(pk=draft.pk).name == "Diubah di editor sementara itu"


def test_a_tampered_confirmation_is_refused(balangan, login):
    import_document(balangan, branching_document(), user=user(AUTHOR))
    response = login(AUTHOR).post(reverse("workflow:sop-import"), {"sealed": "palsu:123"})
    assert response.status_code == 200
    assert "kedaluwarsa atau rusak" in " ".join(response.context["problems"])


def test_an_import_never_replaces_a_draft_held_for_signing(sop000, login):
    draft = sop_version_revise(version=sop000, user=user(AUTHOR))
    sop_version_hold_for_signing(version=draft, since=timezone.now())
    response = _upload(login(AUTHOR), "ulang.json", _json(export_version(sop000)))
    assert "disiapkan untuk ditandatangani" in " ".join(response.context["problems"])
    assert SopVersion.objects.filter(pk=draft.pk).exists() and sop000.sop.versions.count() == 2


def test_without_confirmation_an_import_into_an_sop_with_a_draft_is_refused(balangan):
    import_document(balangan, branching_document(), user=user(AUTHOR))
    with pytest.raises(ValidationError) as refusal:
        import_document(balangan, corrected(branching_document()), user=user(AUTHOR))
    assert "setujui bahwa berkas itu menggantikan draf" in refusal.value.messages[0]


# --- An identity page without steps ---------------------------------------------------------------


def test_an_identity_page_without_steps_imports_as_a_draft_from_json(balangan):
    draft = import_document(balangan, identity_only(), user=user(AUTHOR))
    assert draft.status == SopVersion.Status.DRAFT and draft.steps.count() == 0 and draft.executors.count() == 0
    assert draft.list_items("dasar_hukum") == ["Undang-Undang 14/2008"]


def test_an_identity_page_without_steps_imports_as_a_draft_from_excel(balangan):
    content = edited(
        workbook_for(balangan),
        {("Identitas", 2, 2): "SOP-IDENTITAS/02", ("Identitas", 4, 2): "SOP Identitas Saja"},
    )
    draft = import_workbook(balangan, io.BytesIO(content), user=user(AUTHOR))
    assert draft.name == "SOP Identitas Saja" and draft.steps.count() == 0


def test_an_identity_only_draft_gets_its_steps_in_the_editor_later(balangan, positions_of_balangan):
    draft = import_document(balangan, identity_only(), user=user(AUTHOR))
    sop_draft_save(
        version=draft,
        user=user(AUTHOR),
        identity=DraftIdentity(number=draft.sop.number, name=draft.name, unit=draft.sop.unit, made_on=draft.made_on),
        executors=[ExecutorSpec("Sekretaris", positions_of_balangan["sekretaris"])],
        steps=[StepSpec(1, "Mulai", "Seketika", "Berkas", actors=["Sekretaris"], symbol=Step.Symbol.TERMINATOR)],
        lists={},
    )
    assert draft.steps.count() == 1


def test_an_identity_only_draft_cannot_be_submitted_for_signature_and_says_why(balangan):
    draft = import_document(balangan, identity_only(), user=user(AUTHOR))
    with pytest.raises(ValidationError) as refusal:
        sop_draft_submit_for_signature(version=draft, user=user(AUTHOR))
    assert "SOP belum memiliki langkah" in " ".join(refusal.value.messages)


def test_an_identity_only_draft_cannot_be_run_and_says_why(balangan):
    draft = import_document(balangan, identity_only(), user=user(AUTHOR))
    with pytest.raises(WorkflowRefused) as refusal:
        run_start(version=draft, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))
    assert "berlaku" in str(refusal.value)


@pytest.fixture
def positions_of_balangan(balangan):
    return {"sekretaris": balangan.positions.get(rank="sekretaris")}


# --- The approver's position title ---------------------------------------------------------------


def test_a_draft_keeps_the_approvers_position_title_from_the_file_and_waits_for_the_name(sop000):
    document = export_version(sop000)
    draft = import_document(sop000.sop.agency, document, user=user(AUTHOR))
    assert draft.approver_title == sop000.approver_title != ""
    assert draft.approver_name == "" and draft.approver_nip == "" and draft.effective_on is None


def test_a_new_revision_keeps_the_approvers_position_title_and_waits_for_the_name_and_nip(sop000):
    assert sop000.approver_title and sop000.approver_name
    draft = sop_version_revise(version=sop000, user=user(AUTHOR))
    assert draft.approver_title == sop000.approver_title
    assert (draft.approver_name, draft.approver_nip, draft.effective_on) == ("", "", None)


def test_the_editor_saves_the_approvers_position_title(balangan):
    draft = sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="SOP Baru")
    identity = DraftIdentity(number="", name="SOP Baru", approver_title="Kepala Dinas Perpustakaan dan Kearsipan")
    sop_draft_save(version=draft, user=user(AUTHOR), identity=identity, executors=[], steps=[], lists={})
    draft.refresh_from_db()
    assert draft.approver_title == "Kepala Dinas Perpustakaan dan Kearsipan" and draft.approver_name == ""


# --- Errors that name their field -----------------------------------------------------------------


def test_an_empty_output_in_a_json_file_is_named_in_the_error(balangan):
    document = branching_document()
    document["steps"][2]["output"] = ""
    with pytest.raises(ValidationError) as refusal:
        import_document(balangan, document, user=user(AUTHOR))
    assert refusal.value.messages[0].startswith("Langkah 3: Output: ")


def test_an_empty_output_in_the_excel_file_is_named_on_its_row(balangan):
    version = import_document(balangan, branching_document(), user=None, keep_status=False)
    content = edited(workbook_for(balangan, version), {("Langkah", 4, 7): ""})
    sop_draft_delete(version=version, user=None)
    with pytest.raises(ValidationError) as refusal:
        import_workbook(balangan, io.BytesIO(content), user=None)
    assert refusal.value.messages == ["Lembar Langkah, baris 4: Output kosong."]


def test_an_empty_output_saved_from_the_editor_is_named_in_the_error(balangan, positions_of_balangan):
    draft = sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="SOP Baru")
    with pytest.raises(ValidationError) as refusal:
        sop_draft_save(
            version=draft,
            user=user(AUTHOR),
            identity=DraftIdentity(number="", name="SOP Baru"),
            executors=[ExecutorSpec("Sekretaris", positions_of_balangan["sekretaris"])],
            steps=[StepSpec(1, "Mulai", "Seketika", "", actors=["Sekretaris"], symbol=Step.Symbol.TERMINATOR)],
            lists={},
        )
    assert refusal.value.messages[0].startswith("Langkah 1: Output: ")


# --- Dates as offices type them in the workbook -----------------------------------------------------


@pytest.mark.parametrize("typed", ["1 Agustus 2017", "01-08-2017", "1/8/2017", "2017-08-01", "1 agt 2017", "1.8.2017"])
def test_the_workbook_accepts_the_date_as_offices_type_it(balangan, typed):
    content = edited(
        workbook_for(balangan),
        {("Identitas", 2, 2): "SOP-TANGGAL/01", ("Identitas", 4, 2): "SOP Tanggal", ("Identitas", 7, 2): typed},
    )
    draft = import_workbook(balangan, io.BytesIO(content), user=None)
    assert draft.made_on.isoformat() == "2017-08-01"


def test_the_workbook_accepts_a_date_cell(balangan):
    import datetime

    content = edited(
        workbook_for(balangan),
        {
            ("Identitas", 2, 2): "SOP-TANGGAL/02",
            ("Identitas", 4, 2): "SOP",
            ("Identitas", 7, 2): datetime.date(2017, 8, 1),
        },
    )
    assert import_workbook(balangan, io.BytesIO(content), user=None).made_on == datetime.date(2017, 8, 1)


@pytest.mark.parametrize("typed", ["Agustus 2017", "32-08-2017", "1 Agustos 2017", "kemarin"])
def test_an_unreadable_date_in_the_workbook_gets_a_clear_message(balangan, typed):
    content = edited(
        workbook_for(balangan),
        {("Identitas", 2, 2): "SOP-TANGGAL/03", ("Identitas", 4, 2): "SOP", ("Identitas", 7, 2): typed},
    )
    with pytest.raises(ValidationError) as refusal:
        import_workbook(balangan, io.BytesIO(content), user=None)
    assert refusal.value.messages == [
        "Lembar Identitas, baris 7: Tanggal Pembuatan harus berupa tanggal, misalnya 2017-08-01, "
        "1 Agustus 2017, 01-08-2017 atau 1/8/2017."
    ]
    assert not Sop.objects.filter(number="SOP-TANGGAL/03").exists()
