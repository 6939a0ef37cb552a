"""What every signed-in request pays before its view runs: the session, the user, and one query for
the employee with its agency and position, shared with the view."""

from workflow.organisation.selectors import agency_of


def test_a_signed_in_redirect_costs_two_queries(login, balangan, django_assert_num_queries):
    client = login("balangan.kadis")
    with django_assert_num_queries(2):  # the session, the login with its employee (AccountBackend)
        response = client.get("/favicon.ico")
    assert response.status_code == 301


def test_the_view_reuses_the_employee_the_middleware_loaded(rf, balangan, django_assert_num_queries):
    from sopkinerja.middleware import AgencyTimeZoneMiddleware
    from tests.conftest import user

    request = rf.get("/")
    request.user = user("balangan.kadis")
    seen = {}

    def view(request):
        with django_assert_num_queries(0):
            seen["agency"] = agency_of(request.user)
            seen["position"] = request.user.employee.position.title
        return None

    AgencyTimeZoneMiddleware(view)(request)
    assert seen["agency"] == balangan
    assert seen["position"]


def test_a_login_without_an_employee_profile_still_has_no_agency(rf, db, django_user_model):
    from sopkinerja.middleware import AgencyTimeZoneMiddleware

    request = rf.get("/")
    request.user = django_user_model.objects.create_user("tamu", password="x")
    seen = {}

    def view(request):
        seen["agency"] = agency_of(request.user)

    AgencyTimeZoneMiddleware(view)(request)
    assert seen == {"agency": None}
