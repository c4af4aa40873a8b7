"""A fast roster by best responses, agent by agent: the solver's hint and a per-agent feasibility check.

Round 0 gives each agent in turn the week that satisfies all of its hard rules and
serves the most of the demand still uncovered, net of what the agents still to come can
be expected to cover (so the hours only it can work come first); later rounds take each
agent out again and give it its best week against everybody else's (a
large-neighbourhood search whose neighbourhoods are single agents). Each agent's week is solved exactly as a tiny CP-SAT
model holding only that agent, with the marginal value of every interval it could
work: the next unit of shortfall it removes (convex: the k-th agent short costs k x
weight x channel priority) or the surplus it adds, plus the duty cover (rules.duty_cover)
each of its shifts fills or overfills against the other agents', and its own soft wishes.
Hard rules concern one agent at a time, so an agent whose tiny model is infeasible
makes the whole roster infeasible, and no other agent does.
"""
from __future__ import annotations

import time as _time
from collections import defaultdict

from ortools.sat.python import cp_model

from planner.roster.interrupt import new_solver
from planner.roster.model import RosterModel, submodel

MAX_ROUNDS = 8  # rounds of best responses at most (fewer when they stop improving or time runs out)
# The budget counts planned seconds, not measured ones, so the rounds run (and the roster) do not
# depend on the machine's load. Calibrated on 2 shared cores (200 demo agents, 2026-12-02: about
# 70 us per candidate shift and response, pricing and tiny solve together):
RESPONSE_S = 8e-5  # per candidate shift of the agent, each time it answers
BUILD_S = 3e-5  # per candidate shift, once, when the agent's tiny model is built
# Round 0 places agents one by one; each prices an interval's shortfall net of the supply expected from
# the agents still to come (EXPECT x their contract hours spread over the intervals they could work),
# blended with the plain shortfall (weight SURE), so it takes the hours only it can cover first. On the
# demo-like bench teams (2026-12-02) this cut round 0's objective 7,776 -> 3,669 (50 agents) and
# 17,019 -> 4,401 (200); EXPECT 0.5, 1 and 2 were tried, 2 was best at both sizes.
EXPECT = 2.0
SURE = 0.1
MAX_PIECE = 4  # the shortfall cost grows with its size up to this many agents short, then linearly


class _Coverage:
    """Agents counted per (queue, interval) and the marginal objective of one more or one less."""

    def __init__(self, rm: RosterModel):
        w = rm.config.rules.weights
        self.need = rm.need
        self.count: dict = defaultdict(int)
        self.unit = {q: rm.cost(w.shortfall * (rm.config.channels[q[0]].priority
                                               if q[0] in rm.config.channels else 1.0))
                     for q, _ in rm.need}
        self.surplus = rm.cost(w.surplus)
        self.expected: dict = defaultdict(float)  # round 0: supply expected from the agents not yet placed

    def expect(self, rm: RosterModel, aid: str, sign: float) -> None:
        """Add (sign 1) or remove (-1) an unplaced agent's expected supply: its hours spread over its intervals."""
        cands = rm.candidates[aid]
        span = {t for c in cands for t in c.intervals}
        if not span:
            return
        contract = rm.contracts[aid]
        per_minute = sum(len(c.intervals) for c in cands) / max(1, sum(c.paid_minutes for c in cands))
        intervals = (contract.min_minutes + contract.max_minutes) / 2 * per_minute  # it is expected to work
        skills = rm.agents[aid].skill_profile
        share = sign * EXPECT * min(1.0, intervals / len(span)) / len(skills)
        for t in span:
            for q in skills:
                self.expected[q, t] += share

    def gain(self, q, t) -> int:
        """Return the objective saved by one more agent on queue q in interval t (negative: surplus)."""
        short = self.need.get((q, t), 0) - self.count[q, t]
        if short <= 0:
            return -self.surplus
        left = max(0.0, short - self.expected[q, t])  # what the agents still to place are unlikely to cover
        # a blend, so that with nothing expected (every round after round 0) it is the exact marginal
        return int(self.unit[q] * ((1 - SURE) * min(left, MAX_PIECE) + SURE * min(short, MAX_PIECE)))

    def best_queue(self, skills, t):
        return max(skills, key=lambda q: (self.gain(q, t), q))


class _Duty:
    """People counted per duty cover entry, and what one more person on an entry saves (negative: over)."""

    def __init__(self, rm: RosterModel):
        from planner.roster.rules import duty_cover_entries

        self.entries = duty_cover_entries(rm)
        self.count = [0] * len(self.entries)
        self.of: dict[tuple[str, int], list[int]] = defaultdict(list)  # (agent, candidate) -> entries it counts in
        for k, (_staff, _under, _over, pairs) in enumerate(self.entries):
            for pair in pairs:
                self.of[pair].append(k)

    def gain(self, aid: str, i: int) -> int:
        """Return the duty cover objective saved by the agent working candidate i (exact: one shift a day)."""
        out = 0
        for k in self.of.get((aid, i), ()):
            staff, under, over, _pairs = self.entries[k]
            out += under if self.count[k] < staff else -over
        return out

    def add(self, aid: str, picks: list[int], sign: int) -> None:
        for i in picks:
            for k in self.of.get((aid, i), ()):
                self.count[k] += sign


def best_response_roster(rm: RosterModel, seed: int = 0, time_budget_s: float = 5.0, stop=None,
                         ) -> tuple[dict[str, list[int]], list[str], int, dict[tuple, int]]:
    """Return (chosen candidates per agent, agents whose hard rules admit no week, rounds run, allocation).

    The allocation counts agents per (skill profile, queue, interval), as the rounds left them.

    Round 0 always completes; a further round runs while the last one changed something,
    up to MAX_ROUNDS, when the planned work so far plus the last round's fits in
    `time_budget_s`, and unless `stop` (a planner.roster.interrupt.StopFlag) says the user
    pressed Ctrl-C. Work is planned, not timed (RESPONSE_S and BUILD_S per candidate
    shift), so the roster does not depend on the machine's load; the wall clock (three
    times the budget) only stops a crawling machine.
    """
    # fair shares compare agents with each other: one agent's best response uses their one-agent proxies
    from planner.roster.fairness import penalise_full_weekend, penalise_late_beyond_allowance
    from planner.roster.rules import (add_hard_rules, penalise_preferred_start, penalise_split_days_off,
                                      penalise_unmet_wishes)

    started = _time.perf_counter()
    cov = _Coverage(rm)
    duty = _Duty(rm)
    chosen: dict[str, list[int]] = {}
    served: dict[str, list[tuple]] = {}
    infeasible: list[str] = []
    subs: dict[str, tuple] = {}
    # scarce agents first: fewer candidate shifts means fewer ways to place them
    order = sorted(rm.candidates, key=lambda a: (len(rm.candidates[a]), a))
    rounds = 0
    planned = 0.0  # seconds of work done, as planned (RESPONSE_S, BUILD_S)
    if EXPECT > 0:  # round 0 starts expecting every agent's supply, and takes each out as it is placed
        for aid in order:
            cov.expect(rm, aid, 1.0)
    while True:
        changed = 0
        round_start = planned
        for aid in order:
            if aid in infeasible:
                continue
            if rounds == 0 and EXPECT > 0:
                cov.expect(rm, aid, -1.0)
            skills = rm.agents[aid].skill_profile
            cands = rm.candidates[aid]
            for q, t in served.get(aid, []):
                cov.count[q, t] -= 1
            duty.add(aid, chosen.get(aid, []), -1)
            if aid not in subs:
                sub = submodel(rm, [aid])
                add_hard_rules(sub)
                for rule in (penalise_split_days_off, penalise_preferred_start, penalise_unmet_wishes,
                             penalise_full_weekend, penalise_late_beyond_allowance):
                    rule(sub)
                subs[aid] = (sub, sum(c * e for c, e in sub.penalties if c))
                planned += BUILD_S * len(cands)
            sub, wishes = subs[aid]
            # the gain of one more hour at t is the same for every candidate working t: price each t once
            gain = {t: max(cov.gain(q, t) for q in skills) for t in {t for c in cands for t in c.intervals}}
            value = [sum(gain[t] for t in c.intervals) + duty.gain(aid, i) for i, c in enumerate(cands)]
            sub.model.clear_hints()
            for i in range(len(cands)):
                sub.model.add_hint(sub.x[aid, i], i in chosen.get(aid, ()))
            sub.model.maximize(sum(v * sub.x[aid, i] for i, v in enumerate(value) if v) - wishes)
            solver = new_solver()
            solver.parameters.max_time_in_seconds = 10.0  # safety net only; the deterministic limit binds
            solver.parameters.max_deterministic_time = 0.5
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = seed
            # a tiny model: presolve and probing cost more than they save (2.5x faster at 200 agents, all optimal)
            solver.parameters.cp_model_presolve = False
            solver.parameters.cp_model_probing_level = 0
            status = solver.solve(sub.model)
            planned += RESPONSE_S * len(cands)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                if status == cp_model.INFEASIBLE:
                    infeasible.append(aid)
                chosen[aid], served[aid] = [], []
                continue
            picks = [i for i in range(len(cands)) if solver.boolean_value(sub.x[aid, i])]
            if picks != chosen.get(aid):
                changed += 1
            chosen[aid] = picks
            duty.add(aid, picks, 1)
            served[aid] = []
            for i in picks:
                for t in cands[i].intervals:
                    q = cov.best_queue(skills, t)
                    cov.count[q, t] += 1
                    served[aid].append((q, t))
        rounds += 1
        last_round = planned - round_start
        if (infeasible or not changed or rounds >= MAX_ROUNDS or planned + last_round > time_budget_s
                or _time.perf_counter() - started > 3 * time_budget_s or (stop is not None and stop.requested)):
            break
    counts: dict[tuple, int] = defaultdict(int)
    for aid, pairs in served.items():
        for q, t in pairs:
            counts[rm.agents[aid].skill_profile, q, t] += 1
    return chosen, sorted(infeasible), rounds, counts


def planned_seconds(rm: RosterModel, rounds: int) -> float:
    """Return the planned work of `rounds` rounds of best responses (as best_response_roster counts it)."""
    return sum(len(cands) for cands in rm.candidates.values()) * (BUILD_S + rounds * RESPONSE_S)


def hint_allocation(rm: RosterModel, chosen: dict[str, list[int]]) -> dict[tuple, int]:
    """Return allocation counts per (profile, queue, interval) for the chosen shifts, greedily by marginal gain."""
    cov = _Coverage(rm)
    counts: dict[tuple, int] = defaultdict(int)
    for aid in sorted(chosen):
        prof = rm.agents[aid].skill_profile
        for i in chosen[aid]:
            for t in rm.candidates[aid][i].intervals:
                q = cov.best_queue(prof, t)
                cov.count[q, t] += 1
                counts[prof, q, t] += 1
    return counts
