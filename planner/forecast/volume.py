"""forecast_volume: history -> forecast frame (p10/p50/p90 volume and AHT per queue and interval).

Per queue: backtest the candidate methods from weekly origins (horizon
`config.forecast.horizon_days`), keep the one with the lowest WAPE (`auto`) or the one
asked for, forecast the grid from all history before it, and put a p10-p90 band around
it from the backtest errors of that method.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from planner import columns as C
from planner.errors import PlannerError
from planner.forecast.aht import aht_profile
from planner.forecast.backtest import (ACCURACY_COLUMNS, MethodScore, band, combine_scores, score_queue,
                                       with_public_holidays)
from planner.forecast.models import FORECASTERS, Combination, Forecaster, SeasonalMovingAverage, make_forecaster
from planner.forecast.series import QueueSeries, pool_series, queue_series
from planner.forecast.special_days import clean_history, future_factors, queue_days

Progress = Callable[[str], None]
BACKTEST_ORIGINS = 4


@dataclass(frozen=True)
class Forecast:
    """A forecast: `frame` (FORECAST_COLUMNS, one row per queue x interval) and per-queue `accuracy`.

    `accuracy` columns: channel, language, method, wape, bias, mase, coverage, origins
    (the backtest of the method used; NaN and 0 origins where the history was too short).
    """

    frame: pd.DataFrame
    accuracy: pd.DataFrame


def _candidates(method: str) -> list[str]:
    if method == "auto":
        return list(FORECASTERS)
    if method not in FORECASTERS:
        raise PlannerError(f"forecast method: expected one of auto, {', '.join(FORECASTERS)}, got {method!r}")
    return [method]


def forecast_volume(history: pd.DataFrame, config, grid: pd.DatetimeIndex, *, method: str | None = None,
                    special_days: pd.DataFrame | None = None, progress: Progress | None = None) -> Forecast:
    """Forecast volume (p10/p50/p90) and AHT (s) per queue on the UTC `grid` from the history before it.

    `method` None takes config.forecast.method; "auto" picks per queue by backtest WAPE.
    `special_days` is a frame from `read_special_days` (closed / multiplier / exclude /
    holiday per local date and queue); public holidays of config.team.countries are added
    when the optional `holidays` package is installed.
    Raises PlannerError naming the queue when its history is shorter than the method needs.
    """
    C.require_columns(history, [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME], "history")
    grid = pd.DatetimeIndex(grid)
    if len(grid) == 0:
        raise PlannerError("forecast grid is empty")
    method = method or config.forecast.method
    names = _candidates(method)
    forecasters = [make_forecaster(m, config) for m in names]
    clock = forecasters[0].clock
    season = clock.week_slots
    history = history[history[C.INTERVAL_START] < grid[0]]
    series = queue_series(history, clock)
    if not series:
        raise PlannerError(f"no history before {grid[0]:%Y-%m-%d %H:%M} UTC to forecast from")
    horizon = config.forecast.horizon_days * clock.day_slots
    slots = clock.slots(grid)
    frames, accuracy = [], []
    if progress is not None:
        progress(f"Forecasting {len(series)} queues with {method} "
                 f"({len(names)} method(s), backtest on {BACKTEST_ORIGINS} weekly origins)")
    special = with_public_holidays(special_days, config, series, clock, int(slots.max()) + 1)
    cleaned = []
    for s in series:
        days = queue_days(special, s.channel, s.language)
        cleaned.append((days, *clean_history(s, days, clock.day_slots, season)))
    pools = pool_series([c[1] for c in cleaned])
    for f in forecasters:
        f.pools_ = pools
    for i, (days, s, skip, learned) in enumerate(cleaned, 1):
        best_score, best = choose_method(forecasters, s, horizon, skip, auto=method == "auto")
        ahead = np.maximum(slots - s.stop, 0)
        point = best.forecast_series(s, int(ahead.max()) + 1)[ahead]
        low, high = band(point, *best_score.z_band)
        factor = future_factors(slots, days, clock.day_slots, learned)
        point, low, high = point * factor, low * factor, high * factor
        aht = aht_profile(s, season)[slots % season]
        frames.append(pd.DataFrame({
            C.INTERVAL_START: grid, C.CHANNEL: s.channel, C.LANGUAGE: s.language, C.VOLUME: point,
            "volume_p10": low, "volume_p90": high, C.AHT_S: aht, "method": best.label}))
        accuracy.append(_accuracy_row(s.channel, s.language, best_score))
        if progress is not None and (i % 10 == 0 or i == len(series)):
            progress(f"  forecast {i}/{len(series)} queues")
    frame = pd.concat(frames, ignore_index=True)[C.FORECAST_COLUMNS]
    return Forecast(frame, pd.DataFrame(accuracy, columns=ACCURACY_COLUMNS))


def choose_method(forecasters: list[Forecaster], series: QueueSeries, horizon: int, skip: np.ndarray | None,
                  *, auto: bool) -> tuple[MethodScore, Forecaster]:
    """Backtest the candidate methods on one queue and return the best (lowest WAPE) with its score.

    With `auto`, the mean of the two best methods competes too, and a queue too short to
    backtest gets the moving average of the full weeks it has (1 week = seasonal naive).
    Raises PlannerError naming the queue if no candidate has the history it needs.
    """
    season = forecasters[0].season_length
    eligible = [f for f in forecasters if len(series.volume) / season + 1e-9 >= f.min_weeks]
    if not eligible:  # raises, naming the queue, what it has and what the method needs
        min(forecasters, key=lambda f: f.min_weeks).check_history(series)
    scores = score_queue(eligible, series, horizon, BACKTEST_ORIGINS, skip)
    scored = [(sc, f) for sc, f in zip(scores, eligible) if sc.origins > 0 and np.isfinite(sc.wape)]
    if len(scored) >= 2 and auto:
        top = sorted(scored, key=lambda pair: pair[0].wape)[:2]
        combo = Combination([f for _, f in top])
        scored.append((combine_scores(combo.label, [sc for sc, _ in top]), combo))
    if scored:
        return min(scored, key=lambda pair: pair[0].wape)
    if auto:
        first = eligible[0]
        weeks = int(min(4, len(series.volume) // season))
        best = SeasonalMovingAverage(weeks, timezone=first.clock.timezone,
                                     interval_minutes=first.clock.interval_minutes, open_hours=first.open_hours)
        return MethodScore(best.label), best
    return scores[0], eligible[0]


def _accuracy_row(channel: str, language: str, sc: MethodScore) -> list:
    return [channel, language, sc.method, sc.wape, sc.bias, sc.mase, sc.coverage, sc.origins]
