"""Tests of the report formats (a package, so its conftest does not shadow tests/conftest.py)."""
