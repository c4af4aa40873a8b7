"""Evaluate a roster: coverage, shortfall and surplus, and the service it buys, per queue and interval.

Expected service level, ASA and occupancy are computed back through the staffing model
(planner.staffing.achieved_service) with the agents actually allocated to each queue
(after breaks) times (1 - shrinkage of the channel).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.config import Config
from planner.roster.model import wishes_in_week
from planner.roster.result import DUTY_COVER_COLUMNS, Evaluation, RosterResult
from planner.roster.fairness import LATE_END_MIN  # a late shift ends after 20:00 local (or past midnight)
from planner.roster.shifts import NIGHT_END_MIN, agent_local_dates
from planner.staffing import achieved_service
from planner.timegrid import period_dates


def _wavg(values: pd.Series, weights: pd.Series) -> float:
    mask = values.notna() & weights.notna()
    w = weights[mask]
    return float(np.average(values[mask], weights=w)) if mask.any() and w.sum() > 0 else float("nan")


def coverage_frame(roster: RosterResult, requirements: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Return required, scheduled, shortfall, surplus and the service per queue x interval."""
    keys = [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE]
    req = requirements.groupby(keys, as_index=False).agg(
        volume=(C.VOLUME, "sum"), aht_s=(C.AHT_S, "mean"), required=("staff_needed", "sum"))
    sched = roster.allocation.groupby(keys, as_index=False).size().rename(columns={"size": "scheduled"})
    cov = req.merge(sched, on=keys, how="outer")
    cov["volume"] = cov["volume"].fillna(0.0)
    cov["required"] = cov["required"].fillna(0).astype(int)
    cov["scheduled"] = cov["scheduled"].fillna(0).astype(int)
    cov["shortfall"] = (cov["required"] - cov["scheduled"]).clip(lower=0)
    cov["surplus"] = (cov["scheduled"] - cov["required"]).clip(lower=0)
    shrink = cov[C.CHANNEL].map(lambda c: config.shrinkage_for(c) if c in config.channels else config.staffing.shrinkage)
    # queue-intervals with agents but no requirement row: no volume; borrow the queue's mean handle time
    mean_aht = cov.groupby([C.CHANNEL, C.LANGUAGE])[C.AHT_S].transform("mean")
    cov[C.AHT_S] = cov[C.AHT_S].fillna(mean_aht).fillna(300.0)
    frame = cov[keys + [C.VOLUME, C.AHT_S]].copy()
    frame["agents"] = cov["scheduled"] * (1 - shrink)
    served = achieved_service(frame, config)
    for col in ("service_level", "asa_s", "occupancy"):
        cov[col] = served[col].to_numpy() if col in served else np.nan
    return cov.sort_values(keys, ignore_index=True)[C.COVERAGE_COLUMNS + [C.VOLUME]]


def _daily(cov: pd.DataFrame, config: Config, hours_per_interval: float) -> pd.DataFrame:
    cov = cov.assign(local_date=cov[C.INTERVAL_START].dt.tz_convert(config.team.home_timezone).dt.date)
    rows = []
    for (day, ch, lang), g in cov.groupby(["local_date", C.CHANNEL, C.LANGUAGE], sort=True):
        rows.append({
            "local_date": day, C.CHANNEL: ch, C.LANGUAGE: lang, C.VOLUME: float(g[C.VOLUME].sum()),
            "required_hours": g["required"].sum() * hours_per_interval,
            "scheduled_hours": g["scheduled"].sum() * hours_per_interval,
            "shortfall_hours": g["shortfall"].sum() * hours_per_interval,
            "surplus_hours": g["surplus"].sum() * hours_per_interval,
            "service_level": _wavg(g["service_level"], g[C.VOLUME]),
            "asa_s": _wavg(g["asa_s"], g[C.VOLUME]),
            "occupancy": _wavg(g["occupancy"], g["scheduled"].astype(float)),
            "target_service_level": config.channels[ch].target.service_level if ch in config.channels else np.nan,
        })
    return pd.DataFrame(rows, columns=["local_date", C.CHANNEL, C.LANGUAGE, C.VOLUME, "required_hours",
                                       "scheduled_hours", "shortfall_hours", "surplus_hours", "service_level",
                                       "asa_s", "occupancy", "target_service_level"])


def _channels(cov: pd.DataFrame, config: Config, hours_per_interval: float) -> pd.DataFrame:
    rows = []
    for ch, g in cov.groupby(C.CHANNEL, sort=True):
        rows.append({
            C.CHANNEL: ch, C.VOLUME: float(g[C.VOLUME].sum()),
            "target_service_level": config.channels[ch].target.service_level if ch in config.channels else np.nan,
            "service_level": _wavg(g["service_level"], g[C.VOLUME]),
            "shortfall_hours": g["shortfall"].sum() * hours_per_interval,
            "surplus_hours": g["surplus"].sum() * hours_per_interval,
            "required_hours": g["required"].sum() * hours_per_interval,
            "scheduled_hours": g["scheduled"].sum() * hours_per_interval,
        })
    return pd.DataFrame(rows, columns=[C.CHANNEL, C.VOLUME, "target_service_level", "service_level",
                                       "shortfall_hours", "surplus_hours", "required_hours", "scheduled_hours"])


def _local_types(own: pd.DataFrame, tz: str, config: Config | None) -> dict:
    """Return the shift type (or None) of each of an agent's shifts by local date."""
    starts = pd.to_datetime(own.start_utc, utc=True).dt.tz_convert(tz)
    return {pd.Timestamp(d).date(): (config.rules.shift_type(t.hour * 60 + t.minute) if config else None)
            for d, t in zip(own.local_date, starts)}


def wishes_frame(roster: RosterResult, agents: tuple[Agent, ...], config: Config,
                 shift_requests: pd.DataFrame | None) -> pd.DataFrame:
    """Return each shift wish of the roster's period (agent_id, local_date, shift_type, want, weight) and if granted."""
    cols = ["agent_id", "local_date", "shift_type", "want", "weight", "granted"]
    team = {a.agent_id: a for a in agents}
    dates = {aid: agent_local_dates(a, roster.week, config.team.home_timezone, roster.weeks)
             for aid, a in team.items()}
    rows = []
    for w in wishes_in_week(shift_requests, dates):
        a = team[w.agent_id]
        worked = _local_types(roster.shifts[roster.shifts.agent_id.astype(str) == w.agent_id], a.timezone, config)
        hit = w.local_date in worked and (w.shift_type is None or worked[w.local_date] == w.shift_type)
        rows.append((w.agent_id, w.local_date, w.shift_type or "", "on" if w.on else "off", w.weight, hit == w.on))
    return pd.DataFrame(rows, columns=cols)


def duty_cover_frame(roster: RosterResult, agents: tuple[Agent, ...], config: Config) -> pd.DataFrame:
    """Return the duty cover achieved per local day of the period and shift type: required, scheduled, under, over.

    In people; an entry with staff 0 has every person scheduled over.
    """
    rules = config.rules
    if not rules.duty_cover:
        return pd.DataFrame(columns=DUTY_COVER_COLUMNS)
    team = {a.agent_id: a for a in agents}
    kinds: dict[tuple, int] = {}
    for aid, own in roster.shifts.groupby(roster.shifts.agent_id.astype(str)):
        if aid in team:
            for day, kind in _local_types(own, team[aid].timezone, config).items():
                kinds[aid, day, kind] = 1
    rows = []
    for day in period_dates(roster.week, roster.weeks):
        for e in rules.duty_cover_on(day):
            n = sum(1 for (aid, d, kind) in kinds if d == day and kind == e.shift_type
                    and e.counts(team[aid].skills))
            rows.append((day, e.shift_type, e.who, e.staff, n, max(0, e.staff - n), max(0, n - e.staff)))
    frame = pd.DataFrame(rows, columns=DUTY_COVER_COLUMNS)
    return frame.sort_values(["local_date", "shift_type", "skills"], ignore_index=True)


def fairness_frame(roster: RosterResult, agents: tuple[Agent, ...], config: Config | None = None,
                   shift_requests: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return per agent: paid hours, shifts, nights, weekends, late shifts, preferred start met (0-1), wishes met."""
    wishes = wishes_frame(roster, agents, config, shift_requests) if config is not None else None
    rows = []
    for a in sorted(agents, key=lambda a: a.agent_id):
        own = roster.shifts[roster.shifts.agent_id.astype(str) == a.agent_id]
        start = own.start_utc.dt.tz_convert(a.timezone)
        end = own.end_utc.dt.tz_convert(a.timezone)
        start_min = start.dt.hour * 60 + start.dt.minute
        end_min = end.dt.hour * 60 + end.dt.minute
        past_midnight = end.dt.date.to_numpy() > start.dt.date.to_numpy()
        night = (start_min < NIGHT_END_MIN) | (past_midnight & (end_min > 0))
        weekend = pd.Series([pd.Timestamp(d).weekday() >= 5 for d in own.local_date], index=own.index, dtype=bool)
        late = past_midnight | (end_min > LATE_END_MIN)
        pref = float("nan")
        if a.preferred_start is not None and len(own):
            pref = float((start_min == a.preferred_start.hour * 60 + a.preferred_start.minute).mean())
        mine = wishes[wishes.agent_id == a.agent_id] if wishes is not None else wishes
        rows.append({"agent_id": a.agent_id, "paid_hours": float(own.paid_hours.sum()), "shifts": int(len(own)),
                     "night_shifts": int(night.sum()), "weekend_shifts": int(weekend.sum()),
                     "late_shifts": int(late.sum()), "preferred_start_met": pref,
                     "wishes_granted": int(mine.granted.sum()) if mine is not None else 0,
                     "wishes_unmet": int((~mine.granted.astype(bool)).sum()) if mine is not None else 0})
    return pd.DataFrame(rows, columns=["agent_id", "paid_hours", "shifts", "night_shifts", "weekend_shifts",
                                       "late_shifts", "preferred_start_met", "wishes_granted", "wishes_unmet"])


def evaluate_roster(roster: RosterResult, requirements: pd.DataFrame, agents: tuple[Agent, ...],
                    config: Config, shift_requests: pd.DataFrame | None = None) -> Evaluation:
    """Return coverage, service, hours, fairness (with shift wishes granted) and duty cover of `roster`."""
    hours = config.team.interval_minutes / 60
    cov = coverage_frame(roster, requirements, config)
    return Evaluation(
        coverage=cov[C.COVERAGE_COLUMNS],
        daily=_daily(cov, config, hours),
        channels=_channels(cov, config, hours),
        fairness=fairness_frame(roster, tuple(agents), config, shift_requests),
        paid_hours=float(roster.shifts.paid_hours.sum()),
        shortfall_hours=float(cov["shortfall"].sum() * hours),
        surplus_hours=float(cov["surplus"].sum() * hours),
        duty_cover=duty_cover_frame(roster, tuple(agents), config),
    )
