"""What waits for the person on the dashboard: gathered once for the page and again after a decision
taken in place (htmx), so that the counters above and beside the lists change with the decision.

What the dashboard shows of the agency's SOPs and runs in progress is the same for all its users:
it is kept under a stamp of those rows (workflow.runs.selectors.agency_stamp, one query) and shared
by them; what waits for the person is read for them each time, and whether a step is overdue is
decided at each request from the kept due times."""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string

from reports.documents.readiness import signature_queue
from reports.performance.selectors import submissions_returned_to, submissions_to_review
from sopkinerja.common.stamped_cache import kept_html, stamped_get, stamped_set
from workflow import permissions
from workflow.organisation.selectors import own_agency
from workflow.permissions import held_position_ids
from workflow.runs.selectors import (
    AgencyStamps,
    agency_stamp,
    my_work,
    progress_at,
    runs_with_current_steps,
    timed_steps,
    unread_disposition_count,
)
from workflow.sop.selectors import due_assessments, sops_for_agency

BOARD_CACHE_SECONDS = 24 * 3600
SOP_TABLE = "workflow/partials/sop_table.html"


@dataclass(frozen=True)
class AgencyBoard:
    """The agency's part of the dashboard, as kept under its stamp: the active runs with their attempt
    in hand, the active attempts with a due time (soonest first), and the SOP table's HTML per language."""

    runs: list
    timed_steps: list

    def progress(self, now: datetime.datetime) -> list:
        return progress_at(self.runs, now)

    def overdue(self, now: datetime.datetime) -> list:
        return [attempt for attempt in self.timed_steps if attempt.due_at < now]


def agency_board(agency) -> tuple[AgencyBoard, AgencyStamps | None]:
    """The agency's board and the stamps it is kept under (None without PostgreSQL: read each time)."""
    stamps = agency_stamp(agency)
    key = stamps and f"dashboard:v1:{agency.pk}:{stamps.rows}"
    board = stamped_get(key) if key else None
    if board is None:
        board = AgencyBoard(runs=runs_with_current_steps(agency), timed_steps=timed_steps(agency))
        if key:
            stamped_set(key, board, BOARD_CACHE_SECONDS)
    return board, stamps


def sop_table(agency, stamps: AgencyStamps | None) -> str:
    """The HTML of the agency's SOP table in the current language, rendered once per stamp."""
    return kept_html(
        stamps and f"dashboard:sops:v2:{agency.pk}:{stamps.rows}",
        (SOP_TABLE,),
        lambda: render_to_string(SOP_TABLE, {"sops": sops_for_agency(agency)}),
    )


@dataclass(frozen=True)
class Waiting:
    work: dict
    figures_to_review: list
    returned_figures: list
    signature_queue: list | None  # None: the person does not sign
    overdue: list
    due_assessments: list
    counters: dict


def work_for(user, agency, now: datetime.datetime, stamps: AgencyStamps | None) -> dict:
    """my_work(user), kept under the agency's stamp for this user and the positions they hold now
    when the agency shown is their own: their steps are then among the stamped rows (the attempts of
    its active runs, with the steps, executors, positions and people they name)."""
    positions = held_position_ids(user, now)
    own = own_agency(user)
    key = None
    if stamps and own is not None and own.pk == agency.pk:
        key = f"dashboard:work:v1:{agency.pk}:{stamps.rows}:{user.pk}:{','.join(map(str, sorted(positions)))}"
    work = stamped_get(key) if key else None
    if work is None:
        work = my_work(user, now)
        if key:
            stamped_set(key, work, BOARD_CACHE_SECONDS)
    return work


def waiting_for(
    user, agency, now: datetime.datetime, board: AgencyBoard | None = None, stamps: AgencyStamps | None = None
) -> Waiting:
    """What waits for the user; `board` and `stamps` are the agency's (agency_board()) when the caller
    has them, else they are read here."""
    if board is None:
        board, stamps = agency_board(agency)
    today = permissions.local_today(agency, now)
    work = work_for(user, agency, now, stamps)
    figures_to_review = submissions_to_review(agency, user)  # units' quarters sent to me
    returned_figures = submissions_returned_to(agency, user)  # and those sent back to fix
    to_sign = signature_queue(agency, user, today=today)
    overdue = board.overdue(now)
    due = due_assessments(user, today)
    counters = {
        "unread": unread_disposition_count(user, now),
        "to_perform": len(work["to_perform"]) + len(returned_figures),
        "to_approve": len(work["to_approve"]) + len(figures_to_review),
        "waiting": len(work["to_approve"]) + len(figures_to_review) + len(to_sign or ()),
        "overdue": len(overdue),
        "due_assessments": len(due),
    }
    return Waiting(work, figures_to_review, returned_figures, to_sign, overdue, due, counters)


def decision_context(request, agency, now: datetime.datetime, **context) -> dict:
    """The answer to a decision taken in place: the item's result, and the counters swapped out of band."""
    waiting = waiting_for(request.user, agency, now)
    return context | {
        "counters": waiting.counters,
        "signature_queue": waiting.signature_queue,
        "due_assessments": waiting.due_assessments,
        "oob": True,
    }
