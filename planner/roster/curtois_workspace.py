"""A Curtois & Qu instance as a planner workspace, solved by planner's own roster engine.

`workspace_files` writes an instance as the files a support team keeps: planner.toml
(shift types with their fixed lengths and start times, forbidden successions, duty
cover per day and shift type), rosters/agents.csv (each employee's limits),
rosters/time_off.csv (fixed days off, as unavailability) and rosters/shift_requests.csv
(the wishes). `solve_with_planner` reads them back with planner's readers and runs
`build_roster` over the instance's horizon as a planning period of whole ISO weeks,
so the benchmark measures the engine support teams use, not a model of its own.

The mapping, rule by rule:
- shift types: one [rules.shift_types] entry each, with the instance's length as its
  own hours; the instance gives no clock times, so type k starts at 00:00 + k x 30 min
  local (UTC) and no shift crosses midnight; no breaks, no minimum rest (the forbidden
  successions are the instance's only rule between days).
- forbidden successions -> rules.forbidden_successions ("L>E").
- maximum shifts per type -> agents.csv max_shifts_of_type (per planning period).
- minimum / maximum total minutes -> min_hours / max_hours, weekly figures that the
  planning period averages: horizon weeks x max_hours = the instance's maximum.
- maximum / minimum consecutive shifts, minimum consecutive days off -> agents.csv
  max_consecutive_days, min_consecutive_days, min_consecutive_days_off; without a
  previous roster planner judges no block touching the period's start or end, the
  instance's convention, and counts a day off before the horizon.
- maximum weekends -> agents.csv max_working_weekends (per planning period).
- fixed days off -> time_off.csv rows of kind "unavailable" (they do not lower the
  contract hours, as approved leave would).
- shift on/off requests -> shift_requests.csv (want on/off, weight).
- cover -> [[rules.duty_cover]] per day and shift type with weight_under/weight_over.
Every other weight of planner's objective is 0 and there is no interval demand, so
planner's objective is the published one: `curtois.penalty` of the roster must equal it.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from planner import columns as C
from planner.agents import Agent, read_agents, read_shift_requests, read_time_off
from planner.config import Config, load_config
from planner.errors import PlannerError
from planner.fileio import atomic_path
from planner.roster.curtois import Instance
from planner.roster.result import RosterResult
from planner.timegrid import week_label, week_monday

FIRST_WEEK = week_label(2024, 1)  # day 0 of an instance is Monday 2024-01-01
TYPE_STEP_MIN = 30  # shift type k starts k x 30 minutes after midnight
FILES = ("planner.toml", "rosters/agents.csv", "rosters/time_off.csv", "rosters/shift_requests.csv")


def _day(d: int) -> date:
    """The local date of instance day `d`."""
    return week_monday(FIRST_WEEK) + timedelta(days=d)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _type_starts(instance: Instance) -> dict[str, int]:
    """Local start minute of each shift type; refuses types that would cross midnight."""
    starts = {s.shift_id: k * TYPE_STEP_MIN for k, s in enumerate(instance.shifts)}
    for s in instance.shifts:
        if starts[s.shift_id] + s.minutes > 1440:
            raise PlannerError(f"instance {instance.name}: shift type {s.shift_id} ({s.minutes} min) would cross "
                               f"midnight when started at {_clock(starts[s.shift_id])}; "
                               f"{len(instance.shifts)} shift types are too many for this mapping")
    return starts


def weeks_of(instance: Instance) -> int:
    """The planning period in ISO weeks; refuses a horizon that is not whole weeks."""
    if instance.horizon_days % 7:
        raise PlannerError(f"instance {instance.name}: a horizon of {instance.horizon_days} days is not whole weeks")
    return instance.horizon_days // 7


def _toml(instance: Instance) -> str:
    """planner.toml of the instance (strings written as JSON strings, which TOML reads alike)."""
    q = json.dumps
    starts = _type_starts(instance)
    lengths = sorted({s.minutes / 60 for s in instance.shifts})
    lines = ['# Curtois & Qu instance ' + q(instance.name) + ' mapped onto planner (planner.roster.curtois_workspace)',
             "", "[team]", f"name = {q(instance.name)}", 'home_timezone = "UTC"', "interval_minutes = 60",
             'languages = ["en"]', "", "[rules]", f"shift_hours = {[round(h, 6) for h in lengths]}",
             "shift_types_only = true", "break_minutes = 0", f"start_step_minutes = {TYPE_STEP_MIN}",
             "min_rest_hours = 0",
             f"max_consecutive_days = {max(p.max_consecutive_shifts for p in instance.staff)}",
             "days_off_together = false"]
    succession = [f"{s.shift_id}>{t}" for s in instance.shifts for t in s.forbidden_next]
    lines.append(f"forbidden_successions = [{', '.join(q(x) for x in succession)}]")
    lines += ["", "[rules.weights]", "surplus = 0", "days_off_together = 0", "stable_start = 0",
              "preferred_start = 0", "fairness = 0", "", "[rules.shift_types]"]
    for s in instance.shifts:
        start = starts[s.shift_id]
        lines.append(f'{q(s.shift_id)} = {{ start = "{_clock(start)}-{_clock(start + TYPE_STEP_MIN)}", '
                     f"hours = [{round(s.minutes / 60, 6)}] }}")
    for c in instance.cover:
        lines += ["", "[[rules.duty_cover]]", f"shift_type = {q(c.shift_id)}", f'days = ["{_day(c.day)}"]',
                  f"staff = {c.requirement}", f"weight_under = {c.weight_under}", f"weight_over = {c.weight_over}"]
    lines += ["", "[solver]", "workers = 2", "seed = 0", ""]
    return "\n".join(lines)


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _agents_csv(instance: Instance) -> str:
    weeks = weeks_of(instance)
    rows = []
    for p in instance.staff:
        caps = ";".join(f"{t}:{n}" for t, n in p.max_shifts.items() if n < instance.horizon_days)
        max_h, min_h = p.max_total_minutes / 60 / weeks, p.min_total_minutes / 60 / weeks
        rows.append([p.staff_id, p.staff_id, "UTC", "en", "phone", repr(max_h), repr(min_h), repr(max_h), "true",
                     caps, p.max_consecutive_shifts, p.min_consecutive_shifts, p.min_consecutive_days_off,
                     p.max_weekends])
    return _csv(["agent_id", "name", "timezone", "languages", "channels", "contract_hours", "min_hours", "max_hours",
                 "night_ok", "max_shifts_of_type", "max_consecutive_days", "min_consecutive_days",
                 "min_consecutive_days_off", "max_working_weekends"], rows)


def _time_off_csv(instance: Instance) -> str:
    rows = [[p.staff_id, _day(d), _day(d), "unavailable", "fixed day off"]
            for p in instance.staff for d in sorted(p.days_off)]
    return _csv(["agent_id", "start", "end", "kind", "reason"], rows)


def _requests_csv(instance: Instance) -> str:
    rows = [[r.staff_id, _day(r.day), r.shift_id, want, r.weight]
            for want, reqs in (("on", instance.on_requests), ("off", instance.off_requests)) for r in reqs]
    return _csv(["agent_id", "date", "shift_type", "want", "weight"], rows)


def workspace_files(instance: Instance) -> dict[str, str]:
    """The workspace's files (relative path -> text) that state `instance` in planner's rule model."""
    return {"planner.toml": _toml(instance), "rosters/agents.csv": _agents_csv(instance),
            "rosters/time_off.csv": _time_off_csv(instance), "rosters/shift_requests.csv": _requests_csv(instance)}


def write_workspace(instance: Instance, folder: str | Path) -> Path:
    """Write the instance's workspace into `folder` (each file atomically); return the folder."""
    root = Path(folder)
    for rel, text in workspace_files(instance).items():
        with atomic_path(root / rel) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return root


@dataclass(frozen=True)
class PlannerCase:
    """A workspace read back with planner's own readers: what `build_roster` takes."""

    config: Config
    agents: tuple[Agent, ...]
    time_off: pd.DataFrame
    shift_requests: pd.DataFrame
    week: str
    weeks: int


def read_case(folder: str | Path, weeks: int) -> PlannerCase:
    """Read a written workspace as a support team's would be read."""
    root = Path(folder)
    config = load_config(root)
    agents = read_agents(root / "rosters/agents.csv", config)
    time_off = read_time_off(root / "rosters/time_off.csv", agents, config)
    wishes = read_shift_requests(root / "rosters/shift_requests.csv", agents, config, FIRST_WEEK, weeks)
    return PlannerCase(config, agents, time_off, wishes, FIRST_WEEK, weeks)


def assignment_of(result: RosterResult, instance: Instance, config: Config) -> dict[tuple[str, int], str | None]:
    """The roster as the instance's assignment: (employee, day) -> shift id, None on a day off."""
    out: dict[tuple[str, int], str | None] = {(p.staff_id, d): None for p in instance.staff
                                              for d in range(instance.horizon_days)}
    first = week_monday(FIRST_WEEK)
    for s in result.shifts.itertuples(index=False):
        start = pd.Timestamp(s.start_utc).tz_convert("UTC")
        day = (start.date() - first).days
        out[s.agent_id, day] = config.rules.shift_type(start.hour * 60 + start.minute)
    return out


@dataclass(frozen=True)
class PlannerOutcome:
    """What planner's engine made of an instance: its roster as an assignment, and its figures."""

    assignment: dict[tuple[str, int], str | None]
    objective: float
    bound: float
    status: str
    result: RosterResult


def solve_with_planner(instance: Instance, folder: str | Path, time_limit_s: float = 60.0, workers: int = 2,
                       seed: int = 0, progress: Callable[[str], None] | None = None) -> PlannerOutcome:
    """Write the instance's workspace into `folder`, read it back and roster it with `build_roster`."""
    from planner.roster.solve import build_roster

    weeks = weeks_of(instance)
    case = read_case(write_workspace(instance, folder), weeks)
    config = replace(case.config, solver=replace(case.config.solver, time_limit_seconds=float(time_limit_s),
                                                 workers=int(workers), seed=int(seed)))
    requirements = pd.DataFrame({c: pd.Series(dtype=object) for c in C.REQUIREMENT_COLUMNS})
    result = build_roster(requirements, case.agents, config, case.week, weeks=weeks, time_off=case.time_off,
                          shift_requests=case.shift_requests, progress=progress)
    return PlannerOutcome(assignment_of(result, instance, config), float(result.objective), float(result.bound),
                          str(result.status), result)
