"""The agency a request names, as the token may reach it, the pages of a list, and an answer
rendered once and kept as bytes."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.renderers import JSONRenderer
from pydantic import Field, TypeAdapter

from sopkinerja.api.errors import forbidden, missing_scope, not_found
from workflow import permissions
from workflow.models.organisation import Agency

PAGE_SIZE = 50
SLUG = r"^[-a-zA-Z0-9_]{1,50}$"


def agency_for(request, slug: str, scope: str | None = None) -> Agency:
    """The agency of `slug` if the token reaches it (else 404, whether or not it exists), and the
    token holds `scope` (else 403). Organisation reads need no scope."""
    token = request.auth
    if token is not None and token.agency_id is not None and token.agency.slug == slug:
        agency = token.agency  # read with the token in this request: no second query
    else:
        agency = Agency.objects.select_related("local_government").filter(slug=slug).first()
    if agency is None or not permissions.token_reaches(request.auth, agency):
        raise not_found(_("No such agency for this token."))
    if scope is not None and not permissions.token_allows(request.auth, scope):
        raise missing_scope(scope)
    return agency


def writer_for(request):
    """The login whose rights a write uses (the token's `acts_as`), if it may still act."""
    user = request.auth.acts_as
    if user is None or not user.is_active:
        raise forbidden(_("This token writes as no active login: ask the administrator to set one."))
    return user


class Page(Schema):
    """One page of a list: `items` is added by each list's schema."""

    count: int
    page: int
    pages: int


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)


def page_of(items, page: PageQuery, size: int = PAGE_SIZE) -> dict:
    """{"count", "page", "pages", "items"}: one page of a QuerySet or list."""
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    start = (page.page - 1) * size
    return {
        "count": count,
        "page": page.page,
        "pages": max((count + size - 1) // size, 1),
        "items": list(items[start : start + size]),
    }


def schema_json(adapter: TypeAdapter, value) -> bytes:
    """`value` validated by a response schema and rendered as django-ninja renders an operation's
    answer (JSONRenderer: model_dump, then json.dumps with its encoder): the same bytes, to keep."""
    dumped = adapter.dump_python(adapter.validate_python(value))
    return json.dumps(dumped, cls=JSONRenderer.encoder_class, **JSONRenderer.json_dumps_params).encode()


def json_response(content: bytes) -> HttpResponse:
    """Bytes from schema_json as the operation's answer (ninja passes an HttpResponse on as it is)."""
    return HttpResponse(content, content_type=f"{JSONRenderer.media_type}; charset={JSONRenderer.charset}")
