"""The demand-side sheets, all in the home time zone: Coverage (heatmap), Service level,
Service by interval, Forecast, Requirements, and the chart data behind the native charts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from planner import columns as C
from planner.config import Config
from planner.export.cells import (DATE_FORMAT, DATETIME_FORMAT, DECIMAL_FORMAT, HEADER, HOURS_FORMAT, NOTE,
                                  SHARE_FORMAT, TITLE, Look, Sheet, naive_local, naive_utc)

GOOD_FILL = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
BAD_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
GOOD_FONT, BAD_FONT = Font(color="006100"), Font(color="9C0006")


def target_of(config: Config, channel: str) -> float | None:
    """Return the channel's target service level (0-1), or None for a channel not in the config."""
    ch = config.channels.get(channel)
    return ch.target.service_level if ch is not None else None


def mark_against_target(sheet: Sheet, value_col: int, target_col: int, first_row: int, last_row: int) -> None:
    """Colour `value_col` green where it meets the target in `target_col`, red where below."""
    if last_row < first_row:
        return
    v, t = get_column_letter(value_col), get_column_letter(target_col)
    ref = f"{v}{first_row}:{v}{last_row}"
    cf = sheet.ws.conditional_formatting
    cf.add(ref, FormulaRule(formula=[f'AND(ISNUMBER({v}{first_row}),ISNUMBER({t}{first_row}),'
                                     f'{v}{first_row}<{t}{first_row})'], fill=BAD_FILL, font=BAD_FONT))
    cf.add(ref, FormulaRule(formula=[f'AND(ISNUMBER({v}{first_row}),ISNUMBER({t}{first_row}),'
                                     f'{v}{first_row}>={t}{first_row})'], fill=GOOD_FILL, font=GOOD_FONT))


@dataclass(frozen=True)
class Column:
    """One column of a long table: header, how to get its values from the frame, look, width."""

    header: str
    values: Callable[[pd.DataFrame], list]
    look: Look | None = None
    width: float = 12


def col(name: str) -> Callable[[pd.DataFrame], list]:
    """Return a getter of frame column `name` (missing column -> blanks)."""
    return lambda f: f[name].tolist() if name in f.columns else [None] * len(f)


def queue_of(f: pd.DataFrame) -> list[str]:
    return (f[C.CHANNEL].astype(str) + ":" + f[C.LANGUAGE].astype(str)).tolist()


def time_columns(home_tz: str) -> list[Column]:
    """Return the two leading columns of an interval table: home-zone local start and UTC start."""
    return [Column(f"Start ({home_tz})", lambda f: naive_local(f[C.INTERVAL_START], home_tz),
                   Look(number_format=DATETIME_FORMAT), 17),
            Column("Start (UTC)", lambda f: naive_utc(f[C.INTERVAL_START]), Look(number_format=DATETIME_FORMAT), 17)]


def queue_columns() -> list[Column]:
    return [Column("Channel", col(C.CHANNEL), None, 10), Column("Language", col(C.LANGUAGE), None, 9),
            Column("Queue", queue_of, None, 11)]


def write_table(sheet: Sheet, title: str, frame: pd.DataFrame, columns: list[Column], empty: str,
                freeze: str = "C3") -> tuple[int, int]:
    """Write a titled long table with filter and frozen header; return (first, last) data rows."""
    sheet.start([c.width for c in columns], freeze=freeze, header_rows=2)
    sheet.add([title], TITLE)
    sheet.add([c.header for c in columns], HEADER)
    if frame is None or frame.empty:
        sheet.add([empty], NOTE)
        return 3, 2
    data = [c.values(frame) for c in columns]
    looks = [c.look for c in columns]
    first = sheet.rows + 1
    for values in zip(*data):
        sheet.add(values, looks)
    sheet.filter(2, len(columns))
    return first, sheet.rows


def in_week(frame: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp, what: str) -> pd.DataFrame | None:
    """Return the rows of `frame` whose interval_start lies in [start, end), sorted by queue and time."""
    if frame is None:
        return None
    C.require_columns(frame, [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE], what)
    times = pd.to_datetime(frame[C.INTERVAL_START], utc=True)
    out = frame[(times >= start) & (times < end)]
    return out.sort_values([C.CHANNEL, C.LANGUAGE, C.INTERVAL_START], kind="stable").reset_index(drop=True)


def write_coverage(sheet: Sheet, coverage: pd.DataFrame, home_tz: str, week: str) -> None:
    """Write queue x interval (home zone): required, scheduled and gap, with a colour-scale heatmap on gap."""
    C.require_columns(coverage, [C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, "required", "scheduled"],
                      "evaluation coverage")
    frame = coverage.assign(**{C.INTERVAL_START: pd.to_datetime(coverage[C.INTERVAL_START], utc=True)})
    queues = sorted(set(zip(frame[C.CHANNEL].astype(str), frame[C.LANGUAGE].astype(str))))
    pivot = frame.pivot_table(index=C.INTERVAL_START, columns=[C.CHANNEL, C.LANGUAGE],
                              values=["required", "scheduled"], aggfunc="sum", fill_value=0)
    times = pivot.index
    sheet.start([17, 17] + [9] * (3 * len(queues)), freeze="C4", header_rows=3)
    sheet.add([f"Coverage {week}: agents per queue and interval; times in the home time zone ({home_tz}) "
               f"and UTC; gap = scheduled - required (red: short, green: surplus)"], TITLE)
    top: list[Any] = [None, None]
    for q in queues:
        top += [C.queue_name(*q), None, None]
    sheet.add(top, HEADER)
    for i in range(len(queues)):
        first = 3 + 3 * i
        sheet.ws.merged_cells.add(f"{get_column_letter(first)}2:{get_column_letter(first + 2)}2")
    sheet.add([f"Start ({home_tz})", "Start (UTC)"] + ["required", "scheduled", "gap"] * len(queues), HEADER)
    locals_, utcs = naive_local(pd.Series(times), home_tz), naive_utc(pd.Series(times))
    looks = [Look(number_format=DATETIME_FORMAT)] * 2 + [None] * (3 * len(queues))
    gaps_abs = 1.0
    columns = []
    for q in queues:
        req, sch = (pivot[(kind,) + q].to_numpy(dtype=float) if (kind,) + q in pivot.columns
                    else np.zeros(len(times)) for kind in ("required", "scheduled"))
        columns.append((req, sch, sch - req))
        if len(req):
            gaps_abs = max(gaps_abs, float(abs(sch - req).max()))
    first_row = sheet.rows + 1
    for j, (lt, ut) in enumerate(zip(locals_, utcs)):
        values: list[Any] = [lt, ut]
        for req, sch, gap in columns:
            values += [req[j], sch[j], gap[j]]
        sheet.add(values, looks)
    last_row = sheet.rows
    sheet.filter(3, 2 + 3 * len(queues))
    if queues and last_row >= first_row:
        ranges = " ".join(f"{get_column_letter(5 + 3 * i)}{first_row}:{get_column_letter(5 + 3 * i)}{last_row}"
                          for i in range(len(queues)))
        sheet.ws.conditional_formatting.add(ranges, ColorScaleRule(
            start_type="num", start_value=-gaps_abs, start_color="F8696B",
            mid_type="num", mid_value=0, mid_color="FFFFFF",
            end_type="num", end_value=gaps_abs, end_color="63BE7B"))


def write_service_daily(sheet: Sheet, daily: pd.DataFrame, home_tz: str, week: str) -> None:
    """Write service level, ASA and occupancy per queue x home-zone day, green/red against the target."""
    frame = daily.sort_values([C.CHANNEL, C.LANGUAGE, "local_date"], kind="stable") if len(daily) else daily
    hours = Look(number_format=HOURS_FORMAT)
    columns = [Column(f"Date ({home_tz})", lambda f: [pd.Timestamp(d).date() for d in f["local_date"]],
                      Look(number_format=DATE_FORMAT), 16)] + queue_columns() + [
        Column("Volume", col(C.VOLUME), Look(number_format="0"), 10),
        Column("Required hours", col("required_hours"), hours, 11),
        Column("Scheduled hours", col("scheduled_hours"), hours, 11),
        Column("Shortfall hours", col("shortfall_hours"), hours, 11),
        Column("Surplus hours", col("surplus_hours"), hours, 11),
        Column("Service level", col("service_level"), Look(number_format=SHARE_FORMAT), 10),
        Column("Target", col("target_service_level"), Look(number_format=SHARE_FORMAT), 9),
        Column("ASA (s)", col("asa_s"), Look(number_format="0"), 9),
        Column("Occupancy", col("occupancy"), Look(number_format=SHARE_FORMAT), 10)]
    first, last = write_table(sheet, f"Service level {week} per queue and day ({home_tz}): expected service level, "
                                     f"ASA and occupancy; green meets the target, red falls short", frame, columns,
                              "No daily figures were given.", freeze="E3")
    mark_against_target(sheet, 10, 11, first, last)


def write_service_intervals(sheet: Sheet, coverage: pd.DataFrame, config: Config, home_tz: str, week: str) -> None:
    """Write service level, ASA and occupancy per queue x interval, green/red against the target."""
    frame = coverage.sort_values([C.CHANNEL, C.LANGUAGE, C.INTERVAL_START], kind="stable")
    columns = time_columns(home_tz) + queue_columns() + [
        Column("Required", col("required"), None, 9),
        Column("Scheduled", col("scheduled"), None, 9),
        Column("Shortfall", col("shortfall"), None, 9),
        Column("Surplus", col("surplus"), None, 9),
        Column("Service level", col("service_level"), Look(number_format=SHARE_FORMAT), 10),
        Column("Target", lambda f: [target_of(config, c) for c in f[C.CHANNEL]], Look(number_format=SHARE_FORMAT), 9),
        Column("ASA (s)", col("asa_s"), Look(number_format="0"), 9),
        Column("Occupancy", col("occupancy"), Look(number_format=SHARE_FORMAT), 10)]
    first, last = write_table(sheet, f"Service by interval {week}: per queue and interval, times in {home_tz} and "
                                     f"UTC; green meets the target, red falls short", frame, columns,
                              "No coverage was given.", freeze="F3")
    mark_against_target(sheet, 10, 11, first, last)


def write_forecast(sheet: Sheet, forecast: pd.DataFrame | None, home_tz: str, week: str) -> None:
    """Write the forecast behind the roster: volume p50 (p10, p90) and AHT per queue x interval."""
    columns = time_columns(home_tz) + queue_columns() + [
        Column("Volume (p50)", col(C.VOLUME), Look(number_format="0.0"), 11),
        Column("Volume p10", col("volume_p10"), Look(number_format="0.0"), 11),
        Column("Volume p90", col("volume_p90"), Look(number_format="0.0"), 11),
        Column("AHT (s)", col(C.AHT_S), Look(number_format="0"), 9),
        Column("Method", col("method"), None, 16)]
    write_table(sheet, f"Forecast {week}: contacts per queue and interval (times in {home_tz} and UTC)", forecast,
                columns, "No forecast was given to the export (the workbook was written from saved requirements).",
                freeze="F3")


def write_requirements(sheet: Sheet, requirements: pd.DataFrame, home_tz: str, week: str) -> None:
    """Write the staffing requirement per queue x interval: load, agents needed before and after shrinkage."""
    columns = time_columns(home_tz) + queue_columns() + [
        Column("Volume", col(C.VOLUME), Look(number_format="0.0"), 9),
        Column("AHT (s)", col(C.AHT_S), Look(number_format="0"), 9),
        Column("Load (Erlangs)", col("load_erlangs"), Look(number_format=DECIMAL_FORMAT), 10),
        Column("Agents needed", col("agents_needed"), Look(number_format="0"), 10),
        Column("Agents needed (fractional)", col("agents_needed_frac"), Look(number_format=DECIMAL_FORMAT), 12),
        Column("Staff needed (after shrinkage)", col("staff_needed"), Look(number_format="0"), 13),
        Column("Service level", col("service_level"), Look(number_format=SHARE_FORMAT), 10),
        Column("ASA (s)", col("asa_s"), Look(number_format="0"), 9),
        Column("Occupancy", col("occupancy"), Look(number_format=SHARE_FORMAT), 10),
        Column("Backlog", col("backlog"), Look(number_format="0.0"), 9)]
    write_table(sheet, f"Requirements {week}: agents needed per queue and interval (times in {home_tz} and UTC)",
                requirements, columns, "No requirements were given.", freeze="F3")


def write_chart_data(sheet: Sheet, coverage: pd.DataFrame, forecast: pd.DataFrame | None,
                     home_tz: str, week: str) -> dict[str, Any]:
    """Write per channel x interval: required, scheduled and forecast volume; return where the series are.

    Returns {"categories": Reference, "channels": {channel: (required Reference, scheduled Reference)},
    "volume": Reference or None, "rows": (first, last)}.
    """
    cov = coverage.assign(**{C.INTERVAL_START: pd.to_datetime(coverage[C.INTERVAL_START], utc=True)})
    per = cov.groupby([C.INTERVAL_START, C.CHANNEL])[["required", "scheduled"]].sum().unstack(C.CHANNEL, fill_value=0)
    channels = sorted(cov[C.CHANNEL].astype(str).unique())
    times = per.index
    vol = None
    if forecast is not None and len(forecast):
        fc = forecast.assign(**{C.INTERVAL_START: pd.to_datetime(forecast[C.INTERVAL_START], utc=True)})
        vol = fc.groupby([C.INTERVAL_START, C.CHANNEL])[C.VOLUME].sum().unstack(C.CHANNEL, fill_value=0)
        vol = vol.reindex(times, fill_value=0)
    vol_channels = sorted(map(str, vol.columns)) if vol is not None else []
    headers = ["Interval", f"Start ({home_tz})", "Start (UTC)"]
    for ch in channels:
        headers += [f"{ch} required", f"{ch} scheduled"]
    headers += [f"{ch} volume" for ch in vol_channels]
    sheet.start([12, 17, 17] + [11] * (len(headers) - 3), freeze="B3", header_rows=2)
    sheet.add([f"Chart data {week}: agents required and scheduled, and forecast contacts, per channel and "
               f"interval ({home_tz}); the charts on the Summary sheet read this table"], TITLE)
    sheet.add(headers, HEADER)
    locals_, utcs = naive_local(pd.Series(times), home_tz), naive_utc(pd.Series(times))
    looks = [None, Look(number_format=DATETIME_FORMAT), Look(number_format=DATETIME_FORMAT)] + \
        [None] * (2 * len(channels)) + [Look(number_format="0.0")] * len(vol_channels)
    first = sheet.rows + 1
    for j, t in enumerate(times):
        values: list[Any] = [f"{locals_[j]:%a %H:%M}", locals_[j], utcs[j]]
        for ch in channels:
            values += [float(per[("required", ch)].iloc[j]), float(per[("scheduled", ch)].iloc[j])]
        values += [float(vol[ch].iloc[j]) for ch in vol_channels] if vol is not None else []
        sheet.add(values, looks)
    last = max(sheet.rows, first)
    ws = sheet.ws
    refs: dict[str, Any] = {"categories": Reference(ws, min_col=1, min_row=first, max_row=last), "channels": {},
                            "volume": None, "rows": (first, last)}
    for i, ch in enumerate(channels):
        c = 4 + 2 * i
        refs["channels"][ch] = (Reference(ws, min_col=c, min_row=2, max_row=last),
                                Reference(ws, min_col=c + 1, min_row=2, max_row=last))
    if vol_channels:
        c0 = 4 + 2 * len(channels)
        refs["volume"] = Reference(ws, min_col=c0, max_col=c0 + len(vol_channels) - 1, min_row=2, max_row=last)
    return refs


def _line_chart(title: str, y_title: str, intervals_per_day: int) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = "interval (home time zone)"
    chart.x_axis.tickLblSkip = intervals_per_day // 2
    chart.x_axis.tickMarkSkip = intervals_per_day // 2
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 24
    chart.legend.position = "b"
    return chart


def _text_categories(chart: LineChart, categories: Reference) -> None:
    """Label the x axis with the text labels in `categories` (openpyxl would treat them as numbers)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(categories)))


def add_charts(summary: Sheet, refs: dict[str, Any], anchor_col: str = "J", intervals_per_day: int = 24) -> None:
    """Put the native line charts on `summary`: required vs scheduled per channel, forecast volume per channel."""
    row = 2
    for ch, (required, scheduled) in refs["channels"].items():
        chart = _line_chart(f"{ch}: agents required vs scheduled", "agents", intervals_per_day)
        chart.add_data(required, titles_from_data=True)
        chart.add_data(scheduled, titles_from_data=True)
        _text_categories(chart, refs["categories"])
        summary.ws.add_chart(chart, f"{anchor_col}{row}")
        row += 16
    if refs["volume"] is not None:
        chart = _line_chart("Forecast contacts per channel", "contacts per interval", intervals_per_day)
        chart.add_data(refs["volume"], titles_from_data=True)
        _text_categories(chart, refs["categories"])
        summary.ws.add_chart(chart, f"{anchor_col}{row}")


DUTY_COVER_HEADERS = ["Local date", "Shift type", "Who counts", "Required", "Scheduled", "Under", "Over"]


def write_duty_cover(sheet: Sheet, duty_cover: pd.DataFrame, week: str) -> None:
    """Write the duty cover per local day and shift type (rules.duty_cover): required, scheduled, under, over."""
    C.require_columns(duty_cover, ["local_date", "shift_type", "skills", "required", "scheduled", "under", "over"],
                      "evaluation duty cover")
    sheet.start([16, 14, 24, 10, 10, 10, 10], freeze="C3", header_rows=2)
    sheet.add([f"Duty cover {week}: people on each shift type per local day (the agent's local date of the shift "
               f"start), as rules.duty_cover in planner.toml asks; red: under-covered"], TITLE)
    sheet.add(DUTY_COVER_HEADERS, HEADER)
    if duty_cover.empty:
        sheet.add(["No day of this week has a duty cover rule."], NOTE)
        return
    date_look, count = Look(number_format=DATE_FORMAT), Look(number_format="0")
    short = Look(number_format="0", bold=True, fill="FFC7CE", color="9C0006")
    for r in duty_cover.sort_values(["local_date", "shift_type", "skills"]).itertuples(index=False):
        sheet.add([pd.Timestamp(r.local_date).date(), r.shift_type, r.skills or "everyone", int(r.required),
                   int(r.scheduled), int(r.under), int(r.over)],
                  [date_look, None, None, count, count, short if r.under > 0 else count, count])
    sheet.filter(2, len(DUTY_COVER_HEADERS))
