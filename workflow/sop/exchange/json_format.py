"""One SOP version as an open JSON document (format "sop-kinerja/sop", version 1; docs/sop-format.md).

Positions and units are named by title, so a document moves between agencies that use the same
titles. Export then import then export gives the same document: every exit is written out, and
every list item carries the numbering it was printed with.
"""

import datetime
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow import permissions
from workflow.models.organisation import Agency, Position, Unit
from workflow.models.sop import Sop, SopListItem, SopVersion
from workflow.sop.exchange.schema import schema_problems
from workflow.sop.services import ExecutorSpec, StepSpec, sop_draft_delete, sop_version_create

FORMAT = "sop-kinerja/sop"
FORMAT_VERSION = 1
SECTIONS = [section.value for section in SopListItem.Section]


def export_version(version: SopVersion) -> dict:
    """The version as a JSON-ready dict; ids never appear, positions and units by title."""
    entries = {section: [] for section in SECTIONS}
    for item in version.list_entries.order_by("section", "order"):
        entries[item.section].append({"label": item.label, "text": item.text})
    steps = version.steps.select_related("executor", "approver_position").prefetch_related(
        "requirements", "actor_links__executor", "exits__target"
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "number": version.sop.number,
        "unit": version.sop.unit.name if version.sop.unit_id else None,
        "name": version.name,
        "revision": version.revision,
        "status": version.status,
        "made_on": _iso(version.made_on),
        "revised_on": _iso(version.revised_on),
        "effective_on": _iso(version.effective_on),
        "approver": {"title": version.approver_title, "name": version.approver_name, "nip": version.approver_nip},
        "prepared_by": version.prepared_by,
        "checked_by": version.checked_by,
        "provenance": version.provenance,
        "lists": entries,
        "columns": [
            {
                "title": column.title,
                "short_label": column.short_label,
                "kind": column.kind,
                "position": column.position.title if column.position_id else None,
            }
            for column in version.executors.select_related("position").order_by("order")
        ],
        "steps": [
            {
                "number": step.number,
                "activity": step.activity,
                "actors": [column.title for column in step.actor_columns()],
                "executor": step.executor.title,
                "symbol": step.symbol,
                "exits": [{"label": exit.label, "to": exit.target.number} for exit in step.exit_list()],
                "requirements": step.requirement_texts(),
                "waktu": step.duration_text,
                "output": step.output,
                "remark": step.remark,
                "cadence": step.cadence,
                "collects_data": step.collects_data,
                "approver_position": step.approver_position.title if step.approver_position_id else None,
                "provenance": step.provenance,
            }
            for step in steps.order_by("number")
        ],
    }


def content_digest(version: SopVersion) -> str:
    """SHA-256 of the version's exchange document, as stored now: equal digests, equal content
    (every list item, column, step, requirement and exit; the SOP's number and unit)."""
    document = json.dumps(export_version(version), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(document.encode()).hexdigest()


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _unique_number_message() -> str:
    constraint = next(c for c in Sop._meta.constraints if c.name == "sop_number_unique_per_agency")
    return str(constraint.violation_error_message)


@transaction.atomic
def import_document(agency: Agency, data, *, user, keep_status: bool = False, replacing: str = "") -> SopVersion:
    """Create an SOP version of `agency` from a document of this format.

    Guarantees: the document passes the schema, and every unit and position title names one of the
    agency's (all unknown titles are listed); otherwise ValidationError with every problem, nothing saved.
    The SOP is found by its number in the agency, or made. By default the version is a DRAFT, to be
    checked and signed in the app: its effective date and approver are dropped, and when the SOP
    already has that revision it becomes the next one. Only with keep_status (the seed loader, or an
    operator running `import_sop --signed-on-paper`; never the browser) does an effective or withdrawn
    status stay, for an SOP signed on paper; it must then pass every rule of an effective SOP.
    When the SOP already has a draft, the import is refused unless `replacing` is the content digest
    of that draft as the user saw it (`draft_changes` told them what changes): then the draft, never a
    signed or held version, is deleted and the file becomes the same draft revision, in one transaction.
    A draft keeps the approver's position title; the name and NIP wait for signing.
    `user` None means the system (seeds, commands); a user must be allowed to add SOP versions of the agency.
    """
    if user is not None and not permissions.can_author(user, agency):
        raise PermissionDenied(_("You may not import SOPs into this agency."))
    if keep_status and user is not None and not user.is_superuser:
        raise PermissionDenied(_("Only a system administrator may import an SOP as signed on paper."))
    problems = schema_problems(data)
    if problems:
        raise ValidationError(problems)

    positions = {p.title: p for p in Position.objects.filter(agency=agency)}
    unknown = []

    def position(title: str | None, where: str) -> Position | None:
        if not title:
            return None
        if title not in positions:
            unknown.append(
                _("%(where)s: the position %(title)s does not exist in %(agency)s.")
                % {"where": where, "title": title, "agency": agency.name}
            )
        return positions.get(title)

    unit = None
    if data["unit"]:
        unit = Unit.objects.filter(agency=agency, name=data["unit"]).first()
        if unit is None:
            unknown.append(
                _("The unit %(name)s does not exist in %(agency)s.") % {"name": data["unit"], "agency": agency.name}
            )
    executors = [
        ExecutorSpec(
            title=column["title"],
            position=position(column.get("position"), _("Column %(title)s") % {"title": column["title"]}),
            kind=column["kind"],
            short_label=column.get("short_label", ""),
        )
        for column in data["columns"]
    ]
    steps = [
        StepSpec(
            number=row["number"],
            activity=row["activity"],
            waktu=row["waktu"],
            output=row["output"],
            actors=row["actors"],
            executor=row.get("executor") or "",
            requirements=row.get("requirements", []),
            symbol=row["symbol"],
            exits=None if row.get("exits") is None else [(e.get("label", ""), e["to"]) for e in row["exits"]],
            cadence=row.get("cadence", "triwulan"),
            remark=row.get("remark", ""),
            collects_data=row.get("collects_data", False),
            approver_position=position(row.get("approver_position"), _("Step %(number)d") % {"number": row["number"]}),
            provenance=row.get("provenance", ""),
        )
        for row in data["steps"]
    ]
    if unknown:
        raise ValidationError(unknown)

    sop = None
    if data["number"]:
        sop = Sop.objects.select_for_update().filter(agency=agency, number=data["number"]).first()
    if sop is None:
        sop = Sop(agency=agency, number=data["number"], unit=unit)
        sop.full_clean()
        try:
            with transaction.atomic():
                sop.save()
        except IntegrityError:
            # Another import made the same number between the check and the save (no row to lock yet).
            raise ValidationError(_unique_number_message()) from None
    elif sop.unit_id != (unit.pk if unit else None):
        raise ValidationError(
            _("SOP %(number)s already exists in this agency with the unit %(unit)s.")
            % {"number": sop.number, "unit": sop.unit.name if sop.unit_id else "-"}
        )

    approver = data.get("approver") or {}
    values = {
        "status": data["status"],
        "revision": data["revision"],
        "revised_on": _date(data.get("revised_on")),
        "effective_on": _date(data.get("effective_on")),
        "approver_title": approver.get("title", ""),
        "approver_name": approver.get("name", ""),
        "approver_nip": approver.get("nip", ""),
    }
    if not keep_status:
        # A draft keeps the position that will sign it; signing sets the date, the name and the NIP.
        values.update(status=SopVersion.Status.DRAFT, effective_on=None, approver_name="", approver_nip="")
        draft = sop.versions.filter(status=SopVersion.Status.DRAFT).first()
        if draft is not None and not replacing:
            raise ValidationError(
                _(
                    "SOP %(number)s already has a draft (revision %(revision)d): import the file again and "
                    "confirm that it replaces the draft, or edit the draft."
                )
                % {"number": sop.number, "revision": draft.revision}
            )
        if draft is not None:
            if content_digest(draft) != replacing:
                raise ValidationError(
                    _("The draft changed after you confirmed: import the file again to see what it changes.")
                )
            values["revised_on"] = values["revised_on"] or draft.revised_on
            values["revision"] = draft.revision  # the same draft revision, with the file's content
            sop_draft_delete(version=draft, user=user, keep_sop=True)
        revisions = set(sop.versions.values_list("revision", flat=True))
        if values["revision"] in revisions:
            values["revision"] = max(revisions) + 1
            values["revised_on"] = timezone.now().astimezone(agency.zone).date()
    return sop_version_create(
        sop=sop,
        name=data["name"],
        made_on=_date(data.get("made_on")),
        executors=executors,
        steps=steps,
        lists={
            section: [(item["label"], item["text"]) for item in items]
            for section, items in (data.get("lists") or {}).items()
        },
        prepared_by=data.get("prepared_by", ""),
        checked_by=data.get("checked_by", ""),
        provenance=data.get("provenance", ""),
        **values,
    )
