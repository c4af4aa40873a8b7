"""The deterministic example workspace: a follow-the-sun support team and its contact history.

`write_demo_workspace` writes planner.toml, rosters/agents.csv, rosters/time_off.csv,
forecasts/history.csv, forecasts/special_days.csv and forecasts/scenarios/campaign.toml.
Everything comes from seeded numpy Generators: the same arguments write byte-identical files.

The team works from seven sites on three continents (Berlin, Madrid, Lisbon, Kyiv, New York,
Sao Paulo, Manila) and serves 7 languages on 4 channels. Demand of each language follows the
local clocks of its markets (`MARKETS`): German peaks in Berlin business hours, English runs
around the clock with US, UK and Australian peaks, Portuguese follows Sao Paulo and Lisbon.
Non-English queues open only in business hours (`OPEN_HOURS`, market local time); outside
them the volume is exactly 0 (written as 0 with an empty handle time).

History: hourly UTC interval counts over the `history_weeks` full planning weeks (cut in the
home zone Europe/Berlin) before `week`, with intraday, weekly and yearly seasonality, a mild
trend per channel, fixed-date public holidays per market (`HOLIDAYS`; a non-English language
closes phone and chat on its main market's holidays, other markets' holidays damp their share),
one outage (4 hours of 3-5x phone volume, `OUTAGE_FACTORS`), Poisson volumes and Gamma-noisy
handle times.

Calibration: over the last `CALIBRATION_WEEKS` weeks of history the handling workload of each
language, sum(volume * aht_s / 3600 / concurrency) / OCCUPANCY / (1 - SHRINKAGE), equals
TARGET_LOAD times the contract hours the team gives that language. An agent's contract hours
are shared among the agent's languages in listed order by `LANGUAGE_HOUR_SHARES`
(one language: all; two: 70/30; three: 60/25/15), so the team as a whole is loaded at
TARGET_LOAD too (before Poisson and handle-time noise).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import PlannerError
from planner.fileio import atomic_path
from planner.timegrid import local_to_utc, period_grid, week_bounds, week_label, week_monday

HOME_TIMEZONE = "Europe/Berlin"
CHANNELS = ("phone", "chat", "email", "social")
LANGUAGES = ("en", "de", "es", "fr", "pt", "ru", "uk")
CONCURRENCY = {"phone": 1, "chat": 2, "email": 1, "social": 1}
OCCUPANCY = 0.80
SHRINKAGE = 0.30
TARGET_LOAD = 0.87
CALIBRATION_WEEKS = 4
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

# Opening hours in market local time per channel for non-English queues: (weekdays, Saturday, Sunday),
# each (open hour, close hour) or None when closed. English queues are open 24/7.
OPEN_HOURS = {
    "phone": ((8, 20), (9, 17), None),
    "chat": ((8, 22), (9, 20), (10, 18)),
    "email": ((7, 23), (7, 23), (7, 23)),
    "social": ((7, 23), (7, 23), (7, 23)),
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

AGENT_COLUMNS = ["agent_id", "name", "timezone", "languages", "channels", "contract_hours", "min_hours",
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
    files = {
        "planner.toml": lambda: demo_config_text(team, seed=seed),
        "rosters/agents.csv": lambda: _csv(team),
        "rosters/time_off.csv": lambda: _csv(demo_time_off(team, week, seed=seed)),
        "forecasts/history.csv": lambda: _csv(demo_history(team, week, history_weeks, seed=seed)),
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


def demo_config_text(team: pd.DataFrame, seed: int = 0) -> str:
    """Return planner.toml for the demo team: Berlin home zone, four channels, 30 s solver limit."""
    languages = _team_languages(team)
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
priority = 1

[channels.social]
model = "deferred"
sla = "90/2h"
max_occupancy = 0.95
priority = 1

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
    return pd.DataFrame(rows, columns=AGENT_COLUMNS)


def _cover_every_queue(rows: list[dict]) -> None:
    """Give a channel to a speaker of each language that no speaker serves on it yet."""
    for lang in LANGUAGES:
        speakers = [r for r in rows if lang in r["languages"].split(";")]
        for ch in CHANNELS:
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
    """Return the relative arrival rate of each queue on `grid` (0 where the queue is closed)."""
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
    for ch in CHANNELS:
        day, weekday, open_ = _intraday(ch), np.array(WEEKDAY_FACTOR[ch]), _open_table(ch)
        trend = (1 + ANNUAL_GROWTH[ch]) ** years * yearly
        for lang in languages:
            shape = np.zeros(len(grid))
            closed = np.zeros(len(grid), dtype=bool)
            for k, (country, tz, share) in enumerate(MARKETS[lang]):
                hour, wd, hol = local[(country, tz)]
                part = day[hour] * weekday[wd]
                if lang != "en":
                    part = part * open_[wd, hour]
                    if k == 0 and ch in ("phone", "chat"):
                        closed |= hol
                part = np.where(hol, part * HOLIDAY_FACTOR[ch], part)
                shape += share * part
            shapes[(ch, lang)] = np.where(closed, 0.0, shape * trend)
    return shapes


def _outage_hours(week: str, history_weeks: int) -> list[pd.Timestamp]:
    """Return the UTC hours of the outage: Tuesday 14:00 home time, OUTAGE_WEEKS_BEFORE weeks back."""
    back = OUTAGE_WEEKS_BEFORE if history_weeks >= OUTAGE_WEEKS_BEFORE + 3 else max(1, (history_weeks + 1) // 2)
    day = week_monday(week) - timedelta(days=7 * back) + timedelta(days=1)
    return [local_to_utc(day, 60 * (14 + k), HOME_TIMEZONE) for k in range(len(OUTAGE_FACTORS))]


def demo_history(team: pd.DataFrame, week: str, history_weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    """Return hourly interval counts (columns HISTORY_FILE_COLUMNS) for the weeks before `week`.

    Every queue-hour is listed, closed ones with volume 0 (so a loader sees no gaps);
    aht_seconds is empty where the volume is 0.
    """
    rng = np.random.default_rng([seed, 3])
    languages = _team_languages(team)
    grid = _history_grid(week, history_weeks)
    shapes = _queue_shapes(languages, grid)
    cal_start = week_bounds(week, HOME_TIMEZONE)[0] - pd.Timedelta(days=7 * min(CALIBRATION_WEEKS, history_weeks))
    in_cal = np.asarray(grid >= cal_start)
    n_cal = min(CALIBRATION_WEEKS, history_weeks)
    hours = language_hours(team)
    outage = np.isin(grid, pd.DatetimeIndex(_outage_hours(week, history_weeks)))
    outage_factor = np.ones(len(grid))
    outage_factor[outage] = OUTAGE_FACTORS[: int(outage.sum())]
    queues = [(ch, lang) for ch in CHANNELS for lang in languages]
    rate = np.zeros((len(queues), len(grid)))
    aht = np.zeros(len(queues))
    for q, (ch, lang) in enumerate(queues):
        aht[q] = AHT_S[ch] * AHT_LANGUAGE_FACTOR[lang]
        mix = CHANNEL_MIX.get(lang, DEFAULT_CHANNEL_MIX)[ch]
        work_h = TARGET_LOAD * hours[lang] * OCCUPANCY * (1 - SHRINKAGE) * mix * n_cal
        volume = work_h * 3600 * CONCURRENCY[ch] / aht[q]
        shape = shapes[(ch, lang)]
        rate[q] = shape * (volume / shape[in_cal].sum())
        if ch == "phone":
            rate[q] *= outage_factor
    volume = rng.poisson(rate.T)  # time-major: rows sorted by interval, then queue
    cv2 = np.array([AHT_CV[ch] ** 2 for ch, _ in queues])
    served = volume > 0
    shape_k = np.where(served, volume / cv2, 1.0)
    handle = rng.gamma(shape_k, aht * cv2 / np.maximum(volume, 1))
    handle = np.where(served, np.round(handle, 1), np.nan)
    t_idx, q_idx = np.nonzero(np.ones_like(volume, dtype=bool))
    stamps = np.asarray(grid.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return pd.DataFrame({
        "interval_start": stamps[t_idx],
        "channel": np.array([ch for ch, _ in queues])[q_idx],
        "language": np.array([lang for _, lang in queues])[q_idx],
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
                for ch in CHANNELS:
                    queue = f"{ch}:{lang}"
                    if lang != "en" and ch in ("phone", "chat") and any(m for m, _, _ in markets.values()):
                        rows.append((d.isoformat(), queue, "closed", np.nan, names))
                        continue
                    value = 1 - sum(s for _, s, _ in markets.values()) * (1 - HOLIDAY_FACTOR[ch])
                    if value <= 0.95:
                        rows.append((d.isoformat(), queue, "multiplier", round(value, 2), names))
    outage = _outage_hours(week, history_weeks)[0].tz_convert(HOME_TIMEZONE).date()
    if first <= outage:
        for lang in languages:
            rows.append((outage.isoformat(), f"phone:{lang}", "exclude", np.nan,
                         "Outage: phone volume 3-5x for 4 hours from 14:00 Berlin time"))
    frame = pd.DataFrame(rows, columns=SPECIAL_DAY_COLUMNS)
    return frame.sort_values(["date", "queue"], kind="stable").reset_index(drop=True)
