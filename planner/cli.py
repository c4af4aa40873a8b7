"""The `planner` command line: a thin click layer, one library call per command.

PlannerError becomes "Error: ..." (exit code 2) in exactly one place, `_Group.invoke`;
`--debug` shows the traceback instead.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click
import pandas as pd

from planner.errors import PlannerError

_DEBUG_ENV_KEY = "debug"


class PlannerCLIError(click.ClickException):
    """A PlannerError on its way to the terminal: printed as "Error: ...", exit code 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PlannerError as exc:
            if ctx.meta.get(_DEBUG_ENV_KEY):
                raise
            raise PlannerCLIError(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


def _workspace_option(f: Callable) -> Callable:
    return click.option(
        "--workspace", "-w", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
        show_default=True, help="Workspace folder holding planner.toml, forecasts/ and rosters/.")(f)


def _week_option(f: Callable) -> Callable:
    return click.option("--week", metavar="YYYY-Www",
                        help="ISO week to plan, e.g. 2026-W49 (default: next week).")(f)


def _solver_options(f: Callable) -> Callable:
    f = click.option("--seed", type=click.IntRange(min=0), help="Solver random seed (default from planner.toml).")(f)
    f = click.option("--workers", type=click.IntRange(1, 64), help="Solver threads (default from planner.toml).")(f)
    f = click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
                     help="Solver time limit in seconds (default from planner.toml).")(f)
    return f


def _previous_options(f: Callable) -> Callable:
    f = click.option("--no-previous", is_flag=True,
                     help="Ignore last week's roster (rules are then not judged across the week start).")(f)
    f = click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
                     help="Last week's roster CSV (default: rosters/out/<last week>.roster.csv when it exists).")(f)
    return f


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _week(week: str | None) -> str:
    from planner.timegrid import next_week, parse_week, week_label

    return week_label(*parse_week(week)) if week else next_week()


def _workspace(workspace: Path, time_limit: float | None = None, workers: int | None = None,
               seed: int | None = None):
    from planner.plan import Workspace

    ws = Workspace.open(workspace)
    cfg = ws.config.with_solver(time_limit_seconds=time_limit, workers=workers, seed=seed)
    return Workspace(ws.root, cfg)


def _table(frame: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    """Render a small frame as an aligned text table."""
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else floatfmt.format(v))
    return shown.to_string(index=False)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
@click.version_option(package_name="planner")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """planner: forecast contacts, staff queues, roster agents, export the week.

    \b
    Quick start:
      planner demo                 # example workspace in ./ and a full plan
      planner plan --week 2026-W49 # plan a week of the current workspace
      planner erlang --volume 100 --aht 180 --interval 30 --target 80/20
    """
    ctx.meta[_DEBUG_ENV_KEY] = debug


# ------------------------------------------------------------------------------------ summaries


def _echo_roster_summary(run_or_roster: Any, evaluation: Any, config: Any, checks: pd.DataFrame | None) -> None:
    roster = run_or_roster
    click.echo(f"Roster: {roster.status}, {_objective_text(roster)}, {roster.solve_seconds:.1f} s")
    if roster.settings.get("wall_clock_cut"):
        click.echo("Note: the time limit ended the search before its planned work was done, so another run "
                   "may give a different roster; a longer --time-limit makes it reproducible", err=True)
    for line in roster.diagnostics[:5]:
        click.echo(f"Note: {line}", err=True)
    ch = evaluation.channels
    if ch is not None and len(ch):
        rows = pd.DataFrame({
            "channel": ch["channel"],
            "target": [str(config.channel(c).target) for c in ch["channel"]],
            "service level": ch["service_level"].map(lambda v: "" if pd.isna(v) else f"{v:.1%}"),
            "goal": ch["target_service_level"].map(lambda v: f"{v:.0%}"),
            "short h": ch["shortfall_hours"].map(lambda v: f"{v:,.0f}"),
            "surplus h": ch["surplus_hours"].map(lambda v: f"{v:,.0f}"),
        })
        click.echo(rows.to_string(index=False))
    click.echo(f"Paid hours {evaluation.paid_hours:,.0f}; shortfall {evaluation.shortfall_hours:,.0f} "
               f"agent-hours; surplus {evaluation.surplus_hours:,.0f} agent-hours")
    from planner.roster.diagnose import duty_cover_notes

    for line in duty_cover_notes(getattr(evaluation, "duty_cover", None)):
        click.echo(f"Note: {line}", err=True)
    if checks is not None:
        click.echo("Checks: no rule violations" if checks.empty else f"Checks: {len(checks)} VIOLATION(S)")


WEAK_BOUND_GAP = 0.2  # from this gap on, the summary says what the bound leaves out


def _objective_text(roster: Any) -> str:
    """Describe objective and bound; a bound CP-SAT could not raise above 0 proves nothing, so say so."""
    if roster.objective != roster.objective:  # NaN: no solver solution, the greedy first roster
        return "objective not scored (the solver found no roster in time; first greedy roster kept)"
    text = f"objective {roster.objective:,.0f}"
    if roster.bound > 0 and roster.bound == roster.bound:
        text += f", bound {roster.bound:,.0f}, gap {roster.gap:.1%}"
        if roster.gap >= WEAK_BOUND_GAP:  # say what a wide gap is made of, so it is not read as a bad roster
            text += " (the bound leaves out stable starts, days off together and fair shares)"
        return text
    return text + ", no useful lower bound proven"


def _echo_notes(notes: list[str] | tuple[str, ...]) -> None:
    for note in notes:
        click.echo(f"Warning: {note}", err=True)


def _echo_written(paths: list[Path]) -> None:
    for p in paths:
        click.echo(f"Wrote {p}")


def _plan_and_report(workspace: Path, week: str, time_limit: float | None, workers: int | None,
                     seed: int | None, skip_bad_rows: bool = False, previous: Path | None = None,
                     no_previous: bool = False) -> None:
    """Run the whole plan of a workspace and print its summary."""
    from planner.plan import run_plan

    ws = _workspace(workspace, time_limit, workers, seed)
    run = run_plan(ws.root, week, config=ws.config, skip_bad_rows=skip_bad_rows, progress=_progress,
                   previous=previous, use_previous=not no_previous)
    _echo_notes(run.notes)
    _echo_roster_summary(run.roster, run.evaluation, ws.config, run.checks)
    _echo_written(run.written)


# ------------------------------------------------------------------------------------ commands


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@_week_option
@click.option("--agents", type=click.IntRange(2, 2000), default=100, show_default=True,
              help="Team size of the generated example.")
@click.option("--history-weeks", type=click.IntRange(8, 260), default=104, show_default=True,
              help="Weeks of generated contact history.")
@click.option("--overwrite", is_flag=True, help="Replace example input files that already exist.")
@_solver_options
def demo(folder: Path, week: str | None, agents: int, history_weeks: int, overwrite: bool,
         time_limit: float | None, workers: int | None, seed: int | None) -> None:
    """Write an example workspace into FOLDER (default: here) and plan a week on it.

    Input files that already exist are kept (use --overwrite to replace them); the
    generated history is deterministic.

    \b
    Example:
      planner demo                      # in a clone: plans the bundled example
      planner demo /tmp/wfm --agents 40 --time-limit 10
    """
    from planner.demo import write_demo_workspace

    week = _week(week)
    written = write_demo_workspace(folder, week=week, agents=agents, history_weeks=history_weeks,
                                   overwrite=overwrite)
    for p in written:
        click.echo(f"Created {p}", err=True)
    _plan_and_report(folder, week, time_limit, workers, seed)


@main.command()
@_workspace_option
@_week_option
@_solver_options
@_previous_options
@click.option("--skip-bad-rows", is_flag=True,
              help="Skip bad history rows instead of stopping; they are written with reasons to forecasts/out/.")
def plan(workspace: Path, week: str | None, time_limit: float | None, workers: int | None,
         seed: int | None, previous: Path | None, no_previous: bool, skip_bad_rows: bool) -> None:
    """Run forecast -> requirements -> roster -> workbook for one week.

    Last week's roster in rosters/out/ (or --previous) carries rest, consecutive days and
    shift successions across the week start.

    \b
    Example:
      planner plan --week 2026-W49 --time-limit 60
    """
    _plan_and_report(workspace, _week(week), time_limit, workers, seed, skip_bad_rows, previous, no_previous)


@main.command()
@_workspace_option
@_week_option
@click.option("--weeks", type=click.IntRange(1, 52), help="Number of weeks to forecast (default from planner.toml).")
@click.option("--method", type=click.Choice(["auto", "seasonal_naive", "moving_average", "weekly_profile",
                                             "holt_winters"]),
              help="Forecast method (default from planner.toml; auto picks per queue by backtest).")
@click.option("--skip-bad-rows", is_flag=True, help="Skip bad history rows, writing them with reasons to forecasts/out/.")
def forecast(workspace: Path, week: str | None, weeks: int | None, method: str | None, skip_bad_rows: bool) -> None:
    """Forecast contact volume and handle time per queue and interval.

    Writes forecasts/out/<week>.forecast.csv (p10/p50/p90 volume, AHT) and prints a table.

    \b
    Example:
      planner forecast --week 2026-W49 --weeks 4 --method auto
    """
    from planner.plan import make_forecast
    from planner.fileio import write_csv

    ws = _workspace(workspace)
    week = _week(week)
    notes: list[str] = []
    fc = make_forecast(ws, week, weeks=weeks, method=method, skip_bad_rows=skip_bad_rows,
                       progress=_progress, notes=notes)
    _echo_notes(notes)
    frame = fc.frame
    summary = frame.groupby(["channel", "language"], as_index=False).agg(
        volume=("volume", "sum"), p10=("volume_p10", "sum"), p90=("volume_p90", "sum"), aht_s=("aht_s", "mean"),
        method=("method", "first"))
    if fc.accuracy is not None and len(fc.accuracy) and "wape" in fc.accuracy:
        summary = summary.merge(fc.accuracy[["channel", "language", "wape"]], on=["channel", "language"], how="left")
    click.echo(_table(summary, "{:,.1f}"))
    paths = [write_csv(frame, ws.forecast_path(week))]
    if fc.accuracy is not None and len(fc.accuracy):
        paths.append(write_csv(fc.accuracy, ws.accuracy_path(week)))
    _echo_written(paths)


@main.command()
@_workspace_option
@click.option("--origins", type=click.IntRange(1, 52), default=4, show_default=True,
              help="Number of weekly forecast origins.")
@click.option("--horizon-days", type=click.IntRange(1, 56), help="Days ahead per origin (default from planner.toml).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV to write (default forecasts/out/backtest.csv).")
def backtest(workspace: Path, origins: int, horizon_days: int | None, output: Path | None) -> None:
    """Backtest every forecast method per queue (rolling origins) and print WAPE, bias, MASE.

    \b
    Example:
      planner backtest --origins 6 --horizon-days 7
    """
    from planner.fileio import write_csv
    from planner.forecast import backtest as run_backtest
    from planner.plan import load_history

    ws = _workspace(workspace)
    history = load_history(ws, progress=_progress)
    table = run_backtest(history, ws.config, origins=origins, horizon_days=horizon_days, progress=_progress)
    click.echo(_table(table))
    _echo_written([write_csv(table, output or ws.forecast_out / "backtest.csv")])


@main.command()
@_workspace_option
@_week_option
@click.option("--weeks", type=click.IntRange(1, 52), help="Number of weeks (default from planner.toml).")
def requirements(workspace: Path, week: str | None, weeks: int | None) -> None:
    """Turn the forecast into agents and staff needed per queue and interval.

    Uses forecasts/out/<week>.forecast.csv when it exists, else forecasts first.
    Writes forecasts/out/<week>.requirements.csv.

    \b
    Example:
      planner requirements --week 2026-W49
    """
    from planner import columns as C
    from planner.fileio import read_csv_frame, write_csv
    from planner.plan import make_forecast, requirements_for

    ws = _workspace(workspace)
    week = _week(week)
    path = ws.forecast_path(week)
    if path.exists() and weeks is None:
        click.echo(f"Using forecast {path}", err=True)
        frame = read_csv_frame(path, [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME, C.AHT_S], "forecast file")
    else:
        frame = make_forecast(ws, week, weeks=weeks, progress=_progress).frame
    req = requirements_for(ws, frame)
    hours = ws.config.team.interval_minutes / 60
    summary = req.groupby(["channel", "language"], as_index=False).agg(
        volume=("volume", "sum"), peak_agents=("agents_needed", "max"), peak_staff=("staff_needed", "max"),
        staff_hours=("staff_needed", "sum"), service_level=("service_level", "mean"))
    summary["staff_hours"] = summary["staff_hours"] * hours
    click.echo(_table(summary, "{:,.2f}"))
    _echo_written([write_csv(req, ws.requirements_path(week))])


@main.command()
@click.option("--volume", type=click.FloatRange(min=0), required=True, help="Contacts arriving in the interval.")
@click.option("--aht", type=click.FloatRange(min=0, min_open=True), required=True, help="Average handle time, seconds.")
@click.option("--interval", type=click.IntRange(1, 1440), default=60, show_default=True, help="Interval length, minutes.")
@click.option("--target", default="80/20", show_default=True, help='Service target "SL%/seconds", e.g. 80/20.')
@click.option("--occupancy", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="Maximum occupancy (0-1).")
@click.option("--shrinkage", type=click.FloatRange(0, 0.95), default=0.0, show_default=True,
              help="Shrinkage (0-1) for the staff column.")
@click.option("--around", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Agent counts shown either side of the answer.")
def erlang(volume: float, aht: float, interval: int, target: str, occupancy: float, shrinkage: float,
           around: int) -> None:
    """Erlang C calculator: agents needed for a volume, handle time and service target.

    \b
    Example:
      planner erlang --volume 100 --aht 180 --interval 30 --target 80/20
    """
    from planner.config import parse_target
    from planner.staffing import erlang_answer

    tgt = parse_target(target, "--target")
    answer, table = erlang_answer(volume, aht, interval, tgt, max_occupancy=occupancy, shrinkage=shrinkage,
                                  around=around)
    click.echo(answer)
    click.echo(table)


@main.command()
@_workspace_option
@_week_option
@_solver_options
@_previous_options
@click.option("--no-workbook", is_flag=True, help="Write only the roster CSV, not the workbook.")
def roster(workspace: Path, week: str | None, time_limit: float | None, workers: int | None, seed: int | None,
           previous: Path | None, no_previous: bool, no_workbook: bool) -> None:
    """Assign shifts to agents for a week with the CP-SAT solver.

    Uses forecasts/out/<week>.requirements.csv when it exists, else forecasts and staffs
    first. Last week's roster in rosters/out/ (or --previous) carries rest, consecutive
    days and shift successions across the week start. Writes rosters/out/<week>.roster.csv
    and the workbook rosters/out/<week>.xlsx.

    \b
    Example:
      planner roster --week 2026-W49 --time-limit 60 --workers 2 --seed 0
    """
    from planner.export import write_workbook
    from planner.fileio import write_csv
    from planner.plan import (PlanRun, load_previous_roster, load_shift_requests, load_team,
                              saved_or_new_requirements, week_requirements)
    from planner.roster import build_roster, check_roster, diagnose, evaluate_roster, write_roster

    ws = _workspace(workspace, time_limit, workers, seed)
    cfg, week = ws.config, _week(week)
    run = PlanRun(week=week, config=cfg)
    agents, time_off = load_team(ws)
    req = week_requirements(saved_or_new_requirements(ws, week, progress=_progress, run=run), week, cfg)
    notes = diagnose(req, agents, cfg, week, time_off=time_off)
    _echo_notes(notes)
    wishes = load_shift_requests(ws, agents, week)
    before = None if no_previous else load_previous_roster(ws, week, previous, _progress)
    result = build_roster(req, agents, cfg, week, time_off=time_off, previous=before, shift_requests=wishes,
                          progress=_progress)
    checks = check_roster(result, agents, cfg, requirements=req, time_off=time_off, previous=before)
    evaluation = evaluate_roster(result, req, agents, cfg, shift_requests=wishes)
    paths = run.written + [write_roster(result, ws.roster_path(week)), write_csv(checks, ws.checks_path(week))]
    if not no_workbook:
        paths.append(write_workbook(ws.workbook_path(week), config=cfg, week=week, agents=agents, roster=result,
                                    evaluation=evaluation, requirements=req, forecast=run.forecast,
                                    checks=checks, notes=tuple(notes), time_off=time_off))
    _echo_roster_summary(result, evaluation, cfg, checks)
    _echo_written(paths)


@main.command()
@_workspace_option
@_week_option
@click.option("--per-agent", is_flag=True, help="Also write one .ics calendar and .csv per agent.")
def export(workspace: Path, week: str | None, per_agent: bool) -> None:
    """(Re)write the week's workbook from the saved roster.

    \b
    Example:
      planner export --week 2026-W49 --per-agent
    """
    from planner import columns as C
    from planner.export import write_workbook
    from planner.fileio import read_csv_frame
    from planner.plan import (load_previous_roster, load_shift_requests, load_team, saved_or_new_requirements,
                              week_requirements)
    from planner.roster import check_roster, evaluate_roster, read_roster

    ws = _workspace(workspace)
    cfg, week = ws.config, _week(week)
    agents, time_off = load_team(ws)
    result = read_roster(ws.roster_path(week))
    before = load_previous_roster(ws, week)
    req = week_requirements(saved_or_new_requirements(ws, week, progress=_progress), week, cfg)
    fc_path = ws.forecast_path(week)
    forecast_frame = read_csv_frame(fc_path, C.FORECAST_COLUMNS, "forecast file") if fc_path.exists() else None
    checks = check_roster(result, agents, cfg, requirements=req, time_off=time_off, previous=before)
    evaluation = evaluate_roster(result, req, agents, cfg, shift_requests=load_shift_requests(ws, agents, week))
    paths = [write_workbook(ws.workbook_path(week), config=cfg, week=week, agents=agents, roster=result,
                            evaluation=evaluation, requirements=req, forecast=forecast_frame, checks=checks,
                            time_off=time_off)]
    if per_agent:
        from planner.export import write_agent_files

        paths.extend(write_agent_files(ws.roster_out / week / "agents", config=cfg, week=week, agents=agents,
                                       roster=result))
    _echo_roster_summary(result, evaluation, cfg, checks)
    _echo_written(paths if len(paths) <= 5 else paths[:3] + [Path(f"... and {len(paths) - 3} more files")])


@main.command()
@_workspace_option
def check(workspace: Path) -> None:
    """Validate the workspace: planner.toml, agents, time off, shift requests and history.

    Prints what was read and fails with the first problems found (file, row, column).

    \b
    Example:
      planner check --workspace ./my-team
    """
    from planner.plan import Workspace, load_history, load_team

    ws = Workspace.open(workspace)
    cfg = ws.config
    click.echo(f"Config: {cfg.source or 'defaults (no planner.toml)'}; team {cfg.team.name}, home zone "
               f"{cfg.team.home_timezone}, {cfg.team.interval_minutes}-minute intervals, channels "
               f"{', '.join(cfg.channels)}")
    agents, time_off = load_team(ws)
    zones = sorted({a.timezone for a in agents})
    click.echo(f"Agents: {len(agents)} in {len(zones)} time zone(s) ({', '.join(zones)}); "
               f"{sum(a.contract_hours for a in agents):,.0f} contract hours a week")
    if time_off is not None:
        click.echo(f"Time off: {len(time_off)} entries")
    if ws.shift_requests_file.exists():
        from planner.agents import read_shift_requests

        wishes = read_shift_requests(ws.shift_requests_file, agents, cfg)
        click.echo(f"Shift requests: {len(wishes)} wishes of {wishes['agent_id'].nunique()} agent(s)")
    history = load_history(ws)
    queues = history.groupby(["channel", "language"]).ngroups
    click.echo(f"History: {len(history):,} queue-intervals, {queues} queues, "
               f"{history['interval_start'].min():%Y-%m-%d} to {history['interval_start'].max():%Y-%m-%d}, "
               f"{history['volume'].sum():,.0f} contacts")
    click.echo("OK")


@main.command()
@_workspace_option
@_week_option
@click.option("--scenario", "scenario_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Scenario file (repeatable), e.g. forecasts/scenarios/campaign.toml.")
@click.option("--name", default="what-if", show_default=True, help="Name of the scenario built from the flags.")
@click.option("--volume", multiple=True, help="Volume change: +10%, chat:+30%, phone:de:+50, chat:+30%@mon-fri@09:00-12:00.")
@click.option("--aht", multiple=True, help="Handle-time change: phone:+20s, chat:-10%.")
@click.option("--sla", multiple=True, help="Service target: phone=90/20, email=90/4h.")
@click.option("--shrinkage", multiple=True, help="Shrinkage: 0.35 (all) or chat=0.4.")
@click.option("--occupancy", multiple=True, help="Occupancy cap: phone=0.9.")
@click.option("--add-agents", multiple=True, help='Agents added by profile: "3x en;de phone;chat Europe/Berlin 40".')
@click.option("--remove-agents", multiple=True, help="Agents removed by id: A001,A002.")
@click.option("--rule", multiple=True, help="Rule change: min_rest_hours=12.")
@click.option("--sweep", help='Sensitivity sweep: "volume=-10%..+30%/10%", "shrinkage=0.25..0.40/0.05".')
@click.option("--depth", type=click.Choice(["requirements", "evaluate", "reroster"]), default="requirements",
              show_default=True, help="requirements only; evaluate the current roster; or roster again.")
@click.option("--processes", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Re-roster scenarios in parallel processes.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Solver time limit per re-roster, s.")
def whatif(workspace: Path, week: str | None, scenario_files: tuple[Path, ...], name: str, volume: tuple[str, ...],
           aht: tuple[str, ...], sla: tuple[str, ...], shrinkage: tuple[str, ...], occupancy: tuple[str, ...],
           add_agents: tuple[str, ...], remove_agents: tuple[str, ...], rule: tuple[str, ...], sweep: str | None,
           depth: str, processes: int, time_limit: float | None) -> None:
    """Compare the base plan with what-if scenarios: requirements, service level, hours.

    Writes forecasts/out/<week>.whatif.csv and .whatif.xlsx (a Scenarios sheet, with
    charts for sweeps).

    \b
    Example:
      planner whatif --volume chat:+30% --aht phone:+20s --sla phone=90/20 --shrinkage 0.35
      planner whatif --scenario forecasts/scenarios/campaign.toml --depth reroster
      planner whatif --sweep volume=-10%..+30%/10%
    """
    from planner.scenario import (render_comparison, run_whatif, scenario_from_flags, write_comparison_csv,
                                  write_scenario_workbook)

    ws = _workspace(workspace, time_limit)
    week = _week(week)
    flags = scenario_from_flags(name, config=ws.config, volume=volume, aht=aht, sla=sla, shrinkage=shrinkage,
                                occupancy=occupancy, add_agents=add_agents, remove_agents=remove_agents, rule=rule)
    comparison = run_whatif(ws.root, week, scenarios=[flags] if flags else [], scenario_files=scenario_files,
                            sweep=sweep, depth=depth, config=ws.config, processes=processes, progress=_progress)
    click.echo(render_comparison(comparison))
    csv_path = ws.forecast_out / f"{week}.whatif.csv"
    xlsx_path = ws.forecast_out / f"{week}.whatif.xlsx"
    write_comparison_csv(csv_path, comparison)
    write_scenario_workbook(xlsx_path, comparison)
    _echo_written([csv_path, xlsx_path])


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
