"""A signed SOP version cannot change by any path; a change is a new draft revision, effective once signed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, SignedDocument
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import Executor, SopListItem, SopVersion, Step, StepActor, StepExit, StepRequirement
from workflow.models.sop import SignedVersionFrozen
from workflow.runs.services import run_start
from workflow.sop.services import sop_version_revise

from .conftest import user

FROZEN = "sudah ditandatangani dan tidak dapat diubah"


def sign(version, who="balangan.kadis"):
    """The one call into the signing API in this file (it gains a secret= argument at merge)."""
    return document_sign(
        agency=version.sop.agency,
        kind=DocumentKind.SOP,
        user=user(who),
        secret=DEMO_PASSPHRASE,
        sop_version=version,
        via="command",
    )


def revise(version, who="balangan.kasubbag"):
    return sop_version_revise(version=version, user=user(who), today=datetime.date(2026, 11, 21))


def content(version) -> tuple:
    """Everything a version says, without its identity as a row (pk, revision, status, signature)."""
    version = SopVersion.objects.get(pk=version.pk)
    identity = (version.sop_id, version.name, version.made_on, version.prepared_by, version.provenance)
    lists = [(i.section, i.order, i.label, i.text) for i in version.list_entries.all()]
    columns = [(e.order, e.title, e.short_label, e.kind, e.position_id) for e in version.executors.all()]
    steps = [
        (
            s.number,
            s.activity,
            s.executor.title,
            s.symbol,
            [(e.label, e.target.number) for e in s.exit_list()],
            [c.title for c in s.actor_columns()],
            s.cadence,
            s.duration_text,
            s.output,
            s.remark,
            s.collects_data,
            s.approver_position_id,
            s.provenance,
            s.requirement_texts(),
        )
        for s in version.steps.select_related("executor").prefetch_related(
            "requirements", "exits__target", "actor_links__executor"
        )
    ]
    return identity, lists, columns, steps


def test_editing_an_effective_version_through_save_is_refused(sop000):
    sop000.name = "Nama yang diubah diam-diam"
    with pytest.raises(SignedVersionFrozen, match=FROZEN) as refusal:
        sop000.save()
    assert sop000.sop.number in refusal.value.messages[0] and "revisi 0" in refusal.value.messages[0]
    sop000.refresh_from_db()
    assert sop000.name == "SOP Mekanisme Pengumpulan Data Kinerja"


def test_the_guard_compares_with_the_stored_row_not_the_status_in_memory(sop000):
    sop000.status = SopVersion.Status.DRAFT
    sop000.prepared_by = "Tidak ada"
    with pytest.raises(SignedVersionFrozen):
        sop000.save()
    with pytest.raises(SignedVersionFrozen):
        sop000.save(update_fields=["prepared_by"])
    assert SopVersion.objects.get(pk=sop000.pk).status == SopVersion.Status.EFFECTIVE


def test_editing_an_effective_version_through_a_queryset_is_refused(sop000):
    with pytest.raises(SignedVersionFrozen, match=FROZEN):
        SopVersion.objects.filter(pk=sop000.pk).update(name="Diubah")
    with pytest.raises(SignedVersionFrozen):
        SopVersion.objects.filter(sop__agency=sop000.sop.agency).update(status=SopVersion.Status.DRAFT)
    sop000.prepared_by = "Diubah"
    with pytest.raises(SignedVersionFrozen):
        SopVersion.objects.bulk_update([sop000], ["prepared_by"])
    sop000.refresh_from_db()
    assert sop000.name == "SOP Mekanisme Pengumpulan Data Kinerja" and sop000.status == SopVersion.Status.EFFECTIVE


def test_an_effective_version_cannot_be_deleted_by_any_path(sop000):
    steps = sop000.steps.count()
    with pytest.raises(SignedVersionFrozen):
        sop000.delete()
    with pytest.raises(SignedVersionFrozen):
        SopVersion.objects.filter(pk=sop000.pk).delete()
    with pytest.raises(SignedVersionFrozen):
        sop000.sop.delete()  # the cascade from the SOP obeys too
    assert SopVersion.objects.filter(pk=sop000.pk).exists() and sop000.steps.count() == steps


def test_the_steps_of_an_effective_version_cannot_be_added_changed_or_deleted(sop000):
    steps = sop000.steps.count()
    step = sop000.steps.get(number=1)
    step.activity = "Kegiatan lain"
    with pytest.raises(SignedVersionFrozen, match=FROZEN):
        step.save()
    with pytest.raises(SignedVersionFrozen):
        step.delete()
    with pytest.raises(SignedVersionFrozen):
        Step.objects.create(
            version=sop000,
            number=99,
            activity="Langkah tambahan",
            executor=step.executor,
            duration_text="1 hari",
            output="Apa saja",
        )
    with pytest.raises(SignedVersionFrozen):
        sop000.steps.update(duration_text="1 hari")
    with pytest.raises(SignedVersionFrozen):
        Step.objects.filter(version=sop000, number__gt=5).delete()
    step.refresh_from_db()
    assert step.activity != "Kegiatan lain" and sop000.steps.count() == steps and not sop000.steps.filter(number=99)


def test_the_executors_list_items_and_requirements_of_an_effective_version_are_frozen(sop000):
    column = sop000.executors.first()
    column.title = "Kolom lain"
    with pytest.raises(SignedVersionFrozen):
        column.save()
    with pytest.raises(SignedVersionFrozen):
        Executor.objects.filter(version=sop000).update(title="Kolom")
    with pytest.raises(SignedVersionFrozen):
        SopListItem.objects.create(version=sop000, section="peralatan", order=99, text="Mesin tik")
    with pytest.raises(SignedVersionFrozen):
        SopListItem.objects.bulk_create([SopListItem(version=sop000, section="peralatan", order=98, text="Faks")])
    with pytest.raises(SignedVersionFrozen):
        sop000.list_entries.first().delete()
    requirement = StepRequirement.objects.filter(step__version=sop000).first()
    requirement.text = "Syarat lain"
    with pytest.raises(SignedVersionFrozen):
        requirement.save()
    with pytest.raises(SignedVersionFrozen):
        StepRequirement.objects.create(step=requirement.step, order=99, text="Syarat baru")
    with pytest.raises(SignedVersionFrozen):
        StepRequirement.objects.filter(step__version=sop000).delete()
    assert content(sop000) == content(SopVersion.objects.get(pk=sop000.pk))
    assert not SopListItem.objects.filter(version=sop000, order__gte=98).exists()


def test_the_actors_and_exits_of_an_effective_version_are_frozen(sop000):
    first, second = sop000.steps.order_by("number")[:2]
    exit = first.exits.get()
    exit.target = sop000.steps.get(number=5)
    with pytest.raises(SignedVersionFrozen):
        exit.save()
    with pytest.raises(SignedVersionFrozen):
        StepExit.objects.create(step=second, order=2, label="Lompat", target=first)
    with pytest.raises(SignedVersionFrozen):
        StepExit.objects.filter(step__version=sop000).update(label="Ya")
    with pytest.raises(SignedVersionFrozen):
        first.actor_links.get().delete()
    with pytest.raises(SignedVersionFrozen):
        StepActor.objects.bulk_create([StepActor(step=first, executor=sop000.executors.last(), order=2)])
    assert content(sop000) == content(SopVersion.objects.get(pk=sop000.pk))


def test_withdrawing_is_the_only_change_left_and_a_withdrawn_version_is_frozen_too(sop000):
    sop000.withdraw()
    sop000.save()
    sop000.status = SopVersion.Status.EFFECTIVE
    with pytest.raises(SignedVersionFrozen):
        sop000.save()
    withdrawn = SopVersion.objects.get(pk=sop000.pk)
    withdrawn.name = "Diubah"
    with pytest.raises(SignedVersionFrozen):
        withdrawn.save()
    with pytest.raises(SignedVersionFrozen):
        withdrawn.steps.first().delete()
    assert SopVersion.objects.get(pk=sop000.pk).status == SopVersion.Status.WITHDRAWN


def test_a_draft_stays_editable(sop000):
    draft = revise(sop000)
    draft.name = "SOP Mekanisme Pengumpulan Data Kinerja (revisi)"
    draft.save()
    step = draft.steps.get(number=1)
    step.activity = "Kegiatan yang diperbaiki"
    step.save()
    draft.list_entries.filter(section="peralatan").delete()
    SopListItem.objects.create(version=draft, section="peralatan", order=1, text="Komputer")
    Step.objects.filter(version=draft).update(remark="Diperiksa")
    draft.refresh_from_db()
    assert draft.name.endswith("(revisi)") and draft.steps.get(number=1).activity == "Kegiatan yang diperbaiki"
    assert draft.list_items("peralatan") == ["Komputer"] and set(draft.steps.values_list("remark", flat=True)) == {
        "Diperiksa"
    }


def test_revising_makes_a_draft_copy_with_the_next_revision_and_the_same_content(sop002):
    draft = revise(sop002, who="padangpanjang.kasubbag")
    assert draft.revision == sop002.revision + 1 and draft.status == SopVersion.Status.DRAFT
    assert draft.revised_on == datetime.date(2026, 11, 21)
    assert (draft.effective_on, draft.approver_name, draft.approver_nip) == (None, "", "")
    assert content(draft) == content(sop002)
    assert draft.steps.filter(symbol=Step.Symbol.DECISION, exits__target__version=draft).exists()
    assert draft.total_duration() == sop002.total_duration()


def test_an_sop_has_at_most_one_draft(sop000):
    draft = revise(sop000)
    with pytest.raises(ValidationError, match="sudah memiliki revisi draf"):
        revise(sop000)
    with pytest.raises(ValidationError, match="masih draf"):
        revise(draft)
    second = SopVersion(sop=sop000.sop, revision=7, name="Draf kedua", made_on=sop000.made_on, revised_on=draft.made_on)
    with pytest.raises(ValidationError, match="sudah memiliki revisi draf"):
        second.full_clean()
    assert sop000.sop.versions.filter(status=SopVersion.Status.DRAFT).count() == 1


def test_only_an_admin_of_the_agency_may_revise(sop000):
    with pytest.raises(PermissionDenied):
        revise(sop000, who="padangpanjang.kasubbag")
    with pytest.raises(PermissionDenied):
        revise(sop000, who="balangan.sekretaris")  # no admin rights
    assert not sop000.sop.versions.filter(status=SopVersion.Status.DRAFT).exists()


def test_a_run_starts_only_from_the_effective_version_not_from_a_draft(sop000):
    draft = revise(sop000)
    with pytest.raises(WorkflowRefused):
        run_start(version=draft, period=Period.parse("2026-TW4"), user=user("balangan.sekretaris"))


def test_signing_the_draft_makes_it_effective_and_the_old_one_stays_downloadable(sop000, login):
    old_document = sign(sop000)  # signing an effective version changes nothing in it
    draft = revise(sop000)
    new_document = sign(draft)
    sop000.refresh_from_db()
    draft.refresh_from_db()
    assert sop000.status == SopVersion.Status.WITHDRAWN and draft.status == SopVersion.Status.EFFECTIVE
    assert draft.effective_on is not None and draft.approver_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
    assert draft.approver_nip == "196603131989031011"
    assert sop000.sop.current_version() == draft
    assert new_document.sop_version == draft and old_document.sop_version == sop000
    response = login("balangan.kadis").get(reverse("reports:signed-download", args=[old_document.pk]))
    assert response.status_code == 200 and b"".join(response) == bytes(old_document.pdf)
    with pytest.raises(SignedVersionFrozen):
        draft.steps.first().delete()  # the new effective version is frozen in its turn
    assert SignedDocument.objects.filter(sop_version=sop000).count() == 1


def test_the_admin_change_post_for_an_effective_version_changes_nothing(sop000, login):
    client = login("balangan.kasubbag")
    url = reverse("admin:workflow_sopversion_change", args=[sop000.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and "Buat revisi baru" in page
    response = client.post(url, {"sop": sop000.sop_id, "revision": 0, "name": "Diubah", "made_on": "2026-01-02"})
    assert response.status_code == 403
    delete = reverse("admin:workflow_sopversion_delete", args=[sop000.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    sop000.refresh_from_db()
    assert sop000.name == "SOP Mekanisme Pengumpulan Data Kinerja"


def test_the_admin_change_post_for_a_withdrawn_version_changes_nothing(sop000, login):
    sop000.withdraw()
    sop000.save()
    client = login("balangan.kasubbag")
    response = client.post(
        reverse("admin:workflow_sopversion_change", args=[sop000.pk]),
        {"sop": sop000.sop_id, "revision": 0, "name": "Diubah", "made_on": "2026-01-02"},
    )
    assert response.status_code == 403
    assert SopVersion.objects.get(pk=sop000.pk).name == "SOP Mekanisme Pengumpulan Data Kinerja"


def test_the_step_admin_refuses_to_change_a_step_of_an_effective_version(sop000, login):
    step = sop000.steps.get(number=1)
    client = login("balangan.kasubbag")
    response = client.post(reverse("admin:workflow_step_change", args=[step.pk]), {"activity": "Diubah"})
    assert response.status_code == 403
    assert Step.objects.get(pk=step.pk).activity == step.activity


def test_the_admin_button_makes_a_new_revision_whose_page_is_editable(sop000, login):
    client = login("balangan.kasubbag")
    response = client.post(reverse("admin:workflow_sopversion_revise", args=[sop000.pk]))
    draft = sop000.sop.versions.get(status=SopVersion.Status.DRAFT)
    assert response.status_code == 302 and response.url == reverse("admin:workflow_sopversion_change", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert 'name="_save"' in page and "Buat revisi baru" not in page
    assert draft.revision == 1 and content(draft) == content(sop000)


def test_the_admin_action_makes_a_new_revision_once(sop000, login):
    client = login("balangan.kasubbag")
    changelist = reverse("admin:workflow_sopversion_changelist")
    for _ in range(2):
        client.post(changelist, {"action": "make_revision", "_selected_action": [sop000.pk]})
    assert sop000.sop.versions.filter(status=SopVersion.Status.DRAFT).count() == 1


def test_the_number_and_unit_of_an_sop_with_a_signed_version_cannot_change(sop000, login):
    sop = sop000.sop
    sop.number = "SOP – 99/LAIN"
    with pytest.raises(ValidationError, match="sudah memiliki versi yang ditandatangani"):
        sop.save()
    with pytest.raises(ValidationError):
        type(sop).objects.filter(pk=sop.pk).update(unit=None)
    page = login("balangan.kasubbag").get(reverse("admin:workflow_sop_change", args=[sop.pk])).content.decode()
    assert 'name="number"' not in page
    sop.refresh_from_db()
    assert sop.number == "SOP – 01/DISPERSIP" and sop.unit is not None


def test_the_database_refuses_raw_sql_changes_to_a_signed_version_on_postgresql(sop000):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL only")
    statements = [
        ("UPDATE workflow_sopversion SET name = 'Diubah' WHERE id = %s", [sop000.pk]),
        ("DELETE FROM workflow_step WHERE version_id = %s", [sop000.pk]),
        (
            "UPDATE workflow_steprequirement SET text = 'x' WHERE step_id IN "
            "(SELECT id FROM workflow_step WHERE version_id = %s)",
            [sop000.pk],
        ),
        ("UPDATE workflow_sop SET number = 'Lain' WHERE id = %s", [sop000.sop_id]),
        (
            "UPDATE workflow_stepexit SET label = 'x' WHERE step_id IN "
            "(SELECT id FROM workflow_step WHERE version_id = %s)",
            [sop000.pk],
        ),
        (
            "DELETE FROM workflow_stepactor WHERE step_id IN (SELECT id FROM workflow_step WHERE version_id = %s)",
            [sop000.pk],
        ),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="signed"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with transaction.atomic(), connection.cursor() as cursor:  # withdrawing is still allowed
        cursor.execute("UPDATE workflow_sopversion SET status = 'withdrawn' WHERE id = %s", [sop000.pk])
    sop000.refresh_from_db()
    assert sop000.status == SopVersion.Status.WITHDRAWN and sop000.name == "SOP Mekanisme Pengumpulan Data Kinerja"


def test_the_admin_refuses_a_second_draft_with_a_form_error(sop000, login):
    revise(sop000)
    management = {
        f"{prefix}-{key}": value
        for prefix in ("list_entries", "executors", "steps")
        for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0), ("MIN_NUM_FORMS", 0), ("MAX_NUM_FORMS", 1000))
    }
    data = {"sop": sop000.sop_id, "revision": 5, "name": "Draf kedua", "made_on": "2026-01-02", **management}
    data["revised_on"] = "2026-11-21"
    response = login("balangan.kasubbag").post(reverse("admin:workflow_sopversion_add"), data)
    assert response.status_code == 200 and "sudah memiliki revisi draf" in response.content.decode()
    assert sop000.sop.versions.filter(status=SopVersion.Status.DRAFT).count() == 1
