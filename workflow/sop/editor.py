"""Writing SOP drafts in the browser: create a new SOP, save a draft's whole content, reorder steps.

SOP authors are the logins with the permission `workflow.add_sopversion` (the same one that lets
them make a new revision, `sop_version_revise`), for their own agency only. A signed version is
never edited: it is revised into a new draft. Content is written by `sop_version_fill`, the same
code `sop_version_create` uses, so the editor, the seeds and the import check the same rules.
"""

import datetime
import logging
from dataclasses import dataclass, replace
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.organisation import Agency, Unit
from workflow.models.sop import DraftAwaitingSignature, SignedVersionFrozen, Sop, SopVersion
from workflow.sop import notifications as sop_notifications
from workflow.sop.graph import Arrow, Node, default_exits, problems
from workflow.sop.services import ExecutorSpec, ListItem, StepSpec, sop_version_create, sop_version_fill

logger = logging.getLogger("sopkinerja.sop")


@dataclass
class DraftIdentity:
    """The identity part of a draft as the editor shows it."""

    number: str
    name: str
    unit: Unit | None = None
    made_on: datetime.date | None = None
    revised_on: datetime.date | None = None
    prepared_by: str = ""
    checked_by: str = ""
    approver_title: str = ""  # who will sign (Disahkan oleh); the name and NIP wait for signing


def _refuse_stranger(user, agency: Agency) -> None:
    if not permissions.can_author(user, agency):
        raise PermissionDenied(_("Only the agency's SOP authors may write SOP drafts."))


@transaction.atomic
def sop_draft_create(*, agency: Agency, user, number: str, name: str, unit: Unit | None = None) -> SopVersion:
    """A new SOP with an empty draft (revision 0), to be filled in the editor.

    Guarantees: the number may be blank (a draft), else unique in the agency; the unit belongs to
    the agency. Nothing is saved on any problem; refuses anyone but the agency's SOP authors.
    """
    _refuse_stranger(user, agency)
    sop = Sop(agency=agency, number=number.strip(), unit=unit)
    sop.full_clean()
    sop.save()
    version = sop_version_create(sop=sop, name=name.strip(), made_on=None, executors=[], steps=[])
    logger.info("SOP %s: new draft by %s", sop.pk, user.get_username())
    return version


@transaction.atomic
def sop_draft_save(
    *,
    version: SopVersion,
    user,
    identity: DraftIdentity,
    executors: list[ExecutorSpec],
    steps: list[StepSpec],
    lists: dict[str, list[ListItem]],
) -> SopVersion:
    """Replace a draft's whole content with what the editor holds, in one transaction.

    Guarantees: the draft (locked) and its SOP get the identity (with the approver's position title;
    the name, NIP and dates are set by signing); lists, columns, steps, actors,
    requirements and exits are replaced through `sop_version_fill`, the same validation as
    `sop_version_create`. A signed version is refused (revise it instead); on any error nothing is
    saved and the old content stays. A draft may still have an unsound graph: signing checks it.
    """
    _refuse_stranger(user, version.sop.agency)
    locked = SopVersion.objects.select_for_update().select_related("sop").get(pk=version.pk)
    if locked.status != SopVersion.Status.DRAFT:
        raise SignedVersionFrozen(locked.pk)
    if locked.awaiting_signature_since is not None:
        raise DraftAwaitingSignature(locked.pk)
    sop = locked.sop
    sop.number, sop.unit = identity.number.strip(), identity.unit
    sop.full_clean()
    sop.save()
    locked.name = identity.name.strip()
    locked.made_on, locked.revised_on = identity.made_on, identity.revised_on
    locked.prepared_by, locked.checked_by = identity.prepared_by.strip(), identity.checked_by.strip()
    locked.approver_title = identity.approver_title.strip()
    locked.full_clean()
    locked.save()
    # Steps first: a step holds its performing column with PROTECT.
    locked.steps.all().delete()
    locked.executors.all().delete()
    locked.list_entries.all().delete()
    sop_version_fill(version=locked, executors=executors, steps=steps, lists=lists)
    logger.info("SOP %s: draft revision %d saved by %s", sop.number or sop.pk, locked.revision, user.get_username())
    return locked


@transaction.atomic
def sop_draft_submit_for_signature(*, version: SopVersion, user) -> SopVersion:
    """Ajukan untuk ditandatangani: an author hands a finished draft to the Kepala Dinas.

    Guarantees: only the agency's SOP authors may; only a draft that could become effective
    (`effective_problems()` empty), else a ValidationError lists each problem and nothing is sent.
    After commit the Kepala Dinas and any Plh/Plt of the position are e-mailed a link to sign it.
    Nothing is stored: a complete draft waits in their queue (reports.documents.readiness.signature_queue)
    until it is signed, whoever submitted it.
    """
    _refuse_stranger(user, version.sop.agency)
    if version.status != SopVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft is submitted for signature."))
    problems = version.effective_problems()
    if problems:
        raise ValidationError([_("The draft cannot be signed yet:"), *problems])
    transaction.on_commit(partial(sop_notifications.sop_draft_submitted.enqueue, version.pk, user.pk))
    logger.info(
        "SOP %s: draft revision %d submitted for signature by %s",
        version.sop.number,
        version.revision,
        user.get_username(),
    )
    return version


def renumbered(steps: list[StepSpec]) -> list[StepSpec]:
    """Steps numbered 1, 2, 3 … in the given order; every exit still leads to the same step.

    An exit to a step that is no longer in the list keeps its old number, so validation names it.
    """
    new_number = {spec.number: index for index, spec in enumerate(steps, start=1)}
    result = []
    for index, spec in enumerate(steps, start=1):
        exits = None if spec.exits is None else [(label, new_number.get(t, t)) for label, t in spec.exits]
        result.append(replace(spec, number=index, exits=exits))
    return result


def step_moved(steps: list[StepSpec], index: int, offset: int) -> list[StepSpec]:
    """The steps with the one at `index` moved by `offset` places (−1 up, +1 down), renumbered.

    A step without explicit exits would follow its new neighbour, so exits that were implied by
    the old order are written out first: the flow stays what it was, only the numbering moves.
    """
    steps = _with_explicit_exits(steps)
    target = index + offset
    if not (0 <= index < len(steps) and 0 <= target < len(steps)):
        return renumbered(steps)
    steps[index], steps[target] = steps[target], steps[index]
    return renumbered(steps)


def _with_explicit_exits(steps: list[StepSpec]) -> list[StepSpec]:

    nodes = default_exits([Node(s.number, s.symbol) for s in steps])
    implied = {node.number: [(arrow.label, arrow.target) for arrow in node.exits] for node in nodes}
    return [spec if spec.exits is not None else replace(spec, exits=implied[spec.number]) for spec in steps]


def draft_problems(steps: list[StepSpec]) -> list[str]:
    """The flow-graph problems of unsaved steps, as the preview lists them (Indonesian, per step)."""

    if not steps:
        return []
    nodes = default_exits([Node(s.number, s.symbol, tuple(Arrow(*e) for e in (s.exits or ()))) for s in steps])
    return problems(nodes)
