"""`planner whatif` in one call: read the workspace, build the scenarios, run a depth, return the Comparison."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from planner import columns as C
from planner.config import Config
from planner.errors import InputError, PlannerError
from planner.scenario.change import Scenario
from planner.scenario.compare import DEPTHS, Comparison, whatif_evaluate, whatif_requirements, whatif_reroster
from planner.scenario.file import read_scenario
from planner.scenario.sweep import parse_sweep, sweep_scenarios

Progress = Callable[[str], None]


def run_whatif(workspace: str | Path, week: str, *, scenarios: Sequence[Scenario] = (),
               scenario_files: Sequence[str | Path] = (), sweep: str | None = None, depth: str = "requirements",
               config: Config | None = None, processes: int = 1, fte_hours: float | None = None,
               progress: Progress | None = None) -> Comparison:
    """Compare the base plan of ISO `week` in `workspace` with scenarios (given, read from files, or a sweep).

    The base forecast is forecasts/out/<week>.forecast.csv when present, else forecast now.
    depth "evaluate" keeps rosters/out/<week>.roster.csv; "reroster" solves again.
    """
    from planner.fileio import read_csv_frame
    from planner.plan import Workspace, load_previous_roster, load_shift_requests, load_team, make_forecast

    if depth not in DEPTHS:
        raise PlannerError(f"depth: expected one of {', '.join(DEPTHS)}, got {depth!r}")
    ws = Workspace.open(workspace, config)
    cfg = ws.config
    chosen = list(scenarios) + [read_scenario(p, cfg) for p in scenario_files]
    label = None
    if sweep:
        parsed = parse_sweep(sweep, cfg)
        chosen += sweep_scenarios(parsed, cfg)
        label = parsed.label
    if not chosen:
        raise PlannerError("nothing to compare: give a change (e.g. --volume chat:+30%), --scenario FILE or --sweep")
    if sweep and depth != "requirements":
        raise PlannerError("a sweep runs at depth requirements only; drop --evaluate/--reroster or the sweep")
    roster_path = ws.roster_path(week)
    if depth == "evaluate" and not roster_path.exists():
        raise InputError(roster_path, f"no roster for {week} to keep; run `planner plan --week {week}` first, "
                                      "or use --reroster")
    path = ws.forecast_path(week)
    if path.exists():
        if progress is not None:
            progress(f"Using saved forecast {path}")
        forecast = read_csv_frame(path, C.FORECAST_COLUMNS, "forecast file")
    else:
        if progress is not None:
            progress(f"Forecasting {week} ...")
        forecast = make_forecast(ws, week, weeks=1, progress=progress).frame
    agents, time_off = load_team(ws)
    if depth == "requirements":
        return whatif_requirements(forecast, cfg, agents, chosen, week, fte_hours=fte_hours, sweep=label)
    if depth == "evaluate":
        from planner.roster import read_roster

        return whatif_evaluate(forecast, cfg, agents, chosen, week, read_roster(roster_path), fte_hours=fte_hours)
    wishes = load_shift_requests(ws, agents, week)
    return whatif_reroster(forecast, cfg, agents, chosen, week, time_off=time_off, shift_requests=wishes,
                           previous=load_previous_roster(ws, week, progress=progress), processes=processes,
                           fte_hours=fte_hours, progress=progress)
