"""Weekly rosters: candidate shifts, the CP-SAT model, solving, checking and evaluation."""
from planner.roster.check import check_roster
from planner.roster.diagnose import diagnose, explain_infeasibility
from planner.roster.evaluate import evaluate_roster
from planner.roster.io import read_roster, write_roster
from planner.roster.result import Evaluation, RosterResult
from planner.roster.solve import build_roster

__all__ = ["build_roster", "check_roster", "diagnose", "evaluate_roster", "explain_infeasibility",
           "read_roster", "write_roster", "RosterResult", "Evaluation"]
