"""Integrations: the tokens other systems use to read and write through the API (/api/v1/), and the
record of every write made with one.

Only a hash of a token's secret is stored. The secret is shown once, when the token is created in the
admin; a token is found by its prefix (the part before the dot) and its secret compared in constant
time. A token reaches one agency, or every agency of one local government (for its administrators).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflow.models.organisation import Agency, LocalGovernment


class Scope(models.TextChoices):
    READ_PERFORMANCE = "read:performance", _("Read indicators, targets, figures and capaian")
    WRITE_FIGURES = "write:figures", _("Save a unit's quarterly figures as a draft")
    READ_DOCUMENTS = "read:documents", _("Read signed documents")
    READ_RUNS = "read:runs", _("Read SOP runs and their steps")
    READ_SOP = "read:sop", _("Read SOPs (JSON v1)")
    WRITE_SOP = "write:sop", _("Import an SOP draft (JSON v1)")


def secret_digest(secret: str) -> str:
    """SHA-256 of the secret: the secret is 32 random bytes, so a slow hash adds nothing but latency."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """One integration's key to the API: its scopes, the agency (or government) it reaches, and the
    login whose rights its writes use (`acts_as`)."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. e-SAKIP Provinsi."))
    agency = models.ForeignKey(
        Agency, models.CASCADE, null=True, blank=True, related_name="api_tokens", verbose_name=_("agency")
    )
    local_government = models.ForeignKey(
        LocalGovernment,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("whole local government"),
        help_text=_("Instead of one agency: every agency of this government (for its administrators)."),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("writes as"),
        help_text=_(
            "The login whose rights the token's writes use: figures are saved as if this person typed them. "
            "Required for the write scopes."
        ),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # The rate limit's fixed window (its number since the epoch) and the requests counted in it: one
    # UPDATE per request counts them (workflow.organisation.tokens.api_token_count).
    rate_window = models.BigIntegerField(default=0, editable=False)
    rate_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True) ^ Q(local_government__isnull=True),
                name="api_token_one_agency_or_one_government",
                violation_error_message=_("Choose one agency or one whole local government."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.scopes or []) - set(Scope.values)
        if unknown or not isinstance(self.scopes, list):
            raise ValidationError({"scopes": _("Unknown scope.")})
        writes = {Scope.WRITE_FIGURES, Scope.WRITE_SOP} & set(self.scopes)
        if writes and self.acts_as_id is None:
            raise ValidationError({"acts_as": _("A token that writes needs the login it writes as.")})
        if (self.agency_id is None) == (self.local_government_id is None):
            raise ValidationError(_("Choose one agency or one whole local government."))

    def new_secret(self) -> str:
        """Give the token a new secret and return it whole (prefix.secret): the only time it is seen."""
        self.prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        self.secret_hash = secret_digest(secret)
        return f"{self.prefix}.{secret}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, secret_digest(secret))

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def agencies(self):
        """The agencies the token reaches."""
        if self.agency_id is not None:
            return Agency.objects.filter(pk=self.agency_id)
        return Agency.objects.filter(local_government_id=self.local_government_id)


class ApiWrite(models.Model):
    """The audit record of one write through the API: which token (by name, as it was), what, when,
    and how it ended. Kept when the token is revoked."""

    token = models.ForeignKey(ApiToken, models.PROTECT, related_name="writes", verbose_name=_("API token"))
    token_name = models.CharField(_("token name"), max_length=100)
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+", verbose_name=_("agency"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=40)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("API write")
        verbose_name_plural = _("API writes")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.token_name}: {self.action} ({self.outcome})"
