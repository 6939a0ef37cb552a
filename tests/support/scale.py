"""Scale data: many copies of the seed offices with years of history, for measuring the pages.

`seed_scale(agencies=40, years=5)` makes agencies `scale-001` … `scale-040`, alternately copies of
the Balangan and the Padang Panjang office (fixtures/*.json, loaded by workflow.seed.load_office),
each with about 60 indicators, and for every year up to today: the annual and quarterly targets,
every quarter's figures, and a finished run of the seed SOP for each period it has steps for.

The office itself is loaded through the seed; the history is written with bulk_create, because
the services do it one row and several queries at a time. The rows are what the services would
have written for a run that went straight through (workflow.runs.services): every run step
approved, one disposisi per step, the django-fsm-log rows of every transition, an occasional step
returned once before its approval. tests/test_seed_scale.py compares them with a real run.
"""

import copy
import datetime
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm_log.models import StateLog

from reports.models import Indicator, Objective, Realisation, Target
from reports.performance.achievement import Aggregation, Polarity, TargetForm
from sopkinerja.common.periods import Period, PeriodKind
from workflow import permissions
from workflow.models import Agency, Disposition, Employee, Position, Run, RunStep, SopVersion, Step
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.services import run_steps_for
from workflow.seed import (
    DEFAULT_PASSWORD,
    FIXTURES,
    SEED_FILES,
    agency_admin_group,
    completed_quarters,
    load_office,
    quarter_end,
)
from workflow.sop.waktu import TimeUnit

SLUG_PREFIX = "scale-"
MAX_AGENCIES = 999  # the three digits of the slug, and of the NIP sequence the copies get
MAX_YEARS = 20
INDICATORS_PER_AGENCY = 60
BATCH = 2000


class ScaleRefused(Exception):
    """The arguments or the database do not allow generating scale data; the message says why."""


def scale_slug(number: int) -> str:
    return f"{SLUG_PREFIX}{number:03d}"


@dataclass
class ScaleCounts:
    agencies: int = 0
    employees: int = 0
    indicators: int = 0
    targets: int = 0
    realisations: int = 0
    runs: int = 0
    run_steps: int = 0
    dispositions: int = 0
    state_logs: int = 0

    def add(self, other: "ScaleCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def main_pages(slug: str, period: Period) -> dict[str, str]:
    """The main pages of a scale agency as its Sekretaris (who sees the whole agency) opens them for a
    quarter that is over: its run of the seed SOP, that run's first disposisi, and the figures of the
    unit with the most indicators (the largest). Used to count and time the pages at scale."""
    from django.urls import reverse

    agency = Agency.objects.get(slug=slug)
    run = Run.objects.get(sop__agency=agency, period=str(period))
    disposition = Disposition.objects.filter(run_step__run=run).order_by("run_step__sequence").first()
    version = SopVersion.objects.get(sop__agency=agency, status=SopVersion.Status.EFFECTIVE)
    unit = max(
        {indicator.responsible_unit for indicator in Indicator.objects.filter(objective__agency=agency)},
        key=lambda unit: (unit.indicators.count(), -unit.pk),
    )
    return {
        "dashboard": reverse("workflow:home"),
        "figures": reverse("reports:figures-period", args=[str(period)]),
        "unit figures": reverse("reports:figures-unit", args=[str(period), unit.pk]),
        "targets": reverse("reports:targets", args=[period.year]),
        "run": reverse("workflow:run-detail", args=[run.pk]),
        "runs": reverse("workflow:runs"),
        "documents": reverse("reports:documents"),
        "disposisi inbox": reverse("workflow:disposition-inbox"),
        "disposisi": reverse("workflow:disposition", args=[disposition.pk]),
        "SOP list": reverse("workflow:sop-list"),
        "SOP page": reverse("workflow:sop-detail", args=[version.pk]),
        "portal offices": reverse("portal:index"),
        "portal office year": reverse("portal:office", args=[slug]) + f"?tahun={period.year}",
        "portal summary": reverse("portal:government", args=[agency.local_government_id]) + f"?tahun={period.year}",
    }


def scale_years(years: int, today: datetime.date) -> list[int]:
    return list(range(today.year - years + 1, today.year + 1))


def validate(*, agencies: int, years: int, first: int = 1) -> None:
    """Refuse arguments that cannot give scale data, with a message saying what is allowed."""
    if agencies < 1:
        raise ScaleRefused(f"--agencies must be at least 1 (got {agencies}).")
    if first < 1 or first + agencies - 1 > MAX_AGENCIES:
        raise ScaleRefused(
            f"--agencies: at most {MAX_AGENCIES} scale agencies (scale-001 … scale-{MAX_AGENCIES}); got {agencies}."
        )
    if not 1 <= years <= MAX_YEARS:
        raise ScaleRefused(f"--years must be between 1 and {MAX_YEARS} (got {years}).")
    slugs = [scale_slug(number) for number in range(first, first + agencies)]
    existing = list(Agency.objects.filter(slug__in=slugs).order_by("slug").values_list("slug", flat=True))
    if existing:
        shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
        raise ScaleRefused(
            f"Scale agencies already exist ({len(existing)}: {shown}). seed_scale only adds agencies that are not "
            "there yet: use a fresh database, or delete the scale agencies first."
        )


def seed_scale(
    *,
    agencies: int,
    years: int,
    first: int = 1,
    password: str = DEFAULT_PASSWORD,
    now: datetime.datetime | None = None,
    progress=None,
) -> ScaleCounts:
    """Create scale agencies first … first+agencies-1 with `years` years of history up to today.

    Refuses (ScaleRefused) before writing anything when an argument is out of range or one of those
    agencies exists already. Each agency is written in its own transaction.
    """
    validate(agencies=agencies, years=years, first=first)
    now = now or timezone.now()
    seeds = [json.loads((FIXTURES / name).read_text(encoding="utf-8")) for name in SEED_FILES]
    password_hash = make_password(password)  # hashed once: hashing per login would take minutes
    admin_group = agency_admin_group()
    total = ScaleCounts()
    for number in range(first, first + agencies):
        counts = _agency(number, seeds[(number - 1) % len(seeds)], years, now, password_hash, admin_group)
        total.add(counts)
        if progress:
            progress(number, counts)
    return total


# The office ------------------------------------------------------------------------------------


def office_copy(data: dict, number: int) -> dict:
    """The seed office as scale agency `number`: its own government, slug, logins and NIPs."""
    data = copy.deepcopy(data)
    slug = scale_slug(number)
    government = data["local_government"]
    kind = government["name"].split()[0]  # Kabupaten / Kota
    government["name"] = f"{kind} Skala {number:03d}"
    data["agency"]["slug"] = slug
    for employee in data["employees"]:
        employee["username"] = f"{slug}.{employee['username'].split('.', 1)[1]}"
        digits = employee["nip"].replace(" ", "")
        # Another sequence number (the last 3 digits) than the seed's and than every other copy's.
        employee["nip"] = f"{digits[:15]}{(int(digits[15:]) + number) % 1000:03d}"
    data["objectives"] = []  # written in bulk below
    return data


@dataclass
class _Office:
    agency: Agency
    calendar: WorkingCalendar
    user_of_position: dict[int, object]
    position_of_user: dict[int, Position]
    secretary: object
    units: dict[str, object]
    unit_reporters: dict[int, object]
    counts: ScaleCounts = field(default_factory=ScaleCounts)


@transaction.atomic
def _agency(number: int, seed: dict, years: int, now, password_hash: str, admin_group) -> ScaleCounts:
    today = now.date()
    data = office_copy(seed, number)
    load_office(data, None, today, admin_group, certificates=False)
    agency = Agency.objects.select_related("local_government").get(slug=data["agency"]["slug"])
    get_user_model().objects.filter(employee__agency=agency).update(password=password_hash)
    today = timezone.localtime(now, agency.zone).date()
    employees = list(Employee.objects.filter(agency=agency).select_related("user", "position").order_by("pk"))
    units = {spec["key"]: agency.units.get(name=spec["name"]) for spec in data["units"]}
    reporters = {}
    for employee in employees:
        reporters.setdefault(employee.position.unit_id, employee.user)
    secretary = next(e.user for e in employees if e.position.rank == Position.Rank.SECRETARY)
    office = _Office(
        agency=agency,
        calendar=WorkingCalendar.for_agency(agency),
        user_of_position={e.position_id: e.user for e in employees},
        position_of_user={e.user_id: e.position for e in employees},
        secretary=secretary,
        units=units,
        unit_reporters=reporters,
    )
    office.counts.agencies = 1
    office.counts.employees = len(employees)
    rng = random.Random(number)
    year_list = scale_years(years, today)
    figures_at = _performance(office, seed, year_list, today, rng)
    _runs(office, year_list, now, rng, figures_at)
    return office.counts


# Performance figures ---------------------------------------------------------------------------

# Indicators a library and archives office reports, beyond the seed's: (area, name, satuan,
# polarity, roll-up, cumulative, target form, a typical annual target). The area picks the unit.
_CATALOGUE_TABLE = """
perpus | Jumlah pengunjung perpustakaan daerah | orang | higher | sum | no | single | 24000
perpus | Jumlah anggota baru perpustakaan | orang | higher | sum | yes | single | 1800
perpus | Jumlah koleksi buku yang dipinjam | eksemplar | higher | sum | no | single | 15000
perpus | Jumlah judul koleksi baru | judul | higher | sum | yes | single | 1200
perpus | Jumlah layanan perpustakaan keliling | kali | higher | sum | no | single | 96
perpus | Jumlah desa/kelurahan yang dilayani perpustakaan keliling | desa | higher | last | no | single | 40
perpus | Persentase perpustakaan desa yang dibina | persen | higher | last | yes | single | 75
perpus | Jumlah perpustakaan sekolah yang terakreditasi | perpustakaan | higher | last | yes | single | 24
perpus | Jumlah kegiatan promosi gemar membaca | kegiatan | higher | sum | no | single | 16
perpus | Jumlah peserta lomba bertutur dan bercerita | orang | higher | sum | no | single | 320
perpus | Rasio koleksi perpustakaan terhadap jumlah penduduk | rasio | lower | last | no | ratio | 4
perpus | Indeks kepuasan pemustaka | nilai | higher | average | no | range | 82
perpus | Rata-rata waktu layanan peminjaman dan pengembalian | menit | lower | average | no | single | 6
perpus | Jumlah pustakawan bersertifikat kompetensi | orang | higher | last | yes | single | 12
perpus | Persentase koleksi yang didigitalisasi | persen | higher | last | yes | single | 35
perpus | Jumlah akses layanan perpustakaan digital | kali | higher | sum | no | single | 42000
perpus | Jumlah pojok baca aktif di ruang publik | unit | higher | last | yes | single | 30
perpus | Jumlah kelompok masyarakat yang mengikuti pelatihan literasi | kelompok | higher | sum | no | single | 24
perpus | Jumlah kunjungan pelajar ke perpustakaan | orang | higher | sum | no | single | 6500
perpus | Persentase koleksi rusak yang diperbaiki | persen | higher | last | yes | floor | 80
perpus | Jumlah naskah kuno yang dilestarikan | naskah | higher | sum | yes | single | 60
perpus | Jumlah kegiatan bedah buku dan diskusi literasi | kegiatan | higher | sum | no | single | 12
perpus | Jumlah sekolah yang mengikuti gerakan literasi sekolah | sekolah | higher | last | yes | single | 45
perpus | Persentase pemustaka yang memanfaatkan layanan referensi | persen | higher | average | no | single | 30
perpus | Jumlah koleksi muatan lokal yang dihimpun | judul | higher | sum | yes | single | 80
arsip | Persentase arsip statis yang diolah | persen | higher | last | yes | single | 70
arsip | Jumlah arsip yang diakuisisi | berkas | higher | sum | yes | single | 900
arsip | Jumlah lembar arsip yang direstorasi | lembar | higher | sum | no | single | 2400
arsip | Jumlah perangkat daerah yang diawasi kearsipannya | OPD | higher | sum | yes | single | 30
arsip | Nilai pengawasan kearsipan internal | nilai | higher | last | no | range | 75
arsip | Persentase arsip vital yang terlindungi | persen | higher | last | yes | single | 85
arsip | Jumlah arsip yang dialihmediakan | berkas | higher | sum | no | single | 1500
arsip | Jumlah arsip yang dimusnahkan sesuai JRA | boks | higher | sum | yes | single | 120
arsip | Jumlah pengguna layanan arsip | orang | higher | sum | no | single | 450
arsip | Persentase keterlambatan penyerahan arsip inaktif | persen | lower | last | no | ceiling | 10
arsip | Jumlah arsiparis bersertifikat kompetensi | orang | higher | last | yes | single | 8
arsip | Persentase desa yang menerapkan tata kearsipan | persen | higher | last | yes | single | 40
arsip | Jumlah pembinaan kearsipan ke perangkat daerah dan desa | kegiatan | higher | sum | no | single | 36
arsip | Jumlah khazanah arsip yang dipublikasikan | judul | higher | sum | no | single | 24
arsip | Rata-rata waktu layanan penelusuran arsip | jam | lower | average | no | single | 4
arsip | Persentase ruang simpan arsip sesuai standar | persen | higher | last | yes | single | 60
sekretariat | Nilai evaluasi SAKIP perangkat daerah | nilai | higher | last | no | floor | 70
sekretariat | Persentase realisasi anggaran | persen | higher | last | yes | single | 95
sekretariat | Persentase laporan keuangan yang disampaikan tepat waktu | persen | higher | average | no | single | 100
sekretariat | Jumlah temuan pemeriksaan yang belum ditindaklanjuti | temuan | lower | last | no | ceiling | 2
sekretariat | Persentase pegawai yang mengikuti pengembangan kompetensi | persen | higher | last | yes | single | 60
sekretariat | Tingkat kehadiran pegawai | persen | higher | average | no | floor | 95
sekretariat | Jumlah dokumen perencanaan yang tersusun tepat waktu | dokumen | higher | sum | yes | single | 6
sekretariat | Persentase aset yang terinventarisasi | persen | higher | last | yes | single | 90
sekretariat | Jumlah pengaduan layanan yang diterima | pengaduan | lower | sum | no | single | 12
sekretariat | Indeks Kepuasan Masyarakat (IKM) | nilai | higher | average | no | range | 80
sekretariat | Rata-rata waktu penyelesaian pengaduan | hari | lower | average | no | single | 5
sekretariat | Persentase sarana dan prasarana kantor dalam kondisi baik | persen | higher | last | no | single | 85
sekretariat | Persentase dokumen kepegawaian yang terdigitalisasi | persen | higher | last | yes | single | 70
sekretariat | Jumlah laporan kinerja triwulan yang disampaikan tepat waktu | laporan | higher | sum | yes | single | 4
sekretariat | Nilai reformasi birokrasi internal | nilai | higher | last | no | range | 65
sekretariat | Persentase rekomendasi hasil pengawasan yang ditindaklanjuti | persen | higher | last | yes | single | 90
"""
CATALOGUE = [
    (area, name, satuan, polarity, roll_up, cumulative == "yes", form, int(typical))
    for area, name, satuan, polarity, roll_up, cumulative, form, typical in (
        [cell.strip() for cell in line.split("|")] for line in _CATALOGUE_TABLE.strip().splitlines()
    )
]
GENERATED_OBJECTIVES = {
    "perpus": "Meningkatnya kualitas dan jangkauan layanan perpustakaan",
    "arsip": "Meningkatnya kualitas penyelenggaraan kearsipan daerah",
    "sekretariat": "Meningkatnya kualitas tata kelola dan pelayanan perangkat daerah",
}
WHOLE_NUMBERS = {
    "orang", "eksemplar", "judul", "kali", "desa", "perpustakaan", "kegiatan", "unit", "kelompok", "naskah",
    "berkas", "lembar", "OPD", "boks", "temuan", "dokumen", "pengaduan", "laporan", "sekolah",
}  # fmt: skip
OBSTACLES = [
    ("Anggaran kegiatan terlambat dicairkan.", "Kegiatan dijadwalkan ulang pada triwulan berikutnya."),
    ("Jaringan internet di lokasi layanan sering terputus.", "Koordinasi dengan Diskominfo untuk perbaikan jaringan."),
    ("Keterbatasan tenaga teknis.", "Pelibatan tenaga magang dan pelatihan staf."),
    ("Cuaca buruk mengganggu layanan keliling.", "Jadwal layanan dipindahkan ke hari berikutnya."),
    ("Data dari unit terlambat disampaikan.", "Pengingat tertulis kepada unit melalui disposisi."),
    ("Sarana penyimpanan belum memadai.", "Pengajuan pengadaan rak dan boks arsip pada APBD Perubahan."),
]
QUARTER_SHARES = [Decimal("0.22"), Decimal("0.25"), Decimal("0.25"), Decimal("0.28")]
APPROACH = [Decimal("0.94"), Decimal("0.96"), Decimal("0.98"), Decimal("1")]


@dataclass
class _Plan:
    """One indicator's targets per year: {year: (annual, [4 quarterly], upper or None, [4 uppers])}."""

    indicator: Indicator
    whole: bool
    targets: dict[int, tuple]
    realisations: dict[int, list[str | None]]  # figures given by the seed file, per year


def _unit_for(office: _Office, area: str, index: int):
    keys = [k for k in office.units if area in k or (area == "perpus" and "layanan" in k)]
    if area == "sekretariat":
        keys = [k for k in office.units if k.startswith(("sekretariat", "subbag"))]
    return office.units[keys[index % len(keys)]]


def _round(value: Decimal, whole: bool) -> Decimal:
    return value.quantize(Decimal(1) if whole else Decimal("0.01"))


def _generated_targets(annual: Decimal, aggregation: str, cumulative: bool, polarity: str, whole: bool):
    if aggregation == Aggregation.SUM and not cumulative:
        quarters = [_round(annual * share, whole) for share in QUARTER_SHARES]
        quarters[-1] = annual - sum(quarters[:-1])
    elif aggregation == Aggregation.SUM:
        running = Decimal(0)
        quarters = []
        for share in QUARTER_SHARES:
            running += annual * share
            quarters.append(_round(running, whole))
        quarters[-1] = annual
    elif aggregation == Aggregation.LAST and polarity == Polarity.HIGHER_IS_BETTER:
        quarters = [_round(annual * factor, whole) for factor in APPROACH]
    elif aggregation == Aggregation.LAST:
        quarters = [_round(annual * (2 - factor), whole) for factor in APPROACH]
    else:
        quarters = [annual] * 4
    return quarters


def _performance(office: _Office, seed: dict, years: list[int], today: datetime.date, rng) -> dict:
    """Objectives, indicators, targets and figures; returns when each quarter's figures were in."""
    objectives = []
    plans: list[_Plan] = []
    order = 0
    for spec in seed["objectives"]:
        order += 1
        objective = Objective(agency=office.agency, name=spec["name"], order=order)
        objectives.append(objective)
        for number, row in enumerate(spec["indicators"], start=1):
            indicator = Indicator(
                objective=objective,
                order=number,
                name=row["name"],
                unit_of_measure=row["satuan"],
                polarity=row["polarity"],
                aggregation=row["aggregation"],
                cumulative=row["cumulative"],
                responsible_unit=office.units[row["unit"]],
            )
            plans.append(_seed_plan(indicator, row, years, today))
    generated = INDICATORS_PER_AGENCY - len(plans)
    by_area: dict[str, Objective] = {}
    for index, entry in enumerate(CATALOGUE[:generated]):
        area, name, satuan, polarity, aggregation, cumulative, form, typical = entry
        if area not in by_area:
            order += 1
            by_area[area] = Objective(agency=office.agency, name=GENERATED_OBJECTIVES[area], order=order)
            objectives.append(by_area[area])
        objective = by_area[area]
        indicator = Indicator(
            objective=objective,
            order=sum(1 for plan in plans if plan.indicator.objective is objective) + 1,
            name=name,
            unit_of_measure=satuan,
            polarity=polarity,
            aggregation=aggregation,
            cumulative=cumulative,
            responsible_unit=_unit_for(office, area, index),
        )
        whole = satuan in WHOLE_NUMBERS
        base = Decimal(typical) * Decimal(rng.randint(80, 120)) / 100
        targets = {}
        for year in years:
            # Targets rise a little each year (fall for lower-is-better), as a Renstra plans them.
            step = Decimal("1.04") if polarity == Polarity.HIGHER_IS_BETTER and form != "ratio" else Decimal("0.97")
            annual = _round(base * step ** (year - years[0]), whole)
            if form in ("ceiling", "floor", "ratio") or satuan == "persen":
                annual = min(annual, Decimal(100)) if satuan == "persen" else annual
            quarters = _generated_targets(annual, aggregation, cumulative, polarity, whole)
            uppers = [None] * 4
            upper = None
            if form == TargetForm.RANGE:
                upper = _round(annual * Decimal("1.1"), whole)
                uppers = [_round(q * Decimal("1.1"), whole) for q in quarters]
            targets[year] = (annual, quarters, upper, uppers, form)
        plans.append(_Plan(indicator, whole, targets, {}))

    Objective.objects.bulk_create(objectives)
    for plan in plans:
        plan.indicator.objective_id = plan.indicator.objective.pk
    Indicator.objects.bulk_create([plan.indicator for plan in plans])
    office.counts.indicators = len(plans)

    target_rows = []
    realisation_rows = []
    figures_at = {}
    for plan in plans:
        indicator = plan.indicator
        reporter = office.unit_reporters.get(indicator.responsible_unit.pk, office.secretary)
        for year, (annual, quarters, upper, uppers, form) in plan.targets.items():
            target_rows.append(Target(indicator=indicator, year=year, value=annual, upper_value=upper, form=form))
            for quarter, (value, quarter_upper) in enumerate(zip(quarters, uppers, strict=True), start=1):
                target_rows.append(
                    Target(
                        indicator=indicator,
                        year=year,
                        quarter=quarter,
                        value=value,
                        upper_value=quarter_upper,
                        form=form,
                    )
                )
            upto = max(1, completed_quarters(year, today))  # as the seed: always the first quarter
            given = plan.realisations.get(year, [])
            for quarter in range(1, upto + 1):
                submitted_at = quarter_end(year, quarter, office.agency)
                figures_at[(year, quarter)] = submitted_at
                realisation_rows.append(
                    _realisation(indicator, year, quarter, quarters[quarter - 1], given, plan.whole, reporter, rng)
                )
                realisation_rows[-1].submitted_at = submitted_at
    _bulk(Target, target_rows)
    _bulk(Realisation, realisation_rows)
    office.counts.targets = len(target_rows)
    office.counts.realisations = len(realisation_rows)
    return figures_at


def _seed_plan(indicator: Indicator, row: dict, years: list[int], today: datetime.date) -> _Plan:
    """The seed's own targets and figures where the file has the year, scaled from its nearest year elsewhere."""
    whole = False
    offsets = sorted(int(offset) for offset in row["targets"])
    targets = {}
    realisations = {}
    for year in years:
        offset = year - today.year
        nearest = min(offsets, key=lambda o: abs(o - offset))
        spec = row["targets"][str(nearest)]
        factor = Decimal("0.96") ** (nearest - offset) if offset != nearest else Decimal(1)

        def scaled(text, factor=factor):
            return None if text is None else _round(Decimal(text) * factor, whole)

        form = TargetForm.RANGE if spec.get("annual_upper") is not None else TargetForm.SINGLE
        targets[year] = (
            scaled(spec["annual"]),
            [scaled(value) for value in spec["quarters"]],
            scaled(spec.get("annual_upper")),
            [scaled(value) for value in spec.get("quarters_upper", [None] * 4)],
            form,
        )
        if str(offset) in row["realisations"]:
            realisations[year] = row["realisations"][str(offset)]
    return _Plan(indicator, whole, targets, realisations)


def _realisation(indicator, year, quarter, target, given, whole, reporter, rng) -> Realisation:
    row = Realisation(indicator=indicator, year=year, quarter=quarter, submitted_by=reporter)
    if quarter <= len(given):
        row.value = Decimal(given[quarter - 1])
        return row
    if rng.random() < 0.01:
        row.not_available = True
        row.not_available_reason = "Data dari instansi vertikal belum diterbitkan pada akhir triwulan."
        return row
    factor = Decimal(rng.randint(82, 115)) / 100
    row.value = max(Decimal(0), _round(target * factor, whole))
    if indicator.unit_of_measure == "persen":
        row.value = min(row.value, Decimal(100))
    behind = factor < 1 if indicator.polarity == Polarity.HIGHER_IS_BETTER else factor > 1
    if behind and rng.random() < 0.6:
        row.obstacles, row.solutions = rng.choice(OBSTACLES)
    return row


# Runs ------------------------------------------------------------------------------------------


@dataclass
class _Rows:
    runs: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # (run index, RunStep)
    dispositions: list = field(default_factory=list)  # (step index, Disposition)
    logs: list = field(default_factory=list)  # ("run"/"step", index, StateLog)


def _periods(year: int, today: datetime.date, kinds: set[str]) -> list[Period]:
    """The periods of a year that are over by today, each after the periods it is built from."""
    done = completed_quarters(year, today)
    periods = [Period.quarter(year, q) for q in range(1, done + 1)]
    if PeriodKind.SEMESTER in kinds:
        periods += [Period(year, PeriodKind.SEMESTER, s) for s in (1, 2) if done >= 2 * s]
    if PeriodKind.YEAR in kinds and done == 4:
        periods.append(Period(year, PeriodKind.YEAR))
    return [period for period in periods if period.kind in kinds]


def _runs(office: _Office, years: list[int], now, rng, figures_at: dict) -> None:
    version = (
        SopVersion.objects.filter(sop__agency=office.agency, status=SopVersion.Status.EFFECTIVE)
        .select_related("sop")
        .get()
    )
    kinds = set(version.steps.values_list("cadence", flat=True))
    paths = {kind: _path(run_steps_for(version, Period(years[0], kind, 1))) for kind in kinds}
    today = timezone.localtime(now, office.agency.zone).date()
    finished: dict[str, datetime.datetime] = {}
    rows = _Rows()
    for year in years:
        for period in _periods(year, today, kinds):
            if period.kind == PeriodKind.QUARTER:
                # A week after the quarter, once the units' figures are in (seed: 6 days after, 10:00).
                start = figures_at.get((year, period.number)) or quarter_end(year, period.number, office.agency)
                start = office.calendar.add(start, 30 + rng.randint(0, 240), TimeUnit.MINUTE)
            elif all(str(part) in finished for part in period.parts()):
                start = max(finished[str(part)] for part in period.parts())
                start = office.calendar.add(start, 1, TimeUnit.DAY)
            else:
                continue  # a part of it is still going on
            end = _run(office, version, period, paths[period.kind], start, rng, rows)
            if end > now:
                _drop_last_run(rows)  # it would still be going on: not history yet
                continue
            finished[str(period)] = end
    _write(office, rows)


def _path(steps: list[Step]) -> list[tuple[Step, str]]:
    """The straight way through the period's steps: each one, a decision answered by the exit forward."""
    path = []
    for index, step in enumerate(steps):
        answer = ""
        if step.symbol == Step.Symbol.DECISION:
            following = steps[index + 1].number if index + 1 < len(steps) else None
            forward = [e for e in step.exit_list() if following is None or e.target.number >= following]
            answer = (forward or step.exit_list())[0].label
        path.append((step, answer))
    return path


def _starter(office: _Office, version: SopVersion, first: Step):
    """Whoever performs the period's first step starts the run, if allowed; else the Sekretaris."""
    user = office.user_of_position.get(first.executor.position_id)
    if user is not None and office.position_of_user[user.pk].rank in {"kepala_dinas", "sekretaris"}:
        return user
    first_of_version = min(version.steps.all(), key=lambda step: step.number)
    if user is not None and first_of_version.executor.position_id == first.executor.position_id:
        return user
    return office.secretary


def _run(office: _Office, version: SopVersion, period: Period, path, start, rng, rows: _Rows) -> datetime.datetime:
    calendar = office.calendar
    starter = _starter(office, version, path[0][0])
    run = Run(
        sop_id=version.sop_id,
        version=version,
        period=str(period),
        state=Run.State.FINISHED,
        started_by=starter,
        started_at=start,
        standard_minutes=sum(_standard(step, calendar) for step, _answer in path),
    )
    run_index = len(rows.runs)
    rows.runs.append(run)
    issuer, issuer_position = starter, office.position_of_user[starter.pk]
    moment = start
    subject = f"{version.name} – {period.label}"
    returned_one = rng.random() < 0.2  # now and then the approver sends one step back once
    for sequence, (step, answer) in enumerate(path, start=1):
        executor = office.user_of_position[step.executor.position_id]
        approver_position = permissions.approver_position(step)
        approver = office.user_of_position[approver_position.pk] if approver_position else executor
        standard = _standard(step, calendar)
        work = max(2, int(standard * rng.uniform(0.4, 1.1))) if standard else rng.randint(20, 240)
        activated = moment
        submitted = calendar.add(activated, work, TimeUnit.MINUTE)
        read = min(submitted, activated + datetime.timedelta(minutes=rng.randint(1, 30)))
        output = step.output or step.activity
        run_step = RunStep(
            step=step,
            attempt=1,
            sequence=sequence,
            state=RunStep.State.APPROVED,
            activated_at=activated,
            due_at=calendar.due(activated, step.waktu),
            output_note=output,
            answer=answer,
            standard_minutes=standard,
        )
        step_index = len(rows.steps)
        rows.steps.append((run_index, run_step))
        log = _logger(rows, "step", step_index)
        log(activated, issuer, RunStep.State.WAITING, RunStep.State.ACTIVE, "activate", _("Disposisi issued"))
        note = f"{answer}: {output}" if answer else output
        if returned_one and approver_position is not None:
            returned_one = False
            log(submitted, executor, RunStep.State.ACTIVE, RunStep.State.SUBMITTED, "submit", note)
            back = calendar.add(submitted, rng.randint(15, 120), TimeUnit.MINUTE)
            run_step.return_note = "Mohon dilengkapi data pendukung dan diperbaiki sebelum diajukan kembali."
            run_step.returned_by = approver
            run_step.returned_count = 1
            log(back, approver, RunStep.State.SUBMITTED, RunStep.State.ACTIVE, "send_back", run_step.return_note)
            submitted = calendar.add(back, max(2, work // 2), TimeUnit.MINUTE)
        log(submitted, executor, RunStep.State.ACTIVE, RunStep.State.SUBMITTED, "submit", note)
        if approver_position is None:
            approved = submitted
            description = _("Approved on submission: the executor has no supervisor.")
        else:
            approved = calendar.add(submitted, rng.randint(10, 180), TimeUnit.MINUTE)
            description = None  # approved without a note
        log(approved, approver, RunStep.State.SUBMITTED, RunStep.State.APPROVED, "approve", description)
        run_step.submitted_at = submitted
        run_step.submitted_by = executor
        run_step.approved_at = approved
        run_step.approved_by = approver
        run_step.actual_minutes = calendar.working_minutes(activated, submitted)
        rows.dispositions.append(
            (
                step_index,
                Disposition(
                    from_user=issuer,
                    from_position=issuer_position,
                    to_position=step.executor.position,
                    subject=subject,
                    requests=[Disposition.Request.FOLLOW_UP],  # as services.runs issues it
                    instruction=step.activity,
                    requirements=", ".join(step.requirement_texts()),
                    issued_at=activated,
                    due_at=run_step.due_at,
                    read_at=read,
                    read_by=executor,
                ),
            )
        )
        issuer, issuer_position = approver, approver_position or step.executor.position
        moment = approved
    run.finished_at = moment
    run.lead_minutes = calendar.working_minutes(start, moment)
    _logger(rows, "run", run_index)(
        moment, issuer, Run.State.ACTIVE, Run.State.FINISHED, "finish", _("All steps approved")
    )
    return moment


def _drop_last_run(rows: _Rows) -> None:
    run_index = len(rows.runs) - 1
    rows.runs.pop()
    kept = [index for index, (owner, _step) in enumerate(rows.steps) if owner != run_index]
    dropped = set(range(len(rows.steps))) - set(kept)
    rows.steps = [rows.steps[index] for index in kept]
    rows.dispositions = [d for d in rows.dispositions if d[0] not in dropped]
    rows.logs = [
        log
        for log in rows.logs
        if not (log[0] == "run" and log[1] == run_index) and not (log[0] == "step" and log[1] in dropped)
    ]


def _logger(rows: _Rows, kind: str, index: int):
    def log(at, by, source, target, transition, description):
        rows.logs.append(
            (
                kind,
                index,
                StateLog(
                    timestamp=at,
                    by=by,
                    source_state=source,
                    state=target,
                    transition=transition,
                    description=description,
                ),
            )
        )

    return log


def _standard(step: Step, calendar: WorkingCalendar) -> int:
    return calendar.standard_minutes(step.duration_amount, step.duration_unit)


def _write(office: _Office, rows: _Rows) -> None:
    _bulk(Run, rows.runs)
    for run_index, run_step in rows.steps:
        run_step.run = rows.runs[run_index]
    _bulk(RunStep, [run_step for _index, run_step in rows.steps])
    for step_index, disposition in rows.dispositions:
        disposition.run_step = rows.steps[step_index][1]
    _bulk(Disposition, [disposition for _index, disposition in rows.dispositions])
    types = {
        "run": ContentType.objects.get_for_model(Run),
        "step": ContentType.objects.get_for_model(RunStep),
    }
    for kind, index, log in rows.logs:
        log.content_type = types[kind]
        log.object_id = rows.runs[index].pk if kind == "run" else rows.steps[index][1].pk
    _bulk(StateLog, [log for _kind, _index, log in rows.logs])
    office.counts.runs = len(rows.runs)
    office.counts.run_steps = len(rows.steps)
    office.counts.dispositions = len(rows.dispositions)
    office.counts.state_logs = len(rows.logs)


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])
