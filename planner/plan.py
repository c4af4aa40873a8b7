"""A planning run over a workspace: forecast -> requirements -> roster -> workbook.

Each stage is a library call; this module only finds the workspace files, runs the
stages in order and writes their outputs (atomically) where ARCHITECTURE.md says.
"""
from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from planner import columns as C
from planner.agents import Agent, read_agents, read_shift_requests, read_time_off
from planner.config import Config, load_config
from planner.errors import InputError, PlannerError
from planner.fileio import read_csv_frame, write_csv
from planner.timegrid import period_grid, week_bounds, week_grid

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Workspace:
    """The files of a planning workspace (see ARCHITECTURE.md, "The workspace")."""

    root: Path
    config: Config

    @classmethod
    def open(cls, root: str | Path = ".", config: Config | None = None) -> "Workspace":
        """Open a workspace folder, reading its planner.toml unless `config` is given."""
        root = Path(root)
        if not root.is_dir():
            raise PlannerError(f"workspace {root}: no such folder")
        return cls(root, config if config is not None else load_config(root))

    def _first_existing(self, *names: str | Path) -> Path:
        paths = [self.root / n for n in names]
        return next((p for p in paths if p.exists()), paths[0])

    @property
    def history_file(self) -> Path:
        configured = Path(self.config.history.file)
        stem = configured.with_suffix("")
        return self._first_existing(configured, stem.with_suffix(".xlsx"), stem.with_suffix(".csv"))

    @property
    def agents_file(self) -> Path:
        return self._first_existing("rosters/agents.csv", "rosters/agents.xlsx")

    @property
    def time_off_file(self) -> Path:
        return self._first_existing("rosters/time_off.csv", "rosters/time_off.xlsx")

    @property
    def shift_requests_file(self) -> Path:
        return self._first_existing("rosters/shift_requests.csv", "rosters/shift_requests.xlsx")

    @property
    def special_days_file(self) -> Path:
        return self.root / self.config.forecast.special_days

    @property
    def forecast_out(self) -> Path:
        return self.root / "forecasts" / "out"

    @property
    def roster_out(self) -> Path:
        return self.root / "rosters" / "out"

    def forecast_path(self, week: str) -> Path:
        return self.forecast_out / f"{week}.forecast.csv"

    def accuracy_path(self, week: str) -> Path:
        return self.forecast_out / f"{week}.accuracy.csv"

    def requirements_path(self, week: str) -> Path:
        return self.forecast_out / f"{week}.requirements.csv"

    def roster_path(self, week: str) -> Path:
        return self.roster_out / f"{week}.roster.csv"

    def workbook_path(self, week: str) -> Path:
        return self.roster_out / f"{week}.xlsx"

    def checks_path(self, week: str) -> Path:
        return self.roster_out / f"{week}.checks.csv"


@dataclass
class PlanRun:
    """What a planning run produced, stage by stage, and where it wrote it."""

    week: str
    config: Config
    forecast: pd.DataFrame | None = None
    accuracy: pd.DataFrame | None = None
    requirements: pd.DataFrame | None = None
    agents: tuple[Agent, ...] = ()
    roster: object | None = None
    evaluation: object | None = None
    checks: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def load_history(ws: Workspace, *, skip_bad_rows: bool = False, progress: Progress | None = None,
                 notes: list[str] | None = None) -> pd.DataFrame:
    """Read the workspace history; with skip_bad_rows, write rejected rows beside the outputs."""
    from planner.history import read_history, write_rejected

    path = ws.history_file
    if not path.exists():
        raise InputError(path, "history file not found (set history.file in planner.toml, "
                               "or run `planner demo` to create an example workspace)")
    loaded = read_history(path, ws.config, skip_bad_rows=skip_bad_rows)
    if len(loaded.rejected):
        out = ws.forecast_out / f"{path.stem}.rejected.csv"
        write_rejected(loaded.rejected, out)
        message = f"{len(loaded.rejected)} bad history row(s) skipped; each with its reason in {out}"
        _say(progress, message)
        if notes is not None:
            notes.append(message)
    return loaded.frame


def load_team(ws: Workspace) -> tuple[tuple[Agent, ...], pd.DataFrame]:
    """Read the agents and, when present, their approved time off."""
    path = ws.agents_file
    if not path.exists():
        raise InputError(path, "agents file not found (one row per agent; see README, 'Input files')")
    agents = read_agents(path, ws.config)
    time_off = read_time_off(ws.time_off_file, agents, ws.config) if ws.time_off_file.exists() else None
    return agents, time_off


def load_shift_requests(ws: Workspace, agents: tuple[Agent, ...], week: str) -> pd.DataFrame | None:
    """Read the agents' shift wishes of `week` from rosters/shift_requests.csv, or None without the file."""
    path = ws.shift_requests_file
    return read_shift_requests(path, agents, ws.config, week) if path.exists() else None


def load_previous_roster(ws: Workspace, week: str, path: str | Path | None = None,
                         progress: Progress | None = None) -> pd.DataFrame | None:
    """Last week's shifts (SHIFT_COLUMNS), for rest, consecutive days and successions across the week start.

    From `path`, else rosters/out/<previous week>.roster.csv when planner wrote it; None
    when there is none (the rules then do not judge work before the week). A roster of
    another week is an InputError: its shifts would not touch this one.
    """
    from planner.roster import read_roster
    from planner.timegrid import previous_week

    before = previous_week(week)
    target = Path(path) if path is not None else ws.roster_path(before)
    if not target.exists():
        if path is not None:
            raise InputError(target, "last week's roster not found (a roster CSV written by planner)")
        return None
    roster = read_roster(target)
    if roster.week != before:
        raise InputError(target, f"holds the roster of {roster.week}; the week before {week} is {before}")
    _say(progress, f"Last week's roster: {target} (rest, consecutive days and shift successions across "
                   f"the week start)")
    return roster.shifts


def make_forecast(ws: Workspace, week: str, *, weeks: int | None = None, method: str | None = None,
                  history: pd.DataFrame | None = None, skip_bad_rows: bool = False,
                  progress: Progress | None = None, notes: list[str] | None = None):
    """Forecast `weeks` planning weeks from `week` on the workspace history (before `week` only)."""
    from planner.forecast import forecast_volume

    cfg = ws.config
    if history is None:
        history = load_history(ws, skip_bad_rows=skip_bad_rows, progress=progress, notes=notes)
    start, _ = week_bounds(week, cfg.team.home_timezone)
    history = history[history[C.INTERVAL_START] < start]
    if history.empty:
        raise PlannerError(f"{ws.history_file}: no history before {week} ({start:%Y-%m-%d %H:%M} UTC) to forecast from")
    grid = period_grid(week, weeks or cfg.forecast.weeks, cfg.team.home_timezone, cfg.team.interval_minutes)
    special = None
    if ws.special_days_file.exists():
        try:
            from planner.forecast import read_special_days
        except ImportError:  # special days arrive with the forecasting issue
            read_special_days = None
        if read_special_days is not None:
            special = read_special_days(ws.special_days_file, cfg)
    return forecast_volume(history, cfg, grid, method=method, special_days=special, progress=progress)


def saved_or_new_requirements(ws: Workspace, week: str, *, progress: Progress | None = None,
                              skip_bad_rows: bool = False, run: PlanRun | None = None) -> pd.DataFrame:
    """Return the saved requirements of `week`, or forecast and staff them now (and save both)."""
    path = ws.requirements_path(week)
    if path.exists():
        _say(progress, f"Using saved requirements {path}")
        return read_csv_frame(path, C.REQUIREMENT_COLUMNS, "requirements file")
    fc = make_forecast(ws, week, weeks=1, progress=progress, skip_bad_rows=skip_bad_rows,
                       notes=run.notes if run else None)
    req = requirements_for(ws, fc.frame)
    written = [write_csv(fc.frame, ws.forecast_path(week)), write_csv(req, path)]
    if run is not None:
        run.forecast, run.accuracy, run.requirements = fc.frame, fc.accuracy, req
        run.written.extend(written)
    return req


def with_shrinkage_profile(ws: Workspace, forecast: pd.DataFrame) -> pd.DataFrame:
    """Add the `shrinkage` column of the interval-of-week profile named by staffing.shrinkage_profile."""
    from planner.fileio import read_table
    from planner.staffing import shrinkage_by_interval_of_week

    name = ws.config.staffing.shrinkage_profile
    if not name:
        return forecast
    path = ws.root / name
    table = read_table(path, "shrinkage profile", "columns weekday (0 = Monday), hour (0-23) and shrinkage (0-1)")
    try:
        values = shrinkage_by_interval_of_week(forecast[C.INTERVAL_START], table, ws.config.team.home_timezone)
    except InputError as exc:
        raise InputError(path, exc.reason, exc.row, exc.column) from None
    return forecast.assign(shrinkage=values)


def requirements_for(ws: Workspace, forecast: pd.DataFrame) -> pd.DataFrame:
    """Staff the forecast with the workspace's channels, shrinkage and shrinkage profile."""
    from planner.staffing import staffing_requirements

    return staffing_requirements(with_shrinkage_profile(ws, forecast), ws.config)


def week_requirements(requirements: pd.DataFrame, week: str, config: Config) -> pd.DataFrame:
    """Return the rows of `requirements` inside the planning week."""
    grid = week_grid(week, config.team.home_timezone, config.team.interval_minutes)
    mask = requirements[C.INTERVAL_START].isin(grid)
    if not mask.any():
        raise PlannerError(f"the requirements hold no interval of {week}; run `planner requirements --week {week}`")
    return requirements[mask].reset_index(drop=True)


def run_plan(workspace: str | Path = ".", week: str | None = None, *, config: Config | None = None,
             skip_bad_rows: bool = False, progress: Progress | None = None,
             write_workbook_file: bool = True, previous: str | Path | None = None,
             use_previous: bool = True) -> PlanRun:
    """Run forecast -> requirements -> roster -> checks -> workbook for one ISO week of a workspace.

    Last week's roster (`previous`, else the one planner wrote to rosters/out/) holds the
    rules across the week start, unless `use_previous` is False.
    """
    from planner.export import write_workbook
    from planner.roster import build_roster, check_roster, diagnose, evaluate_roster, write_roster
    from planner.timegrid import next_week

    ws = Workspace.open(workspace, config)
    cfg = ws.config
    week = week or next_week()
    run = PlanRun(week=week, config=cfg)
    clock = _time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = _time.perf_counter()
        run.seconds[stage] = now - clock
        clock = now

    agents, time_off = load_team(ws)
    run.agents = agents
    lap("load team")
    _say(progress, f"Forecasting {week} from {ws.history_file} ...")
    fc = make_forecast(ws, week, weeks=1, skip_bad_rows=skip_bad_rows, progress=progress, notes=run.notes)
    run.forecast, run.accuracy = fc.frame, fc.accuracy
    run.written.append(write_csv(fc.frame, ws.forecast_path(week)))
    if fc.accuracy is not None and len(fc.accuracy):
        run.written.append(write_csv(fc.accuracy, ws.accuracy_path(week)))
    lap("forecast")
    run.requirements = requirements_for(ws, fc.frame)
    run.written.append(write_csv(run.requirements, ws.requirements_path(week)))
    lap("requirements")
    req = week_requirements(run.requirements, week, cfg)
    run.notes.extend(diagnose(req, agents, cfg, week, time_off=time_off))
    _say(progress, f"Rostering {len(agents)} agents (time limit {cfg.solver.time_limit_seconds:g} s, "
                   f"{cfg.solver.workers} workers, seed {cfg.solver.seed}) ...")
    wishes = load_shift_requests(ws, agents, week)
    before = load_previous_roster(ws, week, previous, progress) if use_previous else None
    run.roster = build_roster(req, agents, cfg, week, time_off=time_off, previous=before, shift_requests=wishes,
                              progress=progress)
    run.written.append(write_roster(run.roster, ws.roster_path(week)))
    lap("roster")
    run.checks = check_roster(run.roster, agents, cfg, requirements=req, time_off=time_off, previous=before)
    run.written.append(write_csv(run.checks, ws.checks_path(week)))
    run.evaluation = evaluate_roster(run.roster, req, agents, cfg, shift_requests=wishes)
    lap("evaluate")
    if write_workbook_file:
        run.written.append(write_workbook(
            ws.workbook_path(week), config=cfg, week=week, agents=agents, roster=run.roster,
            evaluation=run.evaluation, requirements=req, forecast=fc.frame, checks=run.checks,
            notes=tuple(run.notes), time_off=time_off))
        lap("workbook")
    return run
