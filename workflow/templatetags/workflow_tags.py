from django import template

from workflow.duration import Duration

register = template.Library()


@register.filter
def working_time(minutes: int | None) -> str:
    """Working minutes as '3 jam 20 menit' (hours are not folded into days: a day's length varies)."""
    if minutes is None:
        return "—"
    return str(Duration(minutes=minutes).normalised())
