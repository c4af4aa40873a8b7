"""Column names of the long tables that flow between the steps, and their checks.

One tidy long DataFrame per stage; every stage checks its input on entry with
`require_columns`, which lists what is missing and what was found.

Frames (all times are tz-aware UTC `datetime64[ns, UTC]` unless named local_*):
- history:      interval_start, channel, language, volume, aht_s (NaN where unknown)
- forecast:     interval_start, channel, language, volume (= p50), volume_p10, volume_p90,
                aht_s, method
- requirements: interval_start, channel, language, volume, aht_s, load_erlangs,
                agents_needed (int), agents_needed_frac, staff_needed (int), service_level,
                asa_s, occupancy, backlog (deferred channels; 0 elsewhere)
- shifts:       agent_id, local_date (datetime.date in the agent's zone), start_utc, end_utc,
                break_start_utc, break_end_utc (NaT without break), paid_hours
- allocation:   interval_start, agent_id, channel, language (one row per agent-interval worked)
- coverage:     interval_start, channel, language, required, scheduled, shortfall, surplus,
                service_level, asa_s, occupancy
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from planner.errors import PlannerError

INTERVAL_START = "interval_start"
CHANNEL = "channel"
LANGUAGE = "language"
VOLUME = "volume"
AHT_S = "aht_s"
QUEUE_KEYS = [CHANNEL, LANGUAGE]

HISTORY_COLUMNS = [INTERVAL_START, CHANNEL, LANGUAGE, VOLUME, AHT_S]
FORECAST_COLUMNS = [INTERVAL_START, CHANNEL, LANGUAGE, VOLUME, "volume_p10", "volume_p90", AHT_S, "method"]
REQUIREMENT_COLUMNS = [INTERVAL_START, CHANNEL, LANGUAGE, VOLUME, AHT_S, "load_erlangs", "agents_needed",
                       "agents_needed_frac", "staff_needed", "service_level", "asa_s", "occupancy", "backlog"]
SHIFT_COLUMNS = ["agent_id", "local_date", "start_utc", "end_utc", "break_start_utc", "break_end_utc",
                 "paid_hours"]
ALLOCATION_COLUMNS = [INTERVAL_START, "agent_id", CHANNEL, LANGUAGE]
COVERAGE_COLUMNS = [INTERVAL_START, CHANNEL, LANGUAGE, "required", "scheduled", "shortfall", "surplus",
                    "service_level", "asa_s", "occupancy"]


def queue_name(channel: str, language: str) -> str:
    """Return the display name of a queue, e.g. "phone:en"."""
    return f"{channel}:{language}"


def require_columns(frame: pd.DataFrame, needed: Iterable[str], what: str) -> None:
    """Raise PlannerError if `frame` lacks any of `needed`, listing missing and found columns."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise PlannerError(
            f"{what} is missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns)) or 'none'}"
        )
