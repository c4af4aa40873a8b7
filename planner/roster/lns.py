"""Large-neighbourhood search on a week's (or planning period's) roster: re-solve a few agents at a time.

On 500-1000 agents the full CP-SAT model is too big for its own search to improve the
first roster much. Here each step frees a neighbourhood (a few agents sharing skills,
agents who could fill the worst shortfall, or one skill profile on a window of days),
builds a small CP-SAT model of only those agents and solves it with everybody else fixed:

- the free agents' candidate shifts, their hard rules and their own soft terms (the rule
  functions of planner.roster.rules run on a model holding only them);
- coverage on the queues of the free agents' skill profiles in the intervals they could
  work: the fixed agents' count as constants, the free profiles' queue allocation is
  chosen again, other profiles keep theirs;
- duty cover per day and shift type, with the fixed agents' count as a constant;
- fair shares, exactly: each free agent's excess over its share as in the full model, and
  the fixed agents' excess, which depends only on the group's total, tabulated over it.

So the small model's objective differs from the full model's by a constant, for this
allocation of the fixed profiles. A move is accepted only if the roster's objective,
recomputed here without the solver (`WeekScore`), does not get worse. The objective
tracked is the full model's with the allocation held (never below the model's optimum
for the roster, which may allocate better).

Deterministic: the neighbourhoods come from `random.Random(seed)`, every re-solve runs
one worker with a seed drawn from it and a deterministic-time limit, and the budget
counts CP-SAT's deterministic time plus a charge per variable built (Python's share);
the wall clock only guards `deadline`. Measured on the 500-agent bench week (80,031
candidate shifts) from a first roster of 12,228: 9,164 after 6.0 dtime (median of three
seeds) and 8,714 after 12.0, where CP-SAT's stage 1 on the full model reaches 12,182 and 11,482.
"""
from __future__ import annotations

import random
import time as _time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from planner.errors import PlannerError
from planner.roster.bound import shortfall_cost
from planner.roster.fairness import TENTHS, comparable_groups, is_late, is_weekend, share_weight
from planner.roster.greedy import hint_allocation
from planner.roster.interrupt import StopFlag, new_solver
from planner.roster.model import COST_SCALE, Profile, Queue, RosterModel, submodel
from planner.roster.rules import (add_hard_rules, duty_cover_entries, penalise_preferred_start,
                                  penalise_split_days_off, penalise_unmet_wishes, penalise_unstable_starts)

SUB_DTIME = 0.25  # deterministic time of one neighbourhood re-solve (doubled while the search is stuck)
STALL = 12  # re-solves without improvement before re-solves get twice the time
MAX_LEVEL = 3  # at most 2**3 x SUB_DTIME per re-solve
FIRST_SIZE = 4.0  # agents freed at first; the size grows while re-solves finish, shrinks while they do not
# (4 rather than 6: median of three seeds at 4.5 dtime, 200 agents 3,697 -> 3,617, 500 agents 10,722 -> 10,573)
MAX_SIZE = 40.0
GROWTH = 1.15
BUILD_DTIME_PER_VAR = 1e-5  # deterministic time charged per variable of a re-solve's model (its building)
HINT_DTIME = 0.1  # deterministic time to complete a re-solve's hint at most (it takes far less)
NEIGHBOURHOODS = ("skill", "shortfall", "window")
# the search's budget (CP-SAT's deterministic time plus the building charge) per wall-clock second: on the
# 200-agent bench week 0.25-0.30 alone and about 0.23 inside build_roster (2 shared cores, 2026-12-02),
# 0.20 before coverage's lines were built from the cost's kinks only; kept below, so the stages end on time
LNS_DTIME_PER_SECOND = 0.22
AGENT_RULES = (penalise_unmet_wishes, penalise_split_days_off, penalise_unstable_starts, penalise_preferred_start)

Counts = dict[tuple[Profile, Queue, int], int]  # agents of a skill profile on a queue per interval


# ----------------------------------------------------------------------------- scoring without the solver

def _fair_groups(rm: RosterModel) -> list[tuple[Callable, list[str]]]:
    """Return the fair-share groups of planner.roster.fairness as (shift kind, agent ids)."""
    if rm.config.rules.weights.fairness <= 0:
        return []

    def team(aid: str) -> str:
        return rm.agents[aid].team

    def peers(aid: str) -> tuple[str, bool]:
        return rm.agents[aid].team, rm.agents[aid].night_ok

    return ([(is_weekend, g) for g in comparable_groups(rm, is_weekend, team)]
            + [(is_late, g) for g in comparable_groups(rm, is_late, peers)])


def _excess(whole: int, weight: int, count: int, total: int) -> int:
    """Return an agent's shifts beyond its fair share, in tenths (rounded up), as the model minimises it."""
    return max(0, -((-TENTHS * (whole * count - weight * total)) // whole))


class WeekScore:
    """The roster model's objective (solver units) of a roster, term by term, recomputed without the solver.

    Coverage is priced for an allocation of each profile's agents to its queues (`Counts`);
    the soft terms as the rules of planner.roster.rules define them, with their auxiliary
    variables at their best (lone days off, the usual start as a median, fair-share excess).
    """

    def __init__(self, rm: RosterModel):
        self.rm = rm
        w = rm.config.rules.weights
        self.surplus = rm.cost(w.surplus)
        self.groups = _fair_groups(rm)
        self.group_of: dict[str, list[int]] = defaultdict(list)
        for g, (_kind, aids) in enumerate(self.groups):
            for aid in aids:
                self.group_of[aid].append(g)
        self.share = {aid: share_weight(rm, aid) for aid in rm.candidates}
        self.duty = duty_cover_entries(rm)
        self.wishes: dict[str, list] = defaultdict(list)
        for wish in rm.wishes:
            self.wishes[wish.agent_id].append(wish)

    def queue(self, q: Queue, t: int, covered: int) -> int:
        """Return the shortfall and surplus cost of `covered` agents on queue q in interval t."""
        need = self.rm.need.get((q, t), 0)
        if need <= 0:
            return self.surplus * covered
        return shortfall_cost(self.rm, q, need, max(0, need - covered)) + self.surplus * max(0, covered - need)

    def agent(self, aid: str, picks: list[int]) -> int:
        """Return the agent's own soft terms: unmet wishes, lone days off, start changes, preferred start."""
        rm = self.rm
        w = rm.config.rules.weights
        cands = rm.candidates[aid]
        worked = {cands[i].local_date: i for i in picks}
        cost = 0
        for wish in self.wishes.get(aid, []):
            idx = [i for i in rm.by_day.get((aid, wish.local_date), [])
                   if wish.shift_type is None or rm.kind(aid, i) == wish.shift_type]
            granted = any(i in idx for i in picks)
            if wish.on != granted and (wish.on or idx):
                cost += rm.cost(wish.weight)
        if rm.config.rules.days_off_together and w.days_off_together > 0:
            dates = rm.dates[aid]
            for d0, d1, d2 in zip(dates, dates[1:], dates[2:]):
                if (aid, d0) in rm.by_day and (aid, d2) in rm.by_day and d0 in worked and d2 in worked \
                        and d1 not in worked:
                    cost += rm.cost(w.days_off_together)
        if w.stable_start > 0 and len({c.local_date for c in cands}) >= 2 and worked:
            starts = sorted(cands[i].start_local_min for i in picks)
            anchor = starts[(len(starts) - 1) // 2]  # a median minimises the sum of distances
            cost += rm.cost(w.stable_start / 60) * sum(abs(s - anchor) for s in starts)
        pref = rm.agents[aid].preferred_start
        if w.preferred_start > 0 and pref is not None:
            p = pref.hour * 60 + pref.minute
            for i in picks:
                off = abs(cands[i].start_local_min - p)
                cost += rm.cost(w.preferred_start * min(off, 1440 - off) / 60)
        return cost

    def duty_cover(self, chosen: dict[str, list[int]]) -> int:
        """Return the duty cover terms: each person under or over an entry's staff."""
        cost = 0
        for staff, under, over, pairs in self.duty:
            n = sum(1 for aid, i in pairs if i in chosen.get(aid, ()))
            cost += under * max(0, staff - n) + over * max(0, n - staff)
        return cost

    def group(self, g: int, chosen: dict[str, list[int]]) -> int:
        """Return fair-share group g's cost: every agent's shifts beyond its share."""
        kind, aids = self.groups[g]
        count = {aid: sum(1 for i in chosen.get(aid, ()) if kind(self.rm.candidates[aid][i])) for aid in aids}
        total, whole = sum(count.values()), sum(self.share[aid] for aid in aids)
        unit = self.rm.cost(self.rm.config.rules.weights.fairness / TENTHS)
        return unit * sum(_excess(whole, self.share[aid], count[aid], total) for aid in aids)

    def total(self, chosen: dict[str, list[int]], counts: Counts) -> int:
        """Return the whole objective of the roster `chosen` with queue allocation `counts` (solver units)."""
        covered = queue_cover(counts)
        cost = sum(self.queue(q, t, covered.get((q, t), 0)) for q, t in set(covered) | set(self.rm.need))
        cost += sum(self.agent(aid, chosen.get(aid, [])) for aid in self.rm.candidates)
        cost += self.duty_cover(chosen)
        cost += sum(self.group(g, chosen) for g in range(len(self.groups)))
        return cost


def queue_cover(counts: Counts) -> dict[tuple[Queue, int], int]:
    """Return agents per (queue, interval) of an allocation."""
    covered: dict[tuple[Queue, int], int] = defaultdict(int)
    for (_prof, q, t), n in counts.items():
        covered[q, t] += n
    return covered


def week_objective(rm: RosterModel, chosen: dict[str, list[int]], counts: Counts) -> float:
    """Return the roster model's objective (points) of roster `chosen` with queue allocation `counts`."""
    return WeekScore(rm).total(chosen, counts) / COST_SCALE


# ----------------------------------------------------------------------------- one neighbourhood

@dataclass
class _Week:
    """The search's roster: shifts per agent, queue allocation, and what both imply per queue and profile."""

    chosen: dict[str, list[int]]
    counts: Counts
    covered: dict[tuple[Queue, int], int]  # agents per queue and interval
    working: dict[tuple[Profile, int], int]  # agents per skill profile and interval

    @classmethod
    def of(cls, rm: RosterModel, chosen: dict[str, list[int]], counts: Counts) -> "_Week":
        """Return the search's state for a roster and its allocation; raise ValueError if they disagree."""
        own = {aid: sorted(chosen.get(aid, [])) for aid in rm.candidates}
        working: dict[tuple[Profile, int], int] = defaultdict(int)
        for aid, picks in own.items():
            prof = rm.agents[aid].skill_profile
            for i in picks:
                for t in rm.candidates[aid][i].intervals:
                    working[prof, t] += 1
        allocated: dict[tuple[Profile, int], int] = defaultdict(int)
        for (prof, _q, t), n in counts.items():
            allocated[prof, t] += n
        for key in sorted(set(working) | set(allocated), key=lambda k: (k[1], k[0])):
            if working.get(key, 0) != allocated.get(key, 0):
                raise ValueError(f"allocation of profile {key[0]} in interval {key[1]}: {allocated.get(key, 0)} "
                                 f"agents allocated but {working.get(key, 0)} working")
        counts = defaultdict(int, {k: n for k, n in counts.items() if n})
        return cls(own, counts, queue_cover(counts), working)


@dataclass
class _Trial:
    """One neighbourhood re-solved: the free agents' new shifts and their profiles' new allocation."""

    picks: dict[str, list[int]] | None
    counts: Counts  # new values of the (profile, queue, interval) keys the neighbourhood could change
    dtime: float
    complete: bool


def _convex_lines(cost: Callable[[int], int], lo: int, hi: int,
                  kinks: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """Return lines (a, b), cost(c) = max of a + b x c at every integer c in [lo, hi] for a convex `cost`.

    `cost` is linear between lo, hi and its `kinks` (None: it may bend at every integer),
    so it is evaluated only there.
    """
    inner = set(range(lo + 1, hi)) if kinks is None else {c for c in kinks if lo < c < hi}
    points = sorted({lo, hi} | inner)
    lines: list[tuple[int, int]] = []
    for c0, c1 in zip(points, points[1:]):
        f0 = cost(c0)
        b = (cost(c1) - f0) // (c1 - c0)
        if not lines or lines[-1][1] != b:
            lines.append((f0 - b * c0, b))
    return lines or [(cost(lo), 0)]


def _add_cover(sub: RosterModel, rm: RosterModel, week: _Week, score: WeekScore,
               free: list[str]) -> dict[tuple[Profile, Queue, int], object]:
    """Add coverage on the free profiles' queues where free agents could work.

    The fixed agents of each free profile are a constant count; the other profiles keep
    their allocation (constants per queue). Each queue-interval's cost (shortfall and
    surplus as planner.roster.rules.add_coverage prices them) is one variable above the
    lines of its convex cost over the coverage it can reach. Returns the allocation
    (variables, or expressions of the shifts for one-queue profiles).
    """
    xs: dict[tuple[Profile, int], list] = defaultdict(list)
    reach: dict[tuple[Profile, int], int] = defaultdict(int)  # the most free agents working at once
    mine: dict[tuple[Profile, int], int] = defaultdict(int)  # the free agents' current count
    for aid in free:
        prof = rm.agents[aid].skill_profile
        days: dict[int, set] = defaultdict(set)  # an agent works one shift a day, so at most one per day covers t
        for i, c in enumerate(rm.candidates[aid]):
            for t in c.intervals:
                xs[prof, t].append(sub.x[aid, i])
                days[t].add(c.local_date)
        for t, ds in days.items():
            reach[prof, t] += len(ds)
        for i in week.chosen.get(aid, []):
            for t in rm.candidates[aid][i].intervals:
                mine[prof, t] += 1
    alloc: dict[tuple[Profile, Queue, int], object] = {}
    cover: dict[tuple[Queue, int], list] = defaultdict(list)
    base: dict[tuple[Queue, int], int] = {}
    top: dict[tuple[Queue, int], int] = defaultdict(int)  # the most agents the free profiles can add
    for (prof, t), v in sorted(xs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        fixed = week.working.get((prof, t), 0) - mine[prof, t]
        for q in prof:
            if (q, t) not in base:
                base[q, t] = week.covered.get((q, t), 0)
            base[q, t] -= week.counts.get((prof, q, t), 0)
            top[q, t] += fixed + reach[prof, t]
        if len(prof) == 1:
            alloc[prof, prof[0], t] = fixed + sum(v)
            cover[prof[0], t].append(alloc[prof, prof[0], t])
            continue
        parts = []
        for q in prof:
            a = sub.model.new_int_var(0, fixed + reach[prof, t], f"alloc[{t},{':'.join(q)}]")
            alloc[prof, q, t] = a
            cover[q, t].append(a)
            parts.append(a)
        sub.model.add(sum(parts) == fixed + sum(v))
    for q, t in sorted(cover):
        cov = base[q, t] + sum(cover[q, t])
        lo, hi = base[q, t], base[q, t] + top[q, t]
        need = rm.need.get((q, t), 0)
        lines = _convex_lines(lambda c: score.queue(q, t, c), lo, hi, range(need - 3, need + 1))
        if len(lines) == 1:
            a, b = lines[0]
            sub.penalties.append((b, cov))  # linear: no variable needed (the constant a is left out)
            continue
        # a convex cost is least at one of its kinks (or ends) and greatest at an end
        least = min(score.queue(q, t, c) for c in {lo, hi, *range(max(lo, need - 3), min(hi, need) + 1)})
        z = sub.model.new_int_var(least, max(score.queue(q, t, lo), score.queue(q, t, hi)),
                                  f"queue_cost[{':'.join(q)},{t}]")
        for a, b in lines:
            sub.model.add(z >= a + b * cov)
        sub.penalties.append((1, z))
    return alloc


def _add_duty_cover(sub: RosterModel, week: _Week, score: WeekScore, free: set[str]) -> None:
    """Add duty cover for entries a free agent could staff; the fixed agents' count is a constant."""
    for staff, under, over, pairs in score.duty:
        mine = [sub.x[aid, i] for aid, i in sorted(pairs) if aid in free]
        if not mine:
            continue
        fixed = sum(1 for aid, i in pairs if aid not in free and i in week.chosen.get(aid, ()))
        if under:
            u = sub.model.new_int_var(0, staff, "duty_under")
            sub.model.add(fixed + sum(mine) + u >= staff)
            sub.penalties.append((under, u))
        if over:
            o = sub.model.new_int_var(0, len(pairs), "duty_over")
            sub.model.add(fixed + sum(mine) - o <= staff)
            sub.penalties.append((over, o))


def _add_fair_shares(sub: RosterModel, rm: RosterModel, week: _Week, score: WeekScore, free: set[str]) -> None:
    """Add every fair-share group holding a free agent: the free agents' excess, the fixed ones' as a table."""
    unit = rm.cost(rm.config.rules.weights.fairness / TENTHS)
    for g in sorted({g for aid in free for g in score.group_of.get(aid, [])}):
        kind, aids = score.groups[g]
        whole = sum(score.share[aid] for aid in aids)
        own = {aid: sum(sub.x[aid, i] for i, c in enumerate(rm.candidates[aid]) if kind(c))
               for aid in aids if aid in free}
        most = {aid: sum(1 for c in rm.candidates[aid] if kind(c)) for aid in own}
        fixed = {aid: sum(1 for i in week.chosen.get(aid, ()) if kind(rm.candidates[aid][i]))
                 for aid in aids if aid not in free}
        base = sum(fixed.values())
        total = base + sum(own.values())
        for aid, n in own.items():
            e = sub.model.new_int_var(0, TENTHS * max(1, most[aid]), f"beyond_share[{g},{aid}]")
            sub.model.add(whole * e >= TENTHS * (whole * n - score.share[aid] * total))
            sub.penalties.append((unit, e))
        if fixed:
            span = sum(most.values())
            table = [sum(_excess(whole, score.share[aid], n, base + k) for aid, n in fixed.items())
                     for k in range(span + 1)]
            k = sub.model.new_int_var(0, span, f"free_count[{g}]")
            sub.model.add(k == sum(own.values()))
            others = sub.model.new_int_var(min(table), max(table), f"fixed_excess[{g}]")
            sub.model.add_element(k, table, others)
            sub.penalties.append((unit, others))


def _sub_solver(seed: int, dtime: float, deadline: float | None) -> cp_model.CpSolver:
    """Return a one-worker solver for a small model with a deterministic limit and a light presolve."""
    solver = new_solver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = seed
    p.max_deterministic_time = dtime
    p.max_time_in_seconds = 1e9 if deadline is None else max(0.05, deadline - _time.perf_counter())
    p.max_presolve_iterations = 1
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.linearization_level = 2  # the full LP relaxation: measured on 500-agent weeks, better rosters per dtime
    return solver


def _complete_hint(model: cp_model.CpModel, seed: int, deadline: float | None) -> float:
    """Extend the hint of the shifts to every variable by solving with the hinted ones fixed; return dtime spent."""
    solver = _sub_solver(seed, HINT_DTIME, deadline)
    solver.parameters.fix_variables_to_their_hinted_value = True
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = list(solver.response_proto.solution)
        model.clear_hints()
        for i, v in enumerate(values):
            model.add_hint(model.get_int_var_from_proto_index(i), v)
    return solver.deterministic_time


def _resolve(rm: RosterModel, week: _Week, score: WeekScore, free: dict[str, set[date] | None], seed: int,
             dtime: float, deadline: float | None) -> _Trial:
    """Re-solve the free agents (on their free days; None: the whole week) with everybody else fixed."""
    ids = sorted(free)
    sub = submodel(rm, ids)
    add_hard_rules(sub)
    for rule in AGENT_RULES:
        rule(sub)
    for aid in ids:
        picked = set(week.chosen.get(aid, ()))
        days = free[aid]
        for i, c in enumerate(rm.candidates[aid]):
            if days is not None and c.local_date not in days:
                sub.model.add(sub.x[aid, i] == int(i in picked))
            else:
                sub.model.add_hint(sub.x[aid, i], i in picked)
    alloc = _add_cover(sub, rm, week, score, ids)
    _add_duty_cover(sub, week, score, set(ids))
    _add_fair_shares(sub, rm, week, score, set(ids))
    for (prof, q, t), var in alloc.items():
        if len(prof) > 1:  # a one-queue profile's count is an expression of the shifts
            sub.model.add_hint(var, week.counts.get((prof, q, t), 0))
    sub.model.minimize(sum(c * e for c, e in sub.penalties if c))
    # complete the hint (the rules' auxiliary variables) with the current roster fixed: CP-SAT's own
    # completion of a partial hint often fails on these models within a re-solve's budget
    spent = _complete_hint(sub.model, seed, deadline)
    solver = _sub_solver(seed, dtime, deadline)
    status = solver.solve(sub.model)
    # building the model in Python costs wall time CP-SAT does not count: charge it by the model's size
    spent += solver.deterministic_time + BUILD_DTIME_PER_VAR * len(sub.model.proto.variables)
    if status == cp_model.MODEL_INVALID:  # a bug here, never the user's data
        raise PlannerError(f"roster search: invalid neighbourhood model ({sub.model.validate()})")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Trial(None, {}, spent, False)
    picks = {aid: [i for i in range(len(rm.candidates[aid])) if solver.boolean_value(sub.x[aid, i])] for aid in ids}
    counts = {key: int(solver.value(var)) for key, var in alloc.items()}
    return _Trial(picks, counts, spent, status == cp_model.OPTIMAL)


def _move(rm: RosterModel, week: _Week, picks: dict[str, list[int]], counts: Counts) -> None:
    """Give the agents in `picks` those shifts and set the allocation entries in `counts`."""
    for aid, new in picks.items():
        prof = rm.agents[aid].skill_profile
        for i in week.chosen.get(aid, []):
            for t in rm.candidates[aid][i].intervals:
                week.working[prof, t] -= 1
        for i in new:
            for t in rm.candidates[aid][i].intervals:
                week.working[prof, t] += 1
        week.chosen[aid] = new
    for (prof, q, t), n in counts.items():
        week.covered[q, t] = week.covered.get((q, t), 0) + n - week.counts.get((prof, q, t), 0)
        week.counts[prof, q, t] = n


def _apply(rm: RosterModel, week: _Week, score: WeekScore, trial: _Trial) -> int:
    """Apply a trial's move to `week` and return its change of the objective (solver units).

    Only terms the move can change are recomputed: the queues whose allocation it set,
    the free agents' own terms, duty cover and the fair-share groups of the free agents.
    """
    picks = trial.picks
    assert picks is not None
    queues = {(q, t) for (_p, q, t) in trial.counts}
    groups = sorted({g for aid in picks for g in score.group_of.get(aid, [])})

    def cost() -> int:
        return (sum(score.queue(q, t, week.covered.get((q, t), 0)) for q, t in queues)
                + sum(score.agent(aid, week.chosen.get(aid, [])) for aid in picks)
                + score.duty_cover(week.chosen) + sum(score.group(g, week.chosen) for g in groups))

    before = cost()
    _move(rm, week, picks, trial.counts)
    return cost() - before


# ----------------------------------------------------------------------------- neighbourhoods

class _Neighbourhoods:
    """Draws the agents (and days) to free, from the roster's hot spots."""

    def __init__(self, rm: RosterModel):
        self.rm = rm
        self.ids = sorted(rm.candidates)
        self.by_queue: dict[Queue, list[str]] = defaultdict(list)
        for aid in self.ids:
            for q in rm.agents[aid].skill_profile:
                self.by_queue[q].append(aid)
        self.reach = {aid: {t for c in rm.candidates[aid] for t in c.intervals} for aid in self.ids}
        self.profiles = sorted(rm.profiles)

    def draw(self, kind: str, size: float, rng: random.Random, week: _Week,
             score: WeekScore) -> tuple[str, dict[str, set[date] | None]]:
        """Return the kind drawn and the agents to free (with their free days; None: the whole week).

        About `size` agents are freed (twice as many for a window).

        skill: a random agent and others sharing one of its queues, whole weeks;
        shortfall: agents able to serve a queue-interval short of staff (drawn by its cost),
        half of them idle there now, whole weeks (a window when nothing is short);
        window: agents of one skill profile (drawn by its queues' shortfall) on two to three days.
        Queue-intervals with surplus are not sought out: on the 500-agent bench week most
        surplus cannot be removed, and drawing them made the search slower (median of three
        seeds 9,333 against 9,135 after 6.0 dtime).
        """
        rm, k = self.rm, max(1, round(size))
        if kind == "skill":
            first = rng.choice(self.ids)
            q = rng.choice(rm.agents[first].skill_profile)
            others = [a for a in self.by_queue[q] if a != first]
            return kind, {a: None for a in [first] + rng.sample(others, min(k - 1, len(others)))}
        short = self._shortfall(week, score)
        if kind == "shortfall" and short:
            (q, t) = _draw(rng, short)
            able = [a for a in self.by_queue[q] if t in self.reach[a]]
            idle = [a for a in able if not any(t in rm.candidates[a][i].intervals for i in week.chosen.get(a, ()))]
            picked = rng.sample(idle, min(len(idle), (k + 1) // 2))
            rest = [a for a in able if a not in picked]
            picked += rng.sample(rest, min(len(rest), k - len(picked)))
            return kind, {a: None for a in picked}
        # window: one profile (weighted by its queues' shortfall) on a few days; twice the agents
        weight: dict[Queue, float] = defaultdict(float)
        for (q, _t), cost in short.items():
            weight[q] += cost
        prof = self.profiles[_draw(rng, {j: sum(weight[q] for q in p) for j, p in enumerate(self.profiles)})]
        team = rm.profiles[prof]
        if len(team) < 2 * k:  # a small profile: its agents and others sharing its queues
            more = sorted({a for q in prof for a in self.by_queue[q]} - set(team))
            team = team + rng.sample(more, min(len(more), 2 * k - len(team)))
        agents = rng.sample(team, min(len(team), 2 * k))
        period = rm.period_dates()
        span = rng.choice((2, 3))
        first_day = period[0] + timedelta(days=rng.randrange(len(period) - span + 1))
        days = {first_day + timedelta(days=j) for j in range(span)}
        return "window", {a: {d for d in rm.dates[a] if d in days} for a in agents}

    def _shortfall(self, week: _Week, score: WeekScore) -> dict[tuple[Queue, int], int]:
        """Return the cost of each queue-interval short of staff."""
        out = {}
        for (q, t), need in self.rm.need.items():
            n = week.covered.get((q, t), 0)
            if n < need:
                out[q, t] = score.queue(q, t, n)
        return out


def _draw(rng: random.Random, weights: dict) -> object:
    """Draw one key with probability proportional to 1 + its weight (in sorted key order)."""
    keys = sorted(weights)
    return rng.choices(keys, weights=[1.0 + weights[key] for key in keys])[0]


# ----------------------------------------------------------------------------- the search

@dataclass(frozen=True)
class ImprovedWeek:
    """What `improve_week` found: the roster, its objective and allocation, and the search's effort."""

    chosen: dict[str, list[int]]
    objective: float  # objective points of the full model for this roster and allocation
    counts: Counts  # agents per (skill profile, queue, interval): the allocation priced
    dtime: float  # deterministic time spent: CP-SAT's, and BUILD_DTIME_PER_VAR per variable of each model built
    resolves: int
    moves: int  # improving moves accepted
    optimal: bool  # the whole week was re-solved to optimality (this roster is the model's optimum)
    cut: bool = False  # the wall-clock deadline ended the search before its budget was spent

    def __iter__(self) -> Iterator:
        """Unpack as (chosen, objective)."""
        return iter((self.chosen, self.objective))


def improve_week(rm: RosterModel, chosen: dict[str, list[int]], counts: Counts | None = None, *,
                 dtime_budget: float, seed: int = 0, deadline: float | None = None, stop: StopFlag | None = None,
                 report: Callable[[float, str], None] | None = None) -> ImprovedWeek:
    """Improve a feasible roster by re-solving neighbourhoods of a few agents; never return a worse one.

    rm: the week's model (its variables; the rules need not be added); chosen: candidate
    indices per agent satisfying the hard rules (planner.roster.greedy); counts: agents
    per (profile, queue, interval) as allocated (default: greedy by marginal gain).
    dtime_budget: CP-SAT deterministic time in all; deadline: perf_counter seconds, a
    safety net; stop: a planner.roster.interrupt.StopFlag; report(objective points, what
    found it) is called on each improvement. Unpacks as (chosen, objective).
    """
    counts = hint_allocation(rm, chosen) if counts is None else counts
    week = _Week.of(rm, chosen, counts)
    score = WeekScore(rm)
    objective = score.total(week.chosen, week.counts)
    rng = random.Random(seed)
    hoods = _Neighbourhoods(rm)
    size = dict.fromkeys(NEIGHBOURHOODS, FIRST_SIZE)
    spent, level, idle, resolves, moves, optimal = 0.0, 0, 0, 0, 0, False
    while spent < dtime_budget and not (stop is not None and stop.requested):
        if deadline is not None and _time.perf_counter() >= deadline:
            break
        kind = NEIGHBOURHOODS[rng.randrange(len(NEIGHBOURHOODS))]
        kind, free = hoods.draw(kind, size[kind], rng, week, score)
        sub_dtime = min(SUB_DTIME * 2 ** level, max(0.01, dtime_budget - spent))
        trial = _resolve(rm, week, score, free, rng.randrange(1 << 30), sub_dtime, deadline)
        spent += trial.dtime
        resolves += 1
        size[kind] = min(MAX_SIZE, size[kind] * GROWTH) if trial.complete else max(1.0, size[kind] / GROWTH)
        idle += 1
        if trial.picks is not None:
            old_picks = {aid: week.chosen.get(aid, []) for aid in trial.picks}
            old_counts = {key: week.counts.get(key, 0) for key in trial.counts}
            delta = _apply(rm, week, score, trial)
            if delta > 0 or (delta == 0 and all(old_picks[a] == p for a, p in trial.picks.items())):
                _move(rm, week, old_picks, old_counts)  # undo
            else:
                objective += delta
                if delta < 0:
                    idle, level, moves = 0, max(0, level - 1), moves + 1
                    if report is not None:
                        report(objective / COST_SCALE, f"LNS: {kind}, {len(free)} agents")
        if trial.complete and len(free) == len(rm.candidates) and all(d is None for d in free.values()):
            optimal = True  # the whole week was re-solved to optimality: nothing left to improve
            break
        if idle >= STALL:
            idle, level = 0, min(MAX_LEVEL, level + 1)
    final = {aid: list(p) for aid, p in week.chosen.items()}
    cut = spent < dtime_budget and not optimal and not (stop is not None and stop.requested)
    return ImprovedWeek(final, objective / COST_SCALE, {k: n for k, n in week.counts.items() if n},
                        spent, resolves, moves, optimal, cut)
