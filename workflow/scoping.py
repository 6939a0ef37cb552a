"""Agency isolation: the one place that says how each model reaches its agency.

Every list, form choice and lookup a non-superuser sees goes through `scope()`, so another
agency's data is never visible.
"""

from django.db.models import Model, QuerySet

from workflow.organisation.selectors import agency_of

# model label -> lookup path from that model to its Agency
AGENCY_PATHS = {
    "auth.user": "employee__agency",
    "workflow.agency": "pk",
    "workflow.localgovernment": "agencies",
    "workflow.unit": "agency",
    "workflow.position": "agency",
    "workflow.employee": "agency",
    "workflow.sop": "agency",
    "workflow.sopversion": "sop__agency",
    "workflow.soplistitem": "version__sop__agency",
    "workflow.executor": "version__sop__agency",
    "workflow.step": "version__sop__agency",
    "workflow.steprequirement": "step__version__sop__agency",
    "workflow.stepactor": "step__version__sop__agency",
    "workflow.stepexit": "step__version__sop__agency",
    "workflow.dayoff": "agency",
    "workflow.actingassignment": "position__agency",
    "workflow.run": "sop__agency",
    "workflow.runstep": "run__sop__agency",
    "workflow.disposition": "run_step__run__sop__agency",
    "workflow.attachment": "run_step__run__sop__agency",
    "workflow.outgoingmail": "agency",
    "workflow.contactpoint": "user__employee__agency",
    "workflow.notificationpreference": "user__employee__agency",
    "workflow.sentreminder": "agency",
    "workflow.sopmonitoring": "version__sop__agency",
    "workflow.sopevaluation": "version__sop__agency",
    # A token for a whole government has no agency: a superuser or that government's administrators
    # see it (workflow.admin.ApiTokenAdmin).
    "workflow.apitoken": "agency",
    "workflow.apiwrite": "agency",
    "reports.ratingband": "local_government__agencies",
    "reports.objective": "agency",
    "reports.indicator": "objective__agency",
    "reports.target": "indicator__objective__agency",
    "reports.realisation": "indicator__objective__agency",
    "reports.evidence": "realisation__indicator__objective__agency",
    "reports.evidenceremoval": "realisation__indicator__objective__agency",
    "reports.signeddocument": "agency",
    "reports.documentrequest": "agency",
    "reports.unitsubmission": "unit__agency",
    "reports.targetlock": "agency",
    "reports.publication": "agency",
}

# Models of the installation, not of any agency: only a superuser sees them (scope() gives others none).
INSTALLATION_WIDE = {"reports.workerheartbeat"}


def agency_path(model: type[Model]) -> str | None:
    return AGENCY_PATHS.get(model._meta.label_lower)


def scope(queryset: QuerySet, user) -> QuerySet:
    """Only the rows of the user's agency; everything for a superuser; nothing for a stranger."""
    if user.is_superuser:
        return queryset
    path = agency_path(queryset.model)
    agency = agency_of(user)
    if path is None or agency is None:
        return queryset.none()
    return queryset.filter(**{path: agency.pk}).distinct()
