"""The roster workbook, opened with openpyxl and read cell by cell.

Expected values are worked out by hand from the shifts in test_export_fixtures.py:
week 2026-W44 runs Mon 26 Oct - Sun 1 Nov 2026. Berlin is on CET (UTC+1) all week (summer
time ended Sun 25 Oct); New York is on EDT (UTC-4) until Sun 1 Nov 02:00, then EST (UTC-5).
"""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import OutputError, PlannerError
from planner.export import SHEETS, write_workbook
from planner.export.cells import clean_text, csv_safe, plain
from test_export_fixtures import EVIL_NAME, make_inputs


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    path = write_workbook(tmp_path_factory.mktemp("wb") / "2026-W44.xlsx", **make_inputs("2026-W44"))
    return path, openpyxl.load_workbook(path)


def rows_of(ws, first: int = 1) -> list[tuple]:
    return list(ws.iter_rows(min_row=first, values_only=True))


def find_row(ws, column: int, value) -> tuple:
    """Return the first row whose cell in `column` (1-based) equals `value`."""
    for row in ws.iter_rows(values_only=True):
        if len(row) >= column and row[column - 1] == value:
            return row
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def header_index(ws, header_row: int = 2) -> dict[str, int]:
    return {v: i for i, v in enumerate(next(ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True)))
            if v is not None}


def test_sheets_in_order(book):
    _, wb = book
    assert wb.sheetnames == list(SHEETS)
    assert wb.sheetnames[:10] == ["Summary", "Schedule", "Shifts", "Coverage", "Service level",
                                  "Service by interval", "Forecast", "Requirements", "Fairness", "Checks"]


def test_new_york_agent_sees_local_times_across_the_dst_change(book):
    _, wb = book
    ws = wb["Schedule"]
    h = header_index(ws)
    ny = find_row(ws, 1, "ny1")
    assert ny[h["Time zone"]] == "America/New_York"
    # 09:00 local every day, though the UTC start moves from 13:00 to 14:00 on Sunday
    for day in ("Mon 26 Oct", "Sat 31 Oct", "Sun 01 Nov"):
        assert ny[h[day]] == "09:00-17:00 (break 12:00-13:00)"
    assert ny[h["Tue 27 Oct"]] == "Day off"

    shifts = wb["Shifts"]
    sh = header_index(shifts)
    ny_rows = [r for r in rows_of(shifts, 3) if r[0] == "ny1"]
    by_date = {r[sh["Local date"]].date().isoformat(): r for r in ny_rows}
    sat, sun = by_date["2026-10-31"], by_date["2026-11-01"]
    assert sat[sh["Local start"]] == datetime(2026, 10, 31, 9, 0)
    assert sat[sh["UTC start"]] == datetime(2026, 10, 31, 13, 0)  # EDT, UTC-4
    assert sun[sh["Local start"]] == datetime(2026, 11, 1, 9, 0)
    assert sun[sh["UTC start"]] == datetime(2026, 11, 1, 14, 0)  # EST, UTC-5
    assert sun[sh["Local end"]] == datetime(2026, 11, 1, 17, 0)
    assert sun[sh["UTC end"]] == datetime(2026, 11, 1, 22, 0)
    assert shifts.cell(row=3, column=sh["Local start"] + 1).is_date
    assert "agent's own time zone" in shifts["A1"].value


def test_berlin_night_shift_ends_next_day_and_lists_its_queues(book):
    _, wb = book
    ws = wb["Schedule"]
    h = header_index(ws)
    be = find_row(ws, 1, "be1")
    assert be[h["Tue 27 Oct"]] == "22:00-06:00 (+1) (break 02:00-03:00)"
    shifts = wb["Shifts"]
    sh = header_index(shifts)
    rows = [r for r in rows_of(shifts, 3) if r[0] == "be1"]
    monday = next(r for r in rows if r[sh["Local date"]] == datetime(2026, 10, 26))
    # 08:00-16:00 with a break 12:00-13:00: 4 hours phone:de then 3 hours chat:de
    assert monday[sh["Queues served"]] == "phone:de 4h, chat:de 3h"
    night = next(r for r in rows if r[sh["Local date"]] == datetime(2026, 10, 27))
    assert night[sh["Local end"]] == datetime(2026, 10, 28, 6, 0)
    assert night[sh["UTC start"]] == datetime(2026, 10, 27, 21, 0)


def test_totals_match_the_roster(book):
    _, wb = book
    inputs = make_inputs("2026-W44")
    roster_hours = inputs["roster"].shifts.groupby("agent_id")["paid_hours"].sum()
    shifts = wb["Shifts"]
    sh = header_index(shifts)
    rows = [r for r in rows_of(shifts, 3) if r[0] is not None]
    assert len(rows) == len(inputs["roster"].shifts) == 6
    assert sum(r[sh["Paid hours"]] for r in rows) == pytest.approx(roster_hours.sum()) == 48
    sched = wb["Schedule"]
    h = header_index(sched)
    for agent_id, hours in roster_hours.items():
        row = find_row(sched, 1, agent_id)
        assert row[h["Paid hours"]] == pytest.approx(hours)
    assert find_row(sched, 1, "ny1")[h["Shifts"]] == 3
    summary = wb["Summary"]
    assert find_row(summary, 1, "Paid hours (sum of shifts)")[1] == pytest.approx(48)
    assert find_row(summary, 1, "Shifts")[1] == 6
    assert find_row(summary, 1, "Solver status")[1] == "FEASIBLE"


def test_coverage_is_in_home_time_with_gap_and_heatmap(book):
    _, wb = book
    ws = wb["Coverage"]
    assert ws["A3"].value == "Start (Europe/Berlin)" and ws["B3"].value == "Start (UTC)"
    assert [ws.cell(row=2, column=c).value for c in (3, 6, 9)] == ["chat:de", "phone:de", "phone:en"]
    data = rows_of(ws, 4)
    assert len(data) == 168
    # Monday 08:00 Berlin = 07:00 UTC: be1 serves phone:de (1 of 1 required); nobody on chat:de or phone:en
    row = next(r for r in data if r[0] == datetime(2026, 10, 26, 8, 0))
    assert row[1] == datetime(2026, 10, 26, 7, 0)
    assert row[2:] == (1, 0, -1, 1, 1, 0, 1, 0, -1)
    # Monday 15:00 Berlin = 09:00 New York: ny1 on phone:en
    row = next(r for r in data if r[0] == datetime(2026, 10, 26, 14, 0))
    assert row[8:11] == (1, 1, 0)
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert any("E4:E171" in r and "H4:H171" in r and "K4:K171" in r for r in ranges)
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.type == "colorScale" for rule in rules)


def test_dst_week_has_169_home_intervals_with_the_repeated_hour(tmp_path):
    # 2026-W43 in Berlin: Sunday 25 Oct clocks go back, 02:00-03:00 happens twice
    path = write_workbook(tmp_path / "w43.xlsx", **make_inputs("2026-W43"))
    ws = openpyxl.load_workbook(path)["Coverage"]
    data = [r for r in rows_of(ws, 4) if r[0] is not None]
    assert len(data) == 169
    twice = [r for r in data if r[0] == datetime(2026, 10, 25, 2, 0)]
    assert [r[1] for r in twice] == [datetime(2026, 10, 25, 0, 0), datetime(2026, 10, 25, 1, 0)]


def test_formula_like_text_is_written_as_literal_text(tmp_path):
    inputs = make_inputs("2026-W44")
    inputs["checks"] = pd.DataFrame([
        {"rule": "@rest", "agent_id": "x1", "local_date": pd.Timestamp("2026-10-28").date(),
         "detail": "=1+1 rest only 9 h"},
        {"rule": "-hours", "agent_id": "be1", "local_date": None, "detail": "\tcmd|' /C calc'!A0"},
    ])
    inputs["notes"] = ("+SUM(A1:A9)", "#N/A", "bell\x07 rings")
    path = write_workbook(tmp_path / "evil.xlsx", **inputs)
    wb = openpyxl.load_workbook(path)
    name = wb["Schedule"].cell(row=5, column=2)
    assert name.value == EVIL_NAME and name.data_type == "s"
    assert find_row(wb["Schedule"], 1, "x1")[2] == "+team"
    checks = rows_of(wb["Checks"], 3)
    assert checks[0][:2] == ("@rest", "x1") and checks[0][2] == EVIL_NAME and checks[0][4] == "=1+1 rest only 9 h"
    assert checks[1][4] == "\tcmd|' /C calc'!A0"
    warnings = [r[1] for r in rows_of(wb["Summary"])]
    assert "+SUM(A1:A9)" in warnings and "#N/A" in warnings
    assert "bell rings" in warnings  # a control character XML cannot hold is dropped, not a crash
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    errors = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "e"]
    assert errors == []
    with zipfile.ZipFile(path) as z:  # no <f> element in any sheet: nothing Excel would evaluate
        for member in z.namelist():
            if member.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(member)), member


def test_checks_sheet_says_no_violations_or_lists_them(book, tmp_path):
    _, wb = book
    assert wb["Checks"]["A3"].value.startswith("No violations")
    inputs = make_inputs("2026-W44")
    inputs["checks"] = pd.DataFrame([{"rule": "min_rest", "agent_id": "be1",
                                      "local_date": pd.Timestamp("2026-10-27").date(),
                                      "detail": "rest 8 h < 11 h before the shift of 2026-10-28"}])
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx", **inputs))["Checks"]
    assert rows_of(ws, 3)[0] == ("min_rest", "be1", "Bernd Berlin", datetime(2026, 10, 27),
                                 "rest 8 h < 11 h before the shift of 2026-10-28")
    inputs["checks"] = None
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "n.xlsx", **inputs))["Checks"]
    assert ws["A3"].value.startswith("Not checked")


def test_sheets_are_frozen_filtered_and_print_ready(book):
    _, wb = book
    sched = wb["Schedule"]
    assert sched.freeze_panes == "C3"
    assert sched.auto_filter.ref == "A2:N5"
    assert sched.print_title_rows == "$1:$2"
    for name in ("Schedule", "Shifts", "Coverage", "Service level", "Requirements", "Fairness"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.freeze_panes, name
    assert wb["Shifts"].auto_filter.ref == "A2:M8"
    assert wb["Shifts"].column_dimensions["M"].width == 40


def test_native_charts_on_the_summary(book):
    path, wb = book
    charts = wb["Summary"]._charts
    # one chart per channel (chat, phone) with required and scheduled, and the forecast volume chart
    assert len(charts) == 3
    assert [len(c.series) for c in charts] == [2, 2, 2]
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3
        xml = z.read("xl/charts/chart1.xml").decode()
    # chat required and scheduled over the 168 intervals, labelled by the text column A
    assert "<f>'Chart data'!$D$3:$D$170</f>" in xml and "<f>'Chart data'!$E$3:$E$170</f>" in xml
    assert "<strRef><f>'Chart data'!$A$3:$A$170</f></strRef>" in xml


def test_service_level_is_marked_against_the_target(book):
    _, wb = book
    ws = wb["Service level"]
    h = header_index(ws)
    assert h["Service level"] == 9 and h["Target"] == 10  # columns J and K, used by the rules
    first = rows_of(ws, 3)[0]
    assert first[h["Target"]] == pytest.approx(0.8)  # chat 80/60
    formulas = [rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules]
    assert any("J3<K3" in f for f in formulas) and any("J3>=K3" in f for f in formulas)
    summary = wb["Summary"]
    phone = find_row(summary, 1, "phone:en")
    assert phone[2] == pytest.approx(0.8)


def test_forecast_and_requirements_hold_the_week(book):
    _, wb = book
    fc = [r for r in rows_of(wb["Forecast"], 3) if r[0] is not None]
    req = [r for r in rows_of(wb["Requirements"], 3) if r[0] is not None]
    assert len(fc) == len(req) == 168 * 3
    h = header_index(wb["Requirements"])
    row = next(r for r in req if r[h["Queue"]] == "phone:de" and r[0] == datetime(2026, 10, 26, 9, 0))
    assert row[h["Start (UTC)"]] == datetime(2026, 10, 26, 8, 0)
    assert row[h["Staff needed (after shrinkage)"]] == 1


def test_a_failure_midway_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "r.xlsx", **make_inputs("2026-W44"))
    before = path.read_bytes()

    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK half a zip")
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(RuntimeError, match="halfway"):
        write_workbook(path, **make_inputs("2026-W44"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_unwritable_paths_give_a_clear_error(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=r"afile.*cannot write"):
        write_workbook(blocker / "out.xlsx", **make_inputs("2026-W44"))
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_workbook(folder, **make_inputs("2026-W44"))
    assert list(folder.iterdir()) == []


def test_bad_week_is_a_planner_error(tmp_path):
    with pytest.raises(PlannerError, match="ISO week"):
        write_workbook(tmp_path / "x.xlsx", **{**make_inputs("2026-W44"), "week": "2026-49"})


def test_leave_is_marked_in_the_agents_own_days(tmp_path):
    # ny1 off from 27 Oct 04:00 UTC to 29 Oct 04:00 UTC = Tue 00:00 to Thu 00:00 in New York (EDT)
    time_off = pd.DataFrame({"agent_id": ["x1", "ny1"],
                             "local_date": [pd.Timestamp("2026-10-29").date(), None],
                             "start_utc": pd.to_datetime([None, "2026-10-27T04:00Z"], utc=True),
                             "end_utc": pd.to_datetime([None, "2026-10-29T04:00Z"], utc=True),
                             "reason": ["vacation", None]})
    path = write_workbook(tmp_path / "leave.xlsx", **make_inputs("2026-W44"), time_off=time_off)
    ws = openpyxl.load_workbook(path)["Schedule"]
    h = header_index(ws)
    ny, x1 = find_row(ws, 1, "ny1"), find_row(ws, 1, "x1")
    assert [ny[h[d]] for d in ("Mon 26 Oct", "Tue 27 Oct", "Wed 28 Oct", "Thu 29 Oct")] == [
        "09:00-17:00 (break 12:00-13:00)", "Leave", "Leave", "Day off"]
    assert x1[h["Thu 29 Oct"]] == "Leave (vacation)"


def test_a_frame_missing_columns_is_a_planner_error_not_a_traceback(tmp_path):
    inputs = make_inputs("2026-W44")
    with pytest.raises(PlannerError, match="requirements is missing column.*interval_start"):
        write_workbook(tmp_path / "x.xlsx", **{**inputs, "requirements": inputs["requirements"].drop(
            columns="interval_start")})
    roster = inputs["roster"]
    from dataclasses import replace
    with pytest.raises(PlannerError, match="roster shifts is missing column.*paid_hours"):
        write_workbook(tmp_path / "x.xlsx", **{**inputs, "roster": replace(roster, shifts=roster.shifts.drop(
            columns="paid_hours"))})
    assert not any(tmp_path.iterdir())


def test_inputs_are_not_changed(tmp_path):
    inputs = make_inputs("2026-W44")
    before = {k: inputs[k].copy() for k in ("requirements", "forecast")}
    shifts = inputs["roster"].shifts.copy()
    write_workbook(tmp_path / "x.xlsx", **inputs)
    for k, frame in before.items():
        pd.testing.assert_frame_equal(inputs[k], frame)
    pd.testing.assert_frame_equal(inputs["roster"].shifts, shifts)


def test_a_shift_on_the_local_day_before_the_home_week_gets_its_own_column(tmp_path):
    # Sunday 25 Oct 20:00 in New York (EDT) = Monday 26 Oct 01:00 in Berlin: inside the home week
    inputs = make_inputs("2026-W44")
    roster = inputs["roster"]
    extra = pd.DataFrame({"agent_id": ["ny1"], "local_date": [pd.Timestamp("2026-10-25").date()],
                          "start_utc": pd.to_datetime(["2026-10-26T00:00Z"], utc=True),
                          "end_utc": pd.to_datetime(["2026-10-26T04:00Z"], utc=True),
                          "break_start_utc": pd.to_datetime([pd.NaT], utc=True),
                          "break_end_utc": pd.to_datetime([pd.NaT], utc=True), "paid_hours": [4.0]})
    from dataclasses import replace
    shifts = pd.concat([extra, roster.shifts], ignore_index=True)
    path = write_workbook(tmp_path / "x.xlsx", **{**inputs, "roster": replace(roster, shifts=shifts)})
    ws = openpyxl.load_workbook(path)["Schedule"]
    h = header_index(ws)
    assert list(h)[5:8] == ["Sun 25 Oct", "Mon 26 Oct", "Tue 27 Oct"]
    assert find_row(ws, 1, "ny1")[h["Sun 25 Oct"]] == "20:00-24:00"
    assert find_row(ws, 1, "be1")[h["Sun 25 Oct"]] == "Day off"


def test_cell_helpers():
    for evil in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(evil) == "'" + evil
    assert csv_safe("Nora") == "Nora" and csv_safe(-1.5) == -1.5
    assert clean_text("a\x00b\x1fc\td") == "abc\td"
    assert plain(pd.NaT) is None and plain(float("nan")) is None and plain(pd.NA) is None
    assert plain(pd.Timestamp("2026-01-01 10:00", tz="Europe/Berlin")) == datetime(2026, 1, 1, 9, 0)


def test_duty_cover_sheet_wishes_and_rule_settings(tmp_path):
    # Week 2026-W44 of the fixtures: ny1 works Mon/Sat/Sun 09:00 New York (early, phone:en); be1 Mon 08:00
    # (early, but phone:de/chat:de) and Tue 22:00 Berlin (night); x1 Wed 10:00 (neither type).
    from dataclasses import replace

    from planner.config import config_from_dict
    from planner.export.workbook import sheet_names
    from planner.roster.evaluate import duty_cover_frame

    inputs = make_inputs("2026-W44")
    cfg = config_from_dict({"team": {"name": "Support EU", "home_timezone": "Europe/Berlin"}, "rules": {
        "shift_types": {"early": "06:00-10:00", "night": "22:00-02:00"}, "forbidden_successions": ["night>early"],
        "duty_cover": [{"shift_type": "night", "days": "mon-sun", "staff": 1},
                       {"shift_type": "early", "days": "mon", "staff": 2, "skills": ["phone:en"]}]}})
    ev = inputs["evaluation"]
    fairness = ev.fairness.assign(wishes_granted=[2, 0, 1], wishes_unmet=[1, 0, 0])
    ev = replace(ev, fairness=fairness, duty_cover=duty_cover_frame(inputs["roster"], inputs["agents"], cfg))
    path = write_workbook(tmp_path / "duty.xlsx", **{**inputs, "config": cfg, "evaluation": ev})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(sheet_names(cfg)) and wb.sheetnames[3:5] == ["Coverage", "Duty cover"]
    ws = wb["Duty cover"]
    assert rows_of(ws, 2)[0] == ("Local date", "Shift type", "Who counts", "Required", "Scheduled", "Under", "Over")
    rows = [(r[0].date().isoformat(),) + r[1:] for r in rows_of(ws, 3)]
    assert rows[:3] == [("2026-10-26", "early", "phone:en", 2, 1, 1, 0),
                        ("2026-10-26", "night", "everyone", 1, 0, 1, 0),
                        ("2026-10-27", "night", "everyone", 1, 1, 0, 0)]
    assert len(rows) == 8 and sum(r[5] for r in rows) == 7
    assert ws.cell(row=3, column=2).data_type == "s"
    summary = [r[1] for r in rows_of(wb["Summary"]) if len(r) > 1 and isinstance(r[1], str)]
    assert any(s.startswith("Duty cover is short 7 person-shift(s) on 7 day(s)") for s in summary)
    settings = {r[0]: r[1] for r in rows_of(wb["Summary"]) if r and isinstance(r[0], str)}
    assert settings["rules.forbidden_successions"] == "night -> early"
    assert settings["rules.duty_cover[2]"] == "2 on early with phone:en on mon (under 100, over 0)"
    assert settings["rules.shift_types"] == "early=06:00-10:00, night=22:00-02:00"
    fair = wb["Fairness"]
    h = header_index(fair)
    assert find_row(fair, 1, "be1")[h["Wishes granted"]] == 2 and find_row(fair, 1, "be1")[h["Wishes not granted"]] == 1


def test_a_roster_of_several_weeks_is_refused_not_cut_to_its_first_week(tmp_path):
    from dataclasses import replace

    from planner.export import write_agent_files

    inputs = make_inputs("2026-W44")
    inputs["roster"] = replace(inputs["roster"], weeks=2)
    target = tmp_path / "2026-W44.xlsx"
    with pytest.raises(PlannerError, match=r"show one week; this roster covers 2026-W44 to 2026-W45 \(2 weeks\)"):
        write_workbook(target, **inputs)
    assert not target.exists() and not list(tmp_path.iterdir())
    with pytest.raises(PlannerError, match="show one week"):
        write_agent_files(tmp_path / "agents", config=inputs["config"], week="2026-W44", agents=inputs["agents"],
                          roster=inputs["roster"])
    assert not (tmp_path / "agents").exists()
