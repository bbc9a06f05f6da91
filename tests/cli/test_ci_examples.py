"""The CI examples in examples/ci/ run as written: their seolog commands are taken from the
files and run by /bin/sh, optional secrets unset, against a local folder and server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import EXAMPLE_SITE

CI = EXAMPLE_SITE.parent / "ci"
SHIM = 'seolog() { "$SEOLOG_PYTHON" -m seolog "$@"; }\n'  # as if `pip install seolog` ran


def _github_audit() -> str:
    """The `run: |` block of the workflow's Audit step."""
    lines = (CI / "github-actions.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- name: Audit")
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    indent = len(lines[run]) - len(lines[run].lstrip())
    block = []
    for line in lines[run + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        block.append(line)
    return textwrap.dedent("\n".join(block))


def _gitlab_scan() -> str:
    """The script item that runs seolog scan (a YAML plain scalar folded over lines)."""
    lines = (CI / "gitlab-ci.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("- seolog scan"))
    indent = len(lines[start]) - len(lines[start].lstrip())
    parts = [lines[start].strip()[2:]]
    for line in lines[start + 1 :]:
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        parts.append(line.strip())
    return " ".join(parts)


def _sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", SHIM + script],
        cwd=cwd,
        env={**env, "SEOLOG_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_gitlab_example_runs_with_its_optional_auth_unset(server, seolog_env, tmp_path):
    server.page("/", "Acme garden tools for keen gardeners", '<a href="/a">About us</a>')
    server.page("/a", "About Acme, makers of forged garden tools", '<a href="/">Home</a>')
    env = {k: v for k, v in seolog_env.items() if k not in ("STAGING_AUTH", "SEOLOG_AUTH")}
    command = _gitlab_scan()
    assert '--auth "$STAGING_AUTH"' in command
    run = _sh(command, tmp_path, {**env, "STAGING_URL": server.url()})
    assert run.returncode in (0, 1), run.stderr  # a gate may fail; a usage error may not
    assert "Invalid value" not in run.stderr
    assert (tmp_path / "seolog-junit.xml").read_text().startswith("<?xml")
    assert json.loads((tmp_path / "scan.json").read_text())["scan"]["status"] == "completed"
    quality = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
    assert isinstance(quality, list) and all(i["location"]["path"] for i in quality)
    assert not any("authorization" in r.headers for r in server.requests)


def test_the_github_example_audits_a_built_folder(seolog_env, tmp_path):
    shutil.copytree(EXAMPLE_SITE, tmp_path / "public")
    run = _sh(_github_audit(), tmp_path, seolog_env)
    # The example site scores below 90 and has a broken link, which the example asserts away.
    assert run.returncode == 1, run.stderr
    assert "(and 1 more failed gate)" in run.stderr
    assert "assertion failed: link-broken" in run.stdout  # in the verdict annotation
    sarif = json.loads((tmp_path / "results.sarif").read_text())
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "link-broken" in rules and "hsts-missing" not in rules  # a folder cannot fix HSTS
    assert (tmp_path / "summary.md").read_text().strip()
    # Annotations on the files of the repository, the gate's verdict last.
    commands = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert any(c.startswith("::error file=public/") and ",line=" in c for c in commands)
    assert commands[-1].startswith("::error title=seolog gate::")
