"""Sweeps: one parameter stepped over a range, each step a Scenario, for a sensitivity table.

Forms (`--sweep`, SCOPE optional: a queue for volume/aht, a channel for the others):
  volume=[SCOPE:]-10%..+30%/10%       percent change of volume
  volume=[SCOPE:]+0..+40/10           contacts more per queue and interval
  aht=[SCOPE:]-10%..+20%/10%  or  aht=[SCOPE:]+0s..+60s/20s
  shrinkage=[CHANNEL:]0.25..0.40/0.05
  occupancy=[CHANNEL:]0.80..0.95/0.05
  sla=[CHANNEL:]70..90/5              service level in percent, answer time kept
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planner.config import Config
from planner.errors import ConfigError
from planner.scenario.change import Change, Scenario, parse_change

SWEEP_KINDS = ("volume", "aht", "shrinkage", "occupancy", "sla")
MAX_STEPS = 101
_RANGE_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)(%|s)?\.\.([+-]?\d+(?:\.\d+)?)(%|s)?/(\d+(?:\.\d+)?)(%|s)?$")
_UNITS = {"volume": ("%", ""), "aht": ("%", "s"), "shrinkage": ("",), "occupancy": ("",), "sla": ("", "%")}


@dataclass(frozen=True)
class Sweep:
    """A swept parameter: `kind`, optional `scope`, the `values` and their `unit` ("%", "s", "" or "contacts")."""

    kind: str
    scope: str
    values: tuple[float, ...]
    unit: str
    text: str

    @property
    def label(self) -> str:
        unit = {"%": " %", "s": " s"}.get(self.unit, "")
        what = {"sla": "service level target %", "volume": "volume change" if self.unit else "contacts added"}
        return f"{(self.scope + ' ') if self.scope else ''}{what.get(self.kind, self.kind)}{unit}"


def _fmt(value: float, kind: str, unit: str) -> str:
    sign = "+" if kind in ("volume", "aht") else ""
    text = f"{value:{sign}g}"
    return text + unit


def parse_sweep(text: str, config: Config | None = None, source: str | None = None) -> Sweep:
    """Parse "volume=-10%..+30%/10%" (see the module docstring) into a Sweep."""
    key = "--sweep"
    kind, sep, rest = (text or "").partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in SWEEP_KINDS:
        raise ConfigError(key, f'expected KIND=FROM..TO/STEP with KIND one of {", ".join(SWEEP_KINDS)}, e.g. '
                          f'"volume=-10%..+30%/10%", got {text!r}', source)
    scope, _, rng = rest.strip().rpartition(":")
    m = _RANGE_RE.match(rng.replace(" ", ""))
    units = {u for u in (m.group(2), m.group(4), m.group(6)) if u} if m else set()
    unit = units.pop() if len(units) == 1 else ("" if not units else None)
    if not m or unit is None or unit not in _UNITS[kind]:
        example = {"volume": "-10%..+30%/10%", "aht": "+0s..+60s/20s", "shrinkage": "0.25..0.40/0.05",
                   "occupancy": "0.80..0.95/0.05", "sla": "phone:70..90/5"}[kind]
        raise ConfigError(key, f"expected a range FROM..TO/STEP like {kind}={example}, got {text!r}", source)
    lo, hi, step = float(m.group(1)), float(m.group(3)), float(m.group(5))
    n = (hi - lo) / step if step > 0 else -1
    if step <= 0 or hi < lo or abs(n - round(n)) > 1e-6 or round(n) + 1 > MAX_STEPS:
        raise ConfigError(key, f"expected FROM <= TO and a positive STEP that divides TO - FROM into at most "
                          f"{MAX_STEPS - 1} steps, got {text!r}", source)
    values = tuple(round(lo + i * step, 10) for i in range(int(round(n)) + 1))
    if kind == "volume" and unit == "":
        unit = "contacts"
    sweep = Sweep(kind, scope.strip(), values, "%" if kind == "sla" else unit, text)
    sweep_scenarios(sweep, config, source)  # checks every value now
    return sweep


def sweep_scenarios(sweep: Sweep, config: Config | None = None, source: str | None = None) -> list[Scenario]:
    """Return one Scenario per swept value, named like "volume +10%", with `sweep_value` set."""
    out = []
    for v in sweep.values:
        if sweep.kind in ("volume", "aht"):
            unit = "" if sweep.unit == "contacts" else sweep.unit
            amount = _fmt(v, sweep.kind, unit)
            text = f"{sweep.scope}:{amount}" if sweep.scope else amount
        else:
            value = f"{v:g}"
            text = f"{sweep.scope}={value}" if sweep.scope else value
        change: Change = parse_change(sweep.kind, text, config, source)
        name = f"{sweep.kind} {text}"
        out.append(Scenario(name, (change,), description=f"sweep {sweep.text}", sweep_value=v))
    return out
