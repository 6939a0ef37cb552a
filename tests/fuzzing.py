"""What the fuzz tests share: nasty values, Hypothesis settings, and the check that a refused
submission left the database exactly as it was."""

import hashlib
import os

from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "25"))  # `make fuzz` runs 300 each
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Tables whose content (not only their count) a form may change.
WATCHED = [
    "reports_realisation",
    "reports_target",
    "reports_unitsubmission",
    "workflow_run",
    "workflow_runstep",
    "workflow_sopversion",
    "workflow_step",
    "workflow_actingassignment",
]

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "n/a", "N/A", "1:32", "1:0", "maksimal 1 %", "minimal 80",
    "12.500", "0,277", "99,99 %", "1.234.567,891", "9" * 40, "-0", "١٢٣", "<script>alert(1)</script>",
    "' OR 1=1 --", "\x00", "\u202e", "2026-TW5", "2026-TW0", "2026-S3", "9999", "2026-02-30", "31/12/2026",
    "a" * 5000, "Ya", "Tidak", "on", "true", "None",
]  # fmt: skip


def fingerprint(ignore: tuple[str, ...] = ()) -> tuple:
    """Every table's row count, and a digest of the content of the tables forms edit (read in
    Python, so that it is the same check on PostgreSQL and on SQLite); `ignore` names tables that
    change by design (the API's audit of refused writes)."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.startswith(("workflow_", "reports_"))]
        tables = [t for t in tables if t not in ignore]
        cursor.execute("SELECT " + " , ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables))
        counts = tuple(cursor.fetchone())
        digests = []
        for table in WATCHED:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')
            digests.append(hashlib.md5(repr(cursor.fetchall()).encode()).hexdigest())
        return counts + tuple(digests)


def refused(response) -> bool:
    """The page said no: a warning or error message, or a form in the page with errors."""
    if any(m.level >= messages.WARNING for m in get_messages(response.wsgi_request)):
        return True
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and not value.is_valid():
                return True
    return False


def fuzz_once(client, url: str, data: dict):
    # A refusal of an earlier example, queued by a redirect nobody followed, is not this answer.
    client.cookies.pop("messages", None)
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    if refused(response):
        assert fingerprint() == before, (url, data)
    return response
