"""Weekly rosters: candidate shifts, the CP-SAT model, solving, checking and evaluation."""
