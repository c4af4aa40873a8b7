"""What-if scenarios: changes to the base plan, runs at three depths, comparisons and their output.

See planner.scenario.change (flag syntax), planner.scenario.file (scenario files),
planner.scenario.sweep (sweeps) and planner.scenario.compare (the depths).
"""
from planner.scenario.apply import apply_scenario
from planner.scenario.change import AgentProfile, Change, Scenario, When, parse_change, scenario_from_flags
from planner.scenario.compare import DEPTHS, Comparison, whatif_evaluate, whatif_requirements, whatif_reroster
from planner.scenario.file import read_scenario, scenario_from_dict
from planner.scenario.report import (comparison_frame, render_comparison, sensitivity, write_comparison_csv,
                                     write_scenario_workbook)
from planner.scenario.run import run_whatif
from planner.scenario.sweep import Sweep, parse_sweep, sweep_scenarios

__all__ = ["AgentProfile", "Change", "Comparison", "DEPTHS", "Scenario", "Sweep", "When", "apply_scenario",
           "comparison_frame", "parse_change", "parse_sweep", "read_scenario", "render_comparison", "run_whatif",
           "scenario_from_dict", "scenario_from_flags", "sensitivity", "sweep_scenarios", "whatif_evaluate",
           "whatif_requirements", "whatif_reroster", "write_comparison_csv", "write_scenario_workbook"]
