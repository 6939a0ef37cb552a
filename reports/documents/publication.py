"""Write paths of the public portal: publish a signed document, withdraw it.

Nothing here touches the signed bytes; a Publication row says whether the public may read them.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models.documents import SignedDocument
from reports.models.publication import PUBLIC_KINDS, PUBLISHED_WHEN_SIGNED, Publication
from workflow.permissions import can_publish

logger = logging.getLogger("sopkinerja.publication")


def publication_on_signing(document: SignedDocument) -> Publication | None:
    """Publish a document as it is signed when its kind is public by default (a report, an SOP
    sheet, the PK); called by the signing service inside its transaction."""
    if document.kind not in PUBLISHED_WHEN_SIGNED:
        return None
    return Publication.objects.create(
        document=document, agency_id=document.agency_id, published_at=document.signed_at, changed_at=document.signed_at
    )


@transaction.atomic
def publication_publish(*, document: SignedDocument, user, now=None) -> Publication:
    """Put a signed document on the portal (again, after a withdrawal), as `user`, an agency admin
    or the signer of the agency. A lembar disposisi is refused: it is never public."""
    if not can_publish(user, document.agency):
        raise PermissionDenied(_("Only the agency's administrator or its Kepala Dinas can publish documents."))
    if document.kind not in PUBLIC_KINDS:
        raise ValidationError(_("A lembar disposisi is internal and is never published."))
    now = now or timezone.now()
    publication = Publication.objects.select_for_update().filter(document=document).first()
    if publication is None:
        publication = Publication(document=document, agency_id=document.agency_id)
    elif not publication.withdrawn:
        return publication  # already public: a second click changes nothing
    publication.published_at, publication.published_by = now, user
    publication.withdrawn_at = publication.withdrawn_by = None
    publication.withdrawal_reason = ""
    publication.changed_at = now
    publication.full_clean()
    publication.save()
    logger.info("document %s published by %s", document.pk, user.get_username())
    return publication


@transaction.atomic
def publication_withdraw(*, document: SignedDocument, user, reason: str, now=None) -> Publication:
    """Take a published document off the portal, with the reason the public page shows. Its public
    page then says it was withdrawn and when; the download stops at once."""
    if not can_publish(user, document.agency):
        raise PermissionDenied(_("Only the agency's administrator or its Kepala Dinas can withdraw documents."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the document is withdrawn: the public page shows it."))
    publication = Publication.objects.select_for_update().filter(document=document).first()
    if publication is None or publication.withdrawn:
        raise ValidationError(_("This document is not published."))
    now = now or timezone.now()
    publication.withdrawn_at, publication.withdrawn_by = now, user
    publication.withdrawal_reason = reason
    publication.changed_at = now
    publication.full_clean()
    publication.save()
    logger.info("document %s withdrawn from the portal by %s", document.pk, user.get_username())
    return publication
