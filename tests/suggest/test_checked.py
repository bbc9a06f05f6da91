"""A suggestion passes the checks a page would, or is asked for again once and then flagged;
Dutch pages get Dutch prompts and answers; --dry-run and --no-content send what they say."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cli
from tests.suggest.conftest import WIDE_TITLE, Site, by
from tests.suggest.llm import Call, fitting_answer


def test_a_too_wide_title_is_asked_for_again_with_the_reason(site: Site, cli: Cli) -> None:
    wide = "Wonderful Wide Words With Many Capital Ws: WWW MMM WWW MMM WWW"  # ~60 chars, ~800 px

    def writer(messages: list[dict[str, str]], call: Call) -> dict[str, Any]:
        answer = fitting_answer(messages, call)
        if "title" in answer and "over 580 px" not in call.prompt:
            answer["title"] = wide  # the first answer: too wide
        return answer

    site.llm.writer = writer
    r = cli(*site.args("--for", "titles", "--url", "/coffee-brewing$"))
    assert r.exit_code == 0, r.stderr
    first, second = site.llm.answered()
    assert first.fields == ["title"] and second.fields == ["title"]
    assert f"'{wide}' is" in second.prompt and "px wide in search results" in second.prompt
    (row,) = r.json()["suggestions"]
    assert row["status"] == "new" and row["suggested"] != wide


def test_a_title_too_wide_twice_is_flagged_not_offered(site: Site, cli: Cli) -> None:
    def writer(messages: list[dict[str, str]], call: Call) -> dict[str, Any]:
        return {"title": WIDE_TITLE.strip()[:70]}

    site.llm.writer = writer
    r = cli(*site.args("--for", "titles", "--url", "/coffee-brewing$"))
    assert r.exit_code == 0, r.stderr
    assert len(site.llm.answered()) == 2  # asked again once, not more
    (row,) = r.json()["suggestions"]
    assert row["status"] == "flagged" and "over 580 px" in row["problem"]
    listed = cli("suggestions", "list", "cafe", "--status", "new", "--format", "json").json()
    assert not listed  # a flagged one is not offered as new


def test_another_pages_title_is_not_suggested(site: Site, cli: Cli) -> None:
    taken = "All about tea, leaf by leaf, cup by cup"

    def writer(messages: list[dict[str, str]], call: Call) -> dict[str, Any]:
        answer = fitting_answer(messages, call)
        if call.page and call.page.endswith("/tea-again") and "already another" not in call.prompt:
            answer["title"] = taken
        return answer

    site.llm.writer = writer
    r = cli(*site.args("--for", "titles", "--url", "/tea"))
    assert r.exit_code == 0, r.stderr
    rows = r.json()["suggestions"]
    assert all(row["suggested"].casefold() != taken.casefold() for row in rows)
    assert len({row["suggested"].casefold() for row in rows}) == len(rows) == 2


def test_a_dutch_page_gets_a_dutch_prompt_and_answer(site: Site, cli: Cli) -> None:
    r = cli(*site.args())
    assert r.exit_code == 0, r.stderr
    (call,) = [c for c in site.llm.answered() if c.page == site.server.url("/nl/koffie")]
    assert call.dutch and "Huidige titel: (geen)" in call.prompt
    rows = by(r.json()["suggestions"], url=site.server.url("/nl/koffie"))
    assert {row["lang"] for row in rows} == {"nl"}
    assert "alles over" in by(rows, field="title")[0]["suggested"]
    # And the English pages stay English.
    others = [c for c in site.llm.answered() if c.page != site.server.url("/nl/koffie")]
    assert others and not any(c.dutch for c in others)


def test_lang_nl_writes_every_page_in_dutch(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--lang", "nl", "--for", "descriptions", "--pages", "2"))
    assert r.exit_code == 0, r.stderr
    assert len(site.llm.answered()) == 2 and all(c.dutch for c in site.llm.answered())
    assert {row["lang"] for row in r.json()["suggestions"]} == {"nl"}


def test_dry_run_shows_the_prompts_and_sends_nothing(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--dry-run"))
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert site.llm.calls == []
    assert len(doc["pages"]) == 6 and doc["estimate"]["tokens"] > 0
    table = cli("suggest", "cafe", "--api-url", site.llm.url, "--model", "m", "--dry-run")
    assert table.exit_code == 0 and site.llm.calls == []
    assert "Current title: Home" in table.stdout and "Nothing was sent" in table.stderr


def test_no_content_sends_only_the_url_and_title(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--no-content"))
    assert r.exit_code == 0, r.stderr
    for call in site.llm.answered():
        assert "Brewing coffee" not in call.prompt and "A fine description" not in call.prompt
        assert "Current H1" not in call.prompt and "Current meta description" not in call.prompt
        assert "Current title" in call.prompt or "Huidige titel" in call.prompt


def test_pages_code_and_url_choose_the_pages(site: Site, cli: Cli) -> None:
    r = cli(*site.args("--code", "title-duplicate"))
    assert r.exit_code == 0, r.stderr
    assert {c.page for c in site.llm.answered()} == {
        site.server.url("/tea"),
        site.server.url("/tea-again"),
    }
    r = cli(*site.args("--for", "faq", "--pages", "1", "--url", "gallery"))
    (faq,) = r.json()["suggestions"]
    assert faq["field"] == "faq" and faq["suggested"][0]["question"].endswith("?")
    bad = cli(*site.args("--code", "titel-duplicate"))
    assert bad.exit_code == 3 and "title-duplicate" in bad.stderr
    bad = cli(*site.args("--for", "titels"))
    assert bad.exit_code == 2 and "titles" in bad.stderr
