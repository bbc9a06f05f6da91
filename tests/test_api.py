"""seolog as a Python library: the same scan, settings and gates as the CLI, as plain data."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import seolog
from seolog.domain import RobotsState
from seolog.errors import ExitCode, SeologError, SeologWarning
from tests.conftest import EXAMPLE_SITE

SCRIPT = """
import json, sys
from pathlib import Path
import seolog

result = seolog.scan(sys.argv[1], base_url="https://www.acme.example", max_pages=8)
verdict = seolog.gate(result, fail_under=99)
path = seolog.write(result, "results.sarif", verdict=verdict)
print(json.dumps({
    "id": result.scan.id,
    "score": result.scan.score,
    "pages": result.scan.pages_crawled,
    "passed": verdict.passed,
    "reasons": [f.message for f in verdict.failures],
    "sarif": str(path),
    "imported": sorted(m for m in sys.modules if m == "typer" or m.startswith("seolog.cli")),
}))
"""


def test_a_script_scans_a_folder_gates_it_and_writes_sarif_without_the_cli(
    tmp_path: Path, seolog_env: dict[str, str]
):
    """The README's library example, run as a user's own script in a fresh process."""
    script = tmp_path / "audit.py"
    script.write_text(textwrap.dedent(SCRIPT))
    run = subprocess.run(
        [sys.executable, str(script), str(EXAMPLE_SITE)],
        cwd=tmp_path,
        env=seolog_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["imported"] == []  # neither Typer nor seolog's CLI: the library stands alone
    assert out["pages"] == 8  # the keyword setting reached the crawl
    assert out["score"] is not None and out["score"] < 99
    assert out["passed"] is False
    assert out["reasons"] == [f"site score {out['score']} is below --fail-under 99"]
    sarif = json.loads((tmp_path / "results.sarif").read_text())
    run0 = sarif["runs"][0]
    assert run0["properties"]["gate"]["passed"] is False
    assert run0["properties"]["scan_id"] == out["id"]
    assert run0["results"] and all(r["ruleId"] for r in run0["results"])


def test_results_are_plain_data_and_load_again_by_id(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = seolog.scan(str(EXAMPLE_SITE), max_pages=5, sitemaps=False)
    assert result.scan.status == "completed" and result.scan.pages_crawled == 5
    assert result.site.root_url.startswith("http://site.localhost")
    assert result.scan.settings["max_pages"] == 5 and result.scan.settings["sitemaps"] is False
    assert result.stats is not None and result.stats.robots is RobotsState.PARSED  # typed
    again = seolog.load_scan(result.scan.id)
    assert again == result  # frozen dataclasses compare by value: nothing live inside
    with pytest.raises(AttributeError):
        again.scan.score = 100  # type: ignore[misc]
    doc = json.loads(seolog.render(again, "json"))
    assert doc["scan"]["id"] == result.scan.id and doc["gate"] is None


def test_the_config_file_applies_unless_told_not_to(tmp_path: Path, monkeypatch):
    (tmp_path / "seolog.toml").write_text("[scan]\nmax_pages = 3\n[gates]\nfail_under = 100\n")
    monkeypatch.chdir(tmp_path)
    with seolog.Seolog() as api:
        result = api.scan(str(EXAMPLE_SITE))
        assert result.scan.pages_crawled == 3
        verdict = api.gate(result)  # [gates] fail_under = 100 from the file
        assert not verdict.passed and verdict.failures[0].gate == "fail_under"
        assert api.gate(result, fail_under=0).passed  # a keyword beats the file
    with seolog.Seolog(config=False) as api:
        assert api.settings().get("scan.max_pages") == 10_000
        assert not api.gate(api.load_scan(result.scan.id)).gates.active


def test_environment_settings_apply_and_env_can_be_replaced(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEOLOG_SCAN_MAX_PAGES", "4")
    assert seolog.scan(str(EXAMPLE_SITE)).scan.pages_crawled == 4
    with seolog.Seolog(env={}) as api:
        resolved = api.settings()
    assert resolved.get("scan.max_pages") == 10_000
    assert resolved.sources["scan.max_pages"] == "default"


def test_a_renamed_setting_still_works_with_a_deprecation_warning(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = seolog.scan(str(EXAMPLE_SITE), max_pages=2, use_sitemaps=False)
    assert result.scan.settings["sitemaps"] is False
    (warning,) = [w for w in caught if issubclass(w.category, SeologWarning)]
    assert "use_sitemaps is deprecated" in str(warning.message)
    assert "scan.sitemaps" in str(warning.message)


def test_bad_input_raises_seolog_errors_with_the_cli_exit_codes(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SeologError) as e:
        seolog.scan(str(EXAMPLE_SITE), max_page=5)
    assert e.value.exit_code == ExitCode.USAGE and "unknown setting 'max_page'" in e.value.message
    with pytest.raises(SeologError) as e:
        seolog.scan(str(EXAMPLE_SITE), max_pages="lots")
    assert "max_pages: expected an integer ≥ 1" in e.value.message
    with pytest.raises(SeologError) as e:
        seolog.gate(1, fail_on_new=True)
    assert "--fail-on-new needs --baseline" in e.value.message
    with pytest.raises(SeologError) as e:
        seolog.load_scan(99)
    assert e.value.exit_code == ExitCode.CONFIG
    with pytest.raises(SeologError) as e:
        seolog.render({"schema": "seolog.scan/1"}, "pdf")
    assert "unknown format 'pdf'" in e.value.message


def test_import_seolog_is_cheap(seolog_env: dict[str, str]):
    """The façade loads on first use, so `import seolog` (and `seolog --help`) stays fast."""
    code = (
        "import sys, seolog; heavy = ('seolog.api', 'sqlalchemy', 'httpx');"
        "print(sorted(m for m in heavy if m in sys.modules)); print(seolog.Seolog.__name__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=seolog_env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[]", "Seolog"]


def test_gate_takes_gate_settings_only(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = seolog.scan(str(EXAMPLE_SITE), max_pages=1, config=False)
    with pytest.raises(SeologError) as e:
        seolog.gate(result, max_pages=3)
    assert "gate settings only" in e.value.message and "fail_under" in (e.value.hint or "")
    verdict = seolog.gate(result.scan.id, fail_on="notice")  # an ID works as well as a result
    assert verdict.failures and verdict.failures[0].gate == "fail_on"
    assert verdict.to_dict()["gates"]["fail_on"] == "notice"


def test_the_library_neither_gates_nor_pushes_a_scan_by_itself(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text("[scan]\nsync = true\n[gates]\nfail_on_new = true\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = seolog.scan(str(EXAMPLE_SITE), max_pages=2)  # no baseline needed to scan
    assert result.scan.status == "completed"
    (warning,) = [w for w in caught if issubclass(w.category, SeologWarning)]
    assert "the library does not push" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line, not into seolog
    with pytest.raises(SeologError) as e:
        seolog.scan(str(EXAMPLE_SITE), fail_under=90)
    assert "gates a result" in e.value.message
    with pytest.raises(SeologError) as e:
        seolog.scan(str(EXAMPLE_SITE), config=False, sync=True)
    assert "does not push" in e.value.message


def test_credentials_of_the_wrong_shape_are_refused_without_repeating_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SeologError) as e:
        seolog.scan(str(EXAMPLE_SITE), auth="alice:SECRETPW")  # type: ignore[arg-type]
    assert e.value.exit_code == ExitCode.USAGE and "SECRETPW" not in str(e.value)
    assert seolog.Seolog(config=False).settings() is not None
    with seolog.Seolog(config=False) as api:
        plan = api.plan(str(EXAMPLE_SITE), auth=("alice", "SECRETPW"), headers={"X-Key": "TOKEN9"})
    assert "SECRETPW" not in repr(plan) and "TOKEN9" not in repr(plan)


def test_the_library_reads_seolog_config_and_database_url_from_its_env(tmp_path: Path):
    other = tmp_path / "ci.toml"
    other.write_text("[scan]\nmax_pages = 7\n")
    env = {"SEOLOG_CONFIG": str(other), "SEOLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with seolog.Seolog(env=env) as api:
        resolved = api.settings()
        assert resolved.get("scan.max_pages") == 7 and resolved.sources["scan.max_pages"] == str(
            other
        )
        assert api.context.db_url.endswith("x.db")
