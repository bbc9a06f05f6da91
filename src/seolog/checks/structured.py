"""Structured data against Google's rich-result requirements: required and recommended
properties of each type in `richresults`, in JSON-LD, microdata and RDFa alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seolog.checks.facts import is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.richresults import Level, judges_any, label, missing
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity, StructuredItem
from seolog.wording import say

_NAMED_IN_MESSAGE = 5  # properties a message names; details list them all
_MAX_LISTED = 50  # entries in details: a catalogue page can have hundreds of items
_NAME_CHARS = 40


def _item_name(item: StructuredItem, linked: bool = True) -> str:
    """What the item calls itself, for messages: its name, headline or title (a breadcrumb's may
    sit on the page it links to)."""
    for prop in ("name", "headline", "title"):
        for value in item.props.get(prop, ()):
            if isinstance(value, str) and value.strip():
                text = value.strip()
                return text if len(text) <= _NAME_CHARS else text[: _NAME_CHARS - 1] + "…"
    if linked:
        for value in item.props.get("item", ()):
            if isinstance(value, StructuredItem):
                return _item_name(value, linked=False)
    return ""


def _phrase(type_: str, item: StructuredItem) -> str:
    name = _item_name(item)
    return f'{type_} "{name}"' if name else type_


def _missing_part(
    level: Level, subject: str, parent: str | None, names: str, many: bool, where: str
) -> str:
    """One item's missing properties: "Offer is missing required property price (JSON-LD block
    1)", `parent` the item it sits in; a sentence for each case, so a translation can word each."""
    values = {"subject": subject, "names": names, "where": where}
    if parent is None:
        if level == "required":
            return (
                say("{subject} is missing required properties {names} ({where})", **values)
                if many
                else say("{subject} is missing required property {names} ({where})", **values)
            )
        return (
            say("{subject} is missing recommended properties {names} ({where})", **values)
            if many
            else say("{subject} is missing recommended property {names} ({where})", **values)
        )
    if level == "required":
        return (
            say(
                "{subject} in {parent} is missing required properties {names} ({where})",
                parent=parent,
                **values,
            )
            if many
            else say(
                "{subject} in {parent} is missing required property {names} ({where})",
                parent=parent,
                **values,
            )
        )
    return (
        say(
            "{subject} in {parent} is missing recommended properties {names} ({where})",
            parent=parent,
            **values,
        )
        if many
        else say(
            "{subject} in {parent} is missing recommended property {names} ({where})",
            parent=parent,
            **values,
        )
    )


def has_judged_items(page: CrawledPage) -> bool:
    """Where these checks can judge: a content page with an item of a type in the table."""
    snap = page.snapshot
    return is_content(page) and snap is not None and judges_any(snap.structured)


def _missing_properties(page: CrawledPage, level: Level) -> Iterator[Hit]:
    """One hit for all of a page's items that lack properties at `level`."""
    if not has_judged_items(page) or page.snapshot is None:
        return
    misses = missing(page.snapshot.structured, level)
    if not misses:
        return
    parts: list[str] = []
    listed: list[dict[str, Any]] = []
    named = total = 0
    for miss in misses:
        total += len(miss.needs)
        item = miss.item
        where = item.where
        path = miss.type
        if miss.parent is not None:
            path = f"{miss.parent_type or '?'}.{miss.via} → {miss.type}"
        for need in miss.needs:
            if len(listed) < _MAX_LISTED:
                entry: dict[str, Any] = {
                    "type": miss.type,
                    "property": label(need),
                    "properties": list(need),
                    "syntax": item.syntax,
                    "where": where,
                    "path": path,
                    "docs": miss.rule.url,
                }
                if miss.rule.note:
                    entry["note"] = miss.rule.note
                listed.append(entry)
        room = _NAMED_IN_MESSAGE - named
        if room <= 0:
            continue
        needs = miss.needs[:room]
        named += len(needs)
        parent = None
        if miss.parent is not None and miss.parent_type is not None:
            parent = _phrase(miss.parent_type, miss.parent)
        if len(needs) == 1:
            names = label(needs[0])
        else:  # alternatives in brackets: "name and (offers, review or aggregateRating)"
            shown = [label(n) if len(n) == 1 else f"({label(n)})" for n in needs]
            names = f"{', '.join(shown[:-1])} and {shown[-1]}"
        if len(needs) < len(miss.needs):
            names += ", …"
        subject = _phrase(miss.type, item)
        parts.append(_missing_part(level, subject, parent, names, len(miss.needs) > 1, where))
    if total > named:
        parts.append(say("{count} more not named here", count=total - named))
    yield Hit("; ".join(parts), {"count": total, "missing": listed})


@page_check(
    code="structured-data-missing-required",
    family="structured-data",
    severity=Severity.ERROR,
    applies=has_judged_items,
    title="Structured data misses a property Google requires",
    why="Google shows a rich result (price and stars, breadcrumbs, event dates, job details, "
    "recipe cards) only when the item has every property its type requires: without one, the "
    "markup earns nothing. Nested items count: an Offer without a price loses the Product's "
    "price. JSON-LD, microdata and RDFa are all read; types Google gives no rich result are "
    "not judged.",
    fix="Add the named property to the item, in the syntax it is written in, with the value the "
    "page shows (Google ignores markup that says what the page does not). Where the finding "
    'names alternatives ("offers, review or aggregateRating"), one of them is enough. Check '
    "the page with Google's Rich Results Test.",
)
def structured_data_missing_required(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from _missing_properties(page, "required")


@page_check(
    code="structured-data-missing-recommended",
    family="structured-data",
    severity=Severity.NOTICE,
    applies=has_judged_items,
    title="Structured data lacks a property Google recommends",
    why="Recommended properties are optional, but they fill the rich result (an image, a date, "
    "availability, opening hours) and help it be chosen; Google's Rich Results Test lists them "
    "as non-critical issues. Only the properties a page can fill from its own content are "
    "asked for: no ratings or reviews it has not received.",
    fix="Add the named properties where the page has the information, with the values it shows; "
    "leave out what is not true of the page.",
)
def structured_data_missing_recommended(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from _missing_properties(page, "recommended")
