"""Fixtures for `seolog suggest`: the contract language-model server, and a small site whose
scan flags titles, descriptions, an H1 and images (one page in Dutch)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Cli
from tests.server import FixtureServer, Response, html
from tests.suggest.llm import KEY, MODEL, LlmServer

WIDE_TITLE = "WWW " * 40  # far over 580 px
TEXT = (
    "Brewing coffee at home starts with fresh beans, ground just before brewing. "
    "Water just off the boil, about 94 degrees, draws out the flavour without bitterness. "
) * 4


@pytest.fixture
def llm() -> Iterator[LlmServer]:
    server = LlmServer().start()
    yield server
    server.stop()


def build_site(server: FixtureServer) -> None:
    nav = " ".join(
        f'<a href="{p}">{p}</a>'
        for p in ("/", "/coffee-brewing", "/tea", "/tea-again", "/nl/koffie", "/gallery")
    )

    def good_description(path: str) -> str:
        return f'<meta name="description" content="{path}: ' + "A fine description. " * 5 + '">'

    server.routes["/"] = Response(
        body=html("Home", f"<h1>Welcome</h1><main><p>{TEXT}</p></main>{nav}")
    )  # title too short, no description
    server.routes["/coffee-brewing"] = Response(
        body=html(
            WIDE_TITLE,
            f"<h1>Coffee brewing</h1><nav>{nav}</nav><main><p>{TEXT}</p></main>",
            head=good_description("coffee"),
        )
    )  # title too wide
    for path in ("/tea", "/tea-again"):
        server.routes[path] = Response(
            body=html(
                "All about tea, leaf by leaf, cup by cup",
                f"<h1>Tea</h1><main><p>{TEXT}</p></main>{nav}",
                head=good_description(path),
            )
        )  # duplicate titles
    server.routes["/nl/koffie"] = Response(
        body=html(
            "",
            "<main><p>Koffie zetten begint met verse bonen, vlak voor het zetten gemalen.</p>"
            f"</main>{nav}",
            lang="nl",
            head=good_description("koffie"),
        ).replace("<title></title>", "")
    )  # no title, no H1, Dutch
    server.routes["/gallery"] = Response(
        body=html(
            "A gallery of our finest coffee cups and mugs",
            f'<h1>Gallery</h1><img src="/cup.png"><img src="/mug.png"><img src="/x.png" alt="">'
            f"<main><p>{TEXT}</p></main>{nav}",
            head=good_description("gallery"),
        )
    )  # two images without alt


@dataclass
class Site:
    server: FixtureServer
    scan_id: int
    llm: LlmServer

    def args(self, *more: str) -> list[str]:
        """`seolog suggest` against the contract server, as JSON."""
        return ["suggest", "cafe", "--api-url", self.llm.url, "--model", MODEL, "--format",
                "json", *more]  # fmt: skip


@pytest.fixture
def site(server: FixtureServer, llm: LlmServer, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The café site registered as `cafe` and scanned once (HTML stored); the contract
    server's key in SEOLOG_LLM_API_KEY."""
    build_site(server)
    assert cli("sites", "add", server.url(), "--name", "cafe").exit_code == 0
    r = cli("scan", "cafe", "--no-sitemaps", "--store-html", "--no-external", "--format", "json")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("SEOLOG_LLM_API_KEY", KEY)
    return Site(server, r.json()["scan"]["id"], llm)


def by(rows: list[dict[str, Any]], **match: Any) -> list[dict[str, Any]]:
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]
