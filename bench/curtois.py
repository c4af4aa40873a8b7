"""Curtois & Qu benchmark: solve chosen instances and compare with the best known.

Reads ../shared/data/curtois_qu/ (Curtois & Qu, "Shift Scheduling Benchmark Data",
schedulingbenchmarks.org; best_known.csv holds the 2014 comparison table), solves each
instance and scores the roster again with the independent penalty calculator, which must
agree with the solver's objective. Two engines:
- `--engine direct` (default): planner.roster.curtois.solve_instance, the instance's own
  CP-SAT model: column generation for the bound and an LP-guided search, then
  large-neighbourhood search;
- `--engine planner`: the instance written as a planner workspace (planner.toml,
  agents.csv, time_off.csv, shift_requests.csv; planner.roster.curtois_workspace) and
  rostered by planner's own build_roster over a planning period of the horizon's weeks.

    /tmp/venv/bin/python bench/curtois.py 1 2 3 --time-limit 60 --workers 2
    /tmp/venv/bin/python bench/curtois.py 4-12 --time-limit 300
    /tmp/venv/bin/python bench/curtois.py 1-3 --engine planner --time-limit 60

Prints: instance, size (days x staff x shift types), our objective, independent penalty,
best known, gap to best known (%), proven bound, wall time (s), status, hard violations;
progress lines (objective, bound, gap, time) go to stderr unless --quiet.
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from planner.errors import PlannerError
from planner.roster.curtois import penalty, read_instance, solve_instance
from planner.roster.curtois_workspace import solve_with_planner

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "curtois_qu"


def _numbers(items: list[str]) -> list[int]:
    out: list[int] = []
    for item in items:
        if "-" in item:
            lo, hi = item.split("-")
            out += range(int(lo), int(hi) + 1)
        else:
            out.append(int(item))
    return out


def best_known(folder: Path) -> dict[str, int]:
    """Return best known objective per instance name from best_known.csv (blank rows skipped)."""
    with open(folder / "best_known.csv", newline="") as fh:
        return {r["instance"]: int(r["best_known_2014"]) for r in csv.DictReader(fh) if r["best_known_2014"]}


def _progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances", nargs="+", help="instance numbers or ranges, e.g. 1 2 3 or 4-12")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--engine", choices=("direct", "planner"), default="direct",
                        help="the instance's own model (direct) or planner's build_roster on its workspace")
    args = parser.parse_args(argv)
    if not (args.data / "best_known.csv").is_file():
        print(f"benchmark data not found at {args.data} (no best_known.csv there)", file=sys.stderr)
        return 2
    best = best_known(args.data)
    header = f"{'instance':<11}{'size':>12}{'ours':>8}{'penalty':>9}{'best':>7}{'gap%':>8}{'bound':>8}{'time_s':>8}  status"
    print(f"engine {args.engine}, time limit {args.time_limit:g} s, {args.workers} workers, seed {args.seed}; "
          f"started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    print(header)
    for n in _numbers(args.instances):
        name = f"Instance{n}"
        inst = read_instance(args.data / f"{name}.txt")
        size = f"{inst.horizon_days}x{len(inst.staff)}x{len(inst.shifts)}"
        ref = best.get(name)
        progress = None if args.quiet else _progress
        started = time.perf_counter()
        try:
            if args.engine == "planner":
                with tempfile.TemporaryDirectory(prefix=f"{name}.") as folder:
                    out = solve_with_planner(inst, folder, args.time_limit, args.workers, args.seed, progress)
            else:
                out = solve_instance(inst, args.time_limit, args.workers, args.seed, progress=progress)
        except PlannerError as exc:
            print(f"{name:<11}{size:>12}{'-':>8}{'-':>9}{ref if ref is not None else '-':>7}{'-':>8}{'-':>8}"
                  f"{args.time_limit:>8.0f}  {exc}", flush=True)
            continue
        wall = time.perf_counter() - started
        pb = penalty(inst, out.assignment)
        gap = f"{100 * (out.objective - ref) / ref:.2f}" if ref else "-"
        note = "" if abs(pb.total - out.objective) < 1e-6 else "  PENALTY MISMATCH"
        note += f"  {len(pb.hard_violations)} HARD VIOLATIONS" if pb.hard_violations else ""
        print(f"{name:<11}{size:>12}{out.objective:>8g}{pb.total:>9}{ref if ref is not None else '-':>7}{gap:>8}"
              f"{out.bound:>8g}{wall:>8.1f}  {out.status}{note}", flush=True)
    print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
