"""Rolling-origin backtest: accuracy per queue and method, and the errors behind the quantiles.

Origins are local Mondays 00:00 (the start of a planning week), one week apart, the
latest ones whose horizon still lies inside the history. From each origin a method sees
only the history before it (`QueueSeries.until`), forecasts `horizon_days` ahead and is
scored against what happened:

- WAPE = sum |forecast - actual| / sum actual, over all origins and intervals;
- bias = sum (forecast - actual) / sum actual (positive = over-forecast);
- MASE = mean |forecast - actual| / mean |y_t - y_{t-week}| in the training data, averaged
  over origins (below 1 beats the in-sample seasonal naive);
- coverage = share of open intervals whose actual falls inside the p10-p90 band, the band of
  each origin built from the errors of the *other* origins (leave one origin out).

Errors are standardised as z = (actual - forecast) / sqrt(forecast + 1), which is roughly
constant in spread for count data; quantiles of z turn a point forecast into a band.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from planner import columns as C
from planner.errors import PlannerError
from planner.forecast.models import FORECASTERS, Forecaster, make_forecaster
from planner.forecast.series import QueueSeries, SlotClock, pool_series, queue_series
from planner.forecast.special_days import clean_history, public_holidays, queue_days

Progress = Callable[[str], None]
BAND = (0.1, 0.9)
ACCURACY_COLUMNS = [C.CHANNEL, C.LANGUAGE, "method", "wape", "bias", "mase", "coverage", "origins"]
POISSON_Z = (-1.2816, 1.2816)  # normal quantiles for p10/p90 when no backtest is possible


def standard_error(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Return (actual - forecast) / sqrt(forecast + 1): errors on a count-stable scale."""
    return (actual - forecast) / np.sqrt(forecast + 1.0)


def band(forecast: np.ndarray, z_low: float, z_high: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (low, high) volumes around `forecast` from error quantiles; 0 where forecast is 0."""
    scale = np.sqrt(forecast + 1.0)
    low = np.clip(forecast + z_low * scale, 0.0, forecast)
    high = np.maximum(forecast + z_high * scale, forecast)
    closed = forecast <= 0
    return np.where(closed, 0.0, low), np.where(closed, 0.0, high)


def weekly_origins(series: QueueSeries, season: int, horizon: int, need_weeks: float, count: int) -> list[int]:
    """Return up to `count` local-Monday origins (slots), latest first, with `need_weeks` of history before."""
    last = ((series.stop - horizon) // season) * season
    earliest = series.first + int(np.ceil(need_weeks * season - 1e-9))
    return [o for o in range(last, earliest - 1, -season)][:count]


@dataclass
class MethodScore:
    """Backtest result of one method on one queue."""

    method: str
    origins: int = 0
    wape: float = float("nan")
    bias: float = float("nan")
    mase: float = float("nan")
    coverage: float = float("nan")
    z: np.ndarray = field(default_factory=lambda: np.zeros(0))
    runs: list = field(default_factory=list, repr=False)  # (actual, forecast, mase scale) per origin

    @property
    def z_band(self) -> tuple[float, float]:
        """Error quantiles (p10, p90) on the z scale, from all origins (normal if no backtest)."""
        if len(self.z) < 20:
            return POISSON_Z
        lo, hi = np.quantile(self.z, BAND)
        return float(min(lo, 0.0)), float(max(hi, 0.0))


def origin_forecasts(forecaster: Forecaster, series: QueueSeries, origins: Sequence[int],
                     horizon: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Return (origin, forecast, actual) per origin; each forecast sees only the history before its origin."""
    preds = forecaster.forecast_origins(series, list(origins), horizon)
    return [(o, p, series.volume[o - series.first:o - series.first + horizon]) for o, p in zip(origins, preds)]


def score_method(forecaster: Forecaster, series: QueueSeries, origins: Sequence[int], horizon: int,
                 skip: np.ndarray | None = None) -> MethodScore:
    """Backtest one forecaster on one queue from the given origins; `skip` marks slots not scored."""
    season = forecaster.season_length
    runs = []
    for o, pred, actual in origin_forecasts(forecaster, series, origins, horizon):
        y = series.volume[:o - series.first]
        scale = float(np.mean(np.abs(y[season:] - y[:-season]))) if len(y) > season else float("nan")
        if skip is not None:
            keep = ~skip[o - series.first:o - series.first + horizon]
            actual, pred = actual[keep], pred[keep]
        runs.append((actual, pred, scale))
    return score_runs(forecaster.label, runs)


def combine_scores(label: str, scores: Sequence[MethodScore]) -> MethodScore:
    """Score the equal-weight mean of several methods' backtest forecasts (same origins)."""
    runs = [(parts[0][0], np.mean([p for _, p, _ in parts], axis=0), parts[0][2])
            for parts in zip(*(sc.runs for sc in scores))]
    return score_runs(label, runs)


def score_runs(label: str, runs: list[tuple[np.ndarray, np.ndarray, float]]) -> MethodScore:
    """Return WAPE, bias, MASE, band coverage and z errors of (actual, forecast, scale) per origin."""
    if not runs:
        return MethodScore(label)
    actual = np.concatenate([r[0] for r in runs])
    pred = np.concatenate([r[1] for r in runs])
    total = actual.sum()
    err = pred - actual
    mases = [np.mean(np.abs(p - a)) / s for a, p, s in runs if s and np.isfinite(s) and s > 0]
    zs = [standard_error(a[p > 0], p[p > 0]) for a, p, _ in runs]
    inside, counted = 0, 0
    for i, (a, p, _) in enumerate(runs):
        others = np.concatenate([z for j, z in enumerate(zs) if j != i]) if len(runs) > 1 else zs[i]
        z_lo, z_hi = MethodScore("", z=others).z_band
        lo, hi = band(p, z_lo, z_hi)
        open_ = (p > 0) | (a > 0)
        inside += int(((a >= lo - 1e-9) & (a <= hi + 1e-9) & open_).sum())
        counted += int(open_.sum())
    return MethodScore(
        method=label,
        origins=len(runs),
        wape=float(np.abs(err).sum() / total) if total > 0 else float("nan"),
        bias=float(err.sum() / total) if total > 0 else float("nan"),
        mase=float(np.mean(mases)) if mases else float("nan"),
        coverage=inside / counted if counted else float("nan"),
        z=np.concatenate(zs),
        runs=runs,
    )


def score_queue(forecasters: Sequence[Forecaster], series: QueueSeries, horizon: int,
                origins: int, skip: np.ndarray | None = None) -> list[MethodScore]:
    """Backtest several forecasters on one queue from the same origins.

    The origins are the latest ones where every method has enough history; methods that
    need more history than the queue has are left out (origins = 0) rather than
    compared on fewer origins.
    """
    season = forecasters[0].season_length
    usable = list(forecasters)
    while usable:
        need = max(f.min_weeks for f in usable)
        picked = weekly_origins(series, season, horizon, need, origins)
        if picked:
            break
        usable = [f for f in usable if f.min_weeks < need]
    else:
        picked = []
    return [score_method(f, series, picked, horizon, skip) if f in usable else MethodScore(f.label)
            for f in forecasters]


def backtest(history: pd.DataFrame, config, *, methods: Sequence[str] | None = None, origins: int = 4,
             horizon_days: int | None = None, progress: Progress | None = None,
             special_days: pd.DataFrame | None = None) -> pd.DataFrame:
    """Backtest forecast methods per queue from weekly rolling origins.

    Special days (see special_days.py) are replaced in training and left out of the scores.

    Returns one row per queue x method: channel, language, method, wape, bias, mase,
    coverage (of the p10-p90 band) and origins (how many were scored; 0 = too little history).
    """
    methods = list(methods or FORECASTERS)
    if origins < 1:
        raise PlannerError(f"backtest: origins must be at least 1, got {origins}")
    forecasters = [make_forecaster(m, config) for m in methods]
    clock = SlotClock(config.team.home_timezone, config.team.interval_minutes)
    days = horizon_days or config.forecast.horizon_days
    horizon = days * clock.day_slots
    series = queue_series(history, clock)
    if not series:
        raise PlannerError("history is empty: nothing to backtest")
    rows = []
    special = with_public_holidays(special_days, config, series, clock)
    cleaned = [clean_history(s, queue_days(special, s.channel, s.language), clock.day_slots, clock.week_slots)[:2]
               for s in series]
    pools = pool_series([s for s, _ in cleaned])
    for f in forecasters:
        f.pools_ = pools
    for i, (s, skip) in enumerate(cleaned, 1):
        if progress is not None:
            progress(f"Backtesting {s.name} ({i}/{len(series)}): {len(methods)} methods, {origins} origins")
        for sc in score_queue(forecasters, s, horizon, origins, skip):
            rows.append([s.channel, s.language, sc.method, sc.wape, sc.bias, sc.mase, sc.coverage, sc.origins])
    return pd.DataFrame(rows, columns=ACCURACY_COLUMNS)


def with_public_holidays(special: pd.DataFrame | None, config, series: Sequence[QueueSeries], clock: SlotClock,
                         until_slot: int | None = None) -> pd.DataFrame | None:
    """Add the public holidays of config.team.countries (if the `holidays` package is installed).

    Rows of `special` come last, so they win over a holiday on the same day and queue.
    """
    if not config.team.countries or not series:
        return special
    first = min(s.first for s in series) // clock.day_slots
    last = max([s.stop for s in series] + [until_slot or 0]) // clock.day_slots
    epoch = pd.Timestamp("1970-01-05")
    found = public_holidays(config.team.countries, (epoch + pd.Timedelta(days=first)).date(),
                            (epoch + pd.Timedelta(days=last)).date())
    if found.empty:
        return special
    return found if special is None or special.empty else pd.concat([found, special], ignore_index=True)
