"""Values no command can use are refused where they are typed, with the flag's name, exit 2:
IDs and limits beyond 64 bits (the store's integers), infinite or not-a-number amounts, and text
with a NUL or a byte that is not UTF-8. A number-shaped name that cannot be an ID names nothing
(exit 3); so does a scan ID that does not exist, before any lock is taken."""

from __future__ import annotations

import pytest

from seolog.errors import ExitCode
from tests.conftest import Cli

HUGE = "9" * 30
INT_MAX = str(2**63 - 1)


def _one_line(r) -> None:
    assert r.stderr.startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


BEYOND_64_BITS = [
    ["scans", "show", HUGE],
    ["scans", "list", "--limit", HUGE],
    ["scans", "show", "1", "--code", "title-missing", "--limit", HUGE],
    ["scans", "diff", HUGE, "1"],
    ["scans", "delete", HUGE, "--yes"],
    ["scans", "resume", HUGE],
    ["scans", "prune", "--keep", HUGE, "--yes"],
    ["scan", "--resume", HUGE],
    ["scan", "http://127.0.0.1:9/", "--max-pages", HUGE],
    ["logs", "show", HUGE],
    ["logs", "rm", HUGE, "--yes"],
    ["logs", "list", "--limit", HUGE],
    ["sync", "push", "--scan", HUGE],
]


@pytest.mark.parametrize("args", BEYOND_64_BITS, ids=" ".join)
def test_a_number_beyond_64_bits_is_a_usage_error_naming_the_flag(cli: Cli, args):
    r = cli(*args)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert "is out of range" in r.stderr and INT_MAX in r.stderr


def test_the_largest_64_bit_id_is_a_scan_that_does_not_exist(cli: Cli):
    r = cli("scans", "show", INT_MAX)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    assert f"no scan with id {INT_MAX}" in r.stderr


@pytest.mark.parametrize("target", [HUGE, INT_MAX])
def test_a_report_on_a_scan_id_beyond_the_store_is_not_found(cli: Cli, target):
    r = cli("reports", "audit", target, "--format", "html")
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_line(r)
    assert f"no scan with id {target}" in r.stderr


@pytest.mark.parametrize("args", [["sites", "show", HUGE], ["clients", "show", HUGE]], ids=" ".join)
def test_a_number_shaped_name_beyond_the_store_is_not_found(cli: Cli, args):
    r = cli(*args)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_line(r)


@pytest.mark.parametrize("resume", [["scan", "--resume", "-1"], ["scans", "resume", "0"]])
def test_resuming_a_scan_that_does_not_exist_says_so_not_another_process(cli: Cli, resume):
    r = cli(*resume)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_line(r)
    assert "no scan with id" in r.stderr and "another seolog process" not in r.stderr


@pytest.mark.parametrize("value", ["1e309", "inf", "nan", "-inf"])
def test_an_infinite_crawl_rate_is_a_usage_error(cli: Cli, value):
    r = cli("scan", "http://127.0.0.1:9/", "--rate", value, "--timeout", "1")
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert "--rate" in r.stderr


@pytest.mark.parametrize("value", ["1e309", "99999999999", "Infinity", "9999999999.999"])
def test_an_hourly_rate_too_large_to_store_is_a_usage_error(cli: Cli, value):
    r = cli("clients", "add", "Acme Ltd", "--rate", value)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert cli("clients", "list", "--format", "json").json() == []


def test_the_largest_storable_rate_is_kept(cli: Cli):
    assert cli("clients", "add", "Acme Ltd", "--rate", "9999999999.99").exit_code == 0
    [client] = cli("clients", "list", "--format", "json").json()
    assert client["hourly_rate"] == "9999999999.99"


# A raw byte \xff in argv reaches Python as the lone surrogate \udcff (surrogateescape).
@pytest.mark.parametrize(
    "args",
    [
        ["scan", "http://127.0.0.1:9/\udcff"],
        ["sites", "add", "http://127.0.0.1:9/", "--name", "ac\udcffme"],
        ["clients", "add", "Acme\udcff"],
        ["logs", "add", "fixed \udcff titles", "--time", "1h"],
    ],
    ids=["scan URL", "site name", "client name", "log description"],
)
def test_text_that_is_not_utf8_is_a_usage_error(cli: Cli, args):
    r = cli(*args)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert "not UTF-8" in r.stderr


def test_a_nul_in_text_is_a_usage_error(cli: Cli):
    r = cli("clients", "add", "Acme\x00Ltd")
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert "NUL" in r.stderr


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(cli: Cli, tmp_path):
    """On Linux a file name is bytes: the path is not refused for its byte, only for what the
    file holds (here: nothing there)."""
    r = cli("logs", "import", str(tmp_path / "hours-\udcff.csv"))
    assert r.exit_code == ExitCode.USAGE, r.stderr
    assert "not UTF-8" not in r.stderr


def test_a_folder_whose_name_is_not_utf8_is_scanned(cli: Cli, tmp_path, monkeypatch):
    """`scan FOLDER` takes text that may be a path: a Latin-1 folder name (café) names a folder,
    so it is scanned, not refused as text (review: it worked before the value checks)."""
    folder = tmp_path / "caf\udce9"  # b"caf\xe9" as Python keeps it
    folder.mkdir()
    (folder / "index.html").write_text("<html><head><title>A page to scan</title></head></html>")
    monkeypatch.chdir(tmp_path)
    r = cli("scan", "caf\udce9", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["scan"]["pages_crawled"] == 1
