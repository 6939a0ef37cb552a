"""Who may act: the one place that answers it, used by the transitions and by the views.

A step is performed by the holders of its executor position, or by an acting official (Plh/Plt)
for that position on the day. It is approved by the holders of the approver position: the
step's own approver, else the supervisor of the executor's position. A step whose executor has
no supervisor (the Kepala Dinas) is approved by its executor. Nobody else approves or returns
an attempt they submitted themselves (separation of duties), also when acting for the approver.

A Plh/Plt is appointed only by the Kepala Dinas (the holder of the head position, not someone
acting for it) or a superuser, and never for themselves.
"""

import datetime

from django.contrib.auth.models import Permission
from django.db.models import F, Q
from django.utils import timezone

from workflow.models.organisation import ActingAssignment, Position
from workflow.organisation.selectors import agency_of, own_agency


def _employee(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "employee", None)  # None when the login has no employee profile


def local_today(agency, now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(agency.zone).date()


def holds(user, position, now: datetime.datetime | None = None) -> bool:
    """The user holds the position, or acts for it today (in the agency's time zone)."""
    employee = _employee(user)
    if employee is None or position is None or employee.agency_id != position.agency_id:
        return False
    if employee.position_id == position.pk:
        return True
    today = local_today(position.agency, now)
    return position.acting.in_force(today).filter(employee=employee).exists()


def approver_position(step):
    return step.approver_position or step.executor.position.supervisor


def can_perform(run_step, user) -> bool:
    return holds(user, run_step.step.executor.position)


def can_approve(run_step, user) -> bool:
    """The user holds (or acts for) the approver position. See also may_decide."""
    approver = approver_position(run_step.step)
    return holds(user, approver) if approver is not None else can_perform(run_step, user)


def decides_own_submission(run_step, decider_id) -> bool:
    """The decider submitted this attempt, and the step has an approver other than its executor."""
    if decider_id is None or approver_position(run_step.step) is None:
        return False  # no supervisor: approved on submission by design
    return run_step.submitted_by_id == decider_id


def may_decide(run_step, user) -> bool:
    """Offer approve/return: the approver position, and not the one who submitted the attempt."""
    return can_approve(run_step, user) and not decides_own_submission(run_step, user.pk)


def can_forward(user, disposition, now: datetime.datetime | None = None) -> bool:
    """The recipient of a disposisi forwards it down the line: a holder of its position, or its Plh/Plt."""
    return holds(user, disposition.to_position, now)


def is_issuer(user, disposition) -> bool:
    """The login that issued the disposisi, or whoever holds (or acts for) the position it came from."""
    if not getattr(user, "is_authenticated", False):
        return False
    return disposition.from_user_id == user.pk or holds(user, disposition.from_position)


def can_amend(user, disposition) -> bool:
    """The issuer may still change a disposisi's sifat and instructions until its recipient has read it."""
    return disposition.read_at is None and is_issuer(user, disposition)


def can_start(version, user) -> bool:
    """The Kepala Dinas, the Sekretaris, or whoever performs or approves the SOP's first step."""
    employee = _employee(user)
    if employee is None or employee.agency_id != version.sop.agency_id:
        return False
    if employee.position.rank in {"kepala_dinas", "sekretaris"}:
        return True
    first = version.steps.order_by("number").first()
    return first is not None and (holds(user, first.executor.position) or holds(user, approver_position(first)))


def _heads_of(agency):
    """The agency's positions without a supervisor at the Kepala Dinas rank (usually one)."""
    return Position.objects.filter(agency=agency, rank=Position.Rank.HEAD, supervisor__isnull=True)


def head_position(agency):
    """The Kepala Dinas position: the agency's position without a supervisor (the first by title)."""
    return _heads_of(agency).order_by("title").first()


def _held_today(employee) -> Q:
    """Positions the employee holds, or acts for today (Plh/Plt, in the agency's time zone), as a
    condition on positions: asked within the question that needs it, never remembered, so that a right
    follows an appointment (or its end) at the next request. Give it positions of the employee's agency."""
    acting = ActingAssignment.objects.in_force(local_today(employee.agency)).filter(employee=employee)
    return Q(pk=employee.position_id) | Q(pk__in=acting.values("position_id"))


def can_sign(user, agency) -> bool:
    """The Kepala Dinas, or a Plh/Plt of that position today (in the agency's zone): holds(user,
    head_position(agency)) in one query, read afresh. The position the user holds is loaded with them."""
    employee = _employee(user)
    if employee is None or agency is None or employee.agency_id != agency.pk:
        return False
    own = employee.position
    if own.rank == Position.Rank.HEAD and own.supervisor_id is None and own.agency_id == agency.pk:
        # The head position is the first of them by title (head_position): none may come before.
        return not _heads_of(agency).filter(title__lt=own.title).exists()
    acting = ActingAssignment.objects.in_force(local_today(agency)).filter(employee=employee).order_by()
    heads = {"position__agency": agency, "position__rank": Position.Rank.HEAD, "position__supervisor__isnull": True}
    acted_heads = set(acting.filter(**heads).values_list("position_id", flat=True))
    return bool(acted_heads) and head_position(agency).pk in acted_heads


def signers(agency, today: datetime.date) -> list:
    """Everyone who signs for the agency now or later, as (employee, appointment or None): the
    holders of the Kepala Dinas position, then each current or future Plh/Plt of it, earliest first.
    An appointment ended early is left out."""
    head = head_position(agency)
    if head is None:
        return []
    holders = [(employee, None) for employee in head.holders.select_related("user", "agency").order_by("full_name")]
    acting = (
        head.acting.filter(ended_at__isnull=True, ends_on__gte=today)
        .select_related("employee__user", "employee__agency", "position")
        .order_by("starts_on", "pk")
    )
    return holders + [(assignment.employee, assignment) for assignment in acting]


def signs_now_or_later(user, agency, today: datetime.date) -> bool:
    """The user holds the Kepala Dinas position, or is appointed Plh/Plt of it today or later."""
    employee = _employee(user)
    if employee is None or employee.agency_id != agency.pk:
        return False
    if employee.position.rank == "kepala_dinas" and employee.position.supervisor_id is None:
        return True
    return employee.acting_for.filter(
        position__agency=agency,
        position__rank="kepala_dinas",
        position__supervisor__isnull=True,
        ended_at__isnull=True,
        ends_on__gte=today,
    ).exists()


def is_agency_admin(user, agency) -> bool:
    """A superuser, or the agency's own admin: a staff login with an employee in that agency."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    employee = _employee(user)
    return user.is_staff and employee is not None and employee.agency_id == agency.pk


def sees_disposition_delivery(user, disposition, agency) -> bool:
    """Whether the messages about a disposisi reached its recipients: for its issuer (or who holds the
    position it came from) and the agency's admins, nobody else."""
    return is_issuer(user, disposition) or is_agency_admin(user, agency)


def sees_return_delivery(user, run_step, agency) -> bool:
    """Whether the message about a returned step reached its executor: for whoever returned it, who
    may approve it, and the agency's admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return run_step.returned_by_id == user.pk or can_approve(run_step, user) or is_agency_admin(user, agency)


def owes_second_factor(user) -> bool:
    """The login must pass a second factor to sign in (issue 18): a superuser, an agency admin,
    whoever signs for the agency now or later (the Kepala Dinas, a Plh/Plt of that position), whoever
    approves others' work (approves_others), and everyone of an agency that requires it for all."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    employee = _employee(user)
    if employee is None:
        return False
    agency = employee.agency
    return (
        agency.second_factor_for_all
        or is_agency_admin(user, agency)
        or signs_now_or_later(user, agency, local_today(agency))
        or approves_others(user)
    )


def approves_others(user) -> bool:
    """The user approves other people's work today: holds (or acts for) a position that supervises
    another. A step is approved by its executor's supervisor, a unit's figures by the unit's head."""
    held = held_position_ids(user)
    return bool(held) and Position.objects.filter(supervisor_id__in=held).exists()


def may_confer_rights(user, agency) -> bool:
    """Who may change what confers rights in an agency (a position's unit, the run canceller, an
    official's rank or supervisor): a superuser, or the agency's Kepala Dinas himself."""
    return bool(getattr(user, "is_superuser", False)) or is_head(user, agency)


def is_head(user, agency) -> bool:
    """The user holds the Kepala Dinas position itself (acting for it is not enough)."""
    employee = _employee(user)
    if employee is None or employee.agency_id != agency.pk:
        return False
    head = head_position(agency)
    return head is not None and employee.position_id == head.pk


def can_appoint(user, position) -> bool:
    """Who may appoint a Plh/Plt for the position (or end one): a superuser, or the agency's
    Kepala Dinas. Agency admins (staff) may not, for any position: the issue names only these two."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or is_head(user, position.agency)


def can_appoint_any(user) -> bool:
    """The user may appoint somebody somewhere: shows the appointment form and the admin's add button."""
    if not getattr(user, "is_authenticated", False):
        return False
    employee = _employee(user)
    return user.is_superuser or (employee is not None and is_head(user, employee.agency))


def can_cancel(run, user) -> bool:
    agency = run.sop.agency
    return holds(user, head_position(agency)) or (
        agency.run_canceller_id is not None and holds(user, agency.run_canceller)
    )


def recipients(position, now: datetime.datetime | None = None) -> list:
    """Everyone who may act for the position today: its holders and its acting officials."""
    today = local_today(position.agency, now)
    users = [employee.user for employee in position.holders.select_related("user")]
    users += [a.employee.user for a in position.acting.select_related("employee__user") if a.covers(today)]
    return list({user.pk: user for user in users}.values())


def _executors_of_effective_steps(agency_id: int, **step_conditions):
    """The agency's positions that execute a step of one of its effective SOP versions meeting the
    conditions (Step field lookups, named from the step). Read through the positions' executor
    columns, so that who may act is answered without the SOP layer's code."""
    step = "executor_columns__steps__"
    conditions = {step + "version__status": "effective", step + "version__sop__agency_id": agency_id}
    for lookup, value in step_conditions.items():
        if isinstance(value, F):
            value = F(step + value.name)
        conditions[step + lookup] = value
    return Position.objects.filter(agency_id=agency_id, **conditions).order_by()


def is_data_collector(user) -> bool:
    """The user performs (or acts for) the data-collection step of an effective SOP of their agency.
    One query, read afresh."""
    employee = _employee(user)
    if employee is None:
        return False
    collecting = _executors_of_effective_steps(employee.agency_id, collects_data=True)
    return collecting.filter(_held_today(employee)).exists()


def compiles_figures(user, agency) -> bool:
    """The user compiles the agency's figures: performs (or acts for) a step of an effective SOP that
    collects them, from its data-collection step on, in the same cadence. In seed 000 (Balangan)
    steps 1-5 of the quarter: the Sekretaris, the Kasubbag Perencanaan, the Staf Penyusun and the
    Kepala Bidang; in seed 002 steps 3-10: the Fungsional Perencana, the Kasubbag, the Sekretaris
    and the Kepala Dinas. They read every unit's figures of that agency, never another's."""
    employee = _employee(user)
    if employee is None or employee.agency_id != agency.pk:
        return False
    compiling = _executors_of_effective_steps(
        agency.pk,
        version__steps__collects_data=True,
        version__steps__cadence=F("cadence"),
        number__gte=F("version__steps__number"),
    )
    return compiling.filter(_held_today(employee)).exists()


def can_report_for(user, indicator, *, collector: bool | None = None) -> bool:
    """Who may enter an indicator's figures: its responsible unit and the units above it, the
    Kepala Dinas and Sekretaris, and whoever performs the agency's data-collection step.
    Pass `collector` when checking many indicators for one user."""
    return can_report_for_unit(user, indicator.responsible_unit, collector=collector)


def can_report_for_unit(user, unit, *, collector: bool | None = None) -> bool:
    """Whether the user may enter the figures of the indicators `unit` is responsible for (the rule
    of can_report_for, once per unit rather than once per indicator)."""
    employee = _employee(user)
    if employee is None or employee.agency_id != unit.agency_id:
        return False
    if employee.position.rank in {"kepala_dinas", "sekretaris"}:
        return True
    while unit is not None:
        if unit.pk == employee.position.unit_id:
            return True
        unit = unit.parent
    return is_data_collector(user) if collector is None else collector


def headed_unit_ids(user) -> set[int]:
    """The units the user heads today: the unit of a position held or acted for (Plh/Plt) whose
    supervisor sits outside that unit (or that has none)."""
    employee = _employee(user)
    if employee is None:
        return set()
    acting = ActingAssignment.objects.in_force(local_today(employee.agency)).filter(employee=employee)
    positions = Position.objects.filter(pk__in=[employee.position_id, *acting.values_list("position_id", flat=True)])
    return {
        position.unit_id
        for position in positions.select_related("supervisor").order_by()  # a set: the default order joins the agency
        if position.unit_id and (position.supervisor is None or position.supervisor.unit_id != position.unit_id)
    }


def can_remove_evidence(user, evidence, *, headed: set[int] | None = None) -> bool:
    """A bukti dukung file is removed by its uploader, or by the head of the indicator's responsible
    unit, including whoever acts for that head (Plh/Plt) today. Pass `headed` (headed_unit_ids)
    when checking many files for one user."""
    indicator = evidence.realisation.indicator
    employee = _employee(user)
    if employee is None or employee.agency_id != indicator.objective.agency_id:
        return False
    if evidence.uploaded_by_id == user.pk:
        return True
    headed = headed_unit_ids(user) if headed is None else headed
    return indicator.responsible_unit_id in headed


def assessment_scope(user) -> tuple[int | None, bool, set[int]]:
    """What the user may monitor and evaluate: (agency id, every SOP of it?, units whose SOPs).

    The Kepala Dinas and the Sekretaris (or whoever acts for them today) assess every SOP of the
    agency; the head of a unit (or their Plh/Plt) assesses the SOPs of that unit."""
    employee = _employee(user)
    if employee is None:
        return None, False, set()
    ranks = set(Position.objects.filter(pk__in=held_position_ids(user)).order_by().values_list("rank", flat=True))
    if ranks & {"kepala_dinas", "sekretaris"}:
        return employee.agency_id, True, set()
    return employee.agency_id, False, headed_unit_ids(user)


def can_assess(user, version) -> bool:
    """Who may record the monitoring or evaluation of an SOP version: the head of the SOP's unit,
    the Sekretaris or the Kepala Dinas of its agency, or whoever acts for one of them today."""
    agency_id, everything, units = assessment_scope(user)
    if agency_id is None or agency_id != version.sop.agency_id:
        return False
    return everything or (version.sop.unit_id is not None and version.sop.unit_id in units)


def held_position_ids(user, now=None) -> set[int]:
    """Positions the user holds, or acts for today (an appointment ended early no longer counts from
    the day it was ended), read once per request and day for the work lists; rights are checked by
    `holds`, which reads afresh."""
    employee = getattr(user, "employee", None) if getattr(user, "is_authenticated", False) else None
    if employee is None:
        return set()
    today = local_today(employee.agency, now)
    # Asked several times per request (a page's sections each ask): one query per employee object
    # and day. The employee is loaded afresh for each request (load_employee).
    known = getattr(employee, "_held_positions", None)
    if known is not None and known[0] == (today, employee.position_id):
        return set(known[1])
    acting = employee.acting_for.in_force(today).values_list("position_id", flat=True)
    held = {employee.position_id, *acting}
    employee._held_positions = ((today, employee.position_id), frozenset(held))
    return held


# SOPs -------------------------------------------------------------------------------------------

AUTHOR_PERMISSION = "workflow.add_sopversion"


def holds_permission(user, permission: str) -> bool:
    """user.has_perm(permission) as Django's model backend answers it (the only one of ours that grants
    permissions; django-axes' grants none), in one query instead of the two that load every
    permission of the user and of their groups: an active login given it, itself or through a group,
    or an active superuser."""
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    app_label, codename = permission.split(".", 1)
    return (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .filter(content_type__app_label=app_label, codename=codename)
        .exists()
    )


def can_author(user, agency) -> bool:
    """Who writes the agency's SOPs (drafts in the editor, imports, new revisions): the permission to
    add SOP versions, and an employee of the agency (a superuser for any). A government administrator
    viewing the agency through the switcher is not one."""
    if not holds_permission(user, AUTHOR_PERMISSION):
        return False
    return user.is_superuser or own_agency(user) == agency


# Figures and targets ----------------------------------------------------------------------------


def unit_head_position(unit):
    """The position heading a unit: in the unit, with a supervisor outside it (or none)."""
    for position in unit.positions.select_related("supervisor").order_by("pk"):
        if position.supervisor is None or position.supervisor.unit_id != unit.pk:
            return position
    return None


def submission_reviewer_position(submission):
    """Who reviews a unit's figures: the unit head; when the head submitted them, the head's supervisor."""
    head = unit_head_position(submission.unit)
    if head is None:
        return None
    if submission.submitted_by_id and holds(submission.submitted_by, head) and head.supervisor_id:
        return head.supervisor
    return head


def can_review_submission(user, submission) -> bool:
    return holds(user, submission_reviewer_position(submission))


def reviewable_submissions(user, agency, submissions) -> list:
    """The agency's unit submissions among `submissions` that the user reviews (can_review_submission
    of each, in order), in two queries however many there are: the positions of their units, and the
    acting appointments in force today of the user and of the submitters. Give them with their
    `submitted_by__employee` read (selected or prefetched)."""
    employee = _employee(user)
    submissions = [submission for submission in submissions if submission.unit.agency_id == agency.pk]
    if employee is None or not submissions:
        return []
    heads = {}  # unit id -> its head (unit_head_position): the first by pk in the unit, supervised from outside it
    positions = Position.objects.filter(unit_id__in={s.unit_id for s in submissions}).select_related("supervisor")
    for position in positions.order_by("pk"):
        supervisor = position.supervisor
        if position.unit_id not in heads and (supervisor is None or supervisor.unit_id != position.unit_id):
            heads[position.unit_id] = position
    submitters = {s.submitted_by_id: _employee(s.submitted_by) for s in submissions if s.submitted_by_id}
    employees = {employee.pk} | {e.pk for e in submitters.values() if e is not None}
    reviewers = {p.pk for head in heads.values() for p in (head, head.supervisor) if p is not None}
    acting = ActingAssignment.objects.in_force(local_today(agency)).filter(
        employee_id__in=employees, position_id__in=reviewers
    )
    acts_for = set(acting.values_list("employee_id", "position_id"))

    def held_by(someone, position) -> bool:  # holds(), from what was read above
        if someone is None or someone.agency_id != position.agency_id:
            return False
        return someone.position_id == position.pk or (someone.pk, position.pk) in acts_for

    reviewed = []
    for submission in submissions:
        head = heads.get(submission.unit_id)
        if head is None:
            continue
        reviewer = head
        if head.supervisor_id and held_by(submitters.get(submission.submitted_by_id), head):
            reviewer = head.supervisor
        if held_by(employee, reviewer):
            reviewed.append(submission)
    return reviewed


def can_edit_targets(user, agency) -> bool:
    """Targets are entered by the planning staff: the Sekretaris, whoever performs the agency's
    data-collection step (the Kasubbag Perencanaan in Balangan, the Fungsional Perencana in Padang
    Panjang), or an agency admin (a staff login of the agency)."""
    if agency_of(user) != agency:
        return False
    # Viewing an agency through the switcher grants no position in it: a superuser or government
    # administrator without an employee of this agency is not its planning staff.
    employee = getattr(user, "employee", None)
    if employee is None or employee.agency_id != agency.pk:
        return False
    return user.is_staff or employee.position.rank == "sekretaris" or is_data_collector(user)


# Documents --------------------------------------------------------------------------------------


def can_publish(user, agency, *, signs: bool | None = None) -> bool:
    """Who decides what of the agency's signed documents the public portal shows (publish,
    withdraw): the agency's admins and whoever signs for it (the Kepala Dinas or a Plh/Plt).
    `signs`: can_sign(user, agency) when the caller has it already."""
    if signs is None:
        signs = can_sign(user, agency)
    return signs or is_agency_admin(user, agency)


def can_withdraw(request, user) -> bool:
    """The requester may withdraw a signing request that waits, and so may whoever writes the
    agency's SOPs when it holds an SOP draft they need to correct."""
    if not request.sign or not request.waits:
        return False
    if request.requested_by_id == user.pk:
        return True
    return request.is_sop and can_author(user, request.agency)


def token_reaches(token, agency) -> bool:
    """An API token reaches its own agency, or every agency of the government it was issued for."""
    if token is None or token.revoked or agency is None:
        return False
    if token.agency_id is not None:
        return token.agency_id == agency.pk
    return token.local_government_id == agency.local_government_id


def token_allows(token, scope: str) -> bool:
    """The token was given the scope (read:performance, write:figures, …)."""
    return token is not None and not token.revoked and scope in (token.scopes or [])
