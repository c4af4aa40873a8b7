"""Benchmark: a year of hourly intervals x 28 queues through `staffing_requirements`.

Prints the median of several runs (target: under 5 s on 2 cores) and, when a Python with
pyworkforce is given, runs the same Erlang C inputs (the phone queues) through
pyworkforce's ErlangC in that interpreter, prints the speed ratio and every disagreement in
agent or staff counts, each settled by an exact check (exact Erlang B in fractions, the
exponential in 50-digit decimals, shrinkage as an exact fraction).

pyworkforce is never a dependency of planner: install it in a separate environment, e.g.
    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install pyworkforce
    /tmp/venv/bin/python bench/staffing_speed.py --pyworkforce-python /tmp/benchvenv/bin/python
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from planner import erlang as E
from planner.config import DEFAULT_CHANNELS, ChannelConfig, Config, StaffingConfig, TeamConfig
from planner.staffing import staffing_requirements

LANGUAGES = {"en": 1.0, "de": 0.6, "fr": 0.35, "es": 0.3, "it": 0.2, "nl": 0.1, "pl": 0.04}
PEAK_PER_HOUR = {"phone": 260.0, "chat": 140.0, "email": 90.0, "social": 30.0}
AHT_S = {"phone": 300, "chat": 540, "email": 420, "social": 240}
SHRINKAGE = 0.3
PHONE_TARGET, PHONE_ANSWER_S, PHONE_OCCUPANCY = 0.8, 20, 0.85

PYWORKFORCE_SCRIPT = r"""
import json, sys, time
import numpy as np
from pyworkforce.queuing import ErlangC
data = np.load(sys.argv[1])
rows = zip(*(data[k].tolist() for k in ("volume", "aht_s", "answer_s", "target")))
start = time.perf_counter()
raw, staff = [], []
for v, a, t, sl in rows:
    r = ErlangC(transactions=v, aht=a / 60.0, asa=t / 60.0, interval=60, shrinkage=%(shrink)r)
    out = r.required_positions(service_level=sl, max_occupancy=%(occ)r)
    raw.append(int(out["raw_positions"]))
    staff.append(int(out["positions"]))
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "raw": raw, "staff": staff}, open(sys.argv[2], "w"))
"""


def year_forecast(year: int = 2026, seed: int = 0) -> pd.DataFrame:
    """Return a synthetic hourly forecast for 4 channels x 7 languages over one year (UTC)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left", tz="UTC")
    hour = starts.hour.to_numpy() + 1  # Berlin, roughly
    day = np.clip(np.sin((hour - 7) / 14 * np.pi), 0, None) ** 1.5 + 0.03
    weekday = np.where(starts.day_of_week.to_numpy() >= 5, 0.45, 1.0)
    frames = []
    for channel, peak in PEAK_PER_HOUR.items():
        for language, scale in LANGUAGES.items():
            mean = peak * scale * day * weekday
            frames.append(pd.DataFrame({
                "interval_start": starts, "channel": channel, "language": language,
                "volume": rng.poisson(mean).astype(float), "aht_s": float(AHT_S[channel])}))
    return pd.concat(frames, ignore_index=True)


def bench_config(phone_model: str = "erlang_c") -> Config:
    channels = dict(DEFAULT_CHANNELS)
    phone = channels["phone"]
    channels["phone"] = ChannelConfig("phone", phone_model, phone.target, PHONE_OCCUPANCY, 1,
                                      patience_s=180.0 if phone_model == "erlang_a" else None, priority=3.0)
    return Config(team=TeamConfig(home_timezone="Europe/Berlin", interval_minutes=60), channels=channels,
                  staffing=StaffingConfig(SHRINKAGE))


def median_seconds(forecast: pd.DataFrame, config: Config, runs: int) -> tuple[float, list[float], pd.DataFrame]:
    times = []
    req = None
    for _ in range(runs):
        start = time.perf_counter()
        req = staffing_requirements(forecast, config)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, req


def exact_service_level(n: int, load: Fraction, aht_s: int, answer_s: int) -> Decimal:
    """Erlang C service level: exact Erlang B recursion in fractions, exp in 50-digit decimals."""
    getcontext().prec = 50
    b = Fraction(1)
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    c = n * b / (n - load * (1 - b))
    expo = -(n - load) * Fraction(answer_s, aht_s)
    return 1 - Decimal(c.numerator) / Decimal(c.denominator) * (
        Decimal(expo.numerator) / Decimal(expo.denominator)).exp()


def exact_minimum(volume: float, aht_s: int, answer_s: int, target: float) -> tuple[int, Fraction]:
    """The true minimum agents by exact arithmetic (hourly interval, PHONE_OCCUPANCY cap)."""
    load = Fraction(int(volume)) * aht_s / 3600
    n = max(math.floor(load) + 1, math.ceil(load / Fraction(str(PHONE_OCCUPANCY))))
    while exact_service_level(n, load, aht_s, answer_s) < Decimal(str(target)):
        n += 1
    return n, load


# Low loads with a long answer time, where a search starting at round(load + 1) starts above
# the optimum (volume per hour, AHT s, answer s, target).
SPOT_CHECKS = [(52, 180, 900, 0.8), (11, 180, 600, 0.8), (30, 300, 1800, 0.9), (9, 240, 300, 0.6)]


def run_pyworkforce(python: str, volume, aht_s, answer_s, target) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "in.npz", Path(tmp) / "out.json"
        np.savez(inputs, volume=np.asarray(volume, float), aht_s=np.asarray(aht_s, float),
                 answer_s=np.asarray(answer_s, float), target=np.asarray(target, float))
        script = PYWORKFORCE_SCRIPT % {"shrink": SHRINKAGE, "occ": PHONE_OCCUPANCY}
        subprocess.run([python, "-c", script, str(inputs), str(outputs)], check=True)
        return json.loads(outputs.read_text())


def exact_staff(agents: int) -> int:
    x = Fraction(agents) / (1 - Fraction(str(SHRINKAGE)))
    return -(-x.numerator // x.denominator)


def compare_pyworkforce(python: str, forecast: pd.DataFrame, config: Config, runs: int) -> None:
    phone = forecast[(forecast["channel"] == "phone") & (forecast["volume"] > 0)].reset_index(drop=True)
    ours_s, _, req = median_seconds(phone, config, runs)
    n = len(phone)
    theirs = run_pyworkforce(python, phone["volume"], phone["aht_s"], [PHONE_ANSWER_S] * n, [PHONE_TARGET] * n)
    print(f"\npyworkforce ErlangC on the same {len(phone):,} phone queue-intervals (Erlang C, 80/20, "
          f"max occupancy {PHONE_OCCUPANCY}, shrinkage {SHRINKAGE}):")
    print(f"  pyworkforce: {theirs['seconds']:.2f} s; planner staffing_requirements: {ours_s:.3f} s (median of "
          f"{runs}); planner is {theirs['seconds'] / ours_s:.0f}x faster")
    ours_raw, ours_staff = req["agents_needed"].to_numpy(), req["staff_needed"].to_numpy()
    raw, staff = np.array(theirs["raw"]), np.array(theirs["staff"])
    bad_raw = np.nonzero(raw != ours_raw)[0]
    bad_staff = np.nonzero((staff != ours_staff) & (raw == ours_raw))[0]
    print(f"  agent-count disagreements: {len(bad_raw)}; staff-count disagreements (same agents): {len(bad_staff)}")
    wins = {"planner": 0, "pyworkforce": 0, "neither": 0, "both": 0}
    for i in bad_raw:
        v, a = float(phone["volume"].iloc[i]), int(phone["aht_s"].iloc[i])
        wins[_settle_agents(f"{phone['interval_start'].iloc[i]:%Y-%m-%d %H:%M} {phone['language'].iloc[i]}",
                            v, a, PHONE_ANSWER_S, PHONE_TARGET, int(ours_raw[i]), int(raw[i]))] += 1
    for i in bad_staff:
        exact = exact_staff(int(ours_raw[i]))
        winner = "planner" if exact == ours_staff[i] else "pyworkforce" if exact == staff[i] else "neither"
        wins[winner] += 1
        print(f"    staff   {phone['interval_start'].iloc[i]:%Y-%m-%d %H:%M} {phone['language'].iloc[i]} volume "
              f"{phone['volume'].iloc[i]:g}: {ours_raw[i]} agents / (1 - {SHRINKAGE}) -> planner {ours_staff[i]}, "
              f"pyworkforce {staff[i]}, exact {exact} -> {winner}")
    print(f"  settled by exact check: {wins}")
    spot = run_pyworkforce(python, *zip(*SPOT_CHECKS))
    print("  spot checks at low load with long answer times (volume/h, AHT, answer s, target):")
    for (v, a, t, sl), theirs_n in zip(SPOT_CHECKS, spot["raw"]):
        ours_n = E.agents_for_target(v * a / 3600, a, sl, t, PHONE_OCCUPANCY)
        print(f"    {(v, a, t, sl)}: ", end="")
        _settle_agents("", v, a, t, sl, ours_n, int(theirs_n), indent="")


def _settle_agents(label: str, volume: float, aht_s: int, answer_s: int, target: float, ours: int, theirs: int,
                   indent: str = "    ") -> str:
    """Print one agent-count comparison settled by the exact minimum; return the winner."""
    true_n, load = exact_minimum(volume, aht_s, answer_s, target)
    winner = ("both" if true_n == ours == theirs else "planner" if true_n == ours
              else "pyworkforce" if true_n == theirs else "neither")
    below = (f"{float(exact_service_level(true_n - 1, load, aht_s, answer_s)):.6f}" if true_n - 1 > load
             else "unstable")
    print(f"{indent}agents {label} volume {volume:g} load {float(load):.4f} E: planner {ours}, pyworkforce "
          f"{theirs}, exact minimum {true_n} (exact SL at {true_n - 1}: {below}, at {true_n}: "
          f"{float(exact_service_level(true_n, load, aht_s, answer_s)):.6f}) -> {winner}")
    return winner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (the median is reported)")
    parser.add_argument("--pyworkforce-python", help="a Python interpreter that has pyworkforce installed")
    parser.add_argument("--erlang-a", action="store_true", help="also time phone queues as Erlang A")
    args = parser.parse_args()

    forecast = year_forecast()
    queues = forecast.groupby(["channel", "language"]).ngroups
    config = bench_config()
    print(f"{len(forecast):,} queue-intervals ({queues} queues x {len(forecast) // queues:,} hourly intervals); "
          f"channels: phone Erlang C 80/20, chat Erlang C 80/60 concurrency 2, email deferred 90/4h, "
          f"social deferred 90/2h")
    med, times, req = median_seconds(forecast, config, args.runs)
    print(f"staffing_requirements: median {med:.2f} s over {args.runs} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}); target < 5 s: {'met' if med < 5 else 'NOT met'}")
    by_channel = req.groupby("channel").agg(agent_hours=("agents_needed", "sum"), staff_hours=("staff_needed", "sum"),
                                            peak_agents=("agents_needed", "max"))
    print(by_channel.to_string())
    if args.erlang_a:
        med_a, times_a, _ = median_seconds(forecast, bench_config("erlang_a"), max(1, args.runs // 2))
        print(f"with phone as Erlang A (patience 180 s): median {med_a:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times_a)})")
    if args.pyworkforce_python:
        compare_pyworkforce(args.pyworkforce_python, forecast, config, args.runs)


if __name__ == "__main__":
    main()
