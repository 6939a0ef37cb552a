"""Documents: the signed PDFs (kept as signed), the requests for them and the worker's heartbeat."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    SOP = "sop", _("SOP sheet")
    REPORT = "report", _("Performance report")
    DISPOSITION = "disposition", _("Lembar disposisi")
    MONITORING = "monev", _("SOP monitoring and evaluation")
    AGREEMENT = "pk", _("Perjanjian Kinerja")


class SignedDocument(models.Model):
    """A signed PDF: its original bytes, kept as signed and never re-rendered.

    Signing the same subject again makes a new version; older versions stay downloadable and
    verifiable. The token is what the QR code's verification URL carries.
    """

    agency = models.ForeignKey(
        "workflow.Agency", models.PROTECT, related_name="signed_documents", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    subject = models.CharField(_("subject key"), max_length=100, help_text=_("e.g. report:2026-TW1 or sop:12"))
    sop_version = models.ForeignKey(
        "workflow.SopVersion", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SOP version")
    )
    period = models.CharField(_("period"), max_length=10, blank=True)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    token = models.UUIDField(_("verification token"), unique=True, default=uuid.uuid4, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signer_title = models.CharField(_("signer's position"), max_length=300)
    signer_name = models.CharField(_("signer's name"), max_length=200)
    signer_nip = models.CharField(_("signer's NIP"), max_length=24, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    via = models.CharField(_("signed through"), max_length=10, default="web")
    backend = models.CharField(_("signing backend"), max_length=8, default="local")
    signer_certificate = models.BinaryField(
        _("signer's certificate (DER)"), blank=True, default=b"", help_text=_("Public: read from the signed PDF.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    pdf = models.BinaryField(_("signed PDF"))

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "subject", "version"], name="one_signed_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def filename(self) -> str:
        return f"{slugify(self.title)}-v{self.version}-ttd.pdf"


class DocumentRequest(models.Model):
    """A PDF asked for in the browser and rendered in the background; pending until ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        AWAITING = "awaiting", _("Waiting for the signature")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agency = models.ForeignKey(
        "workflow.Agency", models.CASCADE, related_name="document_requests", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    sop_version = models.ForeignKey(
        "workflow.SopVersion", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("SOP version")
    )
    period = models.CharField(_("period"), max_length=10, blank=True)
    disposition = models.ForeignKey(
        "workflow.Disposition", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("disposition")
    )
    paper = models.CharField(_("paper"), max_length=2, default="f4")
    sign = models.BooleanField(_("sign"), default=False)
    title = models.CharField(_("title"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    # One request makes at most one signed document (a retried POST returns the same one).
    signed_document = models.OneToOneField(
        SignedDocument, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("signed document")
    )
    # A signing request: the exact PDF to sign is prepared in the background with this token and block.
    token = models.UUIDField(_("verification token"), null=True, blank=True, unique=True, editable=False)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=300, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    signer_nip = models.CharField(_("signer's NIP"), max_length=24, blank=True)
    # An SOP draft's content as it was rendered (workflow.sop.exchange.content_digest): signing checks it is unchanged.
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    # The background task (recover_documents tells a dead worker's task by it) and how often it was queued again.
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def waits(self) -> bool:
        """Still being prepared, or ready and waiting for the signature."""
        return self.status in (self.Status.PENDING, self.Status.AWAITING)

    @property
    def is_sop(self) -> bool:
        return self.kind == DocumentKind.SOP

    @property
    def filename(self) -> str:
        return f"{slugify(self.title)}.pdf"


class WorkerHeartbeat(models.Model):
    """When each background worker process (`manage.py worker`) was last alive; `/health/` reads it."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
