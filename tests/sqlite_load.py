"""Ten people writing at once on the embedded SQLite database, as under `make run`.

Run by tests/test_sqlite_under_load.py in a process of its own (the suite itself runs on
PostgreSQL): `python -m tests.sqlite_load` with DATABASE_URL=sqlite:///… and DEBUG=1. It migrates
the empty file, loads both seed offices with their demo keys, prepares runs and signing requests,
then releases ten threads at one barrier: approving, submitting, correcting figures and signing.
It prints one JSON object: every thread's outcome, the database's settings, and the rows counted
afterwards.
"""

import json
import os
import threading
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopkinerja.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402
from django_fsm_log.models import StateLog  # noqa: E402

from reports.documents.services import document_request, document_request_sign, document_sign  # noqa: E402
from reports.documents.signing import DEMO_PASSPHRASE, SigningRefused, sha256  # noqa: E402
from reports.models import DocumentKind, DocumentRequest, Indicator, Realisation, SignedDocument  # noqa: E402
from reports.performance.services import realisation_submit  # noqa: E402
from sopkinerja.common.exceptions import WorkflowRefused  # noqa: E402
from sopkinerja.common.periods import Period  # noqa: E402
from workflow import permissions  # noqa: E402
from workflow.models import Agency, RunStep, SopVersion  # noqa: E402
from workflow.runs.services import run_start, run_step_approve, run_step_submit  # noqa: E402
from workflow.seed import load_all  # noqa: E402

from .conftest import PASSWORD, TODAY  # noqa: E402

REFUSALS = (WorkflowRefused, ValidationError, PermissionDenied, SigningRefused)
CORRECTIONS = 3  # each figure thread submits its figure, then corrects it this many times


def user(username: str):
    return get_user_model().objects.get(username=username)


def prepare() -> dict:
    """Both offices, two runs (one step awaiting approval, one awaiting its submission), two
    prepared PDFs awaiting the Kepala Dinas's signature, and three indicators to report on."""
    call_command("migrate", "--noinput", verbosity=0)
    load_all(password=PASSWORD, today=TODAY)
    balangan = Agency.objects.get(slug="balangan")
    version = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    sekretaris, kadis = user("balangan.sekretaris"), user("balangan.kadis")
    to_approve = run_start(version=version, period=Period.parse("2025-TW1"), user=sekretaris).steps.get(step__number=1)
    run_step_submit(run_step_id=to_approve.pk, user=sekretaris, output_note="Disposisi")
    to_submit = run_start(version=version, period=Period.parse("2025-TW2"), user=sekretaris).steps.get(step__number=1)
    requests = [
        document_request(agency=balangan, kind=DocumentKind.SOP, user=kadis, sop_version=version, sign=True)
        for _ in range(2)
    ]
    for request in requests:
        request.refresh_from_db()
        assert request.status == DocumentRequest.Status.AWAITING, request.error
    reporter = user("balangan.kasi-layanan")
    indicators = [
        indicator
        for indicator in Indicator.objects.filter(objective__agency=balangan).order_by("pk")
        if permissions.can_report_for(reporter, indicator)
    ][:3]
    assert len(indicators) == 3, "kasi-layanan reports on fewer than three indicators"
    return {
        "agency": balangan,
        "to_approve": to_approve.pk,
        "to_submit": to_submit.pk,
        "requests": requests,
        "reporter": reporter,
        "indicators": indicators,
    }


def actions(prepared: dict) -> list:
    """Ten things people do at the same moment, each a callable of no arguments."""
    agency, reporter = prepared["agency"], prepared["reporter"]
    kadis, sekretaris = user("balangan.kadis"), user("balangan.sekretaris")

    def approve():
        run_step_approve(run_step_id=prepared["to_approve"], user=kadis, note="Setuju")

    def submit():
        run_step_submit(run_step_id=prepared["to_submit"], user=sekretaris, output_note="Disposisi TW II")

    def figures(indicator):
        def correct():
            for value in range(100, 100 + CORRECTIONS + 1):
                realisation_submit(indicator=indicator, year=2026, quarter=4, value=Decimal(value), user=reporter)

        return correct

    def sign_prepared(request):
        digest = sha256(bytes(request.pdf))
        return lambda: document_request_sign(request=request, user=kadis, secret=DEMO_PASSPHRASE, sha256=digest)

    def sign_in_one_step():
        document_sign(
            agency=agency,
            kind=DocumentKind.REPORT,
            user=kadis,
            secret=DEMO_PASSPHRASE,
            period="2026-TW1",
            via="command",
        )

    return [
        ("approve", approve),
        ("approve", approve),
        ("submit", submit),
        ("submit", submit),
        *[("figures", figures(indicator)) for indicator in prepared["indicators"]],
        *[("sign prepared", sign_prepared(request)) for request in prepared["requests"]],
        ("sign in one step", sign_in_one_step),
    ]


def race(named_actions: list) -> list[dict]:
    """Run every action in its own thread, all released at once; what each one ended with."""
    barrier = threading.Barrier(len(named_actions))
    outcomes: list[dict] = []

    def run(name, action):
        started = time.monotonic()
        try:
            with translation.override("id"):
                barrier.wait()
                started = time.monotonic()
                action()
            outcome = {"result": "done"}
        except REFUSALS as refusal:
            outcome = {"result": "refused", "reason": " ".join(getattr(refusal, "messages", [str(refusal)]))}
        except OperationalError as error:
            outcome = {"result": "database error", "reason": str(error)}
        except Exception as error:  # noqa: BLE001 - any other failure is what the test looks for
            outcome = {"result": "error", "reason": repr(error)}
        finally:
            connection.close()
        outcomes.append({"action": name, "seconds": round(time.monotonic() - started, 2), **outcome})

    threads = [threading.Thread(target=run, args=pair) for pair in named_actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def counts(prepared: dict, signed_before: int) -> dict:
    approve, submit = prepared["to_approve"], prepared["to_submit"]
    return {
        "approvals": StateLog.objects.filter(object_id=approve, content_type__model="runstep", transition="approve")
        .values("pk")
        .count(),
        "approved": RunStep.objects.get(pk=approve).state,
        "submissions": StateLog.objects.filter(object_id=submit, content_type__model="runstep", transition="submit")
        .values("pk")
        .count(),
        "submitted": RunStep.objects.get(pk=submit).state,
        "figures": [
            str(
                Realisation.objects.filter(indicator=indicator, year=2026, quarter=4)
                .values_list("value", flat=True)
                .first()
            )
            for indicator in prepared["indicators"]
        ],
        "signed_documents": SignedDocument.objects.count() - signed_before,
        "signed_requests": DocumentRequest.objects.filter(
            pk__in=[request.pk for request in prepared["requests"]], signed_document__isnull=False
        ).count(),
    }


def database_settings() -> dict:
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    # select_for_update is accepted and ignored on SQLite; the services' locks still run.
    with transaction.atomic():
        locked = RunStep.objects.select_for_update(of=("self",)).count()
    return {
        "vendor": connection.vendor,
        "journal_mode": journal,
        "synchronous": synchronous,  # 1 = NORMAL
        "busy_timeout_ms": busy_timeout,
        "transaction_mode": connection.transaction_mode,
        "select_for_update_rows": locked,
    }


def main() -> None:
    started = time.monotonic()
    prepared = prepare()
    prepared_in = time.monotonic() - started
    signed_before = SignedDocument.objects.count()
    named_actions = actions(prepared)
    connection.close()  # each thread opens its own
    raced = time.monotonic()
    outcomes = race(named_actions)
    print(
        json.dumps(
            {
                "database": database_settings(),
                "outcomes": outcomes,
                "counts": counts(prepared, signed_before),
                "seconds": {"prepare": round(prepared_in, 1), "race": round(time.monotonic() - raced, 1)},
            }
        )
    )


if __name__ == "__main__":
    main()
