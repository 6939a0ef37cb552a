"""Publication on the public portal (/publik/): which signed documents the public may read.

A row exists once a document has been published: the signing service writes it at signing time for
the kinds that are public by default (a report, an SOP sheet, the Perjanjian Kinerja), and an agency
admin can publish any other signed document of a public kind by hand. Withdrawing keeps the row,
with when, by whom and why, so the public page can say the document was withdrawn and when. The
signed bytes are never touched: this table only says who may see them. A disposisi is never public.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import DocumentKind

# The kinds a citizen may ever see; a lembar disposisi is internal correspondence.
PUBLIC_KINDS = (DocumentKind.REPORT, DocumentKind.SOP, DocumentKind.AGREEMENT, DocumentKind.MONITORING)
# The kinds published as they are signed; an SOP monitoring report waits for the admin's choice.
PUBLISHED_WHEN_SIGNED = (DocumentKind.REPORT, DocumentKind.SOP, DocumentKind.AGREEMENT)


class PublicationQuerySet(models.QuerySet):
    def in_force(self):
        """Published and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Publication(models.Model):
    """A signed document on the public portal since `published_at`, unless withdrawn."""

    document = models.OneToOneField(
        "SignedDocument", models.CASCADE, related_name="publication", verbose_name=_("signed document")
    )
    agency = models.ForeignKey("workflow.Agency", models.CASCADE, related_name="publications", verbose_name=_("agency"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        help_text=_("Empty: published when it was signed."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)
    # Every change stamps it: the portal's pages are cached under the latest change (reports.portal).
    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return str(self.document_id)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
