"""Reporting periods: a quarter (triwulan), a semester, or a year. Written 2026-TW1, 2026-S2, 2026."""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PeriodKind(models.TextChoices):
    QUARTER = "triwulan", gettext_lazy("Quarter (triwulan)")
    SEMESTER = "semester", gettext_lazy("Semester")
    YEAR = "tahunan", gettext_lazy("Year (tahunan)")


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?:TW(?P<q>[1-4]))|(?:S(?P<s>[12]))))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str
    number: int = 0  # quarter 1-4, semester 1-2, 0 for the year

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PATTERN.match(text.strip().upper())
        if not match:
            raise ValueError(
                _("Unknown period %(text)s: use 2026-TW1 … 2026-TW4, 2026-S1, 2026-S2 or 2026.") % {"text": text}
            )
        year = int(match["year"])
        if match["q"]:
            return cls(year, PeriodKind.QUARTER, int(match["q"]))
        if match["s"]:
            return cls(year, PeriodKind.SEMESTER, int(match["s"]))
        return cls(year, PeriodKind.YEAR)

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        return cls(year, PeriodKind.QUARTER, number)

    def __str__(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-TW{self.number}"
        if self.kind == PeriodKind.SEMESTER:
            return f"{self.year}-S{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return _("Triwulan %(roman)s %(year)d") % {"roman": ROMAN[self.number], "year": self.year}
        if self.kind == PeriodKind.SEMESTER:
            return _("Semester %(roman)s %(year)d") % {"roman": ROMAN[self.number], "year": self.year}
        return _("Year %(year)d") % {"year": self.year}

    def quarters(self) -> list[int]:
        """The quarters this period covers."""
        if self.kind == PeriodKind.QUARTER:
            return [self.number]
        if self.kind == PeriodKind.SEMESTER:
            return [2 * self.number - 1, 2 * self.number]
        return [1, 2, 3, 4]

    def quarters_to_date(self) -> list[int]:
        """Quarters from the start of the year to the end of this period (for cumulative figures)."""
        return list(range(1, self.quarters()[-1] + 1))

    def parts(self) -> list["Period"]:
        """What must be finished before this period can be reported on: S1 needs TW I and II."""
        if self.kind == PeriodKind.SEMESTER:
            return [Period.quarter(self.year, q) for q in self.quarters()]
        if self.kind == PeriodKind.YEAR:
            return [Period(self.year, PeriodKind.SEMESTER, 1), Period(self.year, PeriodKind.SEMESTER, 2)]
        return []


def periods_of(year: int) -> list[Period]:
    periods = [Period.quarter(year, q) for q in (1, 2, 3, 4)]
    periods += [
        Period(year, PeriodKind.SEMESTER, 1),
        Period(year, PeriodKind.SEMESTER, 2),
        Period(year, PeriodKind.YEAR),
    ]
    return periods


def period_choices(year: int) -> list[tuple[str, str]]:
    return [(str(p), p.label) for p in periods_of(year)]
