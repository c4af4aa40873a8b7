"""Atomic output files, round-trips of the stage frames through CSV, and user tables.

`read_table` reads a user's CSV or XLSX table (agents, time off, history) as text cells;
outputs are written to a temporary file in the target folder and renamed over the
target, so a failure never leaves a half-written file and never destroys the previous one.
"""
from __future__ import annotations

import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from planner.errors import InputError, OutputError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_SEPARATORS = (",", ";", "\t")  # the one most frequent in the header line wins
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
            except (ValueError, TypeError):
                parsed = pd.to_datetime(frame[col], utc=True, format="ISO8601", errors="coerce")
                bad = frame.index[parsed.isna() & frame[col].notna()]
                row = int(bad[0]) if len(bad) else 0
                raise InputError(p, f"expected an ISO 8601 time like 2026-11-30T08:00:00+00:00, got "
                                    f"{frame[col].iloc[row]!r}", row=row + 2, column=col) from None
    return frame


# --------------------------------------------------------------------------- user tables


def read_table(path: str | Path, what: str, expected: str, *, allow_empty: bool = False) -> pd.DataFrame:
    """Read a user's CSV/XLSX table with every cell as text ("" when empty), blank rows kept.

    Frame row i is spreadsheet row i + 2 (the header is row 1), so messages can name rows
    as the user sees them. CSV: UTF-8 with or without BOM, separator `,` `;` or tab
    (the most frequent in the header line). XLSX: the first sheet, via openpyxl. Column
    names are returned as in the file. `what` names the file in messages ("agents file");
    `expected` says what an empty file should have held ("a header row and data rows").
    An empty file raises InputError, or with `allow_empty` gives a frame without columns.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found")
    if not p.is_file():
        article = "an" if what[:1].lower() in "aeiou" else "a"
        raise InputError(p, f"expected {article} {what} (.csv or .xlsx), found a folder")
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(p, dtype=str, keep_default_na=False, engine="openpyxl")
        except (OSError, ValueError, KeyError, IndexError, TypeError, zipfile.BadZipFile) as exc:
            raise InputError(p, f"cannot read this Excel workbook ({type(exc).__name__}: {exc}); "
                                "expected an .xlsx file with a header row on its first sheet") from None
    elif suffix in CSV_SUFFIXES:
        frame = _read_user_csv(p, what)
    else:
        raise InputError(p, f"unsupported {what} type '{p.suffix}'; expected .csv or .xlsx")
    if frame is None or frame.columns.empty:
        if allow_empty:
            return pd.DataFrame()
        raise InputError(p, f"the {what} is empty; expected {expected}")
    return frame.fillna("")


def _read_user_csv(p: Path, what: str) -> pd.DataFrame | None:
    """Read a CSV as text cells, sniffing the separator from the header line; None if empty."""
    try:
        with open(p, "rb") as fh:
            first = fh.readline().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(p, f"cannot read the {what}: {exc.strerror or exc}") from None
    if not first.strip():
        return None
    sep = max(CSV_SEPARATORS, key=first.count)
    try:
        return pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False,
                           encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        return None
    except UnicodeDecodeError:
        raise InputError(p, f"the {what} is not UTF-8 text; save it as 'CSV UTF-8'") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise InputError(p, f"has {m.group(3)} fields where the header has {m.group(1)}; expected one value "
                                "per column (quote values that contain the separator)", row=int(m.group(2))) from None
        raise InputError(p, f"cannot read the {what} as CSV: {str(exc).strip()}") from None
