"""Forecasting: per-queue interval forecasts of volume and handle time.

    from planner.forecast import forecast_volume, backtest
    fc = forecast_volume(history, config, grid)        # Forecast(frame, accuracy)
    table = backtest(history, config, origins=4)       # WAPE, bias, MASE, coverage per queue x method

Forecasters (fit(history) -> self, predict(grid) -> DataFrame) work on local wall-clock
slots of the home time zone; see `series.py` for why and how DST is handled.
"""
from planner.forecast.aht import aht_profile
from planner.forecast.backtest import backtest
from planner.forecast.models import (FORECASTERS, Combination, Forecaster, HoltWinters, SeasonalMovingAverage, SeasonalNaive,
                                     WeeklyProfile, make_forecaster)
from planner.forecast.series import QueueSeries, SlotClock, queue_series
from planner.forecast.special_days import public_holidays, read_special_days
from planner.forecast.volume import Forecast, forecast_volume

__all__ = [
    "Forecast", "forecast_volume", "backtest", "read_special_days", "public_holidays",
    "Forecaster", "SeasonalNaive", "SeasonalMovingAverage", "WeeklyProfile", "HoltWinters", "Combination",
    "FORECASTERS", "make_forecaster", "aht_profile", "QueueSeries", "SlotClock", "queue_series",
]
