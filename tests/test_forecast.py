"""Forecasting: periodic series recovered, no look-ahead, calibrated bands, closed hours, DST weeks."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner import columns as C
from planner.config import Config, config_from_dict
from planner.errors import PlannerError
from planner.forecast import (FORECASTERS, SeasonalMovingAverage, SeasonalNaive, backtest, forecast_volume,
                              make_forecaster, queue_series)
from planner.forecast.backtest import origin_forecasts
from planner.timegrid import period_grid, week_bounds, week_grid

BERLIN = "Europe/Berlin"


def make_history(first_week: str, weeks: int, volume_of, tz: str = BERLIN, queues=(("phone", "en"),),
                 aht_of=None, interval_minutes: int = 60) -> pd.DataFrame:
    """Build a long history frame on the UTC grid; `volume_of(local_times, queue_index)` gives volumes."""
    grid = period_grid(first_week, weeks, tz, interval_minutes)
    local = grid.tz_convert(tz)
    frames = []
    for q, (channel, language) in enumerate(queues):
        vol = np.asarray(volume_of(local, q), dtype=float)
        aht = np.asarray(aht_of(local, q), dtype=float) if aht_of else np.full(len(grid), 300.0)
        frames.append(pd.DataFrame({C.INTERVAL_START: grid, C.CHANNEL: channel, C.LANGUAGE: language,
                                    C.VOLUME: vol, C.AHT_S: aht}))
    return pd.concat(frames, ignore_index=True)


def weekly_pattern(local: pd.DatetimeIndex, q: int = 0) -> np.ndarray:
    """An exactly periodic weekly pattern on local wall-clock time (closed 20:00-08:00 and Sundays)."""
    hour = local.hour.to_numpy()
    dow = local.day_of_week.to_numpy()
    open_ = (hour >= 8) & (hour < 20) & (dow < 6)
    return np.where(open_, 10.0 * (q + 1) + 3.0 * dow + np.abs(hour - 8) ** 1.5, 0.0)


def berlin_config(**forecast) -> Config:
    return config_from_dict({"team": {"home_timezone": BERLIN}, "forecast": forecast})


@pytest.mark.parametrize("method", sorted(FORECASTERS))
def test_each_forecaster_recovers_an_exactly_periodic_series(method):
    cfg = berlin_config()
    history = make_history("2026-W01", 12, weekly_pattern, queues=(("phone", "en"), ("chat", "de")))
    grid = period_grid("2026-W13", 2, BERLIN)  # includes the spring-forward week (167 hours)
    fitted = make_forecaster(method, cfg).fit(history)
    out = fitted.predict(grid)
    local = grid.tz_convert(BERLIN)
    for q, (channel, language) in enumerate((("phone", "en"), ("chat", "de"))):
        got = out[(out.channel == channel) & (out.language == language)][C.VOLUME].to_numpy()
        np.testing.assert_allclose(got, weekly_pattern(local, q), atol=1e-9)


def test_predict_before_fit_says_call_fit_first():
    with pytest.raises(PlannerError, match="call fit"):
        SeasonalNaive().predict(week_grid("2026-W10", "UTC"))


def test_seasonal_naive_means_same_local_clock_time_across_dst():
    """A week after spring-forward, 'last week' is the same wall-clock hour, not 168 UTC hours back."""
    hist = make_history("2026-W12", 2, lambda local, q: local.hour.to_numpy() + 1.0)  # W13 holds 2026-03-29
    fc = SeasonalNaive(timezone=BERLIN).fit(hist).predict(week_grid("2026-W14", BERLIN))
    local_hour = fc[C.INTERVAL_START].dt.tz_convert(BERLIN).dt.hour.to_numpy()
    np.testing.assert_array_equal(fc[C.VOLUME].to_numpy(), local_hour + 1.0)


@pytest.mark.parametrize("week,hours", [("2026-W13", 167), ("2026-W43", 169)])
def test_dst_week_grid_gets_one_row_per_interval_with_the_local_pattern(week, hours):
    cfg = berlin_config()
    start, _ = week_bounds(week, BERLIN)
    hist = make_history("2026-W01", 60, lambda local, q: local.hour.to_numpy() + 1.0)
    hist = hist[hist[C.INTERVAL_START] < start]
    grid = week_grid(week, BERLIN)
    fc = forecast_volume(hist, cfg, grid)
    assert len(grid) == hours and len(fc.frame) == hours
    local_hour = grid.tz_convert(BERLIN).hour.to_numpy()
    # 02:00 local occurs twice in autumn (both get the 02:00 value 3) and never in spring
    np.testing.assert_allclose(fc.frame[C.VOLUME].to_numpy(), local_hour + 1.0)


def test_backtest_cannot_see_the_future():
    cfg = berlin_config()
    rng = np.random.default_rng(1)
    hist = make_history("2026-W01", 10, lambda local, q: rng.poisson(20, len(local)))
    clock_fc = make_forecaster("moving_average", cfg)
    series = queue_series(hist, clock_fc.clock)[0]
    origin = series.stop - 2 * clock_fc.season_length  # two weeks before the end (a local Monday)
    assert origin % clock_fc.season_length == 0
    changed = hist.copy()
    after = changed[C.INTERVAL_START] >= week_bounds("2026-W09", BERLIN)[0]
    changed.loc[after, C.VOLUME] *= 7
    series_changed = queue_series(changed, clock_fc.clock)[0]
    for fc in (make_forecaster(m, cfg) for m in FORECASTERS):
        (o1, pred1, act1), = origin_forecasts(fc, series, [origin], 7 * 24)
        (o2, pred2, act2), = origin_forecasts(fc, series_changed, [origin], 7 * 24)
        np.testing.assert_array_equal(pred1, pred2)
        assert not np.array_equal(act1, act2)  # the change did land in the scored week


def test_forecast_ignores_history_inside_the_grid():
    cfg = berlin_config()
    hist = make_history("2026-W01", 12, weekly_pattern)
    grid = week_grid("2026-W10", BERLIN)
    base = forecast_volume(hist[hist[C.INTERVAL_START] < grid[0]], cfg, grid)
    leaky = forecast_volume(hist.assign(volume=np.where(hist[C.INTERVAL_START] >= grid[0], 999.0, hist.volume)),
                            cfg, grid)
    pd.testing.assert_frame_equal(base.frame, leaky.frame)


def test_backtest_wape_matches_hand_calculation_on_geometric_growth():
    """Volume grows by g per week: seasonal naive misses by 1 - 1/g, MA(4) by 1 - mean(g^-1..g^-4)."""
    g = 1.1
    cfg = config_from_dict({})
    start = pd.Timestamp("2026-01-05", tz="UTC")
    hist = make_history("2026-W02", 12, lambda local, q: 100.0 * g ** (((local - start) / pd.Timedelta(days=7))
                                                                       .to_numpy() // 1), tz="UTC")
    table = backtest(hist, cfg, origins=3, horizon_days=7).set_index("method")
    assert table.loc["seasonal_naive", "wape"] == pytest.approx(1 - 1 / g)
    assert table.loc["seasonal_naive", "bias"] == pytest.approx(-(1 - 1 / g))
    assert table.loc["moving_average", "wape"] == pytest.approx(1 - np.mean(g ** -np.arange(1.0, 5.0)))
    assert (table["origins"] == 3).all()
    # origin at week k (k = 9, 10, 11 of weeks 0..11): test error 100 g^(k-1) (g-1); in-sample
    # scale = mean over weeks j = 1..k-1 of 100 g^(j-1) (g-1) = 100 (g^(k-1) - 1) / (k-1)
    k = np.array([9.0, 10.0, 11.0])
    mase = np.mean(g ** (k - 1) * (g - 1) * (k - 1) / (g ** (k - 1) - 1))
    assert table.loc["seasonal_naive", "mase"] == pytest.approx(mase)
    # and auto picks the method with the lowest backtest WAPE (4 origins, as forecast_volume uses)
    table = backtest(hist, cfg, origins=4, horizon_days=7).set_index("method")
    assert table.loc["seasonal_naive", "wape"] < table.loc["moving_average", "wape"]
    fc = forecast_volume(hist, cfg, period_grid("2026-W14", 1, "UTC"))
    assert fc.accuracy.loc[0, "method"] == table["wape"].idxmin()
    assert fc.frame["method"].eq(table["wape"].idxmin()).all()


def test_quantile_band_covers_near_nominal_on_poisson_counts():
    cfg = berlin_config()
    rng = np.random.default_rng(7)
    rate = lambda local: 30.0 + 20.0 * np.sin(2 * np.pi * local.hour.to_numpy() / 24)  # noqa: E731
    hist = make_history("2025-W40", 20, lambda local, q: rng.poisson(rate(local)))
    grid = week_grid("2026-W08", BERLIN)
    fc = forecast_volume(hist, cfg, grid, method="moving_average")
    acc = fc.accuracy.iloc[0]
    assert 0.72 <= acc["coverage"] <= 0.88, acc
    # independent check: fresh Poisson draws of the forecast week, 20 times
    f = fc.frame
    truth = rate(grid.tz_convert(BERLIN))
    draws = rng.poisson(truth, size=(20, len(grid)))
    inside = (draws >= f["volume_p10"].to_numpy()) & (draws <= f["volume_p90"].to_numpy())
    assert 0.72 <= inside.mean() <= 0.90
    assert (f["volume_p10"] <= f[C.VOLUME]).all() and (f[C.VOLUME] <= f["volume_p90"]).all()


@pytest.mark.parametrize("method", ["auto"] + sorted(FORECASTERS))
def test_closed_hours_stay_exactly_zero_and_nothing_is_negative_or_nan(method):
    cfg = berlin_config()
    rng = np.random.default_rng(3)
    hist = make_history("2026-W01", 10, lambda local, q: rng.poisson(weekly_pattern(local, q) / (5 * q + 1)),
                        queues=(("phone", "en"), ("email", "pt")))
    grid = week_grid("2026-W11", BERLIN)
    fc = forecast_volume(hist, cfg, grid, method=method).frame
    assert list(fc.columns) == C.FORECAST_COLUMNS
    assert len(fc) == 2 * len(grid)
    closed = np.tile(weekly_pattern(grid.tz_convert(BERLIN)) == 0, 2)
    for col in (C.VOLUME, "volume_p10", "volume_p90"):
        assert (fc[col].to_numpy()[closed] == 0).all()
        assert fc[col].notna().all() and (fc[col] >= 0).all()
    assert fc[C.AHT_S].notna().all()


def test_open_hours_from_the_config_close_the_forecast():
    cfg = config_from_dict({"team": {"home_timezone": BERLIN},
                            "channels": {"chat": {"open_hours": "09:00-17:00"}}})
    hist = make_history("2026-W01", 6, lambda local, q: np.full(len(local), 5.0), queues=(("chat", "en"),))
    grid = week_grid("2026-W07", BERLIN)
    fc = forecast_volume(hist, cfg, grid, method="seasonal_naive").frame
    hour = grid.tz_convert(BERLIN).hour
    np.testing.assert_array_equal(fc[C.VOLUME].to_numpy(), np.where((hour >= 9) & (hour < 17), 5.0, 0.0))


def test_a_queue_s_own_open_hours_override_its_channel_s():
    cfg = config_from_dict({"team": {"home_timezone": BERLIN, "languages": ["en", "de"]},
                            "channels": {"chat": {"open_hours": "09:00-17:00"}},
                            "queues": {"chat:de": {"open_hours": "12:00-14:30"}}})
    hist = make_history("2026-W01", 6, lambda local, q: np.full(len(local), 5.0),
                        queues=(("chat", "en"), ("chat", "de")))
    grid = week_grid("2026-W07", BERLIN)
    fc = forecast_volume(hist, cfg, grid, method="seasonal_naive").frame
    hour = np.asarray(grid.tz_convert(BERLIN).hour)
    en = fc.loc[fc[C.LANGUAGE] == "en", C.VOLUME].to_numpy()
    de = fc.loc[fc[C.LANGUAGE] == "de", C.VOLUME].to_numpy()
    np.testing.assert_array_equal(en, np.where((hour >= 9) & (hour < 17), 5.0, 0.0))
    # 12:00-14:30 overlaps the 12, 13 and 14 o'clock intervals
    np.testing.assert_array_equal(de, np.where((hour >= 12) & (hour < 15), 5.0, 0.0))
    fitted = make_forecaster("seasonal_naive", cfg)
    assert fitted.open_hours_for("chat", "de") != fitted.open_hours_for("chat", "en")


def test_too_little_history_names_the_queue_what_it_has_and_what_it_needs():
    cfg = berlin_config()
    hist = make_history("2026-W01", 6, weekly_pattern, queues=(("phone", "en"), ("chat", "es")))
    hist = hist[~((hist.channel == "chat") & (hist[C.INTERVAL_START] < week_bounds("2026-W04", BERLIN)[0]))]
    grid = week_grid("2026-W07", BERLIN)
    with pytest.raises(PlannerError, match=r"3\.0 weeks for chat:es but moving_average needs 4"):
        forecast_volume(hist, cfg, grid, method="moving_average")
    short = hist[~((hist.channel == "chat") & (hist[C.INTERVAL_START] < week_bounds("2026-W06", BERLIN)[0]))]
    with pytest.raises(PlannerError, match=r"0\.9 weeks for chat:es but seasonal_naive needs 1"):
        forecast_volume(short.iloc[:-24], cfg, grid)
    # auto falls back to what the history allows: chat:es has 3 weeks, so not the 4-week average
    fc = forecast_volume(hist, cfg, grid)
    assert fc.accuracy.set_index(C.LANGUAGE).loc["es", "method"] == "seasonal_naive"


def test_aht_per_interval_is_robust_to_outliers_and_falls_back_to_the_queue_level():
    cfg = config_from_dict({})

    def aht(local, q):
        out = np.where(local.hour.to_numpy() < 12, 200.0, 400.0)
        out[(local.hour == 10) & (local.day_of_week == 0) & (local.day == 9)] = 50_000.0  # one crazy interval
        return out

    def volume(local, q):
        return np.where(local.hour.to_numpy() == 23, 0.0, np.where(local.hour.to_numpy() == 22, 1.0, 100.0))

    hist = make_history("2026-W02", 8, volume, tz="UTC", aht_of=aht)
    fc = forecast_volume(hist, cfg, week_grid("2026-W10", "UTC"), method="moving_average").frame
    hour = fc[C.INTERVAL_START].dt.hour
    # busy hours: 30 prior contacts vs 800 observed pull the median 2-4 % towards the level
    assert np.allclose(fc.loc[hour == 10, C.AHT_S], 200.0, rtol=0.04)
    assert np.allclose(fc.loc[hour == 14, C.AHT_S], 400.0, rtol=0.04)
    level = fc.loc[hour == 23, C.AHT_S].unique()
    assert len(level) == 1 and 280 < level[0] < 320  # no contacts at 23:00: the queue level
    assert (fc.loc[hour == 22, C.AHT_S] - 300).abs().max() < 60  # thin (8 contacts): mostly the level


def test_moving_average_of_k_weeks_is_the_mean_of_k_same_slots():
    start = pd.Timestamp("2026-01-05", tz="UTC")
    week_no = lambda local, q: ((local - start) // pd.Timedelta(days=7)).to_numpy() + 1.0  # noqa: E731
    hist = make_history("2026-W02", 5, week_no, tz="UTC")  # weeks hold 1, 2, 3, 4, 5
    out = SeasonalMovingAverage(weeks=3).fit(hist).predict(period_grid("2026-W07", 2, "UTC"))
    np.testing.assert_allclose(out[C.VOLUME], 4.0)  # (3 + 4 + 5) / 3, for both weeks ahead
    out = SeasonalNaive().fit(hist).predict(week_grid("2026-W07", "UTC"))
    np.testing.assert_allclose(out[C.VOLUME], 5.0)


def test_progress_is_reported():
    messages = []
    hist = make_history("2026-W01", 6, weekly_pattern)
    forecast_volume(hist, berlin_config(), week_grid("2026-W07", BERLIN), progress=messages.append)
    backtest(hist, berlin_config(), progress=messages.append)
    assert any("Forecasting 1 queues" in m for m in messages) and any("Backtesting" in m for m in messages)


def test_one_pass_backtest_origins_see_only_their_past():
    """Holt-Winters scores all origins in one pass; each origin must still ignore what follows it."""
    cfg = berlin_config()
    rng = np.random.default_rng(5)
    hist = make_history("2026-W01", 12, lambda local, q: rng.poisson(weekly_pattern(local) + 1))
    fc = make_forecaster("holt_winters", cfg)
    series = queue_series(hist, fc.clock)[0]
    L = fc.season_length
    origins = [series.stop - 3 * L, series.stop - 2 * L, series.stop - L]
    changed = hist.copy()
    changed.loc[changed[C.INTERVAL_START] >= week_bounds("2026-W11", BERLIN)[0], C.VOLUME] += 50
    later = queue_series(changed, fc.clock)[0]
    before = origin_forecasts(fc, series, origins, 7 * 24)
    after = origin_forecasts(fc, later, origins, 7 * 24)
    np.testing.assert_array_equal(before[0][1], after[0][1])  # origin W10: changed data is after it
    np.testing.assert_array_equal(before[1][1], after[1][1])  # origin W11: the change starts at it
    assert not np.array_equal(before[2][1], after[2][1])     # origin W12 saw the change


def test_thin_queue_borrows_the_intraday_profile_of_its_channel():
    """A queue with ~2 contacts a day gets a better intraday shape by pooling with its channel."""
    cfg = berlin_config()
    rng = np.random.default_rng(11)
    shape = lambda local: np.where(weekly_pattern(local) > 0, weekly_pattern(local), 0.0)  # noqa: E731
    hist = make_history("2026-W01", 10, lambda local, q: rng.poisson(shape(local) * (1.0 if q == 0 else 0.005)),
                        queues=(("chat", "en"), ("chat", "pt")))
    grid = week_grid("2026-W11", BERLIN)
    truth = shape(grid.tz_convert(BERLIN)) * 0.005
    fitted = make_forecaster("weekly_profile", cfg).fit(hist)
    pooled = fitted.predict(grid).query("language == 'pt'")[C.VOLUME].to_numpy()
    fitted.pools_ = {}
    alone = fitted.predict(grid).query("language == 'pt'")[C.VOLUME].to_numpy()
    error = lambda f: np.abs(f / f.sum() - truth / truth.sum()).sum()  # noqa: E731  shape error
    assert error(pooled) < 0.6 * error(alone)
    assert (pooled >= 0).all() and np.isfinite(pooled).all()


DATA = Path(__file__).parents[1].parent / "shared" / "data" / "anonymous_bank_1999"


@pytest.mark.skipif(not DATA.is_dir(), reason="reference data ../shared/data/anonymous_bank_1999 not present")
def test_baselines_reproduce_the_published_anonymous_bank_figures():
    """shared/data/README.md (Anonymous Bank 1999, Guedj & Mandelbaum): training on the 40 weeks from
    Sunday 1999-01-03, testing 1999-10-10 to 11-06: seasonal naive WAPE 0.254, 4-week moving average 0.273."""
    raw = pd.read_csv(DATA / "arrivals_hourly_1999.csv")
    stamps = (pd.to_datetime(raw["date"]) + pd.to_timedelta(raw["hour"], unit="h")).dt.tz_localize("UTC")
    hist = pd.DataFrame({C.INTERVAL_START: stamps, C.CHANNEL: "phone", C.LANGUAGE: "he",
                         C.VOLUME: raw["calls"].astype(float), C.AHT_S: np.nan})
    lo, hi = pd.Timestamp("1999-10-10", tz="UTC"), pd.Timestamp("1999-11-07", tz="UTC")
    train = hist[(hist[C.INTERVAL_START] >= pd.Timestamp("1999-01-03", tz="UTC")) & (hist[C.INTERVAL_START] < lo)]
    actual = hist[(hist[C.INTERVAL_START] >= lo) & (hist[C.INTERVAL_START] < hi)][C.VOLUME].to_numpy()
    grid = pd.date_range(lo, hi, freq="h", inclusive="left", name=C.INTERVAL_START)
    wape = {}
    for method in ("seasonal_naive", "moving_average"):
        f = forecast_volume(train, config_from_dict({}), grid, method=method).frame[C.VOLUME].to_numpy()
        wape[method] = np.abs(f - actual).sum() / actual.sum()
    assert wape["seasonal_naive"] == pytest.approx(0.254, abs=0.0005)
    assert wape["moving_average"] == pytest.approx(0.273, abs=0.0005)


@pytest.mark.parametrize("method", sorted(FORECASTERS))
def test_history_ending_mid_day_still_recovers_the_pattern(method):
    hist = make_history("2026-W01", 9, weekly_pattern)
    cut = week_bounds("2026-W09", BERLIN)[0] + pd.Timedelta(days=2, hours=13)  # Wednesday 13:00 local
    hist = hist[hist[C.INTERVAL_START] < cut]
    grid = period_grid("2026-W10", 2, BERLIN)
    fc = forecast_volume(hist, berlin_config(), grid, method=method).frame
    np.testing.assert_allclose(fc[C.VOLUME], weekly_pattern(grid.tz_convert(BERLIN)), atol=1e-9)
