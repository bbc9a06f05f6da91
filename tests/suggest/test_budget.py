"""The hard budget stops a run before it is passed, and a second run pays for nothing twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Cli, interruptible
from tests.suggest.conftest import Site
from tests.suggest.llm import MODEL

PRICE = (0.5, 1.5)  # per 1,000 tokens: input, output


@pytest.fixture
def priced(tmp_path: Path) -> Path:
    config = tmp_path / "seolog.toml"
    config.write_text(
        f'[suggest]\nprices = {{ "{MODEL}" = {{ input = {PRICE[0]}, output = {PRICE[1]} }} }}\n'
    )
    return config


def test_max_cost_stops_before_it_is_passed_and_the_next_run_goes_on(
    site: Site, cli: Cli, priced: Path
) -> None:
    dry = cli("--config", str(priced), *site.args("--dry-run")).json()
    most = dry["estimate"]["cost"]
    budget = most / 3  # room for about two of the six pages at their worst case
    r = cli(
        "--config", str(priced), *site.args("--max-cost", f"{budget:.6f}", "--concurrency", "1")
    )
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["status"] == "budget"
    assert 0 < doc["pages"]["done"] < 6
    assert doc["usage"]["cost"] <= budget
    assert "stopped before passing the budget" in r.stderr
    first = {c.page for c in site.llm.answered()}
    # Again, with room for the rest: only the pages not answered yet are asked.
    r = cli("--config", str(priced), *site.args("--max-cost", "10"))
    assert r.exit_code == 0, r.stderr
    second = [c.page for c in site.llm.answered()][len(first) :]
    assert sorted(second) == sorted(set(second))  # each once
    assert not first & set(second)
    assert len(first) + len(second) == 6
    assert r.json()["skipped"] > 0


def test_max_tokens_stops_before_it_is_passed(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--max-tokens", "1500", "--concurrency", "1"))
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["status"] == "budget"
    used = doc["usage"]["prompt_tokens"] + doc["usage"]["completion_tokens"]
    assert 0 < used <= 1500


def test_a_budget_too_small_for_one_page_sends_nothing(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--max-tokens", "10"))
    assert r.exit_code == 0, r.stderr
    assert site.llm.calls == []
    assert r.json()["pages"]["done"] == 0


def test_max_cost_without_a_price_is_refused_up_front(site: Site, cli: Cli) -> None:
    r = cli("suggest", "cafe", "--api-url", "https://llm.example/v1", "--model", "m",
            "--max-cost", "1")  # fmt: skip
    assert r.exit_code == 2, r.stderr
    assert "needs the price of m" in r.stderr and "[suggest] prices" in r.stderr


def test_an_interrupted_run_keeps_its_answers_and_resumes_without_repeats(
    site: Site, seolog_env: dict[str, str]
) -> None:
    env = {**seolog_env, "SEOLOG_LLM_API_KEY": "sk-test-llm-0123456789abcdefghij"}
    site.llm.fault("hang", url_has="/nl/koffie", times=1)
    args = [sys.executable, "-m", "seolog", *site.args("--concurrency", "1")]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=interruptible)  # fmt: skip
    assert site.llm.hung.wait(60), "the hanging page was never asked"
    answered = {c.page for c in site.llm.answered()}
    proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    stopped = proc.poll() is not None  # before the answer in flight came (it never does)
    site.llm.release()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert stopped, "Ctrl-C waited for the answer in flight"
    assert "Traceback" not in err and "interrupted" in err
    # Run again: the pages answered before Ctrl-C are not asked again.
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    later = [c.page for c in site.llm.answered()]
    again = later[len(answered) :]
    assert not answered & set(again)
    assert answered | set(again) == {site.server.url(p) for p in (
        "/", "/coffee-brewing", "/tea", "/tea-again", "/nl/koffie", "/gallery")}  # fmt: skip
