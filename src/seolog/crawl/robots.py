"""robots.txt per RFC 9309, one fetch per origin, answered before any other request to it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from protego import Protego

from seolog.crawl.fetch import Fetcher
from seolog.domain import RobotsState
from seolog.urls import origin_of, resolve_url

ROBOTS_PARSE_LIMIT = 500 * 1024  # RFC 9309 section 2.5: parse at least the first 500 KiB


@dataclass
class RobotsRules:
    """What one origin's robots.txt says. `state` explains the decision in summaries and tests."""

    origin: str
    state: RobotsState
    agent: str = "seolog"
    detail: str = ""
    parser: Protego | None = None
    sitemaps: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        if self.state in (RobotsState.MISSING, RobotsState.IGNORED):
            return True
        if self.state is RobotsState.UNREACHABLE:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, self.agent))

    @property
    def crawl_delay(self) -> float:
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(self.agent)
        return float(delay) if delay else 0.0


def parse_robots(origin: str, text: str, agent: str) -> RobotsRules:
    parser = Protego.parse(text[:ROBOTS_PARSE_LIMIT])
    # Sitemap lines should be absolute, but relative ones are common: resolve them like a link.
    sitemaps = [u for s in parser.sitemaps if (u := resolve_url(origin + "/robots.txt", s))]
    return RobotsRules(origin, RobotsState.PARSED, agent, parser=parser, sitemaps=sitemaps)


class Robots:
    """Fetches and caches robots.txt per origin; concurrent callers share one fetch."""

    def __init__(self, fetcher: Fetcher, agent: str, ignore: bool = False) -> None:
        self.fetcher = fetcher
        self.agent = agent
        self.ignore = ignore
        self._rules: dict[str, RobotsRules] = {}
        self._pending: dict[str, asyncio.Task[RobotsRules]] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        rules = self._rules.get(origin)
        if rules is not None:
            return rules
        task = self._pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self._pending[origin] = task
        rules = await task
        self._rules[origin] = rules
        return rules

    def cached(self, url: str) -> RobotsRules | None:
        return self._rules.get(origin_of(url))

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url)

    async def _load(self, origin: str) -> RobotsRules:
        if self.ignore:
            return RobotsRules(origin, RobotsState.IGNORED, self.agent, detail="--ignore-robots")
        result = await self.fetcher.fetch(
            origin + "/robots.txt",
            want_body=lambda _ct: True,
            cap=ROBOTS_PARSE_LIMIT,
            truncate=True,
        )
        status = result.status_code
        if not result.ok or status is None or status == 429 or status >= 500:
            reason = result.error or f"HTTP {status}"
            return RobotsRules(origin, RobotsState.UNREACHABLE, self.agent, detail=reason)
        if 400 <= status < 500 or status >= 300:
            return RobotsRules(origin, RobotsState.MISSING, self.agent, detail=f"HTTP {status}")
        text = (result.body or b"").decode("utf-8-sig", errors="replace")  # a BOM is not a rule
        rules = parse_robots(origin, text, self.agent)
        rules.detail = f"HTTP {status}"
        return rules
