"""Waktu of the Mutu Baku, and the Jumlah row that totals it.

Minutes, hours and days are added up separately. Minutes are then folded into hours.
Hours are not folded into days: a "hari" in an SOP is a working day, not 24 hours, and its
length differs between agencies, so "3 jam" stays "3 jam" next to "122 hari".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class TimeUnit(models.TextChoices):
    MINUTE = "menit", _("minutes")
    HOUR = "jam", _("hours")
    DAY = "hari", _("days")


@dataclass(frozen=True)
class Duration:
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @classmethod
    def of(cls, amount: int, unit: str) -> "Duration":
        return {
            TimeUnit.MINUTE: cls(minutes=amount),
            TimeUnit.HOUR: cls(hours=amount),
            TimeUnit.DAY: cls(days=amount),
        }[TimeUnit(unit)]

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


def total_duration(parts: Iterable[tuple[int, str]]) -> Duration:
    """Jumlah: the exact, normalised sum of (amount, unit) pairs."""
    total = Duration()
    for amount, unit in parts:
        total = total + Duration.of(amount, unit)
    return total.normalised()
