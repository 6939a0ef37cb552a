from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from reports.models import (
    DocumentRequest,
    Evidence,
    EvidenceRemoval,
    Indicator,
    Objective,
    RatingBand,
    Realisation,
    SignedDocument,
    Target,
    TargetLock,
    UnitSubmission,
    WorkerHeartbeat,
)
from workflow.admin import AgencyScopedAdmin, AgencyScopedInline, ReadOnlyAdmin, SharedByGovernmentMixin


@admin.register(RatingBand)
class RatingBandAdmin(SharedByGovernmentMixin, AgencyScopedAdmin):
    """Shared by every agency of the government: read-only for agency admins."""

    list_display = ["label", "lower_bound", "local_government"]
    list_filter = ["local_government"]

    def government_of(self, obj):
        return obj.local_government

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_change(request, None)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "local_government" and field is not None and not request.user.is_superuser:
            field.queryset = field.queryset.filter(administrators=request.user)
        return field


class IndicatorInline(AgencyScopedInline):
    model = Indicator
    fields = [
        "order",
        "name",
        "unit_of_measure",
        "polarity",
        "aggregation",
        "cumulative",
        "measurement_frequency",
        "responsible_unit",
    ]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(AgencyScopedAdmin):
    list_display = ["order", "name", "agency"]
    list_display_links = ["name"]
    list_filter = ["agency"]
    search_fields = ["name"]
    inlines = [IndicatorInline]


class TargetInline(AgencyScopedInline):
    model = Target
    fields = ["year", "quarter", "value", "upper_value"]


@admin.register(Indicator)
class IndicatorAdmin(AgencyScopedAdmin):
    list_display = [
        "name",
        "unit_of_measure",
        "polarity",
        "aggregation",
        "cumulative",
        "measurement_frequency",
        "responsible_unit",
        "agency",
    ]
    list_filter = ["objective__agency", "polarity", "aggregation", "cumulative", "measurement_frequency"]
    search_fields = ["name", "objective__name"]
    list_select_related = ["responsible_unit", "objective__agency__local_government"]
    inlines = [TargetInline]

    @admin.display(description=_("agency"), ordering="objective__agency")
    def agency(self, indicator):
        return indicator.objective.agency


class EvidenceInline(AgencyScopedInline):
    """Shown, not edited: files are added and removed on the figures page, where the quarter's lock
    holds and a removal is logged. The link goes through the download view, never to MEDIA_ROOT."""

    model = Evidence
    fields = ["download", "description", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, evidence):
        return format_html('<a href="{}">{}</a>', reverse("reports:evidence-download", args=[evidence.pk]), evidence)


@admin.register(Realisation)
class RealisationAdmin(AgencyScopedAdmin):
    """Read here, entered on the figures page: there the quarter's lock, the unit's rights and the
    record of removed evidence hold. An edit or delete here would bypass all three."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ["indicator", "year", "quarter", "value", "submitted_by", "submitted_at"]
    list_filter = ["year", "quarter", "indicator__objective__agency", "indicator__responsible_unit"]
    search_fields = ["indicator__name", "obstacles", "solutions"]
    list_select_related = ["indicator", "submitted_by"]
    date_hierarchy = "submitted_at"
    inlines = [EvidenceInline]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    """Signed documents are evidence: nobody edits or deletes them here."""

    list_display = ["title", "version", "signer_name", "signed_at", "via", "backend", "sha256", "agency"]
    list_filter = ["kind", "via", "backend", "agency"]
    search_fields = ["title", "signer_name", "sha256"]
    exclude = ["pdf"]


@admin.register(DocumentRequest)
class DocumentRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "requested_by", "requested_at", "agency"]
    list_filter = ["status", "kind", "agency"]
    exclude = ["pdf"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "seen_at"]


@admin.register(EvidenceRemoval)
class EvidenceRemovalAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "realisation", "uploaded_by", "removed_by", "removed_at"]
    list_filter = ["realisation__indicator__objective__agency"]
    search_fields = ["original_name", "realisation__indicator__name"]
    list_select_related = ["realisation__indicator", "uploaded_by", "removed_by"]


@admin.register(UnitSubmission)
class UnitSubmissionAdmin(ReadOnlyAdmin):
    """Handed in, approved and returned in the app (reports.performance.services); shown here, never edited."""

    list_display = ["unit", "period", "state", "submitted_by", "submitted_at", "approved_by", "approved_at"]
    list_filter = ["state", "unit__agency"]
    search_fields = ["unit__name", "period"]
    list_select_related = ["unit", "submitted_by", "approved_by"]


@admin.register(TargetLock)
class TargetLockAdmin(ReadOnlyAdmin):
    list_display = ["agency", "year", "locked_by", "locked_at"]
    list_filter = ["agency"]


# django-tasks-db's queue, with its task column named in the office's language (the rest of its
# names are in our catalogue).
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("id", "task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name")

    @admin.display(description=_("task"))
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name
