"""One test per ExitCode that this version can produce (httpie's test_exit_status)."""

from __future__ import annotations

from seolog.errors import ExitCode


def test_enum_values_are_the_documented_contract():
    assert {e.name: int(e) for e in ExitCode} == {
        "OK": 0,
        "THRESHOLD": 1,
        "USAGE": 2,
        "CONFIG": 3,
        "UNREACHABLE": 4,
        "STORAGE": 5,
        "SYNC": 6,
        "REPORT": 7,
        "MISSING_TOOL": 8,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }


def test_ok(cli):
    assert cli("sites", "list").exit_code == ExitCode.OK


def test_usage(cli):
    assert cli("scan", "--max-pages", "zero").exit_code == ExitCode.USAGE
    assert cli("no-such-command").exit_code == ExitCode.USAGE


def test_config(cli):
    assert cli("scan", "unknown-site").exit_code == ExitCode.CONFIG


def test_unreachable(cli):
    r = cli("scan", "http://127.0.0.1:9/", "--retries", "0", "--timeout", "2")
    assert r.exit_code == ExitCode.UNREACHABLE


def test_storage_newer_schema_is_refused(cli, sql):
    assert cli("sites", "list").exit_code == 0  # creates and migrates the database
    sql("UPDATE alembic_version SET version_num = '9999'")
    r = cli("sites", "list")
    assert r.exit_code == ExitCode.STORAGE
    assert "newer than this seolog" in r.stderr and "upgrade seolog" in r.stderr


def test_storage_unopenable_database(cli, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    r = cli("--db", f"sqlite:///{tmp_path}/file/seolog.db", "sites", "list")
    assert r.exit_code == ExitCode.STORAGE
    assert r.stderr.startswith("error:") and "Traceback" not in r.stderr


def test_internal_error_is_one_line_with_debug_hint(cli, monkeypatch):
    import seolog.services.sites as sites

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(sites, "list_sites", boom)
    r = cli("sites", "list")
    assert r.exit_code == ExitCode.INTERNAL
    assert "internal error: RuntimeError: kaboom" in r.stderr and "--debug" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli("--debug", "sites", "list")
    assert "Traceback" in r.stderr


def test_no_color_with_any_value_turns_colour_off_and_is_never_an_error(seolog_env):
    """no-color.org: NO_COLOR set to any non-empty value. "NO_COLOR=x" made every command exit 2
    ("--no-color: input should be a valid boolean")."""
    import re
    import subprocess
    import sys

    for value in ("x", "1", "true", "yes please"):
        run = subprocess.run(
            [sys.executable, "-m", "seolog", "checks", "explain", "nonexistent-code"],
            env={**seolog_env, "NO_COLOR": value, "FORCE_COLOR": "1", "TERM": "xterm-256color"},
            capture_output=True,
            text=True,
        )
        # The command's own answer (an unknown code), not a complaint about NO_COLOR.
        assert "no check has the code 'nonexistent-code'" in run.stderr, run.stderr
        assert "--no-color" not in run.stderr and run.returncode == ExitCode.CONFIG
        # Bold may stay (it is not a colour); no foreground or background colour.
        assert not re.search(r"\x1b\[[0-9;]*\b(3[0-8]|4[0-8]|9[0-7])[;m]", run.stderr), value
