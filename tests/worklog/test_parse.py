"""How people type durations, dates, periods and rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from seolog.errors import UsageError
from seolog.worklog.money import amount, parse_rate
from seolog.worklog.parse import parse_clock, parse_date, parse_duration, parse_period, span_minutes

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90m", 90), ("1h30", 90), ("1h 30m", 90), ("1.5h", 90), ("1,5h", 90), ("2h", 120),
     ("1:30", 90), ("45 min", 45), ("3 hours", 180), ("0:01", 1)],
)  # fmt: skip
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1h61x", "0m", "25h", "-1h", "1.5"])
def test_bad_durations_say_how_to_write_one(text):
    with pytest.raises(UsageError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [("today", SUNDAY), ("yesterday", date(2026, 11, 21)), ("mon", date(2026, 11, 16)),
     ("monday", date(2026, 11, 16)), ("sun", SUNDAY), ("sat", date(2026, 11, 21)),
     ("2026-11-03", date(2026, 11, 3))],
)  # fmt: skip
def test_dates(text, day):
    assert parse_date(text, SUNDAY) == day


def test_bad_dates_and_times():
    for text in ["someday", "2026-13-01", "11/03/2026"]:
        with pytest.raises(UsageError):
            parse_date(text, SUNDAY)
    with pytest.raises(UsageError, match="not after the start"):
        span_minutes(SUNDAY, parse_clock("10:00", "start"), parse_clock("09:30", "end"))
    with pytest.raises(UsageError):
        parse_clock("25:00", "start")


@pytest.mark.parametrize(
    ("text", "span"),
    [("this-month", (date(2026, 11, 1), date(2026, 11, 30))),
     ("last-month", (date(2026, 10, 1), date(2026, 10, 31))),
     ("this-week", (date(2026, 11, 16), date(2026, 11, 22))),
     ("last-week", (date(2026, 11, 9), date(2026, 11, 15))),
     ("2026-02", (date(2026, 2, 1), date(2026, 2, 28))),
     ("2025", (date(2025, 1, 1), date(2025, 12, 31)))],
)  # fmt: skip
def test_periods(text, span):
    assert parse_period(text, SUNDAY) == span


def test_january_last_month_is_december_of_the_year_before():
    assert parse_period("last-month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_amounts_are_decimal_to_the_cent():
    rate = parse_rate("87,50")
    assert rate == Decimal("87.50")
    assert amount(20, rate) == Decimal("29.17")  # 87.50 / 3, rounded half up
    assert amount(7, Decimal("0.10")) == Decimal("0.01")
    assert sum(amount(10, Decimal("100")) for _ in range(3)) == Decimal("50.01")  # per-entry cents
    with pytest.raises(UsageError):
        parse_rate("ninety")
