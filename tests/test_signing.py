"""TTE: only the Kepala Dinas (or Plh) signs; the signed bytes are kept, hashed, and verifiable."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.documents import signing
from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.documents.verification import Outcome, verify_upload
from reports.models import DocumentKind, SignedDocument
from sopkinerja.common.periods import Period
from workflow.models import ActingAssignment, Employee, Position, SopVersion
from workflow.sop.services import StepSpec, sop_version_create

from .conftest import sign_report, user
from .figures_helpers import fill_year
from .workflow_helpers import walk


def test_the_signed_bytes_are_stored_with_their_hash_and_validate(balangan):
    document = sign_report(balangan)
    data = bytes(document.pdf)
    assert document.sha256 == signing.sha256(data) and document.size == len(data)
    assert verify_upload(data, document).outcome == Outcome.ORIGINAL
    assert document.signer_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"


def test_any_change_after_signing_breaks_the_signature(balangan):
    document = sign_report(balangan)
    tampered = bytes(document.pdf).replace(b"/Producer", b"/Producex", 1)
    assert verify_upload(tampered, document).outcome == Outcome.CHANGED


def test_signing_again_makes_a_new_version_and_keeps_the_old_bytes(balangan):
    first = sign_report(balangan)
    original = bytes(first.pdf)
    second = sign_report(balangan)
    assert (first.version, second.version) == (1, 2)
    assert first.token != second.token
    first.refresh_from_db()
    assert bytes(first.pdf) == original


def test_no_one_but_the_kepala_dinas_may_sign(balangan):
    with pytest.raises(PermissionDenied):
        sign_report(balangan, who="balangan.sekretaris")
    assert not SignedDocument.objects.exists()


def test_an_acting_kepala_dinas_signs_as_plh(balangan):
    today = datetime.date.today()
    ActingAssignment.objects.create(
        position=Position.objects.get(agency=balangan, rank="kepala_dinas"),
        employee=Employee.objects.get(user__username="balangan.sekretaris"),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    document = sign_report(balangan, who="balangan.sekretaris")
    assert document.signer_title.startswith("Plh. Kepala Dinas")
    assert document.signer_name == "Hj. NOOR AINAH, S.E., M.M."


def test_in_the_browser_a_report_is_signed_only_after_its_run_has_finished(balangan, sop000):
    from workflow.runs.services import run_start

    with pytest.raises(ValidationError, match="Pelaksanaan pengumpulan data Triwulan I 2025 belum selesai"):
        sign_report(balangan, period="2025-TW1", via="web")
    walk(run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris")))
    with pytest.raises(ValidationError, match="Belum ada target Triwulan I 2025: Jumlah anggota perpustakaan"):
        sign_report(balangan, period="2025-TW1", via="web")
    fill_year(balangan, 2025)
    assert sign_report(balangan, period="2025-TW1", via="web").version == 1


def test_signing_a_draft_sop_version_makes_it_effective(sop000):
    draft = sop_version_create(
        sop=sop000.sop,
        revision=1,
        revised_on=datetime.date(2026, 11, 1),
        name="SOP Mekanisme Pengumpulan Data Kinerja",
        made_on=datetime.date(2026, 11, 1),
        executors=[("Sekretaris", Position.objects.get(agency=sop000.sop.agency, rank="sekretaris"))],
        steps=[
            StepSpec(
                number=1,
                activity="Mengumpulkan data",
                executor="Sekretaris",
                symbol="terminator",
                waktu="1 hari",
                output="Disposisi",
            )
        ],
    )
    document = document_sign(
        agency=sop000.sop.agency,
        kind=DocumentKind.SOP,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        sop_version=draft,
    )
    draft.refresh_from_db()
    sop000.refresh_from_db()
    assert draft.status == SopVersion.Status.EFFECTIVE and draft.effective_on is not None
    assert sop000.status == SopVersion.Status.WITHDRAWN  # the older version stays readable
    assert document.kind == "sop" and verify_upload(bytes(document.pdf), document).outcome == Outcome.ORIGINAL


def test_a_document_signed_by_another_agency_is_not_accepted_for_this_one(balangan, padang_panjang):
    data = bytes(sign_report(balangan).pdf)
    theirs = sign_report(padang_panjang, who="padangpanjang.kadis")
    assert verify_upload(data, theirs).outcome == Outcome.OTHER


def test_signed_documents_cannot_be_edited_or_deleted_in_the_admin(client, balangan):
    from django.urls import reverse

    document = sign_report(balangan)
    client.force_login(user("admin"))
    change = client.get(reverse("admin:reports_signeddocument_change", args=[document.pk])).content.decode()
    assert document.sha256 in change and 'name="_save"' not in change
    assert (
        client.post(reverse("admin:reports_signeddocument_delete", args=[document.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert SignedDocument.objects.filter(pk=document.pk).exists()
