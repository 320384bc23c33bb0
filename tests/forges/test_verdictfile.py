"""Reading verdict JSON back: the same Verdict, or every problem located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgbot.dmp.verdictfile import VerdictFileError, load_verdict
from dgbot.render import render_json
from forges import verdicts


@pytest.mark.parametrize(
    "verdict", [verdicts.failing(repro=True), verdicts.passing(), verdicts.many_findings(30)], ids=str
)
def test_round_trip(verdict: object, tmp_path: Path) -> None:
    path = tmp_path / "verdict.json"
    path.write_text(render_json(verdict), encoding="utf-8")  # type: ignore[arg-type]
    assert load_verdict(path) == verdict


def _refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "verdict.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VerdictFileError) as refused:
        load_verdict(path, "verdict.json")
    assert refused.value.exit_code == 1
    return str(refused.value)


def test_every_schema_error_is_located(tmp_path: Path) -> None:
    data = json.loads(render_json(verdicts.failing()))
    data["checks"][0]["findings"][0]["severity"] = "fatal"
    data["checks"][1]["findings"][0]["line"] = 0
    del data["counts"]
    message = _refused(tmp_path, json.dumps(data, indent=2))
    assert "verdict.json:1:1 $: " in message and "counts" in message
    assert "$.checks[0].findings[0].severity" in message and "$.checks[1].findings[0].line" in message


def test_a_status_that_contradicts_the_findings_is_refused(tmp_path: Path) -> None:
    data = json.loads(render_json(verdicts.failing()))
    data["checks"][1]["status"] = "success"
    data["counts"]["error"] = 0
    message = _refused(tmp_path, json.dumps(data, indent=2))
    assert "$.checks[1].status: says 'success' but its findings make it 'failure'" in message
    assert "$.counts: the counts do not match" in message


def test_not_json_not_utf8_missing(tmp_path: Path) -> None:
    assert "verdict.json:2:1: invalid JSON" in _refused(tmp_path, '{"status":\n')
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(VerdictFileError, match="not UTF-8"):
        load_verdict(path)
    with pytest.raises(VerdictFileError, match="cannot read the file"):
        load_verdict(tmp_path / "absent.json")
