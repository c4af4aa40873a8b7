"""The deterministic example workspace: a follow-the-sun support team and its contact history.

`write_demo_workspace` writes planner.toml, rosters/agents.csv, rosters/time_off.csv,
forecasts/history.csv, forecasts/special_days.csv and forecasts/scenarios/campaign.toml.
Everything comes from seeded numpy Generators: the same arguments write byte-identical files.

The team works from seven sites on three continents (Berlin, Madrid, Lisbon, Kyiv, New York,
Sao Paulo, Manila) and serves 7 languages on 4 channels in 18 queues (`QUEUES`): English on
every channel around the clock, the other languages on a few business-hour desks (a queue
needs at least one agent, two heads at 30 % shrinkage, in every hour it is open, so a
100-agent team cannot run 28 queues). Demand of each language follows the local clocks of
its markets (`MARKETS`): German peaks in Berlin business hours, English runs around the
clock with US, UK and Australian peaks, Portuguese follows Sao Paulo and Lisbon. A
non-English queue opens by its main market's clock (`OPEN_HOURS`); every market reaches it
only then, and outside the volume is exactly 0 (written as 0 with an empty handle time).
planner.toml gives each such queue `open_hours` in the home zone (`demo_open_hours`): the
Berlin window covering every hour with demand in the history and the planning week (across
DST), or none (24/7) when those hours cross Berlin midnight.

History: hourly UTC interval counts over the `history_weeks` full planning weeks (cut in the
home zone Europe/Berlin) before `week`, with intraday, weekly and yearly seasonality, a mild
trend per channel, fixed-date public holidays per market (`HOLIDAYS`; a non-English language
closes phone and chat on its main market's holidays, other markets' holidays damp their share),
one outage (4 hours of 3-5x phone volume, `OUTAGE_FACTORS`), Poisson volumes (inverse CDF of
fixed uniforms) and lognormal mean handle times.

Calibration (`demo_calibration`): the staffing model of planner.staffing, run with the demo
planner.toml on a typical week (the mean of the last `CALIBRATION_WEEKS` weeks of the history
as written, per Berlin hour of week), needs TARGET_LOAD (90 %) of the contract hours the team
gives each language, as sum(staff_needed x interval hours). An agent's contract hours are
shared among the agent's languages in listed order by `LANGUAGE_HOUR_SHARES` (one language:
all; two: 70/30; three: 60/25/15), so the whole team is loaded at about TARGET_LOAD too. Small
teams whose queues need more than that for a trickle of contacts get the trickle.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from planner import columns as C
from planner.config import Config, config_from_dict
from planner.errors import PlannerError
from planner.fileio import atomic_path
from planner.staffing import staffing_requirements
from planner.timegrid import local_to_utc, period_grid, week_bounds, week_grid, week_label, week_monday

HOME_TIMEZONE = "Europe/Berlin"
CHANNELS = ("phone", "chat", "email", "social")
LANGUAGES = ("en", "de", "es", "fr", "pt", "ru", "uk")
CONCURRENCY = {"phone": 1, "chat": 2, "email": 1, "social": 1}
OCCUPANCY = 0.80
SHRINKAGE = 0.30
TARGET_LOAD = 0.90  # staff-hours the staffing model needs / contract hours, per language
CALIBRATION_WEEKS = 4
CALIBRATION_ROUNDS = 9  # rounds of the search for each language's volume scale (one staffing run each)
TRICKLE_SCALE = 0.02  # smallest volume scale: the floor of a language's queues is measured there
LANGUAGE_HOUR_SHARES = {1: (1.0,), 2: (0.7, 0.3), 3: (0.6, 0.25, 0.15)}

# Mean handle time per channel (s) and a per-language factor (longer in some languages).
AHT_S = {"phone": 300.0, "chat": 600.0, "email": 480.0, "social": 300.0}
AHT_LANGUAGE_FACTOR = {"en": 0.95, "de": 1.10, "es": 1.0, "fr": 1.05, "pt": 1.0, "ru": 1.10, "uk": 1.05}
AHT_CV = {"phone": 0.9, "chat": 0.8, "email": 1.0, "social": 0.9}  # coefficient of variation of one contact

# Share of a language's handling hours per channel.
CHANNEL_MIX = {
    "en": {"phone": 0.40, "chat": 0.32, "email": 0.20, "social": 0.08},
    "uk": {"phone": 0.50, "chat": 0.30, "email": 0.18, "social": 0.02},
}
DEFAULT_CHANNEL_MIX = {"phone": 0.45, "chat": 0.28, "email": 0.22, "social": 0.05}
ANNUAL_GROWTH = {"phone": -0.04, "chat": 0.12, "email": -0.02, "social": 0.15}
YEARLY_AMPLITUDE = 0.08  # +-8 %, peak early December, trough in June
YEARLY_PEAK_DAY = 340

# Markets of each language: (country, IANA zone, share of the language's demand). The first is the main one.
MARKETS = {
    "en": (("US", "America/New_York", 0.40), ("GB", "Europe/London", 0.30),
           ("US", "America/Los_Angeles", 0.15), ("AU", "Australia/Sydney", 0.15)),
    "de": (("DE", "Europe/Berlin", 0.85), ("AT", "Europe/Vienna", 0.15)),
    "es": (("ES", "Europe/Madrid", 0.65), ("MX", "America/Mexico_City", 0.35)),
    "fr": (("FR", "Europe/Paris", 0.85), ("CA", "America/Toronto", 0.15)),
    "pt": (("BR", "America/Sao_Paulo", 0.70), ("PT", "Europe/Lisbon", 0.30)),
    "ru": (("LV", "Europe/Riga", 0.60), ("DE", "Europe/Berlin", 0.40)),
    "uk": (("UA", "Europe/Kyiv", 1.0),),
}

# Fixed-date public holidays per market country (movable feasts such as Easter are left out).
HOLIDAYS = {
    "US": ((1, 1, "New Year's Day"), (7, 4, "Independence Day"),
           (12, 25, "Christmas Day")),
    "GB": ((1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")),
    "AU": ((1, 1, "New Year's Day"), (1, 26, "Australia Day"), (4, 25, "Anzac Day"), (12, 25, "Christmas Day"),
           (12, 26, "Boxing Day")),
    "DE": ((1, 1, "Neujahr"), (5, 1, "Tag der Arbeit"), (10, 3, "Tag der Deutschen Einheit"),
           (12, 25, "1. Weihnachtstag"), (12, 26, "2. Weihnachtstag")),
    "AT": ((1, 1, "Neujahr"), (1, 6, "Heilige Drei Koenige"), (5, 1, "Staatsfeiertag"),
           (8, 15, "Mariae Himmelfahrt"), (10, 26, "Nationalfeiertag"), (11, 1, "Allerheiligen"),
           (12, 8, "Mariae Empfaengnis"), (12, 25, "Christtag"), (12, 26, "Stefanitag")),
    "ES": ((1, 1, "Año Nuevo"), (1, 6, "Epifanía"), (5, 1, "Fiesta del Trabajo"), (8, 15, "Asunción"),
           (10, 12, "Fiesta Nacional"), (11, 1, "Todos los Santos"), (12, 6, "Día de la Constitución"),
           (12, 8, "Inmaculada Concepción"), (12, 25, "Navidad")),
    "MX": ((1, 1, "Año Nuevo"), (9, 16, "Día de la Independencia"), (12, 25, "Navidad")),
    "FR": ((1, 1, "Jour de l'an"), (5, 1, "Fête du Travail"), (5, 8, "Victoire 1945"), (7, 14, "Fête nationale"),
           (8, 15, "Assomption"), (11, 1, "Toussaint"), (11, 11, "Armistice"), (12, 25, "Noël")),
    "CA": ((1, 1, "New Year's Day"), (7, 1, "Canada Day"), (12, 25, "Christmas Day")),
    "PT": ((1, 1, "Ano Novo"), (4, 25, "Dia da Liberdade"), (5, 1, "Dia do Trabalhador"),
           (6, 10, "Dia de Portugal"), (8, 15, "Assunção"), (10, 5, "Implantação da República"),
           (11, 1, "Todos os Santos"), (12, 1, "Restauração da Independência"), (12, 8, "Imaculada Conceição"),
           (12, 25, "Natal")),
    "BR": ((1, 1, "Confraternização Universal"), (4, 21, "Tiradentes"), (5, 1, "Dia do Trabalho"),
           (9, 7, "Independência"), (10, 12, "Nossa Senhora Aparecida"), (11, 2, "Finados"),
           (11, 15, "Proclamação da República"), (11, 20, "Consciência Negra"), (12, 25, "Natal")),
    "UA": ((1, 1, "New Year"), (6, 28, "Constitution Day"), (8, 24, "Independence Day"),
           (12, 25, "Christmas Day")),
    "LV": ((1, 1, "Jaungada diena"), (5, 1, "Darba svētki"), (5, 4, "Neatkarības atjaunošanas diena"),
           (6, 23, "Līgo"), (6, 24, "Jāņi"), (11, 18, "Proklamēšanas diena"), (12, 24, "Ziemassvētku vakars"),
           (12, 25, "Ziemassvētki"), (12, 26, "Otrie Ziemassvētki")),
}
HOLIDAY_FACTOR = {"phone": 0.2, "chat": 0.35, "email": 0.5, "social": 0.7}  # demand left on a market's holiday

# The queues each language offers (channel order of CHANNELS). English runs every channel around
# the clock; the other languages staff a few business-hour desks, because a queue needs at least
# one agent (two heads at 30 % shrinkage) in every hour it is open, however few contacts it gets.
QUEUES = {
    "en": ("phone", "chat", "email", "social"),
    "de": ("phone", "chat", "email", "social"),   # social:de is the tiny queue (a handful a day)
    "es": ("phone", "chat", "email"),
    "fr": ("phone", "email"),
    "pt": ("phone", "email"),
    "ru": ("email",),
    "uk": ("phone", "email"),
}
# Opening hours of non-English queues in their MAIN market's local time, per channel:
# (weekdays, Saturday, Sunday), each (open hour, close hour) or None when closed. Every market of
# the language reaches the queue only then (volume exactly 0 outside). English is open 24/7.
OPEN_HOURS = {
    "phone": ((8, 18), None, None),
    "chat": ((8, 20), (9, 17), None),
    "email": ((8, 18), (9, 13), None),
    "social": ((9, 17), None, None),
}
WEEKDAY_FACTOR = {  # Monday .. Sunday, market local
    "phone": (1.12, 1.04, 1.0, 0.98, 0.92, 0.45, 0.25),
    "chat": (1.05, 1.0, 1.0, 1.0, 0.95, 0.75, 0.65),
    "email": (1.2, 1.05, 1.0, 0.95, 0.9, 0.5, 0.45),
    "social": (1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.15),
}
# Intraday shape per channel: night floor and Gaussian peaks (local hour, width h, height).
INTRADAY = {
    "phone": (0.04, ((10.5, 1.8, 1.0), (14.5, 2.2, 0.85))),
    "chat": (0.06, ((11.0, 2.2, 0.8), (20.0, 2.5, 0.9))),
    "email": (0.12, ((9.5, 2.5, 1.0), (20.0, 2.5, 0.5))),
    "social": (0.10, ((13.0, 3.0, 0.6), (21.0, 2.5, 1.0))),
}
OUTAGE_FACTORS = (3.0, 5.0, 4.5, 3.0)  # phone volume multipliers, hour by hour from 14:00 home time
OUTAGE_WEEKS_BEFORE = 11  # the outage is on the Tuesday of this many weeks before the planning week


@dataclass(frozen=True)
class Site:
    """A place agents work from, with the languages its agents speak (primary first) and their odds."""

    city: str
    timezone: str
    share: float
    languages: tuple[tuple[tuple[str, ...], float], ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


SITES = (
    Site("Berlin", "Europe/Berlin", 0.20,
         ((("de", "en"), .42), (("de",), .14), (("de", "en", "fr"), .10), (("de", "ru"), .08),
          (("en", "de"), .12), (("de", "en", "ru"), .06), (("ru", "de", "en"), .08)),
         ("Anna", "Lukas", "Lea", "Jonas", "Sophie", "Felix", "Marie", "Leon", "Hannah", "Paul", "Emma",
          "Maximilian", "Laura", "Mehmet", "Elif", "Niklas", "Mia", "David", "Ayşe", "Jan"),
         ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
          "Koch", "Richter", "Klein", "Wolf", "Yılmaz", "Kaya", "Nowak", "Schäfer", "Neumann", "Zimmermann")),
    Site("Madrid", "Europe/Madrid", 0.12,
         ((("es", "en"), .38), (("es",), .18), (("es", "fr"), .12), (("es", "en", "fr"), .10),
          (("es", "pt"), .08), (("fr", "es"), .08), (("fr", "en", "es"), .06)),
         ("Lucía", "Hugo", "Martina", "Pablo", "María", "Daniel", "Paula", "Alejandro", "Carmen", "Javier",
          "Sofía", "Diego", "Elena", "Carlos", "Nerea", "Sergio", "Marta", "Adrián", "Aitana", "Iker"),
         ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
          "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro", "Torres",
          "Domínguez")),
    Site("Lisbon", "Europe/Lisbon", 0.10,
         ((("pt", "en"), .32), (("pt",), .14), (("pt", "es"), .14), (("pt", "en", "fr"), .10),
          (("en", "pt"), .14), (("fr", "pt"), .16)),
         ("Beatriz", "João", "Inês", "Tiago", "Mariana", "Rodrigo", "Ana", "Diogo", "Carolina", "Miguel",
          "Leonor", "Francisco", "Rita", "Duarte", "Catarina", "Gonçalo", "Matilde", "Rafael", "Sara", "Afonso"),
         ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa",
          "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto",
          "Carvalho")),
    Site("Kyiv", "Europe/Kyiv", 0.12,
         ((("uk", "ru"), .28), (("uk", "ru", "en"), .18), (("ru", "uk"), .20), (("ru", "uk", "en"), .10),
          (("uk", "en"), .12), (("en", "uk", "ru"), .06), (("uk", "de"), .06)),
         ("Oleksandr", "Olena", "Andrii", "Iryna", "Dmytro", "Nataliia", "Serhii", "Kateryna", "Maksym", "Yuliia",
          "Taras", "Oksana", "Bohdan", "Sofiia", "Yaroslav", "Anastasiia", "Volodymyr", "Daryna", "Artem",
          "Viktoriia"),
         ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Oliinyk", "Melnyk", "Boiko",
          "Koval", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko", "Rudenko", "Savchenko", "Petrenko", "Moroz",
          "Pavlenko", "Kozak", "Hrytsenko")),
    Site("New York", "America/New_York", 0.18,
         ((("en",), .50), (("en", "es"), .28), (("en", "fr"), .10), (("es", "en"), .12)),
         ("James", "Maria", "Michael", "Jennifer", "DeShawn", "Emily", "Carlos", "Ashley", "Kevin", "Priya",
          "Tyler", "Jessica", "Andre", "Megan", "Wei", "Brianna", "Marcus", "Lauren", "Omar", "Rachel"),
         ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
          "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Nguyen", "Patel")),
    Site("Sao Paulo", "America/Sao_Paulo", 0.10,
         ((("pt", "en"), .30), (("pt", "es"), .28), (("pt",), .14), (("pt", "es", "en"), .12), (("es", "pt"), .16)),
         ("Gabriel", "Ana", "Lucas", "Júlia", "Matheus", "Beatriz", "Pedro", "Larissa", "Rafael", "Camila",
          "Gustavo", "Fernanda", "Felipe", "Letícia", "Bruno", "Amanda", "Thiago", "Bianca", "Leonardo", "Vitória"),
         ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
          "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira",
          "Barbosa")),
    Site("Manila", "Asia/Manila", 0.18,
         ((("en",), .88), (("en", "es"), .12)),
         ("Maria", "Jose", "Angelica", "Mark", "Kristine", "John Paul", "Jasmine", "Christian", "Princess",
          "Joshua", "Mary Grace", "Carlo", "Bea", "Miguel", "Patricia", "Rafael", "Jennelyn", "Paolo", "Camille",
          "Rommel"),
         ("Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas", "Andrada",
          "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino", "Navarro", "Salazar",
          "Dela Cruz")),
)

CHANNEL_SETS = ((("phone", "chat"), .24), (("phone", "email"), .12), (("phone", "chat", "email"), .22),
                (("chat", "email", "social"), .12), (("phone", "chat", "email", "social"), .14),
                (("chat", "social"), .08), (("phone", "social"), .08))
# Part-time contracts: (contract_hours, days_per_week, min_hours, max_hours); full time is 40 h in 5 days.
FULL_TIME = (40, 5, 36, 45)
PART_TIME = ((20, 3, 16, 24), (24, 4, 20, 28), (30, 5, 26, 34))
FULL_TIME_SHARE = 0.72
WINDOWS = ((("07:00", "22:00"), .5), (("08:00", "20:00"), .2), (("06:00", "18:00"), .15), (("10:00", "23:00"), .15))
DAYS_OFF = (("sat;sun", .5), ("sun", .2), ("sat", .1), ("mon", .1), ("fri;sat", .1))
NIGHT_SHARE = 0.05  # of the team: night-ok English agents in New York and Manila, no start/end bounds

AGENT_COLUMNS = ["agent_id", "name", "timezone", "languages", "channels", "skills", "contract_hours", "min_hours",
                 "max_hours", "days_per_week", "earliest_start", "latest_end", "days_off", "preferred_start",
                 "team", "night_ok"]
HISTORY_FILE_COLUMNS = ["interval_start", "channel", "language", "volume", "aht_seconds"]
SPECIAL_DAY_COLUMNS = ["date", "queue", "effect", "value", "name"]


# --------------------------------------------------------------------------------------- workspace


def write_demo_workspace(folder: str | Path, *, week: str, agents: int = 100, history_weeks: int = 104,
                         seed: int = 0, overwrite: bool = False) -> list[Path]:
    """Write the example workspace for planning ISO `week` into `folder`; return the paths written.

    Files that exist are kept unless `overwrite`. `agents` is the team size, `history_weeks`
    the number of full weeks of hourly history before `week`, `seed` drives every draw.
    """
    if isinstance(agents, bool) or not isinstance(agents, int) or not 1 <= agents <= 5000:
        raise PlannerError(f"agents: expected a team size between 1 and 5000, got {agents!r}")
    if isinstance(history_weeks, bool) or not isinstance(history_weeks, int) or not 1 <= history_weeks <= 520:
        raise PlannerError(f"history_weeks: expected a number of weeks between 1 and 520, got {history_weeks!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise PlannerError(f"seed: expected a whole number of at least 0, got {seed!r}")
    week_monday(week)  # validates the label
    root = Path(folder)
    team = demo_agents(agents, seed=seed)
    cal = demo_calibration(team, week, history_weeks, seed=seed)
    files = {
        "planner.toml": lambda: demo_config_text(team, seed=seed, open_hours=cal.open_hours),
        "rosters/agents.csv": lambda: _csv(team),
        "rosters/time_off.csv": lambda: _csv(demo_time_off(team, week, seed=seed)),
        "forecasts/history.csv": lambda: _csv(demo_history(team, week, history_weeks, seed=seed, calibration=cal)),
        "forecasts/special_days.csv": lambda: _csv(demo_special_days(team, week, history_weeks)),
        "forecasts/scenarios/campaign.toml": lambda: CAMPAIGN_TOML,
    }
    written = []
    for name, make in files.items():
        path = root / name
        if path.exists() and not overwrite:
            continue
        text = make()
        with atomic_path(path) as tmp:
            tmp.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


CAMPAIGN_TOML = """\
# What-if: the marketing campaign in the planning week sends more customers to chat.
# Compare the plan with this scenario against the base plan.
name = "Chat campaign"
description = "Chat volume +30 % in all languages; everything else as forecast"

[volume]
"chat" = "+30%"
"""


def demo_config_text(team: pd.DataFrame, seed: int = 0,
                     open_hours: dict[tuple[str, str], tuple[int, int] | None] | None = None) -> str:
    """Return planner.toml for the demo team: Berlin home zone, four channels, 30 s solver limit.

    open_hours: (open hour, close hour) in the home zone per queue; each becomes a
    [queues."channel:language"] table (None or missing: open 24/7).
    """
    languages = _team_languages(team)
    tables = "".join(f'\n[queues."{ch}:{lang}"]\nopen_hours = "{hours[0]:02d}:00-{hours[1]:02d}:00"\n'
                     for (ch, lang), hours in (open_hours or {}).items() if hours is not None)
    if tables:
        tables = ("\n# Opening hours (home time zone) of the queues that are not open around the clock;\n"
                  "# outside them the history has no contacts and nobody is planned." + tables)
    countries = sorted({c for lang in languages for c, _, _ in MARKETS[lang]})
    quoted = ", ".join(f'"{x}"' for x in languages)
    return f"""\
# Example workspace written by `planner demo` (deterministic, seed {seed}).
# A follow-the-sun support team in 7 cities; demand follows the markets' local clocks.

[team]
name = "Follow-the-sun Support"
home_timezone = "{HOME_TIMEZONE}"
interval_minutes = 60
languages = [{quoted}]
countries = [{", ".join(f'"{c}"' for c in countries)}]   # markets whose public holidays shape demand

[channels.phone]
model = "erlang_c"
sla = "80/20"             # 80 % answered within 20 s
max_occupancy = 0.85
priority = 3

[channels.chat]
model = "erlang_c"
concurrency = 2           # chats an agent handles at once
sla = "80/60"
max_occupancy = 0.85
priority = 2

[channels.email]
model = "deferred"
sla = "90/4h"             # 90 % answered within 4 hours
max_occupancy = 0.95
priority = 2             # a growing backlog collapses its service level: weigh it like chat

[channels.social]
model = "deferred"
sla = "90/2h"
max_occupancy = 0.95
priority = 1

{tables}
[staffing]
shrinkage = {SHRINKAGE:.2f}

[history]
file = "forecasts/history.csv"

[forecast]
method = "auto"
special_days = "forecasts/special_days.csv"

[rules]
shift_hours = [6, 8, 9]   # paid length including the break
break_minutes = 60
start_step_minutes = 60
min_rest_hours = 11
max_consecutive_days = 6
days_off_together = true

[solver]
time_limit_seconds = 30
seed = 0
workers = 2
"""


# --------------------------------------------------------------------------------------- the team


def _pick(rng: np.random.Generator, options: tuple) -> object:
    """Draw one value from ((value, probability), ...)."""
    p = np.array([w for _, w in options], dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))][0]


def _site_counts(agents: int) -> list[int]:
    """Split `agents` over SITES by share (largest remainder, ties to the earlier site)."""
    raw = np.array([s.share for s in SITES]) * agents / sum(s.share for s in SITES)
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: agents - counts.sum()]] += 1
    return counts.tolist()


def demo_agents(agents: int = 100, seed: int = 0) -> pd.DataFrame:
    """Return the demo team as the rows of rosters/agents.csv (columns AGENT_COLUMNS)."""
    rng = np.random.default_rng([seed, 1])
    rows, used_names = [], set()
    counts = _site_counts(agents)
    night_left = {"New York": 0, "Manila": 0}
    n_night = max(1, round(NIGHT_SHARE * agents)) if agents >= 10 else 0
    for i in range(n_night):
        night_left["Manila" if i % 2 == 0 else "New York"] += 1
    for site, count in zip(SITES, counts):
        for _ in range(count):
            while True:
                name = f"{rng.choice(site.first_names)} {rng.choice(site.last_names)}"
                if name not in used_names:
                    break
            used_names.add(name)
            langs = _pick(rng, site.languages)
            channels = _pick(rng, CHANNEL_SETS)
            contract = FULL_TIME if rng.random() < FULL_TIME_SHARE else PART_TIME[int(rng.integers(len(PART_TIME)))]
            night = night_left.get(site.city, 0) > 0 and "en" in langs and contract is FULL_TIME
            if night:
                night_left[site.city] -= 1
                start, end = "", ""
            else:
                start, end = _pick(rng, WINDOWS)
            days_off = _pick(rng, DAYS_OFF) if rng.random() < 0.12 else ""
            preferred = ""
            if not night and rng.random() < 0.3:
                first, last = int(start[:2]), int(end[:2]) - 8
                preferred = f"{int(rng.integers(first, max(first, last) + 1)):02d}:00"
            rows.append({
                "agent_id": "", "name": name, "timezone": site.timezone,
                "languages": ";".join(langs), "channels": ";".join(channels),
                "contract_hours": contract[0], "min_hours": contract[2], "max_hours": contract[3],
                "days_per_week": contract[1], "earliest_start": start, "latest_end": end,
                "days_off": days_off, "preferred_start": preferred, "team": site.city,
                "night_ok": "true" if night else "false",
            })
    for k, row in enumerate(rows, start=1):
        row["agent_id"] = f"A{k:03d}" if agents < 1000 else f"A{k:04d}"
    _cover_every_queue(rows)
    for r in rows:  # the queues of channels x languages that exist (QUEUES)
        langs, chans = r["languages"].split(";"), r["channels"].split(";")
        r["skills"] = ";".join(f"{ch}:{lang}" for lang in langs for ch in chans if ch in QUEUES[lang])
    return pd.DataFrame(rows, columns=AGENT_COLUMNS)


def _cover_every_queue(rows: list[dict]) -> None:
    """Keep each agent's channels that some of the agent's languages offer (QUEUES), else the
    primary language's first one; then give a channel to a speaker of each queue nobody serves yet."""
    for r in rows:
        offered = {ch for lang in r["languages"].split(";") for ch in QUEUES[lang]}
        kept = [ch for ch in r["channels"].split(";") if ch in offered]
        r["channels"] = ";".join(kept) if kept else QUEUES[r["languages"].split(";")[0]][0]
    for lang in LANGUAGES:
        speakers = [r for r in rows if lang in r["languages"].split(";")]
        for ch in QUEUES[lang]:
            if speakers and not any(ch in r["channels"].split(";") for r in speakers):
                r = min(speakers, key=lambda r: len(r["channels"].split(";")))
                have = r["channels"].split(";") + [ch]
                r["channels"] = ";".join(c for c in CHANNELS if c in have)


def _team_languages(team: pd.DataFrame) -> list[str]:
    spoken = {x for langs in team["languages"] for x in langs.split(";")}
    return [lang for lang in LANGUAGES if lang in spoken]


def language_hours(team: pd.DataFrame) -> dict[str, float]:
    """Return the weekly contract hours the team gives each language (shared by LANGUAGE_HOUR_SHARES)."""
    hours = {lang: 0.0 for lang in _team_languages(team)}
    for langs, h in zip(team["languages"], team["contract_hours"]):
        parts = langs.split(";")
        for lang, share in zip(parts, LANGUAGE_HOUR_SHARES[len(parts)]):
            hours[lang] += share * float(h)
    return hours


def demo_time_off(team: pd.DataFrame, week: str, seed: int = 0) -> pd.DataFrame:
    """Return approved leave inside `week` (local dates, end inclusive) for about 6 % of the team."""
    rng = np.random.default_rng([seed, 2])
    monday = week_monday(week)
    n = max(1, round(0.06 * len(team))) if len(team) >= 5 else 0
    chosen = np.sort(rng.choice(len(team), size=n, replace=False)) if n else []
    rows = []
    for k, i in enumerate(chosen):
        kind = ("vacation", "sick", "training", "vacation", "parental leave")[k % 5]
        first = int(rng.integers(0, 5))
        days = {"vacation": int(rng.integers(2, 6)), "sick": 1, "training": 1, "parental leave": 7}[kind]
        if kind == "parental leave":
            first = 0
        last = min(6, first + days - 1)
        rows.append({"agent_id": team["agent_id"].iloc[i], "start": (monday + timedelta(days=first)).isoformat(),
                     "end": (monday + timedelta(days=last)).isoformat(), "reason": kind})
    return pd.DataFrame(rows, columns=["agent_id", "start", "end", "reason"])


# --------------------------------------------------------------------------------------- demand


def demo_queues(languages: list[str]) -> list[tuple[str, str]]:
    """Return the (channel, language) queues the demo offers for `languages`, channel-major."""
    return [(ch, lang) for ch in CHANNELS for lang in languages if ch in QUEUES[lang]]


def _history_grid(week: str, history_weeks: int) -> pd.DatetimeIndex:
    first = week_monday(week) - timedelta(days=7 * history_weeks)
    iso = first.isocalendar()
    return period_grid(week_label(iso.year, iso.week), history_weeks, HOME_TIMEZONE)


def _intraday(channel: str) -> np.ndarray:
    floor, peaks = INTRADAY[channel]
    h = np.arange(24) + 0.5
    return floor + sum(a * np.exp(-0.5 * ((h - mu) / sd) ** 2) for mu, sd, a in peaks)


def _open_table(channel: str) -> np.ndarray:
    """Return a 7 x 24 table of 1 (open) / 0 (closed) by local weekday and hour."""
    table = np.zeros((7, 24))
    weekday, saturday, sunday = OPEN_HOURS[channel]
    for days, hours in ((range(5), weekday), ((5,), saturday), ((6,), sunday)):
        if hours:
            for d in days:
                table[d, hours[0]:hours[1]] = 1.0
    return table


def _holiday_table(country: str) -> np.ndarray:
    table = np.zeros((13, 32), dtype=bool)
    for month, day, _ in HOLIDAYS[country]:
        table[month, day] = True
    return table


def _queue_shapes(languages: list[str], grid: pd.DatetimeIndex) -> dict[tuple[str, str], np.ndarray]:
    """Return the relative arrival rate of each demo queue on `grid` (0 where the queue is closed).

    A non-English queue is open by its main market's clock (OPEN_HOURS); every market's demand
    follows its own local clock but reaches the queue only while it is open.
    """
    local = {}
    for lang in languages:
        for country, tz, _ in MARKETS[lang]:
            if (country, tz) not in local:
                lt = grid.tz_convert(tz)
                hol = _holiday_table(country)[lt.month.values, lt.day.values]
                local[(country, tz)] = (lt.hour.values, lt.day_of_week.values, hol)
    years = (grid - grid[-1]).total_seconds().values / (365.25 * 86400)
    doy = grid.day_of_year.values
    yearly = 1 + YEARLY_AMPLITUDE * np.cos(2 * np.pi * (doy - YEARLY_PEAK_DAY) / 365.25)
    shapes = {}
    for ch, lang in demo_queues(languages):
        day, weekday = _intraday(ch), np.array(WEEKDAY_FACTOR[ch])
        trend = (1 + ANNUAL_GROWTH[ch]) ** years * yearly
        shape = np.zeros(len(grid))
        closed = np.zeros(len(grid), dtype=bool)
        for k, (country, tz, share) in enumerate(MARKETS[lang]):
            hour, wd, hol = local[(country, tz)]
            part = day[hour] * weekday[wd]
            part = np.where(hol, part * HOLIDAY_FACTOR[ch], part)
            shape += share * part
            if lang != "en" and k == 0:
                closed |= _open_table(ch)[wd, hour] == 0
                if ch in ("phone", "chat"):
                    closed |= hol
        shapes[(ch, lang)] = np.where(closed, 0.0, shape * trend)
    return shapes


def _berlin_window(starts: pd.DatetimeIndex, busy: np.ndarray) -> tuple[int, int] | None:
    """Return the (open, close) home-zone hours covering every busy interval, or None for 24/7.

    None when the busy hours fill the whole day or wrap around midnight.
    """
    hours = np.unique(starts[busy].tz_convert(HOME_TIMEZONE).hour.values)
    if len(hours) == 0 or len(hours) == 24:
        return None
    closed = sorted(set(range(24)) - set(hours.tolist()))
    gaps = [h for h in closed if (h - 1) % 24 not in closed]  # first hour of each closed run
    if len(gaps) != 1:  # several closed runs: the busy hours are not one window
        first, last = int(hours.min()), int(hours.max()) + 1
    else:
        start = gaps[0]
        run_end = start
        while (run_end + 1) % 24 in closed:
            run_end += 1
        first, last = (run_end + 1) % 24, start if start > 0 else 24
    return (first, last) if first < last else None


def demo_open_hours(team: pd.DataFrame, week: str, history_weeks: int = 104
                    ) -> dict[tuple[str, str], tuple[int, int] | None]:
    """Return each demo queue's opening hours in the home zone as (open hour, close hour), None = 24/7.

    The window covers every hour the queue has demand in the history and in `week`; a queue
    whose hours cross home-zone midnight (e.g. a market in the Americas) stays 24/7.
    """
    grid = _history_grid(week, history_weeks).append(week_grid(week, HOME_TIMEZONE))
    shapes = _queue_shapes(_team_languages(team), grid)
    return {q: _berlin_window(grid, shape > 0) for q, shape in shapes.items()}


def _outage_hours(week: str, history_weeks: int) -> list[pd.Timestamp]:
    """Return the UTC hours of the outage: Tuesday 14:00 home time, OUTAGE_WEEKS_BEFORE weeks back."""
    back = OUTAGE_WEEKS_BEFORE if history_weeks >= OUTAGE_WEEKS_BEFORE + 3 else max(1, (history_weeks + 1) // 2)
    day = week_monday(week) - timedelta(days=7 * back) + timedelta(days=1)
    return [local_to_utc(day, 60 * (14 + k), HOME_TIMEZONE) for k in range(len(OUTAGE_FACTORS))]


# --------------------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Calibration:
    """Demand per queue scaled so the staffing model asks for TARGET_LOAD of the paid hours.

    weekly_volume: expected contacts in a typical (calibration) week per queue; aht_s: mean
    handle time (s); scale: factor on each language's first-guess volume; staff_hours: sum of
    staff_needed x interval hours per language for the typical week of the written history;
    paid_hours: contract hours per language; open_hours: as demo_open_hours.
    """

    weekly_volume: dict[tuple[str, str], float]
    aht_s: dict[tuple[str, str], float]
    scale: dict[str, float]
    staff_hours: dict[str, float]
    paid_hours: dict[str, float]
    open_hours: dict[tuple[str, str], tuple[int, int] | None]


@dataclass(frozen=True)
class _Demand:
    """Everything the history draw needs: unit rates (1 contact per calibration week), noise, AHT."""

    queues: list[tuple[str, str]]
    grid: pd.DatetimeIndex
    unit: np.ndarray  # time x queue, expected contacts for 1 contact per typical week (outage included)
    first: np.ndarray  # first-guess weekly contacts per queue
    aht_s: np.ndarray  # per queue
    uniform: np.ndarray  # time x queue, drives the Poisson counts
    normal: np.ndarray  # time x queue, drives the mean handle times
    in_cal: np.ndarray  # time mask of the calibration weeks
    n_cal: int


def _demand(team: pd.DataFrame, week: str, history_weeks: int, seed: int) -> _Demand:
    languages = _team_languages(team)
    queues = demo_queues(languages)
    grid = _history_grid(week, history_weeks)
    shapes = _queue_shapes(languages, grid)
    n_cal = min(CALIBRATION_WEEKS, history_weeks)
    in_cal = np.asarray(grid >= week_bounds(week, HOME_TIMEZONE)[0] - pd.Timedelta(days=7 * n_cal))
    outage = np.isin(grid, pd.DatetimeIndex(_outage_hours(week, history_weeks)))
    outage_factor = np.ones(len(grid))
    outage_factor[outage] = OUTAGE_FACTORS[: int(outage.sum())]
    paid = language_hours(team)
    aht = np.array([AHT_S[ch] * AHT_LANGUAGE_FACTOR[lang] for ch, lang in queues])
    unit = np.zeros((len(grid), len(queues)))
    first = np.zeros(len(queues))
    for q, (ch, lang) in enumerate(queues):
        shape = shapes[(ch, lang)]
        unit[:, q] = shape * (n_cal / max(shape[in_cal].sum(), 1e-12)) * (outage_factor if ch == "phone" else 1.0)
        mix = CHANNEL_MIX.get(lang, DEFAULT_CHANNEL_MIX)
        work_h = TARGET_LOAD * paid[lang] * OCCUPANCY * (1 - SHRINKAGE) * mix[ch] / sum(mix[c] for c in QUEUES[lang])
        first[q] = work_h * 3600 * CONCURRENCY[ch] / aht[q]
    rng = np.random.default_rng([seed, 3])
    uniform = rng.random((len(grid), len(queues)))
    normal = rng.standard_normal((len(grid), len(queues)))
    return _Demand(queues, grid, unit, first, aht, uniform, normal, in_cal, n_cal)


def _poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Return the Poisson(lam) count at cumulative probability u (inverse CDF; rises with lam)."""
    lam = np.minimum(lam, 600.0)  # exp(-lam) stays a normal float
    k = np.zeros(u.shape, dtype=np.int64)
    p = np.exp(-lam)
    cdf = p.copy()
    active = np.nonzero(u > cdf)
    n = 0
    while active[0].size:
        n += 1
        p[active] *= lam[active] / n
        cdf[active] += p[active]
        k[active] = n
        keep = u[active] > cdf[active]
        active = tuple(a[keep] for a in active)
    return k


def _draw(d: _Demand, factor: np.ndarray, rows: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
    """Return (counts, mean handle times s; NaN without contacts) for grid `rows` at weekly volumes `factor`.

    Counts are Poisson; a mean handle time is lognormal around aht_s with the coefficient of
    variation of one contact (AHT_CV) over sqrt(count), rounded to 0.1 s.
    """
    volume = _poisson_quantile(d.uniform[rows], d.unit[rows] * factor)
    cv2 = np.array([AHT_CV[ch] ** 2 for ch, _ in d.queues])
    sigma2 = np.log1p(cv2 / np.maximum(volume, 1))
    handle = d.aht_s * np.exp(np.sqrt(sigma2) * d.normal[rows] - sigma2 / 2)
    return volume, np.where(volume > 0, np.round(handle, 1), np.nan)


def _typical_week(volume: np.ndarray, handle: np.ndarray, starts: pd.DatetimeIndex, week: str, weeks: int
                  ) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Average `weeks` weeks of counts (time x queue) by home-zone hour of week onto `week`'s grid.

    Returns the week's grid, the mean volume and the volume-weighted mean handle time (s).
    """
    target = week_grid(week, HOME_TIMEZONE)
    local = starts.tz_convert(HOME_TIMEZONE)
    key = local.day_of_week.values * 24 + local.hour.values
    work = volume * np.nan_to_num(handle)
    vol = np.stack([np.bincount(key, weights=volume[:, q], minlength=168) for q in range(volume.shape[1])]) / weeks
    wrk = np.stack([np.bincount(key, weights=work[:, q], minlength=168) for q in range(volume.shape[1])]) / weeks
    aht = np.where(vol > 0, wrk / np.where(vol > 0, vol, 1.0), 300.0)
    t_local = target.tz_convert(HOME_TIMEZONE)
    cols = t_local.day_of_week.values * 24 + t_local.hour.values
    return target, vol[:, cols], aht[:, cols]


def _staff_hours(starts: pd.DatetimeIndex, volume: np.ndarray, aht: np.ndarray, queues: list[tuple[str, str]],
                 config: Config) -> dict[str, float]:
    """Return staff-hours needed per language for one week (volume, aht: queue x `starts`).

    Each queue is staffed with its own opening hours (config.open_hours_for) as its channel's.
    """
    frame = pd.DataFrame({
        C.INTERVAL_START: np.tile(starts, len(queues)),
        C.CHANNEL: np.repeat([ch for ch, _ in queues], len(starts)),
        C.LANGUAGE: np.repeat([lang for _, lang in queues], len(starts)),
        C.VOLUME: volume.ravel(),
        C.AHT_S: aht.ravel(),
    })
    hours: dict[str, float] = {}
    interval_h = config.team.interval_minutes / 60
    windows = {q: config.open_hours_for(*q) for q in queues}
    keys = list(zip(frame[C.CHANNEL], frame[C.LANGUAGE]))
    for window in dict.fromkeys(windows.values()):
        rows = np.array([windows[k] == window for k in keys])
        channels = {name: replace(ch, open_hours=window) for name, ch in config.channels.items()}
        req = staffing_requirements(frame[rows].reset_index(drop=True), replace(config, channels=channels))
        for lang, staff in req.groupby(C.LANGUAGE, sort=False)["staff_needed"]:
            hours[lang] = hours.get(lang, 0.0) + float(staff.sum()) * interval_h
    return hours


def demo_calibration(team: pd.DataFrame, week: str, history_weeks: int = 104, seed: int = 0) -> Calibration:
    """Scale each language's demand so its staff-hours needed are TARGET_LOAD of its paid hours.

    The first guess sets each language's handling workload, sum(volume x aht_s / 3600 /
    concurrency) / OCCUPANCY / (1 - SHRINKAGE), to TARGET_LOAD of its contract hours. Then the
    real staffing model (planner.staffing.staffing_requirements with the demo planner.toml and
    each queue's opening hours) runs on a typical week: the mean per home-zone hour of week of
    the last CALIBRATION_WEEKS weeks of the history as it will be written (Poisson counts and
    handle times from fixed random numbers, so counts rise with the scale). Each language's
    scale is searched (fixed point above the trickle floor, then regula falsi in the bracket)
    for CALIBRATION_ROUNDS rounds and the closest one kept. A language whose queues need more
    than its target even for a trickle of contacts keeps the trickle (its team is too small).
    """
    d = _demand(team, week, history_weeks, seed)
    languages = _team_languages(team)
    open_hours = demo_open_hours(team, week, history_weeks)
    config = config_from_dict(tomllib.loads(demo_config_text(team, seed, open_hours)))
    paid = language_hours(team)
    lang_of = [lang for _, lang in d.queues]
    cal_rows = np.nonzero(d.in_cal)[0]

    def needed(scale: dict[str, float]) -> dict[str, float]:
        volume, handle = _draw(d, d.first * np.array([scale[lang] for lang in lang_of]), cal_rows)
        starts, vol, aht = _typical_week(volume, handle, d.grid[cal_rows], week, d.n_cal)
        got = _staff_hours(starts, vol, aht, d.queues, config)
        return {lang: got.get(lang, 0.0) for lang in languages}

    floor = needed({lang: TRICKLE_SCALE for lang in languages})
    target = {lang: TARGET_LOAD * paid[lang] for lang in languages}
    scale = {lang: 1.0 for lang in languages}
    best = {lang: (abs(floor[lang] - target[lang]), TRICKLE_SCALE, floor[lang]) for lang in languages}
    low = {lang: (TRICKLE_SCALE, floor[lang]) for lang in languages}  # (scale, staff-hours) <= target
    high: dict[str, tuple[float, float]] = {}  # (scale, staff-hours) > target
    for _ in range(CALIBRATION_ROUNDS):
        got = needed(scale)
        for lang in languages:
            best[lang] = min(best[lang], (abs(got[lang] - target[lang]), scale[lang], got[lang]))
            if target[lang] <= floor[lang]:
                scale[lang] = TRICKLE_SCALE
                continue
            if got[lang] <= target[lang]:
                low[lang] = max(low[lang], (scale[lang], got[lang]))
            else:
                high[lang] = min(high.get(lang, (np.inf, 0.0)), (scale[lang], got[lang]))
            (s0, n0), (s1, n1) = low[lang], high.get(lang, (np.inf, np.inf))
            if np.isinf(s1):  # no upper bracket yet: fixed point on the part above the floor
                step = (target[lang] - floor[lang]) / max(got[lang] - floor[lang], 1e-9)
                scale[lang] = max(s0 * 1.05, scale[lang] * min(step, 10.0))
            else:  # regula falsi inside the bracket, kept off its ends
                t = min(max((target[lang] - n0) / max(n1 - n0, 1e-9), 0.1), 0.9)
                scale[lang] = s0 + t * (s1 - s0)
    scale = {lang: best[lang][1] for lang in languages}
    factor = d.first * np.array([scale[lang] for lang in lang_of])
    return Calibration(
        weekly_volume={q: float(f) for q, f in zip(d.queues, factor)},
        aht_s={q: float(a) for q, a in zip(d.queues, d.aht_s)},
        scale=scale, staff_hours={lang: best[lang][2] for lang in languages}, paid_hours=paid,
        open_hours=open_hours)


def demo_history(team: pd.DataFrame, week: str, history_weeks: int = 104, seed: int = 0,
                 calibration: Calibration | None = None) -> pd.DataFrame:
    """Return hourly interval counts (columns HISTORY_FILE_COLUMNS) for the weeks before `week`.

    Every queue-hour is listed, closed ones with volume 0 (so a loader sees no gaps);
    aht_seconds is empty where the volume is 0. Volumes follow `calibration`
    (demo_calibration when not given).
    """
    cal = calibration or demo_calibration(team, week, history_weeks, seed)
    d = _demand(team, week, history_weeks, seed)
    volume, handle = _draw(d, np.array([cal.weekly_volume[q] for q in d.queues]), slice(None))
    t_idx, q_idx = np.nonzero(np.ones_like(volume, dtype=bool))  # time-major: by interval, then queue
    stamps = np.asarray(d.grid.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return pd.DataFrame({
        "interval_start": stamps[t_idx],
        "channel": np.array([ch for ch, _ in d.queues])[q_idx],
        "language": np.array([lang for _, lang in d.queues])[q_idx],
        "volume": volume[t_idx, q_idx],
        "aht_seconds": handle[t_idx, q_idx],
    })


def demo_special_days(team: pd.DataFrame, week: str, history_weeks: int = 104) -> pd.DataFrame:
    """Return the known special days from the history start to 4 weeks after `week`.

    Holidays (date = the market's local date): "closed" for phone and chat of a non-English
    language on its main market's holidays, else a "multiplier" (demand left, 0-1) where the
    markets on holiday take at least 5 % off; the outage day is "exclude" for every phone queue.
    """
    languages = _team_languages(team)
    first = week_monday(week) - timedelta(days=7 * history_weeks)
    last = week_monday(week) + timedelta(days=7 + 28)
    rows = []
    for year in range(first.year, last.year + 1):
        for lang in languages:
            by_date: dict[date, dict[str, tuple[bool, float, str]]] = {}  # date -> country -> (main, share, name)
            for k, (country, _, share) in enumerate(MARKETS[lang]):
                for month, day, name in HOLIDAYS[country]:
                    d = date(year, month, day)
                    if first <= d < last:
                        main, total, _ = by_date.setdefault(d, {}).get(country, (False, 0.0, name))
                        by_date[d][country] = (main or k == 0, total + share, name)
            for d in sorted(by_date):
                markets = by_date[d]
                names = "; ".join(f"{c}: {n}" for c, (_, _, n) in markets.items())
                for ch in QUEUES[lang]:
                    queue = f"{ch}:{lang}"
                    if lang != "en" and ch in ("phone", "chat") and any(m for m, _, _ in markets.values()):
                        rows.append((d.isoformat(), queue, "closed", np.nan, names))
                        continue
                    value = 1 - sum(s for _, s, _ in markets.values()) * (1 - HOLIDAY_FACTOR[ch])
                    if value <= 0.95:
                        rows.append((d.isoformat(), queue, "multiplier", round(value, 2), names))
    outage = _outage_hours(week, history_weeks)[0].tz_convert(HOME_TIMEZONE).date()
    if first <= outage:
        for lang in (lang for lang in languages if "phone" in QUEUES[lang]):
            rows.append((outage.isoformat(), f"phone:{lang}", "exclude", np.nan,
                         "Outage: phone volume 3-5x for 4 hours from 14:00 Berlin time"))
    frame = pd.DataFrame(rows, columns=SPECIAL_DAY_COLUMNS)
    return frame.sort_values(["date", "queue"], kind="stable").reset_index(drop=True)
