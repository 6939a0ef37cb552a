"""The agency's working calendar: working days and hours, Indonesian public holidays and
cuti bersama (from the `holidays` package), and the agency's own extra days off.

"1 hari" in a Mutu Baku is one working day, "1 minggu" five of them (SOP_WORKING_DAYS_PER_WEEK);
"jam" and "menit" are working time ("jam kerja", "hari kerja" say the same explicitly).
Calendar time ("3 hari kalender", "1x24 jam", "1 bulan") runs on the clock from the moment the step is
handed out, weekends, holidays and nights included; its deadline stays where the clock puts it.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from workflow.sop.waktu import CalendarSpan, TimeUnit, Waktu, days_per_week


@lru_cache(maxsize=1)
def _national_holidays() -> holidays.HolidayBase:
    # Civil servants are off on public holidays and on cuti bersama (the "government" category).
    return holidays.Indonesia(categories=(holidays.PUBLIC, holidays.GOVERNMENT), language="id")


def national_holiday(day: datetime.date) -> str | None:
    return _national_holidays().get(day)


def months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months later; the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def calendar_later(moment: datetime.datetime, span: CalendarSpan) -> datetime.datetime:
    """`moment` plus calendar time: the months first, then days, hours and minutes on the clock."""
    moment = months_later(moment, span.months)
    return moment + datetime.timedelta(days=span.days, hours=span.hours, minutes=span.minutes)


# For a run's standard in working minutes, calendar time counts at the working share of the week
# (5 of 7 days, each of the agency's working length) and a month at its average of 30 days.
AVERAGE_MONTH_DAYS = 30


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo
    work_days: frozenset[int]  # ISO weekdays, 1 = Monday
    starts: datetime.time
    ends: datetime.time
    days_off: frozenset[datetime.date] = frozenset()

    @classmethod
    def for_agency(cls, agency) -> "WorkingCalendar":
        return cls(
            zone=agency.zone,
            work_days=frozenset(int(d) for d in agency.work_days),
            starts=agency.work_starts,
            ends=agency.work_ends,
            days_off=frozenset(agency.days_off.values_list("date", flat=True)),
        )

    @property
    def minutes_per_day(self) -> int:
        return (self.ends.hour * 60 + self.ends.minute) - (self.starts.hour * 60 + self.starts.minute)

    def is_working_day(self, day: datetime.date) -> bool:
        return day.isoweekday() in self.work_days and day not in self.days_off and national_holiday(day) is None

    def next_working_day(self, day: datetime.date) -> datetime.date:
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        day -= datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day -= datetime.timedelta(days=1)
        return day

    def days_before(self, moment: datetime.datetime, amount: int) -> datetime.datetime:
        """The same clock time `amount` working days before `moment` (a reminder before a deadline)."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(amount):
            day = self.previous_working_day(day)
        return self._at(day, local.timetz().replace(tzinfo=None))

    def _at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, self.zone)

    def working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """The moment itself if it is inside working hours, else the start of the next working time."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.starts:
                return self._at(day, self.starts)
            if local.time() < self.ends:
                return local
        return self._at(self.next_working_day(day), self.starts)

    def add(self, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
        """The deadline `amount` `unit`s of working time after `start`."""
        moment = self.working_moment(start)
        if unit in (TimeUnit.DAY, TimeUnit.WEEK):
            day = moment.date()
            for _ in range(amount * (days_per_week() if unit == TimeUnit.WEEK else 1)):
                day = self.next_working_day(day)
            return self._at(day, moment.timetz().replace(tzinfo=None))
        remaining = amount * (60 if unit == TimeUnit.HOUR else 1)
        while True:
            end_of_day = self._at(moment.date(), self.ends)
            available = int((end_of_day - moment).total_seconds() // 60)
            if remaining <= available:
                return moment + datetime.timedelta(minutes=remaining)
            remaining -= available
            moment = self._at(self.next_working_day(moment.date()), self.starts)

    def working_minutes(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working minutes between two moments (0 when end is not after start)."""
        if end <= start:
            return 0
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        total = 0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                lower = max(start, self._at(day, self.starts))
                upper = min(end, self._at(day, self.ends))
                if upper > lower:
                    total += int((upper - lower).total_seconds() // 60)
            day += datetime.timedelta(days=1)
        return total

    def due(self, start: datetime.datetime, waktu: Waktu) -> datetime.datetime | None:
        """The deadline of a step's Waktu; none for "Menyesuaikan" (no standard), "Seketika" (done at once)
        and "-" (no time). Calendar time is added on the clock from `start` ("3 hari kalender" from a Friday
        is due on Monday at the same hour), working time on working time. An estimate counts at its number,
        a time per item for one item, a range at its upper bound (the Jumlah's rules)."""
        if not waktu.amount:
            return None
        if waktu.on_calendar:
            return calendar_later(start.astimezone(self.zone), waktu.calendar_span())
        return self.add(start, waktu.amount, waktu.unit)

    def waktu_minutes(self, waktu: Waktu) -> int:
        """A step's Waktu in working minutes, to compare with the actual working time (0 without one).
        Calendar time counts at its average working share (see AVERAGE_MONTH_DAYS)."""
        if not waktu.has_standard:
            return 0
        if not waktu.on_calendar:
            return self.standard_minutes(waktu.amount, waktu.unit)
        span = waktu.calendar_span()
        clock_minutes = ((span.months * AVERAGE_MONTH_DAYS + span.days) * 24 + span.hours) * 60 + span.minutes
        return clock_minutes * len(self.work_days) * self.minutes_per_day // (7 * 24 * 60)

    def standard_minutes(self, amount: int | None, unit: str) -> int:
        """A Mutu Baku Waktu in working minutes, so it can be compared with the actual time (0 without one)."""
        if amount is None:
            return 0
        per_unit = {
            TimeUnit.MINUTE: 1,
            TimeUnit.HOUR: 60,
            TimeUnit.DAY: self.minutes_per_day,
            TimeUnit.WEEK: self.minutes_per_day * days_per_week(),
        }[TimeUnit(unit)]
        return amount * per_unit
