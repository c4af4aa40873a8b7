"""Proven lower bounds on a week's roster objective, so a roster's gap means something.

CP-SAT's own bound on the roster model stays near 0 on real weeks, and the first solver
stage (breaks at mid-shift) is a restriction of the week's problem, so its bound is not
even valid for the final roster. Both bounds here relax the *whole* problem instead:
every break position is allowed, rules are dropped rather than added, and soft terms
that cannot be bounded are left out (every penalty is >= 0). No roster can cost less.

- `lagrangian_bound`: coverage's equation per queue and interval
  (coverage + shortfall - surplus = need) is priced instead of enforced. Each agent then
  picks its best whole week alone, exactly, by dynamic programming over its local days
  (one shift a day, the contract's days and hours, the cheapest break position, soft
  costs linear in its own shifts); each queue picks its shortfall and surplus against
  its price. The sum is a bound for any prices (weak duality); a projected, deflected
  subgradient ascent raises it, and every iterate is a valid bound, so a time-out only
  weakens it. At its best it equals the LP bound of the per-agent convex hull
  (Dantzig-Wolfe), which is at least the plain LP bound. It scales to 1000 agents.
- `column_generation_bound` (used by build_roster): the same prices, found better: a
  shorter ascent, then the Dantzig-Wolfe master (each group's agents spread over weeks
  the programme found, the queues' coverage as in the LP) solved by GLOP round after
  round, each pricing new weeks at its duals. Every L it evaluates is a bound as above;
  when L meets the master's optimum the bound is the relaxation's best and says so
  ("CONVERGED"). Once converged, the weeks also pay their lone days off (the programme
  then keeps whether the day before was worked) and the rounds go on. Master solves grow
  with the week (12k rows and ~30k simplex iterations a solve at 200 agents), so small
  budgets on large weeks leave it all to the ascent.
- `lp_bound`: the plain LP relaxation solved by GLOP, with every per-agent rule and
  soft term that is linear without an enforcement literal, read from the agent's own
  CP-SAT model. Exact but slow beyond a few dozen agents; an independent cross-check.

A planning period of several weeks (rm.weeks) is bounded the same way: the agents'
programme runs over every local day of the period against the period's contract (weeks
x the weekly hours and days, rm.contracts), a relaxation as valid as the week's.

Rules left out of both: rest between shifts (an enforcement literal), everything that
compares agents (fair shares) or counts the team (duty cover); the Lagrangian also
leaves out consecutive-day rules, the optional per-agent limits (forbidden successions,
shifts per type, days per weekend, working weekends per period) and soft terms that need auxiliary variables (stable
starts; lone days off except in the column generation's second phase and at the
ascent's best prices). Identical agents are aggregated: n of them span exactly n times one
agent's choices. Values are rounded up to the objective's integer units after a small
relative slack for floating point.
"""
from __future__ import annotations

import math
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field, fields

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat.python import cp_model

from planner.roster import rules
from planner.roster.interrupt import new_solver
from planner.roster.model import COST_SCALE, RosterModel, submodel
from planner.roster.shifts import break_positions, worked_intervals

TOLERANCE = 1e-7  # relative slack taken off a bound for floating point (and the LP solver's tolerances)
INF = float("inf")
INT_LIMIT = 2**62  # CP-SAT's "unbounded" domain ends lie beyond this
# the soft rules that concern one agent at a time, so an agent's own model holds their terms exactly
# (fair shares compare agents with each other and duty cover counts the team: both are left out)
AGENT_SOFT_RULES = ("penalise_unmet_wishes", "penalise_split_days_off", "penalise_unstable_starts",
                    "penalise_preferred_start")
# those of them whose terms may be linear in the agent's own shifts (the Lagrangian keeps such terms)
LINEAR_SOFT_RULES = ("penalise_unmet_wishes", "penalise_preferred_start")
# every soft rule by family, for scoring a roster (roster_terms)
SOFT_RULES = ("penalise_duty_cover", "penalise_unmet_wishes", "penalise_split_days_off", "penalise_unstable_starts",
              "penalise_preferred_start", "penalise_unfair_weekends", "penalise_unfair_late_shifts")


@dataclass(frozen=True)
class RosterBound:
    """A lower bound on the roster objective, in objective points, and how it was found."""

    value: float  # NaN when nothing was proven
    status: str  # how the computation ended: LP "OPTIMAL" (else no bound), ascent "CONVERGED", "ITERATION_LIMIT", ...
    seconds: float  # building and solving
    terms: dict[str, float] = field(default_factory=dict)  # objective points per term family at the LP optimum
    groups: int = 0  # distinct agents after aggregating identical ones
    columns: int = 0  # of the LP (lp_bound)
    rows: int = 0
    iterations: int = 0  # of the subgradient ascent (lagrangian_bound), plus the master rounds (column generation)

    @property
    def proven(self) -> bool:
        return math.isfinite(self.value)


class _Lp:
    """A linear program under construction: columns with bounds, rows, costs per term family."""

    def __init__(self):
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rows: list[tuple[float, float, list[int], list[float]]] = []
        self.costs: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self.offsets: dict[str, float] = defaultdict(float)

    def var(self, lb: float = 0.0, ub: float = INF) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        return len(self.lb) - 1

    def row(self, lo: float, hi: float, cols: list[int], coefs: list[float]) -> None:
        if cols:
            self.rows.append((lo, hi, cols, coefs))

    def cost(self, family: str, col: int, coef: float) -> None:
        if coef:
            self.costs[family][col] += coef

    def request(self, time_limit_s: float) -> linear_solver_pb2.MPModelRequest:
        req = linear_solver_pb2.MPModelRequest()
        req.solver_type = linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING
        req.solver_time_limit_seconds = max(0.01, float(time_limit_s))
        obj = [0.0] * len(self.lb)
        for per_col in self.costs.values():
            for col, c in per_col.items():
                obj[col] += c
        m = req.model
        for lb, ub, c in zip(self.lb, self.ub, obj):
            m.variable.add(lower_bound=lb, upper_bound=ub, objective_coefficient=c)
        for lo, hi, cols, coefs in self.rows:
            ct = m.constraint.add(lower_bound=lo, upper_bound=hi)
            ct.var_index.extend(cols)
            ct.coefficient.extend(coefs)
        m.objective_offset = sum(self.offsets.values())
        return req

    def family_values(self, values) -> dict[str, float]:
        out = {f: self.offsets.get(f, 0.0) for f in set(self.costs) | set(self.offsets)}
        for f, per_col in self.costs.items():
            out[f] += sum(c * values[col] for col, c in per_col.items())
        return out


def _agent_key(rm: RosterModel, aid: str) -> tuple:
    """Return what makes two agents interchangeable in the bound: everything but their names."""
    a = rm.agents[aid]
    own = tuple((f.name, repr(getattr(a, f.name))) for f in fields(a) if f.name not in ("agent_id", "name", "team"))
    cands = tuple((c.local_date, c.start_m, c.paid_minutes, c.break_m, c.start_local_min, c.intervals)
                  for c in rm.candidates[aid])
    wishes = tuple((w.local_date, w.shift_type, w.on, w.weight) for w in getattr(rm, "wishes", ()) if w.agent_id == aid)
    return (own, cands, rm.contracts.get(aid), tuple(rm.dates.get(aid, ())), wishes,
            tuple(sorted(rm.prev_dates.get(aid, ()))), tuple(sorted(rm.prev_starts.get(aid, {}).items())))


def identical_agents(rm: RosterModel) -> list[list[str]]:
    """Return the agents in groups of interchangeable ones (same skills, shifts, contract, wishes)."""
    groups: dict[tuple, list[str]] = {}
    for aid in sorted(rm.candidates):
        groups.setdefault(_agent_key(rm, aid), []).append(aid)
    return list(groups.values())


def _flat(expr) -> tuple[list, list[int], int]:
    """Return (variables, coefficients, constant) of a linear expression (a plain number is a constant)."""
    if isinstance(expr, (int, float)):
        return [], [], expr
    flat = cp_model.FlatIntExpr(expr)
    return list(flat.vars), list(flat.coeffs), flat.offset


def _domain(values) -> tuple[float, float]:
    lo, hi = values[0], values[len(values) - 1]  # the pybind11 wrapper's [-1] is not the last element
    return (-INF if lo <= -INT_LIMIT else float(lo)), (INF if hi >= INT_LIMIT else float(hi))


def _kind(ct) -> str | None:
    """Return which constraint a ConstraintProto holds (protobuf message or the pybind11 wrapper)."""
    if hasattr(ct, "WhichOneof"):
        return ct.WhichOneof("constraint")
    for kind in ("linear", "at_most_one", "exactly_one", "bool_or", "bool_and"):
        if getattr(ct, f"has_{kind}")():
            return kind
    return None


def _agent_model(rm: RosterModel, aid: str, hard: bool = True) -> tuple[RosterModel, dict[str, list]]:
    """Return the agent's own model (with its hard rules unless `hard` is False), and its soft terms per family."""
    sub = submodel(rm, [aid])
    if hard:
        rules.add_hard_rules(sub)
    families: dict[str, list] = {}
    for name in AGENT_SOFT_RULES:
        rule = getattr(rules, name, None)
        if rule is None:
            continue
        before = len(sub.penalties)
        rule(sub)
        families[name.removeprefix("penalise_")] = sub.penalties[before:]
    return sub, families


def _add_agent_rows(lp: _Lp, sub: RosterModel, families: dict[str, list], n: int) -> dict[int, int]:
    """Add n identical agents' rows (scaled by n) from the agent's CP-SAT model; return var index -> column."""
    proto = sub.model.proto
    col = {}
    for j, v in enumerate(proto.variables):
        lo, hi = _domain(v.domain)
        col[j] = lp.var(n * lo, n * hi)

    def lits(refs) -> tuple[list[int], list[float], int]:
        cols, coefs, negated = [], [], 0
        for r in refs:
            if r >= 0:
                cols.append(col[r])
                coefs.append(1.0)
            else:
                cols.append(col[-r - 1])
                coefs.append(-1.0)
                negated += 1
        return cols, coefs, negated

    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            continue  # conditional rules are dropped: a relaxation
        kind = _kind(ct)
        if kind == "linear":
            lo, hi = _domain(ct.linear.domain)
            lp.row(n * lo, n * hi, [col[j] for j in ct.linear.vars], [float(c) for c in ct.linear.coeffs])
        elif kind in ("at_most_one", "exactly_one", "bool_or"):
            cols, coefs, negated = lits(getattr(ct, kind).literals)
            lo = n * (1 - negated) if kind != "at_most_one" else -INF
            hi = n * (1 - negated) if kind != "bool_or" else INF
            lp.row(lo, hi, cols, coefs)
        elif kind == "bool_and":
            for r in ct.bool_and.literals:
                c = col[r if r >= 0 else -r - 1]
                value = float(n) if r >= 0 else 0.0
                lp.lb[c], lp.ub[c] = value, value
    for family, terms in families.items():
        for coef, expr in terms:
            variables, coeffs, constant = _flat(expr)
            for v, c in zip(variables, coeffs):
                lp.cost(family, col[v.index], coef * c)
            lp.offsets[family] += coef * constant * n
    return col


def _shift_shape(rm: RosterModel, cache: dict, c) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    """Return the intervals a shift spans (no break) and, per allowed break position, those the break takes off.

    Every position the rules allow is listed, whatever break the candidate itself carries;
    a candidate without a break covers exactly its own intervals.
    """
    if c.break_m is None:
        return c.intervals, [()]
    key = (c.start_m, c.paid_minutes)
    if key not in cache:
        cfg, n_t = rm.config, len(rm.grid)
        im, brk = cfg.team.interval_minutes, cfg.rules.break_minutes
        base = worked_intervals(c.start_m, c.end_m, None, brk, im, n_t)
        positions = break_positions(c.start_m, c.paid_minutes, cfg, "all")
        if len(positions) <= 1:
            off = [tuple(sorted(set(base) - set(c.intervals)))]
        else:
            off = [tuple(sorted(set(base) - set(worked_intervals(c.start_m, c.end_m, p, brk, im, n_t))))
                   for p in positions]
        cache[key] = (base, off)
    return cache[key]


def _add_coverage(lp: _Lp, rm: RosterModel, supply: dict[tuple, list[tuple[int, float]]]) -> None:
    """Add coverage per skill profile and queue: allocation, convex shortfall pieces and surplus."""
    w = rm.config.rules.weights
    covered: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
    for (prof, t), terms in supply.items():
        if len(prof) == 1:
            covered[prof[0], t].extend(terms)
            continue
        cols, coefs = [c for c, _ in terms], [-k for _, k in terms]
        for q in prof:
            a = lp.var()
            covered[q, t].append((a, 1.0))
            cols.append(a)
            coefs.append(1.0)
        lp.row(0.0, 0.0, cols, coefs)
    surplus_cost = rm.cost(w.surplus)
    for q, t in sorted(set(covered) | set(rm.need)):
        need = rm.need.get((q, t), 0)
        terms = covered.get((q, t), [])
        prio = rm.config.channels[q[0]].priority if q[0] in rm.config.channels else 1.0
        if need <= 0:
            for c, k in terms:
                lp.cost("surplus", c, surplus_cost * k)
            continue
        unit = [rm.cost(w.shortfall * prio * k) for k in range(1, min(need, 3) + 1)]
        if not terms:
            lp.offsets["shortfall"] += sum(unit) + (rm.cost(w.shortfall * prio * 4) * (need - 3) if need > 3 else 0)
            continue
        cols, coefs = [c for c, _ in terms], [k for _, k in terms]
        for cost in unit:
            s = lp.var(0.0, 1.0)
            lp.cost("shortfall", s, cost)
            cols.append(s)
            coefs.append(1.0)
        if need > 3:
            s = lp.var(0.0, float(need - 3))
            lp.cost("shortfall", s, rm.cost(w.shortfall * prio * 4))
            cols.append(s)
            coefs.append(1.0)
        s = lp.var()
        lp.cost("surplus", s, surplus_cost)
        cols.append(s)
        coefs.append(-1.0)
        lp.row(float(need), float(need), cols, coefs)


def build_lp(rm: RosterModel) -> tuple[_Lp, int]:
    """Return the LP relaxation of the week's roster problem and the number of agent groups."""
    lp = _Lp()
    supply: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
    shapes: dict = {}
    groups = identical_agents(rm)
    for aids in groups:
        rep, n = aids[0], len(aids)
        sub, families = _agent_model(rm, rep)
        col = _add_agent_rows(lp, sub, families, n)
        prof = rm.agents[rep].skill_profile
        for i, c in enumerate(rm.candidates[rep]):
            x = col[sub.x[rep, i].index]
            base, off = _shift_shape(rm, shapes, c)
            if len(off) == 1:
                for t in sorted(set(base) - set(off[0])):
                    supply[prof, t].append((x, 1.0))
                continue
            for t in base:
                supply[prof, t].append((x, 1.0))
            link_cols, link_coefs = [x], [1.0]
            for taken in off:
                b = lp.var(0.0, float(n))
                link_cols.append(b)
                link_coefs.append(-1.0)
                for t in taken:
                    supply[prof, t].append((b, -1.0))
            lp.row(0.0, 0.0, link_cols, link_coefs)
    _add_coverage(lp, rm, supply)
    return lp, len(groups)


def lp_bound(rm: RosterModel, time_limit_s: float = 30.0) -> RosterBound:
    """Return the LP bound of the week's roster objective (objective points), or no bound on a time-out.

    `rm` is the week's model (its candidate shifts, contracts and demand; its CP-SAT
    constraints are not read): break positions are widened to every allowed one.
    """
    started = _time.perf_counter()
    lp, groups = build_lp(rm)
    left = time_limit_s - (_time.perf_counter() - started)
    if left <= 0:
        return RosterBound(float("nan"), "TIME_LIMIT", _time.perf_counter() - started, {}, groups,
                           len(lp.lb), len(lp.rows))
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(lp.request(left), response)
    seconds = _time.perf_counter() - started
    status = linear_solver_pb2.MPSolverResponseStatus.Name(response.status).removeprefix("MPSOLVER_")
    if response.status != linear_solver_pb2.MPSOLVER_OPTIMAL:
        status = "TIME_LIMIT" if status in ("NOT_SOLVED", "FEASIBLE") and seconds >= time_limit_s * 0.95 else status
        return RosterBound(float("nan"), status, seconds, {}, groups, len(lp.lb), len(lp.rows))
    units = response.objective_value
    units = math.ceil(units - TOLERANCE * max(1.0, abs(units)))  # the objective is integral in solver units
    terms = {f: v / COST_SCALE for f, v in lp.family_values(list(response.variable_value)).items()}
    return RosterBound(max(0.0, units) / COST_SCALE, "OPTIMAL", seconds, terms, groups, len(lp.lb), len(lp.rows))



# --- the Lagrangian bound -------------------------------------------------------------------------

NEG = -1e30  # "no such week" in the agents' dynamic programme
DEFLECTION = 0.7  # share of the previous direction kept in the next (deflected subgradient)
STALL_ITERATIONS = 25  # iterations without a better bound before the step shrinks
STEP_SHRINK = 0.7
MIN_STEP = 1e-6  # the ascent stops when its step factor has shrunk below this
LAGRANGE_UNITS_PER_SECOND = 8.0e7  # array cells per second the ascent plans with (1.1-1.6e8 measured, 2 shared cores)
LAGRANGE_MIN_UNITS = 1.0e5  # cells an iteration is planned as at least: on tiny weeks its numpy calls cost ~1 ms
WALL_SLACK = 1.5  # the wall clock stops a bound at this multiple of its budget (a safety net: budgets are planned)
CG_ASCENT_SHARE = 0.5  # of column_generation_bound's budget, for the ascent before the master
CG_SMOOTHING = 0.5  # weight of the best prices so far in the prices a column-generation round uses
CG_POOL = 10  # the ascent's last improving week sets that seed the master
CG_FIRST_SOLVE = 1.0  # simplex iterations per master row planned for its first solve (0.4-1.4 measured)
GLOP_ROW_ITERATIONS_PER_SECOND = 2.0e7  # simplex iterations x master rows per second (GLOP, 2 shared cores)


def _runs(intervals) -> list[tuple[int, int]]:
    """Return interval indices as maximal runs [lo, hi) of consecutive ones (a shift across the grid's end: two)."""
    out: list[tuple[int, int]] = []
    for t in sorted(intervals):
        if out and out[-1][1] == t:
            out[-1] = (out[-1][0], t + 1)
        else:
            out.append((t, t + 1))
    return out


def _padded(spans: list[list[tuple[int, int]]], row: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ragged [lo, hi) spans per candidate as 2-D arrays offset by the candidate's `row`, and the padding."""
    width = max([len(x) for x in spans] + [1])
    lo = np.repeat(row[:, None], width, axis=1)
    hi = lo.copy()
    pad = np.ones(lo.shape, dtype=bool)
    owner = np.repeat(np.arange(len(spans)), [len(x) for x in spans])
    slot = np.concatenate([np.arange(len(x)) for x in spans]) if spans else np.array([], dtype=np.int64)
    flat = [span for x in spans for span in x]
    if flat:
        lo[owner, slot] += np.array([a for a, _ in flat], dtype=np.int64)
        hi[owner, slot] += np.array([b for _, b in flat], dtype=np.int64)
        pad[owner, slot] = False
    return lo, hi, pad


def _linear_shift_costs(rm: RosterModel, aids: list[str]) -> dict[str, tuple[list[float], float]]:
    """Return per agent the soft-rule cost of each candidate shift that is linear in its own shifts, and a constant.

    Read from the agents' own soft rules (LINEAR_SOFT_RULES); terms with auxiliary
    variables are left out: they are >= 0, so leaving them out keeps the bound valid.
    """
    sub = submodel(rm, aids)
    for name in LINEAR_SOFT_RULES:
        rule = getattr(rules, name, None)
        if rule is not None:
            rule(sub)
    owner = {v.index: (a, i) for (a, i), v in sub.x.items()}
    out = {a: ([0.0] * len(rm.candidates[a]), 0.0) for a in aids}
    for coef, expr in sub.penalties:
        variables, coeffs, offset = _flat(expr)
        who = {owner[v.index][0] if v.index in owner else None for v in variables}
        if len(who) != 1 or None in who:
            continue  # a constant (whose agent is unknown here) or a term with auxiliary variables
        a = who.pop()
        costs, constant = out[a]
        for v, c in zip(variables, coeffs):
            costs[owner[v.index][1]] += coef * c
        out[a] = (costs, constant + coef * offset)
    return out


class LagrangianDual:
    """The roster problem with coverage's link between agents and queues priced, not enforced.

    Every agent working interval t earns the price of its skill profile at t; every queue
    buys its coverage from the cheapest profile that can serve it, up to the agents there
    are, and pays its shortfall and surplus. Without the link, each agent's best week is a
    small exact problem (dynamic programming over its local days: one shift a day, the
    contract's days and hours, the best break position, soft costs linear in its shifts)
    and each queue's choice is a convex one in one number. Their sum, L(prices), is a
    lower bound on every roster for any prices (weak duality); its maximum is at least
    the LP bound. Rules left out (rest, consecutive days, ...) only widen the agents'
    choice, so the bound stays valid.
    """

    def __init__(self, rm: RosterModel):
        self.rm = rm
        groups = identical_agents(rm)
        self.profiles = sorted({rm.agents[a[0]].skill_profile for a in groups})
        pidx = {p: i for i, p in enumerate(self.profiles)}
        self.T = T = len(rm.grid)
        P = len(self.profiles)
        lengths = sorted({c.paid_minutes for cs in rm.candidates.values() for c in cs})
        self.unit = unit = math.gcd(*lengths) if lengths else 60
        self.steps = [m // unit for m in lengths]
        lidx = {m: i for i, m in enumerate(lengths)}
        self.G = G = len(groups)
        self.D = D = max([len(rm.dates[a[0]]) for a in groups] + [1])
        self.NL = NL = max(1, len(lengths))
        self.n = np.array([len(a) for a in groups], dtype=float)
        self.days = np.full(G, -1)
        self.lo_min = np.zeros(G)
        self.hi_min = np.zeros(G)
        self.constant = 0.0
        cand_p, cand_key, cand_cost, base_spans, off_spans = [], [], [], [], []
        shapes: dict = {}
        linear = _linear_shift_costs(rm, [a[0] for a in groups])
        self.groups = groups
        self.first_cand = np.zeros(G + 1, dtype=np.int64)  # group g's candidates are rows first_cand[g]:[g + 1]
        for g, aids in enumerate(groups):
            rep = aids[0]
            self.first_cand[g] = len(cand_p)
            contract = rm.contracts[rep]
            self.days[g] = -1 if contract.days is None else contract.days
            self.lo_min[g], self.hi_min[g] = contract.min_minutes, contract.max_minutes
            day_of = {d: i for i, d in enumerate(rm.dates[rep])}
            p = pidx[rm.agents[rep].skill_profile]
            costs, constant = linear[rep]
            self.constant += constant * len(aids)
            for c, cost in zip(rm.candidates[rep], costs):
                base, offs = _shift_shape(rm, shapes, c)
                cand_p.append(p)
                cand_key.append((g * D + day_of[c.local_date]) * NL + lidx[c.paid_minutes])
                cand_cost.append(cost)
                base_spans.append(_runs(base))
                spans = [_runs(off) for off in offs]
                if any(len(x) > 1 for x in spans):
                    raise ValueError(f"agent {rep}: a break takes off intervals that are not consecutive")
                off_spans.append([x[0] if x else (0, 0) for x in spans])
        self.first_cand[G] = len(cand_p)
        self.cand_p = np.array(cand_p, dtype=np.int64)
        row = self.cand_p * (T + 1)  # each profile's row in the cumulative prices
        self.base_lo, self.base_hi, self.base_pad = _padded(base_spans, row)
        self.cand_cost = np.array(cand_cost, dtype=float)
        # break positions (padding: an empty span, never the cheapest)
        self.off_lo, self.off_hi, self.pad = _padded(off_spans, row)
        key = np.array(cand_key, dtype=np.int64)
        self.order = np.argsort(key, kind="stable")
        sorted_key = key[self.order]
        new_key = np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(key) else np.array([], dtype=bool)
        self.seg_start = np.flatnonzero(new_key)
        self.seg_key = sorted_key[self.seg_start]
        self.seg_of = np.repeat(np.arange(len(self.seg_start)), np.diff(np.append(self.seg_start, len(key))))
        # where each profile can work at all, and the queues' side
        possible = np.zeros(P * (T + 1))
        np.add.at(possible, self.base_lo[~self.base_pad], 1)
        np.add.at(possible, self.base_hi[~self.base_pad], -1)
        self.possible = np.cumsum(possible.reshape(P, T + 1), axis=1)[:, :T] > 0
        self.queues = sorted({q for p in self.profiles for q in p} | {q for q, _ in rm.need})
        self.members = [np.array([pidx[p] for p in self.profiles if q in p], dtype=np.int64) for q in self.queues]
        agents_of = np.zeros(P)
        np.add.at(agents_of, np.array([pidx[rm.agents[a[0]].skill_profile] for a in groups]), self.n)
        Q = len(self.queues)
        self.need = np.zeros((Q, T), dtype=np.int64)
        qidx = {q: i for i, q in enumerate(self.queues)}
        for (q, t), v in rm.need.items():
            self.need[qidx[q], t] = v
        cap = np.zeros((Q, T))
        for qi, ms in enumerate(self.members):
            if len(ms):
                cap[qi] = (self.possible[ms] * agents_of[ms, None]).sum(axis=0)
        # queues: shortfall pieces (the k-th agent short costs k x weight, 4+ flat) and surplus
        w = rm.config.rules.weights
        self.surplus_cost = float(rm.cost(w.surplus))
        self.cap = cap
        self.open = cap > 0
        self.piece_cost = np.zeros((4, Q))
        self.piece_width = np.zeros((4, Q, T))
        for qi, q in enumerate(self.queues):
            prio = rm.config.channels[q[0]].priority if q[0] in rm.config.channels else 1.0
            self.piece_cost[:, qi] = [rm.cost(w.shortfall * prio * k) for k in range(1, 5)]
            need = self.need[qi]
            for k in range(3):
                self.piece_width[k, qi] = need > k
            self.piece_width[3, qi] = np.maximum(0, need - 3)
        full_short = (self.piece_cost[..., None] * self.piece_width).sum(axis=0)
        self.closed_cost = float(np.where(self.open, 0.0, full_short).sum())  # nobody can serve: all short
        # an optimal price lies in [-surplus cost, cost of the queue's last shortfall piece] (need 0: -surplus cost)
        top = np.take_along_axis(self.piece_cost[:, :, None].repeat(T, axis=2),
                                 np.clip(self.need, 1, 4)[None] - 1, axis=0)[0]
        self.price_lo = np.full((Q, T), -self.surplus_cost)
        self.price_hi = np.where(self.need > 0, top, -self.surplus_cost)
        width = max([len(p) for p in self.profiles] + [1])
        self.prof_queues = np.full((P, width), Q, dtype=np.int64)
        for pi, prof in enumerate(self.profiles):
            self.prof_queues[pi, :len(prof)] = [qidx[q] for q in prof]
        # the agents' dynamic programme: state (days worked k, hours beyond k shortest shifts h), in `unit`s
        self.K = int(max(self.days.max() + 1 if G else 1, D + 1))
        self.low = min(self.steps) if self.steps else 0
        self.extra = [step - self.low for step in self.steps]
        self.H = max(self.extra + [0]) * (self.K - 1) + 1
        self.feasible = self._final_states()
        # a lone day off (worked, off, worked) costs this when days off together are asked for (0: not)
        self.lone_cost = float(rm.cost(rm.config.rules.weights.days_off_together)
                               if rm.config.rules.days_off_together else 0)
        self.cand_day = key // NL % D  # each candidate's day in its agent's dates
        self.units = self.off_lo.size + self.base_lo.size + G * self.K * self.H * D * NL + Q * T * 8

    def _final_states(self) -> np.ndarray:
        ks = np.arange(self.K)[None, :, None]
        minutes = (np.arange(self.H)[None, None, :] + self.low * ks) * self.unit
        days = self.days[:, None, None]
        return ((minutes >= self.lo_min[:, None, None]) & (minutes <= self.hi_min[:, None, None])
                & ((days < 0) | (ks == days)))

    def initial_prices(self) -> np.ndarray:
        """Return starting prices: minus the surplus cost everywhere (an agent-hour's worth where all is covered).

        With these, every agent works its cheapest week and every hour beyond the need costs
        its surplus: the bound starts at the surplus the contracts' minimum hours force.
        """
        return self.price_lo.copy()

    def clip(self, prices: np.ndarray) -> np.ndarray:
        """Return prices moved into the box that holds an optimal price vector (any price gives a bound)."""
        return np.clip(prices, self.price_lo, self.price_hi)

    def _agents(self, prices: np.ndarray, lone_days: bool = False) -> tuple[float, np.ndarray, list]:
        """Return the sum over agents of min over weeks of (soft cost - prices earned), the supply per profile x t,
        and each group's best week: (group, candidate indices, break position indices).

        lone_days: also count lone days off (the state then keeps whether the day before was
        worked, 1, or a day off after a worked one, 2, else 0; working from 2 pays): a stronger
        bound for about twice the work.
        """
        P, T, G, D, NL, K, H = len(self.profiles), self.T, self.G, self.D, self.NL, self.K, self.H
        if lone_days and self.lone_cost > 0:
            on_state, off_moves, lone = 1, ((0, (0, 2)), (2, (1,))), np.array([0.0, 0.0, self.lone_cost])
        else:
            on_state, off_moves, lone = 0, ((0, (0,)),), np.zeros(1)
        S = len(lone)
        cum = np.zeros((P, T + 1))
        np.cumsum(prices, axis=1, out=cum[:, 1:])
        cum = cum.ravel()
        off = np.where(self.pad, np.inf, cum[self.off_hi] - cum[self.off_lo])
        spans = np.where(self.base_pad, 0.0, cum[self.base_hi] - cum[self.base_lo]).sum(axis=1)
        earn = spans - off.min(axis=1) - self.cand_cost
        earn_sorted = earn[self.order]
        seg_best = np.maximum.reduceat(earn_sorted, self.seg_start) if len(earn) else earn
        best = np.full(G * D * NL, NEG)
        best[self.seg_key] = seg_best
        best = best.reshape(G, D, NL)
        week = np.full((G, S, K, H), NEG)
        week[:, 0, 0, 0] = 0.0
        history = [week]
        for d in range(D):
            nxt = np.full_like(week, NEG)
            for s_new, olds in off_moves:
                nxt[:, s_new] = week[:, olds[0]] if len(olds) == 1 else np.maximum(week[:, olds[0]], week[:, olds[1]])
            work = week[:, 0, :K - 1] if S == 1 else (week[:, :, :K - 1] - lone[None, :, None, None]).max(axis=1)
            for length, extra in enumerate(self.extra):
                if extra < H:
                    np.maximum(nxt[:, on_state, 1:, extra:], work[:, :, :H - extra] + best[:, d, length][:, None, None],
                               out=nxt[:, on_state, 1:, extra:])
            week = nxt
            history.append(week)
        final = np.where(self.feasible[:, None], week, NEG).reshape(G, -1)
        state = final.argmax(axis=1)
        top = final[np.arange(G), state]
        if (top <= NEG / 2).any():
            raise ValueError("an agent has no week its contract allows")
        # the weeks picked, day by day backwards (the same sums again, so equality is exact), and their supply
        supply = np.zeros(P * (T + 1))
        s, k, h = state // (K * H), state // H % K, state % H
        groups = np.arange(G)
        n_sorted = len(earn_sorted)
        first = n_sorted - np.maximum.reduceat(
            np.where(earn_sorted >= seg_best[self.seg_of], n_sorted - np.arange(n_sorted), 0), self.seg_start)
        picked_c, picked_n, picked_g = [], [], []
        for d in range(D - 1, -1, -1):
            now, before = history[d + 1][groups, s, k, h], history[d]
            came = np.full(G, -1)  # the state before day d
            for s_new, olds in off_moves:  # a day off first, as the forward pass keeps it on ties
                for s_old in olds:
                    came = np.where((came < 0) & (s == s_new) & (before[groups, s_old, k, h] == now), s_old, came)
            length = np.full(G, -1)
            for cand_len, extra in enumerate(self.extra):
                for s_old in range(S):
                    ok = ((came < 0) & (s == on_state) & (k > 0) & (h >= extra)
                          & ((before[groups, s_old, np.maximum(k - 1, 0), np.maximum(h - extra, 0)] - lone[s_old])
                             + best[groups, d, cand_len] == now))
                    length = np.where(ok, cand_len, length)
                    came = np.where(ok, s_old, came)
            on = length >= 0
            if on.any():
                seg = np.searchsorted(self.seg_key, (groups[on] * D + d) * NL + length[on])
                picked_c.append(self.order[first[seg]])
                picked_n.append(self.n[on])
                picked_g.append(groups[on])
                k = np.where(on, k - 1, k)
                h = np.where(on, h - np.array(self.extra)[np.maximum(length, 0)], h)
            s = np.maximum(came, 0)
        if picked_c:
            c = np.concatenate(picked_c)
            n = np.concatenate(picked_n)
            spans = ~self.base_pad[c]
            many = np.broadcast_to(n[:, None], spans.shape)[spans]
            np.add.at(supply, self.base_lo[c][spans], many)
            np.add.at(supply, self.base_hi[c][spans], -many)
            pos = off[c].argmin(axis=1)  # the break each picked shift takes: its cheapest position
            np.add.at(supply, self.off_lo[c, pos], -n)
            np.add.at(supply, self.off_hi[c, pos], n)
            g = np.concatenate(picked_g)
            by_group = np.argsort(g, kind="stable")
            cuts = np.flatnonzero(np.diff(g[by_group])) + 1
            picked = {int(g[i[0]]): (tuple(int(x) for x in c[i]), tuple(int(x) for x in pos[i]))
                      for i in np.split(by_group, cuts)}
        else:
            picked = {}
        supply = np.cumsum(supply.reshape(P, T + 1), axis=1)[:, :T]
        weeks = [(g, *picked.get(g, ((), ()))) for g in range(G)]
        return float(-(self.n * top).sum() + self.constant), supply, weeks

    def value(self, prices: np.ndarray) -> tuple[float, np.ndarray]:
        """Return L(prices) in solver units and a supergradient; prices per queue x interval.

        Each working agent serves its best-priced queue; each queue keeps its coverage
        equation (coverage + shortfall - surplus = need) only through its price.
        """
        value, grad, _ = self.evaluate(prices)
        return value, grad

    def evaluate(self, prices: np.ndarray, lone_days: bool = False) -> tuple[float, np.ndarray, list]:
        """Return L(prices), a supergradient, and each group's best week (`week_supply` reads one).

        lone_days: also count lone days off in the agents' weeks (see `_agents`).
        """
        prices = np.where(self.open, prices, 0.0)
        ext = np.vstack([prices, np.full((1, self.T), -np.inf)])
        options = ext[self.prof_queues]  # profile x its queues x interval
        choice = options.argmax(axis=1)
        earn = np.take_along_axis(options, choice[:, None, :], axis=1)[:, 0, :]
        earn = np.where(self.possible, earn, 0.0)
        agents_side, supply, weeks = self._agents(earn, lone_days)
        cov = np.zeros((len(self.queues) + 1, self.T))
        q_of = np.take_along_axis(self.prof_queues[:, :, None].repeat(self.T, axis=2), choice[:, None, :],
                                  axis=1)[:, 0, :]
        np.add.at(cov, (q_of, np.broadcast_to(np.arange(self.T), q_of.shape)), supply)
        cov = cov[:-1]
        # queues: pieces of shortfall taken where cheaper than the price, surplus where the price is below -its cost
        taken = self.piece_cost[..., None] < prices[None]  # piece x queue x interval
        short = (taken * self.piece_width).sum(axis=0)
        queue_side = (prices * self.need + (np.minimum(0.0, self.piece_cost[..., None] - prices[None])
                                             * self.piece_width).sum(axis=0)
                      + self.cap * np.minimum(0.0, self.surplus_cost + prices))
        surplus = np.where(self.surplus_cost + prices < 0, self.cap, 0.0)
        value = agents_side + float(np.where(self.open, queue_side, 0.0).sum()) + self.closed_cost
        grad = np.where(self.open, self.need - cov - short + surplus, 0.0)
        return value, grad, weeks

    def week_supply(self, cands: tuple, positions: tuple, lone_days: bool = False) -> tuple[float, dict[int, int]]:
        """Return a week's soft cost (solver units) and the intervals it works, agents per interval index.

        cands: candidate indices (rows of this object's arrays); positions: each one's break
        position; lone_days: the cost counts its lone days off too.
        """
        work: dict[int, int] = defaultdict(int)
        on = {int(self.cand_day[c]) for c in cands}
        cost = self.lone_cost * sum(1 for d in on if d + 1 not in on and d + 2 in on) if lone_days else 0.0
        for c, pos in zip(cands, positions):
            row = int(self.cand_p[c]) * (self.T + 1)
            for lo, hi, pad in zip(self.base_lo[c], self.base_hi[c], self.base_pad[c]):
                if not pad:
                    for t in range(lo - row, hi - row):
                        work[t] += 1
            if not self.pad[c, pos]:
                for t in range(self.off_lo[c, pos] - row, self.off_hi[c, pos] - row):
                    work[t] -= 1
            cost += float(self.cand_cost[c])
        return cost, {t: k for t, k in work.items() if k}


def lagrangian_bound(rm: RosterModel, time_limit_s: float = 10.0, *, upper: float | None = None,
                     max_iterations: int | None = None, dual: LagrangianDual | None = None) -> RosterBound:
    """Return the best Lagrangian bound (objective points) a deflected subgradient ascent finds in its budget.

    upper: a known roster's objective (objective points), the ascent's target. The
    iterations are planned from `time_limit_s` and the problem's size (reproducible);
    the wall clock only stops a slow machine. Every iteration's value is a proven bound,
    so running out of time gives a weaker bound, never a wrong one.
    """
    started = _time.perf_counter()
    dual = LagrangianDual(rm) if dual is None else dual
    # planned from the budget, not from time measured, so a machine gives the same bound each run
    iterations = max(1, int(time_limit_s * LAGRANGE_UNITS_PER_SECOND / max(dual.units, LAGRANGE_MIN_UNITS)))
    if max_iterations is not None:
        iterations = min(iterations, max_iterations)
    ascent = _ascent(dual, dual.initial_prices(), iterations, upper, started + WALL_SLACK * time_limit_s)
    best = max(ascent.best, dual.evaluate(ascent.prices, lone_days=True)[0])  # the ascent's prices, lone days counted
    return RosterBound(_proven(best), ascent.status, _time.perf_counter() - started, groups=dual.G,
                       iterations=ascent.iterations)


def _proven(units: float) -> float:
    """Return a bound in solver units as objective points, rounded up (the objective is integral in solver units)."""
    return max(0, math.ceil(units - TOLERANCE * max(1.0, abs(units)))) / COST_SCALE


@dataclass
class _Ascent:
    """Where a subgradient ascent ended: its best value (solver units), at which prices, and how."""

    best: float
    prices: np.ndarray
    status: str
    iterations: int


def _ascent(dual: LagrangianDual, prices: np.ndarray, iterations: int, upper: float | None, deadline: float,
            pool: list | None = None) -> _Ascent:
    """Run a projected, deflected subgradient ascent from `prices`; append each improving week set to `pool`."""
    best, best_prices, direction, theta, stall, done, status = -math.inf, prices, None, 1.0, 0, 0, "ITERATION_LIMIT"
    goal_units = -math.inf if upper is None else upper * COST_SCALE
    for done in range(1, iterations + 1):
        value, grad, weeks = dual.evaluate(prices)
        # a price held at its box's edge cannot move outwards: that part of the supergradient is void
        grad = np.where(((prices <= dual.price_lo) & (grad < 0)) | ((prices >= dual.price_hi) & (grad > 0)), 0.0, grad)
        if best == -math.inf or value > best + 1e-9 * abs(best):
            best, best_prices, stall = value, prices, 0
            if pool is not None:
                pool.append(weeks)
        else:
            stall += 1
            if stall >= STALL_ITERATIONS:
                theta, stall = theta * STEP_SHRINK, 0
        if not grad.any():
            status = "CONVERGED"  # a zero supergradient: these prices are optimal
            break
        if theta < MIN_STEP:
            status = "STALLED"
            break
        if _time.perf_counter() > deadline:
            status = "TIME_LIMIT"
            break
        direction = grad if direction is None else grad + DEFLECTION * direction
        goal = max(goal_units, best + 0.02 * abs(best) + COST_SCALE)  # Polyak's step towards a target
        prices = dual.clip(prices + theta * (goal - value) / float((direction * direction).sum()) * direction)
    return _Ascent(best, best_prices, status, done)


def shortfall_cost(rm: RosterModel, q, need: int, short: int) -> int:
    """Return the objective units of `short` agents missing on queue q (the k-th short costs k x weight, 4+ flat)."""
    w = rm.config.rules.weights
    prio = rm.config.channels[q[0]].priority if q[0] in rm.config.channels else 1.0
    short = min(short, need)
    return sum(rm.cost(w.shortfall * prio * min(k, 4)) for k in range(1, short + 1))


def coverage_terms(rm: RosterModel, counts: dict[tuple, int]) -> dict[str, float]:
    """Return the shortfall and surplus objective points of a coverage: agents per (queue, interval index)."""
    short = surplus = 0
    for q, t in set(counts) | set(rm.need):
        need, cov = rm.need.get((q, t), 0), counts.get((q, t), 0)
        short += shortfall_cost(rm, q, need, max(0, need - cov))
        surplus += rm.cost(rm.config.rules.weights.surplus) * max(0, cov - need)
    return {"shortfall": short / COST_SCALE, "surplus": surplus / COST_SCALE}


def roster_terms(rm: RosterModel, chosen: dict[str, list[int]], counts: dict[tuple, int]) -> dict[str, float]:
    """Return a roster's objective points per term family (shortfall, surplus, then one per soft rule).

    chosen: candidate indices per agent in `rm`; counts: agents per (queue, interval index)
    as allocated. The soft rules' auxiliary variables are minimised with the shifts fixed,
    as the solver scores them; hard rules are not checked here (planner.roster.check does).
    """
    out: dict[str, float] = defaultdict(float)
    out.update(coverage_terms(rm, counts))
    sub = submodel(rm, sorted(rm.candidates))
    families = {}
    for name in SOFT_RULES:
        rule = getattr(rules, name, None)
        if rule is not None:
            before = len(sub.penalties)
            rule(sub)
            families[name.removeprefix("penalise_")] = sub.penalties[before:]
    for aid, cands in rm.candidates.items():
        picked = set(chosen.get(aid, ()))
        for i in range(len(cands)):
            sub.model.add(sub.x[aid, i] == int(i in picked))
    sub.model.minimize(sum(c * e for terms in families.values() for c, e in terms))
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    if solver.solve(sub.model) != cp_model.OPTIMAL:
        raise ValueError("the roster's soft terms could not be scored")
    for family, terms in families.items():
        out[family] += sum(c * solver.value(e) for c, e in terms) / COST_SCALE
    return dict(out)


# --- the column-generation bound ------------------------------------------------------------------

class _Master:
    """The Dantzig-Wolfe master LP over the weeks found so far, kept in GLOP between solves.

    Rows: one per group (its agents spread over its weeks: convexity, = the group's size),
    one per multi-skill profile and interval (the agents its weeks put there = those it
    allocates to its queues), one per open queue and interval (coverage + shortfall pieces
    - surplus = need). A week is a column; the coverage rows' duals are prices for
    LagrangianDual.
    """

    def __init__(self, dual: LagrangianDual):
        self.dual = dual
        self.lone_days = False  # whether weeks cost their lone days off (to match pricing with them)
        self.columns: list[tuple[pywraplp.Variable, tuple, tuple]] = []
        self.solver = s = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = obj = s.Objective()
        obj.SetOffset(dual.constant + dual.closed_cost)
        self.convexity = [s.Constraint(float(n), float(n)) for n in dual.n]
        Q = len(dual.queues)
        self.coverage: dict[tuple[int, int], pywraplp.Constraint] = {}
        for q, t in zip(*np.nonzero(dual.open)):
            q, t = int(q), int(t)
            row = self.coverage[q, t] = s.Constraint(float(dual.need[q, t]), float(dual.need[q, t]))
            for k in range(4):
                width = float(dual.piece_width[k, q, t])
                if width > 0:
                    v = s.NumVar(0.0, width, "")
                    row.SetCoefficient(v, 1.0)
                    obj.SetCoefficient(v, float(dual.piece_cost[k, q]))
            v = s.NumVar(0.0, s.infinity(), "")
            row.SetCoefficient(v, -1.0)
            obj.SetCoefficient(v, dual.surplus_cost)
        # where a profile's agents count: its queue's coverage row, or its own row allocating them to its queues
        self.rows: dict[tuple[int, int], pywraplp.Constraint] = {}
        for p, t in zip(*np.nonzero(dual.possible)):
            p, t = int(p), int(t)
            queues = [int(q) for q in dual.prof_queues[p] if q < Q]
            if len(queues) == 1:
                self.rows[p, t] = self.coverage[queues[0], t]
                continue
            row = self.rows[p, t] = s.Constraint(0.0, 0.0)
            for q in queues:
                v = s.NumVar(0.0, s.infinity(), "")
                row.SetCoefficient(v, -1.0)
                self.coverage[q, t].SetCoefficient(v, 1.0)
        self.known: set[tuple] = set()
        self.Q = Q

    @staticmethod
    def size(dual: LagrangianDual) -> int:
        """Return the number of rows the master of `dual` has (without building it)."""
        multi = np.array([sum(1 for q in p if q < len(dual.queues)) > 1 for p in dual.prof_queues])
        return dual.G + int(dual.open.sum()) + int(dual.possible[multi].sum()) if len(multi) else dual.G

    def add(self, g: int, cands: tuple, positions: tuple) -> bool:
        """Add group g's week (candidate rows and break positions) as a column; False if it was there."""
        key = (g, cands, positions)
        if key in self.known:
            return False
        self.known.add(key)
        cost, work = self.dual.week_supply(cands, positions, self.lone_days)
        v = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.convexity[g].SetCoefficient(v, 1.0)
        self.objective.SetCoefficient(v, cost)
        self.columns.append((v, cands, positions))
        if work:
            p = int(self.dual.cand_p[cands[0]])
            for t, k in work.items():
                self.rows[p, t].SetCoefficient(v, float(k))
        return True

    def count_lone_days(self) -> None:
        """Make every week, known and new, cost its lone days off too (the basis stays feasible: a warm start)."""
        self.lone_days = True
        for v, cands, positions in self.columns:
            self.objective.SetCoefficient(v, self.dual.week_supply(cands, positions, True)[0])

    def solve(self, iteration_limit: int, time_limit_s: float) -> tuple[bool, float, np.ndarray]:
        """Solve (warm from the last basis); return whether optimal, the objective and the coverage rows' duals."""
        # without presolve GLOP keeps its basis between solves: a round after new columns starts from the last one
        self.solver.SetSolverSpecificParametersAsString(f"max_number_of_iterations: {max(1, iteration_limit)} "
                                                        f"use_preprocessing: false")
        self.solver.SetTimeLimit(max(10, int(1000 * time_limit_s)))
        solved = self.solver.Solve() == pywraplp.Solver.OPTIMAL
        prices = np.zeros((self.Q, self.dual.T))
        for (q, t), row in self.coverage.items():
            prices[q, t] = row.dual_value()
        return solved, self.objective.Value(), prices


def column_generation_bound(rm: RosterModel, time_limit_s: float = 10.0, *, upper: float | None = None,
                            weeks: dict[str, list[int]] | None = None, dual: LagrangianDual | None = None,
                            ascent_share: float = CG_ASCENT_SHARE, max_rounds: int | None = None) -> RosterBound:
    """Return the best Lagrangian bound (objective points) of an ascent followed by column generation.

    The subgradient ascent (`ascent_share` of the budget; `upper` is its target, as in
    lagrangian_bound) gets near good prices fast and pools the weeks the agents pick on
    its way up; the Dantzig-Wolfe master over the last of them and `weeks` (a known
    roster: candidate indices per agent) is then solved by GLOP, round after round, each
    pricing new weeks at the master's duals. L(prices) is a proven bound at every step,
    whatever the master holds; once it meets the master's optimum, which no L exceeds,
    the bound is the relaxation's best ("CONVERGED"). The budget is planned as ascent
    iterations and simplex iterations from the problem's size (reproducible; the wall
    clock only stops a slow machine); when the simplex share cannot pay for a first
    master solve (CG_FIRST_SOLVE iterations per master row), the ascent gets it all.
    """
    started = _time.perf_counter()
    deadline = started + WALL_SLACK * time_limit_s
    dual = LagrangianDual(rm) if dual is None else dual
    rows = _Master.size(dual)
    simplex = int((1 - ascent_share) * time_limit_s * GLOP_ROW_ITERATIONS_PER_SECOND / rows)
    if simplex < CG_FIRST_SOLVE * rows:
        ascent_share, simplex = 1.0, 0
    pool: list = []
    iterations = max(1, int(ascent_share * time_limit_s * LAGRANGE_UNITS_PER_SECOND
                            / max(dual.units, LAGRANGE_MIN_UNITS)))
    ascent = _ascent(dual, dual.initial_prices(), iterations, upper, deadline, pool)
    lone = dual.evaluate(ascent.prices, lone_days=True)[0]  # the best prices again, lone days off counted
    ascent = _Ascent(max(ascent.best, lone), ascent.prices, ascent.status, ascent.iterations)
    # an ascent that converged has the best prices without lone days off; with them the master may still do better
    if not simplex or ascent.status == "TIME_LIMIT" or (ascent.status == "CONVERGED" and not dual.lone_cost):
        return RosterBound(_proven(ascent.best), ascent.status, _time.perf_counter() - started, groups=dual.G,
                           iterations=ascent.iterations)
    master = _Master(dual)
    group_of = {aid: g for g, aids in enumerate(dual.groups) for aid in aids}
    for aid, picked in sorted((weeks or {}).items()):
        if aid in group_of and picked:
            g = group_of[aid]
            cands = tuple(int(dual.first_cand[g]) + i for i in sorted(picked))
            master.add(g, cands, tuple(int((~dual.pad[c]).sum()) // 2 for c in cands))  # mid-shift breaks
    for found in pool[-CG_POOL:]:
        for g, cands, positions in found:
            master.add(g, cands, positions)
    best, status, rounds = _generate_columns(dual, master, ascent, simplex, deadline, max_rounds)
    return RosterBound(_proven(best), status, _time.perf_counter() - started, groups=dual.G,
                       iterations=ascent.iterations + rounds)


def _generate_columns(dual: LagrangianDual, master: _Master, ascent: _Ascent, simplex: int, deadline: float,
                      max_rounds: int | None) -> tuple[float, str, int]:
    """Run column-generation rounds within `simplex` iterations; return the best L (solver units), status, rounds.

    Each round prices at the master's duals smoothed towards the best prices so far
    (Wentges: CG_SMOOTHING of the way), which damps the duals' swings; when those find
    no new week, at the duals themselves. Lone days off are counted once the master
    without them has converged (its first solve is much cheaper so), then it goes on.
    """
    best, center, rounds = ascent.best, ascent.prices, 0
    while simplex > 0 and (max_rounds is None or rounds < max_rounds):
        rounds += 1
        solved, objective, duals = master.solve(simplex, deadline - _time.perf_counter())
        simplex -= master.solver.iterations()
        if not solved:
            return best, "ITERATION_LIMIT" if _time.perf_counter() < deadline else "TIME_LIMIT", rounds
        added = 0
        if objective - best > max(1.0, 1e-9 * abs(objective)):
            for prices in (CG_SMOOTHING * center + (1 - CG_SMOOTHING) * duals, duals):
                value, _, found = dual.evaluate(prices, lone_days=master.lone_days)
                if value > best:
                    best, center = value, prices
                added = sum(master.add(g, cands, pos) for g, cands, pos in found)
                if added:
                    break
            if not added and objective - best > max(1.0, 1e-9 * abs(objective)):
                return best, "STALLED", rounds  # the weeks priced are all in the master already: it cannot move
        if not added:  # the master's optimum is an upper bound on every L: none does better
            if master.lone_days or not dual.lone_cost:
                return best, "CONVERGED", rounds
            master.count_lone_days()
    return best, "ITERATION_LIMIT", rounds


