"""The roster rules: one function per rule, each adding its constraints or penalty terms.

Hard rules add constraints and return nothing; soft rules append (coefficient, expression)
terms to `rm.penalties`. Availability, approved time off, fixed days off and night
work are hard rules applied earlier, when candidate shifts are generated
(planner.roster.shifts); rest and one shift per day against last week's roster too.

A model plans a planning period of rm.weeks ISO weeks (one by default). Contract hours
and days are weekly figures, averaged over the period (rm.contracts holds the period's
totals); max_shifts_of_type counts per period; max_weekend_days per weekend; every
day-by-day rule (consecutive days, rest, successions, blocks, duty cover, wishes) runs
over every day of the period, and "last week" means the roster before the period.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from planner.roster.fairness import penalise_unfair_late_shifts, penalise_unfair_weekends
from planner.roster.model import RosterModel

HARD_RULES = ("one_shift_per_day", "min_rest", "weekly_hours", "days_per_week", "max_consecutive_days")
# hard rules that are off unless planner.toml or the agent's row in agents.csv sets them
OPTIONAL_HARD_RULES = ("forbidden_successions", "max_weekend_days", "max_shifts_of_type", "min_consecutive_days",
                       "min_consecutive_days_off", "max_working_weekends")


def add_one_shift_per_day(rm: RosterModel, agent_ids=None) -> None:
    """An agent works at most one shift per local calendar day."""
    for (aid, _day), idx in rm.by_day.items():
        if (agent_ids is None or aid in agent_ids) and len(idx) > 1:
            rm.model.add_at_most_one(rm.x[aid, i] for i in idx)


def add_min_rest(rm: RosterModel, agent_ids=None) -> None:
    """Consecutive shifts of an agent are at least rules.min_rest_hours apart (end to start)."""
    rest = int(round(rm.config.rules.min_rest_hours * 60))
    for aid in rm.candidates if agent_ids is None else agent_ids:
        cands = rm.candidates[aid]
        days = sorted({c.local_date for c in cands})
        for j, later in enumerate(days):
            later_idx = rm.by_day[aid, later]
            first_start = min(cands[i].start_m for i in later_idx)
            for earlier in days[:j]:
                early_idx = rm.by_day[aid, earlier]
                if max(cands[i].end_m for i in early_idx) + rest <= first_start:
                    continue  # no shift of the earlier day can come too close
                # if both days are worked: start(later) - end(earlier) >= rest
                start = sum(cands[i].start_m * rm.x[aid, i] for i in later_idx)
                end = sum(cands[i].end_m * rm.x[aid, i] for i in early_idx)
                rm.model.add(start - end >= rest).only_enforce_if([rm.works(aid, earlier), rm.works(aid, later)])


def add_weekly_hours(rm: RosterModel, agent_ids=None) -> None:
    """Paid hours of the period lie within weeks x the agent's weekly [min_hours, max_hours], less approved leave."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        contract = rm.contracts[aid]
        paid = sum(c.paid_minutes * rm.x[aid, i] for i, c in enumerate(rm.candidates[aid]))
        rm.model.add(paid >= contract.min_minutes)
        rm.model.add(paid <= contract.max_minutes)


def add_days_per_week(rm: RosterModel, agent_ids=None) -> None:
    """An agent with a days_per_week contract works weeks x that many days in the period, less whole days of leave."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        days = rm.contracts[aid].days
        if days is not None:
            rm.model.add(sum(rm.x[aid, i] for i in range(len(rm.candidates[aid]))) == days)


def add_max_consecutive_days(rm: RosterModel, agent_ids=None) -> None:
    """No more than max_consecutive_days (agent's, else team's) working days in a row, counting last week's roster."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        m = rm.limits(aid).max_consecutive_days
        dates = rm.dates[aid]
        if not dates:
            continue
        prev = rm.prev_dates.get(aid, set())
        first = dates[0] - timedelta(days=m)
        while first <= dates[-1]:
            window = [first + timedelta(days=k) for k in range(m + 1)]
            fixed = sum(1 for d in window if d in prev)
            free = [d for d in window if (aid, d) in rm.by_day]
            if free and fixed + len(free) > m:
                rm.model.add(sum(rm.work(aid, d) for d in free) <= m - fixed)
            first += timedelta(days=1)


def add_forbidden_successions(rm: RosterModel, agent_ids=None) -> None:
    """No shift of type b on the local day after a shift of type a, per (a, b) in rules.forbidden_successions (also after last week)."""
    rules = rm.config.rules
    if not rules.forbidden_successions:
        return
    for aid in rm.candidates if agent_ids is None else agent_ids:
        kind = [rm.kind(aid, i) for i in range(len(rm.candidates[aid]))]
        for day in rm.dates[aid]:
            today, tomorrow = rm.by_day.get((aid, day), []), rm.by_day.get((aid, day + timedelta(days=1)), [])
            for first, then in rules.forbidden_successions:
                a = [rm.x[aid, i] for i in today if kind[i] == first]
                b = [rm.x[aid, j] for j in tomorrow if kind[j] == then]
                if a and b:
                    rm.model.add(sum(a) + sum(b) <= 1)
        for day, start_min in rm.prev_starts.get(aid, {}).items():
            first = rules.shift_type(start_min)
            for j in rm.by_day.get((aid, day + timedelta(days=1)), []):
                if (first, kind[j]) in rules.forbidden_successions:
                    rm.model.add(rm.x[aid, j] == 0)


def _weekends(rm: RosterModel, aid: str) -> dict[date, list[date]]:
    """Return the agent's local weekend days it could work, by the weekend's Saturday."""
    weekends: dict = defaultdict(list)
    for day in rm.dates[aid]:
        if day.weekday() >= 5 and (aid, day) in rm.by_day:
            weekends[day - timedelta(days=day.weekday() - 5)].append(day)
    return weekends


def add_max_weekend_days(rm: RosterModel, agent_ids=None) -> None:
    """At most max_weekend_days (agent's, else team's) days worked of each local weekend (Saturday and Sunday)."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        limit = rm.limits(aid).max_weekend_days
        if limit is None:
            continue
        for days in _weekends(rm, aid).values():
            if len(days) > limit:
                rm.model.add(sum(rm.work(aid, d) for d in days) <= limit)


def add_max_working_weekends(rm: RosterModel, agent_ids=None) -> None:
    """At most max_working_weekends (agent's, else team's) weekends worked in the period (Saturday or Sunday, local)."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        limit = rm.limits(aid).max_working_weekends
        if limit is None:
            continue
        weekends = _weekends(rm, aid)
        if len(weekends) <= limit:
            continue
        worked = []
        for saturday, days in sorted(weekends.items()):
            v = rm.model.new_bool_var(f"works_weekend[{aid},{saturday}]")
            for d in days:
                rm.model.add(rm.work(aid, d) <= v)
            worked.append(v)
        rm.model.add(sum(worked) <= limit)


def add_max_shifts_of_type(rm: RosterModel, agent_ids=None) -> None:
    """At most n shifts of a type per agent and planning period, per (type, n) in max_shifts_of_type (own, else team's)."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        limits = rm.limits(aid).max_shifts_of_type
        kind = [rm.kind(aid, i) for i in range(len(rm.candidates[aid]))] if limits else []
        for name, limit in limits:
            own = [rm.x[aid, i] for i, k in enumerate(kind) if k == name]
            if len(own) > limit:
                rm.model.add(sum(own) <= limit)


def _timeline(rm: RosterModel, aid: str, back: int) -> tuple[list, int]:
    """Return the agent's days as 0, 1 or a 0/1 variable, and the index of the period's first day.

    With the previous roster given, `back` days of it (worked = 1) come first; days
    without candidate shifts are 0, days already worked before (a zone offset) 1.
    """
    dates, prev = rm.dates[aid], rm.prev_dates.get(aid, set())
    days: list = []
    if rm.previous_given and dates:
        days = [int(dates[0] - timedelta(days=k) in prev) for k in range(back, 0, -1)]
    first = len(days)
    for d in dates:
        days.append(1 if d in prev else rm.works(aid, d) if (aid, d) in rm.by_day else 0)
    return days, first


def _forbid(rm: RosterModel, days: list, pattern: list[tuple[int, int]]) -> None:
    """Forbid the days at the given positions taking the given 0/1 values all together."""
    lhs, rhs, free = 0, -1, False
    for pos, value in pattern:
        day = days[pos]
        if isinstance(day, int):
            if day != value:
                return  # the pattern cannot happen
            continue
        free = True
        lhs, rhs = (lhs + day, rhs + 1) if value else (lhs - day, rhs)
    if free:  # a pattern fixed by last week alone is not this week's to change
        rm.model.add(lhs <= rhs)


def _forbid_short_blocks(rm: RosterModel, aid: str, value: int, shortest: int) -> None:
    """Forbid blocks of `value` days (1 worked, 0 off) shorter than `shortest` that end inside the period.

    A block touching the end of the period is free (it may go on after it); one touching
    its start is judged with the previous roster when given, and is free otherwise.
    """
    if shortest <= 1 or not rm.dates.get(aid):
        return
    days, first = _timeline(rm, aid, shortest)
    for start in range(1, len(days)):  # the block starts at `start`; the day before has the other value
        for length in range(1, shortest):
            end = start + length  # the first day after the block
            if end >= len(days):
                break
            if end - 1 >= first:  # the block holds a day of the period
                _forbid(rm, days, [(start - 1, 1 - value)] + [(start + k, value) for k in range(length)]
                        + [(end, 1 - value)])


def add_min_consecutive_days(rm: RosterModel, agent_ids=None) -> None:
    """Each block of working days is at least min_consecutive_days (the agent's, else the team's) long."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        _forbid_short_blocks(rm, aid, 1, rm.limits(aid).min_consecutive_days)


def add_min_consecutive_days_off(rm: RosterModel, agent_ids=None) -> None:
    """Each block of days off is at least min_consecutive_days_off (the agent's, else the team's) long."""
    for aid in rm.candidates if agent_ids is None else agent_ids:
        _forbid_short_blocks(rm, aid, 0, rm.limits(aid).min_consecutive_days_off)


def add_coverage(rm: RosterModel) -> None:
    """Each working agent serves one of its queues per interval; shortfall costs convexly, surplus linearly."""
    w = rm.config.rules.weights
    working: dict[tuple, list] = defaultdict(list)
    for aid, cands in rm.candidates.items():
        prof = rm.agents[aid].skill_profile
        for i, c in enumerate(cands):
            for t in c.intervals:
                working[prof, t].append(rm.x[aid, i])
    covered: dict[tuple, list] = defaultdict(list)
    for (prof, t), xs in sorted(working.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(prof) == 1:
            rm.alloc[prof, prof[0], t] = expr = cp_model.LinearExpr.sum(xs)
            covered[prof[0], t].append(expr)
            continue
        parts = []
        for q in prof:
            v = rm.model.new_int_var(0, len(xs), f"alloc[{'|'.join(map(':'.join, prof))},{':'.join(q)},{t}]")
            rm.alloc[prof, q, t] = v
            covered[q, t].append(v)
            parts.append(v)
        rm.model.add(cp_model.LinearExpr.sum(parts) == cp_model.LinearExpr.sum(xs))
    keys = sorted(set(covered) | set(rm.need))
    for q, t in keys:
        cov = cp_model.LinearExpr.sum(covered.get((q, t), []))
        need = rm.need.get((q, t), 0)
        prio = rm.config.channels[q[0]].priority if q[0] in rm.config.channels else 1.0
        if need <= 0:
            if covered.get((q, t)):
                rm.penalties.append((rm.cost(w.surplus), cov))
            continue
        pieces = []
        for k in range(1, min(need, 3) + 1):  # the k-th agent short costs k x weight
            s = rm.model.new_bool_var(f"short{k}[{':'.join(q)},{t}]")
            pieces.append(s)
            rm.penalties.append((rm.cost(w.shortfall * prio * k), s))
        if need > 3:
            s = rm.model.new_int_var(0, need - 3, f"short4+[{':'.join(q)},{t}]")
            pieces.append(s)
            rm.penalties.append((rm.cost(w.shortfall * prio * 4), s))
        for k, (a, b) in enumerate(zip(pieces, pieces[1:])):  # fill the pieces in order
            rm.model.add(b <= a * (need - 3 if k == 2 else 1))
        rm.short_vars[q, t] = pieces
        if covered.get((q, t)):
            surplus = rm.model.new_int_var(0, len(rm.agents), f"surplus[{':'.join(q)},{t}]")
            rm.surplus_vars[q, t] = surplus
            rm.penalties.append((rm.cost(w.surplus), surplus))
            rm.model.add(cov + sum(pieces) - surplus == need)
        else:  # nobody can serve it: the whole need is short (the last piece takes all beyond 3)
            for k, s in enumerate(pieces):
                rm.model.add(s == (need - 3 if k == 3 else 1))


def penalise_duty_cover(rm: RosterModel) -> None:
    """Staff shift types per local day as rules.duty_cover asks: each person under (over) costs weight_under (_over)."""
    rules = rm.config.rules
    if not rules.duty_cover:
        return
    kinds = {aid: [rm.kind(aid, i) for i in range(len(cands))] for aid, cands in rm.candidates.items()}
    for day in rm.period_dates():
        for e in rules.duty_cover_on(day):
            xs = [rm.x[aid, i] for aid in sorted(rm.candidates) if e.counts(rm.agents[aid].skills)
                  for i in rm.by_day.get((aid, day), []) if kinds[aid][i] == e.shift_type]
            name = f"{day},{e.shift_type},{e.who or 'all'}"
            under = over = None
            if e.staff > 0 and e.weight_under > 0:
                under = rm.model.new_int_var(0, e.staff, f"duty_under[{name}]")
                rm.model.add(sum(xs) + under >= e.staff)
                rm.penalties.append((rm.cost(e.weight_under), under))
            if len(xs) > e.staff and e.weight_over > 0:
                over = rm.model.new_int_var(0, len(xs) - e.staff, f"duty_over[{name}]")
                rm.model.add(sum(xs) - over <= e.staff)
                rm.penalties.append((rm.cost(e.weight_over), over))
            rm.duty_vars[day, e.shift_type, e.who] = (under, over)


def duty_cover_entries(rm: RosterModel) -> list[tuple[int, int, int, frozenset]]:
    """Return rules.duty_cover over the period as (staff, cost per person under, per person over, counted
    (agent, candidate) pairs) per entry and day: the terms of penalise_duty_cover, for scoring without the solver."""
    rules = rm.config.rules
    out = []
    if not rules.duty_cover:
        return out
    for day in rm.period_dates():
        for e in rules.duty_cover_on(day):
            pairs = frozenset((aid, i) for aid in rm.candidates if e.counts(rm.agents[aid].skills)
                              for i in rm.by_day.get((aid, day), []) if rm.kind(aid, i) == e.shift_type)
            under = rm.cost(e.weight_under) if e.staff > 0 and e.weight_under > 0 else 0
            over = rm.cost(e.weight_over) if len(pairs) > e.staff and e.weight_over > 0 else 0
            out.append((e.staff, under, over, pairs))
    return out


def penalise_unmet_wishes(rm: RosterModel) -> None:
    """Grant shift wishes: an unmet wish to work a shift (type), or a met wish not to, costs the wish's weight."""
    for w in rm.wishes:
        idx = [i for i in rm.by_day.get((w.agent_id, w.local_date), [])
               if w.shift_type is None or rm.kind(w.agent_id, i) == w.shift_type]
        worked = sum(rm.x[w.agent_id, i] for i in idx)
        if w.on:
            rm.penalties.append((rm.cost(w.weight), 1 - worked))  # a constant cost when it cannot be granted
        elif idx:
            rm.penalties.append((rm.cost(w.weight), worked))


def penalise_split_days_off(rm: RosterModel) -> None:
    """Prefer days off together: each lone day off between two working days costs weights.days_off_together."""
    weight = rm.config.rules.weights.days_off_together
    if not rm.config.rules.days_off_together or weight <= 0:
        return
    for aid, dates in rm.dates.items():
        for d0, d1, d2 in zip(dates, dates[1:], dates[2:]):
            if (aid, d0) in rm.by_day and (aid, d2) in rm.by_day:
                z = rm.model.new_bool_var(f"lone_day_off[{aid},{d1}]")
                rm.model.add(rm.work(aid, d0) - rm.work(aid, d1) + rm.work(aid, d2) - 1 <= z)
                rm.penalties.append((rm.cost(weight), z))


def penalise_unstable_starts(rm: RosterModel) -> None:
    """Prefer stable start times: each hour a day's start is away from the agent's usual start costs weights.stable_start."""
    weight = rm.config.rules.weights.stable_start
    if weight <= 0:
        return
    big = 1440
    for aid, cands in rm.candidates.items():
        days = sorted({c.local_date for c in cands})
        if len(days) < 2:
            continue
        anchor = rm.model.new_int_var(0, 1439, f"usual_start[{aid}]")
        for d in days:
            idx = rm.by_day[aid, d]
            start = sum(cands[i].start_local_min * rm.x[aid, i] for i in idx)
            worked = sum(rm.x[aid, i] for i in idx)
            dev = rm.model.new_int_var(0, big, f"start_change[{aid},{d}]")
            rm.model.add(dev >= start - anchor - big * (1 - worked))
            rm.model.add(dev >= anchor - start - big * (1 - worked))
            rm.penalties.append((rm.cost(weight / 60), dev))


def penalise_preferred_start(rm: RosterModel) -> None:
    """Prefer the agent's preferred start: each hour away costs weights.preferred_start."""
    weight = rm.config.rules.weights.preferred_start
    if weight <= 0:
        return
    for aid, cands in rm.candidates.items():
        pref = rm.agents[aid].preferred_start
        if pref is None:
            continue
        p = pref.hour * 60 + pref.minute
        for i, c in enumerate(cands):
            off = abs(c.start_local_min - p)
            off = min(off, 1440 - off)
            if off:
                rm.penalties.append((rm.cost(weight * off / 60), rm.x[aid, i]))


def add_hard_rules(rm: RosterModel, agent_ids=None, skip: tuple[str, ...] = ()) -> None:
    """Add every hard rule (except those named in `skip`) for the given agents (default: all)."""
    rules = {"one_shift_per_day": add_one_shift_per_day, "min_rest": add_min_rest,
             "weekly_hours": add_weekly_hours, "days_per_week": add_days_per_week,
             "max_consecutive_days": add_max_consecutive_days,
             "forbidden_successions": add_forbidden_successions, "max_weekend_days": add_max_weekend_days,
             "max_shifts_of_type": add_max_shifts_of_type, "min_consecutive_days": add_min_consecutive_days,
             "min_consecutive_days_off": add_min_consecutive_days_off,
             "max_working_weekends": add_max_working_weekends}
    for name in HARD_RULES + OPTIONAL_HARD_RULES:
        if name not in skip:
            rules[name](rm, agent_ids)


def add_soft_rules(rm: RosterModel) -> None:
    """Add coverage and every soft rule's penalty terms."""
    add_coverage(rm)
    penalise_duty_cover(rm)
    penalise_unmet_wishes(rm)
    penalise_split_days_off(rm)
    penalise_unstable_starts(rm)
    penalise_preferred_start(rm)
    penalise_unfair_weekends(rm)
    penalise_unfair_late_shifts(rm)
