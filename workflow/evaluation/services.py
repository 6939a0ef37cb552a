"""Write paths for the monitoring and evaluation of SOPs (PermenPAN-RB 35/2012)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sopkinerja.common.exceptions import WorkflowRefused
from workflow import permissions
from workflow.models.evaluation import CRITERIA, SopEvaluation, SopMonitoring
from workflow.models.sop import SopVersion


def _refuse_unless_assessor(version: SopVersion, user) -> None:
    if not permissions.can_assess(user, version):
        raise WorkflowRefused(
            _("Only the head of the SOP's unit, the Sekretaris or the Kepala Dinas may monitor and evaluate this SOP.")
        )
    if version.status != SopVersion.Status.EFFECTIVE:
        raise WorkflowRefused(_("Only an effective SOP version is monitored and evaluated."))


def _refuse_future(day: datetime.date, version: SopVersion) -> None:
    if day > timezone.now().astimezone(version.sop.agency.zone).date():
        raise WorkflowRefused(_("An assessment cannot be dated in the future."))


@transaction.atomic
def sop_monitoring_record(
    *,
    version: SopVersion,
    user,
    period: str,
    assessment: str,
    notes: str,
    action: str = "",
    assessed_on: datetime.date | None = None,
) -> SopMonitoring:
    """Record the monitoring of an effective SOP version for a semester (`2026-S1`).

    Guarantees: only someone who may assess it (permissions.can_assess) records it; the assessor's
    position and name are printed as they are today; the row is validated in full and never changed
    afterwards (a correction is a new record). A refusal saves nothing.
    """
    version = SopVersion.objects.select_for_update().select_related("sop__agency").get(pk=version.pk)
    _refuse_unless_assessor(version, user)
    assessed_on = assessed_on or timezone.now().astimezone(version.sop.agency.zone).date()
    _refuse_future(assessed_on, version)
    employee = user.employee
    monitoring = SopMonitoring(
        version=version,
        period=period,
        assessment=assessment,
        notes=notes,
        action=action,
        assessor=user,
        assessor_title=employee.position.title,
        assessor_name=employee.full_name,
        assessed_on=assessed_on,
    )
    monitoring.full_clean()
    monitoring.save()
    return monitoring


@transaction.atomic
def sop_evaluation_record(
    *,
    version: SopVersion,
    user,
    answers: dict[str, bool],
    notes: dict[str, str] | None = None,
    evaluated_on: datetime.date | None = None,
) -> SopEvaluation:
    """Record the evaluation of an effective SOP version: each of the six criteria (models.CRITERIA)
    answered Ya (True) or Tidak (False), with an optional note each.

    Guarantees as for the monitoring: only an assessor, every criterion answered, never changed
    afterwards, nothing saved on a refusal.
    """
    version = SopVersion.objects.select_for_update().select_related("sop__agency").get(pk=version.pk)
    _refuse_unless_assessor(version, user)
    evaluated_on = evaluated_on or timezone.now().astimezone(version.sop.agency.zone).date()
    _refuse_future(evaluated_on, version)
    notes = notes or {}
    missing = [text for field, text in CRITERIA if answers.get(field) is None]
    if missing:
        raise WorkflowRefused(
            _("Answer every criterion with Ya or Tidak: %(criteria)s.") % {"criteria": "; ".join(missing)}
        )
    employee = user.employee
    evaluation = SopEvaluation(
        version=version,
        evaluator=user,
        evaluator_title=employee.position.title,
        evaluator_name=employee.full_name,
        evaluated_on=evaluated_on,
        **{field: bool(answers[field]) for field, _text in CRITERIA},
        **{f"{field}_note": notes.get(field, "") for field, _text in CRITERIA},
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation
