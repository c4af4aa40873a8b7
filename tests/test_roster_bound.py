"""Lower bounds on the roster objective: never above the optimum, found by brute force on tiny weeks."""
from __future__ import annotations

import functools
import itertools
import math
from datetime import date, time

import numpy as np
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


@functools.cache
def contract_case() -> tuple[RosterModel, float]:
    """The contract team's model and its optimum by brute force (agent a prefers 8:00, 1 point per hour away)."""
    rm = model(contract_team(), make_config(**CONTRACT_CFG), CONTRACT_DAYS)
    pref = lambda aid, c: 1.0 * abs(c.start_local_min - 8 * 60) / 60 if aid == "a" else 0.0
    return rm, brute_force(rm, CONTRACT_DAYS, pref)


def test_bound_against_brute_force_with_contracts_and_preferred_start():
    cfg = make_config(**CONTRACT_CFG)
    rm, optimum = contract_case()
    lagrange = B.lagrangian_bound(rm, 2.0)
    lp = B.lp_bound(rm, 10.0)
    assert lagrange.value <= optimum and lp.value <= optimum
    assert lagrange.value >= 0.9 * optimum  # and it is not a trivial bound
    solved = build_roster(make_requirements(WEEK, BERLIN, need_on(CONTRACT_DAYS)), tuple(contract_team()), cfg, WEEK)
    assert solved.status == "OPTIMAL" and solved.objective == pytest.approx(optimum)


@functools.cache
def integral_day() -> tuple[RosterModel, float]:
    """One queue, one day, four identical agents, 8 h shifts without break on any hour; and its optimum.

    The coverage matrix has consecutive ones in every row (an interval matrix), so it is
    totally unimodular and the LP optimum is integral.
    """
    cfg = make_config()
    hours = {(MONDAY, h): n for h, n in zip(range(6, 22), [1, 1, 2, 3, 3, 2, 2, 2, 3, 3, 2, 1, 1, 1, 1, 1])}
    team = [make_agent(f"a{i}", start=time(6), end=time(22), days_off=NOT_MONDAY) for i in range(4)]
    rm = model(team, cfg, hours)
    return rm, brute_force(rm, hours)


def test_lp_bound_is_the_optimum_when_the_lp_is_integral():
    # the LP optimum is integral here (integral_day): the LP bound must equal the optimum exactly
    rm, optimum = integral_day()
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


# --- the column-generation bound (ascent, then a Dantzig-Wolfe master priced by the same per-agent programme) ---

def test_column_generation_bound_stays_below_brute_force_optima():
    # the break day's optimum counts every break position (the bound's model has the first stage's mid-shift ones)
    breaks = make_config(**BREAK_CFG)
    break_day = (model(break_team(), breaks, BREAK_DAY),
                 brute_force(model(break_team(), breaks, BREAK_DAY, breaks="all"), BREAK_DAY))
    for rm, optimum in (break_day, contract_case()):
        cg = B.column_generation_bound(rm, 1.0)
        assert 0.9 * optimum <= cg.value <= optimum
        assert cg.value >= B.lagrangian_bound(rm, 1.0).value - 1 / COST_SCALE
    assert B.column_generation_bound(break_day[0], 1.0).value == break_day[1] == SHORT  # tight here, as the ascent


def test_column_generation_bound_is_the_lp_optimum_when_the_lp_is_integral():
    rm, optimum = integral_day()
    cg = B.column_generation_bound(rm, 1.0)
    assert cg.value == B.lp_bound(rm, 10.0).value == optimum


def test_column_generation_proves_the_cyclic_optimum_where_the_ascent_crawls():
    # sixty identical agents all answer a price with the same shift, so the ascent stalls well below the
    # optimum (144, the LP's, integral here); the master mixes their shifts and its duals are the right prices
    optimum = (8 * 55 - sum(CYCLIC_NEED)) * SURPLUS
    rm = cyclic_model()
    ascent = B.lagrangian_bound(rm, 1.0)
    cg = B.column_generation_bound(rm, 1.0)
    assert ascent.value < optimum  # the case is meant to be hard for the ascent
    assert cg.value == optimum and cg.status == "CONVERGED"
    assert B.column_generation_bound(rm, 1.0).value == cg.value  # planned budgets: the same bound again


def test_column_generation_takes_a_known_roster_as_its_first_weeks():
    # a roster whose sixty agents start on every hour of the day in turn: its weeks hold the optimal mix,
    # so the master needs fewer rounds than from the ascent's weeks alone (no ascent here: share 0)
    rm = cyclic_model()
    weeks = {aid: [h % 24] for aid, h in zip(sorted(rm.candidates), range(60))}
    seeded = B.column_generation_bound(rm, 1.0, weeks=weeks, ascent_share=0.0)
    alone = B.column_generation_bound(rm, 1.0, ascent_share=0.0)
    optimum = (8 * 55 - sum(CYCLIC_NEED)) * SURPLUS
    assert seeded.value == alone.value == optimum and seeded.status == alone.status == "CONVERGED"
    assert seeded.iterations < alone.iterations


def test_best_weeks_recovered_from_the_dynamic_programme_have_its_value():
    # each group's week that evaluate() returns must be allowed by its contract and earn exactly what the
    # programme's value says, a lone day off (worked, off, worked) costing LONE_DAY_OFF when counted: checked
    # independently from the candidates' intervals (week_supply without lone days) and dates
    rm, _ = contract_case()
    dual = B.LagrangianDual(rm)
    rng = np.random.default_rng(0)
    lone_weeks = 0
    for lone_days in [False, True] * 10:
        earn = rng.uniform(-2.0, 60.0, size=(len(dual.profiles), dual.T)) * COST_SCALE
        agents_side, supply, weeks = dual._agents(earn, lone_days)
        total = dual.constant
        for g, cands, positions in weeks:
            aid = dual.groups[g][0]
            shifts = [rm.candidates[aid][c - dual.first_cand[g]] for c in cands]
            cost, work = dual.week_supply(cands, positions)
            p = dual.profiles.index(rm.agents[aid].skill_profile)
            on = [d in {c.local_date for c in shifts} for d in rm.dates[aid]]
            lone = sum(1 for a, b, c in zip(on, on[1:], on[2:]) if a and not b and c)
            lone_weeks += lone_days and lone > 0
            with_lone = dual.week_supply(cands, positions, lone_days)[0]
            assert with_lone == cost + lone_days * lone * LONE_DAY_OFF * COST_SCALE
            total += dual.n[g] * (cost - sum(k * earn[p, t] for t, k in work.items())
                                  + lone_days * lone * LONE_DAY_OFF * COST_SCALE)
            contract = rm.contracts[aid]
            assert contract.min_minutes <= sum(c.paid_minutes for c in shifts) <= contract.max_minutes
            assert contract.days is None or len(shifts) == contract.days
            assert len({c.local_date for c in shifts}) == len(shifts)  # one shift a day
        assert total == pytest.approx(agents_side, rel=1e-9, abs=1e-6)
    assert lone_weeks > 0  # the prices made some agent take a lone day off: its cost was checked too


def test_bound_counts_a_lone_day_off_the_contract_forces():
    # one agent, two 8 h days of Monday to Wednesday, work needed Monday and Wednesday only: the best week
    # leaves Tuesday a lone day off (LONE_DAY_OFF), every other costs a day of shortfall; the master's weeks
    # and their pricing count lone days off, so the bound sees it (0 when the rule is off); the ascent prices
    # without them (twice as fast) and only counts them at its best prices, which need not see them
    hours = {**{(MONDAY, h): 1 for h in range(9, 17)}, **{(WEDNESDAY, h): 1 for h in range(9, 17)}}
    team = [make_agent("a", days=2, min_hours=16, max_hours=16, days_off=range(3, 7))]
    rm = model(team, make_config(), hours)
    assert brute_force(rm, hours) == LONE_DAY_OFF
    cg = B.column_generation_bound(rm, 1.0)
    assert cg.value == LONE_DAY_OFF and cg.status == "CONVERGED"
    assert 0 <= B.lagrangian_bound(rm, 1.0).value <= LONE_DAY_OFF
    assert B.column_generation_bound(model(team, make_config(days_off_together=False), hours), 1.0).value == 0
