"""Write paths for the organisation and SOP documents. Each function validates everything it
writes and runs in one transaction: bad input raises ValidationError and saves nothing.

A signed SOP version never changes (the models refuse it); a change is a new draft revision made
by `sop_version_revise`, which becomes effective when signed (`sop_version_make_effective`).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.organisation import Agency, Employee, Position
from workflow.models.sop import (
    DraftAwaitingSignature,
    Executor,
    Sop,
    SopListItem,
    SopVersion,
    Step,
    StepActor,
    StepExit,
    StepRequirement,
)
from workflow.sop.graph import Arrow, Node, default_exits

logger = logging.getLogger("sopkinerja.sop")


@dataclass
class ExecutorSpec:
    title: str
    position: Position | None = None  # None for an outside party or a system
    kind: str = Executor.Kind.POSITION
    short_label: str = ""


@dataclass
class StepSpec:
    number: int
    activity: str
    waktu: str  # as written: "15 menit", "4 jam kerja", "1 minggu", "Seketika", "Menyesuaikan"
    output: str
    actors: list[str] = field(default_factory=list)  # executor column titles, in the order written
    executor: str = ""  # the position column that performs it in the app; derived when empty
    requirements: list[str] = field(default_factory=list)
    symbol: str = Step.Symbol.PROCESS
    exits: list[tuple[str, int]] | None = None  # (label, step number); None: to the next step
    cadence: str = Step.Cadence.QUARTERLY
    remark: str = ""
    collects_data: bool = False
    approver_position: Position | None = None
    provenance: str = ""


ListItem = str | tuple[str, str]  # the text, or (numbering as printed, text)


def list_rows(texts: list[ListItem]) -> list[tuple[str, str]]:
    """Items as (label, text). Bare texts are numbered 1., 2. … when there are several."""
    rows = []
    for order, item in enumerate(texts, start=1):
        label, text = item if isinstance(item, tuple) else (f"{order}." if len(texts) > 1 else "", item)
        rows.append((label, text))
    return rows


def _performer(spec: StepSpec, specs: list[StepSpec], columns: dict[str, Executor]) -> str:
    """The column whose holder performs the step in the app: its own position actor, else the one
    of the nearest following step (who receives what an outside party or a system handed over),
    else of the nearest earlier one."""
    if spec.executor:
        return spec.executor
    ordered = sorted(specs, key=lambda s: s.number)
    index = ordered.index(spec)
    for other in [spec, *ordered[index + 1 :], *reversed(ordered[:index])]:
        for title in other.actors or ([other.executor] if other.executor else []):
            column = columns.get(title)
            if column is not None and column.is_position:
                return title
    return ""


@transaction.atomic
def sop_version_create(
    *,
    sop: Sop,
    name: str,
    made_on: datetime.date | None,
    executors: list[ExecutorSpec | tuple[str, Position]],
    steps: list[StepSpec],
    lists: dict[str, list[ListItem]] | None = None,
    revision: int = 0,
    status: str = SopVersion.Status.DRAFT,
    revised_on: datetime.date | None = None,
    effective_on: datetime.date | None = None,
    approver_title: str = "",
    approver_name: str = "",
    approver_nip: str = "",
    prepared_by: str = "",
    checked_by: str = "",
    provenance: str = "",
) -> SopVersion:
    """Create one complete SOP version: identity lists, executor columns, steps and their exits.

    Guarantees: every row passes full_clean (step numbers unique, Waktu readable, actors are columns
    of the version, exits lead to steps of the version, positions of the SOP's agency); otherwise
    nothing is saved. A draft may be incomplete; an effective (or withdrawn) version, e.g. one signed
    on paper, must pass every rule of `SopVersion.effective_problems` (number, dates, at least one
    step, a sound flow graph). It is filled as a draft and given its status last, so it is frozen from
    the moment it is complete. Every error names the step or column it is about.
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
        prepared_by=prepared_by,
        checked_by=checked_by,
        provenance=provenance,
    )
    version.full_clean()
    version.status = SopVersion.Status.DRAFT
    version.validate_constraints()  # at most one draft per SOP
    version.save()
    sop_version_fill(version=version, executors=executors, steps=steps, lists=lists)
    if status != SopVersion.Status.DRAFT:
        problems = version.effective_problems()
        if problems:
            raise ValidationError(problems)
        version.status = status
        version.save(update_fields=["status"])
    return version


def sop_version_fill(
    *,
    version: SopVersion,
    executors: list[ExecutorSpec | tuple[str, Position]],
    steps: list[StepSpec],
    lists: dict[str, list[ListItem]] | None = None,
) -> None:
    """Add identity lists, executor columns, steps, actors, requirements and exits to an empty draft.

    The one path that writes SOP content (sop_version_create, and the editor's sop_draft_save after it
    empties a draft). Every row passes full_clean; an error names the step or column and, inside the
    caller's transaction, saves nothing.
    """
    for section, texts in (lists or {}).items():
        for order, (label, text) in enumerate(list_rows(texts), start=1):
            _save(SopListItem(version=version, section=section, order=order, label=label, text=text))

    columns: dict[str, Executor] = {}
    for order, column in enumerate(executors, start=1):
        if isinstance(column, tuple):
            column = ExecutorSpec(*column)
        if column.title in columns:
            raise ValidationError(_("Two executor columns are both called %(title)s.") % {"title": column.title})
        columns[column.title] = _save(
            Executor(
                version=version,
                order=order,
                title=column.title,
                short_label=column.short_label,
                kind=column.kind,
                position=column.position,
            )
        )

    numbers = [spec.number for spec in steps]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ValidationError(
            _("Two steps of an SOP cannot have the same number (%(numbers)s).")
            % {"numbers": ", ".join(map(str, duplicates))}
        )
    by_number: dict[int, Step] = {}
    for spec in steps:
        for title in [*spec.actors, *([spec.executor] if spec.executor else [])]:
            if title not in columns:
                raise ValidationError(
                    _("Step %(number)d names the executor %(executor)s, which is not a column of this SOP.")
                    % {"number": spec.number, "executor": title}
                )
        performer = _performer(spec, steps, columns)
        if not performer:
            raise ValidationError(
                _("Step %(number)d: no executor column is a position of the agency, so nobody can perform it.")
                % {"number": spec.number}
            )
        step = Step(
            version=version,
            number=spec.number,
            activity=spec.activity,
            executor=columns[performer],
            symbol=spec.symbol,
            cadence=spec.cadence,
            duration_text=spec.waktu,
            output=spec.output,
            remark=spec.remark,
            collects_data=spec.collects_data,
            approver_position=spec.approver_position,
            provenance=spec.provenance,
        )
        _save_step(step)
        by_number[spec.number] = step
        for order, title in enumerate(spec.actors, start=1):
            StepActor.objects.create(step=step, executor=columns[title], order=order)
        for order, text in enumerate(spec.requirements, start=1):
            _save(StepRequirement(step=step, order=order, text=text))

    # Exits may point at any step, so they are made once all steps exist.
    nodes = default_exits([Node(s.number, s.symbol, tuple(Arrow(*e) for e in (s.exits or ()))) for s in steps])
    for node in nodes:
        for order, arrow in enumerate(node.exits, start=1):
            if arrow.target not in by_number:
                raise ValidationError(
                    _("Step %(number)d: the exit %(label)s leads to step %(target)d, which does not exist.")
                    % {"number": node.number, "label": arrow.label or "→", "target": arrow.target}
                )
            StepExit.objects.create(
                step=by_number[node.number], order=order, label=arrow.label.strip(), target=by_number[arrow.target]
            )


def _save_step(step: Step) -> Step:
    try:
        step.full_clean()
    except ValidationError as error:
        problems = " ".join(field_named_messages(error, Step))
        raise ValidationError(
            _("Step %(number)d: %(problems)s") % {"number": step.number, "problems": problems}
        ) from error
    step.save()
    return step


def field_named_messages(error: ValidationError, model) -> list[str]:
    """The messages of a model's validation error, each led by the name of its field ("Output: Field
    ini tidak boleh kosong."), so a message about a step or column says what to correct."""
    if not hasattr(error, "error_dict"):
        return error.messages
    named = []
    for name, messages in error.message_dict.items():
        try:
            label = capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            label = ""
        named.extend(f"{label}: {message}" if label else message for message in messages)
    return named


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
    date, no effective date, the approver's position title kept (who will sign) but no approver's name
    or NIP (signing sets them and the title), and the same identity text, lists,
    executor columns, steps (with their actors, exits and approvers) and requirements. At most
    one draft per SOP: a second revision is refused while one is open (row lock on the SOP, and a
    partial unique constraint). Refuses anyone who may not add SOP versions for that agency.
    """
    if not permissions.can_author(user, version.sop.agency):
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
        approver_title=source.approver_title,
        approver_name="",
        approver_nip="",
    )
    draft.full_clean()
    draft.save()
    SopListItem.objects.bulk_create(_copy_of(item, version_id=draft.pk) for item in source.list_entries.all())
    columns = {
        column.pk: Executor.objects.create(**_values(column, version_id=draft.pk)) for column in source.executors.all()
    }
    steps = list(source.steps.prefetch_related("requirements", "actor_links", "exits").order_by("number"))
    copies: dict[int, Step] = {}
    for step in steps:
        copies[step.pk] = Step.objects.create(
            **_values(step, version_id=draft.pk, executor_id=columns[step.executor_id].pk)
        )
        StepRequirement.objects.bulk_create(
            _copy_of(item, step_id=copies[step.pk].pk) for item in step.requirements.all()
        )
        StepActor.objects.bulk_create(
            _copy_of(link, step_id=copies[step.pk].pk, executor_id=columns[link.executor_id].pk)
            for link in step.actor_links.all()
        )
    StepExit.objects.bulk_create(
        _copy_of(exit, step_id=copies[step.pk].pk, target_id=copies[exit.target_id].pk)
        for step in steps
        for exit in step.exits.all()
    )
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

    Called by the signing path (reports.documents.services.document_sign), which has checked who
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
    problems = version.effective_problems()
    if problems:
        raise ValidationError(problems)
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


def draft_deletion_refusal(version: SopVersion) -> str:
    """Why this version cannot be deleted ("" when it can): only a draft that was never signed and
    is not held for signing (a prepared PDF waits for the head's signature) is ever deleted."""
    if version.status != SopVersion.Status.DRAFT:
        return _(
            "SOP %(number)s revision %(revision)d is signed: a signed version is never deleted. "
            "Make a new revision to change it."
        ) % {"number": version.sop.number, "revision": version.revision}
    if version.awaiting_signature_since is not None:
        return DraftAwaitingSignature(version.pk).messages[0]
    return ""


@transaction.atomic
def sop_draft_delete(*, version: SopVersion, user, keep_sop: bool = False) -> Sop | None:
    """Delete a draft that was never signed, with all its content; the SOP itself too when the draft
    was its only version (unless keep_sop: an import that replaces the draft keeps the SOP).

    Guarantees: only the agency's SOP authors (user None: the system, e.g. the import command); the
    SOP row and the draft are locked first; a signed (effective or withdrawn) version is refused, and
    so is a draft held for signing, each with its reason (`draft_deletion_refusal`). The rows go in
    the order their PROTECT links need: exits, actors, requirements and steps before the columns the
    steps are performed by. Anything still pointing at the draft refuses it, saving nothing. Logged
    with who deleted. Returns the SOP when it remains, else None.
    """
    if user is not None and not permissions.can_author(user, version.sop.agency):
        raise PermissionDenied(_("Only the agency's SOP authors may delete an SOP draft."))
    sop = Sop.objects.select_for_update().get(pk=version.sop_id)
    locked = SopVersion.objects.select_for_update().select_related("sop").get(pk=version.pk)
    refusal = draft_deletion_refusal(locked)
    if refusal:
        raise ValidationError(refusal, code="not_deletable")
    StepExit.objects.filter(step__version=locked).delete()
    StepActor.objects.filter(step__version=locked).delete()
    StepRequirement.objects.filter(step__version=locked).delete()
    locked.steps.all().delete()  # a step holds its performing column with PROTECT
    locked.executors.all().delete()
    locked.list_entries.all().delete()
    try:
        locked.delete()
        remaining = sop.versions.exists()
        if not remaining and not keep_sop:
            sop.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("The draft cannot be deleted: %(count)d other record(s) still refer to it.")
            % {"count": len(error.protected_objects)}
        ) from None
    logger.info(
        "SOP %s: draft revision %d deleted by %s%s",
        sop.number or sop.pk,
        locked.revision,
        user.get_username() if user is not None else "the system",
        "" if remaining or keep_sop else " (with the SOP, which had no other version)",
    )
    return sop if remaining or keep_sop else None


@transaction.atomic
def sop_version_hold_for_signing(*, version: SopVersion, since: datetime.datetime) -> None:
    """A PDF of this draft now waits for the head's signature: freeze the draft (every edit of it and
    its rows is refused by the model layer) until it is signed or released. Only a draft is held."""
    SopVersion.objects.filter(pk=version.pk, status=SopVersion.Status.DRAFT).update(awaiting_signature_since=since)
    logger.info("SOP version %s held for signing", version.pk)


@transaction.atomic
def sop_version_release(*, version: SopVersion) -> None:
    """No prepared PDF of this draft waits for a signature any more: it may be edited again."""
    SopVersion.objects.filter(pk=version.pk, status=SopVersion.Status.DRAFT).update(awaiting_signature_since=None)
    logger.info("SOP version %s released from signing", version.pk)


def _save(instance):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(field_named_messages(error, type(instance))) from error
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
