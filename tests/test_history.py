"""The history loader: hand-counted aggregation, DST rule, grids, mapping, bad rows and gaps."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planner.columns import HISTORY_COLUMNS
from planner.config import config_from_dict
from planner.errors import InputError, OutputError
from planner.history import read_history, write_rejected

DATA = Path(__file__).parents[1].parent / "shared" / "data"


def T(text: str) -> pd.Timestamp:
    """A UTC instant."""
    return pd.Timestamp(text, tz="UTC")


def cfg(tz: str = "Europe/Berlin", minutes: int = 60, languages=None, channels=None, history=None):
    data = {"team": {"home_timezone": tz, "interval_minutes": minutes}}
    if languages is not None:
        data["team"]["languages"] = languages
    if channels is not None:
        data["channels"] = channels
    if history is not None:
        data["history"] = history
    return config_from_dict(data)


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def volumes(frame: pd.DataFrame, channel: str, language: str) -> dict:
    q = frame[(frame.channel == channel) & (frame.language == language)]
    return dict(zip(q.interval_start, q.volume))


# --------------------------------------------------------------------------- contact logs

CONTACT_ROWS = [
    "2026-03-02T09:05:00+01:00,phone,en,100",   # 08:05 UTC
    "2026-03-02T08:59:59Z,phone,en,200",        # 08:59:59 UTC
    "2026-03-02 09:30:00,phone,en,",            # naive Berlin = 08:30 UTC, handle unknown
    "2026-03-02T11:10:00+02:00,phone,en,60",    # 09:10 UTC
    "2026-03-02T12:00:00+01:00,Phone, EN-us ,90",  # 11:00 UTC; 10:00 is missing -> 0
    "2026-03-02T12:00:00+01:00,chat,de,30",     # 11:00 UTC
]


def expected_contacts() -> pd.DataFrame:
    # hand count: phone:en 08:00 -> 3 contacts, handle 100 and 200 known -> 150 s;
    # 09:00 -> 1 (60 s); 10:00 -> nothing (filled 0); 11:00 -> 1 (90 s); chat:de 11:00 -> 1 (30 s)
    return pd.DataFrame({
        "interval_start": [T("2026-03-02 11:00"), T("2026-03-02 08:00"), T("2026-03-02 09:00"),
                           T("2026-03-02 10:00"), T("2026-03-02 11:00")],
        "channel": ["chat", "phone", "phone", "phone", "phone"],
        "language": ["de", "en", "en", "en", "en"],
        "volume": [1.0, 3.0, 1.0, 0.0, 1.0],
        "aht_s": [30.0, 150.0, 60.0, np.nan, 90.0],
    })


def check_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == HISTORY_COLUMNS
    assert str(got["interval_start"].dtype) == "datetime64[ns, UTC]"
    pd.testing.assert_frame_equal(got.astype({"channel": object, "language": object}),
                                  want.astype({"interval_start": "datetime64[ns, UTC]"}), check_dtype=False)


def test_contact_log_csv_counts_by_hand(tmp_path):
    path = write_csv(tmp_path / "log.csv", "timestamp,channel,language,handle_seconds", CONTACT_ROWS)
    load = read_history(path, cfg())
    check_frame(load.frame, expected_contacts())
    r = load.report
    assert (r.kind, r.rows_read, r.rows_used, r.rows_rejected) == ("contacts", 6, 6, 0)
    assert (r.naive_times, r.dst_nonexistent, r.dst_ambiguous, r.duplicates) == (1, 0, 0, 0)
    assert r.gaps == () and r.filled_intervals == 1  # a missing interval in a log is 0 contacts, not a gap
    assert r.queues == ("chat:de", "phone:en")
    assert (r.first_interval, r.last_interval) == (T("2026-03-02 08:00"), T("2026-03-02 11:00"))
    assert load.rejected.empty and list(load.rejected.columns) == ["row", "column", "value", "reason"]


def test_contact_log_xlsx_matches_csv(tmp_path):
    rows = [r.split(",") for r in CONTACT_ROWS]
    rows[2][0] = dt.datetime(2026, 3, 2, 9, 30)  # a real Excel date cell, naive local
    rows[0][3] = 100                           # numbers as numbers
    path = write_xlsx(tmp_path / "log.xlsx", ["timestamp", "channel", "language", "handle_seconds"], rows)
    check_frame(read_history(path, cfg()).frame, expected_contacts())


def test_identical_contacts_are_not_duplicates(tmp_path):
    row = "2026-03-02T09:05:00Z,chat,en,10"
    path = write_csv(tmp_path / "log.csv", "timestamp,channel,language,handle_seconds", [row, row, row])
    load = read_history(path, cfg())
    assert load.frame["volume"].tolist() == [3.0]
    assert load.report.duplicates == 0


def test_semicolon_csv_with_bom_and_blank_lines_keeps_row_numbers(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes("\ufefftimestamp;channel;language\n2026-03-02T09:05:00Z;chat;en\n\n"
                     "2026-03-02T09:06:00Z;fax;en\n".encode("utf-8"))
    with pytest.raises(InputError, match=r"row 4, column 'channel'"):
        read_history(path, cfg())
    load = read_history(path, cfg(), skip_bad_rows=True)
    assert load.report.rows_read == 2 and load.frame["volume"].tolist() == [1.0]


# --------------------------------------------------------------------------- interval counts


def test_interval_counts_csv_and_xlsx(tmp_path):
    header = ["interval_start", "channel", "language", "volume", "aht_seconds"]
    rows = [
        ["2026-03-02T08:00:00Z", "phone", "en", "12", "180"],
        ["2026-03-02T10:00:00+01:00", "phone", "en", "7", ""],   # 09:00 UTC
        ["2026-03-02T12:00:00Z", "phone", "en", "3.5", "200"],   # 10:00 and 11:00 missing: a gap
        ["2026-03-02T08:00:00Z", "email", "de", "0", ""],
    ]
    want = pd.DataFrame({
        "interval_start": [T("2026-03-02 08:00")] + [T(f"2026-03-02 {h:02d}:00") for h in (8, 9, 10, 11, 12)],
        "channel": ["email"] + ["phone"] * 5,
        "language": ["de"] + ["en"] * 5,
        "volume": [0.0, 12.0, 7.0, 0.0, 0.0, 3.5],
        "aht_s": [np.nan, 180.0, np.nan, np.nan, np.nan, 200.0],
    })
    csv = write_csv(tmp_path / "counts.csv", ",".join(header), [",".join(r) for r in rows])
    xrows = [[r[0], r[1], r[2], float(r[3]), float(r[4]) if r[4] else None] for r in rows]
    xlsx = write_xlsx(tmp_path / "counts.xlsx", header, xrows)
    for path in (csv, xlsx):
        load = read_history(path, cfg())
        check_frame(load.frame, want)
        assert load.report.kind == "intervals"
        assert load.report.gaps == (("phone:en", T("2026-03-02 10:00"), T("2026-03-02 11:00")),)
        assert load.report.gap_intervals == 2 and load.report.filled_intervals == 2


def test_interval_counts_fill_and_report_gaps_only_in_open_hours(tmp_path):
    # phone open 08:00-18:00 Berlin (07:00-17:00 UTC in March). Observed: 07:00 UTC on the 2nd to
    # 16:00 UTC on the 3rd, missing 10:00 and 11:00 UTC on the 2nd, and nothing at night.
    channels = {"phone": {"open_hours": "08:00-18:00"}, "chat": {}}
    observed = [T("2026-03-02 07:00") + pd.Timedelta(hours=h) for h in range(10) if h not in (3, 4)]
    observed += [T("2026-03-03 07:00") + pd.Timedelta(hours=h) for h in range(10)]
    rows = [f"{t.isoformat()},phone,en,5" for t in observed]
    rows += ["2026-03-02T22:00:00Z,chat,en,1", "2026-03-03T01:00:00Z,chat,en,1"]  # chat is 24/7
    load = read_history(write_csv(tmp_path / "c.csv", "interval_start,channel,language,volume", rows),
                        cfg(channels=channels))
    phone = volumes(load.frame, "phone", "en")
    assert len(phone) == 20  # 10 open hours a day, night hours not filled
    assert phone[T("2026-03-02 10:00")] == 0 and phone[T("2026-03-02 11:00")] == 0
    assert T("2026-03-02 20:00") not in phone
    chat = volumes(load.frame, "chat", "en")
    assert list(chat.values()) == [1.0, 0.0, 0.0, 1.0]
    assert load.report.gaps == (
        ("chat:en", T("2026-03-02 23:00"), T("2026-03-03 00:00")),
        ("phone:en", T("2026-03-02 10:00"), T("2026-03-02 11:00")),
    )
    assert load.report.gap_intervals == 4


def test_a_queue_s_own_open_hours_decide_its_filled_intervals_and_gaps(tmp_path):
    # phone open 08:00-18:00 Berlin, but phone:de only 10:00-12:00 (09:00-11:00 UTC in March)
    config = config_from_dict({"team": {"home_timezone": "Europe/Berlin", "languages": ["en", "de"]},
                               "channels": {"phone": {"open_hours": "08:00-18:00"}},
                               "queues": {"phone:de": {"open_hours": "10:00-12:00"}}})
    rows = ["2026-03-02T07:00:00Z,phone,en,2", "2026-03-02T16:00:00Z,phone,en,2",
            "2026-03-02T09:00:00Z,phone,de,3", "2026-03-03T10:00:00Z,phone,de,4"]
    load = read_history(write_csv(tmp_path / "q.csv", "interval_start,channel,language,volume", rows), config)
    en = volumes(load.frame, "phone", "en")
    assert len(en) == 10 and sum(en.values()) == 4  # 07:00-16:00 UTC, 8 hours filled with 0
    de = volumes(load.frame, "phone", "de")
    assert de == {T("2026-03-02 09:00"): 3.0, T("2026-03-02 10:00"): 0.0,
                  T("2026-03-03 09:00"): 0.0, T("2026-03-03 10:00"): 4.0}
    # one run of open-but-missing intervals for phone:de (the closed night between does not break it)
    assert load.report.gaps == (
        ("phone:de", T("2026-03-02 10:00"), T("2026-03-03 09:00")),
        ("phone:en", T("2026-03-02 08:00"), T("2026-03-02 15:00")),
    )
    assert load.report.gap_intervals == 10


def test_duplicate_intervals_are_bad_rows(tmp_path):
    rows = ["2026-03-02T08:00:00Z,phone,en,1", "2026-03-02T09:00:00+01:00,phone,en-GB,2",
            "2026-03-02T08:00:00Z,phone,de,3"]
    path = write_csv(tmp_path / "dup.csv", "interval_start,channel,language,volume", rows)
    with pytest.raises(InputError) as err:
        read_history(path, cfg())
    msg = str(err.value)
    assert "dup.csv" in msg and "row 3, column 'interval_start'" in msg
    assert "duplicate interval of queue phone:en; the same interval is at row 2" in msg
    load = read_history(path, cfg(), skip_bad_rows=True)
    assert load.report.duplicates == 1
    assert load.rejected["row"].tolist() == [3]
    assert volumes(load.frame, "phone", "en") == {T("2026-03-02 08:00"): 1.0}


# --------------------------------------------------------------------------- mapping


def test_ticket_export_with_column_and_value_maps(tmp_path):
    history = {"columns": {"timestamp": "created_at", "channel": "via", "language": "locale",
                           "handle_seconds": "handle_time"},
               "values": {"channel": {"voice": "phone", "Web Chat": "chat"}, "language": {"deutsch": "de"}}}
    rows = ["2026-03-02T08:01:00Z,Voice,en_GB,120,x1", "2026-03-02T08:02:00Z,web chat,Deutsch,30,x2",
            "2026-03-02T08:03:00Z,phone,de-AT,n/a,x3"]
    path = write_csv(tmp_path / "tickets.csv", "Created_At,via,locale,handle_time,ticket", rows)
    load = read_history(path, cfg(history=history))
    assert volumes(load.frame, "phone", "en") == {T("2026-03-02 08:00"): 1.0}
    assert volumes(load.frame, "chat", "de") == {T("2026-03-02 08:00"): 1.0}
    assert volumes(load.frame, "phone", "de") == {T("2026-03-02 08:00"): 1.0}
    # sorted chat:de, phone:de (handle time unknown), phone:en
    np.testing.assert_array_equal(load.frame["aht_s"].to_numpy(), [30.0, np.nan, 120.0])

    bad = write_csv(tmp_path / "bad.csv", "created_at,via,locale", ["2026-03-02T08:01:00Z,fax,en"])
    with pytest.raises(InputError, match=r"bad\.csv: 1 bad row\(s\):\n  row 2, column 'via': unknown channel"):
        read_history(bad, cfg(history=history))
    missing = write_csv(tmp_path / "missing.csv", "created_at,channel,language", ["2026-03-02T08:01:00Z,phone,en"])
    with pytest.raises(InputError, match=r"missing column\(s\) via \(channel\), locale \(language\) of a contact "
                                         r"log; found created_at, channel, language"):
        read_history(missing, cfg(history=history))


# --------------------------------------------------------------------------- time zones and DST


def test_offsets_and_z_are_exact_instants(tmp_path):
    rows = ["2026-07-01T10:00:00+02:00,chat,en", "2026-07-01T08:00:00Z,chat,en",
            "2026-07-01T04:59:59-04:00,chat,en", "2026-07-01T13:30:00+0530,chat,en",
            " 2026-07-01T08:30:00Z ,chat,en"]  # all in the 08:00 UTC hour
    load = read_history(write_csv(tmp_path / "o.csv", "timestamp,channel,language", rows), cfg())
    assert volumes(load.frame, "chat", "en") == {T("2026-07-01 08:00"): 5.0}
    assert load.report.dst_ambiguous == load.report.dst_nonexistent == 0


def test_naive_times_at_berlin_spring_forward_and_fall_back(tmp_path):
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST. 2026-10-25: 03:00 CEST falls back to 02:00 CET.
    rows = ["2026-03-29 01:59:00,chat,en",   # CET: 00:59 UTC
            "2026-03-29 02:30:00,chat,en",   # nonexistent: forward by the gap -> 03:30 CEST = 01:30 UTC
            "2026-03-29 03:10:00,chat,en",   # CEST: 01:10 UTC
            "2026-10-25 02:30:00,chat,en",   # ambiguous: first occurrence, CEST = 00:30 UTC
            "2026-10-25 02:40:00,chat,en",   # ambiguous: 00:40 UTC
            "2026-10-25 03:00:00,chat,en"]   # CET: 02:00 UTC
    path = write_csv(tmp_path / "dst.csv", "timestamp,channel,language", rows)
    load = read_history(path, cfg(minutes=30))
    got = {t: v for t, v in volumes(load.frame, "chat", "en").items() if v}
    assert got == {T("2026-03-29 00:30"): 1, T("2026-03-29 01:00"): 1, T("2026-03-29 01:30"): 1,
                   T("2026-10-25 00:30"): 2, T("2026-10-25 02:00"): 1}
    assert (load.report.dst_nonexistent, load.report.dst_ambiguous) == (1, 2)


def test_history_timezone_overrides_home_zone_for_naive_times(tmp_path):
    path = write_csv(tmp_path / "ny.csv", "timestamp,channel,language", ["2026-03-02 09:15:00,chat,en"])
    load = read_history(path, cfg(history={"timezone": "America/New_York"}))
    assert load.frame["interval_start"].tolist() == [T("2026-03-02 14:00")]  # EST = UTC-5


def test_naive_interval_counts_in_the_fall_back_hour_take_both_occurrences(tmp_path):
    rows = ["2026-10-25 01:00:00,phone,en,4", "2026-10-25 02:00:00,phone,en,5",
            "2026-10-25 02:00:00,phone,en,6", "2026-10-25 03:00:00,phone,en,7",
            "2026-10-25 02:00:00,chat,en,1"]
    path = write_csv(tmp_path / "fb.csv", "interval_start,channel,language,volume", rows)
    load = read_history(path, cfg())
    # 01:00 CEST = 23:00 UTC; 02:00 CEST = 00:00; 02:00 CET = 01:00; 03:00 CET = 02:00
    assert volumes(load.frame, "phone", "en") == {T("2026-10-24 23:00"): 4, T("2026-10-25 00:00"): 5,
                                                  T("2026-10-25 01:00"): 6, T("2026-10-25 02:00"): 7}
    assert volumes(load.frame, "chat", "en") == {T("2026-10-25 00:00"): 1}
    assert load.report.dst_ambiguous == 3
    third = write_csv(tmp_path / "fb3.csv", "interval_start,channel,language,volume", rows + rows[1:2])
    with pytest.raises(InputError, match="row 7, column 'interval_start': duplicate interval of queue phone:en"):
        read_history(third, cfg())


@pytest.mark.parametrize("minutes,expected", [
    (15, {"08:00": 1, "08:15": 1, "08:30": 1, "08:45": 2}),
    (30, {"08:00": 2, "08:30": 3}),
    (60, {"08:00": 5}),
])
def test_grids_of_15_30_and_60_minutes(tmp_path, minutes, expected):
    stamps = ["08:00:00", "08:29:59", "08:30:00", "08:59:59", "08:45:00"]
    rows = [f"2026-03-02T{s}Z,phone,en" for s in stamps]
    load = read_history(write_csv(tmp_path / "g.csv", "timestamp,channel,language", rows), cfg(minutes=minutes))
    assert volumes(load.frame, "phone", "en") == {T(f"2026-03-02 {k}"): v for k, v in expected.items()}


def test_interval_start_off_the_15_minute_grid_is_a_bad_row(tmp_path):
    rows = ["2026-03-02T08:15:00Z,phone,en,1", "2026-03-02T08:20:00Z,phone,en,1"]
    path = write_csv(tmp_path / "q.csv", "interval_start,channel,language,volume", rows)
    with pytest.raises(InputError, match=r"row 3, column 'interval_start': not on the 15-minute grid; expected an "
                                         r"interval start at :00, :15, :30 or :45 past the hour in UTC"):
        read_history(path, cfg(minutes=15))


def test_kolkata_grid_starts_at_half_past(tmp_path):
    kolkata = cfg(tz="Asia/Kolkata")
    log = write_csv(tmp_path / "k.csv", "timestamp,channel,language",
                    ["2026-03-02T09:10:00+05:30,phone,hi", "2026-03-02 10:29:00,phone,hi",
                     "2026-03-02T04:31:00Z,phone,hi"])
    # 09:10 IST = 03:40 UTC -> interval 03:30; 10:29 IST = 04:59 UTC -> 04:30; 04:31 UTC -> 04:30
    assert volumes(read_history(log, kolkata).frame, "phone", "hi") == {T("2026-03-02 03:30"): 1,
                                                                        T("2026-03-02 04:30"): 2}
    counts = write_csv(tmp_path / "kc.csv", "interval_start,channel,language,volume",
                       ["2026-03-02 09:00:00,phone,hi,4", "2026-03-02T03:00:00Z,phone,hi,1"])
    with pytest.raises(InputError, match=r"row 3, column 'interval_start': not on the 60-minute grid; expected an "
                                         r"interval start at :30 past the hour in UTC \(the grid of Asia/Kolkata\)"):
        read_history(counts, kolkata)
    load = read_history(counts, kolkata, skip_bad_rows=True)
    assert volumes(load.frame, "phone", "hi") == {T("2026-03-02 03:30"): 4}


# --------------------------------------------------------------------------- bad rows

LOG = "timestamp,channel,language,handle_seconds"
COUNTS = "interval_start,channel,language,volume,aht_seconds"


@pytest.mark.parametrize("header,row,config_kw,column,reason,value", [
    (LOG, "yesterday,phone,en,1", {}, "timestamp", "not a date and time; expected ISO 8601", "yesterday"),
    (LOG, "2026-13-02 10:00,phone,en,1", {}, "timestamp", "not a date and time", "2026-13-02 10:00"),
    (LOG, ",phone,en,1", {}, "timestamp", "empty; expected a date and time", ""),
    (LOG, "2026-03-02,phone,en,1", {}, "timestamp", "a date without a time of day", "2026-03-02"),
    (LOG, "2026-03-02T10:00Z,fax,en,1", {}, "channel",
     "unknown channel; expected one of chat, email, phone, social", "fax"),
    (LOG, "2026-03-02T10:00Z,phone,fr,1", {"languages": ["en", "de"]}, "language",
     "unknown language; expected one of en, de (team.languages in planner.toml)", "fr"),
    (LOG, "2026-03-02T10:00Z,phone,xx,1", {}, "language", "not an ISO 639-1 language code", "xx"),
    (LOG, "2026-03-02T10:00Z,phone,english,1", {}, "language", "not an ISO 639-1 language code", "english"),
    (LOG, "2026-03-02T10:00Z,phone,en,-5", {}, "handle_seconds", "negative; expected seconds >= 0", "-5"),
    (LOG, "2026-03-02T10:00Z,phone,en,2min", {}, "handle_seconds", "not a number; expected seconds >= 0", "2min"),
    (COUNTS, "2026-03-02T10:00Z,phone,en,-1,", {}, "volume", "negative; expected a count >= 0", "-1"),
    (COUNTS, "2026-03-02T10:00Z,phone,en,ten,", {}, "volume", "not a number; expected a count >= 0", "ten"),
    (COUNTS, "2026-03-02T10:00Z,phone,en,inf,", {}, "volume", "not a finite number; expected a count >= 0", "inf"),
    (COUNTS, "2026-03-02T10:00Z,phone,en,,", {}, "volume", "empty; expected a count >= 0", ""),
    (COUNTS, "2026-03-02T10:00Z,phone,en,n/a,", {}, "volume", "empty; expected a count >= 0", "n/a"),
    (COUNTS, "2026-03-02T10:00Z,phone,en,3,-2", {}, "aht_seconds", "negative; expected seconds >= 0", "-2"),
    (COUNTS, "2026-03-02T10:30Z,phone,en,3,", {}, "interval_start", "not on the 60-minute grid",
     "2026-03-02T10:30Z"),
])
def test_each_kind_of_bad_row(tmp_path, header, row, config_kw, column, reason, value):
    good = "2026-03-02T09:00:00Z,phone,en,1" + ("," if header == COUNTS else "")
    path = write_csv(tmp_path / "bad_rows.csv", header, [good, row])
    config = cfg(**config_kw)
    with pytest.raises(InputError) as err:
        read_history(path, config)
    msg = str(err.value)
    assert msg.startswith(f"{path}: 1 bad row(s):\n  row 3, column '{column}': ")
    assert reason in msg and f"got {value!r}" in msg
    load = read_history(path, config, skip_bad_rows=True)
    assert load.rejected.to_dict("records") == [
        {"row": 3, "column": column, "value": value, "reason": load.rejected["reason"][0]}]
    assert reason in load.rejected["reason"][0]
    assert (load.report.rows_read, load.report.rows_used, load.report.rows_rejected) == (2, 1, 1)
    assert load.frame["volume"].sum() == 1


def test_error_lists_the_first_five_bad_rows_and_the_total(tmp_path):
    rows = ["2026-03-02T09:00:00Z,phone,en"] + [f"2026-03-02T09:0{i}:00Z,fax{i},en" for i in range(7)]
    path = write_csv(tmp_path / "many.csv", "timestamp,channel,language", rows)
    with pytest.raises(InputError) as err:
        read_history(path, cfg())
    msg = str(err.value)
    assert "7 bad row(s), the first 5:" in msg
    for row in range(3, 8):
        assert f"row {row}, column 'channel'" in msg
    assert "row 8," not in msg and "row 2," not in msg
    assert "skip-bad-rows" in msg


def test_skip_bad_rows_returns_every_rejected_row_and_write_rejected_writes_them(tmp_path):
    rows = ["2026-03-02T09:00:00Z,phone,en,10",
            "soon,phone,en,10",                      # row 3
            "2026-03-02T09:10:00Z,fax,en,10",        # row 4
            "2026-03-02T09:20:00Z,phone,klingon,10",  # row 5
            "2026-03-02T09:30:00Z,phone,en,-1",       # row 6
            "2026-03-02T09:40:00Z,phone,en,20"]
    path = write_csv(tmp_path / "mixed.csv", LOG, rows)
    load = read_history(path, cfg(), skip_bad_rows=True)
    rej = load.rejected
    assert rej["row"].tolist() == [3, 4, 5, 6]
    assert rej["column"].tolist() == ["timestamp", "channel", "language", "handle_seconds"]
    assert rej["value"].tolist() == ["soon", "fax", "klingon", "-1"]
    assert all(isinstance(r, str) and r for r in rej["reason"])
    assert load.frame[["volume", "aht_s"]].values.tolist() == [[2.0, 15.0]]
    out = write_rejected(rej, tmp_path / "out" / "mixed.rejected.csv")
    back = pd.read_csv(out, dtype={"value": str}, keep_default_na=False)
    assert back.astype({"row": int}).to_dict("records") == rej.to_dict("records")
    assert [p.name for p in out.parent.iterdir()] == ["mixed.rejected.csv"]  # no temp file left


def test_write_rejected_to_an_unwritable_place_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        write_rejected(pd.DataFrame(columns=["row", "column", "value", "reason"]), blocker / "sub" / "r.csv")


# --------------------------------------------------------------------------- unreadable files


def test_missing_columns_lists_missing_and_found(tmp_path):
    path = write_csv(tmp_path / "c.csv", "interval_start,channel,volume", ["2026-03-02T09:00Z,phone,3"])
    with pytest.raises(InputError, match=r"c\.csv: missing column\(s\) language of interval counts") as err:
        read_history(path, cfg())
    assert "found interval_start, channel, volume" in str(err.value)
    other = write_csv(tmp_path / "o.csv", "when,queue", ["x,y"])
    with pytest.raises(InputError, match=r"o\.csv: missing columns: expected a contact log with columns timestamp, "
                                         r"channel, language or interval counts .*; found when, queue"):
        read_history(other, cfg())


def test_missing_empty_header_only_and_unreadable_files(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: history file not found"):
        read_history(tmp_path / "nope.csv", cfg())
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match=r"empty\.csv: the history file is empty"):
        read_history(tmp_path / "empty.csv", cfg())
    (tmp_path / "head.csv").write_text("timestamp,channel,language\n")
    with pytest.raises(InputError, match=r"head\.csv: the history has a header but no data rows"):
        read_history(tmp_path / "head.csv", cfg())
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a workbook")
    with pytest.raises(InputError, match=r"broken\.xlsx: cannot read this Excel workbook"):
        read_history(tmp_path / "broken.xlsx", cfg())
    (tmp_path / "h.json").write_text("{}")
    with pytest.raises(InputError, match=r"h\.json: unsupported history file type"):
        read_history(tmp_path / "h.json", cfg())
    (tmp_path / "ragged.csv").write_text("timestamp,channel,language\n2026-03-02T09:00Z,phone,en\n"
                                         "2026-03-02T09:00Z,phone,en,x\n")
    with pytest.raises(InputError, match=r"ragged\.csv, row 3: has 4 fields where the header has 3"):
        read_history(tmp_path / "ragged.csv", cfg())
    (tmp_path / "latin1.csv").write_bytes("timestamp,channel,language\n2026-03-02T09:00Z,phöne,en\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.csv: the history file is not UTF-8"):
        read_history(tmp_path / "latin1.csv", cfg())


# --------------------------------------------------------------------------- real data


@pytest.mark.skipif(not (DATA / "anonymous_bank_1999").is_dir(),
                    reason="reference data ../shared/data/anonymous_bank_1999 is absent")
def test_anonymous_bank_call_log_matches_the_published_half_hourly_counts(tmp_path):
    """Guedj & Mandelbaum's Anonymous Bank log (January 1999), loaded as a contact log, must give
    the half-hourly arrivals per queue type of arrivals_halfhourly_by_type_1999.csv."""
    src = DATA / "anonymous_bank_1999"
    calls = pd.read_csv(src / "calls_1999-01.tsv", sep=r"\s+", dtype=str)
    calls = calls[calls["outcome"] != "PHANTOM"]
    log = pd.DataFrame({"arrived": "19" + calls["date"].str[:2] + "-" + calls["date"].str[2:4] + "-"
                                   + calls["date"].str[4:] + " " + calls["vru_entry"],
                        "type": calls["type"], "lang": np.where(calls["type"] == "PE", "en", "he")})
    path = tmp_path / "bank.csv"
    log.to_csv(path, index=False)
    types = ["AA", "IN", "NE", "NW", "PE", "PS", "TT"]
    config = cfg(tz="Asia/Jerusalem", minutes=30, channels={t.lower(): {} for t in types},
                 history={"columns": {"timestamp": "arrived", "channel": "type", "language": "lang"}})
    load = read_history(path, config)
    assert load.report.rows_used == len(calls)
    frame = load.frame.assign(local=load.frame["interval_start"].dt.tz_convert("Asia/Jerusalem")
                              .dt.tz_localize(None))
    got = frame.pivot_table(index="local", columns="channel", values="volume", aggfunc="sum", fill_value=0)
    ref = pd.read_csv(src / "arrivals_halfhourly_by_type_1999.csv", parse_dates=["interval_start"])
    ref = ref[ref["interval_start"].dt.month == 1].set_index("interval_start")
    for t in types:
        mine = got[t.lower()].reindex(ref.index, fill_value=0)
        assert (mine.to_numpy() == ref[t].to_numpy()).all(), t
    assert got["ps"].sum() == ref["PS"].sum() == 22828
