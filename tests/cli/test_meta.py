"""Every command documents itself with an example; version and module entry points work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from seolog import __version__


def _commands():
    from typer.main import get_command

    from seolog.cli.app import app

    root = get_command(app)
    for name, cmd in root.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            for sub_name in sub:
                yield (name, sub_name)
        else:
            yield (name,)


@pytest.mark.parametrize("path", list(_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(cli, path):
    r = cli(*path, "--help")
    assert r.exit_code == 0
    assert "Example" in r.stdout, f"`seolog {' '.join(path)} --help` shows no example"


def test_scan_help_documents_exit_codes(cli):
    text = cli("scan", "--help").stdout
    for code in (
        "0 done",
        "2 bad flag",
        "3 unknown site",
        "4 start URL unreachable",
        "5 database",
        "130 interrupted",
    ):
        assert code in text


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"seolog {__version__}"


def test_python_dash_m_and_help_stays_light():
    code = (
        "import sys, runpy; sys.argv = ['seolog', '--help'];\n"
        "try:\n    runpy.run_module('seolog', run_name='__main__')\nexcept SystemExit: pass\n"
        "heavy = [m for m in ('httpx', 'sqlalchemy', 'sqlmodel', 'selectolax', 'alembic', 'weasyprint') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "Usage" in r.stdout
    assert "HEAVY []" in r.stdout
