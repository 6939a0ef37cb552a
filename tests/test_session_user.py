"""Every signed-in request reads its login with the employee, agency and position in one query
(sopkinerja.auth_backends), and still refuses a login that was deactivated or has no employee."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import PASSWORD, user


def test_a_signed_in_request_reads_its_login_with_employee_agency_and_position_in_one_query(client, balangan):
    client.force_login(user("balangan.staf"))
    client.get(reverse("workflow:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflow:home")).status_code == 200
    logins = [query["sql"] for query in queries.captured_queries if 'FROM "auth_user"' in query["sql"]]
    assert len(logins) == 1
    assert (
        '"workflow_employee"' in logins[0] and '"workflow_agency"' in logins[0] and '"workflow_position"' in logins[0]
    )
    employees = [sql["sql"] for sql in queries.captured_queries if sql["sql"].startswith('SELECT "workflow_employee"')]
    assert not [sql for sql in employees if '"workflow_employee"."user_id" =' in sql]


def test_a_login_signed_in_through_the_login_page_gets_the_same_one_query(client, balangan):
    assert client.post(reverse("login"), {"username": "balangan.staf", "password": PASSWORD}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflow:home")).status_code == 200
    logins = [query["sql"] for query in queries.captured_queries if 'FROM "auth_user"' in query["sql"]]
    assert len(logins) == 1 and '"workflow_employee"' in logins[0]


def test_a_deactivated_login_is_signed_out_at_its_next_request(client, balangan):
    staff = user("balangan.staf")
    client.force_login(staff)
    assert client.get(reverse("workflow:home")).status_code == 200
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_login_without_an_employee_still_opens_its_pages(client, balangan, django_user_model):
    admin = django_user_model.objects.create_superuser("root-admin", "root@example.go.id", "x-long-password-1")
    client.force_login(admin)
    assert client.get(reverse("workflow:home")).status_code == 200
