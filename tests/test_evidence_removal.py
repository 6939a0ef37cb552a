"""A wrong bukti dukung file is removed by its uploader or the head of the responsible unit, while the
quarter is open; the removal leaves a record."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.models import Evidence, EvidenceRemoval, Indicator, Realisation
from reports.performance.services import evidence_add, evidence_remove, realisation_submit
from sopkinerja.common.periods import Period
from workflow.models import ActingAssignment, Employee
from workflow.runs.services import run_start, run_step_submit

from .conftest import user
from .genuine_files import pdf_bytes, upload


@pytest.fixture
def mistaken_upload(balangan) -> Evidence:
    """Uploaded by the Sekretaris for an indicator of the Bidang Perpustakaan (headed by its Kepala Bidang)."""
    indicator = Indicator.objects.get(objective__agency=balangan, name="Tingkat Gemar Membaca (TGM)")
    realisation = Realisation.objects.filter(indicator=indicator, year=2026, quarter=3).first()
    if realisation is None:
        realisation = realisation_submit(
            indicator=indicator, year=2026, quarter=3, value=Decimal(60), user=user("balangan.sekretaris")
        )
    return evidence_add(
        realisation=realisation, file=upload("salah unggah.pdf", pdf_bytes()), user=user("balangan.sekretaris")
    )


def removed_by(mistaken_upload, username, django_capture_on_commit_callbacks) -> EvidenceRemoval:
    with django_capture_on_commit_callbacks(execute=True):
        return evidence_remove(evidence=mistaken_upload, user=user(username))


def test_the_uploader_removes_a_wrong_file_and_the_removal_is_recorded(
    mistaken_upload, settings, django_capture_on_commit_callbacks
):
    stored = settings.MEDIA_ROOT / mistaken_upload.file.name
    assert stored.exists()
    removal = removed_by(mistaken_upload, "balangan.sekretaris", django_capture_on_commit_callbacks)
    assert not Evidence.objects.filter(pk=mistaken_upload.pk).exists()
    assert not stored.exists()
    removal.refresh_from_db()
    assert removal.original_name == "salah unggah.pdf" and removal.stored_name == mistaken_upload.file.name
    assert removal.realisation_id == mistaken_upload.realisation_id
    assert removal.uploaded_by == user("balangan.sekretaris") and removal.removed_by == user("balangan.sekretaris")
    assert timezone.now() - removal.removed_at < datetime.timedelta(minutes=1)


def test_the_head_of_the_responsible_unit_removes_a_file_someone_else_uploaded(
    mistaken_upload, django_capture_on_commit_callbacks
):
    removal = removed_by(mistaken_upload, "balangan.kabid-perpustakaan", django_capture_on_commit_callbacks)
    assert removal.removed_by == user("balangan.kabid-perpustakaan")
    assert not Evidence.objects.filter(pk=mistaken_upload.pk).exists()


def test_an_acting_head_of_the_unit_removes_it_too(mistaken_upload, django_capture_on_commit_callbacks):
    head = Employee.objects.get(user__username="balangan.kabid-perpustakaan").position
    today = timezone.localdate()
    ActingAssignment.objects.create(
        position=head,
        employee=Employee.objects.get(user__username="balangan.kasi-arsip"),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    removal = removed_by(mistaken_upload, "balangan.kasi-arsip", django_capture_on_commit_callbacks)
    assert removal.removed_by == user("balangan.kasi-arsip")


@pytest.mark.parametrize("username", ["balangan.kadis", "balangan.kabid-arsip", "balangan.kasi-layanan"])
def test_someone_else_cannot_remove_it_and_nothing_changes(mistaken_upload, settings, username):
    with pytest.raises(PermissionDenied) as refusal:
        evidence_remove(evidence=mistaken_upload, user=user(username))
    assert (
        str(refusal.value) == "Hanya pengunggah berkas ini atau kepala unit penanggung jawab yang dapat menghapusnya."
    )
    assert Evidence.objects.filter(pk=mistaken_upload.pk).exists() and not EvidenceRemoval.objects.exists()
    assert (settings.MEDIA_ROOT / mistaken_upload.file.name).exists()


def test_no_file_is_removed_once_the_quarter_is_locked(mistaken_upload, sop000, settings):
    run = run_start(version=sop000, period=Period.parse("2026-TW3"), user=user("balangan.sekretaris"))
    run_step_submit(run_step_id=run.steps.get(step__number=1).pk, user=user("balangan.sekretaris"), output_note="ok")
    with pytest.raises(ValidationError) as refusal:
        evidence_remove(evidence=mistaken_upload, user=user("balangan.sekretaris"))
    assert "dikunci" in " ".join(refusal.value.messages)
    assert Evidence.objects.filter(pk=mistaken_upload.pk).exists() and not EvidenceRemoval.objects.exists()
    assert (settings.MEDIA_ROOT / mistaken_upload.file.name).exists()


def unit_page(mistaken_upload) -> str:
    return reverse("reports:figures-unit", args=["2026-TW3", mistaken_upload.realisation.indicator.responsible_unit_id])


def figures(client, mistaken_upload) -> str:
    return client.get(unit_page(mistaken_upload)).content.decode()


def test_the_figures_page_offers_hapus_only_to_those_allowed(login, mistaken_upload):
    delete_url = reverse("reports:evidence-delete", args=[mistaken_upload.pk])
    assert delete_url in figures(login("balangan.sekretaris"), mistaken_upload)
    assert delete_url in figures(login("balangan.kabid-perpustakaan"), mistaken_upload)
    kadis_page = figures(login("balangan.kadis"), mistaken_upload)
    assert "salah unggah.pdf" in kadis_page and delete_url not in kadis_page


def test_removing_from_the_page_is_a_post_that_says_what_was_removed(login, mistaken_upload):
    client = login("balangan.sekretaris")
    delete_url = reverse("reports:evidence-delete", args=[mistaken_upload.pk])
    assert client.get(delete_url).status_code == 405
    response = client.post(delete_url)
    assert response["Location"] == unit_page(mistaken_upload)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Dihapus: salah unggah.pdf."]
    assert not Evidence.objects.filter(pk=mistaken_upload.pk).exists()


def test_a_refused_removal_from_the_page_says_why(login, mistaken_upload):
    response = login("balangan.kadis").post(reverse("reports:evidence-delete", args=[mistaken_upload.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Hanya pengunggah berkas ini atau kepala unit penanggung jawab yang dapat menghapusnya."
    ]
    assert Evidence.objects.filter(pk=mistaken_upload.pk).exists()


def test_another_agency_cannot_even_find_the_file_to_remove(login, mistaken_upload):
    assert (
        login("padangpanjang.kadis").post(reverse("reports:evidence-delete", args=[mistaken_upload.pk])).status_code
        == 404
    )
    assert Evidence.objects.filter(pk=mistaken_upload.pk).exists()


def test_a_file_removed_twice_is_refused_the_second_time(mistaken_upload, django_capture_on_commit_callbacks):
    removed_by(mistaken_upload, "balangan.sekretaris", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refusal:
        evidence_remove(evidence=mistaken_upload, user=user("balangan.kabid-perpustakaan"))
    assert refusal.value.messages == ["Berkas ini sudah dihapus."]
    assert EvidenceRemoval.objects.count() == 1
