"""Check a document against the published JSON Schema (docs/sop-schema-v1.json) with `jsonschema`
(draft 2020-12). Every problem is reported with the path of the value ("steps[3].exits[0].to") and an
Indonesian reason, all at once.

The size limits come from sopkinerja.common.limits, written into the schema when it is read (the published
file carries the same numbers; a test keeps them equal). Before the schema, the document is walked
once for what no schema says: its depth, and text PostgreSQL cannot store (NUL, lone surrogates).
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from sopkinerja.common.limits import (
    MAX_COLUMNS,
    MAX_DEPTH,
    MAX_EXITS,
    MAX_LIST_ITEMS,
    MAX_NUMBER,
    MAX_REQUIREMENTS,
    MAX_STEPS,
    MAX_TEXT,
    storable,
)

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "sop-schema-v1.json"
MAX_PROBLEMS = 50  # a page of reasons; a file with more is wrong everywhere
STEP = ("$defs", "step", "properties")
LIMITS = {
    ("properties", "steps", "maxItems"): MAX_STEPS,
    ("properties", "columns", "maxItems"): MAX_COLUMNS,
    ("properties", "revision", "maximum"): MAX_NUMBER,
    ("properties", "provenance", "maxLength"): MAX_TEXT,
    ("$defs", "list", "maxItems"): MAX_LIST_ITEMS,
    ("$defs", "list", "items", "properties", "text", "maxLength"): MAX_TEXT,
    (*STEP, "number", "maximum"): MAX_NUMBER,
    (*STEP, "activity", "maxLength"): MAX_TEXT,
    (*STEP, "actors", "maxItems"): MAX_COLUMNS,
    (*STEP, "exits", "maxItems"): MAX_EXITS,
    (*STEP, "exits", "items", "properties", "to", "maximum"): MAX_NUMBER,
    (*STEP, "requirements", "maxItems"): MAX_REQUIREMENTS,
}


def bounded(schema: dict) -> dict:
    """The schema with the limits of sopkinerja.common.limits written in."""
    schema = json.loads(json.dumps(schema))
    for path, limit in LIMITS.items():
        holder = schema
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = limit
    return schema


@cache
def sop_schema() -> dict:
    return bounded(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@cache
def _validator(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=FormatChecker())


def schema_problems(document, schema: dict | None = None) -> list[str]:
    """Every way the document breaks the schema, as "path: reason" (at most MAX_PROBLEMS); empty when it
    conforms. A document nested too deeply, or with text that cannot be stored, is not checked further."""
    problems = document_problems(document)
    if problems:
        return problems
    validator = _validator(json.dumps(schema or sop_schema(), sort_keys=True))
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        path, reason = _path(error.absolute_path), _reason(error)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path, reason = _join(path, missing), _("is missing.")
        elif error.validator == "additionalProperties":
            extra = [name for name in error.instance if name not in error.schema.get("properties", {})]
            problems.extend(f"{_join(path, name)}: {_('is not a field of this format.')}" for name in extra)
            continue
        problems.append(f"{path or '(dokumen)'}: {reason}")
        if len(problems) > MAX_PROBLEMS:
            return [
                *problems[:MAX_PROBLEMS],
                _("… and more problems: only the first %(count)d are listed.") % {"count": MAX_PROBLEMS},
            ]
    return problems


def document_problems(document) -> list[str]:
    """What the schema cannot say: nesting deeper than MAX_DEPTH (then nothing else is looked at), and
    each text, key or value, with a NUL character or an unpaired surrogate. One walk, no recursion."""
    problems = []
    pending = [(document, 1, "")]
    while pending:
        value, depth, path = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return [_("The document is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH}]
            for key, item in value.items() if isinstance(value, dict) else enumerate(value):
                if isinstance(key, str) and not storable(key):
                    problems.append(f"{path or '(dokumen)'}: {unstorable_reason()}")
                    continue
                pending.append((item, depth + 1, _join(path, key) if isinstance(key, str) else f"{path}[{key}]"))
        elif isinstance(value, str) and not storable(value):
            problems.append(f"{path or '(dokumen)'}: {unstorable_reason()}")
    return sorted(problems)[:MAX_PROBLEMS]


def unstorable_reason() -> str:
    return _("contains a character that cannot be stored (NUL or an unpaired surrogate).")


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _reason(error) -> str:
    schema, kind = error.schema, error.validator
    if kind == "const":
        return _("must be %(value)s.") % {"value": json.dumps(schema["const"])}
    if kind == "enum":
        return _("must be one of %(choices)s.") % {"choices": ", ".join(json.dumps(c) for c in schema["enum"])}
    if kind == "type":
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return _("must be of type %(types)s.") % {"types": " / ".join(types)}
    if kind == "minLength":
        return _("must not be empty.")
    if kind == "maxLength":
        return _("is longer than %(limit)d characters.") % {"limit": schema["maxLength"]}
    if kind == "format":
        return _("must be a date written YYYY-MM-DD.")
    if kind == "minimum":
        return _("must be at least %(minimum)s.") % {"minimum": schema["minimum"]}
    if kind == "maxItems":
        return _("has more than %(limit)d items: at most %(limit)d are allowed.") % {"limit": schema["maxItems"]}
    if kind == "maximum":
        return _("must be at most %(maximum)s.") % {"maximum": schema["maximum"]}
    if kind == "minItems":
        return _("needs at least %(count)d item(s).") % {"count": schema["minItems"]}
    return error.message


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
