"""What the endpoint can do wrong, and what the user sees: one line, a documented exit code,
and the suggestions answered before the fault kept."""

from __future__ import annotations

import pytest

from tests.conftest import Cli
from tests.suggest.conftest import Site, by
from tests.suggest.llm import KEY

pytestmark = pytest.mark.usefixtures("no_llm_backoff")


@pytest.fixture
def no_llm_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEOLOG_LLM_BACKOFF", "0")


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    assert lines, stderr
    return lines[0]


def test_429_with_retry_after_is_waited_out_and_the_run_completes(site: Site, cli: Cli) -> None:
    site.llm.fault("status", status=429, retry_after="1")
    r = cli(*site.args("--concurrency", "1"))
    assert r.exit_code == 0, r.stderr
    first, second = site.llm.calls[0], site.llm.calls[1]
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 1.0  # Retry-After: 1, though the backoff is 0
    assert r.json()["pages"]["done"] == 6


def test_500s_are_retried_then_the_endpoint_is_down_exit_4(site: Site, cli: Cli) -> None:
    site.llm.fault("status", status=500, times=2)
    r = cli(*site.args("--concurrency", "1"))
    assert r.exit_code == 0, r.stderr  # two 500s, then an answer: the retries carried it
    site.llm.fault("status", status=503, times=100)
    r = cli(*site.args("--concurrency", "1", "--again"))
    assert r.exit_code == 4, r.stderr
    line = one_line(r.stderr)
    assert "did not answer" in line and "HTTP 503" in line and "4 tries" in line
    # 1 try + 3 retries, then the run stopped: no further page was asked.
    assert len([c for c in site.llm.calls if c.status == 503]) == 4


def test_a_timeout_is_retried_then_exit_4_and_earlier_answers_are_kept(
    site: Site, cli: Cli
) -> None:
    site.llm.fault("hang", url_has="/tea", times=100)
    r = cli(*site.args("--concurrency", "1", "--timeout", "1"))
    site.llm.release()
    assert r.exit_code == 4, r.stderr
    assert "no answer in time" in one_line(r.stderr)
    listed = cli("suggestions", "list", "cafe", "--format", "json").json()
    assert listed, "pages answered before the timeouts were lost"
    assert not by(listed, url=site.server.url("/tea"))


def test_an_unknown_model_is_exit_3_naming_it(site: Site, cli: Cli) -> None:
    r = cli("suggest", "cafe", "--api-url", site.llm.url, "--model", "gpt-99")
    assert r.exit_code == 3, r.stderr
    assert "no model 'gpt-99'" in one_line(r.stderr)


def test_a_wrong_key_is_exit_6_and_never_printed(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOG_LLM_API_KEY", "sk-wrong-key-abcdefghijklmnopqrstu")
    r = cli(*site.args())
    assert r.exit_code == 6, r.stderr
    assert "refused the key" in one_line(r.stderr)
    assert "abcdefghijklmnopqrstu" not in r.stderr + r.stdout


def test_no_key_where_the_endpoint_wants_one_is_exit_6_saying_how_to_log_in(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEOLOG_LLM_API_KEY")
    r = cli(*site.args())
    assert r.exit_code == 6, r.stderr
    assert "wants an API key" in one_line(r.stderr)
    assert "seolog auth login --llm" in r.stderr


def test_no_key_for_the_openai_api_is_exit_3_before_any_request(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEOLOG_LLM_API_KEY")
    r = cli("suggest", "cafe")  # the default endpoint: refused before it is asked
    assert r.exit_code == 3, r.stderr
    assert "no API key for the language model endpoint https://api.openai.com" in r.stderr


def test_an_answer_that_is_not_json_is_asked_again_then_flagged(site: Site, cli: Cli) -> None:
    coffee = site.server.url("/coffee-brewing")
    site.llm.fault("not-object", url_has="/coffee-brewing", times=2)
    site.llm.fault("not-json", url_has="/tea-again", times=1)
    r = cli(*site.args("--concurrency", "1"))
    assert r.exit_code == 0, r.stderr
    rows = r.json()["suggestions"]
    (flagged,) = by(rows, url=coffee, field="title")
    assert flagged["status"] == "flagged" and flagged["suggested"] == ""
    assert "not the one JSON object asked for" in flagged["problem"]
    # A body that is not a chat completion at all: asked again, and the second answer is good.
    (again,) = by(rows, url=site.server.url("/tea-again"), field="title")
    assert again["status"] == "new" and again["suggested"]


@pytest.mark.parametrize("kind", ["refusal", "content-filter"])
def test_a_refused_page_is_stored_as_refused_and_the_run_goes_on(
    site: Site, cli: Cli, kind: str
) -> None:
    site.llm.fault(kind, url_has="/gallery")
    r = cli(*site.args("--concurrency", "1"))
    assert r.exit_code == 0, r.stderr
    rows = r.json()["suggestions"]
    (refused,) = by(rows, url=site.server.url("/gallery"))
    assert refused["status"] == "refused" and "refused" in refused["problem"]
    assert len({row["url"] for row in rows}) == 6  # the other pages still got theirs


def test_the_key_goes_only_to_the_endpoint_and_never_to_disk(site: Site, cli: Cli, home) -> None:
    assert cli(*site.args()).exit_code == 0
    assert all(c.authorization == f"Bearer {KEY}" for c in site.llm.calls)
    for path in home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
