"""Write paths for performance data. Bad input raises ValidationError and saves nothing."""

import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Evidence, EvidenceRemoval, Indicator, Realisation, Target
from reports.periods import Period
from workflow import permissions
from workflow.selectors import agency_of, figures_locked


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    upper_value: Decimal | None = None,
) -> Target:
    """Set the annual target (quarter None) or a quarterly target of an indicator."""
    target = Target.objects.filter(indicator=indicator, year=year, quarter=quarter).first() or Target(
        indicator=indicator, year=year, quarter=quarter
    )
    target.value = value
    target.upper_value = upper_value
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def realisation_submit(
    *,
    indicator: Indicator,
    year: int,
    quarter: int,
    value: Decimal,
    user,
    obstacles: str = "",
    solutions: str = "",
    now: datetime.datetime | None = None,
) -> Realisation:
    """Record (or correct) a unit's figure for one indicator and quarter, with who and when.

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
    # Lock the indicator first: two first submissions for the same quarter then meet one after
    # the other, and the second corrects the first instead of hitting the unique constraint.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    realisation = Realisation.objects.filter(indicator=indicator, year=year, quarter=quarter).first() or Realisation(
        indicator=indicator, year=year, quarter=quarter
    )
    realisation.value = value
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

    The file's content must be an allowed document matching its name (sopkinerja.uploads);
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
