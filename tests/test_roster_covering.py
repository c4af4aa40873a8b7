"""The coverage model against a shift-covering case with a known optimum (cyclic day, 55 shifts)."""
from __future__ import annotations

from datetime import date

import pandas as pd

from planner.roster.model import COST_SCALE, RosterModel
from planner.roster.rules import add_coverage, add_one_shift_per_day
from planner.roster.shifts import CandidateShift
from planner.roster.solve import _ProgressReporter, solve_model
from ortools.sat.python import cp_model
from test_roster_helpers import EN, make_agent, make_config

# Dantzig-style set covering, quoted in ../shared/data/README.md: a cyclic 24-hour day, 8-hour shifts
# starting on any hour, this hourly requirement; the minimum number of shifts is 55.
NEED = [6, 6, 6, 6, 6, 8, 9, 12, 18, 22, 25, 21, 21, 20, 18, 21, 21, 24, 24, 18, 18, 18, 12, 8]


def test_cyclic_day_needs_55_eight_hour_shifts():
    cfg = make_config(time_limit=60)
    grid = pd.date_range("2026-11-30", periods=24, freq="60min", tz="UTC", name="interval_start")
    day = date(2026, 11, 30)
    agents = {f"a{i:02d}": make_agent(f"a{i:02d}") for i in range(60)}  # one shift each: 60 > 55
    cands = {aid: [CandidateShift(aid, day, 60 * h, 480, None, 0, 60 * h,
                                  tuple((h + k) % 24 for k in range(8)), grid[0]) for h in range(24)]
             for aid in agents}
    rm = RosterModel(cp_model.CpModel(), cfg, "2026-W49", agents, grid, cands, {a: [day] for a in agents})
    for aid, cs in cands.items():
        for i in range(len(cs)):
            rm.x[aid, i] = rm.model.new_bool_var(f"x[{aid},{i}]")
            rm.by_day.setdefault((aid, day), []).append(i)
    rm.profiles[(EN,)] = list(agents)
    rm.need = {(EN, t): n for t, n in enumerate(NEED)}
    add_one_shift_per_day(rm)
    add_coverage(rm)
    rm.model.minimize(sum(c * e for c, e in rm.penalties))
    outcome = solve_model(rm.model, cfg, 60.0, _ProgressReporter(None))
    solver = outcome.solver
    assert outcome.status == cp_model.OPTIMAL
    shifts = sum(solver.boolean_value(v) for v in rm.x.values())
    assert shifts == 55
    # no shortfall: the objective is the surplus only, 8 agent-hours per shift beyond the requirement
    surplus = 8 * shifts - sum(NEED)
    assert solver.objective_value / COST_SCALE == surplus * cfg.rules.weights.surplus
