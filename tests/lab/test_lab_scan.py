"""`seolog scan --lab` and `seolog lab` with the real Lighthouse: what a user sees and what is
stored. Each Lighthouse run takes 10-30 s here, so the module makes four in all."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from seolog.errors import ExitCode
from tests.conftest import run_seolog
from tests.lab.test_lighthouse_real import BAD, CHROME, CLEAN, LIGHTHOUSE
from tests.server import FixtureServer, Response

pytestmark = pytest.mark.timeout(900)

CATEGORIES = ("performance", "accessibility", "best_practices", "seo")
METRICS = ("lcp_ms", "fcp_ms", "tbt_ms", "speed_index_ms", "cls")


def _site(server: FixtureServer) -> None:
    """Two templates: the home page (clean) and /guides/{slug} pages (slow, inaccessible)."""
    links = '<p><a href="/guides/first-steps">First steps</a> <a href="/guides/care">Care</a></p>'
    server.routes["/"] = Response(body=CLEAN.replace("</main>", links + "</main>"))
    for slug in ("first-steps", "care"):
        server.routes[f"/guides/{slug}"] = Response(body=BAD, delay=0.5)


def _env(seolog_env: dict[str, str]) -> dict[str, str]:
    assert LIGHTHOUSE and CHROME
    return {**seolog_env, "SEOLOG_LIGHTHOUSE": LIGHTHOUSE, "SEOLOG_BROWSER": CHROME}


def _scan(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_seolog(env, "scan", *args, "--no-sitemaps", "--no-external", timeout=600)


def test_a_scan_with_lab_measures_one_page_per_template_and_gates_on_the_lowest(
    server: FixtureServer, seolog_env: dict[str, str], db: Any, tmp_path: Path
) -> None:
    _site(server)
    env = _env(seolog_env)
    out = tmp_path / "scan.json"
    md = tmp_path / "summary.md"
    done = _scan(
        env, server.url(), "--lab", "--fail-under-lab", "accessibility=90", "-o", str(out),
        "-o", str(md),
    )  # fmt: skip
    # The inaccessible guide fails the gate (exit 1), after everything was written.
    assert done.returncode == ExitCode.THRESHOLD, done.stderr
    assert "lab accessibility score" in done.stderr and "/guides/" in done.stderr
    doc = json.loads(out.read_text())
    measured = {row["url"]: row for row in doc["lab"]}
    # One page per template: the home page, and one of the two guides (not both).
    assert len(measured) == 2 and server.url() in measured
    guide = next(url for url in measured if "/guides/" in url)
    for row in measured.values():
        assert row["form_factor"] == "mobile" and row["lighthouse_version"]
        assert all(0 <= row["scores"][c] <= 100 for c in CATEGORIES), row
        assert all(row["metrics"][m] is not None for m in METRICS), row
    home, bad = measured[server.url()]["scores"], measured[guide]["scores"]
    assert bad["accessibility"] < home["accessibility"]
    assert bad["accessibility"] < 90 <= home["accessibility"]
    assert doc["summary"]["lab"] is not None
    assert doc["gate"]["passed"] is False
    summary = md.read_text()
    assert "**Lab scores**" in summary and guide in summary
    assert "--fail-under-lab accessibility=90" in summary  # the gate that failed, named
    stored = db("SELECT url, template FROM lab_results WHERE scan_id = 1 ORDER BY id")
    assert {row.url for row in stored} == set(measured)
    assert {row.template for row in stored} == {"/", "/guides/{*}"}

    # The audit report shows them: a table of the measured pages with their scores.
    report = tmp_path / "audit.html"
    made = run_seolog(env, "reports", "audit", "1", "-o", str(report))
    assert made.returncode == 0, made.stderr
    html = report.read_text()
    assert (
        "Lab scores (Lighthouse)" in html
        and f"Lighthouse {doc['lab'][0]['lighthouse_version']}" in html
    )
    lab_table = html[html.index('<table class="lab">') :]
    lab_table = lab_table[: lab_table.index("</table>")]
    assert guide in lab_table and f">{bad['accessibility']}<" in lab_table

    # `seolog lab` again, on desktop, one page: stored beside the mobile results.
    again = run_seolog(env, "lab", "1", "--desktop", "--lab-pages", "1", "--format", "json",
                       timeout=600)  # fmt: skip
    assert again.returncode == 0, again.stderr
    rows = json.loads(again.stdout)["lab"]
    assert [r["form_factor"] for r in rows] == ["desktop"] and rows[0]["url"] == server.url()
    factors = db("SELECT form_factor, count(*) AS n FROM lab_results GROUP BY form_factor")
    assert {(r.form_factor, r.n) for r in factors} == {("mobile", 2), ("desktop", 1)}


@pytest.mark.store_agnostic  # what is printed; the first test stores on every backend
def test_the_lab_table_follows_the_summary(
    server: FixtureServer, seolog_env: dict[str, str]
) -> None:
    server.routes["/"] = Response(body=CLEAN)
    done = _scan(_env(seolog_env), server.url(), "--lab")
    assert done.returncode == 0, done.stderr
    assert "Lab scores (Lighthouse" in done.stdout and server.url() in done.stdout
    assert "lab 1/1: " + server.url() in done.stderr


@pytest.mark.store_agnostic
@pytest.mark.parametrize("flag", ["--lighthouse", "--browser"])
def test_a_missing_lighthouse_or_browser_is_one_line_before_any_request(
    flag: str, server: FixtureServer, seolog_env: dict[str, str]
) -> None:
    server.routes["/"] = Response(body=CLEAN)
    done = _scan(_env(seolog_env), server.url(), "--lab", flag, "/nonexistent/tool")
    assert done.returncode == ExitCode.MISSING_TOOL, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "/nonexistent/tool" in lines[0]
    assert lines[1].strip().startswith("hint: ") and "Traceback" not in done.stderr
    assert server.paths() == []  # nothing was crawled, and no scan was made
    listed = run_seolog(seolog_env, "scans", "list", "--format", "json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


@pytest.mark.store_agnostic
def test_lab_of_an_unknown_site_is_exit_3(seolog_env: dict[str, str]) -> None:
    done = run_seolog(_env(seolog_env), "lab", "nosuchsite")
    assert done.returncode == ExitCode.CONFIG
    assert "no site named 'nosuchsite'" in done.stderr
