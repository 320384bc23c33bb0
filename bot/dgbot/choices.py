"""What the command line offers, named where nothing heavy must be imported to read it."""

from __future__ import annotations

# Report formats (dgbot.render.report) and the file each is written to in a report folder
# (GitLab's template expects these names).
REPORT_FILES = {
    "text": "report.txt",
    "json": "verdict.json",
    "markdown": "report.md",
    "junit": "junit.xml",
    "codequality": "gl-code-quality-report.json",
    "sarif": "dgbot.sarif",
    "status": "status.json",
}
REPORTS = tuple(REPORT_FILES)

# RDA maDMP versions dgbot exports (dgbot.dmp.export).
STANDARDS = ("1.1", "1.2")
