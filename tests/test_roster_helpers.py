"""Small teams, rules and requirement frames built in code for the roster tests."""
from __future__ import annotations

from dataclasses import replace
from datetime import time

import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.config import Config, RosterWeights, RulesConfig, SolverConfig, TeamConfig
from planner.timegrid import week_grid

EN = ("phone", "en")


def make_config(tz: str = "Europe/Berlin", time_limit: float = 10.0, workers: int = 2, **rules) -> Config:
    """Return a Config with hourly grid, 8 h shifts without break unless `rules` say otherwise."""
    base = dict(shift_hours=(8.0,), break_minutes=0, start_step_minutes=60, min_rest_hours=11.0,
                max_consecutive_days=6, weights=RosterWeights(stable_start=0.0))
    base.update(rules)
    return Config(team=TeamConfig(home_timezone=tz, interval_minutes=60), rules=RulesConfig(**base),
                  solver=SolverConfig(time_limit_seconds=time_limit, seed=0, workers=workers))


def make_agent(aid: str, tz: str = "Europe/Berlin", skills=(EN,), min_hours: float = 0, max_hours: float = 48,
               days: int | None = None, start: time | None = time(9), end: time | None = time(17),
               days_off=(), night_ok: bool = False, preferred_start: time | None = None) -> Agent:
    """Return an agent with a local availability window and the given contract."""
    return Agent(agent_id=aid, name=f"Agent {aid.upper()}", timezone=tz,
                 languages=tuple(sorted({s[1] for s in skills})), channels=tuple(sorted({s[0] for s in skills})),
                 skills=tuple(skills), contract_hours=max_hours, min_hours=min_hours, max_hours=max_hours,
                 days_per_week=days, earliest_start=start, latest_end=end, days_off=frozenset(days_off),
                 preferred_start=preferred_start, night_ok=night_ok)


def make_requirements(week: str, tz: str, need, queues=(EN,), interval_minutes: int = 60) -> pd.DataFrame:
    """Return a REQUIREMENT_COLUMNS frame; need(t_utc, queue) -> staff needed."""
    rows = []
    for t in week_grid(week, tz, interval_minutes):
        for q in queues:
            n = int(need(t, q))
            rows.append({C.INTERVAL_START: t, C.CHANNEL: q[0], C.LANGUAGE: q[1], C.VOLUME: 10.0 * n,
                         C.AHT_S: 300.0, "load_erlangs": 0.8 * n, "agents_needed": n, "agents_needed_frac": n,
                         "staff_needed": n, "service_level": 0.8, "asa_s": 10.0, "occupancy": 0.8, "backlog": 0.0})
    frame = pd.DataFrame(rows, columns=C.REQUIREMENT_COLUMNS)
    frame[C.INTERVAL_START] = pd.to_datetime(frame[C.INTERVAL_START], utc=True)
    return frame


def local_hours(tz: str, first: int, last: int, n: int = 1):
    """Return need(t, q): n agents between local hours [first, last) in zone `tz`, else 0."""
    def need(t, q):
        h = t.tz_convert(tz).hour
        return n if first <= h < last else 0
    return need


def with_rules(config: Config, **rules) -> Config:
    """Return `config` with rule values replaced."""
    return replace(config, rules=replace(config.rules, **rules))


def sunday_late_shift(aid: str) -> pd.DataFrame:
    """Return last week's roster (SHIFT_COLUMNS) of one late shift: Sun 2026-11-29 14:00-22:00 Berlin."""
    return pd.DataFrame({
        "agent_id": [aid], "local_date": [pd.Timestamp("2026-11-29").date()],
        "start_utc": pd.to_datetime(["2026-11-29 13:00"], utc=True),
        "end_utc": pd.to_datetime(["2026-11-29 21:00"], utc=True),
        "break_start_utc": pd.to_datetime([None], utc=True), "break_end_utc": pd.to_datetime([None], utc=True),
        "paid_hours": [8.0]})
