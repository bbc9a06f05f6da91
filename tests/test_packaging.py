"""What `pip install seolog` gets: the licence, the metadata, the type marker, and declared
minimum versions that CI installs exactly (tools/lowest_constraints.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "lowest_constraints.py"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hatchling_build = pytest.importorskip("hatchling.build")
    out = tmp_path_factory.mktemp("wheel")
    here = Path.cwd()
    os.chdir(ROOT)  # the PEP 517 hook builds the project in the current folder
    try:
        name = hatchling_build.build_wheel(str(out))
    finally:
        os.chdir(here)
    return out / name


@pytest.mark.store_agnostic
def test_the_wheel_ships_the_type_marker_the_licence_and_the_templates(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "seolog/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.startswith("seolog/templates/") for n in names)


@pytest.mark.store_agnostic
def test_the_metadata_says_licence_classifiers_and_where_to_read_more(wheel: Path):
    archive = zipfile.ZipFile(wheel)
    meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    meta = Parser().parsestr(archive.read(meta_name).decode())
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Changelog"} <= set(urls)
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "2026 the seolog authors" in licence


def _constraints(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.store_agnostic
def test_lowest_constraints_pin_every_dependency_to_its_floor():
    run = _constraints()
    assert run.returncode == 0, run.stderr
    pins = dict(line.split("==") for line in run.stdout.splitlines())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert len(pins) == len(project["dependencies"])
    assert pins["typer"] == "0.29" and pins["weasyprint"] == "63"
    for requirement in project["dependencies"]:
        name, floor = requirement.split(">=")
        assert pins[name.split("[")[0].lower()] == floor


@pytest.mark.store_agnostic
def test_lowest_constraints_refuse_a_dependency_without_a_floor(tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["rich>=13", "httpx"]\n'
        '[project.optional-dependencies]\npg = ["psycopg[binary]>=3.1"]\n'
    )
    run = _constraints("--pyproject", str(pyproject))
    assert run.returncode != 0 and "'httpx' states no minimum version" in run.stderr
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["rich>=13"]\n'
        '[project.optional-dependencies]\npg = ["psycopg[binary]>=3.1"]\n'
    )
    run = _constraints("--pyproject", str(pyproject), "--extra", "pg")
    assert run.stdout == "psycopg==3.1\nrich==13\n"
    assert (
        "no optional dependency group 'nope'"
        in _constraints("--pyproject", str(pyproject), "--extra", "nope").stderr
    )
