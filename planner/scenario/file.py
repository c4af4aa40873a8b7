"""Scenario files (forecasts/scenarios/*.toml) -> Scenario.

The format (every table optional; keys of [volume] and [aht] are queues with an optional
"@WHEN" limit as in planner.scenario.change; "all" or "*" means every queue):

    name = "Chat campaign"                   # default: the file name
    description = "Chat +30 % in the campaign week"

    [volume]                                 # "+30%" percent, "+50" contacts per queue and interval
    "chat" = "+30%"
    "phone:de@mon-fri@09:00-12:00" = "+50"

    [aht]                                    # "+20s" seconds or "-10%"
    "phone" = "+20s"

    [sla]                                    # per channel (or "all"): "90/20", "90/4h", or a level "90"
    phone = "90/20"

    [shrinkage]                              # "all" or a channel: fraction 0-0.95 or "35%"
    all = 0.35

    [occupancy]                              # per channel (or "all"): cap above 0, at most 1
    phone = 0.9

    [agents]
    add = ["3x en;de phone;chat Europe/Berlin 40"]   # as --add-agents
    remove = ["A001", "A002"]

    [rules]                                  # any key of [rules] in planner.toml
    min_rest_hours = 12
    [rules.weights]
    surplus = 5

Every problem raises ConfigError naming the file, the key and the value.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from planner.config import Config
from planner.errors import ConfigError, InputError
from planner.scenario.change import (Change, Scenario, agent_profile, aht_change, parse_change, rekey,
                                     rule_change, volume_change)

TOP_KEYS = ("name", "description", "volume", "aht", "sla", "shrinkage", "occupancy", "agents", "rules")
AGENT_KEYS = ("add", "remove")


def _unknown(key: str, allowed: tuple[str, ...] | list[str], source: str) -> ConfigError:
    return ConfigError(key, f"unknown key; allowed here: {', '.join(allowed)}", source)


def _table(data: dict, name: str, source: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(name, f"expected a table [{name}], got {value!r}", source)
    return value


def _text(value: Any, key: str, source: str, expected: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, f"expected {expected}, got {value!r}", source)
    return value.strip()


def _queue_changes(table: dict, kind: str, config: Config, source: str) -> list[Change]:
    out = []
    expected = '"+30%" (percent) or "+50" (contacts per interval)' if kind == "volume" else \
        '"+20s" (seconds) or "-10%" (percent)'
    for raw_key, value in table.items():
        key = f"{kind}.{raw_key}"
        scope, _, when = str(raw_key).partition("@")
        scope = "" if scope.strip().lower() in ("all", "*") else scope.strip()
        amount = _text(value, key, source, expected)
        make = volume_change if kind == "volume" else aht_change
        text = f"{scope + ':' if scope else ''}{amount}{'@' + when if when else ''}"
        out.append(make(scope, amount, when=when, text=text, key=key, source=source, config=config))
    return out


def _channel_changes(table: dict, kind: str, config: Config, source: str) -> list[Change]:
    out = []
    for channel, value in table.items():
        key = f"{kind}.{channel}"
        scope = "" if str(channel).lower() in ("all", "*") else str(channel)
        if kind != "sla" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = repr(float(value))
        if not isinstance(value, str):
            expected = 'a target like "90/20"' if kind == "sla" else "a fraction like 0.35"
            raise ConfigError(key, f"expected {expected}, got {value!r}", source)
        try:
            change = parse_change(kind, f"{scope}={value}" if scope else value, config, source)
        except ConfigError as exc:
            raise rekey(exc, key, source) from None
        out.append(change)
    return out


def _agent_changes(table: dict, config: Config, source: str) -> list[Change]:
    unknown = sorted(set(table) - set(AGENT_KEYS))
    if unknown:
        raise _unknown(f"agents.{unknown[0]}", AGENT_KEYS, source)
    out = []
    add = table.get("add", [])
    add = [add] if isinstance(add, str) else add
    if not isinstance(add, list):
        raise ConfigError("agents.add", f'expected a list like ["3x en;de phone;chat Europe/Berlin 40"], got {add!r}',
                          source)
    for item in add:
        text = _text(item, "agents.add", source, 'new agents like "3x en;de phone;chat Europe/Berlin 40"')
        out.append(Change("add_agents", text, profile=agent_profile(text, "agents.add", source, config)))
    remove = table.get("remove", [])
    remove = [remove] if isinstance(remove, str) else remove
    if not isinstance(remove, list) or not all(isinstance(x, str) and x.strip() for x in remove):
        raise ConfigError("agents.remove", f'expected a list of agent ids like ["A001", "A002"], got {remove!r}',
                          source)
    if remove:
        out.append(Change("remove_agents", ",".join(remove), agent_ids=tuple(x.strip() for x in remove)))
    return out


def _rule_changes(table: dict, source: str) -> list[Change]:
    out = []
    for name, value in table.items():
        if name == "weights" and isinstance(value, dict):
            out.extend(rule_change(f"weights.{k}", v, "rules", source) for k, v in value.items())
        else:
            out.append(rule_change(name, value, "rules", source))
    return out


def scenario_from_dict(data: dict, config: Config, source: str, default_name: str = "scenario") -> Scenario:
    """Build a Scenario from parsed scenario-file data (see the module docstring), checking every value."""
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise _unknown(unknown[0], TOP_KEYS, source)
    name = _text(data.get("name", default_name), "name", source, "a scenario name")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError("description", f"expected a text, got {description!r}", source)
    changes: list[Change] = []
    changes += _queue_changes(_table(data, "volume", source), "volume", config, source)
    changes += _queue_changes(_table(data, "aht", source), "aht", config, source)
    for kind in ("sla", "shrinkage", "occupancy"):
        changes += _channel_changes(_table(data, kind, source), kind, config, source)
    changes += _agent_changes(_table(data, "agents", source), config, source)
    changes += _rule_changes(_table(data, "rules", source), source)
    if not changes:
        raise ConfigError("", f"the scenario changes nothing; give at least one of the tables "
                          f"{', '.join('[' + k + ']' for k in TOP_KEYS[2:])}", source)
    return Scenario(name, tuple(changes), description=description.strip(), source=source)


def read_scenario(path: str | Path, config: Config) -> Scenario:
    """Read a scenario file (TOML, see the module docstring) into a Scenario checked against `config`."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(p, "scenario file not found (scenario files live in forecasts/scenarios/*.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read the scenario file: {exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"not valid TOML: {exc}", p) from None
    return scenario_from_dict(data, config, str(p), default_name=p.stem)
