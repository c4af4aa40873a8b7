"""What-if scenarios: parsing, arithmetic against hand calculations, sweeps, files, output, end to end."""
from __future__ import annotations

import math
import zipfile
from datetime import date

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.agents import Agent
from planner.config import ServiceTarget, config_from_dict
from planner.errors import ConfigError, InfeasibleRosterError, InputError, PlannerError
from planner.scenario import (Scenario, apply_scenario, parse_change, parse_sweep, read_scenario,
                              render_comparison, run_whatif, scenario_from_flags, sweep_scenarios, whatif_evaluate,
                              whatif_requirements, whatif_reroster, write_comparison_csv, write_scenario_workbook)

WEEK = "2026-W49"  # Monday 2026-11-30, Europe/Berlin is UTC+1 all week


def make_config(**channels):
    table = {"team": {"home_timezone": "Europe/Berlin", "interval_minutes": 60},
             "channels": channels or {"phone": {"model": "erlang_c", "sla": "80/20", "max_occupancy": 0.85},
                                      "chat": {"model": "erlang_c", "sla": "80/60", "concurrency": 2}},
             "staffing": {"shrinkage": 0.30}}
    return config_from_dict(table)


def make_forecast(queues=(("phone", "en", 100.0, 180.0),), days=7) -> pd.DataFrame:
    """Flat forecast: each queue gets `volume` contacts per hour at `aht` seconds, every hour of the week."""
    grid = pd.date_range("2026-11-29T23:00Z", periods=24 * days, freq="h")
    parts = []
    for ch, lang, volume, aht in queues:
        parts.append(pd.DataFrame({"interval_start": grid, "channel": ch, "language": lang, "volume": volume,
                                   "volume_p10": volume * 0.8, "volume_p90": volume * 1.2, "aht_s": aht,
                                   "method": "test"}))
    return pd.concat(parts, ignore_index=True)


def agent(aid: str, hours: float = 40.0) -> Agent:
    return Agent(aid, aid, "Europe/Berlin", ("en",), ("phone",), (("phone", "en"),), hours, hours, hours)


def erlang_c_sl(n: int, load: float, aht_s: float, answer_s: float) -> float:
    """Reference Erlang C service level from the textbook formula with factorials (independent of planner.erlang)."""
    if n <= load:
        return 0.0
    head = sum(load ** k / math.factorial(k) for k in range(n))
    top = load ** n / math.factorial(n) * n / (n - load)
    return 1 - top / (head + top) * math.exp(-(n - load) * answer_s / aht_s)


def erlang_c_agents(load: float, aht_s: float, target: float, answer_s: float, max_occ: float) -> int:
    n = 1
    while erlang_c_sl(n, load, aht_s, answer_s) < target or load / n > max_occ:
        n += 1
    return n


# --------------------------------------------------------------------------- parsing flags


@pytest.mark.parametrize("kind,text,expect", [
    ("volume", "chat:+30%", dict(channel="chat", language=None, amount=30.0, unit="%")),
    ("volume", "+10%", dict(channel=None, language=None, amount=10.0, unit="%")),
    ("volume", "phone:de:+50", dict(channel="phone", language="de", amount=50.0, unit="contacts")),
    ("volume", "*:de:-20%", dict(channel=None, language="de", amount=-20.0, unit="%")),
    ("aht", "phone:+20s", dict(channel="phone", amount=20.0, unit="s")),
    ("aht", "chat:-10%", dict(channel="chat", amount=-10.0, unit="%")),
    ("sla", "phone=90/20", dict(channel="phone", target=ServiceTarget(0.9, 20.0))),
    ("sla", "phone=90", dict(channel="phone", target=None, amount=0.9)),
    ("shrinkage", "0.35", dict(channel=None, amount=0.35)),
    ("shrinkage", "chat=40%", dict(channel="chat", amount=0.4)),
    ("occupancy", "phone=0.9", dict(channel="phone", amount=0.9)),
    ("remove_agents", "A001,A002", dict(agent_ids=("A001", "A002"))),
    ("rule", "min_rest_hours=12", dict(rule_key="min_rest_hours", rule_value=12)),
])
def test_parse_change_forms(kind, text, expect):
    change = parse_change(kind, text, make_config())
    for key, value in expect.items():
        assert getattr(change, key) == value, key


def test_parse_change_when_and_agents():
    c = parse_change("volume", "chat:+30%@2026-12-01..2026-12-03@09:00-12:00")
    assert (c.when.first_date, c.when.last_date) == (date(2026, 12, 1), date(2026, 12, 3))
    assert (c.when.start_minute, c.when.end_minute) == (540, 720)
    assert parse_change("aht", "+5s@mon-fri").when.weekdays == frozenset(range(5))
    assert parse_change("aht", "+5s@sat;sun").when.weekdays == frozenset({5, 6})
    assert parse_change("aht", "+5s@fri-mon").when.weekdays == frozenset({4, 5, 6, 0})
    p = parse_change("add-agents", "3x en;de phone;chat Europe/Berlin 40 earliest_start=07:00", make_config()).profile
    assert (p.count, p.languages, p.channels, p.timezone, p.contract_hours) == (
        3, ("en", "de"), ("phone", "chat"), "Europe/Berlin", 40.0)
    assert dict(p.extra) == {"earliest_start": "07:00"}


@pytest.mark.parametrize("kind,text,fragment", [
    ("volume", "chat:+30 percent", "'+30 percent'"),
    ("volume", "chat:-150%", "-100 %"),
    ("volume", "fax:+10%", "unknown channel 'fax'; planner.toml defines chat, phone"),
    ("volume", "chat:+10%@2026-12-03..2026-12-01", "end is not before its start"),
    ("volume", "chat:+10%@someday", "'someday'"),
    ("volume", "chat:+10%@12:00-09:00", "end is after its start"),
    ("aht", "phone:+20m", "'+20m'"),
    ("aht", "phone:-100%", "above -100 %"),
    ("sla", "phone=90-20", "'90-20'"),
    ("sla", "phone:en=90/20", "per channel"),
    ("shrinkage", "1.5", "between 0 and 0.95"),
    ("occupancy", "phone=0", "between 0 and 1"),
    ("add_agents", "3x en phone Mars/Olympus 40", "Mars/Olympus"),
    ("add_agents", "3x en fax Europe/Berlin 40", "unknown channel 'fax'"),
    ("add_agents", "three agents please", "3x en;de phone;chat Europe/Berlin 40"),
    ("add_agents", "2x en phone Europe/Berlin 40 shoe_size=44", "unknown agent field"),
    ("rule", "min_rest_hours=30", "at most 24"),
    ("rule", "max_coffee=3", "unknown rule; allowed: shift_hours"),
    ("rule", "min_rest_hours", "min_rest_hours=12"),
    ("teleport", "x", "unknown kind of change"),
])
def test_parse_change_rejects_bad_values(kind, text, fragment):
    with pytest.raises(ConfigError) as err:
        parse_change(kind, text, make_config())
    assert fragment in str(err.value)


# --------------------------------------------------------------------------- arithmetic


def test_volume_plus_30_percent_changes_staff_as_erlang_c_says():
    """100 calls/h at 180 s = 5 Erlangs: 8 agents (SL 88.0 %), 12 staff at 30 % shrinkage; +30 % = 6.5 Erlangs:
    10 agents (SL 89.6 %), 15 staff. Hand-checked with the textbook Erlang C formula."""
    config = make_config()
    base_agents = erlang_c_agents(5.0, 180, 0.8, 20, 0.85)
    more_agents = erlang_c_agents(6.5, 180, 0.8, 20, 0.85)
    assert (base_agents, more_agents) == (8, 10)
    base_staff, more_staff = math.ceil(base_agents / 0.7), math.ceil(more_agents / 0.7)
    assert (base_staff, more_staff) == (12, 15)
    scenario = Scenario("campaign", (parse_change("volume", "phone:+30%", config),))
    c = whatif_requirements(make_forecast(days=1), config, [agent("A1", 40.0)], [scenario], None)
    s = c.summary.set_index("scenario")
    assert s.loc["base", "staff_hours"] == 24 * base_staff
    assert s.loc["campaign", "staff_hours"] == 24 * more_staff
    assert s.loc["campaign", "volume"] == pytest.approx(24 * 130)
    assert s.loc["campaign", "peak_staff"] == more_staff
    # FTE: staff-hours over one day = 1/7 week, 40 h per FTE
    assert s.loc["campaign", "fte"] == pytest.approx(24 * more_staff / (40.0 / 7))
    # at the base staffing (12 heads x 0.7 = 8.4 agents) the busier queue gets SL between 8 and 9 whole agents
    assert erlang_c_sl(8, 6.5, 180, 20) < s.loc["campaign", "service_level"] < erlang_c_sl(9, 6.5, 180, 20)
    assert s.loc["base", "service_level"] > 0.8
    d = c.deltas().set_index("scenario")
    assert d.loc["campaign", "staff_hours"] == 24 * (more_staff - base_staff)


def test_absolute_volume_in_a_local_window_touches_only_those_intervals():
    config = make_config()
    forecast = make_forecast(days=7)
    sc = Scenario("x", (parse_change("volume", "phone:en:+30@2026-12-01@09:00-12:00", config),))
    frame, cfg, team = apply_scenario(sc, forecast, config, ())
    changed = frame[frame.volume != forecast.volume]
    # 09:00-12:00 in Berlin (UTC+1) on Tuesday 1 December = 08:00, 09:00, 10:00 UTC
    assert list(changed.interval_start.dt.strftime("%d %H:%M")) == ["01 08:00", "01 09:00", "01 10:00"]
    assert (changed.volume == 130.0).all() and (changed.volume_p90 == 150.0).all()
    assert forecast.volume.eq(100.0).all()  # input untouched
    assert cfg is config and team == ()


def test_aht_config_and_team_changes():
    config = make_config()
    forecast = make_forecast(days=1)
    team = (agent("A001"), agent("A002"), agent("NEW001"))
    sc = scenario_from_flags("mix", config=config, aht=["phone:+20s", "phone:-10%"], sla=["phone=90/20"],
                             shrinkage=["0.35"], occupancy=["chat=0.9"], rule=["min_rest_hours=12"],
                             remove_agents=["A002"], add_agents=["2x en;de phone;chat Europe/Berlin 30"])
    frame, cfg, new_team = apply_scenario(sc, forecast, config, team)
    assert frame.aht_s.to_numpy() == pytest.approx(np.full(24, (180 + 20) * 0.9))
    assert cfg.channels["phone"].target == ServiceTarget(0.9, 20.0)
    assert cfg.channels["chat"].max_occupancy == 0.9
    assert cfg.shrinkage_for("phone") == cfg.shrinkage_for("chat") == 0.35
    assert cfg.rules.min_rest_hours == 12 and cfg.rules.shift_hours == config.rules.shift_hours
    assert [a.agent_id for a in new_team] == ["A001", "NEW001", "NEW002", "NEW003"]
    assert new_team[-1].skills == (("phone", "en"), ("phone", "de"), ("chat", "en"), ("chat", "de"))
    assert new_team[-1].min_hours == new_team[-1].max_hours == 30.0
    with pytest.raises(ConfigError, match="unknown agent id.*A999"):
        apply_scenario(scenario_from_flags(remove_agents=["A999"]), forecast, config, team)
    with pytest.raises(ConfigError, match="no queue chat:xx in the forecast; queues: phone:en"):
        apply_scenario(scenario_from_flags(volume=["chat:xx:+5%"]), forecast, config, team)
    with pytest.raises(ConfigError, match="leaves a handle time of -20 s"):
        apply_scenario(scenario_from_flags(aht=["-200s"]), forecast, config, team)
    with pytest.raises(ConfigError, match="matches no interval"):
        apply_scenario(scenario_from_flags(volume=["+5%@2027-01-01"]), forecast, config, team)


def test_sla_level_and_shrinkage_follow_the_hand_calculation():
    """SLA 90/20 at 5 Erlangs needs 9 agents (SL 94.8 %); at 35 % shrinkage 9 / 0.65 -> 14 staff."""
    config = make_config()
    assert erlang_c_agents(5.0, 180, 0.9, 20, 0.85) == 9
    sc = scenario_from_flags("strict", config=config, sla=["phone=90/20"], shrinkage=["0.35"])
    c = whatif_requirements(make_forecast(days=1), config, (), [sc], None)
    assert c.summary.set_index("scenario").loc["strict", "staff_hours"] == 24 * math.ceil(9 / 0.65)


def test_requirements_whatif_is_deterministic():
    config = make_config()
    forecast = make_forecast((("phone", "en", 80.0, 200.0), ("chat", "en", 30.0, 500.0)), days=2)
    scenarios = [scenario_from_flags("a", config=config, volume=["chat:+30%"]),
                 scenario_from_flags("b", config=config, aht=["+20s"], shrinkage=["0.4"])]
    one = whatif_requirements(forecast, config, (), scenarios, None)
    two = whatif_requirements(forecast, config, (), scenarios, None)
    for table in ("summary", "channels", "daily"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    assert render_comparison(one) == render_comparison(two)
    # queues a scenario does not touch keep the base numbers exactly
    ch = one.channels.set_index(["scenario", "channel"])
    assert ch.loc[("a", "phone"), "staff_hours"] == ch.loc[("base", "phone"), "staff_hours"]
    assert ch.loc[("a", "chat"), "staff_hours"] >= ch.loc[("base", "chat"), "staff_hours"]


# --------------------------------------------------------------------------- sweeps


@pytest.mark.parametrize("text,more_is_harder", [
    ("volume=-50%..+100%/25%", True), ("volume=+0..+60/20", True), ("aht=-20%..+40%/20%", True),
    ("aht=+0s..+90s/30s", True), ("shrinkage=0.1..0.5/0.1", True), ("sla=phone:60..95/5", True),
    ("occupancy=phone:0.6..0.95/0.05", False),
])
def test_sweep_is_monotone(text, more_is_harder):
    """More volume, AHT, shrinkage or a stricter SLA never needs fewer staff (a looser occupancy cap never more);
    at the base staffing, more volume or AHT never gives a higher service level."""
    config = make_config()
    forecast = make_forecast((("phone", "en", 400.0, 240.0), ("chat", "en", 25.0, 480.0)), days=1)
    sweep = parse_sweep(text, config)
    c = whatif_requirements(forecast, config, (), sweep_scenarios(sweep, config), None, sweep=sweep.label)
    points = c.summary.iloc[1:]
    staff = points.staff_hours.to_numpy()
    steps = np.diff(staff)
    assert (steps >= 0).all() if more_is_harder else (steps <= 0).all()
    assert staff[0] != staff[-1]
    assert (np.diff(points.peak_staff.to_numpy()) >= 0).all() if more_is_harder else True
    if text.startswith(("volume", "aht")):
        assert (np.diff(points.service_level.to_numpy()) <= 1e-12).all()
    assert list(c.sweep_values[1:]) == list(sweep.values)
    assert sweep.label.split()[0] in render_comparison(c)


@pytest.mark.parametrize("text,fragment", [
    ("volume=-10%..+30%/7%", "divides"), ("volume=+30%..-10%/10%", "FROM <= TO"),
    ("speed=1..2/1", "KIND one of volume"), ("aht=-10..+10/5s%", "like aht="), ("volume=-10s..+10s/5s", "like volume="),
])
def test_bad_sweeps(text, fragment):
    with pytest.raises(ConfigError, match="--sweep") as err:
        parse_sweep(text, make_config())
    assert fragment in str(err.value)


# --------------------------------------------------------------------------- scenario files


FULL = """\
name = "Everything"
description = "all tables"
[volume]
"chat" = "+30%"
"phone:en@mon-fri@09:00-12:00" = "+50"
[aht]
all = "+20s"
[sla]
phone = "90/20"
[shrinkage]
all = 0.35
chat = "40%"
[occupancy]
phone = 0.9
[agents]
add = ["2x en phone Europe/Berlin 40"]
remove = ["A001"]
[rules]
min_rest_hours = 12
[rules.weights]
surplus = 5
"""


def test_read_full_scenario_file(tmp_path):
    path = tmp_path / "full.toml"
    path.write_text(FULL, encoding="utf-8")
    sc = read_scenario(path, make_config())
    assert sc.name == "Everything" and sc.source == str(path)
    assert [c.kind for c in sc.changes] == ["volume", "volume", "aht", "sla", "shrinkage", "shrinkage", "occupancy",
                                            "add_agents", "remove_agents", "rule", "rule"]
    frame, cfg, team = apply_scenario(sc, make_forecast((("phone", "en", 10.0, 100.0), ("chat", "en", 10.0, 100.0))),
                                      make_config(), (agent("A001"), agent("A002")))
    assert cfg.rules.weights.surplus == 5 and cfg.shrinkage_for("chat") == 0.4 and cfg.shrinkage_for("phone") == 0.35
    assert [a.agent_id for a in team] == ["A002", "NEW001", "NEW002"]
    assert frame.aht_s.eq(120.0).all()
    assert sorted(frame[frame.channel == "phone"].volume.unique()) == [10.0, 60.0]


@pytest.mark.parametrize("text,fragment", [
    ('colour = "red"\n[volume]\nchat = "+1%"', "colour: unknown key; allowed here: name, description, volume, aht"),
    ('[agents]\nhire = ["x"]', "agents.hire: unknown key; allowed here: add, remove"),
    ('[volume]\nchat = 30', "volume.chat: expected \"+30%\" (percent) or \"+50\""),
    ('[volume]\nfax = "+10%"', "volume.fax: unknown channel 'fax'; planner.toml defines chat, phone"),
    ('[sla]\nphone = "90-20"', "sla.phone: expected a target like \"phone=90/20\""),
    ('[sla]\nfax = "90/20"', "sla.fax: unknown channel 'fax'; planner.toml defines chat, phone"),
    ('[shrinkage]\nchat = 1.5', "shrinkage.chat: expected a shrinkage fraction between 0 and 0.95, got '1.5'"),
    ('[rules]\nmin_rest_hours = "long"', "rules.min_rest_hours: expected a number, got 'long'"),
    ('[rules]\nnap_minutes = 20', "rules.nap_minutes: unknown rule; allowed: shift_hours"),
    ('[agents]\nremove = "A001, "\nadd = 3', "agents.add: expected a list"),
    ('name = "x"', "the scenario changes nothing"),
    ('[volume\nchat = "+1%"', "not valid TOML"),
])
def test_bad_scenario_files_name_file_key_and_value(tmp_path, text, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_scenario(path, make_config())
    assert str(err.value).startswith(str(path)) and fragment in str(err.value), str(err.value)


def test_missing_scenario_file(tmp_path):
    with pytest.raises(InputError, match="scenario file not found"):
        read_scenario(tmp_path / "nope.toml", make_config())


# --------------------------------------------------------------------------- output


def test_outputs_csv_and_workbook(tmp_path):
    config = make_config()
    forecast = make_forecast((("phone", "en", 100.0, 180.0),), days=2)
    sc = scenario_from_flags("=HYPERLINK(1)", config=config, volume=["+30%"])
    c = whatif_requirements(forecast, config, (), [sc], None)
    text = render_comparison(c)
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("metric"))
    assert "base" in header and "Δ =HYPERLINK(1)" in header
    staff = next(line for line in lines if line.startswith("staff-hours needed"))
    assert staff.split()[-3:] == ["576.0", "720.0", "+144.0"]  # 2 days x 24 h x 12 and x 15 staff
    path = write_comparison_csv(tmp_path / "out" / "whatif.csv", c)
    back = pd.read_csv(path)
    assert set(back.level) == {"total", "channel", "queue_day"}
    assert set(back.scenario) == {"base", "'=HYPERLINK(1)"}
    total = back[(back.level == "total") & (back.scenario != "base")].iloc[0]
    assert total.staff_hours_delta == 144.0
    wb_path = write_scenario_workbook(tmp_path / "whatif.xlsx", c)
    ws = load_workbook(wb_path)["Scenarios"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert rows["staff-hours needed"][1:4] == (576, 720, 144)
    header_cell = next(cell for row in ws.iter_rows() for cell in row if cell.value == "=HYPERLINK(1)")
    assert header_cell.data_type == "s"  # literal text, never a formula
    sweep = parse_sweep("volume=-10%..+20%/10%", config)
    cs = whatif_requirements(forecast, config, (), sweep_scenarios(sweep, config), None, sweep=sweep.label)
    sw_path = write_scenario_workbook(tmp_path / "sweep.xlsx", cs)
    with zipfile.ZipFile(sw_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2 and b"lineChart" in z.read(charts[0])
    assert "volume change %" in render_comparison(cs)


# --------------------------------------------------------------------------- small workspace, end to end


DATA_WEEK = "2026-W49"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from planner.demo import write_demo_workspace
    from planner.plan import Workspace, load_team, make_forecast

    root = tmp_path_factory.mktemp("ws")
    write_demo_workspace(root, week=DATA_WEEK, agents=12, history_weeks=8)
    ws = Workspace.open(root)
    config = ws.config.with_solver(time_limit_seconds=1.0)
    forecast = make_forecast(ws, DATA_WEEK, weeks=1).frame
    agents, _ = load_team(ws)
    return root, config, forecast, agents


@pytest.fixture(scope="module")
def base_roster(workspace):
    from planner.roster import build_roster
    from planner.staffing import staffing_requirements

    _, config, forecast, agents = workspace
    return build_roster(staffing_requirements(forecast, config), agents, config, DATA_WEEK)


def test_campaign_file_end_to_end(workspace):
    root, config, _, _ = workspace
    c = run_whatif(root, DATA_WEEK, scenario_files=[root / "forecasts/scenarios/campaign.toml"])
    assert c.names == ("base", "Chat campaign")
    d = c.deltas("channels").set_index("channel")
    assert d.loc["chat", "volume"] > 0 and d.loc["chat", "staff_hours"] >= 0
    for ch in ("phone", "email", "social"):
        assert d.loc[ch, "volume"] == 0 and d.loc[ch, "staff_hours"] == 0
    # +30 % exactly on every chat queue and day
    daily = c.daily[c.daily.channel == "chat"].pivot_table(index=["local_date", "language"], columns="scenario",
                                                              values="volume")
    assert (daily["Chat campaign"].to_numpy() == pytest.approx(daily["base"].to_numpy() * 1.3))
    assert "Chat campaign" in render_comparison(c)
    with pytest.raises(PlannerError, match="nothing to compare"):
        run_whatif(root, DATA_WEEK)


def test_evaluate_keeps_the_roster(workspace, base_roster):
    _, config, forecast, agents = workspace
    leavers = scenario_from_flags("leavers", config=config, remove_agents=["A001,A002"])
    busier = scenario_from_flags("busier", config=config, volume=["+50%"])
    c = whatif_evaluate(forecast, config, agents, [leavers, busier], DATA_WEEK, base_roster)
    s = c.summary.set_index("scenario")
    removed = base_roster.shifts[base_roster.shifts.agent_id.isin(["A001", "A002"])].paid_hours.sum()
    assert s.loc["base", "paid_hours"] - s.loc["leavers", "paid_hours"] == pytest.approx(removed)
    assert s.loc["leavers", "scheduled_hours"] <= s.loc["base", "scheduled_hours"]
    assert s.loc["busier", "scheduled_hours"] == s.loc["base", "scheduled_hours"]  # nothing rescheduled
    assert s.loc["busier", "service_level"] <= s.loc["base", "service_level"]
    again = whatif_evaluate(forecast, config, agents, [leavers, busier], DATA_WEEK, base_roster)
    pd.testing.assert_frame_equal(c.summary, again.summary)


def test_run_whatif_evaluate_reads_the_saved_roster(workspace, base_roster):
    from planner.plan import Workspace
    from planner.roster import write_roster
    from planner.fileio import write_csv
    from planner.roster.io import sibling_paths

    root, config, forecast, agents = workspace
    leavers = scenario_from_flags("leavers", config=config, remove_agents=["A001,A002"])
    ws = Workspace.open(root)
    with pytest.raises(InputError, match="no roster for 2026-W49 to keep"):
        run_whatif(root, DATA_WEEK, scenarios=[leavers], depth="evaluate")
    write_roster(base_roster, ws.roster_path(DATA_WEEK))
    write_csv(forecast, ws.forecast_path(DATA_WEEK))  # run_whatif uses the saved forecast
    try:
        c = run_whatif(root, DATA_WEEK, scenarios=[leavers], depth="evaluate")
    finally:
        for path in (*sibling_paths(ws.roster_path(DATA_WEEK)), ws.forecast_path(DATA_WEEK)):
            path.unlink(missing_ok=True)
    direct = whatif_evaluate(forecast, config, agents, [leavers], DATA_WEEK, base_roster)
    numeric = ["volume", "staff_hours", "paid_hours", "scheduled_hours", "service_level"]
    assert c.summary[numeric].to_numpy() == pytest.approx(direct.summary[numeric].to_numpy())


def test_reroster_compares_and_reports_impossible_rules(workspace, base_roster):
    from planner.roster import check_roster

    _, config, forecast, agents = workspace
    leavers = scenario_from_flags("leavers", config=config, remove_agents=["A001"])
    c = whatif_reroster(forecast, config, agents, [leavers], DATA_WEEK, base_roster=base_roster)
    s = c.summary.set_index("scenario")
    assert s.loc["leavers", "agents"] == len(agents) - 1
    assert set(c.summary.columns) >= {"paid_hours", "shortfall_hours", "weekend_spread", "status"}
    new = c.rosters["leavers"]
    assert "A001" not in set(new.shifts.agent_id) and s.loc["leavers", "paid_hours"] == new.shifts.paid_hours.sum()
    team = tuple(a for a in agents if a.agent_id != "A001")
    assert check_roster(new, team, config).empty
    short = scenario_from_flags("4-hour shifts", config=config, rule=["shift_hours=[4]"])
    with pytest.raises(InfeasibleRosterError) as err:
        whatif_reroster(forecast, config, agents, [short], DATA_WEEK, base_roster=base_roster)
    assert "scenario '4-hour shifts'" in str(err.value) and "contract" in str(err.value)
    assert err.value.conflicts


def test_reroster_in_worker_processes_reports_the_first_impossible_scenario(workspace, base_roster):
    _, config, forecast, agents = workspace
    short = [scenario_from_flags(f"{h}-hour shifts", config=config, rule=[f"shift_hours=[{h}]"]) for h in (3, 4)]
    with pytest.raises(InfeasibleRosterError, match="scenario '3-hour shifts'") as err:
        whatif_reroster(forecast, config, agents, short, DATA_WEEK, base_roster=base_roster, processes=2)
    assert any("contract" in c for c in err.value.conflicts)
