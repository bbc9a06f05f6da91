"""Cron: the managed crontab block, scheduled runs that stay silent until something regresses,
and alerts to a real local webhook receiver and a real local SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response

OTHER = "MAILTO=ops@example.com\n0 1 * * * /usr/local/bin/backup --all\n"


@pytest.fixture
def crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "crontab"
    path.write_text(OTHER)
    monkeypatch.setenv("SEOLOG_CRONTAB_FILE", str(path))
    return path


def test_schedule_manages_its_block_and_never_touches_other_lines(cli, crontab: Path, home):
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    assert cli("sites", "add", "https://beta.example", "--name", "beta").exit_code == 0
    assert (
        cli(
            "schedule", "add", "acme", "--every", "weekly", "--at", "6:30", "--day", "fri"
        ).exit_code
        == 0
    )
    assert cli("schedule", "add", "beta", "--every", "biweekly", "--at", "23:05").exit_code == 0
    text = crontab.read_text()
    assert text.startswith(OTHER)
    acme = next(line for line in text.splitlines() if "seolog:acme" in line)
    assert acme.startswith("30 6 * * 5 ") and "-m seolog scan acme --scheduled" in acme
    assert f"SEOLOG_HOME={home}" in acme  # cron must use the same store
    assert any(line.startswith("5 23 1,15 * * ") for line in text.splitlines())

    r = cli("schedule", "add", "acme", "--every", "daily", "--at", "05:00")
    assert "Rescheduled acme: daily at 05:00" in r.stderr
    listed = cli("schedule", "list", "--format", "json").json()
    assert [(s["site"], s["every"], s["at"]) for s in listed] == [
        ("beta", "biweekly", "23:05"),
        ("acme", "daily", "05:00"),
    ]
    printed = cli("schedule", "add", "acme", "--every", "monthly", "--print")
    assert printed.stdout.startswith("0 6 1 * * ") and "seolog:acme monthly" in printed.stdout
    assert "seolog:acme daily" in crontab.read_text()  # --print changed nothing

    assert cli("schedule", "remove", "acme").exit_code == 0
    assert cli("schedule", "remove", "beta").exit_code == 0
    assert crontab.read_text() == OTHER  # the block goes when it is empty
    r = cli("schedule", "add", "nobody", "--every", "daily")
    assert r.exit_code == ExitCode.CONFIG
    r = cli("schedule", "add", "beta", "--every", "fortnightly")
    assert r.exit_code == ExitCode.USAGE and "unknown schedule" in r.stderr


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.logins: list[tuple[bytes, bytes]] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port; aiosmtpd cannot report an ephemeral one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # no certificates here: STARTTLS/SSL are not exercised
    )
    controller.start()
    yield controller, inbox
    controller.stop()


def _healthy(server: FixtureServer) -> None:
    server.page(
        "/", title="Acme garden tools for keen gardeners", body='<a href="/a">About the company</a>'
    )
    server.page(
        "/a", title="About Acme, makers of forged garden tools", body='<a href="/">Home page</a>'
    )


def test_scheduled_runs_are_silent_until_the_site_regresses(
    cli, server, smtp, tmp_path, monkeypatch
):
    controller, inbox = smtp
    receiver = FixtureServer().start()
    receiver.routes["/hook"] = Response(200, "ok", content_type="text/plain")
    monkeypatch.setenv("SEOLOG_WEBHOOK_URL", receiver.url("/hook"))
    monkeypatch.setenv("SEOLOG_SMTP_PASSWORD", "s3cret")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(
        "[alerts]\nscore_drop = 5\nwebhook = true\n"
        f'[alerts.email]\nto = ["seo@acme.example"]\nfrom = "seolog@agency.example"\n'
        f'host = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\n'
        'username = "seolog@agency.example"\n'
    )
    try:
        _healthy(server)
        r = cli("scan", server.url(), "--scheduled", "--no-sitemaps")
        assert r.exit_code == 0, r.stderr
        assert r.stdout == "" and receiver.requests == []  # first run: nothing to compare with
        r = cli("scan", server.url(), "--scheduled", "--no-sitemaps")
        assert (r.exit_code, r.stdout) == (0, "")  # unchanged: silent
        scans = cli("scans", "list", "--format", "json").json()
        assert {s["type"] for s in scans} == {"scheduled"}

        server.page(
            "/", title="Acme", body='<a href="/a">About</a> <a href="/gone">Old catalogue</a>'
        )
        r = cli("scan", server.url(), "--scheduled", "--no-sitemaps")
        assert r.exit_code == 0, r.stderr
        assert "regressed" in r.stdout and "new error(s)" in r.stdout  # cron mails stdout
        (hook,) = [q for q in receiver.requests if q.method == "POST"]
        payload = json.loads(hook.body)
        assert "regressed" in payload["text"]
        assert payload["seolog"]["new_errors"][0]["code"] in ("link-broken", "http-4xx")
        (mail,) = inbox.messages
        assert inbox.logins == [
            (b"seolog@agency.example", b"s3cret")
        ]  # logged in with the env secret
        assert mail.rcpt_tos == ["seo@acme.example"]
        message = email.message_from_bytes(mail.content, policy=email.policy.default)
        assert message["Subject"].startswith("seolog: ") and "regressed" in message["Subject"]
        assert "Details: seolog scans show" in message.get_content()

        server.stop()  # the site goes down
        r = cli("scan", server.url(), "--scheduled", "--no-sitemaps")
        assert r.exit_code == ExitCode.UNREACHABLE
        assert "unreachable" in r.stdout
        assert len([q for q in receiver.requests if q.method == "POST"]) == 2
    finally:
        receiver.stop()


def test_a_scheduled_run_is_skipped_while_the_previous_one_runs(cli, server, seolog_env):
    _healthy(server)
    # Another process holds the run lock of this target, as a long earlier run would.
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from seolog.config import database_url\n"
         "from seolog.storage.lock import run_lock\n"
         f"with run_lock(database_url(), {server.url()!r}):\n"
         "    print('held', flush=True)\n"
         "    time.sleep(30)\n"],
        env=seolog_env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        r = cli("scan", server.url(), "--scheduled", "--no-sitemaps")
    finally:
        holder.kill()
        holder.wait()
    assert r.exit_code == 0
    assert "still running" in r.stderr and "skipped" in r.stderr
    assert cli("scans", "list", "--format", "json").json() == []


def test_alert_secrets_never_come_from_the_config_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(
        '[alerts.email]\nto = ["a@b.example"]\nhost = "x"\npassword = "hunter2"\n'
    )
    r = cli("config", "show")
    assert (
        r.exit_code == ExitCode.CONFIG and "password does not belong in a config file" in r.stderr
    )


@pytest.mark.store_agnostic
def test_a_malformed_webhook_url_is_an_undelivered_alert_that_never_shows_the_url():
    from seolog.alerts import AlertSettings, Regression, send

    regression = Regression("acme", "https://acme.example/", ["score fell from 90 to 70"])
    secret = "https://hooks.example/T000/SECRET\nX"
    problems = send(regression, AlertSettings(webhook=True), {"SEOLOG_WEBHOOK_URL": secret})
    assert len(problems) == 1 and problems[0].startswith("webhook: ")
    assert "SECRET" not in problems[0]
