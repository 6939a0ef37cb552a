"""The NinjaAPI of /api/v1/: the token auth on every operation, the routers, and every refusal as
JSON {"code", "message"} with an Indonesian message (errors.py)."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as ParamsInvalid

from sopkinerja.api import documents, organisation, performance, runs, sops
from sopkinerja.api.auth import TokenAuth
from sopkinerja.api.errors import INVALID, UNAUTHORIZED, ApiError, not_found

logger = logging.getLogger("sopkinerja.api")

api = NinjaAPI(
    title="SOP Kinerja API",
    version="1",
    description=_(
        "Reads and writes for other systems (e-SAKIP, SIPD, dashboards). Send the token as "
        "Authorization: Bearer followed by the token. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
for module in (organisation, performance, runs, documents, sops):
    api.add_router("/", module.router)


def refusal(error: ApiError) -> JsonResponse:
    response = JsonResponse(error.body(), status=error.status, json_dumps_params={"ensure_ascii": False})
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(ApiError)
def api_error(request, error: ApiError):
    return refusal(error)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return refusal(ApiError(401, *UNAUTHORIZED))


@api.exception_handler(Http404)
def missing(request, error):
    return refusal(not_found())


@api.exception_handler(PermissionDenied)
def denied(request, error):
    return refusal(ApiError(403, "forbidden", str(error) or _("You may not do this.")))


@api.exception_handler(ParamsInvalid)
def invalid(request, error: ParamsInvalid):
    # Where and what, without echoing the input (pydantic's "input" may be large or hostile).
    problems = [
        {"loc": [str(part) for part in problem.get("loc", ())], "type": problem.get("type", "")}
        for problem in error.errors[:20]
    ]
    return refusal(ApiError(422, *INVALID, problems=problems))


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    codes = {400: INVALID, 429: ("rate_limited", _("Too many requests."))}
    code, message = codes.get(error.status_code, ("error", _("The request could not be answered.")))
    return refusal(ApiError(error.status_code, code, message))


def api_not_found(request, rest: str = ""):
    """Any other address under /api/: a JSON 404, not the HTML page."""
    return refusal(not_found(_("No such address in the API.")))
