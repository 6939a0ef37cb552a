"""Waktu of the Mutu Baku, and the Jumlah row that totals it.

A step's Waktu is kept as written ("4 jam kerja", "1 Minggu", "Seketika", "Menyesuaikan") and read
into a value (workflow.sop.text.parse_waktu): an amount of menit, jam, hari or minggu; zero for
"Seketika"; none at all for "Menyesuaikan" (no standard: no deadline, no overdue mark). All of it is
working time: "jam kerja" and "hari kerja" only say so explicitly (see workflow.runs.calendar).

The Jumlah adds minutes, hours and days separately; minutes fold into hours, weeks into working days
(settings.SOP_WORKING_DAYS_PER_WEEK, 5 by default). Hours are not folded into days: a "hari" is a
working day, whose length differs between agencies, so "3 jam" stays "3 jam" next to "122 hari".
Steps without a standard are counted, not guessed: "… + 1 langkah menyesuaikan".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class TimeUnit(models.TextChoices):
    MINUTE = "menit", _("minutes")
    HOUR = "jam", _("hours")
    DAY = "hari", _("days")
    WEEK = "minggu", _("weeks")


def days_per_week() -> int:
    return getattr(settings, "SOP_WORKING_DAYS_PER_WEEK", 5)


@dataclass(frozen=True)
class Duration:
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @classmethod
    def of(cls, amount: int, unit: str) -> "Duration":
        return {
            TimeUnit.MINUTE: lambda: cls(minutes=amount),
            TimeUnit.HOUR: lambda: cls(hours=amount),
            TimeUnit.DAY: lambda: cls(days=amount),
            TimeUnit.WEEK: lambda: cls(days=amount * days_per_week()),
        }[TimeUnit(unit)]()

    def __add__(self, other: "Duration") -> "Duration":
        return Duration(self.days + other.days, self.hours + other.hours, self.minutes + other.minutes)

    def normalised(self) -> "Duration":
        return Duration(self.days, self.hours + self.minutes // 60, self.minutes % 60)

    def __str__(self) -> str:
        parts = []
        if self.days:
            parts.append(ngettext("%(n)d day", "%(n)d days", self.days) % {"n": self.days})
        if self.hours:
            parts.append(ngettext("%(n)d hour", "%(n)d hours", self.hours) % {"n": self.hours})
        if self.minutes:
            parts.append(ngettext("%(n)d minute", "%(n)d minutes", self.minutes) % {"n": self.minutes})
        return " ".join(parts) or "0"


@dataclass(frozen=True)
class Waktu:
    """One step's Waktu: its value (amount and unit; None when it has no standard) and its text."""

    amount: int | None
    unit: str
    text: str = ""

    @property
    def has_standard(self) -> bool:
        return self.amount is not None

    def duration(self) -> Duration:
        return Duration.of(self.amount, self.unit) if self.has_standard else Duration()

    def __str__(self) -> str:
        """In the SOP's own unit: "2 hari" stays "2 hari", never "17 jam"."""
        if not self.has_standard:
            return str(_("as needed (Menyesuaikan)"))
        if self.amount == 0:
            return str(_("immediately (Seketika)"))
        return {
            TimeUnit.MINUTE: lambda n: ngettext("%(n)d minute", "%(n)d minutes", n),
            TimeUnit.HOUR: lambda n: ngettext("%(n)d hour", "%(n)d hours", n),
            TimeUnit.DAY: lambda n: ngettext("%(n)d day", "%(n)d days", n),
            TimeUnit.WEEK: lambda n: ngettext("%(n)d week", "%(n)d weeks", n),
        }[TimeUnit(self.unit)](self.amount) % {"n": self.amount}


@dataclass(frozen=True)
class Total:
    """The Jumlah: the sum of what has a value, and how many steps have none."""

    duration: Duration
    without_standard: int = 0

    def __str__(self) -> str:
        text = str(self.duration)
        if self.without_standard:
            extra = ngettext("%(n)d step as needed", "%(n)d steps as needed", self.without_standard) % {
                "n": self.without_standard
            }
            text = f"{text} + {extra}" if self.duration != Duration() else extra
        return text

    @property
    def parts(self) -> list[str]:
        """The Jumlah in pieces that never break inside ("122 hari", "3 jam", "+ 1 langkah …")."""
        d = self.duration
        pieces = []
        if d.days:
            pieces.append(ngettext("%(n)d day", "%(n)d days", d.days) % {"n": d.days})
        if d.hours:
            pieces.append(ngettext("%(n)d hour", "%(n)d hours", d.hours) % {"n": d.hours})
        if d.minutes:
            pieces.append(ngettext("%(n)d minute", "%(n)d minutes", d.minutes) % {"n": d.minutes})
        if not pieces and not self.without_standard:
            pieces.append("0")
        if self.without_standard:
            extra = ngettext("%(n)d step as needed", "%(n)d steps as needed", self.without_standard) % {
                "n": self.without_standard
            }
            pieces.append(f"+ {extra}" if pieces else extra)
        return pieces


def working_span(minutes: int | None, minutes_per_day: int) -> str:
    """Working minutes printed as an SOP writes a Jumlah, in working days of the agency's length:
    "13 hari 20 menit", never "110 jam 50 menit". The one way pages print a run's or step's time."""
    if minutes is None:
        return "—"
    days, rest = divmod(minutes, minutes_per_day) if minutes_per_day > 0 else (0, minutes)
    return str(Duration(days=days, minutes=rest).normalised())


def total_waktu(parts: Iterable[Waktu]) -> Total:
    """Jumlah: the exact, normalised sum of the steps' Waktu."""
    total, missing = Duration(), 0
    for waktu in parts:
        if waktu.has_standard:
            total = total + waktu.duration()
        else:
            missing += 1
    return Total(total.normalised(), missing)


def total_duration(parts: Iterable[tuple[int, str]]) -> Duration:
    """The exact, normalised sum of (amount, unit) pairs."""
    return total_waktu(Waktu(amount, unit) for amount, unit in parts).duration
