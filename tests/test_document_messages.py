"""A document waiting for my signature and a signed document reach the right people by e-mail:
the signer when the PDF to sign is prepared or a report's figures are final, the unit heads when
it is signed."""

from django.core import mail
from django.utils import timezone

from reports.documents.notifications import reports_remind
from reports.documents.services import document_request
from reports.models import DocumentKind, DocumentRequest
from workflow import permissions
from workflow.models import SentReminder, Unit

from .conftest import sign_report, user
from .test_signature_queue import TW1, finish_quarter

KADIS = "balangan.kadis"


def test_a_final_unsigned_report_is_announced_to_the_kepala_dinas_once(balangan, sop000):
    finish_quarter(sop000)
    mail.outbox.clear()
    reports_remind(now=timezone.now())
    reports_remind(now=timezone.now())
    mine = [m for m in mail.outbox if TW1.label in m.subject and m.subject.startswith("Siap Anda tandatangani: ")]
    assert len(mine) == 1
    assert mine[0].to == [user(KADIS).email]
    assert f"?report={TW1}#report-form" in mine[0].body
    assert SentReminder.objects.filter(event="signature_awaited", agency=balangan).count() >= 1


def test_a_prepared_signing_request_is_announced_to_its_requester(balangan, sop000, django_capture_on_commit_callbacks):
    finish_quarter(sop000)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = document_request(
            agency=balangan, kind=DocumentKind.REPORT, period=str(TW1), user=user(KADIS), sign=True
        )
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING
    [message] = [m for m in mail.outbox if m.subject.startswith("Siap Anda tandatangani: ")]
    assert message.to == [user(KADIS).email]
    assert f"/dokumen/{request.pk}/" in message.body


def test_a_signed_report_is_announced_to_the_heads_of_the_units_answering_for_indicators(
    balangan, sop000, django_capture_on_commit_callbacks
):
    finish_quarter(sop000)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document = sign_report(balangan, KADIS, str(TW1))
    messages = [m for m in mail.outbox if m.subject.startswith("Ditandatangani: ")]
    heads = set()
    for unit in Unit.objects.filter(indicators__objective__agency=balangan).distinct():
        position = permissions.unit_head_position(unit)
        heads |= {u.email for u in permissions.recipients(position)} if position else set()
    addressed = sorted(address for message in messages for address in message.to)
    assert heads and addressed == sorted(heads)  # each head once
    assert user(KADIS).email not in addressed  # the signer knows
    assert all(str(document.token) in message.body for message in messages)
