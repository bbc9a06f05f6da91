"""The external-check options (--external, --max-external, --external-per-host, --external-skip)
reach the scan's stored settings from a flag, seolog.toml and the environment; a bad value is
one clear line."""

from __future__ import annotations

import pytest

from seolog.errors import ExitCode


@pytest.fixture
def site(server):
    server.page("/", "Home of the test site", "<h1>Home</h1><p>Nothing external here.</p>")
    return server


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_the_flags_reach_the_stored_scan_settings(cli, site):
    r = cli(
        "scan",
        site.url("/"),
        "--no-external",
        "--max-external",
        "25",
        "--external-per-host",
        "4",
        "--external-skip",
        "Facebook.com",
        "--external-skip",
        "*.cdn.example",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    stored = r.json()["scan"]["settings"]
    assert stored["external"] is False
    assert stored["max_external"] == 25
    assert stored["external_per_host"] == 4
    # Lower-cased, without the `*.`: a host always covers its subdomains.
    assert stored["external_skip"] == ["facebook.com", "cdn.example"]


@pytest.mark.external  # the defaults as users get them: no skip list
def test_the_defaults_are_on_and_documented(cli):
    from seolog.config import DEFAULT_EXTERNAL_PER_HOST, DEFAULT_MAX_EXTERNAL

    shown = cli("config", "show", "--format", "json").json()["settings"]
    values = {key: item["value"] for key, item in shown.items()}
    assert values["scan.external"] is True
    assert values["scan.max_external"] == DEFAULT_MAX_EXTERNAL
    assert values["scan.external_per_host"] == DEFAULT_EXTERNAL_PER_HOST
    assert values["scan.external_skip"] == []
    assert values["scan.ca_bundle"] is None and values["scan.insecure"] is False


def test_seolog_toml_and_the_environment_set_them(cli, site, tmp_path, monkeypatch):
    (tmp_path / "seolog.toml").write_text(
        '[scan]\nexternal = false\nmax_external = 7\nexternal_skip = ["twitter.com"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEOLOG_SCAN_EXTERNAL_PER_HOST", "1")
    monkeypatch.setenv("SEOLOG_SCAN_EXTERNAL_SKIP", "a.example, B.example")
    r = cli("scan", site.url("/"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    stored = r.json()["scan"]["settings"]
    assert stored["external"] is False and stored["max_external"] == 7
    assert stored["external_per_host"] == 1
    assert stored["external_skip"] == ["a.example", "b.example"]  # the variable beats the file


def test_a_flag_turns_external_checks_back_on(cli, site, tmp_path, monkeypatch):
    (tmp_path / "seolog.toml").write_text("[scan]\nexternal = false\n")
    monkeypatch.chdir(tmp_path)
    r = cli("scan", site.url("/"), "--external", "--max-external", "0", "--format", "json")
    assert r.exit_code == 0, r.stderr
    stored = r.json()["scan"]["settings"]
    assert stored["external"] is True and stored["max_external"] == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--external-per-host", "0"], "--external-per-host"),
        (["--external-per-host", "17"], "--external-per-host"),
        (["--max-external", "-1"], "--max-external"),
        (["--max-external", "lots"], "--max-external"),
        (["--external-skip", "https://www.facebook.com/page"], "not a host name"),
        (["--external-skip", "cdn.example:8080"], "not a host name"),
    ],
)
def test_a_bad_flag_value_is_one_clear_line(cli, site, args, words):
    r = cli("scan", site.url("/"), *args)
    assert r.exit_code == ExitCode.USAGE
    errors = _error_lines(r.stderr)
    assert len(errors) == 1 and words in errors[0], r.stderr
    assert "Traceback" not in r.stderr
    assert site.paths() == []  # refused before any request


def test_a_url_given_as_a_host_gets_the_host_to_write(cli, site):
    r = cli("scan", site.url("/"), "--external-skip", "https://www.facebook.com/page")
    assert "e.g. www.facebook.com" in r.stderr


def test_bad_values_in_the_file_and_the_environment_exit_3(cli, site, tmp_path, monkeypatch):
    (tmp_path / "seolog.toml").write_text(
        '[scan]\nexternal_per_host = 40\nexternal_skip = ["x.com/path"]\n'
    )
    monkeypatch.chdir(tmp_path)
    r = cli("scan", site.url("/"))
    assert r.exit_code == ExitCode.CONFIG
    assert "scan.external_per_host must be 1-16, not 40" in r.stderr
    assert "scan.external_skip 'x.com/path' is not a host name" in r.stderr
    (tmp_path / "seolog.toml").unlink()
    monkeypatch.setenv("SEOLOG_SCAN_MAX_EXTERNAL", "many")
    r = cli("scan", site.url("/"))
    assert r.exit_code == ExitCode.CONFIG
    assert _error_lines(r.stderr) == [
        "error: SEOLOG_SCAN_MAX_EXTERNAL='many' is not a whole number"
    ]


def test_help_shows_the_options_with_examples(cli):
    text = cli("scan", "--help").stdout
    for flag in ("--no-external", "--max-external", "--external-per-host", "--external-skip"):
        assert flag in text
    assert "External links and resources" in text
    assert "--external-skip facebook.com" in text
    assert "--ca-bundle" in text and "--insecure" in text


def test_python_callers_get_the_same_checks():
    from seolog.settings import BadValue, lookup

    skip, _old = lookup("scan", "external_skip")
    assert skip is not None
    assert skip.parse("Bücher.example") == ["xn--bcher-kva.example"]
    with pytest.raises(BadValue, match="not a host name"):
        skip.parse(["two words"])
