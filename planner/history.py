"""Read contact history (CSV or XLSX), validate it and aggregate it onto the UTC interval grid.

Two layouts are accepted and told apart by their columns:

- a contact log, one row per contact: ``timestamp``, ``channel``, ``language`` and an
  optional ``handle_seconds``; it is counted per grid interval (volume = contacts,
  aht_s = mean handle time of the contacts whose handle time is known);
- interval counts: ``interval_start``, ``channel``, ``language``, ``volume`` and an
  optional ``aht_seconds``; every ``interval_start`` must lie on the grid.

`config.history.columns` renames a foreign export's columns (planner name -> file name)
and `config.history.values` maps its values (per column, matched without regard to case)
before anything is checked; messages name the file's own columns. Channel and language
values are stripped and lower-cased, and a language's region is dropped (``en-US``,
``en_GB`` -> ``en``).

Times with an offset (``+02:00``, ``Z``) are exact instants. Naive times are wall-clock
times in `config.history.timezone` (default: the team's home time zone), resolved by
this DST rule:

- a nonexistent time (in the spring-forward gap) is moved forward by the length of the
  gap: 02:30 on the night Berlin springs from 02:00 to 03:00 is read as 03:30 CEST
  (01:30 UTC), i.e. as if the clock had not been changed yet;
- an ambiguous time (in the repeated fall-back hour) is read as its first occurrence, the
  daylight-saving one: 02:30 on the night Berlin falls back is 02:30 CEST (00:30 UTC).
  In interval counts the same local interval of a queue may appear twice in that hour
  (once per occurrence); the second row of it is read as the second occurrence. A third
  is a duplicate.

Both kinds are counted in the load report. Instants are floored onto the grid of
`config.team.interval_minutes` minutes, shifted to the phase of the home time zone
(an hourly grid in Asia/Kolkata starts at :30 UTC).

Missing intervals between a queue's first and last observation are filled with volume 0
where the queue was open (`config.open_hours_for(channel, language)`: the queue's own
open_hours, else its channel's, in the home time zone; 24/7 without).
For interval counts each run of such open-but-missing intervals is reported as a gap; in
a contact log a missing interval simply had no contacts.

Bad rows (a time that cannot be read, an unknown channel or language, a volume or handle
time that is not a number >= 0, an interval start off the grid, a repeated interval of a
queue in interval counts) stop the load with an `InputError` listing the first five;
with ``skip_bad_rows=True`` they are returned in `HistoryLoad.rejected`, one row per
rejected input row with its first problem. Identical rows of a contact log are not
errors: contacts may arrive in the same second.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from planner import columns as C
from planner.config import ISO_639_1, Config
from planner.errors import InputError
from planner.fileio import atomic_path, read_table
from planner.timegrid import floor_to_grid, grid_phase_minutes, open_mask

CONTACTS = "contacts"
INTERVALS = "intervals"
REJECTED_COLUMNS = ["row", "column", "value", "reason"]
MAX_LISTED = 5

# planner's column names in the two layouts: required, then optional
_LAYOUTS = {
    CONTACTS: (("timestamp", "channel", "language"), ("handle_seconds",)),
    INTERVALS: (("interval_start", "channel", "language", "volume"), ("aht_seconds",)),
}
_NA_TOKENS = frozenset({"", "nan", "na", "n/a", "null", "none"})
_OFFSET_RE = re.compile(r"\d\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?)\s*$")  # on the last 9 characters of a date-time


@dataclass(frozen=True)
class HistoryReport:
    """What a history load found.

    rows_read counts non-blank data rows; rows_used + rows_rejected == rows_read.
    naive_times counts used rows whose time had no offset (read in `timezone`); a file may
    mix them with offset times. dst_nonexistent / dst_ambiguous count the naive ones that
    fell in a spring-forward gap / fall-back hour. gaps holds (queue, first_missing, last_missing)
    UTC interval starts of each run of missing open intervals (interval counts only);
    gap_intervals their total and filled_intervals the zero rows added (both kinds).
    """

    rows_read: int
    rows_used: int
    rows_rejected: int
    kind: str
    naive_times: int
    dst_nonexistent: int
    dst_ambiguous: int
    duplicates: int
    gaps: tuple[tuple[str, pd.Timestamp, pd.Timestamp], ...]
    gap_intervals: int
    filled_intervals: int
    first_interval: pd.Timestamp | None
    last_interval: pd.Timestamp | None
    queues: tuple[str, ...]
    interval_minutes: int
    timezone: str  # the zone naive times were read in


@dataclass(frozen=True)
class HistoryLoad:
    """A loaded history: the history frame, the rejected rows and the load report."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    report: HistoryReport


# --------------------------------------------------------------------------- public API


def read_history(path: str | Path, config: Config, *, skip_bad_rows: bool = False) -> HistoryLoad:
    """Read a contact log or interval counts (CSV/XLSX) into the history frame on the UTC grid.

    Raises InputError for a missing, empty or unreadable file, missing columns, and
    (unless `skip_bad_rows`) any bad row, listing the first five with row and column.
    """
    p = Path(path)
    raw = _read_table(p)
    kind, names = _detect_kind(raw, p, config.history.columns)
    blank = _blank_rows(raw)
    raw = raw.loc[~blank]
    rows_read = len(raw)
    if rows_read == 0:
        raise InputError(p, "the history has a header but no data rows")

    interval_minutes = config.team.interval_minutes
    home_tz = config.team.home_timezone
    naive_tz = config.history.timezone or home_tz
    phase = grid_phase_minutes(home_tz, interval_minutes)
    rejects = _Rejects(raw.index, names)

    time_col = "timestamp" if kind == CONTACTS else "interval_start"
    time_text = raw[names[time_col]].str.strip()
    channel = _normalise(raw[names["channel"]], config.history.values.get("channel", {}), language=False)
    language = _normalise(raw[names["language"]], config.history.values.get("language", {}), language=True)
    repeat_key = [channel, language] if kind == INTERVALS else None
    utc, naive, nonexistent, ambiguous = _parse_times(time_text, naive_tz, repeat_key)
    _check_times(rejects, time_text, utc, time_col)
    _check_channel(rejects, channel, config)
    _check_language(rejects, language, config)

    if kind == CONTACTS:
        handle_s = _number(rejects, raw, "handle_seconds", required=False, what="seconds")
        interval = floor_to_grid(utc, interval_minutes, phase)
        duplicates = 0
    else:
        volume = _number(rejects, raw, "volume", required=True, what="a count")
        aht_s = _number(rejects, raw, "aht_seconds", required=False, what="seconds")
        interval = utc
        off_grid = utc.notna() & (floor_to_grid(utc, interval_minutes, phase) != utc)
        rejects.add(off_grid, "interval_start",
                    f"not on the {interval_minutes}-minute grid; expected an interval start at "
                    f"{_grid_marks(interval_minutes, phase)} past the hour in UTC (the grid of {home_tz})")
        duplicates = _check_duplicates(rejects, channel, language, interval)

    used = rejects.reason.isna().to_numpy()
    rejected = rejects.frame(raw)
    if len(rejected) and not skip_bad_rows:
        raise InputError(p, _bad_rows_message(rejected))

    if kind == CONTACTS:
        observed = _count_contacts(channel[used], language[used], interval[used],
                                   handle_s[used] if handle_s is not None else None)
    else:
        observed = pd.DataFrame({
            C.INTERVAL_START: interval[used], C.CHANNEL: channel[used], C.LANGUAGE: language[used],
            C.VOLUME: volume[used].astype(float),
            C.AHT_S: aht_s[used].astype(float) if aht_s is not None else np.nan,
        })
    frame, gaps, gap_count, filled = _fill_open_intervals(observed, config, kind == INTERVALS)
    report = HistoryReport(
        rows_read=rows_read,
        rows_used=int(used.sum()),
        rows_rejected=len(rejected),
        kind=kind,
        naive_times=int(naive[used].sum()),
        dst_nonexistent=int(nonexistent[used].sum()),
        dst_ambiguous=int(ambiguous[used].sum()),
        duplicates=duplicates,
        gaps=gaps,
        gap_intervals=gap_count,
        filled_intervals=filled,
        first_interval=frame[C.INTERVAL_START].min() if len(frame) else None,
        last_interval=frame[C.INTERVAL_START].max() if len(frame) else None,
        queues=tuple(C.queue_name(c, lang) for c, lang in
                     frame[C.QUEUE_KEYS].drop_duplicates().itertuples(index=False)),
        interval_minutes=interval_minutes,
        timezone=naive_tz,
    )
    return HistoryLoad(frame=frame, rejected=rejected, report=report)


def write_rejected(rejected: pd.DataFrame, path: str | Path) -> Path:
    """Write rejected history rows (row, column, value, reason) as CSV, atomically."""
    out = pd.DataFrame(rejected, columns=REJECTED_COLUMNS)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False)
    return Path(path)


# --------------------------------------------------------------------------- reading


def _read_table(p: Path) -> pd.DataFrame:
    """Read every cell as text ("" when empty), keeping blank rows so row numbers hold."""
    frame = read_table(p, "history file", "a header row and data rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _detect_kind(raw: pd.DataFrame, p: Path, mapping: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """Tell a contact log from interval counts; map planner's column names to the file's."""
    by_lower = {c.lower(): c for c in raw.columns}
    names: dict[str, str] = {}
    for required, optional in _LAYOUTS.values():
        for name in required + optional:
            wanted = str(mapping.get(name, name)).strip().lower()
            if wanted in by_lower:
                names[name] = by_lower[wanted]
    if "interval_start" in names and ("volume" in names or "timestamp" not in names):
        kind = INTERVALS
    elif "timestamp" in names:
        kind = CONTACTS
    else:
        found = ", ".join(raw.columns) or "none"
        raise InputError(p, "missing columns: expected a contact log with columns "
                            f"{_show(mapping, _LAYOUTS[CONTACTS][0])} or interval counts with columns "
                            f"{_show(mapping, _LAYOUTS[INTERVALS][0])}; found {found}")
    missing = [n for n in _LAYOUTS[kind][0] if n not in names]
    if missing:
        what = "a contact log" if kind == CONTACTS else "interval counts"
        raise InputError(p, f"missing column(s) {_show(mapping, missing)} of {what}; "
                            f"found {', '.join(raw.columns)}")
    return kind, names


def _show(mapping: Mapping[str, str], planner_names) -> str:
    return ", ".join(f"{mapping[n]} ({n})" if n in mapping else n for n in planner_names)


def _blank_rows(raw: pd.DataFrame) -> pd.Series:
    """True for rows whose cells are all empty (they are skipped, keeping the row numbers)."""
    blank = pd.Series(True, index=raw.index)
    for col in raw.columns:
        blank &= raw[col] == ""
    return blank


# --------------------------------------------------------------------------- values


def _normalise(values: pd.Series, mapping: Mapping[str, str], language: bool) -> pd.Series:
    """Map, strip and lower-case queue values per distinct value (en-US -> en for languages)."""
    lowered = {str(k).strip().lower(): str(v) for k, v in mapping.items()}
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    out = []
    for u in uniques:
        v = str(u).strip()
        v = lowered.get(v.lower(), v).strip().lower()
        if language:
            v = re.split(r"[-_]", v, maxsplit=1)[0]
        out.append(v)
    return pd.Series(np.asarray(out, dtype=object)[codes] if len(out) else np.asarray([], dtype=object),
                     index=values.index, dtype=object)


def _parse_times(s: pd.Series, tz: str, repeat_key: list[pd.Series] | None):
    """Parse stripped ISO 8601 text to UTC (NaT where unreadable), applying the DST rule to naive times.

    Returns (utc, naive, nonexistent, ambiguous): the instants and boolean arrays of the
    times without offset and of those that fell in a spring-forward gap / fall-back hour.
    A date without a time of day (10 characters or fewer) is left unread.
    """
    n = len(s)
    dated_only = (s.str.len() <= 10).to_numpy(dtype=bool)  # "2026-03-02": no time of day
    codes, tails = pd.factorize(s.str[-9:].to_numpy(dtype=object))  # offsets repeat: test each tail once
    tail_has_offset = np.array([bool(_OFFSET_RE.search(t)) for t in tails], dtype=bool)
    has_offset = (tail_has_offset[codes] if len(tails) else np.zeros(n, dtype=bool)) & ~dated_only
    utc = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    nonexistent = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    if has_offset.any():
        aware = _to_datetime(s[has_offset], utc=True)
        utc[has_offset] = aware.dt.as_unit("ns")
    naive_mask = ~has_offset & ~dated_only
    if naive_mask.any():
        wall = _to_datetime(s[naive_mask], utc=False)
        local = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        odd = (local.isna() & wall.notna()).to_numpy()
        if odd.any():
            odd_wall = wall[odd]
            shifted = odd_wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
            is_amb = shifted.isna().to_numpy()
            resolved = pd.Series(pd.NaT, index=odd_wall.index, dtype="datetime64[ns, UTC]")
            if (~is_amb).any():
                resolved[~is_amb] = _shift_by_gap(odd_wall[~is_amb], shifted[~is_amb], tz)
            if is_amb.any():
                resolved[is_amb] = _resolve_ambiguous(odd_wall[is_amb], tz, repeat_key)
            local = local.dt.tz_convert("UTC").dt.as_unit("ns")
            local[odd] = resolved
            pos = np.flatnonzero(naive_mask)[odd]
            nonexistent[pos[~is_amb]] = True
            ambiguous[pos[is_amb]] = True
        utc[naive_mask] = local.dt.tz_convert("UTC").dt.as_unit("ns")
    return utc, naive_mask & utc.notna().to_numpy(), nonexistent, ambiguous


def _to_datetime(s: pd.Series, utc: bool) -> pd.Series:
    try:
        return pd.to_datetime(s, utc=utc, format="ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):  # e.g. an offset the pattern missed: go one by one
        return pd.Series([_one_datetime(v, utc) for v in s], index=s.index)


def _one_datetime(value: str, utc: bool):
    try:
        t = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if utc:
        return t.tz_convert("UTC") if t.tzinfo else pd.NaT
    return pd.NaT if t.tzinfo else t


def _shift_by_gap(wall: pd.Series, transition: pd.Series, tz: str) -> pd.Series:
    """Read nonexistent wall times with the UTC offset in force just before the gap."""
    before = (transition - pd.Timedelta(seconds=1)).dt.tz_convert(tz)
    offset = before.dt.tz_localize(None) - before.dt.tz_convert("UTC").dt.tz_localize(None)
    return (wall - offset).dt.tz_localize("UTC").dt.as_unit("ns")


def _resolve_ambiguous(wall: pd.Series, tz: str, repeat_key: list[pd.Series] | None) -> pd.Series:
    """First occurrence of an ambiguous wall time; in interval counts a queue's repeat takes the second."""
    ones = np.ones(len(wall), dtype=bool)
    a = wall.dt.tz_localize(tz, ambiguous=ones).dt.tz_convert("UTC").dt.as_unit("ns")
    b = wall.dt.tz_localize(tz, ambiguous=~ones).dt.tz_convert("UTC").dt.as_unit("ns")
    first, second = a.where(a <= b, b), a.where(a > b, b)
    if repeat_key is None:
        return first
    keys = pd.DataFrame({"c": repeat_key[0][wall.index], "l": repeat_key[1][wall.index], "w": wall})
    repeat = (keys.groupby(["c", "l", "w"], sort=False).cumcount() == 1).to_numpy()
    return first.where(~repeat, second)


# --------------------------------------------------------------------------- checks


class _Rejects:
    """Collects the first problem of each bad row: file column, raw value and reason."""

    def __init__(self, index: pd.Index, names: dict[str, str]):
        self.names = names
        self.reason = pd.Series(None, index=index, dtype=object)
        self.column = pd.Series(None, index=index, dtype=object)

    def add(self, mask, column: str, reason: str | pd.Series) -> None:
        new = np.asarray(mask, dtype=bool) & self.reason.isna().to_numpy()
        if not new.any():
            return
        rows = self.reason.index[new]
        self.reason[rows] = reason[rows] if isinstance(reason, pd.Series) else reason
        self.column[rows] = column

    def frame(self, raw: pd.DataFrame) -> pd.DataFrame:
        bad = self.reason.notna()
        if not bad.any():
            return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype=object),
                                 "value": pd.Series(dtype=object), "reason": pd.Series(dtype=object)})
        file_cols = self.column[bad].map(self.names)
        values = pd.Series("", index=file_cols.index, dtype=object)
        for col, rows in file_cols.groupby(file_cols).groups.items():
            values[rows] = raw.loc[rows, col].to_numpy(dtype=object)
        out = pd.DataFrame({"row": np.asarray(file_cols.index, dtype="int64") + 2, "column": file_cols.to_numpy(),
                            "value": values.to_numpy(), "reason": self.reason[bad].to_numpy()})
        return out.sort_values("row", kind="stable").reset_index(drop=True)


def _check_times(rejects: _Rejects, stripped: pd.Series, utc: pd.Series, column: str) -> None:
    rejects.add(stripped == "", column, "empty; expected a date and time")
    unread = utc.isna().to_numpy()
    date_only = np.zeros(len(stripped), dtype=bool)
    if unread.any():
        date_only[unread] = stripped[unread].str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}").to_numpy(dtype=bool)
    rejects.add(date_only, column,
                "a date without a time of day; expected ISO 8601 like 2026-03-02T09:15:00+01:00")
    rejects.add(utc.isna(), column, "not a date and time; expected ISO 8601 like 2026-03-02T09:15:00+01:00, "
                                    "2026-03-02T08:15:00Z or 2026-03-02 09:15:00 (local)")


def _check_channel(rejects: _Rejects, channel: pd.Series, config: Config) -> None:
    known = sorted(config.channels)
    rejects.add(~channel.isin(known), "channel",
                f"unknown channel; expected one of {', '.join(known)} (the channels of planner.toml; "
                f"map other names under [history.values.channel])")


def _check_language(rejects: _Rejects, language: pd.Series, config: Config) -> None:
    allowed = config.team.languages
    if allowed:
        rejects.add(~language.isin(allowed), "language",
                    f"unknown language; expected one of {', '.join(allowed)} (team.languages in planner.toml)")
    else:
        rejects.add(~language.isin(ISO_639_1), "language",
                    "not an ISO 639-1 language code; expected a two-letter code like en, de or es")


def _number(rejects: _Rejects, raw: pd.DataFrame, column: str, required: bool, what: str) -> pd.Series | None:
    """Parse a numeric column; reject text, negative and non-finite values (empty: NaN if optional)."""
    if column not in rejects.names:
        return None
    text = raw[rejects.names[column]].to_numpy(dtype=object)
    empty = text == ""
    filled = np.where(empty, "nan", text)
    try:  # fast path: every cell a number (float() ignores surrounding spaces)
        value = np.asarray(filled, dtype=float)
    except ValueError:
        value = pd.to_numeric(pd.Series(filled).str.strip(), errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(value)
    token = empty.copy()  # empty or a placeholder such as "NaN", "n/a", "null"
    other = missing & ~empty
    if other.any():
        token[other] = pd.Series(text[other]).str.strip().str.lower().isin(_NA_TOKENS).to_numpy()
    if required:
        rejects.add(token, column, f"empty; expected {what} >= 0")
    rejects.add(missing & ~token, column, f"not a number; expected {what} >= 0")
    rejects.add(np.isinf(value), column, f"not a finite number; expected {what} >= 0")
    rejects.add(value < 0, column, f"negative; expected {what} >= 0")
    return pd.Series(value, index=raw.index)


def _check_duplicates(rejects: _Rejects, channel: pd.Series, language: pd.Series, interval: pd.Series) -> int:
    """Reject the second and later rows of a queue's interval, naming the first row; return their count."""
    ok = rejects.reason.isna()
    keys = pd.DataFrame({"c": channel[ok], "l": language[ok], "t": interval[ok]})
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return 0
    d = keys[dup]
    first_row = pd.Series(d.index + 2, index=d.index).groupby([d["c"], d["l"], d["t"]]).transform("min")
    later = d.index[d.index + 2 != first_row.to_numpy()]
    reason = ("duplicate interval of queue " + d["c"] + ":" + d["l"] + "; the same interval is at row "
              + first_row.astype(str))
    mask = np.zeros(len(rejects.reason), dtype=bool)
    mask[rejects.reason.index.get_indexer(later)] = True
    rejects.add(mask, "interval_start", reason.reindex(rejects.reason.index))
    return len(later)


def _grid_marks(interval_minutes: int, phase: int) -> str:
    marks = [f":{m:02d}" for m in range(phase % interval_minutes, 60, interval_minutes)] or [f":{phase:02d}"]
    return marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + " or " + marks[-1]


def _bad_rows_message(rejected: pd.DataFrame) -> str:
    n = len(rejected)
    head = f"{n} bad row(s)" + (f", the first {MAX_LISTED}:" if n > MAX_LISTED else ":")
    lines = [f"  row {r.row}, column '{r.column}': {r.reason}; got {r.value!r}"
             for r in rejected.head(MAX_LISTED).itertuples(index=False)]
    return "\n".join([head, *lines, "Fix them, or skip them with --skip-bad-rows (skip_bad_rows=True), "
                                    "which lists each skipped row with its reason."])


# --------------------------------------------------------------------------- aggregation


def _count_contacts(channel: pd.Series, language: pd.Series, interval: pd.Series,
                    handle_s: pd.Series | None) -> pd.DataFrame:
    """Count contacts per queue x interval; aht_s is the mean of the known handle times."""
    contacts = pd.DataFrame({C.CHANNEL: channel, C.LANGUAGE: language, C.INTERVAL_START: interval,
                             "h": handle_s if handle_s is not None else np.nan})
    grouped = contacts.groupby([C.CHANNEL, C.LANGUAGE, C.INTERVAL_START], sort=False)
    out = grouped["h"].agg(["size", "mean"]).reset_index()
    return pd.DataFrame({C.INTERVAL_START: out[C.INTERVAL_START], C.CHANNEL: out[C.CHANNEL],
                         C.LANGUAGE: out[C.LANGUAGE], C.VOLUME: out["size"].astype(float),
                         C.AHT_S: out["mean"].astype(float)})


def _fill_open_intervals(observed: pd.DataFrame, config: Config, report_gaps: bool):
    """Add volume-0 rows for open intervals missing between each queue's first and last observation."""
    step = pd.Timedelta(minutes=config.team.interval_minutes)
    tz = config.team.home_timezone
    parts, gaps, gap_count, filled = [observed], [], 0, 0
    for (ch, lang), g in observed.groupby(C.QUEUE_KEYS, sort=True):
        full = pd.date_range(g[C.INTERVAL_START].min(), g[C.INTERVAL_START].max(), freq=step)
        open_ = full[open_mask(full, config.open_hours_for(ch, lang), tz, config.team.interval_minutes)]
        missing = ~open_.isin(g[C.INTERVAL_START])
        if not missing.any():
            continue
        starts = open_[missing]
        filled += len(starts)
        parts.append(pd.DataFrame({C.INTERVAL_START: starts, C.CHANNEL: ch, C.LANGUAGE: lang,
                                   C.VOLUME: 0.0, C.AHT_S: np.nan}))
        if report_gaps:
            pos = np.flatnonzero(missing)
            cuts = np.flatnonzero(np.diff(pos) != 1) + 1
            for run in np.split(pos, cuts):
                gaps.append((C.queue_name(ch, lang), open_[run[0]], open_[run[-1]]))
            gap_count += len(pos)
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if len(observed) else observed
    frame = frame.astype({C.VOLUME: float, C.AHT_S: float})
    frame[C.INTERVAL_START] = pd.to_datetime(frame[C.INTERVAL_START], utc=True).dt.as_unit("ns")
    frame = frame.sort_values([C.CHANNEL, C.LANGUAGE, C.INTERVAL_START], kind="stable")
    return frame[C.HISTORY_COLUMNS].reset_index(drop=True), tuple(gaps), gap_count, filled
