"""Average handle time per queue and interval of the week, robust to outliers.

Per interval of the week: the median over recent weeks of the interval AHT, shrunk towards
the queue level by the contacts behind it, so thin intervals (nights, small queues) fall
back to the queue level. The queue level is a contact-weighted mean of interval AHTs
after trimming the lowest and highest 5 % of intervals.
"""
from __future__ import annotations

import numpy as np

from planner.forecast.series import QueueSeries

AHT_LOOKBACK_WEEKS = 12
PRIOR_CONTACTS = 30.0  # contacts at which an interval's own median weighs as much as the queue level
TRIM = 0.05


def _week_block(values: np.ndarray, first: int, season: int, weeks: int) -> np.ndarray:
    """Return the last `weeks` (partial) weeks of a slot series as a (weeks, season) array, NaN-padded.

    Column j of the result is slot-of-week j (slot % season).
    """
    n = len(values)
    start = max(0, n - weeks * season)
    aligned = ((first + start) // season) * season
    rows = (first + n - 1 - aligned) // season + 1
    block = np.full(rows * season, np.nan)
    block[first + start - aligned:first + n - aligned] = values[start:]
    return block.reshape(rows, season)


def queue_level_aht(aht_s: np.ndarray, volume: np.ndarray) -> float:
    """Return the contact-weighted, 5 %-trimmed mean AHT (s) of the intervals with contacts; NaN if none."""
    known = np.isfinite(aht_s) & (volume > 0)
    if not known.any():
        return float("nan")
    a, w = aht_s[known], volume[known]
    lo, hi = np.quantile(a, [TRIM, 1 - TRIM])
    keep = (a >= lo) & (a <= hi)
    if not keep.any():
        keep = np.ones_like(a, dtype=bool)
    return float(np.average(a[keep], weights=w[keep]))


def aht_profile(series: QueueSeries, season_length: int, weeks: int = AHT_LOOKBACK_WEEKS,
                prior_contacts: float = PRIOR_CONTACTS) -> np.ndarray:
    """Return the AHT (s) for each slot of the week (index slot % season_length) of one queue.

    NaN everywhere only if the history has no handle time at all for the queue.
    """
    recent = slice(max(0, len(series.volume) - weeks * season_length), None)
    level = queue_level_aht(series.aht_s[recent], series.volume[recent])
    if not np.isfinite(level):
        level = queue_level_aht(series.aht_s, series.volume)
    if not np.isfinite(level):
        return np.full(season_length, np.nan)
    vol = series.volume.astype(float)
    aht = np.where(vol > 0, series.aht_s, np.nan)
    a = _week_block(aht, series.first, season_length, weeks)
    v = _week_block(np.where(np.isfinite(aht), vol, 0.0), series.first, season_length, weeks)
    has = np.isfinite(a).any(axis=0)
    median = np.full(season_length, level)
    if has.any():
        median[has] = np.nanmedian(a[:, has], axis=0)
    contacts = np.nansum(v, axis=0)
    return (contacts * median + prior_contacts * level) / (contacts + prior_contacts)
