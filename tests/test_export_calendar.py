"""Per-agent iCalendar and CSV files, checked line by line against RFC 5545 and parsed strictly.

Reference instants come from the published 2026 DST rules: the EU changes at 01:00 UTC on
the last Sunday of October (25 Oct 2026); the US at 02:00 local on the first Sunday of
November (1 Nov 2026, 06:00 UTC).
"""
from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from planner.agents import Agent
from planner.errors import OutputError
from planner.export import write_agent_files
from planner.export.calendar import escape_text, fold, safe_file_stem, zone_transitions
from test_export_fixtures import EVIL_NAME, make_inputs

STAMP = datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc)


def write(folder: Path, week: str = "2026-W44", **changes) -> list[Path]:
    i = {**make_inputs(week), **changes}
    return write_agent_files(folder, config=i["config"], week=i["week"], agents=i["agents"], roster=i["roster"],
                             stamp=STAMP)


def unfold(raw: bytes) -> list[str]:
    """Check RFC 5545 framing (CRLF, <= 75 octets, continuation by one space) and return the logical lines."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in p and b"\r" not in p for p in physical)
    assert all(len(p) <= 75 for p in physical), max(physical, key=len)
    logical: list[bytes] = []
    for p in physical:
        if p.startswith(b" "):
            logical[-1] += p[1:]
        else:
            logical.append(p)
    return [line.decode("utf-8") for line in logical]


def check_structure(lines: list[str]) -> list[dict[str, str]]:
    """Check nesting and required properties; return the VEVENTs as {property (with params): value}."""
    stack, events, tzids_defined, tzids_used = [], [], set(), set()
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        else:
            if stack and stack[-1] == "VEVENT":
                events[-1][name] = value
            if stack and stack[-1] == "VTIMEZONE" and name == "TZID":
                tzids_defined.add(value)
            if ";TZID=" in name:
                tzids_used.add(name.split(";TZID=")[1])
    assert stack == []
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(l.startswith("PRODID:") for l in lines)
    assert tzids_used <= tzids_defined
    for e in events:
        assert e["UID"] and e["DTSTAMP"] == "20261123T190000Z"
    assert len({e["UID"] for e in events}) == len(events)
    return events


def test_one_event_per_shift_in_the_agents_zone(tmp_path):
    paths = write(tmp_path)
    assert sorted(p.name for p in paths) == ["be1.csv", "be1.ics", "ny1.csv", "ny1.ics", "x1.csv", "x1.ics"]
    events = check_structure(unfold((tmp_path / "ny1.ics").read_bytes()))
    starts = sorted(e["DTSTART;TZID=America/New_York"] for e in events)
    # 09:00 local each day, before and after the US change on Sunday 1 Nov
    assert starts == ["20261026T090000", "20261031T090000", "20261101T090000"]
    assert all(e["SUMMARY"] == "Shift 09:00-17:00 (break 12:00-13:00)" for e in events)
    be = check_structure(unfold((tmp_path / "be1.ics").read_bytes()))
    night = next(e for e in be if e["DTSTART;TZID=Europe/Berlin"] == "20261027T220000")
    assert night["DTEND;TZID=Europe/Berlin"] == "20261028T060000"


def test_vtimezone_holds_the_dst_change_of_the_week(tmp_path):
    write(tmp_path)
    lines = unfold((tmp_path / "ny1.ics").read_bytes())
    tz = lines[lines.index("BEGIN:VTIMEZONE"):lines.index("END:VTIMEZONE") + 1]
    assert "TZID:America/New_York" in tz
    i = tz.index("BEGIN:STANDARD", tz.index("END:DAYLIGHT"))
    # onset given in the old (EDT) wall clock: 02:00 EDT = 06:00 UTC
    assert tz[i + 1:i + 5] == ["DTSTART:20261101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST"]


def test_zone_transitions_match_the_published_2026_rules():
    lo, hi = datetime(2026, 10, 20, tzinfo=timezone.utc), datetime(2026, 11, 5, tzinfo=timezone.utc)
    assert zone_transitions("Europe/Berlin", lo, hi) == [datetime(2026, 10, 25, 1, 0, tzinfo=timezone.utc)]
    assert zone_transitions("America/New_York", lo, hi) == [datetime(2026, 11, 1, 6, 0, tzinfo=timezone.utc)]
    assert zone_transitions("Asia/Tokyo", lo, hi) == []


def test_a_shift_in_the_repeated_hour_is_written_in_utc(tmp_path):
    # 1 Nov 2026 01:30 happens twice in New York: 05:30 UTC (EDT) and 06:30 UTC (EST)
    inputs = make_inputs("2026-W44")
    shifts = pd.DataFrame({
        "agent_id": ["ny1", "ny1"], "local_date": [pd.Timestamp("2026-10-31").date(),
                                                   pd.Timestamp("2026-11-01").date()],
        "start_utc": pd.to_datetime(["2026-10-31T05:30Z", "2026-11-01T06:30Z"], utc=True),
        "end_utc": pd.to_datetime(["2026-10-31T09:30Z", "2026-11-01T10:30Z"], utc=True),
        "break_start_utc": pd.to_datetime([pd.NaT, pd.NaT], utc=True),
        "break_end_utc": pd.to_datetime([pd.NaT, pd.NaT], utc=True), "paid_hours": [4.0, 4.0]})
    roster = replace(inputs["roster"], shifts=shifts, allocation=inputs["roster"].allocation.iloc[0:0])
    write(tmp_path, roster=roster)
    events = check_structure(unfold((tmp_path / "ny1.ics").read_bytes()))
    assert events[0]["DTSTART;TZID=America/New_York"] == "20261031T013000"
    assert events[1]["DTSTART"] == "20261101T063000Z" and events[1]["DTEND"] == "20261101T103000Z"


def test_text_is_escaped_and_long_lines_folded_without_splitting_characters():
    assert escape_text("a,b;c\\d\ne\r\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "Zoë 日本語 " * 20
    folded = fold(line).encode("utf-8")
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0]] + [p[1:] for p in parts[1:]]).decode("utf-8") == line  # each piece decodes whole
    for p in parts:
        p.decode("utf-8")


def test_names_with_commas_and_formulas_survive_a_strict_parser(tmp_path):
    icalendar = pytest.importorskip("icalendar", reason="icalendar is a test-only dependency")
    agents = make_inputs()["agents"]
    odd = Agent("ny1", "Ünlü, Zoë; \"the\" night\\owl " + "ß" * 40, "America/New_York", ("en",), ("phone",),
                (("phone", "en"),), 40, 32, 44)
    write(tmp_path, agents=(odd,) + agents[1:])
    for path in sorted(tmp_path.glob("*.ics")):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert cal.errors == [] and all(c.errors == [] for c in cal.walk()), path
        events = cal.walk("VEVENT")
        assert events, path
    cal = icalendar.Calendar.from_ical((tmp_path / "ny1.ics").read_bytes())
    first = cal.walk("VEVENT")[0]
    assert str(first["DESCRIPTION"]).splitlines()[0] == f"{odd.name} (ny1)"  # TEXT unescaped to the original
    starts = sorted(e.decoded("DTSTART") for e in cal.walk("VEVENT"))
    assert [s.astimezone(timezone.utc) for s in starts] == [
        datetime(2026, 10, 26, 13, 0, tzinfo=timezone.utc),   # EDT, UTC-4
        datetime(2026, 10, 31, 13, 0, tzinfo=timezone.utc),
        datetime(2026, 11, 1, 14, 0, tzinfo=timezone.utc)]    # EST, UTC-5
    x1 = icalendar.Calendar.from_ical((tmp_path / "x1.ics").read_bytes())
    assert str(x1.walk("VEVENT")[0]["DESCRIPTION"]).startswith(f"{EVIL_NAME} (x1)")


def test_csv_is_formula_safe_and_in_local_time(tmp_path):
    write(tmp_path)
    with open(tmp_path / "x1.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["name"] == "'" + EVIL_NAME
    assert rows[0]["start"] == "2026-10-28 10:00" and rows[0]["start_utc"] == "2026-10-28T09:00:00Z"
    with open(tmp_path / "ny1.csv", newline="", encoding="utf-8-sig") as f:
        ny = list(csv.DictReader(f))
    assert [(r["local_date"], r["start"][-5:], r["start_utc"]) for r in ny] == [
        ("2026-10-26", "09:00", "2026-10-26T13:00:00Z"), ("2026-10-31", "09:00", "2026-10-31T13:00:00Z"),
        ("2026-11-01", "09:00", "2026-11-01T14:00:00Z")]
    assert sum(float(r["paid_hours"]) for r in ny) == 24


def test_an_agent_without_shifts_gets_a_valid_empty_calendar(tmp_path):
    inputs = make_inputs()
    idle = Agent("idle", "Ida Idle", "Asia/Manila", ("en",), ("chat",), (("chat", "en"),), 20, 10, 25)
    write(tmp_path, agents=inputs["agents"] + (idle,))
    lines = unfold((tmp_path / "idle.ics").read_bytes())
    assert check_structure(lines) == [] and "BEGIN:VTIMEZONE" in lines
    assert (tmp_path / "idle.csv").read_text(encoding="utf-8-sig").count("\n") == 1  # header only


def test_file_names_are_safe_and_unique():
    taken: set[str] = set()
    assert [safe_file_stem(a, taken) for a in ("a/b", "a:b", "../x", "A_B", "con")] == [
        "a_b", "a_b_2", "_x", "A_B_3", "_con"]


def test_a_file_in_place_of_the_folder_is_an_output_error(tmp_path):
    blocker = tmp_path / "agents"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="agents: is a file"):
        write(blocker)
