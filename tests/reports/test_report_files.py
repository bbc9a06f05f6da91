"""Where a report goes and what it is: the file's extension chooses the format (an explicit
--format wins, a contradiction is refused), a path that cannot be written is the user's to fix
(exit 2), a disk that fills up is storage (exit 5) and leaves the last good report in place, a
device or pipe is written into rather than replaced, and a template that raises as it renders is
a report error (exit 7) naming the template line."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import Cli
from tests.server import FixtureServer

PDF = b"%PDF-"


@pytest.fixture
def site(cli: Cli, server: FixtureServer) -> str:
    """A site `acme` with one completed scan."""
    server.page("/", title="Acme garden tools for keen gardeners", body='<a href="/a">About</a>')
    server.page("/a", title="About Acme", body='<a href="/">Home page</a>')
    assert cli("sites", "add", server.url(), "--name", "acme").exit_code == 0
    assert cli("scan", "acme", "--no-sitemaps", "-q").exit_code == 0
    return "acme"


def _one_line(r) -> None:
    assert r.stderr.startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


@pytest.mark.parametrize(
    ("name", "args", "kind"),
    [
        ("audit.html", [], "html"),
        ("audit.HTM", [], "html"),
        ("audit.pdf", [], "pdf"),
        ("audit.report", [], "pdf"),  # an extension that says nothing: the default
        ("audit.report", ["--format", "html"], "html"),  # an explicit --format wins
        ("audit.html", ["--format", "html"], "html"),
    ],
)
def test_the_file_extension_chooses_the_format(cli: Cli, site, tmp_path: Path, name, args, kind):
    out = tmp_path / name
    r = cli("reports", "audit", site, "-o", str(out), *args)
    assert r.exit_code == 0, r.stderr
    head = out.read_bytes()[:200]
    if kind == "pdf":
        assert head.startswith(PDF)
    else:
        assert not head.startswith(PDF) and b"<html" in head.lower()


@pytest.mark.parametrize(("name", "fmt"), [("audit.html", "pdf"), ("audit.pdf", "html")])
def test_a_format_the_extension_contradicts_is_a_usage_error(
    cli: Cli, site, tmp_path: Path, name, fmt
):
    out = tmp_path / name
    r = cli("reports", "audit", site, "-o", str(out), "--format", fmt)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert f"--format {fmt} does not match the file name {name}" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_report_into_a_missing_folder_is_a_usage_error(cli: Cli, site, tmp_path: Path, fmt):
    out = tmp_path / "missing" / f"audit.{fmt}"
    r = cli("reports", "audit", site, "-o", str(out))
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert f"there is no folder {out.parent}" in r.stderr and "mkdir -p" in r.stderr
    assert "template" not in r.stderr
    assert not out.parent.exists()


def test_a_report_onto_a_folder_is_a_usage_error(cli: Cli, site, tmp_path: Path):
    folder = tmp_path / "audit.html"
    folder.mkdir()
    r = cli("reports", "audit", site, "-o", str(folder))
    assert r.exit_code == ExitCode.USAGE, r.stderr
    _one_line(r)
    assert folder.is_dir()


def test_a_report_into_a_pipe_is_written_into_it_not_over_it(cli: Cli, site, tmp_path: Path):
    """A device or a pipe (`-o /dev/stdout`) stays what it is: renaming a temporary file over it
    would have replaced it with a regular file (as root, /dev/null itself)."""
    pipe = tmp_path / "report.html"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    r = cli("reports", "audit", site, "-o", str(pipe), "--format", "html")
    reader.join(timeout=30)
    assert r.exit_code == 0, r.stderr
    assert pipe.is_fifo()
    assert b"<html" in received[0][:200].lower()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _file_size_limit(limit: int):
    def apply() -> None:
        # A file grown past the limit fails with EFBIG, as a full disk fails with ENOSPC;
        # the signal the kernel sends first would kill the process, so it is ignored.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.sqlite_only
def test_a_disk_that_fills_up_during_a_report_is_a_storage_error(site, seolog_env, tmp_path: Path):
    out = tmp_path / "audit.html"
    out.write_text("the last good report")
    done = subprocess.run(
        [sys.executable, "-m", "seolog", "reports", "audit", site, "-o", str(out)],
        env=seolog_env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_file_size_limit(200_000),  # the store is read; the report is ~300 KB
    )
    assert done.returncode == ExitCode.STORAGE, done.stderr
    assert done.stderr.startswith(f"error: cannot write {out}"), done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text() == "the last good report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("expression", ["{{ 1 / 0 }}", "{{ audit.nothing.deeper }}"])
def test_a_template_that_raises_while_rendering_is_a_report_error(
    cli: Cli, site, tmp_path: Path, expression
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "audit.html.j2").write_text(f"<p>score</p>\n{expression}\n")
    out = tmp_path / "audit.html"
    r = cli("reports", "audit", site, "-o", str(out), "--template-dir", str(templates))
    assert r.exit_code == ExitCode.REPORT, r.stderr
    _one_line(r)
    assert "the report template failed" in r.stderr
    assert f"{templates / 'audit.html.j2'}:2" in r.stderr
    assert not out.exists()
