"""What an imported file would change in the draft it replaces: a short Indonesian summary, computed
from the two documents (the draft as exported, and the file as read), shown before the author
confirms the replacement.

Only what an import carries into a draft is compared: the identity fields (not the revision, the
status, the effective date or the signer's name and NIP, which signing sets), the lists, the
Pelaksana columns and the steps (by number, field by field, with the exits the import would draw).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflow.models.organisation import Agency
from workflow.models.sop import SopVersion
from workflow.sop.exchange.excel import FIELDS, SECTION_LABELS, STEP_HEADER
from workflow.sop.exchange.json_format import SECTIONS, export_version
from workflow.sop.exchange.schema import schema_problems
from workflow.sop.graph import Arrow, Node, default_exits
from workflow.sop.services import draft_deletion_refusal

# Identity fields an import keeps in a draft, with their names in the workbook.
IDENTITY_FIELDS = [
    (label, key)
    for label, key in FIELDS
    if key not in {"revision", "status", "effective_on", "approver.name", "approver.nip"}
]
# Step fields compared, with the workbook's column names (No is the key, Pelaksana the actors).
STEP_FIELDS = dict(
    zip(
        [
            "number",
            "activity",
            "actors",
            "symbol",
            "exits",
            "requirements",
            "waktu",
            "output",
            "remark",
            "cadence",
            "collects_data",
            "executor",
            "approver_position",
            "provenance",
        ],
        STEP_HEADER,
        strict=True,
    )
)
STEP_DEFAULTS = {
    "requirements": [],
    "remark": "",
    "cadence": "triwulan",
    "collects_data": False,
    "approver_position": None,
    "provenance": "",
}


def draft_to_replace(agency: Agency, document: dict) -> SopVersion | None:
    """The draft an import of this document would replace: the draft of the agency's SOP with the
    document's number (None for a new SOP, or one without a draft). Raises ValidationError with
    every problem when the document breaks the schema, and with the reason when the draft may not
    be replaced (it is held for signing)."""
    problems = schema_problems(document)
    if problems:
        raise ValidationError(problems)
    if not document["number"]:
        return None
    draft = (
        SopVersion.objects.filter(sop__agency=agency, sop__number=document["number"], status=SopVersion.Status.DRAFT)
        .select_related("sop__unit")
        .first()
    )
    if draft is not None and draft_deletion_refusal(draft):
        raise ValidationError(draft_deletion_refusal(draft))
    return draft


def _plain(value):
    return "" if value is None else value


def _identity(document: dict, key: str):
    value = document
    for part in key.split("."):
        value = (value or {}).get(part)
    return _plain(value)


def _exits(steps: list[dict]) -> dict[int, list[tuple[str, int]]]:
    """The exits each step gets when imported (an unwritten exit goes to the next step)."""
    nodes = default_exits(
        [
            Node(
                s["number"],
                s["symbol"],
                tuple(Arrow(e.get("label", "").strip(), e["to"]) for e in s.get("exits") or ()),
            )
            for s in steps
        ]
    )
    return {node.number: [(arrow.label, arrow.target) for arrow in node.exits] for node in nodes}


def _numbers(numbers) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def draft_changes(draft: SopVersion, document: dict) -> list[str]:
    """What replacing the draft by the document changes, one Indonesian sentence per kind of change;
    one sentence saying nothing changes when the two hold the same content."""
    current = export_version(draft)
    changes = []
    identity = [label for label, key in IDENTITY_FIELDS if _identity(current, key) != _identity(document, key)]
    if identity:
        changes.append(_("Identity fields changed: %(fields)s.") % {"fields": ", ".join(identity)})
    lists = [
        SECTION_LABELS[section]
        for section in SECTIONS
        if [(i["label"], i["text"]) for i in current["lists"].get(section, [])]
        != [(i["label"], i["text"]) for i in (document.get("lists") or {}).get(section, [])]
    ]
    if lists:
        changes.append(_("Lists changed: %(lists)s.") % {"lists": ", ".join(lists)})

    old_columns = {c["title"]: c for c in current["columns"]}
    new_columns = {c["title"]: c for c in document.get("columns") or []}
    for titles, message in (
        ([t for t in new_columns if t not in old_columns], _("Columns added: %(titles)s.")),
        ([t for t in old_columns if t not in new_columns], _("Columns removed: %(titles)s.")),
        (
            [
                t
                for t in new_columns
                if t in old_columns
                and any(
                    _plain(old_columns[t].get(k)) != _plain(new_columns[t].get(k, "" if k == "short_label" else None))
                    for k in ("short_label", "kind", "position")
                )
            ],
            _("Columns changed: %(titles)s."),
        ),
    ):
        if titles:
            changes.append(message % {"titles": ", ".join(titles)})

    old_steps = {s["number"]: s for s in current["steps"]}
    new_steps = {s["number"]: s for s in document.get("steps") or []}
    added, removed = set(new_steps) - set(old_steps), set(old_steps) - set(new_steps)
    if added:
        changes.append(_("Steps added: %(numbers)s.") % {"numbers": _numbers(added)})
    if removed:
        changes.append(_("Steps removed: %(numbers)s.") % {"numbers": _numbers(removed)})
    old_exits, new_exits = _exits(current["steps"]), _exits(document.get("steps") or [])
    changed = []
    for number in sorted(set(old_steps) & set(new_steps)):
        old, new = old_steps[number], new_steps[number]
        fields = []
        for key, label in STEP_FIELDS.items():
            if key == "exits":
                differs = old_exits[number] != new_exits[number]
            elif key == "executor":
                differs = bool(new.get("executor")) and new["executor"] != old["executor"]
            else:
                differs = _plain(old.get(key)) != _plain(new.get(key, STEP_DEFAULTS.get(key)))
            if differs:
                fields.append(label)
        if fields:
            changed.append(f"{number} ({', '.join(fields)})")
    if changed:
        changes.append(_("Steps changed: %(steps)s.") % {"steps": "; ".join(changed)})
    return changes or [_("The file holds the same content as the draft.")]
