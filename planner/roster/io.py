"""Roster files: shifts CSV, allocation CSV beside it, solver account in a small JSON beside both.

`rosters/out/2026-W49.roster.csv` holds the shifts; `2026-W49.roster.allocation.csv`
the queue per agent x interval; `2026-W49.roster.meta.json` week (and weeks), status, objective,
bound, gap, solve time, diagnostics and settings. Every file is written atomically.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from planner import columns as C
from planner.errors import InputError
from planner.fileio import atomic_path, read_csv_frame, write_csv
from planner.roster.result import RosterResult


def sibling_paths(path: str | Path) -> tuple[Path, Path, Path]:
    """Return (shifts, allocation, meta) paths for a roster path like out/2026-W49.roster.csv."""
    p = Path(path)
    stem = p.name[:-4] if p.name.endswith(".csv") else p.name
    return p, p.with_name(f"{stem}.allocation.csv"), p.with_name(f"{stem}.meta.json")


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_roster(roster: RosterResult, path: str | Path) -> Path:
    """Write a roster as CSV (shifts at `path`, allocation and meta beside it); return `path`."""
    shifts_path, alloc_path, meta_path = sibling_paths(path)
    shifts = roster.shifts.copy()
    shifts["local_date"] = shifts["local_date"].map(lambda d: pd.Timestamp(d).strftime("%Y-%m-%d"))
    write_csv(shifts[C.SHIFT_COLUMNS], shifts_path)
    write_csv(roster.allocation[C.ALLOCATION_COLUMNS], alloc_path)
    meta = {"week": roster.week, "weeks": roster.weeks, "status": roster.status, "objective": _clean(roster.objective),
            "bound": _clean(roster.bound), "gap": _clean(roster.gap), "solve_seconds": roster.solve_seconds,
            "diagnostics": list(roster.diagnostics), "settings": roster.settings}
    with atomic_path(meta_path) as tmp:
        tmp.write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    return Path(path)


def read_roster(path: str | Path) -> RosterResult:
    """Read a roster written by write_roster; InputError naming the file if a part is missing or bad."""
    shifts_path, alloc_path, meta_path = sibling_paths(path)
    shifts = read_csv_frame(shifts_path, C.SHIFT_COLUMNS, "roster shifts file")
    alloc = read_csv_frame(alloc_path, C.ALLOCATION_COLUMNS, "roster allocation file")
    days = []
    for i, value in enumerate(shifts["local_date"]):
        try:
            days.append(pd.Timestamp(str(value)).date())
        except ValueError:
            raise InputError(shifts_path, f"expected a date like 2026-11-30, got {value!r}", row=i + 2,
                             column="local_date") from None
    shifts["local_date"] = pd.Series(days, index=shifts.index, dtype=object)
    shifts["agent_id"] = shifts["agent_id"].astype(str)
    alloc["agent_id"] = alloc["agent_id"].astype(str)
    shifts["paid_hours"] = shifts["paid_hours"].astype(float)
    for col in ("start_utc", "end_utc", "break_start_utc", "break_end_utc"):
        shifts[col] = pd.to_datetime(shifts[col], utc=True)
    alloc[C.INTERVAL_START] = pd.to_datetime(alloc[C.INTERVAL_START], utc=True)
    if not meta_path.exists():
        raise InputError(meta_path, "roster meta file not found (written beside the roster CSV by planner)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return RosterResult(
            week=str(meta["week"]), weeks=int(meta.get("weeks", 1)), shifts=shifts, allocation=alloc,
            status=str(meta["status"]),
            objective=float("nan") if meta.get("objective") is None else float(meta["objective"]),
            bound=float("nan") if meta.get("bound") is None else float(meta["bound"]),
            gap=float("nan") if meta.get("gap") is None else float(meta["gap"]),
            solve_seconds=float(meta.get("solve_seconds") or 0.0),
            diagnostics=tuple(meta.get("diagnostics", ())), settings=dict(meta.get("settings", {})))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(meta_path, f"not a planner roster meta file: {exc}") from None
