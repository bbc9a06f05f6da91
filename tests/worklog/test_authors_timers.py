"""Consultants and their timers: every entry and timer has an author (SEOLOG_USER, else the login
name), each author runs one timer of their own (two real processes on the same store: the
PostgreSQL server in its CI pass), times can be given after the fact, and a forgotten timer is not
logged as three days' work without a yes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import run_seolog


def _ok(cli, *args: str):
    r = cli(*args)
    assert r.exit_code == 0, r.stderr
    return r


@pytest.fixture
def acme(cli):
    _ok(cli, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme")
    return cli


def test_two_consultants_in_two_processes_each_keep_their_own_timer(acme, seolog_env, db):
    anna = {**seolog_env, "SEOLOG_USER": "anna"}
    ben = {**seolog_env, "SEOLOG_USER": "ben"}
    for env, task in ((anna, "Anna's audit"), (ben, "Ben's links")):
        r = run_seolog(env, "logs", "start", task, "--site", "acme", "--at", "00:00")
        assert r.returncode == 0, r.stderr
    r = run_seolog(anna, "logs", "start", "Second", "--site", "acme")
    assert r.returncode == ExitCode.USAGE and "a timer of yours is already running" in r.stderr
    assert "Anna's audit" in run_seolog(anna, "logs", "status").stdout
    everyone = run_seolog(ben, "logs", "status", "--all", "--format", "json")
    assert sorted(t["author"] for t in json.loads(everyone.stdout)) == ["anna", "ben"]
    # Ben cannot end Anna's timer by accident; on purpose he names her
    r = run_seolog(ben, "logs", "cancel")
    assert r.returncode == 0 and "Ben's links" in r.stderr
    r = run_seolog(ben, "logs", "cancel")
    assert r.returncode == ExitCode.USAGE and "anna has one" in r.stderr
    r = run_seolog(anna, "logs", "stop", "--allow-long")
    assert r.returncode == 0, r.stderr
    assert db("SELECT author, description FROM log_entries") == [("anna", "Anna's audit")]
    run_seolog(ben, "logs", "start", "Again", "--site", "acme")
    r = run_seolog(anna, "logs", "cancel", "--author", "ben")
    assert r.returncode == 0 and "ben's timer" in r.stderr
    assert db("SELECT author FROM timers") == []


def test_authors_in_summaries_lists_and_exports(acme, monkeypatch, tmp_path: Path):
    cli = acme
    for who, time in (("anna", "2h"), ("ben", "1h"), ("anna", "30m")):
        monkeypatch.setenv("SEOLOG_USER", who)
        _ok(cli, "logs", "add", f"{who} work", "--site", "acme", "--time", time,
            "--date", "2026-10-05")  # fmt: skip
    s = _ok(cli, "logs", "summary", "--by", "author", "--format", "json").json()
    assert [(g["group"], g["hours"], g["amount"]) for g in s["groups"]] == [
        ("anna", 2.5, "237.50"),
        ("ben", 1.0, "95.00"),
    ]
    listed = _ok(cli, "logs", "list", "--author", "ben", "--format", "json").json()
    assert [(r["author"], r["description"]) for r in listed] == [("ben", "ben work")]
    assert "Author" in _ok(cli, "logs", "list").stdout  # a team's list says whose work


def test_start_and_stop_at_given_times_and_overnight_work(acme, monkeypatch):
    cli = acme
    now = datetime.now().astimezone()
    start = (now - timedelta(days=2)).replace(hour=22, minute=15, second=0, microsecond=0)
    at = f"{start:%Y-%m-%d} 22:15"
    _ok(cli, "logs", "start", "Migration night", "--site", "acme", "--at", at)
    r = cli("logs", "stop", "--at", f"{start:%Y-%m-%d} 21:00")
    assert r.exit_code == ExitCode.USAGE and "is not after the start" in r.stderr
    r = cli("logs", "stop", "--at", f"{now + timedelta(hours=2):%Y-%m-%d %H:%M}")
    assert r.exit_code == ExitCode.USAGE and "in the future" in r.stderr
    end = start + timedelta(hours=2, minutes=45)  # 01:00 the next day
    stopped = _ok(cli, "logs", "stop", "--at", f"{end:%Y-%m-%d %H:%M}", "--format", "json").json()
    assert stopped["minutes"] == 165 and stopped["date"] == f"{start:%Y-%m-%d}"
    assert stopped["started_at"].startswith(f"{start:%Y-%m-%dT22:15}")
    assert stopped["ended_at"].startswith(f"{end:%Y-%m-%dT01:00}")
    shown = _ok(cli, "logs", "show", str(stopped["id"])).stdout
    assert f"{start:%Y-%m-%d} 22:15" in shown and f"{end:%Y-%m-%d} 01:00" in shown
    # restart times the same work again
    r = _ok(cli, "logs", "restart", "--format", "json").json()
    assert (r["description"], r["site"]) == ("Migration night", "acme")
    _ok(cli, "logs", "cancel")
    r = cli(
        "logs", "start", "x", "--site", "acme", "--at", f"{now + timedelta(days=1):%Y-%m-%d} 09:00"
    )
    assert r.exit_code == ExitCode.USAGE and "in the future" in r.stderr


def test_a_forgotten_timer_is_refused_in_scripts_until_confirmed_or_corrected(acme, tmp_path: Path):
    cli = acme
    now = datetime.now().astimezone()
    begun = (now - timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    _ok(cli, "logs", "start", "Forgotten", "--site", "acme", "--at", f"{begun:%Y-%m-%d %H:%M}")
    r = cli("logs", "stop")
    assert r.exit_code == ExitCode.USAGE
    assert "longer than 10h00" in r.stderr and "--allow-long" in r.stderr
    assert f'--at "{begun:%Y-%m-%d} 18:00"' in r.stderr
    assert "Running for" in _ok(cli, "logs", "status").stdout  # nothing was logged or lost
    r = cli("logs", "stop", "--at", f"{begun:%Y-%m-%d} 17:30", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["minutes"] == 510
    # the limit is the config file's [worklog] max_timer_hours
    _ok(
        cli, "logs", "start", "Forgotten again", "--site", "acme", "--at", f"{begun:%Y-%m-%d %H:%M}"
    )
    cfg = tmp_path / "seolog.toml"
    cfg.write_text("[worklog]\nmax_timer_hours = 200\n")
    logged = _ok(cli, "--config", str(cfg), "logs", "stop", "--format", "json").json()
    assert logged["minutes"] > 2 * 24 * 60  # over two days, under the configured 200 hours
    cfg.write_text("[worklog]\nmax_timer_hour = 200\n")
    r = cli("--config", str(cfg), "logs", "stop")
    assert r.exit_code == ExitCode.CONFIG and "max_timer_hours" in r.stderr


def test_allow_long_logs_it_all(acme):
    cli = acme
    begun = (datetime.now().astimezone() - timedelta(hours=12)).replace(second=0, microsecond=0)
    _ok(cli, "logs", "start", "Long day", "--site", "acme", "--at", f"{begun:%Y-%m-%d %H:%M}")
    r = _ok(cli, "logs", "stop", "--allow-long", "--format", "json")
    assert r.json()["minutes"] >= 12 * 60


def test_weekday_and_today_words_in_at(acme):
    cli = acme
    _ok(cli, "logs", "start", "x", "--site", "acme", "--at", "Today 00:00")
    _ok(cli, "logs", "cancel")
    now = datetime.now().astimezone()
    _ok(cli, "logs", "start", "y", "--site", "acme", "--at", f"{now:%a} 00:00")
    assert f"since {now:%Y-%m-%d} 00:00" in _ok(cli, "logs", "status").stdout
