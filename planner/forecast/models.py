"""Volume forecasters: fit(history) -> self, predict(grid) -> DataFrame.

Each forecaster is a thin class over a private numpy kernel `_kernel(volume, horizon, first)`
that maps one queue's history on local slots (see `series.py`) to the next `horizon`
slots. The base class fits every queue of the long history frame, keeps the fitted
state in trailing-underscore attributes (`series_`, `aht_`, `pools_`), forces closed slots
to exactly 0 and never returns a negative or NaN volume. Seasonality is named in
intervals: `season_length` is the number of grid intervals in a week of local wall-clock
time (168 for hourly). "Same interval last week" is the same local clock time a week
earlier, also across DST changes.

Methods (`FORECASTERS`): seasonal_naive, moving_average (4 weeks), weekly_profile
(daily totals by exponential smoothing x intraday profile per weekday, thin queues
pooled with their channel) and holt_winters (double-seasonal, Taylor 2003).
`Combination` averages several; `auto` in forecast_volume picks per queue by backtest.
`predict` gives point forecasts and AHT; special days, quantiles and the choice of
method are added by `forecast_volume`.
"""
from __future__ import annotations

from datetime import time
from typing import Mapping

import numpy as np
import pandas as pd

from planner import columns as C
from planner.errors import PlannerError
from planner.forecast import smoothing
from planner.forecast.aht import aht_profile
from planner.forecast.series import QueueSeries, SlotClock, pool_series, queue_series

HW_MAX_TRAIN_SLOTS = 16 * 168  # Holt-Winters trains on at most this many intervals (16 weeks hourly)
CLOSED_LOOKBACK_WEEKS = 8  # a slot of the week with no contact in all of these recent weeks is closed


class Forecaster:
    """Base of the volume forecasters; subclasses implement `_kernel` and `min_weeks`."""

    method = "base"

    def __init__(self, *, timezone: str = "UTC", interval_minutes: int = 60,
                 open_hours: Mapping[str | tuple[str, str], tuple[time, time] | None] | None = None):
        self.clock = SlotClock(timezone, interval_minutes)
        # opening hours (home time zone) keyed by queue (channel, language), else by channel; None = 24/7
        self.open_hours = dict(open_hours or {})
        # per queue, its channel's summed history (see series.pool_series); set by fit and forecast_volume
        self.pools_: dict[tuple[str, str], QueueSeries] = {}

    # -- public API ------------------------------------------------------------------
    @property
    def season_length(self) -> int:
        """Intervals in one season (a local week)."""
        return self.clock.week_slots

    @property
    def min_weeks(self) -> float:
        """Weeks of history a queue needs for this method."""
        return 1.0

    @property
    def label(self) -> str:
        """The method name as reported in the forecast frame."""
        return self.method

    def fit(self, history: pd.DataFrame) -> "Forecaster":
        """Fit every queue of the long history frame (interval_start UTC, channel, language, volume, aht_s)."""
        series = queue_series(history, self.clock)
        if not series:
            raise PlannerError("history is empty: nothing to forecast from")
        for s in series:
            self.check_history(s)
        self.series_ = {(s.channel, s.language): s for s in series}
        self.pools_ = pool_series(series)
        self.aht_ = {(s.channel, s.language): aht_profile(s, self.season_length) for s in series}
        return self

    def predict(self, grid: pd.DatetimeIndex) -> pd.DataFrame:
        """Forecast every fitted queue on the UTC `grid`: interval_start, channel, language, volume, aht_s."""
        if not hasattr(self, "series_"):
            raise PlannerError(f"{type(self).__name__}: call fit(history) before predict(grid)")
        grid = pd.DatetimeIndex(grid)
        slots = self.clock.slots(grid)
        frames = []
        for (channel, language), s in self.series_.items():
            ahead = slots - s.stop
            if len(ahead) and ahead.min() < 0:
                raise PlannerError(f"the grid starts before the end of the history of "
                                   f"{C.queue_name(channel, language)}; forecast only after the history")
            horizon = int(ahead.max()) + 1 if len(ahead) else 0
            volume = self.forecast_series(s, horizon)[ahead]
            aht = self.aht_[(channel, language)][slots % self.season_length]
            frames.append(pd.DataFrame({C.INTERVAL_START: grid, C.CHANNEL: channel, C.LANGUAGE: language,
                                        C.VOLUME: volume, C.AHT_S: aht}))
        return pd.concat(frames, ignore_index=True)

    # -- array level (used by the backtest) --------------------------------------------
    def check_history(self, series: QueueSeries) -> None:
        """Raise PlannerError if `series` is shorter than this method needs."""
        weeks = len(series.volume) / self.season_length
        if weeks + 1e-9 < self.min_weeks:
            raise PlannerError(
                f"history has {weeks:.1f} weeks for {series.name} but {self.label} needs {self.min_weeks:g}; "
                f"give more history or choose another method (seasonal_naive needs 1 week)")

    def forecast_series(self, series: QueueSeries, horizon: int) -> np.ndarray:
        """Forecast the `horizon` local slots after `series`: clipped at 0, closed slots exactly 0."""
        if horizon <= 0:
            return np.zeros(0)
        self.check_history(series)
        return self._finish(series, self._kernel(series.volume, horizon, series.first))

    def forecast_origins(self, series: QueueSeries, origins: list[int], horizon: int) -> list[np.ndarray]:
        """Forecast `horizon` slots from each origin slot, each from the history before it only."""
        return [self.forecast_series(series.until(o), horizon) for o in origins]

    def _finish(self, series: QueueSeries, raw: np.ndarray) -> np.ndarray:
        """Clip a raw kernel forecast at 0 (NaN -> 0) and set closed slots to exactly 0."""
        out = np.asarray(raw, dtype=float)
        out = np.where(np.isfinite(out), np.maximum(out, 0.0), 0.0)
        out[self._closed(series, len(out))] = 0.0
        return out

    def _closed(self, series: QueueSeries, horizon: int) -> np.ndarray:
        """Mask of future slots that are closed: no contact in recent weeks, or outside open hours."""
        season = self.season_length
        y = series.volume
        weeks = min(CLOSED_LOOKBACK_WEEKS, len(y) // season)
        if weeks >= 1:
            block = y[len(y) - weeks * season:].reshape(weeks, season)
            closed = np.resize((block == 0).all(axis=0), horizon)
        else:
            closed = np.zeros(horizon, dtype=bool)
        hours = self.open_hours_for(series.channel, series.language)
        if hours is not None:
            minutes = ((series.stop + np.arange(horizon)) % self.clock.day_slots) * self.clock.interval_minutes
            opens = hours[0].hour * 60 + hours[0].minute
            closes = hours[1].hour * 60 + hours[1].minute + (1 if hours[1].second else 0)
            closed |= (minutes + self.clock.interval_minutes <= opens) | (minutes >= closes)
        return closed

    def open_hours_for(self, channel: str, language: str) -> tuple[time, time] | None:
        """Return a queue's opening hours: its own entry, else its channel's, else None (24/7)."""
        if (channel, language) in self.open_hours:
            return self.open_hours[(channel, language)]
        return self.open_hours.get(channel)

    def _kernel(self, volume: np.ndarray, horizon: int, first: int) -> np.ndarray:
        """Forecast the `horizon` slots after `volume`, whose first value is local slot `first`."""
        raise NotImplementedError


class SeasonalMovingAverage(Forecaster):
    """Mean of the same local interval over the last `weeks` weeks."""

    method = "moving_average"

    def __init__(self, weeks: int = 4, **kwargs):
        super().__init__(**kwargs)
        if int(weeks) < 1:
            raise PlannerError(f"moving average: weeks must be at least 1, got {weeks!r}")
        self.weeks = int(weeks)

    @property
    def min_weeks(self) -> float:
        return float(self.weeks)

    @property
    def label(self) -> str:
        if self.weeks == 1:
            return "seasonal_naive"
        return f"{self.method}({self.weeks})" if self.weeks != 4 else self.method

    def _kernel(self, volume: np.ndarray, horizon: int, first: int) -> np.ndarray:
        season = self.season_length
        block = volume[len(volume) - self.weeks * season:].reshape(self.weeks, season)
        return np.resize(block.mean(axis=0), horizon)


class SeasonalNaive(SeasonalMovingAverage):
    """Same local interval one week earlier (a moving average over one week)."""

    method = "seasonal_naive"

    def __init__(self, **kwargs):
        super().__init__(weeks=1, **kwargs)

    @property
    def label(self) -> str:
        return self.method


class WeeklyProfile(Forecaster):
    """Daily totals by exponential smoothing (level, damped trend, day of week), spread over the
    day by an intraday profile per weekday from the last `profile_weeks` weeks.

    A thin queue's profile is pooled with its channel's (see `pools_`): per weekday with
    n < POOL_BELOW_CONTACTS contacts in the window it is
    (n * own + PROFILE_PRIOR_CONTACTS * pooled) / (n + PROFILE_PRIOR_CONTACTS).
    """

    method = "weekly_profile"

    def __init__(self, profile_weeks: int = 6, train_weeks: int = 52, **kwargs):
        super().__init__(**kwargs)
        self.profile_weeks = int(profile_weeks)
        self.train_weeks = int(train_weeks)

    @property
    def min_weeks(self) -> float:
        return 2.0

    def forecast_series(self, series: QueueSeries, horizon: int) -> np.ndarray:
        if horizon <= 0:
            return np.zeros(0)
        self.check_history(series)
        pool = self.pools_.get((series.channel, series.language))
        pool = pool.until(series.stop) if pool is not None else None
        return self._finish(series, self._profile_forecast(series.volume, horizon, series.first, pool))

    def _kernel(self, volume: np.ndarray, horizon: int, first: int) -> np.ndarray:
        return self._profile_forecast(volume, horizon, first, None)

    def forecast_origins(self, series: QueueSeries, origins: list[int], horizon: int) -> list[np.ndarray]:
        """Forecast from day-boundary origins with one smoothing pass (each sees only data before it)."""
        S = self.clock.day_slots
        if not origins or any(o % S for o in origins):
            return super().forecast_origins(series, origins, horizon)
        for o in origins:
            self.check_history(series.until(o))
        days, day_first = full_days(series.volume, series.first, S)
        ends = [o // S - day_first for o in origins]
        start = max(0, min(ends) - 7 * self.train_weeks)
        daily = smoothing.daily_smoothing_origins(days[start:max(ends)].sum(axis=1), (day_first + start) % 7,
                                                  [e - start for e in ends], -(-horizon // S),
                                                  train_days=7 * self.train_weeks)
        pool = self.pools_.get((series.channel, series.language))
        out = []
        for o, e, totals in zip(origins, ends, daily):
            shares = self._shares(days[:e], day_first, pool.until(o) if pool is not None else None)
            weekday = (o // S + np.arange(len(totals))) % 7
            out.append(self._finish(series.until(o), (totals[:, None] * shares[weekday]).ravel()[:horizon]))
        return out

    def _shares(self, days: np.ndarray, day_first: int, pool: QueueSeries | None) -> np.ndarray:
        """Intraday shares (7, slots per day) from recent whole days, pooled for thin weekdays."""
        shares, contacts = intraday_shares(days, day_first % 7, self.profile_weeks)
        S = self.clock.day_slots
        if pool is not None and len(pool.volume) >= S:
            pool_days, pool_first = full_days(pool.volume, pool.first, S)
            pooled, _ = intraday_shares(pool_days, pool_first % 7, self.profile_weeks)
            w = contacts[:, None]
            prior = np.where(w < POOL_BELOW_CONTACTS, PROFILE_PRIOR_CONTACTS, 0.0)
            shares = (w * shares + prior * pooled) / (w + prior)
        return shares

    def _profile_forecast(self, volume: np.ndarray, horizon: int, first: int,
                          pool: QueueSeries | None) -> np.ndarray:
        S = self.clock.day_slots
        days, day_first = full_days(volume, first, S)
        day_first_train = max(day_first, day_first + len(days) - 7 * self.train_weeks)
        totals = days[day_first_train - day_first:].sum(axis=1)
        day_stop = day_first + len(days)
        skip = first + len(volume) - day_stop * S  # slots of the last, partial day already in the history
        n_days = -(-(skip + horizon) // S)
        daily = smoothing.daily_smoothing(totals, day_first_train % 7, n_days)
        shares = self._shares(days, day_first, pool)
        weekday = (day_stop + np.arange(n_days)) % 7
        slots = (daily[:, None] * shares[weekday]).ravel()
        return slots[skip:skip + horizon]


PROFILE_PRIOR_CONTACTS = 100.0  # a thin weekday's own profile weighs n / (n + 100) against the pooled one
POOL_BELOW_CONTACTS = 1000.0  # weekdays with at least this many contacts in the window are not pooled


def full_days(volume: np.ndarray, first: int, day_slots: int) -> tuple[np.ndarray, int]:
    """Return the whole local days of a slot series as a (days, day_slots) array, and the first day's index."""
    day_first = -(-first // day_slots)
    day_stop = (first + len(volume)) // day_slots
    day_stop = max(day_stop, day_first)
    return volume[day_first * day_slots - first:day_stop * day_slots - first].reshape(-1, day_slots), day_first


def intraday_shares(days: np.ndarray, first_weekday: int, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (7, slots per day) shares of each weekday's total per slot from the last `weeks` weeks,
    and the contacts behind each weekday. Weekdays with no contacts get a flat profile."""
    recent = days[-7 * weeks:]
    weekday = (first_weekday + len(days) - len(recent) + np.arange(len(recent))) % 7
    sums = np.zeros((7, days.shape[1]))
    np.add.at(sums, weekday, recent)
    totals = sums.sum(axis=1)
    flat = np.full_like(sums, 1.0 / days.shape[1])
    return np.divide(sums, totals[:, None], out=flat, where=totals[:, None] > 0), totals


class HoltWinters(Forecaster):
    """Double-seasonal Holt-Winters (Taylor 2003): level, intraday and intraweek indices,
    parameters estimated on the last `train_weeks` weeks before each origin."""

    method = "holt_winters"

    def __init__(self, train_weeks: int = 16, **kwargs):
        super().__init__(**kwargs)
        self.train_weeks = int(train_weeks)

    @property
    def min_weeks(self) -> float:
        return 2.0

    def _kernel(self, volume: np.ndarray, horizon: int, first: int) -> np.ndarray:
        return self._run(volume, first, [len(volume)], horizon)[0]

    def forecast_origins(self, series: QueueSeries, origins: list[int], horizon: int) -> list[np.ndarray]:
        """Forecast from every origin in one pass of the recursion (each sees only data before it)."""
        if not origins:
            return []
        for o in origins:
            self.check_history(series.until(o))
        ends = [o - series.first for o in origins]
        raw = self._run(series.volume[:max(ends)], series.first, ends, horizon)
        return [self._finish(series.until(o), r) for o, r in zip(origins, raw)]

    def _run(self, volume: np.ndarray, first: int, ends: list[int], horizon: int) -> list[np.ndarray]:
        L = self.season_length
        # the recursion costs one numpy step per interval: finer grids train on fewer weeks
        train = max(3, min(self.train_weeks, HW_MAX_TRAIN_SLOTS // L)) * L
        start = max(0, min(ends) - train - L)  # one week of burn-in before the earliest window
        start = min(start, min(ends) - 2 * L)
        return smoothing.double_seasonal_origins(volume[start:], (first + start) % L, self.clock.day_slots, L,
                                                 [e - start for e in ends], horizon, train_slots=train)


class Combination(Forecaster):
    """The equal-weight mean of several fitted-alike forecasters (e.g. the two best of a backtest)."""

    method = "combination"

    def __init__(self, members: list[Forecaster]):
        super().__init__(timezone=members[0].clock.timezone, interval_minutes=members[0].clock.interval_minutes,
                         open_hours=members[0].open_hours)
        order = list(FORECASTERS)
        self.members = sorted(members, key=lambda m: order.index(m.method) if m.method in order else len(order))

    @property
    def min_weeks(self) -> float:
        return max(m.min_weeks for m in self.members)

    @property
    def label(self) -> str:
        return "+".join(m.label for m in self.members)

    def forecast_series(self, series: QueueSeries, horizon: int) -> np.ndarray:
        return np.mean([m.forecast_series(series, horizon) for m in self.members], axis=0)

    def forecast_origins(self, series: QueueSeries, origins: list[int], horizon: int) -> list[np.ndarray]:
        parts = [m.forecast_origins(series, origins, horizon) for m in self.members]
        return [np.mean(p, axis=0) for p in zip(*parts)]


FORECASTERS: dict[str, type[Forecaster]] = {
    "seasonal_naive": SeasonalNaive,
    "moving_average": SeasonalMovingAverage,
    "weekly_profile": WeeklyProfile,
    "holt_winters": HoltWinters,
}


def make_forecaster(method: str, config) -> Forecaster:
    """Return the forecaster for `method` set up with the config's home time zone, grid and open hours."""
    if method not in FORECASTERS:
        raise PlannerError(f"forecast method: expected one of auto, {', '.join(FORECASTERS)}, got {method!r}")
    return FORECASTERS[method](timezone=config.team.home_timezone, interval_minutes=config.team.interval_minutes,
                               open_hours=queue_open_hours(config))


def queue_open_hours(config) -> dict[str | tuple[str, str], tuple[time, time] | None]:
    """Return opening hours keyed by channel, plus (channel, language) for queues with their own."""
    hours: dict[str | tuple[str, str], tuple[time, time] | None] = {
        name: ch.open_hours for name, ch in config.channels.items()}
    for channel, language in config.queues:
        if channel in config.channels:
            hours[(channel, language)] = config.open_hours_for(channel, language)
    return hours
