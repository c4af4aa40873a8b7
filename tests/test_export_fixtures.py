"""Hand-built inputs for the export tests: three agents, a few shifts, small evaluation frames.

No solver, no loaders: every shift is written down with its local wall-clock time and the
UTC instants are derived by zoneinfo, so the expected workbook cells are hand-checkable.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.config import Config, config_from_dict
from planner.roster.result import Evaluation, RosterResult
from planner.timegrid import week_grid

EVIL_NAME = '=HYPERLINK("http://x","y")'
QUEUES = [("chat", "de"), ("phone", "de"), ("phone", "en")]


def make_config(home_tz: str = "Europe/Berlin") -> Config:
    return config_from_dict({"team": {"name": "Support EU", "home_timezone": home_tz, "interval_minutes": 60}})


def make_agents() -> tuple[Agent, ...]:
    return (
        Agent("ny1", "Nora York", "America/New_York", ("en",), ("phone",), (("phone", "en"),), 40, 32, 44,
              team="Americas"),
        Agent("be1", "Bernd Berlin", "Europe/Berlin", ("de", "en"), ("phone", "chat"),
              (("phone", "de"), ("chat", "de")), 40, 32, 44, team="EMEA", night_ok=True),
        Agent("x1", EVIL_NAME, "Europe/Berlin", ("de",), ("phone",), (("phone", "de"),), 30, 20, 35,
              team="+team"),
    )


def utc(day: date, hour: float, tz: str) -> pd.Timestamp:
    """Return the UTC instant of local `hour` on `day` in `tz` (hand-checkable)."""
    wall = datetime(day.year, day.month, day.day) + timedelta(hours=hour)
    return pd.Timestamp(wall.replace(tzinfo=ZoneInfo(tz))).tz_convert("UTC")


@dataclass
class ShiftSpec:
    agent_id: str
    tz: str
    day: date
    start_hour: float
    hours: float
    break_after_hours: float | None  # break of 1 h this long after the start
    queues: tuple[tuple[str, str], ...]  # queue per worked hour, cycled


def week_shifts(week: str) -> list[ShiftSpec]:
    """Shifts of the ISO week `week`, placed relative to its Monday."""
    monday = date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
    d = [monday + timedelta(days=i) for i in range(7)]
    return [
        ShiftSpec("ny1", "America/New_York", d[0], 9, 8, 3, (("phone", "en"),)),
        ShiftSpec("ny1", "America/New_York", d[5], 9, 8, 3, (("phone", "en"),)),
        ShiftSpec("ny1", "America/New_York", d[6], 9, 8, 3, (("phone", "en"),)),
        ShiftSpec("be1", "Europe/Berlin", d[0], 8, 8, 4, (("phone", "de"),) * 4 + (("chat", "de"),) * 3),
        ShiftSpec("be1", "Europe/Berlin", d[1], 22, 8, 4, (("chat", "de"),)),
        ShiftSpec("x1", "Europe/Berlin", d[2], 10, 8, None, (("phone", "de"),)),
    ]


def make_roster(week: str) -> RosterResult:
    shifts, allocation = [], []
    for s in week_shifts(week):
        start = utc(s.day, s.start_hour, s.tz)
        end = start + pd.Timedelta(hours=s.hours)
        bs = start + pd.Timedelta(hours=s.break_after_hours) if s.break_after_hours is not None else pd.NaT
        be = bs + pd.Timedelta(hours=1) if s.break_after_hours is not None else pd.NaT
        paid = s.hours - (1 if s.break_after_hours is not None else 0) * 0  # paid length includes the break
        shifts.append({"agent_id": s.agent_id, "local_date": s.day, "start_utc": start, "end_utc": end,
                       "break_start_utc": bs, "break_end_utc": be, "paid_hours": float(paid)})
        worked = [start + pd.Timedelta(hours=h) for h in range(int(s.hours))]
        worked = [t for t in worked if pd.isna(bs) or not (bs <= t < be)]
        for i, t in enumerate(worked):
            ch, lang = s.queues[i % len(s.queues)]
            allocation.append({"interval_start": t, "agent_id": s.agent_id, "channel": ch, "language": lang})
    shifts_df = pd.DataFrame(shifts, columns=C.SHIFT_COLUMNS)
    for col in ("start_utc", "end_utc", "break_start_utc", "break_end_utc"):
        shifts_df[col] = pd.to_datetime(shifts_df[col], utc=True)
    alloc_df = pd.DataFrame(allocation, columns=C.ALLOCATION_COLUMNS)
    alloc_df["interval_start"] = pd.to_datetime(alloc_df["interval_start"], utc=True)
    return RosterResult(week=week, shifts=shifts_df, allocation=alloc_df, status="FEASIBLE", objective=120.0,
                        bound=100.0, gap=1 / 6, solve_seconds=2.5, diagnostics=("-1 agent short on phone:de",),
                        settings={"time_limit_seconds": 5.0, "seed": 0})


def make_requirements(week: str, home_tz: str = "Europe/Berlin") -> pd.DataFrame:
    """Requirement 1 on every queue from 08:00 to 18:00 home time on weekdays, else 0."""
    grid = week_grid(week, home_tz, 60)
    rows = []
    for t in grid:
        local = t.tz_convert(home_tz)
        need = 1 if local.weekday() < 5 and 8 <= local.hour < 18 else 0
        for ch, lang in QUEUES:
            rows.append({"interval_start": t, "channel": ch, "language": lang, "volume": 10.0 * need,
                         "aht_s": 300.0, "load_erlangs": 0.83 * need, "agents_needed": need,
                         "agents_needed_frac": 0.9 * need, "staff_needed": need, "service_level": 0.85 if need else 1.0,
                         "asa_s": 12.0, "occupancy": 0.6 * need, "backlog": 0.0})
    return pd.DataFrame(rows, columns=C.REQUIREMENT_COLUMNS)


def make_forecast(week: str, home_tz: str = "Europe/Berlin") -> pd.DataFrame:
    req = make_requirements(week, home_tz)
    fc = req[["interval_start", "channel", "language", "volume", "aht_s"]].copy()
    fc["volume_p10"], fc["volume_p90"], fc["method"] = fc["volume"] * 0.8, fc["volume"] * 1.2, "weekly_profile"
    return fc[C.FORECAST_COLUMNS]


def make_evaluation(roster: RosterResult, requirements: pd.DataFrame, config: Config) -> Evaluation:
    """Coverage = allocation counted per queue x interval against staff_needed; daily and channel sums."""
    home_tz = config.team.home_timezone
    counts = roster.allocation.groupby(["interval_start", "channel", "language"]).size().rename("scheduled")
    cov = requirements[["interval_start", "channel", "language", "staff_needed"]].rename(
        columns={"staff_needed": "required"}).merge(counts.reset_index(), how="left",
                                                    on=["interval_start", "channel", "language"])
    cov["scheduled"] = cov["scheduled"].fillna(0).astype(int)
    cov["shortfall"] = (cov["required"] - cov["scheduled"]).clip(lower=0)
    cov["surplus"] = (cov["scheduled"] - cov["required"]).clip(lower=0)
    cov["service_level"] = [0.9 if s >= r else 0.3 for r, s in zip(cov["required"], cov["scheduled"])]
    cov["asa_s"] = [10.0 if s >= r else 90.0 for r, s in zip(cov["required"], cov["scheduled"])]
    cov["occupancy"] = 0.5
    cov = cov[C.COVERAGE_COLUMNS]
    d = cov.assign(local_date=cov["interval_start"].dt.tz_convert(home_tz).dt.date,
                   volume=10.0 * cov["required"])
    daily = d.groupby(["local_date", "channel", "language"]).agg(
        volume=("volume", "sum"), required_hours=("required", "sum"), scheduled_hours=("scheduled", "sum"),
        shortfall_hours=("shortfall", "sum"), surplus_hours=("surplus", "sum"),
        service_level=("service_level", "mean"), asa_s=("asa_s", "mean"), occupancy=("occupancy", "mean"),
    ).reset_index()
    daily["target_service_level"] = [config.channels[c].target.service_level for c in daily["channel"]]
    channels = daily.groupby("channel").agg(
        volume=("volume", "sum"), service_level=("service_level", "mean"), shortfall_hours=("shortfall_hours", "sum"),
        surplus_hours=("surplus_hours", "sum"), required_hours=("required_hours", "sum"),
        scheduled_hours=("scheduled_hours", "sum")).reset_index()
    channels["target_service_level"] = [config.channels[c].target.service_level for c in channels["channel"]]
    sh = roster.shifts
    fairness = sh.groupby("agent_id").agg(paid_hours=("paid_hours", "sum"), shifts=("paid_hours", "size")).reset_index()
    fairness["night_shifts"] = [1 if a == "be1" else 0 for a in fairness["agent_id"]]
    fairness["weekend_shifts"] = [2 if a == "ny1" else 0 for a in fairness["agent_id"]]
    fairness["late_shifts"] = 0
    fairness["preferred_start_met"] = float("nan")
    return Evaluation(coverage=cov, daily=daily, channels=channels, fairness=fairness,
                      paid_hours=float(sh["paid_hours"].sum()), shortfall_hours=float(cov["shortfall"].sum()),
                      surplus_hours=float(cov["surplus"].sum()))


def make_inputs(week: str = "2026-W44", home_tz: str = "Europe/Berlin") -> dict:
    """Return the keyword arguments of write_workbook for a hand-built week (a fresh dict each call)."""
    return dict(_inputs(week, home_tz))


@lru_cache(maxsize=4)
def _inputs(week: str, home_tz: str) -> dict:
    config = make_config(home_tz)
    roster = make_roster(week)
    req = make_requirements(week, home_tz)
    return dict(config=config, week=week, agents=make_agents(), roster=roster,
                evaluation=make_evaluation(roster, req, config), requirements=req,
                forecast=make_forecast(week, home_tz),
                checks=pd.DataFrame(columns=["rule", "agent_id", "local_date", "detail"]),
                notes=("history had 2 gaps",))
