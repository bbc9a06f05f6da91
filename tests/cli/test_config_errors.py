"""A config file with mistakes says all of them at once, each with the fix: every unknown key
with the closest known one, the type a value takes, and where a secret belongs instead."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from seolog.projectconfig import REPORT_KEYS
from tests.server import FixtureServer


def _write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(text)


def test_every_unknown_key_and_bad_value_is_listed_before_any_request(
    cli, server: FixtureServer, tmp_path: Path, monkeypatch
):
    _write(
        tmp_path,
        monkeypatch,
        "[scan]\nmax_page = 5\nconcurency = 2\nmax_pages = 'lots'\n"
        "[gate]\nfail_under = 3\n"
        "[thresholds]\ntitle_max = 60\n"
        "[report]\nagnecy = 'Acme'\n"
        "[profiles.staging.scan]\nmax_pags = 3\n",  # a profile not even in use
    )
    server.page("/", body="hi")
    r = cli("scan", server.url())
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    err = r.stderr
    assert "seolog.toml: 7 problems" in err
    for line in (
        "unknown setting scan.max_page — did you mean 'max_pages'?",
        "unknown setting scan.concurency — did you mean 'concurrency'?",
        'scan.max_pages: expected an integer ≥ 1, got "lots"',
        "unknown section [gate] — did you mean 'gates'?",
        "unknown threshold title_max — did you mean 'title_max_px'?",
        "unknown setting report.agnecy — did you mean 'agency'?",
        "[profiles.staging] unknown setting scan.max_pags — did you mean 'max_pages'?",
    ):
        assert line in err, line
    assert err.count("error:") == 1 and "Traceback" not in err
    assert server.paths() == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scan]\nmax_pages = 'lots'\n", 'scan.max_pages: expected an integer ≥ 1, got "lots"'),
        ("[scan]\ntimeout = 'slow'\n", 'scan.timeout: expected a number ≥ 0.1, got "slow"'),
        ("[scan]\nsubdomains = 'yes'\n", 'scan.subdomains: expected true or false, got "yes"'),
        ("[scan]\nexclude = '/tag/'\n", "scan.exclude: expected a list of regular expressions"),
        ("[gates]\nfail_under = '90'\n", "gates.fail_under: expected an integer from 0 to 100"),
        ("[thresholds]\ntitle_max_px = 'wide'\n", "thresholds.title_max_px: expected an integer"),
        ("[alerts]\nscore_drop = true\n", "alerts.score_drop: expected an integer, got true"),
    ],
)
def test_a_wrongly_typed_value_names_the_type_it_takes(
    cli, tmp_path: Path, monkeypatch, text, message
):
    _write(tmp_path, monkeypatch, text)
    r = cli("config", "show")
    assert r.exit_code == ExitCode.CONFIG
    assert message in r.stderr and "seolog.toml" in r.stderr


@pytest.mark.parametrize(
    ("text", "key", "where"),
    [
        ("[scan]\nauth = 'alice:s3cr3t-value'\n", "scan.auth", "SEOLOG_AUTH"),
        ("api_key = 's3cr3t-value'\n", "api_key", "SEOLOG_API_KEY"),
        ("[sync]\ntoken = 's3cr3t-value'\n", "sync.token", "SEOLOG_API_KEY"),
        ("[scan.headers]\nAuthorization = 'Bearer s3cr3t-value'\n", "scan.headers", "--header"),
        ("[scan]\ncookies = { session = 's3cr3t-value' }\n", "scan.cookies", "--cookie"),
        ("[alerts]\nwebhook_url = 'https://h/s3cr3t-value'\n", "alerts.webhook_url",
         "SEOLOG_WEBHOOK_URL"),
        ("[alerts]\nwebhook = 'https://h/s3cr3t-value'\n", "alerts.webhook",
         "SEOLOG_WEBHOOK_URL"),
        ("[profiles.ci.scan]\npassword = 's3cr3t-value'\n", "profiles.ci.scan.password",
         "SEOLOG_AUTH"),
    ],
)  # fmt: skip
def test_a_secret_in_the_file_is_refused_and_sent_to_the_environment(
    cli, tmp_path: Path, monkeypatch, text, key, where
):
    _write(tmp_path, monkeypatch, text)
    r = cli("config", "show")
    assert r.exit_code == ExitCode.CONFIG
    assert f"{key} does not belong in a config file: it holds a secret" in r.stderr
    assert where in r.stderr  # where it goes instead
    assert "s3cr3t-value" not in r.stderr + r.stdout  # never repeated
    assert "unknown" not in r.stderr  # said once, as a secret, not also as a typo


def test_one_problem_is_one_line_with_its_hint(cli, tmp_path: Path, monkeypatch):
    _write(tmp_path, monkeypatch, "[scan]\nmax_page = 5\n")
    r = cli("config", "show")
    assert r.exit_code == ExitCode.CONFIG
    first, hint = r.stderr.strip().splitlines()
    assert first.endswith("seolog.toml: unknown setting scan.max_page")
    assert "did you mean 'max_pages'?" in hint


@pytest.mark.parametrize(
    ("pair", "exit_code", "message"),
    [  # a name that does not exist is not found (3), as an unknown check code; a bad shape is 2
        ("foo=bar", ExitCode.CONFIG, "unknown threshold 'foo'"),
        ("title_mx_px=600", ExitCode.CONFIG, "did you mean 'title_max_px'?"),
        ("title_max_px=abc", ExitCode.USAGE,
         "threshold title_max_px needs a whole number, not 'abc'"),
        ("title_max_px", ExitCode.USAGE, "--threshold 'title_max_px': expected NAME=NUMBER"),
        ("foo", ExitCode.USAGE, "--threshold 'foo': expected NAME=NUMBER"),
    ],
)  # fmt: skip
def test_a_bad_threshold_flag_is_one_clear_line_before_any_request(
    cli, server: FixtureServer, tmp_path: Path, monkeypatch, pair, exit_code, message
):
    monkeypatch.chdir(tmp_path)
    server.page("/", body="hi")
    r = cli("scan", server.url(), "--threshold", pair)
    assert r.exit_code == exit_code, r.stderr
    assert message in r.stderr and r.stderr.count("error:") == 1
    assert server.paths() == []


def test_the_report_keys_checked_with_the_file_are_the_ones_reports_read():
    from seolog.reports.render import Branding

    assert set(REPORT_KEYS) == {f.name for f in fields(Branding)}
