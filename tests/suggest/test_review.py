"""Reviewing suggestions: list, accept, reject (asked again next run), export for a CMS, the
time saved in the work log, the endpoint's key in the keyring, and [suggest] in the config."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.suggest.conftest import Site, by
from tests.suggest.llm import KEY, MODEL


@pytest.fixture
def suggested(site: Site, cli: Cli) -> list[dict]:
    r = cli(*site.args())
    assert r.exit_code == 0, r.stderr
    return r.json()["suggestions"]


def test_accept_reject_and_export_for_a_cms(site: Site, cli: Cli, suggested: list[dict]) -> None:
    home_title = by(suggested, url=site.server.url("/"), field="title")[0]
    home_description = by(suggested, url=site.server.url("/"), field="description")[0]
    r = cli("suggestions", "accept", str(home_title["id"]), str(home_description["id"]))
    assert r.exit_code == 0, r.stderr
    assert "2 suggestion(s) accepted" in r.stderr
    r = cli("suggestions", "export", "cafe")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(row["url"], row["field"]) for row in rows] == [
        (site.server.url("/"), "title"),
        (site.server.url("/"), "description"),
    ]
    assert rows[0]["current"] == "Home" and rows[0]["suggested"] == home_title["suggested"]
    assert rows[0]["status"] == "accepted"


def test_a_rejected_suggestion_is_asked_for_again_and_others_are_not(
    site: Site, cli: Cli, suggested: list[dict]
) -> None:
    coffee = by(suggested, url=site.server.url("/coffee-brewing"), field="title")[0]
    assert cli("suggestions", "reject", str(coffee["id"])).exit_code == 0
    before = len(site.llm.answered())
    r = cli(*site.args())
    assert r.exit_code == 0, r.stderr
    asked = [c.page for c in site.llm.answered()[before:]]
    assert asked == [site.server.url("/coffee-brewing")]
    assert r.json()["skipped"] > 0
    listed = cli("suggestions", "list", "cafe", "--status", "rejected", "--format", "json")
    assert [row["id"] for row in listed.json()] == [coffee["id"]]


def test_accept_log_records_the_time_saved(site: Site, cli: Cli, suggested: list[dict]) -> None:
    ids = [str(row["id"]) for row in suggested[:3]]
    r = cli("suggestions", "accept", *ids, "--log", "--format", "json")
    assert r.exit_code == 0, r.stderr
    entry = r.json()["log_entry"]
    assert entry["minutes"] == 15  # 5 minutes a suggestion by default
    logged = cli("logs", "list", "--format", "json").json()
    (row,) = [e for e in logged if e["id"] == entry["id"]]
    assert row["minutes"] == 15 and row["site"] == "cafe" and "suggestions" in row["tags"]


def test_unknown_ids_and_statuses_are_one_line(site: Site, cli: Cli, suggested: list[dict]) -> None:
    r = cli("suggestions", "accept", "999")
    assert r.exit_code == 3 and "no suggestion 999" in r.stderr
    r = cli("suggestions", "list", "--status", "done")
    assert r.exit_code == 2 and "not a status" in r.stderr


def test_auth_login_llm_keeps_the_key_for_that_endpoint_only(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEOLOG_LLM_API_KEY")
    r = cli("auth", "login", "--llm", "--api-url", site.llm.url, input="sk-wrong-0000000000\n")
    assert r.exit_code == 6 and "refused the key" in r.stderr and "0000000000" not in r.stderr
    r = cli("auth", "login", "--llm", "--api-url", site.llm.url, input=KEY + "\n")
    assert r.exit_code == 0, r.stderr
    assert f"serves {len(site.llm.models)} model(s)" in r.stderr and KEY not in r.stderr
    r = cli(*site.args("--pages", "1"))
    assert r.exit_code == 0, r.stderr
    assert site.llm.answered()[-1].authorization == f"Bearer {KEY}"
    # Another endpoint on this machine does not get it.
    other = site.llm.url.replace("127.0.0.1", "localhost")
    r = cli("suggest", "cafe", "--api-url", other, "--model", MODEL, "--again", "--pages", "1")
    assert r.exit_code == 6 and "wants an API key" in r.stderr
    r = cli("auth", "logout", "--llm", "--api-url", site.llm.url)
    assert r.exit_code == 0 and "key removed" in r.stderr


def test_the_config_names_the_endpoint_model_brand_and_prices(
    site: Site, cli: Cli, tmp_path: Path
) -> None:
    config = tmp_path / "seolog.toml"
    config.write_text(
        f'[suggest]\napi_url = "{site.llm.url}"\nmodel = "{MODEL}"\nbrand = "Café Noir"\n'
        f'prices = {{ "{MODEL}" = {{ input = 1, output = 2 }} }}\n'
    )
    r = cli("--config", str(config), "suggest", "cafe", "--for", "titles", "--pages", "1",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    (call,) = site.llm.answered()
    assert "Brand name: Café Noir" in call.prompt
    assert r.json()["usage"]["cost"] > 0
    config.write_text('[suggest]\napi_key = "sk-abc"\nmodle = "x"\n')
    r = cli("--config", str(config), "suggest", "cafe")
    assert r.exit_code == 3
    assert "SEOLOG_LLM_API_KEY" in r.stderr and "model" in r.stderr and "sk-abc" not in r.stderr


def test_json_list_has_the_stable_fields(site: Site, cli: Cli, suggested: list[dict]) -> None:
    listed = cli("suggestions", "list", "cafe", "--format", "json").json()
    assert len(listed) == len(suggested)
    assert set(listed[0]) == {
        "id", "run", "scan", "url", "field", "target", "lang", "current", "suggested", "status",
        "problem", "model", "prompt_tokens", "completion_tokens", "cost", "created_at",
    }  # fmt: skip
    json.dumps(listed)


def test_the_audit_report_shows_accepted_suggestions_beside_their_finding(
    site: Site, cli: Cli, suggested: list[dict], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    coffee = by(suggested, url=site.server.url("/coffee-brewing"), field="title")[0]
    rejected = by(suggested, url=site.server.url("/tea"), field="title")[0]
    alts = by(suggested, url=site.server.url("/gallery"), field="alt")
    ids = [str(coffee["id"])] + [str(a["id"]) for a in alts]
    assert cli("suggestions", "accept", *ids).exit_code == 0
    assert cli("suggestions", "reject", str(rejected["id"])).exit_code == 0
    out = tmp_path / "audit.html"
    r = cli("reports", "audit", "cafe", "-f", "html", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    page = out.read_text()
    # The title, and one alt text for each of the gallery's two images without one.
    assert page.count('class="suggested"') == 3
    assert f"Suggested: {coffee['suggested']}" in page
    for alt in alts:
        assert f"Suggested: {alt['target'].rsplit('/', 1)[-1]}: {alt['suggested']}" in page
    assert rejected["suggested"] not in page
    pdf = tmp_path / "audit.pdf"
    r = cli("reports", "audit", "cafe", "--lang", "nl", "-f", "pdf", "-o", str(pdf))
    assert r.exit_code == 0, r.stderr
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Voorgesteld: " + coffee["suggested"][:20] in text
