"""Every way of writing per-check assertions is checked the same way: a mistyped code or a glob
that matches nothing stops the scan with exit 3 and a did-you-mean, whichever shape it was
written in (a table, a list of "CODE=SPEC" strings, one comma string) and wherever (seolog.toml,
pyproject.toml, the user config, a profile, SEOLOG_GATES_CHECKS). A number in a script other
than ASCII digits is a clear mistake, not a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.server import FixtureServer

TYPO = "unknown check code 'link-brokn'"
GLOB = "'zzz-*' matches no check code"
MEANT = "did you mean 'link-broken'?"


@pytest.fixture
def site(server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    server.page("/", body="<title>hi</title>")
    return server.url()


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("seolog.toml", '[gates]\nchecks = ["link-brokn=max:0", "zzz-*=error"]\n'),
        ("seolog.toml", '[gates]\nchecks = "link-brokn=max:0, zzz-*=error"\n'),
        ("seolog.toml", '[gates.checks]\nlink-brokn = 0\n"zzz-*" = "error"\n'),
        ("pyproject.toml", '[tool.seolog.gates]\nchecks = ["link-brokn=max:0", "zzz-*=error"]\n'),
        ("seolog.toml", '[profiles.ci.gates]\nchecks = ["link-brokn=max:0", "zzz-*=error"]\n'),
    ],
    ids=["list", "comma-string", "table", "pyproject", "unused-profile"],
)
def test_a_mistyped_assertion_stops_the_scan_in_every_shape(
    cli, server: FixtureServer, site: str, tmp_path: Path, file: str, text: str
):
    (tmp_path / file).write_text(text)
    r = cli("scan", site)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    assert TYPO in r.stderr and MEANT in r.stderr and GLOB in r.stderr
    assert "Traceback" not in r.stderr
    assert server.paths() == []  # refused before any request
    shown = cli("config", "show")  # and `config show` does not list them as valid
    assert shown.exit_code == ExitCode.CONFIG and TYPO in shown.stderr


def test_the_user_config_list_is_checked_too(cli, server: FixtureServer, site: str):
    user = Path(os.environ["SEOLOG_HOME"]) / "config.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('[gates]\nchecks = ["link-brokn=max:0"]\n')
    r = cli("scan", site)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    assert str(user) in r.stderr and TYPO in r.stderr and MEANT in r.stderr
    assert server.paths() == []


def test_a_good_list_still_gates(cli, site: str, tmp_path: Path):
    (tmp_path / "seolog.toml").write_text('[gates]\nchecks = ["title-too-short=max:0"]\n')
    r = cli("scan", site)
    assert r.exit_code == ExitCode.THRESHOLD, r.stderr
    assert "assertion failed: title-too-short has 1 issue(s), max 0" in r.stderr


@pytest.mark.parametrize(
    ("args", "env", "toml", "exit_code", "message"),
    [
        (["--assert", "link-broken=max:²"], {}, "", ExitCode.USAGE,
         "--assert 'link-broken=max:²': \"max:²\" is not max:N"),
        ([], {"SEOLOG_GATES_CHECKS": "link-broken=max:¹"}, "", ExitCode.CONFIG,
         "SEOLOG_GATES_CHECKS 'link-broken=max:¹'"),
        ([], {}, '[gates]\nchecks = ["link-broken=max:٣"]\n', ExitCode.CONFIG,
         "gates.checks 'link-broken=max:٣'"),
        (["--baseline", "²"], {}, "", ExitCode.USAGE, "cannot read the baseline ²"),
        (["--threshold", "title_max_px=²"], {}, "", ExitCode.USAGE,
         "threshold title_max_px needs a whole number, not '²'"),
    ],
    ids=["assert-flag", "env", "config", "baseline", "threshold"],
)  # fmt: skip
def test_digits_other_than_ascii_are_a_clear_mistake_not_a_crash(
    cli, server: FixtureServer, site: str, tmp_path: Path, monkeypatch, args, env, toml,
    exit_code, message,
):  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if toml:
        (tmp_path / "seolog.toml").write_text(toml)
    r = cli("scan", site, *args)
    assert r.exit_code == exit_code, r.stderr
    assert message in r.stderr and r.stderr.count("error:") == 1
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert server.paths() == []


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "show", "²"],
        ["clients", "show", "²"],
        ["projects", "show", "²"],
        ["reports", "audit", "²"],
    ],
)
def test_a_superscript_digit_is_a_name_not_an_id(cli, tmp_path: Path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    r = cli(*args)
    assert r.exit_code == ExitCode.CONFIG, r.stderr  # not found, as any unknown name
    assert "'²'" in r.stderr and "internal error" not in r.stderr
