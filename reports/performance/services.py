"""Write paths for performance data. Bad input raises ValidationError and saves nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from reports.models.performance import (
    Evidence,
    EvidenceRemoval,
    Indicator,
    Realisation,
    Target,
    TargetLock,
    UnitSubmission,
)
from reports.performance import notifications
from reports.performance.achievement import TargetForm, TargetValue
from reports.performance.locks import figures_locked
from reports.performance.selectors import agreement_target_gaps, unit_indicators
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow import permissions
from workflow.organisation.selectors import agency_of


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    upper_value: Decimal | None = None,
    form: str | None = None,
) -> Target:
    """Set the annual target (quarter None) or a quarterly target of an indicator.

    Refused (ValidationError, nothing saved) once the year's targets are locked (TargetLock: the PK
    signed, or Kunci PK; checked by Target.clean so that the admin obeys it too).
    """
    target = Target.objects.filter(indicator=indicator, year=year, quarter=quarter).first() or Target(
        indicator=indicator, year=year, quarter=quarter
    )
    target.value = value
    target.upper_value = upper_value
    target.form = form or (TargetForm.RANGE if upper_value is not None else TargetForm.SINGLE)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def realisation_submit(
    *,
    indicator: Indicator,
    year: int,
    quarter: int,
    value: "Decimal | Figure",
    user,
    obstacles: str = "",
    solutions: str = "",
    not_available_reason: str = "",
    now: datetime.datetime | None = None,
) -> Realisation:
    """Record (or correct) a unit's figure for one indicator and quarter, with who and when, as it
    was written: a ratio stays a ratio, a note is kept to print beside it. A yearly indicator's
    figure is its one for the year, recorded with TW IV (refused for another quarter).

    Only employees of the indicator's agency may submit, and only while the quarter's figures
    are not locked by its data-collection step.
    """
    agency = indicator.objective.agency
    if agency_of(user) != agency:
        raise PermissionDenied(_("You can only submit figures for your own agency."))
    if not permissions.can_report_for(user, indicator):
        raise PermissionDenied(
            _("Figures for %(indicator)s are entered by %(unit)s.")
            % {"indicator": indicator.name, "unit": indicator.responsible_unit.name}
        )
    if figures_locked(agency, year, quarter):
        raise ValidationError(
            _("The figures for %(period)s are locked: the data-collection step has been handed in.")
            % {"period": Period.quarter(year, quarter).label}
        )
    _refuse_if_submitted(indicator.responsible_unit_id, Period.quarter(year, quarter))
    # Lock the indicator first: two first submissions for the same quarter then meet one after
    # the other, and the second corrects the first instead of hitting the unique constraint.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    realisation = Realisation.objects.filter(indicator=indicator, year=year, quarter=quarter).first() or Realisation(
        indicator=indicator, year=year, quarter=quarter
    )
    figure = value if isinstance(value, Figure) else Figure(value)
    realisation.value = figure.value
    realisation.not_available = figure.not_available
    realisation.not_available_reason = not_available_reason if figure.not_available else ""
    realisation.written_as_ratio = figure.ratio
    realisation.note = figure.note
    realisation.obstacles = obstacles
    realisation.solutions = solutions
    realisation.submitted_by = user
    realisation.submitted_at = now or timezone.now()
    realisation.full_clean()
    realisation.save()
    return realisation


@transaction.atomic
def evidence_add(*, realisation: Realisation, file, user, description: str = "") -> Evidence:
    """Attach a bukti dukung file to a figure, under the same rules as changing the figure.

    The file's content must be an allowed document matching its name (sopkinerja.common.uploads);
    otherwise ValidationError and nothing is stored.
    """
    if not permissions.can_report_for(user, realisation.indicator):
        raise PermissionDenied(_("You can only submit figures for your own agency."))
    _refuse_if_locked(realisation)
    evidence = Evidence(realisation=realisation, file=file, description=description, uploaded_by=user)
    evidence.full_clean()
    evidence.save()
    return evidence


def _refuse_if_locked(realisation: Realisation) -> None:
    _refuse_if_submitted(
        realisation.indicator.responsible_unit_id, Period.quarter(realisation.year, realisation.quarter)
    )
    if figures_locked(realisation.indicator.objective.agency, realisation.year, realisation.quarter):
        raise ValidationError(
            _("The figures for %(period)s are locked: the data-collection step has been handed in.")
            % {"period": Period.quarter(realisation.year, realisation.quarter).label}
        )


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user, now: datetime.datetime | None = None) -> EvidenceRemoval:
    """Remove a wrong bukti dukung file: its uploader or the head of the indicator's responsible unit
    (or whoever acts for that head today), while the quarter is not locked.

    Writes an EvidenceRemoval record (which file, uploaded by whom, removed by whom and when), deletes
    the row, and deletes the stored file once the transaction commits. A refusal changes nothing.
    """
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("realisation__indicator__objective__agency", "realisation__indicator__responsible_unit")
        .filter(pk=evidence.pk)
        .first()
    )
    if evidence is None:  # removed by someone else a moment ago
        raise ValidationError(_("This file has already been removed."))
    realisation = evidence.realisation
    if not permissions.can_remove_evidence(user, evidence):
        raise PermissionDenied(
            _("Only the person who uploaded this file or the head of the responsible unit can remove it.")
        )
    _refuse_if_locked(realisation)
    removal = EvidenceRemoval.objects.create(
        realisation=realisation,
        original_name=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        stored_name=evidence.file.name,
        description=evidence.description,
        uploaded_by_id=evidence.uploaded_by_id,
        uploaded_at=evidence.uploaded_at,
        removed_by=user,
        removed_at=now or timezone.now(),
    )
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # Only once the removal is committed: a rollback must not leave a row without its file.
    transaction.on_commit(partial(storage.delete, name))
    return removal


def _refuse_if_submitted(unit_id: int, period: Period) -> None:
    submission = UnitSubmission.objects.filter(unit_id=unit_id, period=str(period)).first()
    if submission is not None and submission.locked:
        raise ValidationError(
            _("The figures of %(unit)s for %(period)s have been submitted and are locked until they are returned.")
            % {"unit": submission.unit.name, "period": period.label}
        )


def _refuse_if_targets_locked(agency, year: int) -> None:
    if TargetLock.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(_("The targets for %(year)s are already locked.") % {"year": year})


# Figures of a unit for a quarter: the draft, the submission, the review --------------------------


@dataclass(frozen=True)
class FigureRow:
    """One indicator's row as typed on the unit page or in the Excel file."""

    indicator: Indicator
    figure: Figure
    not_available_reason: str = ""
    obstacles: str = ""
    solutions: str = ""
    evidence: object | None = None


def _submission_for_update(unit, period: Period) -> UnitSubmission:
    """The unit's submission row for the quarter, created as a draft if new, and row-locked: two
    clicks (or two people) on the same unit and quarter run one after the other."""
    UnitSubmission.objects.get_or_create(unit=unit, period=str(period))
    return UnitSubmission.objects.select_for_update().select_related("unit").get(unit=unit, period=str(period))


@transaction.atomic
def figures_save_draft(*, unit, period: Period, rows: list[FigureRow], user, now=None) -> UnitSubmission:
    """Save every row of the unit's quarter at once, as a draft: all rows or none.

    Refused with nothing saved when the quarter is submitted or locked by its data-collection step,
    or when any row is refused; the ValidationError then maps each refused indicator's pk to its
    messages, so the page can show each next to its row.
    """
    submission = _submission_for_update(unit, period)
    if submission.locked:
        raise ValidationError(
            _("The figures of %(unit)s for %(period)s have been submitted and are locked until they are returned.")
            % {"unit": unit.name, "period": period.label}
        )
    problems = {}
    for row in rows:
        if row.indicator.responsible_unit_id != unit.pk:
            raise PermissionDenied(_("You do not enter figures for this indicator."))
        try:
            with transaction.atomic():
                realisation = realisation_submit(
                    indicator=row.indicator,
                    year=period.year,
                    quarter=period.number,
                    value=row.figure,
                    obstacles=row.obstacles,
                    solutions=row.solutions,
                    not_available_reason=row.not_available_reason,
                    user=user,
                    now=now,
                )
                if row.evidence:
                    evidence_add(realisation=realisation, file=row.evidence, user=user)
        except ValidationError as problem:
            problems[str(row.indicator.pk)] = problem.messages
    if problems:
        raise ValidationError(problems)
    return submission


@transaction.atomic
def unit_submission_submit(*, unit, period: Period, user, now=None) -> UnitSubmission:
    """Kirim: the unit's quarter goes to its head for review, once every indicator it answers for in
    the quarter has a figure (a number or n/a; a yearly indicator in TW IV only). Locked from then
    until returned; a second click is refused. The reviewer is e-mailed after commit
    (reports.performance.notifications.figures_handed_in)."""

    submission = _submission_for_update(unit, period)
    indicators = unit_indicators(unit, period.year)
    # The unit's indicators share one responsible unit, so one check answers for all of them.
    if not indicators or not permissions.can_report_for(user, indicators[0]):
        raise PermissionDenied(_("You do not enter figures for this unit."))
    if submission.locked:
        raise ValidationError(_("These figures have already been submitted."))
    reported = set(
        Realisation.objects.filter(indicator__in=indicators, year=period.year, quarter=period.number).values_list(
            "indicator_id", flat=True
        )
    )
    missing = [i.name for i in indicators if i.reported_in(period.number) and i.pk not in reported]
    if missing:
        raise ValidationError(
            _("Every indicator needs a figure (or n/a with a reason) before sending. Missing: %(names)s.")
            % {"names": "; ".join(missing)}
        )
    submission.submit(by=user)
    submission.submitted_by = user
    submission.submitted_at = now or timezone.now()
    submission.save()
    transaction.on_commit(partial(notifications.figures_handed_in.enqueue, submission.pk))
    return submission


def _submission_to_review(submission_id: int, user) -> UnitSubmission:
    submission = UnitSubmission.objects.select_for_update().select_related("unit__agency").get(pk=submission_id)
    if not permissions.can_review_submission(user, submission):
        raise PermissionDenied(_("Only the head of the unit reviews its figures."))
    if submission.state != UnitSubmission.State.SUBMITTED:
        raise ValidationError(_("These figures are not waiting for review."))
    return submission


def _refuse_unless_can(submission: UnitSubmission, transition_method) -> None:
    if not can_proceed(transition_method):
        for condition in transition_method._django_fsm.get_transition(submission.state).conditions:
            if not condition(submission):
                raise ValidationError(str(condition.refusal))


@transaction.atomic
def unit_submission_approve(*, submission_id: int, user, now=None) -> UnitSubmission:
    """The unit head accepts the quarter's figures; they stay locked."""
    submission = _submission_to_review(submission_id, user)
    submission.approved_by = user
    _refuse_unless_can(submission, submission.approve)
    submission.approve(by=user)
    submission.approved_at = now or timezone.now()
    submission.save()
    return submission


@transaction.atomic
def unit_submission_return(*, submission_id: int, user, note: str, now=None) -> UnitSubmission:
    """The unit head returns the quarter's figures with a required note; they open again for editing.
    Whoever sent them and the unit's people are e-mailed after commit (notifications.figures_returned)."""
    submission = _submission_to_review(submission_id, user)
    submission.return_note = (note or "").strip()
    submission.returned_by = user
    _refuse_unless_can(submission, submission.send_back)
    submission.send_back(by=user, description=submission.return_note)
    submission.returned_at = now or timezone.now()
    submission.save()
    transaction.on_commit(partial(notifications.figures_returned.enqueue, submission.pk))
    return submission


# Targets (PK and Rencana Aksi) in the browser -----------------------------------------------------


@transaction.atomic
def targets_save(*, agency, year: int, rows: dict[Indicator, dict[int | None, TargetValue]], user) -> int:
    """Save the PK (quarter None) and Rencana Aksi targets of many indicators at once: all or none.

    Only the planning staff (workflow.permissions.can_edit_targets) may, and only until the year's PK
    is locked. Returns the number of targets written.
    """
    if not permissions.can_edit_targets(user, agency):
        raise PermissionDenied(_("Targets are entered by the planning staff."))
    _refuse_if_targets_locked(agency, year)
    count = 0
    for indicator, targets in rows.items():
        if indicator.objective.agency_id != agency.pk:
            raise PermissionDenied(_("You can only submit figures for your own agency."))
        for quarter, target in targets.items():
            target_set(
                indicator=indicator,
                year=year,
                quarter=quarter,
                value=target.low,
                upper_value=target.high,
                form=target.form,
            )
            count += 1
    return count


@transaction.atomic
def target_lock(*, agency, year: int, user, now=None, signed_document=None) -> TargetLock:
    """Freeze the year's targets: the Kepala Dinas (or Plh/Plt) only, and only once every indicator
    has its annual and its four quarterly targets (the refusal names each one that lacks some).

    With `signed_document` (the year's signed Perjanjian Kinerja, in the signing transaction) the
    lock records that the PK was signed; a year locked earlier by Kunci PK then gains the link, and
    a new version of the PK replaces it. Without it, Kunci PK locks a year not locked yet; it never
    says a PK was signed.
    """
    if not permissions.can_sign(user, agency):
        raise PermissionDenied(_("Only the Kepala Dinas locks the targets."))
    gaps = agreement_target_gaps(agency, year)
    if gaps:
        raise ValidationError(
            [_("The targets for %(year)s cannot be locked yet.") % {"year": year}, *(gap.text for gap in gaps)]
        )
    lock, created = TargetLock.objects.select_for_update().get_or_create(
        agency=agency,
        year=year,
        defaults={"locked_by": user, "locked_at": now or timezone.now(), "signed_document": signed_document},
    )
    if signed_document is not None and not created:
        lock.signed_document = signed_document
        lock.save(update_fields=["signed_document"])
    elif not created:
        raise ValidationError(_("The targets for %(year)s are already locked.") % {"year": year})
    return lock
