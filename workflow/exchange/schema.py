"""Check a document against the published JSON Schema (docs/sop-schema-v1.json).

The `jsonschema` package is not a dependency, so this reads the subset of draft 2020-12 that the
schema uses: type, const, enum, required, properties, additionalProperties: false, items, minItems,
minLength, maxLength, minimum, format "date" and local $ref. Every problem is reported with the path
of the value ("steps[3].exits[0].to") and an Indonesian reason, all at once.
"""

import datetime
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "sop-schema-v1.json"

JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


@cache
def sop_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_problems(document, schema: dict | None = None) -> list[str]:
    """Every way the document breaks the schema, as "path: reason"; empty when it conforms."""
    root = schema or sop_schema()
    problems: list[tuple[str, str]] = []
    _check(document, root, root, "", problems)
    return [f"{path or '(dokumen)'}: {reason}" for path, reason in problems]


def _resolve(root: dict, schema: dict) -> dict:
    while "$ref" in schema:
        pointer = schema["$ref"].removeprefix("#/").split("/")
        schema = root
        for part in pointer:
            schema = schema[part]
    return schema


def _check(value, schema: dict, root: dict, path: str, problems: list) -> None:
    schema = _resolve(root, schema)
    if "const" in schema and value != schema["const"]:
        problems.append((path, _("must be %(value)s.") % {"value": json.dumps(schema["const"])}))
        return
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(json.dumps(choice) for choice in schema["enum"])
        problems.append((path, _("must be one of %(choices)s.") % {"choices": choices}))
        return
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(JSON_TYPES[name](value) for name in types):
            problems.append((path, _("must be of type %(types)s.") % {"types": " / ".join(types)}))
            return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            problems.append((path, _("must not be empty.")))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append((path, _("is longer than %(limit)d characters.") % {"limit": schema["maxLength"]}))
        if schema.get("format") == "date":
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                problems.append((path, _("must be a date written YYYY-MM-DD.")))
    if JSON_TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        problems.append((path, _("must be at least %(minimum)s.") % {"minimum": schema["minimum"]}))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append((path, _("needs at least %(count)d item(s).") % {"count": schema["minItems"]}))
        for index, item in enumerate(value):
            if "items" in schema:
                _check(item, schema["items"], root, f"{path}[{index}]", problems)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append((_join(path, name), _("is missing.")))
        for name, item in value.items():
            if name in properties:
                _check(item, properties[name], root, _join(path, name), problems)
            elif schema.get("additionalProperties") is False:
                problems.append((_join(path, name), _("is not a field of this format.")))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
