"""Messages about documents, in Indonesian: a document waits for my signature (signature_awaited),
a document was signed (document_signed).

- A signing request whose PDF is prepared: its requester (the signer), after the render commits.
- A report whose figures are final (readiness complete) and that nobody has signed: the Kepala Dinas
  and whoever acts for him, once per report, found by the reminders run (reports_remind). A report
  that later becomes unready and then ready again is not announced a second time.
- A signed document: whoever asked for it (when not the signer) and the heads of the units it
  concerns: the SOP's unit for an SOP; the units answering for indicators for a report or a PK
  (their figures are final, their targets locked); the units owning SOPs for the monitoring report.
"""

import datetime

from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.documents.readiness import report_overview
from reports.models.documents import DocumentKind, DocumentRequest, SignedDocument
from reports.models.performance import Indicator
from workflow import permissions
from workflow.models.organisation import Agency, Unit
from workflow.models.sop import Sop
from workflow.organisation.mail import notify
from workflow.organisation.reminders import reminder_send, reminders_sent


@task
def signing_request_prepared(request_id: int) -> int:
    """The PDF to sign is prepared: its requester types the passphrase on the request page."""
    request = DocumentRequest.objects.select_related("agency", "requested_by").get(pk=request_id)
    agency = request.agency
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _("Ready for your signature: %(title)s") % {"title": request.title},
            "reports/email/signature_awaited.txt",
            {"request": request, "title": request.title},
            [request.requested_by],
            agency,
            event="signature_awaited",
            key=f"signature_awaited:request={request.pk}",
        )


def report_key(agency: Agency, period) -> str:
    return f"signature_awaited:report={agency.pk}:{period}"


def reports_remind(*, now: datetime.datetime) -> int:
    """Tell the signers of each agency about the reports of this year and last whose figures are
    final and that are not signed, once per report; the number of reports announced.

    Guarantees: only reports that the signature queue lists as final and unsigned
    (report_readiness complete, no signed version); each once (workflow.organisation.reminders).
    """
    sent = 0
    for agency in Agency.objects.select_related("local_government").order_by("pk"):
        year = permissions.local_today(agency, now).year
        ready = [
            row.period
            for rows in report_overview(agency, year - 1, year)
            for row in rows
            if row.readiness.ready and row.signed is None
        ]
        sent_already = reminders_sent(report_key(agency, period) for period in ready)
        head = permissions.head_position(agency)
        for period in ready:
            key = report_key(agency, period)
            if key in sent_already or head is None:
                continue

            def send(agency=agency, period=period, key=key, head=head) -> int:
                with translation.override("id"), timezone.override(agency.zone):
                    title = _("Performance report %(period)s") % {"period": period.label}
                    return notify(
                        _("Ready for your signature: %(title)s") % {"title": title},
                        "reports/email/signature_awaited.txt",
                        {"title": title, "period": period},
                        permissions.recipients(head, now),
                        agency,
                        event="signature_awaited",
                        key=key,
                    )

            sent += reminder_send(event="signature_awaited", key=key, agency=agency, now=now, send=send)
    return sent


def _unit_heads(units) -> list:
    people = []
    for unit in units:
        head = permissions.unit_head_position(unit)
        people += permissions.recipients(head) if head else []
    return people


def concerned_units(document: SignedDocument) -> list[Unit]:
    """The units whose heads are told of a signature (see the module's docstring)."""
    agency = document.agency
    if document.kind == DocumentKind.SOP:
        unit_id = document.sop_version.sop.unit_id if document.sop_version_id else None
        return list(Unit.objects.filter(pk=unit_id))
    if document.kind in (DocumentKind.REPORT, DocumentKind.AGREEMENT):
        answering = Indicator.objects.for_agency(agency).values("responsible_unit")
        return list(Unit.objects.filter(pk__in=answering).order_by("name"))
    if document.kind == DocumentKind.MONITORING:
        owning = Sop.objects.filter(agency=agency).values("unit")
        return list(Unit.objects.filter(pk__in=owning).order_by("name"))
    return []


@task
def document_signed(document_id: int) -> int:
    """A document was signed: whoever asked for it, when not the signer, and the heads of the units it concerns."""
    document = SignedDocument.objects.select_related("agency", "sop_version__sop", "signed_by").defer("pdf")
    document = document.get(pk=document_id)
    agency = document.agency
    requesters = [
        request.requested_by
        for request in DocumentRequest.objects.filter(signed_document=document).select_related("requested_by")
    ]
    people = [*requesters, *_unit_heads(concerned_units(document))]
    people = [user for user in people if user.pk != document.signed_by_id]
    with translation.override("id"), timezone.override(agency.zone):
        return notify(
            _("Signed: %(title)s") % {"title": document.title},
            "reports/email/document_signed.txt",
            {"document": document},
            list({user.pk: user for user in people}.values()),
            agency,
            event="document_signed",
            key=f"document_signed:document={document.pk}",
        )
