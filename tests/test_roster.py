"""Roster engine: a feasible and an infeasible two-agent case per hard rule, time zones, DST, checker."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pandas as pd
import pytest

from planner.config import ShiftTypeConfig
from planner.errors import InfeasibleRosterError
from planner.roster import build_roster, check_roster, diagnose, read_roster, write_roster
from planner.roster.shifts import candidate_shifts
from test_roster_helpers import EN, local_hours, make_agent, make_config, make_requirements, with_rules

WEEK = "2026-W49"  # Mon 2026-11-30 .. Sun 2026-12-06, no DST change in Europe
BERLIN = "Europe/Berlin"
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)


def solve(agents, config, week=WEEK, need=None, queues=(EN,), **kw):
    """Build a roster and assert the independent checker finds nothing."""
    req = make_requirements(week, config.team.home_timezone, need or local_hours(BERLIN, 9, 17), queues)
    roster = build_roster(req, tuple(agents), config, week, **kw)
    checks = check_roster(roster, tuple(agents), config, requirements=req, time_off=kw.get("time_off"),
                          previous=kw.get("previous"))
    assert checks.empty, checks.to_string()
    return roster


def hours_of(roster, aid):
    return float(roster.shifts.loc[roster.shifts.agent_id == aid, "paid_hours"].sum())


# ------------------------------------------------------------------------------------------- basics


def test_two_agents_cover_the_day_shift():
    cfg = make_config()
    agents = [make_agent("a"), make_agent("b")]
    r = solve(agents, cfg)
    assert r.status == "OPTIMAL" and r.gap == 0
    # 9-17 Berlin every day, one agent needed, each agent works 9-17: optimum is one agent a day, no shortfall
    cov = r.allocation.groupby("interval_start").size()
    assert len(cov) == 7 * 8 and (cov == 1).all()
    assert len(r.shifts) == 7
    assert r.settings["seed"] == 0 and r.settings["workers"] == 2


def test_shortfall_is_convex_two_intervals_one_short_beat_one_interval_two_short():
    # need 2 from 9-17 and 2 from 10-18 is impossible for one agent; the cheapest is shortfall spread thin
    cfg = make_config()
    agents = [make_agent("a", start=time(9), end=time(18), days=1, min_hours=8)]
    need = lambda t, q: 1 if t.tz_convert(BERLIN).date() == date(2026, 11, 30) and 9 <= t.tz_convert(BERLIN).hour < 18 else 0
    r = solve(agents, cfg, need=need)
    # one 8 h shift inside a 9 h need: exactly one hour short, on Monday
    assert len(r.shifts) == 1 and r.shifts.local_date.iloc[0] == date(2026, 11, 30)
    assert len(r.allocation) == 8
    assert r.diagnostics and r.diagnostics[0].startswith("phone:en is short 1 of 9 agent-hours; worst 1 agent(s)")


# ------------------------------------------------------------------------------- hard rules, 2 agents


def test_one_shift_per_day_feasible_and_infeasible():
    cfg = make_config()
    only_monday = tuple(range(1, 7))
    ok = [make_agent("a", min_hours=8, days_off=only_monday), make_agent("b")]
    r = solve(ok, cfg)
    assert hours_of(r, "a") == 8
    bad = [make_agent("a", min_hours=16, start=time(6), end=time(23), days_off=only_monday), make_agent("b")]
    with pytest.raises(InfeasibleRosterError, match=r"Agent A \(a\) can work at most 8 h .* at least 16 h"):
        solve(bad, cfg)


def test_availability_window_feasible_and_infeasible():
    cfg = make_config()
    r = solve([make_agent("a", min_hours=40, start=time(10), end=time(18)), make_agent("b")], cfg)
    for s in r.shifts[r.shifts.agent_id == "a"].itertuples():
        local = s.start_utc.tz_convert(BERLIN)
        assert local.hour == 10 and s.end_utc.tz_convert(BERLIN).hour == 18
    with pytest.raises(InfeasibleRosterError, match=r"can work at most 0 h"):
        solve([make_agent("a", min_hours=8, start=time(10), end=time(17)), make_agent("b")], cfg)


def test_time_off_feasible_and_infeasible():
    cfg = make_config()
    off = pd.DataFrame({"agent_id": ["a"], "start_utc": [pd.Timestamp("2026-11-30 00:00", tz="UTC")],
                        "end_utc": [pd.Timestamp("2026-12-03 00:00", tz="UTC")], "reason": ["leave"]})
    # leave Mon 01:00 - Thu 01:00 Berlin: Tue and Wed are whole days (16 h credited), Mon and Thu part days
    r = solve([make_agent("a", min_hours=32, max_hours=32), make_agent("b", max_hours=0)], cfg, time_off=off)
    a = r.shifts[r.shifts.agent_id == "a"]
    assert len(a) == 2 and (a.start_utc >= pd.Timestamp("2026-12-03", tz="UTC")).all()
    # an appointment 12:00-13:00 UTC every day leaves no room for a 9-17 Berlin shift (08-16 UTC)
    days = pd.date_range("2026-11-30 12:00", periods=7, freq="D", tz="UTC")
    daily = pd.DataFrame({"agent_id": "a", "start_utc": days, "end_utc": days + pd.Timedelta(hours=1),
                          "reason": "appointment"})
    with pytest.raises(InfeasibleRosterError, match="at most 0 h"):
        solve([make_agent("a", min_hours=8), make_agent("b")], cfg, time_off=daily)


def test_whole_days_of_leave_count_toward_the_contract():
    # 40 h in 5 days; leave Mon-Wed (Berlin dates) -> 2 days and 16-21 h are left to roster
    cfg = make_config()
    off = pd.DataFrame({"agent_id": ["a"], "start_utc": [pd.Timestamp("2026-11-29 23:00", tz="UTC")],
                        "end_utc": [pd.Timestamp("2026-12-02 23:00", tz="UTC")], "reason": ["vacation"]})
    agent = make_agent("a", days=5, min_hours=40, max_hours=45)
    r = solve([agent, make_agent("b")], cfg, time_off=off)
    assert len(r.shifts[r.shifts.agent_id == "a"]) == 2 and hours_of(r, "a") == 16
    # the checker applies the same credit, and without the leave the same roster breaks the contract
    rules = set(check_roster(r, (agent, make_agent("b")), cfg).rule)
    assert {"weekly_hours", "days_per_week"} <= rules


def test_min_rest_feasible_and_infeasible():
    # window 06:00-20:00, 8 h shifts: the earliest end is 14:00, the latest next start 12:00 -> at most 22 h rest
    only_mon_tue = (2, 3, 4, 5, 6)
    agents = [make_agent("a", days=2, start=time(6), end=time(20), days_off=only_mon_tue), make_agent("b")]
    r = solve(agents, make_config(min_rest_hours=22))
    a = r.shifts[r.shifts.agent_id == "a"].sort_values("start_utc")
    assert (a.start_utc.iloc[1] - a.end_utc.iloc[0]) >= pd.Timedelta(hours=22)
    with pytest.raises(InfeasibleRosterError, match="minimum rest of 23 h"):
        solve(agents, make_config(min_rest_hours=23))


def test_weekly_hours_feasible_and_infeasible():
    three_days = (3, 4, 5, 6)
    cfg = make_config(shift_hours=(8.0, 9.0))
    r = solve([make_agent("a", min_hours=27, start=time(8), end=time(18), days_off=three_days), make_agent("b")], cfg)
    assert hours_of(r, "a") == 27
    r = solve([make_agent("a", max_hours=16, start=time(8), end=time(18)), make_agent("b", max_hours=0)], cfg)
    assert hours_of(r, "a") <= 16 and hours_of(r, "b") == 0
    with pytest.raises(InfeasibleRosterError, match="at most 27 h .* at least 28 h"):
        solve([make_agent("a", min_hours=28, start=time(8), end=time(18), days_off=three_days),
               make_agent("b")], cfg)


def test_days_per_week_feasible_and_infeasible():
    cfg = make_config()
    r = solve([make_agent("a", days=5), make_agent("b", days=2)], cfg)
    assert r.shifts.groupby("agent_id").size().to_dict() == {"a": 5, "b": 2}
    with pytest.raises(InfeasibleRosterError, match="at most 4 day"):
        solve([make_agent("a", days=5, days_off=(0, 1, 2)), make_agent("b")], cfg)


def test_max_consecutive_days_feasible_and_infeasible():
    r = solve([make_agent("a", days=5), make_agent("b", days=2)], make_config(max_consecutive_days=3))
    days = sorted(r.shifts[r.shifts.agent_id == "a"].local_date)
    run = best = 1
    for x, y in zip(days, days[1:]):
        run = run + 1 if (y - x).days == 1 else 1
        best = max(best, run)
    assert best <= 3
    with pytest.raises(InfeasibleRosterError, match="at most 2 working days in a row"):
        solve([make_agent("a", days=6), make_agent("b")], make_config(max_consecutive_days=2))


def test_skills_only_and_one_queue_per_interval():
    de = ("chat", "de")
    cfg = make_config()
    agents = [make_agent("a", skills=(EN, de)), make_agent("b", skills=(EN,))]
    need = lambda t, q: (1 if 9 <= t.tz_convert(BERLIN).hour < 17 else 0)
    r = solve(agents, cfg, need=need, queues=(EN, de))
    assert not ((r.allocation.agent_id == "b") & (r.allocation.channel == "chat")).any()
    assert not r.allocation.duplicated(["agent_id", "interval_start"]).any()
    # both queues are fully served every weekday hour 9-17: a on chat:de, b on phone:en when both work
    both = r.allocation.groupby("interval_start").size()
    assert (both == 2).sum() > 0


# ----------------------------------------------------------------------------------- time zones, DST


def test_shifts_keep_their_length_across_spring_forward():
    cfg = make_config(shift_hours=(8.0,))
    a = make_agent("a", start=None, end=None, night_ok=True)
    sunday = [c for c in candidate_shifts(a, cfg, "2026-W13") if c.local_date == date(2026, 3, 29)]
    assert sunday and all(c.end_utc - c.start_utc == pd.Timedelta(hours=8) for c in sunday)
    # 02:00 does not exist that night: 23 wall-clock starts, none at 02:00
    assert sorted({c.start_local_min // 60 for c in sunday}) == [h for h in range(24) if h != 2]


@pytest.mark.parametrize("week,rest,feasible", [
    ("2026-W13", 10, False),  # spring forward: Sat 22:00 CET -> Sun 08:00 CEST is 9 h of real rest
    ("2026-W13", 9, True),
    ("2026-W43", 11, True),   # fall back: Sat 22:00 CEST -> Sun 08:00 CET is 11 h
    ("2026-W43", 12, False),
])
def test_rest_across_a_dst_change(week, rest, feasible):
    cfg = make_config(shift_hours=(14.0,), min_rest_hours=rest)
    agents = [make_agent("a", days=2, start=time(8), end=time(22), days_off=WEEKDAYS), make_agent("b")]
    if feasible:
        r = solve(agents, cfg, week=week)
        a = r.shifts[r.shifts.agent_id == "a"].sort_values("start_utc")
        assert a.start_utc.iloc[1] - a.end_utc.iloc[0] == pd.Timedelta(hours=rest)
    else:
        with pytest.raises(InfeasibleRosterError, match="minimum rest"):
            solve(agents, cfg, week=week)


def test_auckland_and_honolulu_in_one_team():
    cfg = make_config(tz="UTC")
    nz = make_agent("nz", tz="Pacific/Auckland", days=5)   # UTC+13 in December
    hi = make_agent("hi", tz="Pacific/Honolulu", days=5)   # UTC-10
    need = lambda t, q: 1 if t.hour in (19, 20, 21, 22, 23, 0, 1, 2, 3) else 0
    r = solve([nz, hi], cfg, need=need)
    for aid, tz, utc_start in (("nz", "Pacific/Auckland", 20), ("hi", "Pacific/Honolulu", 19)):
        own = r.shifts[r.shifts.agent_id == aid]
        assert len(own) == 5
        assert (own.start_utc.dt.tz_convert(tz).dt.hour == 9).all()
        assert (own.start_utc.dt.hour == utc_start).all()
        assert all(s.tz_convert(tz).date() == d for s, d in zip(own.start_utc, own.local_date))
    nz_dates = set(r.shifts[r.shifts.agent_id == "nz"].local_date)
    # Auckland's Monday 09:00 is Sunday 20:00 UTC, before the UTC week; its next Monday 09:00 falls inside it
    assert date(2026, 11, 30) not in nz_dates
    assert {d for c in candidate_shifts(nz, cfg, WEEK) for d in [c.local_date]} == \
        {date(2026, 12, d) for d in range(1, 8)}
    # together they cover 19:00-04:00 UTC: 19 from Honolulu only, 20-03 both, so no hour uncovered on 5+ days
    assert r.allocation.interval_start.dt.hour.isin([19, 20, 21, 22, 23, 0, 1, 2, 3]).all()


def test_overnight_shift_across_the_week_boundary_and_rest_into_next_week():
    cfg = make_config(min_rest_hours=11)
    night = make_agent("n", start=time(22), end=time(6), night_ok=True, days=7, max_hours=56)
    day = make_agent("d")
    need = lambda t, q: 1 if not 6 <= t.tz_convert(BERLIN).hour < 22 else 0
    r = solve([night, day], with_rules(cfg, max_consecutive_days=7), need=need)
    sunday = r.shifts[(r.shifts.agent_id == "n") & (r.shifts.local_date == date(2026, 12, 6))]
    assert len(sunday) == 1
    s = sunday.iloc[0]
    assert s.start_utc == pd.Timestamp("2026-12-06 21:00", tz="UTC")
    assert s.end_utc == pd.Timestamp("2026-12-07 05:00", tz="UTC")   # Monday 06:00 of the next week
    # coverage is counted on this week's grid only: Sunday 22:00-24:00 local
    last = r.allocation[(r.allocation.agent_id == "n") & (r.allocation.interval_start >= s.start_utc)]
    assert len(last) == 2
    # next week: the Monday 22:00 shift starts 16 h after the Sunday night shift ends: forbidden by 18 h rest
    free = make_agent("n", start=time(22), end=time(6), night_ok=True)
    nxt = solve([free, day], make_config(min_rest_hours=18, max_consecutive_days=14), week="2026-W50", need=need,
                previous=r.shifts)
    assert len(nxt.shifts[nxt.shifts.agent_id == "n"]) >= 3
    assert date(2026, 12, 7) not in set(nxt.shifts[nxt.shifts.agent_id == "n"].local_date)


def test_consecutive_days_counted_across_the_boundary():
    cfg = make_config(max_consecutive_days=3)
    a = make_agent("a", days=1, days_off=(1, 2, 3, 4, 5, 6))   # may work only Monday
    prev = solve([a, make_agent("b")], make_config(max_consecutive_days=7),
                 week="2026-W48", need=local_hours(BERLIN, 9, 17)).shifts
    prev = prev.iloc[0:0]
    fri_sun = pd.DataFrame({
        "agent_id": ["a"] * 3, "local_date": [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)],
        "start_utc": pd.to_datetime(["2026-11-27 08:00", "2026-11-28 08:00", "2026-11-29 08:00"], utc=True),
        "end_utc": pd.to_datetime(["2026-11-27 16:00", "2026-11-28 16:00", "2026-11-29 16:00"], utc=True),
        "break_start_utc": pd.to_datetime([None] * 3, utc=True), "break_end_utc": pd.to_datetime([None] * 3, utc=True),
        "paid_hours": [8.0] * 3})
    solve([a, make_agent("b")], cfg, previous=prev)  # without last week: Monday is fine
    with pytest.raises(InfeasibleRosterError, match="at most 3 working days in a row"):
        solve([a, make_agent("b")], cfg, previous=fri_sun)


# ------------------------------------------------------------------------------------------ solver


def test_same_input_seed_and_workers_give_the_same_roster():
    cfg = make_config(shift_hours=(8.0, 9.0), break_minutes=60, time_limit=12)
    agents = [make_agent(f"a{i}", start=time(7), end=time(21), days=5, min_hours=38) for i in range(4)]
    need = local_hours(BERLIN, 8, 20, 2)
    r1 = solve(agents, cfg, need=need)
    r2 = solve(agents, cfg, need=need)
    pd.testing.assert_frame_equal(r1.shifts, r2.shifts)
    pd.testing.assert_frame_equal(r1.allocation, r2.allocation)
    assert r1.objective == r2.objective


def test_progress_lines_report_objective_bound_and_gap():
    lines = []
    solve([make_agent("a"), make_agent("b")], make_config(), progress=lines.append)
    assert any("objective" in s and "bound" in s and "gap" in s for s in lines)


# ----------------------------------------------------------------------------------------- checker


@pytest.fixture(scope="module")
def good():
    cfg = make_config()
    agents = (make_agent("a", min_hours=24, max_hours=40, days=5, days_off=(6,)),
              make_agent("b", days=5, skills=(EN, ("chat", "de"))))
    return cfg, agents, solve(agents, cfg)


def _inject(roster, shifts=None, allocation=None):
    from dataclasses import replace
    return replace(roster, shifts=roster.shifts if shifts is None else shifts,
                   allocation=roster.allocation if allocation is None else allocation)


def test_checker_catches_injected_violations(good):
    cfg, agents, r = good
    s, al = r.shifts, r.allocation
    a_rows = s[s.agent_id == "a"].sort_values("start_utc")
    first = a_rows.iloc[0]
    hour = pd.Timedelta(hours=1)

    def rules_of(roster, **kw):
        return set(check_roster(roster, agents, cfg, **kw).rule)

    moved = s.copy()
    moved.loc[a_rows.index[0], ["start_utc", "end_utc"]] = [first.start_utc - 3 * hour, first.end_utc - 3 * hour]
    assert "availability" in rules_of(_inject(r, shifts=moved))
    assert "one_shift_per_day" in rules_of(_inject(r, shifts=pd.concat([s, s.iloc[[0]]], ignore_index=True)))
    longer = s.copy()
    longer.loc[a_rows.index[0], ["end_utc", "paid_hours"]] = [first.end_utc + hour, 9.0]
    got = rules_of(_inject(r, shifts=longer))
    assert {"shift_length", "availability"} <= got
    sunday = s.copy()
    sunday.loc[a_rows.index[-1], "local_date"] = date(2026, 12, 6)
    assert "local_date" in rules_of(_inject(r, shifts=sunday))
    fewer = s.drop(index=a_rows.index[0])
    got = rules_of(_inject(r, shifts=fewer))
    assert "days_per_week" in got and "allocation_outside_shift" in got
    wrong_skill = al.copy()
    idx = wrong_skill.index[wrong_skill.agent_id == "a"][0]
    wrong_skill.loc[idx, ["channel", "language"]] = ["chat", "de"]
    assert "skill" in rules_of(_inject(r, allocation=wrong_skill))
    double = pd.concat([al, al.iloc[[0]].assign(channel="chat", language="de")], ignore_index=True)
    assert "one_queue_per_interval" in rules_of(_inject(r, allocation=double))
    assert "unallocated" in rules_of(_inject(r, allocation=al.drop(index=al.index[0])))
    off = pd.DataFrame({"agent_id": ["a"], "start_utc": [first.start_utc], "end_utc": [first.start_utc + hour],
                        "reason": ["doctor"]})
    assert "time_off" in rules_of(r, time_off=off)
    prev = s[s.agent_id == "a"].iloc[[0]].assign(
        local_date=date(2026, 11, 29), start_utc=first.start_utc - pd.Timedelta(hours=18),
        end_utc=first.start_utc - pd.Timedelta(hours=10))
    assert "min_rest" in rules_of(r, previous=prev)
    strict = with_rules(cfg, max_consecutive_days=2)
    assert "max_consecutive_days" in set(check_roster(r, agents, strict).rule)
    night = s.copy()
    night.loc[a_rows.index[0], ["start_utc", "end_utc"]] = [first.start_utc - 6 * hour, first.end_utc - 6 * hour]
    assert "night" in rules_of(_inject(r, shifts=night))
    assert "weekly_hours" in set(check_roster(r, (agents[0].__class__(**{**agents[0].__dict__, "max_hours": 8}),
                                                  agents[1]), cfg).rule)


def test_checker_finds_nothing_on_the_solved_roster(good):
    cfg, agents, r = good
    assert check_roster(r, agents, cfg).empty


def test_roster_round_trips_through_csv(good, tmp_path):
    _, _, r = good
    path = write_roster(r, tmp_path / "out" / "2026-W49.roster.csv")
    assert (tmp_path / "out" / "2026-W49.roster.allocation.csv").exists()
    back = read_roster(path)
    pd.testing.assert_frame_equal(back.shifts, r.shifts, check_dtype=False)
    pd.testing.assert_frame_equal(back.allocation, r.allocation, check_dtype=False)
    assert (back.week, back.status, back.objective, back.gap) == (r.week, r.status, r.objective, r.gap)
    assert back.settings["seed"] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-W49.roster.allocation.csv", "2026-W49.roster.csv", "2026-W49.roster.meta.json"]


# -------------------------------------------------------------------------------------- diagnostics


def test_diagnose_names_short_availability_and_unstaffable_queues():
    cfg = make_config()
    agents = (make_agent("a", min_hours=40, days_off=(0, 1, 2, 3)), make_agent("b"))
    de = ("chat", "de")
    req = make_requirements(WEEK, BERLIN, local_hours(BERLIN, 9, 12), queues=(EN, de))
    notes = diagnose(req, agents, cfg, WEEK)
    assert any("Agent A (a) is available for at most 24 h" in n and "at least 40 h" in n for n in notes)
    assert any(n.startswith("chat:de has demand but no skilled agent") and "Mon 09:00-12:00" in n for n in notes)
    assert not any(n.startswith("phone:en") for n in notes)


def test_weekends_are_shared():
    from planner.config import RosterWeights
    cfg = make_config(days_off_together=False, weights=RosterWeights(stable_start=0.0, fairness=20.0))
    agents = [make_agent("a", days=4), make_agent("b", days=3)]
    r = solve(agents, cfg)
    assert len(r.shifts) == 7   # one agent every day
    for aid in ("a", "b"):
        weekend = [d for d in r.shifts[r.shifts.agent_id == aid].local_date if d.weekday() >= 5]
        assert len(weekend) == 1, (aid, weekend)


def test_breaks_are_staggered_where_coverage_suffers_least():
    # two agents, one 9 h shift each on Monday 08-17 with a 1 h break; 2 agents needed all day:
    # breaks at the same hour leave that hour 2 short (cost 1 + 2), staggered breaks 1 short twice (1 + 1)
    cfg = make_config(shift_hours=(9.0,), break_minutes=60, break_min_shift_hours=6.0)
    only_monday = (1, 2, 3, 4, 5, 6)
    agents = [make_agent(x, start=time(8), end=time(17), days=1, days_off=only_monday) for x in "ab"]
    need = lambda t, q: 2 if t.tz_convert(BERLIN).date() == date(2026, 11, 30) and 8 <= t.tz_convert(BERLIN).hour < 17 else 0
    r = solve(agents, cfg, need=need)
    assert r.settings["break_stage"]
    assert r.shifts.break_start_utc.notna().all()
    assert r.shifts.break_start_utc.nunique() == 2
    assert len(r.allocation) == 2 * 8
    assert r.diagnostics[0].startswith("phone:en is short 2 of 18 agent-hours; worst 1 agent(s)")


def test_half_hour_zone_counts_only_whole_intervals():
    # Kolkata is UTC+5:30: a 09:00-17:00 shift is 03:30-11:30 UTC; on the hourly UTC grid it works
    # 04:00-11:00 in full (7 intervals); the half intervals at both ends count for nothing
    cfg = make_config(tz="UTC")
    agent = make_agent("in", tz="Asia/Kolkata", days=1, days_off=(1, 2, 3, 4, 5, 6))
    r = solve([agent], cfg, need=lambda t, q: 1 if 3 <= t.hour < 12 and t.day == 30 else 0)
    s = r.shifts.iloc[0]
    assert (s.start_utc.hour, s.start_utc.minute, s.paid_hours) == (3, 30, 8.0)
    assert sorted(r.allocation.interval_start.dt.hour) == list(range(4, 11))


def test_demand_nobody_can_serve_costs_its_whole_convex_shortfall():
    # Monday: 1 needed 9-17 (a works it), 5 needed 20-21 when nobody is available. The k-th agent short
    # costs k x weight x priority up to 4, then 4 each: 1 + 2 + 3 + 4 + 4 = 14 x 100 x 3 (phone), nothing else
    cfg = make_config()
    agents = [make_agent("a", start=time(9), end=time(17), days=1, min_hours=8)]

    def need(t, q):
        local = t.tz_convert(BERLIN)
        if local.date() != date(2026, 11, 30):
            return 0
        return 1 if 9 <= local.hour < 17 else 5 if local.hour == 20 else 0

    r = solve(agents, cfg, need=need)
    assert r.status == "OPTIMAL"
    assert r.objective == pytest.approx(14 * cfg.rules.weights.shortfall * cfg.channels["phone"].priority) == 4200


# ------------------------------------------------------------------------ shift types with own lengths

NIGHT_10 = ShiftTypeConfig("night", time(22), time(23), (10.0,))  # a night shift is 10 h, other starts 8 or 9 h


def _local_span(c) -> tuple[str, str]:
    return (f"{c.start_utc.tz_convert(BERLIN):%H:%M}", f"{c.end_utc.tz_convert(BERLIN):%H:%M}")


def test_candidate_shifts_of_a_typed_start_have_only_its_lengths():
    cfg = make_config(shift_hours=(8.0, 9.0), shift_types=(ShiftTypeConfig("early", time(6), time(10)), NIGHT_10))
    a = make_agent("a", start=None, end=None, night_ok=True)
    wed = [c for c in candidate_shifts(a, cfg, WEEK) if c.local_date == date(2026, 12, 2)]
    by_start: dict[str, set] = {}
    for c in wed:
        by_start.setdefault(_local_span(c)[0], set()).add((c.paid_minutes / 60, _local_span(c)[1]))
    assert by_start["22:00"] == {(10.0, "08:00")}
    assert by_start["09:00"] == {(8.0, "17:00"), (9.0, "18:00")}  # early: no hours of its own
    assert by_start["21:00"] == {(8.0, "05:00"), (9.0, "06:00")} and by_start["23:00"] == {(8.0, "07:00"),
                                                                                             (9.0, "08:00")}
    assert len(by_start) == 24 and all(c.start_local_min == 22 * 60 for c in wed if c.paid_minutes == 600)
    # the agent's window still cuts: 20:00-07:00 holds no 10 h night shift, so 22:00 starts are gone
    short = make_agent("s", start=time(20), end=time(7), night_ok=True)
    starts = {_local_span(c) for c in candidate_shifts(short, cfg, WEEK) if c.local_date == date(2026, 12, 2)}
    assert ("22:00", "08:00") not in starts and {s for s, _ in starts} == {"20:00", "21:00", "23:00"}


def _night_and_day():
    """Need one agent Mon 09:00-17:00 and the night Mon 22:00 -> Tue 08:00 (Berlin)."""
    def need(t, q):
        local = t.tz_convert(BERLIN)
        day, h = local.date(), local.hour
        return int((day == date(2026, 11, 30) and (9 <= h < 17 or h >= 22)) or (day == date(2026, 12, 1) and h < 8))
    cfg = make_config(shift_hours=(8.0, 9.0), shift_types=(NIGHT_10,))
    agents = (make_agent("d"), make_agent("n", start=time(20), end=time(8), night_ok=True))
    return cfg, agents, need


@pytest.fixture(scope="module")
def night_roster():
    cfg, agents, need = _night_and_day()
    return cfg, agents, solve(agents, cfg, need=need)


def test_a_ten_hour_night_shift_is_chosen_and_checks_clean(night_roster):
    cfg, agents, r = night_roster
    night = r.shifts[r.shifts.agent_id == "n"]
    assert len(night) == 1 and night.local_date.iloc[0] == date(2026, 11, 30)
    s = night.iloc[0]
    assert (f"{s.start_utc.tz_convert(BERLIN):%H:%M}", f"{s.end_utc.tz_convert(BERLIN):%H:%M}", s.paid_hours) == \
        ("22:00", "08:00", 10.0)
    day = r.shifts[r.shifts.agent_id == "d"]
    assert set(day.paid_hours) == {8.0} and (day.local_date == date(2026, 11, 30)).all()
    assert r.objective == pytest.approx(0)  # the whole need is covered: 8 h by day, 10 h by night
    assert check_roster(r, agents, cfg).empty  # solve() checked with the requirements too


def test_checker_catches_a_length_its_shift_type_does_not_allow(night_roster):
    cfg, agents, r = night_roster
    s = r.shifts
    i = s.index[s.agent_id == "n"][0]
    night = s.loc[i]
    hour = pd.Timedelta(hours=1)
    nine = s.copy()  # a 9 h shift at 22:00: rules.shift_hours has 9, but a night shift is 10 h
    nine.loc[i, ["end_utc", "paid_hours"]] = [night.end_utc - hour, 9.0]
    found = check_roster(_inject(r, shifts=nine), agents, cfg)
    bad = found[found.rule == "shift_length"]
    assert len(bad) == 1 and (bad.agent_id.iloc[0], bad.local_date.iloc[0]) == ("n", date(2026, 11, 30))
    assert bad.detail.iloc[0] == ("the shift starting 22:00 lasts 9 h; shift type night (starts 22:00-23:00) "
                                  "allows 10 h")
    early = s.copy()  # a 10 h shift at 21:00 is of no type: rules.shift_hours apply
    early.loc[i, ["start_utc", "end_utc"]] = [night.start_utc - hour, night.end_utc - hour]
    found = check_roster(_inject(r, shifts=early), agents, cfg)
    bad = found[found.rule == "shift_length"]
    assert list(bad.detail) == ["the shift starting 21:00 lasts 10 h; rules.shift_hours allow 8, 9 h"]
    assert bad.agent_id.iloc[0] == "n" and bad.local_date.iloc[0] == date(2026, 11, 30)


def test_shift_types_only_allows_starts_in_the_windows_and_the_checker_flags_others(night_roster):
    cfg = make_config(shift_hours=(8.0, 9.0), shift_types=(ShiftTypeConfig("early", time(6), time(8)), NIGHT_10))
    only = replace(cfg, rules=replace(cfg.rules, shift_types_only=True))
    a = make_agent("a", start=None, end=None, night_ok=True)
    starts = {_local_span(c) for c in candidate_shifts(a, only, WEEK) if c.local_date == date(2026, 12, 2)}
    assert starts == {("06:00", "14:00"), ("06:00", "15:00"), ("07:00", "15:00"), ("07:00", "16:00"),
                      ("22:00", "08:00")}
    # the night roster's 22:00 shift moved to 21:00 (10 h) starts outside every window
    _, agents, r = night_roster
    s = r.shifts.copy()
    i = s.index[s.agent_id == "n"][0]
    hour = pd.Timedelta(hours=1)
    s.loc[i, ["start_utc", "end_utc"]] = [s.loc[i, "start_utc"] - hour, s.loc[i, "end_utc"] - hour]
    night_only = replace(only, rules=replace(only.rules, shift_types=(NIGHT_10,)))
    found = check_roster(_inject(r, shifts=s), agents, night_only)
    bad = found[found.rule == "shift_length"]
    assert sorted(zip(bad.agent_id, bad.detail)) == [  # the day agent's 09:00 shift has no type either
        (aid, f"the shift starts at {hh}, outside every shift type's window (rules.shift_types_only)")
        for aid, hh in (("d", "09:00"), ("n", "21:00"))]
