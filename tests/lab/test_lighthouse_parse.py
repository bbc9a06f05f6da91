"""The Lighthouse runner without Lighthouse: the report parser on a hand-written report of the
real shape (Lighthouse 12), the JSON record, finding the command, and the subprocess handling
against stand-in scripts (arguments, secrets, timeouts and Ctrl-C leaving no process behind)."""

from __future__ import annotations

import copy
import json
import os
import signal
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from seolog.errors import ExitCode, ToolMissing
from seolog.lab.lighthouse import (
    CHROME_FLAGS,
    LabResult,
    LighthouseMissing,
    find_lighthouse,
    lighthouse_version,
    parse_report,
    run_lighthouse,
)

pytestmark = pytest.mark.store_agnostic

URL = "http://127.0.0.1:8000/spades"


def _audit(aid: str, value: float | None, unit: str = "millisecond") -> dict[str, Any]:
    audit: dict[str, Any] = {"id": aid, "title": aid, "score": 0.9, "scoreDisplayMode": "numeric"}
    if value is not None:
        audit.update(numericValue=value, numericUnit=unit, displayValue=f"{value}")
    return audit


def _category(cid: str, score: float | None) -> dict[str, Any]:
    return {"title": cid, "id": cid, "score": score, "auditRefs": [{"id": "x", "weight": 1}]}


# The parts of a Lighthouse 12.2.3 report (LHR) the parser reads, in their real places, with
# a few neighbours it must ignore.
REPORT: dict[str, Any] = {
    "lighthouseVersion": "12.2.3",
    "requestedUrl": URL,
    "mainDocumentUrl": URL + "/",
    "finalDisplayedUrl": URL + "/",
    "finalUrl": URL + "/",
    "fetchTime": "2026-12-01T02:48:02.323Z",
    "gatherMode": "navigation",
    "runWarnings": [],
    "configSettings": {
        "formFactor": "mobile",
        "throttlingMethod": "simulate",
        "screenEmulation": {"mobile": True, "width": 412, "height": 823},
        "onlyCategories": ["performance", "accessibility", "best-practices", "seo"],
    },
    "categories": {
        "performance": _category("performance", 0.87),
        "accessibility": _category("accessibility", 1),
        "best-practices": _category("best-practices", 0.96),
        "seo": _category("seo", 0.915),
    },
    "audits": {
        "first-contentful-paint": _audit("first-contentful-paint", 1210.5),
        "largest-contentful-paint": _audit("largest-contentful-paint", 2627.445),
        "total-blocking-time": _audit("total-blocking-time", 126.00000000000011),
        "speed-index": _audit("speed-index", 1900),
        "cumulative-layout-shift": _audit("cumulative-layout-shift", 0.042, unit="unitless"),
        "server-response-time": _audit("server-response-time", 12.3),
    },
    "timing": {"total": 9123.4},
}


def report(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(REPORT)
    data.update(changes)
    return data


# --- the parser ------------------------------------------------------------------------------


def test_parse_report_reads_scores_metrics_and_context() -> None:
    result = parse_report(REPORT)
    assert result == LabResult(
        url=URL,
        final_url=URL + "/",
        form_factor="mobile",
        lighthouse_version="12.2.3",
        performance=87,
        accessibility=100,
        best_practices=96,
        seo=92,  # 91.5 rounds half up, as Lighthouse shows it
        lcp_ms=2627.445,
        fcp_ms=1210.5,
        tbt_ms=126.00000000000011,
        speed_index_ms=1900.0,
        cls=0.042,
        error=None,
    )
    assert isinstance(result.speed_index_ms, float)


@pytest.mark.parametrize(
    ("score", "shown"), [(0, 0), (0.005, 1), (0.125, 13), (0.994, 99), (1, 100)]
)
def test_scores_round_half_up(score: float, shown: int) -> None:
    data = report()
    data["categories"]["performance"]["score"] = score
    assert parse_report(data).performance == shown


def test_final_url_falls_back_to_final_url_of_older_reports() -> None:
    data = report()
    del data["finalDisplayedUrl"]
    data["finalUrl"] = URL + "/moved"
    assert parse_report(data).final_url == URL + "/moved"


def test_desktop_form_factor_is_read_from_the_settings() -> None:
    data = report()
    data["configSettings"]["formFactor"] = "desktop"
    assert parse_report(data).form_factor == "desktop"


def test_a_runtime_error_is_the_error_and_nothing_is_measured() -> None:
    """What Lighthouse 12.2.3 writes for a page answering 404."""
    message = (
        "Lighthouse was unable to reliably load the page you requested. Make sure you are "
        "testing the correct URL and that the server is properly responding to all requests. "
        "(Status code: 404)"
    )
    data = report(runtimeError={"code": "ERRORED_DOCUMENT_REQUEST", "message": message})
    for category in data["categories"].values():
        category["score"] = None
    for audit in data["audits"].values():
        audit.update(score=None, scoreDisplayMode="error", errorMessage=message)
        audit.pop("numericValue", None)
    result = parse_report(data)
    assert result.error == message
    assert result.to_dict()["scores"] == dict.fromkeys(
        ("performance", "accessibility", "best_practices", "seo")
    )
    assert set(result.to_dict()["metrics"].values()) == {None}
    assert result.lighthouse_version == "12.2.3"


def test_missing_categories_and_audits_read_as_none() -> None:
    data = report(categories={"seo": _category("seo", 1)}, audits={})
    result = parse_report(data)
    assert (result.seo, result.performance, result.lcp_ms, result.cls) == (100, None, None, None)


def test_a_zero_metric_is_zero_not_none() -> None:
    data = report()
    data["audits"]["cumulative-layout-shift"]["numericValue"] = 0
    assert parse_report(data).cls == 0.0


@pytest.mark.parametrize("data", [{}, {"lighthouseVersion": 12}, {"audits": {}}])
def test_what_is_no_report_is_a_value_error(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="not a Lighthouse report"):
        parse_report(data)


# --- the stored record -----------------------------------------------------------------------


def test_to_dict_has_the_stable_field_names() -> None:
    stored = parse_report(REPORT).to_dict()
    assert stored == {
        "url": URL,
        "final_url": URL + "/",
        "form_factor": "mobile",
        "lighthouse_version": "12.2.3",
        "scores": {"performance": 87, "accessibility": 100, "best_practices": 96, "seo": 92},
        "metrics": {
            "lcp_ms": 2627.445,
            "fcp_ms": 1210.5,
            "tbt_ms": 126.00000000000011,
            "speed_index_ms": 1900.0,
            "cls": 0.042,
        },
        "error": None,
    }


def test_from_dict_reads_back_to_dict_through_json() -> None:
    for result in (
        parse_report(REPORT),
        LabResult(URL, None, "desktop", None, error="Lighthouse did not finish within 5 s"),
    ):
        assert LabResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_from_dict_reads_a_missing_value_as_none() -> None:
    stored = {"url": URL, "form_factor": "mobile", "scores": {"seo": 90}}
    result = LabResult.from_dict(stored)
    assert (result.seo, result.performance, result.cls, result.error) == (90, None, None, None)


@pytest.mark.parametrize(
    "change",
    [
        {"scores": {"seo": 0.9}},
        {"scores": {"seo": 101}},
        {"scores": {"seo": True}},
        {"metrics": {"lcp_ms": "fast"}},
        {"metrics": {"cls": float("nan")}},
        {"scores": [90]},
        {"url": None},
    ],
)
def test_from_dict_refuses_a_wrong_type(change: dict[str, Any]) -> None:
    stored = {**parse_report(REPORT).to_dict(), **change}
    with pytest.raises(ValueError):
        LabResult.from_dict(stored)


# --- finding Lighthouse ----------------------------------------------------------------------


def _script(folder: Path, name: str, body: str) -> Path:
    """An executable Python script standing in for a tool."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH is one empty folder and SEOLOG_LIGHTHOUSE is unset: nothing to find."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("SEOLOG_LIGHTHOUSE", raising=False)
    return folder


def test_nothing_found_is_lighthouse_missing_with_the_install_hint(empty_path: Path) -> None:
    with pytest.raises(LighthouseMissing) as caught:
        find_lighthouse(None)
    assert caught.value.message == "Lighthouse not found"
    assert caught.value.hint == (
        "install it: npm install -g lighthouse (needs Node.js: apt-get install nodejs npm), "
        "or name it with --lighthouse PATH / SEOLOG_LIGHTHOUSE"
    )
    assert caught.value.exit_code == ExitCode.MISSING_TOOL == 8
    assert isinstance(caught.value, ToolMissing)


def test_explicit_path_comes_first(
    empty_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _script(tmp_path / "mine", "lighthouse", "print('1.0.0')")
    monkeypatch.setenv("SEOLOG_LIGHTHOUSE", str(_script(tmp_path / "env", "lh", "")))
    _script(empty_path, "lighthouse", "")
    assert find_lighthouse(str(mine)) == [str(mine)]


@pytest.mark.parametrize("kind", ["missing", "not executable", "a folder"])
def test_an_explicit_path_that_does_not_run_is_an_error(
    empty_path: Path, tmp_path: Path, kind: str
) -> None:
    _script(empty_path, "lighthouse", "")  # there would be one on PATH: not used instead
    path = tmp_path / "lh"
    if kind == "not executable":
        path.write_text("#!/bin/sh\n", encoding="utf-8")
    elif kind == "a folder":
        path.mkdir()
    with pytest.raises(LighthouseMissing, match=r"Lighthouse not found: .*lh \(--lighthouse\)"):
        find_lighthouse(str(path))


def test_the_environment_variable_comes_before_path(
    empty_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = _script(tmp_path / "env", "lh", "")
    _script(empty_path, "lighthouse", "")
    monkeypatch.setenv("SEOLOG_LIGHTHOUSE", str(named))
    assert find_lighthouse(None) == [str(named)]
    monkeypatch.setenv("SEOLOG_LIGHTHOUSE", str(tmp_path / "nothing"))
    with pytest.raises(LighthouseMissing, match=r"\(SEOLOG_LIGHTHOUSE\)"):
        find_lighthouse(None)


def test_lighthouse_on_path(empty_path: Path) -> None:
    found = _script(empty_path, "lighthouse", "")
    _script(empty_path, "npx", "raise SystemExit(1)")
    assert find_lighthouse(None) == [str(found)]


def test_npx_when_it_can_run_lighthouse_without_installing(empty_path: Path) -> None:
    npx = _script(
        empty_path,
        "npx",
        "import sys\n"
        "assert sys.argv[1:] == ['--no-install', 'lighthouse', '--version'], sys.argv\n"
        "print('12.2.3')",
    )
    assert find_lighthouse(None) == [str(npx), "--no-install", "lighthouse"]


def test_npx_that_cannot_run_lighthouse_is_not_lighthouse(empty_path: Path) -> None:
    _script(
        empty_path,
        "npx",
        "import sys\nsys.stderr.write('npm error npx canceled due to missing packages\\n')\n"
        "raise SystemExit(1)",
    )
    with pytest.raises(LighthouseMissing, match=r"^Lighthouse not found$"):
        find_lighthouse(None)


def test_lighthouse_version(tmp_path: Path) -> None:
    lh = _script(tmp_path, "lighthouse", "print('12.2.3')")
    assert lighthouse_version([str(lh)]) == "12.2.3"
    broken = _script(
        tmp_path, "broken", "import sys; sys.stderr.write('no node\\n'); sys.exit(127)"
    )
    with pytest.raises(LighthouseMissing, match="no node"):
        lighthouse_version([str(broken)])


# --- running it, with stand-ins ---------------------------------------------------------------

# A stand-in Lighthouse: records its argv and environment in RECORD, then does what MODE says.
STAND_IN = """
import json, os, subprocess, sys, time
record = os.environ["RECORD"]
headers = None
for arg in sys.argv[1:]:
    if arg.startswith("--extra-headers="):
        path = arg.split("=", 1)[1]
        headers = {"path": path, "mode": oct(os.stat(path).st_mode & 0o777),
                   "value": json.load(open(path))}
with open(record, "w") as f:
    json.dump({"argv": sys.argv[1:], "chrome_path": os.environ.get("CHROME_PATH"),
               "tmpdir": os.environ.get("TMPDIR"), "headers": headers}, f)
mode = os.environ["MODE"]
if mode == "report":
    print(os.environ["REPORT"])
elif mode == "runtime-error":
    print(os.environ["REPORT"])
    sys.stderr.write("Runtime error encountered: the page did not load\\n")
    sys.exit(1)
elif mode == "crash":
    sys.stderr.write("launching Chrome\\nChrome crashed; header was Bearer s3cret-token\\n")
    sys.exit(2)
elif mode == "garbage":
    print("<html>not json</html>")
elif mode == "hang":
    # A browser the way chrome-launcher starts one: detached, in a session of its own.
    browser = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                               start_new_session=True)
    with open(record + ".pids", "w") as f:
        f.write(f"{os.getpid()} {browser.pid}")
    time.sleep(300)
"""


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Path]:
    lh = _script(tmp_path / "bin", "lighthouse", STAND_IN)
    record = tmp_path / "record.json"
    monkeypatch.setenv("RECORD", str(record))
    monkeypatch.setenv("REPORT", json.dumps(REPORT))
    return [str(lh)], record


def test_the_arguments_lighthouse_gets(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cmd, record = stand_in
    monkeypatch.setenv("MODE", "report")
    result = run_lighthouse(URL, cmd=cmd, chrome_path="/usr/bin/chromium")
    seen = json.loads(record.read_text())
    assert seen["argv"] == [
        URL,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    assert CHROME_FLAGS == "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    assert seen["chrome_path"] == "/usr/bin/chromium"  # Lighthouse 12 reads CHROME_PATH
    assert not Path(seen["tmpdir"]).exists()  # the scratch folder went with the run
    assert result == parse_report(REPORT)


def test_desktop_and_extra_headers(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cmd, record = stand_in
    monkeypatch.setenv("MODE", "report")
    headers = {"Cookie": "session=s3cret-cookie", "Authorization": "Bearer s3cret-token"}
    run_lighthouse(URL, cmd=cmd, chrome_path=None, form_factor="desktop", extra_headers=headers)
    seen = json.loads(record.read_text())
    assert "--preset=desktop" in seen["argv"]
    assert seen["headers"]["value"] == headers
    assert seen["headers"]["mode"] == "0o600"  # a file only this user reads, not argv
    assert "s3cret" not in " ".join(seen["argv"])
    assert not Path(seen["headers"]["path"]).exists()


def test_a_temp_folder_too_long_for_chromiums_socket_is_not_used(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Chromium does not start when $TMPDIR/.org.chromium.Chromium.XXXXXX/SingletonSocket is
    longer than a socket address (104-108 bytes); Lighthouse then only says it cannot connect."""
    cmd, record = stand_in
    monkeypatch.setenv("MODE", "report")
    long = tmp_path / ("x" * 60)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    run_lighthouse(URL, cmd=cmd)
    tmpdir = json.loads(record.read_text())["tmpdir"]
    assert tmpdir.startswith("/tmp/seolog-lab-")
    assert len(tmpdir + "/.org.chromium.Chromium.XXXXXX/SingletonSocket") <= 104


@pytest.mark.parametrize("url", ["--view", "file:///etc/passwd", "127.0.0.1:8000/"])
def test_only_http_urls_are_audited(stand_in: tuple[list[str], Path], url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        run_lighthouse(url, cmd=stand_in[0])


def test_an_unknown_form_factor_is_refused(stand_in: tuple[list[str], Path]) -> None:
    with pytest.raises(ValueError):
        run_lighthouse(URL, cmd=stand_in[0], form_factor="tablet")  # type: ignore[arg-type]


def test_a_runtime_error_with_exit_1_keeps_lighthouses_message(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE", "runtime-error")
    monkeypatch.setenv(
        "REPORT",
        json.dumps(
            report(
                runtimeError={"code": "NO_FCP", "message": "The page did not paint any content."}
            )
        ),
    )
    result = run_lighthouse(URL, cmd=stand_in[0])
    assert result.error == "The page did not paint any content."
    assert result.lighthouse_version == "12.2.3"


def test_a_crash_is_one_line_without_the_secrets(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE", "crash")
    result = run_lighthouse(
        URL,
        cmd=stand_in[0],
        form_factor="desktop",
        extra_headers={"Authorization": "Bearer s3cret-token"},
    )
    assert result.error == "Lighthouse exited 2: Chrome crashed; header was ***"
    assert (result.url, result.form_factor, result.lighthouse_version) == (URL, "desktop", None)
    assert result.performance is None and result.lcp_ms is None


def test_output_that_is_no_report_is_an_error(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODE", "garbage")
    result = run_lighthouse(URL, cmd=stand_in[0])
    assert result.error is not None
    assert result.error.startswith("Lighthouse printed no report")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that may never reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def _pids(record: Path) -> list[int]:
    pids = Path(str(record) + ".pids")
    # Generous: the stand-in is a Python process starting another, and on a busy 2-core
    # machine that took over 10 s once (the Ctrl-C test then never pressed Ctrl-C).
    deadline = time.monotonic() + 50
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return [int(p) for p in pids.read_text().split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_timeout_kills_lighthouse_and_its_detached_browser(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cmd, record = stand_in
    monkeypatch.setenv("MODE", "hang")
    started = time.monotonic()
    result = run_lighthouse(URL, cmd=cmd, timeout_s=2)
    assert time.monotonic() - started < 30
    assert result.error == "Lighthouse did not finish within 2 s"
    lighthouse, browser = _pids(record)
    assert not _alive(lighthouse)
    assert not _alive(browser), "the detached browser outlived the run"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_kills_lighthouse_and_its_browser_then_reraises(
    stand_in: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cmd, record = stand_in
    monkeypatch.setenv("MODE", "hang")
    # Ctrl-C as a terminal delivers it: a run started in the background (`cmd &` in a script)
    # has SIGINT ignored, and the signal below would then be lost.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _press_and_check(cmd, record)
    finally:
        signal.signal(signal.SIGINT, previous)


def _press_and_check(cmd: list[str], record: Path) -> None:
    def press_ctrl_c() -> None:
        _pids(record)  # once the browser is up
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c, daemon=True)
    presser.start()
    with pytest.raises(KeyboardInterrupt):
        run_lighthouse(URL, cmd=cmd, timeout_s=60)
    presser.join()
    lighthouse, browser = _pids(record)
    assert not _alive(lighthouse)
    assert not _alive(browser), "the detached browser outlived Ctrl-C"


def test_a_command_that_cannot_start_is_lighthouse_missing(tmp_path: Path) -> None:
    with pytest.raises(LighthouseMissing, match="cannot run"):
        run_lighthouse(URL, cmd=[str(tmp_path / "gone")])
