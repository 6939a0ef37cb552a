"""The SOP document in the PermenPAN-RB 35/2012 format: identity part and flowchart table.

A signed version (effective or withdrawn) is frozen: the model layer refuses every change to it
and to the rows that hang off it (list items, executor columns, steps, requirements), whether it
comes through save(), delete(), a cascade, or a QuerySet's update()/bulk_update()/bulk_create()/
delete(). The only change left is its status moving from effective to withdrawn. A change is a
new revision (`workflow.sop.services.sop_version_revise`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.nip import format_nip, validate_nip
from workflow.sop.graph import graph_problems
from workflow.sop.text import parse_waktu
from workflow.sop.waktu import Duration, TimeUnit, Total, Waktu, total_waktu

from .organisation import Agency, Position, Unit

# Printed on every signed sheet of the SOP, so they are frozen once one of its versions is signed.
PRINTED_SOP_FIELDS = {"agency", "agency_id", "number", "unit", "unit_id"}


class SopQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            if PRINTED_SOP_FIELDS & set(kwargs):
                for sop in self.model._base_manager.using(self.db).filter(pk__in=self.values("pk")):
                    sop.refuse_renaming_if_signed()
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic(using=self.db):
            refuse_if_signed(SopVersion._base_manager.filter(sop__in=self.values("pk")).values_list("pk", flat=True))
            return super().delete()


class Sop(models.Model):
    """One SOP of an agency, identified by its Nomor SOP. Its content lives in versions."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="sops", verbose_name=_("agency"))
    number = models.CharField(
        _("SOP number"),
        max_length=100,
        blank=True,
        help_text=_("May stay empty in a draft; an effective SOP needs it."),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sops",
        verbose_name=_("unit"),
        help_text=_("The unit named in the SOP's office block, e.g. Sekretariat."),
    )

    objects = SopQuerySet.as_manager()

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")
        ordering = ["agency_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"],
                condition=~Q(number=""),
                name="sop_number_unique_per_agency",
                violation_error_message=_("This agency already has an SOP with this number."),
            )
        ]

    def __str__(self) -> str:
        return self.number or gettext("(no number yet)")

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            if self.pk is not None and not self._state.adding:
                stored = type(self)._base_manager.filter(pk=self.pk).values("agency_id", "number", "unit_id").first()
                now = {"agency_id": self.agency_id, "number": self.number, "unit_id": self.unit_id}
                if stored is not None and stored != now:
                    self.refuse_renaming_if_signed()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Checked before the cascade starts, so the refusal leaves the caller's transaction usable.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            refuse_if_signed(SopVersion._base_manager.filter(sop_id=self.pk).values_list("pk", flat=True))
            return super().delete(*args, **kwargs)

    def refuse_renaming_if_signed(self) -> None:
        awaiting = SopVersion._base_manager.filter(sop_id=self.pk, awaiting_signature_since__isnull=False).first()
        if awaiting is not None:
            raise DraftAwaitingSignature(awaiting.pk)
        if SopVersion._base_manager.filter(sop_id=self.pk, status__in=SIGNED_STATUSES).exists():
            raise ValidationError(
                gettext("SOP %(number)s has a signed version: its number, unit and agency cannot change.")
                % {"number": type(self)._base_manager.get(pk=self.pk).number},
                code="signed_version_frozen",
            )

    def clean(self) -> None:
        if self.unit_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": _("The unit must belong to the SOP's agency.")})

    def current_version(self) -> "SopVersion | None":
        """The effective version, else the newest one."""
        versions = self.versions.all()
        effective = [v for v in versions if v.status == SopVersion.Status.EFFECTIVE]
        return effective[0] if effective else max(versions, key=lambda v: v.revision, default=None)


# Statuses of a version that was signed once: its text is what a signed PDF carries.
SIGNED_STATUSES = ("effective", "withdrawn")


class VersionRefusal(ValidationError):
    """A change refused for what the version is; the message names the SOP and the revision."""

    message_template = ""
    code_name = ""

    def __init__(self, version_id: int):
        version = SopVersion._base_manager.select_related("sop").get(pk=version_id)
        self.version_id = version_id
        names = {"number": version.sop.number, "name": version.name, "revision": version.revision}
        super().__init__(str(self.message_template) % names, code=self.code_name)


class SignedVersionFrozen(VersionRefusal):
    """Refusal of any change to a signed SOP version or to a row of its content."""

    message_template = _(
        'SOP %(number)s "%(name)s" revision %(revision)d is signed and cannot be changed. '
        "Make a new revision to change it."
    )
    code_name = "signed_version_frozen"


class DraftAwaitingSignature(VersionRefusal):
    """Refusal of any change to a draft whose PDF has been prepared for the head's signature: what
    he signs must be what becomes effective."""

    message_template = _(
        'The draft of SOP %(number)s "%(name)s" has been prepared for signing and cannot be changed '
        "until it is signed or the signing request is withdrawn."
    )
    code_name = "draft_awaiting_signature"


def refuse_if_signed(version_ids, using: str = "default") -> None:
    """Lock the versions (so a concurrent signing waits) and refuse if any of them is signed, or is
    a draft waiting for its signature."""
    ids = {pk for pk in version_ids if pk is not None}
    if not ids:
        return
    rows = SopVersion._base_manager.using(using).select_for_update().filter(pk__in=ids).order_by("pk")
    for pk, status, awaiting in rows.values_list("pk", "status", "awaiting_signature_since"):
        if status in SIGNED_STATUSES:
            raise SignedVersionFrozen(pk)
        if awaiting is not None:
            raise DraftAwaitingSignature(pk)


class SopVersionQuerySet(models.QuerySet):
    def for_agency(self, agency) -> "SopVersionQuerySet":
        return self.filter(sop__agency=agency)

    def signed(self) -> "SopVersionQuerySet":
        return self.filter(status__in=SIGNED_STATUSES)

    def update(self, **kwargs):
        """Refused when it touches a signed version, except withdrawing effective ones (status only)."""
        withdrawing = set(kwargs) == {"status"} and kwargs["status"] == "withdrawn"
        holding = set(kwargs) == {"awaiting_signature_since"}
        with transaction.atomic(using=self.db):
            locked = self.model._base_manager.using(self.db).select_for_update().filter(pk__in=self.values("pk"))
            for pk, status, awaiting in locked.order_by("pk").values_list("pk", "status", "awaiting_signature_since"):
                if status in SIGNED_STATUSES and not withdrawing:
                    raise SignedVersionFrozen(pk)
                if awaiting is not None and not holding:
                    raise DraftAwaitingSignature(pk)
            return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            refuse_if_signed((obj.pk for obj in objs), self.db)
            return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        with transaction.atomic(using=self.db):
            refuse_if_signed(self.values_list("pk", flat=True), self.db)
            return super().delete()


class VersionContentQuerySet(models.QuerySet):
    """QuerySet writes on a version's content rows obey the same freeze as save() and delete()."""

    def update(self, **kwargs):
        lookup = self.model.version_lookup
        with transaction.atomic(using=self.db):
            refuse_if_signed(self.values_list(lookup, flat=True).distinct(), self.db)
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            # Rows moved to another version (or step) must not land in a signed one either.
            refuse_if_signed(
                self.model._base_manager.using(self.db).filter(pk__in=pks).values_list(lookup, flat=True), self.db
            )
            return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            refuse_if_signed({pk for obj in objs for pk in obj.version_ids_in_memory(self.db)}, self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            ids = {pk for obj in objs for pk in obj.version_ids_stored(self.db) | obj.version_ids_in_memory(self.db)}
            refuse_if_signed(ids, self.db)
            return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        with transaction.atomic(using=self.db):
            refuse_if_signed(self.values_list(self.model.version_lookup, flat=True), self.db)
            return super().delete()


class VersionContent(models.Model):
    """A row that hangs off an SOP version: frozen once the version is signed."""

    version_lookup = "version"  # the path from this row to its SopVersion

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored = set() if self._state.adding else self.version_ids_stored(using)
            refuse_if_signed(stored | self.version_ids_in_memory(using), using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            refuse_if_signed(self.version_ids_stored(using), using)
            return super().delete(*args, **kwargs)

    def version_ids_in_memory(self, using: str) -> set[int]:
        """The version this row would belong to, as set in memory."""
        hop, _sep, rest = self.version_lookup.partition("__")
        value = getattr(self, self._meta.get_field(hop).attname)
        if not rest:
            return {value}
        related = self._meta.get_field(hop).related_model
        return set(related._base_manager.using(using).filter(pk=value).values_list(rest, flat=True))

    def version_ids_stored(self, using: str) -> set[int]:
        """The version this row belongs to, as stored (compare with the row, not with memory)."""
        if self.pk is None:
            return set()
        rows = type(self)._base_manager.using(using).filter(pk=self.pk)
        return set(rows.values_list(self.version_lookup, flat=True))


class SopVersion(models.Model):
    """One revision of an SOP. Older revisions stay readable; at most one is effective."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EFFECTIVE = "effective", _("Signed / effective")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    sop = models.ForeignKey(Sop, models.CASCADE, related_name="versions", verbose_name=_("SOP"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=0, help_text=_("0 for the original."))
    name = models.CharField(_("SOP name"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    made_on = models.DateField(_("date made (Tanggal Pembuatan)"), null=True, blank=True)
    revised_on = models.DateField(_("date revised (Tanggal Revisi)"), null=True, blank=True)
    effective_on = models.DateField(_("effective date (Tanggal Efektif)"), null=True, blank=True)
    approver_title = models.CharField(_("approved by: position"), max_length=300, blank=True)
    approver_name = models.CharField(_("approved by: name"), max_length=200, blank=True)
    approver_nip = models.CharField(_("approved by: NIP"), max_length=18, blank=True, validators=[validate_nip])
    prepared_by = models.CharField(
        _("prepared by (Penyusun)"), max_length=300, blank=True, help_text=_("Name and position, as printed.")
    )
    checked_by = models.CharField(
        _("checked by (Pemeriksa)"), max_length=300, blank=True, help_text=_("Name and position, as printed.")
    )
    provenance = models.TextField(
        _("provenance"),
        blank=True,
        help_text=_("Where this text comes from, and which parts were reconstructed or assumed."),
    )
    # Set while a PDF of this draft, prepared for the head's signature, waits for it: the draft is
    # frozen like a signed version until it is signed or the request is withdrawn.
    awaiting_signature_since = models.DateTimeField(_("prepared for signing at"), null=True, blank=True, editable=False)

    objects = SopVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("SOP version")
        verbose_name_plural = _("SOP versions")
        ordering = ["sop", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop", "revision"],
                name="sop_revision_unique",
                violation_error_message=_("This SOP already has a version with this revision number."),
            ),
            models.UniqueConstraint(
                fields=["sop"],
                condition=Q(status="effective"),
                name="one_effective_version_per_sop",
                violation_error_message=_("Only one version of an SOP can be effective at a time."),
            ),
            # A change is one new revision at a time: a second draft would compete for the same number.
            models.UniqueConstraint(
                fields=["sop"],
                condition=Q(status="draft"),
                name="one_draft_version_per_sop",
                violation_error_message=_("This SOP already has a draft revision; edit that one."),
            ),
        ]

    def __str__(self) -> str:
        suffix = f" (rev. {self.revision})" if self.revision else ""
        return f"{self.sop.number} {self.name}{suffix}"

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if self.pk is not None and not self._state.adding:
                self._refuse_change_of_signed(using, kwargs.get("update_fields"))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            refuse_if_signed({self.pk}, using)
            return super().delete(*args, **kwargs)

    def _refuse_change_of_signed(self, using: str, update_fields) -> None:
        """Compare with the stored row (locked), not with the in-memory status."""
        fields = [f for f in self._meta.concrete_fields if not f.primary_key]
        if update_fields is not None:
            fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
        stored = (
            type(self)
            ._base_manager.using(using)
            .select_for_update()
            .filter(pk=self.pk)
            .values(*{"status", "awaiting_signature_since", *(f.attname for f in fields)})
            .first()
        )
        if stored is None:
            return
        if stored["status"] not in SIGNED_STATUSES:
            self._refuse_change_of_awaiting(stored, fields)
            return  # a draft is editable
        changed = {f.name for f in fields if f.to_python(getattr(self, f.attname)) != stored[f.attname]}
        withdrawing = stored["status"] == self.Status.EFFECTIVE and self.status == self.Status.WITHDRAWN
        if changed and not (withdrawing and changed == {"status"}):
            raise SignedVersionFrozen(self.pk)

    def _refuse_change_of_awaiting(self, stored: dict, fields) -> None:
        """A draft waiting for its signature changes only by being signed, or by being released."""
        if stored.get("awaiting_signature_since") is None:
            return
        changed = {f.name for f in fields if f.to_python(getattr(self, f.attname)) != stored[f.attname]}
        signing = self.status == self.Status.EFFECTIVE
        if changed - {"awaiting_signature_since"} and not signing:
            raise DraftAwaitingSignature(self.pk)

    @property
    def agency(self) -> Agency:
        return self.sop.agency

    @property
    def is_frozen(self) -> bool:
        """Signed, or a draft prepared for signing: no edit is accepted (the guard reads the row)."""
        return self.is_signed or self.awaiting_signature_since is not None

    @property
    def approver_nip_display(self) -> str:
        return format_nip(self.approver_nip)

    @property
    def is_signed(self) -> bool:
        """Effective or withdrawn: signed once, so frozen (as stored in memory; the guard reads the row)."""
        return self.status in SIGNED_STATUSES

    def make_effective(self, *, effective_on, approver_title: str, approver_name: str, approver_nip: str) -> None:
        """Signing: a draft becomes effective, with the date and who signed it. Rules only, no saving."""
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft SOP version can be made effective."))
        self.status = self.Status.EFFECTIVE
        self.awaiting_signature_since = None
        self.effective_on = effective_on
        self.approver_title, self.approver_name = approver_title, approver_name
        self.approver_nip = approver_nip.replace(" ", "")

    def withdraw(self) -> None:
        """A newer revision took over: this one stays readable, with its signed PDF, but is no longer run."""
        if self.status != self.Status.EFFECTIVE:
            raise ValidationError(_("Only the effective SOP version can be withdrawn."))
        self.status = self.Status.WITHDRAWN

    def clean(self) -> None:
        errors = {}
        if self.revision and not self.revised_on:
            errors["revised_on"] = _("A revision needs its revision date (Tanggal Revisi).")
        if self.revised_on and self.made_on and self.revised_on < self.made_on:
            errors["revised_on"] = _("The revision date cannot be before the date made.")
        if self.effective_on and self.made_on and self.effective_on < self.made_on:
            errors["effective_on"] = _("The effective date cannot be before the date made.")
        if self.status == self.Status.EFFECTIVE:
            if not self.made_on:
                errors["made_on"] = _("An effective SOP needs its date made (Tanggal Pembuatan).")
            if not self.effective_on:
                errors["effective_on"] = _("An effective SOP needs its effective date (Tanggal Efektif).")
            if not (self.approver_title and self.approver_name):
                errors["approver_name"] = _("An effective SOP needs the position and name of who approved it.")
        if errors:
            raise ValidationError(errors)

    def list_items(self, section: str) -> list[str]:
        return [item.text for item in self.list_entries.all() if item.section == section]

    def list_entries_of(self, section: str) -> list["SopListItem"]:
        """The items of one identity list, in order, each with the numbering it was printed with."""
        return sorted((item for item in self.list_entries.all() if item.section == section), key=lambda i: i.order)

    def effective_problems(self) -> list[str]:
        """What stops this version from becoming effective (signing), in Indonesian, one per problem."""

        problems = []
        if not self.sop.number or self.sop.number.strip() in {"", "-"}:
            problems.append(gettext("The SOP has no number (Nomor SOP) yet."))
        if not self.made_on:
            problems.append(gettext("The date made (Tanggal Pembuatan) is missing."))
        if self.revision and not self.revised_on:
            problems.append(gettext("A revision needs its revision date (Tanggal Revisi)."))
        steps = list(self.steps.all())
        if not steps:
            problems.append(gettext("The SOP has no steps: an effective SOP needs at least one."))
        else:
            problems.extend(graph_problems(self))
        return problems

    def total_duration(self) -> Total:
        """Jumlah: computed from the steps, never typed (see workflow.sop.waktu.total_waktu)."""
        return total_waktu(step.waktu for step in self.steps.all())


class SopListItem(VersionContent):
    """One item of an identity list, with the numbering it was printed with ("1.", "a.", "-", "")."""

    class Section(models.TextChoices):
        LEGAL_BASIS = "dasar_hukum", _("Legal basis (Dasar Hukum)")
        QUALIFICATION = "kualifikasi", _("Executor qualifications (Kualifikasi Pelaksana)")
        RELATED = "keterkaitan", _("Related SOPs (Keterkaitan)")
        EQUIPMENT = "peralatan", _("Equipment (Peralatan/Perlengkapan)")
        WARNING = "peringatan", _("Warning (Peringatan)")
        RECORDING = "pencatatan", _("Recording and data keeping (Pencatatan dan Pendataan)")
        PURPOSE = "tujuan", _("Purpose (Tujuan)")
        SCOPE = "ruang_lingkup", _("Scope (Ruang Lingkup)")
        DEFINITIONS = "definisi", _("Definitions (Definisi/Istilah)")

    version = models.ForeignKey(SopVersion, models.CASCADE, related_name="list_entries", verbose_name=_("version"))
    section = models.CharField(_("section"), max_length=14, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    label = models.CharField(
        _("numbering as printed"),
        max_length=12,
        blank=True,
        help_text=_('e.g. "1.", "a.", "1)", "-"; empty for a single unnumbered paragraph.'),
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["version_id", "section", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "section", "order"],
                name="list_item_order_unique",
                violation_error_message=_("Two items of the same list cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.text}".strip()


class Executor(VersionContent):
    """A Pelaksana column of the flowchart table: a position of the agency, an outside party
    (Pemohon, OPD terkait, Masyarakat, Instansi lain) or a system (Aplikasi/Sistem)."""

    class Kind(models.TextChoices):
        POSITION = "position", _("Position of the agency")
        OUTSIDE = "outside", _("Outside party")
        SYSTEM = "system", _("System / application")

    version = models.ForeignKey(SopVersion, models.CASCADE, related_name="executors", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("column"), validators=[MinValueValidator(1)])
    title = models.CharField(_("column heading"), max_length=200, help_text=_("As printed in the SOP."))
    short_label = models.CharField(
        _("short label"), max_length=40, blank=True, help_text=_("For narrow columns, e.g. Kasubbag PK.")
    )
    kind = models.CharField(_("kind of executor"), max_length=10, choices=Kind.choices, default=Kind.POSITION)
    position = models.ForeignKey(
        Position,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="executor_columns",
        verbose_name=_("position"),
        help_text=_("Only for a column that is a position of the agency."),
    )

    class Meta:
        verbose_name = _("executor (Pelaksana)")
        verbose_name_plural = _("executors (Pelaksana)")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"],
                name="executor_column_unique",
                violation_error_message=_("Two executor columns cannot have the same number."),
            ),
            models.UniqueConstraint(
                fields=["version", "position"],
                name="executor_position_unique",
                violation_error_message=_("A position can be only one executor column of an SOP."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The heading for narrow columns."""
        return self.short_label or self.title

    def _named(self) -> dict:
        return {"title": self.title}

    @property
    def is_position(self) -> bool:
        return self.kind == self.Kind.POSITION

    def clean(self) -> None:
        if self.kind == self.Kind.POSITION and not self.position_id:
            raise ValidationError(
                {
                    "position": _("Column %(title)s is a position of the agency: choose the position.")
                    % {"title": self.title}
                }
            )
        if self.kind != self.Kind.POSITION and self.position_id:
            raise ValidationError(
                {
                    "position": _("Column %(title)s is an outside party or a system: it has no position.")
                    % {"title": self.title}
                }
            )
        if self.position_id and self.version_id and self.position.agency_id != self.version.sop.agency_id:
            raise ValidationError({"position": _("The position must belong to the SOP's agency.")})


class Step(VersionContent):
    """One row of the flowchart table: a node of the SOP's flow graph.

    Its actors are the columns where its symbol is drawn (one or more, joined). Its executor is the
    position column whose holder performs it in the app, or records it when the actors are outside
    parties or a system. Its exits (StepExit) are the arrows out of it: a process step has one, a
    decision two or more with labels, an end terminator none.
    """

    class Symbol(models.TextChoices):
        TERMINATOR = "terminator", _("Terminator (start/end)")
        PROCESS = "process", _("Process")
        DECISION = "decision", _("Decision")

    class Cadence(models.TextChoices):
        QUARTERLY = "triwulan", _("Quarterly (triwulan)")
        SEMESTER = "semester", _("Half-yearly (semester)")
        ANNUAL = "tahunan", _("Annual (tahunan)")

    version = models.ForeignKey(SopVersion, models.CASCADE, related_name="steps", verbose_name=_("version"))
    number = models.PositiveSmallIntegerField(_("no."), validators=[MinValueValidator(1)])
    activity = models.TextField(_("activity (Kegiatan)"))
    executor = models.ForeignKey(
        Executor,
        models.PROTECT,
        related_name="steps",
        verbose_name=_("performed in the app by"),
        help_text=_("The position column whose holder performs or records this step."),
    )
    actors = models.ManyToManyField(
        Executor,
        through="StepActor",
        related_name="acted_steps",
        verbose_name=_("actors (Pelaksana)"),
        blank=True,
    )
    symbol = models.CharField(_("symbol"), max_length=12, choices=Symbol.choices, default=Symbol.PROCESS)
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.QUARTERLY)
    duration_text = models.CharField(
        _("time (Waktu) as written"),
        max_length=60,
        help_text=_(
            "e.g. 15 menit, 4 jam kerja, 1 minggu, 3 hari kalender, 1x24 jam, ± 15 menit, Seketika, Menyesuaikan, -"
        ),
    )
    duration_amount = models.PositiveIntegerField(_("time amount"), null=True, blank=True, editable=False)
    duration_unit = models.CharField(_("time unit"), max_length=6, choices=TimeUnit.choices, blank=True, editable=False)
    output = models.CharField(_("output"), max_length=300)
    remark = models.CharField(_("remark (Keterangan)"), max_length=300, blank=True)
    collects_data = models.BooleanField(
        _("data-collection step"),
        default=False,
        help_text=_("Complete only when every responsible unit has submitted its quarterly figures."),
    )
    approver_position = models.ForeignKey(
        Position,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver position"),
        help_text=_("Leave empty to use the supervisor of the executor's position."),
    )
    provenance = models.CharField(
        _("provenance"), max_length=300, blank=True, help_text=_("Assumptions or reconstruction in this row.")
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["version_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"],
                name="step_number_unique",
                violation_error_message=_("Two steps of an SOP cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.activity[:60]}"

    @property
    def waktu(self) -> Waktu:
        """The Waktu read from its text, with what the office added (calendar time, an estimate, a time per
        item, a range). The stored amount and unit are the same reading; they stand in only for a text an
        older reader accepted and this one would not, so a stored step never fails to show."""
        try:
            return parse_waktu(self.duration_text)
        except ValidationError:
            return Waktu(self.duration_amount, self.duration_unit, self.duration_text)

    @property
    def duration(self) -> Duration:
        return self.waktu.duration()

    def clean_fields(self, exclude=None) -> None:
        """The Waktu as written is read into its value here, so the two never disagree."""
        super().clean_fields(exclude=exclude)
        try:
            waktu = parse_waktu(self.duration_text)
        except ValidationError as error:
            raise ValidationError({"duration_text": error.messages}) from error
        self.duration_amount, self.duration_unit = waktu.amount, waktu.unit

    def clean(self) -> None:
        errors = {}
        if self.executor_id and self.version_id and self.executor.version_id != self.version_id:
            errors["executor"] = _("The executor must be a column of the same SOP version.")
        elif self.executor_id and not self.executor.is_position:
            errors["executor"] = _(
                "Column %(title)s is not a position of the agency: "
                "choose the position that performs or records the step."
            ) % {"title": self.executor.title}
        if (
            self.approver_position_id
            and self.version_id
            and self.approver_position.agency_id != self.version.sop.agency_id
        ):
            errors["approver_position"] = _("The approver must be a position of the SOP's agency.")
        if errors:
            raise ValidationError(errors)

    def requirement_texts(self) -> list[str]:
        return [item.text for item in self.requirements.all()]

    def actor_columns(self) -> list[Executor]:
        """The columns the symbol is drawn in: its actors, else its executor."""
        actors = [link.executor for link in sorted(self.actor_links.all(), key=lambda link: link.order)]
        return actors or [self.executor]

    def exit_list(self) -> list["StepExit"]:
        return sorted(self.exits.all(), key=lambda exit: exit.order)

    def exit_labels(self) -> list[str]:
        return [exit.label for exit in self.exit_list()]


class StepActor(VersionContent):
    """One actor column of a step (a step done by several positions together has several)."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="actor_links", verbose_name=_("step"))
    executor = models.ForeignKey(Executor, models.CASCADE, related_name="+", verbose_name=_("executor column"))
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])

    version_lookup = "step__version"

    class Meta:
        verbose_name = _("step actor")
        verbose_name_plural = _("step actors")
        ordering = ["step_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["step", "executor"], name="step_actor_once"),
            models.UniqueConstraint(fields=["step", "order"], name="step_actor_order_unique"),
        ]

    def __str__(self) -> str:
        return str(self.executor)


class StepExit(VersionContent):
    """An arrow out of a step to any step of the same version, earlier or later; labelled on a decision."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="exits", verbose_name=_("step"))
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("e.g. Ya, Tidak, Lengkap, Ditolak"))
    target = models.ForeignKey(Step, models.CASCADE, related_name="entries", verbose_name=_("to step"))

    version_lookup = "step__version"

    class Meta:
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        ordering = ["step_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["step", "order"], name="step_exit_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label or '→'} {self.target_id}"


class StepRequirement(VersionContent):
    """One item of a step's Kelengkapan (the inputs it needs)."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="requirements", verbose_name=_("step"))

    version_lookup = "step__version"
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        verbose_name = _("requirement (Kelengkapan)")
        verbose_name_plural = _("requirements (Kelengkapan)")
        ordering = ["step_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "order"],
                name="requirement_order_unique",
                violation_error_message=_("Two requirements of a step cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return self.text


# delete() and QuerySet.delete() check before the Collector starts (a refusal inside it would spoil the
# caller's transaction). These receivers are the backstop for cascades from further up, e.g. an agency:
# the Collector sends pre_delete for every row it removes.
@receiver(pre_delete, sender=SopVersion)
def refuse_deleting_a_signed_version(sender, instance, using, **kwargs):
    refuse_if_signed({instance.pk}, using)


def refuse_deleting_signed_content(sender, instance, using, **kwargs):
    refuse_if_signed(instance.version_ids_stored(using), using)


for _content in (SopListItem, Executor, Step, StepRequirement, StepActor, StepExit):
    pre_delete.connect(refuse_deleting_signed_content, sender=_content, dispatch_uid=f"freeze-{_content.__name__}")
