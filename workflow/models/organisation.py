"""Organisation: local government -> agency (OPD) -> units -> positions -> employees."""

import datetime
import os
import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.nip import format_nip, normalise_nip, validate_nip
from sopkinerja.common.uploads import validate_logo


def publication_days_field(label, help_text) -> models.PositiveSmallIntegerField:
    """Days a government allows to publish a kind of document; empty: the installation's default."""
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(366)], help_text=help_text
    )


class LocalGovernment(models.Model):
    """The issuing body at the top of an SOP's header: a regional government (Pemerintah Provinsi/
    Kabupaten/Kota), a ministry or other state institution (Kementerian/Lembaga), or a university."""

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        REGENCY = "kabupaten", _("Regency (kabupaten)")
        CITY = "kota", _("City (kota)")
        MINISTRY = "kementerian", _("Ministry (Kementerian)")
        INSTITUTION = "lembaga", _("State institution (Lembaga)")
        UNIVERSITY = "universitas", _("University")

    REGIONAL = {Kind.PROVINCE, Kind.REGENCY, Kind.CITY}

    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("e.g. Kabupaten Balangan, Kementerian Agama")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=120, blank=True)
    # Issue 19: many issuers print a name that no rule composes ("PEMERINTAH DAERAH DAERAH ISTIMEWA
    # YOGYAKARTA", a ministry above its university): set once here, printed as written everywhere.
    official_heading = models.TextField(
        _("official heading"),
        max_length=300,
        blank=True,
        help_text=_(
            "The issuer's name exactly as its documents print it at the top, one line per line, e.g. "
            "PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA. Empty: composed from the kind and the name "
            "(PEMERINTAH KABUPATEN BALANGAN)."
        ),
    )
    # The head of the region signs each agency's Perjanjian Kinerja as pihak kedua (by hand, outside the app).
    head_title = models.CharField(
        _("head of region's title"),
        max_length=120,
        blank=True,
        help_text=_("As printed above the signature, e.g. Bupati Balangan, Wali Kota Padang Panjang."),
    )
    head_name = models.CharField(
        _("head of region's name"),
        max_length=200,
        blank=True,
        help_text=_("With degrees, as printed under the signature."),
    )
    # Issue 20: when the government expects each document published (the portal's summary says who
    # is late), in calendar days; empty: the installation's default (settings.PORTAL_DEADLINE_DAYS).
    publish_quarter_days = publication_days_field(
        _("triwulan report published within (days)"),
        _("Days after the end of the quarter. Empty: the installation's default."),
    )
    publish_semester_days = publication_days_field(
        _("semester report published within (days)"),
        _("Days after the end of the semester. Empty: the installation's default."),
    )
    publish_year_days = publication_days_field(
        _("LKjIP published within (days)"),
        _("Days after the end of the year (90: the end of March). Empty: the installation's default."),
    )
    publish_pk_days = publication_days_field(
        _("Perjanjian Kinerja published within (days)"),
        _("Days after 1 January of its year. Empty: the installation's default."),
    )
    # Its rows (the government itself, its rating bands) are shared by every agency of the
    # government, so agency admins only read them; these logins (and superusers) change them.
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_governments",
        verbose_name=_("government administrators"),
        help_text=_("Logins that may change this government and its rating bands. Superusers always may."),
    )

    class Meta:
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.kind in self.REGIONAL

    def publication_days(self, kind: str) -> int:
        """Days the government allows to publish a document of the kind (quarter, semester, year, pk)."""
        own = getattr(self, f"publish_{kind}_days")
        return settings.PORTAL_DEADLINE_DAYS[kind] if own is None else own

    @property
    def header_line(self) -> str:
        """The issuer's heading at the top of every document: the official heading exactly as set, or
        else composed: "PEMERINTAH KABUPATEN BALANGAN", "KEMENTERIAN AGAMA"."""
        if self.official_heading.strip():
            return "\n".join(line.strip() for line in self.official_heading.strip().splitlines() if line.strip())
        name = self.name
        if self.is_regional and not name.upper().startswith("PEMERINTAH"):
            name = f"Pemerintah {name}"
        return name.upper()

    def is_administered_by(self, user) -> bool:
        """A superuser, or an active staff login named as this government's administrator."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or (user.is_staff and self.administrators.filter(pk=user.pk).exists())


def logo_path(instance: "Agency", filename: str) -> str:
    """Stored privately like other uploads, under a name nobody can guess."""
    extension = os.path.splitext(filename)[1].lower()
    return f"logos/{instance.slug}/{uuid.uuid4().hex}{extension}"


class Agency(models.Model):
    """An OPD / Dinas: the office that owns SOPs, people and performance data."""

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
        WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
        WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    local_government = models.ForeignKey(
        LocalGovernment, models.PROTECT, related_name="agencies", verbose_name=_("local government")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Dinas Perpustakaan dan Kearsipan"))
    slug = models.SlugField(_("slug"), unique=True)
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TimeZone.choices)
    city = models.CharField(_("place of signing"), max_length=100, help_text=_("The place printed above signatures."))
    address = models.CharField(_("address"), max_length=300, blank=True)
    work_days = models.CharField(
        _("working days"),
        max_length=7,
        default="12345",
        help_text=_("ISO weekday numbers, 1 = Monday: 12345 for Monday to Friday."),
    )
    work_starts = models.TimeField(_("working hours start"), default=datetime.time(7, 30))
    work_ends = models.TimeField(_("working hours end"), default=datetime.time(16, 0))
    run_canceller = models.ForeignKey(
        "Position",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("may also cancel SOP runs"),
        help_text=_("Besides the Kepala Dinas."),
    )
    signing_backend = models.CharField(
        _("signing backend"),
        max_length=8,
        choices=[("local", _("Local certificate per person (PKCS#12)")), ("bsre", _("BSrE esign service"))],
        default="local",
        help_text=_("How this agency's officials sign documents electronically."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[validate_logo],
        help_text=_(
            "Your government's official coat of arms (lambang daerah) as a square PNG or SVG, at most 1 MB. "
            "Printed in the letterhead of the SOP sheets, the reports and the lembar disposisi."
        ),
    )
    whatsapp_gateway = models.CharField(
        _("WhatsApp gateway"),
        max_length=12,
        blank=True,
        default="",
        choices=[
            ("fonnte", "Fonnte"),
            ("wablas", "Wablas"),
            ("waha", "WAHA"),
            ("evolution", "Evolution API"),
            ("cloud_api", _("WhatsApp Business Cloud API")),
        ],
        help_text=_("How this agency's messages reach WhatsApp; the credentials come from the server's environment."),
    )
    # Units hand in a quarter's figures by this working day after the quarter ends; the reminders run
    # tells the units that have not, REMINDER_FIGURES_BEFORE_DAYS working days before (docs/reminders.md).
    figures_due_days = models.PositiveSmallIntegerField(
        _("figures due (working days after the quarter)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text=_(
            "The units hand in a quarter's figures by this working day after the quarter ends "
            "(10: about two weeks, as most regional offices ask)."
        ),
    )
    cap_achievement = models.BooleanField(
        _("cap achievement at 100 %"),
        default=False,
        help_text=_("Print 100 % where the arithmetic gives more. The uncapped figure is kept."),
    )
    # Issue 18: signers, agency admins and superusers always owe a second factor at sign-in.
    second_factor_for_all = models.BooleanField(
        _("second factor for everyone"),
        default=False,
        help_text=_("Every user of this agency signs in with a second factor (authenticator code or passkey)."),
    )
    second_factor_remember = models.BooleanField(
        _("may remember a browser for 30 days"),
        default=True,
        help_text=_("Users may skip the second factor for 30 days on a browser they mark as their own."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["local_government__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "name"],
                name="agency_name_unique_per_government",
                violation_error_message=_("This local government already has an agency with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """As named after a position: "… Kabupaten Balangan"; a Kanwil or Balai is named in full already."""
        if self.local_government.is_regional:
            return f"{self.name} {self.local_government.name}"
        return self.name

    @property
    def name_with_government(self) -> str:
        """Told apart from a namesake elsewhere: "Dinas Perpustakaan dan Kearsipan — Kabupaten Balangan"."""
        return f"{self.name} — {self.local_government.name}"

    def title_of(self, position_title: str) -> str:
        """A position as printed under a signature: "Kepala Dinas … Kabupaten Balangan"; a Kanwil's
        or a Balai's head is named by the position alone."""
        if self.local_government.is_regional:
            return f"{position_title} {self.local_government.name}"
        return position_title

    def clean(self) -> None:
        errors = {}
        if not re.fullmatch(r"[1-7]{1,7}", self.work_days or "") or len(set(self.work_days)) != len(self.work_days):
            errors["work_days"] = _("Write each working day once as a digit from 1 (Monday) to 7 (Sunday).")
        if self.work_starts and self.work_ends and self.work_ends <= self.work_starts:
            errors["work_ends"] = _("Working hours must end after they start.")
        if self.run_canceller_id and self.pk and self.run_canceller.agency_id != self.pk:
            errors["run_canceller"] = _("The position must belong to this agency.")
        if self.signing_backend == "bsre" and not getattr(settings, "BSRE_URL", ""):
            # Chosen without a service to reach, nobody of the agency could sign at all.
            errors["signing_backend"] = _("The BSrE esign service is not configured on this server (BSRE_URL).")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Unit(models.Model):
    """Unit kerja: Sekretariat, Bidang, Subbagian, Seksi."""

    class Kind(models.TextChoices):
        LEADERSHIP = "pimpinan", _("Leadership")
        SECRETARIAT = "sekretariat", _("Secretariat (Sekretariat)")
        DIVISION = "bidang", _("Division (Bidang)")
        SUBDIVISION = "subbagian", _("Subdivision (Subbagian)")
        SECTION = "seksi", _("Section (Seksi)")
        PART = "bagian", _("Part of a secretariat (Bagian)")
        TECHNICAL = "upt", _("Technical implementation unit (UPT)")
        OTHER = "lainnya", _("Other unit")

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="units", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="unit_name_unique_per_agency",
                violation_error_message=_("This agency already has a unit with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("The parent unit must belong to the same agency.")})


class Position(models.Model):
    """Jabatan. Each position reports to its supervisor position; the Kepala Dinas has none."""

    class Rank(models.TextChoices):
        HEAD = "kepala_dinas", _("Head of agency (Kepala Dinas)")
        SECRETARY = "sekretaris", _("Secretary (Sekretaris)")
        DIVISION_HEAD = "kepala_bidang", _("Division head (Kepala Bidang)")
        SUBDIVISION_HEAD = "kasubbag", _("Subdivision head (Kasubbag)")
        SECTION_HEAD = "kepala_seksi", _("Section head (Kepala Seksi)")
        FUNCTIONAL = "fungsional", _("Functional official (Fungsional)")
        STAFF = "staf", _("Staff (Staf)")

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="positions", verbose_name=_("agency"))
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="positions", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    supervisor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
        verbose_name=_("supervisor position"),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["agency_id", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "title"],
                name="position_title_unique_per_agency",
                violation_error_message=_("This agency already has a position with this title."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.unit_id and self.unit.agency_id != self.agency_id:
            errors["unit"] = _("The unit must belong to the same agency.")
        if self.supervisor_id:
            if self.supervisor.agency_id != self.agency_id:
                errors["supervisor"] = _("The supervisor position must belong to the same agency.")
            elif self._supervisor_chain_loops():
                errors["supervisor"] = _("A position cannot (indirectly) supervise itself.")
        elif self.rank != self.Rank.HEAD:
            errors["supervisor"] = _("Every position except the Kepala Dinas needs a supervisor position.")
        if errors:
            raise ValidationError(errors)

    def below(self) -> list["Position"]:
        """The positions under this one along the supervisor lines (Kabid → Kasi → Staf), in tree
        order, each with `depth` (1 for a direct subordinate). One query for the whole agency."""
        children: dict[int, list[Position]] = {}
        for position in Position.objects.filter(agency_id=self.agency_id).order_by("title"):
            children.setdefault(position.supervisor_id, []).append(position)
        found, seen = [], {self.pk}
        pending = [(child, 1) for child in reversed(children.get(self.pk, []))]
        while pending:
            position, depth = pending.pop()
            if position.pk in seen:
                continue
            seen.add(position.pk)
            position.depth = depth
            found.append(position)
            pending += [(child, depth + 1) for child in reversed(children.get(position.pk, []))]
        return found

    def _supervisor_chain_loops(self) -> bool:
        seen = {self.pk} if self.pk else set()
        current = self.supervisor
        while current is not None:
            if current.pk in seen:
                return True
            seen.add(current.pk)
            current = current.supervisor
        return False


# Written before a name and left out of a paraf: Haji, Hajjah, doctorandus/a, doktor, insinyur, and so on.
HONORIFICS = {"h", "hj", "drs", "dra", "dr", "ir", "prof", "drg", "apt", "ns"}


class Employee(models.Model):
    """Pegawai: the civil-servant profile of a login."""

    class Grade(models.TextChoices):
        # Labelled as offices write them ("III/b"); without a label Django would print "Iii B".
        I_A = "I/a", "I/a"
        I_B = "I/b", "I/b"
        I_C = "I/c", "I/c"
        I_D = "I/d", "I/d"
        II_A = "II/a", "II/a"
        II_B = "II/b", "II/b"
        II_C = "II/c", "II/c"
        II_D = "II/d", "II/d"
        III_A = "III/a", "III/a"
        III_B = "III/b", "III/b"
        III_C = "III/c", "III/c"
        III_D = "III/d", "III/d"
        IV_A = "IV/a", "IV/a"
        IV_B = "IV/b", "IV/b"
        IV_C = "IV/c", "IV/c"
        IV_D = "IV/d", "IV/d"
        IV_E = "IV/e", "IV/e"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="employee", verbose_name=_("user")
    )
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="employees", verbose_name=_("agency"))
    full_name = models.CharField(_("full name with titles"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        validators=[validate_nip],
        error_messages={"unique": _("Another employee already has this NIP.")},
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{16}$", _("A NIK is 16 digits."))],
        help_text=_("The national identity number the BSrE esign service knows the signer by."),
    )
    rank_title = models.CharField(_("rank (pangkat)"), max_length=60, blank=True)
    grade = models.CharField(_("grade (golongan)"), max_length=5, choices=Grade.choices, blank=True)
    position = models.ForeignKey(Position, models.PROTECT, related_name="holders", verbose_name=_("position"))

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["agency_id", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    @property
    def short_name(self) -> str:
        """The name without degrees and honorifics, as written beside a paraf: "Hj. NOOR AINAH, S.E." → "NOOR AINAH"."""
        words = self.full_name.split(",")[0].split()
        while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
            words.pop(0)
        return " ".join(words)

    @property
    def initials(self) -> str:
        """The paraf: the initials of the short name, "NOOR AINAH" → "NA"."""
        return "".join(word[0] for word in self.short_name.split() if word[0].isalpha()).upper()[:4]

    def clean_fields(self, exclude=None) -> None:
        # People paste the printed, grouped form: store digits only.
        self.nip = normalise_nip(self.nip)
        super().clean_fields(exclude)

    def clean(self) -> None:
        if self.position_id and self.agency_id and self.position.agency_id != self.agency_id:
            raise ValidationError({"position": _("The position must belong to the employee's agency.")})


class DayOff(models.Model):
    """An extra day off of one agency, on top of national holidays and cuti bersama."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="days_off", verbose_name=_("agency"))
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        ordering = ["agency_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "date"],
                name="one_day_off_per_date",
                violation_error_message=_("This date is already a day off."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


MAX_ACTING_DAYS = 366


class ActingAssignmentQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date):
        """Appointments that cover the day. One ended early has its end moved to the day it was
        ended, and no longer counts on that day: it stopped at that moment."""
        ended_that_day = Q(ended_at__isnull=False, ends_on__lte=day)
        return self.filter(starts_on__lte=day, ends_on__gte=day).exclude(ended_that_day)

    def overlapping(self, starts_on: datetime.date, ends_on: datetime.date, *, today: datetime.date):
        """Appointments not ended early, current or still to come on `today`, that share a day with
        starts_on..ends_on: a position has one acting official at a time."""
        return self.filter(ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=max(starts_on, today))


class ActingAssignment(models.Model):
    """Plh / Plt: an employee who acts for a position during a date range.

    Appointed and ended through workflow.organisation.appointments, which records who did it and when.
    Rows are never deleted: an ended appointment keeps its history.
    """

    class Kind(models.TextChoices):
        PLH = "plh", _("Plh (pelaksana harian)")
        PLT = "plt", _("Plt (pelaksana tugas)")

    position = models.ForeignKey(Position, models.CASCADE, related_name="acting", verbose_name=_("position"))
    employee = models.ForeignKey(Employee, models.CASCADE, related_name="acting_for", verbose_name=_("acting official"))
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices, default=Kind.PLH)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("basis (e.g. letter number)"), max_length=300, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    appointed_at = models.DateTimeField(_("appointed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ActingAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("acting official (Plh/Plt)")
        verbose_name_plural = _("acting officials (Plh/Plt)")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}: {self.employee}"

    # Whether `appointed_by` may appoint for the position (workflow.permissions.can_appoint): the
    # appointments service answers it before validating; a row that nobody asked about is refused.
    appointer_may_appoint = False

    def clean(self) -> None:
        errors = {}
        # An appointment withdrawn before it began ends the day before its start: it covers no day.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on and self.ended_at is None:
            errors["ends_on"] = _("The end date cannot be before the start date.")
        elif self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days > MAX_ACTING_DAYS:
            # A Plt lasts months at most; a longer term is a new appointment, looked at again.
            errors["ends_on"] = _("An appointment lasts at most one year; appoint again to extend it.")
        if self.position_id and self.employee_id:
            if self.employee.agency_id != self.position.agency_id:
                errors["employee"] = _("The acting official must work in the same agency.")
            elif self.employee.position_id == self.position_id:
                errors["employee"] = _("This employee already holds the position.")
        if self._state.adding and self.position_id:
            # Who appoints is part of the row: the service (and the admin, through it) sets it.
            if self.appointed_by_id is None:
                errors["position"] = _("Who appoints the acting official must be recorded.")
            elif self.employee_id and self.employee.user_id == self.appointed_by_id:
                errors["employee"] = _("Nobody can appoint themselves as Plh or Plt.")
            elif not self.appointer_may_appoint:
                errors["position"] = _("Only the Kepala Dinas or a system administrator can appoint a Plh or Plt.")
        current = None if errors else self.overlapped()
        if current is not None:
            errors[NON_FIELD_ERRORS] = _(
                "%(name)s is already %(kind)s %(position)s from %(start)s to %(end)s; end that appointment first "
                "or choose other dates."
            ) % {
                "name": current.employee.full_name,
                "kind": current.kind.capitalize(),  # Plh, Plt
                "position": self.position.title,
                "start": date_format(current.starts_on),
                "end": date_format(current.ends_on),
            }
        if errors:
            raise ValidationError(errors)

    def overlapped(self) -> "ActingAssignment | None":
        """The current or future appointment to the same position that shares a day with this one
        (a position has one acting official at a time); None for a row being ended. The service
        locks the position row first, so of two appointments made at once the second sees the first."""
        if self.ended_at is not None or not (self.position_id and self.starts_on and self.ends_on):
            return None
        today = timezone.localdate(timezone=self.position.agency.zone)
        return (
            ActingAssignment.objects.overlapping(self.starts_on, self.ends_on, today=today)
            .filter(position_id=self.position_id)
            .exclude(pk=self.pk)
            .select_related("employee")
            .order_by("starts_on")
            .first()
        )

    def covers(self, day: datetime.date) -> bool:
        """The same rule as ActingAssignmentQuerySet.in_force, for one row."""
        ended_that_day = self.ended_at is not None and self.ends_on <= day
        return self.starts_on <= day <= self.ends_on and not ended_that_day

    @property
    def ended(self) -> bool:
        return self.ended_at is not None
