"""The team: who can work, where they live, which queues they serve, their contract.

`read_agents` reads rosters/agents.csv (or .xlsx) into `Agent`s, checking every row;
`agents_frame` / `write_agents` turn them back into a table that `read_agents` reads
again; `read_time_off` reads approved leave (local dates or times in each agent's zone)
into UTC spans; `read_shift_requests` reads the agents' wishes to work or not work a
shift type (or any shift) on a local date. Bad rows raise one `InputError` listing the first few, each with its
row (header = row 1), column, the value found and what is expected.

Defaults of the agents file: min_hours and max_hours default to contract_hours;
days_per_week empty = as many days as the hours need; empty times = no bound; empty
night_ok = false; empty skills = channels x languages. A `skills` cell overrides
channels x languages: each skill must use a channel of planner.toml and a valid language,
and, where the row lists channels or languages, one of those (empty channels/languages
cells are then taken from the skills).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pandas as pd

from planner.config import ISO_639_1, MAX_SHIFTS_PER_PERIOD, MAX_WEEKS_PER_PERIOD, Config, RulesConfig, parse_weekdays
from planner.errors import ConfigError, InputError
from planner.fileio import EXCEL_SUFFIXES, read_table, write_csv
from planner.timegrid import local_to_utc, period_bounds


@dataclass(frozen=True)
class Agent:
    """One agent. Times are local wall-clock times in the agent's own `timezone`.

    skills: the queues (channel, language) the agent may serve; by default the agent's
    channels x languages. contract_hours/min_hours/max_hours are paid hours per week
    (over a planning period of several weeks, weeks x these, averaged over the period).
    days_per_week: the number of working days the contract asks for a week (None: as the hours need).
    earliest_start/latest_end bound shifts (None: no bound; latest_end before
    earliest_start means a window across midnight). days_off: weekdays never worked
    (Monday = 0). night_ok: may work shifts touching 00:00-06:00 local.
    max_weekend_days, max_working_weekends, max_shifts_of_type (per type), min_consecutive_days,
    min_consecutive_days_off and max_consecutive_days override planner.toml's [rules]
    for this agent (None / empty: the team's rule); see `agent_limits`.
    """

    agent_id: str
    name: str
    timezone: str
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    skills: tuple[tuple[str, str], ...]
    contract_hours: float
    min_hours: float
    max_hours: float
    days_per_week: int | None = None
    earliest_start: time | None = None
    latest_end: time | None = None
    days_off: frozenset[int] = frozenset()
    preferred_start: time | None = None
    team: str = ""
    night_ok: bool = False
    row: int | None = None  # line in the agents file, for messages
    max_weekend_days: int | None = None
    max_shifts_of_type: tuple[tuple[str, int], ...] = ()
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_consecutive_days: int | None = None
    max_working_weekends: int | None = None

    @property
    def skill_profile(self) -> tuple[tuple[str, str], ...]:
        """Return the sorted skill set: agents with the same profile are interchangeable for coverage."""
        return tuple(sorted(self.skills))


@dataclass(frozen=True)
class AgentLimits:
    """The rule limits that hold for one agent: its own agents.csv values, else planner.toml's [rules]."""

    max_consecutive_days: int
    min_consecutive_days: int
    min_consecutive_days_off: int
    max_weekend_days: int | None  # days worked of each local weekend; None: no limit
    max_shifts_of_type: tuple[tuple[str, int], ...]  # (shift type, most shifts of it per planning period)
    max_working_weekends: int | None = None  # weekends worked (Saturday or Sunday) per planning period; None: no limit


def agent_limits(agent: Agent, rules: RulesConfig) -> AgentLimits:
    """Return the agent's limits: each agents.csv value overrides the team's rule (per shift type for type maxima)."""
    types = dict(rules.max_shifts_of_type)
    types.update(agent.max_shifts_of_type)
    order = [t.name for t in rules.shift_types]
    return AgentLimits(
        max_consecutive_days=_own(agent.max_consecutive_days, rules.max_consecutive_days),
        min_consecutive_days=_own(agent.min_consecutive_days, rules.min_consecutive_days),
        min_consecutive_days_off=_own(agent.min_consecutive_days_off, rules.min_consecutive_days_off),
        max_weekend_days=_own(agent.max_weekend_days, rules.max_weekend_days),
        max_working_weekends=_own(agent.max_working_weekends, rules.max_working_weekends),
        max_shifts_of_type=tuple(sorted(types.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                                        else len(order), kv[0]))))


def _own(value, team):
    return team if value is None else value


LIMIT_COLUMNS = ["max_weekend_days", "max_shifts_of_type", "min_consecutive_days", "min_consecutive_days_off",
                 "max_consecutive_days", "max_working_weekends"]
AGENT_COLUMNS = ["agent_id", "name", "team", "timezone", "languages", "channels", "skills", "contract_hours",
                 "min_hours", "max_hours", "days_per_week", "earliest_start", "latest_end", "days_off",
                 "preferred_start", "night_ok", *LIMIT_COLUMNS]
REQUIRED_AGENT_COLUMNS = ["agent_id", "name", "timezone", "languages", "channels", "contract_hours"]
TIME_OFF_COLUMNS = ["agent_id", "start_utc", "end_utc", "reason", "kind"]
# leave: counts as worked (lowers the contract's hours and days); unavailable: cannot work, the contract stays
TIME_OFF_KINDS = ("leave", "unavailable")
REQUIRED_TIME_OFF_COLUMNS = ["agent_id", "start", "end"]
SHIFT_REQUEST_COLUMNS = ["agent_id", "local_date", "shift_type", "want", "weight"]
REQUIRED_REQUEST_COLUMNS = ["agent_id", "date", "want"]
DEFAULT_WISH_WEIGHT = 1.0  # objective points an unmet shift wish costs when the file gives no weight
MAX_WISH_WEIGHT = 1_000_000.0
MAX_CONTRACT_HOURS = 80.0
MAX_LISTED = 5

_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TRUE = frozenset({"true", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "0", "0.0", ""})
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_WHEN_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_END_OF_DAY = time(23, 59, 59, 999999)  # "24:00", as config.parse_clock returns it
NIGHT_END_MIN = 6 * 60  # night_ok=False: no work between 00:00 and 06:00 local


# --------------------------------------------------------------------------- agents


def read_agents(path: str | Path, config: Config) -> tuple[Agent, ...]:
    """Read and check the team file (CSV or XLSX, one row per agent) into Agents, in file order."""
    p = Path(path)
    raw, names = _read_table(p, "agents file")
    required = [c for c in REQUIRED_AGENT_COLUMNS
                if not ("skills" in names and c in ("languages", "channels"))]
    _require(p, names, required, "agents file")
    problems = _Problems(p, "agent")
    agents: list[Agent] = []
    first_row: dict[str, int] = {}
    for row, cells in _rows(raw, names):
        r = _Row(row, cells)
        agent = _parse_agent(r, config)
        agent_id = r.cell("agent_id")
        if agent_id in first_row:
            r.fail("agent_id", agent_id, f"each agent_id once; row {first_row[agent_id]} has it too")
        elif agent_id:
            first_row[agent_id] = row
        if r.errors:
            problems.add(row, r.errors)
        elif agent is not None:
            agents.append(agent)
    problems.raise_if_any()
    if not agents:
        raise InputError(p, "has no agents; expected one row per agent under the header row")
    return tuple(agents)


def agents_frame(agents: Iterable[Agent]) -> pd.DataFrame:
    """Return one readable row per agent (columns AGENT_COLUMNS), for display and export."""
    rows = [{
        "agent_id": a.agent_id, "name": a.name, "team": a.team, "timezone": a.timezone,
        "languages": ";".join(a.languages), "channels": ";".join(a.channels),
        "skills": ";".join(f"{c}:{lang}" for c, lang in a.skills),
        "contract_hours": float(a.contract_hours), "min_hours": float(a.min_hours),
        "max_hours": float(a.max_hours), "days_per_week": a.days_per_week,
        "earliest_start": _clock_text(a.earliest_start), "latest_end": _clock_text(a.latest_end),
        "days_off": ";".join(_WEEKDAY_NAMES[d] for d in sorted(a.days_off)),
        "preferred_start": _clock_text(a.preferred_start), "night_ok": bool(a.night_ok),
        "max_weekend_days": a.max_weekend_days,
        "max_shifts_of_type": ";".join(f"{t}:{n}" for t, n in a.max_shifts_of_type),
        "min_consecutive_days": a.min_consecutive_days, "min_consecutive_days_off": a.min_consecutive_days_off,
        "max_consecutive_days": a.max_consecutive_days, "max_working_weekends": a.max_working_weekends,
    } for a in agents]
    frame = pd.DataFrame(rows, columns=AGENT_COLUMNS)
    for column in ("days_per_week", "max_weekend_days", "min_consecutive_days", "min_consecutive_days_off",
                   "max_consecutive_days", "max_working_weekends"):
        frame[column] = frame[column].astype("Int64")
    frame["night_ok"] = frame["night_ok"].astype(bool)
    return frame


def write_agents(agents: Iterable[Agent], path: str | Path) -> Path:
    """Write the team as CSV atomically (temp file + rename), readable again by `read_agents`."""
    frame = agents_frame(agents)
    frame["night_ok"] = frame["night_ok"].map({True: "true", False: "false"})
    return write_csv(frame, path)


def _parse_agent(r: "_Row", config: Config) -> Agent | None:
    """Parse and check one row; problems go to `r.errors` (None if the row cannot make an Agent)."""
    agent_id = r.cell("agent_id")
    if not agent_id:
        r.fail("agent_id", agent_id, "a non-empty, unique agent id like A001")
    tz = _timezone(r)
    languages = _languages(r, r.cell("languages"), "languages", config)
    channels = _channels(r, r.cell("channels"), "channels", config)
    skills = _skills(r, config, languages, channels)
    if skills and not languages:
        languages = tuple(dict.fromkeys(lang for _, lang in skills))
    if skills and not channels:
        channels = tuple(dict.fromkeys(c for c, _ in skills))
    if not skills and not r.errors:
        r.fail("channels", r.cell("channels"), "at least one skill: a channel and a language "
               "(or a skills cell like phone:en)")
    contract = _number(r, "contract_hours", required=True)
    if contract is not None and not 0 < contract <= MAX_CONTRACT_HOURS:
        r.fail("contract_hours", r.cell("contract_hours"),
               f"weekly hours above 0 and at most {MAX_CONTRACT_HOURS:g}")
        contract = None
    min_h = _number(r, "min_hours")
    max_h = _number(r, "max_hours")
    days_per_week = _days_per_week(r)
    days_off = _days_off(r)
    earliest = _clock(r, "earliest_start")
    latest = _clock(r, "latest_end", end=True)
    preferred = _clock(r, "preferred_start")
    night_ok = _boolean(r, "night_ok")
    weekend = _whole(r, "max_weekend_days", 0, 2, "days worked of each weekend")
    type_limits = _type_limits(r, config)
    min_run = _whole(r, "min_consecutive_days", 1, 7, "working days in a row")
    min_off = _whole(r, "min_consecutive_days_off", 1, 7, "days off in a row")
    max_run = _whole(r, "max_consecutive_days", 1, 14, "working days in a row")
    working_weekends = _whole(r, "max_working_weekends", 0, MAX_WEEKS_PER_PERIOD,
                              "weekends worked per planning period")
    if min_run is not None or max_run is not None:
        lo, hi = _own(min_run, config.rules.min_consecutive_days), _own(max_run, config.rules.max_consecutive_days)
        if lo > hi:
            column = "min_consecutive_days" if min_run is not None else "max_consecutive_days"
            r.fail(column, r.cell(column), f"min_consecutive_days ({lo}) at most max_consecutive_days ({hi}); "
                   "an empty cell takes planner.toml's [rules] value")
    fits = window_lengths(config.rules, earliest, latest, bool(night_ok))
    if contract is not None:
        min_h = contract if min_h is None else min_h
        max_h = contract if max_h is None else max_h
        _check_hours(r, config, contract, min_h, max_h, days_per_week, days_off, max_run, fits)
    if night_ok is not None:
        _check_window(r, config, earliest, latest, night_ok, fits)
    if r.errors or contract is None or tz is None:
        return None
    return Agent(agent_id=agent_id, name=r.cell("name"), timezone=tz, languages=languages, channels=channels,
                 skills=skills, contract_hours=contract, min_hours=min_h, max_hours=max_h,
                 days_per_week=days_per_week, earliest_start=earliest, latest_end=latest,
                 days_off=days_off or frozenset(), preferred_start=preferred, team=r.cell("team"),
                 night_ok=bool(night_ok), row=r.row, max_weekend_days=weekend, max_shifts_of_type=type_limits,
                 min_consecutive_days=min_run, min_consecutive_days_off=min_off, max_consecutive_days=max_run,
                 max_working_weekends=working_weekends)


def _whole(r: "_Row", column: str, lo: int, hi: int, what: str) -> int | None:
    """Parse an optional whole number from lo to hi (empty: None, the team's rule)."""
    text = r.cell(column)
    if not text:
        return None
    value = _to_float(text)
    if value is None or value != int(value) or not lo <= value <= hi:
        r.fail(column, text, f"a whole number of {what} from {lo} to {hi}, or empty for planner.toml's [rules] value")
        return None
    return int(value)


def _type_limits(r: "_Row", config: Config) -> tuple[tuple[str, int], ...]:
    """Parse max_shifts_of_type like "night:2;late:3" against planner.toml's [rules.shift_types]."""
    text = r.cell("max_shifts_of_type")
    names = [t.name for t in config.rules.shift_types]
    out: dict[str, int] = {}
    for part in _split(text):
        name, sep, limit = (s.strip() for s in part.partition(":"))
        value = _to_float(limit) if sep else None
        if name not in names or value is None or value != int(value) or not 0 <= value <= MAX_SHIFTS_PER_PERIOD:
            known = ", ".join(names) or "none defined"
            r.fail("max_shifts_of_type", text, f"shift type:most shifts per planning period "
                   f"(0-{MAX_SHIFTS_PER_PERIOD}) like night:2;late:3, with the "
                   f"shift types of [rules.shift_types] in planner.toml ({known}); cannot read '{part}'")
            return ()
        out[name] = int(value)
    return tuple(out.items())


def _timezone(r: "_Row") -> str | None:
    text = r.cell("timezone")
    if text:
        try:
            ZoneInfo(text)
            return text
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
            pass
    hint = ""
    matches = [z for z in available_timezones() if z.lower() == text.lower()] if text else []
    if matches:
        hint = f" (did you mean '{matches[0]}'?)"
    r.fail("timezone", text, f"an IANA time zone like Europe/Berlin{hint}")
    return None


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace(",", ";").split(";") if t.strip()]


def _language_ok(lang: str, config: Config) -> bool:
    return lang in config.team.languages if config.team.languages else lang in ISO_639_1


def _language_expected(config: Config) -> str:
    if config.team.languages:
        return f"languages of team.languages in planner.toml: {', '.join(config.team.languages)}"
    return "ISO 639-1 two-letter language codes like en;de"


def _languages(r: "_Row", text: str, column: str, config: Config) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(t.lower() for t in _split(text)))
    bad = [t for t in out if not _language_ok(t, config)]
    if bad:
        r.fail(column, text, f"{_language_expected(config)} (unknown: {', '.join(bad)})")
        return ()
    return out


def _channels(r: "_Row", text: str, column: str, config: Config) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(t.lower() for t in _split(text)))
    bad = [t for t in out if t not in config.channels]
    if bad:
        r.fail(column, text, f"channels of planner.toml: {', '.join(config.channels)} (unknown: {', '.join(bad)})")
        return ()
    return out


def _skills(r: "_Row", config: Config, languages: tuple[str, ...],
            channels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Return the skills cell as (channel, language) pairs, or channels x languages when empty."""
    text = r.cell("skills")
    if not text:
        return tuple((c, lang) for c in channels for lang in languages)
    out: list[tuple[str, str]] = []
    for part in _split(text):
        channel, sep, lang = (s.strip().lower() for s in part.partition(":"))
        problem = None
        if not sep or not channel or not lang:
            problem = f"channel:language pairs like phone:en;chat:de (cannot read '{part}')"
        elif channel not in config.channels:
            problem = f"skills on the channels of planner.toml: {', '.join(config.channels)} (unknown: {channel})"
        elif not _language_ok(lang, config):
            problem = f"skills in {_language_expected(config)} (unknown: {lang})"
        elif r.cell("channels") and channel not in channels:
            problem = f"skills within the row's channels {';'.join(channels)} (not: {part})"
        elif r.cell("languages") and lang not in languages:
            problem = f"skills within the row's languages {';'.join(languages)} (not: {part})"
        if problem:
            if not any(e[0] in ("channels", "languages") for e in r.errors):
                r.fail("skills", text, problem)
            return ()
        out.append((channel, lang))
    return tuple(dict.fromkeys(out))


def _number(r: "_Row", column: str, required: bool = False) -> float | None:
    text = r.cell(column)
    if not text:
        if required:
            r.fail(column, text, "a number of hours per week like 40")
        return None
    value = _to_float(text)
    if value is None or value < 0:
        r.fail(column, text, "a number of hours per week like 40 (0 or more)")
        return None
    return value


def _to_float(text: str) -> float | None:
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _days_per_week(r: "_Row") -> int | None:
    text = r.cell("days_per_week")
    if not text:
        return None
    value = _to_float(text)
    if value is None or value != int(value) or not 1 <= value <= 7:
        r.fail("days_per_week", text, "a whole number of working days from 1 to 7")
        return None
    return int(value)


def _days_off(r: "_Row") -> frozenset[int] | None:
    text = r.cell("days_off")
    try:
        days = parse_weekdays(text, "days_off")
    except ConfigError:
        r.fail("days_off", text, "weekdays never worked like sat;sun (mon tue wed thu fri sat sun)")
        return None
    if len(days) == 7:
        r.fail("days_off", text, "at least one day that is not off")
        return None
    return days


def _clock(r: "_Row", column: str, end: bool = False) -> time | None:
    """Parse a local clock time "HH:MM" (also "HH:MM:SS" from Excel; "24:00" only as an end)."""
    text = r.cell(column)
    if not text:
        return None
    m = _CLOCK_RE.match(text)
    if m:
        h, mnt, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if end and h == 24 and mnt == 0 and sec == 0:
            return _END_OF_DAY
        if h < 24 and mnt < 60 and sec == 0:
            return time(h, mnt)
    r.fail(column, text, "a local time like 07:00" + (" (24:00 for midnight)" if end else ""))
    return None


def _boolean(r: "_Row", column: str) -> bool | None:
    text = r.cell(column).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    r.fail(column, r.cell(column), "true or false (also yes/no, 1/0, or empty for false)")
    return None


def window_lengths(rules: RulesConfig, earliest: time | None, latest: time | None,
                   night_ok: bool) -> tuple[float, ...]:
    """Return the paid lengths (hours) of the shifts an agent's local window lets it work, shortest first.

    A shift starts on rules.start_step_minutes at or after `earliest`, lasts one of the
    lengths its start allows (rules.lengths_for: its shift type's own hours, else
    rules.shift_hours) and ends by `latest` (None: open; a window across midnight holds
    the evening starts and the early-morning tail); without night_ok it keeps out of
    00:00-06:00. Local clock times: a DST change day may differ by its hour.
    """
    es = None if earliest is None else _minutes(earliest)
    le = None if latest is None else _minutes(latest)
    out: set[float] = set()
    for start in range(0, 1440, rules.start_step_minutes):
        limit = None
        if es is not None or le is not None:
            lo = es or 0
            if le is None or le > lo:
                ok, limit = start >= lo, le
            else:  # across midnight: the evening part, or the early-morning tail
                ok, limit = (True, 1440 + le) if start >= lo else (start < le, le)
            if not ok:
                continue
        if not night_ok:
            if start < NIGHT_END_MIN:
                continue
            limit = 1440 if limit is None else min(limit, 1440)
        out.update(h for h in rules.lengths_for(start) if limit is None or start + h * 60 <= limit + 1e-9)
    return tuple(sorted(out))


def _check_hours(r: "_Row", config: Config, contract: float, min_h: float, max_h: float,
                 days_per_week: int | None, days_off: frozenset[int] | None, own_max_run: int | None = None,
                 fits: tuple[float, ...] | None = None) -> None:
    """min_hours <= contract_hours <= max_hours, and the minimum fits in the days allowed.

    Days allowed: days_per_week, else 7 less the fixed days off, never more than
    max_consecutive_days (the agent's own, else rules.max_consecutive_days: a week's
    seven days are seven in a row); each day holds at most the longest shift the agent
    can work (`fits`: window_lengths of its window; default every length of the rules).
    """
    if min_h > contract:
        r.fail("min_hours", r.cell("min_hours"), f"min_hours <= contract_hours ({contract:g})")
        return
    if max_h < contract:
        r.fail("max_hours", r.cell("max_hours"), f"max_hours >= contract_hours ({contract:g})")
        return
    if days_off is None:
        return
    open_days = 7 - len(days_off)
    if days_per_week is not None and days_per_week > open_days:
        r.fail("days_per_week", r.cell("days_per_week"),
               f"at most {open_days} days: days_off '{r.cell('days_off')}' leaves {open_days} days to work")
        return
    max_run = _own(own_max_run, config.rules.max_consecutive_days)
    run_name = "rules.max_consecutive_days" if own_max_run is None else "the agent's max_consecutive_days"
    cap = 7 - 7 // (max_run + 1)  # most days of a week with no more than max_run in a row
    if days_per_week is not None and days_per_week > cap:
        r.fail("days_per_week", r.cell("days_per_week"), f"at most {cap} days: {run_name} is {max_run}")
        return
    days, why = (days_per_week, "days_per_week") if days_per_week is not None else (
        open_days, f"7 days less {len(days_off)} days off")
    if days > cap:
        days, why = cap, run_name
    if fits is None:
        fits = window_lengths(config.rules, None, None, True)
    if not fits:
        return  # no shift fits the window at all: _check_window says so
    longest = max(fits)
    available = days * longest
    if min_h > available + 1e-9:
        column = "min_hours" if r.cell("min_hours") else "contract_hours"
        r.fail(column, r.cell(column),
               f"at most {available:g} h: the agent needs {min_h:g} h a week but only {available:g} h are "
               f"available ({days} days ({why}) x {longest:g} h, the longest shift the rules allow in the "
               f"window {_window_text(r)})")


def _minutes(t: time) -> int:
    return 24 * 60 if t == _END_OF_DAY else t.hour * 60 + t.minute


def _window_text(r: "_Row") -> str:
    """Return the row's window as written, e.g. "07:00-22:00" (an empty end reads 00:00 / 24:00)."""
    return f"{r.cell('earliest_start') or '00:00'}-{r.cell('latest_end') or '24:00'}"


def _check_window(r: "_Row", config: Config, earliest: time | None, latest: time | None, night_ok: bool,
                  fits: tuple[float, ...]) -> None:
    """A window across midnight needs night_ok; every window must hold a shift the rules allow (`fits`)."""
    if earliest is not None and latest is not None:
        start, end = _minutes(earliest), _minutes(latest)
        if start == end:
            r.fail("latest_end", r.cell("latest_end"),
                   f"a time different from earliest_start {r.cell('earliest_start')}")
            return
        if end < start and not night_ok:
            r.fail("latest_end", r.cell("latest_end"),
                   f"a time after earliest_start {r.cell('earliest_start')} (24:00 for midnight), or night_ok = true "
                   "for a window across midnight")
            return
    if fits:
        return
    column = "latest_end" if latest is not None else "earliest_start" if earliest is not None else "night_ok"
    rules = config.rules
    step = rules.start_step_minutes
    if earliest is not None and latest is not None:
        length_h = ((_minutes(latest) - _minutes(earliest)) % (24 * 60)) / 60
        shortest = min((h for m in range(0, 1440, step) for h in rules.lengths_for(m)), default=0)
        if length_h < shortest:
            r.fail(column, r.cell(column),
                   f"a window of at least {shortest:g} h (the shortest shift of rules.shift_hours and "
                   f"[rules.shift_types]); {r.cell('earliest_start')}-{r.cell('latest_end')} holds {length_h:g} h")
            return
    r.fail(column, r.cell(column),
           f"a window that holds a whole shift: no shift starting on the {step}-minute step with a length its start "
           f"allows (rules.shift_hours, or its [rules.shift_types] hours) fits {_window_text(r)}"
           f"{'' if night_ok else ' without nights (night_ok false: no work 00:00-06:00)'}")


def _clock_text(t: time | None) -> str:
    if t is None:
        return ""
    return "24:00" if t == _END_OF_DAY else f"{t.hour:02d}:{t.minute:02d}"


# --------------------------------------------------------------------------- time off


def read_time_off(path: str | Path | None, agents: Iterable[Agent], config: Config) -> pd.DataFrame:
    """Read approved time off into UTC spans: columns agent_id, start_utc, end_utc (exclusive), reason, kind.

    start/end are local dates (whole days, end inclusive) or local date-times (end
    exclusive) in each agent's own zone. The optional `kind` column says what the time
    off is: "leave" (the default, also when the column is absent: a whole day of it
    counts as worked and lowers the contract) or "unavailable" (the agent cannot work
    then, and the contract is not lowered). A missing file gives an empty frame. Local
    times that do not exist (spring forward) move forward by the gap; repeated ones
    (fall back) are the first occurrence, as `timegrid.local_to_utc`.
    """
    empty = pd.DataFrame({"agent_id": pd.Series(dtype=object),
                          "start_utc": pd.Series(dtype="datetime64[ns, UTC]"),
                          "end_utc": pd.Series(dtype="datetime64[ns, UTC]"),
                          "reason": pd.Series(dtype=object), "kind": pd.Series(dtype=object)})
    if path is None or not Path(path).exists():
        return empty
    p = Path(path)
    raw, names = _read_table(p, "time-off file", allow_empty=True)
    if raw is None:
        return empty
    _require(p, names, REQUIRED_TIME_OFF_COLUMNS, "time-off file")
    zones = {a.agent_id: a.timezone for a in agents}
    excel = p.suffix.lower() in EXCEL_SUFFIXES
    problems = _Problems(p, "time-off")
    rows = []
    for row, cells in _rows(raw, names):
        r = _Row(row, cells)
        agent_id = r.cell("agent_id")
        tz = zones.get(agent_id)
        if tz is None:
            known = ", ".join(list(zones)[:3]) + (", ..." if len(zones) > 3 else "")
            r.fail("agent_id", agent_id, f"an agent_id of the agents file ({known})")
        start = _when(r, "start", excel)
        end = _when(r, "end", excel)
        kind = r.cell("kind").lower() or "leave"
        if kind not in TIME_OFF_KINDS:
            r.fail("kind", r.cell("kind"), "leave (counts as worked: lowers the contract's hours and days; the "
                   "default when empty) or unavailable (cannot work then; the contract is not lowered)")
        if tz is not None and start is not None and end is not None:
            start_utc = _to_utc(start, tz, end=False)
            end_utc = _to_utc(end, tz, end=True)
            if end_utc <= start_utc:
                r.fail("end", r.cell("end"), f"an end after the start {r.cell('start')} (a date end is inclusive, "
                       "a date-time end exclusive)")
            else:
                rows.append((agent_id, start_utc, end_utc, r.cell("reason"), kind))
        if r.errors:
            problems.add(row, r.errors)
    problems.raise_if_any()
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=TIME_OFF_COLUMNS)
    for col in ("start_utc", "end_utc"):
        out[col] = pd.to_datetime(out[col], utc=True).astype("datetime64[ns, UTC]")
    return out


def _when(r: "_Row", column: str, excel: bool) -> date | datetime | None:
    """Parse a local date "2026-12-01" or date-time "2026-12-01 13:00"."""
    text = r.cell(column)
    m = _WHEN_RE.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            if m.group(4) is None or (excel and text.endswith(" 00:00:00")):  # an Excel date cell
                return date(y, mo, d)
            return datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
        except ValueError:
            pass
    r.fail(column, text, "a local date like 2026-12-01 (whole day) or date and time like 2026-12-01 13:00")
    return None


def _to_utc(when: date | datetime, tz: str, end: bool) -> pd.Timestamp:
    """Return the UTC instant of a local date (start of day, or end of day for an end) or date-time."""
    if isinstance(when, datetime):
        day = when.date()
        minutes = when.hour * 60 + when.minute + when.second / 60
        return local_to_utc(day, minutes, tz)
    return local_to_utc(when + timedelta(days=1) if end else when, 0, tz)


# --------------------------------------------------------------------------- shift requests


def read_shift_requests(path: str | Path | None, agents: Iterable[Agent], config: Config,
                        week: str | None = None, weeks: int = 1) -> pd.DataFrame:
    """Read the agents' shift wishes: columns agent_id, local_date, shift_type ("" = any shift), want, weight.

    One row per wish: `date` is the agent's local date; `shift_type` one of
    [rules.shift_types] or empty for the whole day; `want` "on" (wishes to work it) or
    "off" (wishes not to); `weight` the objective points an unmet wish costs (default
    DEFAULT_WISH_WEIGHT). With `week`, rows on dates outside the agent's planning period
    (`weeks` ISO weeks from `week`) are dropped without complaint. A missing file gives an empty frame.
    """
    empty = pd.DataFrame({"agent_id": pd.Series(dtype=object), "local_date": pd.Series(dtype=object),
                          "shift_type": pd.Series(dtype=object), "want": pd.Series(dtype=object),
                          "weight": pd.Series(dtype=float)})
    if path is None or not Path(path).exists():
        return empty
    p = Path(path)
    raw, names = _read_table(p, "shift requests file", allow_empty=True,
                             header=", ".join(REQUIRED_REQUEST_COLUMNS + ["shift_type", "weight"]))
    if raw is None:
        return empty
    _require(p, names, REQUIRED_REQUEST_COLUMNS, "shift requests file")
    team = {a.agent_id: a for a in agents}
    types = [t.name for t in config.rules.shift_types]
    excel = p.suffix.lower() in EXCEL_SUFFIXES
    problems = _Problems(p, "shift request")
    rows = []
    for row, cells in _rows(raw, names):
        r = _Row(row, cells)
        agent = team.get(r.cell("agent_id"))
        if agent is None:
            known = ", ".join(list(team)[:3]) + (", ..." if len(team) > 3 else "")
            r.fail("agent_id", r.cell("agent_id"), f"an agent_id of the agents file ({known})")
        day = _when(r, "date", excel)
        if isinstance(day, datetime):
            r.fail("date", r.cell("date"), "a local date like 2026-12-01, without a time")
        kind = r.cell("shift_type")
        if kind and kind not in types:
            r.fail("shift_type", kind, f"a shift type of [rules.shift_types] in planner.toml "
                   f"({', '.join(types) or 'none defined'}), or empty for any shift")
        want = r.cell("want").lower()
        if want not in ("on", "off"):
            r.fail("want", r.cell("want"), "on (wishes to work) or off (wishes not to work)")
        weight = DEFAULT_WISH_WEIGHT
        if r.cell("weight"):
            weight = _to_float(r.cell("weight"))
            if weight is None or not 0 <= weight <= MAX_WISH_WEIGHT:
                r.fail("weight", r.cell("weight"), f"objective points from 0 to {MAX_WISH_WEIGHT:g} like 1, "
                       f"or empty for {DEFAULT_WISH_WEIGHT:g}")
        if r.errors:
            problems.add(row, r.errors)
        else:
            rows.append((agent.agent_id, day, kind, want, float(weight)))
    problems.raise_if_any()
    if week is not None:
        rows = [w for w in rows if w[1] in _week_dates(team[w[0]], week, config.team.home_timezone, weeks)]
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=SHIFT_REQUEST_COLUMNS)


def _week_dates(agent: Agent, week: str, home_tz: str, weeks: int = 1) -> set[date]:
    """Return the agent's local dates on which a shift of the period `weeks` from `week` (home zone) can start."""
    start, end = period_bounds(week, weeks, home_tz)
    first = start.tz_convert(agent.timezone).date()
    last = (end - pd.Timedelta(seconds=1)).tz_convert(agent.timezone).date()
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# --------------------------------------------------------------------------- reading tables


def _read_table(p: Path, what: str, allow_empty: bool = False,
                header: str | None = None) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """Read every cell as stripped text; return the frame and lower-case name -> file column."""
    header = header or ", ".join(REQUIRED_AGENT_COLUMNS)
    frame = read_table(p, what, f"a header row with {header}", allow_empty=allow_empty)
    if frame.columns.empty:
        return None, {}
    frame = frame.astype(str)
    names: dict[str, str] = {}
    for col in frame.columns:
        names.setdefault(str(col).strip().lower(), col)
    return frame, names


def _require(p: Path, names: dict[str, str], required: list[str], what: str) -> None:
    missing = [c for c in required if c not in names]
    if missing:
        found = ", ".join(str(c).strip() for c in names.values()) or "none"
        raise InputError(p, f"the {what} is missing column(s) {', '.join(missing)}; found {found}")


def _rows(raw: pd.DataFrame, names: dict[str, str]):
    """Yield (spreadsheet row number, {lower-case column: stripped text}) for non-blank rows."""
    cols = list(names.items())
    for i, values in enumerate(raw[[c for _, c in cols]].itertuples(index=False, name=None)):
        cells = {key: str(v).strip() for (key, _), v in zip(cols, values)}
        if any(cells.values()):
            yield i + 2, cells


class _Row:
    """One row's cells and the problems found in it: (column, value, expected)."""

    def __init__(self, row: int, cells: dict[str, str]):
        self.row, self.cells = row, cells
        self.errors: list[tuple[str, str, str]] = []

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")

    def fail(self, column: str, value: str, expected: str) -> None:
        self.errors.append((column, value, expected))


class _Problems:
    """Collects bad rows and raises one InputError naming the first MAX_LISTED of them."""

    def __init__(self, path: Path, what: str):
        self.path, self.what = path, what
        self.bad: list[tuple[int, list[tuple[str, str, str]]]] = []

    def add(self, row: int, errors: list[tuple[str, str, str]]) -> None:
        self.bad.append((row, errors))

    @staticmethod
    def _line(errors: list[tuple[str, str, str]]) -> str:
        return "; ".join(f"column '{c}': got {v!r}, expected {e}" for c, v, e in errors)

    def raise_if_any(self) -> None:
        if not self.bad:
            return
        row, errors = self.bad[0]
        if len(self.bad) == 1:
            if len(errors) == 1:
                c, v, e = errors[0]
                raise InputError(self.path, f"got {v!r}, expected {e}", row=row, column=c)
            raise InputError(self.path, self._line(errors), row=row)
        n = len(self.bad)
        head = f"{n} bad {self.what} rows" + (f", the first {MAX_LISTED}:" if n > MAX_LISTED else ":")
        lines = [f"  row {r}, {self._line(errs)}" for r, errs in self.bad[:MAX_LISTED]]
        exc = InputError(self.path, "\n".join([head, *lines]))
        exc.row, exc.column = row, errors[0][0]
        raise exc
