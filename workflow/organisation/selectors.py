"""Read paths of the organisation: whose agency a page shows, the agencies a user may switch to, the
Plh/Plt appointments."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from workflow.models.organisation import ActingAssignment, Agency, Employee

_EMPLOYEE_OF_USER = Employee._meta.get_field("user").remote_field  # user.employee's cache


def agency_of(user) -> Agency | None:
    """The agency whose pages a login sees: the one a superuser or government administrator chose
    in the agency switcher (set on the request's user by AgencySwitcherMiddleware), else the
    employee's own; None for an anonymous user or a login without either.

    Viewing an agency grants no position in it: every action still checks the positions held
    (workflow.permissions), so a viewer without one reads and does nothing else.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    viewing = getattr(user, "viewing_agency", None)
    return viewing if viewing is not None else own_agency(user)


def own_agency(user) -> Agency | None:
    """The agency the login works for (its employee's), whatever agency it is viewing: acting in an
    agency needs a place in it; viewing one through the switcher gives none."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee.agency
    except Employee.DoesNotExist:
        return None


def load_employee(user) -> None:
    """Fetch the login's employee with its agency and position in one query and keep it on the
    user, where `user.employee` (and so `agency_of` and the permission checks) find it for the
    rest of the request. Without it, the first `agency_of` costs two queries and the first
    permission check a third."""
    if not getattr(user, "is_authenticated", False) or _EMPLOYEE_OF_USER.is_cached(user):
        return
    employee = Employee.objects.select_related("agency__local_government", "position").filter(user=user).first()
    _EMPLOYEE_OF_USER.set_cached_value(user, employee)  # None: user.employee raises DoesNotExist


def user_with_employee(user_id):
    """The login with its employee, the employee's agency and government and its position, in one
    query (the session's user of every signed-in request: load_employee then has nothing to do);
    None when there is no such login. A login without an employee has `user.employee` raise
    DoesNotExist without another query."""
    return (
        get_user_model()
        ._default_manager.select_related("employee__agency__local_government", "employee__position")
        .filter(pk=user_id)
        .first()
    )


def switchable_agencies(user) -> QuerySet[Agency]:
    """The agencies a login may view through the switcher: all for a superuser, those of the
    governments it administers for a government administrator (LocalGovernment.administrators)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Agency.objects.none()
    agencies = Agency.objects.select_related("local_government").order_by("local_government__name", "name")
    if user.is_superuser:
        return agencies
    if not user.is_staff:
        return Agency.objects.none()
    return agencies.filter(local_government__administrators=user)


def appointments_for_agency(agency: Agency, today):
    """The agency's Plh/Plt appointments with who appointed and ended them: (current, past).

    Current: in force today or still to come. Past: ended early, or over."""

    rows = list(
        ActingAssignment.objects.filter(position__agency=agency)
        .select_related("position", "employee", "appointed_by__employee", "ended_by__employee")
        .order_by("-starts_on", "-pk")
    )
    current = [a for a in rows if a.ended_at is None and a.ends_on >= today]
    past = [a for a in rows if a.ended_at is not None or a.ends_on < today]
    return current, past
