"""The run page in two parts: what everyone sees, kept as HTML under a stamp of the run's rows
(workflow.runs.stamps.run_page_key), and what one viewer gets, drawn at each request into the slots
the kept part leaves (templates/workflow/run_page_kept.html): the message about a return, the forms,
the overdue marks (from the deadlines kept in their slots: they change with the time, not the rows)
and the form to cancel the run."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from sopkinerja.common.stamped_cache import kept_html
from workflow.models import RunStep
from workflow.runs.selectors import run_detail
from workflow.runs.stamps import run_page_key
from workflow.runs.timeline import run_timeline

KEPT = "workflow/run_page_kept.html"
# An HTML comment: text drawn into the page has its "<" escaped, so none can pass for a slot.
SLOT = re.compile(r"<!--run-page:(\w+):([^>]*)-->")


@dataclass
class Part:
    """Kept HTML, then the slot after it: `kind` ("" after the last part), `arg` (an attempt's id,
    or its state and deadline for the overdue mark), and what the viewer gets there."""

    html: SafeString
    kind: str = ""
    arg: str = ""
    row: dict | None = None
    overdue: bool = False

    @property
    def attempt_id(self) -> int | None:
        return int(self.arg) if self.kind in ("deliveries", "actions") else None

    def is_overdue(self, now: datetime) -> bool:
        """RunStep.is_overdue, from the state and the times kept in the slot."""
        if self.kind != "overdue":
            return False
        state, due, submitted = self.arg.split("|")
        attempt = RunStep(
            state=state,
            due_at=datetime.fromisoformat(due),
            submitted_at=datetime.fromisoformat(submitted) if submitted else None,
        )
        return attempt.is_overdue(now)


def kept_run_page(agency, run_id: int) -> str:
    """The run page as everyone sees it (its title first), drawn once per change of its rows, per
    language and time zone; Run.DoesNotExist for another agency's run, which is never kept."""

    def render() -> str:
        run = run_detail(agency, run_id)
        return render_to_string(KEPT, {"agency": agency, "run": run, "timeline": run_timeline(run)})

    variant = timezone.get_current_timezone_name()
    return kept_html(run_page_key(agency, run_id), (KEPT,), render, variant=variant)


def run_page_parts(kept: str, now: datetime) -> tuple[SafeString, list[Part]]:
    """The title, and the page's parts with their slots, the overdue marks answered at `now`."""
    bits = SLOT.split(kept)
    parts = []
    for start in range(0, len(bits), 3):
        kind, arg = bits[start + 1 : start + 3] if start + 1 < len(bits) else ("", "")
        parts.append(Part(mark_safe(bits[start]), kind, arg))  # noqa: S308 (our own rendering, kept)
    for part in parts:
        part.overdue = part.is_overdue(now)
    title = parts.pop(0)
    return mark_safe(title.html.strip()), parts  # noqa: S308 (our own rendering, kept)
