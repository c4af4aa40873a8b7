"""History on the local wall-clock axis: one dense numpy array per queue.

Contact volumes follow the clocks of the people who call, so every forecaster works on
*local slots* of the home time zone: slot t is the t-th interval of local wall-clock time
since Monday 1970-01-05 00:00. "Same interval last week" is then t - season_length, the
same local clock time a week earlier, not 168 UTC hours earlier; across a DST change the
two differ by one hour, and the local one is right for demand that follows office hours
and daily routines. Because slot 0 is a Monday, `t % season_length` is the interval of
the week counted from Monday 00:00, and weekly origins are multiples of the season.

DST edges: a UTC interval in the repeated autumn hour maps to the same local slot as its
twin (the slot gets their mean, and both get that slot's forecast); the local slot that
does not exist in spring gets the value of the same slot a week earlier, so the arrays
stay regular. Slots inside a queue's history span with no row are taken as closed (0):
the history loader fills open intervals with zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner import columns as C
from planner.errors import PlannerError

_EPOCH = pd.Timestamp("1970-01-05")  # a Monday: slot 0 starts the week
MINUTES_PER_WEEK = 7 * 24 * 60


@dataclass(frozen=True)
class SlotClock:
    """Maps UTC instants to local wall-clock slots of `interval_minutes` in `timezone`."""

    timezone: str = "UTC"
    interval_minutes: int = 60

    @property
    def week_slots(self) -> int:
        """Intervals in a local week (168 for hourly, 672 for 15 minutes)."""
        return MINUTES_PER_WEEK // self.interval_minutes

    @property
    def day_slots(self) -> int:
        """Intervals in a local day (24 for hourly)."""
        return 24 * 60 // self.interval_minutes

    def slots(self, times: pd.DatetimeIndex | pd.Series) -> np.ndarray:
        """Return the local slot index (int64) of each UTC instant."""
        index = pd.DatetimeIndex(times)
        if index.tz is None:
            raise PlannerError("interval_start must be time-zone aware UTC instants")
        local = index.tz_convert(self.timezone).tz_localize(None)
        minutes = (local - _EPOCH) // pd.Timedelta(minutes=1)
        return np.floor_divide(np.asarray(minutes, dtype=np.int64), self.interval_minutes)

    def slot_starts_utc(self, first: int, stop: int) -> pd.DatetimeIndex:
        """Return the UTC starts of every real interval whose local slot is in [first, stop)."""
        start_local = _EPOCH + pd.Timedelta(minutes=int(first) * self.interval_minutes)
        stop_local = _EPOCH + pd.Timedelta(minutes=int(stop) * self.interval_minutes)
        start = start_local.tz_localize(self.timezone, nonexistent="shift_forward", ambiguous=True)
        stop_utc = stop_local.tz_localize(self.timezone, nonexistent="shift_forward", ambiguous=True)
        return pd.date_range(start.tz_convert("UTC"), stop_utc.tz_convert("UTC"),
                             freq=f"{self.interval_minutes}min", inclusive="left")

    def existing(self, first: int, stop: int) -> np.ndarray:
        """Return a boolean mask over slots [first, stop): False where the local time does not exist."""
        mask = np.zeros(stop - first, dtype=bool)
        real = self.slots(self.slot_starts_utc(first, stop)) - first
        real = real[(real >= 0) & (real < stop - first)]
        mask[real] = True
        return mask


@dataclass(frozen=True)
class QueueSeries:
    """One queue's history on local slots.

    `volume[i]` is the contacts in local slot `first + i`; `aht_s` the handle time there
    (NaN where unknown), a contact-weighted mean where several rows share a slot.
    """

    channel: str
    language: str
    first: int
    volume: np.ndarray
    aht_s: np.ndarray

    @property
    def name(self) -> str:
        return C.queue_name(self.channel, self.language)

    @property
    def stop(self) -> int:
        """The slot after the last one of the history."""
        return self.first + len(self.volume)

    def until(self, slot: int) -> "QueueSeries":
        """Return the part of the history before local slot `slot`."""
        n = max(0, min(len(self.volume), slot - self.first))
        return QueueSeries(self.channel, self.language, self.first, self.volume[:n], self.aht_s[:n])


def queue_series(history: pd.DataFrame, clock: SlotClock) -> list[QueueSeries]:
    """Split the long history frame into one `QueueSeries` per queue (sorted by queue)."""
    C.require_columns(history, [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME], "history")
    if history.empty:
        return []
    times = pd.DatetimeIndex(history[C.INTERVAL_START])
    codes, uniques = pd.factorize(times)
    slot = clock.slots(uniques)[codes]
    volume = pd.to_numeric(history[C.VOLUME], errors="coerce").to_numpy(dtype=float)
    if np.isnan(volume).any() or (volume < 0).any():
        bad = int(np.flatnonzero(np.isnan(volume) | (volume < 0))[0])
        raise PlannerError(f"history row {bad + 2}: volume must be a number of at least 0, "
                           f"got {history[C.VOLUME].iloc[bad]!r}")
    if C.AHT_S in history:
        aht = pd.to_numeric(history[C.AHT_S], errors="coerce").to_numpy(dtype=float)
    else:
        aht = np.full(len(history), np.nan)
    lo, hi = int(slot.min()), int(slot.max()) + 1
    exists = clock.existing(lo, hi)
    season = clock.week_slots
    groups = history.groupby([history[C.CHANNEL].astype(str), history[C.LANGUAGE].astype(str)], sort=True)
    qcodes = groups.ngroup().to_numpy()
    qnames = list(groups.groups)
    order = np.argsort(qcodes, kind="stable")
    bounds = np.searchsorted(qcodes[order], np.arange(len(qnames) + 1))
    out = []
    for q, key in enumerate(qnames):
        rows = order[bounds[q]:bounds[q + 1]]
        s = slot[rows] - lo
        first, stop = int(s.min()), int(s.max()) + 1
        n = stop - first
        idx = s - first
        count = np.bincount(idx, minlength=n).astype(float)
        vsum = np.bincount(idx, weights=volume[rows], minlength=n)
        vol = np.divide(vsum, count, out=np.zeros(n), where=count > 0)
        a = aht[rows]
        known = ~np.isnan(a) & (volume[rows] > 0)
        wsum = np.bincount(idx[known], weights=volume[rows][known], minlength=n)
        awsum = np.bincount(idx[known], weights=(a * volume[rows])[known], minlength=n)
        aht_q = np.divide(awsum, wsum, out=np.full(n, np.nan), where=wsum > 0)
        gap = ~exists[first:stop]
        for i in np.flatnonzero(gap):  # the nonexistent spring-forward slot(s)
            src = i - season if i >= season else i + season
            if 0 <= src < n:
                vol[i], aht_q[i] = vol[src], aht_q[src]
        channel, language = key
        out.append(QueueSeries(channel, language, lo + first, vol, aht_q))
    return out


def pool_series(series: list[QueueSeries]) -> dict[tuple[str, str], QueueSeries]:
    """Return, per queue, the summed history of its channel (of all queues if it is its channel's only one).

    Thin queues borrow the shape of this pool (e.g. the intraday profile); a pool
    cut with `until` holds no data after the cut.
    """
    if not series:
        return {}

    def total(members: list[QueueSeries], channel: str) -> QueueSeries:
        first = min(m.first for m in members)
        stop = max(m.stop for m in members)
        volume = np.zeros(stop - first)
        for m in members:
            volume[m.first - first:m.stop - first] += m.volume
        return QueueSeries(channel, "*", first, volume, np.full(len(volume), np.nan))

    everything = total(series, "*")
    by_channel: dict[str, list[QueueSeries]] = {}
    for s in series:
        by_channel.setdefault(s.channel, []).append(s)
    pools = {}
    for channel, members in by_channel.items():
        pool = total(members, channel) if len(members) > 1 else everything
        for m in members:
            pools[(m.channel, m.language)] = pool
    return pools
