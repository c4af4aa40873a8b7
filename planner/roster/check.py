"""Check a roster against every hard rule in plain pandas, without the solver.

`check_roster` recomputes availability, days off, night work, time off, shift shapes,
breaks, one shift per day, rest (also against last week), weekly hours and days,
consecutive days (also across the boundary), forbidden successions of shift types (also
after last week), shifts per type, days worked per weekend, weekends worked and the shortest blocks of
working days and of days off when the rules or the agent's own limits set them, skills,
one queue per interval, that allocations lie inside worked time and that every fully
worked interval is allocated.
It returns one row per violation: rule, agent_id, local_date, detail.

A roster of a planning period of several weeks (roster.weeks) is checked over the whole
period: its hours and days against weeks x the weekly contract, max_shifts_of_type per
period, max_weekend_days per weekend, and the day-by-day rules over every day.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from planner import columns as C
from planner.agents import Agent, agent_limits
from planner.config import Config
from planner.roster.result import RosterResult
from planner.roster.model import time_off_spans
from planner.roster.shifts import (BREAK_WINDOW_MIN, NIGHT_END_MIN, WeekContract, agent_local_dates, clock_minutes,
                                   week_contract)
from planner.timegrid import local_to_utc, period_bounds, period_label

VIOLATION_COLUMNS = ["rule", "agent_id", "local_date", "detail"]


def _day(value) -> date:
    return value if isinstance(value, date) and not isinstance(value, pd.Timestamp) else pd.Timestamp(value).date()


def _fmt(ts: pd.Timestamp, tz: str) -> str:
    return f"{ts.tz_convert(tz):%a %Y-%m-%d %H:%M} {tz}"


def _availability(a: Agent, s: pd.Series, out: list) -> None:
    """Shifts start and end inside the agent's window, avoid fixed days off and (unless night_ok) nights."""
    tz, day = a.timezone, _day(s.local_date)
    local_start = s.start_utc.tz_convert(tz)
    if local_start.date() != day:
        out.append(("local_date", a.agent_id, day, f"shift starts {_fmt(s.start_utc, tz)}, not on {day}"))
    if day.weekday() in a.days_off:
        out.append(("days_off", a.agent_id, day, f"works on a fixed day off ({day:%A})"))
    start_min = local_start.hour * 60 + local_start.minute
    es, le = clock_minutes(a.earliest_start), clock_minutes(a.latest_end)
    if es is not None or le is not None:
        es = es or 0
        if le is None:
            ok = start_min >= es
        elif le > es:
            ok = start_min >= es and s.end_utc <= local_to_utc(day, le, tz)
        elif start_min >= es:
            ok = s.end_utc <= local_to_utc(day, 1440 + le, tz)
        else:
            ok = start_min < le and s.end_utc <= local_to_utc(day, le, tz)
        if not ok:
            out.append(("availability", a.agent_id, day,
                        f"shift {_fmt(s.start_utc, tz)} to {_fmt(s.end_utc, tz)} is outside the window "
                        f"{a.earliest_start or '00:00'}-{a.latest_end or '24:00'}"))
    if not a.night_ok and (s.start_utc < local_to_utc(day, NIGHT_END_MIN, tz) or s.end_utc > local_to_utc(day, 1440, tz)):
        out.append(("night", a.agent_id, day, f"shift {_fmt(s.start_utc, tz)} to {_fmt(s.end_utc, tz)} touches "
                    f"00:00-06:00 but the agent may not work nights"))


def _shape(a: Agent, s: pd.Series, config: Config, out: list) -> None:
    """Shift length is one its start's shift type allows, starts on the step, and has the break the rules ask for."""
    r, day = config.rules, _day(s.local_date)
    minutes = (s.end_utc - s.start_utc) / pd.Timedelta(minutes=1)
    local = s.start_utc.tz_convert(a.timezone)
    start_min = local.hour * 60 + local.minute
    allowed = r.lengths_for(start_min)
    if not allowed:
        out.append(("shift_length", a.agent_id, day, f"the shift starts at {local:%H:%M}, outside every shift "
                    "type's window (rules.shift_types_only)"))
    elif not any(abs(minutes - h * 60) < 1e-6 for h in allowed):
        kind = next((t for t in r.shift_types if t.contains(start_min)), None)
        whose = (f"shift type {kind.name} (starts {kind.window}) allows" if kind is not None and kind.hours
                 else "rules.shift_hours allow")
        out.append(("shift_length", a.agent_id, day, f"the shift starting {local:%H:%M} lasts "
                    f"{minutes / 60:g} h; {whose} {', '.join(f'{h:g}' for h in allowed)} h"))
    if abs(float(s.paid_hours) * 60 - minutes) > 1e-6:
        out.append(("paid_hours", a.agent_id, day, f"paid_hours {float(s.paid_hours):g} but the shift lasts "
                    f"{minutes / 60:g} h"))
    if (local.hour * 60 + local.minute) % r.start_step_minutes:
        out.append(("start_step", a.agent_id, day, f"starts at {local:%H:%M}, not on a {r.start_step_minutes}-minute step"))
    needs_break = r.break_minutes > 0 and minutes >= r.break_min_shift_hours * 60
    has_break = not pd.isna(s.break_start_utc)
    if needs_break and not has_break:
        out.append(("break", a.agent_id, day, f"a {minutes / 60:g} h shift needs a {r.break_minutes}-minute break"))
    elif has_break:
        length = (s.break_end_utc - s.break_start_utc) / pd.Timedelta(minutes=1)
        middle = s.start_utc + (s.end_utc - s.start_utc) / 2
        centre = s.break_start_utc + (s.break_end_utc - s.break_start_utc) / 2
        if not needs_break or length != r.break_minutes or not (s.start_utc < s.break_start_utc
                                                                and s.break_end_utc < s.end_utc):
            out.append(("break", a.agent_id, day, f"break {_fmt(s.break_start_utc, a.timezone)} of {length:g} min "
                        f"does not fit the rules ({r.break_minutes} min inside shifts of "
                        f"{r.break_min_shift_hours:g} h or more)"))
        elif abs((centre - middle) / pd.Timedelta(minutes=1)) > BREAK_WINDOW_MIN + 1e-6:
            out.append(("break", a.agent_id, day, f"break at {_fmt(s.break_start_utc, a.timezone)} is more than "
                        f"{BREAK_WINDOW_MIN} min from the middle of the shift"))


def _sequence(a: Agent, own: pd.DataFrame, prev: pd.DataFrame, config: Config, week: str, out: list,
              contract: WeekContract) -> None:
    """One shift per local day, min rest between shifts, weekly hours and days, max consecutive days."""
    r = config.rules
    for day, n in own.groupby("local_date").size().items():
        if n > 1:
            out.append(("one_shift_per_day", a.agent_id, _day(day), f"{n} shifts on one local day"))
    both = pd.concat([prev.assign(_prev=True), own.assign(_prev=False)], ignore_index=True)
    both = both.sort_values("start_utc", ignore_index=True)
    rest = pd.Timedelta(hours=r.min_rest_hours)
    for i in range(1, len(both)):
        before, after = both.iloc[i - 1], both.iloc[i]
        gap = after.start_utc - before.end_utc
        if gap < rest and not (before._prev and after._prev):
            out.append(("min_rest", a.agent_id, _day(after.local_date),
                        f"only {gap / pd.Timedelta(hours=1):g} h between the shift ending "
                        f"{_fmt(before.end_utc, a.timezone)} and the next; at least {r.min_rest_hours:g} h needed"))
    if len(prev):
        clash = set(map(_day, own.local_date)) & set(map(_day, prev.local_date))
        for day in sorted(clash):
            out.append(("one_shift_per_day", a.agent_id, day, "a shift on a local day already worked last week"))
    hours = float(own.paid_hours.sum())
    lo, hi = contract.min_minutes / 60, contract.max_minutes / 60
    leave = f" after {contract.leave_days} day(s) of leave" if contract.leave_days else ""
    if contract.weeks > 1:
        leave += f" over the {contract.weeks} weeks"
    if hours < lo - 1e-6 or hours > hi + 1e-6:
        out.append(("weekly_hours", a.agent_id, None, f"{hours:g} paid hours; the contract allows "
                    f"{lo:g}-{hi:g} h{leave}"))
    days = own.local_date.map(_day).nunique()
    if contract.days is not None and days != contract.days:
        out.append(("days_per_week", a.agent_id, None, f"works {days} day(s); the contract asks for "
                    f"{contract.days}{leave}"))
    worked = sorted(set(map(_day, both.local_date)))
    most = agent_limits(a, r).max_consecutive_days
    run, last = 0, None
    for d in worked:
        run = run + 1 if last is not None and d - last == timedelta(days=1) else 1
        last = d
        if run == most + 1:
            out.append(("max_consecutive_days", a.agent_id, d, f"{run} working days in a row (counting last week); "
                        f"at most {most} ({_whose(a.max_consecutive_days)})"))


def _successions(a: Agent, own: pd.DataFrame, prev: pd.DataFrame, config: Config, out: list,
                 weeks: int = 1) -> None:
    """No forbidden succession of shift types on consecutive local days; shifts per type, days per weekend and
    weekends worked within limits."""
    r = config.rules
    if r.forbidden_successions:
        kinds: dict[date, tuple[str | None, bool]] = {}
        for frame, is_prev in ((prev, True), (own, False)):
            for day, start in zip(frame.local_date, pd.to_datetime(frame.start_utc, utc=True)):
                local = start.tz_convert(a.timezone)
                kinds[_day(day)] = (r.shift_type(local.hour * 60 + local.minute), is_prev)
        for day, (first, first_prev) in sorted(kinds.items()):
            then, then_prev = kinds.get(day + timedelta(days=1), (None, True))
            if (first, then) in r.forbidden_successions and not (first_prev and then_prev):
                out.append(("forbidden_succession", a.agent_id, day + timedelta(days=1),
                            f"a shift of type {then} follows one of type {first} on {day}; rules.forbidden_successions "
                            f"forbids {first}>{then}"))
    limits = agent_limits(a, r)
    own_types = dict(a.max_shifts_of_type)
    for name, limit in limits.max_shifts_of_type:
        starts = pd.to_datetime(own.start_utc, utc=True).dt.tz_convert(a.timezone)
        n = sum(1 for t in starts if r.shift_type(t.hour * 60 + t.minute) == name)
        if n > limit:
            out.append(("max_shifts_of_type", a.agent_id, None, f"works {n} {name} shifts; max_shifts_of_type "
                        f"({_whose(own_types.get(name))}) allows {limit} "
                        f"{'a week' if weeks == 1 else 'per planning period'}"))
    if limits.max_weekend_days is not None:
        weekends: dict[date, set[date]] = {}
        for day in map(_day, own.local_date):
            if day.weekday() >= 5:
                weekends.setdefault(day - timedelta(days=day.weekday() - 5), set()).add(day)
        for saturday, days in sorted(weekends.items()):
            if len(days) > limits.max_weekend_days:
                out.append(("max_weekend_days", a.agent_id, saturday, f"works {len(days)} days of the weekend of "
                            f"{saturday}; max_weekend_days ({_whose(a.max_weekend_days)}) allows "
                            f"{limits.max_weekend_days}"))
    if limits.max_working_weekends is not None:
        worked = sorted({day - timedelta(days=day.weekday() - 5) for day in map(_day, own.local_date)
                         if day.weekday() >= 5})
        if len(worked) > limits.max_working_weekends:
            out.append(("max_working_weekends", a.agent_id, worked[limits.max_working_weekends],
                        f"works {len(worked)} weekends in the planning period (Saturdays "
                        f"{', '.join(map(str, worked))}); max_working_weekends ({_whose(a.max_working_weekends)}) "
                        f"allows {limits.max_working_weekends}"))


def _whose(own_value) -> str:
    return "planner.toml [rules]" if own_value is None else "the agent's own in agents.csv"


def _blocks(a: Agent, own: pd.DataFrame, prev: pd.DataFrame, config: Config, week: str, previous_given: bool,
            out: list, weeks: int = 1) -> None:
    """Blocks of working days and of days off are at least the agent's minimum long.

    Not judged: a block touching the end of the week, one wholly in last week, and one
    touching the start of what is known (the week's start when last week is not given).
    """
    limits = agent_limits(a, config.rules)
    shortest = {1: limits.min_consecutive_days, 0: limits.min_consecutive_days_off}
    if max(shortest.values()) <= 1:
        return
    week_days = agent_local_dates(a, week, config.team.home_timezone, weeks)
    worked = set(map(_day, own.local_date)) | set(map(_day, prev.local_date))
    first = week_days[0]
    if previous_given:
        first = min([first - timedelta(days=7)] + [d for d in worked if d < first])
    days = [first + timedelta(days=k) for k in range((week_days[-1] - first).days + 1)]
    start = 0
    for k in range(1, len(days) + 1):
        if k < len(days) and (days[k] in worked) == (days[start] in worked):
            continue
        value, n = int(days[start] in worked), k - start
        begin, end = days[start], days[k - 1]
        if start > 0 and end != week_days[-1] and end >= week_days[0] and n < shortest[value]:
            rule, what = ("min_consecutive_days", "working days") if value else ("min_consecutive_days_off",
                                                                                 "days off")
            own_value = a.min_consecutive_days if value else a.min_consecutive_days_off
            out.append((rule, a.agent_id, begin, f"only {n} {what} in a row ({begin} to {end}); at least "
                        f"{shortest[value]} ({rule}, {_whose(own_value)})"))
        start = k


def _time_off(a: Agent, own: pd.DataFrame, time_off: pd.DataFrame | None, out: list) -> None:
    """No shift overlaps the agent's approved time off."""
    if time_off is None or len(time_off) == 0:
        return
    mine = time_off[time_off["agent_id"].astype(str) == a.agent_id]
    for t in mine.itertuples(index=False):
        s = pd.Timestamp(t.start_utc)
        e = pd.Timestamp(t.end_utc)
        s = s.tz_localize("UTC") if s.tzinfo is None else s
        e = e.tz_localize("UTC") if e.tzinfo is None else e
        hit = own[(own.start_utc < e) & (s < own.end_utc)]
        for row in hit.itertuples(index=False):
            reason = getattr(t, "reason", "")
            out.append(("time_off", a.agent_id, _day(row.local_date), f"shift overlaps approved time off "
                        f"{_fmt(s, a.timezone)} to {_fmt(e, a.timezone)} ({reason})"))


def _worked(shifts: pd.DataFrame, week_start: pd.Timestamp, week_end: pd.Timestamp,
            step: pd.Timedelta) -> set[tuple[str, pd.Timestamp]]:
    """Return (agent, interval start) of every whole grid interval of the week worked outside a break."""
    worked = set()
    for s in shifts.itertuples(index=False):
        start, end = pd.Timestamp(s.start_utc), pd.Timestamp(s.end_utc)
        t = week_start + step * max(0, int(-(-((start - week_start) / step) // 1)))
        while t + step <= end and t < week_end:
            in_break = not pd.isna(s.break_start_utc) and t < s.break_end_utc and s.break_start_utc < t + step
            if not in_break:
                worked.add((str(s.agent_id), t))
            t += step
    return worked


def _allocation(roster: RosterResult, agents: dict[str, Agent], config: Config, out: list,
                previous: pd.DataFrame | None = None) -> None:
    """Agents serve only their skills, one queue per interval, inside worked time, every worked interval.

    Last week's shifts reaching into the week may serve queues here too (not required to).
    """
    alloc, shifts = roster.allocation, roster.shifts
    step = pd.Timedelta(minutes=config.team.interval_minutes)
    unknown = sorted(set(alloc.agent_id.astype(str)) - set(agents))
    for aid in unknown:
        out.append(("unknown_agent", aid, None, "allocated but not in the team"))
    dup = alloc[alloc.duplicated(["agent_id", C.INTERVAL_START], keep=False)]
    for (aid, t), g in dup.groupby(["agent_id", C.INTERVAL_START]):
        out.append(("one_queue_per_interval", aid, None, f"{len(g)} queues at {t:%Y-%m-%d %H:%M} UTC"))
    for row in alloc.itertuples(index=False):
        a = agents.get(str(row.agent_id))
        if a is not None and (row.channel, row.language) not in set(a.skills):
            out.append(("skill", a.agent_id, None, f"serves {row.channel}:{row.language} at "
                        f"{row.interval_start:%Y-%m-%d %H:%M} UTC without that skill"))
    # worked time: whole grid intervals inside a shift and outside its break
    week_start, week_end = period_bounds(roster.week, roster.weeks, config.team.home_timezone)
    worked = _worked(shifts, week_start, week_end, step)
    carried = set() if previous is None or not len(previous) else _worked(previous, week_start, week_end, step)
    allocated = set(zip(alloc.agent_id.astype(str), alloc[C.INTERVAL_START]))
    for aid, t in sorted(allocated - worked - carried):
        out.append(("allocation_outside_shift", aid, None, f"allocated at {t:%Y-%m-%d %H:%M} UTC "
                    f"outside its shifts or in a break"))
    for aid, t in sorted(worked - allocated):
        out.append(("unallocated", aid, None, f"works at {t:%Y-%m-%d %H:%M} UTC but serves no queue"))


def check_roster(roster: RosterResult, agents: tuple[Agent, ...], config: Config, *,
                 requirements: pd.DataFrame | None = None, time_off: pd.DataFrame | None = None,
                 previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every hard-rule violation of `roster` (rule, agent_id, local_date, detail); empty = none.

    `requirements` is accepted for symmetry with evaluation; coverage is a soft goal,
    reported by evaluate_roster, not a violation.
    """
    out: list[tuple] = []
    team = {a.agent_id: a for a in agents}
    shifts = roster.shifts
    week_start, week_end = period_bounds(roster.week, roster.weeks, config.team.home_timezone)
    label = period_label(roster.week, roster.weeks)
    where = f"week {label}" if roster.weeks == 1 else f"the planning period {label}"
    for aid in sorted(set(shifts.agent_id.astype(str)) - set(team)):
        out.append(("unknown_agent", aid, None, "has shifts but is not in the team"))
    empty = pd.DataFrame(columns=C.SHIFT_COLUMNS)
    leave = time_off_spans(time_off, leave_only=True)  # only leave lowers the contract; all time off forbids work
    for aid, a in sorted(team.items()):
        own = shifts[shifts.agent_id.astype(str) == aid].sort_values("start_utc")
        prev = empty
        if previous is not None and len(previous):
            prev = previous[previous.agent_id.astype(str) == aid]
        for s in own.itertuples(index=False):
            s = pd.Series(s._asdict())
            if not week_start <= s.start_utc < week_end:
                out.append(("week", aid, _day(s.local_date), f"starts {_fmt(s.start_utc, a.timezone)}, "
                            f"outside {where}"))
            _availability(a, s, out)
            _shape(a, s, config, out)
        _time_off(a, own, time_off, out)
        contract = week_contract(a, roster.week, config.team.home_timezone, leave.get(aid, []), roster.weeks)
        _sequence(a, own, prev, config, roster.week, out, contract)
        _successions(a, own, prev, config, out, roster.weeks)
        _blocks(a, own, prev, config, roster.week, previous is not None, out, roster.weeks)
    _allocation(roster, team, config, out, previous)
    frame = pd.DataFrame(out, columns=VIOLATION_COLUMNS)
    return frame.astype({"rule": str, "agent_id": str, "detail": str})
