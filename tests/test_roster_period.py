"""Planning periods of several ISO weeks: build_roster(..., weeks=N), its rules over the period, the checker."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pandas as pd
import pytest

from planner import columns as C
from planner.config import DutyCoverConfig, ShiftTypeConfig
from planner.errors import InfeasibleRosterError, PlannerError
from planner.roster import build_roster, check_roster, evaluate_roster
from planner.roster.bound import column_generation_bound
from planner.roster.greedy import best_response_roster
from planner.roster.lns import improve_week
from planner.roster.model import new_roster_model
from planner.timegrid import period_bounds, period_dates, period_grid, period_label
from test_roster_helpers import EN, make_agent, make_config

WEEK = "2026-W49"  # Mon 2026-11-30; with weeks=2 the period runs to Sun 2026-12-13
BERLIN = "Europe/Berlin"
LATE = ShiftTypeConfig("late", time(12), time(16))


def period_requirements(need, weeks: int = 2, week: str = WEEK, tz: str = BERLIN) -> pd.DataFrame:
    """Return a REQUIREMENT_COLUMNS frame over the period; need(local time) -> staff needed on phone:en."""
    rows = []
    for t in period_grid(week, weeks, tz):
        n = int(need(t.tz_convert(tz)))
        rows.append({C.INTERVAL_START: t, C.CHANNEL: EN[0], C.LANGUAGE: EN[1], C.VOLUME: 10.0 * n, C.AHT_S: 300.0,
                     "load_erlangs": 0.8 * n, "agents_needed": n, "agents_needed_frac": n, "staff_needed": n,
                     "service_level": 0.8, "asa_s": 10.0, "occupancy": 0.8, "backlog": 0.0})
    frame = pd.DataFrame(rows, columns=C.REQUIREMENT_COLUMNS)
    frame[C.INTERVAL_START] = pd.to_datetime(frame[C.INTERVAL_START], utc=True)
    return frame


def solve(agents, config, need, weeks: int = 2, **kw):
    """Build the period's roster and assert the independent checker finds nothing."""
    req = period_requirements(need, weeks)
    roster = build_roster(req, tuple(agents), config, WEEK, weeks=weeks, **kw)
    checks = check_roster(roster, tuple(agents), config, time_off=kw.get("time_off"), previous=kw.get("previous"))
    assert checks.empty, checks.to_string()
    return roster, req


def day_shift(local) -> int:
    return 1 if 9 <= local.hour < 17 else 0


def hours_between(roster, aid, first: date, last: date) -> float:
    own = roster.shifts[(roster.shifts.agent_id == aid) & roster.shifts.local_date.between(first, last)]
    return float(own.paid_hours.sum())


def test_period_helpers():
    start, end = period_bounds(WEEK, 2, BERLIN)
    assert (start, end) == (pd.Timestamp("2026-11-29 23:00", tz="UTC"), pd.Timestamp("2026-12-13 23:00", tz="UTC"))
    assert len(period_grid(WEEK, 2, BERLIN)) == 14 * 24
    assert period_dates(WEEK, 2)[-1] == date(2026, 12, 13) and len(period_dates(WEEK, 2)) == 14
    assert period_label(WEEK, 1) == WEEK and period_label("2026-W52", 2) == "2026-W52 to 2026-W53"


def test_two_week_period_staffs_all_fourteen_days(tmp_path):
    from planner.roster import read_roster, write_roster

    cfg = make_config()
    agents = [make_agent(a, max_hours=40) for a in "abc"]
    r, req = solve(agents, cfg, day_shift)
    assert r.weeks == 2 and r.settings["weeks"] == 2
    assert sorted(set(r.shifts.local_date)) == period_dates(WEEK, 2)
    cov = r.allocation.groupby("interval_start").size()
    assert len(cov) == 14 * 8 and (cov == 1).all()
    ev = evaluate_roster(r, req, tuple(agents), cfg)
    assert ev.shortfall_hours == 0 and len(ev.daily) == 14
    back = read_roster(write_roster(r, tmp_path / f"{WEEK}.roster.csv"))
    assert back.weeks == 2 and check_roster(back, tuple(agents), cfg).empty


def test_breaks_are_placed_over_the_period_and_diagnose_reads_it():
    from planner.roster import diagnose

    cfg = make_config(shift_hours=(8.0,), break_minutes=60)
    agents = (make_agent("a", max_hours=40, start=time(8), end=time(20)),
              make_agent("b", max_hours=40, start=time(8), end=time(20)))
    r, _ = solve(agents, cfg, lambda t: 2 if 10 <= t.hour < 16 and t.date() in (date(2026, 12, 1), date(2026, 12, 8))
                 else 0)
    assert r.settings["break_stage"] and r.shifts.break_start_utc.notna().all()
    assert {date(2026, 12, 1), date(2026, 12, 8)} <= set(r.shifts.local_date)
    # 45 h a week needs 90 h in two weeks: a agent free on weekdays of week 1 only cannot reach it
    short = make_agent("c", min_hours=45, max_hours=45, start=time(8), end=time(20))
    off = pd.DataFrame({"agent_id": ["c"], "start_utc": pd.to_datetime(["2026-12-06 23:00"], utc=True),
                        "end_utc": pd.to_datetime(["2026-12-13 23:00"], utc=True), "reason": ["x"],
                        "kind": ["unavailable"]})
    notes = diagnose(period_requirements(day_shift), (short,), cfg, WEEK, time_off=off, weeks=2)
    assert notes[0] == ("Agent C (c) is available for at most 56 h in 2026-W49 to 2026-W50 but needs at least 90 h "
                        "(minimum contract hours)")
    assert notes[1].startswith("phone:en has demand but no skilled agent can work then: Mon 2026-12-07 09:00-17:00, "
                               "Tue 2026-12-08 09:00-17:00")


def test_contract_hours_are_averaged_over_the_period():
    # 20 h a week (min = max) over two weeks: 40 h in all. Coverage wants 32 h in week 1 (Mon-Thu) and 8 h
    # in week 2 (Mon): only the averaged reading staffs it all; a weekly one leaves 12 h short in week 1
    cfg = make_config(shift_hours=(4.0, 8.0))
    busy = {date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 7)}
    a = make_agent("a", min_hours=20, max_hours=20)
    r, req = solve([a], cfg, lambda t: 1 if t.date() in busy and 9 <= t.hour < 17 else 0)
    assert hours_between(r, "a", date(2026, 11, 30), date(2026, 12, 6)) == 32
    assert hours_between(r, "a", date(2026, 12, 7), date(2026, 12, 13)) == 8
    assert evaluate_roster(r, req, (a,), cfg).shortfall_hours == 0
    # the checker reads the period's hours too: a roster 8 h short of 40 is a violation
    short = replace(r, shifts=r.shifts[r.shifts.local_date != date(2026, 12, 7)].reset_index(drop=True),
                    allocation=r.allocation[r.allocation.interval_start.dt.tz_convert(BERLIN).dt.date
                                            != date(2026, 12, 7)])
    bad = check_roster(short, (a,), cfg)
    assert list(bad.rule) == ["weekly_hours"]
    assert "32 paid hours; the contract allows 40-40 h over the 2 weeks" in bad.detail.iloc[0]


def test_max_shifts_of_type_counts_per_period():
    cfg = make_config(shift_types=(LATE,), max_shifts_of_type=(("late", 3),))
    a = make_agent("a", start=time(12), end=time(22), max_hours=80)
    r, _ = solve([a], cfg, lambda t: 1 if 14 <= t.hour < 22 else 0)
    assert len(r.shifts) == 3  # 3 in the period, not 3 a week
    extra = r.shifts.iloc[[0]].copy()
    free = sorted(set(period_dates(WEEK, 2)) - set(r.shifts.local_date))[0]
    shift = pd.Timedelta(days=(free - extra.local_date.iloc[0]).days)
    extra["local_date"] = [free]
    for col in ("start_utc", "end_utc"):
        extra[col] = extra[col] + shift
    more = replace(r, shifts=pd.concat([r.shifts, extra], ignore_index=True))
    bad = check_roster(more, (a,), cfg)
    hits = bad[bad.rule == "max_shifts_of_type"]
    assert len(hits) == 1 and "allows 3 per planning period" in hits.detail.iloc[0]


def test_duty_cover_on_a_day_of_the_second_week():
    wednesday = date(2026, 12, 9)
    cover = DutyCoverConfig("late", staff=1, weekdays=frozenset(), dates=frozenset({wednesday}))
    cfg = make_config(shift_types=(LATE,), duty_cover=(cover,))
    agents = [make_agent("a", start=time(12), end=time(22)), make_agent("b", start=time(6), end=time(22))]
    r, req = solve(agents, cfg, lambda t: 0)
    assert list(r.shifts.local_date) == [wednesday]
    duty = evaluate_roster(r, req, tuple(agents), cfg).duty_cover
    assert list(duty.local_date) == [wednesday] and list(duty.under) == [0] and list(duty.scheduled) == [1]


def test_max_consecutive_days_holds_across_the_week_seam():
    # work wanted Thu 2026-12-03 .. Tue 2026-12-08 (six days across the W49/W50 seam); at most 5 in a row
    cfg = make_config(max_consecutive_days=5)
    wanted = [date(2026, 12, 3) + timedelta(days=k) for k in range(6)]
    a = make_agent("a", max_hours=80)
    r, _ = solve([a], cfg, lambda t: 1 if t.date() in wanted and 9 <= t.hour < 17 else 0)
    days = sorted(r.shifts.local_date)
    assert len(days) == 5 and set(days) <= set(wanted)
    # a sixth day injected makes a six-day run Thu..Tue: the checker names it on its sixth day
    missing = (set(wanted) - set(days)).pop()
    extra = r.shifts.iloc[[0]].copy()
    shift = pd.Timedelta(days=(missing - extra.local_date.iloc[0]).days)
    extra["local_date"] = [missing]
    for col in ("start_utc", "end_utc"):
        extra[col] = extra[col] + shift
    bad = check_roster(replace(r, shifts=pd.concat([r.shifts, extra], ignore_index=True)), (a,), cfg)
    hits = bad[bad.rule == "max_consecutive_days"]
    assert list(hits.local_date) == [date(2026, 12, 8)]


def test_days_per_week_over_the_period_and_previous_roster_before_it():
    # 3 days a week = 6 days in two weeks; with last week's Fri-Sun worked and at most 5 in a row,
    # only two of Monday 2026-11-30 to Wednesday may be worked
    cfg = make_config(max_consecutive_days=5)
    a = make_agent("a", days=3, min_hours=24, max_hours=24)
    prev = pd.DataFrame({
        "agent_id": ["a"] * 3, "local_date": [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)],
        "start_utc": pd.to_datetime(["2026-11-27 08:00", "2026-11-28 08:00", "2026-11-29 08:00"], utc=True),
        "end_utc": pd.to_datetime(["2026-11-27 16:00", "2026-11-28 16:00", "2026-11-29 16:00"], utc=True),
        "break_start_utc": pd.to_datetime([None] * 3, utc=True), "break_end_utc": pd.to_datetime([None] * 3, utc=True),
        "paid_hours": [8.0] * 3})
    first_days = {date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)}
    r, _ = solve([a], cfg, lambda t: 1 if t.date() in first_days and 9 <= t.hour < 17 else 0, previous=prev)
    assert len(r.shifts) == 6
    assert len(first_days & set(r.shifts.local_date)) == 2


def test_search_and_bound_on_a_two_week_model():
    cfg = make_config()
    agents = tuple(make_agent(a, max_hours=40, start=time(7), end=time(21)) for a in "abcd")
    req = period_requirements(lambda t: 2 if 8 <= t.hour < 20 and t.weekday() < 5 else 1 if 10 <= t.hour < 16 else 0)
    rm = new_roster_model(req, agents, cfg, WEEK, breaks="middle", weeks=2)
    assert rm.weeks == 2 and len(rm.grid) == 336 and len(rm.period_dates()) == 14
    chosen, stuck, _, counts = best_response_roster(rm, 0, time_budget_s=2.0)
    assert not stuck
    found = improve_week(rm, chosen, counts, dtime_budget=1.0, seed=0)
    bound = column_generation_bound(rm, 2.0, weeks=found.chosen)
    assert bound.proven and bound.value <= found.objective + 1e-6


def test_weeks_must_be_at_least_one():
    cfg = make_config()
    req = period_requirements(day_shift, 1)
    for bad in (0, -1, 1.5):
        with pytest.raises(PlannerError, match="weeks: a planning period is a whole number of ISO weeks"):
            build_roster(req, (make_agent("a"),), cfg, WEEK, weeks=bad)
    with pytest.raises(PlannerError, match="at least 1; got 0"):
        new_roster_model(req, (make_agent("a"),), cfg, WEEK, weeks=0)


# ----------------------------------------------------------------------------- working weekends per period


SATURDAYS = (date(2026, 12, 5), date(2026, 12, 12))


def test_max_working_weekends_splits_the_weekends_between_two_agents():
    cfg = make_config(max_working_weekends=1)
    agents = [make_agent("a", max_hours=80), make_agent("b", max_hours=80)]
    r, req = solve(agents, cfg, lambda t: 1 if t.date() in SATURDAYS and 9 <= t.hour < 17 else 0)
    assert sorted(r.shifts.local_date) == list(SATURDAYS)
    assert r.shifts.agent_id.nunique() == 2  # one weekend each
    assert evaluate_roster(r, req, tuple(agents), cfg).shortfall_hours == 0
    # alone, one agent covers one Saturday only
    r, req = solve(agents[:1], cfg, lambda t: 1 if t.date() in SATURDAYS and 9 <= t.hour < 17 else 0)
    assert len(r.shifts) == 1 and evaluate_roster(r, req, tuple(agents[:1]), cfg).shortfall_hours == 8
    # the checker catches a second weekend, and names the first Saturday beyond the limit
    extra = r.shifts.copy()
    other = ({*SATURDAYS} - set(extra.local_date)).pop()
    shift = pd.Timedelta(days=(other - extra.local_date.iloc[0]).days)
    extra["local_date"] = [other]
    for col in ("start_utc", "end_utc"):
        extra[col] = extra[col] + shift
    bad = check_roster(replace(r, shifts=pd.concat([r.shifts, extra], ignore_index=True)), tuple(agents[:1]), cfg)
    bad = bad[bad.rule != "unallocated"]  # the injected shift serves no queue
    assert list(bad.rule) == ["max_working_weekends"] and list(bad.local_date) == [SATURDAYS[1]]
    assert "works 2 weekends in the planning period" in bad.detail.iloc[0]
    assert "max_working_weekends (planner.toml [rules]) allows 1" in bad.detail.iloc[0]


def test_max_working_weekends_infeasible_alone_names_the_rule():
    # weekends only, 16 h a week = 32 h in two weeks = both weekends; at most one working weekend
    cfg = make_config(max_working_weekends=1)
    a = make_agent("a", min_hours=16, max_hours=16, days_off=(0, 1, 2, 3, 4))
    with pytest.raises(InfeasibleRosterError) as err:
        solve([a, make_agent("b")], cfg, lambda t: 0)
    assert "no roster for 2026-W49 to 2026-W50 satisfies the hard rules" in str(err.value)
    assert any("at most 1 working weekend(s) in the 2 weeks cannot be met together with the other rules in "
               "2026-W49 to 2026-W50" in c for c in err.value.conflicts), err.value.conflicts
    # the agent's own limit overrides the team's
    r, _ = solve([replace(a, max_working_weekends=2), make_agent("b")], cfg, lambda t: 0)
    assert sorted(r.shifts[r.shifts.agent_id == "a"].local_date)[0] == SATURDAYS[0]


def test_max_working_weekends_from_planner_toml_and_agents_csv(tmp_path):
    from planner.agents import read_agents, write_agents
    from planner.config import config_from_dict
    from planner.errors import ConfigError, InputError

    cfg = config_from_dict({"rules": {"max_working_weekends": 2}})
    assert cfg.rules.max_working_weekends == 2
    with pytest.raises(ConfigError, match="max_working_weekends"):
        config_from_dict({"rules": {"max_working_weekends": -1}})
    head = "agent_id,name,timezone,languages,channels,contract_hours,max_working_weekends\n"
    path = tmp_path / "agents.csv"
    path.write_text(head + "A1,Ana,Europe/Berlin,en,phone,40,1\nA2,Bo,Europe/Berlin,en,phone,40,\n")
    a1, a2 = read_agents(path, cfg)
    assert (a1.max_working_weekends, a2.max_working_weekends) == (1, None)
    assert read_agents(write_agents((a1, a2), tmp_path / "out.csv"), cfg) == (replace(a1, row=2), replace(a2, row=3))
    path.write_text(head + "A1,Ana,Europe/Berlin,en,phone,40,1\nA2,Bo,Europe/Berlin,en,phone,40,x\n")
    with pytest.raises(InputError) as err:
        read_agents(path, cfg)
    assert (err.value.row, err.value.column) == (3, "max_working_weekends")
    assert "weekends worked per planning period from 0 to 53" in str(err.value)


# ----------------------------------------------------------------------------- time off: leave or unavailable


def monday_off(kind: str | None) -> pd.DataFrame:
    """Return one whole local Monday (2026-11-30, Berlin) of time off for agent a, of `kind` (None: no column)."""
    frame = pd.DataFrame({"agent_id": ["a"], "start_utc": pd.to_datetime(["2026-11-29 23:00"], utc=True),
                          "end_utc": pd.to_datetime(["2026-11-30 23:00"], utc=True), "reason": ["x"]})
    return frame if kind is None else frame.assign(kind=[kind])


@pytest.mark.parametrize("kind, days, hours", [(None, 4, 32), ("leave", 4, 32), ("unavailable", 5, 40)])
def test_only_leave_lowers_the_contract(kind, days, hours):
    cfg = make_config()
    a = make_agent("a", days=5, min_hours=40, max_hours=40)
    off = monday_off(kind)
    r, _ = solve([a, make_agent("b")], cfg, day_shift, weeks=1, time_off=off)
    mine = r.shifts[r.shifts.agent_id == "a"]
    assert len(mine) == days and mine.paid_hours.sum() == hours
    assert date(2026, 11, 30) not in set(mine.local_date)
    # either kind forbids work inside it: the checker catches a shift moved onto the Monday
    moved = mine.iloc[[0]].copy()
    shift = pd.Timedelta(days=(date(2026, 11, 30) - moved.local_date.iloc[0]).days)
    moved["local_date"] = [date(2026, 11, 30)]
    for col in ("start_utc", "end_utc"):
        moved[col] = moved[col] + shift
    shifts = pd.concat([r.shifts.drop(index=mine.index[0]), moved], ignore_index=True)
    bad = check_roster(replace(r, shifts=shifts), (a, make_agent("b")), cfg, time_off=off)
    assert "time_off" in set(bad.rule) and "weekly_hours" not in set(bad.rule)


def test_read_time_off_kind_column(tmp_path):
    from planner.agents import read_agents, read_time_off
    from planner.errors import InputError

    (tmp_path / "agents.csv").write_text("agent_id,name,timezone,languages,channels,contract_hours\n"
                                         "a,Ana,Europe/Berlin,en,phone,40\n")
    cfg = make_config()
    team = read_agents(tmp_path / "agents.csv", cfg)
    path = tmp_path / "time_off.csv"
    path.write_text("agent_id,start,end,reason,kind\na,2026-12-01,2026-12-01,vacation,leave\n"
                    "a,2026-12-02,2026-12-02,course,Unavailable\na,2026-12-03,2026-12-03,,\n")
    assert list(read_time_off(path, team, cfg).kind) == ["leave", "unavailable", "leave"]
    path.write_text("agent_id,start,end,kind\na,2026-12-01,2026-12-01,leave\na,2026-12-02,2026-12-02,holiday\n")
    with pytest.raises(InputError) as err:
        read_time_off(path, team, cfg)
    assert (err.value.row, err.value.column) == (3, "kind") and "leave (counts as worked" in str(err.value)


# ----------------------------------------------------------------------------- duty cover with staff = 0


EARLY = ShiftTypeConfig("early", time(6), time(10))


def test_duty_cover_of_zero_staff_charges_each_person_over():
    from planner.config import config_from_dict

    cfg = config_from_dict({"rules": {"shift_types": {"early": "06:00-10:00"}, "duty_cover": [
        {"shift_type": "early", "staff": 0, "weight_over": 7}]}})
    assert [(e.staff, e.weight_over) for e in cfg.rules.duty_cover] == [(0, 7.0)]
    # Monday of week 2 wants someone 06-14: only an early shift serves it, and it costs 7 (one person over)
    cfg = make_config(shift_types=(EARLY, LATE), duty_cover=(DutyCoverConfig("early", staff=0, weight_over=7),))
    agents = (make_agent("a", start=time(6), end=time(22)), make_agent("b", start=time(6), end=time(22)))
    r, req = solve(agents, cfg, lambda t: 1 if t.date() == date(2026, 12, 7) and 6 <= t.hour < 14 else 0)
    assert r.objective == pytest.approx(7)
    duty = evaluate_roster(r, req, agents, cfg).duty_cover
    assert len(duty) == 14 and (duty.required == 0).all() and (duty.under == 0).all()
    assert duty.set_index("local_date").over.to_dict()[date(2026, 12, 7)] == 1 and duty.over.sum() == 1


def test_search_prices_a_two_week_roster_as_the_model_does():
    from ortools.sat.python import cp_model

    from planner.config import RosterWeights
    from planner.roster.interrupt import new_solver
    from planner.roster.lns import week_objective
    from planner.roster.model import COST_SCALE
    from planner.roster.rules import add_hard_rules, add_soft_rules

    cover = (DutyCoverConfig("early", staff=0, weight_over=7), DutyCoverConfig("late", staff=1, weight_over=3,
                                                                                weekdays=frozenset({5, 6})))
    cfg = make_config(shift_types=(EARLY, LATE), duty_cover=cover, max_working_weekends=1,
                      weights=RosterWeights(stable_start=1.0))
    agents = tuple(make_agent(a, start=time(6), end=time(22), max_hours=40, preferred_start=time(9))
                   for a in "abc")
    req = period_requirements(lambda t: 1 if 7 <= t.hour < 19 and t.weekday() < 5 else 0)

    def model():
        return new_roster_model(req, agents, cfg, WEEK, breaks="middle", weeks=2)

    rm = model()
    chosen, stuck, _, counts = best_response_roster(rm, 0, time_budget_s=2.0)
    assert not stuck
    score = week_objective(rm, chosen, counts)
    full = model()
    add_hard_rules(full)
    add_soft_rules(full)
    full.model.minimize(sum(c * e for c, e in full.penalties if c))
    for (aid, i), var in full.x.items():
        full.model.add(var == int(i in chosen[aid]))
    solver = new_solver()
    solver.parameters.num_workers = 1
    assert solver.solve(full.model) == cp_model.OPTIMAL
    assert score == pytest.approx(solver.objective_value / COST_SCALE)
