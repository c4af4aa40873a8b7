"""A Curtois & Qu instance as a planner workspace, rostered by planner's own engine.

The instance is written as planner.toml + agents.csv + time_off.csv + shift_requests.csv,
read back with planner's readers and rostered by build_roster over a planning period of
the horizon's weeks. References: the independent penalty calculator (curtois.penalty),
brute force over every roster of tiny instances, and Instance1's published optimum 607
(Curtois & Qu 2014 comparison table, ../shared/data/curtois_qu/best_known.csv).
"""
from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from planner.roster.check import check_roster
from planner.roster.curtois import Cover, Instance, Request, ShiftType, penalty, read_instance
from planner.roster.curtois_workspace import read_case, solve_with_planner, weeks_of, write_workspace
from test_curtois import _staff  # one employee with loose limits, overridden per case

DATA = Path(__file__).parents[1].parent / "shared" / "data" / "curtois_qu"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"benchmark data not found at {DATA}")


def _brute_force(instance: Instance) -> int:
    """The least penalty over every roster that breaks no hard rule (tiny instances only)."""
    cells = [(p.staff_id, d) for p in instance.staff for d in range(instance.horizon_days)]
    options = [None] + [s.shift_id for s in instance.shifts]
    best = None
    for values in itertools.product(options, repeat=len(cells)):
        pb = penalty(instance, dict(zip(cells, values)))
        if pb.feasible and (best is None or pb.total < best):
            best = pb.total
    return best


def _solve(instance: Instance, tmp_path: Path, limit: float = 20.0):
    out = solve_with_planner(instance, tmp_path / "ws", limit, workers=2, seed=0)
    case = read_case(tmp_path / "ws", weeks_of(instance))
    assert check_roster(out.result, case.agents, case.config, time_off=case.time_off).empty
    return out


def test_a_week_with_successions_limits_and_wishes_reaches_the_brute_force_optimum(tmp_path):
    # one employee, E (8 h) and L (10 h, no E the day after), 3^7 rosters
    shifts = (ShiftType("E", 480), ShiftType("L", 600, ("E",)))
    person = _staff("A", max_shifts={"E": 7, "L": 2}, max_total_minutes=2_880, min_total_minutes=1_920,
                    max_consecutive_shifts=4, min_consecutive_days_off=2, days_off=frozenset({3}), max_weekends=1)
    cover = tuple(Cover(d, s, 1, 10, 1) for d in range(7) for s in ("E", "L"))
    inst = Instance("tiny", 7, shifts, (person,),
                    on_requests=(Request("A", 1, "L", 4), Request("A", 5, "E", 3)),
                    off_requests=(Request("A", 6, "E", 2), Request("A", 0, "L", 5)), cover=cover)
    out = _solve(inst, tmp_path)
    pb = penalty(inst, out.assignment)
    assert pb.feasible, pb.hard_violations
    assert pb.total == out.objective == _brute_force(inst)


def test_two_employees_share_the_cover_and_keep_the_weekend_limit(tmp_path):
    # one shift type; each employee works at most one weekend day... of one weekend, 2^14 rosters
    shifts = (ShiftType("D", 480),)
    staff = (_staff("A", max_shifts={"D": 4}, max_total_minutes=1_920, min_total_minutes=960,
                    max_consecutive_shifts=3, min_consecutive_shifts=2, max_weekends=0),
             _staff("B", max_shifts={"D": 5}, max_total_minutes=2_400, min_total_minutes=1_440,
                    max_consecutive_shifts=5, days_off=frozenset({2})))
    cover = tuple(Cover(d, "D", 2 if d in (1, 5) else 1, 100, 1) for d in range(7))
    inst = Instance("pair", 7, shifts, staff, on_requests=(Request("B", 6, "D", 7),),
                    off_requests=(Request("A", 1, "D", 3),), cover=cover)
    out = _solve(inst, tmp_path)
    pb = penalty(inst, out.assignment)
    assert pb.feasible, pb.hard_violations
    assert pb.total == out.objective == _brute_force(inst)


@needs_data
def test_instance1_workspace_states_every_rule(tmp_path):
    inst = read_instance(DATA / "Instance1.txt")
    case = read_case(write_workspace(inst, tmp_path), weeks_of(inst))
    assert case.weeks == 2 and len(case.agents) == 8
    a = {x.agent_id: x for x in case.agents}["A"]
    person = inst.staff[0]
    assert a.max_hours * 2 * 60 == pytest.approx(person.max_total_minutes)
    assert a.min_hours * 2 * 60 == pytest.approx(person.min_total_minutes)
    assert a.max_consecutive_days == person.max_consecutive_shifts
    assert a.min_consecutive_days_off == person.min_consecutive_days_off
    assert len(case.time_off) == sum(len(p.days_off) for p in inst.staff)
    assert set(case.time_off["kind"]) == {"unavailable"}
    assert len(case.shift_requests) == len(inst.on_requests) + len(inst.off_requests)
    assert len(case.config.rules.duty_cover) == len(inst.cover)
    first = {e.dates and min(e.dates) for e in case.config.rules.duty_cover}
    assert min(first) == date(2024, 1, 1) and max(first) == date(2024, 1, 14)


@needs_data
def test_instance1_reaches_its_optimum_607_through_planner(tmp_path):
    inst = read_instance(DATA / "Instance1.txt")
    out = _solve(inst, tmp_path, limit=30.0)
    assert out.objective == 607
    assert penalty(inst, out.assignment).total == 607


@needs_data
def test_a_roster_cut_short_reports_its_own_score_not_the_solvers(tmp_path):
    # 5 s leave CP-SAT far from optimal on Instance4; its objective then held duty-cover shortfall
    # variables above the shortfall (2,739 reported for a roster whose published penalty is 2,533)
    inst = read_instance(DATA / "Instance4.txt")
    out = _solve(inst, tmp_path, limit=5.0)
    pb = penalty(inst, out.assignment)
    assert pb.feasible and out.objective == pb.total
    assert out.result.gap == pytest.approx((out.objective - out.bound) / out.objective)
