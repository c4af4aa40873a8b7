"""Atomic output files and round-trips of the stage frames through CSV.

Outputs are written to a temporary file in the target folder and renamed over the
target, so a failure never leaves a half-written file and never destroys the previous one.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from planner.errors import InputError, OutputError

TIME_COLUMNS = ("interval_start", "start_utc", "end_utc", "break_start_utc", "break_end_utc")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it over `path`, else delete it."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here: {exc.strerror or exc}") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write `frame` as CSV atomically; UTC times as ISO 8601 with +00:00."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, float_format="%.6g")
    return Path(path)


def read_csv_frame(path: str | Path, required: list[str], what: str) -> pd.DataFrame:
    """Read a CSV written by planner, parsing UTC time columns; InputError if missing or malformed."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found")
    try:
        frame = pd.read_csv(p)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(p, f"cannot read {what}: {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(p, f"{what} is missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}")
    for col in TIME_COLUMNS:
        if col in frame.columns:
            try:
                frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
            except (ValueError, TypeError) as exc:
                raise InputError(p, f"bad time value: {exc}", column=col) from None
    return frame
