"""The previous roster's shifts that reach into the planning period: the hours they work here and their queues.

A Sunday-night shift of the last roster goes on past Monday 00:00 (the period's start);
those hours cover the period's demand too, so the roster must not staff them again.
Their queues are fixed before solving (interval by interval, where the need left is
largest, then by channel priority), and the period's model plans against the need left.
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from planner.agents import Agent
from planner.config import Config
from planner.roster.shifts import worked_intervals

Queue = tuple[str, str]


def carried_intervals(previous: pd.DataFrame | None, agents: dict[str, Agent], grid: pd.DatetimeIndex,
                      interval_minutes: int) -> dict[str, list[int]]:
    """Return per agent of the team the grid intervals its previous shifts work in full (outside breaks)."""
    if previous is None or len(previous) == 0 or len(grid) == 0:
        return {}
    week_start, minute = grid[0], pd.Timedelta(minutes=1)
    out: dict[str, list[int]] = defaultdict(list)
    for row in previous.itertuples(index=False):
        aid = str(row.agent_id)
        if aid not in agents:
            continue
        start = int((pd.Timestamp(row.start_utc) - week_start) / minute)
        end = int((pd.Timestamp(row.end_utc) - week_start) / minute)
        if end <= 0:
            continue
        brk, brk_len = None, 0
        if not pd.isna(row.break_start_utc):
            brk = int((pd.Timestamp(row.break_start_utc) - week_start) / minute)
            brk_len = int((pd.Timestamp(row.break_end_utc) - pd.Timestamp(row.break_start_utc)) / minute)
        out[aid].extend(worked_intervals(start, end, brk, brk_len, interval_minutes, len(grid)))
    return {aid: sorted(set(ts)) for aid, ts in out.items() if ts}


def carry_allocation(carried: dict[str, list[int]], agents: dict[str, Agent], need: dict[tuple[Queue, int], int],
                     config: Config) -> tuple[list[tuple[int, str, Queue]], dict[tuple[Queue, int], int]]:
    """Give each carried-in agent-interval one of the agent's queues; return the rows and the need left.

    Rows are (interval, agent, queue). Per interval, agents with fewer skills choose first; each takes the queue it can
    serve with need left, the highest channel priority first, then the most need left.
    """
    left = dict(need)
    by_interval: dict[int, list[str]] = defaultdict(list)
    for aid, ts in carried.items():
        for t in ts:
            by_interval[t].append(aid)

    def priority(q: Queue) -> float:
        return config.channels[q[0]].priority if q[0] in config.channels else 1.0

    rows: list[tuple[int, str, Queue]] = []
    for t in sorted(by_interval):
        for aid in sorted(by_interval[t], key=lambda a: (len(agents[a].skill_profile), a)):
            q = max(agents[aid].skill_profile,
                    key=lambda q: (left.get((q, t), 0) > 0, priority(q), left.get((q, t), 0), q))
            rows.append((t, aid, q))
            if left.get((q, t), 0) > 0:
                left[q, t] -= 1
                if not left[q, t]:
                    del left[q, t]
    return rows, left
