"""What-if changes: parsed from command-line flags and scenario files into frozen dataclasses.

Flag forms (`planner whatif`, each flag repeatable; QUEUE is "chat", "chat:de" or "*:de"):

  --volume [QUEUE:]+30%[@WHEN...]    contacts x 1.30 (-100 % at the lowest)
  --volume [QUEUE:]+50[@WHEN...]     50 contacts more per queue and open interval
  --aht [QUEUE:]+20s | -10%[@WHEN...]  handle time plus seconds, or in percent
  --sla CHANNEL=90/20                service target (also "email=90/4h", or "phone=90" for the level only)
  --shrinkage 0.35 | CHANNEL=0.4     shrinkage of every channel, or of one (also "35%")
  --occupancy CHANNEL=0.9            occupancy cap
  --add-agents "3x en;de phone;chat Europe/Berlin 40 [earliest_start=07:00 ...]"
  --remove-agents A001,A002
  --rule min_rest_hours=12           any key of [rules] in planner.toml ("weights.surplus=5" too)

WHEN limits a volume or AHT change; several parts joined by "@" must all hold, all in the
home time zone: dates "2026-12-01" or "2026-12-01..2026-12-03" (inclusive), weekdays
"mon-fri" or "sat;sun", clock "09:00-12:00" (intervals starting in [09:00, 12:00)).
Example: "chat:+30%@2026-12-01..2026-12-03@09:00-12:00".
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from planner.config import (Config, RosterWeights, RulesConfig, ServiceTarget, check_timezone, config_from_dict,
                            parse_clock, parse_target, parse_weekdays)
from planner.errors import ConfigError

KINDS = ("volume", "aht", "sla", "shrinkage", "occupancy", "add_agents", "remove_agents", "rule")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGENT_EXTRA_KEYS = ("min_hours", "max_hours", "days_per_week", "earliest_start", "latest_end", "days_off",
                    "preferred_start", "night_ok", "team", "name")
_AMOUNT_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(%|s|sec)?$")
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")
_CLOCK_RANGE_RE = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")
_WEEKDAY_RANGE_RE = re.compile(r"^([a-z]{3})-([a-z]{3})$")
_QUEUE_RE = re.compile(r"^(\*|[a-z][a-z0-9_]*)(?::(\*|[a-z]{2}))?$")


@dataclass(frozen=True)
class When:
    """Which intervals a change touches, in the home time zone (empty = all).

    Dates are inclusive; `weekdays` Monday = 0; minutes of the day [start_minute, end_minute).
    """

    first_date: date | None = None
    last_date: date | None = None
    weekdays: frozenset[int] = frozenset()
    start_minute: int | None = None
    end_minute: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.first_date is not None:
            parts.append(str(self.first_date) if self.first_date == self.last_date
                         else f"{self.first_date}..{self.last_date}")
        if self.weekdays:
            parts.append(";".join(WEEKDAYS[d] for d in sorted(self.weekdays)))
        if self.start_minute is not None:
            parts.append(f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}-"
                         f"{self.end_minute // 60:02d}:{self.end_minute % 60:02d}")
        return "@".join(parts)


@dataclass(frozen=True)
class AgentProfile:
    """New agents to add: how many, their skills, zone and weekly contract hours (other Agent fields in `extra`)."""

    count: int
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    timezone: str
    contract_hours: float
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Change:
    """One change to the base plan. `text` is how the user wrote it.

    volume/aht: channel, language (None = all), when, amount in `unit` ("%", "contacts"
    per interval, "s"). sla: channel (None = all), target, or amount = service level 0-1
    with target None (answer time kept). shrinkage/occupancy: channel (None = all),
    amount 0-1. add_agents: profile. remove_agents: agent_ids. rule: rule_key, rule_value.
    """

    kind: str
    text: str
    channel: str | None = None
    language: str | None = None
    when: When = When()
    amount: float = 0.0
    unit: str = ""
    target: ServiceTarget | None = None
    profile: AgentProfile | None = None
    agent_ids: tuple[str, ...] = ()
    rule_key: str = ""
    rule_value: Any = None

    def __str__(self) -> str:
        return f"{self.kind.replace('_', '-')} {self.text}"


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the base plan; `sweep_value` is the swept value for sweep points."""

    name: str
    changes: tuple[Change, ...] = ()
    description: str = ""
    source: str | None = None
    sweep_value: float | None = None


# --------------------------------------------------------------------------- small parsers


def _fail(key: str, value: Any, expected: str, source: str | None) -> ConfigError:
    return ConfigError(key, f"expected {expected}, got {value!r}", source)


def rekey(exc: ConfigError, key: str, source: str | None) -> ConfigError:
    """Return `exc` with its message under another key (e.g. "sla.phone" instead of "--sla")."""
    prefix = (f"{exc.path}: " if exc.path else "") + f"{exc.key}: "
    text = str(exc)
    return ConfigError(key, text[len(prefix):] if text.startswith(prefix) else text, source)


def parse_when(text: str, key: str = "when", source: str | None = None) -> When:
    """Parse "2026-12-01..2026-12-03@mon-fri@09:00-12:00" (parts optional, any order) into a When."""
    out: dict[str, Any] = {}
    for part in (p.strip().lower() for p in text.split("@")):
        if not part:
            continue
        m = _DATE_RE.match(part)
        if m:
            try:
                first = date.fromisoformat(m.group(1))
                last = date.fromisoformat(m.group(2)) if m.group(2) else first
            except ValueError:
                raise _fail(key, part, "real dates like 2026-12-01 or 2026-12-01..2026-12-03", source) from None
            if last < first:
                raise _fail(key, part, "a date range whose end is not before its start", source)
            out.update(first_date=first, last_date=last)
            continue
        m = _CLOCK_RANGE_RE.match(part)
        if m:
            a, b = (parse_clock(x, key, source) for x in m.groups())
            start = a.hour * 60 + a.minute
            end = 1440 if b.second == 59 else b.hour * 60 + b.minute
            if end <= start:
                raise _fail(key, part, "a clock range like 09:00-12:00 whose end is after its start", source)
            out.update(start_minute=start, end_minute=end)
            continue
        m = _WEEKDAY_RANGE_RE.match(part)
        if m and m.group(1) in WEEKDAYS and m.group(2) in WEEKDAYS:
            a, b = WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2))
            out["weekdays"] = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
            continue
        try:
            out["weekdays"] = parse_weekdays(part, key, source)
        except ConfigError:
            raise _fail(key, part, 'a date "2026-12-01", a date range "2026-12-01..2026-12-03", weekdays '
                        '"mon-fri" or "sat;sun", or a clock range "09:00-12:00"', source) from None
    return When(**out)


def _queue(text: str, key: str, source: str | None, config: Config | None) -> tuple[str | None, str | None]:
    m = _QUEUE_RE.match(text.strip().lower())
    if not m:
        raise _fail(key, text, 'a channel like "chat", a queue like "chat:de", or "*:de" for every channel of '
                    "a language", source)
    channel = None if m.group(1) == "*" else m.group(1)
    language = None if m.group(2) in (None, "*") else m.group(2)
    if config is not None and channel is not None and channel not in config.channels:
        raise ConfigError(key, f"unknown channel {channel!r}; planner.toml defines "
                          f"{', '.join(sorted(config.channels))}", source)
    return channel, language


def _amount(text: str, units: tuple[str, ...], key: str, source: str | None, expected: str) -> tuple[float, str]:
    m = _AMOUNT_RE.match(text.strip().replace(" ", ""))
    unit = {"sec": "s", None: ""}.get(m.group(2), m.group(2)) if m else None
    if not m or unit not in units:
        raise _fail(key, text, expected, source)
    return float(m.group(1)), unit


def _split_scope(text: str) -> tuple[str, str]:
    """Split "chat:de:+30%" into ("chat:de", "+30%"); "+30%" into ("", "+30%")."""
    head, _, tail = text.rpartition(":")
    return (head, tail) if head else ("", text)


def _fraction(value: Any, key: str, source: str | None, hi: float, what: str) -> float:
    if isinstance(value, str):
        v = value.strip()
        try:
            number = float(v[:-1]) / 100 if v.endswith("%") else float(v)
        except ValueError:
            raise _fail(key, value, f"{what} like 0.35 or 35%", source) from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        raise _fail(key, value, f"{what} like 0.35 or 35%", source)
    if not 0 <= number <= hi or (what.startswith("an occupancy") and number == 0):
        raise _fail(key, value, f"{what} between 0 and {hi:g}", source)
    return number


# --------------------------------------------------------------------------- changes


def volume_change(scope: str, amount: str, *, when: str = "", text: str | None = None, key: str = "volume",
                  source: str | None = None, config: Config | None = None) -> Change:
    """Return a volume change of queue `scope` ("" = all) by `amount` ("+30%" or "+50" contacts per interval)."""
    channel, language = _queue(scope, key, source, config) if scope else (None, None)
    value, unit = _amount(amount, ("%", ""), key, source,
                          '"+30%" (percent) or "+50" (contacts more per queue and interval)')
    if unit == "%" and value < -100:
        raise _fail(key, amount, "a percent change of -100 % or more (volume cannot go below zero)", source)
    return Change("volume", text or f"{scope + ':' if scope else ''}{amount}{'@' + when if when else ''}",
                  channel, language, parse_when(when, key, source), value, "%" if unit == "%" else "contacts")


def aht_change(scope: str, amount: str, *, when: str = "", text: str | None = None, key: str = "aht",
               source: str | None = None, config: Config | None = None) -> Change:
    """Return an AHT change of queue `scope` ("" = all) by `amount` ("+20s" seconds or "-10%")."""
    channel, language = _queue(scope, key, source, config) if scope else (None, None)
    value, unit = _amount(amount, ("%", "s"), key, source, '"+20s" (seconds) or "-10%" (percent)')
    if unit == "%" and value <= -100:
        raise _fail(key, amount, "a percent change above -100 % (handle time must stay positive)", source)
    return Change("aht", text or f"{scope + ':' if scope else ''}{amount}{'@' + when if when else ''}",
                  channel, language, parse_when(when, key, source), value, unit)


def _scoped(text: str) -> tuple[str, str]:
    scope, sep, value = text.partition("=")
    return (scope.strip(), value.strip()) if sep else ("", text.strip())


def _channel_only(scope: str, key: str, source: str | None, config: Config | None) -> str | None:
    if not scope or scope in ("*", "all"):
        return None
    channel, language = _queue(scope, key, source, config)
    if language is not None:
        raise _fail(key, scope, "a channel name (this setting is per channel, not per queue)", source)
    return channel


def agent_profile(text: str, key: str = "add_agents", source: str | None = None,
                  config: Config | None = None) -> AgentProfile:
    """Parse "3x en;de phone;chat Europe/Berlin 40 [key=value ...]" into an AgentProfile."""
    expected = ('new agents like "3x en;de phone;chat Europe/Berlin 40" (count, languages, channels, time zone, '
                f"weekly contract hours), optionally followed by key=value for {', '.join(AGENT_EXTRA_KEYS)}")
    tokens = text.split()
    positional = [t for t in tokens if "=" not in t]
    extra = [t.split("=", 1) for t in tokens if "=" in t]
    if len(positional) != 5:
        raise _fail(key, text, expected, source)
    count_txt, langs, chans, tz, hours = positional
    count_txt = count_txt.lower().rstrip("x")
    if not count_txt.isdigit() or not 1 <= int(count_txt) <= 1000:
        raise _fail(key, text, expected + " (count between 1 and 1000)", source)
    languages = tuple(x.strip().lower() for x in langs.replace(",", ";").split(";") if x.strip())
    channels = tuple(x.strip().lower() for x in chans.replace(",", ";").split(";") if x.strip())
    for lang in languages:
        allowed = config.team.languages if config is not None and config.team.languages else ()
        if not re.fullmatch(r"[a-z]{2}", lang) or (allowed and lang not in allowed):
            raise _fail(key, lang, "languages " + (", ".join(allowed) if allowed else "as ISO 639-1 codes like en;de"),
                        source)
    for ch in channels:
        if config is not None and ch not in config.channels:
            raise ConfigError(key, f"unknown channel {ch!r}; planner.toml defines {', '.join(sorted(config.channels))}",
                              source)
    if not languages or not channels:
        raise _fail(key, text, expected, source)
    tz = check_timezone(tz, key, source)
    try:
        contract = float(hours.lower().rstrip("h"))
    except ValueError:
        raise _fail(key, hours, "weekly contract hours like 40", source) from None
    if not 0 < contract <= 80:
        raise _fail(key, hours, "weekly contract hours above 0 and at most 80", source)
    for k, v in extra:
        if k not in AGENT_EXTRA_KEYS:
            raise ConfigError(f"{key}.{k}", f"unknown agent field; allowed: {', '.join(AGENT_EXTRA_KEYS)}", source)
    return AgentProfile(int(count_txt), languages, channels, tz, contract, tuple(extra))


def rule_change(name: str, value: Any, key: str = "rules", source: str | None = None) -> Change:
    """Return a change of one [rules] setting (e.g. "min_rest_hours", 12), validated as planner.toml would."""
    name = name.strip()
    allowed = [f.name for f in fields(RulesConfig) if f.name != "weights"] + [
        f"weights.{f.name}" for f in fields(RosterWeights)]
    if name not in allowed:
        raise ConfigError(f"{key}.{name}" if key else name, f"unknown rule; allowed: {', '.join(allowed)}", source)
    table = {"weights": {name.split(".", 1)[1]: value}} if name.startswith("weights.") else {name: value}
    try:
        config_from_dict({"rules": table})
    except ConfigError as exc:
        raise rekey(exc, f"{key}.{name}" if key else name, source) from None
    return Change("rule", f"{name}={value}", rule_key=name, rule_value=value)


def _literal(text: str) -> Any:
    """Read a flag value as TOML would ("12" -> 12, "[8, 9]" -> list, "true" -> True, else the text)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_change(kind: str, text: str, config: Config | None = None, source: str | None = None) -> Change:
    """Parse one command-line change of `kind` (see the module docstring); with `config`, check names too."""
    kind = kind.replace("-", "_")
    if kind not in KINDS:
        raise ConfigError(kind, f"unknown kind of change; allowed: {', '.join(KINDS)}", source)
    key = f"--{kind.replace('_', '-')}"
    if not isinstance(text, str) or not text.strip():
        raise _fail(key, text, "a value", source)
    text = text.strip()
    if kind in ("volume", "aht"):
        body, _, when = text.partition("@")
        scope, amount = _split_scope(body)
        make = volume_change if kind == "volume" else aht_change
        return make(scope, amount, when=when, text=text, key=key, source=source, config=config)
    if kind == "sla":
        scope, value = _scoped(text)
        channel = _channel_only(scope, key, source, config)
        if "/" in value:
            return Change("sla", text, channel, target=parse_target(value, key, source))
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", value)
        if not m or not 0 < float(m.group(1)) <= 100:
            raise _fail(key, value, 'a target like "phone=90/20" (90 % within 20 s) or a service level in percent '
                        'above 0 and at most 100 like "phone=90" (answer time kept)', source)
        return Change("sla", text, channel, amount=float(m.group(1)) / 100.0)
    if kind in ("shrinkage", "occupancy"):
        scope, value = _scoped(text)
        channel = _channel_only(scope, key, source, config)
        what = "a shrinkage fraction" if kind == "shrinkage" else "an occupancy cap"
        hi = 0.95 if kind == "shrinkage" else 1.0
        return Change(kind, text, channel, amount=_fraction(value, key, source, hi, what))
    if kind == "add_agents":
        return Change("add_agents", text, profile=agent_profile(text, key, source, config))
    if kind == "remove_agents":
        ids = tuple(dict.fromkeys(x.strip() for x in text.replace(";", ",").split(",") if x.strip()))
        if not ids:
            raise _fail(key, text, "agent ids like A001,A002", source)
        return Change("remove_agents", text, agent_ids=ids)
    name, sep, value = text.partition("=")
    if not sep:
        raise _fail(key, text, "a rule setting like min_rest_hours=12", source)
    return rule_change(name, _literal(value.strip()), "", source)


def scenario_from_flags(name: str = "what-if", *, config: Config | None = None, **flags: Any) -> Scenario | None:
    """Return one Scenario from CLI flag values (keyword = kind, value = list of texts), or None if none given.

    Example: scenario_from_flags(volume=["chat:+30%"], sla=["phone=90/20"]).
    """
    changes = []
    for kind, texts in flags.items():
        for text in texts or ():
            changes.append(parse_change(kind, text, config))
    if not changes:
        return None
    return Scenario(name, tuple(changes), description="; ".join(str(c) for c in changes))
