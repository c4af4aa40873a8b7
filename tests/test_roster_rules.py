"""The benchmark rule families in planner's own roster model: blocks of working days and days off,
per-agent limits, duty cover per day and shift type, and shift wishes.

Week 2026-W49 runs Mon 30 Nov - Sun 6 Dec 2026 in Europe/Berlin (no DST change). Every
roster the solver returns is checked by the pandas checker; expected rosters are worked
out by hand in the comments.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pandas as pd
import pytest

from planner.agents import agent_limits, read_agents, read_shift_requests
from planner.config import DutyCoverConfig, ShiftTypeConfig, config_from_dict
from planner.errors import ConfigError, InfeasibleRosterError, InputError
from planner.roster import build_roster, check_roster, evaluate_roster
from planner.roster.diagnose import duty_cover_notes, explain_agent
from planner.roster.evaluate import duty_cover_frame
from test_roster_helpers import EN, make_agent, make_config, make_requirements, sunday_late_shift

WEEK = "2026-W49"
TZ = "Europe/Berlin"
MON = date(2026, 11, 30)
DAY = {name: MON + timedelta(days=i) for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
TYPES = (ShiftTypeConfig("early", time(6), time(10)), ShiftTypeConfig("late", time(12), time(16)))
IDLE = make_agent("b", max_hours=0)  # the second agent of each two-agent case: never works


def need_on(*weekdays: int, first: int = 9, last: int = 17):
    """Return need(t, q): one agent from `first` to `last` o'clock Berlin time on the given weekdays."""
    def need(t, q):
        local = t.tz_convert(TZ)
        return int(local.weekday() in weekdays and first <= local.hour < last)
    return need


def solve(agents, cfg, need, **kw):
    """Build the roster and assert the independent checker finds nothing wrong with it."""
    req = make_requirements(WEEK, TZ, need)
    roster = build_roster(req, tuple(agents), cfg, WEEK, **kw)
    found = check_roster(roster, tuple(agents), cfg, previous=kw.get("previous"))
    assert found.empty, found.to_string()
    return roster, req


def worked(roster, aid="a") -> list[int]:
    return sorted(d.weekday() for d in roster.shifts[roster.shifts.agent_id == aid].local_date)


def last_week(aid: str, *days: date) -> pd.DataFrame:
    """Return last week's shifts of `aid`: 09:00-17:00 Berlin (08:00-16:00 UTC in winter) on the given dates."""
    starts = pd.to_datetime([f"{d} 08:00" for d in days], utc=True)
    return pd.DataFrame({"agent_id": [aid] * len(days), "local_date": list(days), "start_utc": starts,
                         "end_utc": starts + pd.Timedelta(hours=8),
                         "break_start_utc": pd.to_datetime([None] * len(days), utc=True),
                         "break_end_utc": pd.to_datetime([None] * len(days), utc=True),
                         "paid_hours": [8.0] * len(days)})


NOBODY_LAST_WEEK = last_week("a").iloc[0:0]  # last week given: nobody worked
SAT_SUN = (MON - timedelta(days=2), MON - timedelta(days=1))


# ----------------------------------------------------------------------------- min consecutive days


def test_min_consecutive_days_feasible_and_the_checker_catches_lone_days():
    # a works 2 days; demand on Tuesday and Thursday. Free: Tue + Thu (full cover, objective 5 for the lone
    # day off between). With blocks of at least 2 a lone Tue or Thu is forbidden: one demanded day stays
    # uncovered, 8 agent-hours short.
    a = make_agent("a", days=2, min_hours=16, max_hours=16)
    need = need_on(1, 3)
    free, _ = solve([a, IDLE], make_config(), need)
    assert worked(free) == [1, 3]
    ruled = make_config(min_consecutive_days=2)
    found = check_roster(free, (a, IDLE), ruled)
    assert list(found.rule) == ["min_consecutive_days"] * 2 and list(found.local_date) == [DAY["tue"], DAY["thu"]]
    assert "only 1 working days in a row" in found.detail[0]
    roster, req = solve([a, IDLE], ruled, need)
    days = worked(roster)
    assert days[1] - days[0] == 1 and {1, 3} & set(days)  # two days in a row, one of them demanded
    assert evaluate_roster(roster, req, (a, IDLE), ruled).shortfall_hours == 8


def test_min_consecutive_days_infeasible_names_the_rule():
    # available only Tuesday and Thursday and contracted for both: two lone working days
    a = make_agent("a", days=2, days_off=(0, 2, 4, 5, 6))
    with pytest.raises(InfeasibleRosterError) as err:
        solve([a, IDLE], make_config(min_consecutive_days=2), need_on(1, 3))
    assert any("working days in blocks of at least 2 in a row cannot be met" in c for c in err.value.conflicts)


def test_min_consecutive_days_per_agent_overrides_the_team():
    a = make_agent("a", days=2, days_off=(0, 2, 4, 5, 6))
    with pytest.raises(InfeasibleRosterError):
        solve([replace(a, min_consecutive_days=2), IDLE], make_config(), need_on(1, 3))
    roster, _ = solve([replace(a, min_consecutive_days=1), IDLE], make_config(min_consecutive_days=3), need_on(1, 3))
    assert worked(roster) == [1, 3]


def test_block_touching_the_end_of_the_week_is_not_judged():
    sunday_only = make_agent("a", days=1, days_off=(0, 1, 2, 3, 4, 5))
    roster, _ = solve([sunday_only, IDLE], make_config(min_consecutive_days=3), need_on(6))
    assert worked(roster) == [6]
    saturday_only = make_agent("a", days=1, days_off=(0, 1, 2, 3, 4, 6))  # closed by Sunday off: judged
    with pytest.raises(InfeasibleRosterError):
        solve([saturday_only, IDLE], make_config(min_consecutive_days=3), need_on(5))


def test_block_touching_the_start_is_checked_against_last_week_when_given():
    monday_only = make_agent("a", days=1, days_off=(1, 2, 3, 4, 5, 6))
    cfg = make_config(min_consecutive_days=3)
    roster, _ = solve([monday_only, IDLE], cfg, need_on(0))  # last week unknown: Monday may continue it
    assert worked(roster) == [0]
    # last week given and a was off: Monday alone is a block of one
    assert list(check_roster(roster, (monday_only, IDLE), cfg, previous=NOBODY_LAST_WEEK).rule) == [
        "min_consecutive_days"]
    with pytest.raises(InfeasibleRosterError):
        solve([monday_only, IDLE], cfg, need_on(0), previous=NOBODY_LAST_WEEK)
    # a worked last Saturday and Sunday: Monday makes the block three long
    roster, _ = solve([monday_only, IDLE], cfg, need_on(0), previous=last_week("a", *SAT_SUN))
    assert worked(roster) == [0]
    # only last Sunday: Sun + Mon = 2 < 3
    assert list(check_roster(roster, (monday_only, IDLE), cfg, previous=last_week("a", SAT_SUN[1])).rule) == [
        "min_consecutive_days"]


def test_a_block_wholly_in_last_week_is_not_judged_again():
    # a worked only last Sunday (a block of one that touched the end of last week); this week's demand
    # is on Tuesday and Wednesday. Monday off ends last week's block, but that block was last week's to
    # judge: this week is not forced to work Monday to lengthen it, whether Monday is free or a fixed day off
    cfg = make_config(min_consecutive_days=2)
    previous = last_week("a", SAT_SUN[1])
    for days_off in ((), (0,)):
        a = make_agent("a", days=2, days_off=days_off)
        roster, _ = solve([a, IDLE], cfg, need_on(1, 2), previous=previous)
        assert worked(roster) == [1, 2]


# ----------------------------------------------------------------------------- min consecutive days off


def test_min_consecutive_days_off_feasible_and_the_checker_catches_lone_days_off():
    # a works 5 days; demand on Mon, Tue, Thu, Fri, Sun. Free: exactly those (lone days off Wed and Sat).
    # With days off in pairs: off Wed+Thu or Sat+Sun covers 4 of the 5 demanded days (8 h short); a lone
    # day off is allowed only at the start of the week, and Mon + one more lone day is not enough.
    a = make_agent("a", days=5)
    need = need_on(0, 1, 3, 4, 6)
    free, _ = solve([a, IDLE], make_config(), need)
    assert worked(free) == [0, 1, 3, 4, 6]
    ruled = make_config(min_consecutive_days_off=2)
    found = check_roster(free, (a, IDLE), ruled)
    assert list(found.rule) == ["min_consecutive_days_off"] * 2
    assert list(found.local_date) == [DAY["wed"], DAY["sat"]]
    roster, req = solve([a, IDLE], ruled, need)
    assert evaluate_roster(roster, req, (a, IDLE), ruled).shortfall_hours == 8


def test_min_consecutive_days_off_infeasible_names_the_rule():
    # Wednesday is the only day off (fixed) and the contract asks for the other six days
    a = make_agent("a", days=6, days_off=(2,))
    cfg = make_config(min_consecutive_days_off=2)
    with pytest.raises(InfeasibleRosterError) as err:
        solve([a, IDLE], cfg, need_on(0, 1, 3, 4, 5, 6))
    assert any("days off in blocks of at least 2 in a row" in c for c in err.value.conflicts)
    assert any("days off in blocks" in line for line in explain_agent(a, cfg, WEEK))


def test_days_off_at_the_start_are_checked_against_last_week_when_given():
    # a works Tue-Sun (six days); Monday is a lone day off when a worked last Sunday
    a = make_agent("a", days=6, days_off=(0,))
    cfg = make_config(min_consecutive_days_off=2)
    roster, _ = solve([a, IDLE], cfg, need_on(1, 2, 3, 4, 5, 6))  # last week unknown: not judged
    assert worked(roster) == [1, 2, 3, 4, 5, 6]
    roster, _ = solve([a, IDLE], cfg, need_on(1, 2, 3, 4, 5, 6), previous=last_week("a", SAT_SUN[0]))
    assert worked(roster) == [1, 2, 3, 4, 5, 6]  # off last Sunday and this Monday: two days
    with pytest.raises(InfeasibleRosterError):
        solve([a, IDLE], cfg, need_on(1, 2, 3, 4, 5, 6), previous=last_week("a", SAT_SUN[1]))
    found = check_roster(roster, (a, IDLE), cfg, previous=last_week("a", SAT_SUN[1]))
    assert list(found.rule) == ["min_consecutive_days_off"] and list(found.local_date) == [MON]


# ----------------------------------------------------------------------------- per-agent limits


def test_per_agent_weekend_and_type_limits_override_the_team():
    # 12:00-20:00 with 8 h shifts: every shift starts at 12:00, a late one; Friday to Sunday available
    a = make_agent("a", days=3, start=time(12), end=time(20), days_off=(0, 1, 2, 3))
    need = need_on(4, 5, 6, first=12, last=20)
    cfg = make_config(shift_types=TYPES, max_weekend_days=1, max_shifts_of_type=(("late", 1),))
    loose = replace(a, max_weekend_days=2, max_shifts_of_type=(("late", 3),))
    roster, _ = solve([loose, IDLE], cfg, need)
    assert worked(roster) == [4, 5, 6]
    assert agent_limits(loose, cfg.rules).max_shifts_of_type == (("late", 3),)
    found = check_roster(roster, (a, IDLE), cfg)  # the team's limits for the same roster
    assert sorted(found.rule) == ["max_shifts_of_type", "max_weekend_days"]
    assert all("planner.toml [rules]" in d for d in found.detail)
    tight = replace(a, max_weekend_days=0)
    found = check_roster(roster, (tight, IDLE), make_config(shift_types=TYPES))
    assert list(found.rule) == ["max_weekend_days"] and "the agent's own" in found.detail[0]
    with pytest.raises(InfeasibleRosterError) as err:
        solve([tight, IDLE], make_config(shift_types=TYPES), need)  # three days, only Friday is not a weekend
    assert any("at most 0 day(s) worked of each weekend" in c for c in err.value.conflicts)


def test_per_agent_max_consecutive_days():
    a = replace(make_agent("a", days=4, days_off=(4, 5, 6)), max_consecutive_days=3)  # Mon-Thu available
    with pytest.raises(InfeasibleRosterError) as err:
        solve([a, IDLE], make_config(), need_on(0, 1, 2, 3))
    assert any("at most 3 working days in a row" in c for c in err.value.conflicts)


def test_each_optional_rule_has_words_for_a_manager():
    from planner.roster.diagnose import _RULE_WORDS
    from planner.roster.rules import HARD_RULES, OPTIONAL_HARD_RULES
    assert set(_RULE_WORDS) == set(HARD_RULES + OPTIONAL_HARD_RULES)


def test_forbidden_succession_diagnosis_names_the_types():
    # late-only agent on two days in a row with late > late forbidden
    a = make_agent("a", days=2, start=time(12), end=time(20), days_off=(2, 3, 4, 5, 6))
    cfg = make_config(shift_types=TYPES, forbidden_successions=(("late", "late"),))
    lines = explain_agent(a, cfg, WEEK)
    assert any("no late shift the day after a late shift" in line for line in lines), lines


# ----------------------------------------------------------------------------- duty cover


def two_agents(**kw):
    """a and b: one 8 h day each, free 06:00-22:00; b prefers to start at 06:00 (1 point per hour away)."""
    a = make_agent("a", days=1, min_hours=8, max_hours=8, start=time(6), end=time(22))
    b = make_agent("b", days=1, min_hours=8, max_hours=8, start=time(6), end=time(22), preferred_start=time(6), **kw)
    return a, b


def test_duty_cover_changes_the_roster():
    # Monday 09-17 needs one agent: a covers it, and b's day goes to its preferred 06:00 start. A late shift
    # wanted on Tuesday (100 points short) is worth more than any preference: the cheapest way is b on
    # Monday at 09:00 (3 points from 06:00) and a on the late shift (no preference), not b on the late
    # shift (6 points).
    a, b = two_agents()
    need = need_on(0)
    free, _ = solve([a, b], make_config(shift_types=TYPES), need)
    assert free.shifts.set_index("agent_id").start_utc["b"].tz_convert(TZ).hour == 6
    late_tue = DutyCoverConfig("late", staff=1, weekdays=frozenset({1}))
    cfg = make_config(shift_types=TYPES, duty_cover=(late_tue,))
    assert duty_cover_frame(free, (a, b), cfg).to_dict("records") == [
        {"local_date": DAY["tue"], "shift_type": "late", "skills": "", "required": 1, "scheduled": 0, "under": 1,
         "over": 0}]
    roster, req = solve([a, b], cfg, need)
    shifts = roster.shifts.set_index("agent_id")
    assert (shifts.local_date["b"], shifts.start_utc["b"].tz_convert(TZ).hour) == (DAY["mon"], 9)
    assert shifts.local_date["a"] == DAY["tue"] and 12 <= shifts.start_utc["a"].tz_convert(TZ).hour < 16
    ev = evaluate_roster(roster, req, (a, b), cfg)
    assert ev.duty_cover[["required", "scheduled", "under", "over"]].values.tolist() == [[1, 1, 0, 0]]
    assert duty_cover_notes(ev.duty_cover) == [] and ev.shortfall_hours == 0


def test_duty_cover_over_cover_weight_keeps_a_shift_type_empty():
    # Monday 10-18 needs one agent. Free: a covers it at 10:00, b starts at its preferred 06:00; objective
    # 16 (8 surplus agent-hours x 2). No early shift (06:00-10:00) wanted at all (staff 0, 50 points per
    # person over): b's 06:00 would cost 50, so b starts at 10:00 instead (4 points): objective 20.
    a, b = two_agents()
    need = need_on(0, first=10, last=18)
    free, _ = solve([a, b], make_config(shift_types=TYPES), need)
    assert free.shifts.set_index("agent_id").start_utc["b"].tz_convert(TZ).hour == 6
    assert free.objective == pytest.approx(16)
    no_early = DutyCoverConfig("early", staff=0, weight_under=0, weight_over=50)
    cfg = make_config(shift_types=TYPES, duty_cover=(no_early,))
    roster, req = solve([a, b], cfg, need)
    assert roster.objective == pytest.approx(20)
    assert roster.shifts.set_index("agent_id").start_utc["b"].tz_convert(TZ).hour == 10
    assert evaluate_roster(roster, req, (a, b), cfg).duty_cover.over.tolist() == [0] * 7
    assert evaluate_roster(free, req, (a, b), cfg).duty_cover.over.sum() == 1


def test_duty_cover_counts_only_agents_with_the_skills_and_reports_short_days():
    chat = ("chat", "en")
    a = make_agent("a", skills=(EN,))
    c = make_agent("c", skills=(EN, chat))
    shifts = pd.DataFrame({
        "agent_id": ["a", "c", "c"], "local_date": [DAY["mon"], DAY["mon"], DAY["tue"]],
        "start_utc": pd.to_datetime(["2026-11-30 13:00", "2026-11-30 12:00", "2026-12-01 05:00"], utc=True)})
    shifts["end_utc"] = shifts.start_utc + pd.Timedelta(hours=8)
    from planner.roster.result import RosterResult
    roster = RosterResult(WEEK, shifts, pd.DataFrame(), "FEASIBLE", 0.0, 0.0, 0.0, 0.0)
    cfg = config_from_dict({"rules": {
        "shift_types": {"early": "06:00-10:00", "late": "12:00-16:00"},
        "duty_cover": [{"shift_type": "late", "days": "mon-tue", "staff": 2},
                       {"shift_type": "late", "days": "mon", "staff": 1, "skills": ["chat:en"]},
                       {"shift_type": "early", "days": ["2026-12-01"], "staff": 1, "weight_under": 10}]}})
    got = duty_cover_frame(roster, (a, c), cfg)
    # Monday: a (14:00) and c (13:00) are late; only c has chat:en. Tuesday: c early at 06:00, nobody late.
    assert got.values.tolist() == [
        [DAY["mon"], "late", "", 2, 2, 0, 0], [DAY["mon"], "late", "chat:en", 1, 1, 0, 0],
        [DAY["tue"], "early", "", 1, 1, 0, 0], [DAY["tue"], "late", "", 2, 0, 2, 0]]
    note, = duty_cover_notes(got)
    assert note.startswith("Duty cover is short 2 person-shift(s) on 1 day(s)")
    assert "Tue 2026-12-01 late: 0 of 2" in note


def test_duty_cover_from_planner_toml():
    cfg = config_from_dict({"team": {"languages": ["en"]}, "rules": {
        "shift_types": {"night": "22:00-02:00"},
        "duty_cover": [{"shift_type": "night", "days": "mon-sun", "staff": 1},
                       {"shift_type": "night", "days": ["2026-12-24", date(2026, 12, 25)], "staff": 2,
                        "weight_under": 500, "weight_over": 1, "skills": ["phone:en"]}]}})
    every, xmas = cfg.rules.duty_cover
    assert (every.weekdays, every.weight_under, every.weight_over, every.skills) == (
        frozenset(range(7)), 100.0, 0.0, ())
    assert xmas.dates == {date(2026, 12, 24), date(2026, 12, 25)} and xmas.skills == (EN,)
    plain = config_from_dict({"rules": {"shift_types": {"night": "22:00-02:00"}, "duty_cover": [
        {"shift_type": "night", "staff": 1}, {"shift_type": "night", "days": ["2026-12-24"], "staff": 3}]}})
    assert [e.staff for e in plain.rules.duty_cover_on(date(2026, 12, 24))] == [3]  # the date overrides
    assert [e.staff for e in plain.rules.duty_cover_on(date(2026, 12, 23))] == [1]


@pytest.mark.parametrize("entry, key, fragment", [
    ({"shift_type": "late"}, "rules.duty_cover[1].shift_type", "shift type of [rules.shift_types] (night)"),
    ({"shift_type": "night", "days": "weekend"}, "rules.duty_cover[1].days", 'weekdays like "mon-sun"'),
    ({"shift_type": "night", "days": ["2026-02-30"]}, "rules.duty_cover[1].days", "no such date"),
    ({"shift_type": "night", "staff": 1.5}, "rules.duty_cover[1].staff", "whole number"),
    ({"shift_type": "night", "weight_under": -1}, "rules.duty_cover[1].weight_under", "at least 0"),
    ({"shift_type": "night", "skills": ["phone:xx"]}, "rules.duty_cover[1].skills", "'phone:xx'"),
    ({"shift_type": "night", "skills": "phone:en"}, "rules.duty_cover[1].skills", "list of queues"),
    ({"shift_type": "night", "staf": 1}, "rules.duty_cover[1].staf", "unknown key"),
])
def test_duty_cover_errors_name_the_key(entry, key, fragment):
    with pytest.raises(ConfigError) as err:
        config_from_dict({"rules": {"shift_types": {"night": "22:00-02:00"}, "duty_cover": [entry]}},
                         "ws/planner.toml")
    assert str(err.value).startswith(f"ws/planner.toml: {key}: ") and fragment in str(err.value), str(err.value)


def test_duty_cover_overlap_and_min_days_errors():
    with pytest.raises(ConfigError, match=r"rules.duty_cover\[2\].days: rules.duty_cover\[1\] already sets .* sat"):
        config_from_dict({"rules": {"shift_types": {"night": "22:00-02:00"}, "duty_cover": [
            {"shift_type": "night", "days": "fri-sun"}, {"shift_type": "night", "days": "sat"}]}})
    with pytest.raises(ConfigError, match=r"rules.min_consecutive_days: expected at most max_consecutive_days \(3\)"):
        config_from_dict({"rules": {"min_consecutive_days": 4, "max_consecutive_days": 3}})
    with pytest.raises(ConfigError, match=r"rules.min_consecutive_days_off: .* at most 7"):
        config_from_dict({"rules": {"min_consecutive_days_off": 8}})
    assert config_from_dict({}).rules.min_consecutive_days == 1


# ----------------------------------------------------------------------------- shift wishes


def wishes(*rows) -> pd.DataFrame:
    return pd.DataFrame([(aid, d, kind, want, float(w)) for aid, d, kind, want, w in rows],
                        columns=["agent_id", "local_date", "shift_type", "want", "weight"])


def test_shift_wishes_change_the_roster():
    # Monday 09-17 needs one agent, and either a or b can go. a wishes Monday off (5 points) and to work
    # on Thursday (3 points): b takes Monday, a works Thursday; both wishes granted.
    a = make_agent("a", days=1, min_hours=8, max_hours=8)
    b = make_agent("b", days=1, min_hours=8, max_hours=8)
    cfg = make_config(shift_types=TYPES)
    asked = wishes(("a", DAY["mon"], "", "off", 5), ("a", DAY["thu"], "", "on", 3),
                   ("a", DAY["mon"] + timedelta(days=30), "", "on", 9))  # outside the week: ignored
    roster, req = solve([a, b], cfg, need_on(0), shift_requests=asked)
    assert worked(roster, "a") == [3] and worked(roster, "b") == [0]
    fair = evaluate_roster(roster, req, (a, b), cfg, shift_requests=asked).fairness.set_index("agent_id")
    assert fair.loc["a", ["wishes_granted", "wishes_unmet"]].tolist() == [2, 0]
    assert fair.loc["b", ["wishes_granted", "wishes_unmet"]].tolist() == [0, 0]
    # wishes to work both Tuesday and Wednesday with one day's contract: one of them is not granted,
    # the heavier one (Wednesday, 4 > 2) is
    both = wishes(("b", DAY["tue"], "", "on", 2), ("b", DAY["wed"], "", "on", 4))
    roster, req = solve([make_agent("a", days=1, min_hours=8, max_hours=8), b], cfg, need_on(0),
                        shift_requests=both)
    assert worked(roster, "b") == [2]
    fair = evaluate_roster(roster, req, (a, b), cfg, shift_requests=both).fairness.set_index("agent_id")
    assert fair.loc["b", ["wishes_granted", "wishes_unmet"]].tolist() == [1, 1]


def test_shift_wish_for_a_type_and_its_cost_in_the_objective():
    # b wishes an early shift on Tuesday (weight 7), but its only day is Monday when it must cover 09-17
    # (a cannot); the unmet wish adds exactly 7 points to the objective
    a = make_agent("a", max_hours=0)
    b = make_agent("b", days=1, min_hours=8, max_hours=8, start=time(6), end=time(17))
    cfg = make_config(shift_types=TYPES)
    base, _ = solve([a, b], cfg, need_on(0))
    roster, req = solve([a, b], cfg, need_on(0), shift_requests=wishes(("b", DAY["mon"], "late", "on", 7)))
    assert worked(roster, "b") == [0] and roster.objective == pytest.approx(base.objective + 7)
    late = evaluate_roster(roster, req, (a, b), cfg, shift_requests=wishes(("b", DAY["mon"], "late", "on", 7)))
    early = evaluate_roster(roster, req, (a, b), cfg, shift_requests=wishes(("b", DAY["mon"], "early", "on", 7)))
    assert late.fairness.set_index("agent_id").loc["b", ["wishes_granted", "wishes_unmet"]].tolist() == [0, 1]
    assert early.fairness.set_index("agent_id").loc["b", ["wishes_granted", "wishes_unmet"]].tolist() == [1, 0]


def write(tmp_path, text: str, name: str = "shift_requests.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_shift_requests(tmp_path):
    cfg = make_config(shift_types=TYPES)
    team = (make_agent("a"), make_agent("b", tz="America/New_York"))
    path = write(tmp_path, "agent_id,date,shift_type,want,weight\n"
                           "a,2026-12-01,late,on,2\nb,2026-12-05,,OFF,\n,,,,\na,2027-01-05,early,off,1\n")
    got = read_shift_requests(path, team, cfg)
    assert got.values.tolist() == [["a", DAY["tue"], "late", "on", 2.0], ["b", DAY["sat"], "", "off", 1.0],
                                   ["a", date(2027, 1, 5), "early", "off", 1.0]]
    assert len(read_shift_requests(path, team, cfg, WEEK)) == 2  # January is outside the week: dropped
    assert read_shift_requests(tmp_path / "none.csv", team, cfg).empty


@pytest.mark.parametrize("row, column, fragment", [
    ("x,2026-12-01,late,on,1", "agent_id", "an agent_id of the agents file (a, b)"),
    ("a,2026-13-01,late,on,1", "date", "a local date like 2026-12-01"),
    ("a,2026-12-01 09:00,late,on,1", "date", "without a time"),
    ("a,2026-12-01,night,on,1", "shift_type", "(early, late), or empty for any shift"),
    ("a,2026-12-01,late,maybe,1", "want", "on (wishes to work) or off"),
    ("a,2026-12-01,late,on,heavy", "weight", "objective points from 0"),
    ("a,2026-12-01,late,on,-1", "weight", "objective points from 0"),
])
def test_shift_request_errors_name_file_row_and_column(tmp_path, row, column, fragment):
    path = write(tmp_path, f"agent_id,date,shift_type,want,weight\na,2026-12-02,,on,1\n{row}\n")
    with pytest.raises(InputError) as err:
        read_shift_requests(path, (make_agent("a"), make_agent("b")), make_config(shift_types=TYPES))
    assert (err.value.row, err.value.column) == (3, column)
    assert str(err.value).startswith(f"{path}, row 3, column '{column}': got ") and fragment in str(err.value)


def test_shift_requests_missing_column_and_many_bad_rows(tmp_path):
    team, cfg = (make_agent("a"),), make_config(shift_types=TYPES)
    with pytest.raises(InputError, match="missing column.*want"):
        read_shift_requests(write(tmp_path, "agent_id,date\na,2026-12-01\n"), team, cfg)
    with pytest.raises(InputError, match=r"2 bad shift request rows:\n  row 2, .*\n  row 3, "):
        read_shift_requests(write(tmp_path, "agent_id,date,want\nx,2026-12-01,on\na,soon,on\n"), team, cfg)
    no_types = make_config()
    with pytest.raises(InputError, match=r"none defined"):
        read_shift_requests(write(tmp_path, "agent_id,date,shift_type,want\na,2026-12-01,late,on\n"), team, no_types)


# ----------------------------------------------------------------------------- agents.csv limits


HEADER = "agent_id,name,timezone,languages,channels,contract_hours"
LIMITS = "max_weekend_days,max_shifts_of_type,min_consecutive_days,min_consecutive_days_off,max_consecutive_days"


def test_agent_limits_from_agents_csv(tmp_path):
    cfg = config_from_dict({"rules": {"shift_types": {"early": "06:00-10:00", "night": "22:00-02:00"},
                                      "max_shifts_of_type": {"early": 4, "night": 1}, "max_weekend_days": 2,
                                      "min_consecutive_days_off": 2}})
    path = write(tmp_path, f"{HEADER},{LIMITS}\nA1,Ana,Europe/Berlin,en,phone,40,1,night:2,2,,5\n"
                           f"A2,Bo,Europe/Berlin,en,phone,40,,,,,\n", "agents.csv")
    a1, a2 = read_agents(path, cfg)
    assert (a1.max_weekend_days, a1.max_shifts_of_type, a1.min_consecutive_days, a1.min_consecutive_days_off,
            a1.max_consecutive_days) == (1, (("night", 2),), 2, None, 5)
    lim = agent_limits(a1, cfg.rules)
    assert (lim.max_weekend_days, lim.max_shifts_of_type, lim.min_consecutive_days, lim.min_consecutive_days_off,
            lim.max_consecutive_days) == (1, (("early", 4), ("night", 2)), 2, 2, 5)
    lim = agent_limits(a2, cfg.rules)
    assert (lim.max_weekend_days, lim.max_shifts_of_type, lim.max_consecutive_days) == (
        2, (("early", 4), ("night", 1)), 6)
    from planner.agents import write_agents
    assert read_agents(write_agents((a1, a2), tmp_path / "out.csv"), cfg) == (
        replace(a1, row=2), replace(a2, row=3))


@pytest.mark.parametrize("cells, column, fragment", [
    ("3,,,,", "max_weekend_days", "from 0 to 2"),
    (",late:2,,,", "max_shifts_of_type", "(early, night); cannot read 'late:2'"),
    (",night:400,,,", "max_shifts_of_type", "most shifts per planning period (0-366)"),
    (",night,,,", "max_shifts_of_type", "cannot read 'night'"),
    (",,0,,", "min_consecutive_days", "from 1 to 7"),
    (",,,x,", "min_consecutive_days_off", "days off in a row from 1 to 7"),
    (",,,,15", "max_consecutive_days", "from 1 to 14"),
    (",,4,,3", "min_consecutive_days", "min_consecutive_days (4) at most max_consecutive_days (3)"),
])
def test_agent_limit_errors_name_row_and_column(tmp_path, cells, column, fragment):
    cfg = config_from_dict({"rules": {"shift_types": {"early": "06:00-10:00", "night": "22:00-02:00"}}})
    path = write(tmp_path, f"{HEADER},{LIMITS}\nA1,Ana,Europe/Berlin,en,phone,30,{cells}\n", "agents.csv")
    with pytest.raises(InputError) as err:
        read_agents(path, cfg)
    assert (err.value.row, err.value.column) == (2, column) and fragment in str(err.value), str(err.value)


def test_own_max_consecutive_days_bounds_the_days_a_week(tmp_path):
    # at most 2 days in a row leaves at most 5 days of a week (2 + off + 2 + off + 1)
    path = write(tmp_path, f"{HEADER},days_per_week,max_consecutive_days\n"
                           "A1,Ana,Europe/Berlin,en,phone,30,6,2\nA2,Bo,Europe/Berlin,en,phone,30,5,2\n", "agents.csv")
    with pytest.raises(InputError) as err:
        read_agents(path, make_config())
    assert (err.value.row, err.value.column) == (2, "days_per_week")
    assert "at most 5 days: the agent's max_consecutive_days is 2" in str(err.value)


# ----------------------------------------------------------------------------- through the command line


def test_roster_command_reads_wishes_and_reports_duty_cover(tmp_path):
    # a tiny workspace with saved requirements (Monday 09-17): no history needed. Duty cover asks for a late
    # shift (12:00-16:00 start) every day from two agents with one day each: one covers Monday at 09:00, not
    # late; the other works late on Thursday, a's wish. Six days short: 6 x 100 + 8 surplus hours x 2 = 616.
    import openpyxl
    from click.testing import CliRunner

    from planner.cli import main
    from planner.fileio import write_csv

    (tmp_path / "rosters").mkdir()
    (tmp_path / "planner.toml").write_text(
        '[team]\nhome_timezone = "Europe/Berlin"\n[rules]\nshift_hours = [8]\nbreak_minutes = 0\n'
        '[rules.shift_types]\nearly = "06:00-10:00"\nlate = "12:00-16:00"\n'
        '[[rules.duty_cover]]\nshift_type = "late"\nstaff = 1\n[solver]\ntime_limit_seconds = 3\n')
    (tmp_path / "rosters" / "agents.csv").write_text(
        "agent_id,name,timezone,languages,channels,contract_hours,days_per_week,earliest_start,latest_end\n"
        "a,Ana,Europe/Berlin,en,phone,8,1,09:00,22:00\nb,Bo,Europe/Berlin,en,phone,8,1,09:00,22:00\n")
    (tmp_path / "rosters" / "shift_requests.csv").write_text("agent_id,date,want\na,2026-12-03,on\n")
    write_csv(make_requirements(WEEK, TZ, need_on(0)), tmp_path / "forecasts" / "out" / f"{WEEK}.requirements.csv")
    result = CliRunner().invoke(main, ["roster", "-w", str(tmp_path), "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert "Roster: OPTIMAL, objective 616" in result.output
    assert "Duty cover is short 6 person-shift(s) on 6 day(s)" in result.output
    wb = openpyxl.load_workbook(tmp_path / "rosters" / "out" / f"{WEEK}.xlsx")
    assert "Duty cover" in wb.sheetnames
    fair = wb["Fairness"]
    header = [c.value for c in fair[2]]
    ana = next(r for r in fair.iter_rows(min_row=3, values_only=True) if r[0] == "a")
    assert ana[header.index("Wishes granted")] == 1 and ana[header.index("Wishes not granted")] == 0
    check = CliRunner().invoke(main, ["check", "-w", str(tmp_path)])
    assert "Shift requests: 1 wishes of 1 agent(s)" in check.output
    (tmp_path / "rosters" / "shift_requests.csv").write_text("agent_id,date,want\na,2026-12-03,please\n")
    bad = CliRunner().invoke(main, ["roster", "-w", str(tmp_path), "--week", WEEK])
    assert bad.exit_code == 2 and "shift_requests.csv, row 2, column 'want'" in bad.output


def test_first_roster_of_best_responses_respects_last_week():
    # the greedy first roster (kept when CP-SAT finds nothing better) must honour last week's late Sunday
    # and the wishes: a works one early shift, Monday or Tuesday; Monday early follows the late Sunday
    from planner.roster.greedy import best_response_roster
    from planner.roster.model import new_roster_model

    a = make_agent("a", days=1, start=time(6), end=time(14), days_off=(2, 3, 4, 5, 6))
    cfg = make_config(min_rest_hours=0, shift_types=TYPES, forbidden_successions=(("late", "early"),))
    sunday_late = sunday_late_shift("a")  # 14:00 Berlin: a late shift
    req = make_requirements(WEEK, TZ, need_on(0, first=6, last=14))  # demand on Monday only
    for previous, day in ((None, date(2026, 11, 30)), (sunday_late, date(2026, 12, 1))):
        rm = new_roster_model(req, (a,), cfg, WEEK, previous=previous, breaks="middle")
        chosen, stuck, _, _ = best_response_roster(rm)
        assert not stuck
        assert [rm.candidates["a"][i].local_date for i in chosen["a"]] == [day]
