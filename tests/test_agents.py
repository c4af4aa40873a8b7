"""Tests of the agents and time-off loaders: parsing, every row check, XLSX, DST-aware leave."""
from __future__ import annotations

from datetime import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.agents import Agent, agents_frame, read_agents, read_time_off, write_agents
from planner.config import Config, config_from_dict
from planner.errors import InputError

HEADER = ("agent_id,name,timezone,languages,channels,contract_hours,min_hours,max_hours,days_per_week,"
          "earliest_start,latest_end,days_off,preferred_start,team,night_ok")
GOOD = {
    "agent_id": "A1", "name": "Ana", "timezone": "Europe/Berlin", "languages": "en;de", "channels": "phone;chat",
    "contract_hours": "40", "min_hours": "", "max_hours": "", "days_per_week": "5", "earliest_start": "07:00",
    "latest_end": "22:00", "days_off": "sat;sun", "preferred_start": "09:00", "team": "Berlin", "night_ok": "",
}
CONFIG = Config()  # shift_hours (8, 9), channels phone/chat/email/social, any ISO 639-1 language


def write(tmp_path: Path, text: str, name: str = "agents.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def csv_of(*rows: dict, header: str = HEADER) -> str:
    cols = header.split(",")
    return "\n".join([header] + [",".join(r.get(c, "") for c in cols) for r in rows]) + "\n"


def one_bad(tmp_path, config=CONFIG, **changes) -> InputError:
    """Return the error of a file whose row 3 is the good row with `changes`."""
    p = write(tmp_path, csv_of(GOOD, {**GOOD, "agent_id": "A2", **changes}))
    with pytest.raises(InputError) as err:
        read_agents(p, config)
    return err.value


# --------------------------------------------------------------------------- good files


def test_reads_a_team_in_several_zones_with_defaults(tmp_path):
    text = (" Agent_ID ,NAME,Timezone,languages,channels,contract_hours,min_hours,max_hours,days_per_week,"
            "earliest_start,latest_end,days_off,preferred_start,team,night_ok,shoe_size\n"
            "A1,Ana,Europe/Berlin,en;DE,phone;chat,40,,,5,07:00,22:00,Sat;Sun,09:00,Berlin,,42\n"
            "\n"
            "B2,Bo,America/New_York,es,email,20,16,24,,,,,,NYC,yes,\n"
            "C3,Cy,Pacific/Auckland,en,phone,37.5,30,45,4,22:00,08:00,mon,,AKL,TRUE,\n")
    a, b, c = read_agents(write(tmp_path, text), CONFIG)
    assert a == Agent("A1", "Ana", "Europe/Berlin", ("en", "de"), ("phone", "chat"),
                      (("phone", "en"), ("phone", "de"), ("chat", "en"), ("chat", "de")),
                      40.0, 40.0, 40.0, 5, time(7), time(22), frozenset({5, 6}), time(9), "Berlin", False, row=2)
    # the blank line keeps its number: B2 is on spreadsheet row 4
    assert (b.row, b.timezone, b.skills, b.min_hours, b.max_hours) == (4, "America/New_York", (("email", "es"),),
                                                                        16.0, 24.0)
    assert b.days_per_week is None and b.earliest_start is None and b.night_ok is True and b.days_off == frozenset()
    # a window across midnight, allowed because night_ok is true
    assert (c.earliest_start, c.latest_end, c.night_ok, c.contract_hours) == (time(22), time(8), True, 37.5)
    assert c.days_off == frozenset({0})


def test_night_window_needs_night_ok(tmp_path):
    err = one_bad(tmp_path, earliest_start="22:00", latest_end="06:00", night_ok="no")
    assert (err.row, err.column) == (3, "latest_end")
    assert "'06:00'" in str(err) and "night_ok" in str(err) and "24:00" in str(err)
    ok = write(tmp_path, csv_of({**GOOD, "earliest_start": "22:00", "latest_end": "06:00", "night_ok": "1"}))
    (agent,) = read_agents(ok, CONFIG)
    assert agent.latest_end < agent.earliest_start
    # 24:00 is the end of the day, not a window across midnight
    ok = write(tmp_path, csv_of({**GOOD, "earliest_start": "14:00", "latest_end": "24:00"}))
    assert read_agents(ok, CONFIG)[0].latest_end == time(23, 59, 59, 999999)


def test_skills_column_overrides_channels_times_languages(tmp_path):
    header = HEADER + ",skills"
    rows = [{**GOOD, "skills": "phone:en; chat:DE"},
            {**GOOD, "agent_id": "A2", "languages": "", "channels": "", "skills": "email:fr;phone:fr"}]
    a, b = read_agents(write(tmp_path, csv_of(*rows, header=header)), CONFIG)
    assert a.skills == (("phone", "en"), ("chat", "de")) and a.languages == ("en", "de")
    assert (b.skills, b.languages, b.channels) == ((("email", "fr"), ("phone", "fr")), ("fr",), ("email", "phone"))
    # languages and channels columns are not required when skills are given
    minimal = "agent_id,name,timezone,contract_hours,skills\nA9,Z,UTC,40,chat:it\n"
    assert read_agents(write(tmp_path, minimal, "m.csv"), CONFIG)[0].skills == (("chat", "it"),)


@pytest.mark.parametrize("skills, expected", [
    ("email:en", "within the row's channels phone;chat"),
    ("phone:fr", "within the row's languages en;de"),
    ("fax:en", "unknown: fax"),
    ("phone:xx", "unknown: xx"),
    ("phone-en", "channel:language pairs"),
])
def test_skills_must_be_known_and_within_the_row(tmp_path, skills, expected):
    p = write(tmp_path, csv_of({**GOOD, "skills": skills}, header=HEADER + ",skills"))
    with pytest.raises(InputError) as err:
        read_agents(p, CONFIG)
    assert (err.value.row, err.value.column) == (2, "skills")
    assert expected in str(err.value) and repr(skills) in str(err.value)


def test_reads_xlsx_with_typed_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["A1", "Ana", "Asia/Kolkata", "hi;en", "phone", 40, 32, 48.5, 5, time(6, 30), time(18, 0),
               "sun", None, "BLR", True])
    ws.append([])
    ws.append(["A2", "Bea", "UTC", "en", "chat", 20, None, None, None, None, None, None, None, None, False])
    path = tmp_path / "agents.xlsx"
    wb.save(path)
    a, b = read_agents(path, CONFIG)
    assert (a.contract_hours, a.min_hours, a.max_hours, a.days_per_week) == (40.0, 32.0, 48.5, 5)
    assert (a.earliest_start, a.latest_end, a.night_ok, a.days_off) == (time(6, 30), time(18), True, frozenset({6}))
    assert (b.row, b.night_ok, b.min_hours, b.max_hours) == (4, False, 20.0, 20.0)
    ws.cell(row=4, column=3, value="Mars/Olympus")
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_agents(path, CONFIG)
    assert (err.value.row, err.value.column) == (4, "timezone") and "Mars/Olympus" in str(err.value)


def test_round_trip_through_write_agents(tmp_path):
    agents = (
        Agent("A1", "Ana, the first", "Europe/Berlin", ("en", "de"), ("phone", "chat"),
              (("phone", "en"), ("chat", "de")), 38.5, 30.0, 42.0, 5, time(7), time(23, 59, 59, 999999),
              frozenset({5, 6}), time(9, 30), "Berlin", False, row=2),
        Agent("B2", "Bo", "Pacific/Auckland", ("en",), ("email",), (("email", "en"),), 20.0, 20.0, 20.0,
              None, time(22), time(6), frozenset(), None, "", True, row=3),
    )
    path = write_agents(agents, tmp_path / "out" / "agents.csv")
    assert read_agents(path, CONFIG) == agents
    assert not [f for f in path.parent.iterdir() if f.name != "agents.csv"]  # no temp file left
    frame = agents_frame(agents)
    assert list(frame.columns[:4]) == ["agent_id", "name", "team", "timezone"]
    assert frame.loc[0, "skills"] == "phone:en;chat:de" and frame.loc[0, "days_off"] == "sat;sun"
    assert frame.loc[0, "latest_end"] == "24:00" and frame.loc[1, "night_ok"] == True  # noqa: E712
    assert pd.isna(frame.loc[1, "days_per_week"]) and frame.loc[0, "days_per_week"] == 5


# --------------------------------------------------------------------------- row checks


@pytest.mark.parametrize("changes, column, fragments", [
    ({"timezone": "Europe/Berln"}, "timezone", ["'Europe/Berln'", "IANA time zone"]),
    ({"timezone": "europe/berlin"}, "timezone", ["did you mean 'Europe/Berlin'"]),
    ({"channels": "phone;fax"}, "channels", ["'phone;fax'", "unknown: fax", "phone, chat, email, social"]),
    ({"languages": "en;english"}, "languages", ["unknown: english", "ISO 639-1"]),
    ({"languages": "xx"}, "languages", ["unknown: xx"]),
    ({"contract_hours": "forty"}, "contract_hours", ["'forty'", "number"]),
    ({"contract_hours": ""}, "contract_hours", ["''", "number"]),
    ({"contract_hours": "0"}, "contract_hours", ["above 0 and at most 80"]),
    ({"contract_hours": "81"}, "contract_hours", ["'81'", "above 0 and at most 80"]),
    ({"min_hours": "-1"}, "min_hours", ["'-1'", "0 or more"]),
    ({"min_hours": "41"}, "min_hours", ["'41'", "min_hours <= contract_hours (40)"]),
    ({"max_hours": "39"}, "max_hours", ["'39'", "max_hours >= contract_hours (40)"]),
    ({"days_per_week": "8"}, "days_per_week", ["'8'", "from 1 to 7"]),
    ({"days_per_week": "4.5"}, "days_per_week", ["'4.5'", "whole number"]),
    ({"days_per_week": "6"}, "days_per_week", ["'6'", "at most 5 days", "'sat;sun' leaves 5"]),
    ({"days_per_week": "7", "days_off": ""}, "days_per_week", ["'7'", "rules.max_consecutive_days is 6"]),
    ({"days_off": "sat;sunday;someday"}, "days_off", ["sat;sunday;someday", "sat;sun"]),
    ({"earliest_start": "7am"}, "earliest_start", ["'7am'", "like 07:00"]),
    ({"latest_end": "25:00"}, "latest_end", ["'25:00'", "like 07:00"]),
    ({"preferred_start": "24:00"}, "preferred_start", ["'24:00'"]),
    ({"earliest_start": "09:00", "latest_end": "15:00"}, "latest_end", ["at least 8 h", "holds 6 h"]),
    ({"earliest_start": "09:00", "latest_end": "09:00"}, "latest_end", ["different from earliest_start"]),
    ({"night_ok": "maybe"}, "night_ok", ["'maybe'", "true or false"]),
    ({"agent_id": ""}, "agent_id", ["non-empty"]),
    ({"agent_id": "A1"}, "agent_id", ["'A1'", "each agent_id once", "row 2 has it too"]),
    ({"languages": "", "channels": ""}, "channels", ["at least one skill"]),
])
def test_each_row_check_names_row_column_value_and_expectation(tmp_path, changes, column, fragments):
    err = one_bad(tmp_path, **changes)
    assert (err.row, err.column) == (3, column)
    msg = str(err)
    assert msg.startswith(f"{tmp_path / 'agents.csv'}, row 3, column '{column}': got ")
    for fragment in fragments:
        assert fragment in msg


def test_minimum_hours_must_fit_in_the_days_allowed(tmp_path):
    # 5 days off leave 2 days x 9 h (the longest shift) = 18 h < 20 h minimum
    err = one_bad(tmp_path, days_per_week="", contract_hours="20", days_off="mon;tue;wed;thu;fri")
    assert (err.row, err.column) == (3, "contract_hours")
    assert "needs 20 h" in str(err) and "only 18 h are available" in str(err) and "2 days" in str(err)
    # days_per_week limits too: 3 days x 9 h = 27 h < min_hours 30; the exact boundary 27 is fine
    err = one_bad(tmp_path, days_per_week="3", min_hours="30", days_off="")
    assert err.column == "min_hours" and "only 27 h" in str(err) and "days_per_week" in str(err)
    ok = write(tmp_path, csv_of({**GOOD, "days_per_week": "3", "min_hours": "27", "days_off": ""}))
    assert read_agents(ok, CONFIG)[0].min_hours == 27
    err = one_bad(tmp_path, days_per_week="3", min_hours="27.5", days_off="")
    assert err.column == "min_hours" and "needs 27.5 h" in str(err)
    # no fixed days off: still at most 6 days in a row (rules.max_consecutive_days) x 9 h = 54 h
    err = one_bad(tmp_path, days_per_week="", contract_hours="55", max_hours="60", days_off="")
    assert "only 54 h" in str(err) and "rules.max_consecutive_days" in str(err)
    # with 10-hour shifts the same contract fits
    cfg = config_from_dict({"rules": {"shift_hours": [8, 10]}})
    ok = write(tmp_path, csv_of({**GOOD, "days_per_week": "3", "min_hours": "30", "days_off": ""}))
    assert read_agents(ok, cfg)[0].min_hours == 30


def test_minimum_hours_count_the_longest_shift_the_agent_can_work(tmp_path):
    # 8 h shifts, but a night shift starting 22:00 lasts 12 h: only an agent whose window holds it gains
    cfg = config_from_dict({"rules": {"shift_hours": [8], "shift_types": {"night": {"start": "22:00-23:00",
                                                                                      "hours": [12]}}}})
    three = {"days_per_week": "3", "min_hours": "30", "days_off": ""}
    err = one_bad(tmp_path, config=cfg, **three)  # 07:00-22:00 without nights: 3 days x 8 h
    assert err.column == "min_hours" and "only 24 h are available" in str(err)
    assert "x 8 h, the longest shift the rules allow in the window 07:00-22:00" in str(err)
    # 20:00-09:00 allows nights but ends before a 22:00 + 12 h shift does: still 8 h a day
    err = one_bad(tmp_path, config=cfg, **three, earliest_start="20:00", latest_end="09:00", night_ok="true")
    assert err.column == "min_hours" and "only 24 h are available" in str(err) and "20:00-09:00" in str(err)
    night = {**GOOD, **three, "earliest_start": "22:00", "latest_end": "10:00", "night_ok": "true"}
    assert read_agents(write(tmp_path, csv_of(night)), cfg)[0].min_hours == 30  # 3 days x 12 h


def test_a_window_must_hold_a_shift_its_starts_allow(tmp_path):
    # every start is of type "long" (12 h): a 10 h window holds no shift although shift_hours has 8
    cfg = config_from_dict({"rules": {"shift_hours": [8], "shift_types": {"long": {"start": "00:00-24:00",
                                                                                     "hours": [12]}}}})
    err = one_bad(tmp_path, config=cfg, earliest_start="07:00", latest_end="17:00")
    assert err.column == "latest_end" and "a window of at least 12 h" in str(err) and "holds 10 h" in str(err)
    # 8 h long, but no start on the hour fits an 8 or 9 h shift into 07:30-15:30
    err = one_bad(tmp_path, earliest_start="07:30", latest_end="15:30", days_per_week="", contract_hours="1")
    assert err.column == "latest_end" and "no shift starting on the 60-minute step" in str(err)
    assert "fits 07:30-15:30 without nights" in str(err)
    # an open end: starting 21:00 or later, no 8 or 9 h shift ends by midnight (no nights)
    err = one_bad(tmp_path, earliest_start="21:00", latest_end="", days_per_week="", contract_hours="1")
    assert err.column == "earliest_start" and "fits 21:00-24:00 without nights" in str(err)


def test_team_languages_restrict_languages(tmp_path):
    cfg = config_from_dict({"team": {"languages": ["en", "fr"]}})
    err = one_bad(tmp_path, config=cfg, languages="en;de")
    assert err.column == "languages" and "unknown: de" in str(err) and "en, fr" in str(err)


def test_several_bad_rows_are_listed_up_to_five_with_the_total(tmp_path):
    rows = [GOOD] + [{**GOOD, "agent_id": f"B{i}", "timezone": f"Nowhere/{i}"} for i in range(7)]
    rows[3] = {**rows[3], "contract_hours": "x"}  # row 5 has two problems, on one line
    with pytest.raises(InputError) as err:
        read_agents(write(tmp_path, csv_of(*rows)), CONFIG)
    lines = str(err.value).splitlines()
    assert "7 bad agent rows, the first 5:" in lines[0]
    assert [ln.split(",")[0].strip() for ln in lines[1:]] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    assert "'Nowhere/2'" in lines[3] and "column 'contract_hours': got 'x'" in lines[3]
    assert (err.value.row, err.value.column) == (3, "timezone")


def test_duplicate_id_is_found_even_when_the_first_row_is_bad(tmp_path):
    rows = [{**GOOD, "timezone": "Nowhere"}, GOOD]
    with pytest.raises(InputError) as err:
        read_agents(write(tmp_path, csv_of(*rows)), CONFIG)
    assert "2 bad agent rows" in str(err.value)
    assert "row 3, column 'agent_id': got 'A1', expected each agent_id once; row 2 has it too" in str(err.value)


def test_missing_columns_and_empty_files(tmp_path):
    p = write(tmp_path, "agent_id,Name,timezone,hours\nA1,Ana,UTC,40\n")
    with pytest.raises(InputError, match=r"missing column\(s\) languages, channels, contract_hours; "
                                         r"found agent_id, Name, timezone, hours"):
        read_agents(p, CONFIG)
    with pytest.raises(InputError, match="empty; expected a header row"):
        read_agents(write(tmp_path, "", "empty.csv"), CONFIG)
    with pytest.raises(InputError, match="has no agents"):
        read_agents(write(tmp_path, HEADER + "\n", "header.csv"), CONFIG)
    with pytest.raises(InputError, match="not found"):
        read_agents(tmp_path / "nope.csv", CONFIG)
    with pytest.raises(InputError, match="expected .csv or .xlsx"):
        read_agents(write(tmp_path, "x", "agents.json"), CONFIG)


# --------------------------------------------------------------------------- time off


def team(tmp_path) -> tuple[Agent, ...]:
    rows = [{**GOOD, "agent_id": "ny", "timezone": "America/New_York", "days_off": ""},
            {**GOOD, "agent_id": "akl", "timezone": "Pacific/Auckland", "days_off": ""}]
    return read_agents(write(tmp_path, csv_of(*rows)), CONFIG)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_time_off_across_the_new_york_dst_change(tmp_path):
    # 2026-11-01 02:00 EDT (UTC-4) falls back to 01:00 EST (UTC-5)
    p = write(tmp_path, "agent_id,start,end,reason\n"
                        "ny,2026-11-01,2026-11-01,sick\n"
                        "ny,2026-11-01 00:00,2026-11-01 03:00,dentist\n"
                        "ny,2026-11-01 01:30,2026-11-01 02:30,\n", "time_off.csv")
    off = read_time_off(p, team(tmp_path), CONFIG)
    assert list(off.columns) == ["agent_id", "start_utc", "end_utc", "reason", "kind"]
    assert list(off.kind) == ["leave"] * 3  # no kind column: all leave
    assert str(off["start_utc"].dtype) == "datetime64[ns, UTC]"
    # whole day: midnight EDT = 04:00Z to next midnight EST = 05:00Z, a 25-hour day
    assert (off.start_utc[0], off.end_utc[0]) == (utc("2026-11-01 04:00"), utc("2026-11-02 05:00"))
    # 00:00 to 03:00 local spans 4 elapsed hours
    assert (off.start_utc[1], off.end_utc[1]) == (utc("2026-11-01 04:00"), utc("2026-11-01 08:00"))
    # the repeated 01:30 is its first occurrence (EDT): 05:30Z; 02:30 EST is 07:30Z
    assert (off.start_utc[2], off.end_utc[2]) == (utc("2026-11-01 05:30"), utc("2026-11-01 07:30"))
    assert list(off.reason) == ["sick", "dentist", ""]


def test_time_off_in_the_spring_gap_moves_forward_by_the_gap(tmp_path):
    # 2026-03-08 02:00 EST jumps to 03:00 EDT; 02:30 does not exist and becomes 03:30 EDT = 07:30Z,
    # the rule of timegrid.local_to_utc and the history loader (Python's fold=0)
    p = write(tmp_path, "agent_id,start,end\nny,2026-03-08 02:30,2026-03-08 04:00\n", "time_off.csv")
    off = read_time_off(p, team(tmp_path), CONFIG)
    assert (off.start_utc[0], off.end_utc[0]) == (utc("2026-03-08 07:30"), utc("2026-03-08 08:00"))


def test_whole_days_in_auckland_summer(tmp_path):
    # December in Auckland is NZDT, UTC+13: local midnight of 10 December is 9 December 11:00Z
    p = write(tmp_path, "Agent_ID , Start ,END\nakl,2026-12-10,2026-12-10\nakl,2026-12-10,2026-12-12\n",
              "time_off.csv")
    off = read_time_off(p, team(tmp_path), CONFIG)
    assert (off.start_utc[0], off.end_utc[0]) == (utc("2026-12-09 11:00"), utc("2026-12-10 11:00"))
    assert off.end_utc[1] == utc("2026-12-12 11:00")  # the end date is inclusive
    assert list(off.reason) == ["", ""]


def test_time_off_from_xlsx_date_cells(tmp_path):
    from datetime import datetime
    wb = openpyxl.Workbook()
    wb.active.append(["agent_id", "start", "end", "reason"])
    wb.active.append(["akl", datetime(2026, 12, 10), datetime(2026, 12, 11), "leave"])
    wb.save(tmp_path / "time_off.xlsx")
    off = read_time_off(tmp_path / "time_off.xlsx", team(tmp_path), CONFIG)
    assert (off.start_utc[0], off.end_utc[0]) == (utc("2026-12-09 11:00"), utc("2026-12-11 11:00"))


@pytest.mark.parametrize("line, column, fragments", [
    ("zz,2026-12-01,2026-12-01", "agent_id", ["'zz'", "an agent_id of the agents file (ny, akl)"]),
    ("ny,01/12/2026,2026-12-01", "start", ["'01/12/2026'", "like 2026-12-01"]),
    ("ny,2026-12-01,2026-02-30", "end", ["'2026-02-30'"]),
    ("ny,2026-12-03,2026-12-02", "end", ["'2026-12-02'", "an end after the start 2026-12-03"]),
    ("ny,2026-12-03 10:00,2026-12-03 10:00", "end", ["an end after the start"]),
])
def test_time_off_errors_name_row_and_column(tmp_path, line, column, fragments):
    p = write(tmp_path, f"agent_id,start,end\nny,2026-12-01,2026-12-01\n{line}\n", "time_off.csv")
    with pytest.raises(InputError) as err:
        read_time_off(p, team(tmp_path), CONFIG)
    assert (err.value.row, err.value.column) == (3, column)
    assert str(err.value).startswith(f"{p}, row 3, column '{column}'")
    for fragment in fragments:
        assert fragment in str(err.value)


def test_missing_time_off_is_empty_and_missing_columns_are_named(tmp_path):
    for path in (None, tmp_path / "absent.csv"):
        off = read_time_off(path, team(tmp_path), CONFIG)
        assert off.empty and list(off.columns) == ["agent_id", "start_utc", "end_utc", "reason", "kind"]
    p = write(tmp_path, "agent_id,from,end\nny,2026-12-01,2026-12-01\n", "time_off.csv")
    with pytest.raises(InputError, match=r"missing column\(s\) start; found agent_id, from, end"):
        read_time_off(p, team(tmp_path), CONFIG)
