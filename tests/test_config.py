"""planner.toml parsing: defaults, targets, and the message of every bad value."""
from __future__ import annotations

from datetime import time

import pytest

from planner.config import (Config, ServiceTarget, config_from_dict, load_config, parse_clock, parse_target,
                            parse_weekdays)
from planner.errors import ConfigError


def test_defaults_without_a_file(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg == Config()
    assert cfg.team.interval_minutes == 60
    assert cfg.channel("phone").target == ServiceTarget(0.8, 20.0)
    assert cfg.shrinkage_for("chat") == pytest.approx(0.30)


@pytest.mark.parametrize("text,level,seconds", [
    ("80/20", 0.8, 20), ("90/4h", 0.9, 14400), ("95/30m", 0.95, 1800), ("80%/60", 0.8, 60), ("100/10", 1.0, 10),
    ("72.5/15s", 0.725, 15),
])
def test_targets_parse(text, level, seconds):
    t = parse_target(text)
    assert t.service_level == pytest.approx(level)
    assert t.answer_s == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["80%", "80", "120/20", "0/20", "80/0", "eighty/20", 80])
def test_bad_targets_name_key_and_value(bad):
    with pytest.raises(ConfigError) as err:
        parse_target(bad, "channels.chat.sla")
    msg = str(err.value)
    assert msg.startswith("channels.chat.sla: ")
    assert repr(bad) in msg or str(bad) in msg


def test_issue_example_message():
    with pytest.raises(ConfigError, match=r'channels\.chat\.sla: expected a target like "80/20".*got \'80%\''):
        config_from_dict({"channels": {"chat": {"sla": "80%"}}})


def test_full_file(tmp_path):
    (tmp_path / "planner.toml").write_text("""
[team]
name = "Support EU"
home_timezone = "Europe/Berlin"
interval_minutes = 30
languages = ["en", "DE"]
countries = ["de", "US"]

[channels.phone]
model = "erlang_a"
sla = "80/20"
patience_seconds = 300
max_occupancy = 0.85
[channels.chat]
concurrency = 3
sla = "80/60"
[channels.email]
model = "deferred"
response_hours = 4
open_hours = "08:00-20:00"

[staffing]
shrinkage = 0.35

[history]
file = "forecasts/tickets.xlsx"
timezone = "America/New_York"
[history.columns]
timestamp = "created_at"
channel = "via"
[history.values.channel]
voice = "phone"

[rules]
shift_hours = [8, 9, 8]
break_minutes = 30
min_rest_hours = 12
[rules.weights]
shortfall = 50

[solver]
time_limit_seconds = 10
seed = 7
""")
    cfg = load_config(tmp_path)
    assert cfg.source.endswith("planner.toml")
    assert cfg.team.languages == ("en", "de") and cfg.team.countries == ("DE", "US")
    assert cfg.team.interval_minutes == 30
    assert cfg.channel("phone").model == "erlang_a" and cfg.channel("phone").patience_s == 300
    assert cfg.channel("chat").concurrency == 3
    email = cfg.channel("email")
    assert email.deferred and email.target.answer_s == 4 * 3600 and email.target.service_level == 1.0
    assert email.open_hours == (time(8), time(20))
    assert set(cfg.channels) == {"phone", "chat", "email"}
    assert cfg.shrinkage_for("email") == pytest.approx(0.35)
    assert cfg.history.columns == {"timestamp": "created_at", "channel": "via"}
    assert cfg.history.values == {"channel": {"voice": "phone"}}
    assert cfg.rules.shift_hours == (8.0, 9.0)
    assert cfg.rules.weights.shortfall == 50 and cfg.rules.weights.surplus == 2.0
    assert cfg.solver.seed == 7 and cfg.solver.time_limit_seconds == 10
    # frozen: no accidental mutation downstream
    with pytest.raises(AttributeError):
        cfg.team.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize("data,key,fragment", [
    ({"team": {"home_timezone": "Europe/Berlinn"}}, "team.home_timezone", "IANA time zone"),
    ({"team": {"interval_minutes": 20}}, "team.interval_minutes", "expected 15, 30 or 60, got 20"),
    ({"team": {"languages": ["english"]}}, "team.languages", "ISO 639-1"),
    ({"team": {"colour": "red"}}, "team.colour", "unknown key; allowed here:"),
    ({"teams": {}}, "teams", "unknown key"),
    ({"channels": {"phone": {"model": "erlang_x"}}}, "channels.phone.model", "expected one of erlang_c, erlang_a"),
    ({"channels": {"phone": {"model": "erlang_a"}}}, "channels.phone.patience_seconds", "mean patience"),
    ({"channels": {"chat": {"concurrency": 0}}}, "channels.chat.concurrency", "at least 1, got 0"),
    ({"channels": {"chat": {"concurrency": 1.5}}}, "channels.chat.concurrency", "whole number"),
    ({"channels": {"phone": {"max_occupancy": 1.2}}}, "channels.phone.max_occupancy", "at most 1, got 1.2"),
    ({"channels": {"phone": {"response_hours": 4}}}, "channels.phone.response_hours", "only deferred"),
    ({"channels": {"email": {"model": "deferred", "open_hours": "20:00-08:00"}}}, "channels.email.open_hours",
     "opening must be before closing"),
    ({"channels": {"Phone Line": {}}}, "channels.Phone Line", "lower-case channel name"),
    ({"staffing": {"shrinkage": 30}}, "staffing.shrinkage", "at most 0.95, got 30"),
    ({"staffing": {"shrinkage": "30%"}}, "staffing.shrinkage", "expected a number, got '30%'"),
    ({"rules": {"shift_hours": [8, 30]}}, "rules.shift_hours", "between 1 and 16"),
    ({"rules": {"start_step_minutes": 45}}, "rules.start_step_minutes", "divisor or multiple of 60"),
    ({"rules": {"days_off_together": "yes"}}, "rules.days_off_together", "true or false"),
    ({"rules": {"weights": {"shortfal": 1}}}, "rules.weights.shortfal", "unknown key"),
    ({"solver": {"time_limit_seconds": 0}}, "solver.time_limit_seconds", "above 0"),
    ({"solver": {"workers": True}}, "solver.workers", "whole number"),
    ({"history": {"columns": {"when": "created_at"}}}, "history.columns.when", "unknown key"),
    ({"forecast": {"method": "prophet"}}, "forecast.method", "expected one of auto"),
    ({"forecast": {"quantiles": [0.1, 1.5]}}, "forecast.quantiles", "fractions between 0 and 1"),
])
def test_bad_values_name_the_key_path(data, key, fragment):
    with pytest.raises(ConfigError) as err:
        config_from_dict(data, "ws/planner.toml")
    msg = str(err.value)
    assert msg.startswith(f"ws/planner.toml: {key}: "), msg
    assert fragment in msg


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "planner.toml").write_text("[team\nname = 1\n")
    with pytest.raises(ConfigError, match="planner.toml: .*not valid TOML"):
        load_config(tmp_path)


def test_clock_and_weekdays():
    assert parse_clock("07:30", "k") == time(7, 30)
    assert parse_clock("24:00", "k") > time(23, 59)
    with pytest.raises(ConfigError, match=r"k: expected a time like \"07:30\", got '7.30'"):
        parse_clock("7.30", "k")
    assert parse_weekdays("sat;sun", "k") == frozenset({5, 6})
    assert parse_weekdays("Monday, tuesday", "k") == frozenset({0, 1})
    with pytest.raises(ConfigError, match="weekdays"):
        parse_weekdays("weekend", "k")


def test_with_solver_overrides_only_given_values():
    cfg = Config().with_solver(time_limit_seconds=5, seed=None)
    assert cfg.solver.time_limit_seconds == 5 and cfg.solver.seed == 0


def test_queue_open_hours_override_the_channel():
    cfg = config_from_dict({"team": {"languages": ["en", "de"]},
                            "channels": {"email": {"model": "deferred", "open_hours": "06:00-22:00"}},
                            "queues": {"email:de": {"open_hours": "08:00-18:00"}}})
    assert cfg.open_hours_for("email", "de") == (time(8), time(18))
    assert cfg.open_hours_for("email", "en") == (time(6), time(22))
    for bad, fragment in [({"email:xx": {}}, "a language of team.languages"), ({"fax:de": {}}, "channel:language"),
                          ({"email:de": {"open": "1"}}, "unknown key")]:
        with pytest.raises(ConfigError, match=fragment):
            config_from_dict({"team": {"languages": ["en", "de"]}, "channels": {"email": {"model": "deferred"}},
                              "queues": bad})


# ------------------------------------------------------------------------ shift types with own lengths


def test_shift_types_take_a_start_window_or_a_table_with_their_own_hours():
    cfg = config_from_dict({"rules": {"shift_hours": [8, 9], "shift_types": {
        "early": "06:00-10:00",
        "night": {"start": "22:00-23:00", "hours": [10]},
        "late": {"start": "14:00-18:00", "hours": 9},
        "mid": {"start": "11:00-12:00"},
    }}}, "ws/planner.toml")
    early, night, late, mid = cfg.rules.shift_types
    assert (early.name, early.start_from, early.start_until, early.hours) == ("early", time(6), time(10), ())
    assert (night.name, night.start_from, night.start_until, night.hours) == ("night", time(22), time(23), (10.0,))
    assert late.hours == (9.0,) and mid.hours == () and mid.start_from == time(11)
    lengths = cfg.rules.lengths_for
    assert lengths(7 * 60) == (8.0, 9.0)  # early: no hours of its own -> rules.shift_hours
    assert lengths(22 * 60) == (10.0,) and lengths(22 * 60 + 30) == (10.0,)
    assert lengths(23 * 60) == (8.0, 9.0)  # after the night window: no type
    assert lengths(15 * 60) == (9.0,) and lengths(11 * 60) == (8.0, 9.0) and lengths(3 * 60) == (8.0, 9.0)
    assert str(night) == "night=22:00-23:00 (10 h)" and str(early) == "early=06:00-10:00"
    # the first matching type decides, even when it has no hours of its own
    both = config_from_dict({"rules": {"shift_types": {"day": "06:00-20:00", "long": {"start": "07:00-08:00",
                                                                                        "hours": [12]}}}})
    assert both.rules.lengths_for(7 * 60) == (8.0, 9.0) and both.rules.shift_type(7 * 60) == "day"
    # a list of several lengths, duplicates dropped, sorted; shift types default to none
    many = config_from_dict({"rules": {"shift_types": {"night": {"start": "22:00-02:00", "hours": [12, 10, 10]}}}})
    assert many.rules.shift_types[0].hours == (10.0, 12.0) and many.rules.lengths_for(60) == (10.0, 12.0)
    assert config_from_dict({}).rules.lengths_for(9 * 60) == (8.0, 9.0)


@pytest.mark.parametrize("night,key,expected", [
    ({"start": "22:00-23:00", "hours": 0}, "rules.shift_types.night.hours",
     "expected shift lengths in hours above 0 and at most 24 like [10], got 0"),
    ({"start": "22:00-23:00", "hours": [10, 25]}, "rules.shift_types.night.hours",
     "expected shift lengths in hours above 0 and at most 24 like [10], got [10, 25]"),
    ({"start": "22:00-23:00", "hours": "10"}, "rules.shift_types.night.hours",
     "expected shift lengths in hours above 0 and at most 24 like [10], got '10'"),
    ({"start": "22:00-23:00", "hours": []}, "rules.shift_types.night.hours",
     "expected shift lengths in hours above 0 and at most 24 like [10], got []"),
    ({"start": "22:00-23:00", "hours": [True]}, "rules.shift_types.night.hours",
     "expected shift lengths in hours above 0 and at most 24 like [10], got [True]"),
    ({"start": "22:00-23:00", "length": [10]}, "rules.shift_types.night.length",
     "unknown key; allowed here: hours, start"),
    ({"hours": [10]}, "rules.shift_types.night.start", 'expected the local start window of the type like '
     '{ start = "22:00-23:00", hours = [10] }'),
    ({"start": "22-23", "hours": [10]}, "rules.shift_types.night.start", 'expected a time like "07:30", got \'22\''),
    ({"start": "22:00-22:00", "hours": [10]}, "rules.shift_types.night.start",
     "the start window '22:00-22:00' is empty"),
    (10, "rules.shift_types.night", 'expected a local start window like "06:00-10:00" or a table like '
     '{ start = "22:00-23:00", hours = [10] }, got 10'),
])
def test_bad_shift_type_tables_name_file_key_and_value(night, key, expected):
    with pytest.raises(ConfigError) as err:
        config_from_dict({"rules": {"shift_types": {"night": night}}}, "ws/planner.toml")
    assert str(err.value) == f"ws/planner.toml: {key}: {expected}"


def test_shift_types_only_keeps_starts_inside_the_types_windows():
    cfg = config_from_dict({"rules": {"shift_types_only": True, "start_step_minutes": 30,
                                      "shift_types": {"early": {"start": "06:00-06:30", "hours": [8]},
                                                      "late": "14:00-15:00"}}})
    rules = cfg.rules
    assert rules.lengths_for(6 * 60) == (8.0,)
    assert rules.lengths_for(14 * 60 + 30) == rules.shift_hours
    assert rules.lengths_for(6 * 60 + 30) == () and rules.lengths_for(10 * 60) == ()
    assert config_from_dict({"rules": {"shift_types": {"early": "06:00-07:00"}}}).rules.lengths_for(600) == (8.0, 9.0)
    with pytest.raises(ConfigError, match=r"rules.shift_types_only.*define the shift types"):
        config_from_dict({"rules": {"shift_types_only": True}})
