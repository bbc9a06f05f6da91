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


def test_commands_that_change_data_print_what_they_did_as_json(cli, tmp_path):
    """A script can drive the timer, edits, imports and deletions without parsing prose."""
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    started = cli("logs", "start", "Fixing redirects", "--site", "acme", "--format", "json")
    assert started.exit_code == 0, started.stderr
    assert started.json()["description"] == "Fixing redirects" and started.json()["minutes"] == 0
    stopped = cli("logs", "stop", "-d", "Fixed redirects", "--format", "json").json()
    assert stopped["description"] == "Fixed redirects" and stopped["site"] == "acme"
    edited = cli("logs", "edit", str(stopped["id"]), "--time", "2h", "-f", "json").json()
    assert edited["id"] == stopped["id"] and edited["minutes"] == 120
    exported = tmp_path / "hours.csv"
    assert cli("logs", "export", "--output", str(exported)).exit_code == 0
    assert cli("logs", "rm", str(stopped["id"]), "--yes").exit_code == 0
    imported = cli("logs", "import", str(exported), "--format", "json").json()
    assert (imported["imported"], imported["file"]) == (1, str(exported))  # the fields since 0.1
    assert (imported["source"], imported["new"], imported["already"]) == ("seolog", 1, 0)
    assert [e["minutes"] for e in cli("logs", "list", "--format", "json").json()] == [120]


def test_prune_and_delete_say_which_scans_went_as_json(cli):
    from tests.conftest import EXAMPLE_SITE

    for _ in range(3):
        assert cli("-q", "scan", str(EXAMPLE_SITE), "--max-pages", "2").exit_code == 0
    dry = cli("scans", "prune", "--keep", "1", "--dry-run", "--format", "json").json()
    assert dry["dry_run"] is True and [s["id"] for s in dry["would_delete"]] == [2, 1]
    assert len(cli("scans", "list", "--format", "json").json()) == 3  # nothing went
    pruned = cli("scans", "prune", "--keep", "2", "--yes", "--format", "json").json()
    assert [s["id"] for s in pruned["deleted"]] == [1]
    assert cli("scans", "delete", "2", "--yes", "-f", "json").json()["deleted"] == 2
    assert [s["id"] for s in cli("scans", "list", "--format", "json").json()] == [3]


@pytest.mark.sqlite_only  # the backup is a SQLite file here; PostgreSQL's is pg_dump's
def test_schedule_add_and_db_backup_say_what_they_did_as_json(cli, tmp_path, monkeypatch):
    crontab = tmp_path / "crontab"
    crontab.write_text("")
    monkeypatch.setenv("SEOLOG_CRONTAB_FILE", str(crontab))
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    args = ("schedule", "add", "acme", "--every", "daily", "--at", "05:00", "--format", "json")
    printed = cli(*args, "--print").json()
    assert printed["installed"] is False and crontab.read_text() == ""  # --print changes nothing
    added = cli(*args).json()
    assert added["installed"] is True and added["line"] in crontab.read_text()
    assert (added["site"], added["every"], added["at"]) == ("acme", "daily", "05:00")
    assert cli(*args).json()["replaced"] is True

    backup = tmp_path / "backup.db"
    made = cli("db", "backup", str(backup), "--format", "json").json()
    assert made["file"] == str(backup) and made["bytes"] == backup.stat().st_size
    assert made["rows"]["sites"] == 1 and made["verified"] is True


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["--bogus", "scans", "list"], "No such option: --bogus", "seolog --help"),
        (["scan", "x", "--max-pages", "abc"], "'--max-pages': not a whole number", "seolog scan"),
        (["scan", "x", "--format", "yaml"], "'yaml' is not one of", "seolog scan --help"),
        (["scans", "show"], "Missing argument 'SCAN_ID'", "seolog scans show --help"),
    ],
)
def test_a_usage_mistake_is_one_error_line_and_a_hint_like_every_other_error(
    cli, args, message, hint
):
    """Click's framed panel is gone: bad flags read like seolog's other errors, in words."""
    r = cli(*args)
    assert r.exit_code == ExitCode.USAGE
    first, second = r.stderr.splitlines()
    assert first.startswith("error: ") and message in first
    assert second.startswith("  hint: ") and hint in second
    assert "╭" not in r.stderr and "Input should be" not in r.stderr


def test_with_json_every_stderr_line_of_a_scan_is_json(seolog_env, tmp_path):
    """A script reads stdout as the document and stderr as JSON lines: warnings, the gate's
    error, no progress prose, even when stderr is a log file (as in CI)."""
    import subprocess
    import sys

    from tests.conftest import EXAMPLE_SITE

    def scan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "seolog", "scan", str(EXAMPLE_SITE), "--format", "json", *args],
            env={**seolog_env, "SEOLOG_PROGRESS_INTERVAL": "0"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = scan("--fail-on", "error", "--assert", "title-too-short=warn")
    assert r.returncode == ExitCode.THRESHOLD, r.stderr
    assert json.loads(r.stdout)["gate"]["passed"] is False
    lines = [json.loads(line) for line in r.stderr.splitlines()]  # each one JSON
    assert [next(iter(x)) for x in lines] == ["warning", "error"]
    assert "title-too-short" in lines[0]["warning"] and lines[1]["error"]["exit_code"] == 1
    r = scan("-o", "copy.sarif")  # files written: still no prose on stderr
    assert r.returncode == 0 and r.stderr == "" and (tmp_path / "copy.sarif").exists()
    r = scan("--fail-on", "error", "--exit-zero", "--baseline", "copy.sarif")
    assert r.returncode == ExitCode.USAGE  # a SARIF file is no baseline: said in JSON too
    assert json.loads(r.stderr)["error"]["hint"]
    r = scan("--fail-on", "error", "--exit-zero")
    assert r.returncode == 0
    (line,) = r.stderr.splitlines()
    assert "(exit 0: --exit-zero)" in json.loads(line)["warning"]
