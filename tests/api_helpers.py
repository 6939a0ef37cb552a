"""Tokens and calls for the API tests: a token is made through the service the admin uses."""

import json

from workflow.models import Agency, LocalGovernment, Scope
from workflow.organisation.tokens import api_token_create

from .conftest import user

EVERY_SCOPE = list(Scope.values)


def token_for(agency: Agency | None = None, *, scopes=None, government: LocalGovernment | None = None, acts_as=None):
    """(token, secret) of a new token; by default every scope, writing as Balangan's Kasi Layanan."""
    token, secret = api_token_create(
        name=f"Integrasi uji {agency or government}",
        scopes=EVERY_SCOPE if scopes is None else scopes,
        agency=agency,
        local_government=government,
        acts_as=acts_as if acts_as is not None else user("balangan.kasi-layanan"),
        created_by=user("admin"),
    )
    return token, secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def call(client, method: str, url: str, secret: str | None = None, body=None, **extra):
    headers = bearer(secret) if secret else {}
    send = getattr(client, method.lower())
    if body is None:
        return send(url, headers=headers, **extra)
    return send(url, data=json.dumps(body), content_type="application/json", headers=headers, **extra)
