"""The project config file: found like ruff finds pyproject.toml, layered under the flags, and
strict about typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer, Response

CONFIG = """
[scan]
max_pages = 9

[thresholds]
thin_content_words = 50

[checks]
disable = ["social-tags-missing"]
severity = { content-thin = "warning" }
ignore = [{ code = "link-broken", url = "/blog/" }]

[gates]
fail_under = 95
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the config at its root, worked on from a subfolder."""
    (tmp_path / "seolog.toml").write_text(CONFIG)
    sub = tmp_path / "docs" / "build"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    return tmp_path


def test_the_config_file_shapes_the_scan_and_the_gate(cli, project: Path):
    r = cli("scan", str(EXAMPLE_SITE), "--format", "json")
    assert r.exit_code == ExitCode.THRESHOLD, r.stderr  # gates.fail_under = 95 from the file
    doc = r.json()
    by_code = doc["summary"]["by_code"]
    assert doc["scan"]["pages_crawled"] == 9  # scan.max_pages
    assert "social-tags-missing" not in by_code  # disabled
    thin = [i for i in doc["issues"] if i["code"] == "content-thin"]
    assert thin and all(i["severity"] == "warning" for i in thin)  # re-graded
    assert all("50" in i["message"] for i in thin)  # the threshold from the file
    assert not any(i["code"] == "link-broken" and "/blog/" in i["url"] for i in doc["issues"])


def test_flags_beat_the_file(cli, project: Path):
    r = cli(
        "scan", str(EXAMPLE_SITE), "--format", "json", "--max-pages", "20", "--fail-under", "10"
    )
    assert r.exit_code == 0, r.stderr
    assert r.json()["scan"]["pages_crawled"] == 14


def test_pyproject_tool_section_and_explicit_config(cli, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    shown = cli("config", "show", "--format", "json").json()
    assert shown["file"] is None  # a pyproject.toml without [tool.seolog] is not ours
    (tmp_path / "pyproject.toml").write_text("[tool.seolog.scan]\nmax_pages = 7\n")
    shown = cli("config", "show", "--format", "json").json()
    assert shown["settings"]["scan.max_pages"] == {
        "value": 7,
        "source": str(tmp_path / "pyproject.toml"),
    }
    other = tmp_path / "ci.toml"
    other.write_text("[gates]\nfail_on = 'error'\n")
    shown = cli("--config", str(other), "config", "show", "--format", "json").json()
    assert shown["settings"]["gates.fail_on"]["value"] == "error"
    assert shown["settings"]["scan.max_pages"]["source"] == "default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scan]\nmax_page = 5\n", "unknown setting scan.max_page"),
        ("[scan]\nmax_pages = 'lots'\n", 'scan.max_pages: expected an integer ≥ 1, got "lots"'),
        ("[checks]\ndisable = ['titel-missing']\n", "did you mean 'title-missing'?"),
        ("[checks]\nseverity = { noindex = 'fatal' }\n", "must be error, warning or notice"),
        ("[gates]\nfail_under = 120\n", "gates.fail_under must be 0-100"),
        ("[thresholds]\ntitle_max = 60\n", "unknown threshold title_max"),
        ("[thresholds]\nnear_duplicate_percent = 80\n", "near_duplicate_percent must be 90 to 100"),
        ("[scan\n", "is not valid TOML"),
    ],
)
def test_typos_are_errors_naming_the_file_and_key(cli, tmp_path: Path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(text)
    r = cli("config", "show")
    assert r.exit_code == ExitCode.CONFIG
    assert message in r.stderr and "seolog.toml" in r.stderr


def test_the_staging_profile_crawls_a_closed_site_without_its_staging_noise(
    cli, server: FixtureServer, tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    server.page(
        "/", head='<meta name="robots" content="noindex">', body='<a href="/a">About us here</a>'
    )
    server.page("/a", head='<meta name="robots" content="noindex">')
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == ExitCode.UNREACHABLE  # robots.txt forbids it without the profile
    r = cli("scan", server.url(), "--profile", "staging", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["scan"]["pages_crawled"] == 2
    assert not {"noindex", "robots-txt-missing", "sitemap-missing"} & set(doc["summary"]["by_code"])
    r = cli("scan", server.url(), "--profile", "prod")
    assert r.exit_code == ExitCode.CONFIG and "no profile named 'prod'" in r.stderr


def test_the_example_config_in_examples_ci_is_valid(cli):
    example = EXAMPLE_SITE.parent / "ci" / "seolog.toml"
    r = cli("--config", str(example), "config", "show", "--profile", "staging", "--format", "json")
    assert r.exit_code == 0, r.stderr
    settings = r.json()["settings"]
    assert settings["gates.fail_under"]["value"] == 85
    assert settings["scan.max_pages"]["value"] == 500  # the staging profile's own value wins
