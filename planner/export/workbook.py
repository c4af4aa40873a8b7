"""The roster workbook a manager publishes and agents read: `write_workbook`.

Sheets, in order: Summary (settings, service level per channel and queue, hours, solver,
warnings and the native charts), Schedule, Shifts, Coverage, Duty cover (only when
planner.toml sets rules.duty_cover), Service level, Service by interval, Forecast,
Requirements, Fairness, Checks, Chart data. Written with openpyxl's
write-only mode (streaming, low memory) to a temporary file beside the target, then
renamed over it.
"""
from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from openpyxl import Workbook

import planner
from planner import columns as C
from planner.agents import Agent
from planner.config import Config
from planner.errors import OutputError
from planner.export.cells import (BOLD, DATE_FORMAT, DATETIME_FORMAT, HEADER, HOURS_FORMAT, NOTE, SHARE_FORMAT, TITLE,
                                  Look, Sheet)
from planner.export.demand import (add_charts, in_week, mark_against_target, target_of, write_chart_data,
                                   write_coverage, write_duty_cover, write_forecast, write_requirements,
                                   write_service_daily, write_service_intervals)
from planner.export.schedule import shift_table, write_fairness, write_schedule, write_shifts
from planner.fileio import atomic_path
from planner.roster.diagnose import duty_cover_notes
from planner.roster.result import Evaluation, RosterResult
from planner.timegrid import parse_week, week_bounds

SHEETS = ("Summary", "Schedule", "Shifts", "Coverage", "Service level", "Service by interval", "Forecast",
          "Requirements", "Fairness", "Checks", "Chart data")
CHECK_COLUMNS = ["rule", "agent_id", "local_date", "detail"]
DUTY_COVER_SHEET = "Duty cover"  # after Coverage, only when planner.toml sets rules.duty_cover


def sheet_names(config: Config) -> tuple[str, ...]:
    """Return the workbook's sheet names in order: SHEETS, with Duty cover after Coverage when configured."""
    if not config.rules.duty_cover:
        return SHEETS
    at = SHEETS.index("Coverage") + 1
    return SHEETS[:at] + (DUTY_COVER_SHEET,) + SHEETS[at:]


def write_workbook(path: str | Path, *, config: Config, week: str, agents: tuple[Agent, ...], roster: RosterResult,
                   evaluation: Evaluation, requirements: pd.DataFrame, forecast: pd.DataFrame | None = None,
                   checks: pd.DataFrame | None = None, notes: Iterable[str] = (),
                   time_off: pd.DataFrame | None = None) -> Path:
    """Write the roster workbook of `week` to `path` (.xlsx) atomically and return the path.

    Times: shifts in each agent's own zone, demand sheets in the home zone, each header
    naming its zone; UTC columns beside them. `checks` are the checker's findings (rule,
    agent_id, local_date, detail); `notes` extra warnings for the Summary. `time_off`
    (optional: agent_id and local_date, or start_utc/end_utc; optional reason) marks leave
    on the Schedule. Raises OutputError when the file cannot be written.
    """
    parse_week(week)
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name such as {target / (week + '.xlsx')}")
    home_tz = config.team.home_timezone
    start, end = week_bounds(week, home_tz)
    agents = tuple(agents)
    table = shift_table(roster, agents, home_tz, config.team.interval_minutes)
    coverage = in_week(evaluation.coverage, start, end, "evaluation coverage")
    reqs = in_week(requirements, start, end, "requirements")
    fc = in_week(forecast, start, end, "forecast")

    wb = Workbook(write_only=True)
    try:
        _fill(wb, config=config, week=week, agents=agents, roster=roster, evaluation=evaluation, table=table,
              coverage=coverage, requirements=reqs, forecast=fc, checks=checks, notes=tuple(notes),
              time_off=time_off)
        return save_workbook(wb, target)
    except BaseException:
        _discard(wb)
        raise


def _fill(wb: Workbook, *, config: Config, week: str, agents: tuple[Agent, ...], roster: RosterResult,
          evaluation: Evaluation, table: pd.DataFrame, coverage: pd.DataFrame, requirements: pd.DataFrame,
          forecast: pd.DataFrame | None, checks: pd.DataFrame | None, notes: tuple[str, ...],
          time_off: pd.DataFrame | None) -> None:
    """Create the sheets of `wb` in order and fill them."""
    home_tz = config.team.home_timezone
    wb.properties.creator = f"planner {planner.__version__}"
    wb.properties.title = f"Roster {week} - {config.team.name}"
    sheets = {name: Sheet(wb.create_sheet(name)) for name in sheet_names(config)}
    write_summary(sheets["Summary"], config=config, week=week, agents=agents, roster=roster, evaluation=evaluation,
                  table=table, checks=checks, notes=notes)
    write_schedule(sheets["Schedule"], table, agents, week, home_tz, time_off)
    write_shifts(sheets["Shifts"], table, week)
    write_coverage(sheets["Coverage"], coverage, home_tz, week)
    if DUTY_COVER_SHEET in sheets:
        write_duty_cover(sheets[DUTY_COVER_SHEET], evaluation.duty_cover, week)
    write_service_daily(sheets["Service level"], evaluation.daily, home_tz, week)
    write_service_intervals(sheets["Service by interval"], coverage, config, home_tz, week)
    write_forecast(sheets["Forecast"], forecast, home_tz, week)
    write_requirements(sheets["Requirements"], requirements, home_tz, week)
    write_fairness(sheets["Fairness"], evaluation.fairness, agents, week)
    write_checks(sheets["Checks"], checks, agents, week)
    refs = write_chart_data(sheets["Chart data"], coverage, forecast, home_tz, week)
    add_charts(sheets["Summary"], refs, intervals_per_day=24 * 60 // config.team.interval_minutes)


def _discard(wb: Workbook) -> None:
    """Close the streams and remove the temporary files of an unsaved write-only workbook."""
    for ws in wb.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with suppress(Exception):
            if rows is not None:
                rows.close()
        with suppress(Exception):
            if writer is not None:
                writer.close()
                writer.cleanup()


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Save `wb` to a temporary file beside `path` and rename it over `path`; OutputError on failure."""
    target = Path(path)
    with atomic_path(target) as tmp:
        try:
            wb.save(tmp)
        except PermissionError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc} "
                              f"(is the file open in Excel?)") from None
    return target


# --------------------------------------------------------------------------- Summary


def _setting_rows(config: Config) -> list[tuple[str, Any]]:
    """Return (key, value) rows of every setting that shapes the roster, as planner.toml names them."""
    rows: list[tuple[str, Any]] = [("config file", config.source or "defaults (no planner.toml)")]
    for section in ("team", "staffing", "rules", "solver"):
        obj = getattr(config, section)
        for f in fields(obj):
            value = getattr(obj, f.name)
            if (section, f.name) in _RULE_TEXT:
                rows.extend((f"{section}.{f.name}{k}", v) for k, v in _RULE_TEXT[section, f.name](value))
            elif is_dataclass(value):
                for k, v in asdict(value).items():
                    rows.append((f"{section}.{f.name}.{k}", _show(v)))
            else:
                rows.append((f"{section}.{f.name}", _show(value)))
    for name in sorted(config.channels):
        ch = config.channels[name]
        parts = [f"model={ch.model}", f"sla={ch.target}", f"max_occupancy={ch.max_occupancy:g}",
                 f"concurrency={ch.concurrency}", f"priority={ch.priority:g}",
                 f"shrinkage={config.shrinkage_for(name):g}"]
        if ch.patience_s is not None:
            parts.append(f"patience_seconds={ch.patience_s:g}")
        if ch.open_hours is not None:
            parts.append(f"open_hours={ch.open_hours[0]:%H:%M}-{ch.open_hours[1]:%H:%M}")
        rows.append((f"channels.{name}", ", ".join(parts)))
    return rows


_RULE_TEXT = {  # rules whose tuples read better as text: (key suffix, value) rows
    ("rules", "forbidden_successions"): lambda v: [("", ", ".join(f"{a} -> {b}" for a, b in v) or "(none)")],
    ("rules", "max_shifts_of_type"): lambda v: [("", ", ".join(f"{t}: {n}" for t, n in v) or "(none)")],
    ("rules", "duty_cover"): lambda v: [(f"[{i}]", str(e)) for i, e in enumerate(v, 1)] or [("", "(none)")],
}


def _show(value: Any) -> Any:
    if isinstance(value, (list, tuple, frozenset, set)):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value if value is not None else "(none)"
    return str(value)


def write_summary(sheet: Sheet, *, config: Config, week: str, agents: tuple[Agent, ...], roster: RosterResult,
                  evaluation: Evaluation, table: pd.DataFrame, checks: pd.DataFrame | None,
                  notes: tuple[str, ...]) -> None:
    """Write the week at a glance: run, hours, service per channel and queue, warnings, settings."""
    home_tz = config.team.home_timezone
    start, end = week_bounds(week, home_tz)
    sheet.start([34, 26, 14, 14, 14, 14, 14], header_rows=None)
    sheet.add([f"Roster {week} - {config.team.name}"], TITLE)
    sheet.add([f"Home time zone {home_tz}; the week runs Monday 00:00 to Monday 00:00 there. "
               f"Charts to the right; details on the other sheets."], NOTE)
    sheet.add()
    dt = Look(number_format=DATETIME_FORMAT)
    hours = Look(number_format=HOURS_FORMAT)
    kv = [("Week", week, None), ("Team", config.team.name, None), ("Home time zone", home_tz, None),
          (f"Week start ({home_tz})", start.tz_convert(home_tz).tz_localize(None).to_pydatetime(), dt),
          (f"Week end ({home_tz})", end.tz_convert(home_tz).tz_localize(None).to_pydatetime(), dt),
          ("Week start (UTC)", start.tz_localize(None).to_pydatetime(), dt),
          ("Interval (minutes)", config.team.interval_minutes, None),
          ("Agents", len(agents), None), ("Shifts", len(table), None),
          ("Paid hours (sum of shifts)", float(table["paid_hours"].sum()) if len(table) else 0.0, hours),
          ("Paid hours (evaluation)", evaluation.paid_hours, hours),
          ("Shortfall hours (agent-hours short)", evaluation.shortfall_hours, hours),
          ("Surplus hours (agent-hours over)", evaluation.surplus_hours, hours),
          ("Solver status", roster.status, None), ("Objective", roster.objective, None),
          ("Bound", roster.bound, None), ("Gap", roster.gap, Look(number_format="0.00%")),
          ("Solve time (s)", roster.solve_seconds, Look(number_format="0.0")),
          ("Checker findings", "not checked" if checks is None else len(checks), None)]
    for label, value, look in kv:
        sheet.add([label, value], [BOLD, look])

    sheet.add()
    sheet.add(["Service per channel"], BOLD)
    sheet.add(["Channel", "Volume", "Target", "Service level", "Required hours", "Scheduled hours",
               "Shortfall hours", "Surplus hours"], HEADER)
    share, count = Look(number_format=SHARE_FORMAT), Look(number_format="0")
    first = sheet.rows + 1
    ch = evaluation.channels
    for r in ch.sort_values("channel").itertuples(index=False) if len(ch) else ():
        sheet.add([r.channel, r.volume, r.target_service_level, r.service_level, r.required_hours,
                   r.scheduled_hours, r.shortfall_hours, r.surplus_hours],
                  [None, count, share, share, hours, hours, hours, hours])
    mark_against_target(sheet, 4, 3, first, sheet.rows)

    sheet.add()
    sheet.add(["Service per queue (volume-weighted over the week)"], BOLD)
    sheet.add(["Queue", "Volume", "Target", "Service level", "Required hours", "Scheduled hours",
               "Shortfall hours", "Surplus hours"], HEADER)
    first = sheet.rows + 1
    for q in per_queue(evaluation.daily, config).itertuples(index=False):
        sheet.add([q.queue, q.volume, q.target, q.service_level, q.required_hours, q.scheduled_hours,
                   q.shortfall_hours, q.surplus_hours], [None, count, share, share, hours, hours, hours, hours])
    mark_against_target(sheet, 4, 3, first, sheet.rows)

    sheet.add()
    sheet.add(["Warnings and diagnostics"], BOLD)
    warnings = list(roster.diagnostics) + list(notes) + duty_cover_notes(evaluation.duty_cover)
    if checks is not None and len(checks):
        warnings.append(f"The checker found {len(checks)} rule violation(s): see the Checks sheet.")
    for w in warnings or ["None."]:
        sheet.add(["", w])

    sheet.add()
    sheet.add(["Settings used (enough to reproduce the run)"], BOLD)
    sheet.add(["planner version", planner.__version__])
    for key, value in _setting_rows(config):
        sheet.add([key, value])
    for key, value in sorted((roster.settings or {}).items()):
        sheet.add([f"roster.{key}", _show(value)])


def per_queue(daily: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Return per queue over the week: volume, volume-weighted service level, target and hours."""
    cols = ["queue", "volume", "target", "service_level", "required_hours", "scheduled_hours", "shortfall_hours",
            "surplus_hours"]
    if daily is None or daily.empty:
        return pd.DataFrame(columns=cols)
    d = daily.copy()
    d["queue"] = d[C.CHANNEL].astype(str) + ":" + d[C.LANGUAGE].astype(str)
    d["_w"] = d["service_level"].astype(float) * d[C.VOLUME].astype(float)
    g = d.groupby("queue", sort=True)
    out = g[[C.VOLUME, "required_hours", "scheduled_hours", "shortfall_hours", "surplus_hours", "_w"]].sum()
    out["service_level"] = [w / v if v > 0 else float(s) for w, v, s in
                            zip(out["_w"], out[C.VOLUME], g["service_level"].mean())]
    out["target"] = [target_of(config, q.split(":")[0]) for q in out.index]
    return out.reset_index()[cols]


# --------------------------------------------------------------------------- Checks


def write_checks(sheet: Sheet, checks: pd.DataFrame | None, agents: tuple[Agent, ...], week: str) -> None:
    """Write the checker's findings, or say plainly that there are none."""
    sheet.start([22, 12, 24, 16, 90], freeze="A3", header_rows=2)
    sheet.add([f"Checks {week}: rules the roster breaks, found by the checker without the solver"], TITLE)
    sheet.add(["Rule", "Agent ID", "Name", "Local date", "Detail"], HEADER)
    if checks is None:
        sheet.add(["Not checked: no checker findings were given to the export."], NOTE)
        return
    if checks.empty:
        sheet.add(["No violations: the checker found no broken rule."], BOLD)
        return
    names = {a.agent_id: a.name for a in agents}
    date_look = Look(number_format=DATE_FORMAT)
    for r in checks.to_dict("records"):
        agent_id = r.get("agent_id")
        agent_id = None if agent_id is None or (isinstance(agent_id, float) and pd.isna(agent_id)) else str(agent_id)
        day = r.get("local_date")
        day = None if day is None or pd.isna(day) else pd.Timestamp(day).date()
        sheet.add([r.get("rule"), agent_id, names.get(agent_id, "") if agent_id else None, day, r.get("detail")],
                  [BOLD, None, None, date_look, None])
    sheet.filter(2, 5)
