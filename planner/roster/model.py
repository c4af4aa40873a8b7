"""The CP-SAT roster model: one boolean per agent x candidate shift, coverage per skill profile.

The model plans one planning period: `weeks` consecutive ISO weeks from `week` (one
by default), [Monday 00:00 of `week`, Monday 00:00 `weeks` weeks later) in the home
time zone. Decision: for each agent and local day, one candidate shift (start x length x break
position) or a day off. Coverage is counted per skill profile (agents with the same
skill set): integer allocation variables move a profile's working agents onto its
queues in each interval, so the coverage part grows with profiles, not agents.
The rules themselves live in planner.roster.rules, one function each.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from planner.agents import Agent, AgentLimits, agent_limits
from planner.config import Config
from planner.roster.carry import carried_intervals, carry_allocation
from planner.roster.shifts import CandidateShift, WeekContract, agent_local_dates, candidate_shifts, week_contract
from planner.timegrid import check_weeks, period_dates, period_grid

COST_SCALE = 600  # objective units per objective point (keeps per-minute weights integral)
DTIME_PER_SECOND = 0.2  # CP-SAT deterministic time per wall-clock second: below the ~0.3 measured on 2 shared cores

Queue = tuple[str, str]
Profile = tuple[Queue, ...]


@dataclass(frozen=True)
class Wish:
    """An agent's wish to work (on=True) or not to work a shift type (None: any shift) on a local date."""

    agent_id: str
    local_date: date
    shift_type: str | None
    on: bool
    weight: float  # objective points the wish costs when not granted


@dataclass
class RosterModel:
    """A CP-SAT model of one planning period's roster (`weeks` ISO weeks from `week`), variables in sparse dicts."""

    model: cp_model.CpModel
    config: Config
    week: str
    agents: dict[str, Agent]
    grid: pd.DatetimeIndex
    candidates: dict[str, list[CandidateShift]]
    dates: dict[str, list[date]]  # every local date of the agent that overlaps the period
    x: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)  # (agent, candidate) -> worked
    by_day: dict[tuple[str, date], list[int]] = field(default_factory=dict)  # (agent, date) -> candidates
    need: dict[tuple[Queue, int], int] = field(default_factory=dict)  # (queue, interval) -> staff needed
    profiles: dict[Profile, list[str]] = field(default_factory=dict)  # skill profile -> agent ids
    alloc: dict[tuple[Profile, Queue, int], Any] = field(default_factory=dict)  # agents of profile on queue
    prev_dates: dict[str, set[date]] = field(default_factory=dict)  # worked local dates before the period
    penalties: list[tuple[int, Any]] = field(default_factory=list)  # (coefficient, expression)
    contracts: dict[str, WeekContract] = field(default_factory=dict)  # the period's hours and days after leave
    short_vars: dict[tuple[Queue, int], list] = field(default_factory=dict)  # convex shortfall pieces
    surplus_vars: dict[tuple[Queue, int], Any] = field(default_factory=dict)
    day_vars: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)  # (agent, date) -> works
    prev_starts: dict[str, dict[date, int]] = field(default_factory=dict)  # before: local date -> local start min
    previous_given: bool = False  # the previous roster was given (blocks touching the period start are judged)
    wishes: list[Wish] = field(default_factory=list)  # the agents' shift wishes inside the period
    # (day, shift type, skills text) -> (under, over) variables of rules.duty_cover (None where not penalised)
    duty_vars: dict[tuple[date, str, str], tuple[Any, Any]] = field(default_factory=dict)
    # who can work a kind of shift this week (the fair shares' groups) is judged on these candidates: the
    # whole week's, when this model holds only some (the break stage keeps the chosen shifts); None: own
    peers_from: dict[str, list[CandidateShift]] | None = None
    # last week's shifts reaching into this week (planner.roster.carry): (interval, agent, queue) they serve,
    # and the demand before them (`need` is what is left for this week's shifts)
    carried: list[tuple[int, str, Queue]] = field(default_factory=list)
    full_need: dict[tuple[Queue, int], int] = field(default_factory=dict)
    weeks: int = 1  # ISO weeks in the planning period

    def period_dates(self) -> list[date]:
        """Return the home zone's local dates of the planning period (7 x weeks, from the first Monday)."""
        return period_dates(self.week, self.weeks)

    def work(self, agent_id: str, day: date) -> Any:
        """Return the 0/1 expression "agent works on local `day`"."""
        return sum(self.x[agent_id, i] for i in self.by_day.get((agent_id, day), []))

    def works(self, agent_id: str, day: date) -> cp_model.IntVar:
        """Return a boolean equal to "agent works on local `day`" (created on first use)."""
        key = (agent_id, day)
        if key not in self.day_vars:
            v = self.model.new_bool_var(f"works[{agent_id},{day}]")
            self.model.add(v == sum(self.x[agent_id, i] for i in self.by_day[key]))
            self.day_vars[key] = v
        return self.day_vars[key]

    def cost(self, weight: float) -> int:
        """Return an objective coefficient for a weight in objective points."""
        return int(round(weight * COST_SCALE))

    def limits(self, agent_id: str) -> AgentLimits:
        """Return the agent's rule limits: its own from agents.csv, else the team's [rules]."""
        return agent_limits(self.agents[agent_id], self.config.rules)

    def peer_candidates(self) -> dict[str, list[CandidateShift]]:
        """Return the candidates that decide the fair-share groups: the whole week's (peers_from), else own."""
        return self.peers_from if self.peers_from is not None else self.candidates

    def kind(self, agent_id: str, i: int) -> str | None:
        """Return the shift type (rules.shift_types) of the agent's candidate i, or None."""
        return self.config.rules.shift_type(self.candidates[agent_id][i].start_local_min)


def submodel(rm: RosterModel, aids: list[str]) -> RosterModel:
    """Return a fresh model holding only the given agents' candidate shifts and data (no rules yet).

    For the per-agent and per-neighbourhood models of the first roster, the bound and the
    large-neighbourhood search; fair-share groups stay those of `rm`'s whole week.
    """
    sub = RosterModel(cp_model.CpModel(), rm.config, rm.week, {a: rm.agents[a] for a in aids}, rm.grid,
                      {a: rm.candidates[a] for a in aids}, {a: rm.dates[a] for a in aids}, weeks=rm.weeks)
    sub.prev_dates = {a: rm.prev_dates.get(a, set()) for a in aids}
    sub.prev_starts = {a: rm.prev_starts[a] for a in aids if a in rm.prev_starts}
    sub.contracts = {a: rm.contracts[a] for a in aids}
    sub.previous_given = rm.previous_given
    sub.wishes = [w for w in rm.wishes if w.agent_id in sub.agents]
    sub.need = rm.need
    sub.peers_from = rm.peer_candidates()
    for a in aids:
        for i, c in enumerate(rm.candidates[a]):
            sub.x[a, i] = sub.model.new_bool_var(f"shift[{a},{i}]")
            sub.by_day.setdefault((a, c.local_date), []).append(i)
    return sub


def time_off_spans(time_off: pd.DataFrame | None,
                   leave_only: bool = False) -> dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """Return approved time off as agent_id -> [(start UTC, end UTC)].

    leave_only: only the rows of kind "leave" (a frame without a `kind` column is all
    leave), the time off that lowers the contract (planner.roster.shifts.week_contract).
    """
    spans: dict[str, list] = defaultdict(list)
    if time_off is None or len(time_off) == 0:
        return spans
    if leave_only and "kind" in time_off.columns:
        time_off = time_off[time_off["kind"].fillna("leave").astype(str).replace("", "leave") == "leave"]
    for row in time_off.itertuples(index=False):
        s, e = pd.Timestamp(row.start_utc), pd.Timestamp(row.end_utc)
        s = s.tz_localize("UTC") if s.tzinfo is None else s.tz_convert("UTC")
        e = e.tz_localize("UTC") if e.tzinfo is None else e.tz_convert("UTC")
        spans[str(row.agent_id)].append((s, e))
    return spans


def previous_by_agent(previous: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Split the previous roster's shifts (before the period) by agent."""
    if previous is None or len(previous) == 0:
        return {}
    return {str(a): g for a, g in previous.groupby("agent_id", sort=True)}


def demand(requirements: pd.DataFrame, grid: pd.DatetimeIndex) -> dict[tuple[Queue, int], int]:
    """Return staff_needed per (queue, grid interval index); rows off the grid are ignored."""
    if requirements is None or len(requirements) == 0:
        return {}
    pos = {t: i for i, t in enumerate(grid)}
    req = requirements.groupby(["channel", "language", "interval_start"], sort=True)["staff_needed"].sum()
    out: dict[tuple[Queue, int], int] = {}
    for (ch, lang, t), v in req.items():
        i = pos.get(pd.Timestamp(t).tz_convert("UTC") if pd.Timestamp(t).tzinfo else pd.Timestamp(t, tz="UTC"))
        if i is not None and v > 0:
            out[(str(ch), str(lang)), i] = int(round(v))
    return out


def wishes_in_week(shift_requests: pd.DataFrame | None, dates: dict[str, list[date]]) -> list[Wish]:
    """Return the shift wishes (planner.agents.read_shift_requests rows) of known agents on their period's dates."""
    if shift_requests is None or len(shift_requests) == 0:
        return []
    out = []
    for aid, day, kind, want, weight in shift_requests[["agent_id", "local_date", "shift_type", "want",
                                                          "weight"]].itertuples(index=False):
        aid, day = str(aid), pd.Timestamp(day).date()
        if aid in dates and day in dates[aid]:
            out.append(Wish(aid, day, str(kind) if isinstance(kind, str) and kind else None, want == "on",
                            float(weight)))
    return out


def new_roster_model(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: Config, week: str, *,
                     time_off: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                     breaks: str = "all", keep: dict[str, set[tuple]] | None = None,
                     shift_requests: pd.DataFrame | None = None, weeks: int = 1) -> RosterModel:
    """Create the variables of the model: candidate shifts, profiles and demand (no rules yet).

    The planning period is `weeks` ISO weeks from `week` (PlannerError unless weeks >= 1).
    breaks: "all" break positions or only the "middle" one; keep: if given, only the
    candidates whose (local_date, start_m, paid_minutes) is in keep[agent_id] (the
    break-placement stage, once the shifts are chosen). previous: the shifts before the
    period, i.e. the last roster's (an empty frame still counts as given: nobody worked);
    shift_requests: the agents' wishes (planner.agents.read_shift_requests), those
    outside the period ignored. time_off: all of it forbids work; only kind "leave"
    lowers the contract.
    """
    weeks = check_weeks(weeks)
    grid = period_grid(week, weeks, config.team.home_timezone, config.team.interval_minutes)
    spans = time_off_spans(time_off)
    leave = time_off_spans(time_off, leave_only=True)
    prev = previous_by_agent(previous)
    clocks: dict = {}
    rm = RosterModel(cp_model.CpModel(), config, week, {a.agent_id: a for a in agents}, grid, {}, {}, weeks=weeks)
    for a in sorted(agents, key=lambda a: a.agent_id):
        cands = candidate_shifts(a, config, week, spans.get(a.agent_id, []), prev.get(a.agent_id), breaks, clocks,
                                 weeks)
        if keep is not None:
            mine = keep.get(a.agent_id, set())
            cands = [c for c in cands if (c.local_date, c.start_m, c.paid_minutes) in mine]
        rm.candidates[a.agent_id] = cands
        rm.contracts[a.agent_id] = week_contract(a, week, config.team.home_timezone, leave.get(a.agent_id, []), weeks)
        rm.dates[a.agent_id] = agent_local_dates(a, week, config.team.home_timezone, weeks)
        rm.prev_dates[a.agent_id] = {pd.Timestamp(d).date() for d in prev[a.agent_id]["local_date"]} \
            if a.agent_id in prev else set()
        if a.agent_id in prev:
            starts = pd.to_datetime(prev[a.agent_id]["start_utc"], utc=True).dt.tz_convert(a.timezone)
            rm.prev_starts[a.agent_id] = {pd.Timestamp(d).date(): t.hour * 60 + t.minute
                                          for d, t in zip(prev[a.agent_id]["local_date"], starts)}
        for i, c in enumerate(cands):
            rm.x[a.agent_id, i] = rm.model.new_bool_var(f"shift[{a.agent_id},{c.local_date},{c.start_local_min},"
                                                        f"{c.paid_minutes},{c.break_m}]")
            rm.by_day.setdefault((a.agent_id, c.local_date), []).append(i)
        rm.profiles.setdefault(a.skill_profile, []).append(a.agent_id)
    rm.full_need = rm.need = demand(requirements, grid)
    carried = carried_intervals(previous, rm.agents, grid, config.team.interval_minutes)
    if carried:
        rm.carried, rm.need = carry_allocation(carried, rm.agents, rm.full_need, config)
    rm.previous_given = previous is not None
    rm.wishes = wishes_in_week(shift_requests, rm.dates)
    return rm
