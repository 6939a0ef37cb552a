"""Load the two seed offices (fixtures/*.json) through the services. Running it again changes nothing."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE, create_demo_certificates
from reports.models import DocumentKind, Indicator, Objective, RatingBand, Realisation, SignedDocument, TargetLock
from reports.performance.achievement import DEFAULT_BANDS, YEARLY_QUARTER, MeasurementFrequency
from reports.performance.selectors import units_missing_figures
from reports.performance.services import realisation_submit, target_lock, target_set
from sopkinerja.common.periods import Period
from workflow import permissions
from workflow.models import Agency, Employee, LocalGovernment, Position, Run, RunStep, Sop, SopVersion, Unit
from workflow.runs.services import run_start, run_step_approve, run_step_submit
from workflow.sop.exchange.json_format import import_document
from workflow.sop.services import employee_create

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LOGOS = FIXTURES / "logos"
SEED_FILES = ["balangan.json", "padang_panjang.json"]
AGENCY_ADMIN_GROUP = "Admin Dinas"
DEFAULT_PASSWORD = "demo-sop-kinerja"


@dataclass(frozen=True)
class Login:
    username: str
    agency: str
    position: str
    name: str


def load_all(
    *, password: str = DEFAULT_PASSWORD, today: datetime.date | None = None, logos: bool = True
) -> list[Login]:
    """Load every seed office and a superuser `admin`; return the demo logins. `logos` False leaves
    the agencies without the demo logos (nothing written under MEDIA_ROOT)."""
    today = today or timezone.localdate()
    group = agency_admin_group()
    logins = [_superuser(password)]
    for name in SEED_FILES:
        data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        logins += load_office(data, password, today, group, logos=logos)
    return logins


def demo_sop_sheets_sign() -> list[SignedDocument]:
    """Each seed office's SOP sheet in force, signed by its Kepala Dinas with the demo key, so that
    the public portal (/publik/) shows a signed, published document; a version already signed is
    left alone (running it again signs nothing)."""
    signed = []
    versions = SopVersion.objects.filter(sop__agency__slug__in=seed_slugs(), status=SopVersion.Status.EFFECTIVE)
    for version in versions.select_related("sop__agency").order_by("sop__agency__slug", "pk"):
        if SignedDocument.objects.filter(sop_version=version).exists():
            continue
        sop = version.sop
        signer = _holder(sop.agency.positions.get(rank=Position.Rank.HEAD, supervisor__isnull=True))
        if signer is None:
            continue
        signed.append(
            document_sign(
                agency=sop.agency,
                kind=DocumentKind.SOP,
                user=signer,
                secret=DEMO_PASSPHRASE,
                sop_version=version,
                via="command",
            )
        )
    return signed


def demo_public_year(today: datetime.date | None = None) -> list[str]:
    """Give the public portal a believable current year of each seed office, through the services an
    office uses: its Kepala Dinas locks the year's targets (Kunci PK), and the data-collection runs of
    the year's quarters that are over and have every unit's figures (the seed always enters the first
    quarter's) are started and walked to their end by the holders of the SOP's positions. Returns what was done, a
    line each; what is done already is left alone, so running it again does nothing."""
    today = today or timezone.localdate()
    year = today.year
    done = []
    for agency in Agency.objects.filter(slug__in=seed_slugs()).order_by("slug"):
        head = _holder(agency.positions.get(rank=Position.Rank.HEAD, supervisor__isnull=True))
        if head is None:
            continue
        if not TargetLock.objects.filter(agency=agency, year=year).exists():
            # Locked as offices lock theirs, by the end of January (or now, early in January).
            locked = datetime.datetime.combine(datetime.date(year, 1, 31), datetime.time(10), agency.zone)
            target_lock(agency=agency, year=year, user=head, now=min(locked, timezone.now()))
            done.append(f"{agency.name}: Kunci PK {year}")
        version = (
            SopVersion.objects.filter(sop__agency=agency, status=SopVersion.Status.EFFECTIVE, steps__collects_data=True)
            .select_related("sop")
            .first()
        )
        for quarter in range(1, max(1, completed_quarters(year, today)) + 1):
            period = Period.quarter(year, quarter)
            if version is None or Run.objects.filter(sop=version.sop, period=str(period)).exists():
                continue
            if units_missing_figures(agency, period):  # the seed has not every unit's figures of it
                continue
            moment = min(quarter_end(year, quarter, agency), timezone.now())
            run = _demo_run_walk(run_start(version=version, period=period, user=head, now=moment), moment)
            done.append(f"{agency.name}: {version.sop.number} {period.label} ({run.get_state_display()})")
    return done


def _demo_run_walk(run: Run, moment: datetime.datetime) -> Run:
    """Each step in turn submitted by its executor and approved by its approver, an hour apart; a
    decision answered with the exit that goes on (to a later step)."""
    while step := run.steps.exclude(state__in=RunStep.DONE).select_related("step").order_by("sequence").first():
        moment += datetime.timedelta(hours=1)
        onward = [exit.label for exit in step.step.exit_list() if exit.target.number > step.step.number]
        run_step_submit(
            run_step_id=step.pk,
            user=_holder(step.step.executor.position),
            output_note=step.step.output or step.step.activity,
            answer=onward[0] if onward else "",
            now=moment,
        )
        step.refresh_from_db()
        if step.state == RunStep.State.SUBMITTED:
            approver = permissions.approver_position(step.step)
            run_step_approve(run_step_id=step.pk, user=_holder(approver), now=moment)
    run.refresh_from_db()
    return run


def _holder(position: Position | None):
    """The login of the position's (first) holder, or None."""
    employee = position.holders.select_related("user").order_by("pk").first() if position else None
    return employee.user if employee else None


def seed_slugs() -> list[str]:
    return [json.loads((FIXTURES / name).read_text(encoding="utf-8"))["agency"]["slug"] for name in SEED_FILES]


def demo_logo_load(agency: Agency) -> None:
    """Give the agency the demo's mark of its government (fixtures/logos/<slug>.svg): a generic
    emblem with the government's initials, not its coat of arms, which the office uploads itself in
    the admin. Stored like an upload, through the logo validator; an agency whose logo file is
    there keeps it."""
    source = LOGOS / f"{agency.slug}.svg"
    if not source.exists() or (agency.logo and agency.logo.storage.exists(agency.logo.name)):
        return
    agency.logo = ContentFile(source.read_bytes(), name=source.name)
    agency.full_clean()
    agency.save(update_fields=["logo"])


@transaction.atomic
def load_office(
    data: dict,
    password: str | None,
    today: datetime.date,
    admin_group: Group,
    *,
    certificates: bool = True,
    logos: bool = True,
) -> list[Login]:
    """One office: its government, units, positions, people, SOPs and figures. Without a password the
    logins cannot sign in until one is set; `certificates` False skips the demo signing keys (scale data),
    `logos` False the demo logo."""
    government, _ = LocalGovernment.objects.get_or_create(
        name=data["local_government"]["name"], defaults=data["local_government"]
    )
    for band in DEFAULT_BANDS:
        RatingBand.objects.get_or_create(
            local_government=government, lower_bound=band.lower_bound, defaults={"label": band.label}
        )
    agency, _ = Agency.objects.get_or_create(
        slug=data["agency"]["slug"], defaults={**data["agency"], "local_government": government}
    )
    if logos:
        demo_logo_load(agency)
    units: dict[str, Unit] = {}
    for spec in data["units"]:
        units[spec["key"]], _ = Unit.objects.get_or_create(
            agency=agency,
            name=spec["name"],
            defaults={"kind": spec["kind"], "parent": units.get(spec.get("parent"))},
        )
    positions: dict[str, Position] = {}
    for spec in data["positions"]:
        position = Position.objects.filter(agency=agency, title=spec["title"]).first()
        if position is None:
            position = Position(
                agency=agency,
                title=spec["title"],
                rank=spec["rank"],
                unit=units.get(spec.get("unit")),
                supervisor=positions.get(spec.get("supervisor")),
            )
            position.full_clean()
            position.save()
        positions[spec["key"]] = position

    logins = []
    for spec in data["employees"]:
        employee = Employee.objects.filter(user__username=spec["username"]).select_related("user").first()
        if employee is None:
            employee = employee_create(
                agency=agency,
                username=spec["username"],
                password=password,
                full_name=spec["full_name"],
                nip=spec["nip"],
                position=positions[spec["position"]],
                rank_title=spec.get("rank_title", ""),
                grade=spec.get("grade", ""),
                email=f"{spec['username']}@{agency.slug}.example.go.id",
            )
        elif password is not None:
            employee.user.set_password(password)
            employee.user.save(update_fields=["password"])
        if spec.get("agency_admin"):
            # This person keeps the agency's data in the admin, and sees only that agency.
            employee.user.is_staff = True
            employee.user.save(update_fields=["is_staff"])
            employee.user.groups.add(admin_group)
        logins.append(Login(spec["username"], agency.slug, employee.position.title, employee.full_name))

    for spec in data["sops"]:
        _load_sop(agency, spec)
    # A demo signing certificate for everyone who may sign (kept if it already exists).
    if certificates:
        create_demo_certificates(agency)
    _load_performance(agency, data["objectives"], units, today)
    return logins


def _load_sop(agency: Agency, document: dict) -> None:
    """The seed SOPs are documents of the exchange format, imported as signed on paper."""
    if Sop.objects.filter(agency=agency, number=document["number"], versions__isnull=False).exists():
        return
    import_document(agency, document, user=None, keep_status=True)


def completed_quarters(year: int, today: datetime.date) -> int:
    if year < today.year:
        return 4
    return (today.month - 1) // 3


def _load_performance(agency: Agency, objectives: list[dict], units: dict, today: datetime.date) -> None:
    def reporter(indicator):
        """Demo figures are entered by someone of the indicator's responsible unit."""
        employee = (
            Employee.objects.filter(agency=agency, position__unit=indicator.responsible_unit).order_by("pk").first()
            or Employee.objects.filter(agency=agency, position__rank=Position.Rank.SECRETARY).first()
        )
        return employee.user

    # A year whose targets are locked (demo_public_year locks the current one) keeps them as they are.
    locked = set(TargetLock.objects.filter(agency=agency).values_list("year", flat=True))
    for order, spec in enumerate(objectives, start=1):
        objective, _ = Objective.objects.get_or_create(agency=agency, name=spec["name"], defaults={"order": order})
        for number, row in enumerate(spec["indicators"], start=1):
            indicator, _ = Indicator.objects.get_or_create(
                objective=objective,
                name=row["name"],
                defaults={
                    "order": number,
                    "unit_of_measure": row.get("satuan", ""),  # published tables often have none
                    "polarity": row["polarity"],
                    "aggregation": row["aggregation"],
                    "measurement_frequency": row.get("frequency", MeasurementFrequency.QUARTERLY),
                    "cumulative": row["cumulative"],
                    "responsible_unit": units[row["unit"]],
                },
            )
            for offset, targets in row["targets"].items():
                year = today.year + int(offset)
                if year in locked:
                    continue
                target_set(
                    indicator=indicator,
                    year=year,
                    value=Decimal(targets["annual"]),
                    upper_value=_decimal(targets.get("annual_upper")),
                )
                quarters = targets.get("quarters", [])  # none for an indicator measured once a year
                uppers = targets.get("quarters_upper", [None] * len(quarters))
                for quarter, (value, upper) in enumerate(zip(quarters, uppers, strict=True), start=1):
                    target_set(
                        indicator=indicator,
                        year=year,
                        quarter=quarter,
                        value=Decimal(value),
                        upper_value=_decimal(upper),
                    )
            for offset, values in row["realisations"].items():
                year = today.year + int(offset)
                # Figures only for quarters that are over, but always the first quarter.
                upto = max(1, completed_quarters(year, today))
                notes = row.get("notes", {}).get(offset, {})
                quarters = enumerate(values[:upto], start=1)
                if indicator.measured_yearly:  # its one figure, for the year, with TW IV once the year is over
                    quarters = [(YEARLY_QUARTER, values[0])] if values and completed_quarters(year, today) == 4 else []
                for quarter, value in quarters:
                    if Realisation.objects.filter(indicator=indicator, year=year, quarter=quarter).exists():
                        continue
                    obstacle, solution = notes.get(str(quarter), ["", ""])
                    realisation_submit(
                        indicator=indicator,
                        year=year,
                        quarter=quarter,
                        value=Decimal(value),
                        obstacles=obstacle,
                        solutions=solution,
                        user=reporter(indicator),
                        now=quarter_end(year, quarter, agency),
                    )


def quarter_end(year: int, quarter: int, agency: Agency) -> datetime.datetime:
    month = quarter * 3 + 1
    first_of_next = datetime.date(year + (month > 12), (month - 1) % 12 + 1, 1)
    return datetime.datetime.combine(first_of_next + datetime.timedelta(days=6), datetime.time(10), agency.zone)


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _superuser(password: str) -> Login:
    user_model = get_user_model()
    user = user_model.objects.filter(username="admin").first()
    if user is None:
        user = user_model.objects.create_superuser("admin", "admin@example.go.id", password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return Login("admin", "-", "Administrator sistem (semua dinas)", "Administrator")


def agency_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=AGENCY_ADMIN_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=["workflow", "reports"])
    group.permissions.set(permissions)
    return group
