"""Read paths for the organisation and SOPs, always scoped to one agency."""

from django.db.models import Prefetch, QuerySet

from workflow.models import Agency, Employee, Sop, SopVersion, Step


def agency_of(user) -> Agency | None:
    """The agency a login belongs to; None for an anonymous user or a login without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee.agency
    except Employee.DoesNotExist:
        return None


def sops_for_agency(agency: Agency) -> QuerySet[Sop]:
    return (
        Sop.objects.filter(agency=agency)
        .select_related("agency__local_government", "unit")
        .prefetch_related("versions")
    )


def sop_version_detail(agency: Agency, version_id: int) -> SopVersion:
    """One SOP version of this agency with everything its sheet shows; 404s for another agency's."""
    return (
        SopVersion.objects.filter(sop__agency=agency)
        .select_related("sop__agency__local_government", "sop__unit")
        .prefetch_related(
            "list_entries",
            "executors__position",
            Prefetch(
                "steps",
                queryset=Step.objects.select_related("executor", "no_branch_to").prefetch_related(
                    "requirements"
                ),
            ),
        )
        .get(pk=version_id)
    )
