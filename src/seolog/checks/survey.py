"""One pass over a site's pages that answers what many site checks ask first: does the check
apply (any HTML page, any hreflang, any sitemap URL …), which titles, descriptions and bodies
occur twice, which bodies are the site's 404 page, how many pages share each fingerprint.

Read once per audit and kept on the `SiteData` (`survey(site)`): on a scan streamed from the
store every pass over the pages reads them all again, so 20 checks asking "is there any HTML
page?" would be 20 reads of a million rows. What it keeps is small: flags, 8-byte hashes of the
values seen twice, and one count per distinct fingerprint.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from seolog.checks.compact import repeated
from seolog.checks.sitedata import SiteData, SitePage

ERROR_PAGE_MIN_WORDS = 5  # "Page not found. Try the search." is enough to recognise it by


def normalised_text(value: str | None) -> str | None:
    return " ".join(value.split()).lower() if value else None


def _fingerprint(p: SitePage) -> str | None:
    return None if p.simhash is None else str(p.simhash)


# What two pages must share to be duplicates, by check: the value compared, and the raw value
# that must be there for the check to apply.
KEYS: dict[str, Callable[[SitePage], str | None]] = {
    "title": lambda p: normalised_text(p.title),
    "description": lambda p: normalised_text(p.meta_description),
    "content": lambda p: p.content_hash,
}
PRESENT: dict[str, Callable[[SitePage], str | None]] = {
    "title": lambda p: p.title,
    "description": lambda p: p.meta_description,
    "content": lambda p: p.content_hash,
    "fingerprint": _fingerprint,
}


@dataclass
class Survey:
    html: bool = False  # some page is HTML
    hreflang: bool = False  # some page names hreflang alternates
    in_sitemap: bool = False  # some crawled URL is listed in a sitemap
    answered: bool = False  # some page got a response
    names_canonical: bool = False  # some page's canonical is another URL (crawled or not)
    says_not_found: bool = False  # some page says of itself that it was not found
    # Indexable pages with a value, per PRESENT key (counted up to 2: "two or more").
    comparable: dict[str, int] = field(default_factory=dict)
    # Per KEYS key, the hashes of the values two or more indexable pages share.
    shared: dict[str, set[int]] = field(default_factory=dict)
    # Bodies of the site's own error pages (404/410 with something to say).
    error_pages: set[str] = field(default_factory=set)
    # Indexable pages per SimHash fingerprint, in the order first seen.
    fingerprints: dict[int, int] = field(default_factory=dict)


def survey(site: SiteData) -> Survey:
    """The survey of `site`, taken on first use."""
    found = site.memo.get("survey")
    if not isinstance(found, Survey):
        found = site.memo["survey"] = _take(site)
    return found


def _take(site: SiteData) -> Survey:
    s = Survey(comparable=dict.fromkeys(PRESENT, 0))
    hashes = {name: array("q") for name in KEYS}
    for p in site.pages:
        s.html = s.html or p.html
        s.hreflang = s.hreflang or bool(p.hreflang)
        s.in_sitemap = s.in_sitemap or p.in_sitemap
        s.answered = s.answered or p.status is not None
        s.names_canonical = s.names_canonical or bool(p.canonical and p.canonical != p.url)
        s.says_not_found = s.says_not_found or bool(p.soft_404)
        words = p.word_count or 0
        if p.final_status in (404, 410) and p.content_hash and words >= ERROR_PAGE_MIN_WORDS:
            s.error_pages.add(p.content_hash)
        if not p.indexable:
            continue
        for name, present in PRESENT.items():
            if s.comparable[name] < 2 and present(p):
                s.comparable[name] += 1
        for name, key in KEYS.items():
            if value := key(p):
                hashes[name].append(hash(value))
        if p.simhash is not None:
            s.fingerprints[p.simhash] = s.fingerprints.get(p.simhash, 0) + 1
    s.shared = {name: repeated(values) for name, values in hashes.items()}
    return s
