"""Last week's roster through the command line: found in rosters/out/, or given, or ignored on request."""
from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from planner.cli import main
from planner.fileio import write_csv
from test_roster_helpers import make_requirements

TZ = "Europe/Berlin"
W49, W50 = "2026-W49", "2026-W50"


def _between(weekday: int, first: int, last: int):
    """need(t, q): one agent on local `weekday` from `first` to `last` o'clock."""
    def need(t, q):
        local = t.tz_convert(TZ)
        return int(local.weekday() == weekday and first <= local.hour < last)
    return need


def _workspace(root):
    # one agent, one 8 h shift a week between 06:00 and 22:00, 11 h of rest: W49 needs Sunday 14-22
    # (a late Sunday), W50 needs Monday 06-14, which starts only 8 h after that late Sunday ends
    (root / "rosters").mkdir()
    (root / "planner.toml").write_text(
        '[team]\nhome_timezone = "Europe/Berlin"\n[rules]\nshift_hours = [8]\nbreak_minutes = 0\n'
        'min_rest_hours = 11\n[solver]\ntime_limit_seconds = 5\n')
    (root / "rosters" / "agents.csv").write_text(
        "agent_id,name,timezone,languages,channels,contract_hours,days_per_week,earliest_start,latest_end\n"
        "a,Ana,Europe/Berlin,en,phone,8,1,06:00,22:00\n")
    out = root / "forecasts" / "out"
    write_csv(make_requirements(W49, TZ, _between(6, 14, 22)), out / f"{W49}.requirements.csv")
    write_csv(make_requirements(W50, TZ, _between(0, 6, 14)), out / f"{W50}.requirements.csv")


def _monday_start(root) -> pd.Timestamp:
    shifts = pd.read_csv(root / "rosters" / "out" / f"{W50}.roster.csv")
    assert len(shifts) == 1
    return pd.Timestamp(shifts.start_utc[0]).tz_convert(TZ)


def test_next_week_keeps_rest_after_last_weeks_late_sunday(tmp_path):
    _workspace(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W49, "--no-workbook"])
    assert first.exit_code == 0, first.output
    sunday = pd.read_csv(tmp_path / "rosters" / "out" / f"{W49}.roster.csv")
    assert pd.Timestamp(sunday.end_utc[0]).tz_convert(TZ) == pd.Timestamp("2026-12-06 22:00", tz=TZ)

    ignored = runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W50, "--no-workbook", "--no-previous"])
    assert ignored.exit_code == 0, ignored.output
    assert _monday_start(tmp_path) == pd.Timestamp("2026-12-07 06:00", tz=TZ)  # only 8 h after Sunday's end

    result = runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W50, "--no-workbook"])
    assert result.exit_code == 0, result.output
    assert f"Last week's roster: {tmp_path / 'rosters' / 'out' / f'{W49}.roster.csv'}" in result.output
    start = _monday_start(tmp_path)
    assert start >= pd.Timestamp("2026-12-07 09:00", tz=TZ)  # 22:00 + 11 h of rest
    assert "Checks: no rule violations" in result.output


def test_a_roster_of_another_week_is_refused_by_name(tmp_path):
    _workspace(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W49, "--no-workbook"]).exit_code == 0
    given = tmp_path / "rosters" / "out" / f"{W49}.roster.csv"
    wrong = runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W49, "--previous", str(given)])
    assert wrong.exit_code == 2
    assert f"{given}" in wrong.output and "holds the roster of 2026-W49; the week before 2026-W49 is 2026-W48" \
        in wrong.output
    missing = runner.invoke(main, ["roster", "-w", str(tmp_path), "--week", W50, "--previous",
                                   str(tmp_path / "nope.roster.csv")])
    assert missing.exit_code == 2 and "nope.roster.csv" in missing.output and "not found" in missing.output


def test_last_weeks_sunday_night_covers_monday_morning():
    # a worked Sunday 22:00 - Monday 06:00 last week (no break). This week needs one agent Monday 00-06 and
    # one Monday 09-17. Those six night hours are a's, already: nobody is rostered for them, they are
    # allocated to a's queue, nothing is short, and the checker accepts a's hours from last week.
    from datetime import time

    from planner.roster import build_roster, check_roster, evaluate_roster
    from test_roster_helpers import make_agent, make_config

    night = pd.DataFrame({
        "agent_id": ["a"], "local_date": [pd.Timestamp("2026-12-06").date()],
        "start_utc": pd.to_datetime(["2026-12-06 21:00"], utc=True), "end_utc": pd.to_datetime(["2026-12-07 05:00"], utc=True),
        "break_start_utc": pd.to_datetime([None], utc=True), "break_end_utc": pd.to_datetime([None], utc=True),
        "paid_hours": [8.0]})
    agents = (make_agent("a", start=None, end=None, night_ok=True, max_hours=40),
              make_agent("b", start=time(0), end=time(23, 59, 59, 999999), night_ok=True, max_hours=8, min_hours=8))

    def need(t, q):
        local = t.tz_convert(TZ)
        return int(local.weekday() == 0 and (local.hour < 6 or 9 <= local.hour < 17))

    req = make_requirements(W50, TZ, need)
    cfg = make_config()
    with_night = build_roster(req, agents, cfg, W50, previous=night)
    alloc = with_night.allocation.assign(local=lambda f: f.interval_start.dt.tz_convert(TZ))
    early = alloc[alloc.local < pd.Timestamp("2026-12-07 06:00", tz=TZ)]
    assert list(early.agent_id) == ["a"] * 6 and (early.channel == "phone").all()
    assert with_night.settings["carried_in_agent_intervals"] == 6
    assert with_night.objective == 0 and not with_night.diagnostics
    assert check_roster(with_night, agents, cfg, previous=night).empty
    # the 09-17 need is b's 8 h: nobody works the night hours again
    assert len(with_night.shifts) == 1 and with_night.shifts.agent_id.iloc[0] == "b"
    evaluation = evaluate_roster(with_night, req, agents, cfg)
    assert evaluation.shortfall_hours == 0
    # without last week's roster those six hours need a shift of their own (a must cover them: b works 09-17)
    alone = build_roster(req, agents, cfg, W50)
    assert alone.settings["carried_in_agent_intervals"] == 0
    assert (alone.shifts.agent_id == "a").any()
