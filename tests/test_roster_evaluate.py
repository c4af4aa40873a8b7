"""Roster evaluation: coverage, hours and service computed back through the staffing model."""
from __future__ import annotations

from datetime import date, time

import pandas as pd
import pytest

from planner import columns as C
from planner.roster import RosterResult, evaluate_roster
from test_roster_helpers import make_agent, make_config, make_requirements

WEEK = "2026-W49"
T0 = pd.Timestamp("2026-11-30 09:00", tz="UTC")   # Monday 10:00 in Berlin


def _roster(n_agents: int) -> tuple[RosterResult, tuple]:
    """n agents each working Monday 09:00-17:00 UTC on phone:en, no break."""
    agents = tuple(make_agent(f"a{i:02d}", start=time(0), end=None) for i in range(n_agents))
    shifts = pd.DataFrame({
        "agent_id": [a.agent_id for a in agents], "local_date": [date(2026, 11, 30)] * n_agents,
        "start_utc": [T0 - pd.Timedelta(hours=1)] * n_agents, "end_utc": [T0 + pd.Timedelta(hours=7)] * n_agents,
        "break_start_utc": pd.to_datetime([None] * n_agents, utc=True),
        "break_end_utc": pd.to_datetime([None] * n_agents, utc=True), "paid_hours": [8.0] * n_agents})
    rows = [(T0 + pd.Timedelta(hours=h), a.agent_id, "phone", "en") for h in range(-1, 7) for a in agents]
    alloc = pd.DataFrame(rows, columns=C.ALLOCATION_COLUMNS)
    return RosterResult(WEEK, shifts, alloc, "OPTIMAL", 0.0, 0.0, 0.0, 1.0), agents


def test_service_level_matches_the_published_erlang_c_case():
    # Call Centre Helper's worked example (../shared/data/README.md): 10 Erlangs (200 calls/h x 180 s),
    # 80/20 target, 14 productive agents -> service level 0.8884; 20 scheduled at 30 % shrinkage.
    cfg = make_config()
    roster, agents = _roster(20)
    req = make_requirements(WEEK, "Europe/Berlin", lambda t, q: 20 if t == T0 else 0)
    req.loc[req.interval_start == T0, [C.VOLUME, C.AHT_S]] = [200.0, 180.0]
    ev = evaluate_roster(roster, req, agents, cfg)
    row = ev.coverage[ev.coverage.interval_start == T0].iloc[0]
    assert (row.required, row.scheduled, row.shortfall, row.surplus) == (20, 20, 0, 0)
    assert row.service_level == pytest.approx(0.8884, abs=5e-4)
    assert row.occupancy == pytest.approx(10 / 14, abs=1e-3)


def test_hours_shortfall_surplus_and_fairness():
    cfg = make_config()
    roster, agents = _roster(2)
    # need 3 at 09:00 UTC (1 short), 1 at 10:00 (1 surplus), 2 elsewhere in the shift (exact), 0 outside
    need = {T0: 3, T0 + pd.Timedelta(hours=1): 1}
    req = make_requirements(WEEK, "Europe/Berlin",
                            lambda t, q: need.get(t, 2 if T0 - pd.Timedelta(hours=1) <= t < T0 + pd.Timedelta(hours=7)
                                                  else 0))
    ev = evaluate_roster(roster, req, agents, cfg)
    assert ev.paid_hours == 16.0
    assert ev.shortfall_hours == 1.0 and ev.surplus_hours == 1.0
    ch = ev.channels.set_index("channel").loc["phone"]
    assert ch.required_hours == 2 + 3 + 1 + 5 * 2 and ch.scheduled_hours == 16 and ch.target_service_level == 0.8
    day = ev.daily[ev.daily.local_date == date(2026, 11, 30)].iloc[0]
    assert day.shortfall_hours == 1.0 and day.scheduled_hours == 16.0
    f = ev.fairness.set_index("agent_id")
    assert f.loc["a00", "paid_hours"] == 8.0 and f.loc["a00", "shifts"] == 1
    assert f.loc["a00", "weekend_shifts"] == 0 and f.loc["a00", "night_shifts"] == 0
    assert list(ev.coverage.columns) == C.COVERAGE_COLUMNS
