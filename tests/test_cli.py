"""The command line, driven through click's CliRunner as a user would type it."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import main

WEEK = "2026-W49"


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory) -> tuple[Path, object]:
    """A small demo workspace planned once: 24 agents, 10 weeks of history, 5 s solver limit."""
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", str(folder), "--week", WEEK, "--agents", "24",
                                       "--history-weeks", "10", "--time-limit", "5"])
    return folder, result


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    for name, command in main.commands.items():
        assert name in top.output
        assert command.help and command.get_short_help_str(), name
        out = runner.invoke(main, [name, "--help"])
        assert out.exit_code == 0, name
        assert "Example:" in out.output and f"planner {name}" in out.output, name


def test_bad_config_is_an_error_line_not_a_traceback(tmp_path):
    (tmp_path / "planner.toml").write_text('[channels.chat]\nsla = "80%"\n')
    result = CliRunner().invoke(main, ["check", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert 'Error: ' in result.output and "channels.chat.sla" in result.output and "'80%'" in result.output


def test_debug_shows_the_exception(tmp_path):
    (tmp_path / "planner.toml").write_text('[team]\nhome_timezone = "Mars/Olympus"\n')
    result = CliRunner().invoke(main, ["--debug", "check", "-w", str(tmp_path)])
    assert result.exit_code != 0 and result.exception is not None
    assert "Mars/Olympus" in str(result.exception)


def test_bad_week_names_the_value(tmp_path):
    result = CliRunner().invoke(main, ["forecast", "-w", str(tmp_path), "--week", "2026-49"])
    assert result.exit_code == 2
    assert "expected an ISO week like \"2026-W49\", got '2026-49'" in result.output


def test_missing_inputs_name_the_file(tmp_path):
    result = CliRunner().invoke(main, ["check", "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "agents.csv" in result.output and "not found" in result.output


def test_erlang_calculator_classic_case():
    # Call Centre Helper's worked example: 100 calls / 30 min, AHT 180 s, 80/20 -> 14 agents.
    result = CliRunner().invoke(main, ["erlang", "--volume", "100", "--aht", "180", "--interval", "30",
                                       "--target", "80/20", "--shrinkage", "0.3"])
    assert result.exit_code == 0, result.output
    assert "14 agents" in result.output
    assert "88.8" in result.output  # service level 0.8884 with 14 agents
    assert "20 staff" in result.output


def test_demo_runs_the_whole_flow(demo_workspace):
    folder, result = demo_workspace
    assert result.exit_code == 0, result.output + repr(result.exception)
    workbook = folder / "rosters" / "out" / f"{WEEK}.xlsx"
    assert workbook.exists()
    assert f"Wrote {workbook}" in result.output
    assert "Paid hours" in result.output and "shortfall" in result.output
    book = openpyxl.load_workbook(workbook)
    assert {"Summary", "Schedule", "Shifts", "Coverage"} <= set(book.sheetnames)
    shifts = pd.read_csv(folder / "rosters" / "out" / f"{WEEK}.roster.csv")
    assert len(shifts) > 0 and shifts["agent_id"].nunique() > 10
    assert (folder / "forecasts" / "out" / f"{WEEK}.requirements.csv").exists()
    assert pd.read_csv(folder / "rosters" / "out" / f"{WEEK}.checks.csv").empty


def test_check_reports_the_workspace(demo_workspace):
    folder, _ = demo_workspace
    result = CliRunner().invoke(main, ["check", "-w", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Agents: 24" in result.output and result.output.rstrip().endswith("OK")


def test_export_rewrites_the_workbook_from_the_saved_roster(demo_workspace):
    folder, _ = demo_workspace
    workbook = folder / "rosters" / "out" / f"{WEEK}.xlsx"
    workbook.unlink()
    result = CliRunner().invoke(main, ["export", "-w", str(folder), "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert workbook.exists()


def test_bad_history_row_names_file_row_and_column(demo_workspace, tmp_path):
    folder, _ = demo_workspace
    ws = tmp_path / "ws"
    (ws / "forecasts").mkdir(parents=True)
    (ws / "rosters").mkdir()
    for name in ("planner.toml", "rosters/agents.csv"):
        (ws / name).write_bytes((folder / name).read_bytes())
    lines = (folder / "forecasts" / "history.csv").read_text().splitlines()[:50]
    header = lines[0].split(",")
    cells = lines[7].split(",")
    cells[header.index("volume")] = "-3"
    lines[7] = ",".join(cells)
    (ws / "forecasts" / "history.csv").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["forecast", "-w", str(ws), "--week", WEEK])
    assert result.exit_code == 2
    assert "history.csv" in result.output and "row 8" in result.output and "volume" in result.output
    assert "Traceback" not in result.output


def test_whatif_from_flags_and_a_sweep(demo_workspace):
    folder, _ = demo_workspace
    runner = CliRunner()
    result = runner.invoke(main, ["whatif", "-w", str(folder), "--week", WEEK, "--volume", "chat:+30%",
                                  "--sla", "phone=90/20"])
    assert result.exit_code == 0, result.output
    assert "staff-hours needed" in result.output and "chat:+30%" in result.output
    table = pd.read_csv(folder / "forecasts" / "out" / f"{WEEK}.whatif.csv")
    assert len(table) > 0
    openpyxl.load_workbook(folder / "forecasts" / "out" / f"{WEEK}.whatif.xlsx")
    sweep = runner.invoke(main, ["whatif", "-w", str(folder), "--week", WEEK, "--sweep", "volume=-10%..+20%/10%"])
    assert sweep.exit_code == 0, sweep.output


def test_whatif_bad_scenario_file_names_the_key(demo_workspace, tmp_path):
    folder, _ = demo_workspace
    bad = tmp_path / "bad.toml"
    bad.write_text('[volumes]\n"chat" = "+30%"\n')
    result = CliRunner().invoke(main, ["whatif", "-w", str(folder), "--week", WEEK, "--scenario", str(bad)])
    assert result.exit_code == 2
    assert "volumes" in result.output and "Traceback" not in result.output


def test_schedule_marks_leave_from_time_off(demo_workspace):
    folder, _ = demo_workspace
    time_off = pd.read_csv(folder / "rosters" / "time_off.csv")
    assert len(time_off), "the demo should give someone leave"
    agent = str(time_off["agent_id"].iloc[0])
    sheet = openpyxl.load_workbook(folder / "rosters" / "out" / f"{WEEK}.xlsx")["Schedule"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in rows if agent in [str(v) for v in r])
    assert any(isinstance(v, str) and v.startswith("Leave") for v in row), row


def test_forecast_and_backtest_commands(demo_workspace):
    folder, _ = demo_workspace
    runner = CliRunner()
    result = runner.invoke(main, ["forecast", "-w", str(folder), "--week", "2026-W50", "--method", "seasonal_naive"])
    assert result.exit_code == 0, result.output
    assert "phone" in result.output and "seasonal_naive" in result.output
    frame = pd.read_csv(folder / "forecasts" / "out" / "2026-W50.forecast.csv")
    assert len(frame) == 168 * frame.groupby(["channel", "language"]).ngroups
    assert (frame["volume"] >= 0).all() and frame["volume"].notna().all()
    result = runner.invoke(main, ["backtest", "-w", str(folder), "--origins", "2"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(folder / "forecasts" / "out" / "backtest.csv")
    assert {"channel", "language", "method", "wape"} <= set(table.columns)
    assert set(table["method"]) >= {"seasonal_naive", "moving_average"}


def test_requirements_command_uses_the_saved_forecast(demo_workspace):
    folder, _ = demo_workspace
    result = CliRunner().invoke(main, ["requirements", "-w", str(folder), "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert "Using forecast" in result.output
    req = pd.read_csv(folder / "forecasts" / "out" / f"{WEEK}.requirements.csv")
    assert (req["staff_needed"] >= req["agents_needed"]).all()


def test_shrinkage_profile_raises_staff_in_its_hours(demo_workspace, tmp_path):
    folder, _ = demo_workspace
    ws = tmp_path / "ws"
    (ws / "forecasts" / "out").mkdir(parents=True)
    (ws / "rosters").mkdir()
    (ws / "rosters" / "agents.csv").write_bytes((folder / "rosters" / "agents.csv").read_bytes())
    fc = folder / "forecasts" / "out" / f"{WEEK}.forecast.csv"
    (ws / "forecasts" / "out" / fc.name).write_bytes(fc.read_bytes())
    toml = (folder / "planner.toml").read_text()
    (ws / "planner.toml").write_text(toml.replace("[staffing]", '[staffing]\nshrinkage_profile = "shrink.csv"'))
    # Monday 10:00 Berlin: 50 % shrinkage instead of 30 % -> staff = ceil(agents / 0.5)
    (ws / "shrink.csv").write_text("weekday,hour,shrinkage\n0,10,0.5\n")
    result = CliRunner().invoke(main, ["requirements", "-w", str(ws), "--week", WEEK])
    assert result.exit_code == 0, result.output
    req = pd.read_csv(ws / "forecasts" / "out" / f"{WEEK}.requirements.csv", parse_dates=["interval_start"])
    local = pd.to_datetime(req["interval_start"], utc=True).dt.tz_convert("Europe/Berlin")
    at = (local.dt.day_of_week == 0) & (local.dt.hour == 10) & (req["agents_needed"] > 0)
    assert at.any()
    assert (req.loc[at, "staff_needed"] == (req.loc[at, "agents_needed"] / 0.5).apply(lambda v: int(-(-v // 1)))).all()
    other = ~at & (req["agents_needed"] > 0)
    expected = (req.loc[other, "agents_needed"] / 0.7 - 1e-9).apply(lambda v: int(-(-v // 1)))
    assert (req.loc[other, "staff_needed"] == expected).all()
    (ws / "shrink.csv").write_text("weekday,hour,shrinkage\n0,10,1.5\n")
    bad = CliRunner().invoke(main, ["requirements", "-w", str(ws), "--week", WEEK])
    assert bad.exit_code == 2
    assert "shrink.csv" in bad.output and "row 2" in bad.output and "shrinkage" in bad.output


def test_roster_summary_says_what_a_wide_gap_is_made_of():
    from types import SimpleNamespace

    from planner.cli import _objective_text

    wide = _objective_text(SimpleNamespace(objective=3697.0, bound=143.0, gap=0.961))
    assert wide == ("objective 3,697, bound 143, gap 96.1% (the bound leaves out stable starts, days off "
                    "together and fair shares)")
    assert _objective_text(SimpleNamespace(objective=100.0, bound=95.0, gap=0.05)) == "objective 100, bound 95, gap 5.0%"
    assert _objective_text(SimpleNamespace(objective=100.0, bound=0.0, gap=1.0)).endswith("no useful lower bound proven")
