"""A suggestion must pass the checks a page would: a suggested title as wide as title-too-long
measures it (px of 20 px Arial, title_max_px), as long as title-too-short wants, and not the
title of another page; a description within description_max_px and description_min_chars.
What fails is asked for once more with the reasons, then stored as flagged (never silently
kept, never silently dropped)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from seolog.checks.content import description_width, title_width
from seolog.checks.thresholds import Thresholds
from seolog.llm.prompts import FAQ_ENTRIES, Limits

_GENERIC_ALT = ("image of", "picture of", "photo of", "afbeelding van", "foto van", "plaatje van")


@dataclass(frozen=True)
class Candidate:
    """One suggested value: for an image's alt text, `target` is the image's URL."""

    field: str
    target: str
    text: str  # for faq: the entries as JSON


@dataclass
class Verdict:
    good: list[Candidate]
    bad: list[Candidate]  # kept to store as flagged if the second answer is no better
    problems: dict[str, list[str]]  # field → what was wrong, in words the model is told


def limits_of(t: Thresholds) -> Limits:
    """The prompt's character limits, from the audit's thresholds."""
    return Limits(
        title_min=t.title_min_chars,
        title_max=min(t.title_max_chars, 60),
        description_min=t.description_min_chars,
        description_max=min(t.description_max_chars, 155),
    )


def one_line(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def verify(
    answer: dict[str, Any],
    fields: tuple[str, ...],
    images: tuple[str, ...],
    t: Thresholds,
    taken_titles: set[str],
) -> Verdict:
    """Check each asked-for field of a parsed answer. `taken_titles`: other pages' titles and
    titles suggested already, case-folded."""
    limits = limits_of(t)
    verdict = Verdict([], [], {})

    def judge(candidate: Candidate, problems: list[str]) -> None:
        if problems:
            verdict.bad.append(candidate)
            verdict.problems.setdefault(candidate.field, []).extend(problems)
        else:
            verdict.good.append(candidate)

    for name in fields:
        value = answer.get(name)
        if name == "alt":
            _alts(value, images, limits, judge, verdict)
            continue
        if name == "faq":
            _faq(value, judge, verdict)
            continue
        text = one_line(value)
        if not text:
            verdict.problems.setdefault(name, []).append("missing from the answer")
            continue
        judge(Candidate(name, "", text), _text_problems(name, text, t, limits, taken_titles))
    return verdict


def _text_problems(
    name: str, text: str, t: Thresholds, limits: Limits, taken_titles: set[str]
) -> list[str]:
    problems = []
    if name in ("title", "description"):
        title = name == "title"
        width = title_width(text) if title else description_width(text)
        most = t.title_max_px if title else t.description_max_px
        least = t.title_min_chars if title else t.description_min_chars
        said = repr(text) if title else "it"
        if width > most:
            problems.append(
                f"{said} is {width} px wide in search results, over {most} px: make it shorter"
            )
        if len(text) < least:
            problems.append(f"{said} has {len(text)} characters, under {least}")
        if title and text.casefold() in taken_titles:
            problems.append(f"{said} is already another page's title")
    elif name == "h1" and len(text) > limits.h1_max:
        problems.append(f"it has {len(text)} characters, over {limits.h1_max}")
    return problems


def _alts(value: Any, images: tuple[str, ...], limits: Limits, judge: Any, v: Verdict) -> None:
    given: dict[int, str] = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            try:
                given[int(entry.get("image", 0))] = one_line(entry.get("alt"))
            except (TypeError, ValueError):
                continue
    for n, src in enumerate(images, 1):
        text = given.get(n, "")
        if not text:
            v.problems.setdefault("alt", []).append(f"no alt text for image {n}")
            continue
        problems = []
        if len(text) > limits.alt_max:
            problems.append(f"image {n}: {len(text)} characters, over {limits.alt_max}")
        if text.casefold().startswith(_GENERIC_ALT):
            problems.append(f"image {n}: do not start with {text.split()[0]} …")
        judge(Candidate("alt", src, text), problems)


def _faq(value: Any, judge: Any, v: Verdict) -> None:
    entries = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            question, answer = one_line(entry.get("question")), one_line(entry.get("answer"))
            if question and answer:
                entries.append({"question": question, "answer": answer})
    if not entries:
        v.problems.setdefault("faq", []).append("no question with an answer")
        return
    problems = [] if len(entries) <= FAQ_ENTRIES + 2 else [f"{len(entries)} entries: too many"]
    judge(Candidate("faq", "", json.dumps(entries, ensure_ascii=False)), problems)
