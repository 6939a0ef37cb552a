"""E-mail about SOP drafts: a complete draft waits for the signature of the Kepala Dinas (or the Plh).
Written to the outbox by a background task after the transaction commits, in Indonesian."""

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.sop import SopVersion
from workflow.organisation.mail import notify
from workflow.sop.exchange.json_format import content_digest


@task
def sop_draft_submitted(version_id: int, author_id: int) -> int:
    """Ajukan untuk ditandatangani: the Kepala Dinas and whoever acts for him today."""
    version = SopVersion.objects.select_related("sop__agency").get(pk=version_id)
    author = get_user_model().objects.select_related("employee").get(pk=author_id)
    agency = version.sop.agency
    head = permissions.head_position(agency)
    with translation.override("id"), timezone.override(agency.zone):
        subject = _("Awaiting your signature: %(number)s %(name)s (revision %(revision)d)") % {
            "number": version.sop.number,
            "name": version.name,
            "revision": version.revision,
        }
        return notify(
            subject,
            "workflow/email/sop_draft_submitted.txt",
            {"version": version, "author": author},
            permissions.recipients(head) if head else [],
            agency,
            event="signature_awaited",
            # The same content submitted again is the same message; a corrected draft is a new one.
            key=f"signature_awaited:sop_version={version.pk}:{content_digest(version)[:16]}",
        )
