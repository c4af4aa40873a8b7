"""Staffing: forecast frame -> agents and staff needed per queue and interval.

`staffing_requirements(forecast, config)` returns planner.columns.REQUIREMENT_COLUMNS;
`achieved_service(frame, config)` goes the other way (agents -> service) to evaluate a roster.
The model of each channel comes from planner.toml (`config.channels`):

erlang_c   M/M/n (planner.erlang). agents_needed is the smallest whole number of agents
           meeting the service target (target.service_level answered within
           target.answer_s) with occupancy <= max_occupancy.
erlang_a   M/M/n+M with mean patience `patience_s`: the smallest whole agents whose share
           answered within target.answer_s OVER ALL ARRIVALS (abandoned contacts count as
           misses) meets the target, with P(abandon) <= max_abandon when set.
concurrency (chat, any Erlang model): an agent works `concurrency` = k chats at once. Each
           agent is modelled as k independent chat slots, and the Erlang model is applied
           to slots: slots needed = the minimum for the target, agents = ceil(slots / k),
           occupancy = share of slots busy. This is the "k servers per agent" model of the
           chat-staffing literature (e.g. Tezcan & Zhang 2014, "Routing and staffing in
           customer service chat systems with impatient customers", Operations Research),
           in its simplest form: a per-chat service rate that does not depend on how many
           chats are open. AHT depends on concurrency: an agent
           juggling k chats handles each more slowly, so `aht_s` must be the per-chat
           duration measured AT the configured concurrency (as chat history records it),
           not the single-chat handle time; if only the latter is known, use
           aht_k = aht_1 x k / speedup(k), where speedup(k) <= k is the agent's throughput
           gain from running k chats.
deferred   email/social: work (volume x aht_s) is answered first-in-first-out by agents working at
           max_occupancy, only while the queue is open (opening hours, home time zone). Work
           arriving in interval i is "within the window" when finished by the end of interval i +
           w, w = floor(answer_s / interval) (exact for fluid arrivals when the window is a
           multiple of the interval, conservative otherwise). Work whose calendar window ends
           while closed gets w intervals of open time instead (counted from opening for work
           arriving at night); night work whose window ends after opening keeps its calendar
           deadline. Deadlines are made non-decreasing in arrival order, as first-in-first-out
           answering forces. target.service_level = p: at least p of each interval's work is due
           at its deadline, the rest one window later. The fluid staffing is the "taut string"
           between cumulative arrived work (upper bound: nothing is answered before it arrives)
           and cumulative due work (lower bound): it minimises every convex function of the per-
           interval rates at once (peak, sum of squares), so it is both the smallest (no idle
           capacity beyond the work) and the smoothest such profile (Barlow et al. 1972 taut
           string; Yao, Demers & Shenker 1995 for deadline scheduling). agents_needed_frac is that
           profile. agents_needed is the whole-agent plan with the fewest agent-intervals in total
           that still answers every contact in its window (an agent staffed for an interval brings
           interval x max_occupancy of capacity, idle when no work waits); among those, the lowest
           peak; within those limits it follows the fluid profile (deferred_whole_agents). A queue
           with a few contacts a day gets 1 agent in a few intervals, not 1 in every open
           interval, so agents_needed can be 0 where agents_needed_frac is not. Work due beyond
           the frame is planned on a virtual continuation of the open hours, so there is no spike
           at the frame's end. backlog is the contacts waiting at the end of each interval with
           agents_needed staffed; service_level there is the share of the interval's work answered
           within its calendar window (work arriving when the window cannot be met counts as
           late), and asa_s the mean response time of the interval's contacts in seconds. Opening
           hours are per queue: config.open_hours_for(channel, language) (the queue's own
           [queues."email:de"] open_hours, else its channel's, else 24/7); an interval is open
           when it overlaps them (planner.timegrid.open_mask).

Shrinkage: staff_needed = ceil(agents_needed / (1 - shrinkage)) with a float-noise guard
(21 agents at 30 % -> 30 staff). Shrinkage is config.shrinkage_for(channel), or a per-row
`shrinkage` column of the forecast (e.g. an interval-of-week profile) where present.
Intervals outside a queue's opening hours need 0 agents. Zero volume needs 0 agents and
reports service level 1, ASA 0 and occupancy 0. agents_needed_frac for Erlang channels is
the agent count at which the service level, interpolated linearly between whole agent
counts, meets the target (or the occupancy bound load / max_occupancy when that binds).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from planner import columns as C
from planner import erlang as E
from planner.config import ChannelConfig, Config, ServiceTarget
from planner.errors import ConfigError, InputError, PlannerError
from planner.timegrid import open_mask

_INPUT = [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME, C.AHT_S]
_SAMPLES = (np.arange(5) + 0.5) / 5.0  # positions inside an interval's work for mean response times


# --------------------------------------------------------------------------- checks


def _check_channel(ch: ChannelConfig, source: str | None) -> None:
    """Raise ConfigError for channel settings the models cannot use."""
    key = f"channels.{ch.name}"
    if not isinstance(ch.concurrency, (int, np.integer)) or isinstance(ch.concurrency, bool) or ch.concurrency < 1:
        raise ConfigError(f"{key}.concurrency", f"expected a whole number of chats at once, at least 1, "
                          f"got {ch.concurrency!r}", source)
    sl = ch.target.service_level
    if not (isinstance(sl, (int, float)) and 0 < sl <= 1):
        raise ConfigError(f"{key}.sla", f"service level must be above 0 and at most 100 %, got {sl!r}", source)
    if not (isinstance(ch.target.answer_s, (int, float)) and ch.target.answer_s >= 0):
        raise ConfigError(f"{key}.sla", f"answer time must be 0 s or more, got {ch.target.answer_s!r}", source)
    if not (isinstance(ch.max_occupancy, (int, float)) and 0 < ch.max_occupancy <= 1):
        raise ConfigError(f"{key}.max_occupancy", f"expected a fraction above 0 and at most 1, "
                          f"got {ch.max_occupancy!r}", source)
    if ch.model not in ("erlang_c", "erlang_a", "deferred"):
        raise ConfigError(f"{key}.model", f'expected "erlang_c", "erlang_a" or "deferred", got {ch.model!r}', source)
    if ch.model == "erlang_a" and not (isinstance(ch.patience_s, (int, float)) and ch.patience_s > 0):
        raise ConfigError(f"{key}.patience_seconds", f'model "erlang_a" needs a mean patience above 0 s, '
                          f"got {ch.patience_s!r}", source)
    if ch.max_abandon is not None and not (0 <= ch.max_abandon <= 1):
        raise ConfigError(f"{key}.max_abandon", f"expected a fraction 0-1, got {ch.max_abandon!r}", source)


def _numbers(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & frame[column].notna().to_numpy()
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise InputError(what, f"expected a number, got {frame[column].iloc[i]!r}", row=i + 2, column=column)
    return values


def _check_frame(frame: pd.DataFrame, config: Config, what: str) -> dict[str, Any]:
    """Check the shared input columns; return numpy arrays and per-row channel settings."""
    C.require_columns(frame, _INPUT, what)
    volume = _numbers(frame, C.VOLUME, what)
    aht = _numbers(frame, C.AHT_S, what)
    for name, arr, unit in ((C.VOLUME, volume, "contacts"), (C.AHT_S, aht, "seconds")):
        bad = ~np.isfinite(arr) & ~np.isnan(arr) | (arr < 0)
        if name == C.VOLUME:
            bad |= np.isnan(arr)
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise InputError(what, f"expected a finite number of {unit}, 0 or more, got {frame[name].iloc[i]!r}",
                             row=i + 2, column=name)
    missing_aht = np.isnan(aht) & (volume > 0)
    if missing_aht.any():
        i = int(np.nonzero(missing_aht)[0][0])
        raise InputError(what, f"aht_s is missing where volume is {volume[i]:g}; give the handle time in seconds",
                         row=i + 2, column=C.AHT_S)
    channels = frame[C.CHANNEL].astype(str).to_numpy()
    for name in pd.unique(channels):
        if name not in config.channels:
            i = int(np.nonzero(channels == name)[0][0])
            raise InputError(what, f"channel {name!r} is not configured; planner.toml defines "
                             f"{', '.join(sorted(config.channels))}", row=i + 2, column=C.CHANNEL)
        _check_channel(config.channels[name], config.source)
    starts = frame[C.INTERVAL_START]
    try:
        starts = pd.to_datetime(starts, utc=True)  # naive times are taken as UTC
    except (ValueError, TypeError):
        starts = pd.to_datetime(starts, utc=True, errors="coerce", format="mixed")
    if starts.isna().any():
        i = int(np.nonzero(starts.isna().to_numpy())[0][0])
        raise InputError(what, f"expected a timestamp like 2026-12-07T08:00:00+00:00, got "
                         f"{frame[C.INTERVAL_START].iloc[i]!r}", row=i + 2, column=C.INTERVAL_START)
    if config.team.interval_minutes <= 0:
        raise ConfigError("team.interval_minutes", f"expected minutes above 0, got {config.team.interval_minutes!r}",
                          config.source)
    return {"volume": volume, "aht": np.where(np.isnan(aht), 0.0, aht), "channels": channels,
            "starts": pd.DatetimeIndex(starts)}


def _shrinkage(frame: pd.DataFrame, config: Config, channels: np.ndarray, what: str) -> np.ndarray:
    out = np.empty(len(frame))
    for name in pd.unique(channels):
        out[channels == name] = config.shrinkage_for(name)
    if "shrinkage" in frame.columns:
        own = _numbers(frame, "shrinkage", what)
        out = np.where(np.isnan(own), out, own)
    bad = ~(out >= 0) | ~(out < 1)
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise InputError(what, f"shrinkage must be a fraction 0 or more and below 1, got {out[i]!r}", row=i + 2,
                         column="shrinkage")
    return out


# --------------------------------------------------------------------------- opening hours


def shrinkage_by_interval_of_week(interval_start: pd.DatetimeIndex | pd.Series, profile: pd.DataFrame,
                                  timezone: str) -> np.ndarray:
    """Return each interval's shrinkage (0-1) from a weekly profile, NaN where the profile is silent.

    profile: columns weekday (0 = Monday), hour (local, 0-23) and shrinkage, in the home
    time zone `timezone`. Put the result in the forecast's `shrinkage` column; NaN rows
    fall back to the channel's or the team's shrinkage.
    """
    C.require_columns(profile, ["weekday", "hour", "shrinkage"], "shrinkage profile")
    values = pd.to_numeric(profile["shrinkage"], errors="coerce").to_numpy(dtype=float)
    for col, lo, hi in (("weekday", 0, 6), ("hour", 0, 23)):
        v = pd.to_numeric(profile[col], errors="coerce").to_numpy(dtype=float)
        bad = ~((v >= lo) & (v <= hi) & (v == np.round(v)))
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise InputError("shrinkage profile", f"expected a whole number {lo}-{hi}, got {profile[col].iloc[i]!r}",
                             row=i + 2, column=col)
    bad = ~((values >= 0) & (values < 1))
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise InputError("shrinkage profile", f"expected a fraction 0 or more and below 1, got "
                         f"{profile['shrinkage'].iloc[i]!r}", row=i + 2, column="shrinkage")
    table = np.full((7, 24), np.nan)
    table[profile["weekday"].astype(int).to_numpy(), profile["hour"].astype(int).to_numpy()] = values
    starts = pd.DatetimeIndex(interval_start)
    local = (starts if starts.tz is not None else starts.tz_localize("UTC")).tz_convert(timezone)
    return table[local.day_of_week.to_numpy(), local.hour.to_numpy()]


# --------------------------------------------------------------------------- Erlang channels


def _interp_frac(n: np.ndarray, sl_n: np.ndarray, sl_prev: np.ndarray, target: float, floor: np.ndarray) -> np.ndarray:
    """Fractional servers: where SL, linear between n-1 and n, meets the target; at least `floor`."""
    n = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(sl_n > sl_prev, (target - sl_prev) / (sl_n - sl_prev), 1.0)
    frac = np.where(sl_prev >= target - 1e-12, n - 1.0, n - 1.0 + np.clip(step, 0.0, 1.0))
    return np.where(n > 0, np.minimum(np.maximum(frac, floor), n), 0.0)


def _erlang_rows(ch: ChannelConfig, volume: np.ndarray, aht: np.ndarray, interval_s: float) -> dict:
    """Agents needed and expected service for rows of one Erlang channel."""
    k = int(ch.concurrency)
    load = volume * aht / interval_s
    t, target = ch.target.answer_s, ch.target.service_level
    if ch.model == "erlang_a":
        lam = volume / interval_s
        servers = E.agents_for_target_erlang_a_array(lam, aht, ch.patience_s, target, t, ch.max_abandon,
                                                     ch.max_occupancy)
        prev = E.erlang_a_array(np.maximum(servers - 1, 0), lam, aht, ch.patience_s, t)["service_level"]
        floor = load * 0.0
    else:
        servers = E.agents_for_target_array(load, aht, target, t, ch.max_occupancy)
        prev = E.erlang_c_array(np.maximum(servers - 1, 0), load, aht, t)["service_level"]
        floor = load / ch.max_occupancy
    agents = -(-servers // k)
    m = _service(ch, agents * k, volume, aht, interval_s)
    sl_servers = m["service_level"] if k == 1 else _service(ch, servers, volume, aht, interval_s)["service_level"]
    frac = _interp_frac(servers, sl_servers, np.where(servers > 0, prev, 0.0), target, floor) / k
    return {"load": load, "agents": agents, "frac": frac, "service_level": m["service_level"],
            "asa_s": m["asa_s"], "occupancy": m["occupancy"]}


def _service(ch: ChannelConfig, servers: np.ndarray, volume: np.ndarray, aht: np.ndarray, interval_s: float) -> dict:
    """Service level, ASA and occupancy of an Erlang channel with `servers` chat slots / agents (float)."""
    servers = np.asarray(servers, dtype=float)
    if ch.model == "erlang_a":
        m = E.erlang_a_array(servers, volume / interval_s, np.where(aht > 0, aht, 1.0), ch.patience_s,
                             ch.target.answer_s)
    else:
        m = E.erlang_c_array(servers, volume * aht / interval_s, np.where(aht > 0, aht, 1.0), ch.target.answer_s)
    zero = volume * aht <= 0
    return {"service_level": np.where(zero, 1.0, m["service_level"]), "asa_s": np.where(zero, 0.0, m["asa_s"]),
            "occupancy": np.where(zero, 0.0, m["occupancy"])}


# --------------------------------------------------------------------------- deferred channels


def _taut_string(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Return the shortest path from lower[0] to lower[-1] (= upper[-1]) staying in [lower, upper] at each knot."""
    m = len(lower) - 1
    path = np.empty(m + 1)
    path[0] = k0_value = float(lower[0])
    k0 = 0
    tol = 1e-9 * max(1.0, float(upper[-1]))
    while k0 < m:
        size = 32
        while True:
            end = min(m, k0 + size)
            d = np.arange(1, end - k0 + 1, dtype=float)
            lo = (lower[k0 + 1:end + 1] - k0_value) / d
            hi = (upper[k0 + 1:end + 1] - k0_value) / d
            lo_max = np.maximum.accumulate(lo)
            hi_min = np.minimum.accumulate(hi)
            bad = np.nonzero(lo_max > hi_min + tol / d)[0]
            if bad.size:
                b = int(bad[0])
                if lo[b] > hi_min[b - 1] + tol / d[b]:  # a lower bound above the funnel: bend on the upper side
                    slope = hi_min[b - 1]
                    j = int(np.nonzero(hi[:b] == slope)[0][-1])
                    value = float(upper[k0 + 1 + j])
                else:
                    slope = lo_max[b - 1]
                    j = int(np.nonzero(lo[:b] == slope)[0][-1])
                    value = float(lower[k0 + 1 + j])
                path[k0 + 1:k0 + 2 + j] = k0_value + slope * d[:j + 1]
                path[k0 + 1 + j] = value
                k0, k0_value = k0 + 1 + j, value
                break
            if end == m:
                slope = (float(lower[m]) - k0_value) / (m - k0)
                path[k0 + 1:] = k0_value + slope * d
                path[m] = float(lower[m])
                k0 = m
                break
            size *= 2
    return path


def deadline_positions(is_open: np.ndarray, window_intervals: int) -> tuple[np.ndarray, np.ndarray]:
    """Return, per interval, the position among open intervals of its work's deadline, and of open intervals.

    The deadline is the calendar one (interval + window) when that interval is open;
    otherwise `window_intervals` open intervals after the arrival (counting the opening
    interval for work arriving while closed). Deadlines are made non-decreasing, as
    first-in-first-out answering forces. Returns (deadline position per interval, open
    interval indices); positions are clipped to the last open interval.
    """
    is_open = np.asarray(is_open, dtype=bool)
    n = len(is_open)
    w = int(window_intervals)
    opened = np.nonzero(is_open)[0]
    if opened.size == 0:
        return np.zeros(n, dtype=np.int64), opened
    pos = np.cumsum(is_open) - is_open  # open intervals before i = position of the first open one >= i
    idx = np.arange(n)
    cal = idx + w
    cal_open = np.zeros(n, dtype=bool)
    inside = cal < n
    cal_open[inside] = is_open[cal[inside]]
    cal_pos = np.where(inside, pos[np.minimum(cal, n - 1)], 0)
    later = np.where(is_open, pos + w, pos + max(w - 1, 0))
    deadline = np.where(cal_open, cal_pos, later)
    deadline = np.minimum(np.maximum.accumulate(deadline), opened.size - 1)
    return deadline.astype(np.int64), opened


def _deferred_bounds(work_s: np.ndarray, is_open: np.ndarray, window_intervals: int,
                     share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return (lower, upper, open interval indices): cumulative work due / arrived at each knot, seconds.

    Knot 0 is before the first open interval, knot j + 1 after open interval j. None when
    there is no work or no open interval.
    """
    work = np.asarray(work_s, dtype=float)
    deadline, opened = deadline_positions(is_open, window_intervals)
    total = float(work.sum())
    if opened.size == 0 or total <= 0:
        return None
    late = np.minimum(deadline + max(int(window_intervals), 1), opened.size - 1)
    arrived = np.cumsum(work)
    before = arrived - work
    upper = np.concatenate([[0.0], arrived[opened]])
    lower = np.zeros(opened.size + 1)
    has = work > 0
    np.maximum.at(lower, deadline[has] + 1, before[has] + share * work[has])
    np.maximum.at(lower, late[has] + 1, arrived[has])
    lower = np.minimum(np.maximum.accumulate(lower), upper)
    lower[-1] = upper[-1] = max(lower[-1], upper[-1])
    if upper[-1] < total * (1 - 1e-12):  # work after the last open interval cannot be answered
        raise PlannerError("deferred work arrives after the last open interval; extend the frame")
    return lower, upper, opened


def deferred_agents(work_s: np.ndarray, is_open: np.ndarray, window_intervals: int, share: float,
                    interval_s: float, max_occupancy: float) -> np.ndarray:
    """Return the smallest, smoothest fractional agents per interval that answer deferred work in time.

    work_s: work arriving per interval (volume x AHT, seconds); is_open: where agents may
    work; window_intervals: w, the response window in whole intervals; share: the part of
    each interval's work due at its deadline (the rest one window later). Intervals past
    the last deadline should be included (open, no work) for work due after the frame.
    """
    return _deferred_profiles(work_s, is_open, window_intervals, share, interval_s, max_occupancy, False)[0]


def _capped_lower(lower: np.ndarray, capacity: float) -> np.ndarray:
    """Work that must be done by each knot so that later deadlines need at most `capacity` per interval."""
    j = np.arange(len(lower), dtype=float)
    shifted = lower - capacity * j
    return capacity * j + np.maximum.accumulate(shifted[::-1])[::-1]


def _whole_plan(lower: np.ndarray, upper: np.ndarray, unit: float, cap: int | None,
                path: np.ndarray | None = None) -> np.ndarray | None:
    """Whole agents per open interval answering FIFO work by its due knots, or None if `cap` makes it infeasible.

    Without `path`, each interval staffs only what the next due knot forces (as late as
    possible; the least cumulative staffing, hence the fewest agents in total). With
    `path` (a target cumulative of work done), intervals also take extra agents towards
    it, but only agents whose whole capacity `unit` finds waiting work: such an agent
    saves the first agent of the as-late-as-possible plan from there, so the total
    stays the least. `cap`: at most this many agents per interval.
    """
    m = len(lower) - 1
    tol = 1e-9 * max(1.0, float(upper[-1]))
    lo = _capped_lower(lower, cap * unit) if cap is not None else lower
    if lo[0] > tol or (lo > upper + tol).any():
        return None
    lo_l, up_l = lo.tolist(), upper.tolist()
    target = path.tolist() if path is not None else None
    big = cap if cap is not None else 1 << 60
    out = [0] * m
    done = 0.0
    for j in range(m):
        need = lo_l[j + 1] - done
        n = math.ceil((need - tol) / unit) if need > tol else 0
        if target is not None:
            want = math.ceil((target[j + 1] - done - tol) / unit)
            if want > n:
                full = math.floor((up_l[j + 1] - done + tol) / unit)
                n = max(n, min(want, full, big))
        out[j] = n
        done = min(up_l[j + 1], done + n * unit)
        if done < lo_l[j + 1] - tol:
            return None
    return np.array(out, dtype=np.int64)


def deferred_whole_agents(work_s: np.ndarray, is_open: np.ndarray, window_intervals: int, share: float,
                          interval_s: float, max_occupancy: float) -> np.ndarray:
    """Return whole agents per interval: the fewest agent-intervals in total that answer deferred work in time.

    Same inputs and deadlines as `deferred_agents`. Among the plans with the fewest
    agent-intervals it has the lowest peak (agents in any one interval); within those
    limits it follows the fractional (taut-string) profile, adding an agent early only
    when its whole capacity (interval_s x max_occupancy seconds) finds waiting work.
    Closed intervals get 0. A queue with a few contacts a day gets 1 agent in a few
    intervals, not 1 in every open interval.
    """
    return _deferred_profiles(work_s, is_open, window_intervals, share, interval_s, max_occupancy, True)[1]


def _deferred_profiles(work_s: np.ndarray, is_open: np.ndarray, window_intervals: int, share: float,
                       interval_s: float, max_occupancy: float, whole: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return (fractional agents, whole agents or zeros unless `whole`) per interval."""
    n = len(work_s)
    frac, agents = np.zeros(n), np.zeros(n, dtype=np.int64)
    bounds = _deferred_bounds(work_s, is_open, window_intervals, share)
    if bounds is None:
        return frac, agents
    lower, upper, opened = bounds
    unit = float(interval_s) * float(max_occupancy)
    path = _taut_string(lower, upper)
    frac[opened] = np.maximum(np.diff(path), 0.0) / unit
    if not whole:
        return frac, agents
    lazy = _whole_plan(lower, upper, unit, None)
    fewest = int(lazy.sum())
    lo_cap = max(1, E.ceil_agents(float(frac.max())))
    hi_cap = max(lo_cap, int(lazy.max()))
    while lo_cap < hi_cap:  # the lowest peak that keeps the fewest total (the total falls as the cap rises)
        mid = (lo_cap + hi_cap) // 2
        plan = _whole_plan(lower, upper, unit, mid)
        if plan is not None and int(plan.sum()) == fewest:
            hi_cap = mid
        else:
            lo_cap = mid + 1
    agents[opened] = _whole_plan(lower, upper, unit, hi_cap, path)
    return frac, agents


def deferred_service(volume: np.ndarray, work_s: np.ndarray, agents: np.ndarray, window_intervals: int,
                     interval_s: float, max_occupancy: float) -> dict:
    """Return service_level, backlog, asa_s, occupancy of FIFO deferred work answered by `agents`.

    Agents work at `max_occupancy`; work arriving in interval i is within the window when
    finished by the end of interval i + window_intervals. service_level: share of the
    interval's work within the window (measured at the frame's end where the window runs
    past it: a lower bound); backlog: contacts waiting at the interval's end; asa_s: mean
    response time of the interval's contacts in seconds (work still open at the frame's end
    counts until then); occupancy: share of the agents' time spent on work.
    """
    volume = np.asarray(volume, dtype=float)
    work = np.asarray(work_s, dtype=float)
    cap = np.asarray(agents, dtype=float) * interval_s * max_occupancy
    n = len(work)
    arrived = np.cumsum(work)
    before = arrived - work
    s = np.cumsum(work - cap)
    backlog_work = s - np.minimum(0.0, np.minimum.accumulate(s))
    done = np.maximum(arrived - backlog_work, 0.0)
    due = np.minimum(np.arange(n) + int(window_intervals), n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(work > 0, np.clip((done[due] - before) / np.where(work > 0, work, 1.0), 0.0, 1.0), 1.0)
    # contacts answered: map answered work onto contacts, FIFO, linear inside each interval
    items = np.cumsum(volume)
    j = np.minimum(np.searchsorted(arrived, done, side="left"), n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(work[j] > 0, (done - before[j]) / np.where(work[j] > 0, work[j], 1.0), 1.0)
    answered = items[j] - volume[j] + np.clip(part, 0.0, 1.0) * volume[j]
    backlog = np.maximum(items - answered, 0.0)
    backlog[backlog < 1e-9 * max(1.0, float(items[-1]) if n else 1.0)] = 0.0
    # mean response time: sample positions inside each interval's work
    x = before[:, None] + _SAMPLES[None, :] * work[:, None]
    arrive_t = (np.arange(n)[:, None] + _SAMPLES[None, :]) * interval_s
    k = np.searchsorted(done, x, side="left")
    k_in = np.minimum(k, n - 1)
    prev = np.where(k_in > 0, done[np.maximum(k_in - 1, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(done[k_in] > prev, (x - prev) / np.where(done[k_in] > prev, done[k_in] - prev, 1.0), 1.0)
    finish_t = np.where(k < n, (k_in + np.clip(frac, 0.0, 1.0)) * interval_s, n * interval_s)
    asa = np.where(work > 0, np.maximum(finish_t - arrive_t, 0.0).mean(axis=1), 0.0)
    worked = np.diff(np.concatenate([[0.0], done]))
    staffed = np.asarray(agents, dtype=float) * interval_s
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(staffed > 0, worked / np.where(staffed > 0, staffed, 1.0), 0.0)
    return {"service_level": sl, "backlog": backlog, "asa_s": asa, "occupancy": np.minimum(occ, 1.0)}


def _window_intervals(ch: ChannelConfig, interval_s: float) -> int:
    return int(math.floor(ch.target.answer_s / interval_s + 1e-9))


def _queue_grid(starts: pd.DatetimeIndex, positions: np.ndarray, interval_minutes: int, extra: int,
                what: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Regular grid over one queue's rows (+ `extra` intervals after); returns grid and each row's slot."""
    own = starts[positions]
    order = np.argsort(own.asi8, kind="stable")
    sorted_starts = own[order]
    dup = sorted_starts[1:] == sorted_starts[:-1]
    if dup.any():
        row = int(positions[order[1:][dup][0]])
        raise InputError(what, f"interval_start {sorted_starts[1:][dup][0]} appears twice for this queue",
                         row=row + 2, column=C.INTERVAL_START)
    step = pd.Timedelta(minutes=interval_minutes)
    grid = pd.date_range(sorted_starts[0], sorted_starts[-1] + extra * step, freq=step)
    slot = ((own - grid[0]) // step).to_numpy()
    off = (own - grid[0]) % step != pd.Timedelta(0)
    if np.asarray(off).any():
        i = int(positions[np.nonzero(np.asarray(off))[0][0]])
        raise InputError(what, f"interval_start {starts[i]} is not on the {interval_minutes}-minute grid of "
                         f"this queue (first interval {grid[0]})", row=i + 2, column=C.INTERVAL_START)
    return grid, slot.astype(np.int64)


def _deferred_queue(ch: ChannelConfig, channel: str, language: str, config: Config, starts: pd.DatetimeIndex,
                    positions: np.ndarray, volume: np.ndarray, aht: np.ndarray, what: str) -> dict:
    interval_s = config.team.interval_minutes * 60.0
    w = _window_intervals(ch, interval_s)
    per_day = max(1, int(round(86400 / interval_s)))
    extra = (w + 3) * per_day
    grid, slot = _queue_grid(starts, positions, config.team.interval_minutes, extra, what)
    g_volume = np.zeros(len(grid))
    g_work = np.zeros(len(grid))
    g_volume[slot] = volume[positions]
    g_work[slot] = volume[positions] * aht[positions]
    is_open = open_mask(grid, config.open_hours_for(channel, language), config.team.home_timezone,
                        config.team.interval_minutes)
    frac, agents = _deferred_profiles(g_work, is_open, w, ch.target.service_level, interval_s, ch.max_occupancy,
                                      True)
    m = deferred_service(g_volume, g_work, agents, w, interval_s, ch.max_occupancy)
    load = g_work / interval_s
    return {"load": load[slot], "agents": agents[slot], "frac": frac[slot],
            **{k: v[slot] for k, v in m.items()}}


# --------------------------------------------------------------------------- public steps


def staffing_requirements(forecast: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Return agents and staff needed per queue and interval (planner.columns.REQUIREMENT_COLUMNS).

    forecast: interval_start (UTC), channel, language, volume (contacts per interval),
    aht_s (seconds), optionally shrinkage (0-1 per row). Rows keep their order. Deferred
    channels are computed per queue over the whole frame, in time order.
    """
    what = "forecast"
    checked = _check_frame(forecast, config, what)
    volume, aht, channels, starts = checked["volume"], checked["aht"], checked["channels"], checked["starts"]
    shrink = _shrinkage(forecast, config, channels, what)
    interval_s = config.team.interval_minutes * 60.0
    n = len(forecast)
    cols = {k: np.zeros(n) for k in ("load", "frac", "service_level", "asa_s", "occupancy", "backlog")}
    agents = np.zeros(n, dtype=np.int64)
    languages = forecast[C.LANGUAGE].astype(str).to_numpy()
    for name in pd.unique(channels):
        ch = config.channels[name]
        rows = np.nonzero(channels == name)[0]
        if ch.model == "deferred":
            for lang in pd.unique(languages[rows]):
                q = rows[languages[rows] == lang]
                res = _deferred_queue(ch, name, lang, config, starts, q, volume, aht, what)
                agents[q] = res["agents"]
                for key in cols:
                    cols[key][q] = res[key]
            continue
        v = volume[rows].copy()
        is_open = np.ones(len(rows), dtype=bool)
        for lang in pd.unique(languages[rows]):
            own = languages[rows] == lang
            is_open[own] = open_mask(starts[rows[own]], config.open_hours_for(name, lang),
                                     config.team.home_timezone, config.team.interval_minutes)
        res = _erlang_rows(ch, np.where(is_open, v, 0.0), aht[rows], interval_s)
        closed_busy = ~is_open & (v * aht[rows] > 0)
        res["service_level"] = np.where(closed_busy, 0.0, res["service_level"])
        res["asa_s"] = np.where(closed_busy, np.nan, res["asa_s"])
        res["load"] = v * aht[rows] / interval_s
        agents[rows] = res["agents"]
        for key in ("load", "frac", "service_level", "asa_s", "occupancy"):
            cols[key][rows] = res[key]
    staff = E.ceil_agents_array(agents / (1.0 - shrink))
    out = pd.DataFrame({
        C.INTERVAL_START: starts,
        C.CHANNEL: forecast[C.CHANNEL].to_numpy(),
        C.LANGUAGE: forecast[C.LANGUAGE].to_numpy(),
        C.VOLUME: volume,
        C.AHT_S: aht,
        "load_erlangs": cols["load"],
        "agents_needed": agents,
        "agents_needed_frac": cols["frac"],
        "staff_needed": staff,
        "service_level": cols["service_level"],
        "asa_s": cols["asa_s"],
        "occupancy": cols["occupancy"],
        "backlog": cols["backlog"],
    }, index=forecast.index)
    return out[C.REQUIREMENT_COLUMNS]


def achieved_service(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Return `frame` plus service_level, asa_s, occupancy and backlog given its `agents` column.

    frame: interval_start, channel, language, volume, aht_s, agents (productive agents on
    the queue, after shrinkage; may be fractional). Erlang channels use the exact
    continuous-agent models; deferred channels answer first-in-first-out per queue in time
    order, and service_level is the share of each interval's work answered within its window.
    """
    what = "achieved service frame"
    C.require_columns(frame, _INPUT + ["agents"], what)
    checked = _check_frame(frame, config, what)
    volume, aht, channels, starts = checked["volume"], checked["aht"], checked["channels"], checked["starts"]
    agents = _numbers(frame, "agents", what)
    bad = ~(agents >= 0) | ~np.isfinite(agents)
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise InputError(what, f"expected agents 0 or more, got {frame['agents'].iloc[i]!r}", row=i + 2,
                         column="agents")
    interval_s = config.team.interval_minutes * 60.0
    n = len(frame)
    cols = {k: np.zeros(n) for k in ("service_level", "asa_s", "occupancy", "backlog")}
    languages = frame[C.LANGUAGE].astype(str).to_numpy()
    for name in pd.unique(channels):
        ch = config.channels[name]
        rows = np.nonzero(channels == name)[0]
        if ch.model == "deferred":
            w = _window_intervals(ch, interval_s)
            for lang in pd.unique(languages[rows]):
                q = rows[languages[rows] == lang]
                grid, slot = _queue_grid(starts, q, config.team.interval_minutes, 0, what)
                g = {k: np.zeros(len(grid)) for k in ("volume", "work", "agents")}
                g["volume"][slot], g["work"][slot], g["agents"][slot] = volume[q], volume[q] * aht[q], agents[q]
                m = deferred_service(g["volume"], g["work"], g["agents"], w, interval_s, ch.max_occupancy)
                for key in cols:
                    cols[key][q] = m[key][slot]
            continue
        m = _service(ch, agents[rows] * ch.concurrency, volume[rows], aht[rows], interval_s)
        for key in ("service_level", "asa_s", "occupancy"):
            cols[key][rows] = m[key]
    out = frame.copy()
    for key, values in cols.items():
        out[key] = values
    return out


def erlang_table(volume: float, aht_s: float, interval_minutes: float, target: ServiceTarget, around: int = 3,
                 max_occupancy: float = 1.0) -> pd.DataFrame:
    """Return an Erlang C table around the answer: agents, service_level, asa_s, occupancy, p_wait, meets_target.

    Rows run from `around` agents below the answer (but only stable counts, agents > load)
    to `around` above it.
    """
    load = E.load_erlangs(volume, aht_s, interval_minutes)
    E._number("aht_s", aht_s, 0.0, lo_open=True, unit=" of seconds")
    best = E.agents_for_target(load, aht_s, target.service_level, target.answer_s, max_occupancy)
    first_stable = int(math.floor(load)) + 1 if load > 0 else 0
    agents = np.arange(max(first_stable, best - int(around)), best + int(around) + 1)
    m = E.erlang_c_array(agents.astype(float), load, aht_s, target.answer_s)
    meets = (m["service_level"] >= target.service_level - 1e-12) & (agents >= load / max_occupancy * (1 - 1e-12))
    return pd.DataFrame({"agents": agents, "service_level": m["service_level"], "asa_s": m["asa_s"],
                         "occupancy": m["occupancy"], "p_wait": m["p_wait"], "meets_target": meets})


def erlang_answer(volume: float, aht_s: float, interval_minutes: float, target: ServiceTarget,
                  max_occupancy: float = 1.0, shrinkage: float = 0.0, around: int = 3) -> tuple[str, str]:
    """Return (answer line, table text) for the `planner erlang` calculator."""
    table = erlang_table(volume, aht_s, interval_minutes, target, around, max_occupancy)
    load = E.load_erlangs(volume, aht_s, interval_minutes)
    best = E.agents_for_target(load, aht_s, target.service_level, target.answer_s, max_occupancy)
    staff = E.staff_for_agents(best, shrinkage)
    row = table[table["agents"] == best].iloc[0] if best > 0 else None
    head = (f"{volume:g} contacts per {interval_minutes:g} min at AHT {aht_s:g} s = {load:.3f} Erlangs; "
            f"target {target}: {best} agents")
    if shrinkage:
        head += f", {staff} staff at {shrinkage * 100:g} % shrinkage"
    if row is not None:
        head += (f" (service level {row['service_level'] * 100:.2f} %, ASA {row['asa_s']:.2f} s, "
                 f"occupancy {row['occupancy'] * 100:.1f} %, P(wait) {row['p_wait'] * 100:.2f} %)")
    lines = [f"{'agents':>6}  {'SL':>7}  {'ASA s':>8}  {'occ':>6}  {'P(wait)':>7}  meets"]
    for r in table.itertuples(index=False):
        lines.append(f"{r.agents:>6}  {r.service_level * 100:6.2f}%  {r.asa_s:8.2f}  {r.occupancy * 100:5.1f}%  "
                     f"{r.p_wait * 100:6.2f}%  {'yes' if r.meets_target else 'no'}"
                     f"{'  <- answer' if r.agents == best else ''}")
    return head, "\n".join(lines)
