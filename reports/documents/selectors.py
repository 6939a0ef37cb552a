"""Read paths of documents: each revision of an SOP with its signed PDFs."""

from reports.models import SignedDocument
from workflow.models import Agency, SopVersion


def sop_revisions(agency: Agency, sop_id: int) -> list[tuple]:
    """Every revision of one SOP, newest first, each with its signed PDFs: (version, [SignedDocument])."""

    versions = list(SopVersion.objects.for_agency(agency).filter(sop_id=sop_id).order_by("-revision"))
    signed: dict[int, list] = {}
    for document in (
        SignedDocument.objects.filter(agency=agency, sop_version__in=versions).defer("pdf").order_by("-signed_at")
    ):
        signed.setdefault(document.sop_version_id, []).append(document)
    return [(version, signed.get(version.pk, [])) for version in versions]
