"""Pages for the monitoring and evaluation of SOPs: fetch, call the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period, PeriodKind
from workflow import permissions
from workflow.evaluation import services
from workflow.evaluation.selectors import run_evidence
from workflow.forms.evaluation import EvaluationForm, MonitoringForm
from workflow.models import SopVersion
from workflow.sop.selectors import assessment_schedule, evaluations_of, monitoring_table, monitorings_of
from workflow.views.access import agency_or_403, version_or_404


def _record(request, form, service, **kwargs) -> bool:
    """Call the service; a refusal becomes a message, a validation problem an error on the form."""
    try:
        service(**kwargs)
    except WorkflowRefused as refusal:
        messages.error(request, refusal.message)
        return False
    except ValidationError as error:
        problems = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
        for field, texts in problems:
            form.add_error(field if field in form.fields else None, texts)
        return False
    return True


def _evidence(version: SopVersion):
    """The runs since the last monitoring of this version (all of them before the first one)."""
    last = version.monitorings.order_by("-assessed_on").values_list("assessed_on", flat=True).first()
    return run_evidence(version, since=last)


@login_required
def sop_monitoring(request, version_id: int):
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id)
    today = permissions.local_today(agency)
    form = MonitoringForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _record(
            request,
            form,
            services.sop_monitoring_record,
            version=version,
            user=request.user,
            period=data["period"],
            assessment=data["assessment"],
            notes=data["notes"],
            action=data["action"],
            assessed_on=data["assessed_on"],
        ):
            messages.success(request, _("The monitoring has been recorded."))
            return redirect("workflow:sop-monitoring", version.pk)
    context = {
        "agency": agency,
        "version": version,
        "form": form,
        "may_assess": permissions.can_assess(request.user, version),
        "records": monitorings_of(version),
        "evidence": _evidence(version),
    }
    return render(request, "workflow/sop_monitoring.html", context)


@login_required
def sop_evaluation(request, version_id: int):
    agency = agency_or_403(request)
    version = version_or_404(agency, version_id)
    today = permissions.local_today(agency)
    form = EvaluationForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        if _record(
            request,
            form,
            services.sop_evaluation_record,
            version=version,
            user=request.user,
            answers=form.answers(),
            notes=form.notes(),
            evaluated_on=form.cleaned_data["evaluated_on"],
        ):
            messages.success(request, _("The evaluation has been recorded."))
            return redirect("workflow:sop-evaluation", version.pk)
    context = {
        "agency": agency,
        "version": version,
        "form": form,
        "may_assess": permissions.can_assess(request.user, version),
        "records": evaluations_of(version),
        "evidence": _evidence(version),
    }
    return render(request, "workflow/sop_evaluation.html", context)


def _int(value, default: int, allowed: range) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number in allowed else default


@login_required
def monitoring_list(request):
    """The agency's monitoring form of a semester: /monitoring/?tahun=2026&semester=1."""
    agency = agency_or_403(request)
    today = permissions.local_today(agency)
    year = _int(request.GET.get("tahun"), today.year, range(2000, today.year + 2))
    semester = _int(request.GET.get("semester"), 1 if today.month <= 6 else 2, range(1, 3))
    context = {
        "agency": agency,
        "year": year,
        "semester": semester,
        "period_label": Period(year, PeriodKind.SEMESTER, semester).label,
        "years": range(today.year, today.year - 5, -1),
        "schedule": assessment_schedule(
            SopVersion.objects.for_agency(agency).filter(status=SopVersion.Status.EFFECTIVE)
        ),
        **monitoring_table(agency, year, semester),
    }
    return render(request, "workflow/monitoring_list.html", context)
