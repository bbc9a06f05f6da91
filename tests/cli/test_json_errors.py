"""With `--format json`, errors are JSON on stderr too: a script that parses seolog's output
never has to parse prose, whichever way the command failed."""

from __future__ import annotations

import json

import pytest

from seolog.cli.app import wants_json
from seolog.errors import ExitCode


def _error(stderr: str) -> dict:
    (line,) = stderr.strip().splitlines()  # one object, one line
    return json.loads(line)["error"]


def test_an_unknown_code_is_a_json_error_with_its_exit_code_and_hint(cli):
    r = cli("checks", "explain", "title-too-lng", "--format", "json")
    assert r.exit_code != 0 and r.stdout == ""
    error = _error(r.stderr)
    assert error["exit_code"] == r.exit_code
    assert "title-too-lng" in error["message"] and error["hint"]


def test_a_bad_flag_is_a_json_error_with_exit_2(cli):
    r = cli("scans", "list", "--format", "json", "--no-such-flag")
    assert r.exit_code == ExitCode.USAGE
    error = _error(r.stderr)
    assert error == {"message": "No such option: --no-such-flag", "hint": None, "exit_code": 2}


def test_an_unknown_site_in_a_scan_is_a_json_error(cli):
    r = cli("scan", "no-such-site", "-f", "json")
    error = _error(r.stderr)
    assert r.exit_code not in (0, ExitCode.INTERNAL) and error["exit_code"] == r.exit_code
    assert "no-such-site" in error["message"]


def test_without_json_errors_stay_one_line_for_people(cli):
    r = cli("checks", "explain", "title-too-lng")
    assert r.stderr.startswith("error: ") and "{" not in r.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scan", "x", "--format", "json"], True),
        (["scan", "x", "--format=json"], True),
        (["scan", "x", "-fjson"], True),
        (["scan", "x", "-f", "sarif"], False),
        (["logs", "add", "--", "--format", "json"], False),  # after -- it is an argument
        (["scan", "x", "--format"], False),
    ],
)
def test_json_is_recognised_however_the_flag_is_spelt(args, expected):
    assert wants_json(args) is expected
