"""One declaration of every scan and gate setting: its flag, config key and environment variable
come from it, and the layers stack in one documented order with each value's source shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.errors import ExitCode
from seolog.settings import SETTINGS
from tests.conftest import EXAMPLE_SITE
from tests.server import Response


def _show(cli, *args: str) -> dict:
    r = (
        cli(*args, "config", "show", "--format", "json")
        if args
        else cli("config", "show", "--format", "json")
    )
    assert r.exit_code == 0, r.stderr
    return r.json()


@pytest.mark.external  # the defaults as users get them: no skip list
def test_every_declared_setting_is_a_flag_a_config_key_and_an_env_variable(
    cli, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    help_text = cli("scan", "--help").stdout
    shown = _show(cli)["settings"]
    for s in SETTINGS:
        assert s.flag in help_text, s.flag
        assert shown[s.key]["source"] == "default", s.key
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))  # one name, one setting, across sections
    assert "SEOLOG_SCAN_<NAME>" in help_text


def test_layers_stack_flag_env_profile_project_user_default(cli, tmp_path, monkeypatch, home):
    monkeypatch.chdir(tmp_path)
    home.mkdir(parents=True, exist_ok=True)
    user = home / "config.toml"
    user.write_text(
        "[scan]\nmax_pages = 11\nconcurrency = 3\ntimeout = 7\nretries = 4\n"
        "[profiles.ci.scan]\nretries = 5\n"
    )
    (tmp_path / "seolog.toml").write_text(
        "[scan]\nmax_pages = 22\nconcurrency = 6\n[profiles.ci]\nscan = { concurrency = 2 }\n"
    )
    monkeypatch.setenv("SEOLOG_SCAN_MAX_PAGES", "33")
    shown = _show(cli, "--config", str(tmp_path / "seolog.toml"))
    settings = shown["settings"]
    assert shown["user_file"] == str(user)
    assert settings["scan.timeout"] == {"value": 7.0, "source": str(user)}
    assert settings["scan.concurrency"] == {"value": 6, "source": str(tmp_path / "seolog.toml")}
    assert settings["scan.max_pages"] == {
        "value": 33,
        "source": "environment SEOLOG_SCAN_MAX_PAGES",
    }
    assert settings["scan.max_body_size"] == {"value": 5 * 1024 * 1024, "source": "default"}
    r = cli("config", "show", "--profile", "ci", "--format", "json")
    settings = r.json()["settings"]
    assert settings["scan.concurrency"]["value"] == 2  # the project's profile beats the file
    assert settings["scan.retries"] == {"value": 5, "source": f"{user} [profiles.ci]"}
    # And a scan uses them, with a flag on top of everything.
    r = cli("scan", str(EXAMPLE_SITE), "--profile", "ci", "--format", "json", "--timeout", "9")
    assert r.exit_code == 0, r.stderr
    stored = r.json()["scan"]["settings"]
    assert (stored["max_pages"], stored["concurrency"], stored["retries"], stored["timeout"]) == (
        33, 2, 5, 9.0,
    )  # fmt: skip
    assert r.json()["scan"]["pages_crawled"] == 14  # the whole example site: 33 is room enough


def test_a_flag_can_undo_what_a_config_file_turned_on(cli, tmp_path, monkeypatch, server):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text("[scan]\nignore_robots = true\nsitemaps = false\n")
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    server.page("/", body="<p>Closed.</p>")
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0 and '{"warning": "--ignore-robots' in r.stderr  # the file's choice
    r = cli("scan", server.url(), "--no-ignore-robots")
    assert r.exit_code == ExitCode.UNREACHABLE and "forbids" in r.stderr


def test_environment_values_are_checked_and_typos_reported(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEOLOG_SCAN_MAX_PAGES", "lots")
    r = cli("scan", str(EXAMPLE_SITE))
    assert r.exit_code == ExitCode.CONFIG
    assert "SEOLOG_SCAN_MAX_PAGES='lots' is not a whole number" in r.stderr
    monkeypatch.setenv("SEOLOG_SCAN_MAX_PAGES", "2")
    monkeypatch.setenv("SEOLOG_SCAN_EXCLUDE", '["/blog/", "/products/"]')
    monkeypatch.setenv("SEOLOG_GATES_FAIL_ON", "error")
    monkeypatch.setenv("SEOLOG_SCAN_MAX_PAGE", "9")
    shown = _show(cli)["settings"]
    assert shown["scan.exclude"]["value"] == ["/blog/", "/products/"]
    assert shown["gates.fail_on"] == {
        "value": "error",
        "source": "environment SEOLOG_GATES_FAIL_ON",
    }
    monkeypatch.delenv("SEOLOG_SCAN_EXCLUDE")  # the whole site, errors and all
    monkeypatch.delenv("SEOLOG_SCAN_MAX_PAGES")
    r = cli("scan", str(EXAMPLE_SITE), "--format", "json")
    assert r.exit_code == ExitCode.THRESHOLD  # the gate from the environment
    assert "SEOLOG_SCAN_MAX_PAGE is not a seolog setting and was ignored" in r.stderr
    assert r.json()["gate"]["failures"][0]["gate"] == "fail_on"


@pytest.mark.parametrize(
    ("where", "text"),
    [("file", "[scan]\nuse_sitemaps = false\n"), ("env", None)],
)
def test_an_old_setting_name_keeps_working_with_a_deprecation_line(
    cli, tmp_path: Path, monkeypatch, where, text
):
    monkeypatch.chdir(tmp_path)
    if text:
        (tmp_path / "seolog.toml").write_text(text)
    else:
        monkeypatch.setenv("SEOLOG_SCAN_USE_SITEMAPS", "0")
    r = cli("config", "show", "--format", "json")
    assert r.json()["settings"]["scan.sitemaps"]["value"] is False
    assert "deprecated" in r.stderr and "sitemaps" in r.stderr.lower()


def test_every_output_carries_the_gate_verdict(cli, tmp_path: Path, monkeypatch):
    import json
    from xml.etree import ElementTree as ET

    monkeypatch.chdir(tmp_path)
    r = cli("scan", str(EXAMPLE_SITE), "--fail-under", "100", "-o", "scan.json",
            "-o", "summary.md", "-o", "junit.xml", "-o", "out.sarif")  # fmt: skip
    assert r.exit_code == ExitCode.THRESHOLD
    gate = json.loads((tmp_path / "scan.json").read_text())["gate"]
    assert gate["passed"] is False and gate["gates"]["fail_under"] == 100
    (failure,) = gate["failures"]
    assert failure["gate"] == "fail_under" and failure["message"] in r.stderr
    assert "Gate" in r.stdout and "failed: site score" in r.stdout  # the summary says so too
    md = (tmp_path / "summary.md").read_text().splitlines()
    assert md[2] == f"❌ **Gate failed**: {failure['message']}"
    cases = ET.parse(tmp_path / "junit.xml").getroot().findall(".//testcase[@name='gate']")
    assert len(cases) == 1 and cases[0].find("failure") is not None
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert sarif["runs"][0]["properties"]["gate"] == gate
    r = cli("scan", str(EXAMPLE_SITE), "--fail-under", "10", "--format", "markdown")
    assert r.exit_code == 0 and r.stdout.splitlines()[2] == "✅ **Gate passed**"


def test_a_junk_baseline_fails_before_any_request(cli, server, tmp_path: Path):
    server.page("/", body="hi")
    bad = tmp_path / "junk.json"
    bad.write_text("not json at all")
    r = cli("scan", server.url(), "--fail-on-new", "--baseline", str(bad))
    assert r.exit_code == ExitCode.USAGE and "is not JSON" in r.stderr
    r = cli("scan", server.url(), "--fail-on-new", "--baseline", "42")
    assert r.exit_code == ExitCode.CONFIG and "no scan with id 42" in r.stderr
    r = cli("scan", server.url(), "--baseline", str(bad))  # named, though no gate reads it yet
    assert r.exit_code == ExitCode.USAGE and "is not JSON" in r.stderr
    assert server.paths() == []  # nothing was fetched for any
    assert cli("scan", server.url(), "-o", str(bad)).exit_code == 0  # now a real scan document
    r = cli("scan", server.url(), "--baseline", str(bad))
    assert r.exit_code == 0 and "is read but unused: only --fail-on-new" in r.stderr


def test_resume_says_which_crawl_flags_it_ignores(cli, tmp_path: Path, monkeypatch, sql):
    monkeypatch.chdir(tmp_path)
    assert cli("scan", str(EXAMPLE_SITE), "--max-pages", "3").exit_code == 0
    sql("UPDATE scans SET status = 'interrupted'")
    r = cli("scan", "--resume", "1", "--max-pages", "50", "--fail-under", "0")
    assert r.exit_code == 0, r.stderr
    assert "keeps the settings it started with; ignored: max_pages" in r.stderr


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("file", "[scan]\ntimeout = nan\n", "scan.timeout must be a finite number"),
        ("env", "inf", "SEOLOG_SCAN_MAX_TIME must be a finite number"),
        ("file", "[checks]\ndisable = 5\n", "checks.disable must be a list of check codes"),
        ("file", "[checks]\ndisable = 'noindex'\n", "checks.disable must be a list"),
        ("file", "[checks]\nignore = [{ code = 'link-broken', url = 5 }]\n", "checks.ignore entry"),
        (
            "file",
            "[alerts.email]\nto = [1]\nhost = 'h'\n",
            "alerts.email.to: expected a list of addresses",
        ),
    ],
)
def test_bad_values_are_one_line_errors_before_any_crawl(
    cli, server, tmp_path: Path, monkeypatch, where, value, message
):
    monkeypatch.chdir(tmp_path)
    if where == "file":
        (tmp_path / "seolog.toml").write_text(value)
    else:
        monkeypatch.setenv("SEOLOG_SCAN_MAX_TIME", value)
    server.page("/", body="hi")
    r = cli("scan", server.url())
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert server.paths() == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [("notes.txt", "cannot tell which format"), ("/no/such/folder/x.json", "no folder")],
)
def test_a_bad_output_file_fails_before_the_crawl(cli, server, spec, message):
    server.page("/", body="hi")
    r = cli("scan", server.url(), "-o", spec)
    assert r.exit_code == ExitCode.USAGE and message in r.stderr
    assert server.paths() == []  # nothing fetched, no scan stored
    assert cli("scans", "list", "--format", "json").json() == []


def test_a_baseline_in_a_config_file_is_read_from_the_file_s_folder(
    cli, tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert cli("scan", str(EXAMPLE_SITE), "-o", "base.json").exit_code == 0
    (tmp_path / "seolog.toml").write_text('[gates]\nfail_on_new = true\nbaseline = "base.json"\n')
    deeper = tmp_path / "ci" / "job"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    r = cli("scan", str(EXAMPLE_SITE))
    assert r.exit_code == 0, r.stderr  # the same site: nothing new against base.json
    shown = _show(cli)["settings"]["gates.baseline"]
    assert shown["value"] == str(tmp_path / "base.json")


def test_a_header_or_cookie_in_the_wrong_shape_is_not_repeated(cli, server):
    r = cli("scan", server.url(), "--header", "Bearer sk_live_SECRET123")
    assert r.exit_code == ExitCode.USAGE and "SECRET123" not in r.stderr + r.stdout
    r = cli("scan", server.url(), "--cookie", "sessionSECRET456")
    assert r.exit_code == ExitCode.USAGE and "SECRET456" not in r.stderr + r.stdout
