"""The Curtois & Qu shift scheduling benchmark: instance reader, penalty, direct CP-SAT model.

The instances (schedulingbenchmarks.org, "Shift Scheduling Benchmark Data", instances
1-24) are plain text with sections HORIZON, SHIFTS, STAFF, DAYS_OFF, SHIFT_ON_REQUESTS,
SHIFT_OFF_REQUESTS and COVER. Day 0 is a Monday; a weekend is days 5 and 6 of a week.

Hard rules (a roster breaking one is infeasible): one shift a day, forbidden successions,
maximum shifts per type, minimum and maximum total minutes, maximum consecutive shifts
(a day off assumed before and after the horizon), minimum consecutive shifts and minimum
consecutive days off (not enforced on blocks touching the first or last day: work and
rest are assumed to continue outside the horizon), maximum working weekends, fixed days
off. The published objective sums the weights of unmet shift-on requests, of met
shift-off requests, and per day and shift type weight_under x shortfall plus
weight_over x surplus of cover.

`penalty` scores any roster from these definitions with plain Python; `solve_instance`
builds its own CP-SAT model; neither uses the other. The search: a first roster built
employee by employee (every hard rule concerns one employee); column generation over
whole rows (curtois_columns), whose Lagrangian bound is at or within a few points of the
best known on Instances 2-12 except 9 (406 against 439); one CP-SAT worker searching
only the cells the master LP is unsure of; large-neighbourhood search (re-solve the model with all but some employees'
days fixed) throughout; and one CP-SAT worker on the full model that proves the smallest
instances optimal, from the first roster and, when the gap is narrow, again at the end
from the best.

The same instance runs through planner's own engine too: planner.roster.curtois_workspace
writes it as a planner workspace (planner.toml, agents.csv, time_off.csv,
shift_requests.csv; every rule mapped onto planner's rule model, listed there) and
rosters it with build_roster over a planning period of the horizon's weeks.
"""
from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ortools.sat.python import cp_model

from planner.errors import InfeasibleRosterError, InputError, PlannerError

Assignment = Mapping[tuple[str, int], "str | None"]

SECTIONS = ("HORIZON", "SHIFTS", "STAFF", "DAYS_OFF", "SHIFT_ON_REQUESTS",
            "SHIFT_OFF_REQUESTS", "COVER")
REQUIRED_SECTIONS = ("HORIZON", "SHIFTS", "STAFF", "COVER")
_STAFF_FIELDS = ("ID", "MaxShifts", "MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                 "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends")
_REQUEST_FIELDS = ("EmployeeID", "Day", "ShiftID", "Weight")
_COVER_FIELDS = ("Day", "ShiftID", "Requirement", "Weight for under", "Weight for over")


@dataclass(frozen=True)
class ShiftType:
    """A shift type: id, paid length in minutes, the types that may not follow it next day."""

    shift_id: str
    minutes: int
    forbidden_next: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staff:
    """One employee's hard limits; minutes are paid minutes over the whole horizon."""

    staff_id: str
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Request:
    """A wish to work (on-request) or not work (off-request) `shift_id` on `day`, with a weight."""

    staff_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """Staff wanted on `shift_id` on `day`, with weights per missing and per extra person."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class Instance:
    """A benchmark instance: horizon in days (day 0 is a Monday), shift types, staff, wishes, cover."""

    name: str
    horizon_days: int
    shifts: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    on_requests: tuple[Request, ...] = ()
    off_requests: tuple[Request, ...] = ()
    cover: tuple[Cover, ...] = ()

    def shift(self, shift_id: str) -> ShiftType:
        """Return the shift type `shift_id`."""
        return next(s for s in self.shifts if s.shift_id == shift_id)


@dataclass(frozen=True)
class PenaltyBreakdown:
    """The published objective of a roster, per term, and the hard rules it breaks."""

    total: int
    shift_on_requests: int
    shift_off_requests: int
    under_cover: int
    over_cover: int
    hard_violations: tuple[str, ...] = field(default_factory=tuple)

    @property
    def feasible(self) -> bool:
        """True when the roster breaks no hard rule."""
        return not self.hard_violations


# ----------------------------------------------------------------------------- reader

def _int(path: Path, line_no: int, section: str, name: str, text: str, minimum: int = 0) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(path, f"section {section}: {name} must be a whole number, found '{text.strip()}'",
                         row=line_no, column=name) from None
    if value < minimum:
        raise InputError(path, f"section {section}: {name} must be at least {minimum}, found {value}",
                         row=line_no, column=name)
    return value


def _fields(path: Path, line_no: int, section: str, line: str, names: tuple[str, ...],
            at_least: bool = False) -> list[str]:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) < len(names) or (not at_least and len(parts) > len(names)):
        raise InputError(path, f"section {section}: expected {len(names)} comma-separated fields "
                         f"({', '.join(names)}), found {len(parts)} in '{line}'", row=line_no)
    return parts


def _sections(path: Path, text: str) -> dict[str, list[tuple[int, str]]]:
    """Split the file into its sections: name -> [(line number, content line)]."""
    found: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("SECTION_"):
            current = line[len("SECTION_"):]
            if current not in SECTIONS:
                raise InputError(path, f"unknown section '{line}'; expected one of "
                                 + ", ".join("SECTION_" + s for s in SECTIONS), row=line_no)
            if current in found:
                raise InputError(path, f"section '{line}' appears twice", row=line_no)
            found[current] = []
            continue
        if current is None:
            raise InputError(path, f"'{line}' comes before the first SECTION_ line", row=line_no)
        found[current].append((line_no, line))
    missing = [s for s in REQUIRED_SECTIONS if s not in found]
    if missing:
        raise InputError(path, "missing section(s) " + ", ".join("SECTION_" + s for s in missing))
    return found


def _check_day(path: Path, line_no: int, section: str, day: int, horizon: int) -> None:
    if day >= horizon:
        raise InputError(path, f"section {section}: day {day} is outside the horizon "
                         f"(days 0 to {horizon - 1})", row=line_no, column="Day")


def read_instance(path: str | Path) -> Instance:
    """Read a Curtois & Qu instance file; bad content raises InputError naming line and section."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the instance file: {exc}") from None
    sec = _sections(path, text)

    if len(sec["HORIZON"]) != 1:
        row = sec["HORIZON"][1][0] if len(sec["HORIZON"]) > 1 else None
        raise InputError(path, "section HORIZON: expected one line with the number of days", row=row)
    h_line, h_text = sec["HORIZON"][0]
    horizon = _int(path, h_line, "HORIZON", "days", h_text, minimum=1)

    shifts: list[ShiftType] = []
    for line_no, line in sec["SHIFTS"]:
        sid, minutes, *rest = _fields(path, line_no, "SHIFTS", line, ("ShiftID", "Length in mins"), at_least=True)
        if len(rest) > 1:
            raise InputError(path, f"section SHIFTS: expected 3 fields (ShiftID, Length in mins, "
                             f"forbidden followers separated by |), found {2 + len(rest)}", row=line_no)
        if not sid or any(s.shift_id == sid for s in shifts):
            raise InputError(path, f"section SHIFTS: shift id '{sid}' is empty or repeated", row=line_no,
                             column="ShiftID")
        nxt = tuple(x.strip() for x in rest[0].split("|") if x.strip()) if rest else ()
        shifts.append(ShiftType(sid, _int(path, line_no, "SHIFTS", "Length in mins", minutes, 1), nxt))
    if not shifts:
        raise InputError(path, "section SHIFTS has no shift types")
    ids = {s.shift_id for s in shifts}
    for line_no, line in sec["SHIFTS"]:
        sid = line.split(",")[0].strip()
        for other in next(s for s in shifts if s.shift_id == sid).forbidden_next:
            if other not in ids:
                raise InputError(path, f"section SHIFTS: forbidden follower '{other}' is not a shift id "
                                 f"(known: {', '.join(sorted(ids))})", row=line_no)

    staff_rows: list[tuple[int, dict]] = []
    for line_no, line in sec["STAFF"]:
        f = _fields(path, line_no, "STAFF", line, _STAFF_FIELDS)
        sid = f[0]
        if not sid or any(r["staff_id"] == sid for _, r in staff_rows):
            raise InputError(path, f"section STAFF: staff id '{sid}' is empty or repeated", row=line_no, column="ID")
        max_shifts: dict[str, int] = {}
        for item in (x for x in f[1].split("|") if x.strip()):
            if "=" not in item:
                raise InputError(path, f"section STAFF: MaxShifts item '{item}' must read SHIFT=count",
                                 row=line_no, column="MaxShifts")
            k, v = (x.strip() for x in item.split("=", 1))
            if k not in ids:
                raise InputError(path, f"section STAFF: MaxShifts names unknown shift '{k}' "
                                 f"(known: {', '.join(sorted(ids))})", row=line_no, column="MaxShifts")
            max_shifts[k] = _int(path, line_no, "STAFF", "MaxShifts", v)
        nums = [_int(path, line_no, "STAFF", n, v) for n, v in zip(_STAFF_FIELDS[2:], f[2:])]
        staff_rows.append((line_no, dict(
            staff_id=sid, max_shifts={s: max_shifts.get(s, horizon) for s in sorted(ids, key=[x.shift_id for x in shifts].index)},
            max_total_minutes=nums[0], min_total_minutes=nums[1], max_consecutive_shifts=nums[2],
            min_consecutive_shifts=nums[3], min_consecutive_days_off=nums[4], max_weekends=nums[5])))
    if not staff_rows:
        raise InputError(path, "section STAFF has no staff")
    staff_ids = {r["staff_id"] for _, r in staff_rows}

    def _staff_id(line_no: int, section: str, sid: str) -> str:
        if sid not in staff_ids:
            raise InputError(path, f"section {section}: unknown staff id '{sid}'", row=line_no, column="EmployeeID")
        return sid

    days_off: dict[str, set[int]] = {s: set() for s in staff_ids}
    for line_no, line in sec.get("DAYS_OFF", []):
        sid, *days = [p.strip() for p in line.split(",")]
        _staff_id(line_no, "DAYS_OFF", sid)
        for d in (x for x in days if x):
            day = _int(path, line_no, "DAYS_OFF", "DayIndexes", d)
            _check_day(path, line_no, "DAYS_OFF", day, horizon)
            days_off[sid].add(day)

    def _requests(section: str) -> tuple[Request, ...]:
        out = []
        for line_no, line in sec.get(section, []):
            sid, day, shift, weight = _fields(path, line_no, section, line, _REQUEST_FIELDS)
            _staff_id(line_no, section, sid)
            d = _int(path, line_no, section, "Day", day)
            _check_day(path, line_no, section, d, horizon)
            if shift not in ids:
                raise InputError(path, f"section {section}: unknown shift id '{shift}'", row=line_no, column="ShiftID")
            out.append(Request(sid, d, shift, _int(path, line_no, section, "Weight", weight)))
        return tuple(out)

    cover: list[Cover] = []
    seen: set[tuple[int, str]] = set()
    for line_no, line in sec["COVER"]:
        day, shift, req, wu, wo = _fields(path, line_no, "COVER", line, _COVER_FIELDS)
        d = _int(path, line_no, "COVER", "Day", day)
        _check_day(path, line_no, "COVER", d, horizon)
        if shift not in ids:
            raise InputError(path, f"section COVER: unknown shift id '{shift}'", row=line_no, column="ShiftID")
        if (d, shift) in seen:
            raise InputError(path, f"section COVER: day {d} shift {shift} appears twice", row=line_no)
        seen.add((d, shift))
        cover.append(Cover(d, shift, _int(path, line_no, "COVER", "Requirement", req),
                           _int(path, line_no, "COVER", "Weight for under", wu),
                           _int(path, line_no, "COVER", "Weight for over", wo)))

    staff = tuple(Staff(**r, days_off=frozenset(days_off[r["staff_id"]])) for _, r in staff_rows)
    return Instance(name=path.stem, horizon_days=horizon, shifts=tuple(shifts), staff=staff,
                    on_requests=_requests("SHIFT_ON_REQUESTS"), off_requests=_requests("SHIFT_OFF_REQUESTS"),
                    cover=tuple(cover))


def weekends(horizon_days: int) -> list[tuple[int, ...]]:
    """Return the weekends of the horizon as tuples of day indexes (day 0 is a Monday)."""
    out = []
    for start in range(5, horizon_days, 7):
        out.append(tuple(d for d in (start, start + 1) if d < horizon_days))
    return out


# ----------------------------------------------------------------------------- penalty

def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Return maximal runs of equal values as (first day, length, value)."""
    runs: list[tuple[int, int, bool]] = []
    for d, v in enumerate(flags):
        if runs and runs[-1][2] == v:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, v)
        else:
            runs.append((d, 1, v))
    return runs


def _hard_violations(inst: Instance, person: Staff, row: list[str | None]) -> list[str]:
    """Return the hard rules one employee's row of shifts breaks, in words."""
    out: list[str] = []
    sid, horizon = person.staff_id, inst.horizon_days
    lengths = {s.shift_id: s.minutes for s in inst.shifts}
    forbidden = {s.shift_id: set(s.forbidden_next) for s in inst.shifts}
    for d, s in enumerate(row):
        if s is not None and s not in lengths:
            out.append(f"{sid} day {d}: unknown shift '{s}'")
    row = [s if s in lengths else None for s in row]
    for d in sorted(person.days_off):
        if row[d] is not None:
            out.append(f"{sid} day {d}: works {row[d]} on a fixed day off")
    for d in range(horizon - 1):
        if row[d] is not None and row[d + 1] in forbidden[row[d]]:
            out.append(f"{sid} days {d}-{d + 1}: {row[d + 1]} may not follow {row[d]}")
    for t, limit in person.max_shifts.items():
        n = sum(1 for s in row if s == t)
        if n > limit:
            out.append(f"{sid}: {n} shifts of type {t}, maximum {limit}")
    minutes = sum(lengths[s] for s in row if s is not None)
    if minutes > person.max_total_minutes:
        out.append(f"{sid}: {minutes} minutes, maximum {person.max_total_minutes}")
    if minutes < person.min_total_minutes:
        out.append(f"{sid}: {minutes} minutes, minimum {person.min_total_minutes}")
    for start, length, working in _runs([s is not None for s in row]):
        inside = start > 0 and start + length < horizon
        if working and length > person.max_consecutive_shifts:
            out.append(f"{sid} days {start}-{start + length - 1}: {length} consecutive shifts, "
                       f"maximum {person.max_consecutive_shifts}")
        if working and inside and length < person.min_consecutive_shifts:
            out.append(f"{sid} days {start}-{start + length - 1}: {length} consecutive shifts, "
                       f"minimum {person.min_consecutive_shifts}")
        if not working and inside and length < person.min_consecutive_days_off:
            out.append(f"{sid} days {start}-{start + length - 1}: {length} consecutive days off, "
                       f"minimum {person.min_consecutive_days_off}")
    worked = sum(1 for w in weekends(horizon) if any(row[d] is not None for d in w))
    if worked > person.max_weekends:
        out.append(f"{sid}: {worked} working weekends, maximum {person.max_weekends}")
    return out


def penalty(instance: Instance, assignment: Assignment) -> PenaltyBreakdown:
    """Score a roster by the published objective; hard-rule breaches are listed, not scored.

    `assignment` maps (staff id, day) to a shift id or None (day off); missing keys are
    days off. Keys naming unknown staff or days are reported as hard violations.
    """
    horizon = instance.horizon_days
    staff_ids = {p.staff_id for p in instance.staff}
    violations = [f"{k}: unknown staff or day outside 0-{horizon - 1}" for k in assignment
                  if k[0] not in staff_ids or not (0 <= k[1] < horizon)]
    rows = {p.staff_id: [assignment.get((p.staff_id, d)) for d in range(horizon)] for p in instance.staff}
    for p in instance.staff:
        violations += _hard_violations(instance, p, rows[p.staff_id])
    on = sum(r.weight for r in instance.on_requests if rows[r.staff_id][r.day] != r.shift_id)
    off = sum(r.weight for r in instance.off_requests if rows[r.staff_id][r.day] == r.shift_id)
    under = over = 0
    for c in instance.cover:
        n = sum(1 for row in rows.values() if row[c.day] == c.shift_id)
        under += c.weight_under * max(0, c.requirement - n)
        over += c.weight_over * max(0, n - c.requirement)
    return PenaltyBreakdown(total=on + off + under + over, shift_on_requests=on, shift_off_requests=off,
                            under_cover=under, over_cover=over, hard_violations=tuple(violations))


# ----------------------------------------------------------------------------- CP-SAT model

def _forbid_short_blocks(model: cp_model.CpModel, flags: list, minimum: int) -> None:
    """Forbid blocks of true `flags` shorter than `minimum` that touch neither horizon edge.

    Written as "a block starting on day d (d >= 1) also covers day d + j" for j < minimum
    while d + j is inside the horizon: equivalent, and tighter in the LP than one clause
    per short block.
    """
    horizon = len(flags)
    for start in range(1, horizon):
        for j in range(1, minimum):
            if start + j < horizon:
                model.AddBoolOr([flags[start - 1], flags[start].Not(), flags[start + j]])


def build_model(instance: Instance) -> tuple[cp_model.CpModel, dict[tuple[str, int, str], cp_model.IntVar]]:
    """Build the CP-SAT model of an instance; return it and x[staff, day, shift] (only where allowed)."""
    m = cp_model.CpModel()
    horizon, shifts = instance.horizon_days, instance.shifts
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    for p in instance.staff:
        for d in range(horizon):
            if d in p.days_off:
                continue
            for s in shifts:
                if p.max_shifts.get(s.shift_id, horizon) > 0:
                    x[p.staff_id, d, s.shift_id] = m.NewBoolVar(f"x[{p.staff_id},{d},{s.shift_id}]")
    for p in instance.staff:
        sid = p.staff_id
        work = []
        for d in range(horizon):
            day = [x[sid, d, s.shift_id] for s in shifts if (sid, d, s.shift_id) in x]
            w = m.NewBoolVar(f"work[{sid},{d}]")
            m.Add(sum(day) == w)
            work.append(w)
        for s in shifts:
            own = [x[sid, d, s.shift_id] for d in range(horizon) if (sid, d, s.shift_id) in x]
            if own and p.max_shifts.get(s.shift_id, horizon) < len(own):
                m.Add(sum(own) <= p.max_shifts[s.shift_id])
            for nxt in s.forbidden_next:
                for d in range(horizon - 1):
                    if (sid, d, s.shift_id) in x and (sid, d + 1, nxt) in x:
                        m.AddBoolOr([x[sid, d, s.shift_id].Not(), x[sid, d + 1, nxt].Not()])
        minutes = sum(s.minutes * x[k] for s in shifts for d in range(horizon)
                      if (k := (sid, d, s.shift_id)) in x)
        m.Add(minutes <= p.max_total_minutes)
        m.Add(minutes >= p.min_total_minutes)
        k = p.max_consecutive_shifts
        for start in range(horizon - k):
            m.Add(sum(work[start:start + k + 1]) <= k)
        _forbid_short_blocks(m, work, p.min_consecutive_shifts)
        _forbid_short_blocks(m, [w.Not() for w in work], p.min_consecutive_days_off)
        weekend_vars = []
        for wk in weekends(horizon):
            v = m.NewBoolVar(f"weekend[{sid},{wk[0]}]")
            for d in wk:
                m.AddImplication(work[d], v)
            weekend_vars.append(v)
        if len(weekend_vars) > p.max_weekends:
            m.Add(sum(weekend_vars) <= p.max_weekends)

    terms, constant = [], 0
    for r in instance.on_requests:
        if (k := (r.staff_id, r.day, r.shift_id)) in x:
            constant += r.weight
            terms.append(-r.weight * x[k])
        else:
            constant += r.weight
    for r in instance.off_requests:
        if (k := (r.staff_id, r.day, r.shift_id)) in x:
            terms.append(r.weight * x[k])
    for c in instance.cover:
        on = [x[k] for p in instance.staff if (k := (p.staff_id, c.day, c.shift_id)) in x]
        under = m.NewIntVar(0, c.requirement, f"under[{c.day},{c.shift_id}]")
        over = m.NewIntVar(0, len(on), f"over[{c.day},{c.shift_id}]")
        m.Add(sum(on) - c.requirement == over - under)
        terms += [c.weight_under * under, c.weight_over * over]
    m.Minimize(sum(terms) + constant)
    return m, x


Roster = dict[tuple[str, int], "str | None"]
Progress = Callable[[str], None]

# CP-SAT deterministic time per wall-clock second of one worker on these models: measured
# 0.2-0.3 with the two cores shared, up to ~0.7 on an idle one; budgets use the low figure
# so that the deterministic limits, not the wall clock, end each phase (then the same seed
# gives the same roster).
DTIME_PER_SECOND = 0.25
# share of the time limit for the proving phase (one "max_lp" worker on the full model; it
# proves Instance1 optimal in 0.5 s on one core, where column generation's bound is 558).
# Instance9, whose LP (405.7) is far from its optimum (439), needs it: at 0.1 seed 0 ended at
# 543 and seeds 1-4 at 443, 444, 445, 439; at 0.25 seeds 0 and 2 end at 443 and 442
PROOF_SHARE = 0.25
FIRST_SHARE = 0.05  # share of the time limit for improving sweeps of the first roster
# share of the time limit for column generation (curtois_columns; it ends sooner once no row
# prices in: Instances 1-11 in 0.1-12 s) and the deterministic time of one pricing solve
COLUMN_SHARE = 0.15
PRICING_DTIME = 1.0
# share of the time limit for the LP-guided search: one worker re-solves the cells the
# master LP is unsure of, the others fixed as it rounds them, beside LNS on the other workers
GUIDED_SHARE = 0.25
# ... only when the master LP is within this share of column generation's bound (an LP far
# from its bound, as on Instances 13+ in a 300 s budget, is no guide: the share goes to LNS)
GUIDED_LP_GAP = 0.05
# share of the time limit for the final phase: one "max_lp" worker on the full model hinted
# with the best roster (it may prove it optimal) beside LNS. Measured on Instance4 from a 1721
# roster, 15 dtime: max_lp 1719 / bound 1580; max_lp + core in parallel the same (and not
# reproducible); interleaved 1721 / 1495; "core" alone never lifted the bound (25 dtime: 1000)
FINAL_SHARE = 0.15
FINAL_GAP = 0.1  # ... only when the proving phase left the gap to its bound within this share
SUB_DTIME = 0.3  # deterministic time of one neighbourhood re-solve (doubled while the search is stuck)
STALL = 20  # batches without improvement before re-solves get twice the time
MAX_LEVEL = 4  # at most 2**4 x SUB_DTIME per re-solve
NEIGHBOURHOODS = ("staff", "rescue", "cover", "block")


def _solver(workers: int, seed: int, dtime: float, deadline: float | None,
            subsolvers: tuple[str, ...] = ()) -> cp_model.CpSolver:
    """A CpSolver ended by a deterministic time limit; the wall clock only guards `deadline`."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    p.max_deterministic_time = float(dtime)
    p.max_time_in_seconds = 1e9 if deadline is None else max(0.05, deadline - time.perf_counter())
    p.subsolvers.extend(subsolvers)
    return solver


def _fix(model: cp_model.CpModel, var: cp_model.IntVar, value: int) -> None:
    """Fix a variable by shrinking its domain (presolve then drops it)."""
    dom = model.proto.variables[var.Index()].domain
    dom[0] = dom[1] = value


# ----------------------------------------------------------------------------- part of the staff

def _others_count(instance: Instance, roster: Mapping[tuple[str, int], str | None],
                  excluded: set[str]) -> dict[tuple[int, str], int]:
    """How many employees outside `excluded` work each (day, shift) in `roster`."""
    n: dict[tuple[int, str], int] = {}
    for p in instance.staff:
        if p.staff_id not in excluded:
            for d in range(instance.horizon_days):
                if (s := roster.get((p.staff_id, d))) is not None:
                    n[d, s] = n.get((d, s), 0) + 1
    return n


def _marginal_instance(instance: Instance, person: Staff, counts: Mapping[tuple[int, str], int]) -> Instance:
    """One employee alone, each cover line rewritten to price what they add to the others' count.

    With k others on a (day, shift) wanting r, one more person costs under x max(0, r - k - 1)
    + over x max(0, k + 1 - r) against the same with nobody: the cover line with requirement
    max(0, r - k), up to a constant that does not depend on this employee's row.
    """
    sid = person.staff_id
    cover = tuple(Cover(c.day, c.shift_id, max(0, c.requirement - counts.get((c.day, c.shift_id), 0)),
                        c.weight_under, c.weight_over) for c in instance.cover)
    return Instance(instance.name, instance.horizon_days, instance.shifts, (person,),
                    tuple(r for r in instance.on_requests if r.staff_id == sid),
                    tuple(r for r in instance.off_requests if r.staff_id == sid), cover)


def _light(solver: cp_model.CpSolver) -> cp_model.CpSolver:
    """Settings for small (sub-)models: a light presolve and the full LP relaxation.

    Measured on Instance8's neighbourhoods: they reach optimality about twice as fast as
    with CP-SAT's defaults.
    """
    p = solver.parameters
    p.max_presolve_iterations = 1
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.linearization_level = 2
    return solver


def _best_row(instance: Instance, person: Staff, roster: Roster, seed: int, dtime: float,
              deadline: float | None) -> tuple[dict[tuple[str, int], str | None], bool, float]:
    """One employee's best row with everybody else as in `roster` (absent cells are days off).

    The employee's current row is the hint. Returns the row, whether it is proven best
    (then it is no worse than the current row), and the deterministic time spent.
    """
    sub = _marginal_instance(instance, person, _others_count(instance, roster, {person.staff_id}))
    model, x = build_model(sub)
    current = {(person.staff_id, d): roster.get((person.staff_id, d)) for d in range(instance.horizon_days)}
    for (sid, d, s), var in x.items():
        model.add_hint(var, int(current[sid, d] == s))
    solver = _light(_solver(1, seed, dtime, deadline))
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleRosterError(f"instance {instance.name}: the hard rules admit no roster "
                                    f"for employee {person.staff_id}")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlannerError(f"instance {instance.name}: no row found for employee {person.staff_id} "
                           "within the time limit")
    row = dict.fromkeys(current)
    for (sid, d, s), var in x.items():
        if solver.value(var):
            row[sid, d] = s
    return row, status == cp_model.OPTIMAL, solver.deterministic_time


def first_roster(instance: Instance, seed: int = 0, sweeps: int = 4, dtime_budget: float = math.inf,
                 dtime_each: float = 2.0, deadline: float | None = None) -> Roster:
    """A feasible roster built one employee at a time, each the best reply to the others.

    The first sweep rosters each employee against those before; later sweeps give each
    employee in turn their proven best row against all the others, while rows change and
    the deterministic time spent stays within `dtime_budget`. Every hard rule concerns a
    single employee, so a roster is feasible exactly when each row is; an employee whose
    own rules admit no row makes the instance infeasible.
    """
    roster: Roster = {}
    spent = 0.0
    for sweep in range(max(1, sweeps)):
        changed = False
        for person in instance.staff:
            if sweep > 0 and (spent >= dtime_budget or (deadline is not None and time.perf_counter() >= deadline)):
                return roster
            row, proven, dtime = _best_row(instance, person, roster, seed, dtime_each, deadline)
            spent += dtime
            if sweep == 0 or (proven and any(roster[k] != v for k, v in row.items())):
                roster.update(row)
                changed = True
        if not changed:
            break
    return roster


@dataclass
class _Trial:
    """One neighbourhood re-solved: the free cells' new values, the objective, completeness."""

    kind: str
    cells: dict[tuple[str, int], str | None] | None
    objective: int | None
    dtime: float
    complete: bool


class _FullModel:
    """The model of an instance, built once, re-solved with all but some cells fixed."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.model, self.x = build_model(instance)
        self.index = {k: v.Index() for k, v in self.x.items()}

    def roster(self, solver: cp_model.CpSolver) -> Roster:
        """The roster in the solver's last solution."""
        out: Roster = {(p.staff_id, d): None for p in self.instance.staff
                       for d in range(self.instance.horizon_days)}
        for (sid, d, s), var in self.x.items():
            if solver.value(var):
                out[sid, d] = s
        return out

    def resolve(self, roster: Roster, free: frozenset[tuple[str, int]], seed: int, dtime: float,
                deadline: float | None, kind: str = "") -> _Trial:
        """Re-solve with the cells outside `free` fixed to `roster`, the free ones hinted with it."""
        sub = cp_model.CpModel()
        proto = sub.proto
        proto.copy_from(self.model.proto)
        variables, hint = proto.variables, proto.solution_hint
        keys = []
        for key, i in self.index.items():
            sid, d, s = key
            value = int(roster.get((sid, d)) == s)
            if (sid, d) in free:
                hint.vars.append(i)
                hint.values.append(value)
                keys.append(key)
            else:
                dom = variables[i].domain
                dom[0] = dom[1] = value
        solver = _light(_solver(1, seed, dtime, deadline))
        status = solver.solve(sub)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Trial(kind, None, None, solver.deterministic_time, False)
        cells: dict[tuple[str, int], str | None] = dict.fromkeys(free)
        for sid, d, s in keys:
            if solver.value(self.x[sid, d, s]):
                cells[sid, d] = s
        return _Trial(kind, cells, round(solver.objective_value), solver.deterministic_time,
                      status == cp_model.OPTIMAL)


def model_objective(instance: Instance, roster: Assignment) -> int:
    """The objective of the CP-SAT model (`build_model`) with every cell fixed to `roster`.

    Raises PlannerError when the roster breaks a hard rule of the model.
    """
    model, x = build_model(instance)
    for (sid, d, s), var in x.items():
        _fix(model, var, int(roster.get((sid, d)) == s))
    solver = _solver(1, 0, 10.0, None)
    if solver.solve(model) != cp_model.OPTIMAL:
        raise PlannerError(f"instance {instance.name}: the roster breaks a hard rule of the model")
    return round(solver.objective_value)


# ----------------------------------------------------------------------------- neighbourhoods

def _hot_spots(instance: Instance, roster: Roster) -> tuple[dict[str, int], dict[int, int]]:
    """Penalty per employee (their unmet wishes) and per day (cover short or over)."""
    staff = {p.staff_id: 0 for p in instance.staff}
    for r in instance.on_requests:
        if roster[r.staff_id, r.day] != r.shift_id:
            staff[r.staff_id] += r.weight
    for r in instance.off_requests:
        if roster[r.staff_id, r.day] == r.shift_id:
            staff[r.staff_id] += r.weight
    n = _others_count(instance, roster, set())
    days = {d: 0 for d in range(instance.horizon_days)}
    for c in instance.cover:
        k = n.get((c.day, c.shift_id), 0)
        days[c.day] += c.weight_under * max(0, c.requirement - k) + c.weight_over * max(0, k - c.requirement)
    return staff, days


def _weighted(rng: random.Random, weights: Mapping, k: int) -> list:
    """Draw k distinct keys, each with probability proportional to 1 + its weight."""
    keys = list(weights)
    w = [1.0 + weights[key] for key in keys]
    out: list = []
    for _ in range(min(k, len(keys))):
        i = rng.choices(range(len(keys)), weights=w)[0]
        out.append(keys.pop(i))
        w.pop(i)
    return out


def neighbourhood(instance: Instance, kind: str, size: float, rng: random.Random, roster: Roster,
                  staff_penalty: Mapping[str, int], day_penalty: Mapping[int, int]) -> frozenset[tuple[str, int]]:
    """The cells (employee, day) left free in one re-solve: about `size` of all cells.

    staff: whole rows of a few employees, half of them favouring those with unmet wishes;
    rescue: whole rows of a few employees, half of them off on a day whose cover is off;
    cover: everybody's days in a window around a day whose cover is off;
    block: a random window of one to three weeks for a share of the employees.
    """
    horizon, ids = instance.horizon_days, [p.staff_id for p in instance.staff]
    if kind == "staff":
        k = max(1, round(size * len(ids)))
        chosen = _weighted(rng, staff_penalty, k // 2)
        rest = [s for s in ids if s not in chosen]
        chosen += rng.sample(rest, min(k - len(chosen), len(rest)))
        return frozenset((s, d) for s in chosen for d in range(horizon))
    if kind == "rescue":
        # whole rows of employees who could fill a short (day, shift): half of them off that day
        day = _weighted(rng, day_penalty, 1)[0]
        k = max(1, round(size * len(ids)))
        loose = [s for s in ids if roster.get((s, day)) is None]
        rest = [s for s in ids if s not in loose]
        chosen = rng.sample(loose, min(len(loose), (k + 1) // 2))
        chosen += rng.sample(rest, min(len(rest), k - len(chosen)))
        return frozenset((s, d) for s in chosen for d in range(horizon))
    if kind == "cover":
        centre = _weighted(rng, day_penalty, 1)[0]
        w = max(2, min(horizon, round(size * horizon)))
        start = max(0, min(horizon - w, centre - rng.randrange(w)))
        return frozenset((s, d) for s in ids for d in range(start, start + w))
    w = min(horizon, rng.choice((7, 14, 21)))
    start = rng.randrange(horizon - w + 1)
    k = max(1, min(len(ids), round(size * len(ids) * horizon / w)))
    chosen = rng.sample(ids, k)
    return frozenset((s, d) for s in chosen for d in range(start, start + w))


def improve_roster(instance: Instance, roster: Roster, objective: int, dtime_budget: float,
                   streams: int = 2, seed: int = 0, deadline: float | None = None,
                   stop: threading.Event | None = None, bound: Callable[[], int] = lambda: -1,
                   report: Callable[[str, int], None] | None = None,
                   full: _FullModel | None = None) -> tuple[Roster, int]:
    """Large-neighbourhood search from a feasible roster of objective `objective`; returns the best.

    Each batch re-solves `streams` neighbourhoods side by side (one CP-SAT worker each, the
    other cells fixed) and keeps the best no-worse result; neighbourhoods grow while their
    re-solves finish, and re-solves get more time while nothing improves. The budget counts deterministic
    time (the longest re-solve of each batch), so the same seed gives the same roster
    unless the wall clock reaches `deadline` first.
    """
    rng = random.Random(seed)
    size = {kind: 0.1 for kind in NEIGHBOURHOODS}
    full = full or _FullModel(instance)
    spent = 0.0
    level, idle = 0, 0  # re-solves get SUB_DTIME x 2**level; the level rises after STALL idle batches
    hot = _hot_spots(instance, roster)
    with ThreadPoolExecutor(max_workers=streams) as pool:
        while spent < dtime_budget and objective > bound() and not (stop is not None and stop.is_set()):
            if deadline is not None and time.perf_counter() >= deadline:
                break
            jobs = []
            for _ in range(streams):
                kind = rng.choice(NEIGHBOURHOODS)
                jobs.append((kind, neighbourhood(instance, kind, size[kind], rng, roster, *hot), rng.randrange(1 << 30)))
            sub_dtime = SUB_DTIME * 2 ** level
            trials = list(pool.map(lambda j: full.resolve(roster, j[1], j[2], sub_dtime, deadline, j[0]), jobs))
            spent += max(t.dtime for t in trials)
            for t in trials:
                size[t.kind] = min(0.6, size[t.kind] * 1.1) if t.complete else max(0.01, size[t.kind] / 1.1)
            found = [t for t in trials if t.objective is not None]
            best = min(found, key=lambda t: t.objective) if found else None
            idle += 1
            if best is not None and best.objective <= objective and any(roster[k] != v for k, v in best.cells.items()):
                roster = {**roster, **best.cells}
                if best.objective < objective:
                    idle, level = 0, max(0, level - 1)
                    if report is not None:
                        report(f"LNS {best.kind}", best.objective)
                objective = best.objective
                hot = _hot_spots(instance, roster)
            if idle >= STALL:
                # stuck: longer re-solves, which also let the neighbourhoods grow
                idle, level = 0, min(MAX_LEVEL, level + 1)
    return roster, objective


# ----------------------------------------------------------------------------- solve

@dataclass(frozen=True)
class SolveOutcome:
    """What `solve_instance` found: roster, objective, proven lower bound, status, seconds."""

    assignment: dict[tuple[str, int], str | None]
    objective: int
    bound: int
    status: str
    wall_s: float

    def __iter__(self):
        """Unpack as (assignment, objective, bound, status)."""
        return iter((self.assignment, self.objective, self.bound, self.status))


class _FullModelWatch(cp_model.CpSolverSolutionCallback):
    """Passes each roster of the full-model search, with the bound proven so far, to `report`."""

    def __init__(self, report: Callable[[str, int, int], None]):
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        self.report("full model", round(self.objective_value), math.ceil(self.best_objective_bound - 1e-6))


def solve_instance(instance: Instance, time_limit_s: float = 60.0, workers: int = 2,
                   seed: int = 0, log: bool = False, progress: Progress | None = None,
                   dtime_per_second: float = DTIME_PER_SECOND) -> SolveOutcome:
    """Solve an instance within `time_limit_s` seconds on `workers` threads; same seed, same roster.

    1. A first roster, one employee at a time (each the best reply to the others).
    2. Column generation (curtois_columns) from its rows: the Lagrangian lower bound, and
       a master LP that is close to integral on these instances.
    3. For PROOF_SHARE of the time one worker searches the full model from the first
       roster ("max_lp": it proves the smallest instances optimal and may raise the
       bound) while the other workers run large-neighbourhood search (LNS).
    4. When the LP is within GUIDED_LP_GAP of the bound, one worker re-solves the cells
       the LP is unsure of, the others fixed as the LP rounds them, beside LNS from the
       best roster. A roster at the bound ends the search.
    5. Unless proven optimal, all workers run LNS from the best roster.
    6. When the gap to the bound is within FINAL_GAP, the last FINAL_SHARE of the time
       puts one "max_lp" worker on the full model again, hinted with the best roster (a
       far better incumbent to prune with), beside LNS on the other workers.
    Phases end on deterministic time budgets (`dtime_per_second` x their planned seconds);
    the wall clock only guards the overall limit. The bound comes from column generation
    and the full model, never from a neighbourhood.

    Raises InfeasibleRosterError when the hard rules admit no roster, PlannerError when
    no roster was found within the time limit.
    """
    # (imported here: curtois_columns builds on this module's instance and model)
    from planner.roster.curtois_columns import ColumnOutcome, generate_columns, lp_rounding

    started = time.perf_counter()
    deadline = started + float(time_limit_s)
    lock = threading.Lock()
    best = {"objective": None, "bound": 0}

    def report(source: str, objective: int, bound: int = 0) -> None:
        with lock:
            best["bound"] = max(best["bound"], bound)
            if best["objective"] is not None and objective >= best["objective"]:
                return
            best["objective"] = objective
            if progress is not None:
                b = best["bound"]
                progress(f"{instance.name}: objective {objective}, bound {b}, "
                         f"gap {100 * max(0, objective - b) / max(1, objective):.1f} %, "
                         f"{time.perf_counter() - started:.1f} s ({source})")

    first = first_roster(instance, seed, dtime_budget=FIRST_SHARE * time_limit_s * dtime_per_second,
                         deadline=deadline)
    full_model = _FullModel(instance)
    first_objective = model_objective(instance, first)
    report("first roster", first_objective)
    stop = threading.Event()

    def beside_lns(roster: Roster, objective: int, dtime: float, lns_seed: int) -> tuple[Roster, int, int]:
        """One "max_lp" worker on the full model, hinted with `roster`, beside LNS on the other workers."""
        model = full_model.model.clone()  # the neighbourhoods copy the unhinted original
        for (sid, d, s), i in full_model.index.items():
            model.proto.solution_hint.vars.append(i)
            model.proto.solution_hint.values.append(int(roster[sid, d] == s))
        full = _solver(1, seed, dtime, deadline, ("max_lp",))
        full.parameters.log_search_progress = bool(log)

        def search() -> int:
            status = full.solve(model, _FullModelWatch(report))
            with lock:
                best["bound"] = max(best["bound"], math.ceil(full.best_objective_bound - 1e-6))
            if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                stop.set()
            return status

        with ThreadPoolExecutor(max_workers=1) as pool:
            searching = pool.submit(search)
            if workers > 1:
                # no bound here: it arrives at a wall-clock moment; `stop` ends LNS on a proof
                roster, objective = improve_roster(instance, roster, objective, dtime, workers - 1, lns_seed,
                                                   deadline, stop, report=report, full=full_model)
            status = searching.result()
        if status == cp_model.INFEASIBLE:
            raise InfeasibleRosterError(f"instance {instance.name}: the hard rules admit no roster")
        if status == cp_model.OPTIMAL or (status == cp_model.FEASIBLE and round(full.objective_value) < objective):
            roster, objective = full_model.roster(full), round(full.objective_value)
        return roster, objective, status

    def guided(roster: Roster, objective: int, columns: ColumnOutcome, dtime: float,
               lns_seed: int) -> tuple[Roster, int]:
        """One worker searches the cells the master LP is unsure of (the rest as it rounds them) beside LNS."""
        rounded, unsure = lp_rounding(instance, columns)
        proven = best["bound"]  # fixed during the phase: the search stays deterministic
        with ThreadPoolExecutor(max_workers=1) as pool:
            searching = pool.submit(full_model.resolve, rounded, unsure, seed, dtime, deadline, "LP-guided")
            if workers > 1:
                roster, objective = improve_roster(instance, roster, objective, dtime, workers - 1, lns_seed,
                                                   deadline, stop, lambda: proven, report, full_model)
            trial = searching.result()
        if trial.objective is not None and trial.objective < objective:
            roster, objective = {**rounded, **trial.cells}, trial.objective
            report("LP-guided search", objective)
        return roster, objective

    whole = time_limit_s * dtime_per_second  # deterministic time of the whole limit
    columns = generate_columns(
        instance, first, COLUMN_SHARE * whole, PRICING_DTIME, workers, seed, deadline,
        report=None if progress is None else
        lambda k, lp, b: progress(f"{instance.name}: column generation round {k}, LP {lp:.1f}, bound {b:.1f}, "
                                  f"{time.perf_counter() - started:.1f} s"))
    if math.isfinite(columns.bound):
        with lock:
            best["bound"] = max(best["bound"], math.ceil(columns.bound - 1e-6))
    roster, objective, status = first, first_objective, cp_model.UNKNOWN
    if objective > best["bound"]:
        roster, objective, status = beside_lns(roster, objective, PROOF_SHARE * whole, seed + 1)
    guide = columns.lp_value - columns.bound <= GUIDED_LP_GAP * abs(columns.lp_value)
    if guide and status != cp_model.OPTIMAL and objective > best["bound"]:
        roster, objective = guided(roster, objective, columns, GUIDED_SHARE * whole, seed + 4)
    # the bound is column generation's or the proving phase's (both deterministic); a wide gap
    # leaves the final share to LNS
    final = status != cp_model.OPTIMAL and objective - best["bound"] <= FINAL_GAP * objective
    if status != cp_model.OPTIMAL:
        shares = PROOF_SHARE + (GUIDED_SHARE if guide else 0) + (FINAL_SHARE if final else 0)
        rest_dtime = (1 - shares) * whole - columns.dtime
        roster, objective = improve_roster(instance, roster, objective, rest_dtime, workers, seed + 2,
                                           deadline, stop, lambda: best["bound"], report, full_model)
    if final and objective > best["bound"]:
        roster, objective, status = beside_lns(roster, objective, FINAL_SHARE * whole, seed + 3)
    return _outcome(instance, roster, objective, best["bound"], started)


def _outcome(instance: Instance, roster: Roster, objective: int, bound: int, started: float) -> SolveOutcome:
    """The outcome of a search, its objective checked against the model with every cell fixed."""
    checked = model_objective(instance, roster)
    if checked != objective:
        raise PlannerError(f"instance {instance.name}: search tracked objective {objective}, "
                           f"the model gives {checked}")
    bound = min(bound, objective)
    return SolveOutcome(assignment=roster, objective=objective, bound=bound,
                        status="OPTIMAL" if bound == objective else "FEASIBLE",
                        wall_s=time.perf_counter() - started)
