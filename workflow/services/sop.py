"""Write paths for the organisation and SOP documents. Each function validates everything it
writes and runs in one transaction: bad input raises ValidationError and saves nothing."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workflow.models import (
    Agency,
    Employee,
    Executor,
    Position,
    Sop,
    SopListItem,
    SopVersion,
    Step,
    StepRequirement,
)


@dataclass
class StepSpec:
    number: int
    activity: str
    executor: str  # the executor column's title
    duration_amount: int
    duration_unit: str
    output: str
    requirements: list[str] = field(default_factory=list)
    symbol: str = Step.Symbol.PROCESS
    no_branch_to: int | None = None  # number of the step the 'Tidak' exit returns to
    cadence: str = Step.Cadence.QUARTERLY
    remark: str = ""
    collects_data: bool = False
    approver_position: Position | None = None
    provenance: str = ""


@transaction.atomic
def sop_version_create(
    *,
    sop: Sop,
    name: str,
    made_on: datetime.date,
    executors: list[tuple[str, Position]],
    steps: list[StepSpec],
    lists: dict[str, list[str]] | None = None,
    revision: int = 0,
    status: str = SopVersion.Status.DRAFT,
    revised_on: datetime.date | None = None,
    effective_on: datetime.date | None = None,
    approver_title: str = "",
    approver_name: str = "",
    approver_nip: str = "",
    warning: str = "",
    recording: str = "",
    provenance: str = "",
) -> SopVersion:
    """Create one complete SOP version: identity lists, executor columns and steps.

    Guarantees: every row passes full_clean (step numbers unique, decisions have a 'Tidak'
    target, durations positive, positions of the SOP's agency); otherwise nothing is saved.
    """
    version = SopVersion(
        sop=sop,
        revision=revision,
        name=name,
        status=status,
        made_on=made_on,
        revised_on=revised_on,
        effective_on=effective_on,
        approver_title=approver_title,
        approver_name=approver_name,
        approver_nip=approver_nip.replace(" ", ""),
        warning=warning,
        recording=recording,
        provenance=provenance,
    )
    version.full_clean()
    version.save()

    for section, texts in (lists or {}).items():
        for order, text in enumerate(texts, start=1):
            _save(SopListItem(version=version, section=section, order=order, text=text))

    columns: dict[str, Executor] = {}
    for order, (title, position) in enumerate(executors, start=1):
        columns[title] = _save(Executor(version=version, order=order, title=title, position=position))

    numbers = [spec.number for spec in steps]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ValidationError(
            _("Two steps of an SOP cannot have the same number (%(numbers)s).")
            % {"numbers": ", ".join(map(str, duplicates))}
        )
    by_number: dict[int, Step] = {}
    for spec in steps:
        if spec.executor not in columns:
            raise ValidationError(
                _("Step %(number)d names the executor %(executor)r, which is not a column of this SOP.")
                % {"number": spec.number, "executor": spec.executor}
            )
        step = Step(
            version=version,
            number=spec.number,
            activity=spec.activity,
            executor=columns[spec.executor],
            symbol=spec.symbol,
            cadence=spec.cadence,
            duration_amount=spec.duration_amount,
            duration_unit=spec.duration_unit,
            output=spec.output,
            remark=spec.remark,
            collects_data=spec.collects_data,
            approver_position=spec.approver_position,
            provenance=spec.provenance,
        )
        # Branch targets may point at any step, so rows are checked once all exist.
        step.clean_fields()
        step.save()
        by_number[spec.number] = step
        for order, text in enumerate(spec.requirements, start=1):
            _save(StepRequirement(step=step, order=order, text=text))

    for spec in steps:
        step = by_number[spec.number]
        if spec.no_branch_to is not None:
            if spec.no_branch_to not in by_number:
                raise ValidationError(
                    _("Step %(number)d returns to step %(target)d, which does not exist.")
                    % {"number": spec.number, "target": spec.no_branch_to}
                )
            step.no_branch_to = by_number[spec.no_branch_to]
        try:
            step.full_clean()
        except ValidationError as error:
            raise ValidationError(
                _("Step %(number)d: %(problems)s") % {"number": spec.number, "problems": " ".join(error.messages)}
            ) from error
        step.save()
    return version


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def employee_create(
    *,
    agency: Agency,
    username: str,
    password: str | None,
    full_name: str,
    nip: str,
    position: Position,
    rank_title: str = "",
    grade: str = "",
    email: str = "",
) -> Employee:
    """Create a login and its employee profile together; a bad NIP or position saves neither."""
    user = get_user_model().objects.create_user(username=username, password=password, email=email)
    employee = Employee(
        user=user,
        agency=agency,
        full_name=full_name,
        nip=nip,
        position=position,
        rank_title=rank_title,
        grade=grade,
    )
    employee.full_clean()
    employee.save()
    return employee
