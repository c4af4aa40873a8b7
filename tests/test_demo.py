"""The demo workspace: deterministic, loadable, a realistic team and a realistic history.

Expected values are worked out from the generator's documented rules (module docstring of
planner.demo), not by calling its helpers: time zones via zoneinfo, calendars by hand.
"""
from __future__ import annotations

import inspect
import tomllib
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from planner.config import load_config, parse_weekdays
from planner.demo import write_demo_workspace
from planner.errors import PlannerError

WEEK = "2026-W49"  # Monday 2026-11-30 .. Sunday 2026-12-06
WEEK_START_UTC = pd.Timestamp("2026-11-29T23:00:00Z")  # Monday 00:00 Berlin (CET, UTC+1)
FILES = ["planner.toml", "rosters/agents.csv", "rosters/time_off.csv", "forecasts/history.csv",
         "forecasts/special_days.csv", "forecasts/scenarios/campaign.toml"]
HOUR_SHARES = {1: (1.0,), 2: (0.7, 0.3), 3: (0.6, 0.25, 0.15)}
# The queues the demo documents (planner.demo.QUEUES), written out here as the reference.
QUEUES = {("phone", "en"), ("chat", "en"), ("email", "en"), ("social", "en"),
          ("phone", "de"), ("chat", "de"), ("email", "de"), ("social", "de"),
          ("phone", "es"), ("chat", "es"), ("email", "es"),
          ("phone", "fr"), ("email", "fr"), ("phone", "pt"), ("email", "pt"),
          ("email", "ru"), ("phone", "uk"), ("email", "uk")}


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    written = write_demo_workspace(folder, week=WEEK)
    assert sorted(written) == sorted(folder / f for f in FILES)
    return folder


@pytest.fixture(scope="module")
def team(ws) -> pd.DataFrame:
    return pd.read_csv(ws / "rosters/agents.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def history(ws) -> pd.DataFrame:
    h = pd.read_csv(ws / "forecasts/history.csv")
    h["utc"] = pd.to_datetime(h["interval_start"], utc=True)
    return h


def _local(h: pd.DataFrame, tz: str) -> pd.Series:
    return h["utc"].dt.tz_convert(tz)


# ------------------------------------------------------------------------------- workspace files


def test_same_arguments_write_identical_bytes_and_the_seed_matters(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, seed in ((a, 0), (b, 0), (c, 1)):
        write_demo_workspace(folder, week="2026-W13", agents=30, history_weeks=6, seed=seed)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "forecasts/history.csv").read_bytes() != (c / "forecasts/history.csv").read_bytes()
    assert (a / "rosters/agents.csv").read_bytes() != (c / "rosters/agents.csv").read_bytes()


def test_existing_files_are_kept_unless_overwrite(tmp_path):
    (tmp_path / "planner.toml").write_text("# mine\n", encoding="utf-8")
    written = write_demo_workspace(tmp_path, week=WEEK, agents=12, history_weeks=2)
    assert tmp_path / "planner.toml" not in written
    assert len(written) == len(FILES) - 1
    assert (tmp_path / "planner.toml").read_text(encoding="utf-8") == "# mine\n"
    assert write_demo_workspace(tmp_path, week=WEEK, agents=12, history_weeks=2) == []
    again = write_demo_workspace(tmp_path, week=WEEK, agents=12, history_weeks=2, overwrite=True)
    assert sorted(again) == sorted(tmp_path / f for f in FILES)
    assert load_config(tmp_path).team.home_timezone == "Europe/Berlin"


@pytest.mark.parametrize("kwargs,match", [
    ({"week": "2026-49"}, "ISO week"),
    ({"week": WEEK, "agents": 0}, "agents"),
    ({"week": WEEK, "history_weeks": 0}, "history_weeks"),
    ({"week": WEEK, "seed": -1}, "seed"),
])
def test_bad_arguments_raise_planner_errors(tmp_path, kwargs, match):
    with pytest.raises(PlannerError, match=match):
        write_demo_workspace(tmp_path, **kwargs)
    assert not any(tmp_path.iterdir())


def test_config_loads_with_the_documented_channels(ws):
    cfg = load_config(ws)
    assert cfg.team.home_timezone == "Europe/Berlin"
    assert cfg.team.interval_minutes == 60
    assert set(cfg.team.languages) == {"en", "de", "es", "fr", "pt", "ru", "uk"}
    assert {"US", "GB", "DE", "ES", "FR", "BR", "PT", "UA"} <= set(cfg.team.countries)
    phone, chat, email, social = (cfg.channel(c) for c in ("phone", "chat", "email", "social"))
    assert (phone.model, phone.target.service_level, phone.target.answer_s, phone.priority) == ("erlang_c", 0.8, 20, 3)
    assert (chat.model, chat.concurrency, chat.target.answer_s) == ("erlang_c", 2, 60)
    assert (email.model, email.target.service_level, email.target.answer_s) == ("deferred", 0.9, 4 * 3600)
    assert (social.model, social.target.answer_s) == ("deferred", 2 * 3600)
    assert cfg.staffing.shrinkage == pytest.approx(0.30)
    assert 20 <= cfg.solver.time_limit_seconds <= 40
    # Berlin desks open 08-18 (phone, email) in Berlin; Sao Paulo's 08-18 is 12-22 Berlin in winter,
    # 13-23 in the Berlin summer, so the covering Berlin window is 12-23. English is 24/7.
    assert cfg.open_hours_for("email", "de") == (time(8), time(18))
    assert cfg.open_hours_for("chat", "de") == (time(8), time(20))
    assert cfg.open_hours_for("email", "pt") == (time(12), time(23))
    assert cfg.open_hours_for("email", "ru") == (time(7), time(17))  # Riga is one hour ahead of Berlin
    assert all(cfg.open_hours_for(ch, "en") is None for ch in ("phone", "chat", "email", "social"))


def test_campaign_scenario_is_toml_with_a_chat_change(ws):
    data = tomllib.loads((ws / "forecasts/scenarios/campaign.toml").read_text(encoding="utf-8"))
    assert data["volume"]["chat"] == "+30%"


# ------------------------------------------------------------------------------- the team


def test_agents_file_has_the_documented_columns_and_values(team):
    assert list(team.columns) == ["agent_id", "name", "timezone", "languages", "channels", "skills", "contract_hours",
                                  "min_hours", "max_hours", "days_per_week", "earliest_start", "latest_end",
                                  "days_off", "preferred_start", "team", "night_ok"]
    assert len(team) == 100 and team["agent_id"].is_unique and team["name"].is_unique
    for tz in team["timezone"].unique():
        ZoneInfo(tz)
    assert set(team["night_ok"]) == {"true", "false"}
    hours = team[["contract_hours", "min_hours", "max_hours", "days_per_week"]].astype(float)
    assert (hours["min_hours"] <= hours["contract_hours"]).all()
    assert (hours["contract_hours"] <= hours["max_hours"]).all()
    for col in ("earliest_start", "latest_end", "preferred_start"):
        filled = team[col][team[col] != ""]
        assert filled.str.fullmatch(r"\d\d:00").all(), col
    for text in team["days_off"]:
        parse_weekdays(text, "days_off")
    assert ((team["earliest_start"] == "") == (team["night_ok"] == "true")).all()


def _dst_change_days(tz: str, year: int) -> list[date]:
    zone = ZoneInfo(tz)
    days = [date(year, 1, 1) + timedelta(days=k) for k in range(366 if year % 4 == 0 else 365)]
    offsets = [datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc).astimezone(zone).utcoffset() for d in days]
    return [d for d, prev, cur in zip(days[1:], offsets, offsets[1:]) if prev != cur]


def test_team_follows_the_sun_over_three_continents(team):
    zones = set(team["timezone"])
    assert len(zones) >= 5
    assert {z.split("/")[0] for z in zones} >= {"Europe", "America", "Asia"}
    assert {"Europe/Berlin", "America/New_York"} <= zones
    berlin, new_york = _dst_change_days("Europe/Berlin", 2026), _dst_change_days("America/New_York", 2026)
    assert len(berlin) == len(new_york) == 2 and set(berlin).isdisjoint(new_york)
    assert any(not _dst_change_days(z, 2026) for z in zones)  # e.g. Asia/Manila, America/Sao_Paulo
    assert team["timezone"].value_counts().min() >= 5


def test_team_languages_channels_and_contracts(team):
    langs = team["languages"].str.split(";")
    assert langs.map(len).between(1, 3).all()
    assert langs.map(len).max() == 3 and (langs.map(len) == 1).any()
    spoken = {x for ls in langs for x in ls}
    assert spoken == {"en", "de", "es", "fr", "pt", "ru", "uk"}
    channels = team["channels"].str.split(";")
    assert {x for cs in channels for x in cs} == {"phone", "chat", "email", "social"}
    assert (channels.map(len) >= 2).mean() > 0.8
    for ch, lang in QUEUES:  # every queue has someone who may serve it
        assert any(lang in ls and ch in cs for ls, cs in zip(langs, channels)), f"{ch}:{lang}"
    for ls, cs, skills in zip(langs, channels, team["skills"].str.split(";")):
        assert all(any((c, x) in QUEUES for x in ls) for c in cs), (ls, cs)  # no channel without a queue
        assert set(skills) == {f"{c}:{x}" for c in cs for x in ls if (c, x) in QUEUES}  # only queues that exist
    contract = team["contract_hours"].astype(float)
    days = team["days_per_week"].astype(int)
    full = (contract == 40) & (days == 5)
    part = contract.between(20, 30)
    assert 0.5 < full.mean() < 0.9 and part.sum() >= 10 and (full | part).all()
    assert 3 <= (team["days_off"] != "").sum() <= 30
    assert 10 <= (team["preferred_start"] != "").sum() <= 60


def test_night_agents_and_windows_cover_english_around_the_clock(team):
    night = team[team["night_ok"] == "true"]
    assert 2 <= len(night) <= 10
    assert night["languages"].str.split(";").map(lambda ls: "en" in ls).all()
    covered = set()
    monday = date(2026, 11, 30)
    for _, a in team[team["languages"].str.contains("en")].iterrows():
        start = int(a["earliest_start"][:2]) if a["earliest_start"] else 0
        end = int(a["latest_end"][:2]) if a["latest_end"] else 24
        zone = ZoneInfo(a["timezone"])
        for hour in range(start, end):
            local = datetime(monday.year, monday.month, monday.day, hour, tzinfo=zone)
            covered.add(local.astimezone(timezone.utc).hour)
    assert covered == set(range(24))


def test_time_off_lies_inside_the_week(ws, team):
    off = pd.read_csv(ws / "rosters/time_off.csv", dtype=str)
    assert list(off.columns) == ["agent_id", "start", "end", "reason"]
    assert 2 <= len(off) <= 15 and off["agent_id"].isin(team["agent_id"]).all()
    start, end = pd.to_datetime(off["start"]), pd.to_datetime(off["end"])
    assert (start <= end).all()
    assert (start >= "2026-11-30").all() and (end <= "2026-12-06").all()


def test_agents_loader_reads_the_team(ws):
    try:
        from planner.agents import read_agents
    except ImportError:
        pytest.skip("planner.agents.read_agents is not written yet")
    params = inspect.signature(read_agents).parameters
    args = (ws / "rosters/agents.csv", load_config(ws)) if len(params) > 1 and "config" in params else (
        ws / "rosters/agents.csv",)
    agents = read_agents(*args)
    assert len(agents) == 100


# ------------------------------------------------------------------------------- history


def test_history_spans_the_full_weeks_before_the_planning_week(ws, history):
    assert list(history.columns[:5]) == ["interval_start", "channel", "language", "volume", "aht_seconds"]
    assert history["interval_start"].str.endswith("Z").all()
    # 104 weeks back from Monday 2026-11-30 is Monday 2024-12-02, 00:00 Berlin = 2024-12-01 23:00 UTC.
    assert history["utc"].min() == pd.Timestamp("2024-12-01T23:00:00Z")
    assert history["utc"].max() == WEEK_START_UTC - pd.Timedelta(hours=1)
    hours = (WEEK_START_UTC - pd.Timestamp("2024-12-01T23:00:00Z")) / pd.Timedelta(hours=1)
    assert hours == 104 * 168  # both DST changes of each year lie inside the span
    sizes = history.groupby(["channel", "language"]).size()
    assert set(sizes.index) == QUEUES and (sizes == hours).all()  # every queue-hour, closed ones as 0
    assert not history.duplicated(["interval_start", "channel", "language"]).any()
    assert (history["volume"] >= 0).all() and history["volume"].dtype.kind == "i"
    assert (history["aht_seconds"].isna() == (history["volume"] == 0)).all()
    assert np.allclose(history["aht_seconds"].dropna() * 10, np.round(history["aht_seconds"].dropna() * 10))


def test_history_loader_reads_the_file_without_gaps_or_rejects(ws):
    try:
        from planner.history import read_history
    except ImportError:
        pytest.skip("planner.history.read_history is not written yet")
    load = read_history(ws / "forecasts/history.csv", load_config(ws))
    assert load.report.rows_rejected == 0 and load.report.gap_intervals == 0
    assert len(load.report.queues) == len(QUEUES)


def test_german_phone_follows_berlin_business_hours_and_week(history):
    de = history[(history["channel"] == "phone") & (history["language"] == "de")]
    local = _local(de, "Europe/Berlin")
    closed = (local.dt.hour < 8) | (local.dt.hour >= 18) | (local.dt.day_of_week >= 5)
    assert de.loc[closed.to_numpy(), "volume"].sum() == 0
    by_hour = de.groupby(local.dt.hour.to_numpy())["volume"].sum()
    assert 9 <= by_hour.idxmax() <= 15
    daily = de.groupby(local.dt.date.to_numpy())["volume"].sum()
    weekday = pd.Series(pd.to_datetime(daily.index).day_of_week, index=daily.index)
    assert daily[weekday < 5].median() > 0 and daily[weekday >= 5].max() == 0


def test_english_runs_around_the_clock_with_a_weekly_cycle(history):
    en = history[(history["channel"] == "phone") & (history["language"] == "en")]
    by_hour = en.groupby(en["utc"].dt.hour.to_numpy())["volume"].sum()
    assert len(by_hour) == 24 and by_hour.min() > 0.1 * by_hour.max()
    local = _local(en, "America/New_York")
    daily = en.groupby(local.dt.date.to_numpy())["volume"].sum()
    weekday = pd.Series(pd.to_datetime(daily.index).day_of_week, index=daily.index)
    assert daily[weekday < 5].median() > 1.5 * daily[weekday == 6].median()


def test_portuguese_follows_sao_paulo_hours(history):
    pt = history[(history["channel"] == "phone") & (history["language"] == "pt")]
    by_hour = pt.groupby(_local(pt, "America/Sao_Paulo").dt.hour.to_numpy())["volume"].sum()
    assert 9 <= by_hour.idxmax() <= 15
    assert by_hour.loc[[0, 1, 2, 3]].sum() == 0  # Lisbon opens at 04:00 Sao Paulo time


def _day_total(h: pd.DataFrame, tz: str, day: date) -> int:
    return int(h.loc[(_local(h, tz).dt.date == day).to_numpy(), "volume"].sum())


@pytest.mark.parametrize("lang,tz,day,most", [
    ("de", "Europe/Berlin", date(2025, 12, 25), 0.4),     # Christmas: phone and chat closed
    ("de", "Europe/Berlin", date(2025, 10, 3), 0.4),      # Tag der Deutschen Einheit (Friday)
    ("uk", "Europe/Kyiv", date(2025, 8, 25), 1.5),        # a normal Monday: no dip (control)
    ("en", "America/New_York", date(2025, 7, 4), 0.9),    # US Independence Day (US = 55 % of English)
])
def test_public_holidays_dip(history, lang, tz, day, most):
    h = history[history["language"] == lang]
    same_weekday = [_day_total(h, tz, day - timedelta(days=7 * k)) for k in (1, 2)]
    ratio = _day_total(h, tz, day) / np.mean(same_weekday)
    if most > 1:
        assert 0.8 < ratio < 1.2
    else:
        assert ratio < most


def test_one_outage_spike_in_phone_volume(ws, history):
    phone = history[history["channel"] == "phone"].groupby("utc")["volume"].sum()
    phone = phone.asfreq("h", fill_value=0)
    week = pd.Timedelta(days=7)
    neighbours = pd.concat([phone.shift(freq=k * week) for k in (-2, -1, 1, 2)], axis=1).reindex(phone.index)
    base = neighbours.median(axis=1)
    spike = phone[(phone > 2.5 * base) & (phone - base >= 80)]
    assert 2 <= len(spike) <= 6
    days = set(spike.index.tz_convert("Europe/Berlin").date)
    assert len(days) == 1
    special = pd.read_csv(ws / "forecasts/special_days.csv", dtype=str, keep_default_na=False)
    excluded = special[special["effect"] == "exclude"]
    assert set(excluded["date"]) == {d.isoformat() for d in days}
    assert set(excluded["queue"]) == {f"phone:{lang}" for lang in ("en", "de", "es", "fr", "pt", "uk")}


def test_queue_sizes_differ_and_one_is_tiny(history):
    last = history[history["utc"] >= WEEK_START_UTC - pd.Timedelta(weeks=8)]
    per_day = last.groupby(["channel", "language"])["volume"].sum() / 56
    assert 1 <= per_day.min() <= 10  # e.g. social:uk: a handful a day
    assert per_day.max() / per_day.min() > 20


def test_trend_chat_grows_phone_shrinks(history):
    def total(channel: str, weeks_ago: int) -> int:
        end = WEEK_START_UTC - pd.Timedelta(weeks=weeks_ago)
        h = history[(history["channel"] == channel) & (history["utc"] >= end - pd.Timedelta(weeks=8))
                    & (history["utc"] < end)]
        return h["volume"].sum()
    assert total("chat", 0) > 1.06 * total("chat", 52)
    assert total("phone", 0) < total("phone", 52)


def test_yearly_season_peaks_in_december(history):
    en = history[(history["channel"] == "phone") & (history["language"] == "en")]
    def weeks(first: str) -> int:
        start = pd.Timestamp(first, tz="UTC")
        return en.loc[(en["utc"] >= start) & (en["utc"] < start + pd.Timedelta(weeks=2)), "volume"].sum()
    assert weeks("2025-11-24") > 1.08 * weeks("2025-06-02")  # ISO weeks 48-49 against 23-24


def test_handle_times_are_channel_typical(history):
    h = history.dropna(subset=["aht_seconds"])
    mean = (h["volume"] * h["aht_seconds"]).groupby(h["channel"]).sum() / h.groupby("channel")["volume"].sum()
    assert 260 < mean["phone"] < 360 and 540 < mean["chat"] < 680
    assert 420 < mean["email"] < 560 and 260 < mean["social"] < 360
    phone = h[(h["channel"] == "phone") & (h["volume"] >= 20)]
    assert 0.1 < phone["aht_seconds"].std() / phone["aht_seconds"].mean() < 0.5  # noisy, not constant


def _typical_week(history: pd.DataFrame) -> pd.DataFrame:
    """The mean of the last 4 weeks per queue and Berlin hour of week, on the planning week's grid."""
    last = history[history["utc"] >= WEEK_START_UTC - pd.Timedelta(weeks=4)].copy()
    local = _local(last, "Europe/Berlin")
    last["how"] = (local.dt.day_of_week * 24 + local.dt.hour).to_numpy()
    last["work"] = last["volume"] * last["aht_seconds"].fillna(0)
    mean = last.groupby(["channel", "language", "how"])[["volume", "work"]].sum() / 4
    mean["aht_s"] = (mean["work"] / mean["volume"]).where(mean["volume"] > 0, 300.0)
    grid = pd.date_range(WEEK_START_UTC, periods=168, freq="h")  # W49 has no DST change: 168 h
    how = grid.tz_convert("Europe/Berlin").day_of_week * 24 + grid.tz_convert("Europe/Berlin").hour
    mean = mean.reset_index()
    frame = mean.merge(pd.DataFrame({"interval_start": grid, "how": how}), on="how")
    return frame[["interval_start", "channel", "language", "volume", "aht_s"]]


def _paid_hours(team: pd.DataFrame) -> pd.Series:
    given = {}
    for langs, hours in zip(team["languages"].str.split(";"), team["contract_hours"].astype(float)):
        for lang, share in zip(langs, HOUR_SHARES[len(langs)]):
            given[lang] = given.get(lang, 0) + share * hours
    return pd.Series(given)


def test_staffing_model_needs_about_ninety_percent_of_the_paid_hours(ws, team, history):
    """Staff-hours the real staffing model needs for a typical week (mean of the last 4 weeks of
    the written history) are 85-95 % of the contract hours the team gives each language, ~90 % in all.

    Each queue is staffed with its own opening hours from planner.toml.
    """
    from planner.staffing import staffing_requirements

    cfg = load_config(ws)
    forecast = _typical_week(history)
    staff = {}
    for (ch, lang), rows in forecast.groupby(["channel", "language"]):
        channels = {**cfg.channels, ch: replace(cfg.channel(ch), open_hours=cfg.open_hours_for(ch, lang))}
        req = staffing_requirements(rows.reset_index(drop=True), replace(cfg, channels=channels))
        assert (req["volume"] > 0).sum() > 20, (ch, lang)
        staff[lang] = staff.get(lang, 0) + req["staff_needed"].sum()  # x 1 h intervals
    ratio = pd.Series(staff) / _paid_hours(team)
    assert ratio.between(0.85, 0.95).all(), ratio.round(3).to_dict()
    assert 0.87 <= sum(staff.values()) / team["contract_hours"].astype(float).sum() <= 0.93


def test_queue_opening_hours_match_the_hours_the_history_is_busy(ws, history):
    """Contacts arrive only inside a queue's planner.toml window (Berlin time), and each window is
    tight: its first and last hour get contacts. Queues without a window get contacts every hour."""
    cfg = load_config(ws)
    berlin_hour = _local(history, "Europe/Berlin").dt.hour.to_numpy()
    busy = history.assign(hour=berlin_hour)[history["volume"] > 0]
    windows = 0
    for (ch, lang), rows in busy.groupby(["channel", "language"]):
        hours = set(rows["hour"])
        window = cfg.open_hours_for(ch, lang)
        if window is None:
            assert hours == set(range(24)), (ch, lang)
            continue
        windows += 1
        first, last = window[0].hour, 24 if window[1] == time(23, 59, 59, 999999) else window[1].hour
        assert window[0].minute == 0 and (window[1].minute == 0 or last == 24)
        assert min(hours) == first and max(hours) == last - 1, (ch, lang, window, sorted(hours))
    assert windows == sum(lang != "en" for _, lang in QUEUES)  # every non-English queue has hours


def test_berlin_window_of_busy_hours():
    from planner.demo import _berlin_window

    grid = pd.date_range("2026-01-05T00:00Z", periods=48, freq="h")  # Berlin = UTC+1 in January
    berlin = grid.tz_convert("Europe/Berlin").hour.to_numpy()
    assert _berlin_window(grid, (berlin >= 8) & (berlin < 18)) == (8, 18)
    assert _berlin_window(grid, berlin >= 13) == (13, 24)
    assert _berlin_window(grid, (berlin >= 20) | (berlin < 2)) is None  # crosses midnight
    assert _berlin_window(grid, np.ones(48, dtype=bool)) is None
    assert _berlin_window(grid, (berlin == 9) | (berlin == 15)) == (9, 16)  # covering window


# ------------------------------------------------------------------------------- special days


def test_special_days_list_holidays_and_the_outage(ws):
    sd = pd.read_csv(ws / "forecasts/special_days.csv", dtype=str, keep_default_na=False)
    assert list(sd.columns) == ["date", "queue", "effect", "value", "name"]
    assert set(sd["effect"]) == {"closed", "multiplier", "exclude"}
    assert sd["queue"].str.fullmatch(r"(phone|chat|email|social):(en|de|es|fr|pt|ru|uk)").all()
    mult = sd[sd["effect"] == "multiplier"]["value"].astype(float)
    assert mult.between(0.0, 1.0).all()
    assert (sd.loc[sd["effect"] != "multiplier", "value"] == "").all()
    rows = {(r.date, r.queue): r for r in sd.itertuples()}
    assert rows[("2025-12-25", "phone:de")].effect == "closed"
    assert rows[("2025-10-03", "phone:de")].effect == "closed"
    assert rows[("2025-07-04", "phone:en")].effect == "multiplier"
    assert rows[("2026-12-01", "phone:pt")].effect == "multiplier"  # Portugal only; Brazil works
    assert pd.to_datetime(sd["date"]).max() >= pd.Timestamp("2026-12-25")  # covers the weeks ahead
