"""Lower bounds on the roster objective: never above the optimum, found by brute force on tiny weeks."""
from __future__ import annotations

import itertools
import math
from datetime import date, time

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from planner.roster import bound as B
from planner.roster import build_roster
from planner.roster.model import COST_SCALE, RosterModel, new_roster_model
from planner.roster.rules import add_hard_rules, add_soft_rules
from planner.roster.shifts import CandidateShift, WeekContract
from test_roster_covering import NEED as CYCLIC_NEED
from test_roster_helpers import EN, make_agent, make_config, make_requirements

WEEK = "2026-W49"  # Mon 2026-11-30 .. Sun 2026-12-06
BERLIN = "Europe/Berlin"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)
SHORT = 100.0 * 3.0  # objective points per agent-hour short on phone (weight 100 x phone's priority 3)
SURPLUS = 2.0
LONE_DAY_OFF = 5.0


def need_on(hours: dict[tuple[date, int], int]):
    """Return need(t, q): staff per (Berlin local date, local hour), else 0."""
    def need(t, q):
        local = t.tz_convert(BERLIN)
        return hours.get((local.date(), local.hour), 0)
    return need


def model(agents, cfg, hours, breaks="middle"):
    """Return the week's model with every rule, as build_roster's first stage builds it."""
    req = make_requirements(WEEK, BERLIN, need_on(hours))
    rm = new_roster_model(req, tuple(agents), cfg, WEEK, breaks=breaks)
    add_hard_rules(rm)
    add_soft_rules(rm)
    return rm


def brute_force(rm: RosterModel, hours: dict[tuple[date, int], int], preferred_cost=lambda aid, c: 0.0) -> float:
    """Return the cheapest roster's objective by trying every shift (with every break) for every agent.

    Independent of the solver and of planner.roster.bound: one queue, contracts of whole
    days and hours checked by hand, shortfall k-th agent costs k x SHORT, surplus SURPLUS,
    a lone day off between two days that have shifts LONE_DAY_OFF. Only for weeks where
    rest and the other rules cannot bind (one shift a day, apart) and no weekend or late work.
    """
    grid = rm.grid
    need = {t: hours.get((ts.tz_convert(BERLIN).date(), ts.tz_convert(BERLIN).hour), 0) for t, ts in enumerate(grid)}
    weeks = {}
    for aid, cands in rm.candidates.items():
        by_day: dict[date, list] = {}
        for c in cands:
            by_day.setdefault(c.local_date, []).append(c)
        days = sorted(by_day)
        contract = rm.contracts[aid]
        options = []
        for pick in itertools.product(*[[None] + by_day[d] for d in days]):
            worked = [c for c in pick if c is not None]
            minutes = sum(c.paid_minutes for c in worked)
            if contract.days is not None and len(worked) != contract.days:
                continue
            if not contract.min_minutes <= minutes <= contract.max_minutes:
                continue
            on = {c.local_date for c in worked}
            lone = sum(1 for d0, d1, d2 in zip(rm.dates[aid], rm.dates[aid][1:], rm.dates[aid][2:])
                       if d0 in by_day and d2 in by_day and d0 in on and d1 not in on and d2 in on)
            options.append((worked, LONE_DAY_OFF * lone))
        weeks[aid] = options
    best = math.inf
    for roster in itertools.product(*weeks.values()):
        cover: dict[int, int] = {}
        cost = 0.0
        for aid, (week, lone) in zip(weeks, roster):
            cost += lone
            for c in week:
                cost += preferred_cost(aid, c)
                for t in c.intervals:
                    cover[t] = cover.get(t, 0) + 1
        for t, n in need.items():
            short = max(0, n - cover.get(t, 0))
            cost += SHORT * sum(min(k, 4) for k in range(1, short + 1)) + SURPLUS * max(0, cover.get(t, 0) - n)
        best = min(best, cost)
    return best


# a day where breaks must not sit at mid-shift: two agents, 9-15 Berlin, 6 h shifts with a 1 h break at
# 11:00 ("middle", the first stage) or 12:00; nobody is needed 12-13 and three are needed 13-14
BREAK_CFG = dict(shift_hours=(6.0,), break_minutes=60, break_min_shift_hours=6.0)
BREAK_DAY = {**{(MONDAY, h): 2 for h in (9, 10, 11, 14)}, (MONDAY, 13): 3}
NOT_MONDAY = tuple(range(1, 7))


def break_team():
    return [make_agent(a, start=time(9), end=time(15), days_off=NOT_MONDAY) for a in ("a", "b")]


def test_bound_stays_below_the_optimum_when_breaks_must_leave_the_middle():
    cfg = make_config(**BREAK_CFG)
    optimum = brute_force(model(break_team(), cfg, BREAK_DAY, breaks="all"), BREAK_DAY)
    # both breaks at 12:00: only 13-14 is one short; with mid-shift breaks 11-12 is two short too
    assert optimum == SHORT
    middle_only = brute_force(model(break_team(), cfg, BREAK_DAY, breaks="middle"), BREAK_DAY)
    assert middle_only == SHORT + 3 * SHORT + 2 * SURPLUS  # the first stage's optimum: no bound for the week
    rm = model(break_team(), cfg, BREAK_DAY)
    lagrange = B.lagrangian_bound(rm, 2.0)
    assert lagrange.value <= optimum
    assert lagrange.value == optimum  # here the relaxation is tight
    lp = B.lp_bound(rm, 10.0)
    assert lp.status == "OPTIMAL" and lp.value <= optimum


def test_build_roster_reports_a_bound_valid_for_every_break_position():
    # the first stage proves its own optimum (mid-shift breaks) above the week's optimum: that bound must not be used
    cfg = make_config(**BREAK_CFG)
    lines: list[str] = []
    r = build_roster(make_requirements(WEEK, BERLIN, need_on(BREAK_DAY)), tuple(break_team()), cfg, WEEK,
                     progress=lines.append)
    assert r.objective == SHORT  # the break stage moved both breaks to 12:00
    assert r.bound == SHORT == r.settings["bound_relaxation"]  # proven optimal, though CP-SAT never knew
    assert r.settings["bound_method"] in ("lp", "lagrangian")  # not CP-SAT's: its first stage is a restriction
    assert any(line.startswith("roster bound: 300.0 (") and "every break position" in line for line in lines)
    assert r.gap == 0


# three days, two days' work of 14-16 hours each, 6 or 8 h shifts starting 8-10, one break position
CONTRACT_CFG = dict(shift_hours=(6.0, 8.0), break_minutes=0)
CONTRACT_DAYS = {**{(MONDAY, h): 2 for h in range(8, 18)}, **{(TUESDAY, h): 1 for h in range(9, 15)},
                 **{(WEDNESDAY, h): 1 for h in range(12, 18)}}


def contract_team():
    off = tuple(range(3, 7))
    return [make_agent("a", start=time(8), end=time(18), days=2, min_hours=14, max_hours=16, days_off=off,
                       preferred_start=time(8)),
            make_agent("b", start=time(8), end=time(18), days=2, min_hours=12, max_hours=14, days_off=off)]


def test_bound_against_brute_force_with_contracts_and_preferred_start():
    cfg = make_config(**CONTRACT_CFG)
    rm = model(contract_team(), cfg, CONTRACT_DAYS)
    pref = lambda aid, c: 1.0 * abs(c.start_local_min - 8 * 60) / 60 if aid == "a" else 0.0
    optimum = brute_force(rm, CONTRACT_DAYS, pref)
    lagrange = B.lagrangian_bound(rm, 2.0)
    lp = B.lp_bound(rm, 10.0)
    assert lagrange.value <= optimum and lp.value <= optimum
    assert lagrange.value >= 0.9 * optimum  # and it is not a trivial bound
    solved = build_roster(make_requirements(WEEK, BERLIN, need_on(CONTRACT_DAYS)), tuple(contract_team()), cfg, WEEK)
    assert solved.status == "OPTIMAL" and solved.objective == pytest.approx(optimum)


def test_lp_bound_is_the_optimum_when_the_lp_is_integral():
    # one queue, one day, identical agents, 8 h shifts without break starting on any hour: the coverage
    # matrix has consecutive ones in every row (an interval matrix), so it is totally unimodular and the
    # LP optimum is integral: the LP bound must equal the optimum exactly
    cfg = make_config()
    hours = {(MONDAY, h): n for h, n in zip(range(6, 22), [1, 1, 2, 3, 3, 2, 2, 2, 3, 3, 2, 1, 1, 1, 1, 1])}
    team = [make_agent(f"a{i}", start=time(6), end=time(22), days_off=NOT_MONDAY) for i in range(4)]
    rm = model(team, cfg, hours)
    optimum = brute_force(rm, hours)
    lp = B.lp_bound(rm, 10.0)
    assert lp.status == "OPTIMAL" and lp.groups == 1  # the four agents are one group of four
    assert lp.value == optimum
    assert B.lagrangian_bound(rm, 2.0).value <= optimum


def test_aggregating_identical_agents_leaves_the_lp_bound_unchanged(monkeypatch):
    cfg = make_config(**CONTRACT_CFG)
    team = contract_team() + [make_agent("c", start=time(8), end=time(18), days=2, min_hours=12, max_hours=14,
                                         days_off=tuple(range(3, 7)))]
    rm = model(team, cfg, CONTRACT_DAYS)
    grouped = B.lp_bound(rm, 10.0)
    assert grouped.groups == 2  # b and c are interchangeable
    monkeypatch.setattr(B, "identical_agents", lambda rm: [[a] for a in sorted(rm.candidates)])
    single = B.lp_bound(rm, 10.0)
    assert single.groups == 3 and single.value == pytest.approx(grouped.value, abs=1 / COST_SCALE)


def cyclic_model() -> RosterModel:
    """The Dantzig-style cyclic day of tests/test_roster_covering.py with contracts filled in."""
    cfg = make_config(time_limit=60)
    grid = pd.date_range("2026-11-30", periods=24, freq="60min", tz="UTC", name="interval_start")
    agents = {f"a{i:02d}": make_agent(f"a{i:02d}") for i in range(60)}
    cands = {aid: [CandidateShift(aid, MONDAY, 60 * h, 480, None, 0, 60 * h,
                                  tuple((h + k) % 24 for k in range(8)), grid[0]) for h in range(24)]
             for aid in agents}
    rm = RosterModel(cp_model.CpModel(), cfg, WEEK, agents, grid, cands, {a: [MONDAY] for a in agents})
    for aid, cs in cands.items():
        rm.contracts[aid] = WeekContract(0, 480, None, 0)
        for i in range(len(cs)):
            rm.x[aid, i] = rm.model.new_bool_var(f"x[{aid},{i}]")
            rm.by_day.setdefault((aid, MONDAY), []).append(i)
    rm.profiles[(EN,)] = list(agents)
    rm.need = {(EN, t): n for t, n in enumerate(CYCLIC_NEED)}
    return rm


def test_cyclic_covering_bound():
    # the optimum is 55 shifts, all surplus: (8 x 55 - need) agent-hours x 2 = 144; this cyclic LP happens
    # to be integral, so the LP bound is the optimum; the Lagrangian ascent, whose sixty identical agents
    # all answer a price with the same shift, crawls towards it (about 97 after 5 s; the LP takes 0.1 s)
    optimum = (8 * 55 - sum(CYCLIC_NEED)) * SURPLUS
    rm = cyclic_model()
    assert B.lp_bound(rm, 10.0).value == optimum
    lagrange = B.lagrangian_bound(rm, 1.0)
    assert 0 < lagrange.value <= optimum


def test_running_out_of_time_gives_no_bound_or_a_weaker_valid_one():
    cfg = make_config(**CONTRACT_CFG)
    rm = model(contract_team(), cfg, CONTRACT_DAYS)
    assert not B.lp_bound(rm, 0.0).proven  # no LP optimum, no bound
    full = B.lagrangian_bound(rm, 2.0)
    first = B.lagrangian_bound(rm, 5.0, max_iterations=1)
    assert first.iterations == 1 and first.status == "ITERATION_LIMIT"
    assert 0 <= first.value <= full.value  # any prices give a bound: stopping early only weakens it
