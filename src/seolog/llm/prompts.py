"""The prompt for one page: what it says now (title, description, H1, an excerpt of its main
text), its language, the brand, and the rules each suggestion must keep; the answer asked for
is one JSON object. English and Dutch prompts: a model answers in the language it is asked in
more reliably than when told to switch.

Nothing but what is given is sent: with `--no-content` the page is its URL and title only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("title", "description", "h1", "alt", "faq")
LANGS = ("en", "nl")
EXCERPT_CHARS = 1500  # of the page's main text: enough to ground a description
MAX_IMAGES = 10  # alt texts asked for in one prompt; more would crowd the answer
FAQ_ENTRIES = 3
# Output tokens each field may take (the request's max_tokens is their sum, plus the braces):
# a title is ~15 tokens, a description ~40, an FAQ entry ~80.
OUTPUT_TOKENS = {"title": 40, "description": 90, "h1": 30, "alt": 40, "faq": 110 * FAQ_ENTRIES}


@dataclass(frozen=True)
class Limits:
    """The lengths a suggestion must keep, from the audit's thresholds (characters stand in
    for pixels in the prompt; the pixel width is checked on the answer)."""

    title_min: int = 30
    title_max: int = 60
    description_min: int = 70
    description_max: int = 155
    h1_max: int = 70
    alt_max: int = 125


@dataclass(frozen=True)
class PageFacts:
    url: str
    lang: str  # en | nl
    title: str | None = None
    description: str | None = None
    h1: str | None = None
    excerpt: str | None = None  # None: not sent (--no-content) or not known
    images: tuple[str, ...] = ()  # the images needing an alt text (their URLs)
    brand: str | None = None
    avoid_titles: tuple[str, ...] = field(default=())  # other pages' titles, not to repeat


_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "system": (
            "You are an SEO copywriter. You write page titles, meta descriptions, H1 headings, "
            "image alt texts and FAQ entries that describe the page truthfully, from the facts "
            "given and nothing else. Answer with one JSON object and nothing else."
        ),
        "page": "The page",
        "url": "URL",
        "lang": "Language of the page: English. Write in English.",
        "title": "Current title",
        "description": "Current meta description",
        "h1": "Current H1",
        "none": "(none)",
        "excerpt": "Excerpt of the main text",
        "brand": "Brand name",
        "write": "Write",
        "avoid": "Other pages already use these titles; do not repeat them",
        "retry": "Your previous answer broke these rules; fix them",
        "fields": {
            "title": '"title": a title of {title_min}-{title_max} characters{brand}',
            "description": '"description": a meta description of '
            "{description_min}-{description_max} characters that makes a searcher want to click",
            "h1": '"h1": an H1 heading of at most {h1_max} characters',
            "alt": '"alt": a list of objects {{"image": N, "alt": TEXT}}, one per image '
            "below, each alt text at most {alt_max} characters, describing what the image shows "
            'on this page (not starting with "image of")',
            "faq": '"faq": a list of {faq} objects {{"question": TEXT, "answer": TEXT}}, '
            "questions a visitor of this page asks, answered from the page",
        },
        "brand_end": ", ending with the brand name if there is room",
        "images": "Images needing an alt text",
    },
    "nl": {
        "system": (
            "Je bent een SEO-copywriter. Je schrijft paginatitels, metabeschrijvingen, "
            "H1-koppen, alt-teksten voor afbeeldingen en FAQ-items die de pagina naar waarheid "
            "beschrijven, op basis van de gegeven feiten en niets anders. Antwoord met één "
            "JSON-object en verder niets."
        ),
        "page": "De pagina",
        "url": "URL",
        "lang": "Taal van de pagina: Nederlands. Schrijf in het Nederlands.",
        "title": "Huidige titel",
        "description": "Huidige metabeschrijving",
        "h1": "Huidige H1",
        "none": "(geen)",
        "excerpt": "Fragment van de hoofdtekst",
        "brand": "Merknaam",
        "write": "Schrijf",
        "avoid": "Andere pagina's gebruiken deze titels al; herhaal ze niet",
        "retry": "Je vorige antwoord brak deze regels; los dat op",
        "fields": {
            "title": '"title": een titel van {title_min}-{title_max} tekens{brand}',
            "description": '"description": een metabeschrijving van '
            "{description_min}-{description_max} tekens die een zoeker laat doorklikken",
            "h1": '"h1": een H1-kop van hoogstens {h1_max} tekens',
            "alt": '"alt": een lijst van objecten {{"image": N, "alt": TEKST}}, één per '
            "afbeelding hieronder, elke alt-tekst hoogstens {alt_max} tekens, die beschrijft wat "
            'de afbeelding op deze pagina toont (niet beginnend met "afbeelding van")',
            "faq": '"faq": een lijst van {faq} objecten {{"question": TEKST, "answer": '
            "TEKST}}, vragen die een bezoeker van deze pagina stelt, beantwoord vanuit de pagina",
        },
        "brand_end": ", eindigend op de merknaam als er ruimte is",
        "images": "Afbeeldingen zonder alt-tekst",
    },
}


def output_tokens(fields: tuple[str, ...], images: int = 0) -> int:
    """The most output tokens the answer for these fields may take (the request's max_tokens)."""
    total = 20
    for name in fields:
        per = OUTPUT_TOKENS[name]
        total += per * max(1, min(images, MAX_IMAGES)) if name == "alt" else per
    return total


def messages(
    facts: PageFacts,
    fields: tuple[str, ...],
    limits: Limits = Limits(),
    problems: dict[str, list[str]] | None = None,
) -> list[dict[str, str]]:
    """The chat messages for one page; `problems` (field → what was wrong) asks again for the
    fields a first answer got wrong."""
    t = _TEXT[facts.lang if facts.lang in _TEXT else "en"]
    none = t["none"]
    lines = [
        f"{t['page']}:",
        f"- {t['url']}: {facts.url}",
        f"- {t['lang']}",
        f"- {t['title']}: {facts.title or none}",
    ]
    if facts.description is not None or facts.excerpt is not None:
        lines.append(f"- {t['description']}: {facts.description or none}")
        lines.append(f"- {t['h1']}: {facts.h1 or none}")
    if facts.brand:
        lines.append(f"- {t['brand']}: {facts.brand}")
    if facts.excerpt:
        lines += ["", f"{t['excerpt']}:", '"""', facts.excerpt[:EXCERPT_CHARS], '"""']
    if "alt" in fields and facts.images:
        lines += ["", f"{t['images']}:"]
        lines += [f"{n}. {src}" for n, src in enumerate(facts.images[:MAX_IMAGES], 1)]
    if "title" in fields and facts.avoid_titles:
        lines += ["", f"{t['avoid']}:"] + [f"- {title}" for title in facts.avoid_titles[:20]]
    values = {
        "title_min": limits.title_min,
        "title_max": limits.title_max,
        "description_min": limits.description_min,
        "description_max": limits.description_max,
        "h1_max": limits.h1_max,
        "alt_max": limits.alt_max,
        "faq": FAQ_ENTRIES,
        "brand": t["brand_end"] if facts.brand else "",
    }
    lines += ["", f"{t['write']} JSON:"]
    lines += [f"- {t['fields'][name].format(**values)}" for name in fields]
    if problems:
        lines += ["", f"{t['retry']}:"]
        lines += [f"- {name}: {why}" for name, whys in problems.items() for why in whys]
    return [
        {"role": "system", "content": t["system"]},
        {"role": "user", "content": "\n".join(lines)},
    ]


def prompt_text(chat: list[dict[str, str]]) -> str:
    """The messages as one text: for --dry-run, and the token estimate."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in chat)


def parse_answer(text: str) -> dict[str, object]:
    """The JSON object in a model's answer: bare, in a ```json fence, or after a sentence of
    preamble (small local models add one). ValueError when there is none."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the answer")
    value = json.loads(text[start : end + 1])
    if not isinstance(value, dict):
        raise ValueError("the answer is not a JSON object")
    return value
