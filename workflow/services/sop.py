"""Write paths for the organisation and SOP documents. Each function validates everything it
writes and runs in one transaction: bad input raises ValidationError and saves nothing.

A signed SOP version never changes (the models refuse it); a change is a new draft revision made
by `sop_version_revise`, which becomes effective when signed (`sop_version_make_effective`).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
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
from workflow.scoping import scope

logger = logging.getLogger("sopkinerja.sop")


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
    An effective (or withdrawn) version, e.g. an SOP signed on paper, is filled as a draft and
    given its status last, so it is frozen from the moment it is complete.
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
    version.status = SopVersion.Status.DRAFT
    version.validate_constraints()  # at most one draft per SOP
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
    if status != SopVersion.Status.DRAFT:
        version.status = status
        version.save(update_fields=["status"])
    return version


def can_revise(user, version: SopVersion) -> bool:
    """Whoever may add SOP versions in the admin, for their own agency (a superuser for any)."""
    return user.has_perm("workflow.add_sopversion") and scope(SopVersion.objects.filter(pk=version.pk), user).exists()


def _values(row, **changes) -> dict:
    """Every stored field of a row but its id, with `changes` (by attname) applied. A revision copies
    rows this way, so a field added to the SOP models is carried into new revisions by itself."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    values.pop(row._meta.pk.attname)
    return {**values, **changes}


def _copy_of(row, **changes):
    """An unsaved copy of the row (see _values)."""
    return type(row)(**_values(row, **changes))


@transaction.atomic
def sop_version_revise(*, version: SopVersion, user, today: datetime.date | None = None) -> SopVersion:
    """Copy a signed (effective or withdrawn) version into a new draft revision, to be edited and signed.

    Guarantees: the draft has the next revision number of the SOP (highest + 1), today's revision
    date, no effective date or approver (signing sets them), and the same identity text, lists,
    executor columns, steps (with their 'Tidak' targets and approvers) and requirements. At most
    one draft per SOP: a second revision is refused while one is open (row lock on the SOP, and a
    partial unique constraint). Refuses anyone who may not add SOP versions for that agency.
    """
    if not can_revise(user, version):
        raise PermissionDenied(_("You may not make a new revision of this SOP."))
    sop = Sop.objects.select_for_update().get(pk=version.sop_id)  # one draft at a time
    source = SopVersion.objects.get(pk=version.pk)  # the stored row, not what the caller holds
    if source.status == SopVersion.Status.DRAFT:
        raise ValidationError(_("This version is still a draft: edit it instead of making a new revision."))
    open_draft = sop.versions.filter(status=SopVersion.Status.DRAFT).first()
    if open_draft is not None:
        raise ValidationError(
            _("SOP %(number)s already has a draft revision (revision %(revision)d): edit or sign that one first.")
            % {"number": sop.number, "revision": open_draft.revision}
        )
    today = today or timezone.now().astimezone(sop.agency.zone).date()
    draft = _copy_of(
        source,
        revision=(sop.versions.aggregate(n=Max("revision"))["n"] or 0) + 1,
        status=SopVersion.Status.DRAFT,
        revised_on=max(today, source.made_on),
        effective_on=None,
        approver_title="",
        approver_name="",
        approver_nip="",
    )
    draft.full_clean()
    draft.save()
    SopListItem.objects.bulk_create(_copy_of(item, version_id=draft.pk) for item in source.list_entries.all())
    columns = {
        column.pk: Executor.objects.create(**_values(column, version_id=draft.pk)) for column in source.executors.all()
    }
    steps = list(source.steps.prefetch_related("requirements").order_by("number"))
    copies: dict[int, Step] = {}
    for step in steps:
        copies[step.pk] = Step.objects.create(
            **_values(step, version_id=draft.pk, executor_id=columns[step.executor_id].pk, no_branch_to_id=None)
        )
        StepRequirement.objects.bulk_create(
            _copy_of(item, step_id=copies[step.pk].pk) for item in step.requirements.all()
        )
    for step in steps:
        if step.no_branch_to_id:
            copy = copies[step.pk]
            copy.no_branch_to = copies[step.no_branch_to_id]
            copy.save(update_fields=["no_branch_to"])
    logger.info(
        "SOP %s: revision %d made from revision %d by %s",
        sop.number,
        draft.revision,
        source.revision,
        user.get_username(),
    )
    return draft


@transaction.atomic
def sop_version_make_effective(
    *,
    version: SopVersion,
    effective_on: datetime.date,
    approver_title: str,
    approver_name: str,
    approver_nip: str,
) -> SopVersion:
    """Signing a draft: it becomes the effective version, and the one effective until now is withdrawn.

    Called by the signing path (reports.document_services.document_sign), which has checked who
    signs. Guarantees: in one transaction, with the SOP row locked, at most one version is
    effective; the withdrawn one keeps its text and signed PDFs (they point at it with PROTECT).
    Refuses a version that is not a draft. `version` is refreshed from its stored row.
    """
    Sop.objects.select_for_update().get(pk=version.sop_id)
    version.refresh_from_db()
    if version.status != SopVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft SOP version can be made effective."))
    for previous in SopVersion.objects.filter(sop_id=version.sop_id, status=SopVersion.Status.EFFECTIVE):
        previous.withdraw()
        previous.save(update_fields=["status"])
    version.make_effective(
        effective_on=effective_on,
        approver_title=approver_title,
        approver_name=approver_name,
        approver_nip=approver_nip,
    )
    version.full_clean()
    version.save()
    logger.info("SOP %s: revision %d is effective from %s", version.sop.number, version.revision, effective_on)
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
