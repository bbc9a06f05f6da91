"""Files seolog is handed that it cannot use are one line naming the file and the fix, never a
decoding traceback: a binary or UTF-16 file to `logs import` (exit 2), a CSV it cannot parse
(exit 2), and a crontab file (SEOLOG_CRONTAB_FILE) in a missing folder, a folder, or binary
(exit 3: a setting to fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import Cli

GOOD = "date,description,duration,client\n2026-11-02,Fixed titles,1h,Acme Ltd\n"


def _one_line(r) -> None:
    assert r.stderr.startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


@pytest.fixture
def client(cli: Cli) -> None:
    assert cli("clients", "add", "Acme Ltd").exit_code == 0


NOT_TEXT = {
    "binary": bytes(range(256)) * 8,
    "utf-16": GOOD.encode("utf-16"),
    "nul": GOOD.encode().replace(b"Fixed", b"Fi\x00xed"),
}


@pytest.mark.parametrize("kind", NOT_TEXT)
def test_a_file_that_is_not_utf8_text_imports_nothing(cli: Cli, client, tmp_path: Path, kind):
    path = tmp_path / "hours.csv"
    path.write_bytes(NOT_TEXT[kind])
    r = cli("logs", "import", str(path))
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert f"{path} is not a UTF-8 text file" in r.stderr and "CSV (UTF-8)" in r.stderr
    assert cli("logs", "list", "--format", "json").json() == []


def test_a_csv_the_parser_refuses_imports_nothing(cli: Cli, client, tmp_path: Path):
    path = tmp_path / "hours.csv"
    path.write_text(GOOD + '2026-11-03,"' + "x" * 200_000 + '",1h,Acme Ltd\n')
    r = cli("logs", "import", str(path))
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert "not a CSV file seolog can read" in r.stderr
    assert cli("logs", "list", "--format", "json").json() == []


def test_cells_beyond_the_header_are_ignored(cli: Cli, client, tmp_path: Path):
    path = tmp_path / "hours.csv"
    path.write_text(GOOD.replace("Acme Ltd\n", "Acme Ltd,extra,cells\n"))
    r = cli("logs", "import", str(path))
    assert r.exit_code == 0, r.stderr
    [entry] = cli("logs", "list", "--format", "json").json()
    assert entry["description"] == "Fixed titles"


@pytest.fixture
def site(cli: Cli) -> str:
    assert cli("sites", "add", "http://127.0.0.1:9/", "--name", "acme").exit_code == 0
    return "acme"


def _crontab(tmp_path: Path, kind: str) -> Path:
    if kind == "missing folder":
        return tmp_path / "no" / "such" / "crontab"
    if kind == "folder":
        return tmp_path
    path = tmp_path / "crontab"
    path.write_bytes(bytes(range(256)))
    return path


@pytest.mark.parametrize("kind", ["missing folder", "folder", "binary"])
@pytest.mark.parametrize(
    "args",
    [["schedule", "add", "acme", "--every", "daily"], ["schedule", "list"]],
    ids=" ".join,
)
def test_a_crontab_file_seolog_cannot_use_is_a_config_error(
    cli: Cli, site, tmp_path: Path, monkeypatch, kind, args
):
    target = _crontab(tmp_path, kind)
    monkeypatch.setenv("SEOLOG_CRONTAB_FILE", str(target))
    r = cli(*args)
    if kind == "missing folder" and args[1] == "list":
        assert r.exit_code == 0, r.stderr  # nothing there: nothing scheduled
        return
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_line(r)
    assert f"the crontab file {target} (SEOLOG_CRONTAB_FILE)" in r.stderr
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "args", [["config", "show"], ["scan", "http://127.0.0.1:9/"]], ids=" ".join
)
def test_a_binary_config_file_is_a_config_error(cli: Cli, tmp_path: Path, args):
    config = tmp_path / "seolog.toml"
    config.write_bytes(bytes(range(256)))
    r = cli("--config", str(config), *args)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_line(r)
    assert f"{config} is not a UTF-8 text file" in r.stderr
