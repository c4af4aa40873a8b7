"""Benchmark: a requirements-only what-if over 28 queues x 4 weeks of hourly intervals.

Builds a synthetic 4-week forecast (4 channels x 7 languages, daily and weekly shape),
then times `whatif_requirements` for the base plus 1 scenario, plus 3 scenarios, and a
5-point volume sweep. Prints the median of --runs runs each (target: under 3 s on 2 cores).

    /tmp/venv/bin/python bench/whatif_speed.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from planner.config import Config, TeamConfig
from planner.scenario import parse_change, parse_sweep, sweep_scenarios, whatif_requirements
from planner.scenario.change import Scenario
from planner.timegrid import period_grid

LANGUAGES = {"en": 1.0, "de": 0.6, "fr": 0.35, "es": 0.3, "it": 0.2, "nl": 0.1, "pl": 0.04}
PEAK_PER_HOUR = {"phone": 260.0, "chat": 140.0, "email": 90.0, "social": 30.0}
AHT_S = {"phone": 300.0, "chat": 540.0, "email": 420.0, "social": 240.0}
TZ = "Europe/Berlin"


def synthetic_forecast(first_week: str = "2026-W49", weeks: int = 4) -> pd.DataFrame:
    """Return a FORECAST_COLUMNS frame: 28 queues x `weeks` weeks of hourly intervals."""
    grid = period_grid(first_week, weeks, TZ, 60)
    local = grid.tz_convert(TZ)
    hour, weekday = local.hour.to_numpy(), local.day_of_week.to_numpy()
    shape = np.clip(np.sin((hour - 6) / 16 * np.pi), 0.02, None) * np.where(weekday >= 5, 0.45, 1.0)
    parts = []
    for ch, peak in PEAK_PER_HOUR.items():
        for lang, share in LANGUAGES.items():
            v = peak * share * shape
            parts.append(pd.DataFrame({"interval_start": grid, "channel": ch, "language": lang, "volume": v,
                                       "volume_p10": v * 0.8, "volume_p90": v * 1.2, "aht_s": AHT_S[ch],
                                       "method": "synthetic"}))
    return pd.concat(parts, ignore_index=True)


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    config = Config(team=TeamConfig(home_timezone=TZ, interval_minutes=60))
    forecast = synthetic_forecast()
    one = [Scenario("chat campaign", (parse_change("volume", "chat:+30%", config),))]
    three = one + [Scenario("phone 90/20", (parse_change("sla", "phone=90/20", config),)),
                   Scenario("slower", (parse_change("aht", "+20s", config), parse_change("shrinkage", "0.35")))]
    sweep = parse_sweep("volume=-10%..+30%/10%", config)
    points = sweep_scenarios(sweep, config)
    n = forecast.interval_start.nunique()
    print(f"forecast: {forecast.groupby(['channel', 'language']).ngroups} queues x {n} intervals "
          f"({len(forecast):,} rows), median of {args.runs} runs")
    for label, scenarios in (("base + 1 scenario", one), ("base + 3 scenarios", three),
                             ("base + 5-point sweep", points)):
        s = _median(lambda: whatif_requirements(forecast, config, (), scenarios, None), args.runs)
        print(f"  {label:<22} {s:6.2f} s  ({'OK' if s < 3 else 'SLOW'}: target < 3 s)")


if __name__ == "__main__":
    main()
