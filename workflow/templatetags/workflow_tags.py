from django import template
from django.utils.html import format_html

from workflow.sop import waktu as duration

register = template.Library()


@register.simple_tag
def state_badge(state: str, label: str) -> str:
    """A run's, step's or document's state as a badge coloured by state (static/css/app.css .state-*).
    A tag, not an included template: lists show one per row."""
    return format_html('<span class="badge state state-{}">{}</span>', state, label)


@register.filter
def working_span(minutes: int | None, agency) -> str:
    """Working minutes in the agency's working days, as an SOP writes them: "2 hari 3 jam", not "19 jam"."""
    per_day = (agency.work_ends.hour * 60 + agency.work_ends.minute) - (
        agency.work_starts.hour * 60 + agency.work_starts.minute
    )
    return duration.working_span(minutes, per_day)
