"""Business-hour arithmetic with fixed clocks: weekends (Friday), holidays, after-hours starts, and the
round-trip property between `add_business_hours` and `business_hours_between`."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.complaints.calendar import CAIRO, WorkCalendar, add_business_hours, business_hours_between

CAL = WorkCalendar()  # Saturday–Thursday, 09:00–17:00 Cairo


def cairo(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CAIRO)


# 2026-01-01 is a Thursday; 2026-01-02 a Friday; 2026-01-03 a Saturday.


def test_within_the_same_day() -> None:
    assert add_business_hours(cairo(2026, 1, 3, 10), 4, CAL) == cairo(2026, 1, 3, 14)


def test_rolls_over_to_the_next_working_day() -> None:
    assert add_business_hours(cairo(2026, 1, 3, 15), 4, CAL) == cairo(2026, 1, 4, 11)


def test_friday_is_skipped() -> None:
    # Thursday 16:00 + 2 h: one hour Thursday, Friday off, one hour Saturday.
    assert add_business_hours(cairo(2026, 1, 1, 16), 2, CAL) == cairo(2026, 1, 3, 10)


def test_start_on_a_friday_counts_from_saturday_morning() -> None:
    assert add_business_hours(cairo(2026, 1, 2, 11), 1, CAL) == cairo(2026, 1, 3, 10)


def test_after_hours_start_counts_from_the_next_opening() -> None:
    assert add_business_hours(cairo(2026, 1, 3, 20, 30), 1, CAL) == cairo(2026, 1, 4, 10)
    assert add_business_hours(cairo(2026, 1, 3, 6), 1, CAL) == cairo(2026, 1, 3, 10)


def test_holidays_are_skipped() -> None:
    cal = WorkCalendar(holidays=frozenset({date(2026, 1, 4)}))
    assert add_business_hours(cairo(2026, 1, 3, 16), 2, cal) == cairo(2026, 1, 5, 10)


def test_seventy_two_hours_span_nine_working_days_and_a_weekend() -> None:
    # 72 h = 9 working days of 8 h: Saturday 09:00 → the next Monday-after-next 17:00 minus … computed by days:
    start = cairo(2026, 1, 3, 9)  # Saturday
    end = add_business_hours(start, 72, CAL)
    assert end == cairo(2026, 1, 12, 17)  # Sat..Thu (6 days) + Sat, Sun, Mon (3 days); Friday 9th skipped
    assert business_hours_between(start, end, CAL) == 72


def test_a_utc_input_is_read_in_cairo_time() -> None:
    from zoneinfo import ZoneInfo

    start = datetime(2026, 1, 3, 8, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Cairo (UTC+2 in January)
    assert add_business_hours(start, 1, CAL) == cairo(2026, 1, 3, 11)


def test_between_counts_only_working_time() -> None:
    assert business_hours_between(cairo(2026, 1, 1, 16), cairo(2026, 1, 3, 10), CAL) == 2
    assert business_hours_between(cairo(2026, 1, 3, 10), cairo(2026, 1, 1, 16), CAL) == -2
    assert business_hours_between(cairo(2026, 1, 2, 0), cairo(2026, 1, 2, 23), CAL) == 0


def test_zero_hours_is_the_start_and_negative_is_refused() -> None:
    assert add_business_hours(cairo(2026, 1, 2, 11), 0, CAL) == cairo(2026, 1, 2, 11)
    with pytest.raises(ValueError):
        add_business_hours(cairo(2026, 1, 3, 10), -1, CAL)


def test_naive_datetimes_and_empty_calendars_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_hours(datetime(2026, 1, 3, 10), 1, CAL)  # noqa: DTZ001
    with pytest.raises(ValueError):
        add_business_hours(cairo(2026, 1, 3, 10), 1, WorkCalendar(workdays=frozenset()))
    with pytest.raises(ValueError):
        WorkCalendar(day_start=time(17), day_end=time(9))


starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(  # noqa: DTZ001
    lambda d: d.replace(tzinfo=CAIRO, microsecond=0, second=0)
)
hours = st.integers(min_value=0, max_value=400 * 4).map(lambda q: Decimal(q) / 4)
holidays = st.frozensets(st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 6, 30)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(start=starts, h=hours, off=holidays)
def test_round_trip_between_add_and_between(start: datetime, h: Decimal, off: frozenset[date]) -> None:
    cal = WorkCalendar(holidays=off)
    end = add_business_hours(start, h, cal)
    assert end >= start
    assert business_hours_between(start, end, cal) == h
    if h:  # a deadline always falls inside working time
        assert cal.is_working_day(end.date())
        assert cal.day_start < end.time() <= cal.day_end


@settings(max_examples=100, deadline=None)
@given(start=starts, a=hours, b=hours)
def test_adding_is_monotonic_and_composes(start: datetime, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert add_business_hours(start, low, CAL) <= add_business_hours(start, high, CAL)
    if low:
        assert add_business_hours(add_business_hours(start, low, CAL), high, CAL) == add_business_hours(
            start, low + high, CAL
        )


def test_a_week_holds_forty_eight_working_hours() -> None:
    start = cairo(2026, 1, 3, 0)
    assert business_hours_between(start, start + timedelta(days=7), CAL) == 48


def test_summer_time_keeps_the_wall_clock_window() -> None:
    from zoneinfo import ZoneInfo

    # July: Cairo is UTC+3 (summer time since 2023); 06:30 UTC is 09:30 local.
    start = datetime(2026, 7, 4, 6, 30, tzinfo=ZoneInfo("UTC"))  # a Saturday
    assert add_business_hours(start, 8, CAL) == cairo(2026, 7, 5, 9, 30)
    assert business_hours_between(start, cairo(2026, 7, 4, 17), CAL) == Decimal("7.5")
