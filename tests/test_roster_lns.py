"""Large-neighbourhood search on a week's roster (planner.roster.lns) against the full CP-SAT model."""
from __future__ import annotations

from datetime import date, time

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from planner import columns as C
from planner.config import DutyCoverConfig, RosterWeights, ShiftTypeConfig
from planner.roster import check_roster
from planner.roster.greedy import best_response_roster
from planner.roster.interrupt import StopFlag, new_solver
from planner.roster.lns import WeekScore, _apply, _convex_lines, _resolve, _Week, improve_week, week_objective
from planner.roster.model import COST_SCALE, new_roster_model
from planner.roster.result import RosterResult
from planner.roster.rules import add_hard_rules, add_soft_rules
from planner.roster.solve import allocation_frame, shifts_frame
from test_roster_helpers import EN, make_agent, make_config, make_requirements, with_rules

WEEK = "2026-W49"  # Monday 2026-11-30
TZ = "Europe/Berlin"
DE = ("phone", "de")
TYPES = (ShiftTypeConfig("early", time(6), time(10)), ShiftTypeConfig("late", time(12), time(16)))


def mixed_week():
    """Eight agents on two queues (three of them on both), with every kind of soft term in play."""
    agents = (
        make_agent("a", start=time(6), end=time(22), preferred_start=time(8)),
        make_agent("b", start=time(6), end=time(22), days=5, min_hours=40, max_hours=40),
        make_agent("c", start=time(6), end=time(22), skills=(EN, DE)),
        make_agent("d", start=time(6), end=time(22), skills=(EN, DE), preferred_start=time(12)),
        make_agent("e", start=time(6), end=time(22), skills=(EN, DE), days=4, min_hours=32, max_hours=32),
        make_agent("f", start=time(6), end=time(22), skills=(DE,), days_off=(6,)),
        make_agent("g", start=time(6), end=time(22), min_hours=16, max_hours=24),
        make_agent("h", start=time(6), end=time(22), skills=(DE,), preferred_start=time(7)),
    )
    config = make_config(shift_types=TYPES, weights=RosterWeights(stable_start=1.0),
                         duty_cover=(DutyCoverConfig("late", staff=2, weekdays=frozenset({1, 3}), weight_under=30,
                                                     weight_over=5),))

    def need(t, q):
        local = t.tz_convert(TZ)
        if q == EN:
            return (2 if local.weekday() < 5 else 1) if 8 <= local.hour < 20 else 0
        return 1 if 9 <= local.hour < 17 and local.weekday() < 6 else 0

    requirements = make_requirements(WEEK, TZ, need, queues=(EN, DE))
    wishes = pd.DataFrame({"agent_id": ["a", "c", "f"],
                           "local_date": [date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 1)],
                           "shift_type": ["", "late", "early"], "want": ["off", "on", "on"],
                           "weight": [20.0, 10.0, 7.0]})
    return agents, config, requirements, wishes


def model_of(agents, config, requirements, wishes=None):
    return new_roster_model(requirements, agents, config, WEEK, breaks="middle", shift_requests=wishes)


def fixed_objective(rm, chosen, counts=None, free_alloc=False) -> float:
    """Solve the full model with the roster (and unless free_alloc, its allocation) fixed; return its objective."""
    add_hard_rules(rm)
    add_soft_rules(rm)
    rm.model.minimize(sum(c * e for c, e in rm.penalties if c))
    for (aid, i), var in rm.x.items():
        rm.model.add(var == int(i in chosen[aid]))
    if not free_alloc:
        for (prof, q, t), var in rm.alloc.items():
            if len(prof) > 1:
                rm.model.add(var == counts.get((prof, q, t), 0))
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(rm.model) == cp_model.OPTIMAL
    return solver.objective_value / COST_SCALE


def as_result(rm, chosen, counts, objective) -> RosterResult:
    add_soft_rules(rm)  # coverage's allocation variables name the queues
    keys = {id(v): k for k, v in rm.alloc.items()}
    allocation = allocation_frame(rm, chosen, lambda v: counts.get(keys[id(v)], 0))
    return RosterResult(week=WEEK, shifts=shifts_frame(rm, chosen), allocation=allocation, status="FEASIBLE",
                        objective=objective, bound=0.0, gap=float("nan"), solve_seconds=0.0, diagnostics=(),
                        settings={})


@pytest.fixture(scope="module")
def mixed():
    agents, config, requirements, wishes = mixed_week()
    rm = model_of(agents, config, requirements, wishes)
    chosen, stuck, _rounds, counts = best_response_roster(rm, seed=0, time_budget_s=5.0)
    assert not stuck
    return agents, config, requirements, wishes, chosen, dict(counts)


def test_week_score_is_the_models_objective_of_a_roster(mixed):
    agents, config, requirements, wishes, chosen, counts = mixed
    rm = model_of(agents, config, requirements, wishes)
    score = week_objective(rm, chosen, counts)
    assert score > 0
    assert score == pytest.approx(fixed_objective(model_of(agents, config, requirements, wishes), chosen, counts))


def test_lns_keeps_the_rules_never_gets_worse_and_prices_its_roster_exactly(mixed):
    agents, config, requirements, wishes, chosen, counts = mixed
    rm = model_of(agents, config, requirements, wishes)
    start = week_objective(rm, chosen, counts)
    lines: list[tuple[float, str]] = []
    found = improve_week(rm, chosen, counts, dtime_budget=1.0, seed=1, report=lambda obj, note: lines.append((obj, note)))
    assert found.objective <= start
    assert found.objective == pytest.approx(week_objective(rm, found.chosen, found.counts))
    again = model_of(agents, config, requirements, wishes)
    assert found.objective == pytest.approx(fixed_objective(again, found.chosen, found.counts))
    # the model may allocate queues better for the same shifts, never worse
    best = fixed_objective(model_of(agents, config, requirements, wishes), found.chosen, free_alloc=True)
    assert best <= found.objective + 1e-9
    roster = as_result(model_of(agents, config, requirements, wishes), found.chosen, found.counts, found.objective)
    assert check_roster(roster, agents, config).empty
    assert (found.moves > 0) == bool(lines)
    if lines:  # each report is an improvement, the last one the roster returned
        assert [obj for obj, _ in lines] == sorted((obj for obj, _ in lines), reverse=True)
        assert lines[-1][0] == pytest.approx(found.objective) and lines[-1][1].startswith("LNS: ")


def test_a_neighbourhood_resolve_is_the_full_model_with_the_rest_fixed(mixed):
    """Free the agents on both queues: the move's gain equals the full model's, others and allocations fixed."""
    agents, config, requirements, wishes, chosen, counts = mixed
    rm = model_of(agents, config, requirements, wishes)
    week = _Week.of(rm, chosen, counts)
    score = WeekScore(rm)
    start = score.total(week.chosen, week.counts)
    free = {"c": None, "d": None, "e": None, "a": None}
    trial = _resolve(rm, week, score, free, seed=3, dtime=20.0, deadline=None)
    assert trial.complete
    gain = _apply(rm, week, score, trial)
    assert score.total(week.chosen, week.counts) == start + gain
    full = model_of(agents, config, requirements, wishes)
    add_hard_rules(full)
    add_soft_rules(full)
    full.model.minimize(sum(c * e for c, e in full.penalties if c))
    reach = {(full.agents[a].skill_profile, t) for a in free for c in full.candidates[a] for t in c.intervals}
    for (aid, i), var in full.x.items():
        if aid not in free:
            full.model.add(var == int(i in chosen[aid]))
    for (prof, q, t), var in full.alloc.items():
        if len(prof) > 1 and (prof, t) not in reach:
            full.model.add(var == counts.get((prof, q, t), 0))
    solver = new_solver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(full.model) == cp_model.OPTIMAL
    assert (start + gain) / COST_SCALE == pytest.approx(solver.objective_value / COST_SCALE)


def tiny_week():
    agents = tuple(make_agent(aid, start=time(6), end=time(22), preferred_start=pref)
                   for aid, pref in (("a", time(8)), ("b", None), ("c", time(13))))
    config = make_config(shift_types=TYPES, weights=RosterWeights(stable_start=1.0))

    def need(t, q):
        local = t.tz_convert(TZ)
        return (2 if 10 <= local.hour < 15 else 1) if 7 <= local.hour < 21 and local.weekday() < 6 else 0

    return agents, config, make_requirements(WEEK, TZ, need)


def test_queue_cost_lines_from_its_kinks_are_the_lines_of_every_integer():
    """A queue's cost bends only within four agents of its need: lines from those points equal the brute force's."""
    agents, config, requirements, wishes = mixed_week()
    rm = model_of(agents, config, requirements, wishes)
    score = WeekScore(rm)
    checked = 0
    for q in (EN, DE):
        for need in (0, 1, 2, 3, 5, 9):
            rm.need[q, 0] = need
            for lo in range(0, 12, 3):
                for hi in range(lo, lo + 14, 2):
                    brute = _convex_lines(lambda c: score.queue(q, 0, c), lo, hi)
                    kinks = _convex_lines(lambda c: score.queue(q, 0, c), lo, hi, range(need - 3, need + 1))
                    assert kinks == brute, (q, need, lo, hi)
                    assert all(score.queue(q, 0, c) == max(a + b * c for a, b in kinks) for c in range(lo, hi + 1))
                    checked += 1
    assert checked > 100


def test_lns_from_an_empty_roster_reaches_the_cpsat_optimum():
    agents, config, requirements = tiny_week()
    full = model_of(agents, config, requirements)
    add_hard_rules(full)
    add_soft_rules(full)
    full.model.minimize(sum(c * e for c, e in full.penalties if c))
    solver = new_solver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(full.model) == cp_model.OPTIMAL
    optimum = solver.objective_value / COST_SCALE
    rm = model_of(agents, config, requirements)
    empty = {a.agent_id: [] for a in agents}
    start = week_objective(rm, empty, {})
    found = improve_week(rm, empty, {}, dtime_budget=10.0, seed=0)
    assert start > optimum
    assert found.objective == pytest.approx(optimum)
    assert found.optimal  # proven: a neighbourhood held the whole week
    roster = as_result(model_of(agents, config, requirements), found.chosen, found.counts, found.objective)
    assert check_roster(roster, agents, config).empty


def test_same_seed_same_roster_and_stop_keeps_the_start(mixed):
    agents, config, requirements, wishes, chosen, counts = mixed
    runs = [improve_week(model_of(agents, config, requirements, wishes), chosen, counts, dtime_budget=0.5, seed=7)
            for _ in range(2)]
    assert runs[0].chosen == runs[1].chosen and runs[0].counts == runs[1].counts
    assert runs[0].objective == runs[1].objective and runs[0].resolves == runs[1].resolves
    stop = StopFlag()
    stop.request()
    rm = model_of(agents, config, requirements, wishes)
    kept, objective = improve_week(rm, chosen, counts, dtime_budget=5.0, stop=stop)
    assert kept == {aid: sorted(chosen.get(aid, [])) for aid in rm.candidates}
    assert objective == pytest.approx(week_objective(rm, chosen, counts))


def test_build_roster_searches_big_weeks_with_the_lns(monkeypatch):
    # every week counts as big here: the roster comes from our own search, keeps every rule, is never worse
    # than the first roster and says which search made it (its progress lines say so too)
    from planner.roster import build_roster
    from planner.roster import solve as solve_module

    monkeypatch.setattr(solve_module, "LNS_MIN_SHIFTS", 0)
    agents, config, requirements, wishes = mixed_week()
    lines: list[str] = []
    result = build_roster(requirements, agents, config, WEEK, shift_requests=wishes, progress=lines.append)
    assert result.settings["search"].startswith("large-neighbourhood search")
    assert check_roster(result, agents, config).empty
    assert result.objective <= result.settings["first_roster_objective"] + 1e-9
    assert any("(LNS: " in line for line in lines) == (result.objective < result.settings["first_roster_objective"])


def _mid_shift_breaks(result, config) -> bool:
    """Whether every shift's break sits where breaks="middle" puts it."""
    from planner.roster.shifts import break_positions

    week_start = pd.Timestamp("2026-11-29 23:00", tz="UTC")  # Monday 00:00 in Berlin
    minute = pd.Timedelta(minutes=1)
    for s in result.shifts.itertuples(index=False):
        start = int((s.start_utc - week_start) / minute)
        placed = None if pd.isna(s.break_start_utc) else int((s.break_start_utc - week_start) / minute)
        if [placed] != break_positions(start, int(round(s.paid_hours * 60)), config, mode="middle"):
            return False
    return True


@pytest.mark.parametrize("staffed", [True, False])
def test_big_weeks_place_breaks_only_where_a_queue_is_short(monkeypatch, staffed):
    # with every queue at or above its need, a break can only move surplus about: the search keeps the break
    # stage's share and breaks stay at mid-shift; with a queue short, the break stage runs
    from planner.roster import build_roster
    from planner.roster import solve as solve_module

    monkeypatch.setattr(solve_module, "LNS_MIN_SHIFTS", 0)
    agents, config, _requirements, _wishes = mixed_week()
    config = with_rules(config, break_minutes=60)  # an hour's break, placed within an hour of mid-shift
    hours = (10, 16) if staffed else (7, 22)  # 6 h of one agent on weekdays, or 15 h of four every day

    def need(t, q):
        local = t.tz_convert(TZ)
        if q != EN or not hours[0] <= local.hour < hours[1]:
            return 0
        return 1 if staffed and local.weekday() < 5 else (0 if staffed else 4)

    requirements = make_requirements(WEEK, TZ, need, queues=(EN, DE))
    lines: list[str] = []
    result = build_roster(requirements, agents, config, WEEK, progress=lines.append)
    assert check_roster(result, agents, config).empty
    cover = result.allocation.groupby([C.INTERVAL_START, C.CHANNEL, C.LANGUAGE]).size()
    req = requirements.set_index([C.INTERVAL_START, C.CHANNEL, C.LANGUAGE])["staff_needed"]
    short = (req - cover.reindex(req.index, fill_value=0)).clip(lower=0).sum()
    assert (short == 0) == staffed
    assert result.settings["break_stage"] == (not staffed)
    if staffed:
        assert _mid_shift_breaks(result, config)
        assert not any(line.startswith("roster breaks placed") for line in lines)
