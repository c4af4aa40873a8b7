"""Show a Comparison: an aligned terminal table, a CSV, and a workbook with a Scenarios sheet."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from planner import columns as C
from planner.errors import OutputError
from planner.export.cells import (BOLD, DECIMAL_FORMAT, HEADER, NOTE, SHARE_FORMAT, TITLE, Look,
                                  Sheet, csv_safe)
from planner.fileio import atomic_path, write_csv
from planner.scenario.compare import BASE, DAY_KEYS, Comparison

DEPTH_TITLES = {"requirements": "requirements only; SL if the base plan's staffing met the scenario's demand",
                "evaluate": "base roster kept; SL if nothing is rescheduled",
                "reroster": "a new roster per scenario"}
# (column, label, kind): kind sets the format: n = count, h = hours, f = FTE, p = share, x = text
METRICS = [(C.VOLUME, "volume (contacts)", "n"), ("staff_hours", "staff-hours needed", "h"),
           ("fte", "FTE needed", "f"), ("peak_staff", "peak staff in one interval", "n"),
           ("service_level", "expected service level", "p"), ("agents", "agents", "n"),
           ("scheduled_hours", "scheduled agent-hours", "h"), ("shortfall_hours", "shortfall hours", "h"),
           ("surplus_hours", "surplus hours", "h"), ("paid_hours", "paid hours", "h"),
           ("paid_hours_spread", "paid hours spread (max-min)", "h"),
           ("weekend_spread", "weekend shifts spread (max-min)", "n"), ("status", "solver status", "x")]
CHANNEL_METRICS = [("fte", "FTE", "f"), ("service_level", "SL", "p"), ("shortfall_hours", "shortfall h", "h")]
NUMBER_FORMATS = {"n": "#,##0", "h": "#,##0.0", "f": DECIMAL_FORMAT, "p": SHARE_FORMAT, "x": None}


def _fmt(value, kind: str, delta: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if kind == "x":
        return str(value)
    sign = "+" if delta else ""
    if kind == "p":
        return f"{value * 100:{sign}.1f} pp" if delta else f"{value * 100:.1f}%"
    if kind == "f":
        return f"{value:{sign},.1f}"
    return f"{value:{sign},.0f}" if kind == "n" else f"{value:{sign},.1f}"


def _metric_rows(comparison: Comparison) -> list[tuple[str, str, str, str | None]]:
    """(label, column, kind, channel or None) of the rows the side-by-side tables show."""
    rows = [(label, col, kind, None) for col, label, kind in METRICS if col in comparison.summary.columns]
    extra = [(col, label, kind) for col, label, kind in CHANNEL_METRICS if col in comparison.channels.columns]
    for ch in sorted(comparison.channels[C.CHANNEL].unique()):
        rows += [(f"  {ch} {label}", col, kind, ch) for col, label, kind in extra]
    return rows


def _value(comparison: Comparison, name: str, col: str, channel: str | None):
    frame = comparison.summary if channel is None else comparison.channels[comparison.channels[C.CHANNEL] == channel]
    values = frame.loc[frame.scenario == name, col]
    return values.iloc[0] if len(values) else None


def side_by_side(comparison: Comparison) -> tuple[list[str], list[list]]:
    """Return (header, rows) of the metric x (base, scenario, delta, ...) table with raw values."""
    header = ["metric", BASE]
    for name in comparison.names[1:]:
        header += [name, f"Δ {name}"]
    rows = []
    for label, col, kind, ch in _metric_rows(comparison):
        base = _value(comparison, BASE, col, ch)
        row = [label, base]
        for name in comparison.names[1:]:
            v = _value(comparison, name, col, ch)
            numeric = kind != "x" and v is not None and base is not None
            row += [v, (v - base) if numeric else None]
        rows.append([(label, col, kind, ch)] + row[1:])
    return header, rows


def _align(table: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = []
    for j, r in enumerate(table):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def sensitivity(comparison: Comparison) -> pd.DataFrame:
    """Return the sweep table: swept value, staff-hours, FTE, peak staff, expected SL (base row first)."""
    cols = ["scenario", "staff_hours", "fte", "peak_staff", "service_level"]
    table = comparison.summary[cols].copy()
    table.insert(1, "value", list(comparison.sweep_values))
    return table


def render_comparison(comparison: Comparison) -> str:
    """Return the comparison as aligned text: base, each scenario and its delta (a sensitivity table for sweeps)."""
    where = f" {comparison.week}" if comparison.week else ""
    lines = [f"What-if{where}: {DEPTH_TITLES[comparison.depth]}",
             f"FTE = staff-hours / {comparison.fte_hours:.1f} h per week"]
    for name, text in zip(comparison.names[1:], comparison.descriptions[1:]):
        if text and not comparison.sweep:
            lines.append(f"  {name}: {text}")
    lines.append("")
    if comparison.sweep:
        table = sensitivity(comparison)
        base = table.iloc[0]
        head = [comparison.sweep, "staff-hours", "FTE", "Δ FTE", "peak staff", "expected SL"]
        body = [head]
        for _, r in table.iterrows():
            label = r.scenario
            body.append([label, _fmt(r.staff_hours, "h"), _fmt(r.fte, "f"),
                         "" if r.scenario == BASE else _fmt(r.fte - base.fte, "f", True),
                         _fmt(r.peak_staff, "n"), _fmt(r.service_level, "p")])
        return "\n".join(lines) + _align(body) + "\n"
    header, rows = side_by_side(comparison)
    body = [header]
    for meta, *values in rows:
        label, _, kind, _ = meta
        out = [label, _fmt(values[0], kind)]
        for k in range(1, len(values), 2):
            out += [_fmt(values[k], kind), "" if kind == "x" else _fmt(values[k + 1], kind, True)]
        body.append(out)
    return "\n".join(lines) + _align(body) + "\n"


# --------------------------------------------------------------------------- CSV


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """Return one long table: level total / channel / queue_day rows per scenario, with *_delta columns vs base."""
    parts = []
    for level, frame, keys in (("total", comparison.summary, []), ("channel", comparison.channels, [C.CHANNEL]),
                               ("queue_day", comparison.daily, DAY_KEYS)):
        numeric = [c for c in ("staff_hours", "fte", "service_level", "shortfall_hours") if c in frame.columns]
        f = frame.copy()
        base = f[f.scenario == BASE].set_index(keys)[numeric] if keys else None
        for c in numeric:
            if keys:
                f[c + "_delta"] = f.set_index(keys)[c].sub(base[c]).to_numpy()
            else:
                f[c + "_delta"] = f[c] - f.loc[f.scenario == BASE, c].iloc[0]
        f.insert(1, "level", level)
        parts.append(f)
    out = pd.concat(parts, ignore_index=True)
    front = ["scenario", "level", "local_date", C.CHANNEL, C.LANGUAGE]
    out = out[[c for c in front if c in out.columns] + [c for c in out.columns if c not in front]]
    for col in ("scenario", "status"):
        if col in out.columns:
            out[col] = out[col].map(csv_safe)
    return out


def write_comparison_csv(path: str | Path, comparison: Comparison) -> Path:
    """Write comparison_frame(comparison) as CSV atomically; scenario names are formula-safe."""
    return write_csv(comparison_frame(comparison), path)


# --------------------------------------------------------------------------- workbook

LOOKS = {k: Look(number_format=f) if f else None for k, f in NUMBER_FORMATS.items()}


def _sweep_block(sheet: Sheet, comparison: Comparison) -> None:
    table = sensitivity(comparison)
    points = table[table.scenario != BASE]
    sheet.add([f"Sensitivity: {comparison.sweep}"], BOLD)
    head = sheet.add([comparison.sweep, "staff-hours needed", "FTE needed", "peak staff", "expected service level"],
                     HEADER)
    for _, r in points.iterrows():
        sheet.add([r.value, r.staff_hours, r.fte, r.peak_staff, r.service_level],
                  [None, LOOKS["h"], LOOKS["f"], LOOKS["n"], LOOKS["p"]])
    last = sheet.rows
    ws = sheet.ws
    cats = Reference(ws, min_col=1, min_row=head + 1, max_row=last)
    for i, (col, title, y) in enumerate(((3, "FTE needed", "FTE"), (5, "Expected service level", "service level"))):
        chart = LineChart()
        chart.title = f"{title} against {comparison.sweep}"
        chart.y_axis.title, chart.x_axis.title = y, comparison.sweep
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 7.5, 16
        chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(cats)
        ws.add_chart(chart, f"H{2 + 16 * i}")
    sheet.add()


def write_scenario_workbook(path: str | Path, comparison: Comparison) -> Path:
    """Write a workbook with a Scenarios sheet (side by side, per channel, per queue and day; a chart for sweeps)."""
    wb = Workbook(write_only=True)
    sheet = Sheet(wb.create_sheet("Scenarios"))
    n = len(comparison.names)
    sheet.start([34] + [14] * (2 * n), freeze=None)
    where = f" {comparison.week}" if comparison.week else ""
    sheet.add([f"What-if{where}"], TITLE)
    sheet.add([DEPTH_TITLES[comparison.depth] + f"; FTE = staff-hours / {comparison.fte_hours:.1f} h per week"],
              NOTE)
    for name, text in zip(comparison.names[1:], comparison.descriptions[1:]):
        if text and not comparison.sweep:
            sheet.add([f"{name}: {text}"], NOTE)
    sheet.add()
    if comparison.sweep:
        _sweep_block(sheet, comparison)
    header, rows = side_by_side(comparison)
    sheet.add(header, HEADER)
    for meta, *values in rows:
        label, _, kind, _ = meta
        look = LOOKS[kind]
        sheet.add([label] + list(values), [None] + [look] * len(values))
    sheet.add()
    sheet.add(["By queue and day (home time zone)"], BOLD)
    daily = comparison.daily
    cols = list(daily.columns)
    head = sheet.add(cols, HEADER)
    kinds = {c: k for c, _, k in METRICS}
    kinds.update({C.AHT_S: "h", "agent_hours": "h"})
    looks = [LOOKS.get(kinds.get(c, ""), None) for c in cols]
    for rec in daily.itertuples(index=False):
        sheet.add(list(rec), looks)
    sheet.filter(head, len(cols))
    try:
        with atomic_path(path) as tmp:
            wb.save(tmp)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the workbook: {exc}") from None
    return Path(path)
