"""Fair shares of unpopular work: weekends and late shifts spread across comparable agents.

A share is relative, not a fixed allowance: within a group of comparable agents (same
team; for late shifts also the same night_ok flag, so night specialists are compared
with each other), each agent's fair share of the group's weekend days (late shifts) is
the group's total times the agent's part of the group's contract hours. Working beyond
that share costs weights.fairness per shift, counted in tenths of a shift, so a team that
must staff every Sunday pays nothing as long as the Sundays are spread evenly, and a
part-timer's share is smaller than a full-timer's. Only agents who can work such a shift
in the planning period (they have a candidate for it) are in the group. Over a period
of several weeks the shares are of the whole period's weekend days and late shifts.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from collections.abc import Callable, Hashable

from ortools.sat.python import cp_model

from planner.roster.model import RosterModel
from planner.roster.shifts import CandidateShift

LATE_END_MIN = 20 * 60  # a late shift ends after 20:00 local (or past midnight)
TENTHS = 10  # excess over the fair share is counted in tenths of a shift


def is_weekend(c: CandidateShift) -> bool:
    """A weekend shift starts on a local Saturday or Sunday."""
    return c.local_date.weekday() >= 5


def is_late(c: CandidateShift) -> bool:
    """A late shift ends after 20:00 local, or past midnight."""
    return c.start_local_min + c.paid_minutes > LATE_END_MIN


def share_weight(rm: RosterModel, agent_id: str) -> int:
    """Return the agent's weight in the share: the period's contract hours after leave (whole hours, at least 1)."""
    c = rm.contracts[agent_id]
    return max(1, int(round((c.min_minutes + c.max_minutes) / 2 / 60)))


def comparable_groups(rm: RosterModel, kind: Callable[[CandidateShift], bool],
                      key: Callable[[str], Hashable]) -> list[list[str]]:
    """Return groups (by `key`) of two or more agents who have a candidate shift of `kind` this week.

    Candidates of the whole week (rm.peers_from) decide, so that a model holding only the
    chosen shifts (the break stage) has the same groups and shares as the week's model.
    """
    groups: dict[Hashable, list[str]] = defaultdict(list)
    source = rm.peer_candidates()
    for aid in sorted(rm.candidates):
        if any(kind(c) for c in source.get(aid, ())):
            groups[key(aid)].append(aid)
    return [g for _, g in sorted(groups.items(), key=lambda kv: str(kv[0])) if len(g) > 1]


def penalise_beyond_share(rm: RosterModel, kind: Callable[[CandidateShift], bool],
                          key: Callable[[str], Hashable], label: str) -> None:
    """Each shift of `kind` an agent works beyond its fair share of its group's total costs weights.fairness."""
    weight = rm.config.rules.weights.fairness
    if weight <= 0:
        return
    for n, group in enumerate(comparable_groups(rm, kind, key)):
        shifts = {aid: [rm.x[aid, i] for i, c in enumerate(rm.candidates[aid]) if kind(c)] for aid in group}
        counts = {aid: cp_model.LinearExpr.sum(xs) for aid, xs in shifts.items()}
        # the group's total once, as a variable: written out in every member's row it made the model
        # quadratic in the team's size (1000 agents: millions of terms, seconds of building and presolve)
        total = rm.model.new_int_var(0, sum(map(len, shifts.values())), f"share_total[{label},{n}]")
        rm.model.add(total == cp_model.LinearExpr.sum([x for xs in shifts.values() for x in xs]))
        weights = {aid: share_weight(rm, aid) for aid in group}
        whole = sum(weights.values())
        most = max(len(xs) for xs in shifts.values())
        for aid in group:
            # excess (tenths of a shift) >= TENTHS x (count - total x weight / whole)
            excess = rm.model.new_int_var(0, TENTHS * most, f"beyond_share[{label},{aid}]")
            rm.model.add(whole * excess >= TENTHS * (whole * counts[aid] - weights[aid] * total))
            rm.penalties.append((rm.cost(weight / TENTHS), excess))


def penalise_unfair_weekends(rm: RosterModel) -> None:
    """Share weekend work: each weekend shift beyond an agent's fair share within its team costs weights.fairness."""
    penalise_beyond_share(rm, is_weekend, lambda aid: rm.agents[aid].team, "weekend")


def penalise_unfair_late_shifts(rm: RosterModel) -> None:
    """Share late shifts: each beyond an agent's fair share among its team's peers (same night_ok) costs weights.fairness."""
    penalise_beyond_share(rm, is_late, lambda aid: (rm.agents[aid].team, rm.agents[aid].night_ok), "late")


LATE_ALLOWANCE = 2  # late shifts a week an agent may work in the one-agent proxy below (x weeks per period)


def penalise_full_weekend(rm: RosterModel) -> None:
    """One-agent proxy of the weekend share: working both Saturday and Sunday costs weights.fairness.

    For the best responses of the first roster (planner.roster.greedy), where an agent is
    placed alone and a share relative to its peers cannot be stated; a fair first
    roster lets the search start where the relative shares cost little.
    """
    weight = rm.config.rules.weights.fairness
    if weight <= 0:
        return
    for aid, dates in rm.dates.items():
        for d in (d for d in dates if d.weekday() == 5 and (aid, d) in rm.by_day):
            sun = d + timedelta(days=1)
            if (aid, sun) in rm.by_day:
                z = rm.model.new_bool_var(f"full_weekend[{aid},{d}]")
                rm.model.add(rm.work(aid, d) + rm.work(aid, sun) - 1 <= z)
                rm.penalties.append((rm.cost(weight), z))


def penalise_late_beyond_allowance(rm: RosterModel) -> None:
    """One-agent proxy of the late-shift share: each late shift beyond LATE_ALLOWANCE a week costs weights.fairness."""
    weight = rm.config.rules.weights.fairness
    if weight <= 0:
        return
    for aid, cands in rm.candidates.items():
        if rm.agents[aid].night_ok:
            continue  # night specialists share among themselves
        late = [i for i, c in enumerate(cands) if is_late(c)]
        allowance = LATE_ALLOWANCE * rm.weeks
        if len({cands[i].local_date for i in late}) <= allowance:
            continue
        z = rm.model.new_int_var(0, 7 * rm.weeks, f"late_beyond_allowance[{aid}]")
        rm.model.add(sum(rm.x[aid, i] for i in late) - allowance <= z)
        rm.penalties.append((rm.cost(weight), z))
