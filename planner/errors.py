"""The errors planner raises for bad input, impossible rules and unwritable outputs.

Every user-facing failure is a `PlannerError`; the CLI prints its message as
``Error: ...`` and exits 2. Anything else escaping to the CLI is a bug.
"""
from __future__ import annotations

from pathlib import Path


class PlannerError(Exception):
    """Base of every error planner reports to a user."""


class ConfigError(PlannerError):
    """A bad value in planner.toml or in a flag that overrides it."""

    def __init__(self, key: str, message: str, path: str | Path | None = None):
        self.key = key
        self.path = str(path) if path is not None else None
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}{key}: {message}")


class InputError(PlannerError):
    """A bad input file: names the file and, where known, the row and column.

    `row` is the 1-based line number as a spreadsheet or text editor shows it
    (the header is row 1, the first data row is row 2).
    """

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ):
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.reason = message
        parts = [p for p in (self.path, f"row {row}" if row is not None else None,
                             f"column '{column}'" if column else None) if p]
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class InfeasibleRosterError(PlannerError):
    """No roster satisfies the hard rules; the message says which rules and agents conflict."""

    def __init__(self, message: str, conflicts: list[str] | None = None):
        self.conflicts = list(conflicts or [])
        detail = "".join(f"\n  - {c}" for c in self.conflicts)
        super().__init__(message + detail)


class OutputError(PlannerError):
    """An output file could not be written."""
