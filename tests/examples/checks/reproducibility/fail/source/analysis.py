"""Summarise the stimuli (example code of a dgbot test repository)."""

print("analysis")
