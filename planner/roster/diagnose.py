"""Diagnostics in a manager's words: before solving (what cannot work) and after (what conflicts)."""
from __future__ import annotations

from collections import defaultdict

import pandas as pd
from ortools.sat.python import cp_model

from planner.agents import Agent, agent_limits
from planner.columns import queue_name
from planner.config import Config
from planner.roster.interrupt import new_solver
from planner.roster.model import demand, new_roster_model, time_off_spans
from planner.roster.rules import HARD_RULES, OPTIONAL_HARD_RULES, add_hard_rules
from planner.roster.shifts import candidate_shifts, week_contract
from planner.timegrid import check_weeks, period_grid, period_label

_RULE_WORDS = {
    "one_shift_per_day": "one shift per day",
    "min_rest": "the minimum rest of {rest:g} h between shifts (also after last week's last shift)",
    "weekly_hours": "the contract hours ({lo:g}-{hi:g} h {per})",
    "days_per_week": "the contract's {days} working days {per}",
    "max_consecutive_days": "at most {cons} working days in a row (counting last week)",
    "forbidden_successions": "no {successions} (rules.forbidden_successions)",
    "max_weekend_days": "at most {weekend} day(s) worked of each weekend",
    "max_shifts_of_type": "at most {types} {per}",
    "min_consecutive_days": "working days in blocks of at least {min_run} in a row",
    "min_consecutive_days_off": "days off in blocks of at least {min_off} in a row",
    "max_working_weekends": "at most {weekends} working weekend(s) {per_period}",
}


def active_rules(agent: Agent, config: Config) -> tuple[str, ...]:
    """Return the hard rules that bind `agent`: every HARD_RULES one, and the optional ones set for it."""
    lim = agent_limits(agent, config.rules)
    on = {"forbidden_successions": bool(config.rules.forbidden_successions),
          "max_weekend_days": lim.max_weekend_days is not None, "max_shifts_of_type": bool(lim.max_shifts_of_type),
          "min_consecutive_days": lim.min_consecutive_days > 1,
          "min_consecutive_days_off": lim.min_consecutive_days_off > 1,
          "max_working_weekends": lim.max_working_weekends is not None}
    return HARD_RULES + tuple(r for r in OPTIONAL_HARD_RULES if on[r])


def rule_words(rule: str, agent: Agent, config: Config, weeks: int = 1, **contract) -> str:
    """Return a hard rule as a manager says it, with the values that hold for `agent` over `weeks` weeks."""
    lim = agent_limits(agent, config.rules)
    contract.setdefault("per", "a week" if weeks == 1 else f"over the {weeks} weeks")
    contract.setdefault("per_period", "in the week" if weeks == 1 else f"in the {weeks} weeks")
    return _RULE_WORDS[rule].format(
        rest=config.rules.min_rest_hours, cons=lim.max_consecutive_days, weekend=lim.max_weekend_days,
        successions=" or ".join(f"{b} shift the day after a {a} shift" for a, b in config.rules.forbidden_successions),
        types=", ".join(f"{n} {t} shift(s)" for t, n in lim.max_shifts_of_type),
        min_run=lim.min_consecutive_days, min_off=lim.min_consecutive_days_off, weekends=lim.max_working_weekends,
        **contract)


def _ranges(indices: list[int]) -> list[tuple[int, int]]:
    """Compress sorted interval indices into [first, last] runs."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def describe_intervals(indices: list[int], grid: pd.DatetimeIndex, tz: str, interval_minutes: int,
                       limit: int = 6) -> str:
    """Return interval indices as local ranges like "Mon 00:00-06:00, Tue 00:00-06:00".

    On a grid of more than a week (a planning period of several weeks) days carry their
    date too: "Mon 2026-12-07 09:00-17:00".
    """
    step = pd.Timedelta(minutes=interval_minutes)
    day = "%a %Y-%m-%d" if len(grid) and grid[-1] - grid[0] >= pd.Timedelta(days=7) else "%a"
    parts = []
    for a, b in _ranges(sorted(indices)):
        s, e = grid[a].tz_convert(tz), (grid[b] + step).tz_convert(tz)
        parts.append(f"{s:{day} %H:%M}-{e:%H:%M}" if s.date() == (e - pd.Timedelta(seconds=1)).date()
                     else f"{s:{day} %H:%M}-{e:{day} %H:%M}")
    more = f" and {len(parts) - limit} more" if len(parts) > limit else ""
    return ", ".join(parts[:limit]) + more


def diagnose(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: Config, week: str,
             time_off: pd.DataFrame | None = None, weeks: int = 1) -> list[str]:
    """Return warnings before solving: agents who cannot reach their hours, queues nobody can serve.

    Over the planning period of `weeks` ISO weeks from `week` (one by default).
    """
    notes: list[str] = []
    weeks = check_weeks(weeks)
    period = period_label(week, weeks)
    spans, leave_spans = time_off_spans(time_off), time_off_spans(time_off, leave_only=True)
    grid = period_grid(week, weeks, config.team.home_timezone, config.team.interval_minutes)
    can_cover: dict[tuple[str, str], set[int]] = defaultdict(set)
    for a in sorted(agents, key=lambda a: a.agent_id):
        cands = candidate_shifts(a, config, week, spans.get(a.agent_id, []), weeks=weeks)
        best_per_day: dict = {}
        for c in cands:
            best_per_day[c.local_date] = max(best_per_day.get(c.local_date, 0), c.paid_minutes)
            for q in a.skills:
                can_cover[q].update(c.intervals)
        days = len(best_per_day)
        contract = week_contract(a, week, config.team.home_timezone, leave_spans.get(a.agent_id, []), weeks)
        k = min(days, contract.days if contract.days is not None else days, 7 * weeks)
        hours = sum(sorted(best_per_day.values(), reverse=True)[:k]) / 60
        leave = f" after {contract.leave_days} day(s) of leave" if contract.leave_days else ""
        if hours < contract.min_minutes / 60:
            notes.append(f"{a.name} ({a.agent_id}) is available for at most {hours:g} h in {period} "
                         f"but needs at least {contract.min_minutes / 60:g} h (minimum contract hours{leave})")
        if contract.days is not None and days < contract.days:
            notes.append(f"{a.name} ({a.agent_id}) can work on only {days} day(s) in {period} "
                         f"but the contract asks for {contract.days}{leave}")
    need = demand(requirements, grid)
    by_queue: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (q, t), n in need.items():
        if n > 0 and t not in can_cover.get(q, ()):
            by_queue[q].append(t)
    for q in sorted(by_queue):
        where = describe_intervals(by_queue[q], grid, config.team.home_timezone, config.team.interval_minutes)
        notes.append(f"{queue_name(*q)} has demand but no skilled agent can work then: {where} "
                     f"({config.team.home_timezone} time)")
    return notes


def _solve_small(rm, sense: str | None = None, expr=None) -> tuple[int, float | None]:
    if expr is not None:
        (rm.model.maximize if sense == "max" else rm.model.minimize)(expr)
    solver = new_solver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.solve(rm.model)
    value = solver.objective_value if expr is not None and status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return status, value


def _agent_model(agent, config, week, time_off, previous, skip=(), weeks=1):
    prev = None
    if previous is not None and len(previous):
        prev = previous[previous["agent_id"].astype(str) == agent.agent_id]
    rm = new_roster_model(None, (agent,), config, week, time_off=time_off, previous=prev, weeks=weeks)
    add_hard_rules(rm, skip=skip)
    return rm


def explain_agent(agent: Agent, config: Config, week: str, time_off=None, previous=None, weeks: int = 1) -> list[str]:
    """Return why no roster of the planning period (`weeks` from `week`) satisfies the hard rules for `agent` alone.

    [] if one does.
    """
    ok = (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if _solve_small(_agent_model(agent, config, week, time_off, previous, weeks=weeks))[0] in ok:
        return []
    who = f"{agent.name} ({agent.agent_id})"
    period = period_label(week, weeks)
    contract = week_contract(agent, week, config.team.home_timezone,
                             time_off_spans(time_off, leave_only=True).get(agent.agent_id, []), weeks)
    lo, hi, want_days = contract.min_minutes / 60, contract.max_minutes / 60, contract.days
    leave = f" after {contract.leave_days} day(s) of leave" if contract.leave_days else ""
    out = []
    rules = active_rules(agent, config)
    for rule in rules:
        rm = _agent_model(agent, config, week, time_off, previous, skip=(rule,), weeks=weeks)
        if rule == "weekly_hours":
            paid = sum(c.paid_minutes * rm.x[agent.agent_id, i] for i, c in enumerate(rm.candidates[agent.agent_id]))
            status, most = _solve_small(rm, "max", paid)
            if status in ok and most / 60 < lo:
                out.append(f"{who} can work at most {most / 60:g} h in {period} within availability, days off, "
                           f"time off and the other rules, but the contract needs at least {lo:g} h{leave}")
                continue
            rm = _agent_model(agent, config, week, time_off, previous, skip=(rule,), weeks=weeks)
            paid = sum(c.paid_minutes * rm.x[agent.agent_id, i] for i, c in enumerate(rm.candidates[agent.agent_id]))
            status, least = _solve_small(rm, "min", paid)
            if status in ok and least / 60 > hi:
                out.append(f"{who} must work at least {least / 60:g} h in {period} under the other rules, "
                           f"but the contract allows at most {hi:g} h{leave}")
                continue
        elif rule == "days_per_week" and want_days is not None:
            days = sum(rm.x.values()) if rm.x else 0
            status, most = _solve_small(rm, "max", days) if rm.x else (cp_model.OPTIMAL, 0)
            if status in ok and most < want_days:
                out.append(f"{who} can work on at most {most:g} day(s) in {period} within availability, days off, "
                           f"time off and the other rules, but the contract asks for {want_days}{leave}")
                continue
        if _solve_small(rm)[0] in ok:
            words = rule_words(rule, agent, config, weeks, lo=lo, hi=hi, days=want_days)
            out.append(f"{who}: {words} cannot be met together with the other rules in {period}")
    if not out:
        extra = "".join(f", {rule_words(r, agent, config, weeks, lo=lo, hi=hi, days=want_days)}"
                        for r in rules if r in OPTIONAL_HARD_RULES)
        nothing = "no week" if weeks == 1 else f"no roster of {period}"
        out.append(f"{who}: {nothing} satisfies the hard rules together (availability, days off, time off, "
                   f"rest, contract hours and days{extra}); relaxing any single rule is not enough")
    return out


def explain_infeasibility(agents: tuple[Agent, ...], config: Config, week: str, *, time_off=None,
                          previous=None, weeks: int = 1) -> list[str]:
    """Return the agents and rules in conflict, in a manager's words (hard rules are per agent)."""
    out: list[str] = []
    for a in sorted(agents, key=lambda a: a.agent_id):
        out.extend(explain_agent(a, config, week, time_off, previous, weeks=weeks))
    return out


def shortfall_notes(need: dict, allocation: pd.DataFrame, grid: pd.DatetimeIndex, config: Config,
                    top: int = 5) -> list[str]:
    """Return, after solving, the queues left most understaffed and when, in a manager's words."""
    if not need:
        return []
    pos = {t: i for i, t in enumerate(grid)}
    got: dict = defaultdict(int)
    for t, ch, lang in zip(allocation["interval_start"], allocation["channel"], allocation["language"]):
        got[(ch, lang), pos.get(t)] += 1
    short: dict = defaultdict(dict)
    for (q, t), n in need.items():
        gap = n - got.get((q, t), 0)
        if gap > 0:
            short[q][t] = gap
    hours = config.team.interval_minutes / 60
    ranked = sorted(short.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:top]
    notes = []
    for q, gaps in ranked:
        worst = max(gaps.values())
        when = describe_intervals([t for t, g in gaps.items() if g == worst], grid, config.team.home_timezone,
                                  config.team.interval_minutes, limit=3)
        total = sum(need[q, t] for (qq, t) in need if qq == q)
        notes.append(f"{queue_name(*q)} is short {sum(gaps.values()) * hours:g} of {total * hours:g} agent-hours; "
                     f"worst {worst} agent(s) short at {when} ({config.team.home_timezone} time)")
    return notes


def duty_cover_notes(duty_cover: pd.DataFrame | None, limit: int = 5) -> list[str]:
    """Return one line saying on which days and shift types the duty cover is short, or [] when it is met."""
    if duty_cover is None or duty_cover.empty:
        return []
    short = duty_cover[duty_cover["under"] > 0].sort_values(["local_date", "shift_type"])
    if short.empty:
        return []
    parts = [f"{pd.Timestamp(r.local_date):%a %Y-%m-%d} {r.shift_type}"
             f"{' (' + r.skills + ')' if r.skills else ''}: {r.scheduled} of {r.required}"
             for r in short.itertuples(index=False)]
    more = f" and {len(parts) - limit} more" if len(parts) > limit else ""
    return [f"Duty cover is short {int(short['under'].sum())} person-shift(s) on {len(short)} day(s) and shift "
            f"type(s): {', '.join(parts[:limit])}{more} (see the Duty cover sheet)"]
