"""planner.toml -> frozen dataclasses, with every default in one place.

The file is parsed once at the edge; the rest of planner receives `Config` and never
reads TOML, flags or environment variables. Targets such as "80/20" and "90/4h" are
turned into fractions and seconds here. Every bad value raises `ConfigError` naming the
key path, the value found and what is expected.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.errors import ConfigError

CONFIG_FILE = "planner.toml"
STAFFING_MODELS = ("erlang_c", "erlang_a", "deferred")
FORECAST_METHODS = ("auto", "seasonal_naive", "moving_average", "weekly_profile", "holt_winters")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
# ISO 639-1 (2002): the two-letter language codes a language must be one of
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik
io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml
mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
vo wa wo xh yi yo za zh zu""".split())
_TARGET_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ServiceTarget:
    """A service target: `service_level` (0-1) of contacts answered within `answer_s` seconds."""

    service_level: float
    answer_s: float

    def __str__(self) -> str:
        if self.answer_s >= 3600 and self.answer_s % 3600 == 0:
            return f"{self.service_level * 100:g}/{self.answer_s / 3600:g}h"
        return f"{self.service_level * 100:g}/{self.answer_s:g}"


@dataclass(frozen=True)
class TeamConfig:
    """Who plans: team name, the home time zone the week is cut in, and the grid."""

    name: str = "Support"
    home_timezone: str = "UTC"
    interval_minutes: int = 60
    languages: tuple[str, ...] = ()  # allowed languages; empty = any ISO 639-1 code
    countries: tuple[str, ...] = ()  # markets whose public holidays matter (ISO 3166 alpha-2)


@dataclass(frozen=True)
class ChannelConfig:
    """One channel and how its staff requirement is computed.

    model: "erlang_c", "erlang_a" (needs patience_s) or "deferred" (email/social: work
    answered within `target.answer_s`). `concurrency` is contacts an agent handles at
    once (chat). `priority` weighs its shortfall in the roster objective.
    `open_hours` is (open, close) in the home time zone, or None for 24/7.
    """

    name: str
    model: str = "erlang_c"
    target: ServiceTarget = ServiceTarget(0.8, 20.0)
    max_occupancy: float = 0.85
    concurrency: int = 1
    patience_s: float | None = None
    max_abandon: float | None = None
    shrinkage: float | None = None  # overrides staffing.shrinkage for this channel
    priority: float = 1.0
    open_hours: tuple[time, time] | None = None

    @property
    def deferred(self) -> bool:
        return self.model == "deferred"


DEFAULT_CHANNELS: dict[str, ChannelConfig] = {
    "phone": ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 0.85, 1, priority=3.0),
    "chat": ChannelConfig("chat", "erlang_c", ServiceTarget(0.8, 60.0), 0.85, 2, priority=2.0),
    "email": ChannelConfig("email", "deferred", ServiceTarget(0.9, 4 * 3600.0), 0.95, 1, priority=1.0),
    "social": ChannelConfig("social", "deferred", ServiceTarget(0.9, 2 * 3600.0), 0.95, 1, priority=1.0),
}


@dataclass(frozen=True)
class StaffingConfig:
    """Shrinkage: share (0-1) of paid time not available for contacts.

    shrinkage_profile: optional CSV (weekday 0 = Monday, hour 0-23 in the home time zone,
    shrinkage) whose values override the channel's and team's shrinkage in those hours.
    """

    shrinkage: float = 0.30
    shrinkage_profile: str | None = None


@dataclass(frozen=True)
class HistoryConfig:
    """Where the contact history is and how to read a foreign export.

    `columns` maps planner's column names to the file's (e.g. timestamp -> created_at);
    `values` maps a file's values to planner's, per column (e.g. channel: voice -> phone).
    `timezone` is the zone of naive timestamps (default: the home time zone).
    """

    file: str = "forecasts/history.csv"
    timezone: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ForecastConfig:
    """Forecast settings: method, how many weeks ahead, and the quantiles to report."""

    method: str = "auto"
    weeks: int = 1
    horizon_days: int = 7
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)
    special_days: str = "forecasts/special_days.csv"


@dataclass(frozen=True)
class RosterWeights:
    """Objective weights of the soft rules (per unit named in each comment)."""

    shortfall: float = 100.0  # per agent-interval short, before the channel priority
    surplus: float = 2.0  # per agent-interval beyond the requirement
    days_off_together: float = 5.0  # per week whose days off are split
    stable_start: float = 1.0  # per hour of start-time change between working days
    preferred_start: float = 1.0  # per hour away from the preferred start
    fairness: float = 2.0  # per weekend/night shift above the team's fair share


@dataclass(frozen=True)
class ShiftTypeConfig:
    """A named kind of shift (early, late, night) by its local start window [start_from, start_until).

    A window whose end is not after its start wraps midnight ("22:00-02:00"). `hours`
    are the paid lengths in hours (break included) a shift of this type may have, e.g.
    (10.0,) for a 10-hour night shift; empty: rules.shift_hours.
    """

    name: str
    start_from: time
    start_until: time
    hours: tuple[float, ...] = ()

    def contains(self, start_local_min: int) -> bool:
        """Return True if a shift starting `start_local_min` minutes after local midnight is of this type."""
        lo = self.start_from.hour * 60 + self.start_from.minute
        hi = 1440 if self.start_until == time(23, 59, 59, 999999) else self.start_until.hour * 60 + self.start_until.minute
        m = start_local_min % 1440
        return lo <= m < hi if lo < hi else (m >= lo or m < hi)

    @property
    def window(self) -> str:
        """Return the start window as planner.toml writes it, e.g. "22:00-02:00"."""
        end = "24:00" if self.start_until == time(23, 59, 59, 999999) else f"{self.start_until:%H:%M}"
        return f"{self.start_from:%H:%M}-{end}"

    def __str__(self) -> str:
        own = f" ({', '.join(f'{h:g}' for h in self.hours)} h)" if self.hours else ""
        return f"{self.name}={self.window}{own}"


@dataclass(frozen=True)
class DutyCoverConfig:
    """Staff wanted on a shift type per local day, e.g. one engineer on the night shift every night.

    Counted by the agent's local date of the shift start and the shift's type; only
    agents with one of `skills` (channel, language) count (empty: everyone). Soft: each
    person under `staff` costs weight_under objective points, each person over costs
    weight_over. The entry holds on `weekdays` (Monday = 0) and on `dates`; for the same
    shift type and skills an entry naming a date overrides one naming its weekday.
    """

    shift_type: str
    staff: int = 1
    weekdays: frozenset[int] = frozenset(range(7))
    dates: frozenset[date] = frozenset()
    weight_under: float = 100.0  # objective points per person short, per day
    weight_over: float = 0.0  # objective points per person beyond `staff`, per day
    skills: tuple[tuple[str, str], ...] = ()

    @property
    def who(self) -> str:
        """Return who counts, as text: "phone:en;chat:en", or "" for everyone."""
        return ";".join(f"{c}:{lang}" for c, lang in self.skills)

    def counts(self, skills) -> bool:
        """Return True if an agent with these (channel, language) skills counts towards the cover."""
        return not self.skills or any(q in self.skills for q in skills)

    def __str__(self) -> str:
        days = ", ".join([_WEEKDAYS[d] for d in sorted(self.weekdays)] + [f"{d:%Y-%m-%d}" for d in sorted(self.dates)])
        who = f" with {self.who}" if self.skills else ""
        return (f"{self.staff} on {self.shift_type}{who} on {days} (under {self.weight_under:g}, "
                f"over {self.weight_over:g})")


@dataclass(frozen=True)
class RulesConfig:
    """Labour rules: shift shapes and the hard limits every roster must respect.

    shift_hours are the paid lengths (hours, break included) a shift may have;
    shift_types names kinds of shift by local start window (first match wins), each
    with its own lengths or, without, shift_hours (`lengths_for` gives a start's);
    shift_types_only: shifts start only inside a shift type's window (fixed shift
    patterns such as early 06:00 / late 14:00 / night 22:00), not at any start step;
    forbidden_successions lists (first, next) type pairs: no `next` shift on the local
    day after a `first` shift (e.g. ("late", "early")); max_weekend_days caps the days
    worked of each weekend (Saturday + Sunday, local): 1 = at least one weekend day off;
    max_shifts_of_type caps shifts of a type per agent and planning period (one week by
    default; e.g. ("night", 2)); max_working_weekends caps the weekends an agent works
    in the planning period (a weekend is worked when its Saturday or Sunday is, local).
    min_consecutive_days / min_consecutive_days_off: each block of working days (days
    off) is at least this long (1 = no limit); a block touching the end of the week is
    not judged (it may go on next week), one touching the start counts last week's
    roster when it is given and is not judged otherwise. duty_cover: staff wanted per
    local day and shift type (soft). agents.csv may override the per-agent limits.
    """

    shift_hours: tuple[float, ...] = (8.0, 9.0)
    shift_types_only: bool = False
    break_minutes: int = 60
    break_min_shift_hours: float = 6.0
    start_step_minutes: int = 60
    min_rest_hours: float = 11.0
    max_consecutive_days: int = 6
    days_off_together: bool = True
    weights: RosterWeights = RosterWeights()
    shift_types: tuple[ShiftTypeConfig, ...] = ()
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    max_weekend_days: int | None = None
    max_working_weekends: int | None = None  # weekends worked per agent and planning period; None: no limit
    max_shifts_of_type: tuple[tuple[str, int], ...] = ()  # (shift type, most of it per agent and planning period)
    min_consecutive_days: int = 1
    min_consecutive_days_off: int = 1
    duty_cover: tuple[DutyCoverConfig, ...] = ()

    def shift_type(self, start_local_min: int) -> str | None:
        """Return the name of the first shift type whose window holds a local start (minutes after midnight)."""
        return next((t.name for t in self.shift_types if t.contains(start_local_min)), None)

    def lengths_for(self, start_local_min: int) -> tuple[float, ...]:
        """Return the paid lengths (hours) allowed for a local start (minutes after midnight).

        The first shift type whose window holds the start decides: its own hours, else
        shift_hours; a start of no type gets shift_hours, or none with shift_types_only.
        """
        kind = next((t for t in self.shift_types if t.contains(start_local_min)), None)
        if kind is None:
            return () if self.shift_types_only else self.shift_hours
        return kind.hours or self.shift_hours

    def duty_cover_on(self, day: date) -> tuple[DutyCoverConfig, ...]:
        """Return the duty cover entries that hold on local `day` (a date entry overrides a weekday one)."""
        dated = {(e.shift_type, frozenset(e.skills)) for e in self.duty_cover if day in e.dates}
        return tuple(e for e in self.duty_cover if day in e.dates or (
            day.weekday() in e.weekdays and (e.shift_type, frozenset(e.skills)) not in dated))


@dataclass(frozen=True)
class SolverConfig:
    """CP-SAT settings: always set on `solver.parameters`."""

    time_limit_seconds: float = 60.0
    seed: int = 0
    workers: int = 2
    log_progress: bool = True


@dataclass(frozen=True)
class QueueConfig:
    """Settings of one queue (channel:language) that override its channel's.

    open_hours: (open, close) in the home time zone; None keeps the channel's.
    """

    channel: str
    language: str
    open_hours: tuple[time, time] | None = None


@dataclass(frozen=True)
class Config:
    """Everything a planning run needs, built once from planner.toml and flags."""

    team: TeamConfig = TeamConfig()
    channels: Mapping[str, ChannelConfig] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    staffing: StaffingConfig = StaffingConfig()
    history: HistoryConfig = HistoryConfig()
    forecast: ForecastConfig = ForecastConfig()
    rules: RulesConfig = RulesConfig()
    solver: SolverConfig = SolverConfig()
    queues: Mapping[tuple[str, str], QueueConfig] = field(default_factory=dict)
    source: str | None = None  # the file it was read from

    def open_hours_for(self, channel: str, language: str) -> tuple[time, time] | None:
        """Return the opening hours (home time zone) of a queue: its own, else its channel's, else None (24/7)."""
        own = self.queues.get((channel, language))
        if own is not None and own.open_hours is not None:
            return own.open_hours
        return self.channel(channel).open_hours

    def channel(self, name: str) -> ChannelConfig:
        """Return the settings of channel `name`, or raise naming the known channels."""
        try:
            return self.channels[name]
        except KeyError:
            raise ConfigError(
                f"channels.{name}",
                f"unknown channel; planner.toml defines {', '.join(sorted(self.channels))}",
                self.source,
            ) from None

    def shrinkage_for(self, channel: str) -> float:
        """Return the shrinkage (0-1) that applies to `channel`."""
        own = self.channel(channel).shrinkage
        return self.staffing.shrinkage if own is None else own

    def with_solver(self, **changes: Any) -> "Config":
        """Return a copy with solver settings replaced (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, solver=replace(self.solver, **changes)) if changes else self


# --------------------------------------------------------------------------- parsing helpers


def parse_target(text: Any, key: str = "sla", source: str | None = None) -> ServiceTarget:
    """Parse "80/20" (80 % within 20 s), "90/4h" or "95/30m" into a ServiceTarget."""
    m = _TARGET_RE.match(str(text)) if isinstance(text, str) else None
    if not m:
        raise ConfigError(
            key, f'expected a target like "80/20" (80 % within 20 s) or "90/4h", got {text!r}', source
        )
    pct, amount, unit = float(m.group(1)), float(m.group(2)), (m.group(3) or "s")
    if not 0 < pct <= 100:
        raise ConfigError(key, f"service level must be above 0 and at most 100 %, got {pct:g} in {text!r}", source)
    seconds = amount * {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}[unit]
    if seconds <= 0:
        raise ConfigError(key, f"answer time must be positive, got {text!r}", source)
    return ServiceTarget(pct / 100.0, seconds)


def parse_clock(text: Any, key: str, source: str | None = None) -> time:
    """Parse a local clock time "HH:MM" (24:00 allowed as end of day -> 23:59:59.999999)."""
    m = _TIME_RE.match(str(text).strip()) if isinstance(text, str) else None
    if m:
        h, mnt = int(m.group(1)), int(m.group(2))
        if h == 24 and mnt == 0:
            return time(23, 59, 59, 999999)
        if h < 24 and mnt < 60:
            return time(h, mnt)
    raise ConfigError(key, f'expected a time like "07:30", got {text!r}', source)


def check_timezone(name: Any, key: str, source: str | None = None) -> str:
    """Return `name` if it is a known IANA time zone, else raise naming the key."""
    if isinstance(name, str) and name.strip():
        try:
            ZoneInfo(name.strip())
            return name.strip()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ConfigError(key, f'expected an IANA time zone like "Europe/Berlin", got {name!r}', source)


def parse_weekdays(text: Any, key: str, source: str | None = None) -> frozenset[int]:
    """Parse "sat;sun" or a range "mon-fri" (also across Sunday: "fri-mon") into weekday numbers (Monday = 0)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return frozenset()
    parts = text if isinstance(text, (list, tuple)) else str(text).replace(",", ";").split(";")
    out = set()
    for p in parts:
        ends = [e.strip().lower()[:3] for e in str(p).split("-")]
        if len(ends) > 2 or not all(e in _WEEKDAYS for e in ends):
            raise ConfigError(key, f'expected weekdays like "sat;sun" or "mon-fri", got {text!r}', source)
        first, last = _WEEKDAYS.index(ends[0]), _WEEKDAYS.index(ends[-1])
        out.update((first + k) % 7 for k in range((last - first) % 7 + 1))
    return frozenset(out)


class _Reader:
    """Reads one TOML table, tracking the key path and rejecting unknown keys."""

    def __init__(self, table: Any, path: str, source: str | None):
        if not isinstance(table, dict):
            raise ConfigError(path, f"expected a table, got {table!r}", source)
        self.table, self.path, self.source = table, path, source

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def check_keys(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.table) - allowed)
        if unknown:
            raise ConfigError(
                self.key(unknown[0]),
                f"unknown key; allowed here: {', '.join(sorted(allowed))}",
                self.source,
            )

    def sub(self, name: str) -> "_Reader":
        return _Reader(self.table.get(name, {}), self.key(name), self.source)

    def get(self, name: str, default: Any) -> Any:
        return self.table.get(name, default)

    def number(self, name: str, default: float | None, lo: float | None = None,
               hi: float | None = None, integer: bool = False, lo_open: bool = False) -> Any:
        value = self.table.get(name, default)
        if value is None:
            return None
        kind = "a whole number" if integer else "a number"
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok:
            raise ConfigError(self.key(name), f"expected {kind}, got {value!r}", self.source)
        if (lo is not None and (value < lo or (lo_open and value == lo))) or (hi is not None and value > hi):
            lo_txt = f"above {lo:g}" if lo_open else f"at least {lo:g}"
            rng = (lo_txt if lo is not None else "") + (" and " if lo is not None and hi is not None else "") + (
                f"at most {hi:g}" if hi is not None else "")
            raise ConfigError(self.key(name), f"expected {kind} {rng}, got {value!r}", self.source)
        return int(value) if integer else float(value)

    def text(self, name: str, default: str | None, choices: tuple[str, ...] | None = None) -> Any:
        value = self.table.get(name, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(self.key(name), f"expected a text value, got {value!r}", self.source)
        if choices and value not in choices:
            raise ConfigError(self.key(name), f"expected one of {', '.join(choices)}, got {value!r}", self.source)
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            raise ConfigError(self.key(name), f"expected true or false, got {value!r}", self.source)
        return value

    def text_list(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.table.get(name, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(self.key(name), f'expected a list of texts like ["en", "de"], got {value!r}', self.source)
        return tuple(value)


# --------------------------------------------------------------------------- sections


def _team(r: _Reader) -> TeamConfig:
    r.check_keys({f.name for f in fields(TeamConfig)})
    d = TeamConfig()
    interval = r.number("interval_minutes", d.interval_minutes, integer=True)
    if interval not in (15, 30, 60):
        raise ConfigError(r.key("interval_minutes"), f"expected 15, 30 or 60, got {interval!r}", r.source)
    languages = tuple(x.strip().lower() for x in r.text_list("languages", d.languages))
    for lang in languages:
        if not LANGUAGE_RE.match(lang):
            raise ConfigError(r.key("languages"), f"expected ISO 639-1 codes like \"en\", got {lang!r}", r.source)
    countries = tuple(c.strip().upper() for c in r.text_list("countries", d.countries))
    for c in countries:
        if not re.fullmatch(r"[A-Z]{2}", c):
            raise ConfigError(r.key("countries"), f'expected ISO 3166 codes like "DE", got {c!r}', r.source)
    return TeamConfig(
        name=r.text("name", d.name),
        home_timezone=check_timezone(r.get("home_timezone", d.home_timezone), r.key("home_timezone"), r.source),
        interval_minutes=interval,
        languages=languages,
        countries=countries,
    )


def _open_hours(r: _Reader) -> tuple[time, time] | None:
    """Parse an optional `open_hours = "08:00-20:00"` (home time zone; "00:00-24:00" is all day)."""
    if "open_hours" not in r.table:
        return None
    raw = r.table["open_hours"]
    parts = raw.split("-") if isinstance(raw, str) else []
    if len(parts) != 2:
        raise ConfigError(r.key("open_hours"), f'expected opening hours like "08:00-20:00", got {raw!r}', r.source)
    hours = (parse_clock(parts[0].strip(), r.key("open_hours"), r.source),
             parse_clock(parts[1].strip(), r.key("open_hours"), r.source))
    if hours[0] >= hours[1]:
        raise ConfigError(r.key("open_hours"), f"opening must be before closing, got {raw!r}", r.source)
    return hours


def _queues(r: _Reader, channels: Mapping[str, ChannelConfig], languages: tuple[str, ...]
            ) -> dict[tuple[str, str], QueueConfig]:
    """Parse [queues."email:de"] tables of per-queue overrides."""
    out = {}
    for name in r.table:
        sub = r.sub(name)
        parts = name.split(":")
        if len(parts) != 2 or parts[0] not in channels or not LANGUAGE_RE.match(parts[1]) or (
                languages and parts[1] not in languages):
            raise ConfigError(sub.path, f'expected a queue "channel:language" with a channel of [channels] '
                              f'({", ".join(channels)}) and a language of team.languages, got {name!r}', r.source)
        sub.check_keys({"open_hours"})
        out[(parts[0], parts[1])] = QueueConfig(parts[0], parts[1], _open_hours(sub))
    return out


def _channel(name: str, r: _Reader) -> ChannelConfig:
    allowed = {"model", "sla", "response_hours", "max_occupancy", "concurrency", "patience_seconds",
               "max_abandon", "shrinkage", "priority", "open_hours"}
    r.check_keys(allowed)
    base = DEFAULT_CHANNELS.get(name, ChannelConfig(name))
    model = r.text("model", base.model, STAFFING_MODELS)
    if "sla" in r.table:
        target = parse_target(r.table["sla"], r.key("sla"), r.source)
    elif model == "deferred" and base.model != "deferred":
        target = ServiceTarget(0.9, 4 * 3600.0)
    else:
        target = base.target
    if "response_hours" in r.table:
        if model != "deferred":
            raise ConfigError(r.key("response_hours"), f'only deferred channels have a response time; '
                              f'model is "{model}" (use sla = "80/20" instead)', r.source)
        hours = r.number("response_hours", None, lo=0, lo_open=True)
        target = ServiceTarget(target.service_level if "sla" in r.table else 1.0, hours * 3600.0)
    patience = r.number("patience_seconds", None, lo=0, lo_open=True)
    if model == "erlang_a" and patience is None:
        raise ConfigError(r.key("patience_seconds"), 'model "erlang_a" needs the mean patience in seconds, '
                          "e.g. patience_seconds = 300", r.source)
    open_hours = _open_hours(r)
    return ChannelConfig(
        name=name,
        model=model,
        target=target,
        max_occupancy=r.number("max_occupancy", base.max_occupancy, lo=0, hi=1, lo_open=True),
        concurrency=r.number("concurrency", base.concurrency, lo=1, integer=True),
        patience_s=patience,
        max_abandon=r.number("max_abandon", None, lo=0, hi=1),
        shrinkage=r.number("shrinkage", None, lo=0, hi=0.95),
        priority=r.number("priority", base.priority, lo=0),
        open_hours=open_hours,
    )


def _history(r: _Reader) -> HistoryConfig:
    r.check_keys({"file", "timezone", "columns", "values"})
    d = HistoryConfig()
    tz = r.get("timezone", None)
    if tz is not None:
        tz = check_timezone(tz, r.key("timezone"), r.source)
    columns = r.sub("columns")
    known = {"timestamp", "interval_start", "channel", "language", "volume", "handle_seconds", "aht_seconds"}
    columns.check_keys(known)
    for k, v in columns.table.items():
        if not isinstance(v, str) or not v:
            raise ConfigError(columns.key(k), f"expected the file's column name, got {v!r}", r.source)
    values = r.sub("values")
    values.check_keys({"channel", "language"})
    vmaps = {}
    for col, mapping in values.table.items():
        sub = values.sub(col)
        for k, v in sub.table.items():
            if not isinstance(v, str):
                raise ConfigError(sub.key(k), f"expected a text value, got {v!r}", r.source)
        vmaps[col] = dict(sub.table)
    return HistoryConfig(file=r.text("file", d.file), timezone=tz, columns=dict(columns.table), values=vmaps)


def _forecast(r: _Reader) -> ForecastConfig:
    r.check_keys({f.name for f in fields(ForecastConfig)})
    d = ForecastConfig()
    qs = r.get("quantiles", list(d.quantiles))
    if not isinstance(qs, list) or not qs or not all(isinstance(q, (int, float)) and 0 < q < 1 for q in qs):
        raise ConfigError(r.key("quantiles"), f"expected a list of fractions between 0 and 1 like [0.1, 0.5, 0.9], "
                          f"got {qs!r}", r.source)
    return ForecastConfig(
        method=r.text("method", d.method, FORECAST_METHODS),
        weeks=r.number("weeks", d.weeks, lo=1, hi=52, integer=True),
        horizon_days=r.number("horizon_days", d.horizon_days, lo=1, hi=366, integer=True),
        quantiles=tuple(sorted(float(q) for q in qs)),
        special_days=r.text("special_days", d.special_days),
    )


def _start_window(window: Any, key: str, source: str | None) -> tuple[time, time]:
    """Parse a local start window "06:00-10:00" ("22:00-02:00" wraps midnight)."""
    if not isinstance(window, str) or window.count("-") != 1:
        raise ConfigError(key, f'expected a local start window like "06:00-10:00", got {window!r}', source)
    lo, hi = window.split("-")
    start_from, start_until = parse_clock(lo, key, source), parse_clock(hi, key, source)
    if start_from == start_until:
        raise ConfigError(key, f"the start window {window!r} is empty", source)
    return start_from, start_until


def _type_hours(value: Any, key: str, source: str | None) -> tuple[float, ...]:
    """Parse a shift type's own lengths: hours = 10 or [8, 9] (each above 0 and at most 24)."""
    lengths = [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if (not isinstance(lengths, list) or not lengths
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 < x <= 24 for x in lengths)):
        raise ConfigError(key, f"expected shift lengths in hours above 0 and at most 24 like [10], got {value!r}",
                          source)
    return tuple(sorted(float(x) for x in set(lengths)))


def _shift_types(value: Any, key: str, source: str | None) -> tuple[ShiftTypeConfig, ...]:
    """Parse [rules.shift_types]; ShiftTypeConfig items pass through.

    Each type is a start window, name = "06:00-10:00" (lengths from shift_hours), or a
    table with its own lengths, name = { start = "22:00-23:00", hours = [10] } (hours: a
    number or a list, each above 0 and at most 24; no other keys).
    """
    if isinstance(value, (list, tuple)) and all(isinstance(v, ShiftTypeConfig) for v in value):
        return tuple(value)
    if not isinstance(value, dict):
        raise ConfigError(key, f'expected a table like {{ early = "06:00-10:00", late = "14:00-18:00" }}, '
                          f'got {value!r}', source)
    out = []
    for name, spec in value.items():
        if isinstance(spec, dict):
            r = _Reader(spec, f"{key}.{name}", source)
            r.check_keys({"start", "hours"})
            if "start" not in spec:
                raise ConfigError(r.key("start"), 'expected the local start window of the type like '
                                  '{ start = "22:00-23:00", hours = [10] }', source)
            start_from, start_until = _start_window(spec["start"], r.key("start"), source)
            hours = _type_hours(spec["hours"], r.key("hours"), source) if "hours" in spec else ()
        elif isinstance(spec, str):
            start_from, start_until = _start_window(spec, f"{key}.{name}", source)
            hours = ()
        else:
            raise ConfigError(f"{key}.{name}", 'expected a local start window like "06:00-10:00" or a table like '
                              f'{{ start = "22:00-23:00", hours = [10] }}, got {spec!r}', source)
        out.append(ShiftTypeConfig(str(name), start_from, start_until, hours))
    return tuple(out)


def _successions(value: Any, names: set[str], key: str, source: str | None) -> tuple[tuple[str, str], ...]:
    """Parse forbidden_successions = ["late>early", ...] against the defined shift types."""
    if not isinstance(value, (list, tuple)):
        raise ConfigError(key, f'expected a list like ["late>early"], got {value!r}', source)
    out = []
    for item in value:
        parts = item.split(">") if isinstance(item, str) else list(item) if isinstance(item, (list, tuple)) else []
        parts = [str(p).strip() for p in parts]
        if len(parts) != 2 or any(p not in names for p in parts):
            known = ", ".join(sorted(names)) or "none defined"
            raise ConfigError(key, f'expected "first>next" naming shift types of [rules.shift_types] ({known}), '
                              f"got {item!r}", source)
        out.append((parts[0], parts[1]))
    return tuple(out)


MAX_SHIFTS_PER_PERIOD = 366  # the most a max_shifts_of_type limit may say (a planning period of many weeks)
MAX_WEEKS_PER_PERIOD = 53  # the most a max_working_weekends limit may say


def _type_limits(value: Any, names: set[str], key: str, source: str | None) -> tuple[tuple[str, int], ...]:
    """Parse [rules.max_shifts_of_type] (night = 2) against the defined shift types."""
    items = value.items() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else None
    if items is None:
        raise ConfigError(key, f"expected a table like {{ night = 2 }}, got {value!r}", source)
    out = []
    for item in items:
        name, limit = item if isinstance(item, (list, tuple)) and len(item) == 2 else (item, None)
        if name not in names:
            known = ", ".join(sorted(names)) or "none defined"
            raise ConfigError(f"{key}.{name}", f"expected a shift type of [rules.shift_types] ({known})", source)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_SHIFTS_PER_PERIOD:
            raise ConfigError(f"{key}.{name}", f"expected a whole number of shifts per planning period from 0 to "
                              f"{MAX_SHIFTS_PER_PERIOD}, got {limit!r}", source)
        out.append((str(name), int(limit)))
    return tuple(out)


def _skill_list(value: Any, channels: Mapping[str, ChannelConfig], languages: tuple[str, ...], key: str,
                source: str | None) -> tuple[tuple[str, str], ...]:
    """Parse skills = ["phone:en", "chat:en"] against the channels and languages of planner.toml."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, f'expected a list of queues like ["phone:en"], got {value!r}', source)
    out = []
    for item in value:
        channel, sep, lang = (p.strip().lower() for p in item.partition(":"))
        if not sep or channel not in channels or not (lang in languages if languages else lang in ISO_639_1):
            langs = ", ".join(languages) if languages else "ISO 639-1 codes"
            raise ConfigError(key, f'expected queues "channel:language" with a channel of [channels] '
                              f"({', '.join(channels)}) and a language ({langs}), got {item!r}", source)
        out.append((channel, lang))
    return tuple(dict.fromkeys(out))


def _cover_days(value: Any, key: str, source: str | None) -> tuple[frozenset[int], frozenset[date]]:
    """Parse days = "mon-sun" / "sat;sun" / ["sat", "sun"] / ["2026-12-24", 2026-12-25] into weekdays and dates."""
    expected = 'expected weekdays like "mon-sun" or "sat;sun", or a list of ISO dates like ["2026-12-24"]'
    items = value if isinstance(value, list) else [value]
    weekdays: set[int] = set()
    dates: set[date] = set()
    for item in items:
        if isinstance(item, date):
            dates.add(item if type(item) is date else item.date())
        elif isinstance(item, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.strip()):
            try:
                dates.add(date.fromisoformat(item.strip()))
            except ValueError:
                raise ConfigError(key, f"{expected}, got {item!r} (no such date)", source) from None
        elif isinstance(item, str) and item.strip():
            try:
                weekdays.update(parse_weekdays(item, key, source))
            except ConfigError:
                raise ConfigError(key, f"{expected}, got {value!r}", source) from None
        else:
            raise ConfigError(key, f"{expected}, got {value!r}", source)
    return frozenset(weekdays), frozenset(dates)


def _duty_cover(value: Any, names: set[str], channels: Mapping[str, ChannelConfig], languages: tuple[str, ...],
                key: str, source: str | None) -> tuple[DutyCoverConfig, ...]:
    """Parse [[rules.duty_cover]] tables (entries numbered from 1 in messages); DutyCoverConfig items pass through."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, DutyCoverConfig) for v in value):
        return tuple(value)
    if not isinstance(value, list):
        raise ConfigError(key, 'expected [[rules.duty_cover]] tables with shift_type = "night", days = "mon-sun", '
                          f"staff = 1, got {value!r}", source)
    out: list[DutyCoverConfig] = []
    d = DutyCoverConfig("")
    for n, table in enumerate(value, 1):
        r = _Reader(table, f"{key}[{n}]", source)
        r.check_keys({"shift_type", "days", "staff", "weight_under", "weight_over", "skills"})
        kind = r.get("shift_type", None)
        if kind not in names:
            known = ", ".join(sorted(names)) or "none defined"
            raise ConfigError(r.key("shift_type"), f"expected a shift type of [rules.shift_types] ({known}), "
                              f"got {kind!r}", source)
        weekdays, dates = _cover_days(r.get("days", "mon-sun"), r.key("days"), source)
        skills = () if "skills" not in r.table else _skill_list(r.get("skills", None), channels, languages,
                                                                r.key("skills"), source)
        entry = DutyCoverConfig(kind, r.number("staff", d.staff, lo=0, hi=1000, integer=True), weekdays, dates,
                                r.number("weight_under", d.weight_under, lo=0),
                                r.number("weight_over", d.weight_over, lo=0), skills)
        for m, other in enumerate(out, 1):
            if (other.shift_type, frozenset(other.skills)) != (kind, frozenset(skills)):
                continue
            both = [_WEEKDAYS[x] for x in sorted(other.weekdays & weekdays)] + [
                f"{x:%Y-%m-%d}" for x in sorted(other.dates & dates)]
            if both:
                raise ConfigError(r.key("days"), f"{key}[{m}] already sets the cover of {kind} "
                                  f"({entry.who or 'everyone'}) on {', '.join(both)}; give each day once "
                                  f"(an entry naming a date overrides one naming its weekday)", source)
        out.append(entry)
    return tuple(out)


def _rules(r: _Reader, channels: Mapping[str, ChannelConfig] | None = None,
           languages: tuple[str, ...] = ()) -> RulesConfig:
    r.check_keys({f.name for f in fields(RulesConfig)})
    d = RulesConfig()
    lengths = r.get("shift_hours", list(d.shift_hours))
    if isinstance(lengths, (int, float)) and not isinstance(lengths, bool):
        lengths = [lengths]
    if (not isinstance(lengths, list) or not lengths
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 1 <= x <= 16 for x in lengths)):
        raise ConfigError(r.key("shift_hours"), f"expected shift lengths in hours between 1 and 16 like [8, 9], "
                          f"got {lengths!r}", r.source)
    step = r.number("start_step_minutes", d.start_step_minutes, lo=5, hi=240, integer=True)
    if 60 % step and step % 60:
        raise ConfigError(r.key("start_step_minutes"), f"expected a divisor or multiple of 60 like 15, 30 or 60, "
                          f"got {step}", r.source)
    w = r.sub("weights")
    w.check_keys({f.name for f in fields(RosterWeights)})
    dw = RosterWeights()
    weights = RosterWeights(**{f.name: w.number(f.name, getattr(dw, f.name), lo=0) for f in fields(RosterWeights)})
    types = _shift_types(r.get("shift_types", {}), r.key("shift_types"), r.source)
    if len({t.name for t in types}) != len(types):
        raise ConfigError(r.key("shift_types"), f"shift type names must be unique, got {[t.name for t in types]}",
                          r.source)
    only = r.boolean("shift_types_only", d.shift_types_only)
    if only and not types:
        raise ConfigError(r.key("shift_types_only"), "expected [rules.shift_types] to define the shift types "
                          "when shift_types_only = true", r.source)
    max_days = r.number("max_consecutive_days", d.max_consecutive_days, lo=1, hi=14, integer=True)
    min_days = r.number("min_consecutive_days", d.min_consecutive_days, lo=1, hi=7, integer=True)
    if min_days > max_days:
        raise ConfigError(r.key("min_consecutive_days"), f"expected at most max_consecutive_days ({max_days}), "
                          f"got {min_days}", r.source)
    return RulesConfig(
        shift_hours=tuple(sorted(float(x) for x in set(lengths))),
        break_minutes=r.number("break_minutes", d.break_minutes, lo=0, hi=180, integer=True),
        break_min_shift_hours=r.number("break_min_shift_hours", d.break_min_shift_hours, lo=0, hi=24),
        start_step_minutes=step,
        min_rest_hours=r.number("min_rest_hours", d.min_rest_hours, lo=0, hi=24),
        max_consecutive_days=max_days,
        days_off_together=r.boolean("days_off_together", d.days_off_together),
        shift_types_only=only,
        weights=weights,
        shift_types=types,
        forbidden_successions=_successions(r.get("forbidden_successions", []), {t.name for t in types},
                                           r.key("forbidden_successions"), r.source),
        max_weekend_days=r.number("max_weekend_days", d.max_weekend_days, lo=0, hi=2, integer=True),
        max_working_weekends=r.number("max_working_weekends", d.max_working_weekends, lo=0,
                                      hi=MAX_WEEKS_PER_PERIOD, integer=True),
        max_shifts_of_type=_type_limits(r.get("max_shifts_of_type", {}), {t.name for t in types},
                                        r.key("max_shifts_of_type"), r.source),
        min_consecutive_days=min_days,
        min_consecutive_days_off=r.number("min_consecutive_days_off", d.min_consecutive_days_off, lo=1, hi=7,
                                          integer=True),
        duty_cover=_duty_cover(r.get("duty_cover", []), {t.name for t in types},
                               DEFAULT_CHANNELS if channels is None else channels, languages, r.key("duty_cover"),
                               r.source),
    )


def _solver(r: _Reader) -> SolverConfig:
    r.check_keys({f.name for f in fields(SolverConfig)})
    d = SolverConfig()
    return SolverConfig(
        time_limit_seconds=r.number("time_limit_seconds", d.time_limit_seconds, lo=0, lo_open=True),
        seed=r.number("seed", d.seed, lo=0, integer=True),
        workers=r.number("workers", d.workers, lo=1, hi=64, integer=True),
        log_progress=r.boolean("log_progress", d.log_progress),
    )


def config_from_dict(data: Mapping[str, Any], source: str | None = None) -> Config:
    """Build a Config from parsed TOML data, validating every value."""
    root = _Reader(dict(data), "", source)
    root.check_keys({"team", "channels", "queues", "staffing", "history", "forecast", "rules", "solver"})
    ch = root.sub("channels")
    if ch.table:
        channels = {name: _channel(name, ch.sub(name)) for name in ch.table}
    else:
        channels = dict(DEFAULT_CHANNELS)
    for name in channels:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ConfigError(f"channels.{name}", "expected a lower-case channel name like \"phone\"", source)
    st = root.sub("staffing")
    st.check_keys({"shrinkage", "shrinkage_profile"})
    team = _team(root.sub("team"))
    return Config(
        team=team,
        channels=channels,
        staffing=StaffingConfig(shrinkage=st.number("shrinkage", StaffingConfig().shrinkage, lo=0, hi=0.95),
                                shrinkage_profile=st.text("shrinkage_profile", None)),
        history=_history(root.sub("history")),
        forecast=_forecast(root.sub("forecast")),
        rules=_rules(root.sub("rules"), channels, team.languages),
        solver=_solver(root.sub("solver")),
        queues=_queues(root.sub("queues"), channels, team.languages),
        source=source,
    )


def load_config(workspace: str | Path = ".") -> Config:
    """Read `planner.toml` from a workspace folder (or a given .toml file) into a Config.

    A workspace without planner.toml gets the documented defaults.
    """
    path = Path(workspace)
    if path.is_dir():
        path = path / CONFIG_FILE
        if not path.exists():
            return Config()
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("", f"cannot read the configuration: {exc.strerror}", path) from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"not valid TOML: {exc}", path) from None
    return config_from_dict(data, str(path))
