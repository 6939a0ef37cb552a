"""What waits for the person on the dashboard: gathered once for the page and again after a decision
taken in place (htmx), so that the counters above and beside the lists change with the decision."""

import datetime
from dataclasses import dataclass

from reports.documents.readiness import signature_queue
from reports.performance.selectors import submissions_returned_to, submissions_to_review
from workflow import permissions
from workflow.runs.selectors import my_work, overdue_steps, unread_disposition_count
from workflow.sop.selectors import due_assessments


@dataclass(frozen=True)
class Waiting:
    work: dict
    figures_to_review: list
    returned_figures: list
    signature_queue: list | None  # None: the person does not sign
    overdue: list
    due_assessments: list
    counters: dict


def waiting_for(user, agency, now: datetime.datetime) -> Waiting:
    today = permissions.local_today(agency, now)
    work = my_work(user, now)
    figures_to_review = submissions_to_review(agency, user)  # units' quarters sent to me
    returned_figures = submissions_returned_to(agency, user)  # and those sent back to fix
    to_sign = signature_queue(agency, user, today=today)
    overdue = list(overdue_steps(agency, now))
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
