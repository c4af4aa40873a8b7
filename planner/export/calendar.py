"""Per-agent files: an iCalendar (.ics) and a CSV of each agent's shifts, in the agent's own zone.

iCalendar choices (RFC 5545): lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character; TEXT values escape backslash, semicolon, comma and newline.
Times carry the agent's IANA zone as TZID and each file embeds a VTIMEZONE for it, built
from zoneinfo: the offset in force before the week, plus every transition from two days
before the first shift to two days after the last (no RRULE, so it is exact for the
dates the file covers even when a zone's rules change). A shift starting in the repeated
hour of a fall-back change cannot be named by local time (RFC 5545 reads an ambiguous
local time as its first occurrence), so such a shift is written in UTC ("...Z") instead.
One VEVENT per shift, with a UID stable across re-exports (week, agent, local start) and
a DTSTAMP of the export time. File names are the agent_id with characters outside
[A-Za-z0-9._-] replaced by "_", Windows device names (CON, NUL...) prefixed with "_", and a
number added if two ids collide.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pandas as pd

from planner import __version__
from planner.agents import Agent
from planner.config import Config
from planner.errors import OutputError
from planner.export.cells import csv_safe
from planner.export.schedule import shift_table, shift_text
from planner.fileio import atomic_path
from planner.roster.result import RosterResult
from planner.timegrid import week_bounds

CRLF = "\r\n"
PRODID = f"-//planner//roster export {__version__}//EN"
CSV_COLUMNS = ["agent_id", "name", "time_zone", "local_date", "weekday", "start", "end", "break_start", "break_end",
               "start_utc", "end_utc", "paid_hours", "queues"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10)}


def escape_text(value: object) -> str:
    """Escape an iCalendar TEXT value: backslash, semicolon, comma, newline; drop other controls."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)  # keeps tab and newline
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into CRLF-separated pieces of at most `limit` octets (UTF-8)."""
    if len(line) * 4 <= limit or len(line.encode("utf-8")) <= limit:
        return line
    pieces, current, size = [], [], 0
    room = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > room:
            pieces.append("".join(current))
            current, size, room = [], 0, limit - 1  # a continuation line starts with one space
        current.append(ch)
        size += n
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def safe_file_stem(agent_id: str, taken: set[str]) -> str:
    """Return a file-name stem for `agent_id` that is safe on every OS and not in `taken`."""
    stem = _UNSAFE_NAME.sub("_", agent_id).lstrip(".") or "agent"
    if stem.split(".")[0].upper() in _RESERVED_NAMES:  # Windows device names
        stem = "_" + stem
    candidate, n = stem, 2
    while candidate.lower() in taken:
        candidate, n = f"{stem}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _offset_text(offset: timedelta) -> str:
    total = int(offset.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}{m:02d}" + (f"{s:02d}" if s else "")


def zone_transitions(tz: str, start: datetime, end: datetime) -> list[datetime]:
    """Return the UTC instants in [start, end) at which zone `tz` changes its UTC offset."""
    zone = ZoneInfo(tz)
    out = []
    step = timedelta(hours=1)
    t = start
    prev = t.astimezone(zone).utcoffset()
    while t < end:
        nxt = min(t + step, end)
        off = nxt.astimezone(zone).utcoffset()
        if off != prev:
            lo, hi = t, nxt  # offset(lo) == prev, offset(hi) != prev: bisect to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(hi.replace(microsecond=0))
            prev = off
        t = nxt
    return out


def vtimezone(tz: str, start: datetime, end: datetime) -> list[str]:
    """Return the VTIMEZONE lines of zone `tz` valid for UTC instants in [start, end)."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{escape_text(tz)}"]

    def observance(onset_local: datetime, before: timedelta, after_dt: datetime) -> list[str]:
        kind = "DAYLIGHT" if after_dt.dst() else "STANDARD"
        return [f"BEGIN:{kind}", f"DTSTART:{onset_local:%Y%m%dT%H%M%S}", f"TZOFFSETFROM:{_offset_text(before)}",
                f"TZOFFSETTO:{_offset_text(after_dt.utcoffset())}", f"TZNAME:{escape_text(after_dt.tzname())}",
                f"END:{kind}"]

    lines += observance(datetime(1970, 1, 1), first.utcoffset(), first)
    for when in zone_transitions(tz, start, end):
        before = (when - timedelta(seconds=1)).astimezone(zone).utcoffset()
        after = when.astimezone(zone)
        onset = (when + before).replace(tzinfo=None)  # wall-clock time in the old offset
        lines += observance(onset, before, after)
    lines.append("END:VTIMEZONE")
    return lines


def _event_times(start_utc: pd.Timestamp, end_utc: pd.Timestamp, tz: str) -> list[str]:
    """Return DTSTART/DTEND lines in the agent's zone, or in UTC when a local time is ambiguous."""
    zone = ZoneInfo(tz)
    lines = []
    local = [t.to_pydatetime().astimezone(zone) for t in (start_utc, end_utc)]
    unambiguous = all(t.replace(tzinfo=None, fold=0).replace(tzinfo=zone).utcoffset() == t.utcoffset()
                      for t in local)
    for name, t_utc, t_local in zip(("DTSTART", "DTEND"), (start_utc, end_utc), local):
        if unambiguous:
            lines.append(f"{name};TZID={tz}:{t_local:%Y%m%dT%H%M%S}")
        else:
            lines.append(f"{name}:{t_utc.tz_convert('UTC'):%Y%m%dT%H%M%SZ}")
    return lines


def agent_calendar(agent: Agent, shifts: list[dict], week: str, home_tz: str, stamp: datetime) -> str:
    """Return the iCalendar text (CRLF lines, folded) of one agent's shifts.

    `shifts` are the agent's rows of `shift_table` as records (local_start/local_end and UTC instants).
    """
    tz = agent.timezone
    week_start, week_end = week_bounds(week, home_tz)
    lo = min([week_start] + [pd.Timestamp(r["start_utc"]) for r in shifts]) - pd.Timedelta(days=2)
    hi = max([week_end] + [pd.Timestamp(r["end_utc"]) for r in shifts]) + pd.Timedelta(days=2)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(f'Shifts {week} - {agent.name}')}", f"X-WR-TIMEZONE:{escape_text(tz)}"]
    lines += vtimezone(tz, lo.to_pydatetime(), hi.to_pydatetime())
    dtstamp = stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for r in shifts:
        day = pd.Timestamp(r["local_date"]).date()
        brk_s = None if pd.isna(r["break_start_local"]) else r["break_start_local"]
        brk_e = None if pd.isna(r["break_end_local"]) else r["break_end_local"]
        text = shift_text(day, r["local_start"], r["local_end"], brk_s, brk_e)
        uid = f"{week}-{quote(agent.agent_id, safe='')}-{r['local_start']:%Y%m%dT%H%M}@planner"
        description = [f"{agent.name} ({agent.agent_id})", f"Shift {text} ({tz})",
                       f"Paid hours: {float(r['paid_hours']):g}"]
        if r["queues"]:
            description.append(f"Queues: {r['queues']}")
        lines += ["BEGIN:VEVENT", f"UID:{escape_text(uid)}", f"DTSTAMP:{dtstamp}"]
        lines += _event_times(pd.Timestamp(r["start_utc"]), pd.Timestamp(r["end_utc"]), tz)
        lines += [f"SUMMARY:{escape_text('Shift ' + text)}", f"DESCRIPTION:{escape_text(chr(10).join(description))}",
                  "TRANSP:OPAQUE", "STATUS:CONFIRMED", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def agent_csv(agent: Agent, shifts: list[dict]) -> str:
    """Return the CSV text of one agent's shifts (local times in the agent's zone; formula-safe text)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in shifts:
        day = pd.Timestamp(r["local_date"]).date()
        brk = [None if pd.isna(t) else f"{t:%Y-%m-%d %H:%M}" for t in (r["break_start_local"], r["break_end_local"])]
        row = [agent.agent_id, agent.name, agent.timezone, day.isoformat(), f"{day:%a}",
               f"{r['local_start']:%Y-%m-%d %H:%M}", f"{r['local_end']:%Y-%m-%d %H:%M}", brk[0], brk[1],
               f"{pd.Timestamp(r['start_utc']).tz_convert('UTC'):%Y-%m-%dT%H:%M:%SZ}",
               f"{pd.Timestamp(r['end_utc']).tz_convert('UTC'):%Y-%m-%dT%H:%M:%SZ}", f"{float(r['paid_hours']):g}",
               r["queues"]]
        writer.writerow([csv_safe(v) for v in row])
    return buf.getvalue()


def write_agent_files(folder: str | Path, *, config: Config, week: str, agents: tuple[Agent, ...],
                      roster: RosterResult, stamp: datetime | None = None) -> list[Path]:
    """Write <agent_id>.ics and <agent_id>.csv for every agent into `folder`; return the paths.

    Every agent gets both files, with no events/rows for a week off. `stamp` is the
    DTSTAMP (default: now, UTC). Each file is written atomically; OutputError if not possible.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the per-agent calendars")
    stamp = stamp or datetime.now(timezone.utc)
    home_tz = config.team.home_timezone
    table = shift_table(roster, tuple(agents), home_tz, config.team.interval_minutes)
    groups: dict[str, list[dict]] = {}
    for record in table.to_dict("records"):
        groups.setdefault(record["agent_id"], []).append(record)
    written: list[Path] = []
    taken: set[str] = set()
    for agent in agents:
        shifts = groups.get(agent.agent_id, [])
        stem = safe_file_stem(agent.agent_id, taken)
        for suffix, text, encoding in ((".ics", agent_calendar(agent, shifts, week, home_tz, stamp), "utf-8"),
                                       (".csv", agent_csv(agent, shifts), "utf-8-sig")):
            path = folder / f"{stem}{suffix}"
            with atomic_path(path) as tmp:
                tmp.write_bytes(text.encode(encoding))
            written.append(path)
    return written
