"""planner: workforce planning for support teams (forecast, staffing, roster, export)."""
__version__ = "0.1.0"
