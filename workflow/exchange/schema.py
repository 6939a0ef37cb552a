"""Check a document against the published JSON Schema (docs/sop-schema-v1.json) with `jsonschema`
(draft 2020-12). Every problem is reported with the path of the value ("steps[3].exits[0].to") and an
Indonesian reason, all at once.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "sop-schema-v1.json"


@cache
def sop_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=FormatChecker())


def schema_problems(document, schema: dict | None = None) -> list[str]:
    """Every way the document breaks the schema, as "path: reason"; empty when it conforms."""
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
    return problems


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
    if kind == "minItems":
        return _("needs at least %(count)d item(s).") % {"count": schema["minItems"]}
    return error.message


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
