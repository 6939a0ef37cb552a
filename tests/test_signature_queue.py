"""Menunggu tanda tangan saya: what waits for the Kepala Dinas's signature, on his dashboard, each
item with one link to where it is signed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.documents.readiness import signature_queue
from reports.documents.services import document_request, document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, DocumentRequest
from sopkinerja.common.periods import Period
from workflow.models import Position
from workflow.organisation.appointments import acting_appoint
from workflow.runs.services import run_start
from workflow.sop.editor import sop_draft_create, sop_draft_submit_for_signature
from workflow.sop.services import sop_version_revise

from .conftest import PASSWORD, user
from .figures_helpers import fill_year
from .workflow_helpers import walk

LAST_YEAR = timezone.localdate().year - 1
TW1 = Period.quarter(LAST_YEAR, 1)


def finish_quarter(sop000, period=TW1):
    """The quarter's run finished, with every target and figure its report prints in place."""
    fill_year(sop000.sop.agency, period.year)
    return walk(run_start(version=sop000, period=period, user=user("balangan.sekretaris")))


def draft_of(version, who="balangan.kasubbag"):
    return sop_version_revise(version=version, user=user(who))


def titles(queue) -> list[str]:
    return [item.title for item in queue]


def test_nothing_waits_for_the_kepala_dinas_while_no_report_is_final(balangan):
    assert signature_queue(balangan, user("balangan.kadis")) == []


def test_a_final_unsigned_report_waits_for_the_kepala_dinas_with_a_link_to_sign_it(balangan, sop000):
    finish_quarter(sop000)
    [item] = signature_queue(balangan, user("balangan.kadis"))
    assert item.title == f"Laporan kinerja {TW1.label}"
    assert item.url == reverse("reports:documents") + f"?report={TW1}#report-form"


def test_a_signed_report_leaves_the_queue(balangan, sop000):
    finish_quarter(sop000)
    document_sign(
        agency=balangan,
        kind=DocumentKind.REPORT,
        period=str(TW1),
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        via="web",
    )
    assert signature_queue(balangan, user("balangan.kadis")) == []


def test_a_plh_of_the_kepala_dinas_sees_the_queue_and_nobody_else_does(balangan, sop000):
    finish_quarter(sop000)
    today = timezone.localdate()
    acting_appoint(
        by=user("balangan.kadis"),
        position=Position.objects.get(agency=balangan, rank="kepala_dinas"),
        employee=user("balangan.sekretaris").employee,
        kind="plh",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
        note="Kepala Dinas dinas luar",
    )
    assert titles(signature_queue(balangan, user("balangan.sekretaris"))) == [f"Laporan kinerja {TW1.label}"]
    for other in ("balangan.kasubbag", "balangan.kabid-arsip", "padangpanjang.kadis"):
        assert signature_queue(balangan, user(other)) is None, other


def test_a_complete_sop_draft_waits_for_signature_and_an_unfinished_one_does_not(balangan, sop000):
    draft = draft_of(sop000)
    sop_draft_create(agency=balangan, user=user("balangan.kasubbag"), number="", name="SOP Baru Tanpa Langkah")
    [item] = signature_queue(balangan, user("balangan.kadis"))
    assert item.title == f"{sop000.sop.number} {draft.name} (revisi {draft.revision})"
    assert item.url == reverse("reports:documents") + f"?sop={draft.pk}#sop-form"


def test_a_prepared_signing_request_waits_with_a_link_to_its_page_instead_of_the_report(
    balangan, sop000, django_capture_on_commit_callbacks
):
    finish_quarter(sop000)
    with django_capture_on_commit_callbacks(execute=True):
        request = document_request(
            agency=balangan, kind=DocumentKind.REPORT, period=str(TW1), user=user("balangan.kadis"), sign=True
        )
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING
    [item] = signature_queue(balangan, user("balangan.kadis"))
    assert item.url == reverse("reports:request", args=[request.pk])
    assert item.since == request.requested_at


def test_the_kepala_dinas_logs_in_and_sees_his_queue_counted_among_what_waits_for_him(client, balangan, sop000):
    finish_quarter(sop000)
    draft_of(sop000)
    assert client.login(username="balangan.kadis", password=PASSWORD)
    page = client.get(reverse("workflow:home")).content.decode()
    assert 'id="signature-queue"' in page
    assert 'Menunggu tanda tangan saya <span class="badge text-bg-warning">2</span>' in page
    assert 'Menunggu saya <span class="badge text-bg-warning">2</span>' in page
    # Signing is not approving: the approvals card keeps its own count.
    assert 'Menunggu persetujuan saya <span class="badge text-bg-secondary" id="count-to-approve">0</span>' in page
    assert f"Laporan kinerja {TW1.label}" in page
    assert reverse("reports:documents") + f"?report={TW1}#report-form" in page


def test_an_empty_queue_says_so_and_others_see_no_queue_at_all(login, balangan):
    page = login("balangan.kadis").get(reverse("workflow:home")).content.decode()
    assert "Tidak ada yang menunggu tanda tangan Anda." in page
    assert 'id="signature-queue"' not in login("balangan.kasubbag").get(reverse("workflow:home")).content.decode()


def test_the_documents_page_opens_with_the_queued_report_chosen_and_tte_ticked(login, balangan):
    page = login("balangan.kadis").get(reverse("reports:documents"), {"report": str(TW1)}).content.decode()
    assert f'<option value="{TW1}" selected>' in page
    assert 'name="report-sign" class="checkboxinput form-check-input" id="id_report-sign" checked' in page


def test_an_author_submits_a_complete_draft_and_the_kepala_dinas_is_emailed(
    login, sop000, django_capture_on_commit_callbacks
):
    draft = draft_of(sop000)
    client = login("balangan.kasubbag")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workflow:sop-submit", args=[draft.pk]), follow=True)
    assert "Diajukan untuk ditandatangani" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["balangan.kadis@balangan.example.go.id"]]
    assert f"revisi {draft.revision}" in mail.outbox[0].subject
    assert reverse("reports:documents") + f"?sop={draft.pk}#sop-form" in mail.outbox[0].body


def test_an_unfinished_draft_is_not_submitted_and_the_author_is_told_why(balangan, django_capture_on_commit_callbacks):
    draft = sop_draft_create(agency=balangan, user=user("balangan.kasubbag"), number="", name="SOP Baru")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        sop_draft_submit_for_signature(version=draft, user=user("balangan.kasubbag"))
    assert "SOP belum memiliki Nomor SOP." in refused.value.messages
    assert mail.outbox == []


def test_the_editor_offers_authors_a_button_that_submits_not_a_link(login, sop000):
    draft = draft_of(sop000)
    page = login("balangan.kasubbag").get(reverse("workflow:sop-edit", args=[draft.pk])).content.decode()
    assert f'action="{reverse("workflow:sop-submit", args=[draft.pk])}"' in page
