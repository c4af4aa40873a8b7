"""Candidate shifts per agent and local day, generated in the agent's own time zone.

A shift belongs to the local calendar day it starts on, even when it ends after
midnight, and lasts its stated length in real (UTC) time, also on DST-change days.
A shift belongs to the planning week in which it starts (UTC start within the week); with
a planning period of several weeks (`weeks`), to the period in which it starts.

Coverage convention: a shift covers a grid interval only if the agent works the
whole interval (outside the break). When an agent's zone is offset by :30 (or :45)
from the grid, the partially worked first and last intervals count for nothing, so
the roster never overstates coverage; the paid hours still count in full.

Breaks: a shift of at least `rules.break_min_shift_hours` gets one break of
`rules.break_minutes`, starting on the grid within one hour of the shift's middle,
at whole-hour steps (hourly grid: 2-3 positions), so breaks can be staggered.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, time, timedelta
from typing import Callable, Iterable

import pandas as pd

from planner.agents import NIGHT_END_MIN, Agent
from planner.config import Config
from planner.timegrid import local_to_utc, period_bounds, period_dates

BREAK_WINDOW_MIN = 60  # the break starts within this many minutes of the shift's middle


@dataclass(frozen=True)
class CandidateShift:
    """One possible shift of one agent: start, stated length and break, in minutes from the period's start."""

    agent_id: str
    local_date: date
    start_m: int  # minutes after the planning period's UTC start
    paid_minutes: int
    break_m: int | None  # break start, minutes after the period's UTC start (None: no break)
    break_minutes: int
    start_local_min: int  # wall-clock minutes after local midnight of local_date
    intervals: tuple[int, ...]  # period-grid interval indices fully worked outside the break
    week_start: pd.Timestamp  # the planning period's UTC start

    @property
    def end_m(self) -> int:
        return self.start_m + self.paid_minutes

    @property
    def start_utc(self) -> pd.Timestamp:
        return self.week_start + pd.Timedelta(minutes=self.start_m)

    @property
    def end_utc(self) -> pd.Timestamp:
        return self.week_start + pd.Timedelta(minutes=self.end_m)

    @property
    def break_start_utc(self) -> pd.Timestamp | None:
        return None if self.break_m is None else self.week_start + pd.Timedelta(minutes=self.break_m)

    @property
    def break_end_utc(self) -> pd.Timestamp | None:
        return None if self.break_m is None else self.week_start + pd.Timedelta(
            minutes=self.break_m + self.break_minutes)


def clock_minutes(t: time | None) -> int | None:
    """Return a local clock time as minutes after midnight (23:59:59.999 -> 1440)."""
    if t is None:
        return None
    if t == time(23, 59, 59, 999999):
        return 1440
    return t.hour * 60 + t.minute


def agent_local_dates(agent: Agent, week: str, home_tz: str, weeks: int = 1) -> list[date]:
    """Return the agent's local dates on which a shift could start inside the period (`weeks` from `week`)."""
    start, end = period_bounds(week, weeks, home_tz)
    first = start.tz_convert(agent.timezone).date()
    last = (end - pd.Timedelta(seconds=1)).tz_convert(agent.timezone).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def availability_bounds(agent: Agent, day: date, start_min: int, tz_cache: Callable[[date, int], int]):
    """Return (earliest start, latest end) for a shift starting at `start_min` on `day`, or None.

    tz_cache(day, minutes) places a local clock time in the week (_LocalClock.minutes:
    minutes after the week start); the bounds come in its units, the end None when open.
    """
    es, le = clock_minutes(agent.earliest_start), clock_minutes(agent.latest_end)
    if es is None and le is None:
        return tz_cache(day, 0), None
    if es is None:
        es = 0
    if le is None:
        return (tz_cache(day, es), None) if start_min >= es else None
    if le > es:  # same-day window
        return (tz_cache(day, es), tz_cache(day, le)) if start_min >= es else None
    # window across midnight, e.g. 22:00-06:00: the evening part, or the early-morning tail
    if start_min >= es:
        return tz_cache(day, es), tz_cache(day, 1440 + le)
    if start_min < le:
        return tz_cache(day, 0), tz_cache(day, le)
    return None


class _LocalClock:
    """Memoised local wall-clock -> UTC conversion for one zone (per call, no globals).

    `origin` (a UTC week start) lets `minutes` answer in whole minutes after it, which
    is what candidate shifts are made of; agents of one zone share the memo.
    """

    def __init__(self, tz: str, origin: pd.Timestamp | None = None):
        self.tz = tz
        self.origin = origin
        self.memo: dict[tuple[date, int], pd.Timestamp] = {}
        self.offsets: dict[tuple[date, int], int] = {}
        self.real: dict[tuple[date, int], bool] = {}

    def __call__(self, day: date, minutes: int) -> pd.Timestamp:
        key = (day, minutes)
        if key not in self.memo:
            self.memo[key] = local_to_utc(day, minutes, self.tz)
        return self.memo[key]

    def minutes(self, day: date, minutes: int) -> int:
        """Return local `minutes` after midnight of `day` as minutes after the origin."""
        key = (day, minutes)
        if key not in self.offsets:
            self.offsets[key] = int((self(day, minutes) - self.origin) / pd.Timedelta(minutes=1))
        return self.offsets[key]

    def exists(self, day: date, minutes: int) -> bool:
        """Return False for a wall-clock time that a DST change skips (it maps to another clock time)."""
        key = (day, minutes)
        if key not in self.real:
            local = self(day, minutes).tz_convert(self.tz)
            self.real[key] = local.date() == day and local.hour * 60 + local.minute == minutes
        return self.real[key]


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def break_positions(start_m: int, paid_minutes: int, config: Config, mode: str = "all") -> list[int | None]:
    """Return the allowed break starts (minutes from the week start) of a shift, or [None] without a break.

    mode "all": every grid-aligned whole-hour position within BREAK_WINDOW_MIN of the
    middle; "middle": only the one nearest the middle (the first stage of solving).
    """
    rules = config.rules
    return list(_break_positions(start_m, paid_minutes, rules.break_minutes, rules.break_min_shift_hours,
                                 config.team.interval_minutes, mode))


@lru_cache(maxsize=1 << 16)
def _break_positions(start_m: int, paid_minutes: int, brk: int, min_shift_hours: float, interval_minutes: int,
                     mode: str) -> tuple[int | None, ...]:
    """break_positions on plain values, memoised: a team's shifts share few start and length pairs."""
    if brk <= 0 or paid_minutes < min_shift_hours * 60:
        return (None,)
    middle = start_m + (paid_minutes - brk) // 2
    step = max(interval_minutes, 60)
    t = -(-(middle - BREAK_WINDOW_MIN) // step) * step
    out = []
    while t <= middle + BREAK_WINDOW_MIN:
        if start_m < t and t + brk < start_m + paid_minutes:
            out.append(t)
        t += step
    if not out:
        return (middle,)
    if mode == "middle":
        return (min(out, key=lambda t: (abs(t - middle), t)),)
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def worked_intervals(start_m: int, end_m: int, break_m: int | None, break_minutes: int,
                     interval_minutes: int, n_intervals: int) -> tuple[int, ...]:
    """Return the grid interval indices worked in full between start and end, outside the break."""
    first = max(0, -(-start_m // interval_minutes))
    last = min(n_intervals, end_m // interval_minutes)
    if break_m is not None:
        be = break_m + break_minutes
        return tuple(k for k in range(first, last)
                     if not (k * interval_minutes < be and break_m < (k + 1) * interval_minutes))
    return tuple(range(first, last))


def candidate_shifts(agent: Agent, config: Config, week: str,
                     time_off: list[tuple[pd.Timestamp, pd.Timestamp]] = (),
                     previous: pd.DataFrame | None = None, breaks: str = "all",
                     clocks: dict[str, "_LocalClock"] | None = None, weeks: int = 1) -> list[CandidateShift]:
    """Return every shift the hard availability rules allow `agent` to start in the planning period.

    The period is `weeks` ISO weeks from `week` (one by default); minutes count from its start.

    Applies: allowed lengths (the start's shift type's own hours, else
    rules.shift_hours), start step, earliest start / latest end, night_ok, fixed days
    off, approved time off, one shift per local day and min rest against `previous`
    (the agent's shifts before the period: SHIFT_COLUMNS rows). `breaks` is "all" (every
    break position) or "middle" (one per shift); `clocks` shares the local-time
    conversions between agents of one zone.
    """
    rules = config.rules
    week_start, week_end = period_bounds(week, weeks, config.team.home_timezone)
    minute = pd.Timedelta(minutes=1)
    week_m = int((week_end - week_start) / minute)
    n = week_m // config.team.interval_minutes
    if clocks is None:
        clocks = {}
    clock = clocks.get(agent.timezone)
    if clock is None or clock.origin != week_start:
        clock = clocks[agent.timezone] = _LocalClock(agent.timezone, week_start)

    def m(ts: pd.Timestamp) -> int:
        return int((ts - week_start) / minute)

    rest_m = int(round(rules.min_rest_hours * 60))
    off = [(m(s), m(e)) for s, e in time_off]
    prev_spans: list[tuple[int, int]] = []
    prev_dates: set[date] = set()
    if previous is not None and len(previous):
        for row in previous.itertuples(index=False):
            prev_spans.append((m(row.start_utc) - rest_m, m(row.end_utc) + rest_m))
            prev_dates.add(pd.Timestamp(row.local_date).date() if not isinstance(row.local_date, date)
                           else row.local_date)
    # the paid minutes each local start allows (its shift type's own lengths, else rules.shift_hours)
    lengths = {s: tuple(int(round(h * 60)) for h in rules.lengths_for(s))
               for s in range(0, 1440, rules.start_step_minutes)}
    out: list[CandidateShift] = []
    for day in agent_local_dates(agent, week, config.team.home_timezone, weeks):
        if day.weekday() in agent.days_off or day in prev_dates:
            continue
        night_end, midnight = clock.minutes(day, NIGHT_END_MIN), clock.minutes(day, 1440)
        for start_min in range(0, 1440, rules.start_step_minutes):
            bounds = availability_bounds(agent, day, start_min, clock.minutes)
            if bounds is None:
                continue
            if not clock.exists(day, start_min):
                continue  # a wall-clock time skipped by a DST change
            start = clock.minutes(day, start_min)
            if not 0 <= start < week_m or start < bounds[0]:
                continue
            if not agent.night_ok and start < night_end:
                continue
            latest = bounds[1]
            for paid in lengths[start_min]:
                end = start + paid
                if latest is not None and end > latest:
                    continue
                if not agent.night_ok and end > midnight:
                    continue
                if _overlaps(start, end, off) or _overlaps(start, end, prev_spans):
                    continue
                for brk in break_positions(start, paid, config, breaks):
                    out.append(CandidateShift(
                        agent.agent_id, day, start, paid, brk, rules.break_minutes, start_min,
                        worked_intervals(start, end, brk, rules.break_minutes, config.team.interval_minutes, n),
                        week_start))
    return out


@dataclass(frozen=True)
class WeekContract:
    """An agent's contract for the planning period after approved leave: hours in minutes, days (None: free).

    For a period of several weeks these are the period's totals (weeks x the weekly figures).
    """

    min_minutes: int
    max_minutes: int
    days: int | None
    leave_days: int
    weeks: int = 1


def leave_days(agent: Agent, week: str, home_tz: str, time_off: list[tuple[pd.Timestamp, pd.Timestamp]],
               weeks: int = 1) -> int:
    """Return how many of the agent's local dates in the period are wholly covered by approved leave (`time_off`)."""
    if not time_off:
        return 0
    count = 0
    for day in period_dates(week, weeks):  # the home period's dates, each cut in the agent's zone
        start, end = local_to_utc(day, 0, agent.timezone), local_to_utc(day, 1440, agent.timezone)
        covered = pd.Timedelta(0)
        for s, e in sorted(time_off):
            lo, hi = max(s, start), min(e, end)
            if hi > lo:
                covered += hi - lo
        if covered >= end - start:
            count += 1
    return count


def week_contract(agent: Agent, week: str, home_tz: str,
                  time_off: list[tuple[pd.Timestamp, pd.Timestamp]] = (), weeks: int = 1) -> WeekContract:
    """Return the planning period's contract: each whole day of approved leave counts as a worked day.

    contract/min/max hours and days_per_week are weekly figures: over a period of `weeks`
    weeks the paid hours must lie within weeks x [min_hours, max_hours] (an average over
    the period, like a reference period in working-time law, so one week may be longer
    than max_hours when another is shorter) and the working days must be weeks x
    days_per_week. A leave day lowers the days by one and min/max hours by the contract's
    daily hours (contract_hours / days_per_week, or 8 h without a days contract), so an
    agent on leave is not forced to cram the contract into the days left. `time_off`
    holds the leave spans only (time off of kind "unavailable" lowers nothing).
    """
    n = leave_days(agent, week, home_tz, list(time_off), weeks)
    per_day = agent.contract_hours / agent.days_per_week if agent.days_per_week else 8.0
    credit = n * per_day
    days = None if agent.days_per_week is None else max(0, weeks * agent.days_per_week - n)
    return WeekContract(int(round(max(0.0, weeks * agent.min_hours - credit) * 60)),
                        int(round(max(0.0, weeks * agent.max_hours - credit) * 60)), days, n, weeks)
