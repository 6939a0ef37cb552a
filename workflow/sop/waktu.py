"""Waktu of the Mutu Baku, and the Jumlah row that totals it.

A step's Waktu is kept as written and read into a value (workflow.sop.text.parse_waktu):
- an amount of menit, jam, hari or minggu of working time ("15 menit", "4 jam kerja", "1 Minggu");
- calendar time: "3 hari kalender", "1x24 jam" (24 jam on the clock), "1 bulan" (a calendar month);
- zero for "Seketika"; none at all for "Menyesuaikan" (no standard: no deadline, no overdue mark);
- no time at all for "-" or "–" (Mulai/Selesai rows): nothing to count, nothing due;
- with what the office added kept beside the value: "± 15 menit" is an estimate (counted at its number),
  "10 menit/berkas" a time per item (counted for one item), "1-3 hari" a range (counted at its upper bound).

The Jumlah adds working minutes, hours and days separately; minutes fold into hours, weeks into working
days (settings.SOP_WORKING_DAYS_PER_WEEK, 5 by default). Hours are not folded into days: a "hari" is a
working day, whose length differs between agencies, so "3 jam" stays "3 jam" next to "122 hari".
Calendar time is added apart from working time, never mixed into it: minutes fold into hours, 24 hours
into a calendar day, a week is 7 calendar days, and months stay months (their length differs).
Steps without a standard are counted, not guessed: "… + 1 langkah menyesuaikan". Whatever was assumed
(calendar time apart, estimates, per-item times, ranges) is said in the Jumlah's notes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# What offices write on Mulai/Selesai rows that take no time.
NO_TIME = frozenset({"-", "–", "—", "--"})


class TimeUnit(models.TextChoices):
    MINUTE = "menit", _("minutes")
    HOUR = "jam", _("hours")
    DAY = "hari", _("days")
    WEEK = "minggu", _("weeks")
    MONTH = "bulan", _("months")


def days_per_week() -> int:
    return getattr(settings, "SOP_WORKING_DAYS_PER_WEEK", 5)


def _amounts(minutes: int = 0, hours: int = 0, days: int = 0, months: int = 0) -> list[str]:
    """Amounts in the SOP's words, largest first: ["1 bulan", "4 hari", "30 menit"]."""
    pieces = []
    if months:
        pieces.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    if days:
        pieces.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        pieces.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        pieces.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return pieces


@dataclass(frozen=True)
class Duration:
    """Working time: working days, hours and minutes."""

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
        return " ".join(_amounts(self.minutes, self.hours, self.days)) or "0"


@dataclass(frozen=True)
class CalendarSpan:
    """Calendar time: months, and days of 24 hours on the clock (weekends and holidays included)."""

    months: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @classmethod
    def of(cls, amount: int, unit: str) -> "CalendarSpan":
        return {
            TimeUnit.MINUTE: lambda: cls(minutes=amount),
            TimeUnit.HOUR: lambda: cls(hours=amount),
            TimeUnit.DAY: lambda: cls(days=amount),
            TimeUnit.WEEK: lambda: cls(days=amount * 7),
            TimeUnit.MONTH: lambda: cls(months=amount),
        }[TimeUnit(unit)]()

    def __add__(self, other: "CalendarSpan") -> "CalendarSpan":
        return CalendarSpan(
            self.months + other.months, self.days + other.days, self.hours + other.hours, self.minutes + other.minutes
        )

    def normalised(self) -> "CalendarSpan":
        """Minutes into hours, 24 hours into a day; months stay months (28 to 31 days)."""
        hours = self.hours + self.minutes // 60
        return CalendarSpan(self.months, self.days + hours // 24, hours % 24, self.minutes % 60)

    def __bool__(self) -> bool:
        return self != CalendarSpan()

    def __str__(self) -> str:
        """ "1 bulan 4 hari kalender": the word says it is not working time."""
        amounts = " ".join(_amounts(self.minutes, self.hours, self.days, self.months)) or "0"
        return gettext("%(span)s calendar") % {"span": amounts}


@dataclass(frozen=True)
class Waktu:
    """One step's Waktu: its value (amount and unit; None when it has none) and its text as written."""

    amount: int | None
    unit: str
    text: str = ""
    calendar: bool = False  # "hari kalender", "1x24 jam", "bulan": on the clock, not working time
    approximate: bool = False  # "± 15 menit": an estimate, counted at its number
    per: str = ""  # "10 menit/berkas": the item the time is written for, counted once
    low: int | None = None  # "1-3 hari": the lower bound; the standard is the upper bound (amount)

    @property
    def has_standard(self) -> bool:
        return self.amount is not None

    @property
    def no_time(self) -> bool:
        """Written "-": the step takes no time (Mulai/Selesai rows); unlike Menyesuaikan, nothing is missing."""
        return self.amount is None and self.text.strip() in NO_TIME

    @property
    def on_calendar(self) -> bool:
        return self.has_standard and (self.calendar or self.unit == TimeUnit.MONTH)

    def duration(self) -> Duration:
        """The working time of the step (none for calendar time, see calendar_span)."""
        if not self.has_standard or self.on_calendar:
            return Duration()
        return Duration.of(self.amount, self.unit)

    def calendar_span(self) -> CalendarSpan:
        return CalendarSpan.of(self.amount, self.unit) if self.on_calendar else CalendarSpan()

    def __str__(self) -> str:
        """In the SOP's own unit: "2 hari" stays "2 hari", never "17 jam"; "± 1–3 hari kalender"."""
        if self.no_time:
            return "-"
        if not self.has_standard:
            return str(_("as needed (Menyesuaikan)"))
        if self.amount == 0:
            return str(_("immediately (Seketika)"))
        text = {
            TimeUnit.MINUTE: lambda n: ngettext("%(n)d minute", "%(n)d minutes", n),
            TimeUnit.HOUR: lambda n: ngettext("%(n)d hour", "%(n)d hours", n),
            TimeUnit.DAY: lambda n: ngettext("%(n)d day", "%(n)d days", n),
            TimeUnit.WEEK: lambda n: ngettext("%(n)d week", "%(n)d weeks", n),
            TimeUnit.MONTH: lambda n: ngettext("%(n)d month", "%(n)d months", n),
        }[TimeUnit(self.unit)](self.amount) % {"n": self.amount}
        if self.low is not None:
            text = f"{self.low}–{text}"
        if self.calendar and self.unit != TimeUnit.MONTH:
            text = gettext("%(span)s calendar") % {"span": text}
        if self.per:
            text = f"{text}/{self.per}"
        return f"± {text}" if self.approximate else text

    @property
    def counted(self) -> "Waktu":
        """What the Jumlah and the deadline count: the upper bound, once, at its number."""
        return replace(self, text="", approximate=False, per="", low=None)


def _quoted(parts: Iterable[Waktu]) -> str:
    return ", ".join(f"“{waktu.text.strip()}”" for waktu in parts)


@dataclass(frozen=True)
class Total:
    """The Jumlah: working time and calendar time, each summed apart; the steps without a standard counted;
    and what was assumed to count the rest (estimates, per-item times, ranges), said in its notes."""

    duration: Duration
    without_standard: int = 0
    calendar: CalendarSpan = field(default_factory=CalendarSpan)
    estimates: tuple[Waktu, ...] = ()
    per_item: tuple[Waktu, ...] = ()
    ranges: tuple[Waktu, ...] = ()
    no_time: int = 0

    @property
    def approximate(self) -> bool:
        return bool(self.estimates)

    def __str__(self) -> str:
        return " ".join(self.parts)

    @property
    def parts(self) -> list[str]:
        """The Jumlah in pieces that never break inside ("± 122 hari", "3 jam", "+ 3 hari kalender", …)."""
        d = self.duration
        pieces = _amounts(d.minutes, d.hours, d.days)
        if self.calendar:
            pieces.append(f"+ {self.calendar}" if pieces else str(self.calendar))
        if not pieces and not self.without_standard:
            pieces.append("0")
        if self.without_standard:
            extra = ngettext("%(n)d step as needed", "%(n)d steps as needed", self.without_standard) % {
                "n": self.without_standard
            }
            pieces.append(f"+ {extra}" if pieces else extra)
        if self.approximate:
            pieces[0] = f"± {pieces[0]}"
        return pieces

    @property
    def notes(self) -> list[str]:
        """What was assumed, in the reader's language: printed under the Jumlah."""
        notes = []
        if self.calendar:
            notes.append(
                gettext(
                    "Calendar time (hari kalender, 1x24 jam, bulan) is totalled apart from working time; "
                    "24 calendar hours make 1 calendar day."
                )
            )
        if self.calendar.months:
            notes.append(gettext("1 bulan is counted as 1 calendar month, not as a number of days."))
        if self.estimates:
            notes.append(
                ngettext(
                    "±: %(texts)s is an estimate, counted at its number.",
                    "±: %(texts)s are estimates, each counted at its number.",
                    len(self.estimates),
                )
                % {"texts": _quoted(self.estimates)}
            )
        for waktu in self.per_item:
            notes.append(gettext("%(text)s is counted for 1 %(item)s.") % {"text": _quoted([waktu]), "item": waktu.per})
        for waktu in self.ranges:
            notes.append(
                gettext("%(text)s is counted at its upper bound, %(upper)s.")
                % {"text": _quoted([waktu]), "upper": str(waktu.counted)}
            )
        if self.no_time:
            notes.append(gettext("A step written “-” takes no time and adds nothing."))
        return notes


def working_span(minutes: int | None, minutes_per_day: int) -> str:
    """Working minutes printed as an SOP writes a Jumlah, in working days of the agency's length:
    "13 hari 20 menit", never "110 jam 50 menit". The one way pages print a run's or step's time."""
    if minutes is None:
        return "—"
    days, rest = divmod(minutes, minutes_per_day) if minutes_per_day > 0 else (0, minutes)
    return str(Duration(days=days, minutes=rest).normalised())


def _distinct(parts: list[Waktu]) -> tuple[Waktu, ...]:
    seen, kept = set(), []
    for waktu in parts:
        key = waktu.text.strip().casefold()
        if key not in seen:
            seen.add(key)
            kept.append(waktu)
    return tuple(kept)


def total_waktu(parts: Iterable[Waktu]) -> Total:
    """Jumlah: the exact, normalised sum of the steps' Waktu, working and calendar time apart.

    An estimate counts at its number, a per-item time once, a range at its upper bound; "-" adds nothing
    and Menyesuaikan is counted as a step without a standard. Each assumption is kept for the notes."""
    working, calendar, missing, no_time = Duration(), CalendarSpan(), 0, 0
    estimates, per_item, ranges = [], [], []
    for waktu in parts:
        if waktu.no_time:
            no_time += 1
            continue
        if not waktu.has_standard:
            missing += 1
            continue
        working = working + waktu.duration()
        calendar = calendar + waktu.calendar_span()
        if waktu.approximate:
            estimates.append(waktu)
        if waktu.per:
            per_item.append(waktu)
        if waktu.low is not None:
            ranges.append(waktu)
    return Total(
        working.normalised(),
        missing,
        calendar.normalised(),
        _distinct(estimates),
        _distinct(per_item),
        _distinct(ranges),
        no_time,
    )


def total_duration(parts: Iterable[tuple[int, str]]) -> Duration:
    """The exact, normalised sum of (amount, unit) pairs of working time."""
    return total_waktu(Waktu(amount, unit) for amount, unit in parts).duration
