"""What-if runs at three depths, each returning a Comparison of the base plan and the scenarios.

requirements  staff needed per queue and day (staff-hours, peak staff, FTE), and the
              service level expected if the BASE requirement's staffing (staff_needed heads,
              times 1 - the scenario's shrinkage) met the scenario's demand.
evaluate      the base roster kept (removed agents' shifts dropped, added agents unrostered)
              and evaluated against the scenario: service level, shortfall, surplus.
reroster      a new roster solved for each scenario: service level, shortfall, paid hours
              and fairness. Deterministic (same seed and deterministic time limit as
              build_roster); `processes` > 1 solves scenarios in parallel processes.

FTE = staff-hours / (fte_hours x weeks), fte_hours = the team's mean weekly contract hours
(40 without a team). Per day, FTE is the day's staff-hours x 7 / fte_hours: the FTE needed
if every day of the week were like that one.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.config import Config
from planner.errors import InfeasibleRosterError, PlannerError
from planner.scenario.apply import apply_scenario
from planner.scenario.change import Scenario

DEPTHS = ("requirements", "evaluate", "reroster")
BASE = "base"
DAY_KEYS = ["local_date", C.CHANNEL, C.LANGUAGE]
ROSTER_METRICS = ["scheduled_hours", "shortfall_hours", "surplus_hours"]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Comparison:
    """The base plan and each scenario side by side (scenario "base" first in every table).

    summary: scenario, volume, staff_hours, agent_hours, fte, peak_staff, service_level
        (+ scheduled_hours, shortfall_hours, surplus_hours, paid_hours, agents,
        weekend_spread, paid_hours_spread at roster depths).
    channels: scenario, channel, volume, staff_hours, fte, peak_staff, service_level,
        target_service_level (+ roster hours at roster depths).
    daily: scenario, local_date (home zone), channel, language, volume, aht_s, staff_hours,
        agent_hours, peak_staff, fte, service_level (+ roster hours at roster depths).
    Hours are agent-hours; service levels 0-1, volume-weighted; sweep_values holds the
    swept value of each row of summary (None for the base). rosters: the roster behind each
    plan at roster depths (RosterResult by scenario name).
    """

    depth: str
    week: str | None
    names: tuple[str, ...]
    summary: pd.DataFrame
    channels: pd.DataFrame
    daily: pd.DataFrame
    fte_hours: float
    descriptions: tuple[str, ...] = ()
    sweep: str | None = None
    sweep_values: tuple[float | None, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    rosters: dict[str, Any] = field(default_factory=dict)  # name -> RosterResult (roster depths)

    def deltas(self, table: str = "summary") -> pd.DataFrame:
        """Return each scenario's numeric columns minus the base's (same keys), base rows left out."""
        frame = getattr(self, table)
        keys = {"summary": [], "channels": [C.CHANNEL], "daily": DAY_KEYS}[table]
        numeric = [c for c in frame.columns if c not in keys + ["scenario"] and pd.api.types.is_numeric_dtype(frame[c])]
        base = frame[frame.scenario == BASE].set_index(keys)[numeric] if keys else \
            frame[frame.scenario == BASE][numeric].iloc[0]
        rows = []
        for name in self.names[1:]:
            own = frame[frame.scenario == name]
            if keys:
                d = own.set_index(keys)[numeric].sub(base, fill_value=0).reset_index()
            else:
                d = (own[numeric] - base).reset_index(drop=True)
            d.insert(0, "scenario", name)
            rows.append(d)
        if not rows:
            return frame.iloc[0:0][["scenario"] + keys + numeric]
        return pd.concat(rows, ignore_index=True)[["scenario"] + keys + numeric]


# --------------------------------------------------------------------------- measuring one plan


def _week_rows(frame: pd.DataFrame, week: str | None, config: Config) -> pd.DataFrame:
    if week is None:
        return frame.reset_index(drop=True)
    from planner.timegrid import week_grid

    grid = week_grid(week, config.team.home_timezone, config.team.interval_minutes)
    rows = frame[frame[C.INTERVAL_START].isin(grid)]
    if rows.empty:
        raise PlannerError(f"the forecast holds no interval of {week}; forecast {week} first "
                           f"(`planner forecast --week {week}`)")
    return rows.reset_index(drop=True)


def _wmean(values: pd.Series, weights: pd.Series) -> float:
    w = weights.where(values.notna(), 0.0)
    total = float(w.sum())
    return float((values.fillna(0) * w).sum() / total) if total > 0 else float("nan")


def _expected_service(req: pd.DataFrame, base_staff: np.ndarray, config: Config) -> np.ndarray:
    """Service level per row if `base_staff` heads (less the channel's shrinkage) served `req`'s demand."""
    from planner.staffing import achieved_service

    shrink = req[C.CHANNEL].map({ch: config.shrinkage_for(ch) for ch in pd.unique(req[C.CHANNEL])}).to_numpy(
        dtype=float)
    frame = req[[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME, C.AHT_S]].assign(
        agents=base_staff * (1.0 - shrink))
    return achieved_service(frame, config)["service_level"].to_numpy(dtype=float)


def _daily(req: pd.DataFrame, service_level: np.ndarray, config: Config, fte_hours: float) -> pd.DataFrame:
    hours = config.team.interval_minutes / 60.0
    d = pd.DataFrame({
        "local_date": req[C.INTERVAL_START].dt.tz_convert(config.team.home_timezone).dt.date,
        C.CHANNEL: req[C.CHANNEL].to_numpy(), C.LANGUAGE: req[C.LANGUAGE].to_numpy(),
        C.VOLUME: req[C.VOLUME].to_numpy(dtype=float),
        "work": req[C.VOLUME].to_numpy(dtype=float) * req[C.AHT_S].fillna(0).to_numpy(dtype=float),
        "staff_hours": req["staff_needed"].to_numpy(dtype=float) * hours,
        "agent_hours": req["agents_needed"].to_numpy(dtype=float) * hours,
        "peak_staff": req["staff_needed"].to_numpy(dtype=float),
        "sl_x_volume": np.nan_to_num(service_level) * req[C.VOLUME].to_numpy(dtype=float),
    })
    g = d.groupby(DAY_KEYS, sort=True).agg(volume=(C.VOLUME, "sum"), work=("work", "sum"),
                                          staff_hours=("staff_hours", "sum"), agent_hours=("agent_hours", "sum"),
                                          peak_staff=("peak_staff", "max"), sl=("sl_x_volume", "sum")).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        g[C.AHT_S] = np.where(g[C.VOLUME] > 0, g["work"] / g[C.VOLUME], np.nan)
        g["service_level"] = np.where(g[C.VOLUME] > 0, g["sl"] / g[C.VOLUME], np.nan)
    g["fte"] = g["staff_hours"] * 7.0 / fte_hours
    return g[DAY_KEYS + [C.VOLUME, C.AHT_S, "staff_hours", "agent_hours", "peak_staff", "fte", "service_level"]]


def _peak(req: pd.DataFrame, by: list[str]) -> pd.Series | float:
    per_interval = req.groupby(by + [C.INTERVAL_START])["staff_needed"].sum()
    return per_interval.groupby(level=list(range(len(by)))).max() if by else float(per_interval.max())


def _tables(name: str, req: pd.DataFrame, daily: pd.DataFrame, config: Config, fte_hours: float,
            weeks: float) -> tuple[dict, pd.DataFrame]:
    """Return (summary row, channel rows) of one plan measured by `daily`."""
    summary = {"scenario": name, C.VOLUME: float(daily[C.VOLUME].sum()),
               "staff_hours": float(daily["staff_hours"].sum()), "agent_hours": float(daily["agent_hours"].sum()),
               "fte": float(daily["staff_hours"].sum()) / (fte_hours * weeks),
               "peak_staff": _peak(req, []), "service_level": _wmean(daily["service_level"], daily[C.VOLUME])}
    extra = [c for c in ROSTER_METRICS if c in daily.columns]
    for c in extra:
        summary[c] = float(daily[c].sum())
    rows = []
    peaks = _peak(req, [C.CHANNEL])
    for ch, g in daily.groupby(C.CHANNEL, sort=True):
        row = {"scenario": name, C.CHANNEL: ch, C.VOLUME: float(g[C.VOLUME].sum()),
               "staff_hours": float(g["staff_hours"].sum()),
               "fte": float(g["staff_hours"].sum()) / (fte_hours * weeks), "peak_staff": float(peaks[ch]),
               "service_level": _wmean(g["service_level"], g[C.VOLUME]),
               "target_service_level": config.channels[ch].target.service_level}
        row.update({c: float(g[c].sum()) for c in extra})
        rows.append(row)
    return summary, pd.DataFrame(rows)


@dataclass
class _Plan:
    """One scenario's inputs after apply_scenario, and its week's requirements.

    `changed` marks the rows whose channel has other inputs than the base (volume, AHT,
    channel settings or shrinkage): only those are staffed again (queues are independent).
    """

    name: str
    description: str
    sweep_value: float | None
    config: Config
    agents: tuple[Agent, ...]
    requirements: pd.DataFrame
    changed: np.ndarray


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    return (x == y) | (np.isnan(x) & np.isnan(y))


def _changed_rows(frame: pd.DataFrame, config: Config, base: pd.DataFrame, base_config: Config) -> np.ndarray:
    same = _same(frame[C.VOLUME], base[C.VOLUME]) & _same(frame[C.AHT_S], base[C.AHT_S])
    channels = frame[C.CHANNEL].to_numpy()
    changed = np.zeros(len(frame), dtype=bool)
    for ch in pd.unique(channels):
        rows = channels == ch
        if (config.channel(ch) != base_config.channel(ch) or config.shrinkage_for(ch) != base_config.shrinkage_for(ch)
                or not same[rows].all()):
            changed |= rows
    return changed


def _plans(base_forecast: pd.DataFrame, config: Config, agents: tuple[Agent, ...], scenarios: Sequence[Scenario],
           week: str | None) -> list[_Plan]:
    from planner.staffing import staffing_requirements

    frame = _week_rows(base_forecast, week, config)
    names = [BASE]
    base_req = staffing_requirements(frame, config)
    plans = [_Plan(BASE, "as forecast", None, config, tuple(agents), base_req, np.ones(len(frame), dtype=bool))]
    for sc in scenarios:
        if sc.name in names:
            raise PlannerError(f"scenario name {sc.name!r} is used twice; give each scenario its own name")
        names.append(sc.name)
        fc, cfg, team = apply_scenario(sc, frame, config, tuple(agents))
        changed = _changed_rows(fc, cfg, frame, config)
        req = base_req
        if changed.any():
            req = pd.concat([base_req[~changed], staffing_requirements(fc[changed], cfg)]).sort_index()
        plans.append(_Plan(sc.name, sc.description, sc.sweep_value, cfg, team, req, changed))
    return plans


def _fte_hours(agents: Sequence[Agent], fte_hours: float | None) -> float:
    if fte_hours is not None:
        if not fte_hours > 0:
            raise PlannerError(f"fte_hours: expected weekly hours of one FTE above 0, got {fte_hours!r}")
        return float(fte_hours)
    return float(np.mean([a.contract_hours for a in agents])) if agents else 40.0


def _weeks(req: pd.DataFrame, config: Config) -> float:
    n = req[C.INTERVAL_START].nunique()
    return max(n * config.team.interval_minutes / (7 * 24 * 60), 1e-9)


def _compare(depth: str, week: str | None, plans: list[_Plan], dailies: list[pd.DataFrame], fte_hours: float,
             sweep: str | None, settings: dict, rosters: dict | None = None) -> Comparison:
    summaries, channel_frames, day_frames = [], [], []
    for plan, daily in zip(plans, dailies):
        weeks = _weeks(plan.requirements, plan.config)
        s, ch = _tables(plan.name, plan.requirements, daily, plan.config, fte_hours, weeks)
        summaries.append({**s, **settings.get("per_plan", {}).get(plan.name, {})})
        channel_frames.append(ch)
        day_frames.append(daily.assign(scenario=plan.name))
    daily = pd.concat(day_frames, ignore_index=True)
    daily = daily[["scenario"] + [c for c in daily.columns if c != "scenario"]]
    settings = {k: v for k, v in settings.items() if k != "per_plan"}
    return Comparison(depth=depth, week=week, names=tuple(p.name for p in plans),
                      summary=pd.DataFrame(summaries), channels=pd.concat(channel_frames, ignore_index=True),
                      daily=daily, fte_hours=fte_hours, descriptions=tuple(p.description for p in plans),
                      sweep=sweep, sweep_values=tuple(p.sweep_value for p in plans), settings=settings,
                      rosters=dict(rosters or {}))


# --------------------------------------------------------------------------- the three depths


def whatif_requirements(base_forecast: pd.DataFrame, config: Config, agents: Sequence[Agent],
                        scenarios: Sequence[Scenario], week: str | None = None, *, fte_hours: float | None = None,
                        sweep: str | None = None) -> Comparison:
    """Compare staff needed (hours, peak, FTE) and the SL expected at the base staffing, per queue and day.

    base_forecast: FORECAST_COLUMNS (several weeks allowed; `week` picks one, None keeps all).
    """
    plans = _plans(base_forecast, config, tuple(agents), scenarios, week)
    base_staff = plans[0].requirements["staff_needed"].to_numpy(dtype=float)
    base_sl = _expected_service(plans[0].requirements, base_staff, config)
    fte = _fte_hours(agents, fte_hours)
    dailies = []
    for p in plans:
        sl = base_sl.copy()
        if p.name != BASE and p.changed.any():
            sl[p.changed] = _expected_service(p.requirements[p.changed], base_staff[p.changed], p.config)
        dailies.append(_daily(p.requirements, sl, p.config, fte))
    return _compare("requirements", week, plans, dailies, fte, sweep, {"fte_hours": fte})


def _roster_daily(plan: _Plan, evaluation, fte_hours: float) -> pd.DataFrame:
    """Requirement measures of `plan` with the roster's hours and service level per queue and day."""
    daily = _daily(plan.requirements, np.full(len(plan.requirements), np.nan), plan.config, fte_hours)
    ev = evaluation.daily[DAY_KEYS + ROSTER_METRICS + ["service_level"]]
    daily = daily.drop(columns="service_level").merge(ev, on=DAY_KEYS, how="left")
    for c in ROSTER_METRICS:
        daily[c] = daily[c].fillna(0.0)
    return daily


def _roster_facts(roster, evaluation, agents: tuple[Agent, ...]) -> dict:
    fair = evaluation.fairness
    spread = (lambda s: float(s.max() - s.min()) if len(s) else 0.0)
    return {"paid_hours": float(evaluation.paid_hours), "agents": len(agents),
            "weekend_spread": spread(fair["weekend_shifts"]) if len(fair) else 0.0,
            "paid_hours_spread": spread(fair["paid_hours"]) if len(fair) else 0.0}


def _keep_agents(roster, agents: tuple[Agent, ...]):
    """Return `roster` without the shifts and allocation of agents not in `agents`."""
    from dataclasses import replace

    ids = {a.agent_id for a in agents}
    return replace(roster, shifts=roster.shifts[roster.shifts.agent_id.astype(str).isin(ids)].reset_index(drop=True),
                   allocation=roster.allocation[roster.allocation.agent_id.astype(str).isin(ids)]
                   .reset_index(drop=True))


def whatif_evaluate(base_forecast: pd.DataFrame, config: Config, agents: Sequence[Agent],
                    scenarios: Sequence[Scenario], week: str, roster, *, fte_hours: float | None = None
                    ) -> Comparison:
    """Keep the base `roster` (RosterResult) and evaluate it under each scenario's demand and team.

    Removed agents' shifts are dropped; added agents have none. Service level per queue and day
    is what the roster delivers if nothing is rescheduled.
    """
    from planner.roster import evaluate_roster

    plans = _plans(base_forecast, config, tuple(agents), scenarios, week)
    fte = _fte_hours(agents, fte_hours)
    dailies, facts, rosters = [], {}, {}
    for p in plans:
        kept = rosters[p.name] = _keep_agents(roster, p.agents)
        ev = evaluate_roster(kept, p.requirements, p.agents, p.config)
        dailies.append(_roster_daily(p, ev, fte))
        facts[p.name] = _roster_facts(kept, ev, p.agents)
    return _compare("evaluate", week, plans, dailies, fte, None, {"fte_hours": fte, "per_plan": facts}, rosters)


def _time_off_for(time_off: pd.DataFrame | None, agents: tuple[Agent, ...]) -> pd.DataFrame | None:
    """Return the rows (time off, shift wishes) of the plan's agents only."""
    if time_off is None:
        return None
    ids = {a.agent_id for a in agents}
    return time_off[time_off.agent_id.astype(str).isin(ids)].reset_index(drop=True)


def _solve(args: tuple) -> tuple[str, Any]:
    """Solve one plan's roster (runs in a worker process too); return ("ok", roster) or ("error", ...)."""
    from planner.roster import build_roster

    requirements, agents, config, week, time_off, shift_requests, previous = args
    try:
        return "ok", build_roster(requirements, agents, config, week, time_off=time_off,
                                  shift_requests=shift_requests, previous=previous)
    except InfeasibleRosterError as exc:
        return "infeasible", (str(exc), exc.conflicts)
    except PlannerError as exc:
        return "error", str(exc)


def whatif_reroster(base_forecast: pd.DataFrame, config: Config, agents: Sequence[Agent],
                    scenarios: Sequence[Scenario], week: str, *, time_off: pd.DataFrame | None = None,
                    shift_requests: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                    base_roster=None, processes: int = 1, fte_hours: float | None = None,
                    progress: Progress | None = None) -> Comparison:
    """Solve a new roster for each scenario (and the base unless `base_roster` is given) and compare them.

    previous: last week's shifts (SHIFT_COLUMNS), holding every plan's rules across the week start.
    Raises InfeasibleRosterError naming the scenario when its rules admit no roster.
    `processes` > 1 solves in that many worker processes; results do not depend on it.
    """
    from planner.roster import evaluate_roster

    plans = _plans(base_forecast, config, tuple(agents), scenarios, week)
    jobs = [(p.requirements, p.agents, p.config, week, _time_off_for(time_off, p.agents),
             _time_off_for(shift_requests, p.agents), _time_off_for(previous, p.agents)) for p in plans]
    todo = list(range(len(plans))) if base_roster is None else list(range(1, len(plans)))
    results: dict[int, tuple[str, Any]] = {}
    if processes > 1 and len(todo) > 1:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=min(processes, len(todo)), mp_context=ctx) as pool:
            for i, res in zip(todo, pool.map(_solve, [jobs[i] for i in todo])):
                results[i] = res
    else:
        for i in todo:
            if progress is not None:
                progress(f"rostering {plans[i].name} ({len(plans[i].agents)} agents) ...")
            results[i] = _solve(jobs[i])
    if base_roster is not None:
        results[0] = ("ok", base_roster)
    fte = _fte_hours(agents, fte_hours)
    dailies, facts = [], {}
    for i, p in enumerate(plans):
        status, value = results[i]
        if status == "infeasible":
            message, conflicts = value
            head = message.split("\n", 1)[0]
            raise InfeasibleRosterError(f"scenario {p.name!r}: {head}", conflicts)
        if status == "error":
            raise PlannerError(f"scenario {p.name!r}: {value}")
        ev = evaluate_roster(value, p.requirements, p.agents, p.config, _time_off_for(shift_requests, p.agents))
        dailies.append(_roster_daily(p, ev, fte))
        facts[p.name] = {**_roster_facts(value, ev, p.agents), "status": value.status}
    rosters = {p.name: results[i][1] for i, p in enumerate(plans)}
    return _compare("reroster", week, plans, dailies, fte, None, {"fte_hours": fte, "per_plan": facts}, rosters)
