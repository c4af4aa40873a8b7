"""Exponential-smoothing kernels on plain numpy arrays.

- `daily_smoothing`: Holt-Winters on daily totals, damped additive trend and
  multiplicative day-of-week factors (the daily part of the weekly-profile method);
- `double_seasonal`: additive double-seasonal Holt-Winters on intervals (daily and weekly
  cycles, Taylor 2003, J. Oper. Res. Soc. 54:799-805) with his AR(1) adjustment of the
  one-step error.

Smoothing parameters are estimated from the history by minimising the in-sample
one-step-ahead squared error over a grid; the recursion runs for every grid point at
once (numpy over the parameter axis), so a fit costs one pass over the data.
"""
from __future__ import annotations

from itertools import product

import numpy as np

DAILY_GRID = np.array(list(product((0.05, 0.1, 0.2, 0.35, 0.5), (0.0, 0.05, 0.15), (0.02, 0.1, 0.25))))
DAMPING = 0.9
# slow adaptation suits week-ahead horizons (one-step SSE alone favours reactive parameters)
DS_GRID = np.array(list(product((0.002, 0.01, 0.04), (0.02, 0.06, 0.15), (0.02, 0.06, 0.15))))


def daily_smoothing(daily: np.ndarray, first_weekday: int, days_ahead: int, skip_days: int = 0,
                    grid: np.ndarray = DAILY_GRID, damping: float = DAMPING) -> np.ndarray:
    """Forecast daily totals `skip_days + 1 .. skip_days + days_ahead` days after the series.

    `daily[0]` falls on weekday `first_weekday` (Monday = 0). Needs at least 14 days: the
    first two weeks initialise level and day-of-week factors. Returns `days_ahead` values >= 0.
    """
    out = daily_smoothing_origins(daily, first_weekday, [len(daily)], skip_days + days_ahead, None, grid, damping)
    return out[0][skip_days:]


def daily_smoothing_origins(daily: np.ndarray, first_weekday: int, ends: list[int], days_ahead: int,
                            train_days: int | None = None, grid: np.ndarray = DAILY_GRID,
                            damping: float = DAMPING) -> list[np.ndarray]:
    """Forecast `days_ahead` daily totals after each of `ends` (positions in `daily`) in one pass.

    The forecast from end e uses daily[:e] only: parameters minimise the one-step squared
    error over [e - train_days, e) (default: all but the first week), the state is the one at e.
    """
    d = np.asarray(daily, dtype=float)
    n = max(ends)
    init = d[:14] if n >= 14 else d[:n]
    level0 = init.mean()
    factors0 = np.ones(7)
    if level0 > 0:
        for k in range(7):
            vals = init[(first_weekday + np.arange(len(init))) % 7 == k]
            if len(vals):
                factors0[k] = vals.mean() / level0
    alpha, beta, gamma = grid[:, 0], grid[:, 1], grid[:, 2]
    P = len(grid)
    level = np.full(P, level0)
    trend = np.zeros(P)
    factors = np.tile(factors0, (P, 1))
    errors = np.zeros((n, P))
    rows = np.arange(P)
    snapshots = {}
    wanted = set(ends)
    for t in range(n):
        if t in wanted:
            snapshots[t] = (level.copy(), trend.copy(), factors.copy())
        k = (first_weekday + t) % 7
        s = factors[:, k]
        base = level + damping * trend
        errors[t] = d[t] - base * s
        ok = s > 0.05
        new_level = np.where(ok, alpha * d[t] / np.where(ok, s, 1.0) + (1 - alpha) * base, base)
        new_level = np.maximum(new_level, 0.0)
        trend = beta * (new_level - level) + (1 - beta) * damping * trend
        factors[rows, k] = np.where(new_level > 1e-9, gamma * d[t] / np.maximum(new_level, 1e-9) + (1 - gamma) * s, s)
        level = new_level
    snapshots[n] = (level, trend, factors)
    h = np.arange(1, days_ahead + 1)
    damp_sum = damping * (1 - damping ** h) / (1 - damping)
    out = []
    for e in ends:
        lo = max(7, e - train_days) if train_days else 7
        window = errors[lo:e]
        b = int(np.argmin((window * window).sum(axis=0))) if len(window) else 0
        lev, tr, fac = snapshots[e]
        weekday = (first_weekday + e + h - 1) % 7
        out.append(np.maximum((lev[b] + damp_sum * tr[b]) * fac[b, weekday], 0.0))
    return out


def double_seasonal(y: np.ndarray, first_phase: int, day_slots: int, week_slots: int, horizon: int,
                    grid: np.ndarray = DS_GRID, train_slots: int | None = None) -> np.ndarray:
    """Forecast `horizon` intervals after `y` by additive double-seasonal Holt-Winters.

    `y[0]` is slot `first_phase` of the week. Needs at least two weeks: the first two
    initialise level, intraday and intraweek indices. Parameters minimise the one-step
    squared error over the last `train_slots` intervals (default: all after the first week).
    """
    return double_seasonal_origins(y, first_phase, day_slots, week_slots, [len(y)], horizon, grid, train_slots)[0]


def double_seasonal_origins(y: np.ndarray, first_phase: int, day_slots: int, week_slots: int, ends: list[int],
                            horizon: int, grid: np.ndarray = DS_GRID,
                            train_slots: int | None = None) -> list[np.ndarray]:
    """Forecast `horizon` intervals after each of `ends` (positions in `y`) in one pass over `y`.

    The forecast from end e uses y[:e] only: parameters minimise the one-step squared error
    over [e - train_slots, e) and the state is the one reached at e. The residual AR(1)
    adjustment (Taylor 2003) is estimated from the one-step errors of the chosen parameters.
    """
    y = np.asarray(y, dtype=float)
    n = max(ends)
    init = y[:2 * week_slots].reshape(2, week_slots).mean(axis=0)  # by position since the start
    level0 = init.mean()
    day_pos = np.arange(week_slots) % day_slots
    day0 = np.array([init[day_pos == i].mean() for i in range(day_slots)]) - level0
    week0 = init - level0 - day0[day_pos]
    P = len(grid)
    alpha, delta, omega = grid[:, 0], grid[:, 1], grid[:, 2]
    level = np.full(P, level0)
    day = np.tile(np.roll(day0, first_phase % day_slots), (P, 1))  # index = absolute phase
    week = np.tile(np.roll(week0, first_phase % week_slots), (P, 1))
    errors = np.zeros((n, P))
    snapshots = {}
    wanted = set(ends)
    for t in range(n):
        if t in wanted:
            snapshots[t] = (level.copy(), day.copy(), week.copy())
        i = (first_phase + t) % day_slots
        j = (first_phase + t) % week_slots
        err = y[t] - (level + day[:, i] + week[:, j])
        errors[t] = err
        level += alpha * err
        day[:, i] += delta * err
        week[:, j] += omega * err
    snapshots[n] = (level, day, week)
    out = []
    k = np.arange(1, horizon + 1)
    for e in ends:
        lo = max(week_slots, e - train_slots) if train_slots else week_slots
        window = errors[lo:e]
        b = int(np.argmin((window * window).sum(axis=0)))
        lev, d, w = snapshots[e]
        res = window[:, b]
        phi = 0.0
        if len(res) > 2 and np.dot(res[:-1], res[:-1]) > 0:
            phi = float(np.clip(np.dot(res[1:], res[:-1]) / np.dot(res[:-1], res[:-1]), 0.0, 0.99))
        phase = first_phase + e + k - 1
        last = res[-1] if len(res) else 0.0
        out.append(lev[b] + d[b, phase % day_slots] + w[b, phase % week_slots] + phi ** k * last)
    return out
