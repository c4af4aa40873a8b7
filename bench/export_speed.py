"""Benchmark: write the workbook of a 1,000-agent week with 28 queues; print time and peak memory.

    python bench/export_speed.py [--agents 1000] [--per-agent]

The roster is synthetic (no solver): each agent works five 8-hour shifts with a 1-hour
break in their own zone (Berlin, London, New York, Manila), serving one of their queues per
hour. Target (issue 6): under 20 s and under 1 GB peak memory on 2 cores.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner import columns as C  # noqa: E402
from planner.agents import Agent  # noqa: E402
from planner.config import config_from_dict  # noqa: E402
from planner.export import write_workbook  # noqa: E402
from planner.roster.result import Evaluation, RosterResult  # noqa: E402
from planner.timegrid import week_grid, week_monday  # noqa: E402

WEEK = "2026-W49"
HOME = "Europe/Berlin"
CHANNELS = ("phone", "chat", "email", "social")
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl")
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Manila")


def synthetic_week(n_agents: int, seed: int = 0) -> dict:
    """Return write_workbook's keyword arguments for a synthetic week of `n_agents` agents."""
    rng = np.random.default_rng(seed)
    config = config_from_dict({"team": {"name": "Bench", "home_timezone": HOME, "interval_minutes": 60}})
    queues = [(c, lang) for c in CHANNELS for lang in LANGUAGES]
    agents = []
    for i in range(n_agents):
        langs = tuple(sorted({LANGUAGES[i % 7], LANGUAGES[(i // 7) % 7]}))
        chans = tuple(sorted({CHANNELS[i % 4], CHANNELS[(i // 4) % 4]}))
        agents.append(Agent(f"a{i:04d}", f"Agent {i:04d}", ZONES[i % 4], langs, chans,
                            tuple((c, lang) for c in chans for lang in langs), 40, 32, 44, team=f"team {i % 10}"))
    monday = week_monday(WEEK)
    shift_rows, alloc_rows = [], []
    for i, a in enumerate(agents):
        start_hour = 6 + i % 12
        for d in range(5):
            day = monday + pd.Timedelta(days=(i + d) % 7)
            start = pd.Timestamp(day).tz_localize(a.timezone) + pd.Timedelta(hours=start_hour)
            start = start.tz_convert("UTC")
            shift_rows.append((a.agent_id, day, start, start + pd.Timedelta(hours=8),
                               start + pd.Timedelta(hours=4), start + pd.Timedelta(hours=5), 8.0))
            for h in (0, 1, 2, 3, 5, 6, 7):
                ch, lang = a.skills[(h + d) % len(a.skills)]
                alloc_rows.append((start + pd.Timedelta(hours=h), a.agent_id, ch, lang))
    shifts = pd.DataFrame(shift_rows, columns=C.SHIFT_COLUMNS)
    allocation = pd.DataFrame(alloc_rows, columns=C.ALLOCATION_COLUMNS)
    roster = RosterResult(WEEK, shifts, allocation, "FEASIBLE", 1000.0, 900.0, 0.1, 60.0)

    grid = week_grid(WEEK, HOME, 60)
    req = pd.DataFrame([(t, c, lang) for t in grid for c, lang in queues], columns=[C.INTERVAL_START, C.CHANNEL,
                                                                                    C.LANGUAGE])
    n = len(req)
    req[C.VOLUME] = rng.poisson(20, n).astype(float)
    req[C.AHT_S] = 300.0
    req["load_erlangs"] = req[C.VOLUME] * 300 / 3600
    req["agents_needed"] = np.ceil(req["load_erlangs"] + 1).astype(int)
    req["agents_needed_frac"] = req["load_erlangs"] + 0.6
    req["staff_needed"] = np.ceil(req["agents_needed"] / 0.7).astype(int)
    req["service_level"], req["asa_s"], req["occupancy"], req["backlog"] = 0.85, 12.0, 0.7, 0.0
    forecast = req[[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME, C.AHT_S]].copy()
    forecast["volume_p10"], forecast["volume_p90"], forecast["method"] = forecast[C.VOLUME] * 0.8, \
        forecast[C.VOLUME] * 1.2, "weekly_profile"
    forecast = forecast[C.FORECAST_COLUMNS]

    counts = allocation.groupby(C.ALLOCATION_COLUMNS[:1] + [C.CHANNEL, C.LANGUAGE]).size().rename("scheduled")
    cov = req[[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, "staff_needed"]].rename(columns={"staff_needed": "required"})
    cov = cov.merge(counts.reset_index(), how="left", on=[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE])
    cov["scheduled"] = cov["scheduled"].fillna(0).astype(int)
    cov["shortfall"] = (cov["required"] - cov["scheduled"]).clip(lower=0)
    cov["surplus"] = (cov["scheduled"] - cov["required"]).clip(lower=0)
    cov["service_level"], cov["asa_s"], cov["occupancy"] = 0.8, 20.0, 0.7
    cov = cov[C.COVERAGE_COLUMNS]
    d = cov.assign(local_date=cov[C.INTERVAL_START].dt.tz_convert(HOME).dt.date, volume=req[C.VOLUME])
    daily = d.groupby(["local_date", C.CHANNEL, C.LANGUAGE]).agg(
        volume=("volume", "sum"), required_hours=("required", "sum"), scheduled_hours=("scheduled", "sum"),
        shortfall_hours=("shortfall", "sum"), surplus_hours=("surplus", "sum"), service_level=("service_level", "mean"),
        asa_s=("asa_s", "mean"), occupancy=("occupancy", "mean")).reset_index()
    daily["target_service_level"] = 0.8
    channels = daily.groupby(C.CHANNEL).agg(volume=("volume", "sum"), service_level=("service_level", "mean"),
                                            shortfall_hours=("shortfall_hours", "sum"),
                                            surplus_hours=("surplus_hours", "sum"),
                                            required_hours=("required_hours", "sum"),
                                            scheduled_hours=("scheduled_hours", "sum")).reset_index()
    channels["target_service_level"] = 0.8
    fairness = shifts.groupby("agent_id").agg(paid_hours=("paid_hours", "sum"), shifts=("paid_hours", "size"))
    fairness = fairness.reset_index().assign(night_shifts=0, weekend_shifts=1, late_shifts=1,
                                             preferred_start_met=float("nan"))
    evaluation = Evaluation(cov, daily, channels, fairness, float(shifts["paid_hours"].sum()),
                            float(cov["shortfall"].sum()), float(cov["surplus"].sum()))
    return dict(config=config, week=WEEK, agents=tuple(agents), roster=roster, evaluation=evaluation,
                requirements=req, forecast=forecast, checks=pd.DataFrame(columns=["rule", "agent_id", "local_date",
                                                                                  "detail"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--per-agent", action="store_true", help="also time write_agent_files")
    args = parser.parse_args()
    t0 = time.perf_counter()
    inputs = synthetic_week(args.agents)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / f"{WEEK}.xlsx", **inputs)
        t2 = time.perf_counter()
        size_mb = path.stat().st_size / 1e6
        extra = ""
        if args.per_agent:
            from planner.export import write_agent_files
            files = write_agent_files(Path(folder) / "agents", **{k: inputs[k] for k in
                                                                  ("config", "week", "agents", "roster")})
            extra = f"; per-agent files: {len(files)} in {time.perf_counter() - t2:.1f} s"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r = inputs["roster"]
    print(f"{args.agents} agents, {len(r.shifts)} shifts, {len(r.allocation)} allocation rows, "
          f"{len(inputs['requirements'])} queue-intervals (28 queues)")
    print(f"synthetic data {t1 - t0:.1f} s; workbook written in {t2 - t1:.1f} s ({size_mb:.1f} MB); "
          f"peak memory (RSS, whole process) {peak_mb:.0f} MB{extra}")


if __name__ == "__main__":
    main()
