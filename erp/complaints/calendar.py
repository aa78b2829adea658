"""Business hours: pure functions over a `WorkCalendar` (working weekdays, daily hours, holidays, time zone).

Deadlines count wall-clock working time in the calendar's zone (Africa/Cairo by default): a day's window is
[day_start, day_end) on a working weekday that is not a holiday. `add_business_hours(start, hours, cal)` is the
moment `hours` of working time after `start` (a start outside the window counts from the next opening);
`business_hours_between(a, b, cal)` is the working time in [a, b), in hours. For any start and hours ≥ 0,
``business_hours_between(start, add_business_hours(start, h, cal), cal) == h``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

CAIRO = ZoneInfo("Africa/Cairo")
MAX_DAYS = 3660  # a calendar with no working day at all would loop for ever: ten years is the horizon


@dataclass(frozen=True)
class WorkCalendar:
    workdays: frozenset[int] = frozenset({5, 6, 0, 1, 2, 3})  # Python weekdays; Egypt: Friday off
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)
    tz: ZoneInfo = CAIRO

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.day_start, tzinfo=self.tz),
            datetime.combine(day, self.day_end, tzinfo=self.tz),
        )


def _local(moment: datetime, cal: WorkCalendar) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business-hour arithmetic needs aware datetimes")
    return moment.astimezone(cal.tz)


def _seconds(hours: float | int | Decimal) -> int:
    return int(round(Decimal(str(hours)) * 3600))


def add_business_hours(start: datetime, hours: float | int | Decimal, calendar: WorkCalendar) -> datetime:
    """The moment `hours` working hours after `start` (in the calendar's zone)."""
    remaining = _seconds(hours)
    if remaining < 0:
        raise ValueError("hours must not be negative")
    moment = _local(start, calendar)
    if remaining == 0:
        return moment
    day = moment.date()
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin = max(moment, opens)
            if begin < closes:
                available = int((closes - begin).total_seconds())
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)
        moment = datetime.combine(day, time.min, tzinfo=calendar.tz)
    raise ValueError("the calendar has no working time within ten years")


def business_hours_between(a: datetime, b: datetime, calendar: WorkCalendar) -> Decimal:
    """Working hours in [a, b) (negative when b is before a), to the second."""
    if b < a:
        return -business_hours_between(b, a, calendar)
    start, end = _local(a, calendar), _local(b, calendar)
    total = 0
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            lo, hi = max(start, opens), min(end, closes)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        day += timedelta(days=1)
    return Decimal(total) / Decimal(3600)


def calendar_from(
    *, workdays: Iterable[int], day_start: time, day_end: time, holidays: Iterable[date] = ()
) -> WorkCalendar:
    return WorkCalendar(
        workdays=frozenset(int(d) for d in workdays),
        day_start=day_start,
        day_end=day_end,
        holidays=frozenset(holidays),
    )
