"""The SOP the Kepala Dinas signs is the SOP that becomes effective: a draft prepared for his
signature is frozen until it is signed or the request is withdrawn, and signing checks that the
draft is, byte for byte, the content that was rendered."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from reports.documents import signing
from reports.documents.services import document_request_withdraw
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentRequest, SignedDocument
from workflow.models import SopVersion, Step
from workflow.models.sop import DraftAwaitingSignature
from workflow.sop.editor import DraftIdentity, sop_draft_save
from workflow.sop.exchange.json_format import content_digest, export_version
from workflow.sop.services import sop_version_revise

from .conftest import user


@pytest.fixture
def draft(sop000):
    return sop_version_revise(version=sop000, user=user("balangan.kasubbag"))


def ask_to_sign(client, version, capture) -> DocumentRequest:
    with capture(execute=True):
        client.post(reverse("reports:documents"), {"sop-sop_version": version.pk, "sop-paper": "f4", "sop-sign": "on"})
    return DocumentRequest.objects.get(sign=True, sop_version=version)


def sign(client, request):
    request.refresh_from_db()
    data = {"passphrase": DEMO_PASSPHRASE, "sha256": signing.sha256(bytes(request.pdf or b""))}
    return client.post(reverse("reports:request-sign", args=[request.pk]), data, follow=True)


def test_a_draft_prepared_for_signing_refuses_every_edit(login, draft, django_capture_on_commit_callbacks):
    request = ask_to_sign(login("balangan.kadis"), draft, django_capture_on_commit_callbacks)
    assert request.status == DocumentRequest.Status.AWAITING and request.content_sha256 == content_digest(draft)
    draft.refresh_from_db()
    assert draft.awaiting_signature_since == request.prepared_at
    step = draft.steps.get(number=2)
    step.activity = "Langkah yang tidak pernah ditandatangani"
    with pytest.raises(DraftAwaitingSignature, match="sudah disiapkan untuk ditandatangani"):
        step.save()
    with pytest.raises(DraftAwaitingSignature):
        Step.objects.filter(pk=step.pk).update(activity="Diubah lewat QuerySet")
    with pytest.raises(DraftAwaitingSignature):
        sop_draft_save(
            version=draft,
            user=user("balangan.kasubbag"),
            identity=DraftIdentity(number=draft.sop.number, name="Nama lain"),
            executors=[],
            steps=[],
            lists={},
        )
    author = login("balangan.kasubbag")
    response = author.get(reverse("workflow:sop-edit", args=[draft.pk]), follow=True)
    assert "sudah disiapkan untuk ditandatangani" in response.content.decode()
    assert draft.steps.get(number=2).activity != "Langkah yang tidak pernah ditandatangani"


def test_the_audit_walk_signs_the_content_that_was_rendered_and_nothing_else(
    login, draft, django_capture_on_commit_callbacks
):
    head = login("balangan.kadis")
    request = ask_to_sign(head, draft, django_capture_on_commit_callbacks)
    rendered = export_version(draft)
    login("balangan.kasubbag").post(reverse("workflow:sop-edit", args=[draft.pk]), {"identity-name": "Diubah"})
    head = login("balangan.kadis")
    assert "Dokumen sudah ditandatangani" in sign(head, request).content.decode()
    effective = SopVersion.objects.get(pk=draft.pk)
    assert effective.status == SopVersion.Status.EFFECTIVE and effective.awaiting_signature_since is None
    now = export_version(effective)
    for changed_by_signing in ("status", "effective_on", "approver"):
        now.pop(changed_by_signing), rendered.pop(changed_by_signing)
    assert now == rendered


def test_a_draft_changed_behind_the_guard_is_not_signed(login, draft, django_capture_on_commit_callbacks):
    head = login("balangan.kadis")
    request = ask_to_sign(head, draft, django_capture_on_commit_callbacks)
    step = draft.steps.get(number=2)
    with connection.cursor() as cursor:  # a path the model layer does not see
        cursor.execute(f"UPDATE {Step._meta.db_table} SET activity = %s WHERE id = %s", ["Diam-diam diubah", step.pk])
    page = sign(head, request).content.decode()
    assert "diubah setelah PDF ini disiapkan" in page
    assert not SignedDocument.objects.filter(sop_version=draft).exists()
    assert SopVersion.objects.get(pk=draft.pk).status == SopVersion.Status.DRAFT


def test_withdrawing_the_request_frees_the_draft_and_its_pdf_can_no_longer_be_signed(
    login, draft, django_capture_on_commit_callbacks
):
    head = login("balangan.kadis")
    request = ask_to_sign(head, draft, django_capture_on_commit_callbacks)
    page = head.get(reverse("reports:request", args=[request.pk])).content.decode()
    assert "Tarik permintaan tanda tangan" in page
    pdf = bytes(request.pdf)
    head.post(reverse("reports:request-withdraw", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.WITHDRAWN and request.withdrawn_by.username == "balangan.kadis"
    step = draft.steps.get(number=2)
    step.activity = "Diperbaiki setelah permintaan ditarik"
    step.save()
    data = {"passphrase": DEMO_PASSPHRASE, "sha256": signing.sha256(pdf)}
    page = head.post(reverse("reports:request-sign", args=[request.pk]), data, follow=True).content.decode()
    assert "tidak sedang menunggu tanda tangan" in page
    assert not SignedDocument.objects.filter(sop_version=draft).exists()


def test_only_the_requester_or_an_sop_author_may_withdraw_a_signing_request(
    login, draft, django_capture_on_commit_callbacks
):
    request = ask_to_sign(login("balangan.kadis"), draft, django_capture_on_commit_callbacks)
    with pytest.raises(Exception, match="Hanya"):
        document_request_withdraw(request=request, user=user("balangan.staf"))
    assert DocumentRequest.objects.get(pk=request.pk).status == DocumentRequest.Status.AWAITING
    document_request_withdraw(request=request, user=user("balangan.kasubbag"))
    assert SopVersion.objects.get(pk=draft.pk).awaiting_signature_since is None
    with pytest.raises(ValidationError):
        document_request_withdraw(request=request, user=user("balangan.kadis"))
