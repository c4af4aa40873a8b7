"""Special days: reading the file, closed / multiplier / exclude / learned holiday effects, public holidays."""
from __future__ import annotations

import sys
import types
from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner import columns as C
from planner.config import config_from_dict
from planner.errors import InputError
from planner.forecast import backtest, forecast_volume, public_holidays, read_special_days
from planner.timegrid import week_bounds, week_grid

from test_forecast import BERLIN, make_history, weekly_pattern


def _cfg():
    return config_from_dict({"team": {"home_timezone": BERLIN}})


def _write(tmp_path, text: str):
    path = tmp_path / "special_days.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_special_days_parses_queues_and_effects(tmp_path):
    path = _write(tmp_path, "date,queue,effect,value,name\n"
                            "2026-12-24,,multiplier,0.6,Christmas Eve\n"
                            "2026-12-25,phone:de,closed,,Christmas\n"
                            "2026-03-10,phone,exclude,,Outage\n"
                            "2026-05-01,*:de,holiday,,Labour Day\n")
    days = read_special_days(path, _cfg())
    assert list(days.columns) == ["date", "channel", "language", "effect", "value", "name"]
    assert days["date"].tolist() == [date(2026, 12, 24), date(2026, 12, 25), date(2026, 3, 10), date(2026, 5, 1)]
    assert days[["channel", "language"]].values.tolist() == [["", ""], ["phone", "de"], ["phone", ""], ["", "de"]]
    assert days["effect"].tolist() == ["multiplier", "closed", "exclude", "holiday"]
    assert days["value"].iloc[0] == 0.6


@pytest.mark.parametrize("line,row_col,expected", [
    ("2026-13-01,,closed,,", "row 3, column 'date'", "expected a date like 2026-12-24, got '2026-13-01'"),
    ("2026-12-01,fax:en,closed,,", "row 3, column 'queue'", "unknown channel 'fax'"),
    ("2026-12-01,phone:english,closed,,", "row 3, column 'queue'", "ISO 639-1"),
    ("2026-12-01,,shut,,", "row 3, column 'effect'", "expected one of closed, multiplier, exclude, holiday"),
    ("2026-12-01,,multiplier,lots,", "row 3, column 'value'", "a multiplier needs a value of at least 0"),
])
def test_bad_special_day_rows_name_file_row_column_and_value(tmp_path, line, row_col, expected):
    path = _write(tmp_path, "date,queue,effect,value,name\n2026-12-02,,closed,,ok\n" + line + "\n")
    with pytest.raises(InputError) as err:
        read_special_days(path, _cfg())
    assert str(path) in str(err.value) and row_col in str(err.value) and expected in str(err.value)


def test_missing_columns_are_listed(tmp_path):
    path = _write(tmp_path, "day,what\n2026-12-01,closed\n")
    with pytest.raises(InputError, match="missing column.*date, effect.*found day, what"):
        read_special_days(path, _cfg())


def _special(rows):
    return pd.DataFrame(rows, columns=["date", "channel", "language", "effect", "value", "name"])


def test_future_closed_and_multiplier_days_scale_p10_p50_p90():
    hist = make_history("2026-W01", 8, weekly_pattern, queues=(("phone", "de"), ("chat", "de")))
    grid = week_grid("2026-W09", BERLIN)  # Monday 2026-02-23 .. Sunday 03-01
    special = _special([(date(2026, 2, 24), "phone", "de", "closed", np.nan, "strike"),
                        (date(2026, 2, 25), "", "", "multiplier", 0.5, "half day")])
    base = forecast_volume(hist, _cfg(), grid, method="seasonal_naive").frame
    fc = forecast_volume(hist, _cfg(), grid, method="seasonal_naive", special_days=special).frame
    local_day = fc[C.INTERVAL_START].dt.tz_convert(BERLIN).dt.date
    for col in (C.VOLUME, "volume_p10", "volume_p90"):
        tue_phone = (local_day == date(2026, 2, 24)) & (fc.channel == "phone")
        assert (fc.loc[tue_phone, col] == 0).all() and base.loc[tue_phone, col].sum() > 0
        tue_chat = (local_day == date(2026, 2, 24)) & (fc.channel == "chat")
        np.testing.assert_allclose(fc.loc[tue_chat, col], base.loc[tue_chat, col])
        wed = local_day == date(2026, 2, 25)
        np.testing.assert_allclose(fc.loc[wed, col], 0.5 * base.loc[wed, col])
        other = ~local_day.isin([date(2026, 2, 24), date(2026, 2, 25)])
        np.testing.assert_allclose(fc.loc[other, col], base.loc[other, col])


def test_an_excluded_outage_does_not_distort_the_forecast():
    clean = make_history("2026-W01", 8, weekly_pattern)
    outage = clean.copy()
    day = outage[C.INTERVAL_START].dt.tz_convert(BERLIN).dt.date == date(2026, 2, 17)  # last week's Tuesday
    outage.loc[day, C.VOLUME] *= 5
    grid = week_grid("2026-W09", BERLIN)
    special = _special([(date(2026, 2, 17), "phone", "", "exclude", np.nan, "outage")])
    for method in ("seasonal_naive", "moving_average", "weekly_profile", "holt_winters"):
        want = forecast_volume(clean, _cfg(), grid, method=method).frame[C.VOLUME]
        hurt = forecast_volume(outage, _cfg(), grid, method=method).frame[C.VOLUME]
        got = forecast_volume(outage, _cfg(), grid, method=method, special_days=special).frame[C.VOLUME]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
        assert np.abs(hurt - want).sum() > 1  # without the special day the outage leaks in


def test_holiday_effect_is_learned_from_past_holidays():
    """Past holidays ran at 30 % of a normal day; the next one is forecast at 30 % too."""
    holidays_ = [date(2026, 1, 6), date(2026, 1, 28), date(2026, 2, 12)]

    def volume(local, q):
        v = weekly_pattern(local, q)
        return np.where(np.isin(local.date, holidays_), 0.3 * v, v)

    hist = make_history("2026-W01", 8, volume)
    grid = week_grid("2026-W09", BERLIN)
    special = _special([(d, "", "", "holiday", np.nan, "h") for d in holidays_ + [date(2026, 2, 26)]])
    fc = forecast_volume(hist, _cfg(), grid, method="seasonal_naive", special_days=special).frame
    local = grid.tz_convert(BERLIN)
    expected = np.where(local.date == date(2026, 2, 26), 0.3, 1.0) * weekly_pattern(local)
    np.testing.assert_allclose(fc[C.VOLUME], expected, rtol=1e-9)


def test_public_holidays_need_the_optional_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "holidays", None)  # import fails as if not installed
    assert public_holidays(("DE",), date(2026, 1, 1), date(2026, 12, 31)).empty
    fake = types.SimpleNamespace(country_holidays=lambda country, years: {date(2026, 10, 3): "Unity Day",
                                                                          date(2025, 10, 3): "Unity Day"})
    monkeypatch.setitem(sys.modules, "holidays", fake)
    found = public_holidays(("DE",), date(2026, 1, 1), date(2026, 12, 31))
    assert found["date"].tolist() == [date(2026, 10, 3)]
    assert found["effect"].tolist() == ["holiday"] and found["name"].iloc[0] == "DE: Unity Day"


def test_country_holidays_from_the_config_are_learned_when_the_package_is_there(monkeypatch):
    hol = [date(2026, 1, 6), date(2026, 2, 26)]
    fake = types.SimpleNamespace(country_holidays=lambda country, years: {d: "Holiday" for d in hol})
    monkeypatch.setitem(sys.modules, "holidays", fake)
    cfg = config_from_dict({"team": {"home_timezone": BERLIN, "countries": ["DE"]}})
    hist = make_history("2026-W01", 8, lambda local, q: np.where(local.date == hol[0], 0.0, 5.0))
    fc = forecast_volume(hist, cfg, week_grid("2026-W09", BERLIN), method="seasonal_naive").frame
    thursday = fc[C.INTERVAL_START].dt.tz_convert(BERLIN).dt.date == hol[1]
    assert (fc.loc[thursday, C.VOLUME] == 0).all() and (fc.loc[~thursday, C.VOLUME] == 5).all()
    assert week_bounds("2026-W09", BERLIN)[0] == fc[C.INTERVAL_START].min()


def test_backtest_neither_learns_from_nor_scores_an_excluded_day():
    rng = np.random.default_rng(2)
    clean = make_history("2026-W01", 10, lambda local, q: rng.poisson(weekly_pattern(local) + 2))
    outage = clean.copy()
    day = outage[C.INTERVAL_START].dt.tz_convert(BERLIN).dt.date == date(2026, 3, 3)  # inside the last origin's week
    outage.loc[day, C.VOLUME] += 500
    special = _special([(date(2026, 3, 3), "", "", "exclude", np.nan, "outage")])
    hurt = backtest(outage, _cfg(), origins=3)
    fixed = backtest(outage, _cfg(), origins=3, special_days=special)
    wape_clean = backtest(clean, _cfg(), origins=3, special_days=special)
    pd.testing.assert_frame_equal(fixed, wape_clean)
    assert (hurt["wape"] > fixed["wape"] + 0.05).all()
