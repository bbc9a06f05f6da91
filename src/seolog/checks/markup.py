"""Markup for machines: structured data, viewport, social cards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from seolog.checks.facts import content_with, is_content, several
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity
from seolog.wording import say


def json_ld_problem(raw: str) -> str | None:
    """Why a JSON-LD block is unusable, or None."""
    try:
        data = json.loads(raw)
    except ValueError as e:
        return say(
            "does not parse as JSON ({error} at line {line})",
            error=e.msg,  # type: ignore[attr-defined]
            line=e.lineno,  # type: ignore[attr-defined]
        )
    except RecursionError:  # nested deeper than any real document: a defect, not a crash
        return say("is nested too deeply to read")
    items: list[Any] = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            return say("is not a JSON object")
        if "@context" not in item:
            return say("has no @context")
        graph = item.get("@graph")
        nodes = graph if isinstance(graph, list) else [item]
        if not all(isinstance(n, dict) and "@type" in n for n in nodes):
            return say("has no @type")
    return None


@page_check(
    code="structured-data-invalid",
    family="structured-data",
    applies=content_with(lambda s: s.json_ld),
    severity=Severity.WARNING,
    title="Invalid JSON-LD structured data",
    why="Broken structured data is ignored, so the page loses rich results (stars, prices, FAQs).",
    fix="Fix the JSON syntax and give every block an @context (https://schema.org) and an @type; "
    "check with Google's Rich Results Test.",
    lighthouse="structured-data (Structured data is valid; a manual audit in Lighthouse)",
)
def structured_data_invalid(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    for i, raw in enumerate(page.snapshot.json_ld):
        problem = json_ld_problem(raw)
        if problem is not None:
            yield Hit(
                # the problem is a message of its own ("has no @type"), translated too
                say("JSON-LD block {block} {problem}", block=i + 1, problem=problem),
                {"block": i + 1, "problem": problem},
            )


@page_check(
    code="viewport-missing",
    family="mobile",
    applies=is_content,
    severity=Severity.WARNING,
    title="No viewport meta tag",
    why="Without it phones render the desktop layout zoomed out; Google indexes the mobile view.",
    fix='Add <meta name="viewport" content="width=device-width, initial-scale=1">.',
    lighthouse='viewport (Has a <meta name="viewport"> tag with width or initial-scale)',
)
def viewport_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if is_content(page) and page.snapshot is not None and not page.snapshot.viewport:
        yield Hit(say('no <meta name="viewport">'))


@page_check(
    code="viewport-multiple",
    family="mobile",
    applies=is_content,
    severity=Severity.NOTICE,
    title="Page has more than one viewport tag",
    why="Browsers apply the last viewport tag and ignore the others, so the one a developer edits "
    "may not be the one in force.",
    fix='Keep one <meta name="viewport" content="width=device-width, initial-scale=1">.',
)
def viewport_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from several(
        page, "viewport", lambda n: say('{count} <meta name="viewport"> tags', count=n)
    )


@page_check(
    code="social-tags-missing",
    family="social",
    applies=is_content,
    severity=Severity.NOTICE,
    title="No Open Graph title or image",
    why="Shared links without og:title and og:image show as bare URLs on social networks and chat.",
    fix='Add <meta property="og:title"> and <meta property="og:image"> (an absolute URL).',
)
def social_tags_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    missing = [p for p in ("og:title", "og:image") if not page.snapshot.open_graph.get(p)]
    if missing:
        # three cases, each its own message: "missing {tag}" would match any "missing …"
        if len(missing) == 2:
            said = say("missing og:title and og:image")
        elif missing == ["og:title"]:
            said = say("missing og:title")
        else:
            said = say("missing og:image")
        yield Hit(said, {"missing": missing})
