"""Who may call what, over HTTP, with tokens: every endpoint × (the right scope and agency, a missing
scope, another agency, a whole-government token, a revoked token, no token, a browser session).

The right token gets its answer; a token without the endpoint's scope 403 (missing_scope); a token of
another agency (or another government) 404, as if the agency did not exist; a revoked token, no token
or a cookie 401. Every refusal is JSON with a stable code and an Indonesian message, and a refused
write changes nothing. Another agency's ids asked through one's own agency are 404 too."""

import json
from dataclasses import dataclass

import pytest
from django.db import transaction

from reports.models import Realisation
from workflow.models import Run, Scope, Sop, SopVersion, Unit
from workflow.organisation.tokens import api_token_revoke
from workflow.sop.exchange.json_format import export_version

from .api_helpers import EVERY_SCOPE, call, token_for
from .conftest import sign_report, user
from .figures_helpers import library_visitors


@dataclass
class Endpoint:
    method: str
    path: str  # below /api/v1/agencies/<slug>/
    scope: str | None  # None: any token of the agency (the organisation)
    body: object = None
    ok: int = 200
    writer: str = "balangan.kasi-layanan"  # the login the token writes as


def _endpoints(agency, run: Run, signer: str = "balangan.kadis") -> dict[str, Endpoint]:
    """Each endpoint, with ids of `agency`'s objects (`run` one of its runs; a report signed here)."""
    indicator = library_visitors(agency)
    document = sign_report(agency, signer)
    sop = Sop.objects.filter(agency=agency).first()
    # A copy of the effective SOP under a new number: the import makes it a draft.
    imported = export_version(sop.current_version())
    imported["number"] = "SOP – 99/UJI"
    figures = {"rows": [{"indicator": indicator.pk, "value": "12.750"}]}
    return {
        "units": Endpoint("GET", "units", None),
        "positions": Endpoint("GET", "positions", None),
        "indicators": Endpoint("GET", "indicators/2026", Scope.READ_PERFORMANCE),
        "figures": Endpoint("GET", "figures/2026-TW1", Scope.READ_PERFORMANCE),
        "export": Endpoint("GET", "export/2026", Scope.READ_PERFORMANCE),
        "save figures": Endpoint(
            "PUT", f"units/{indicator.responsible_unit_id}/figures/2026-TW4", Scope.WRITE_FIGURES, figures
        ),
        "runs": Endpoint("GET", "runs", Scope.READ_RUNS),
        "run": Endpoint("GET", f"runs/{run.pk}", Scope.READ_RUNS),
        "documents": Endpoint("GET", "documents", Scope.READ_DOCUMENTS),
        "document": Endpoint("GET", f"documents/{document.pk}", Scope.READ_DOCUMENTS),
        "document pdf": Endpoint("GET", f"documents/{document.pk}/pdf", Scope.READ_DOCUMENTS),
        "sops": Endpoint("GET", "sops", Scope.READ_SOP),
        "sop": Endpoint("GET", f"sops/{sop.pk}", Scope.READ_SOP),
        "import sop": Endpoint("POST", "sops", Scope.WRITE_SOP, imported, ok=201, writer="balangan.kasubbag"),
    }


ENDPOINTS = [
    "units",
    "positions",
    "indicators",
    "figures",
    "export",
    "save figures",
    "runs",
    "run",
    "documents",
    "document",
    "document pdf",
    "sops",
    "sop",
    "import sop",
]
TOKENS = ["right", "government", "missing scope", "other agency", "other government", "revoked", "none", "cookie"]
EXPECTED = {
    "right": "ok",
    "government": "ok",
    "missing scope": 403,
    "other agency": 404,
    "other government": 404,
    "revoked": 401,
    "none": 401,
    "cookie": 401,
}


def _state(agency) -> tuple:
    """What a write may change: the agency's figures and SOP versions."""
    return (
        sorted(Realisation.objects.filter(indicator__objective__agency=agency).values_list("pk", "value", "note")),
        SopVersion.objects.filter(sop__agency=agency).count(),
    )


def _secret(kind: str, endpoint: Endpoint, balangan, padang_panjang) -> str | None:
    if kind == "right":
        return token_for(balangan, acts_as=user(endpoint.writer))[1]
    if kind == "government":
        return token_for(government=balangan.local_government, acts_as=user(endpoint.writer))[1]
    if kind == "missing scope":
        return token_for(balangan, scopes=[s for s in EVERY_SCOPE if s != endpoint.scope])[1]
    if kind == "other agency":
        return token_for(padang_panjang, acts_as=user("padangpanjang.kadis"))[1]
    if kind == "other government":
        return token_for(government=padang_panjang.local_government, acts_as=user("padangpanjang.kadis"))[1]
    if kind == "revoked":
        token, secret = token_for(balangan)
        api_token_revoke(token=token)
        return secret
    return None


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_token_matrix_holds_for_every_endpoint(name, client, balangan, padang_panjang, run):
    endpoint = _endpoints(balangan, run)[name]
    url = f"/api/v1/agencies/balangan/{endpoint.path}"
    for kind in TOKENS:
        if kind == "missing scope" and endpoint.scope is None:
            continue  # the organisation is read with any token of the agency
        savepoint = transaction.savepoint_create()
        secret = _secret(kind, endpoint, balangan, padang_panjang)
        if kind == "cookie":
            client.force_login(user("balangan.kadis"))
        before = _state(balangan)
        response = call(client, endpoint.method, url, secret, endpoint.body)
        where = f"{name} with {kind}: {response.status_code} {response.content[:200]!r}"
        expected = EXPECTED[kind]
        if expected == "ok":
            assert response.status_code == endpoint.ok, where
            if endpoint.method != "GET":
                assert _state(balangan) != before, f"{where}, but nothing changed"
        else:
            assert response.status_code == expected, where
            body = response.json()
            assert body["code"] and body["message"], where
            assert _state(balangan) == before, f"{where} changed Balangan's data"
            if expected == 403:
                assert body["code"] == "missing_scope" and "cakupan" in body["message"], where
        client.logout()
        transaction.savepoint_rollback(savepoint)


def test_another_agencys_ids_through_ones_own_agency_are_404(client, balangan, padang_panjang, padang_panjang_run):
    _token, secret = token_for(balangan)
    theirs = _endpoints(padang_panjang, padang_panjang_run, "padangpanjang.kadis")
    unit = Unit.objects.filter(agency=padang_panjang).first()
    for name in ("run", "document", "document pdf", "sop"):
        response = call(client, "GET", f"/api/v1/agencies/balangan/{theirs[name].path}", secret)
        assert response.status_code == 404 and response.json()["code"] == "not_found", name
    other_unit = f"/api/v1/agencies/balangan/units/{unit.pk}/figures/2026-TW4"
    before = _state(padang_panjang)
    response = call(client, "PUT", other_unit, secret, {"rows": []})
    assert response.status_code == 404 and _state(padang_panjang) == before


def test_the_json_sop_is_the_document_export_sop_writes(client, balangan, tmp_path):
    from django.core.management import call_command

    _token, secret = token_for(balangan)
    sop = Sop.objects.filter(agency=balangan).order_by("number").first()
    call_command("export_sop", agency="balangan", number=sop.number, output=str(tmp_path / "sop.json"))
    response = call(client, "GET", f"/api/v1/agencies/balangan/sops/{sop.pk}", secret)
    assert response.content == (tmp_path / "sop.json").read_bytes()
    assert json.loads(response.content)["number"] == sop.number


def test_the_signed_pdf_is_served_as_stored(client, balangan):
    _token, secret = token_for(balangan)
    document = sign_report(balangan)
    response = call(client, "GET", f"/api/v1/agencies/balangan/documents/{document.pk}/pdf", secret)
    assert response["Content-Type"] == "application/pdf" and response.content == bytes(document.pdf)
    listed = call(client, "GET", "/api/v1/agencies/balangan/documents", secret).json()
    assert listed["items"][0]["verification_url"] == f"/verifikasi/{document.token}/"
