"""Monitoring and evaluation of effective SOP versions (PermenPAN-RB 35/2012).

Monitoring is due every 6 months per effective SOP, evaluation at least yearly. Both are
records: once saved they are never changed or deleted; a correction is a new record, and the
newest one of a period is the one that counts.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .sop import SopVersion

MONITORING_MONTHS = 6
EVALUATION_MONTHS = 12


def _refuse_change(model) -> ValidationError:
    return ValidationError(
        gettext("%(record)s is a record and cannot be changed; record a new one to correct it.")
        % {"record": str(model._meta.verbose_name).capitalize()},
        code="record_frozen",
    )


class RecordQuerySet(models.QuerySet):
    """QuerySet writes obey the same rule as save() and delete(): no change, no removal."""

    def update(self, **kwargs):
        raise _refuse_change(self.model)

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise _refuse_change(self.model)

    def delete(self):
        raise _refuse_change(self.model)


class Record(models.Model):
    """A row written once: save() only inserts, delete() is refused."""

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse_change(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse_change(type(self))


class SopMonitoring(Record):
    """One row of the monitoring form: how an SOP ran in a semester, as the assessor judged it."""

    class Assessment(models.TextChoices):
        GOOD = "baik", _("Runs well")
        POOR = "kurang_baik", _("Runs less than well")
        NOT_RUNNING = "tidak_berjalan", _("Does not run")

    version = models.ForeignKey(SopVersion, models.PROTECT, related_name="monitorings", verbose_name=_("SOP version"))
    period = models.CharField(_("semester"), max_length=10, help_text=_("2026-S1 or 2026-S2"))
    assessment = models.CharField(
        _("assessment of how it is applied (Penilaian terhadap penerapan)"), max_length=16, choices=Assessment.choices
    )
    notes = models.TextField(_("notes on the assessment (Catatan hasil penilaian)"))
    action = models.TextField(_("action to take (Tindakan yang harus diambil)"), blank=True)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("assessor"))
    assessor_title = models.CharField(_("assessor's position"), max_length=300)
    assessor_name = models.CharField(_("assessor's name"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SOP monitoring")
        verbose_name_plural = _("SOP monitorings")
        ordering = ["-assessed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.version.sop.number} {self.period}: {self.get_assessment_display()}"

    def clean(self) -> None:
        if not re.fullmatch(r"\d{4}-S[12]", self.period or ""):
            raise ValidationError({"period": _("Choose a semester, such as 2026-S1.")}, code="bad_period")
        if self.assessment and self.assessment != self.Assessment.GOOD and not self.action.strip():
            raise ValidationError(
                {"action": _("Say what action must be taken when the SOP does not run well.")}, code="action_required"
            )


# The six criteria of the evaluation, in the regulation's order: (field, Indonesian text as printed).
CRITERIA = [
    ("drives_performance", "Mampu mendorong peningkatan kinerja"),
    ("easy_to_understand", "Mudah dipahami"),
    ("easy_to_carry_out", "Mudah dilaksanakan"),
    ("roles_clear", "Semua orang dapat menjalankan perannya masing-masing"),
    ("solves_process_problems", "Mampu mengatasi permasalahan yang berkaitan dengan proses"),
    ("meets_performance_needs", "Mampu menjawab kebutuhan peningkatan kinerja organisasi"),
]


class SopEvaluation(Record):
    """The yearly evaluation of an SOP: the six criteria, each answered Ya/Tidak with a note."""

    version = models.ForeignKey(SopVersion, models.PROTECT, related_name="evaluations", verbose_name=_("SOP version"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("evaluator")
    )
    evaluator_title = models.CharField(_("evaluator's position"), max_length=300)
    evaluator_name = models.CharField(_("evaluator's name"), max_length=200)
    evaluated_on = models.DateField(_("evaluated on"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    drives_performance = models.BooleanField(CRITERIA[0][1])
    drives_performance_note = models.TextField(_("note"), blank=True)
    easy_to_understand = models.BooleanField(CRITERIA[1][1])
    easy_to_understand_note = models.TextField(_("note"), blank=True)
    easy_to_carry_out = models.BooleanField(CRITERIA[2][1])
    easy_to_carry_out_note = models.TextField(_("note"), blank=True)
    roles_clear = models.BooleanField(CRITERIA[3][1])
    roles_clear_note = models.TextField(_("note"), blank=True)
    solves_process_problems = models.BooleanField(CRITERIA[4][1])
    solves_process_problems_note = models.TextField(_("note"), blank=True)
    meets_performance_needs = models.BooleanField(CRITERIA[5][1])
    meets_performance_needs_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("SOP evaluation")
        verbose_name_plural = _("SOP evaluations")
        ordering = ["-evaluated_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.version.sop.number} {self.evaluated_on:%Y-%m-%d}"

    def answers(self) -> list[tuple[str, bool, str]]:
        """(criterion as printed, Ya?, note) in the regulation's order."""
        return [(text, getattr(self, field), getattr(self, f"{field}_note")) for field, text in CRITERIA]
