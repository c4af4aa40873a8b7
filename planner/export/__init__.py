"""Outputs people read: the roster workbook, and per-agent iCalendar and CSV files.

    write_workbook(path, *, config, week, agents, roster, evaluation, requirements,
                   forecast=None, checks=None, notes=(), time_off=None) -> Path
    write_agent_files(folder, *, config, week, agents, roster, stamp=None) -> list[Path]
"""
from __future__ import annotations

from planner.export.calendar import write_agent_files
from planner.export.cells import csv_safe
from planner.export.workbook import SHEETS, write_workbook

__all__ = ["SHEETS", "csv_safe", "write_agent_files", "write_workbook"]
