"""Where a roster's gap comes from: the relaxation's bound against CP-SAT on the whole week, on small teams.

The scale benchmark (bench/roster_scale.py) reports gaps of 95 % on 200-1000 agents. A
gap is the search's distance from the optimum plus the bound's; on teams small enough
for CP-SAT to solve the full model (every break position), the two can be told apart:
the LP, Lagrangian and column-generation bounds (planner.roster.bound) are printed next
to CP-SAT's best roster and its own proven bound after `--time-limit` seconds.

    /tmp/venv/bin/python bench/roster_gap.py --sizes 12 30 --time-limit 240
"""
from __future__ import annotations

import argparse
import time

from ortools.sat.python import cp_model

from planner.roster.bound import column_generation_bound, lagrangian_bound, lp_bound
from planner.roster.interrupt import new_solver
from planner.roster.model import COST_SCALE, new_roster_model
from planner.roster.rules import add_hard_rules, add_soft_rules
from roster_scale import WEEK, bench_config, bench_requirements, bench_team


def gap_of(n: int, time_limit: float, workers: int) -> dict:
    """Return the relaxations' bounds and CP-SAT's roster and bound on the `n`-agent bench team."""
    frame, agents = bench_team(n)
    config = bench_config(time_limit, workers)
    req = bench_requirements(frame, config)
    out: dict = {"agents": n}
    for name, bound in (("lp", lambda rm: lp_bound(rm, 120.0)), ("lagrangian", lambda rm: lagrangian_bound(rm, 30.0)),
                        ("columns", lambda rm: column_generation_bound(rm, 60.0))):
        found = bound(new_roster_model(req, agents, config, WEEK, breaks="all"))
        out[name] = found.value
    rm = new_roster_model(req, agents, config, WEEK, breaks="all")
    out["shifts"] = len(rm.x)
    add_hard_rules(rm)
    add_soft_rules(rm)
    rm.model.minimize(sum(c * e for c, e in rm.penalties if c))
    solver = new_solver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = time_limit
    started = time.perf_counter()
    status = solver.solve(rm.model)
    out["cpsat_s"] = time.perf_counter() - started
    out["status"] = solver.status_name(status)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    out["cpsat"] = solver.objective_value / COST_SCALE if found else float("nan")
    out["cpsat_bound"] = solver.best_objective_bound / COST_SCALE
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[12, 30])
    p.add_argument("--time-limit", type=float, default=240.0, help="CP-SAT's seconds on the whole week")
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    print(f"{'agents':>6} {'shifts':>7} {'LP':>9} {'Lagr.':>9} {'columns':>9} {'CP-SAT':>9} {'its bound':>9} "
          f"{'status':>9} {'s':>6}  roster over best bound")
    for n in a.sizes:
        d = gap_of(n, a.time_limit, a.workers)
        best = max(d["lp"], d["lagrangian"], d["columns"], d["cpsat_bound"])
        print(f"{n:>6} {d['shifts']:>7,} {d['lp']:>9,.1f} {d['lagrangian']:>9,.1f} {d['columns']:>9,.1f} "
              f"{d['cpsat']:>9,.1f} {d['cpsat_bound']:>9,.1f} {d['status']:>9} {d['cpsat_s']:>6.1f}  "
              f"{(d['cpsat'] - best) / d['cpsat']:.1%}", flush=True)


if __name__ == "__main__":
    main()
