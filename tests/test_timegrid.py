"""The UTC grid of a planning week, checked by hand against the DST rules of 2026."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from planner.errors import PlannerError
from planner.timegrid import (floor_to_grid, grid_phase_minutes, local_to_utc, next_week, parse_week, period_grid,
                              week_bounds, week_grid)


def test_parse_week():
    assert parse_week("2026-W49") == (2026, 49)
    assert parse_week("2026w01") == (2026, 1)
    assert parse_week("2020-W53") == (2020, 53)
    for bad in ("2026-49", "2026-W54", "2025-W53", "W49"):
        with pytest.raises(PlannerError, match="ISO week like"):
            parse_week(bad)


def test_next_week_crosses_the_year():
    assert next_week(date(2026, 11, 23)) == "2026-W49"
    assert next_week(date(2026, 12, 31)) == "2027-W01"


@pytest.mark.parametrize("week,tz,hours", [
    ("2026-W13", "Europe/Berlin", 167),    # 2026-03-29 spring forward
    ("2026-W43", "Europe/Berlin", 169),    # 2026-10-25 fall back
    ("2026-W49", "Europe/Berlin", 168),
    ("2026-W10", "America/New_York", 167),  # 2026-03-08
    ("2026-W44", "America/New_York", 169),  # 2026-11-01
    ("2026-W13", "Asia/Manila", 168),       # no DST
])
def test_week_grid_has_167_168_or_169_hours(week, tz, hours):
    grid = week_grid(week, tz, 60)
    assert len(grid) == hours
    assert str(grid.tz) == "UTC"
    assert (grid[1:] - grid[:-1] == pd.Timedelta(hours=1)).all()


def test_week_bounds_are_local_midnights():
    start, end = week_bounds("2026-W49", "Europe/Berlin")
    assert start == pd.Timestamp("2026-11-29 23:00", tz="UTC")
    assert end == pd.Timestamp("2026-12-06 23:00", tz="UTC")
    assert len(week_grid("2026-W49", "Europe/Berlin", 15)) == 7 * 96


def test_period_grid_spans_weeks_across_dst():
    grid = period_grid("2026-W43", 2, "Europe/Berlin", 30)
    assert len(grid) == (169 + 168) * 2


def test_local_to_utc_handles_gap_and_overlap():
    # 02:30 does not exist in Berlin on 2026-03-29: shifted forward by the gap to 03:30 CEST = 01:30 UTC
    assert local_to_utc(date(2026, 3, 29), 150, "Europe/Berlin") == pd.Timestamp("2026-03-29 01:30", tz="UTC")
    # 02:30 happens twice on 2026-10-25: the first (CEST) is 00:30 UTC
    assert local_to_utc(date(2026, 10, 25), 150, "Europe/Berlin") == pd.Timestamp("2026-10-25 00:30", tz="UTC")
    # past midnight belongs to the next calendar day
    assert local_to_utc(date(2026, 12, 1), 25 * 60, "America/New_York") == pd.Timestamp("2026-12-02 06:00", tz="UTC")


def test_grid_phase_for_half_hour_zones():
    assert grid_phase_minutes("Asia/Kolkata", 60) == 30
    assert grid_phase_minutes("Asia/Kolkata", 30) == 0
    assert grid_phase_minutes("Asia/Kathmandu", 60, date(2026, 1, 1)) == 15
    assert grid_phase_minutes("Europe/Berlin", 60) == 0
    t = pd.Series(pd.to_datetime(["2026-01-01 10:10", "2026-01-01 10:40"], utc=True))
    assert list(floor_to_grid(t, 60, 30)) == list(pd.to_datetime(["2026-01-01 09:30", "2026-01-01 10:30"], utc=True))
    assert week_grid("2026-W02", "Asia/Kolkata")[0] == pd.Timestamp("2026-01-04 18:30", tz="UTC")


def test_open_mask_counts_overlapping_intervals_in_local_time():
    from datetime import time

    from planner.timegrid import open_mask
    grid = week_grid("2026-W49", "Europe/Berlin", 60)
    mask = open_mask(grid, (time(8, 30), time(20)), "Europe/Berlin", 60)
    local_hours = grid.tz_convert("Europe/Berlin").hour[mask]
    assert sorted(set(local_hours)) == list(range(8, 20))  # 08:00-09:00 overlaps the 08:30 opening
    assert mask.sum() == 7 * 12
    assert open_mask(grid, None, "Europe/Berlin", 60).all()
    assert open_mask(grid, (time(0), time(23, 59, 59, 999999)), "Europe/Berlin", 60).all()
