"""Fair shares of weekends and late shifts, relative to comparable agents (hand-computed penalties)."""
from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from ortools.sat.python import cp_model

from planner.config import RosterWeights
from planner.roster import build_roster, check_roster
from planner.roster.fairness import comparable_groups, is_late, is_weekend, penalise_unfair_late_shifts, \
    penalise_unfair_weekends
from planner.roster.model import COST_SCALE, new_roster_model
from test_roster_helpers import local_hours, make_agent, make_config, make_requirements

WEEK = "2026-W49"  # Mon 2026-11-30 .. Sun 2026-12-06
BERLIN = "Europe/Berlin"
SAT, SUN = 5, 6


def fairness_cost(agents, config, rule, worked: dict[str, list[int]]) -> float:
    """Return the cost in objective points of `rule` when each agent works the given weekdays at 09:00."""
    req = make_requirements(WEEK, BERLIN, lambda t, q: 0)
    rm = new_roster_model(req, tuple(agents), config, WEEK, breaks="middle")
    rule(rm)
    for aid, cands in rm.candidates.items():
        for i, c in enumerate(cands):
            on = c.local_date.weekday() in worked.get(aid, []) and c.start_local_min == 9 * 60
            rm.model.add(rm.x[aid, i] == int(on))
    rm.model.minimize(sum(coef * expr for coef, expr in rm.penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(rm.model) == cp_model.OPTIMAL
    return solver.objective_value / COST_SCALE


@pytest.fixture
def config():
    return make_config(weights=RosterWeights(stable_start=0.0, fairness=2.0))


def test_even_weekends_cost_nothing_and_both_days_to_one_agent_costs_one_shift(config):
    a, b = make_agent("a", min_hours=40, max_hours=40), make_agent("b", min_hours=40, max_hours=40)
    # two weekend shifts, equal contracts: each agent's share is 1
    assert fairness_cost([a, b], config, penalise_unfair_weekends, {"a": [SAT], "b": [SUN]}) == 0
    # a works both: one shift beyond its share (2 x 1/2 = 1), costs weights.fairness x 1
    assert fairness_cost([a, b], config, penalise_unfair_weekends, {"a": [SAT, SUN]}) == pytest.approx(2.0)
    # weekday work is not weekend work
    assert fairness_cost([a, b], config, penalise_unfair_weekends, {"a": [0, 1, 2]}) == 0


def test_shares_follow_contract_hours(config):
    full, part = make_agent("f", min_hours=30, max_hours=30), make_agent("p", min_hours=10, max_hours=10)
    # two weekend shifts shared 30:10 by contract hours: shares 1.5 and 0.5;
    # the part-timer working both is 1.5 beyond its share: 15 tenths x 2.0 / 10 = 3.0
    assert fairness_cost([full, part], config, penalise_unfair_weekends, {"p": [SAT, SUN]}) == pytest.approx(3.0)
    # the full-timer working both is 0.5 beyond: 1.0
    assert fairness_cost([full, part], config, penalise_unfair_weekends, {"f": [SAT, SUN]}) == pytest.approx(1.0)


def test_groups_are_teams_and_need_the_option(config):
    a = replace(make_agent("a"), team="EMEA")
    b = replace(make_agent("b"), team="EMEA")
    c = replace(make_agent("c"), team="Americas")
    weekdays_only = replace(make_agent("d", days_off=(SAT, SUN)), team="EMEA")
    req = make_requirements(WEEK, BERLIN, lambda t, q: 0)
    rm = new_roster_model(req, (a, b, c, weekdays_only), config, WEEK, breaks="middle")
    # d cannot work weekends, c has nobody to compare with
    assert comparable_groups(rm, is_weekend, lambda aid: rm.agents[aid].team) == [["a", "b"]]
    # nobody's 09-17 window allows a shift ending after 20:00
    assert comparable_groups(rm, is_late, lambda aid: rm.agents[aid].team) == []


def test_night_specialists_are_compared_with_each_other_only(config):
    late = dict(start=time(12), end=time(23, 59, 59, 999999))
    a, b = make_agent("a", **late), make_agent("b", **late)
    n1, n2 = make_agent("n1", night_ok=True, **late), make_agent("n2", night_ok=True, **late)
    req = make_requirements(WEEK, BERLIN, lambda t, q: 0)
    rm = new_roster_model(req, (a, b, n1, n2), config, WEEK, breaks="middle")
    groups = comparable_groups(rm, is_late, lambda aid: (rm.agents[aid].team, rm.agents[aid].night_ok))
    assert groups == [["a", "b"], ["n1", "n2"]]


def test_solver_spreads_the_weekend(config):
    # one agent needed 09-17 every day; a works 4 days, b 3 (equal hour contracts): every roster
    # has two weekend shifts, and only one each is free of the fairness penalty
    cfg = replace(config, rules=replace(config.rules, days_off_together=False))
    agents = (make_agent("a", days=4, max_hours=32, min_hours=24), make_agent("b", days=3, max_hours=32, min_hours=24))
    req = make_requirements(WEEK, BERLIN, local_hours(BERLIN, 9, 17))
    roster = build_roster(req, agents, cfg, WEEK)
    assert check_roster(roster, agents, cfg, requirements=req).empty
    assert len(roster.shifts) == 7
    for aid in ("a", "b"):
        own = roster.shifts[roster.shifts.agent_id == aid]
        assert sum(d.weekday() >= 5 for d in own.local_date) == 1, aid


def test_rules_module_uses_the_relative_shares():
    from planner.roster import rules
    assert rules.penalise_unfair_weekends is penalise_unfair_weekends
    assert rules.penalise_unfair_late_shifts is penalise_unfair_late_shifts


def test_the_break_stage_keeps_the_weeks_fair_share_groups(config):
    # a works both weekend days, b works Monday. The week's groups hold a and b (both could work weekends):
    # a is 1 shift beyond its share, 2.0. A model of only the chosen shifts has no weekend shift for b, so on
    # its own candidates a would be alone and cost nothing; judged on the week's candidates it costs 2.0 too
    from planner.roster.bound import roster_terms

    a, b = make_agent("a", min_hours=8, max_hours=16), make_agent("b", min_hours=8, max_hours=16)  # equal shares
    req = make_requirements(WEEK, BERLIN, lambda t, q: 0)
    week = new_roster_model(req, (a, b), config, WEEK, breaks="middle")
    worked = {"a": [SAT, SUN], "b": [0]}
    keep = {aid: {(c.local_date, c.start_m, c.paid_minutes) for c in cands
                  if c.local_date.weekday() in worked[aid] and c.start_local_min == 9 * 60}
            for aid, cands in week.candidates.items()}
    chosen_of = lambda rm: {aid: [i for i, c in enumerate(cands) if (c.local_date, c.start_m, c.paid_minutes)
                                  in keep[aid]] for aid, cands in rm.candidates.items()}
    assert roster_terms(week, chosen_of(week), {})["unfair_weekends"] == pytest.approx(2.0)
    kept = new_roster_model(req, (a, b), config, WEEK, breaks="all", keep=keep)
    assert comparable_groups(kept, is_weekend, lambda aid: "") == []  # on its own candidates: a alone
    kept.peers_from = week.candidates
    assert comparable_groups(kept, is_weekend, lambda aid: "") == [["a", "b"]]
    assert roster_terms(kept, chosen_of(kept), {})["unfair_weekends"] == pytest.approx(2.0)
