"""The store's locks: restore, vacuum, prune and deletes refuse while a real scan runs, and the
lock logic itself (portalocker files for SQLite, advisory locks for PostgreSQL) behaves the same
through the one interface on every platform."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from seolog.errors import ExitCode, StorageError
from seolog.storage.lock import (
    lock_folder,
    run_lock,
    scan_is_held,
    scan_lock,
    store_exclusive_lock,
    store_lock,
)
from tests.conftest import interruptible
from tests.server import FixtureServer, Response, html


def _slow_site(server: FixtureServer, pages: int = 200) -> None:
    server.page("/", body="".join(f'<a href="/p{i}">page {i}</a>' for i in range(pages)))
    for i in range(pages):
        server.routes[f"/p{i}"] = Response(body=html(f"Page {i}"), delay=0.1)


def test_maintenance_refuses_while_a_scan_runs(
    server: FixtureServer, seolog_env: dict[str, str], cli, db, tmp_path: Path
) -> None:
    assert cli("sites", "add", "https://other.example", "--name", "other").exit_code == 0
    backup = tmp_path / "before.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    server.page("/")
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0  # one for prune to take
    _slow_site(server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "seolog", "scan", server.url(), "--no-sitemaps", "-c", "1"],
        env=seolog_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    try:
        deadline = time.monotonic() + 60
        while len(server.paths()) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        scan_id = db("SELECT id FROM scans WHERE status = 'running'")[0].id
        for args in (
            ("db", "restore", str(backup), "--yes"),
            ("db", "vacuum"),
            ("scans", "prune", "--keep", "1", "--yes"),
            ("scans", "delete", str(scan_id), "--yes"),
            ("sites", "remove", "127.0.0.1", "--yes"),
        ):
            r = cli(*args)
            assert r.exit_code == ExitCode.STORAGE, (args, r.stderr)
            assert f"while scan {scan_id} of " in r.stderr and "is running" in r.stderr, r.stderr
            assert r.stderr.count("error:") == 1 and "Traceback" not in r.stderr
        # Nothing was pulled from under the scan: it is still running, and ends as a scan does.
        assert db("SELECT status FROM scans WHERE id = :i", i=scan_id)[0].status == "running"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == ExitCode.INTERRUPTED, err
        assert "foreign" not in err.lower() and "bug" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # Free again once the scan has stopped.
    assert cli("db", "restore", str(backup), "--yes").exit_code == 0
    assert [s["name"] for s in cli("sites", "list", "--format", "json").json()] == ["other"]


def test_a_scan_refuses_while_the_store_is_held_alone(store_url: str, cli, server) -> None:
    server.page("/")
    assert cli("sites", "list").exit_code == 0  # the store (and its folder) exists
    with store_exclusive_lock(store_url, StorageError("busy")):
        r = cli("scan", server.url(), "--no-sitemaps")
        assert r.exit_code == ExitCode.STORAGE
        assert "being restored, vacuumed or pruned" in r.stderr
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0


def _refused(lock: Any, message: str) -> None:
    with pytest.raises(StorageError, match=message), lock:
        pass


def test_the_lock_interface(store_url: str, cli) -> None:
    """The same calls on Linux as on Windows: exclusive locks exclude, shared ones share, and
    each is free again when released. (Two holders in one process conflict as two processes
    would: the locks belong to open files, not to the process.)"""
    assert cli("sites", "list").exit_code == 0
    with scan_lock(store_url, 7):
        assert scan_is_held(store_url, 7) and not scan_is_held(store_url, 8)
        _refused(scan_lock(store_url, 7), "scan 7 is being crawled")
    assert not scan_is_held(store_url, 7)

    with store_lock(store_url), store_lock(store_url):  # two scans share the store
        _refused(store_exclusive_lock(store_url, StorageError("busy")), "busy")
    with store_exclusive_lock(store_url, StorageError("busy")):
        _refused(store_lock(store_url), "being restored")
    with run_lock(store_url, "Acme"):
        _refused(run_lock(store_url, "acme "), "still running")
    folder = lock_folder(store_url)
    if folder is not None:  # SQLite: the files beside the store, owner-only
        assert folder.is_dir() and (folder.stat().st_mode & 0o077) == 0
        assert {"scan-7", "store"} <= {p.name for p in folder.iterdir()}
