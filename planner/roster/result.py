"""What a roster run returns and what its evaluation reports: the contract with export."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

DUTY_COVER_COLUMNS = ["local_date", "shift_type", "skills", "required", "scheduled", "under", "over"]


@dataclass(frozen=True)
class RosterResult:
    """The best roster found, with the solver's account of it.

    week: the first ISO week of the planning period; weeks: how many ISO weeks it holds
    (1 by default), so the roster spans [Monday 00:00 of `week`, `weeks` weeks later).

    shifts: columns planner.columns.SHIFT_COLUMNS (one row per agent x worked local day).
    allocation: columns planner.columns.ALLOCATION_COLUMNS (one row per agent x interval
    worked, outside breaks: which queue the agent serves).
    status: "OPTIMAL" or "FEASIBLE". gap: (objective - bound) / max(1, |objective|).
    diagnostics: warnings in a manager's words (unstaffable queues, short availability).
    settings: what produced it (time limit, seed, workers, rule values).
    """

    week: str
    shifts: pd.DataFrame
    allocation: pd.DataFrame
    status: str
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    diagnostics: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    weeks: int = 1


@dataclass(frozen=True)
class Evaluation:
    """How a roster serves the requirement, computed back through the staffing model.

    coverage: planner.columns.COVERAGE_COLUMNS per queue x UTC interval; `required` is
        staff_needed, `scheduled` the agents allocated (heads, after breaks).
    daily: per home-zone local_date x channel x language: volume, required_hours,
        scheduled_hours, shortfall_hours, surplus_hours, service_level (volume-weighted),
        asa_s, occupancy, target_service_level.
    channels: per channel: volume, target_service_level, service_level, shortfall_hours,
        surplus_hours, required_hours, scheduled_hours.
    fairness: per agent: agent_id, paid_hours, shifts, night_shifts, weekend_shifts,
        late_shifts, preferred_start_met (share 0-1, NaN without a preference),
        wishes_granted, wishes_unmet (shift wishes of rosters/shift_requests.csv in the week).
    duty_cover: per local day x shift type x skills of rules.duty_cover: local_date,
        shift_type, skills ("" = everyone), required, scheduled, under, over (people);
        empty when planner.toml sets no duty cover.
    """

    coverage: pd.DataFrame
    daily: pd.DataFrame
    channels: pd.DataFrame
    fairness: pd.DataFrame
    paid_hours: float
    shortfall_hours: float
    surplus_hours: float
    duty_cover: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DUTY_COVER_COLUMNS))
