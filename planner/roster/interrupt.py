"""Ctrl-C during a roster solve: stop the search, keep the best roster found so far.

CP-SAT's own SIGINT handling stops only the search running at that moment; the roster
is built in several phases, so a manager pressing Ctrl-C would wait for the next one.
Here the solve runs in a worker thread while the main thread waits and keeps Python's
signal handling alive: Ctrl-C asks the running search to stop, marks the build as
interrupted (later phases are skipped) and the best roster found so far is returned.
A second Ctrl-C raises KeyboardInterrupt as usual.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model


def new_solver() -> cp_model.CpSolver:
    """Return a CpSolver that leaves SIGINT to Python.

    CP-SAT's own handler (catch_sigint_signal, on by default) resets SIGINT to the
    default action when its solve ends, so a later Ctrl-C would kill the process
    without a word; every roster solve is made with this instead.
    """
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


class StopFlag:
    """Whether the user asked the current roster build to stop, and the search to stop when asked."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        """Ask the running search (if any) to stop and skip the phases after it."""
        self.requested = True

    def solve(self, solver: cp_model.CpSolver, model: cp_model.CpModel,
              callback: cp_model.CpSolverSolutionCallback | None = None) -> int:
        """Solve `model`; a stop request ends the search early with its best solution (status FEASIBLE)."""
        if self.requested:  # no search, but a response to read (bound, time) like any other solve
            solver.parameters.max_time_in_seconds = 0.0
            solver.parameters.max_deterministic_time = 0.0
            solver.parameters.catch_sigint_signal = False
            return solver.solve(model)
        if threading.current_thread() is not threading.main_thread():
            return solver.solve(model, callback)  # no signals off the main thread: nothing to watch for
        solver.parameters.catch_sigint_signal = False  # the handler of stop_on_interrupt() does it
        result: dict[str, int | BaseException] = {}

        def run() -> None:
            # SIGINT blocked here and in the solver threads this thread starts: Ctrl-C always reaches
            # the main thread, whose loop below stops the search (calling stop_search from inside
            # the signal handler while a solution callback ran aborted the process now and then)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                result["status"] = solver.solve(model, callback)
            except BaseException as exc:  # pragma: no cover - re-raised in the caller's thread
                result["error"] = exc

        worker = threading.Thread(target=run, name="cp-sat", daemon=True)
        worker.start()
        stopped = False
        while worker.is_alive():
            worker.join(0.1)  # short waits keep Python's signal handlers running in this thread
            if self.requested and not stopped:  # asked from here, not from inside the signal handler
                solver.stop_search()
                stopped = True
        if "error" in result:
            raise result["error"]  # type: ignore[misc]
        return result["status"]  # type: ignore[return-value]


@contextmanager
def stop_on_interrupt() -> Iterator[StopFlag]:
    """Install a Ctrl-C handler for the block: the first press stops the search, a second one aborts."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame) -> None:
        if flag.requested:
            raise KeyboardInterrupt
        flag.request()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
