"""Ctrl-C while a roster is being solved returns the best roster so far, checked and complete."""
from __future__ import annotations

import os
import signal
import threading
import time
from datetime import time as clock

import numpy as np
import pytest

from planner.roster import build_roster, check_roster
from planner.roster.interrupt import stop_on_interrupt
from test_roster_helpers import make_agent, make_config, make_requirements

WEEK = "2026-W49"
BERLIN = "Europe/Berlin"
QUEUES = (("phone", "en"), ("chat", "en"), ("phone", "de"))

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="signals are delivered to the main thread only")


def busy_week():
    """A 20-agent week with breaks that CP-SAT does not finish in a minute."""
    agents = tuple(make_agent(f"a{i:02d}", skills=QUEUES[: 1 + i % 3], min_hours=32, max_hours=40, days=5,
                              start=clock(6), end=clock(23)) for i in range(20))
    rng = np.random.default_rng(0)
    need = lambda t, q: int(rng.integers(1, 4)) if 7 <= t.tz_convert(BERLIN).hour < 22 else 0
    cfg = make_config(time_limit=120, shift_hours=(8.0, 9.0), break_minutes=60, break_min_shift_hours=6.0)
    return agents, cfg, make_requirements(WEEK, BERLIN, need, QUEUES)


def test_ctrl_c_keeps_the_best_roster_so_far():
    agents, cfg, req = busy_week()
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if line.startswith("roster #1:"):  # the first improving roster: press Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)  # sent from inside a solver thread, the hardest case

    started = time.perf_counter()
    roster = build_roster(req, agents, cfg, WEEK, progress=progress)
    elapsed = time.perf_counter() - started
    assert roster.settings["interrupted"] is True
    assert any("interrupted" in line for line in lines)
    assert elapsed < 60, elapsed  # well before the 120 s limit (and its deterministic budget)
    assert roster.status == "FEASIBLE" and np.isfinite(roster.objective)
    assert len(roster.shifts) == 5 * len(agents)  # every contract honoured: a whole roster, not a partial one
    assert check_roster(roster, agents, cfg, requirements=req).empty


def test_a_second_ctrl_c_aborts():
    with pytest.raises(KeyboardInterrupt):
        with stop_on_interrupt() as stop:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # let the handler run
            assert stop.requested
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)


def test_the_previous_handler_is_restored():
    before = signal.getsignal(signal.SIGINT)
    with stop_on_interrupt():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


def test_after_a_stop_request_no_search_runs_but_the_response_reads():
    from ortools.sat.python import cp_model

    from planner.roster.interrupt import StopFlag

    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    model.minimize(x)
    flag = StopFlag()
    flag.request()
    solver = cp_model.CpSolver()
    assert flag.solve(solver, model) == cp_model.UNKNOWN
    assert solver.wall_time < 1.0 and solver.best_objective_bound <= 0
