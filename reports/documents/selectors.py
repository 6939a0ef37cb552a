"""Read paths of documents: each revision of an SOP with its signed PDFs; the Documents page's lists of
signed documents and of requests, with the stamps they are kept under."""

import hashlib

from reports.models import DocumentRequest, SignedDocument
from workflow.models import Agency, SopVersion

SIGNED_SHOWN = 50  # the newest signed documents listed on the Documents page
REQUESTS_SHOWN = 20  # and the newest requests


def sop_revisions(agency: Agency, sop_id: int) -> list[tuple]:
    """Every revision of one SOP, newest first, each with its signed PDFs: (version, [SignedDocument])."""

    versions = list(SopVersion.objects.for_agency(agency).filter(sop_id=sop_id).order_by("-revision"))
    signed: dict[int, list] = {}
    for document in (
        SignedDocument.objects.filter(agency=agency, sop_version__in=versions).defer("pdf").order_by("-signed_at")
    ):
        signed.setdefault(document.sop_version_id, []).append(document)
    return [(version, signed.get(version.pk, [])) for version in versions]


def signed_list_stamp(agency: Agency) -> str:
    """A stamp of the Documents page's list of signed documents (the newest SIGNED_SHOWN): their ids.
    What the list shows of each (title, version, signer, time, hash, token) is never changed in place
    (the admin shows signed documents read-only), so only a new signed document, or a row removed from
    the database, makes a new stamp. One query."""
    ids = SignedDocument.objects.filter(agency=agency).values_list("pk", flat=True)[:SIGNED_SHOWN]
    return f"signed-list:v1:{agency.pk}:" + ",".join(map(str, ids))


def signed_list(agency: Agency) -> list[SignedDocument]:
    """The newest signed documents of the agency, with what the list shows of them only."""
    shown = ("title", "version", "signer_name", "signed_at", "sha256", "token")
    return list(SignedDocument.objects.filter(agency=agency).only(*shown)[:SIGNED_SHOWN])


def request_list_stamp(agency: Agency) -> str:
    """A stamp of the Documents page's list of requests (the newest REQUESTS_SHOWN): each one's id and
    status, the only thing of a request that changes after it is made. One query."""
    rows = DocumentRequest.objects.filter(agency=agency).values_list("pk", "status")[:REQUESTS_SHOWN]
    digest = hashlib.md5(repr(list(rows)).encode(), usedforsecurity=False).hexdigest()
    return f"request-list:v1:{agency.pk}:{digest}"


def request_list(agency: Agency) -> list[DocumentRequest]:
    """The newest requests of the agency, with what the list shows of them only."""
    shown = ("title", "sign", "requested_at", "status")
    return list(DocumentRequest.objects.filter(agency=agency).only(*shown)[:REQUESTS_SHOWN])
