"""Solve a week's (or a planning period's) roster and turn the solution into shift and allocation frames."""
from __future__ import annotations

import math
import time as _time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import pandas as pd
from ortools.sat.python import cp_model

from planner import columns as C
from planner.agents import Agent
from planner.config import Config
from planner.errors import InfeasibleRosterError, PlannerError
from planner.roster.bound import RosterBound, column_generation_bound, coverage_terms, lp_bound
from planner.roster.greedy import best_response_roster, hint_allocation, planned_seconds
from planner.roster.interrupt import StopFlag, new_solver, stop_on_interrupt
from planner.roster.lns import LNS_DTIME_PER_SECOND, improve_week, queue_cover, week_objective
from planner.roster.model import COST_SCALE, DTIME_PER_SECOND, RosterModel, new_roster_model
from planner.roster.result import RosterResult
from planner.roster.rules import add_coverage, add_hard_rules, add_soft_rules
from planner.roster.shifts import break_positions
from planner.timegrid import check_weeks, period_label

Progress = Callable[[str], None]


def configure_solver(config: Config, time_limit_s: float | None = None, lns_only: bool = False,
                     wall_limit_s: float | None = None) -> cp_model.CpSolver:
    """Return a CpSolver with time limit, workers and seed set from config.solver.

    Determinism: the search is interleaved (one deterministic schedule of the workers'
    batches) and a deterministic time limit (DTIME_PER_SECOND x the wall-clock limit)
    ends it, so the same input, seed and workers give the same roster unless the
    wall-clock limit strikes first on a slower machine. Ctrl-C is left to Python
    (planner.roster.interrupt), which stops the search and keeps the best roster so far.
    """
    limit = float(time_limit_s if time_limit_s is not None else config.solver.time_limit_seconds)
    solver = new_solver()
    p = solver.parameters
    # the deterministic limit is the one meant to bind; the wall-clock one (by default the same
    # seconds) is the user's promise and a safety net on a machine slower than DTIME_PER_SECOND
    p.max_time_in_seconds = float(wall_limit_s) if wall_limit_s is not None else limit
    p.max_deterministic_time = limit * DTIME_PER_SECOND
    p.num_workers = int(config.solver.workers)
    p.random_seed = int(config.solver.seed)
    p.interleave_search = True
    p.use_lns_only = lns_only
    # a light presolve: the full one costs a third of a minute on a 100-agent week and buys little
    p.max_presolve_iterations = 1
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.log_search_progress = False
    return solver


@dataclass
class SolveOutcome:
    """What one solve returned: status, the solver holding the best solution, bound and time."""

    status: int
    solver: cp_model.CpSolver
    bound: float  # best proven bound, solver units
    seconds: float

    @property
    def found(self) -> bool:
        return self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def solve_model(model: cp_model.CpModel, config: Config, limit_s: float,
                reporter: "_ProgressReporter", deadline: float | None = None,
                stop: StopFlag | None = None) -> SolveOutcome:
    """Solve in two deterministic phases: full search (proves small cases optimal), then LNS from the best.

    The first fifth of the time runs CP-SAT's complete interleaved portfolio; if it
    has not finished, the rest improves its best roster by large-neighbourhood search
    only, which on big rosters finds far better solutions in the same time. A Ctrl-C
    (`stop`) ends the running phase with its best solution and skips the next.
    """
    stop = stop if stop is not None else StopFlag()
    first_s = min(max(1.0, 0.2 * limit_s), limit_s)
    # phase 1 may overrun its planned share on the wall clock (its deterministic budget binds);
    # phase 2 then gets what is left of the whole limit, so the total still honours it
    # deterministic budgets bind; the wall clock only guards `deadline` (perf_counter seconds), the
    # end of the user's time limit, so a loaded machine still stops in time (then not reproducibly)
    deadline = deadline if deadline is not None else _time.perf_counter() + limit_s

    def wall_left() -> float:
        return max(0.5, deadline - _time.perf_counter())

    solver = configure_solver(config, first_s, wall_limit_s=wall_left())
    status = stop.solve(solver, model, reporter)
    first = SolveOutcome(status, solver, solver.best_objective_bound, solver.wall_time)
    rest = limit_s - first_s  # planned, not measured: keeps the next phase's limits deterministic
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID) or rest < 1.0 or stop.requested:
        return first
    if status == cp_model.FEASIBLE:
        values = list(solver.response_proto.solution)
        model.clear_hints()
        for i, v in enumerate(values):
            model.add_hint(model.get_int_var_from_proto_index(i), v)
    lns = configure_solver(config, rest, lns_only=True, wall_limit_s=wall_left())
    reporter.offset_s += solver.wall_time
    reporter.bound = solver.best_objective_bound
    status2 = stop.solve(lns, model, reporter)
    if status2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return first
    # LNS alone proves nothing: its OPTIMAL means optimal within its neighbourhoods
    return SolveOutcome(cp_model.FEASIBLE, lns, max(solver.best_objective_bound, lns.best_objective_bound),
                        solver.wall_time + lns.wall_time)


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    """Reports objective, bound, gap and time of each improving roster to `progress`."""

    def __init__(self, progress: Progress | None):
        super().__init__()
        self.progress = progress
        self.first_s: float | None = None
        self.count = 0
        self.offset_s = 0.0  # time spent in earlier solver phases
        self.bound = float("-inf")  # best bound proven by earlier phases (solver units)
        self.floor = float("-inf")  # a bound on the whole week proven outside CP-SAT (objective points)
        self.cpsat_bound_holds = True  # False when the model solved is a restriction of the week's problem
        self.started: float | None = None  # perf_counter when our own search started (its lines' clock)

    def on_solution_callback(self) -> None:
        own = max(self.best_objective_bound, self.bound) if self.cpsat_bound_holds else -math.inf
        self._report(self.objective_value / COST_SCALE, own / COST_SCALE, self.offset_s + self.wall_time, "")

    def line(self, objective: float, note: str) -> None:
        """Report a roster found outside CP-SAT (our own search): objective points and what found it."""
        if self.started is None:
            self.started = _time.perf_counter()
        self._report(objective, -math.inf, _time.perf_counter() - self.started, f" ({note})")

    def _report(self, obj: float, own: float, now: float, note: str) -> None:
        self.count += 1
        if self.first_s is None:
            self.first_s = now
        if self.progress is not None:
            bound = max(own, self.floor)
            useful = math.isfinite(bound) and (bound > 0 or obj <= bound)  # a bound of 0 proves nothing above 0
            text = f"bound {bound:,.1f}, gap {relative_gap(obj, bound):.1%}" if useful else "no useful bound yet"
            self.progress(f"roster #{self.count}: objective {obj:,.1f}, {text}, {now:.1f} s{note}")


def relative_gap(objective: float, bound: float) -> float:
    """Return (objective - bound) / max(1, |objective|) (NaN when either is unknown)."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return float("nan")
    return max(0.0, objective - bound) / max(1.0, abs(objective))


def shifts_frame(rm: RosterModel, chosen: dict[str, list[int]]) -> pd.DataFrame:
    """Return the chosen shifts as a SHIFT_COLUMNS frame sorted by agent and start."""
    rows = []
    for aid in sorted(chosen):
        for i in chosen[aid]:
            c = rm.candidates[aid][i]
            rows.append((aid, c.local_date, c.start_utc, c.end_utc, c.break_start_utc, c.break_end_utc,
                         c.paid_minutes / 60))
    frame = pd.DataFrame(rows, columns=C.SHIFT_COLUMNS)
    for col in ("start_utc", "end_utc", "break_start_utc", "break_end_utc"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    frame["paid_hours"] = frame["paid_hours"].astype(float)
    return frame.sort_values(["agent_id", "start_utc"], ignore_index=True)


def allocation_frame(rm: RosterModel, chosen: dict[str, list[int]], value, carried: bool = True) -> pd.DataFrame:
    """Name which agent serves which queue in each interval, from the profile allocation counts.

    carried: include last week's shifts reaching into this week (rm.carried) with their queues.
    """
    working: dict[tuple, list[str]] = {}
    for aid in sorted(chosen):
        prof = rm.agents[aid].skill_profile
        for i in chosen[aid]:
            for t in rm.candidates[aid][i].intervals:
                working.setdefault((prof, t), []).append(aid)
    rows = []
    for (prof, t), aids in sorted(working.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        it = iter(aids)
        for q in prof:
            n = int(value(rm.alloc[prof, q, t])) if len(prof) > 1 else len(aids)
            for _ in range(n):
                rows.append((rm.grid[t], next(it), q[0], q[1]))
    if carried:
        rows += [(rm.grid[t], aid, q[0], q[1]) for t, aid, q in rm.carried]
    frame = pd.DataFrame(rows, columns=C.ALLOCATION_COLUMNS)
    frame[C.INTERVAL_START] = pd.to_datetime(frame[C.INTERVAL_START], utc=True)
    return frame.sort_values([C.INTERVAL_START, "agent_id"], ignore_index=True)


def _hint_value(rm: RosterModel, chosen: dict[str, list[int]], counts: dict[tuple, int] | None = None):
    """Return a value function over allocation variables from `counts` (default: greedy for `chosen`)."""
    counts = hint_allocation(rm, chosen) if counts is None else counts
    keys = {id(v): k for k, v in rm.alloc.items()}
    return lambda var: counts.get(keys[id(var)], 0)


def add_hints(rm: RosterModel, chosen: dict[str, list[int]], counts: dict[tuple, int] | None = None) -> None:
    """Hint the solver with a first roster: the chosen shifts and their queue allocation (default: greedy)."""
    for aid, cands in rm.candidates.items():
        picked = set(chosen.get(aid, ()))
        for i in range(len(cands)):
            rm.model.add_hint(rm.x[aid, i], i in picked)
    if counts is None:
        counts = hint_allocation(rm, chosen)
    cov: dict = defaultdict(int)
    for (prof, q, t), n in counts.items():
        cov[q, t] += n
    for (prof, q, t), var in rm.alloc.items():
        if len(prof) > 1:
            rm.model.add_hint(var, counts.get((prof, q, t), 0))
    for key, pieces in rm.short_vars.items():
        short = max(0, rm.need.get(key, 0) - cov[key])
        for k, var in enumerate(pieces):
            rm.model.add_hint(var, min(1, max(0, short - k)) if k < 3 else max(0, short - 3))
    for key, var in rm.surplus_vars.items():
        rm.model.add_hint(var, max(0, cov[key] - rm.need.get(key, 0)))
    for (aid, day), var in rm.day_vars.items():
        rm.model.add_hint(var, any(rm.candidates[aid][i].local_date == day for i in chosen.get(aid, ())))


HINT_SHARE = 0.02  # of the time limit, to complete a hint (deterministic budget) ...
HINT_MIN_DTIME = 1.0  # ... but at least this much (enough at 500 agents; 1000 need more and start from a partial hint)


def complete_hints(model: cp_model.CpModel, config: Config, budget_s: float,
                   deadline: float | None = None) -> float | None:
    """Extend a partial hint to every variable: auxiliary ones (anchors, slacks) take their cheapest values.

    CP-SAT completes a partial hint by search and, on large rosters, reports a first
    solution whose auxiliary variables carry slack (a roster far better than its
    objective says). Solving once with the hinted variables fixed prices the hinted
    roster exactly; its solution becomes the full hint. Returns the hinted roster's
    objective (objective points), or None when it could not be completed in time.
    Presolve does most of the work and its time is hardly counted as deterministic time,
    so the wall clock may run up to `deadline` (perf_counter seconds; by default three
    times the budget): at 1000 agents presolve alone takes several seconds.
    """
    solver = new_solver()
    p = solver.parameters
    p.fix_variables_to_their_hinted_value = True
    p.num_workers = 1
    p.random_seed = int(config.solver.seed)
    p.max_deterministic_time = max(HINT_MIN_DTIME, budget_s * DTIME_PER_SECOND)
    p.max_time_in_seconds = max(1.0, 3 * budget_s if deadline is None else deadline - _time.perf_counter())
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = list(solver.response_proto.solution)
    model.clear_hints()
    for i, v in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(i), v)
    return solver.objective_value / COST_SCALE


def _settings(rm: RosterModel, config: Config) -> dict:
    r = config.rules
    own = [str(t) for t in r.shift_types if t.hours]  # shift types with their own lengths: "night=22:00-23:00 (10 h)"
    return ({"shift_type_hours": own} if own else {}) | {
        "time_limit_seconds": config.solver.time_limit_seconds, "seed": config.solver.seed,
        "workers": config.solver.workers, "interval_minutes": config.team.interval_minutes,
        "home_timezone": config.team.home_timezone, "shift_hours": list(r.shift_hours),
        "break_minutes": r.break_minutes, "break_min_shift_hours": r.break_min_shift_hours,
        "start_step_minutes": r.start_step_minutes, "min_rest_hours": r.min_rest_hours,
        "max_consecutive_days": r.max_consecutive_days, "days_off_together": r.days_off_together,
        "agents": len(rm.agents), "candidate_shifts": len(rm.x), "skill_profiles": len(rm.profiles),
    }


@dataclass
class _Placed:
    model: RosterModel
    chosen: dict[str, list[int]]
    value: Callable
    objective: float | None
    optimal: bool
    seconds: float


def solution_counts(rm: RosterModel, chosen: dict[str, list[int]], value) -> dict[tuple, int]:
    """Return agents per (skill profile, queue, interval index) of a solved roster."""
    alloc = allocation_frame(rm, chosen, value, carried=False)
    pos = {t: i for i, t in enumerate(rm.grid)}
    counts: dict[tuple, int] = defaultdict(int)
    for t, aid, ch, lang in alloc.itertuples(index=False):
        counts[rm.agents[aid].skill_profile, (ch, lang), pos[t]] += 1
    return counts


def place_breaks(rm: RosterModel, chosen: dict[str, list[int]], requirements: pd.DataFrame,
                 agents: tuple[Agent, ...], config: Config, week: str, *, time_off=None, previous=None,
                 shift_requests=None, limit_s: float = 10.0, counts: dict[tuple, int] | None = None,
                 deadline: float | None = None, stop: StopFlag | None = None) -> _Placed:
    """Keep the chosen shifts; choose every break position and the queues again (the second stage).

    Breaks then fall where they hurt coverage least, staggered across the team.
    """
    keep = {aid: {(rm.candidates[aid][i].local_date, rm.candidates[aid][i].start_m,
                   rm.candidates[aid][i].paid_minutes) for i in idx} for aid, idx in chosen.items()}
    middle = {aid: {(rm.candidates[aid][i].start_m, rm.candidates[aid][i].break_m) for i in idx}
              for aid, idx in chosen.items()}
    rm2 = new_roster_model(requirements, agents, config, week, time_off=time_off, previous=previous,
                           breaks="all", keep=keep, shift_requests=shift_requests, weeks=rm.weeks)
    rm2.peers_from = rm.peer_candidates()  # the week's fair-share groups, not those of the chosen shifts
    add_hard_rules(rm2)
    add_soft_rules(rm2)
    rm2.model.minimize(sum(coef * expr for coef, expr in rm2.penalties if coef))
    start = {aid: [i for i, c in enumerate(cands) if (c.start_m, c.break_m) in middle[aid]]
             for aid, cands in rm2.candidates.items()}
    add_hints(rm2, start, counts)
    complete_hints(rm2.model, config, HINT_SHARE * config.solver.time_limit_seconds, deadline)
    outcome = solve_model(rm2.model, config, limit_s, _ProgressReporter(None), deadline, stop)
    if not outcome.found:
        return _Placed(rm2, start, _hint_value(rm2, start, counts), None, False, outcome.seconds)
    solver = outcome.solver
    picked = {aid: [i for i in range(len(c)) if solver.boolean_value(rm2.x[aid, i])]
              for aid, c in rm2.candidates.items()}
    return _Placed(rm2, picked, solver.value, solver.objective_value / COST_SCALE,
                   outcome.status == cp_model.OPTIMAL, outcome.seconds)


# planned shares of the time limit; the rest (about 13 %) is for building the models
FIRST_ROSTER_SHARE = 0.25  # best responses (planned work, planner.roster.greedy)
BOUND_SHARE = 0.1  # the lower bound (before CP-SAT)
SEARCH_SHARE = 0.5  # CP-SAT: shifts with breaks at mid-shift, then the break placement
BREAK_STAGE_MIN_SHARE = 0.1  # of the time limit that must be left for the break stage to start
# kept after the last stage for writing the roster out: a share of the limit plus seconds per candidate shift
# (at 1000 agents, 159,908 shifts, the frames and diagnostics take about 1.3 s)
WRAP_UP_SHARE = 0.02
WRAP_UP_S_PER_SHIFT = 1e-5
LP_BOUND_MAX_SHIFTS = 3000  # candidate shifts up to which the exact LP bound is tried too (GLOP: ~1 s there)
# candidate shifts from which stage 1 is our own large-neighbourhood search (planner.roster.lns), not CP-SAT
# on the whole week: at 500 agents (80,031 shifts, 6.0 deterministic s from one first roster) it reached
# 9,164 where CP-SAT reached 12,182, in a quarter of CP-SAT's memory; with the whole pipeline at 60 s it
# also won at 200 agents (3,697 vs 4,063) and 50 (3,428 vs 3,561). Smaller weeks keep CP-SAT, which
# proves them optimal.
LNS_MIN_SHIFTS = 5_000


def has_shortfall(rm: RosterModel, counts: dict[tuple, int]) -> bool:
    """Return whether some queue-interval has fewer agents allocated (`counts` per profile, queue, interval)
    than it needs."""
    covered = queue_cover(counts)
    return any(covered.get(key, 0) < need for key, need in rm.need.items())


def week_bound(rm: RosterModel, counts: dict[tuple, int], budget_s: float,
               progress: Progress | None = None, chosen: dict[str, list[int]] | None = None) -> RosterBound:
    """Return a proven lower bound on every roster of the week (planner.roster.bound), within `budget_s`.

    The Lagrangian bound always (its ascent, then column generation when the budget pays
    for the master LP); on small weeks also the LP bound (half the budget each), keeping
    the higher. The first roster (`chosen`, and its coverage cost from `counts`: agents
    per profile, queue, interval) seeds the columns and the ascent's target. A failure to
    bound is reported, never raised.
    """
    cover: dict[tuple, int] = defaultdict(int)
    for (_prof, q, t), n in counts.items():
        cover[q, t] += n
    found: list[tuple[str, RosterBound]] = []
    small = len(rm.x) <= LP_BOUND_MAX_SHIFTS
    if small:
        found.append(("LP relaxation", lp_bound(rm, budget_s / 2)))
    try:
        found.append(("Lagrangian relaxation", column_generation_bound(
            rm, budget_s / 2 if small else budget_s, upper=sum(coverage_terms(rm, cover).values()), weeks=chosen)))
    except ValueError as err:  # e.g. an agent whose contract no week satisfies: the solver will say why
        found.append(("Lagrangian relaxation", RosterBound(math.nan, f"NOT_BOUNDED: {err}", 0.0)))
    seconds = sum(b.seconds for _, b in found)
    proven = [(name, b) for name, b in found if b.proven]
    if not proven:
        if progress is not None:
            progress(f"roster bound: none proven ({', '.join(b.status for _, b in found)}; {seconds:.1f} s)")
        return RosterBound(math.nan, "; ".join(b.status for _, b in found), seconds)
    name, best = max(proven, key=lambda nb: nb[1].value)
    if progress is not None:
        how = f"{best.iterations} iterations, " if best.iterations else ""
        progress(f"roster bound: {best.value:,.1f} ({name} with every break position; {how}{seconds:.1f} s)")
    return RosterBound(best.value, best.status, seconds, best.terms, best.groups, best.columns, best.rows,
                       best.iterations)


def bound_settings(lower: RosterBound, with_breaks: bool) -> dict:
    """Return the settings entries that say how the bound was found."""
    method = "lp" if lower.columns else "lagrangian"
    return {"bound_method": method + ("" if with_breaks else " and cp-sat"),
            "bound_relaxation": lower.value if lower.proven else None, "bound_status": lower.status,
            "bound_seconds": round(lower.seconds, 2), "bound_iterations": lower.iterations,
            "bound_share": BOUND_SHARE}


def build_roster(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: Config, week: str, *,
                 weeks: int = 1, time_off: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                 shift_requests: pd.DataFrame | None = None, progress: Progress | None = None) -> RosterResult:
    """Build the planning period's roster: shifts per agent and local day, queue per agent and interval.

    The period is `weeks` consecutive ISO weeks from `week` (one by default):
    [Monday 00:00 of `week`, Monday 00:00 `weeks` weeks later) in the home time zone.
    Contract hours and days_per_week are weekly figures averaged over the period (its
    paid hours lie within weeks x [min_hours, max_hours]); max_shifts_of_type counts
    per period, max_weekend_days per weekend; day-by-day rules run over every day.

    requirements: REQUIREMENT_COLUMNS (uses staff_needed per queue x UTC interval_start);
    time_off: agent_id, start_utc, end_utc[, reason][, kind]; previous: the shifts before
    the period, i.e. the last roster's (SHIFT_COLUMNS), for rest and consecutive days across
    the boundary (None: not known, so blocks touching the period start are not judged);
    shift_requests: the agents' wishes (planner.agents.read_shift_requests); progress gets
    one line per improving roster. Raises InfeasibleRosterError naming the agents and
    rules in conflict when the hard rules admit no roster, PlannerError unless weeks >= 1.

    Solving, all inside the time limit counted from this call: best responses agent by
    agent give a first roster (at most MAX_ROUNDS rounds, FIRST_ROSTER_SHARE of the
    limit); the lower bound takes BOUND_SHARE; the search improves the shift choice with
    each break at mid-shift (75 % of SEARCH_SHARE and of what the best responses left of
    their share: CP-SAT on the whole week, or from
    LNS_MIN_SHIFTS candidate shifts our own large-neighbourhood search); a second CP-SAT
    stage keeps the shifts and places the breaks and queues (the other 25 %). When the
    search leaves no queue short of its need, breaks can only move surplus about, so the
    search goes on instead and breaks stay at mid-shift. What is left is for building the
    models and writing the roster out (WRAP_UP_SHARE, WRAP_UP_S_PER_SHIFT). The shares
    are planned work, so the roster is reproducible; the wall clock ends every stage at
    the limit (settings["wall_clock_cut"] says when it did, and then the roster may differ
    from run to run). Last week's shifts reaching into the week cover its first hours
    (planner.roster.carry).

    `bound` is a proven lower bound on every roster of the week: a relaxation's bound
    (planner.roster.bound, BOUND_SHARE of the time limit, before CP-SAT), or CP-SAT's
    own when higher and its first stage had every break position (with a break stage,
    that stage is a restriction, so its bound proves nothing about the week); status
    is OPTIMAL only when both stages proved optimality (the break stage for the chosen
    shifts). Ctrl-C stops the search and returns the best roster found so far
    (settings["interrupted"]); a second Ctrl-C aborts.
    """
    weeks = check_weeks(weeks)
    with stop_on_interrupt() as stop:
        return _build_roster(requirements, tuple(agents), config, week, weeks=weeks, time_off=time_off,
                             previous=previous, shift_requests=shift_requests, progress=progress, stop=stop)


def _stage1_result(rm: RosterModel, outcome, chosen: dict[str, list[int]], counts: dict[tuple, int],
                   first_objective: float | None, progress: Progress | None):
    """Return (chosen, objective, bound, status name, value function) after CP-SAT's first stage.

    Keeps the first roster when CP-SAT found nothing, or (when the hint could not be
    completed) only rosters worse than it.
    """
    solver = outcome.solver
    if outcome.found and not (first_objective is not None and solver.objective_value / COST_SCALE > first_objective):
        picked = {aid: [i for i in range(len(c)) if solver.boolean_value(rm.x[aid, i])]
                  for aid, c in rm.candidates.items()}
        return (picked, solver.objective_value / COST_SCALE, outcome.bound / COST_SCALE,
                solver.status_name(outcome.status), solver.value)
    if progress is not None:
        progress("roster: the solver found nothing better in time; keeping the first roster")
    objective = first_objective if first_objective is not None else float("nan")
    return (chosen, objective, solver.best_objective_bound / COST_SCALE, "FEASIBLE",
            _hint_value(rm, chosen, counts))


def _build_roster(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: Config, week: str, *,
                  weeks: int, time_off: pd.DataFrame | None, previous: pd.DataFrame | None,
                  shift_requests: pd.DataFrame | None, progress: Progress | None, stop: StopFlag) -> RosterResult:
    """build_roster's work, with `stop` set when the user presses Ctrl-C."""
    from planner.roster.diagnose import explain_agent, explain_infeasibility, shortfall_notes

    started = _time.perf_counter()
    agents = tuple(agents)
    ids = [a.agent_id for a in agents]
    dupes = sorted({a for a in ids if ids.count(a) > 1})
    if dupes:
        raise PlannerError(f"agents: agent_id must be unique; repeated: {', '.join(dupes)}")
    limit = float(config.solver.time_limit_seconds)
    # the wall-clock deadline of every stage: the user's time limit, counted from here
    deadline = started + limit
    # stage 1: choose shifts (breaks at the middle), starting from a greedy first roster
    rm = new_roster_model(requirements, agents, config, week, time_off=time_off, previous=previous,
                          breaks="middle", shift_requests=shift_requests, weeks=weeks)
    period = period_label(week, weeks)
    chosen, stuck, rounds, counts = best_response_roster(rm, config.solver.seed,
                                                         time_budget_s=FIRST_ROSTER_SHARE * limit, stop=stop)
    first_roster_s = _time.perf_counter() - started
    # the stages' limits are planned from the configured limit, never from time measured, for determinism;
    # the search also gets what the best responses left of their share (their work is planned too)
    left = SEARCH_SHARE * limit + max(0.0, FIRST_ROSTER_SHARE * limit - planned_seconds(rm, rounds))
    if stuck:
        conflicts = [line for a in agents if a.agent_id in stuck
                     for line in explain_agent(a, config, week, time_off, previous, weeks=weeks)]
        raise InfeasibleRosterError(f"no roster for {period} satisfies the hard rules; conflicts:", conflicts)
    big = len(rm.x) >= LNS_MIN_SHIFTS
    if big:
        # our own large-neighbourhood search builds small models of its own: of the week's model only the
        # queue allocation (for the roster's output) is needed, which saves its memory and building time
        add_coverage(rm)
        first_objective = week_objective(rm, chosen, counts)
    else:
        add_hard_rules(rm)
        add_soft_rules(rm)
        rm.model.minimize(sum(coef * expr for coef, expr in rm.penalties if coef))
        add_hints(rm, chosen, counts)
        first_objective = complete_hints(rm.model, config, HINT_SHARE * limit, deadline)
    built_s = _time.perf_counter() - started
    if progress is not None:
        progress(f"roster model: {len(agents)} agents, {len(rm.x):,} candidate shifts, "
                 f"{len(rm.profiles)} skill profiles, built with a first roster ({rounds} rounds of best "
                 f"responses) in {built_s:.1f} s")
    with_breaks = any(len(break_positions(c.start_m, c.paid_minutes, config)) > 1
                      for cands in rm.candidates.values() for c in cands)
    # with every queue at or above its need, moving breaks only moves surplus about, so the break stage
    # cannot gain (on the bench weeks of 200-1000 agents it never did): our own search then gets its share
    # (a shortfall costs more than the soft terms a move could save, so the search seldom brings one back;
    # CP-SAT's stage 1 on small weeks keeps the break stage, which can prove the roster optimal)
    break_stage = with_breaks and (not big or has_shortfall(rm, counts))
    stage1_s = left * (0.75 if break_stage else 1.0)
    # the search stops on the wall clock in time to leave the break stage its planned share, and the
    # roster's writing-out a moment (at 1000 agents the search ran past both and the whole build to 62 s
    # of a 60 s limit)
    wrap_up = WRAP_UP_SHARE * limit + WRAP_UP_S_PER_SHIFT * len(rm.x)
    search_deadline = deadline - (left - stage1_s) - wrap_up
    reporter = _ProgressReporter(progress)
    lower = week_bound(rm, counts, BOUND_SHARE * limit, progress, chosen)
    reporter.floor = lower.value if lower.proven else -math.inf
    reporter.cpsat_bound_holds = not with_breaks
    search_from_s = _time.perf_counter() - started
    if big:
        reporter.started = _time.perf_counter()
        found = improve_week(rm, chosen, counts, dtime_budget=stage1_s * LNS_DTIME_PER_SECOND,
                             seed=config.solver.seed, deadline=search_deadline, stop=stop, report=reporter.line)
        search_cut = found.cut
        if break_stage and not (search_cut or found.optimal or stop.requested) and not has_shortfall(rm, found.counts):
            # the search left no queue short: as above, it goes on with the break stage's share
            break_stage = False
            found = improve_week(rm, found.chosen, found.counts,
                                 dtime_budget=(left - stage1_s) * LNS_DTIME_PER_SECOND, seed=config.solver.seed + 1,
                                 deadline=deadline - wrap_up, stop=stop, report=reporter.line)
            search_cut = found.cut
        chosen, counts, objective, bound = found.chosen, found.counts, found.objective, -math.inf
        status_name = "OPTIMAL" if found.optimal else "FEASIBLE"  # the break stage may still downgrade it
        solve_s = _time.perf_counter() - started - search_from_s
        value = _hint_value(rm, chosen, counts)
    else:
        outcome = solve_model(rm.model, config, stage1_s, reporter, search_deadline, stop)
        search_cut = _time.perf_counter() >= search_deadline
        if outcome.status == cp_model.INFEASIBLE:  # cannot happen after the per-agent check, but never hide it
            conflicts = explain_infeasibility(agents, config, week, time_off=time_off, previous=previous,
                                              weeks=weeks)
            raise InfeasibleRosterError(f"no roster for {period} satisfies the hard rules; conflicts:", conflicts)
        chosen, objective, bound, status_name, value = _stage1_result(rm, outcome, chosen, counts, first_objective,
                                                                      progress)
        solve_s = outcome.seconds
    final = rm
    if stop.requested and progress is not None:
        progress("roster: interrupted (Ctrl-C); keeping the best roster found so far")
    # the break stage needs its model built and a little search: skip it when the time limit is nearly up
    # (only when the wall clock already cut planned work; the breaks then stay at mid-shift)
    late = _time.perf_counter() > deadline - wrap_up - BREAK_STAGE_MIN_SHARE * limit
    if late and break_stage and progress is not None:
        progress("roster: no time left to place the breaks; they stay at mid-shift")
    if break_stage and not stop.requested and not late:
        placed = place_breaks(rm, chosen, requirements, agents, config, week, time_off=time_off,
                              previous=previous, shift_requests=shift_requests,
                              limit_s=max(1.0, left - stage1_s), deadline=deadline - wrap_up,
                              counts=solution_counts(rm, chosen, value), stop=stop)
        solve_s += placed.seconds
        if placed.objective is not None and not placed.objective > objective:  # never worse than stage 1
            final, chosen, value = placed.model, placed.chosen, placed.value
            objective = placed.objective
            if progress is not None:
                progress(f"roster breaks placed: objective {objective:,.1f} ({placed.seconds:.1f} s)")
        if not placed.optimal:
            status_name = "FEASIBLE"
    if stop.requested:
        status_name = "FEASIBLE"  # an interrupted search proves nothing
    if not big:
        # CP-SAT's objective for a solution not proven optimal may hold auxiliary variables above their least
        # values (a duty-cover shortfall variable larger than the shortfall): report the roster's own score
        objective = min(objective, week_objective(final, chosen, solution_counts(final, chosen, value)))
    settings = _settings(rm, config)
    settings["weeks"] = weeks
    settings["first_roster_seconds"] = first_roster_s
    settings["first_solution_seconds"] = None if reporter.first_s is None else search_from_s + reporter.first_s
    settings["wall_clock_cut"] = (search_cut or (late and break_stage)
                                  or _time.perf_counter() > deadline - wrap_up)
    settings["build_seconds"] = built_s
    settings["break_stage"] = break_stage
    settings["best_response_rounds"] = rounds
    settings["first_roster_objective"] = first_objective
    settings["carried_in_agent_intervals"] = len(rm.carried)
    settings["search"] = "large-neighbourhood search (planner.roster.lns)" if big else "CP-SAT on the whole week"
    settings["interrupted"] = stop.requested
    # CP-SAT's bound holds for the whole problem only when its model had every break position
    bound = max(bound if not with_breaks and math.isfinite(bound) else 0.0, lower.value if lower.proven else 0.0)
    settings.update(bound_settings(lower, with_breaks))
    allocation = allocation_frame(final, chosen, value)
    return RosterResult(
        week=week,
        weeks=weeks,
        shifts=shifts_frame(final, chosen),
        allocation=allocation,
        status=status_name,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        solve_seconds=solve_s,
        diagnostics=tuple(shortfall_notes(final.full_need, allocation, final.grid, config)),
        settings=settings,
    )
