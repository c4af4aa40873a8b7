"""Apply a Scenario to the base plan's inputs: forecast frame, Config and team (pure)."""
from __future__ import annotations

from dataclasses import asdict, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.config import Config, RulesConfig, ServiceTarget, config_from_dict, parse_clock, parse_weekdays
from planner.errors import ConfigError, PlannerError
from planner.scenario.change import AgentProfile, Change, Scenario, When
from planner.timegrid import open_mask

VOLUME_COLUMNS = (C.VOLUME, "volume_p10", "volume_p90")


def _where(frame: pd.DataFrame, local: pd.Series, change: Change, config: Config, source: str | None) -> np.ndarray:
    """Rows of `frame` a volume/AHT change touches; raise if it touches none."""
    mask = np.ones(len(frame), dtype=bool)
    if change.channel is not None:
        if change.channel not in config.channels:
            raise ConfigError(change.kind, f"{change.text}: unknown channel {change.channel!r}; planner.toml defines "
                              f"{', '.join(sorted(config.channels))}", source)
        mask &= (frame[C.CHANNEL] == change.channel).to_numpy()
    if change.language is not None:
        mask &= (frame[C.LANGUAGE] == change.language).to_numpy()
    if not mask.any():
        queues = sorted(set(zip(frame[C.CHANNEL], frame[C.LANGUAGE])))
        wanted = f"{change.channel or '*'}:{change.language or '*'}"
        raise ConfigError(change.kind, f"{change.text}: no queue {wanted} in the forecast; queues: "
                          f"{', '.join(C.queue_name(*q) for q in queues)}", source)
    w: When = change.when
    if w != When():
        if w.first_date is not None:
            day = local.dt.date.to_numpy()
            mask &= (day >= w.first_date) & (day <= w.last_date)
        if w.weekdays:
            mask &= local.dt.day_of_week.isin(sorted(w.weekdays)).to_numpy()
        if w.start_minute is not None:
            minute = (local.dt.hour * 60 + local.dt.minute).to_numpy()
            mask &= (minute >= w.start_minute) & (minute < w.end_minute)
        if not mask.any():
            first, last = local.min(), local.max()
            raise ConfigError(change.kind, f"{change.text}: @{w} matches no interval of the forecast "
                              f"({first:%Y-%m-%d} to {last:%Y-%m-%d}, {config.team.home_timezone})", source)
    return mask


def _apply_volume(frame: pd.DataFrame, mask: np.ndarray, change: Change, config: Config) -> None:
    if change.unit == "%":
        factor = 1.0 + change.amount / 100.0
        for col in VOLUME_COLUMNS:
            if col in frame.columns:
                frame.loc[mask, col] = frame.loc[mask, col].astype(float) * factor
        return
    rows = np.zeros(len(frame), dtype=bool)
    keys = frame.loc[mask, [C.CHANNEL, C.LANGUAGE]].drop_duplicates()
    for channel, language in keys.itertuples(index=False):
        sel = mask & (frame[C.CHANNEL] == channel).to_numpy() & (frame[C.LANGUAGE] == language).to_numpy()
        is_open = open_mask(frame.loc[sel, C.INTERVAL_START], config.open_hours_for(channel, language),
                            config.team.home_timezone, config.team.interval_minutes)
        rows[np.nonzero(sel)[0][is_open]] = True
    for col in VOLUME_COLUMNS:
        if col in frame.columns:
            frame.loc[rows, col] = (frame.loc[rows, col].astype(float) + change.amount).clip(lower=0.0)
    _fill_aht(frame)


def _fill_aht(frame: pd.DataFrame) -> None:
    """Give rows that gained volume but have no AHT their queue's volume-weighted mean AHT."""
    missing = frame[C.AHT_S].isna() & (frame[C.VOLUME] > 0)
    if not missing.any():
        return
    known = frame[frame[C.AHT_S].notna() & (frame[C.VOLUME] > 0)]
    means = known.assign(w=known[C.VOLUME] * known[C.AHT_S]).groupby(C.QUEUE_KEYS)[["w", C.VOLUME]].sum()
    means = (means["w"] / means[C.VOLUME]).to_dict()
    for i in np.nonzero(missing.to_numpy())[0]:
        key = (frame[C.CHANNEL].iat[i], frame[C.LANGUAGE].iat[i])
        if key not in means:
            raise PlannerError(f"volume change: queue {C.queue_name(*key)} has no handle time in the forecast "
                               "for the added contacts; give the queue some history first")
        frame.iat[i, frame.columns.get_loc(C.AHT_S)] = means[key]


def _apply_aht(frame: pd.DataFrame, mask: np.ndarray, change: Change, source: str | None) -> None:
    aht = frame.loc[mask, C.AHT_S].astype(float)
    new = aht * (1.0 + change.amount / 100.0) if change.unit == "%" else aht + change.amount
    bad = (new <= 0) & (frame.loc[mask, C.VOLUME] > 0)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise ConfigError("aht", f"{change.text}: leaves a handle time of {new.iloc[i]:g} s on "
                          f"{C.queue_name(frame.loc[mask, C.CHANNEL].iloc[i], frame.loc[mask, C.LANGUAGE].iloc[i])} "
                          f"(was {aht.iloc[i]:g} s); expected a change that keeps it above 0 s", source)
    frame.loc[mask, C.AHT_S] = new


def apply_to_forecast(frame: pd.DataFrame, changes: tuple[Change, ...], config: Config,
                      source: str | None = None) -> pd.DataFrame:
    """Return a copy of a forecast frame with the volume and AHT changes applied in order."""
    todo = [c for c in changes if c.kind in ("volume", "aht")]
    if not todo:
        return frame
    out = frame.copy()
    for col in VOLUME_COLUMNS + (C.AHT_S,):
        if col in out.columns:
            out[col] = out[col].astype(float)
    local = out[C.INTERVAL_START].dt.tz_convert(config.team.home_timezone)
    for change in todo:
        mask = _where(out, local, change, config, source)
        if change.kind == "volume":
            _apply_volume(out, mask, change, config)
        else:
            _apply_aht(out, mask, change, source)
    return out


def _channel_names(change: Change, config: Config, source: str | None) -> list[str]:
    if change.channel is None:
        return list(config.channels)
    if change.channel not in config.channels:
        raise ConfigError(change.kind, f"{change.text}: unknown channel {change.channel!r}; planner.toml defines "
                          f"{', '.join(sorted(config.channels))}", source)
    return [change.channel]


def _rules_table(rules: RulesConfig) -> dict[str, Any]:
    table = {f.name: getattr(rules, f.name) for f in fields(RulesConfig) if f.name != "weights"}
    table["shift_hours"] = list(table["shift_hours"])
    table["weights"] = asdict(rules.weights)
    return table


def apply_to_config(config: Config, changes: tuple[Change, ...], source: str | None = None) -> Config:
    """Return `config` with the SLA, shrinkage, occupancy and rule changes applied in order."""
    channels = dict(config.channels)
    staffing, rules = config.staffing, config.rules
    for change in changes:
        if change.kind in ("sla", "occupancy") or (change.kind == "shrinkage" and change.channel is not None):
            for name in _channel_names(change, config, source):
                ch = channels[name]
                if change.kind == "sla":
                    target = change.target or ServiceTarget(change.amount, ch.target.answer_s)
                    channels[name] = replace(ch, target=target)
                elif change.kind == "occupancy":
                    channels[name] = replace(ch, max_occupancy=change.amount)
                else:
                    channels[name] = replace(ch, shrinkage=change.amount)
        elif change.kind == "shrinkage":  # every channel
            staffing = replace(staffing, shrinkage=change.amount)
            channels = {n: replace(ch, shrinkage=None) for n, ch in channels.items()}
        elif change.kind == "rule":
            table = _rules_table(rules)
            if change.rule_key.startswith("weights."):
                table["weights"][change.rule_key.split(".", 1)[1]] = change.rule_value
            else:
                table[change.rule_key] = change.rule_value
            rules = config_from_dict({"rules": table}, source).rules
    if (channels, staffing, rules) == (dict(config.channels), config.staffing, config.rules):
        return config
    return replace(config, channels=channels, staffing=staffing, rules=rules)


def new_agents(profile: AgentProfile, taken: set[str], source: str | None = None) -> list[Agent]:
    """Return `profile.count` new Agents with ids NEW001, NEW002, ... not in `taken` (which is updated)."""
    extra = dict(profile.extra)
    key = "add_agents"

    def num(name: str, default: float) -> float:
        try:
            return float(extra[name]) if name in extra else default
        except ValueError:
            raise ConfigError(f"{key}.{name}", f"expected a number of hours, got {extra[name]!r}", source) from None

    days = extra.get("days_per_week")
    if days is not None and not (str(days).isdigit() and 1 <= int(days) <= 7):
        raise ConfigError(f"{key}.days_per_week", f"expected a whole number 1-7, got {days!r}", source)
    night = str(extra.get("night_ok", "false")).lower()
    if night not in ("true", "false", "yes", "no"):
        raise ConfigError(f"{key}.night_ok", f"expected true or false, got {night!r}", source)
    clock = {k: parse_clock(extra[k], f"{key}.{k}", source) if k in extra else None
             for k in ("earliest_start", "latest_end", "preferred_start")}
    out = []
    n = 0
    for _ in range(profile.count):
        n += 1
        while f"NEW{n:03d}" in taken:
            n += 1
        aid = f"NEW{n:03d}"
        taken.add(aid)
        out.append(Agent(
            agent_id=aid, name=extra.get("name", "New agent") + f" {n}", timezone=profile.timezone,
            languages=profile.languages, channels=profile.channels,
            skills=tuple((c, lang) for c in profile.channels for lang in profile.languages),
            contract_hours=profile.contract_hours, min_hours=num("min_hours", profile.contract_hours),
            max_hours=num("max_hours", profile.contract_hours), days_per_week=int(days) if days else None,
            earliest_start=clock["earliest_start"], latest_end=clock["latest_end"],
            days_off=parse_weekdays(extra.get("days_off"), f"{key}.days_off", source),
            preferred_start=clock["preferred_start"], team=extra.get("team", "new"),
            night_ok=night in ("true", "yes")))
    return out


def apply_to_agents(agents: tuple[Agent, ...], changes: tuple[Change, ...],
                    source: str | None = None) -> tuple[Agent, ...]:
    """Return the team with agents removed (by id) and added (by profile), in order."""
    team = list(agents)
    for change in changes:
        if change.kind == "remove_agents":
            ids = {a.agent_id for a in team}
            unknown = [i for i in change.agent_ids if i not in ids]
            if unknown:
                raise ConfigError("remove_agents", f"unknown agent id(s) {', '.join(unknown)}; the team has "
                                  f"{len(ids)} agents, e.g. {', '.join(sorted(ids)[:5])}", source)
            team = [a for a in team if a.agent_id not in change.agent_ids]
        elif change.kind == "add_agents":
            team += new_agents(change.profile, {a.agent_id for a in team}, source)
    return tuple(team)


def apply_scenario(scenario: Scenario, forecast_frame: pd.DataFrame, config: Config,
                   agents: tuple[Agent, ...]) -> tuple[pd.DataFrame, Config, tuple[Agent, ...]]:
    """Return (forecast frame, config, agents) with the scenario's changes applied; the inputs are not modified."""
    src = scenario.source
    new_config = apply_to_config(config, scenario.changes, src)
    frame = apply_to_forecast(forecast_frame, scenario.changes, config, src)
    return frame, new_config, apply_to_agents(tuple(agents), scenario.changes, src)
