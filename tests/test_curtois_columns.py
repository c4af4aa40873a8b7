"""Column generation on the Curtois & Qu instances: bound, master LP, LP rounding.

The references are independent: the optimum by brute force over every feasible row of a
tiny instance, and the Dantzig-Wolfe LP solved once by GLOP with every feasible row as a
column. Best known values are from Curtois & Qu's 2014 comparison table
(../shared/data/curtois_qu/best_known.csv).
"""
from __future__ import annotations

import itertools
import math
import random

import pytest
from ortools.linear_solver import pywraplp

from planner.errors import InfeasibleRosterError
from planner.roster.curtois import Instance, penalty, read_instance, solve_instance
from planner.roster.curtois_columns import (
    Column,
    _Pricer,
    generate_columns,
    lagrangian_value,
    lp_rounding,
    row_cost,
)
from test_curtois import DATA, SHIFTS, _brute_force_optimum, _staff, _tiny, needs_data


def _all_columns(inst: Instance) -> list[Column]:
    """Every feasible row of every employee, by enumeration."""
    options = [None] + [s.shift_id for s in inst.shifts]
    out = []
    for p in inst.staff:
        solo = Instance(inst.name, inst.horizon_days, inst.shifts, (p,))
        for r in itertools.product(options, repeat=inst.horizon_days):
            if penalty(solo, {(p.staff_id, d): s for d, s in enumerate(r)}).feasible:
                out.append(Column(p.staff_id, tuple(r), row_cost(inst, p, tuple(r))))
    return out


def _full_lp(inst: Instance, columns: list[Column]) -> float:
    """The Dantzig-Wolfe LP with every column, written out directly and solved by GLOP."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lam = [lp.NumVar(0, 1, "") for _ in columns]
    for p in inst.staff:
        lp.Add(sum(v for c, v in zip(columns, lam) if c.staff_id == p.staff_id) == 1)
    cost = [c.cost * v for c, v in zip(columns, lam)]
    for cv in inst.cover:
        under, over = lp.NumVar(0, cv.requirement, ""), lp.NumVar(0, lp.infinity(), "")
        on = [v for c, v in zip(columns, lam) if c.row[cv.day] == cv.shift_id]
        lp.Add(sum(on) + under - over == cv.requirement)
        cost += [cv.weight_under * under, cv.weight_over * over]
    lp.Minimize(sum(cost))
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return lp.Objective().Value()


def test_row_cost_is_the_penalty_of_the_wishes():
    inst = _tiny()
    row = ("E", "E", None, "L", "E", None, "E")   # wishes: E on day 6 met, L on day 4 unmet, not E on day 0 unmet
    mine = [tuple(r for r in reqs if r.staff_id == "A") for reqs in (inst.on_requests, inst.off_requests)]
    got = penalty(Instance("w", 7, inst.shifts, (inst.staff[0],), *mine), {("A", d): s for d, s in enumerate(row)})
    assert got.shift_on_requests and got.shift_off_requests   # both kinds of wish count here
    assert row_cost(inst, inst.staff[0], row) == got.shift_on_requests + got.shift_off_requests


def test_column_generation_reaches_the_full_lp_and_bounds_the_optimum():
    inst = _tiny()
    optimum = _brute_force_optimum(inst)
    full = _full_lp(inst, _all_columns(inst))
    out = generate_columns(inst, dtime_budget=100, workers=2)
    assert out.converged
    assert out.lp_value == pytest.approx(full, abs=1e-6)
    assert full - 1e-3 <= out.bound <= full + 1e-9   # the bound is the LP's, up to the pricing's rounding
    assert math.ceil(out.bound - 1e-6) <= optimum
    assert sum(out.lp_weights) == pytest.approx(len(inst.staff))


@pytest.mark.parametrize("seed", range(5))
def test_lagrangian_value_bounds_the_optimum_at_any_prices(seed):
    # weak duality: whatever the cover prices (at or above -weight_over), the value is a lower bound
    inst = _tiny()
    optimum = _brute_force_optimum(inst)
    rng = random.Random(seed)
    duals = {(c.day, c.shift_id): rng.uniform(-c.weight_over, 2 * c.weight_under) for c in inst.cover}
    priced = {p.staff_id: _Pricer(inst, p).price(duals, 0, 10.0, None)[1] for p in inst.staff}
    # the pricing's bound is each employee's least priced row, checked by enumeration
    for p in inst.staff:
        rows = [c for c in _all_columns(inst) if c.staff_id == p.staff_id]
        least = min(c.cost - sum(duals.get((d, s), 0.0) for d, s in enumerate(c.row) if s) for c in rows)
        assert least - 1e-3 <= priced[p.staff_id] <= least + 1e-9
    assert lagrangian_value(inst, duals, priced) <= optimum + 1e-9


def test_lp_rounding_fixes_only_cells_every_row_in_the_support_agrees_on():
    inst = _tiny()
    out = generate_columns(inst, dtime_budget=100, workers=1)
    rounded, unsure = lp_rounding(inst, out)
    support = [c for c, w in zip(out.columns, out.lp_weights) if w > 1e-6]
    assert set(rounded) == {(p.staff_id, d) for p in inst.staff for d in range(7)}
    for c in support:
        for d, s in enumerate(c.row):
            if (c.staff_id, d) not in unsure:
                assert rounded[c.staff_id, d] == s


@needs_data
def test_instance4_bound_is_its_optimum_and_the_search_proves_it():
    # best known 1716; column generation's bound meets it, so the solve ends proven optimal
    inst = read_instance(DATA / "Instance4.txt")
    out = generate_columns(inst, dtime_budget=50, workers=2)
    assert out.converged and math.ceil(out.bound - 1e-6) == 1716
    solved = solve_instance(inst, time_limit_s=60, workers=2, seed=0)
    assert (solved.objective, solved.bound, solved.status) == (1716, 1716, "OPTIMAL")
    assert penalty(inst, solved.assignment).total == 1716


def test_an_employee_without_a_feasible_row_is_named():
    inst = _tiny()
    impossible = _staff("C", max_total_minutes=400, min_total_minutes=480)   # no row of 0 or 480+ minutes fits
    with pytest.raises(InfeasibleRosterError, match="employee C"):
        generate_columns(Instance("x", 7, SHIFTS, inst.staff + (impossible,), cover=inst.cover))


@needs_data
def test_a_budget_that_ends_mid_round_adds_rows_but_no_bound():
    inst = read_instance(DATA / "Instance4.txt")
    out = generate_columns(inst, dtime_budget=1e-9, workers=1)
    assert out.rounds == 1 and not out.converged and out.bound == -math.inf
    assert len(out.columns) > len(inst.staff)   # the rows priced before the budget ran out are in
