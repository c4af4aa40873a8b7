"""The first roster by best responses: its rounds follow planned work, never the machine's speed."""
from __future__ import annotations
from datetime import time

import pytest

from planner.config import DutyCoverConfig, ShiftTypeConfig
from planner.roster import greedy
from planner.roster.greedy import best_response_roster
from planner.roster.model import new_roster_model
from test_roster_helpers import make_agent, make_config, make_requirements

WEEK = "2026-W49"
TZ = "Europe/Berlin"


def _week():
    # three agents for two 09:00-17:00 seats a day: every agent's first pick depends on the others'
    agents = tuple(make_agent(a, min_hours=16, max_hours=24, days=3) for a in "abc")
    req = make_requirements(WEEK, TZ, lambda t, q: 2 if 9 <= t.tz_convert(TZ).hour < 17 else 0)
    return new_roster_model(req, agents, make_config(), WEEK, breaks="middle")


@pytest.fixture
def one_second_per_shift(monkeypatch):
    """Each answer plans 1 s per candidate shift of the agent and nothing else: a round plans N s."""
    monkeypatch.setattr(greedy, "RESPONSE_S", 1.0)
    monkeypatch.setattr(greedy, "BUILD_S", 0.0)


@pytest.mark.parametrize("budget, rounds", [(0.0, 1), (1.5, 1), (2.0, 2), (100.0, 2)])
def test_rounds_run_while_the_planned_work_fits_the_budget(one_second_per_shift, budget, rounds):
    # budget in rounds' worth of work: a second round runs when the first's work and one more fit;
    # the second round changes nothing, so there is no third however large the budget
    rm = _week()
    n = sum(len(c) for c in rm.candidates.values())
    chosen, stuck, run, _ = best_response_roster(rm, time_budget_s=budget * n)
    assert not stuck
    assert run == rounds
    # round 0 always completes: every agent has a week within its contract, whatever the budget
    for aid in "abc":
        assert len({rm.candidates[aid][i].local_date for i in chosen[aid]}) == 3


def test_a_slower_machine_plans_the_same_rounds(one_second_per_shift, monkeypatch):
    # the wall clock read by the best responses advances a whole budget per reading (once at the start,
    # once per round): a round "takes" twice its planned work, yet below the safety net (3 x the budget)
    # the rounds and the roster are the same
    rm = _week()
    budget = 2.0 * sum(len(c) for c in rm.candidates.values())
    base = best_response_roster(rm, time_budget_s=budget)
    readings = iter(range(10_000))
    monkeypatch.setattr(greedy, "_time", type("Clock", (), {"perf_counter": staticmethod(lambda: budget * next(readings))}))
    again = best_response_roster(_week(), time_budget_s=budget)
    assert again[2] == base[2] == 2
    assert again[0] == base[0]


def test_best_responses_staff_the_duty_cover_against_the_others():
    # no interval demand; one person wanted on the late shift every day (100 short, 5 per person over);
    # two agents of at most four 8 h shifts: the second fills the three days the first leaves, no more
    late = ShiftTypeConfig("late", time(14), time(15))
    cfg = make_config(shift_types=(late,), duty_cover=(DutyCoverConfig("late", staff=1, weight_under=100,
                                                                       weight_over=5),))
    agents = tuple(make_agent(a, max_hours=32, start=time(6), end=time(22)) for a in "ab")
    req = make_requirements(WEEK, TZ, lambda t, q: 0)
    rm = new_roster_model(req, agents, cfg, WEEK, breaks="middle")
    chosen, stuck, _, _ = best_response_roster(rm, time_budget_s=10.0)
    assert not stuck
    per_day: dict = {}
    for aid, picks in chosen.items():
        for i in picks:
            c = rm.candidates[aid][i]
            assert rm.kind(aid, i) == "late"
            per_day[c.local_date] = per_day.get(c.local_date, 0) + 1
    assert len(per_day) == 7 and set(per_day.values()) == {1}
    assert sorted(len(p) for p in chosen.values()) == [3, 4]
