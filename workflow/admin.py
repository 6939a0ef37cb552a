import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.forms import Textarea
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sopkinerja.second_factor.devices import second_factor_reset
from workflow import permissions
from workflow.models import (
    ActingAssignment,
    Agency,
    ApiToken,
    ApiWrite,
    ContactPoint,
    DayOff,
    Disposition,
    Employee,
    Executor,
    LocalGovernment,
    OutgoingMail,
    Position,
    Run,
    RunStep,
    Scope,
    SentReminder,
    Sop,
    SopEvaluation,
    SopListItem,
    SopMonitoring,
    SopVersion,
    Step,
    StepActor,
    StepExit,
    StepRequirement,
    Unit,
)
from workflow.organisation import appointments as appointment_services
from workflow.organisation.tokens import api_token_revoke
from workflow.scoping import agency_path, scope
from workflow.sop.services import draft_deletion_refusal, sop_draft_delete, sop_version_revise

organisation_log = logging.getLogger("sopkinerja.organisation")


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A sidebar filter that offers only the user's own agency's objects."""

    def field_choices(self, field, request, model_admin):
        related = scope(field.related_model._default_manager.all(), request.user)
        return [(obj.pk, str(obj)) for obj in related]


class AgencyScopedMixin:
    """Admin pages, their choice lists and their filters show only the signed-in user's agency."""

    def get_list_filter(self, request):
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                related = get_fields_from_path(self.model, item)[-1].related_model
                if related is not None and agency_path(related):
                    item = (item, ScopedRelatedFilter)
            scoped.append(item)
        return scoped

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and agency_path(db_field.related_model):
            field.queryset = scope(field.queryset, request.user)
        return field


class AgencyScopedAdmin(AgencyScopedMixin, admin.ModelAdmin):
    pass


class AgencyScopedInline(AgencyScopedMixin, admin.TabularInline):
    extra = 0
    # Rows of a table: a two-line text box is enough and keeps a 10-step SOP on a few screens.
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 50})}}


class SharedByGovernmentMixin:
    """Rows every agency of a local government shares (the government, its rating bands) are
    read-only for agency admins; a superuser or an administrator of that government changes them
    (LocalGovernment.administrators)."""

    def government_of(self, obj):
        raise NotImplementedError

    def _may_change(self, request, obj) -> bool:
        if obj is None:
            return request.user.is_superuser or request.user.administered_governments.exists()
        return self.government_of(obj).is_administered_by(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(SharedByGovernmentMixin, AgencyScopedAdmin):
    list_display = ["name", "kind", "province", "header_line", "head_title"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "province", "official_heading"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "province", "official_heading", "head_title", "head_name"]}),
        (
            _("Publication deadlines (public portal)"),
            {
                "fields": ["publish_quarter_days", "publish_semester_days", "publish_year_days", "publish_pk_days"],
                "description": _(
                    "When the government expects each document on the public portal; late ones are named."
                ),
            },
        ),
        (None, {"fields": ["administrators"]}),
    ]
    filter_horizontal = ["administrators"]

    def government_of(self, obj):
        return obj

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new government has no administrator yet

    def get_readonly_fields(self, request, obj=None):
        # Who administers a government is decided by a superuser.
        return [] if request.user.is_superuser else ["administrators"]


class DayOffInline(AgencyScopedInline):
    model = DayOff
    fields = ["date", "name"]


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    list_display = ["name", "local_government", "slug", "time_zone", "signing_backend", "cap_achievement"]
    list_filter = ["local_government", "time_zone", "cap_achievement"]
    search_fields = ["name", "local_government__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DayOffInline]
    fieldsets = [
        (None, {"fields": ["local_government", "name", "slug", "city", "address", "time_zone", "logo"]}),
        (_("Working calendar"), {"fields": ["work_days", "work_starts", "work_ends"]}),
        (_("Rules"), {"fields": ["run_canceller", "cap_achievement", "figures_due_days"]}),
        (_("Electronic signature"), {"fields": ["signing_backend"]}),
        (_("Notifications"), {"fields": ["whatsapp_gateway"]}),
    ]

    # An agency admin keeps their own agency's settings; creating, moving or deleting agencies of
    # a government is for a superuser or that government's administrator.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            request.user.is_superuser or request.user.administered_governments.exists()
        )

    def has_delete_permission(self, request, obj=None):
        allowed = request.user.is_superuser or (
            request.user.administered_governments.exists()
            if obj is None
            else obj.local_government.is_administered_by(request.user)
        )
        return super().has_delete_permission(request, obj) and allowed

    def get_readonly_fields(self, request, obj=None):
        fields = []
        if obj is not None and not obj.local_government.is_administered_by(request.user):
            fields.append("local_government")
        if obj is not None and not permissions.may_confer_rights(request.user, obj):
            fields.append("run_canceller")  # who may cancel runs: not for an agency admin to give himself
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("run_canceller")
        if field is not None:  # only this agency's positions, even for a superuser who sees them all
            field.queryset = field.queryset.filter(agency=obj) if obj is not None else field.queryset.none()
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log_rights_change(request, obj, form, RIGHTS_FIELDS["agency"])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "local_government" and field is not None and not request.user.is_superuser:
            field.queryset = field.queryset.filter(administrators=request.user)
        return field


# The fields whose change gives or takes rights, or changes who a signature names: each change is logged.
RIGHTS_FIELDS = {
    "agency": {"run_canceller"},
    "position": {"unit", "rank", "supervisor", "agency"},
    "employee": {"position", "agency", "user", "full_name", "nip", "nik"},
}


def log_rights_change(request, obj, form, fields: set[str]) -> None:
    changed = sorted(fields & set(form.changed_data))
    if changed:
        organisation_log.warning(
            "%s changed %s of %s %s (%s)",
            request.user.get_username(),
            ", ".join(changed),
            type(obj).__name__,
            obj.pk,
            "; ".join(f"{name}={form.cleaned_data.get(name)}" for name in changed),
        )


@admin.register(ActingAssignment)
class ActingAssignmentAdmin(AgencyScopedAdmin):
    """Appointments go through workflow.organisation.appointments; rows are records: never edited or
    deleted here, only ended (the action). Agency admins read them; only the Kepala Dinas (when
    staff) or a superuser appoints, and nobody appoints themselves (ActingAssignment.clean)."""

    list_display = ["position", "employee", "kind", "starts_on", "ends_on", "note", "appointed_by", "ended_at"]
    list_filter = ["kind", "position__agency"]
    search_fields = ["employee__full_name", "position__title", "note"]
    list_select_related = ["position", "employee", "appointed_by"]
    date_hierarchy = "starts_on"
    fields = ["position", "employee", "kind", "starts_on", "ends_on", "note"]
    actions = ["end_now"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields  # appointed_by is never input: it is whoever is signed in
        return [*self.fields, "appointed_by", "appointed_at", "ended_by", "ended_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_appoint_any(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_end_permission(self, request):
        return permissions.can_appoint_any(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        appointer = request.user

        class AppointmentAdminForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                # The model's own rules (who may appoint, not oneself) run in the form's validation.
                if self.instance._state.adding:
                    self.instance.appointed_by = appointer

            def clean(self):
                cleaned = super().clean()
                position = cleaned.get("position")
                # Asked here, as the appointments service asks it, before the model validates the row.
                self.instance.appointer_may_appoint = position is not None and permissions.can_appoint(
                    appointer, position
                )
                return cleaned

        return AppointmentAdminForm

    def save_model(self, request, obj, form, change):
        created = appointment_services.acting_appoint(
            by=request.user,
            position=obj.position,
            employee=obj.employee,
            kind=obj.kind,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            note=obj.note,
        )
        obj.pk, obj.appointed_at = created.pk, created.appointed_at

    @admin.action(description=_("End the selected appointments now"), permissions=["end"])
    def end_now(self, request, queryset):
        for assignment in queryset:
            try:
                appointment_services.acting_end(by=request.user, assignment=assignment)
            except ValidationError as error:
                self.message_user(request, f"{assignment}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Ended: %(appointment)s") % {"appointment": assignment})


class ReadOnlyAdmin(AgencyScopedAdmin):
    """Runs change only through the workflow (services), never by editing rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RunStepInline(AgencyScopedInline):
    model = RunStep
    fields = [
        "sequence",
        "step",
        "attempt",
        "state",
        "due_at",
        "submitted_by",
        "approved_by",
        "actual_minutes",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["sop", "period", "state", "started_by", "started_at", "finished_at"]
    list_filter = ["state", "sop__agency"]
    search_fields = ["sop__number", "period"]
    list_select_related = ["sop", "started_by"]
    inlines = [RunStepInline]


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ["issued_at", "to_position", "subject", "urgency", "parent", "due_at", "read_at"]
    list_filter = ["to_position__agency", "urgency"]
    search_fields = ["subject", "instruction"]
    list_select_related = ["to_position"]


@admin.register(Unit)
class UnitAdmin(AgencyScopedAdmin):
    list_display = ["name", "kind", "parent", "agency"]
    list_filter = ["agency", "kind"]
    search_fields = ["name"]
    list_select_related = ["parent", "agency__local_government"]


@admin.register(Position)
class PositionAdmin(AgencyScopedAdmin):
    """An agency admin keeps the organisation up to date, but the head position, every position's
    rank and supervisor (what permissions and approvals read) change only by a superuser: otherwise
    an agency admin could make himself Kepala Dinas, or his own approver's approver."""

    list_display = ["title", "rank", "unit", "supervisor", "agency"]
    list_filter = ["agency", "rank"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit", "supervisor", "agency__local_government"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.rank == Position.Rank.HEAD and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.rank == Position.Rank.HEAD and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields += ["agency", "rank", "supervisor"]
            if not permissions.may_confer_rights(request.user, obj.agency):
                fields.append("unit")  # a position's unit makes it that unit's head, with its approvals
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log_rights_change(request, obj, form, RIGHTS_FIELDS["position"])

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "rank" and not request.user.is_superuser:
            field.choices = [choice for choice in field.choices if choice[0] != Position.Rank.HEAD]
        return field


@admin.register(Employee)
class EmployeeAdmin(AgencyScopedAdmin):
    list_display = ["full_name", "nip_display", "position", "grade", "agency", "user"]
    list_filter = ["agency", "position__rank", "grade"]
    search_fields = ["full_name", "nip", "user__username", "position__title"]
    list_select_related = ["position", "agency__local_government", "user"]

    # Who holds the Kepala Dinas position, and an admin's own position, change only by a superuser.
    def _guarded(self, request, obj) -> bool:
        if request.user.is_superuser or obj is None:
            return False
        return obj.user_id == request.user.pk or obj.position.rank == Position.Rank.HEAD

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._guarded(request, obj):
            fields += ["agency", "position", "user"]
        if obj is not None and not request.user.is_superuser and self._signs(obj):
            # Printed in the signature block of whoever may sign: only a superuser corrects it.
            fields += ["full_name", "nip", "nik"]
        return fields

    @staticmethod
    def _signs(employee) -> bool:
        return permissions.signs_now_or_later(employee.user, employee.agency, permissions.local_today(employee.agency))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("position")
        if field is not None and obj is not None:  # the employee's own agency's positions only
            field.queryset = field.queryset.filter(agency_id=obj.agency_id)
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log_rights_change(request, obj, form, RIGHTS_FIELDS["employee"])

    def has_delete_permission(self, request, obj=None):
        return not self._guarded(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "position" and field is not None and not request.user.is_superuser:
            field.queryset = field.queryset.exclude(rank=Position.Rank.HEAD)
        return field

    @admin.display(description=_("NIP"), ordering="nip")
    def nip_display(self, employee):
        return employee.nip_display

    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (they enrol again at their next sign-in)"))
    def reset_second_factor(self, request, queryset):
        for employee in queryset.select_related("user", "agency"):
            try:
                removed = second_factor_reset(member=employee, by=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"{employee.full_name}: {refusal}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Second factor reset for %(name)s (%(count)d devices removed).")
                    % {"name": employee.full_name, "count": removed},
                )


class VersionInline(AgencyScopedInline):
    """Versions are listed here and edited on their own page, where a signed one is read-only."""

    model = SopVersion
    fields = ["revision", "name", "status", "made_on", "revised_on", "effective_on"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DraftDeletionMixin:
    """Deleting in the admin goes through `sop_draft_delete`: a never-signed draft with its content
    (in the order the PROTECT links need), and the SOP when it was its only version. Signed and held
    versions are never offered for deletion; the confirmation page lists what goes."""

    def drafts_of(self, obj) -> list[SopVersion]:
        raise NotImplementedError

    def deletable(self, obj) -> bool:
        return not any(draft_deletion_refusal(version) for version in self.drafts_of(obj))

    def has_delete_permission(self, request, obj=None):
        return (obj is None or self.deletable(obj)) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not all(self.deletable(obj) for obj in objs):
            return super().get_deleted_objects(objs, request)
        listed = []
        for obj in objs:
            contents = [
                gettext("%(version)s: %(steps)d step(s), %(columns)d column(s)")
                % {"version": version, "steps": version.steps.count(), "columns": version.executors.count()}
                for version in self.drafts_of(obj)
            ]
            listed.extend([str(obj), contents] if contents else [str(obj)])
        return listed, {self.model._meta.verbose_name_plural: len(objs)}, set(), []

    def delete_model(self, request, obj):
        for version in self.drafts_of(obj):
            try:
                sop_draft_delete(version=version, user=request.user)
            except (ValidationError, PermissionDenied) as refusal:
                self.message_user(request, " ".join(getattr(refusal, "messages", [str(refusal)])), messages.ERROR)
                return
        if isinstance(obj, Sop) and Sop.objects.filter(pk=obj.pk).exists() and not obj.versions.exists():
            obj.delete()  # an SOP without any version

    def delete_queryset(self, request, queryset):
        for obj in list(queryset):
            self.delete_model(request, obj)


@admin.register(Sop)
class SopAdmin(DraftDeletionMixin, AgencyScopedAdmin):
    list_display = ["number", "current_name", "unit", "agency"]
    list_filter = ["agency"]
    search_fields = ["number", "versions__name"]
    list_select_related = ["unit", "agency__local_government"]
    inlines = [VersionInline]

    @admin.display(description=_("SOP name"))
    def current_name(self, sop):
        version = sop.current_version()
        return version.name if version else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")

    def drafts_of(self, sop):
        return list(sop.versions.all())  # every version must be a deletable draft

    def get_readonly_fields(self, request, obj=None):
        # Number, unit and agency are printed on the signed sheets (the model refuses the change too).
        if obj is not None and any(version.is_frozen for version in obj.versions.all()):
            return ["agency", "number", "unit"]
        return super().get_readonly_fields(request, obj)


class FrozenWhenSignedInline(AgencyScopedInline):
    """The rows of a signed version: no add, no change, no delete (the models refuse them too)."""

    @staticmethod
    def signed(obj) -> bool:
        version = obj.version if isinstance(obj, Step) else obj
        return version is not None and version.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self.signed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.signed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.signed(obj) and super().has_delete_permission(request, obj)


class ListItemInline(FrozenWhenSignedInline):
    model = SopListItem
    fields = ["section", "order", "label", "text"]


class VersionChildInline(FrozenWhenSignedInline):
    """Choices of executor and branch target limited to the version being edited."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if field is not None and db_field.name == "executor":
            field.queryset = field.queryset.filter(version_id=object_id) if object_id else field.queryset.none()
        return field


class ExecutorInline(VersionChildInline):
    model = Executor
    fields = ["order", "title", "short_label", "kind", "position"]


class StepInline(VersionChildInline):
    model = Step
    fields = [
        "number",
        "activity",
        "executor",
        "symbol",
        "cadence",
        "duration_text",
        "output",
        "kelengkapan",
        "collects_data",
        "remark",
    ]
    readonly_fields = ["kelengkapan"]
    show_change_link = True

    @admin.display(description=_("requirements (Kelengkapan)"))
    def kelengkapan(self, step):
        return ", ".join(step.requirement_texts()) if step.pk else "—"


class SopVersionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        sop = cleaned.get("sop")
        # The partial unique constraint reads the status, which is not a field of this form.
        others = SopVersion.objects.filter(sop=sop, status=SopVersion.Status.DRAFT).exclude(pk=self.instance.pk)
        if sop and self.instance.status == SopVersion.Status.DRAFT and others.exists():
            raise ValidationError(gettext("This SOP already has a draft revision; edit that one."))
        return cleaned


@admin.register(SopVersion)
class SopVersionAdmin(DraftDeletionMixin, AgencyScopedAdmin):
    """Drafts are edited here; signed versions are read-only and change only by a new revision."""

    list_display = ["sop", "name", "revision", "status", "effective_on", "step_count", "jumlah", "agency"]
    list_filter = ["status", "sop__agency"]
    search_fields = ["name", "sop__number"]
    # Only signing sets the status, the effective date and who approved.
    readonly_fields = ["jumlah", "status", "effective_on", "approver_title", "approver_name", "approver_nip"]
    inlines = [ListItemInline, ExecutorInline, StepInline]
    form = SopVersionForm
    actions = ["make_revision"]
    change_form_template = "admin/workflow/sopversion/change_form.html"
    fieldsets = [
        (None, {"fields": ["sop", "revision", "name", "status", "jumlah"]}),
        (_("Dates"), {"fields": ["made_on", "revised_on", "effective_on"]}),
        (_("Approved by (Disahkan oleh)"), {"fields": ["approver_title", "approver_name", "approver_nip"]}),
        (_("Identity"), {"fields": ["prepared_by", "checked_by", "provenance"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sop__agency__local_government").prefetch_related("steps")

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def drafts_of(self, version):
        return [version]

    def get_urls(self):
        revise = path(
            "<path:object_id>/revise/",
            self.admin_site.admin_view(self.revise_view),
            name="workflow_sopversion_revise",
        )
        return [revise, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_revise": bool(
                version and version.is_signed and permissions.can_author(request.user, version.sop.agency)
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def revise_view(self, request, object_id):
        """The "Make a new revision" button of a signed version's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(self.get_queryset(request), pk=object_id)
        draft = self._revise(request, version)
        target = draft or version
        return redirect(reverse("admin:workflow_sopversion_change", args=[target.pk]))

    @admin.action(description=_("Make a new revision"), permissions=["add"])
    def make_revision(self, request, queryset):
        for version in queryset:
            self._revise(request, version)

    def _revise(self, request, version) -> SopVersion | None:
        try:
            draft = sop_version_revise(version=version, user=request.user)
        except (ValidationError, PermissionDenied) as refusal:
            self.message_user(request, " ".join(getattr(refusal, "messages", [str(refusal)])), messages.ERROR)
            return None
        self.message_user(
            request,
            gettext("Revision %(revision)d of SOP %(number)s is a draft: edit it, then have it signed.")
            % {"revision": draft.revision, "number": draft.sop.number},
            messages.SUCCESS,
        )
        return draft

    @admin.display(description=_("agency"), ordering="sop__agency")
    def agency(self, version):
        return version.sop.agency

    @admin.display(description=_("steps"))
    def step_count(self, version):
        return len(version.steps.all())

    @admin.display(description=_("Total time (Jumlah)"))
    def jumlah(self, version):
        return str(version.total_duration()) if version.pk else "—"


class RequirementInline(FrozenWhenSignedInline):
    model = StepRequirement
    fields = ["order", "text"]


class StepChildInline(FrozenWhenSignedInline):
    """Columns and targets limited to the version of the step being edited."""

    fk_name = "step"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        step = Step.objects.filter(pk=object_id).first() if object_id else None
        if field is not None and db_field.name in {"executor", "target"}:
            field.queryset = field.queryset.filter(version_id=step.version_id) if step else field.queryset.none()
        return field


class StepActorInline(StepChildInline):
    model = StepActor
    fields = ["order", "executor"]


class StepExitInline(StepChildInline):
    model = StepExit
    fields = ["order", "label", "target"]


@admin.register(Step)
class StepAdmin(AgencyScopedAdmin):
    list_display = ["number", "activity", "executor", "symbol", "cadence", "waktu", "output", "version"]
    list_filter = ["cadence", "symbol", "version__sop__agency"]
    search_fields = ["activity", "output"]
    list_select_related = ["executor", "version__sop"]
    inlines = [RequirementInline, StepActorInline, StepExitInline]

    @admin.display(description=_("time (Waktu)"))
    def waktu(self, step):
        return step.duration_text

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.version.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.version.is_frozen) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if field is not None and db_field.name == "version":
            field.queryset = field.queryset.filter(status=SopVersion.Status.DRAFT)  # only a draft takes new steps
        if field is not None and object_id and db_field.name == "executor":
            step = Step.objects.filter(pk=object_id).first()
            if step:
                field.queryset = field.queryset.filter(version_id=step.version_id)
        return field


admin.site.site_header = _("SOP Kinerja administration")
admin.site.site_title = _("SOP Kinerja")
admin.site.index_title = _("Organisation, SOPs and performance data")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The outbox: what was sent on which channel, what waits for another attempt, and the provider's
    answer when it failed."""

    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["subject", "recipient", "key"]
    readonly_fields = [
        "agency",
        "user",
        "channel",
        "recipient",
        "event",
        "key",
        "subject",
        "body",
        "short_text",
        "link",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "failed_at",
        "provider",
        "last_error",
        "digest",
    ]


@admin.register(ContactPoint)
class ContactPointAdmin(ReadOnlyAdmin):
    """Who verified which WhatsApp number or linked which Telegram chat (codes and tokens are not shown)."""

    list_display = ["user", "kind", "address", "verified_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "address"]
    fields = readonly_fields = ["user", "kind", "address", "verified_at"]


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    """The reminders already sent (docs/reminders.md): each key once."""

    list_display = ["sent_at", "event", "key", "messages"]
    list_filter = ["event"]
    search_fields = ["key"]
    readonly_fields = ["agency", "event", "key", "sent_at", "messages"]


# Login lockouts (django-axes) are not scoped to an agency: only superusers see and unlock them.
def _superuser_only(admin_class):
    class SuperuserOnly(admin_class):
        def has_module_permission(self, request):
            return request.user.is_active and request.user.is_superuser

        def has_view_permission(self, request, obj=None):
            return request.user.is_active and request.user.is_superuser

        def has_change_permission(self, request, obj=None):
            return self.has_view_permission(request) and super().has_change_permission(request, obj)

        def has_delete_permission(self, request, obj=None):
            return self.has_view_permission(request) and super().has_delete_permission(request, obj)

    SuperuserOnly.__name__ = f"SuperuserOnly{admin_class.__name__}"
    return SuperuserOnly


# Second-factor devices (django-otp, django-otp-webauthn) hold secrets and are not scoped to an
# agency either: an agency admin resets a member's with the employee action above.
SUPERUSER_ONLY_APPS = {"axes", "otp_totp", "otp_static", "django_otp_webauthn"}


def _restrict_axes_admin() -> None:
    import axes.admin  # noqa: F401  (registers axes' admin pages, which are replaced below)
    import django_otp.plugins.otp_static.admin  # noqa: F401
    import django_otp.plugins.otp_totp.admin  # noqa: F401
    import django_otp_webauthn.admin  # noqa: F401

    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label in SUPERUSER_ONLY_APPS:
            admin.site.unregister(model)
            admin.site.register(model, _superuser_only(type(model_admin)))


_restrict_axes_admin()


@admin.register(SopMonitoring)
class SopMonitoringAdmin(ReadOnlyAdmin):
    """Records: written on the monitoring page (services.evaluation), never edited here."""

    list_display = ["version", "period", "assessment", "assessor_name", "assessed_on"]
    list_filter = ["assessment", "period"]
    search_fields = ["version__sop__number", "version__name", "notes"]
    list_select_related = ["version__sop"]


@admin.register(SopEvaluation)
class SopEvaluationAdmin(ReadOnlyAdmin):
    """Records: written on the evaluation page (services.evaluation), never edited here."""

    list_display = ["version", "evaluated_on", "evaluator_name"]
    search_fields = ["version__sop__number", "version__name"]
    list_select_related = ["version__sop"]


# Issue 20: the tokens of the API (/api/v1/, docs/api.md) ------------------------------------------


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiToken
        fields = ["name", "agency", "local_government", "scopes", "acts_as"]


@admin.register(ApiToken)
class ApiTokenAdmin(AgencyScopedAdmin):
    """Created here, its secret shown once; revoked with the action (refused at once, kept for the
    record of its writes). A whole-government token is seen by that government's administrators."""

    form = ApiTokenForm
    list_display = ["name", "agency", "local_government", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["agency"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        mine = super().get_queryset(request).values("pk")
        governed = ApiToken.objects.filter(local_government__administrators=request.user).values("pk")
        return ApiToken.objects.filter(Q(pk__in=mine) | Q(pk__in=governed)).select_related("agency", "local_government")

    def get_readonly_fields(self, request, obj=None):
        fixed = ["agency", "local_government"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == "local_government" and not request.user.is_superuser:
            field.queryset = field.queryset.filter(administrators=request.user)
        return field

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: its writes name it

    @admin.display(description=_("scopes"))
    def scope_list(self, token):
        return ", ".join(token.scopes or [])

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            secret = obj.new_secret()
            super().save_model(request, obj, form, change)
            organisation_log.info("API token %s created by %s", obj.name, request.user.get_username())
            self.message_user(
                request,
                gettext("The token's secret, shown only now: %(secret)s — copy it into the other system.")
                % {"secret": secret},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
            organisation_log.info("API token %s revoked by %s", token.name, request.user.get_username())
        self.message_user(request, _("Revoked: refused from their next request on."))


@admin.register(ApiWrite)
class ApiWriteAdmin(ReadOnlyAdmin):
    list_display = ["at", "token_name", "agency", "action", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["token_name", "action"]
