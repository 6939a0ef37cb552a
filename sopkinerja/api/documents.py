"""Signed documents: their metadata and the signed PDF's exact bytes."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query, Router, Schema

from reports.models.documents import SignedDocument
from sopkinerja.api.access import SLUG, Page, PageQuery, agency_for, page_of
from workflow.models.integration import Scope

router = Router(tags=["dokumen"])


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    period: str
    version: int
    signed_at: datetime.datetime
    signer_title: str
    signer_name: str
    size: int
    verification_url: str

    @staticmethod
    def resolve_verification_url(document) -> str:
        return reverse("reports:verify", args=[document.token])


class DocumentPage(Page):
    items: list[DocumentOut]


def _documents(agency):
    # The PDF stays in the database until it is asked for.
    return SignedDocument.objects.filter(agency=agency).defer("pdf", "signer_certificate").order_by("-signed_at", "-pk")


@router.get("/agencies/{slug}/documents", response=DocumentPage, summary="Dokumen bertanda tangan")
def documents(request, page: Query[PageQuery], slug: str = Path(..., pattern=SLUG)):
    return page_of(_documents(agency_for(request, slug, Scope.READ_DOCUMENTS)), page)


@router.get("/agencies/{slug}/documents/{document_id}", response=DocumentOut, summary="Satu dokumen")
def document(request, document_id: int = Path(..., ge=1, le=2**31 - 1), slug: str = Path(..., pattern=SLUG)):
    return get_object_or_404(_documents(agency_for(request, slug, Scope.READ_DOCUMENTS)), pk=document_id)


@router.get("/agencies/{slug}/documents/{document_id}/pdf", summary="PDF bertanda tangan (application/pdf)")
def document_pdf(request, document_id: int = Path(..., ge=1, le=2**31 - 1), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_DOCUMENTS)
    signed = get_object_or_404(SignedDocument.objects.filter(agency=agency), pk=document_id)
    response = HttpResponse(bytes(signed.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dokumen-{signed.pk}-v{signed.version}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
