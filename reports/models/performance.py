"""Performance data: objectives, indicators, targets (PK and Rencana Aksi), realisations, evidence,
unit submissions and the locks of the targets. The documents layer keeps its tables in documents.py."""

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from reports.performance.achievement import (
    YEARLY_QUARTER,
    Aggregation,
    Band,
    MeasurementFrequency,
    Polarity,
    TargetForm,
    TargetValue,
)
from sopkinerja.common.periods import Period
from sopkinerja.common.uploads import clean_name, validate_upload, validate_upload_size

QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
NON_NEGATIVE = [MinValueValidator(Decimal(0), message=_("The value cannot be negative."))]


class RatingBand(models.Model):
    """A predikat band. Bands differ between governments, so they are data; the common set is the default."""

    local_government = models.ForeignKey(
        "workflow.LocalGovernment",
        models.CASCADE,
        related_name="rating_bands",
        verbose_name=_("local government"),
    )
    label = models.CharField(_("rating (predikat)"), max_length=60)
    lower_bound = models.DecimalField(_("from % achievement"), max_digits=6, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")
        ordering = ["local_government_id", "-lower_bound"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "lower_bound"],
                name="band_bound_unique",
                violation_error_message=_("Two bands cannot start at the same percentage."),
            )
        ]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound}: {self.label}"

    def as_band(self) -> Band:
        return Band(self.label, self.lower_bound)


class Objective(models.Model):
    """Sasaran Strategis: the strategic objective that indicators belong to."""

    agency = models.ForeignKey("workflow.Agency", models.CASCADE, related_name="objectives", verbose_name=_("agency"))
    order = models.PositiveSmallIntegerField(_("no."), default=1)
    name = models.CharField(_("strategic objective (Sasaran Strategis)"), max_length=400)

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["agency_id", "order"]

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(objective__agency=agency)

    def reported_in(self, quarter: int):
        """The indicators whose figure is entered for the quarter: every quarterly one, and the
        yearly ones in TW IV only (YEARLY_QUARTER)."""
        if quarter == YEARLY_QUARTER:
            return self
        return self.filter(measurement_frequency=MeasurementFrequency.QUARTERLY)


class Indicator(models.Model):
    """Indikator Kinerja, with its unit of measure (satuan, may be empty: printed "-"), polarity,
    roll-up rule and how often it is measured."""

    objective = models.ForeignKey(Objective, models.CASCADE, related_name="indicators", verbose_name=_("objective"))
    order = models.PositiveSmallIntegerField(_("no."), default=1)
    name = models.CharField(_("indicator"), max_length=400)
    unit_of_measure = models.CharField(_("unit of measure (satuan)"), max_length=60, blank=True)
    polarity = models.CharField(
        _("polarity"), max_length=8, choices=Polarity.choices, default=Polarity.HIGHER_IS_BETTER
    )
    aggregation = models.CharField(
        _("roll-up rule"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("Quarterly targets are to-date (cumulative), and so are the figures reported against them."),
    )
    measurement_frequency = models.CharField(
        _("measured"),
        max_length=10,
        choices=MeasurementFrequency.choices,
        default=MeasurementFrequency.QUARTERLY,
        help_text=_(
            "Once a year: one realisation for the year, entered on the TW IV figures page, "
            "and an annual target without Rencana Aksi."
        ),
    )
    responsible_unit = models.ForeignKey(
        "workflow.Unit", models.PROTECT, related_name="indicators", verbose_name=_("responsible unit (PIC)")
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("performance indicator")
        verbose_name_plural = _("performance indicators")
        ordering = ["objective__agency_id", "objective__order", "order"]

    def __str__(self) -> str:
        return self.name

    @property
    def agency(self):
        return self.objective.agency

    @property
    def measured_yearly(self) -> bool:
        return self.measurement_frequency == MeasurementFrequency.YEARLY

    def reported_in(self, quarter: int) -> bool:
        """Whether the indicator's figure is entered for the quarter (IndicatorQuerySet.reported_in)."""
        return not self.measured_yearly or quarter == YEARLY_QUARTER

    def clean(self) -> None:
        if (
            self.responsible_unit_id
            and self.objective_id
            and self.responsible_unit.agency_id != self.objective.agency_id
        ):
            raise ValidationError({"responsible_unit": _("The responsible unit must belong to the same agency.")})


YEARLY_TARGET_ONLY = _(
    "This indicator is measured once a year: it takes only the annual target, no quarterly (TW) targets."
)


class Target(models.Model):
    """The annual target (PK, quarter empty) or a quarterly target (Rencana Aksi) of an indicator."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=QUARTER_VALIDATORS,
        help_text=_("Empty for the annual target."),
    )
    form = models.CharField(_("form"), max_length=8, choices=TargetForm.choices, default=TargetForm.SINGLE)
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4, validators=NON_NEGATIVE)
    upper_value = models.DecimalField(
        _("upper bound"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("For a range target only."),
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="one_quarter_target",
                violation_error_message=_("This indicator already has a target for this quarter."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(quarter__isnull=True),
                name="one_annual_target",
                violation_error_message=_("This indicator already has an annual target for this year."),
            ),
        ]

    def __str__(self) -> str:
        period = f"TW{self.quarter}" if self.quarter else _("annual")
        return f"{self.indicator} {self.year} {period}: {self.as_target()}"

    def clean(self) -> None:
        if self.upper_value is not None and self.value is not None and self.upper_value < self.value:
            raise ValidationError({"upper_value": _("The upper bound cannot be below the target.")})
        # The one rule for every path (browser, Excel, admin, target_set): a signed PK freezes its year.
        if (
            self.indicator_id
            and self.year
            and TargetLock.objects.filter(agency_id=self.indicator.objective.agency_id, year=self.year).exists()
        ):
            raise ValidationError(_("The targets for %(year)s are already locked.") % {"year": self.year})
        if self.quarter is not None and self.indicator_id and self.indicator.measured_yearly:
            raise ValidationError({"quarter": YEARLY_TARGET_ONLY})
        if self.form == TargetForm.RANGE and self.upper_value is None:
            raise ValidationError({"upper_value": _("A range target needs an upper bound.")})
        if self.form not in (TargetForm.SINGLE, TargetForm.RANGE) and self.upper_value is not None:
            raise ValidationError({"upper_value": _("Only a range target has an upper bound.")})

    def as_target(self) -> TargetValue:
        return self.value_of(self.value, self.upper_value, self.form)

    @staticmethod
    def value_of(value, upper_value, form: str) -> TargetValue:
        """The TargetValue of a target's columns, for reads that take them as values, not rows."""
        # Rows written before target forms existed carry a range as an upper bound only.
        return TargetValue(value, upper_value, TargetForm.RANGE if upper_value is not None else form)


class RealisationQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(indicator__objective__agency=agency)


class Realisation(models.Model):
    """Realisasi: what a unit reports for one indicator and quarter, with kendala and solusi."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="realisations", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    value = models.DecimalField(
        _("realisation"), max_digits=18, decimal_places=4, null=True, blank=True, validators=NON_NEGATIVE
    )
    # "n/a" (tidak tersedia) is stored as such, never as a number, with the reason reports print.
    not_available = models.BooleanField(_("not available (n/a)"), default=False)
    not_available_reason = models.TextField(_("why it is not available"), blank=True)
    # "1:17,9" is stored as 17,9 and printed back as the office wrote it.
    written_as_ratio = models.BooleanField(_("written as a ratio (1:n)"), default=False)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Printed beside the figure, e.g. “Evaluasi Semester I”."),
    )
    obstacles = models.TextField(_("obstacles (kendala)"), blank=True)
    solutions = models.TextField(_("remedies (upaya/solusi)"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = RealisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                name="one_realisation_per_quarter",
                violation_error_message=_("A realisation for this indicator and quarter already exists."),
            ),
            models.CheckConstraint(
                condition=Q(not_available=True, value__isnull=True) | Q(not_available=False, value__isnull=False),
                name="realisation_value_or_not_available",
                violation_error_message=_("A realisation is either a number or n/a."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}-TW{self.quarter}: {'n/a' if self.not_available else self.value}"

    def clean(self) -> None:
        if self.not_available and not self.not_available_reason.strip():
            raise ValidationError({"not_available_reason": _("Say why the figure is not available.")})
        if not self.not_available and self.value is None:
            raise ValidationError({"value": _("Enter the realisation, or n/a with a reason.")})
        if self.indicator_id and self.quarter and not self.indicator.reported_in(self.quarter):
            raise ValidationError(
                {
                    "quarter": _(
                        "%(indicator)s is measured once a year: enter its figure for the year on the TW IV page."
                    )
                    % {"indicator": self.indicator.name}
                }
            )
        if self.indicator_id and self.year and not self.indicator.targets.filter(year=self.year).exists():
            raise ValidationError(
                {
                    "year": _(
                        "This indicator has no target for %(year)s, so no realisation can be reported for that year."
                    )
                    % {"year": self.year}
                }
            )


class UnitSubmission(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A unit's figures for one quarter, as a whole: a draft while entered, then submitted to the unit
    head, who approves or returns it with a note. Submitted and approved figures are locked.

    Transitions hold the rules only; reports.performance.services does the locking, saving and logging.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    LOCKED = (State.SUBMITTED, State.APPROVED)

    unit = models.ForeignKey("workflow.Unit", models.CASCADE, related_name="submissions", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=10)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("returned by")
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_note = models.TextField(_("return note"), blank=True)

    class Meta:
        verbose_name = _("unit data submission")
        verbose_name_plural = _("unit data submissions")
        ordering = ["-period", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="one_submission_per_unit_period")]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.get_state_display()}"

    @property
    def locked(self) -> bool:
        return self.state in self.LOCKED

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def _has_return_note(self) -> bool:
        return bool(self.return_note.strip())

    _has_return_note.refusal = _("Write a note saying what must be fixed.")

    def _not_approved_by_submitter(self) -> bool:
        return self.approved_by_id != self.submitted_by_id

    _not_approved_by_submitter.refusal = _("You submitted these figures yourself: someone else must review them.")

    def _not_returned_by_submitter(self) -> bool:
        return self.returned_by_id != self.submitted_by_id

    _not_returned_by_submitter.refusal = _not_approved_by_submitter.refusal

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, conditions=[_not_approved_by_submitter])
    def approve(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        conditions=[_has_return_note, _not_returned_by_submitter],
    )
    def send_back(self, by=None, description=None):
        pass


class TargetLock(models.Model):
    """The targets of a year can no longer change. Made by signing the year's Perjanjian Kinerja
    (`signed_document` then names it), or by the Kepala Dinas's Kunci PK without a signed PK."""

    agency = models.ForeignKey("workflow.Agency", models.CASCADE, related_name="target_locks", verbose_name=_("agency"))
    year = models.PositiveSmallIntegerField(_("year"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("locked by")
    )
    locked_at = models.DateTimeField(_("locked at"))
    signed_document = models.ForeignKey(
        "SignedDocument",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed Perjanjian Kinerja"),
    )

    class Meta:
        verbose_name = _("target lock")
        verbose_name_plural = _("target locks")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="one_target_lock_per_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A name nobody can guess: the original name is kept on the row, for the download."""
    realisation = instance.realisation
    agency = realisation.indicator.objective.agency.slug
    extension = os.path.splitext(filename)[1].lower()
    return f"evidence/{agency}/{realisation.year}/TW{realisation.quarter}/{uuid.uuid4().hex}{extension}"


# The name the first migration refers to; the check itself lives with the content check.
validate_evidence_size = validate_upload_size


class Evidence(models.Model):
    """Bukti dukung: a file attached to a realisation, served only through reports.views.documents.evidence_download."""

    realisation = models.ForeignKey(Realisation, models.CASCADE, related_name="evidence", verbose_name=_("realisation"))
    file = models.FileField(_("file"), upload_to=evidence_path, validators=[validate_upload, validate_upload_size])
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, editable=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence (bukti dukung)")
        verbose_name_plural = _("evidence (bukti dukung)")
        ordering = ["realisation", "uploaded_at"]

    def __str__(self) -> str:
        return self.description or self.original_name or self.file.name

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.original_name = clean_name(self.file.name)
        super().save(*args, **kwargs)


class EvidenceRemoval(models.Model):
    """The record of a removed bukti dukung: which file, who uploaded it, who removed it and when.

    The Evidence row and its stored file are deleted; this row is what remains.
    """

    realisation = models.ForeignKey(
        Realisation, models.CASCADE, related_name="evidence_removals", verbose_name=_("realisation")
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    stored_name = models.CharField(_("stored file name"), max_length=255)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("removed by")
    )
    removed_at = models.DateTimeField(_("removed at"))

    class Meta:
        verbose_name = _("removed evidence")
        verbose_name_plural = _("removed evidence")
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return self.original_name
