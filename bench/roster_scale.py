"""Roster scale benchmark: demo-like follow-the-sun teams of 50-1000 agents, one week, hourly grid.

Teams come from planner.demo (7 sites, 7 languages x 4 channels, realistic skill mixes);
demand follows each language's markets' local clocks and is scaled to about 85 % of
what the team can cover. Each size runs in its own process so peak memory is its own.

    /tmp/venv/bin/python bench/roster_scale.py --sizes 50 200 --time-limit 60 --workers 2

Prints per size: model build time, time to the first roster (best responses: it is
feasible) and to CP-SAT's first, total time (* when the time limit cut planned work),
objective, the proven lower bound (planner.roster.bound) and the seconds it took, gap,
shortfall agent-hours, paid hours and peak memory (MB, before the benchmark scores the
roster by terms); with --terms also the roster's objective by term family (what the gap
is made of).
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from datetime import time as clock

import numpy as np
import pandas as pd

from planner import columns as C
from planner import demo
from planner.agents import Agent
from planner.config import Config, RulesConfig, SolverConfig, TeamConfig, parse_weekdays
from planner.timegrid import week_grid

WEEK = "2026-W49"
CHANNEL_SHARE = {"phone": 0.4, "chat": 0.3, "email": 0.2, "social": 0.1}


def _clock(text) -> clock | None:
    if not isinstance(text, str) or not text.strip():
        return None
    h, m = text.split(":")
    return clock(int(h), int(m))


def bench_team(n: int, seed: int = 0) -> tuple[pd.DataFrame, tuple[Agent, ...]]:
    """Return the demo team of `n` agents as its frame and as Agent objects."""
    frame = demo.demo_agents(n, seed)
    agents = []
    for r in frame.itertuples(index=False):
        langs, chans = tuple(r.languages.split(";")), tuple(r.channels.split(";"))
        agents.append(Agent(
            agent_id=r.agent_id, name=r.name, timezone=r.timezone, languages=langs, channels=chans,
            skills=tuple((c, lang) for c in chans for lang in langs), contract_hours=float(r.contract_hours),
            min_hours=float(r.min_hours), max_hours=float(r.max_hours), days_per_week=int(r.days_per_week),
            earliest_start=_clock(r.earliest_start), latest_end=_clock(r.latest_end),
            days_off=parse_weekdays(r.days_off or None, "days_off"), preferred_start=_clock(r.preferred_start),
            team=r.team, night_ok=r.night_ok == "true"))
    return frame, tuple(agents)


def _shape(channel: str, tz: str, grid: pd.DatetimeIndex, always_open: bool) -> np.ndarray:
    local = grid.tz_convert(tz)
    hour = np.asarray(local.hour + local.minute / 60, dtype=float)
    dow = np.asarray(local.dayofweek)
    floor, peaks = demo.INTRADAY[channel]
    value = floor + sum(h * np.exp(-0.5 * ((hour - c) / w) ** 2) for c, w, h in peaks)
    value = value * np.asarray(demo.WEEKDAY_FACTOR[channel])[dow]
    if always_open:
        return value
    open_ = np.zeros(len(grid), dtype=bool)
    for sel, day in zip((dow < 5, dow == 5, dow == 6), demo.OPEN_HOURS[channel]):
        if day is not None:
            open_ |= sel & (hour >= day[0]) & (hour < day[1])
    return value * open_


def bench_requirements(frame: pd.DataFrame, config: Config, week: str = WEEK, load: float = 0.85) -> pd.DataFrame:
    """Return a requirements frame whose agent-hours per language are `load` x what the team can give."""
    grid = week_grid(week, config.team.home_timezone, config.team.interval_minutes)
    hours = demo.language_hours(frame)
    served = {(c, lang) for langs, chans in zip(frame.languages, frame.channels)
              for lang in langs.split(";") for c in chans.split(";")}
    rows = []
    for lang, h in hours.items():
        chans = [c for c in demo.CHANNELS if (c, lang) in served]
        share = sum(CHANNEL_SHARE[c] for c in chans)
        for c in chans:
            shape = sum(s * _shape(c, tz, grid, lang == "en") for _, tz, s in demo.MARKETS[lang])
            target = load * h * 7 / 8 * CHANNEL_SHARE[c] / share  # agent-hours after breaks
            need = np.floor(shape / max(shape.sum(), 1e-9) * target + 0.5).astype(int)
            for t, n in zip(grid, need):
                rows.append((t, c, lang, n))
    req = pd.DataFrame(rows, columns=[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, "staff_needed"])
    for col in C.REQUIREMENT_COLUMNS:
        if col not in req:
            req[col] = req["staff_needed"].astype(float) if col in ("agents_needed", "agents_needed_frac") else 0.0
    req[C.VOLUME] = req["staff_needed"] * 10.0
    req[C.AHT_S] = 300.0
    return req[C.REQUIREMENT_COLUMNS]


def bench_config(time_limit: float, workers: int, seed: int = 0) -> Config:
    """Return the demo's rules with the benchmark's solver settings."""
    return Config(team=TeamConfig(home_timezone=demo.HOME_TIMEZONE, interval_minutes=60),
                  rules=RulesConfig(shift_hours=(6.0, 8.0, 9.0), break_minutes=60, start_step_minutes=60,
                                    min_rest_hours=11, max_consecutive_days=6),
                  solver=SolverConfig(time_limit_seconds=time_limit, seed=seed, workers=workers))


def roster_terms_of(r, req: pd.DataFrame, agents: tuple[Agent, ...], cfg: Config) -> dict[str, float]:
    """Return the roster's objective points per term family (planner.roster.bound.roster_terms)."""
    from collections import defaultdict

    from planner.roster.bound import roster_terms
    from planner.roster.model import new_roster_model

    keep: dict[str, set] = defaultdict(set)
    week_start = week_grid(WEEK, cfg.team.home_timezone, cfg.team.interval_minutes)[0]
    minute = pd.Timedelta(minutes=1)
    picked = set()
    for s in r.shifts.itertuples(index=False):
        start = int((s.start_utc - week_start) / minute)
        brk = None if pd.isna(s.break_start_utc) else int((s.break_start_utc - week_start) / minute)
        keep[s.agent_id].add((s.local_date, start, int(round(s.paid_hours * 60))))
        picked.add((s.agent_id, start, brk))
    rm = new_roster_model(req, agents, cfg, WEEK, breaks="all", keep=dict(keep))
    # fair-share groups are judged on the whole week's candidates, as the solver's models do
    rm.peers_from = new_roster_model(req, agents, cfg, WEEK, breaks="middle").candidates
    chosen = {aid: [i for i, c in enumerate(cands) if (aid, c.start_m, c.break_m) in picked]
              for aid, cands in rm.candidates.items()}
    pos = {t: i for i, t in enumerate(rm.grid)}
    counts: dict = defaultdict(int)
    for t, ch, lang in r.allocation[[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE]].itertuples(index=False):
        counts[(ch, lang), pos[t]] += 1
    return roster_terms(rm, chosen, counts)


def run_one(n: int, time_limit: float, workers: int, verbose: bool = False, terms: bool = False) -> dict:
    """Build and solve one size; return its figures (and the roster's objective by term family)."""
    from planner.roster import build_roster, check_roster

    frame, agents = bench_team(n)
    cfg = bench_config(time_limit, workers)
    req = bench_requirements(frame, cfg)
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if verbose:
            print(line, flush=True)

    t0 = time.perf_counter()
    r = build_roster(req, agents, cfg, WEEK, progress=progress)
    total = time.perf_counter() - t0
    build_s = float(lines[0].rsplit(" in ", 1)[1].split(" s")[0]) if lines else float("nan")
    cov = r.allocation.groupby([C.INTERVAL_START, C.CHANNEL, C.LANGUAGE]).size().rename("scheduled")
    need = req.set_index([C.INTERVAL_START, C.CHANNEL, C.LANGUAGE])["staff_needed"]
    joined = pd.concat([need, cov], axis=1).fillna(0)
    short = float((joined["staff_needed"] - joined["scheduled"]).clip(lower=0).sum())
    violations = len(check_roster(r, agents, cfg))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the benchmark's own scoring
    return {"agents": n, "candidates": r.settings["candidate_shifts"], "profiles": r.settings["skill_profiles"],
            "build_s": build_s, "first_roster_s": r.settings.get("first_roster_seconds"),
            "first_s": r.settings.get("first_solution_seconds"), "total_s": total,
            "wall_cut": bool(r.settings.get("wall_clock_cut")),
            "status": r.status, "objective": r.objective, "bound": r.bound, "gap": r.gap,
            "bound_s": r.settings.get("bound_seconds"), "bound_method": r.settings.get("bound_method"),
            "bound_iterations": r.settings.get("bound_iterations"),
            "shortfall_h": short, "required_h": float(need.sum()), "paid_h": float(r.shifts.paid_hours.sum()),
            "violations": violations, "peak_mb": peak_mb,
            "terms": roster_terms_of(r, req, agents, cfg) if terms else None}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500, 1000])
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--terms", action="store_true", help="also print each roster's objective by term family")
    a = p.parse_args()
    if a.one:
        print(json.dumps(run_one(a.one, a.time_limit, a.workers, a.verbose, a.terms), default=str))
        return
    head = (f"{'agents':>6} {'cands':>7} {'prof':>5} {'build s':>7} {'1st s':>6} {'cpsat s':>7} {'total s':>7} "
            f"{'objective':>11} "
            f"{'bound':>11} {'bound s':>7} {'gap':>6} {'short h':>8} {'need h':>7} {'paid h':>7} {'viol':>4} {'MB':>6}")
    print(f"time limit {a.time_limit:g} s, {a.workers} workers, week {WEEK}")
    print(head)
    for n in a.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--time-limit", str(a.time_limit),
               "--workers", str(a.workers)] + (["--verbose"] if a.verbose else []) + (["--terms"] if a.terms else [])
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(f"{n:>6} failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
            continue
        if a.verbose:
            print("\n".join(out.stdout.strip().splitlines()[:-1]))
        d = json.loads(out.stdout.strip().splitlines()[-1])
        first = "-" if d["first_s"] is None or math.isnan(d["first_s"]) else f"{d['first_s']:.1f}"
        cut = "*" if d["wall_cut"] else " "
        print(f"{d['agents']:>6} {d['candidates']:>7} {d['profiles']:>5} {d['build_s']:>7.1f} "
              f"{d['first_roster_s']:>6.1f} {first:>7} {d['total_s']:>6.1f}{cut} "
              f"{d['objective']:>11,.0f} {d['bound']:>11,.0f} {d['bound_s']:>7.1f} {d['gap']:>6.1%} "
              f"{d['shortfall_h']:>8,.0f} {d['required_h']:>7,.0f} {d['paid_h']:>7,.0f} {d['violations']:>4} "
              f"{d['peak_mb']:>6,.0f}", flush=True)
        if d["terms"]:
            print(f"{'':>6} bound: {d['bound_method']}, {d['bound_iterations']} iterations; roster by term: "
                  + ", ".join(f"{k} {v:,.0f}" for k, v in d["terms"].items() if v), flush=True)


if __name__ == "__main__":
    main()
