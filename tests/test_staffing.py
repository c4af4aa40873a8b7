"""Staffing step: requirements per queue and interval, the deferred model and the inverse direction."""
from __future__ import annotations

import itertools
import time
from datetime import time as clock
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from planner import columns as C
from planner import erlang as E
from planner.config import ChannelConfig, Config, QueueConfig, ServiceTarget, StaffingConfig, TeamConfig, parse_target
from planner.errors import ConfigError, InputError, PlannerError
from planner.staffing import (achieved_service, deadline_positions, deferred_agents, deferred_service,
                              deferred_whole_agents, erlang_answer, erlang_table, shrinkage_by_interval_of_week,
                              staffing_requirements)


def make_config(interval_minutes: int = 30, shrinkage: float = 0.3, tz: str = "UTC", **channels) -> Config:
    chans = channels or {
        "phone": ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 1.0),
        "chat": ChannelConfig("chat", "erlang_c", ServiceTarget(0.8, 20.0), 1.0, concurrency=2),
        "voice": ChannelConfig("voice", "erlang_a", ServiceTarget(0.8, 20.0), 1.0, patience_s=300.0),
        "email": ChannelConfig("email", "deferred", ServiceTarget(1.0, 2 * 3600.0), 1.0),
    }
    return Config(team=TeamConfig(home_timezone=tz, interval_minutes=interval_minutes), channels=chans,
                  staffing=StaffingConfig(shrinkage))


def frame(rows, start="2026-12-07", minutes=30) -> pd.DataFrame:
    """rows: (channel, language, [volumes], aht_s) -> a forecast frame on a regular grid."""
    out = []
    for channel, language, volumes, aht in rows:
        for i, v in enumerate(volumes):
            out.append((pd.Timestamp(start, tz="UTC") + pd.Timedelta(minutes=minutes * i), channel, language,
                        float(v), float(aht)))
    return pd.DataFrame(out, columns=[C.INTERVAL_START, C.CHANNEL, C.LANGUAGE, C.VOLUME, C.AHT_S])


# --------------------------------------------------------------------------- Erlang channels


def test_classic_case_through_the_frame():
    """100 calls / 30 min, AHT 180 s, 80/20: 14 agents, 20 staff at 30 % shrinkage (Call Centre Helper)."""
    req = staffing_requirements(frame([("phone", "en", [100, 0, 100], 180)]), make_config())
    assert list(req.columns) == C.REQUIREMENT_COLUMNS
    assert req["agents_needed"].tolist() == [14, 0, 14]
    assert req["staff_needed"].tolist() == [20, 0, 20]
    assert req["load_erlangs"].tolist() == pytest.approx([10.0, 0.0, 10.0])
    first = req.iloc[0]
    assert round(first["service_level"], 4) == 0.8884 and round(first["occupancy"], 3) == 0.714
    assert first["asa_s"] == pytest.approx(7.84, abs=0.005)
    assert 13 < first["agents_needed_frac"] <= 14
    zero = req.iloc[1]
    assert (zero["service_level"], zero["asa_s"], zero["occupancy"], zero["agents_needed_frac"]) == (1.0, 0.0, 0.0, 0.0)
    assert req["agents_needed"].dtype == np.int64 and req["staff_needed"].dtype == np.int64


def test_chat_concurrency_staffs_slots_then_rounds_agents_up():
    slots = E.agents_for_target(10.0, 180, 0.8, 20)  # 14 slots at 10 Erlangs
    for k, want in [(1, 14), (2, 7), (3, 5), (4, 4)]:
        cfg = make_config(chat=ChannelConfig("chat", "erlang_c", ServiceTarget(0.8, 20.0), 1.0, concurrency=k))
        req = staffing_requirements(frame([("chat", "en", [100], 180)]), cfg)
        assert req["agents_needed"].iloc[0] == want == -(-slots // k)
        # fewer agents would not give the slots the target needs
        assert E.service_level((want - 1) * k, 10.0, 180, 20) < 0.8 <= req["service_level"].iloc[0]
        assert req["occupancy"].iloc[0] == pytest.approx(10.0 / (want * k))


def test_erlang_a_channel_and_abandon_cap():
    cfg = make_config()
    req = staffing_requirements(frame([("voice", "en", [100, 400], 180)]), cfg)
    for row, volume in zip(req.itertuples(), [100, 400]):
        lam = volume / 1800
        n = E.agents_for_target_erlang_a(lam, 180, 300, 0.8, 20)
        assert row.agents_needed == n
        assert row.service_level == pytest.approx(E.erlang_a_metrics(n, lam, 180, 300, 20).service_level)
    capped = make_config(voice=ChannelConfig("voice", "erlang_a", ServiceTarget(0.8, 20.0), 1.0, patience_s=300.0,
                                             max_abandon=0.002))
    strict = staffing_requirements(frame([("voice", "en", [100], 180)]), capped)["agents_needed"].iloc[0]
    assert strict > req["agents_needed"].iloc[0]
    assert E.erlang_a_metrics(strict, 100 / 1800, 180, 300, 20).p_abandon <= 0.002
    assert E.erlang_a_metrics(strict - 1, 100 / 1800, 180, 300, 20).p_abandon > 0.002


def test_occupancy_cap_binds_at_high_volume():
    cfg = make_config(phone=ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 0.85))
    req = staffing_requirements(frame([("phone", "en", [3000], 180)]), cfg)  # 300 Erlangs
    n = req["agents_needed"].iloc[0]
    assert n == E.agents_for_target(300.0, 180, 0.8, 20, max_occupancy=0.85) == 353  # ceil(300 / 0.85)
    assert req["agents_needed_frac"].iloc[0] == pytest.approx(300 / 0.85)


def test_staff_is_exact_ceiling_of_agents_over_shrinkage():
    rng = np.random.default_rng(3)
    f = frame([("phone", "en", rng.integers(0, 400, 60), 240)])
    f["shrinkage"] = rng.choice([0.0, 0.1, 0.3, 0.35, np.nan], len(f))  # per-row profile, NaN -> config
    req = staffing_requirements(f, make_config(shrinkage=0.25))
    for agents, s, staff in zip(req["agents_needed"], f["shrinkage"], req["staff_needed"]):
        s = Fraction("0.25") if np.isnan(s) else Fraction(str(s))
        exact = Fraction(int(agents)) / (1 - s)
        assert staff == -(-exact.numerator // exact.denominator)


def test_interval_of_week_shrinkage_profile():
    profile = pd.DataFrame({"weekday": [0, 0], "hour": [9, 10], "shrinkage": [0.5, 0.3]})
    f = frame([("phone", "en", [100] * 4, 180)], start="2026-12-07 07:00", minutes=60)  # Berlin 08:00-11:00
    f["shrinkage"] = shrinkage_by_interval_of_week(f[C.INTERVAL_START], profile, "Europe/Berlin")
    assert np.isnan(f["shrinkage"].iloc[0]) and f["shrinkage"].tolist()[1:3] == [0.5, 0.3]
    req = staffing_requirements(f, make_config(interval_minutes=60, shrinkage=0.2))
    agents = req["agents_needed"].iloc[0]
    assert req["staff_needed"].tolist() == [E.staff_for_agents(agents, s) for s in (0.2, 0.5, 0.3, 0.2)]
    with pytest.raises(InputError, match="row 2"):
        shrinkage_by_interval_of_week(f[C.INTERVAL_START], profile.assign(hour=[24, 1]), "UTC")


def test_empty_forecast_gives_empty_requirements():
    req = staffing_requirements(frame([]), make_config())
    assert list(req.columns) == C.REQUIREMENT_COLUMNS and len(req) == 0


def test_a_phone_queue_with_a_contact_every_five_hours_gets_one_agent():
    cfg = make_config(interval_minutes=60, phone=ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 0.85))
    req = staffing_requirements(frame([("phone", "pl", [0.2, 0.2, 0.0], 300)], minutes=60), cfg)
    assert req["agents_needed"].tolist() == [1, 1, 0]
    assert req["staff_needed"].tolist() == [2, 2, 0]  # 1 / (1 - 0.3) = 1.43 -> 2
    rho = 0.2 * 300 / 3600
    assert req["service_level"].iloc[0] == pytest.approx(1 - rho * np.exp(-(1 - rho) * 20 / 300))
    assert 0 < req["agents_needed_frac"].iloc[0] <= 1


def test_closed_hours_need_no_agents():
    cfg = make_config(tz="Europe/Berlin", phone=ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 1.0,
                                                             open_hours=(clock(8), clock(20))))
    f = frame([("phone", "de", [50] * 48, 180)], start="2026-12-07", minutes=30)
    req = staffing_requirements(f, cfg)
    local_hour = req[C.INTERVAL_START].dt.tz_convert("Europe/Berlin").dt.hour
    assert (req.loc[(local_hour < 8) | (local_hour >= 20), "agents_needed"] == 0).all()
    assert (req.loc[(local_hour >= 8) & (local_hour < 20), "agents_needed"] > 0).all()


# --------------------------------------------------------------------------- deferred: brute force


def fifo_meets(work, capacity, window, share=1.0, tol=1e-9) -> bool:
    """Independent check: FIFO fluid processing finishes share of each interval's work by i + window."""
    n = len(work)
    arrived = done = 0.0
    done_at = []
    for w_i, c_i in zip(work, capacity):
        arrived += w_i
        done = min(arrived, done + c_i)
        done_at.append(done)
    before = 0.0
    for i, w_i in enumerate(work):
        if w_i > 0:
            due = min(i + window, n - 1)
            late = min(i + window + max(window, 1), n - 1)
            if done_at[due] < before + share * w_i - tol or done_at[late] < before + w_i - tol:
                return False
        before += w_i
    return True


@pytest.mark.parametrize("work, window", [
    ([2, 0, 3, 1, 0], 1),
    ([0, 4, 0, 0, 0], 2),
    ([1, 3, 0, 2, 0], 1),
    ([1, 1, 1, 1, 0], 0),
    ([3, 0, 0, 0, 1], 2),
])
def test_deferred_staffing_is_smallest_and_smoothest_against_brute_force(work, window):
    work = np.array(work, dtype=float)
    n = len(work)
    frac = deferred_agents(work, np.ones(n, bool), window, 1.0, 1.0, 1.0)  # 1 s intervals: agents = work/s
    assert fifo_meets(work, frac, window)
    assert frac.sum() == pytest.approx(work.sum())  # no idle capacity: the smallest total
    grid = np.arange(0, 4.01, 0.5)
    best_peak = best_squares = np.inf
    for rates in itertools.product(grid, repeat=n):
        if fifo_meets(work, rates, window):
            best_peak = min(best_peak, max(rates))
            best_squares = min(best_squares, float(np.dot(rates, rates)))
    assert frac.max() <= best_peak + 1e-9
    assert float(np.dot(frac, frac)) <= best_squares + 1e-9


def brute_force_whole(work, window, share=1.0, unit=1.0, top=4):
    """Fewest agent-intervals, and the lowest peak among plans with that total, by trying every plan."""
    plans = [r for r in itertools.product(range(top + 1), repeat=len(work))
             if fifo_meets(work, np.array(r) * unit, window, share)]
    fewest = min(sum(r) for r in plans)
    return fewest, min(max(r) for r in plans if sum(r) == fewest)


@pytest.mark.parametrize("work, window, share, unit", [
    ([2, 0, 3, 1, 0], 1, 1.0, 1.0),
    ([0, 4, 0, 0, 0], 2, 1.0, 1.0),
    ([1, 3, 0, 2, 0], 1, 0.5, 1.0),
    ([1, 1, 1, 1, 0], 0, 1.0, 1.0),
    ([3, 0, 0, 0, 1], 2, 0.8, 1.0),
    ([0.3, 0.2, 0.4, 0.1, 0, 0], 2, 1.0, 1.0),  # a tiny queue: ceil(fractional) would staff every interval
    ([1.1, 0, 2.5, 0, 0, 0], 1, 0.9, 1.5),
    ([2.4, 0, 2.1, 2.3, 0], 0, 0.5, 1.0),
    ([0.9, 0.9, 0.9, 0.9, 0.9, 0], 1, 1.0, 1.0),
])
def test_whole_deferred_agents_are_the_fewest_then_the_lowest_peak_against_brute_force(work, window, share, unit):
    work = np.array(work, dtype=float)
    whole = deferred_whole_agents(work, np.ones(len(work), bool), window, share, unit, 1.0)
    assert whole.dtype.kind == "i" and (whole >= 0).all()
    assert fifo_meets(work, whole * unit, window, share)
    fewest, peak = brute_force_whole(work, window, share, unit)
    assert (int(whole.sum()), int(whole.max())) == (fewest, peak)


def test_whole_deferred_agents_with_closed_hours_against_brute_force():
    """Open intervals only; deadlines from deadline_positions (checked by hand below), FIFO on open time."""
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(12):
        n = 6
        is_open = rng.random(n) < 0.7
        is_open[-2:] = True
        work = np.round(rng.uniform(0, 1.2, n) * (rng.random(n) < 0.7), 1)
        work[-1] = 0.0
        window = int(rng.integers(0, 3))
        due, opened = deadline_positions(is_open, window)

        def meets(agents):
            done, arrived, finish = 0.0, 0.0, {}
            for i in range(n):
                arrived += work[i]
                if is_open[i]:
                    done = min(arrived, done + agents[i])
                    finish[int(np.searchsorted(opened, i))] = done
            before = np.cumsum(work) - work
            return all(finish[int(due[i])] >= before[i] + work[i] - 1e-9 for i in range(n) if work[i] > 0)

        if work.sum() == 0:
            continue

        whole = deferred_whole_agents(work, is_open, window, 1.0, 1.0, 1.0)
        assert (whole[~is_open] == 0).all() and meets(whole)
        plans = []
        for r in itertools.product(range(4), repeat=len(opened)):
            agents = np.zeros(n)
            agents[opened] = r
            if meets(agents):
                plans.append(r)
        fewest = min(sum(r) for r in plans)
        assert whole.sum() == fewest
        assert whole.max() == min(max(r) for r in plans if sum(r) == fewest)
        checked += int((~is_open).any())
    assert checked >= 6


def test_a_tiny_deferred_queue_gets_an_agent_every_few_intervals_by_hand():
    # 0.75 contacts of 600 s per hour (18 a day), 4 h window, 1 agent answers 3,600 s an hour:
    # one agent at hour t answers everything from t-4 to t (5 x 450 s), so one agent per 5 hours:
    # 72 hours of mail need ceil(72 / 5) = 15 agent-hours, not 72 (the rounded-up fluid profile).
    work = np.r_[np.full(72, 450.0), np.zeros(8)]
    frac = deferred_agents(work, np.ones(80, bool), 4, 1.0, 3600.0, 1.0)
    assert frac.sum() == pytest.approx(72 * 450 / 3600)
    assert E.ceil_agents_array(frac).sum() >= 72
    whole = deferred_whole_agents(work, np.ones(80, bool), 4, 1.0, 3600.0, 1.0)
    assert whole.sum() == 15 and whole.max() == 1
    assert fifo_meets(work, whole * 3600.0, 4)


def test_deferred_share_and_closed_hours_by_hand():
    work = np.array([4.0, 0, 0, 0])
    assert deferred_agents(work, np.ones(4, bool), 1, 1.0, 1.0, 1.0) == pytest.approx([2, 2, 0, 0])
    # 50 % due after one interval, the rest one window later: a straight line over 3 intervals
    assert deferred_agents(work, np.ones(4, bool), 1, 0.5, 1.0, 1.0) == pytest.approx([4 / 3, 4 / 3, 4 / 3, 0])
    closed = np.array([False, False, True, True, True, True])
    night = np.array([1.0, 1.0, 0, 0, 0, 0])
    # window 1: both windows end while closed or at the opening interval -> all due by its end
    assert deferred_agents(night, closed, 1, 1.0, 1.0, 1.0) == pytest.approx([0, 0, 2, 0, 0, 0])
    # window 2: the first item may wait until the end of interval 2, the second until the end of 3
    assert deferred_agents(night, closed, 2, 1.0, 1.0, 1.0) == pytest.approx([0, 0, 1, 1, 0, 0])
    due, opened = deadline_positions(closed, 2)
    assert opened.tolist() == [2, 3, 4, 5] and due[:2].tolist() == [0, 1]
    # capacity per agent: interval seconds x max occupancy
    assert deferred_agents(np.array([1800.0, 0, 0]), np.ones(3, bool), 0, 1.0, 1800.0, 0.5) == pytest.approx([2, 0, 0])


def test_deferred_service_backlog_and_share_by_hand():
    volume = np.array([10.0, 10.0, 0.0, 0.0])
    work = volume * 60.0  # 600 s per interval
    agents = np.array([0.0, 1.0, 1.0, 0.0])  # 1 agent answers 10 contacts per 600 s interval
    m = deferred_service(volume, work, agents, 1, 600.0, 1.0)
    assert m["backlog"].tolist() == pytest.approx([10, 10, 0, 0])
    assert m["service_level"].tolist() == pytest.approx([1.0, 1.0, 1.0, 1.0])  # each done by the end of i + 1
    same = deferred_service(volume, work, agents, 0, 600.0, 1.0)["service_level"]
    assert same.tolist() == pytest.approx([0.0, 0.0, 1.0, 1.0])  # window 0: nothing answered in its own interval
    half = deferred_service(volume, work, np.array([0.5, 1.0, 1.0, 0.0]), 0, 600.0, 1.0)["service_level"]
    assert half.tolist() == pytest.approx([0.5, 0.5, 1.0, 1.0])
    assert m["occupancy"].tolist() == pytest.approx([0, 1, 1, 0])
    assert m["asa_s"][0] == pytest.approx(600.0)  # FIFO: each contact answered one interval after it arrived


def test_deferred_queue_through_the_frame_respects_open_hours():
    cfg = make_config(interval_minutes=60, tz="Europe/Berlin",
                      email=ChannelConfig("email", "deferred", ServiceTarget(0.9, 4 * 3600.0), 0.95,
                                          open_hours=(clock(8), clock(18))))
    f = frame([("email", "en", [12] * 72, 300), ("email", "de", [0] * 72, 300)], minutes=60)
    req = staffing_requirements(f, cfg)
    en = req[req[C.LANGUAGE] == "en"]
    hour = en[C.INTERVAL_START].dt.tz_convert("Europe/Berlin").dt.hour
    closed = (hour < 8) | (hour >= 18)
    assert (en.loc[closed, "agents_needed"] == 0).all() and (en.loc[~closed, "agents_needed"] > 0).any()
    assert (en.loc[hour == 7, "backlog"] > 0).all()  # the night's mail waits for the morning
    assert (req.loc[req[C.LANGUAGE] == "de", "agents_needed"] == 0).all()
    # never more agent time than the work needs (some may be planned after the frame)
    work_s = 12 * 300 * 72
    assert (en["agents_needed_frac"] * 3600 * 0.95).sum() <= work_s * (1 + 1e-9)
    # whole agents: at most one agent-hour per day more than the fluid minimum, the same peak
    assert en["agents_needed"].sum() <= en["agents_needed_frac"].sum() + 3
    assert en["agents_needed"].max() == np.ceil(en["agents_needed_frac"].max() - 1e-9)
    # daytime mail within a 4 h window (10:00 - 13:00 arrivals) is answered in time
    assert (en.loc[(hour >= 10) & (hour <= 13), "service_level"] >= 0.9 - 1e-9).all()
    # backlog, service level and ASA follow from the whole-agent plan: the inverse step agrees
    staffed = f.assign(agents=req["agents_needed"].to_numpy())
    back = achieved_service(staffed, cfg)
    np.testing.assert_allclose(back["backlog"], req["backlog"], atol=1e-9)
    np.testing.assert_allclose(back["service_level"], req["service_level"], atol=1e-9)


def test_a_tiny_deferred_queue_through_the_frame_staffs_few_intervals():
    # 18 mails a day (0.75 an hour, 600 s each), 24/7, 4 h window: one agent every 5 hours answers
    # them all (see the hand calculation above): at hours 4, 9, ..., 69; the 15th falls after the frame.
    cfg = make_config(interval_minutes=60, email=ChannelConfig("email", "deferred", ServiceTarget(1.0, 4 * 3600.0),
                                                               1.0))
    req = staffing_requirements(frame([("email", "en", [0.75] * 72, 600)], minutes=60), cfg)
    assert np.flatnonzero(req["agents_needed"]).tolist() == list(range(4, 72, 5))
    assert req["agents_needed"].max() == 1
    # the fluid minimum: 9 agent-hours of work spread evenly up to the last deadline (hour 75)
    np.testing.assert_allclose(req["agents_needed_frac"], 9 / 76)
    within = np.arange(72) <= 72 - 1 - 4  # windows that end inside the frame
    assert (req.loc[within, "service_level"] >= 1 - 1e-9).all()
    assert (req.loc[within, "asa_s"] <= 5 * 3600).all()
    assert (req["backlog"] <= 5 * 0.75 + 1e-9).all()


def test_a_queue_s_own_open_hours_override_its_channel_s():
    base = make_config(interval_minutes=60, tz="Europe/Berlin",
                       email=ChannelConfig("email", "deferred", ServiceTarget(0.9, 4 * 3600.0), 0.95,
                                           open_hours=(clock(6), clock(22))),
                       phone=ChannelConfig("phone", "erlang_c", ServiceTarget(0.8, 20.0), 0.85))
    cfg = Config(team=base.team, channels=base.channels, staffing=base.staffing,
                 queues={("email", "de"): QueueConfig("email", "de", (clock(8), clock(18))),
                         ("phone", "de"): QueueConfig("phone", "de", (clock(9), clock(17)))})
    f = frame([("email", "en", [12] * 72, 300), ("email", "de", [12] * 72, 300),
               ("phone", "en", [30] * 72, 180), ("phone", "de", [30] * 72, 180)], minutes=60)
    req = staffing_requirements(f, cfg)
    for (channel, language), (opens, closes) in {("email", "en"): (6, 22), ("email", "de"): (8, 18),
                                                 ("phone", "en"): (0, 24), ("phone", "de"): (9, 17)}.items():
        q = req[(req[C.CHANNEL] == channel) & (req[C.LANGUAGE] == language)]
        hour = q[C.INTERVAL_START].dt.tz_convert("Europe/Berlin").dt.hour
        is_open = (hour >= opens) & (hour < closes)
        assert (q.loc[~is_open, "agents_needed"] == 0).all(), (channel, language)
        assert q.loc[is_open, "agents_needed"].sum() > 0
    phone_de = req[(req[C.CHANNEL] == "phone") & (req[C.LANGUAGE] == "de")]
    assert set(phone_de["agents_needed"]) == {0, E.agents_for_target(1.5, 180.0, 0.8, 20.0, 0.85)}


# --------------------------------------------------------------------------- the inverse direction


def test_achieved_service_inverts_requirements():
    cfg = make_config()
    f = frame([("phone", "en", [100, 100, 0], 180), ("chat", "en", [100, 100, 100], 180),
               ("voice", "en", [100, 100, 100], 180), ("email", "en", [30, 0, 0, 0, 0, 0], 120)])
    req = staffing_requirements(f, cfg)
    given = f.assign(agents=req["agents_needed"].astype(float))
    got = achieved_service(given, cfg)
    assert got["service_level"].to_numpy() == pytest.approx(req["service_level"].to_numpy())
    assert list(got.columns[:6]) == list(given.columns)
    half = achieved_service(frame([("phone", "en", [100], 180)]).assign(agents=13.5), cfg)["service_level"].iloc[0]
    assert E.service_level(13, 10, 180, 20) < half < E.service_level(14, 10, 180, 20)
    chat = achieved_service(frame([("chat", "en", [100], 180)]).assign(agents=7.0), cfg)
    assert chat["service_level"].iloc[0] == pytest.approx(E.service_level(14, 10, 180, 20))
    short = achieved_service(frame([("phone", "en", [100], 180)]).assign(agents=9.0), cfg)
    assert short["service_level"].iloc[0] == 0.0 and np.isnan(short["asa_s"].iloc[0])
    none = achieved_service(frame([("email", "en", [5, 5, 5], 120)]).assign(agents=0.0), cfg)
    assert none["backlog"].tolist() == pytest.approx([5, 10, 15]) and (none["service_level"] == 0).all()


def test_achieved_service_is_fast_for_a_week_of_28_queues():
    cfg = make_config(interval_minutes=60)
    rng = np.random.default_rng(1)
    rows = [(ch, lang, rng.integers(0, 300, 168), 200) for ch in ("phone", "chat", "voice", "email")
            for lang in ("en", "de", "fr", "es", "it", "nl", "pl")]
    f = frame(rows, minutes=60)
    f["agents"] = rng.uniform(0, 40, len(f))
    start = time.perf_counter()
    out = achieved_service(f, cfg)
    assert time.perf_counter() - start < 1.0
    assert out["service_level"].between(0, 1).all() and len(out) == 28 * 168


# --------------------------------------------------------------------------- calculator


def test_erlang_table_and_answer():
    table = erlang_table(100, 180, 30, parse_target("80/20"), around=3)
    assert table["agents"].tolist() == [11, 12, 13, 14, 15, 16, 17]
    # Call Centre Helper's table for N = 11..15
    assert table["service_level"].round(4).tolist()[:5] == [0.3896, 0.6402, 0.7956, 0.8884, 0.9415]
    assert table["meets_target"].tolist() == [False, False, False, True, True, True, True]
    head, text = erlang_answer(100, 180, 30, parse_target("80/20"), shrinkage=0.3)
    assert "14 agents" in head and "20 staff" in head and "<- answer" in text


# --------------------------------------------------------------------------- bad input


def test_bad_rows_name_row_and_column():
    f = frame([("phone", "en", [100, 100], 180)])
    f.loc[1, C.AHT_S] = -5.0
    with pytest.raises(InputError) as info:
        staffing_requirements(f, make_config())
    assert "row 3" in str(info.value) and "aht_s" in str(info.value) and "-5" in str(info.value)
    f = frame([("fax", "en", [1], 180)])
    with pytest.raises(InputError, match="channel 'fax' is not configured"):
        staffing_requirements(f, make_config())
    with pytest.raises(PlannerError, match="missing column"):
        staffing_requirements(frame([("phone", "en", [1], 180)]).drop(columns=C.AHT_S), make_config())
    f = frame([("phone", "en", [100], 180)])
    f[C.AHT_S] = np.nan
    with pytest.raises(InputError, match="aht_s is missing"):
        staffing_requirements(f, make_config())
    f = frame([("phone", "en", [100, 100], 180)]).astype({C.INTERVAL_START: object})
    f.loc[1, C.INTERVAL_START] = "yesterday"
    with pytest.raises(InputError, match="row 3, column 'interval_start'.*'yesterday'"):
        staffing_requirements(f, make_config())


@pytest.mark.parametrize("channel, key", [
    (ChannelConfig("chat", "erlang_c", ServiceTarget(0.8, 60.0), 0.85, concurrency=0), "concurrency"),
    (ChannelConfig("chat", "erlang_c", ServiceTarget(1.2, 60.0), 0.85), "sla"),
    (ChannelConfig("chat", "erlang_a", ServiceTarget(0.8, 60.0), 0.85), "patience_seconds"),
    (ChannelConfig("chat", "erlang_c", ServiceTarget(0.8, 60.0), 0.0), "max_occupancy"),
])
def test_bad_channel_settings_raise_config_error(channel, key):
    with pytest.raises(ConfigError) as info:
        staffing_requirements(frame([("chat", "en", [10], 180)]), make_config(chat=channel))
    assert f"channels.chat.{key}" in str(info.value)
