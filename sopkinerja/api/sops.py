"""SOPs: the list, each SOP as its JSON v1 document (exactly what `manage.py export_sop` writes), and
a draft imported from a JSON v1 document through the same service as the import page."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Schema
from ninja.responses import Status

from sopkinerja.api.access import SLUG, Page, PageQuery, agency_for, page_of, writer_for
from sopkinerja.api.errors import ApiError, forbidden, not_found
from workflow import permissions
from workflow.models.integration import Scope
from workflow.models.sop import Sop
from workflow.organisation.tokens import api_write_record
from workflow.sop.exchange.changes import draft_to_replace
from workflow.sop.exchange.files import sop_export_file, sop_file_import, sop_file_read
from workflow.sop.exchange.json_format import content_digest

router = Router(tags=["SOP"])


class SopOut(Schema):
    id: int
    number: str
    name: str
    status: str
    revision: int
    effective_on: datetime.date | None

    @staticmethod
    def resolve_name(sop) -> str:
        return sop.shown.name

    @staticmethod
    def resolve_status(sop) -> str:
        return sop.shown.status

    @staticmethod
    def resolve_revision(sop) -> int:
        return sop.shown.revision

    @staticmethod
    def resolve_effective_on(sop):
        return sop.shown.effective_on


class SopPage(Page):
    items: list[SopOut]


class ImportedOut(Schema):
    code: str
    message: str
    sop_id: int
    version_id: int
    status: str


@router.get("/agencies/{slug}/sops", response=SopPage, summary="SOP dinas (versi berlaku, atau terbaru)")
def sops(request, page: Query[PageQuery], slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_SOP)
    listed = page_of(Sop.objects.filter(agency=agency).prefetch_related("versions").order_by("number", "pk"), page)
    listed["items"] = [sop for sop in listed["items"] if _shown(sop)]
    return listed


def _shown(sop) -> bool:
    sop.shown = sop.current_version()
    return sop.shown is not None


@router.get("/agencies/{slug}/sops/{sop_id}", summary="SOP sebagai dokumen JSON v1 (sama dengan export_sop)")
def sop_document(request, sop_id: int = Path(..., ge=1, le=2**31 - 1), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_SOP)
    sop = Sop.objects.filter(agency=agency, pk=sop_id).prefetch_related("versions").first()
    version = sop.current_version() if sop else None
    if version is None:
        raise not_found(_("No such SOP in this agency."))
    _name, content, content_type = sop_export_file(version=version, kind="json")
    return HttpResponse(content, content_type=f"{content_type}; charset=utf-8")


@router.post(
    "/agencies/{slug}/sops",
    response={201: ImportedOut},
    summary="Impor draf SOP dari dokumen JSON v1",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}, "required": True}},
)
def sop_import(request, slug: str = Path(..., pattern=SLUG), replace_draft: bool = False):
    """The document becomes a draft, as on the import page; an SOP that already has a draft is
    refused unless `replace_draft=true`, as `manage.py import_sop --replace-draft`."""
    agency = agency_for(request, slug, Scope.WRITE_SOP)
    user = writer_for(request)
    if not permissions.can_author(user, agency):
        raise forbidden(_("You may not import SOPs into this agency."))
    try:
        file = sop_file_read(name="sop.json", stream=io.BytesIO(request.body))
        draft = draft_to_replace(agency, file.document) if replace_draft else None
        replacing = content_digest(draft) if draft is not None else ""
        version = sop_file_import(agency=agency, file=file, user=user, replacing=replacing)
    except ValidationError as refusal:
        problems = [str(message) for message in refusal.messages]
        api_write_record(
            token=request.auth, agency=agency, action="POST SOP import", outcome="invalid", detail="\n".join(problems)
        )
        raise ApiError(422, "invalid_sop", _("The SOP was refused; nothing was saved."), problems=problems) from None
    api_write_record(token=request.auth, agency=agency, action=f"POST SOP import {version}", outcome="saved")
    message = _("The SOP was imported as a draft: check it, then have it signed.")
    return Status(
        201,
        {
            "code": "saved",
            "message": str(message),
            "sop_id": version.sop_id,
            "version_id": version.pk,
            "status": version.status,
        },
    )
