"""Per-check assertions ([gates.checks], --assert), as Lighthouse CI asserts per audit: at most N
issues of a check, error-level failing the build, warn-level saying so and passing."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

import seolog
from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer

# What the example site is known to have (tests below recount from the scan document).
BROKEN = "link-broken"  # several, an error
SHORT = "title-too-short"  # several, a warning
ALT = "image-alt-missing"  # one


@pytest.fixture
def public(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example site copied into a 'repository' that is the working directory, as in CI."""
    shutil.copytree(EXAMPLE_SITE, tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _counts(public: Path) -> Counter[str]:
    doc = json.loads((public / "scan.json").read_text())
    return Counter(i["code"] for i in doc["issues"])


def test_file_assertions_fail_on_errors_warn_on_warnings_and_say_why(cli, public: Path):
    (public / "seolog.toml").write_text(
        "[gates.checks]\n"
        f"{BROKEN} = {{ max = 0 }}\n"
        f'{SHORT} = {{ max = 1, level = "warn" }}\n'
        '"image-*" = "error"\n'
        f'{ALT} = "off"\n'  # an exact code wins over the glob
    )
    r = cli("scan", "site", "-o", "scan.json")
    counts = _counts(public)
    assert counts[BROKEN] > 0 and counts[SHORT] > 1 and counts[ALT] > 0  # the site's known state
    assert r.exit_code == ExitCode.THRESHOLD, r.stderr
    assert f"error: assertion failed: {BROKEN} has {counts[BROKEN]} issue(s), max 0" in r.stderr
    assert f"warning: assertion failed: {SHORT} has {counts[SHORT]} issue(s), max 1" in r.stderr
    assert "the gate still passes" in r.stderr
    assert ALT not in r.stderr  # switched off for this code
    assert "Gate" in r.stdout and "failed: assertion failed" in r.stdout

    gate = json.loads((public / "scan.json").read_text())["gate"]
    assert gate["passed"] is False
    assert [(f["gate"], f["codes"]) for f in gate["failures"]] == [("assert", [BROKEN])]
    assert [(w["gate"], w["codes"]) for w in gate["warnings"]] == [("assert", [SHORT])]
    assert {"pattern": "image-*", "max": 0, "level": "error"} in gate["gates"]["assertions"]
    # The keys outputs already read are all still there.
    assert {"passed", "gates", "failures"} <= set(gate)
    assert {"fail_under", "fail_on", "fail_on_new", "baseline"} <= set(gate["gates"])


def test_warn_level_assertions_alone_pass_the_gate(cli, public: Path):
    r = cli("scan", "site", "--assert", f"{BROKEN}=max:0:warn", "-o", "scan.json")
    assert r.exit_code == 0, r.stderr
    count = _counts(public)[BROKEN]
    assert f"warning: assertion failed: {BROKEN} has {count} issue(s), max 0" in r.stderr
    gate = json.loads((public / "scan.json").read_text())["gate"]
    assert gate["passed"] is True and gate["failures"] == []
    assert gate["warnings"][0]["codes"] == [BROKEN]


def test_flags_add_to_the_file_and_change_one_code_each(cli, public: Path):
    (public / "seolog.toml").write_text(f"[gates.checks]\n{BROKEN} = {{ max = 0 }}\n")
    r = cli("scan", "site", "--assert", f"{BROKEN}=max:999", "-o", "scan.json")
    assert r.exit_code == 0, r.stderr  # the flag raised the file's max for that code
    r = cli("scan", "site", "--assert", f"{BROKEN}=max:999", "--assert", "http-*=error")
    assert r.exit_code == ExitCode.THRESHOLD
    assert "assertion failed: http-4xx has" in r.stderr and "asserted by http-*" in r.stderr
    r = cli("scan", "site", "--assert", f"{BROKEN}=max:999", "--assert", "http-*=error",
            "--exit-zero")  # fmt: skip
    assert r.exit_code == 0 and "gate failed: assertion failed: http-4xx" in r.stderr


def test_an_exact_code_wins_over_a_glob_and_blame_names_only_failing_codes(cli, public: Path):
    r = cli("scan", "site", "--assert", "link-*=max:0", "--assert", f"{BROKEN}=max:999",
            "--format", "json")  # fmt: skip
    doc = r.json()
    others = sorted(
        code for code, n in Counter(i["code"] for i in doc["issues"]).items()
        if code.startswith("link-") and code != BROKEN
    )  # fmt: skip
    assert others, "the example site has another link-* finding"
    assert r.exit_code == ExitCode.THRESHOLD
    blamed = [code for f in doc["gate"]["failures"] for code in f["codes"]]
    assert blamed == others and BROKEN not in blamed
    assert "(and" not in r.stderr or len(others) > 1  # one failure: no "and N more"


def test_several_failed_assertions_are_counted_in_the_error_line(cli, public: Path):
    r = cli("scan", "site", "--assert", f"{BROKEN}=error", "--assert", f"{SHORT}=error")
    assert r.exit_code == ExitCode.THRESHOLD
    assert f"assertion failed: {BROKEN} has" in r.stderr
    assert "(and 1 more failed gate)" in r.stderr


@pytest.mark.parametrize(
    ("args", "env", "exit_code", "message"),
    [
        (["--assert", "link-brokn=max:0"], {}, ExitCode.CONFIG,
         "--assert: unknown check code 'link-brokn'"),
        (["--assert", "imgae-*=warn"], {}, ExitCode.CONFIG, "did you mean 'image-*'?"),
        (["--assert", "link-broken=max:x"], {}, ExitCode.USAGE, "--assert 'link-broken=max:x'"),
        (["--assert", "link-broken"], {}, ExitCode.USAGE, "expected CODE=SPEC"),
        ([], {"SEOLOG_GATES_CHECKS": "titel-too-long=1"}, ExitCode.CONFIG,
         "did you mean 'title-too-long'?"),
    ],
)  # fmt: skip
def test_a_bad_assertion_fails_before_any_request(
    cli, server: FixtureServer, monkeypatch, tmp_path: Path, args, env, exit_code, message
):
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    server.page("/", body="hi")
    r = cli("scan", server.url(), *args)
    assert r.exit_code == exit_code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert server.paths() == []  # nothing fetched


def test_a_bad_assertion_in_the_file_is_a_config_error(
    cli, server: FixtureServer, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(
        '[gates.checks]\n"imgae-*" = "error"\nlink-broken = { max = -1 }\n'
        'title-too-long = { max = 3, level = "fatal" }\n'
    )
    server.page("/", body="hi")
    r = cli("scan", server.url())
    assert r.exit_code == ExitCode.CONFIG, r.stderr
    assert "3 problems" in r.stderr
    assert "'imgae-*' matches no check code" in r.stderr and "did you mean 'image-*'?" in r.stderr
    assert "gates.checks.link-broken.max: expected an integer ≥ 0, got -1" in r.stderr
    assert 'gates.checks.title-too-long.level: expected error, warn or off, got "fatal"' in r.stderr
    assert server.paths() == []


def test_config_show_lists_each_assertion_with_its_source(cli, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seolog.toml").write_text(
        '[gates.checks]\nlink-broken = { max = 0 }\n"image-*" = "error"\n'
        '[profiles.lenient.gates.checks]\n"image-*" = "off"\n'
    )
    monkeypatch.setenv("SEOLOG_GATES_CHECKS", "title-too-long=max:10:warn")
    shown = cli("config", "show", "--profile", "lenient", "--format", "json").json()["settings"]
    path = str(tmp_path / "seolog.toml")
    assert shown["gates.checks.link-broken"] == {
        "value": {"max": 0, "level": "error"},
        "source": path,
    }
    assert shown["gates.checks.image-*"] == {
        "value": {"max": 0, "level": "off"},
        "source": f"{path} [profiles.lenient]",
    }
    assert shown["gates.checks.title-too-long"]["source"] == "environment SEOLOG_GATES_CHECKS"
    r = cli("config", "show", "--profile", "lenient")
    assert r.exit_code == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "gates.checks.title-too-long" in x)
    assert "max:10:warn" in line and "SEOLOG_GATES_CHECKS" in line


def test_the_library_gates_with_assertions_as_the_cli_does(public: Path):
    result = seolog.scan("site", max_pages=50)
    verdict = seolog.gate(result, checks={BROKEN: {"max": 0}, "title-*": "max:1:warn"})
    assert not verdict.passed
    assert [f.codes for f in verdict.failures] == [(BROKEN,)]
    assert verdict.blamed == frozenset({BROKEN})
    assert [w.codes for w in verdict.warnings] == [(SHORT,)]
    assert seolog.gate(result, checks=[f"{BROKEN}=max:999"]).passed
