"""Fifty people acting at the same instant on PostgreSQL: each step makes exactly one transition,
and there is never a second disposisi, state-log row, run, realisation or signed document.

Every thread waits at a barrier, then calls the same service the pages call. Figures from these
runs are in docs/reliability.md.
"""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_fsm_log.models import StateLog

from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, DocumentRequest, Indicator, Realisation, SignedDocument
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import ActingAssignment, Agency, Disposition, Employee, Position, Run, RunStep, SopVersion
from workflow.permissions import local_today
from workflow.seed import load_all

from .conftest import PASSWORD, TODAY, user

THREADS = 50
REFUSALS = (WorkflowRefused, ValidationError, PermissionDenied)


def race(action, people: list) -> Counter:
    """Run action(person) in one thread per person, all released at once; count the outcomes."""
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def run(person):
        try:
            barrier.wait()
            action(person)
            outcomes.append("done")
        except REFUSALS as refusal:
            outcomes.append("refused: " + " ".join(getattr(refusal, "messages", [str(refusal)])))
        except Exception as error:  # noqa: BLE001 - any other failure is what the test looks for
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


@pytest.fixture
def offices(transactional_db):
    if not Agency.objects.exists():  # an earlier transactional test emptied the database
        load_all(password=PASSWORD, today=TODAY)
    return Agency.objects.get(slug="balangan")


@pytest.fixture
def committed_run(offices) -> Run:
    """As `run`, but committed for the threads to see (a transactional test)."""
    from workflow.runs.services import run_start

    version = SopVersion.objects.get(sop__agency=offices)
    return run_start(version=version, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))


def transitions(run_step: RunStep, *names: str) -> int:
    return StateLog.objects.filter(object_id=run_step.pk, content_type__model="runstep", transition__in=names).count()


def test_fifty_submissions_of_the_same_step_make_one(committed_run):
    from workflow.runs.services import run_step_submit

    first = committed_run.steps.get(step__number=1)
    sekretaris = user("balangan.sekretaris")
    outcomes = race(
        lambda who: run_step_submit(run_step_id=first.pk, user=who, output_note="Disposisi"), [sekretaris] * THREADS
    )
    assert outcomes == Counter({"done": 1, "refused: Langkah 1 sudah disampaikan dan menunggu persetujuan.": 49})
    first.refresh_from_db()
    assert first.state == RunStep.State.SUBMITTED and transitions(first, "submit") == 1


def test_fifty_approvals_and_returns_of_the_same_step_make_one_transition(committed_run, offices):
    from workflow.runs.services import run_step_approve, run_step_send_back, run_step_submit

    head = Position.objects.get(agency=offices, rank="kepala_dinas")
    plh = Employee.objects.get(user__username="balangan.kabid-arsip")
    today = local_today(offices)
    ActingAssignment.objects.create(position=head, employee=plh, starts_on=today, ends_on=today)
    first = committed_run.steps.get(step__number=1)
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    approvers = [user("balangan.kadis"), plh.user] * (THREADS // 2)

    def decide(who):
        if who.username == "balangan.kadis":
            run_step_approve(run_step_id=first.pk, user=who, note="Setuju")
        else:
            run_step_send_back(run_step_id=first.pk, user=who, note="Lengkapi rekapnya")

    outcomes = race(decide, approvers)
    first.refresh_from_db()
    assert transitions(first, "approve", "send_back") == 1
    # The other 49 are refused with what the winner left: approved, or back with its executor.
    left = "sudah disetujui." if first.state == RunStep.State.APPROVED else "belum disampaikan oleh pelaksananya."
    assert outcomes == Counter({"done": 1, f"refused: Langkah 1 {left}": 49})
    if first.state == RunStep.State.APPROVED:
        assert Disposition.objects.filter(run_step__run=committed_run).count() == 2  # the first and one next
        assert RunStep.objects.get(run=committed_run, step__number=2).state == RunStep.State.ACTIVE
    else:
        assert first.state == RunStep.State.ACTIVE and first.returned_count == 1
        assert Disposition.objects.filter(run_step__run=committed_run).count() == 1


def test_fifty_starts_of_the_same_period_make_one_run(offices):
    from workflow.runs.services import run_start

    version = SopVersion.objects.get(sop__agency=offices)
    period = Period.parse("2025-TW2")
    outcomes = race(
        lambda who: run_start(version=version, period=period, user=who), [user("balangan.sekretaris")] * THREADS
    )
    assert outcomes == Counter({"done": 1, "refused: SOP ini sudah memiliki pelaksanaan untuk Triwulan II 2025.": 49})
    (started,) = Run.objects.filter(sop=version.sop, period=str(period))
    assert Disposition.objects.filter(run_step__run=started).count() == 1
    assert StateLog.objects.filter(content_type__model="runstep", object_id__in=started.steps.values("pk")).count() <= 1


def test_fifty_first_submissions_of_the_same_figure_make_one_realisation(offices):
    from reports.performance.services import realisation_submit

    indicator = Indicator.objects.get(objective__agency=offices, name="Jumlah pengunjung perpustakaan")
    Realisation.objects.filter(indicator=indicator, year=2026, quarter=4).delete()
    people = [user("balangan.kasi-layanan"), user("balangan.kabid-perpustakaan")] * (THREADS // 2)
    values = iter(range(12000, 12000 + THREADS))
    lock = threading.Lock()

    def submit(who):
        with lock:
            value = next(values)
        realisation_submit(indicator=indicator, year=2026, quarter=4, value=Decimal(value), user=who)

    outcomes = race(submit, people)
    assert outcomes == Counter({"done": THREADS})  # the later ones correct the first, one at a time
    (figure,) = Realisation.objects.filter(indicator=indicator, year=2026, quarter=4)
    assert 12000 <= figure.value < 12000 + THREADS


def test_fifty_signatures_of_the_same_prepared_document_make_one_signed_document(
    offices, django_capture_on_commit_callbacks
):
    from reports.documents.services import document_request, document_request_sign
    from reports.documents.signing import sha256

    kadis = user("balangan.kadis")
    with django_capture_on_commit_callbacks(execute=True):
        request = document_request(
            agency=offices,
            kind=DocumentKind.SOP,
            user=kadis,
            sop_version=SopVersion.objects.get(sop__agency=offices),
            sign=True,
        )
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.AWAITING
    digest = sha256(bytes(request.pdf))
    before = SignedDocument.objects.count()
    outcomes = race(
        lambda who: document_request_sign(request=request, user=who, secret=DEMO_PASSPHRASE, sha256=digest),
        [kadis] * THREADS,
    )
    assert outcomes == Counter({"done": THREADS})  # a repeated click returns the same document
    assert SignedDocument.objects.count() == before + 1
    request.refresh_from_db()
    assert request.signed_document is not None and request.status == DocumentRequest.Status.READY
