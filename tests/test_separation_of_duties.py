"""Nobody approves or returns a step they submitted themselves, also when acting for the approver."""

import datetime

import pytest
from django.urls import reverse

from sopkinerja.common.periods import Period
from workflow.models import Position, RunStep
from workflow.organisation.appointments import acting_appoint
from workflow.runs.services import run_start, run_step_approve, run_step_send_back, run_step_submit

from .conftest import user
from .workflow_helpers import refused, step

DAY = datetime.timedelta(days=1)
APPROVE_REFUSAL = "Anda sendiri yang menyampaikan langkah ini: orang lain yang harus menyetujuinya."
RETURN_REFUSAL = "Anda sendiri yang menyampaikan langkah ini: orang lain yang harus mengembalikannya."


@pytest.fixture
def sekretaris_is_plh_of_the_head(balangan):
    """The Sekretaris performs step 1, whose approver is the Kepala Dinas, and now also acts for him."""
    today = datetime.date.today()
    head = Position.objects.get(agency=balangan, rank="kepala_dinas")
    return acting_appoint(
        by=user("balangan.kadis"),
        position=head,
        employee=user("balangan.sekretaris").employee,
        kind="plh",
        starts_on=today - DAY,
        ends_on=today + DAY,
        note="Kepala Dinas dinas luar",
    )


def submitted_by_the_sekretaris(run) -> RunStep:
    run_step_submit(run_step_id=step(run, 1).pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    return step(run, 1)


def test_a_plh_of_the_approver_cannot_approve_a_step_he_submitted(run, sekretaris_is_plh_of_the_head):
    run_step = submitted_by_the_sekretaris(run)
    reason = refused(run_step_approve, run_step_id=run_step.pk, user=user("balangan.sekretaris"))
    assert reason == APPROVE_REFUSAL
    run_step.refresh_from_db()
    assert run_step.state == RunStep.State.SUBMITTED and run_step.approved_by is None


def test_a_plh_of_the_approver_cannot_return_a_step_he_submitted(run, sekretaris_is_plh_of_the_head):
    run_step = submitted_by_the_sekretaris(run)
    reason = refused(run_step_send_back, run_step_id=run_step.pk, user=user("balangan.sekretaris"), note="Ulang")
    assert reason == RETURN_REFUSAL
    run_step.refresh_from_db()
    assert run_step.state == RunStep.State.SUBMITTED and run_step.returned_by is None and run_step.returned_count == 0


def test_someone_else_still_approves_and_returns(run, sekretaris_is_plh_of_the_head):
    run_step = submitted_by_the_sekretaris(run)
    run_step_send_back(run_step_id=run_step.pk, user=user("balangan.kadis"), note="Lengkapi lampiran")
    assert step(run, 1).returned_by.username == "balangan.kadis"
    submitted_by_the_sekretaris(run)
    run_step_approve(run_step_id=run_step.pk, user=user("balangan.kadis"))
    assert step(run, 1).state == RunStep.State.APPROVED


def test_the_transition_itself_refuses_the_submitter_as_approver(run, sekretaris_is_plh_of_the_head):
    """The rule lives in the model: calling the transition directly obeys it too."""
    run_step = submitted_by_the_sekretaris(run)
    run_step.approved_by = user("balangan.sekretaris")
    transition = run_step.approve._django_fsm.get_transition(run_step.state)
    refusals = [condition.refusal for condition in transition.conditions if not condition(run_step)]
    assert [str(r) for r in refusals] == [APPROVE_REFUSAL]


def test_the_run_page_and_dashboard_do_not_offer_the_submitter_the_decision(login, run, sekretaris_is_plh_of_the_head):
    run_step = submitted_by_the_sekretaris(run)
    client = login("balangan.sekretaris")
    page = client.get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert reverse("workflow:step-approve", args=[run_step.pk]) not in page
    to_approve = client.get(reverse("workflow:home")).context["work"]["to_approve"]
    assert run_step.pk not in [item.pk for item in to_approve]
    page = login("balangan.kadis").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert reverse("workflow:step-approve", args=[run_step.pk]) in page


def test_a_refused_self_approval_on_the_page_says_why(login, run, sekretaris_is_plh_of_the_head):
    run_step = submitted_by_the_sekretaris(run)
    response = login("balangan.sekretaris").post(
        reverse("workflow:step-approve", args=[run_step.pk]), {"note": ""}, follow=True
    )
    assert APPROVE_REFUSAL in response.content.decode()
    assert step(run, 1).state == RunStep.State.SUBMITTED


def test_a_step_of_the_kepala_dinas_is_still_approved_on_submission(sop002):
    run = run_start(version=sop002, period=Period.parse("2026-TW2"), user=user("padangpanjang.kadis"))
    first = run.steps.order_by("sequence").first()
    run_step_submit(run_step_id=first.pk, user=user("padangpanjang.kadis"), output_note="Disposisi")
    first.refresh_from_db()
    assert first.state == RunStep.State.APPROVED and first.approved_by == first.submitted_by
