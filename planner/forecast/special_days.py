"""Special days: holidays, campaigns and outages that must not distort the forecast.

`forecasts/special_days.csv` has one row per date (a local calendar day in the home time
zone) and, optionally, queue:

    date,queue,effect,value,name
    2026-12-24,,multiplier,0.6,Christmas Eve        # every queue at 60 % of a normal day
    2026-12-25,phone:de,closed,,Christmas           # one queue closed: forecast exactly 0
    2026-03-10,phone,exclude,,Outage                # every phone queue: drop from training
    2026-05-01,,holiday,,Labour Day                 # effect learned from past "holiday" rows

`queue` is empty (all queues), a channel ("phone"), a language ("*:de") or a queue
("phone:de"). Effects: `closed` (volume 0), `multiplier` (value = share of a normal day,
e.g. 0.6, or 1.5 for a campaign), `exclude` (no effect on the forecast, but the day is
not learned from) and `holiday` (effect learned per queue from past holidays).

In the history every special day is replaced, before any model sees it, by the same local
slots one week earlier (so profiles and levels learn from normal days only) and left out
of the backtest scores. On the forecast grid, closed days are 0 and multipliers scale
p10, p50 and p90 alike.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from planner import columns as C
from planner.config import LANGUAGE_RE
from planner.errors import InputError
from planner.forecast.series import QueueSeries

SPECIAL_DAY_COLUMNS = ["date", C.CHANNEL, C.LANGUAGE, "effect", "value", "name"]
EFFECTS = ("closed", "multiplier", "exclude", "holiday")
_EPOCH = date(1970, 1, 5)  # local slot 0 (see series.py)
MAX_LEARNED_FACTOR = 2.0


def empty_special_days() -> pd.DataFrame:
    """Return a special-days frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SPECIAL_DAY_COLUMNS})


def read_special_days(path: str | Path, config) -> pd.DataFrame:
    """Read forecasts/special_days.csv into a frame: date, channel, language ("" = any), effect, value, name.

    Raises InputError naming the file, row (header = row 1), column, value and what is expected.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise InputError(path, "special days file not found") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(path, f"cannot read the special days: {exc}") from None
    except pd.errors.EmptyDataError:
        return empty_special_days()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("date", "effect") if c not in raw.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; expected date, queue, effect, value, name; "
                               f"found {', '.join(raw.columns) or 'none'}")
    channels = set(config.channels)
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2
        text = str(rec["date"]).strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InputError(path, f"expected a date like 2026-12-24, got {text!r}", row, "date") from None
        channel, language = _parse_queue(str(rec.get("queue", "")).strip(), channels, path, row)
        effect = str(rec["effect"]).strip().lower()
        if effect not in EFFECTS:
            raise InputError(path, f"expected one of {', '.join(EFFECTS)}, got {rec['effect']!r}", row, "effect")
        value = float("nan")
        if effect == "multiplier":
            text = str(rec.get("value", "")).strip()
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not np.isfinite(value) or value < 0:
                raise InputError(path, f"a multiplier needs a value of at least 0 (share of a normal day, "
                                       f"e.g. 0.6), got {text!r}", row, "value")
        rows.append([day, channel, language, effect, value, str(rec.get("name", "")).strip()])
    return pd.DataFrame(rows, columns=SPECIAL_DAY_COLUMNS) if rows else empty_special_days()


def _parse_queue(text: str, channels: set[str], path: Path, row: int) -> tuple[str, str]:
    if text in ("", "*", "*:*"):
        return "", ""
    channel, _, language = text.partition(":")
    channel, language = channel.strip().lower(), language.strip().lower()
    channel = "" if channel == "*" else channel
    language = "" if language == "*" else language
    if channel and channel not in channels:
        raise InputError(path, f"unknown channel {channel!r} in {text!r}; expected a queue like \"phone:en\", "
                               f"a channel ({', '.join(sorted(channels))}) or empty for all queues", row, "queue")
    if language and not LANGUAGE_RE.match(language):
        raise InputError(path, f"expected an ISO 639-1 language like \"phone:en\", got {text!r}", row, "queue")
    return channel, language


def public_holidays(countries: tuple[str, ...], first: date, last: date) -> pd.DataFrame:
    """Return the public holidays of `countries` in [first, last] as "holiday" rows for all queues.

    Uses the optional `holidays` package; without it (or without countries) no rows.
    """
    try:
        import holidays  # type: ignore[import-not-found]
    except ImportError:
        return empty_special_days()
    rows = []
    for country in countries:
        try:
            table = holidays.country_holidays(country, years=range(first.year, last.year + 1))
        except (NotImplementedError, KeyError, AttributeError):
            continue
        for day, name in sorted(table.items()):
            if first <= day <= last:
                rows.append([day, "", "", "holiday", float("nan"), f"{country}: {name}"])
    return pd.DataFrame(rows, columns=SPECIAL_DAY_COLUMNS) if rows else empty_special_days()


def queue_days(special: pd.DataFrame | None, channel: str, language: str) -> dict[int, tuple[str, float]]:
    """Return {local day index: (effect, value)} of the rows that apply to one queue.

    A queue-specific row wins over a channel or language row, which wins over an all-queue row.
    """
    if special is None or special.empty:
        return {}
    out: dict[int, tuple[int, str, float]] = {}
    for day, ch, lang, effect, value in special[["date", C.CHANNEL, C.LANGUAGE, "effect", "value"]].itertuples(
            index=False):
        if (ch and ch != channel) or (lang and lang != language):
            continue
        rank = bool(ch) + bool(lang)
        key = (pd.Timestamp(day).date() - _EPOCH).days
        if key not in out or rank >= out[key][0]:
            out[key] = (rank, effect, float(value))
    return {k: (e, v) for k, (_, e, v) in out.items()}


def clean_history(series: QueueSeries, days: dict[int, tuple[str, float]], day_slots: int,
                  week_slots: int) -> tuple[QueueSeries, np.ndarray, float | None]:
    """Replace special days in a queue's history by the same slots a week earlier.

    Returns the cleaned series, a boolean mask of its special slots (left out of backtest
    scores) and the learned holiday factor (median of actual / replaced daily totals over
    past "holiday" days; None if there were none).
    """
    n = len(series.volume)
    mask = np.zeros(n, dtype=bool)
    if not days:
        return series, mask, None
    volume = series.volume.copy()
    aht = series.aht_s.copy()
    ratios = []
    for day in sorted(days):
        lo = day * day_slots - series.first
        hi = lo + day_slots
        if hi <= 0 or lo >= n:
            continue
        lo_c, hi_c = max(lo, 0), min(hi, n)
        mask[lo_c:hi_c] = True
    for day in sorted(days):  # chronological, so a replaced week can feed the next
        lo = max(day * day_slots - series.first, 0)
        hi = min(day * day_slots - series.first + day_slots, n)
        if hi <= lo:
            continue
        idx = np.arange(lo, hi)
        if idx[0] >= week_slots:  # a week earlier: already cleaned, as days go in order
            src = idx - week_slots
        else:  # at the start of the history: the first later week that is not special
            src = idx + week_slots
            while src[-1] < n and mask[src].any():
                src = src + week_slots
            if src[-1] >= n:
                continue
        actual = volume[idx].sum()
        volume[idx], aht[idx] = volume[src], aht[src]
        effect = days[day][0]
        if effect == "holiday" and hi - lo == day_slots and volume[idx].sum() > 0:
            ratios.append(actual / volume[idx].sum())
    learned = float(np.clip(np.median(ratios), 0.0, MAX_LEARNED_FACTOR)) if ratios else None
    return QueueSeries(series.channel, series.language, series.first, volume, aht), mask, learned


def future_factors(slots: np.ndarray, days: dict[int, tuple[str, float]], day_slots: int,
                   learned_holiday: float | None) -> np.ndarray:
    """Return the factor on each future slot: 0 closed, the multiplier, the learned holiday effect, else 1."""
    factor = np.ones(len(slots))
    if not days:
        return factor
    day = slots // day_slots
    for d in np.unique(day):
        if int(d) not in days:
            continue
        effect, value = days[int(d)]
        if effect == "closed":
            f = 0.0
        elif effect == "multiplier":
            f = value
        elif effect == "holiday":
            f = 1.0 if learned_holiday is None else learned_holiday
        else:
            f = 1.0
        factor[day == d] = f
    return factor
