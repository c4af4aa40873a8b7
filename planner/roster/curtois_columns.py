"""Column generation for the Curtois & Qu instances: a proven lower bound, and rosters from it.

Every hard rule concerns one employee, so a roster is one feasible row per employee and
only the cover lines couple them. The Dantzig-Wolfe master LP mixes known rows
("columns") per employee against the cover lines; each round GLOP solves it and every
employee's pricing problem (their own CP-SAT model, the cover priced at the master's
duals) looks for the row of least reduced cost. By Lagrangian duality every round's
prices give a lower bound on the objective, whatever the master's state: the sum over
employees of their best priced row (CP-SAT's proven bound on it), plus each cover line's
best shortfall and surplus at its price, plus the prices times the requirements. The
bound is exact arithmetic on the pricing problems' proven bounds, so it is valid even
when a pricing solve stops early; on these instances it is close to the optimum (the
relaxation branch-and-price methods use).

The master LP's solution then guides the search (`lp_rounding`): on these instances most
cells take the same value in every row it uses, and fixing those leaves a small model.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from planner.errors import InfeasibleRosterError, PlannerError
from planner.roster.curtois import Instance, Roster, Staff, _solver, build_model

SCALE = 100_000  # pricing objective units per penalty point (the duals are fractional)
EPS = 1e-6  # a reduced cost below -EPS prices a column in
PRICING_BATCH = 4  # pricing solves per worker between budget checks (large instances end mid-round)
# rounds the budget must pay for at the first round's pace, else column generation stops at
# once (Instances 2-12 converge in 10-30 rounds; a few rounds leave neither bound nor guide)
MIN_ROUNDS = 8


@dataclass(frozen=True)
class Column:
    """One employee's feasible row (shift id or None per day) and its wish penalty."""

    staff_id: str
    row: tuple[str | None, ...]
    cost: int


@dataclass(frozen=True)
class ColumnOutcome:
    """What column generation found: the columns, the best bound and whether it converged."""

    columns: tuple[Column, ...]
    bound: float  # a proven lower bound on the objective (not yet rounded up)
    lp_value: float  # the last master LP's optimum (an upper bound on the relaxation)
    converged: bool  # no column prices in: the bound is the relaxation's optimum
    rounds: int
    dtime: float  # deterministic time of the pricing solves, divided by the workers
    lp_weights: tuple[float, ...]  # each column's weight in the last master's solution


def _wishes(instance: Instance, person: Staff) -> tuple[int, dict[tuple[int, str], int]]:
    """The person's wish penalty as a constant plus a cost per (day, shift) worked."""
    constant, per_cell = 0, {}
    for r in instance.on_requests:
        if r.staff_id == person.staff_id:
            constant += r.weight
            per_cell[r.day, r.shift_id] = per_cell.get((r.day, r.shift_id), 0) - r.weight
    for r in instance.off_requests:
        if r.staff_id == person.staff_id:
            per_cell[r.day, r.shift_id] = per_cell.get((r.day, r.shift_id), 0) + r.weight
    return constant, per_cell


def row_cost(instance: Instance, person: Staff, row: tuple[str | None, ...]) -> int:
    """The wish penalty of one employee's row."""
    constant, per_cell = _wishes(instance, person)
    return constant + sum(per_cell.get((d, s), 0) for d, s in enumerate(row) if s is not None)


class _Pricer:
    """One employee's own model (hard rules only), re-solved with cover priced at given duals."""

    def __init__(self, instance: Instance, person: Staff):
        alone = Instance(instance.name, instance.horizon_days, instance.shifts, (person,))
        self.person = person
        self.name = instance.name
        self.horizon = instance.horizon_days
        self.model, x = build_model(alone)
        self.cells = [(d, s) for (_, d, s) in x]
        self.vars = list(x.values())
        self.constant, self.wish = _wishes(instance, person)

    def row_cost(self, row: tuple[str | None, ...]) -> int:
        """The wish penalty of one of this employee's rows (as `row_cost`, without rescanning the wishes)."""
        return self.constant + sum(self.wish.get((d, s), 0) for d, s in enumerate(row) if s is not None)

    def price(self, duals: Mapping[tuple[int, str], float], seed: int, dtime: float,
              deadline: float | None) -> tuple[list[tuple[float, tuple[str | None, ...]]], float, float]:
        """Rows found (exact priced cost, row), a proven lower bound on the least priced cost, dtime.

        The priced cost of a row is its wish penalty minus the duals of the cells it works.
        """
        exact = [self.wish.get(c, 0) - duals.get(c, 0.0) for c in self.cells]
        scaled = [round(SCALE * v) for v in exact]
        self.model.minimize(cp_model.LinearExpr.weighted_sum(self.vars, scaled))
        rows: dict[tuple[str | None, ...], float] = {}
        cells, variables = self.cells, self.vars

        class Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(inner) -> None:
                row: list[str | None] = [None] * self.horizon
                value = float(self.constant)
                for k, var in enumerate(variables):
                    if inner.value(var):
                        row[cells[k][0]] = cells[k][1]
                        value += exact[k]
                rows[tuple(row)] = value

        solver = _solver(1, seed, dtime, deadline)
        status = solver.solve(self.model, Collect())
        if status == cp_model.INFEASIBLE:
            raise InfeasibleRosterError(f"instance {self.name}: the hard rules admit no roster "
                                        f"for employee {self.person.staff_id}")
        # |SCALE x exact - scaled| <= 1/2 per cell worked, at most one cell a day
        if status == cp_model.OPTIMAL:
            low = solver.objective_value
        else:
            low = solver.best_objective_bound
        bound = self.constant + (low - 0.5 * self.horizon) / SCALE
        found = sorted(((v, r) for r, v in rows.items()), key=lambda vr: (vr[0], tuple(x or "" for x in vr[1])))
        return found, bound, solver.deterministic_time


class _Master:
    """The restricted master LP: a convex mix of known rows per employee against the cover lines."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        lp = self.lp
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        self.convex = {p.staff_id: lp.Constraint(1.0, 1.0) for p in instance.staff}
        self.cover = {}
        for c in instance.cover:
            row = lp.Constraint(float(c.requirement), float(c.requirement))
            under = lp.NumVar(0.0, float(c.requirement), "")
            over = lp.NumVar(0.0, lp.infinity(), "")
            row.SetCoefficient(under, 1.0)
            row.SetCoefficient(over, -1.0)
            self.objective.SetCoefficient(under, float(c.weight_under))
            self.objective.SetCoefficient(over, float(c.weight_over))
            self.cover[c.day, c.shift_id] = row
        self.seen: set[tuple[str, tuple[str | None, ...]]] = set()
        self.columns: list[Column] = []
        self.vars: list = []

    def add(self, column: Column) -> bool:
        """Add a column unless it is known; True when added."""
        key = (column.staff_id, column.row)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.columns.append(column)
        var = self.lp.NumVar(0.0, self.lp.infinity(), "")
        self.vars.append(var)
        self.objective.SetCoefficient(var, float(column.cost))
        self.convex[column.staff_id].SetCoefficient(var, 1.0)
        for d, s in enumerate(column.row):
            if s is not None and (d, s) in self.cover:
                self.cover[d, s].SetCoefficient(var, 1.0)
        return True

    def weights(self) -> tuple[float, ...]:
        """Each column's weight in the last solution (in the order added)."""
        return tuple(v.solution_value() for v in self.vars)

    def solve(self) -> tuple[float, dict[tuple[int, str], float]]:
        """The LP optimum and the cover lines' duals, each kept where the bound stays finite."""
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            raise PlannerError(f"instance {self.instance.name}: the master LP did not solve to optimality")
        duals = {}
        for c in self.instance.cover:
            # a surplus costs weight_over: prices below -weight_over make the Lagrangian unbounded
            duals[c.day, c.shift_id] = max(self.cover[c.day, c.shift_id].dual_value(), -float(c.weight_over))
        return self.objective.Value(), duals


def lagrangian_value(instance: Instance, duals: Mapping[tuple[int, str], float],
                     priced: Mapping[str, float]) -> float:
    """The Lagrangian bound: employees' least priced rows plus the cover lines' own terms at the duals."""
    total = sum(priced.values())
    for c in instance.cover:
        pi = duals.get((c.day, c.shift_id), 0.0)
        total += pi * c.requirement + min(0.0, (c.weight_under - pi) * c.requirement)
    return total


def generate_columns(instance: Instance, roster: Roster | None = None, dtime_budget: float = 30.0,
                     pricing_dtime: float = 1.0, workers: int = 2, seed: int = 0,
                     deadline: float | None = None,
                     report: Callable[[int, float, float], None] | None = None) -> ColumnOutcome:
    """Column generation from the rows of `roster` (when given) until no row prices in or the budget ends.

    Each round solves the master, prices every employee at its duals (`workers` at a time,
    one CP-SAT worker each, at most `pricing_dtime` each) and adds every row found with a
    negative reduced cost. The budget counts the pricing solves' deterministic time divided
    by `workers`, so the same seed gives the same columns; it is checked every few solves,
    and a round it cuts short adds its rows but no bound. When the first round's pace
    would not pay for MIN_ROUNDS rounds, the search stops there and leaves the time to others.
    `report(round, lp_value, bound)` follows progress.
    """
    master = _Master(instance)
    pricers = [_Pricer(instance, p) for p in instance.staff]
    if roster is not None:
        for p in instance.staff:
            row = tuple(roster.get((p.staff_id, d)) for d in range(instance.horizon_days))
            master.add(Column(p.staff_id, row, row_cost(instance, p, row)))
    # a master without a row for someone is infeasible: start everyone at their best unpriced row
    missing = [pr for pr in pricers if not any(c.staff_id == pr.person.staff_id for c in master.columns)]
    for pr in missing:
        found, _, _ = pr.price({}, seed, pricing_dtime, deadline)
        if not found:
            raise PlannerError(f"instance {instance.name}: no row found for employee {pr.person.staff_id} "
                               "within the time limit")
        row = found[0][1]
        master.add(Column(pr.person.staff_id, row, pr.row_cost(row)))
    best, spent, rounds, converged, lp_value, added = -math.inf, 0.0, 0, False, math.inf, 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while spent < dtime_budget and not (deadline is not None and time.perf_counter() >= deadline):
            lp_value, duals = master.solve()
            rounds += 1
            results: list = []
            round_dtime = 0.0
            for start in range(0, len(pricers), PRICING_BATCH * max(1, workers)):
                batch = pricers[start:start + PRICING_BATCH * max(1, workers)]
                results += pool.map(lambda pr: pr.price(duals, seed, pricing_dtime, deadline), batch)
                round_dtime += sum(r[2] for r in results[start:]) / max(1, workers)
                # the first round's pace says whether MIN_ROUNDS fit the budget: if not, stop now
                hopeless = rounds == 1 and round_dtime * len(pricers) / len(results) * MIN_ROUNDS > dtime_budget
                if (hopeless or spent + round_dtime >= dtime_budget
                        or (deadline is not None and time.perf_counter() >= deadline)):
                    break
            spent += round_dtime
            if len(results) == len(pricers):  # a round cut short proves nothing
                priced = {pr.person.staff_id: r[1] for pr, r in zip(pricers, results)}
                best = max(best, lagrangian_value(instance, duals, priced))
            mus = {sid: row.dual_value() for sid, row in master.convex.items()}
            added = 0
            for pr, (found, _, _) in zip(pricers, results):
                mu = mus[pr.person.staff_id]
                for value, row in found:
                    if value - mu < -EPS:
                        added += master.add(Column(pr.person.staff_id, row, pr.row_cost(row)))
            if report is not None:
                report(rounds, lp_value, best)
            if len(results) < len(pricers):
                break
            if not added:
                # the bound loses at most half a unit per day to the scaled pricing objectives
                converged = best >= lp_value - len(pricers) * instance.horizon_days / SCALE - EPS
                break
    if added:  # the last round's columns are not in the last master yet
        lp_value, duals = master.solve()
    return ColumnOutcome(tuple(master.columns), best, lp_value, converged, rounds, spent, master.weights())


def lp_rounding(instance: Instance, outcome: ColumnOutcome,
                certain: float = 0.99) -> tuple[Roster, frozenset[tuple[str, int]]]:
    """The master LP's likeliest shift (or day off) per employee and day, and the cells it is unsure of.

    A cell is sure when the LP's rows agree on it with weight `certain` or more. The rows
    carrying most of the LP's weight work the sure cells as rounded, so fixing them nearly
    always keeps a roster feasible (a re-solve that finds none is simply discarded); on
    these instances that leaves a fraction of the cells to search.
    """
    weight: dict[tuple[str, int], dict[str | None, float]] = {}
    for col, w in zip(outcome.columns, outcome.lp_weights):
        if w > EPS:
            for d, s in enumerate(col.row):
                cell = weight.setdefault((col.staff_id, d), {})
                cell[s] = cell.get(s, 0.0) + w
    rounded: Roster = {}
    unsure = set()
    for p in instance.staff:
        for d in range(instance.horizon_days):
            options = weight.get((p.staff_id, d), {None: 1.0})
            s, w = max(options.items(), key=lambda kv: (kv[1], kv[0] is None, kv[0] or ""))
            rounded[p.staff_id, d] = s
            if w < certain:
                unsure.add((p.staff_id, d))
    return rounded, frozenset(unsure)
