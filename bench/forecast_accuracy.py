"""Forecast accuracy on real call-center data, and forecast speed on a large synthetic team.

Usage (from the repository root; needs ../shared/data/anonymous_bank_1999/):

    python bench/forecast_accuracy.py            # all three parts
    python bench/forecast_accuracy.py hourly     # or: halfhourly, speed

1. hourly: arrivals_hourly_1999.csv (one queue, the whole bank). Weekly rolling origins
   from Sunday 1999-10-10 to 1999-12-19, horizon 7 days, each origin refitting on the data
   before it only. WAPE per method and for `auto`, with seasonal naive and the 4-week
   moving average measured in the same run. Targets: auto mean WAPE <= 0.85 x seasonal
   naive's, and <= the best single method + 0.01.
2. halfhourly: arrivals_halfhourly_by_type_1999.csv (queues PS, PE, IN, NE, NW, TT, AA),
   January, February and October: origins at the start of each month's last two weeks,
   horizon 7 days (cut at the month's end), training on the contiguous months before.
3. speed: 50 queues x 2 years of hourly history, fit + 4-origin backtest + forecast of a
   week with `auto`; wall time and peak memory (RSS) printed.

Times in the bank's files are local clock times (Israel); they are used as they are, on a
UTC grid, so there is no DST shift inside the data.
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner import columns as C  # noqa: E402
from planner.config import config_from_dict  # noqa: E402
from planner.errors import PlannerError  # noqa: E402
from planner.forecast import FORECASTERS, forecast_volume  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "anonymous_bank_1999"
METHODS = ["auto"] + list(FORECASTERS)


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    total = actual.sum()
    return float(np.abs(forecast - actual).sum() / total) if total > 0 else np.nan


def rolling_origins(history: pd.DataFrame, config, origins: list[pd.Timestamp], horizon_days: int,
                    methods=METHODS, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Forecast from each origin with each method on data before it; return per origin x method x queue WAPE."""
    rows = []
    step = pd.Timedelta(minutes=config.team.interval_minutes)
    for origin in origins:
        stop = origin + pd.Timedelta(days=horizon_days)
        if end is not None:
            stop = min(stop, end)
        grid = pd.date_range(origin, stop, freq=step, inclusive="left", name=C.INTERVAL_START)
        train = history[history[C.INTERVAL_START] < origin]
        test = history[(history[C.INTERVAL_START] >= origin) & (history[C.INTERVAL_START] < stop)]
        for method in methods:
            try:
                fc = forecast_volume(train, config, grid, method=method).frame
            except PlannerError as exc:
                rows.append((origin, method, None, None, np.nan, str(exc).split(";")[0]))
                continue
            merged = test.merge(fc, on=[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE], suffixes=("", "_fc"))
            for (channel, language), g in merged.groupby([C.CHANNEL, C.LANGUAGE]):
                picked = g["method"].iloc[0]
                rows.append((origin, method, language, picked,
                             _wape(g[C.VOLUME].to_numpy(), g[f"{C.VOLUME}_fc"].to_numpy()), ""))
    return pd.DataFrame(rows, columns=["origin", "method", "queue", "picked", "wape", "note"])


def hourly() -> None:
    raw = pd.read_csv(DATA / "arrivals_hourly_1999.csv")
    stamps = pd.to_datetime(raw["date"]) + pd.to_timedelta(raw["hour"], unit="h")
    history = pd.DataFrame({C.INTERVAL_START: stamps.dt.tz_localize("UTC"), C.CHANNEL: "phone",
                            C.LANGUAGE: "he", C.VOLUME: raw["calls"].astype(float), C.AHT_S: np.nan})
    config = config_from_dict({"team": {"interval_minutes": 60}})
    origins = list(pd.date_range("1999-10-10", "1999-12-19", freq="7D", tz="UTC"))
    t0 = time.perf_counter()
    res = rolling_origins(history, config, origins, 7)
    seconds = time.perf_counter() - t0
    table = res.pivot_table(index="origin", columns="method", values="wape")[METHODS]
    print(f"\n1. Hourly arrivals 1999 (Anonymous Bank), {len(origins)} weekly origins "
          f"{origins[0]:%Y-%m-%d}..{origins[-1]:%Y-%m-%d}, horizon 7 days ({seconds:.1f} s)")
    table.index = [f"{o:%Y-%m-%d}" for o in table.index]
    print(table.round(3).to_string())
    mean = table.mean()
    print("mean WAPE  " + "  ".join(f"{m} {mean[m]:.3f}" for m in METHODS))
    picked = res[res.method == "auto"]["picked"].value_counts().to_dict()
    print(f"auto picked: {picked}")
    best_single = mean.drop("auto").min()
    print(f"auto / seasonal naive = {mean['auto'] / mean['seasonal_naive']:.3f} (target <= 0.85); "
          f"auto - best single = {mean['auto'] - best_single:+.3f} (target <= +0.01)")


def halfhourly() -> None:
    raw = pd.read_csv(DATA / "arrivals_halfhourly_by_type_1999.csv", parse_dates=["interval_start"])
    types = [c for c in raw.columns if c not in ("interval_start", "total")]
    long = raw.melt(id_vars="interval_start", value_vars=types, var_name="type", value_name=C.VOLUME)
    history = pd.DataFrame({C.INTERVAL_START: long["interval_start"].dt.tz_localize("UTC"), C.CHANNEL: "phone",
                            C.LANGUAGE: long["type"].str.lower(), C.VOLUME: long[C.VOLUME].astype(float),
                            C.AHT_S: np.nan})
    config = config_from_dict({"team": {"interval_minutes": 30}})
    print("\n2. Half-hourly arrivals by queue type, origins at the start of each month's last two weeks, "
          "horizon 7 days (cut at the month end)")
    for month, since in (("1999-01", "1999-01-01"), ("1999-02", "1999-01-01"), ("1999-10", "1999-10-01")):
        start = pd.Timestamp(month + "-01", tz="UTC")
        end = start + pd.offsets.MonthBegin(1)
        origins = [end - pd.Timedelta(days=14), end - pd.Timedelta(days=7)]
        part = history[(history[C.INTERVAL_START] >= pd.Timestamp(since, tz="UTC"))
                       & (history[C.INTERVAL_START] < end)]
        res = rolling_origins(part, config, origins, 7, end=end)
        ok = res.dropna(subset=["wape"])
        ok = ok[np.isfinite(ok["wape"])]  # a queue without calls in the test week has no WAPE
        table = ok.pivot_table(index="queue", columns="method", values="wape",
                               aggfunc=lambda w: w.mean() if len(w) == len(origins) else np.nan)
        table = table[[m for m in METHODS if m in table.columns]]
        volume = part[part[C.INTERVAL_START] >= origins[0]].groupby(C.LANGUAGE)[C.VOLUME].sum()
        table.insert(0, "calls", volume.reindex(table.index).astype(int))
        print(f"\n{month} (training from {since}; origins {origins[0]:%m-%d}, {origins[1]:%m-%d}):")
        print(table.round(3).to_string())
        skipped = res[res.note != ""].drop_duplicates("method")
        for _, r in skipped.iterrows():
            print(f"  {r.method}: {r.note}")
        picked = ok[ok.method == "auto"].groupby("queue")["picked"].agg(lambda s: "/".join(sorted(set(s))))
        print("  auto picked: " + ", ".join(f"{q} {m}" for q, m in picked.items()))
        pe = part[part[C.LANGUAGE] == "pe"]
        fc = forecast_volume(pe[pe[C.INTERVAL_START] < origins[1]], config,
                             pd.date_range(origins[1], end, freq="30min", inclusive="left", name=C.INTERVAL_START)).frame
        print(f"  PE (small English queue) forecast for the last week: {fc[C.VOLUME].sum():.0f} calls "
              f"(actual {pe[pe[C.INTERVAL_START] >= origins[1]][C.VOLUME].sum():.0f}), min {fc[C.VOLUME].min():.2f}, "
              f"NaN {int(fc[C.VOLUME].isna().sum())}, negative {int((fc[C.VOLUME] < 0).sum())}")


def synthetic_history(queues: int = 50, weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    """Hourly Poisson history of `queues` queues: intraday, weekly and yearly cycles, closed nights for some."""
    rng = np.random.default_rng(seed)
    grid = pd.date_range("2024-11-25", periods=weeks * 168, freq="h", tz="Europe/Berlin").tz_convert("UTC")
    grid = grid.rename(C.INTERVAL_START)
    local = grid.tz_convert("Europe/Berlin")
    hour, dow = local.hour.to_numpy(), local.day_of_week.to_numpy()
    yearly = 1 + 0.15 * np.cos(2 * np.pi * local.day_of_year.to_numpy() / 365.25)
    frames = []
    for q in range(queues):
        peak = rng.uniform(10, 16)
        day = 0.1 + np.exp(-0.5 * ((hour + 0.5 - peak) / rng.uniform(2, 5)) ** 2)
        week = np.where(dow >= 5, rng.uniform(0.2, 0.7), 1.0)
        rate = rng.lognormal(2.0, 1.0) * day * week * yearly
        if q % 3 == 0:
            rate = np.where((hour >= 8) & (hour < 20), rate, 0.0)
        volume = rng.poisson(rate).astype(float)
        frames.append(pd.DataFrame({C.INTERVAL_START: grid, C.CHANNEL: ("phone", "chat", "email")[q % 3],
                                    C.LANGUAGE: f"{chr(97 + q // 26)}{chr(97 + q % 26)}", C.VOLUME: volume,
                                    C.AHT_S: np.where(volume > 0, rng.gamma(20, 15, len(grid)), np.nan)}))
    return pd.concat(frames, ignore_index=True)


def speed() -> None:
    history = synthetic_history()
    config = config_from_dict({"team": {"home_timezone": "Europe/Berlin"}})
    start = history[C.INTERVAL_START].max() + pd.Timedelta(hours=1)
    grid = pd.date_range(start, periods=168, freq="h", name=C.INTERVAL_START)
    t0 = time.perf_counter()
    fc = forecast_volume(history, config, grid, method="auto")
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n3. Speed: {history[[C.CHANNEL, C.LANGUAGE]].drop_duplicates().shape[0]} queues x "
          f"{len(history) // 50:,} hours ({len(history):,} rows): fit + 4-origin backtest of "
          f"{len(FORECASTERS)} methods + auto forecast of 168 h in {seconds:.1f} s; peak RSS {peak_mb:,.0f} MB")
    print("  methods picked: " + ", ".join(f"{k} {v}" for k, v in fc.accuracy["method"].value_counts().items()))


if __name__ == "__main__":
    parts = sys.argv[1:] or ["hourly", "halfhourly", "speed"]
    if any(p != "speed" for p in parts) and not DATA.is_dir():
        sys.exit(f"reference data not found: {DATA}")
    for part in parts:
        {"hourly": hourly, "halfhourly": halfhourly, "speed": speed}[part]()
