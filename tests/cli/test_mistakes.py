"""One exit code per kind of mistake, whatever the command: an unknown check code, site, client,
project or scan is "not found" (exit 3, with "did you mean …?" where a close name exists); a
malformed value is a usage error (exit 2). Also: --db in a folder that does not exist."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import Cli
from tests.world import build_world, world_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return world_template(tmp_path_factory)


@pytest.fixture
def world(cli: Cli, home: Path, template: Path) -> Cli:
    if os.environ.get("SEOLOG_DATABASE_URL"):  # PostgreSQL: each test has its own database
        build_world(cli)
    else:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, home / "seolog.db")
    return cli


UNKNOWN_SITE = [
    ["scan", "acmee"],
    ["sites", "show", "acmee"],
    ["sites", "edit", "acmee", "--notes", "x"],
    ["sites", "remove", "acmee", "--yes"],
    ["scans", "list", "--site", "acmee"],
    ["scans", "prune", "--site", "acmee", "--keep", "1", "--yes"],
    ["logs", "add", "x", "--site", "acmee", "--time", "1h"],
    ["logs", "start", "x", "--site", "acmee"],
    ["logs", "list", "--site", "acmee"],
    ["logs", "summary", "--site", "acmee"],
    ["reports", "audit", "acmee"],
    ["sync", "push", "acmee"],
    ["auth", "status", "acmee"],
    ["auth", "logout", "acmee"],
    ["schedule", "add", "acmee", "--every", "daily", "--print"],
    ["projects", "add", "Other", "--client", "Acme Ltd", "--site", "acmee"],
]

UNKNOWN_CODE = [
    ["checks", "explain", "titel-missing"],
    ["scans", "show", "1", "--code", "titel-missing"],
    ["logs", "add", "x", "--site", "acme", "--time", "1h", "--fixes", "titel-missing"],
    ["logs", "edit", "1", "--fixes", "titel-missing"],
]

UNKNOWN_CLIENT = [
    ["clients", "show", "Acme Ltdd"],
    ["clients", "edit", "Acme Ltdd", "--rate", "90"],
    ["projects", "add", "Other", "--client", "Acme Ltdd"],
    ["logs", "add", "x", "--client", "Acme Ltdd", "--time", "1h"],
    ["logs", "list", "--client", "Acme Ltdd"],
    ["logs", "summary", "--client", "Acme Ltdd"],
    ["reports", "work", "Acme Ltdd"],
]

UNKNOWN_PROJECT = [
    ["projects", "show", "Lanch"],
    ["projects", "edit", "Lanch", "--name", "X"],
    ["logs", "add", "x", "--project", "Lanch", "--time", "1h"],
    ["logs", "list", "--project", "Lanch"],
]

UNKNOWN_SCAN = [
    ["scans", "show", "99"],
    ["scans", "diff", "1", "99"],
    ["scans", "delete", "99", "--yes"],
    ["scans", "resume", "99"],
    ["scan", "--resume", "99"],
    ["reports", "audit", "99"],
]

MALFORMED = [
    ["scan", "acme", "--max-pages", "zero"],
    ["logs", "add", "x", "--site", "acme", "--time", "1x"],
    ["logs", "list", "--since", "yesterdayy"],
    ["logs", "add", "x", "--site", "acme", "--time", "1h", "--type", "coding"],
    ["schedule", "add", "acme", "--every", "hourlyy", "--print"],
    ["sites", "add", "ftp://acme.example"],
]


def _one_clear_line(r) -> None:
    assert r.stderr.startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [(a, "did you mean 'acme'?") for a in UNKNOWN_SITE]
    + [(a, "did you mean 'title-missing'?") for a in UNKNOWN_CODE]
    + [(a, "did you mean 'Acme Ltd'?") for a in UNKNOWN_CLIENT]
    + [(a, "did you mean 'Launch'?") for a in UNKNOWN_PROJECT],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_an_unknown_name_is_not_found_everywhere_with_a_close_guess(world, args, hint):
    r = world(*args)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_clear_line(r)
    assert hint in r.stderr


@pytest.mark.parametrize("args", UNKNOWN_SCAN, ids=" ".join)
def test_an_unknown_scan_is_not_found_everywhere(world, args):
    r = world(*args)
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    _one_clear_line(r)
    assert "no scan with id 99" in r.stderr and "seolog scans list" in r.stderr


@pytest.mark.parametrize("args", MALFORMED, ids=" ".join)
def test_a_malformed_value_is_a_usage_error_everywhere(world, args):
    r = world(*args)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    assert "Traceback" not in r.stderr


def test_a_name_nothing_resembles_gets_the_way_to_list_and_add(world):
    r = world("sites", "show", "globex")
    assert r.exit_code == ExitCode.CONFIG
    assert "did you mean" not in r.stderr
    assert "seolog sites list" in r.stderr and "seolog sites add URL" in r.stderr


def test_a_mistyped_log_command_logs_nothing(world):
    world("logs", "add", "x", "--site", "acmee", "--time", "1h")
    world("logs", "add", "x", "--site", "acme", "--time", "1h", "--fixes", "titel-missing")
    assert len(world("logs", "list", "--format", "json").json()) == 1


def test_the_old_did_you_mean_import_still_works():
    from seolog.checks.registry import did_you_mean
    from seolog.suggest import did_you_mean as moved

    assert did_you_mean is moved
    assert moved("ACME", ["acme", "globex"], "x") == "did you mean 'acme'? see x"


# --- --db ------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["url", "path"])
def test_a_db_in_a_missing_folder_is_an_error_not_a_new_store(cli, tmp_path: Path, form):
    target = tmp_path / "typo" / "seolog.db"
    db = f"sqlite:///{target}" if form == "url" else str(target)
    r = cli("--db", db, "sites", "list")
    assert r.exit_code == ExitCode.STORAGE, r.stderr
    _one_clear_line(r)
    assert f"no folder {target.parent}" in r.stderr and "mkdir -p" in r.stderr
    assert not target.parent.exists()


def test_a_db_given_as_a_plain_path_is_a_sqlite_file(cli, tmp_path: Path):
    target = tmp_path / "work.db"
    assert cli("--db", str(target), "clients", "add", "Acme Ltd").exit_code == 0
    assert target.is_file()
    assert cli("--db", f"sqlite:///{target}", "clients", "list", "--format", "json").json()


@pytest.mark.blank_store  # first use: no store yet
def test_the_default_store_and_its_folder_are_still_created(cli, home: Path, monkeypatch):
    monkeypatch.delenv("SEOLOG_DATABASE_URL", raising=False)
    assert not home.exists()
    assert cli("sites", "list").exit_code == 0
    assert (home / "seolog.db").is_file()
