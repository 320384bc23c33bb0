"""`dgbot ci`: the governance pipeline of a CI job, and what each CI runner gets from it."""
