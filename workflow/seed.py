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
from reports.models import DocumentKind, Indicator, Objective, RatingBand, Realisation, SignedDocument
from reports.performance.achievement import DEFAULT_BANDS, YEARLY_QUARTER, MeasurementFrequency
from reports.performance.services import realisation_submit, target_set
from workflow.models import Agency, Employee, LocalGovernment, Position, Sop, SopVersion, Unit
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
    slugs = [json.loads((FIXTURES / name).read_text(encoding="utf-8"))["agency"]["slug"] for name in SEED_FILES]
    signed = []
    versions = SopVersion.objects.filter(sop__agency__slug__in=slugs, status=SopVersion.Status.EFFECTIVE)
    for version in versions.select_related("sop__agency").order_by("sop__agency__slug", "pk"):
        if SignedDocument.objects.filter(sop_version=version).exists():
            continue
        sop = version.sop
        head = sop.agency.positions.get(rank=Position.Rank.HEAD, supervisor__isnull=True)
        signer = head.holders.select_related("user").first()
        if signer is None:
            continue
        signed.append(
            document_sign(
                agency=sop.agency,
                kind=DocumentKind.SOP,
                user=signer.user,
                secret=DEMO_PASSPHRASE,
                sop_version=version,
                via="command",
            )
        )
    return signed


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
