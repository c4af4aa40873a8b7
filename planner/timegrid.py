"""The UTC interval grid of a planning week (or period of weeks), and local <-> UTC helpers.

A planning week is [Monday 00:00, next Monday 00:00) in the home time zone; in UTC it
holds 167, 168 or 169 hours around DST changes. A planning period of N weeks is
[Monday 00:00 of its first week, Monday 00:00 N weeks later). All computation happens on
UTC instants; local times exist only at the edges.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from planner.errors import PlannerError

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{2})$")


def parse_week(text: str) -> tuple[int, int]:
    """Parse an ISO week like "2026-W49" into (year, week), or raise naming the value."""
    m = _WEEK_RE.match(str(text).strip().upper())
    if m:
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
            return year, week
        except ValueError:
            pass
    raise PlannerError(f'week: expected an ISO week like "2026-W49", got {text!r}')


def week_label(year: int, week: int) -> str:
    """Return the ISO week label "YYYY-Www"."""
    return f"{year:04d}-W{week:02d}"


def week_monday(week: str) -> date:
    """Return the local Monday of an ISO week label."""
    year, wk = parse_week(week)
    return date.fromisocalendar(year, wk, 1)


def previous_week(week: str) -> str:
    """Return the ISO week before `week`."""
    iso = (week_monday(week) - timedelta(days=7)).isocalendar()
    return week_label(iso.year, iso.week)


def next_week(today: date | None = None) -> str:
    """Return the ISO week after the one containing `today` (default: today)."""
    d = (today or date.today()) + timedelta(days=7)
    iso = d.isocalendar()
    return week_label(iso.year, iso.week)


def local_midnight_utc(day: date, tz: str) -> pd.Timestamp:
    """Return 00:00 of a local calendar day in zone `tz`, as a UTC timestamp."""
    return pd.Timestamp(datetime(day.year, day.month, day.day), tz=ZoneInfo(tz)).tz_convert("UTC")


def local_to_utc(day: date, minutes: float, tz: str) -> pd.Timestamp:
    """Return the UTC instant of local wall-clock `minutes` after 00:00 on `day` in `tz`.

    The same rule as the history loader: a nonexistent local time (spring forward) is
    shifted forward by the gap (02:30 -> 03:30 in Berlin); an ambiguous one (fall back)
    is the first occurrence (the daylight-saving one). This is Python's fold=0.
    """
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return pd.Timestamp(wall.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc))


def week_bounds(week: str, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the UTC [start, end) of an ISO week cut in local time zone `tz`."""
    monday = week_monday(week)
    return local_midnight_utc(monday, tz), local_midnight_utc(monday + timedelta(days=7), tz)


def week_grid(week: str, tz: str, interval_minutes: int = 60) -> pd.DatetimeIndex:
    """Return the UTC interval starts of a planning week (167/168/169 hourly around DST)."""
    start, end = week_bounds(week, tz)
    return pd.date_range(start, end, freq=f"{interval_minutes}min", inclusive="left", name="interval_start")


def check_weeks(weeks: int) -> int:
    """Return `weeks` (a planning period's length in ISO weeks) or raise if it is not a whole number >= 1."""
    if isinstance(weeks, bool) or not isinstance(weeks, (int, np.integer)) or weeks < 1:
        raise PlannerError(f"weeks: a planning period is a whole number of ISO weeks, at least 1; got {weeks!r}")
    return int(weeks)


def period_bounds(first_week: str, weeks: int, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the UTC [start, end) of `weeks` consecutive ISO weeks from `first_week`, cut in local zone `tz`."""
    monday = week_monday(first_week)
    return local_midnight_utc(monday, tz), local_midnight_utc(monday + timedelta(days=7 * check_weeks(weeks)), tz)


def period_dates(first_week: str, weeks: int = 1) -> list[date]:
    """Return the local dates Monday of `first_week` to the Sunday `weeks` weeks on (7 x weeks dates)."""
    monday = week_monday(first_week)
    return [monday + timedelta(days=i) for i in range(7 * check_weeks(weeks))]


def period_label(first_week: str, weeks: int = 1) -> str:
    """Return a planning period as people say it: "2026-W49", or "2026-W49 to 2026-W50" for two weeks."""
    if check_weeks(weeks) == 1:
        return first_week
    iso = (week_monday(first_week) + timedelta(days=7 * (weeks - 1))).isocalendar()
    return f"{first_week} to {week_label(iso.year, iso.week)}"


def period_grid(first_week: str, weeks: int, tz: str, interval_minutes: int = 60) -> pd.DatetimeIndex:
    """Return the UTC interval starts of `weeks` consecutive planning weeks from `first_week`."""
    start, end = period_bounds(first_week, weeks, tz)
    return pd.date_range(start, end, freq=f"{interval_minutes}min", inclusive="left", name="interval_start")


def grid_phase_minutes(tz: str, interval_minutes: int, when: date | None = None) -> int:
    """Return the offset (minutes) of the grid against whole UTC intervals for zone `tz`.

    Zones such as Asia/Kolkata (UTC+5:30) put local midnight at :30 UTC, so an hourly
    grid there starts at :30. Computed from the zone's offset at `when` (default: today).
    """
    when = when or date.today()
    offset = local_midnight_utc(when, tz) - pd.Timestamp(datetime(when.year, when.month, when.day), tz="UTC")
    return int((offset.total_seconds() // 60) % interval_minutes)


def floor_to_grid(times: pd.Series | pd.DatetimeIndex, interval_minutes: int, phase_minutes: int = 0):
    """Floor UTC instants to the start of their grid interval (grid shifted by `phase_minutes`)."""
    shift = pd.Timedelta(minutes=phase_minutes)
    if isinstance(times, pd.Series):
        return (times - shift).dt.floor(f"{interval_minutes}min") + shift
    return (times - shift).floor(f"{interval_minutes}min") + shift


def open_mask(starts: pd.DatetimeIndex | pd.Series, open_hours: tuple[time, time] | None, tz: str,
              interval_minutes: int) -> np.ndarray:
    """Return True where an interval overlaps the local opening hours (open, close) in zone `tz`.

    None means open around the clock. A close of 24:00 (23:59:59.999999) means midnight.
    """
    starts = pd.DatetimeIndex(starts)
    if open_hours is None:
        return np.ones(len(starts), dtype=bool)
    local = starts.tz_convert(ZoneInfo(tz))
    minute = local.hour.to_numpy() * 60.0 + local.minute.to_numpy()
    lo, hi = (t.hour * 60 + t.minute + (t.second + t.microsecond / 1e6) / 60 for t in open_hours)
    return (minute < hi) & (minute + interval_minutes > lo)


def to_local(times: pd.Series, tz: str) -> pd.Series:
    """Convert UTC instants to wall-clock times in `tz` (tz-aware)."""
    return times.dt.tz_convert(ZoneInfo(tz))
