"""API tokens: stored hashed, refused at once when revoked, last use noted at most once a minute,
created (secret shown once) and revoked in the admin; cookies never authenticate the API and it needs
no CSRF token; each token has its rate limit; a body over the limit is refused before it is read."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import Realisation
from workflow.models import ApiToken, ApiWrite
from workflow.organisation.tokens import api_token_create, api_token_find, api_token_revoke

from .api_helpers import bearer, call, token_for
from .conftest import user
from .figures_helpers import library_visitors

UNITS = "/api/v1/agencies/balangan/units"


def test_only_a_hash_of_the_secret_is_stored(balangan):
    token, secret = token_for(balangan)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in json.dumps(stored, default=str)
    assert secret.split(".", 1)[1] not in json.dumps(stored, default=str)
    assert api_token_find(secret) == token and api_token_find(secret + "x") is None


def test_a_revoked_token_is_refused_at_once(client, balangan):
    token, secret = token_for(balangan)
    assert call(client, "GET", UNITS, secret).status_code == 200
    api_token_revoke(token=token)
    response = call(client, "GET", UNITS, secret)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized" and "token API yang sah" in response.json()["message"]


def test_last_use_is_noted_at_most_once_a_minute(client, balangan, django_assert_max_num_queries):
    token, secret = token_for(balangan)
    assert token.last_used_at is None
    call(client, "GET", UNITS, secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    call(client, "GET", UNITS, secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    call(client, "GET", UNITS, secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - datetime.timedelta(seconds=1)


def test_a_signed_in_browser_session_does_not_authenticate_the_api(login, balangan):
    response = login("balangan.kadis").get(UNITS)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_a_token_write_needs_no_csrf_token(balangan):
    _token, secret = token_for(balangan)
    indicator = library_visitors(balangan)
    client = Client(enforce_csrf_checks=True)
    url = f"/api/v1/agencies/balangan/units/{indicator.responsible_unit_id}/figures/2026-TW4"
    response = call(client, "PUT", url, secret, {"rows": [{"indicator": indicator.pk, "value": "12.750"}]})
    assert response.status_code == 200, response.content
    assert Realisation.objects.get(indicator=indicator, year=2026, quarter=4).value == 12750


def test_every_write_is_in_the_audit_log_with_the_tokens_name(client, balangan):
    token, secret = token_for(balangan)
    indicator = library_visitors(balangan)
    url = f"/api/v1/agencies/balangan/units/{indicator.responsible_unit_id}/figures/2026-TW4"
    call(client, "PUT", url, secret, {"rows": [{"indicator": indicator.pk, "value": "12.750"}]})
    call(client, "PUT", url, secret, {"rows": [{"indicator": indicator.pk, "value": "abc"}]})
    writes = list(ApiWrite.objects.filter(token=token).order_by("at", "pk"))
    assert [(w.token_name, w.outcome) for w in writes] == [(token.name, "saved"), (token.name, "invalid_rows")]
    saved = Realisation.objects.get(indicator=indicator, year=2026, quarter=4)
    assert saved.submitted_by == user("balangan.kasi-layanan")  # the login the token writes as


def test_the_rate_limit_answers_429_in_json(client, balangan, settings):
    settings.API_RATE = "3/m"
    _token, secret = token_for(balangan)
    answers = [call(client, "GET", UNITS, secret) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == "rate_limited" and "Terlalu banyak" in answers[-1].json()["message"]
    _other, fresh = token_for(balangan)  # the limit is per token
    assert call(client, "GET", UNITS, fresh).status_code == 200


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(client, balangan, settings):
    _token, secret = token_for(balangan)
    indicator = library_visitors(balangan)
    url = f"/api/v1/agencies/balangan/units/{indicator.responsible_unit_id}/figures/2026-TW4"
    response = client.generic(
        "PUT",
        url,
        b"{}",
        content_type="application/json",
        headers=bearer(secret),
        CONTENT_LENGTH=str(settings.API_MAX_BODY_BYTES + 1),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_the_admin_shows_the_secret_once_and_revokes(login, balangan):
    client = login("admin")
    response = client.post(
        reverse("admin:workflow_apitoken_add"),
        {
            "name": "e-SAKIP Provinsi",
            "agency": balangan.pk,
            "scopes": ["read:performance"],
            "acts_as": "",
        },
        follow=True,
    )
    token = ApiToken.objects.get(name="e-SAKIP Provinsi")
    shown = [str(m) for m in response.context["messages"]]
    secret = next(text.split(": ", 1)[1].split(" ")[0] for text in shown if token.prefix in text)
    assert api_token_find(secret) == token and token.created_by == user("admin")
    assert secret not in client.get(reverse("admin:workflow_apitoken_change", args=[token.pk])).content.decode()
    client.post(
        reverse("admin:workflow_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    assert api_token_find(secret) is None


def test_a_token_that_writes_needs_the_login_it_writes_as(balangan):
    with pytest.raises(ValidationError):
        api_token_create(name="x", scopes=["write:figures"], agency=balangan, created_by=user("admin"))


def test_the_docs_page_loads_swagger_from_our_static_files_without_inline_script(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    scripts = [part.split(">", 1)[0] for part in html.split("<script")[1:]]
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/agencies/{slug}/units/{unit_id}/figures/{period}" in schema["paths"]


def test_a_method_the_address_does_not_take_is_a_json_405(client, balangan):
    _token, secret = token_for(balangan)
    response = call(client, "DELETE", "/api/v1/agencies/balangan/sops", secret)
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert "metode" in response.json()["message"] and "POST" in response["Allow"]


def test_an_agency_admin_sees_and_makes_only_his_agencys_tokens(login, balangan, padang_panjang):
    ours, _secret = token_for(balangan)
    theirs, _other = token_for(padang_panjang, acts_as=user("padangpanjang.kadis"))
    whole, _whole = token_for(government=padang_panjang.local_government, acts_as=user("padangpanjang.kadis"))
    client = login("balangan.kasubbag")
    listing = client.get(reverse("admin:workflow_apitoken_changelist")).content.decode()
    assert ours.name in listing and theirs.name not in listing and whole.name not in listing
    assert client.get(reverse("admin:workflow_apitoken_change", args=[theirs.pk])).status_code in (302, 404)
    client.post(
        reverse("admin:workflow_apitoken_add"),
        {"name": "Dasbor Padang Panjang", "agency": padang_panjang.pk, "scopes": ["read:sop"], "acts_as": ""},
    )
    assert not ApiToken.objects.filter(name="Dasbor Padang Panjang").exists()
