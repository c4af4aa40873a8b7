"""The team: who can work, where they live, which queues they serve, their contract.

(The reader `read_agents` and `read_time_off` are filled in by the agents loader work.)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Agent:
    """One agent. Times are local wall-clock times in the agent's own `timezone`.

    skills: the queues (channel, language) the agent may serve; by default the agent's
    channels x languages. contract_hours/min_hours/max_hours are paid hours per week.
    days_per_week: the number of working days the contract asks for (None: as the hours need).
    earliest_start/latest_end bound shifts (None: no bound; latest_end before
    earliest_start means a window across midnight). days_off: weekdays never worked
    (Monday = 0). night_ok: may work shifts touching 00:00-06:00 local.
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

    @property
    def skill_profile(self) -> tuple[tuple[str, str], ...]:
        """Return the sorted skill set: agents with the same profile are interchangeable for coverage."""
        return tuple(sorted(self.skills))
