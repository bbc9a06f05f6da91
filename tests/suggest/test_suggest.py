"""`seolog suggest` against the contract server: what is asked, what is stored, what is
checked, and what a run costs."""

from __future__ import annotations

from tests.conftest import Cli
from tests.suggest.conftest import WIDE_TITLE, Site, by
from tests.suggest.llm import MODEL, REASONING


def test_the_fields_the_scan_flagged_are_suggested_checked_and_stored(site: Site, cli: Cli) -> None:
    r = cli(*site.args())
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    rows = doc["suggestions"]
    asked = {c.page: set(c.fields) for c in site.llm.answered()}
    home, coffee = site.server.url("/"), site.server.url("/coffee-brewing")
    tea, tea2 = site.server.url("/tea"), site.server.url("/tea-again")
    # Each page was asked for what its scan flagged, and nothing else.
    assert asked[home] == {"title", "description"}
    assert asked[coffee] == {"title"}
    assert asked[tea] == asked[tea2] == {"title"}
    assert asked[site.server.url("/nl/koffie")] == {"title", "h1"}
    assert asked[site.server.url("/gallery")] == {"alt"}
    # The too-wide title was replaced by one that fits, and kept what the page says now.
    (title,) = by(rows, url=coffee, field="title")
    assert title["current"] == WIDE_TITLE.strip() and title["status"] == "new"
    assert title["suggested"].startswith("Coffee Brewing:")
    # One alt text per image without an alt attribute (alt="" is decoration: left alone).
    alts = by(rows, url=site.server.url("/gallery"), field="alt")
    assert sorted(a["target"] for a in alts) == [
        site.server.url(p) for p in ("/cup.png", "/mug.png")
    ]
    assert doc["status"] == "done" and doc["pages"] == {"planned": 6, "done": 6}


def test_prompts_are_grounded_on_the_page_and_never_stream(site: Site, cli: Cli) -> None:
    assert cli(*site.args()).exit_code == 0
    (call,) = [c for c in site.llm.answered() if c.page == site.server.url("/coffee-brewing")]
    assert call.body["stream"] is False and call.body["model"] == MODEL
    assert "Current title: " + WIDE_TITLE.strip() in call.prompt
    assert "Current H1: Coffee brewing" in call.prompt
    assert "Brewing coffee at home starts with fresh beans" in call.prompt  # the excerpt
    assert "/tea" not in call.prompt.split("Excerpt")[1].split('"""')[1]  # no navigation
    assert call.authorization == "Bearer " + "sk-test-llm-0123456789abcdefghij"


def test_tokens_and_cost_are_stored_per_suggestion_and_summed_per_run(
    site: Site, cli: Cli, tmp_path
) -> None:
    config = tmp_path / "seolog.toml"
    config.write_text(f'[suggest]\nprices = {{ "{MODEL}" = {{ input = 0.5, output = 1.5 }} }}\n')
    r = cli("--config", str(config), *site.args())
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    calls = site.llm.answered()
    rows = doc["suggestions"]
    assert sum(s["prompt_tokens"] for s in rows) == doc["usage"]["prompt_tokens"] > 0
    assert sum(s["completion_tokens"] for s in rows) == doc["usage"]["completion_tokens"] > 0
    expected = (
        doc["usage"]["prompt_tokens"] * 0.5 + doc["usage"]["completion_tokens"] * 1.5
    ) / 1000
    assert abs(doc["usage"]["cost"] - expected) < 1e-9
    assert abs(sum(s["cost"] for s in rows) - expected) < 1e-9
    assert len(calls) == 6


def test_a_reasoning_model_is_asked_as_it_wants(site: Site, cli: Cli) -> None:
    """OpenAI's o1/o3/gpt-5 refuse max_tokens and a temperature: asked again without them."""
    r = cli("suggest", "cafe", "--api-url", site.llm.url, "--model", REASONING, "--pages", "3",
            "-c", "1", "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.json()["pages"]["done"] == 3
    refused = [c for c in site.llm.calls if c.status == 400]
    assert len(refused) == 2  # once for each parameter, then the client remembers
    for call in site.llm.answered():
        assert "max_tokens" not in call.body and "temperature" not in call.body
        assert call.body["max_completion_tokens"] > 0
