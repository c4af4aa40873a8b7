"""The agent-facing sheets: Schedule (agent x local day), Shifts (long table) and Fairness.

Every time on these sheets is wall-clock time in the agent's own zone, named beside the
agent; the Shifts sheet adds the UTC instants so that agents in different zones compare.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from planner import columns as C
from planner.agents import Agent
from planner.export.cells import (BOLD, DATE_FORMAT, DATETIME_FORMAT, HEADER, HOURS_FORMAT, NOTE, SHARE_FORMAT,
                                  TITLE, Look, Sheet)
from planner.errors import PlannerError
from planner.roster.result import RosterResult
from planner.timegrid import period_label, week_monday

# (label, first local start hour, fill colour) of the start bands, earliest first
START_BANDS = (("night", 0, "D9D2E9"), ("early", 6, "FFF2CC"), ("day", 9, "E2EFDA"),
               ("late", 12, "FCE4D6"), ("night", 20, "D9D2E9"))
DAY_OFF = Look(fill="EDEDED", color="7F7F7F", align="center")
LEAVE = Look(fill="DDEBF7", align="center")


def start_band(start: datetime) -> tuple[str, str]:
    """Return (band label, fill colour) of a shift by its local start time."""
    hour = start.hour + start.minute / 60
    label, fill = START_BANDS[0][0], START_BANDS[0][2]
    for name, first_hour, colour in START_BANDS:
        if hour >= first_hour:
            label, fill = name, colour
    return label, fill


def agent_index(agents: tuple[Agent, ...]) -> dict[str, Agent]:
    """Return the agents by id."""
    return {a.agent_id: a for a in agents}


def _local_naive(frame: pd.DataFrame, column: str, zones: pd.Series) -> pd.Series:
    """Return `column` (UTC instants) as naive wall-clock times in each row's zone."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    times = pd.to_datetime(frame[column], utc=True)
    for tz, idx in zones.groupby(zones).groups.items():
        out.loc[idx] = times.loc[idx].dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None).astype("datetime64[ns]")
    return out


def queues_served(shifts: pd.DataFrame, allocation: pd.DataFrame, interval_minutes: int) -> pd.Series:
    """Return per shift row the queues it serves with hours, e.g. "phone:en 6h, chat:en 1h"."""
    out = pd.Series("", index=shifts.index, dtype=object)
    if allocation is None or allocation.empty or shifts.empty:
        return out
    left = allocation[[C.INTERVAL_START, "agent_id", C.CHANNEL, C.LANGUAGE]].copy()
    left[C.INTERVAL_START] = pd.to_datetime(left[C.INTERVAL_START], utc=True)
    left["agent_id"] = left["agent_id"].astype(str)
    right = shifts[["agent_id", "start_utc", "end_utc"]].copy()
    right["agent_id"] = right["agent_id"].astype(str)
    right["start_utc"] = pd.to_datetime(right["start_utc"], utc=True)
    right["end_utc"] = pd.to_datetime(right["end_utc"], utc=True)
    right["shift_row"] = right.index
    joined = pd.merge_asof(left.sort_values(C.INTERVAL_START), right.sort_values("start_utc"),
                           left_on=C.INTERVAL_START, right_on="start_utc", by="agent_id", direction="backward")
    joined = joined[joined["shift_row"].notna() & (joined[C.INTERVAL_START] < joined["end_utc"])]
    if joined.empty:
        return out
    joined["queue"] = joined[C.CHANNEL].astype(str) + ":" + joined[C.LANGUAGE].astype(str)
    hours = joined.groupby(["shift_row", "queue"]).size().mul(interval_minutes / 60).rename("hours").reset_index()
    hours = hours.sort_values(["shift_row", "hours", "queue"], ascending=[True, False, True])
    text = hours.groupby("shift_row").apply(
        lambda g: ", ".join(f"{q} {h:g}h" for q, h in zip(g["queue"], g["hours"])), include_groups=False)
    out.loc[text.index.astype(int)] = text.values
    return out


def shift_table(roster: RosterResult, agents: tuple[Agent, ...], home_tz: str, interval_minutes: int) -> pd.DataFrame:
    """Return the roster's shifts with agent details, local wall-clock times and queues served.

    Added columns: name, team, timezone, agent_order, local_start, local_end, break_start_local,
    break_end_local (naive datetimes in the agent's zone), queues. The exports show one
    week: a roster of a longer planning period is refused rather than cut to its first week.
    """
    if roster.weeks != 1:
        raise PlannerError(f"the workbook and the agents' calendars show one week; this roster covers "
                           f"{period_label(roster.week, roster.weeks)} ({roster.weeks} weeks)")
    C.require_columns(roster.shifts, C.SHIFT_COLUMNS, "roster shifts")
    table = roster.shifts.reset_index(drop=True).copy()
    table["agent_id"] = table["agent_id"].astype(str)
    by_id = agent_index(agents)
    order = {a.agent_id: i for i, a in enumerate(agents)}
    table["name"] = [by_id[a].name if a in by_id else a for a in table["agent_id"]]
    table["team"] = [by_id[a].team if a in by_id else "" for a in table["agent_id"]]
    table["timezone"] = [by_id[a].timezone if a in by_id else home_tz for a in table["agent_id"]]
    table["agent_order"] = [order.get(a, len(order)) for a in table["agent_id"]]
    zones = table["timezone"]
    for col, local in (("start_utc", "local_start"), ("end_utc", "local_end"),
                       ("break_start_utc", "break_start_local"), ("break_end_utc", "break_end_local")):
        table[local] = _local_naive(table, col, zones)
    table["queues"] = queues_served(table, roster.allocation, interval_minutes)
    table = table.sort_values(["agent_order", "agent_id", "start_utc"], kind="stable").reset_index(drop=True)
    return table


def shift_text(local_date: date, start: datetime, end: datetime, break_start: datetime | None,
               break_end: datetime | None) -> str:
    """Return a shift as an agent reads it: "09:00-17:30 (break 12:00-13:00)", "(+1)" when it ends next day."""
    days_later = (end.date() - local_date).days
    end_text = f"{end:%H:%M}"
    if days_later == 1 and end_text == "00:00":
        days_later, end_text = 0, "24:00"
    text = f"{start:%H:%M}-{end_text}" + (f" (+{days_later})" if days_later > 0 else "")
    if break_start is not None and break_end is not None and not pd.isna(break_start):
        text += f" (break {break_start:%H:%M}-{break_end:%H:%M})"
    return text


def leave_days(time_off: pd.DataFrame | None, agents: tuple[Agent, ...], home_tz: str) -> dict[tuple[str, date], str]:
    """Return {(agent_id, local date): label} of approved leave.

    `time_off` has agent_id and either local_date, or start_utc/end_utc instants (every
    local day the leave touches counts); an optional `reason` column labels the cell.
    """
    if time_off is None or time_off.empty or "agent_id" not in time_off.columns:
        return {}
    zones = {a.agent_id: a.timezone for a in agents}
    out: dict[tuple[str, date], str] = {}
    reasons = time_off["reason"] if "reason" in time_off.columns else pd.Series("", index=time_off.index)
    for i, row in time_off.iterrows():
        agent_id = str(row["agent_id"])
        reason = reasons[i]
        label = f"Leave ({reason})" if isinstance(reason, str) and reason.strip() else "Leave"
        if "local_date" in time_off.columns and not pd.isna(row["local_date"]):
            out[(agent_id, pd.Timestamp(row["local_date"]).date())] = label
        elif {"start_utc", "end_utc"} <= set(time_off.columns):
            tz = ZoneInfo(zones.get(agent_id, home_tz))
            first = pd.Timestamp(row["start_utc"]).tz_convert(tz).date()
            last = (pd.Timestamp(row["end_utc"]) - pd.Timedelta(microseconds=1)).tz_convert(tz).date()
            day = first
            while day <= last:
                out[(agent_id, day)] = label
                day += timedelta(days=1)
    return out


def write_schedule(sheet: Sheet, table: pd.DataFrame, agents: tuple[Agent, ...], week: str, home_tz: str,
                   time_off: pd.DataFrame | None = None) -> None:
    """Write one row per agent and one column per local day: the shift in the agent's own time."""
    monday = week_monday(week)
    days = [monday + timedelta(days=i) for i in range(7)]
    extra = sorted({pd.Timestamp(d).date() for d in table["local_date"]} - set(days)) if len(table) else []
    days = sorted(days + extra)
    fixed = ["Agent ID", "Name", "Team", "Time zone", "Languages"]
    sheet.start([12, 24, 14, 20, 10] + [30] * len(days) + [10, 8], freeze="C3", header_rows=2)
    sheet.add([f"Schedule {week}: each shift in the agent's own local time (time zone beside the name); "
               f"colours show the start band, grey is a day off"], TITLE)
    sheet.add(fixed + [f"{d:%a %d %b}" for d in days] + ["Paid hours", "Shifts"], HEADER)
    cells: dict[tuple[str, date], list] = {}
    for r in table.itertuples(index=False):
        key = (r.agent_id, pd.Timestamp(r.local_date).date())
        cells.setdefault(key, []).append(r)
    leave = leave_days(time_off, agents, home_tz)
    known = [a.agent_id for a in agents]
    others = [a for a in dict.fromkeys(table["agent_id"]) if a not in set(known)]
    by_id = agent_index(agents)
    hours = table.groupby("agent_id")["paid_hours"].sum() if len(table) else pd.Series(dtype=float)
    counts = table.groupby("agent_id").size() if len(table) else pd.Series(dtype=int)
    for agent_id in known + others:
        agent = by_id.get(agent_id)
        values = [agent_id, agent.name if agent else agent_id, agent.team if agent else "",
                  agent.timezone if agent else home_tz, ";".join(agent.languages) if agent else ""]
        looks: list[Look | None] = [BOLD, BOLD, None, None, None]
        for day in days:
            worked = cells.get((agent_id, day))
            if worked:
                values.append("; ".join(shift_text(day, w.local_start, w.local_end, _none(w.break_start_local),
                                                   _none(w.break_end_local)) for w in worked))
                looks.append(Look(fill=start_band(worked[0].local_start)[1]))
            elif (agent_id, day) in leave:
                values.append(leave[(agent_id, day)])
                looks.append(LEAVE)
            else:
                values.append("Day off")
                looks.append(DAY_OFF)
        values += [float(hours.get(agent_id, 0.0)), int(counts.get(agent_id, 0))]
        looks += [Look(number_format=HOURS_FORMAT), None]
        sheet.add(values, looks)
    header_row, last_col = 2, len(fixed) + len(days) + 2
    sheet.filter(header_row, last_col)
    sheet.add()
    sheet.add(["Start bands (local time):"], NOTE)
    for name, first_hour, colour in START_BANDS[1:]:
        sheet.add([None, f"{name}: from {first_hour:02d}:00"], [None, Look(fill=colour)])
    sheet.add([None, "Day off"], [None, DAY_OFF])
    sheet.add([None, "Leave"], [None, LEAVE])


def _none(value):
    return None if value is None or pd.isna(value) else value


SHIFT_HEADERS = ["Agent ID", "Name", "Team", "Time zone", "Local date", "Local start", "Local end",
                 "Break start (local)", "Break end (local)", "UTC start", "UTC end", "Paid hours", "Queues served"]


def write_shifts(sheet: Sheet, table: pd.DataFrame, week: str) -> None:
    """Write the long table of shifts: real date/time cells, local (agent's zone) and UTC."""
    sheet.start([12, 24, 14, 20, 16, 17, 17, 17, 17, 17, 17, 10, 40], freeze="C3", header_rows=2)
    sheet.add([f"Shifts {week}: local date and times are in the agent's own time zone (column D); "
               f"UTC start/end are the same instants in UTC. Filter column A or B to find your week."], TITLE)
    sheet.add(SHIFT_HEADERS, HEADER)
    date_look, dt_look = Look(number_format=DATE_FORMAT), Look(number_format=DATETIME_FORMAT)
    looks = [None, None, None, None, date_look, dt_look, dt_look, dt_look, dt_look, dt_look, dt_look,
             Look(number_format=HOURS_FORMAT), None]
    utc_start = pd.to_datetime(table["start_utc"], utc=True).dt.tz_localize(None) if len(table) else []
    utc_end = pd.to_datetime(table["end_utc"], utc=True).dt.tz_localize(None) if len(table) else []
    for i, r in enumerate(table.itertuples(index=False)):
        sheet.add([r.agent_id, r.name, r.team, r.timezone, pd.Timestamp(r.local_date).date(), r.local_start,
                   r.local_end, _none(r.break_start_local), _none(r.break_end_local), utc_start.iloc[i],
                   utc_end.iloc[i], float(r.paid_hours), r.queues], looks)
    sheet.filter(2, len(SHIFT_HEADERS))


FAIRNESS_HEADERS = ["Agent ID", "Name", "Team", "Time zone", "Contract hours", "Paid hours", "Paid - contract",
                    "Shifts", "Night shifts", "Weekend shifts", "Late shifts", "Preferred start met",
                    "Wishes granted", "Wishes not granted"]


def write_fairness(sheet: Sheet, fairness: pd.DataFrame, agents: tuple[Agent, ...], week: str) -> None:
    """Write per agent: hours against contract, nights, weekends, late shifts, preferences and shift wishes met."""
    sheet.start([12, 24, 14, 20] + [11] * 10, freeze="C3", header_rows=2)
    sheet.add([f"Fairness {week}: hours, nights, weekends and late shifts per agent "
               f"(preferred start met: share of shifts, blank without a preference; wishes: "
               f"rosters/shift_requests.csv)"], TITLE)
    sheet.add(FAIRNESS_HEADERS, HEADER)
    C.require_columns(fairness, ["agent_id", "paid_hours", "shifts", "night_shifts", "weekend_shifts",
                                 "late_shifts", "preferred_start_met"], "evaluation fairness")
    by_id = agent_index(agents)
    rows = fairness.assign(agent_id=fairness["agent_id"].astype(str))
    order = {a.agent_id: i for i, a in enumerate(agents)}
    rows = rows.assign(_o=[order.get(a, len(order)) for a in rows["agent_id"]]).sort_values(["_o", "agent_id"])
    hours, count = Look(number_format=HOURS_FORMAT), Look(number_format="0")
    looks = [None, None, None, None, hours, hours, hours, count, count, count, count, Look(number_format=SHARE_FORMAT),
             count, count]
    for col in ("wishes_granted", "wishes_unmet"):  # absent from an evaluation made before shift wishes
        if col not in rows.columns:
            rows = rows.assign(**{col: None})
    for r in rows.itertuples(index=False):
        agent = by_id.get(r.agent_id)
        contract = agent.contract_hours if agent else None
        sheet.add([r.agent_id, agent.name if agent else r.agent_id, agent.team if agent else "",
                   agent.timezone if agent else "", contract, r.paid_hours,
                   (r.paid_hours - contract) if contract is not None else None, r.shifts, r.night_shifts,
                   r.weekend_shifts, r.late_shifts, r.preferred_start_met, r.wishes_granted, r.wishes_unmet], looks)
    sheet.filter(2, len(FAIRNESS_HEADERS))
