"""Durations, dates and periods as consultants type them. Pure functions: no clock of their own
(today is passed in), so tests and summaries agree on what "yesterday" means."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, time, timedelta

from seolog.errors import UsageError

_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?)?)?)?\s*$",
    re.I,
)
_H_THEN_MINUTES = re.compile(r"^\s*(?P<h>\d+)\s*h\s*(?P<m>[0-5]?\d)\s*$", re.I)  # 1h30, not 1h70
# 1h70, 1h 70m, 1:70: minutes past the hour that are not (once taken as 2h10)
_MINUTES_OVER = re.compile(r"^\s*(?P<h>\d+)\s*(?:h\s*|:)(?P<m>\d+)\s*(?:m(?:in(?:utes?)?)?)?\s*$")
_CLOCK = re.compile(r"^\s*(?P<h>\d+):(?P<m>[0-5]\d)\s*$")  # 1:30
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_MINUTES = 24 * 60


def parse_duration(text: str) -> int:
    """Minutes from `90m`, `1h30`, `1h 30m`, `1.5h`, `2h`, `1:30`. Zero and over 24h are refused."""
    value = text.strip().lower()
    over = _MINUTES_OVER.match(value)
    if over and int(over["m"]) >= 60:
        hours, rest = divmod(int(over["h"]) * 60 + int(over["m"]), 60)
        raise UsageError(
            f"the minutes in {text!r} are 60 or more",
            hint=f"did you mean {hours}h{rest:02d}? after the hours, give 0-59 minutes",
        )
    minutes: float | None = None
    for pattern in (_H_THEN_MINUTES, _CLOCK):
        m = pattern.match(value)
        if m:
            minutes = int(m["h"]) * 60 + int(m["m"])
            break
    else:
        m = _DURATION.match(value)
        if m and (m["h"] or m["m"]):
            minutes = float((m["h"] or "0").replace(",", ".")) * 60 + int(m["m"] or 0)
    if minutes is None:
        raise UsageError(
            f"cannot read the duration {text!r}", hint="write it like 90m, 1h30, 1.5h or 1:30"
        )
    whole = round(minutes)
    if whole <= 0:
        raise UsageError(f"the duration {text!r} is zero", hint="log at least one minute")
    if whole > MAX_MINUTES:
        raise UsageError(
            f"the duration {text!r} is longer than a day", hint="split it into one entry per day"
        )
    return whole


def format_minutes(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}" if h else f"{m}m"


def parse_date(text: str, today: date) -> date:
    """`today`, `yesterday`, `2026-11-03`, or a weekday (`mon`, `monday`: the latest one, today
    included)."""
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if value[:3] in WEEKDAYS and (len(value) == 3 or value.endswith("day") or value == "tues"):
        back = (today.weekday() - WEEKDAYS.index(value[:3])) % 7
        return today - timedelta(days=back)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"cannot read the date {text!r}",
            hint="use today, yesterday, a weekday like mon, or YYYY-MM-DD",
        ) from None


def parse_clock(text: str, what: str) -> time:
    """`9:30`, `09:30`, `17:05` (24-hour)."""
    m = re.match(r"^\s*(\d{1,2}):(\d{2})\s*$", text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise UsageError(
            f"cannot read the {what} time {text!r}", hint="use 24-hour HH:MM, e.g. 09:30"
        )
    return time(int(m[1]), int(m[2]))


def span_minutes(day: date, start: time, end: time) -> int:
    minutes = int((datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() // 60)
    if minutes <= 0:
        raise UsageError(
            f"the end ({end:%H:%M}) is not after the start ({start:%H:%M})",
            hint="use 24-hour times on the same day, e.g. --start 09:00 --end 10:30",
        )
    return minutes


def parse_period(text: str, today: date) -> tuple[date, date]:
    """An inclusive date range from `today`, `yesterday`, `this-week`, `last-week`, `this-month`,
    `last-month`, `this-year`, `last-year`, `2026-10` or `2026`."""
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        day = parse_date(value, today)
        return day, day
    if value in ("this-week", "last-week"):
        monday = today - timedelta(days=today.weekday())
        if value == "last-week":
            monday -= timedelta(days=7)
        return monday, monday + timedelta(days=6)
    if value in ("this-month", "last-month"):
        year, month = today.year, today.month
        if value == "last-month":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if value in ("this-year", "last-year"):
        year = today.year - (value == "last-year")
        return date(year, 1, 1), date(year, 12, 31)
    m = re.match(r"^(\d{4})-(\d{2})$", value)
    if m and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if re.match(r"^\d{4}$", value):
        return date(int(value), 1, 1), date(int(value), 12, 31)
    raise UsageError(
        f"cannot read the period {text!r}",
        hint="use this-month, last-month, this-week, last-week, this-year, 2026-10 or 2026",
    )


def parse_moment(text: str, today: date, what: str) -> datetime:
    """A moment in the machine's time zone: `17:30` (today), `yesterday 17:30`, `mon 09:15`,
    `2026-11-26 18:57` (or with a T). Used by `logs start --at` and `logs stop --at`."""
    value = " ".join(re.sub(r"(\d{4}-\d{2}-\d{2})[Tt]", r"\1 ", text).split())
    day_text, _, clock_text = value.rpartition(" ")
    day = parse_date(day_text, today) if day_text else today
    return datetime.combine(day, parse_clock(clock_text, what)).astimezone()


def yes_no(text: str) -> bool | None:
    """yes/no (y, true, 1 / n, false, 0; any case) as a bool, empty as None: how spreadsheets and
    time trackers write a billable flag. Anything else is ValueError, for the caller to name."""
    value = text.strip().lower()
    if not value:
        return None
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("no", "n", "false", "0"):
        return False
    raise ValueError(text)
