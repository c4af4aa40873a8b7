"""planner: workforce planning for support teams (forecast, staffing, roster, export).

The public API, imported lazily so that `planner --help` stays fast:

    from planner import load_config, read_history, forecast_volume, staffing_requirements
    from planner import read_agents, build_roster, check_roster, evaluate_roster, write_workbook
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "load_config": "planner.config",
    "Config": "planner.config",
    "PlannerError": "planner.errors",
    "read_history": "planner.history",
    "read_agents": "planner.agents",
    "read_time_off": "planner.agents",
    "Agent": "planner.agents",
    "forecast_volume": "planner.forecast",
    "backtest": "planner.forecast",
    "staffing_requirements": "planner.staffing",
    "achieved_service": "planner.staffing",
    "build_roster": "planner.roster",
    "check_roster": "planner.roster",
    "evaluate_roster": "planner.roster",
    "write_workbook": "planner.export",
    "run_plan": "planner.plan",
    "week_grid": "planner.timegrid",
    "run_whatif": "planner.scenario",
    "read_scenario": "planner.scenario",
    "apply_scenario": "planner.scenario",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
