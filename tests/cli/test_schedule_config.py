"""The crontab line of `seolog schedule add` carries the project config in force as an absolute
--config: cron starts in $HOME, where the project's seolog.toml is not found, so its [scan] and
[alerts] silently did not apply and alerts never went out."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response

CRON_LINE = re.compile(r"^(\S+ \S+ \S+ \S+ \S+) (?P<command>.+?) (?P<tag># seolog:\S+ .*)$")


@pytest.fixture
def crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "crontab"
    monkeypatch.setenv("SEOLOG_CRONTAB_FILE", str(path))
    return path


def _line(crontab: Path, site: str) -> str:
    return next(line for line in crontab.read_text().splitlines() if f"seolog:{site} " in line)


def _as_cron_would(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command part of a crontab line, run by /bin/sh from another folder, with cron's bare
    environment (plus only what a test machine needs to import this checkout and its secrets)."""
    command = command.replace(r"\%", "%")  # what cron does with an escaped percent sign
    return subprocess.run(
        ["/bin/sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_scheduled_runs_read_the_project_config_from_anywhere(
    cli, crontab, server, seolog_env, tmp_path, monkeypatch
):
    receiver = FixtureServer().start()
    receiver.routes["/hook"] = Response(200, "ok", content_type="text/plain")
    project = tmp_path / "acme-site"
    project.mkdir()
    (project / "seolog.toml").write_text(
        '[scan]\nexclude = ["/private"]\n\n[alerts]\nscore_drop = 5\nwebhook = true\n'
    )
    server.page("/", "Acme garden tools for keen gardeners", '<a href="/a">About</a>')
    server.page("/a", "About Acme, makers of forged garden tools", '<a href="/private">x</a>')
    server.page("/private", "Private")
    monkeypatch.chdir(project)
    try:
        assert cli("sites", "add", server.url(), "--name", "acme").exit_code == 0
        r = cli("schedule", "add", "acme", "--every", "daily", "--at", "05:00")
        assert r.exit_code == 0, r.stderr
        assert f"Runs read {project / 'seolog.toml'}" in r.stderr
        line = _line(crontab, "acme")
        assert f"--config {project / 'seolog.toml'} scan acme --scheduled" in line
        match = CRON_LINE.match(line)
        assert match is not None, line

        cron_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": seolog_env["PYTHONPATH"],
            # The webhook URL is a secret: the environment (or the keyring) holds it.
            "SEOLOG_WEBHOOK_URL": receiver.url("/hook"),
        }
        first = _as_cron_would(match["command"], tmp_path, cron_env)
        assert first.returncode == 0, first.stderr
        assert "/private" not in server.paths()  # [scan] exclude applied

        server.page("/", "Acme", '<a href="/a">About</a> <a href="/gone">Old catalogue</a>')
        second = _as_cron_would(match["command"], tmp_path, cron_env)
        assert second.returncode == 0, second.stderr
        assert "regressed" in second.stdout  # cron mails stdout
        # [alerts] applied: the webhook was called.
        assert [q for q in receiver.requests if q.method == "POST"]
    finally:
        receiver.stop()


def test_an_explicit_relative_config_becomes_absolute(cli, crontab, tmp_path, monkeypatch):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "seo.toml").write_text("[gates]\nfail_under = 80\n")
    monkeypatch.chdir(tmp_path)
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    r = cli("--config", "ci/seo.toml", "schedule", "add", "acme", "--every", "weekly")
    assert r.exit_code == 0, r.stderr
    assert f"--config {tmp_path / 'ci' / 'seo.toml'} scan acme" in _line(crontab, "acme")
    # SEOLOG_CONFIG works the same way.
    monkeypatch.setenv("SEOLOG_CONFIG", "ci/seo.toml")
    printed = cli("schedule", "add", "acme", "--every", "daily", "--print")
    assert f"--config {tmp_path / 'ci' / 'seo.toml'} scan acme" in printed.stdout
    assert "SEOLOG_CONFIG=" not in printed.stdout  # a relative path would mislead cron


def test_without_a_project_config_the_line_has_none(cli, crontab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    r = cli("schedule", "add", "acme", "--every", "daily")
    assert r.exit_code == 0 and "No project config file here" in r.stderr
    assert "--config" not in _line(crontab, "acme")


def test_a_broken_or_missing_config_fails_schedule_add_not_every_run(
    cli, crontab, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    r = cli("--config", "nope.toml", "schedule", "add", "acme", "--every", "daily")
    assert r.exit_code == ExitCode.CONFIG and "no config file at" in r.stderr
    (tmp_path / "seolog.toml").write_text("[scan\n")
    r = cli("schedule", "add", "acme", "--every", "daily")
    assert r.exit_code == ExitCode.CONFIG and "seolog.toml" in r.stderr
    assert not crontab.exists() or "seolog:acme" not in crontab.read_text()


def test_a_relative_seolog_home_is_made_absolute(cli, crontab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEOLOG_HOME", "store")
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    printed = cli("schedule", "add", "acme", "--every", "daily", "--print")
    assert f"SEOLOG_HOME={tmp_path / 'store'} " in printed.stdout
    assert os.path.isabs(printed.stdout.split("SEOLOG_HOME=")[1].split()[0])


@pytest.mark.sqlite_only  # a SQLite file named by --db
def test_the_cron_line_uses_the_store_the_command_used(cli, crontab, tmp_path, monkeypatch):
    """`--db` (before or after the command) is the store cron must use too, made absolute."""
    monkeypatch.chdir(tmp_path)
    r = cli("--db", "team.db", "sites", "add", "https://www.acme.example", "--name", "acme")
    assert r.exit_code == 0, r.stderr
    r = cli("schedule", "add", "acme", "--every", "daily", "--db", "team.db")
    assert r.exit_code == 0, r.stderr
    line = _line(crontab, "acme")
    assert f"SEOLOG_DATABASE_URL=sqlite:///{tmp_path / 'team.db'}" in line
    r = cli("schedule", "add", "acme", "--every", "daily", "--print",
            "--db", "postgresql://seo:hunter2@127.0.0.1/seolog")  # fmt: skip
    assert r.exit_code == ExitCode.USAGE and "hunter2" not in r.stdout + r.stderr
    assert ".pgpass" in r.stderr and "hunter2" not in crontab.read_text()


def test_a_percent_sign_in_a_path_survives_cron(tmp_path):
    """cron ends the command at a bare % (the rest becomes its standard input)."""
    from seolog.services.schedule import command_line

    config = tmp_path / "100% organic" / "seolog.toml"
    line = command_line("acme", {"SEOLOG_HOME": str(tmp_path / "h%1")}, config)
    assert "%" not in line.replace(r"\%", "")
    assert r"100\% organic" in line and r"h\%1" in line
