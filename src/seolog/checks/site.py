"""Checks over the whole crawl: duplicates, links into trouble, canonicals, hreflang return links,
the sitemap and robots.txt."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from seolog.checks.compact import LOOKUP_CHUNK, chunked
from seolog.checks.registry import Hit, site_check
from seolog.checks.sitedata import LinkToTrouble, SiteData, SitePage
from seolog.checks.survey import ERROR_PAGE_MIN_WORDS, KEYS, survey
from seolog.checks.thresholds import Thresholds
from seolog.domain import RobotsProblem, RobotsState, Severity
from seolog.wording import say

_LISTED = 5  # URLs named in a message; details carry up to _EXAMPLES
_EXAMPLES = 20


def _duplicates(site: SiteData, name: str, words: Callable[[int, str], str]) -> Iterator[Hit]:
    """A finding on each indexable page that shares its value (`survey.KEYS[name]`) with others,
    worded by `words(count, urls)` ("same title as {count} other page(s): {urls}").

    The survey found the hashes of the values seen twice; this pass groups only the pages with
    such a hash, by the value itself (a hash collision makes no false group), so a big site is
    never held whole."""
    shared = survey(site).shared[name]
    if not shared:
        return
    key = KEYS[name]
    groups: dict[str, list[str]] = defaultdict(list)  # value: URLs in crawl order
    for page in site.pages:
        value = key(page)
        if page.indexable and value and hash(value) in shared:
            groups[value].append(page.url)
    for value, urls in groups.items():
        if len(urls) < 2:
            continue
        for i, url in enumerate(urls):
            # Only the first few others are named: a group of 100,000 stays linear.
            others = [u for j, u in enumerate(urls[: _EXAMPLES + 1]) if j != i][:_EXAMPLES]
            yield Hit(
                words(len(urls) - 1, ", ".join(others[:_LISTED])),
                {"value": value, "count": len(urls), "others": others},
                url=url,
            )


# --- where a site check applies (`CheckSpec.applies`) ------------------------------------------


def _comparable(name: str) -> Callable[[SiteData], bool]:
    """Two or more indexable pages have a value to compare (`survey.PRESENT[name]`)."""

    def applies(site: SiteData) -> bool:
        return survey(site).comparable[name] >= 2

    return applies


def _has_html(site: SiteData) -> bool:
    return survey(site).html


def _has_canonical_targets(site: SiteData) -> bool:
    """Some page names another crawled page as its canonical."""
    return survey(site).names_canonical and any(_canonical_targets(site))


def _has_hreflang(site: SiteData) -> bool:
    return survey(site).hreflang


def _lists_sitemap_urls(site: SiteData) -> bool:
    """Some crawled URL is listed in a sitemap (none with --no-sitemaps)."""
    return survey(site).in_sitemap


def _sitemaps_checked(site: SiteData) -> bool:
    return site.sitemaps_checked


def _has_sitemap(site: SiteData) -> bool:
    """The site has a sitemap with URLs (sitemaps read, and they listed some)."""
    return site.sitemaps_checked and site.sitemap_urls > 0


def _sitemap_judged_whole(site: SiteData) -> bool:
    """The sitemaps were all read, and they list pages of the crawled site."""
    return _has_sitemap(site) and site.sitemaps_complete and _lists_sitemap_urls(site)


def _robots_read(site: SiteData) -> bool:
    """robots.txt was asked for (not with --ignore-robots)."""
    return site.robots_state is not None and site.robots_state is not RobotsState.IGNORED


def _response_times_judged(site: SiteData) -> bool:
    """Pages answered, and every page slow during the crawl that could be timed again alone was
    (none slow, or some timed again; with --reprobe 0 and slow pages nothing can be judged)."""
    answered = survey(site).answered
    return bool(site.reprobes) or (answered and site.slow_pages == 0)


@site_check(
    code="title-duplicate",
    family="titles",
    applies=_comparable("title"),
    severity=Severity.WARNING,
    title="Same title on several pages",
    why="Pages sharing a title compete for the same searches, and users cannot tell them apart "
    "in results. Only indexable pages are compared.",
    fix="Give each page a title that names what makes it different.",
)
def title_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(
        site,
        "title",
        lambda n, urls: say("same title as {count} other page(s): {urls}", count=n, urls=urls),
    )


@site_check(
    code="meta-description-duplicate",
    family="descriptions",
    applies=_comparable("description"),
    severity=Severity.WARNING,
    title="Same meta description on several pages",
    why="Repeated descriptions make different pages look identical in search results.",
    fix="Write a description for each page, or remove the shared one and let the engine choose.",
)
def meta_description_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(
        site,
        "description",
        lambda n, urls: say(
            "same meta description as {count} other page(s): {urls}", count=n, urls=urls
        ),
    )


@site_check(
    code="content-duplicate",
    family="content",
    applies=_comparable("content"),
    severity=Severity.WARNING,
    title="Same body text as another page",
    why="Duplicate pages split links and rankings; search engines pick one and may pick the wrong "
    "one.",
    fix="Merge the pages and redirect, or point the copies' canonical at the original.",
)
def content_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(
        site,
        "content",
        lambda n, urls: say("same body text as {count} other page(s): {urls}", count=n, urls=urls),
    )


NEAR_MIN_PERCENT = 90  # below it the buckets grow too large to compare a big site quickly
_FINGERPRINT_BITS = 64


def _distance(a: int, b: int) -> int:
    """How many of the 64 bits of two SimHashes differ (stored signed; compared unsigned)."""
    return ((a ^ b) & ((1 << _FINGERPRINT_BITS) - 1)).bit_count()


_BUCKET_MAX = 500  # fingerprints compared pairwise in one band bucket; the rest are skipped


def _near_fingerprints(
    fingerprints: list[int], max_distance: int
) -> dict[int, list[tuple[int, int]]]:
    """For each fingerprint, the others at most `max_distance` bits away: (distance, other).

    Split the 64 bits into max_distance + 1 bands: two fingerprints that close agree exactly
    on at least one band (pigeonhole), so only fingerprints sharing a band value are compared.
    A bucket holds at most _BUCKET_MAX of them: thousands of near-identical pages (faceted
    filters) are found all the same, without comparing every pair."""
    bands = max_distance + 1
    width = -(-_FINGERPRINT_BITS // bands)
    mask = (1 << width) - 1
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for fp in fingerprints:
        unsigned = fp & ((1 << _FINGERPRINT_BITS) - 1)
        for band in range(bands):
            bucket = buckets[(band, (unsigned >> (band * width)) & mask)]
            if len(bucket) < _BUCKET_MAX:
                bucket.append(fp)
    # Only fingerprints with a neighbour get an entry: an empty one for each of a million
    # fingerprints would take ~200 MB.
    near: dict[int, dict[int, int]] = defaultdict(dict)
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                known = near.get(a)
                if (known is None or b not in known) and (d := _distance(a, b)) <= max_distance:
                    near[a][b] = near[b][a] = d
    return {fp: sorted((d, other) for other, d in others.items()) for fp, others in near.items()}


@site_check(
    code="content-near-duplicate",
    family="content",
    severity=Severity.NOTICE,
    title="Main content nearly the same as another page",
    why="Pages whose main content differs in a few words only (a product in five colours, a "
    "city page with the name swapped, a printer-friendly copy) compete with each other; search "
    "engines index one and filter the rest. Compared on the main content (navigation and other "
    "template blocks left out) with a SimHash fingerprint of its 3-word shingles; pages under "
    "50 words are not compared, exact copies are content-duplicate.",
    fix="Merge the variants into one page, make each substantially different, or point their "
    "canonical at the main version.",
    thresholds=("near_duplicate_percent",),
    applies=_comparable("fingerprint"),
)
def content_near_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    percent = min(100, max(NEAR_MIN_PERCENT, t.near_duplicate_percent))
    max_distance = int(_FINGERPRINT_BITS * (100 - percent) / 100)
    # The survey counted the pages of each fingerprint, in the order first seen (the buckets
    # are filled in that order). Only fingerprints shared or near another need their pages.
    sizes = survey(site).fingerprints
    near = _near_fingerprints(list(sizes), max_distance)
    # A fingerprint alone and near none gives its page no finding: those pages are not held.
    wanted = {fp for fp, n in sizes.items() if n > 1} | set(near)
    if not wanted:
        return
    by_fingerprint: dict[int, list[SitePage]] = defaultdict(list)
    for page in site.pages:
        if page.indexable and page.simhash in wanted:
            by_fingerprint[page.simhash].append(page)
    copies = {fp: Counter(p.content_hash for p in group) for fp, group in by_fingerprint.items()}
    fingerprint_of = {p.url: fp for fp, group in by_fingerprint.items() for p in group}
    for fp, group in by_fingerprint.items():
        candidates = [(0, fp), *near.get(fp, [])]
        for page in group:
            # Language versions of one page (hreflang) may well read alike: that is the point.
            alternates = {url for _lang, url in page.hreflang if url != page.url}
            skipped = Counter(fingerprint_of[u] for u in alternates if u in fingerprint_of)
            similar: list[dict[str, str | int]] = []
            count = 0
            for d, other_fp in candidates:
                # Counted without walking the group (thousands of faceted copies): all but the
                # page's exact copies (content-duplicate says those) and its alternates.
                others = (
                    len(by_fingerprint[other_fp])
                    - copies[other_fp][page.content_hash]
                    - skipped[other_fp]
                )
                count += others
                if others <= 0 or len(similar) >= _EXAMPLES:
                    continue
                for other in by_fingerprint[other_fp]:
                    if other.content_hash == page.content_hash or other.url in alternates:
                        continue
                    percent_alike = round(100 * (1 - d / _FINGERPRINT_BITS))
                    similar.append({"url": other.url, "similarity": percent_alike})
                    if len(similar) >= _EXAMPLES:
                        break
            if not similar:
                continue
            similar.sort(key=lambda s: (-int(s["similarity"]), str(s["url"])))
            yield Hit(
                say(
                    "main content {similarity}% like {count} other page(s): {urls}",
                    similarity=similar[0]["similarity"],
                    count=count,
                    urls=", ".join(str(s["url"]) for s in similar[:_LISTED]),
                ),
                {"others": similar, "count": count, "threshold": percent},
                url=page.url,
            )


@site_check(
    code="soft-404",
    family="http",
    severity=Severity.WARNING,
    title="Missing page answers 200 (soft 404)",
    why="A page that says it was not found but answers 200 OK is a soft 404: search engines keep "
    "crawling it, may index the error text, and report it in Search Console. Found three ways: "
    "a short page whose title, first heading or opening says 'not found' (English and Dutch), a "
    "200 page with the same main content as the site's real 404 page, and a URL that cannot "
    "exist (seolog asks for /seolog-404-check-… once, after the crawl) answering 200.",
    fix="Answer 404 (or 410 for pages removed for good) for pages that do not exist; redirect "
    "moved pages to their new address instead.",
    applies=lambda site: _has_html(site) or site.not_found_probe is not None,
)
def soft_404(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    probe = site.not_found_probe
    # An error page's content is a reference only when it says something: an empty 404 body
    # would make every image-only page "the 404 page".
    error_pages = set(survey(site).error_pages)  # the probe's may be added
    if probe is not None and probe.status is not None:
        if 200 <= probe.status < 300:
            yield Hit(
                say(
                    "a URL that cannot exist answered {status} (after a redirect to {url}): "
                    "every mistyped or removed URL of the site is a soft 404",
                    status=probe.status,
                    url=probe.final_url,
                )
                if probe.final_url != probe.url
                else say(
                    "a URL that cannot exist answered {status}: every mistyped or removed URL of "
                    "the site is a soft 404",
                    status=probe.status,
                ),
                {"status": probe.status, "final_url": probe.final_url},
                url=probe.url,
            )
        elif (
            probe.status in (404, 410)
            and probe.content_hash
            and probe.words >= ERROR_PAGE_MIN_WORDS
        ):
            error_pages.add(probe.content_hash)
    if not error_pages and not survey(site).says_not_found:
        return  # no page says "not found", none has an error page's body: nothing to find
    for page in site.pages:
        if not page.html or page.final_status is None or not 200 <= page.final_status < 300:
            continue
        if page.redirects:
            continue
        if page.soft_404:
            yield Hit(
                say(
                    "answers {status} but says {text}",
                    status=page.final_status,
                    text=repr(page.soft_404),
                ),
                {"says": page.soft_404, "status": page.final_status},
                url=page.url,
            )
        elif page.content_hash in error_pages:
            yield Hit(
                say(
                    "answers {status} with the same content as the site's 404 page",
                    status=page.final_status,
                ),
                {"status": page.final_status, "same_as_404_page": True},
                url=page.url,
            )


def _by_source(links: list[LinkToTrouble]) -> dict[str, list[SitePage]]:
    grouped: dict[str, dict[str, SitePage]] = defaultdict(dict)
    for link in links:
        grouped[link.source_url][link.target.url] = link.target
    return {src: list(targets.values()) for src, targets in grouped.items()}


def _describe(target: SitePage) -> str:
    if target.error_kind and target.final_status is None:
        return f"{target.url} ({target.error_kind})"
    return f"{target.url} ({target.final_status if not target.redirects else target.status})"


@site_check(
    code="link-broken",
    family="links",
    applies=_has_html,
    severity=Severity.ERROR,
    title="Links to a broken internal URL",
    why="Broken links waste crawl budget, leak link value and strand visitors on an error page.",
    fix="Update or remove each link, or restore the target page.",
)
def link_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    broken = [link for link in site.troubled_links if link.target.broken]
    for source, targets in _by_source(broken).items():
        yield Hit(
            say(
                "links to {count} broken URL(s): {urls}",
                count=len(targets),
                urls=", ".join(_describe(p) for p in targets[:_LISTED]),
            ),
            {
                "targets": [
                    {"url": p.url, "status": p.final_status, "error": p.error_kind}
                    for p in targets[:_EXAMPLES]
                ],
                "count": len(targets),
            },
            url=source,
        )


@site_check(
    code="link-to-redirect",
    family="links",
    applies=_has_html,
    severity=Severity.WARNING,
    title="Links to an internal URL that redirects",
    why="Every visit through the link costs an extra round trip, and some link value is lost.",
    fix="Point the link at the final URL.",
)
def link_to_redirect(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    redirecting = [
        link for link in site.troubled_links if link.target.redirects and not link.target.broken
    ]
    for source, targets in _by_source(redirecting).items():
        yield Hit(
            say(
                "links to {count} redirecting URL(s): {urls}",
                count=len(targets),
                urls=", ".join(f"{p.url} -> {p.final_url}" for p in targets[:_LISTED]),
            ),
            {
                "targets": [
                    {"url": p.url, "final_url": p.final_url, "status": p.status}
                    for p in targets[:_EXAMPLES]
                ],
                "count": len(targets),
            },
            url=source,
        )


_PAIRS_HELD = 20_000  # canonical pairs kept for the next check; more are read again


def _canonical_targets(site: SiteData) -> Iterator[tuple[SitePage, SitePage]]:
    """(page, the crawled page its canonical names) where that is another page. Four checks
    ask: found once and kept when there are few (on a streamed scan each search is a read of
    every page and a lookup of every canonical)."""
    held = site.memo.get("canonical_targets")
    if isinstance(held, list):
        yield from held
        return
    pairs: list[tuple[SitePage, SitePage]] | None = []
    for pair in _find_canonical_targets(site):
        if pairs is not None:
            pairs.append(pair)
            if len(pairs) > _PAIRS_HELD:
                pairs = None
        yield pair
    if pairs is not None:
        site.memo["canonical_targets"] = pairs


def _find_canonical_targets(site: SiteData) -> Iterator[tuple[SitePage, SitePage]]:
    for chunk in chunked(site.pages, LOOKUP_CHUNK):
        naming = [p for p in chunk if p.canonical and p.canonical != p.url]
        targets = site.pages_at(p.canonical or "" for p in naming) if naming else {}
        for page in naming:
            target = targets.get(page.canonical or "")
            if target is not None:
                yield page, target


@site_check(
    code="canonical-broken",
    family="indexability",
    applies=_has_canonical_targets,
    severity=Severity.ERROR,
    title="Canonical URL is broken",
    why="A canonical pointing at an error page tells search engines to index nothing. Judged "
    "from the crawled target's answer (Lighthouse's canonical audit never requests the target, "
    "so it passes such a page).",
    fix="Point the canonical at the live page that should rank (often the page itself).",
)
def canonical_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.broken:
            yield Hit(
                say(
                    "canonical {url} answers {answer}",
                    url=target.url,
                    answer=target.final_status or target.error_kind,
                ),
                {"canonical": target.url, "status": target.final_status},
                url=page.url,
            )


@site_check(
    code="canonical-to-redirect",
    family="indexability",
    applies=_has_canonical_targets,
    severity=Severity.WARNING,
    title="Canonical URL redirects",
    why="Search engines may ignore a canonical that points at a redirect.",
    fix="Point the canonical at the final URL.",
)
def canonical_to_redirect(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.redirects and not target.broken:
            yield Hit(
                say(
                    "canonical {url} redirects to {target}", url=target.url, target=target.final_url
                ),
                {"canonical": target.url, "final_url": target.final_url},
                url=page.url,
            )


@site_check(
    code="canonical-to-noindex",
    family="indexability",
    applies=_has_canonical_targets,
    severity=Severity.WARNING,
    title="Canonical URL is noindex",
    why="The canonical says 'index that page instead', and that page says 'do not index me': "
    "the two signals cancel out.",
    fix="Remove the noindex from the canonical target, or point the canonical elsewhere.",
)
def canonical_to_noindex(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.noindex and not target.broken:
            yield Hit(
                say("canonical {url} is noindex", url=target.url),
                {"canonical": target.url},
                url=page.url,
            )


@site_check(
    code="canonical-chain",
    family="indexability",
    applies=_has_canonical_targets,
    severity=Severity.WARNING,
    title="Canonical points to a page with another canonical",
    why="A canonical should name the final, indexable URL. When A names B and B names C, search "
    "engines may stop at B, follow on to C, or distrust both; the chain usually means a moved "
    "page whose old canonicals were never updated.",
    fix="Point every canonical of the chain straight at the last URL.",
)
def canonical_chain(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    def at(url: str) -> SitePage | None:
        return site.pages_at((url,)).get(url)

    for page, target in _canonical_targets(site):
        if target.broken or target.redirects or not target.canonical:
            continue
        if target.canonical == target.url:
            continue
        chain = [page.url, target.url, target.canonical]
        while (nxt := at(chain[-1])) and nxt.canonical not in (None, nxt.url):
            if nxt.canonical in chain or len(chain) > 10:
                break  # a loop: named once, as far as it goes
            chain.append(nxt.canonical or "")
        yield Hit(
            say(
                "canonical {url} has its own canonical: {chain}",
                url=target.url,
                chain=" -> ".join(chain[1:]),
            ),
            {"canonical": target.url, "chain": chain[1:]},
            url=page.url,
        )


@site_check(
    code="hreflang-return-missing",
    family="international",
    applies=_has_hreflang,
    severity=Severity.WARNING,
    title="hreflang alternate does not link back",
    why="Search engines ignore hreflang pairs that are not confirmed from both sides.",
    fix="List every language version on every page of the set, including the page itself.",
)
def hreflang_return_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, pages in _with_alternates(site):
        missing = []
        for lang, url in page.hreflang:
            other = pages.get(url)
            if url == page.url or other is None or not other.html or other.broken:
                continue
            if page.url not in {u for _lang, u in other.hreflang}:
                missing.append({"hreflang": lang, "url": url})
        if missing:
            yield Hit(
                say(
                    "{count} alternate(s) do not link back: {urls}",
                    count=len(missing),
                    urls=", ".join(m["url"] for m in missing[:_LISTED]),
                ),
                {"alternates": missing[:_EXAMPLES]},
                url=page.url,
            )


def _with_alternates(site: SiteData) -> Iterator[tuple[SitePage, dict[str, SitePage]]]:
    """Each page, with the crawled pages its hreflang names (looked up a chunk of pages at a
    time)."""
    for chunk in chunked(site.pages, LOOKUP_CHUNK):
        named = site.pages_at(url for page in chunk for _lang, url in page.hreflang)
        for page in chunk:
            yield page, named


def _alternates(
    site: SiteData, problem: Callable[[SitePage], str | None]
) -> Iterator[tuple[SitePage, list[dict[str, str]]]]:
    """Pages with hreflang alternates (crawled ones) that have `problem`, with those alternates."""
    for page, pages in _with_alternates(site):
        bad = []
        for lang, url in dict.fromkeys(page.hreflang):
            other = pages.get(url)
            if url == page.url or other is None:
                continue
            reason = problem(other)
            if reason is not None:
                bad.append({"hreflang": lang, "url": url, "problem": reason})
        if bad:
            yield page, bad


def _alternate_hit(words: Callable[[int, str], str], bad: list[dict[str, str]], url: str) -> Hit:
    """The finding of a page whose hreflang alternates `bad` have a problem, worded by
    `words(count, alternates)`."""
    return Hit(
        words(len(bad), ", ".join(f"{b['url']} ({b['problem']})" for b in bad[:_LISTED])),
        {"alternates": bad[:_EXAMPLES], "count": len(bad)},
        url=url,
    )


def _answer_problem(page: SitePage) -> str | None:
    if page.error_kind == "blocked_robots":
        return "blocked by robots.txt"
    if page.broken:
        return str(page.final_status or page.error_kind)
    if page.redirects:
        return f"{page.status} to {page.final_url}"
    return None


@site_check(
    code="hreflang-to-error",
    family="international",
    applies=_has_hreflang,
    severity=Severity.WARNING,
    title="hreflang alternate does not answer 200",
    why="Search engines drop alternates that redirect, fail or are blocked, so that language "
    "version is missing from the set and users may land on the wrong one.",
    fix="Point each hreflang at the live, final URL of that language version.",
)
def hreflang_to_error(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, bad in _alternates(site, _answer_problem):
        yield _alternate_hit(
            lambda n, urls: say(
                "{count} hreflang alternate(s) do not answer 200: {urls}", count=n, urls=urls
            ),
            bad,
            page.url,
        )


@site_check(
    code="hreflang-to-noindex",
    family="international",
    applies=_has_hreflang,
    severity=Severity.WARNING,
    title="hreflang alternate is noindex",
    why="An alternate that asks not to be indexed cannot be shown to its language's users; the "
    "set says 'show this page' and the page says 'do not'.",
    fix="Remove the noindex from the alternate, or drop it from the hreflang set.",
)
def hreflang_to_noindex(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    def problem(other: SitePage) -> str | None:
        return "noindex" if other.noindex and _answer_problem(other) is None else None

    for page, bad in _alternates(site, problem):
        yield _alternate_hit(
            lambda n, urls: say(
                "{count} hreflang alternate(s) are noindex: {urls}", count=n, urls=urls
            ),
            bad,
            page.url,
        )


@site_check(
    code="hreflang-to-non-canonical",
    family="international",
    applies=_has_hreflang,
    severity=Severity.WARNING,
    title="hreflang alternate is not its own canonical",
    why="hreflang must name the canonical URL of each language version. An alternate whose "
    "canonical points elsewhere sends mixed signals, and search engines ignore the pair.",
    fix="Use each version's canonical URL in the hreflang set.",
)
def hreflang_to_non_canonical(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    def problem(other: SitePage) -> str | None:
        if _answer_problem(other) is None and other.canonical not in (None, other.url):
            return f"canonical is {other.canonical}"
        return None

    for page, bad in _alternates(site, problem):
        yield _alternate_hit(
            lambda n, urls: say(
                "{count} hreflang alternate(s) are not their own canonical: {urls}",
                count=n,
                urls=urls,
            ),
            bad,
            page.url,
        )


@site_check(
    code="orphan-page",
    family="sitemaps",
    applies=_lists_sitemap_urls,
    severity=Severity.WARNING,
    title="Sitemap URL that no page links to",
    why="Pages reachable only through the sitemap get no link value and look unimportant.",
    fix="Link to the page from a relevant page or navigation, or drop it from the sitemap.",
)
def orphan_page(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        orphan = page.found_via == "sitemap" and page.url not in site.linked_urls
        if page.in_sitemap and orphan and page.html and not page.broken:
            yield Hit(say("in the sitemap, but no crawled page links to it"), url=page.url)


@site_check(
    code="sitemap-url-error",
    family="sitemaps",
    applies=_lists_sitemap_urls,
    severity=Severity.ERROR,
    title="Sitemap lists a URL that does not answer 200",
    why="A sitemap should list only live, final URLs; errors and redirects waste crawl budget and "
    "erode trust in the sitemap.",
    fix="Remove the URL from the sitemap, or list its final URL instead.",
)
def sitemap_url_error(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        if not page.in_sitemap or page.status == 200:
            continue
        if page.error_kind == "blocked_robots":
            said = say("sitemap URL is blocked by robots.txt")
        elif page.status is None:
            said = say("sitemap URL failed ({error})", error=page.error_kind)
        elif page.redirects:
            said = say(
                "sitemap URL redirects ({status}) to {url}", status=page.status, url=page.final_url
            )
        else:
            said = say("sitemap URL answers HTTP {status}", status=page.status)
        yield Hit(said, {"status": page.status, "error": page.error_kind}, url=page.url)


@site_check(
    code="sitemap-noindex",
    family="sitemaps",
    applies=_lists_sitemap_urls,
    severity=Severity.WARNING,
    title="Sitemap lists a noindex page",
    why="The sitemap asks for the page to be indexed, the page asks not to be: mixed signals.",
    fix="Remove the URL from the sitemap, or remove its noindex.",
)
def sitemap_noindex(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        if page.in_sitemap and page.noindex and not page.broken:
            yield Hit(say("in the sitemap, but noindex"), url=page.url)


@site_check(
    code="sitemap-page-missing",
    family="sitemaps",
    applies=_sitemap_judged_whole,
    severity=Severity.NOTICE,
    title="Indexable page missing from the sitemap",
    why="A sitemap is the list of pages a site wants indexed. An indexable page found by "
    "following links but absent from it is found later, or not at all when its links are "
    "deep, and hints that the sitemap generator skips a section. Judged only when the sitemap "
    "lists pages of the crawled site: one naming another host (the production URLs in a "
    "staging build or a local folder) says nothing about this one; nor is it judged when a "
    "sitemap could not be read whole (a child sitemap failed, or a limit was reached).",
    fix="Add the page to the sitemap (regenerate it), or make the page non-indexable if it "
    "should not be found.",
)
def sitemap_page_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        listable = page.indexable and page.html and not (page.broken or page.redirects)
        if listable and not page.in_sitemap:
            yield Hit(say("indexable, linked from the site, but not in the sitemap"), url=page.url)


@site_check(
    code="sitemap-non-canonical",
    family="sitemaps",
    applies=_lists_sitemap_urls,
    severity=Severity.WARNING,
    title="Sitemap lists a non-canonical URL",
    why="A sitemap should list canonical URLs only. Listing a page whose canonical names another "
    "URL asks search engines to index what the page itself says not to.",
    fix="List the canonical URL in the sitemap instead.",
)
def sitemap_non_canonical(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        if not page.in_sitemap or page.broken or page.redirects:
            continue
        if page.canonical and page.canonical != page.url:
            yield Hit(
                say("in the sitemap, but its canonical is {url}", url=page.canonical),
                {"canonical": page.canonical},
                url=page.url,
            )


@site_check(
    code="robots-txt-missing",
    family="sitemaps",
    applies=_robots_read,
    severity=Severity.NOTICE,
    title="No robots.txt",
    why="Without robots.txt crawlers may fetch anything, and the file is where sitemaps are "
    "announced. (Lighthouse's robots-txt audit judges a robots.txt that is there, see "
    "robots-txt-invalid; a missing one is not applicable to it.)",
    fix="Publish /robots.txt with at least a Sitemap: line.",
)
def robots_txt_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    if site.robots_state is RobotsState.MISSING:
        yield Hit(say("no robots.txt (it answered 4xx)"), url=site.root_url + "robots.txt")


# One robots.txt line's problem, a sentence for each problem `crawl.robots` names (Lighthouse's
# words): the line's own text has colons, so "line {number} {text}: {problem}" would be matched
# back wrongly. Kept in step with crawl.robots by tests/checks/test_finding_terms.py.
ROBOTS_LINES: dict[str, Callable[[int, str], str]] = {
    "syntax not understood": lambda number, text: say(
        "line {number} {text}: syntax not understood", number=number, text=text
    ),
    "unknown directive": lambda number, text: say(
        "line {number} {text}: unknown directive", number=number, text=text
    ),
    "invalid sitemap URL": lambda number, text: say(
        "line {number} {text}: invalid sitemap URL", number=number, text=text
    ),
    "invalid sitemap URL protocol": lambda number, text: say(
        "line {number} {text}: invalid sitemap URL protocol", number=number, text=text
    ),
    "no user-agent specified": lambda number, text: say(
        "line {number} {text}: no user-agent specified", number=number, text=text
    ),
    'pattern should either be empty, start with "/" or "*"': lambda number, text: say(
        'line {number} {text}: pattern should either be empty, start with "/" or "*"',
        number=number,
        text=text,
    ),
    '"$" should only be used at the end of the pattern': lambda number, text: say(
        'line {number} {text}: "$" should only be used at the end of the pattern',
        number=number,
        text=text,
    ),
}


def _robots_line(problem: RobotsProblem) -> str:
    words = ROBOTS_LINES.get(problem.message)
    if words is not None:
        return words(problem.line, repr(problem.text))
    return say(
        "line {number} {text}: {problem}",
        number=problem.line,
        text=repr(problem.text),
        problem=problem.message,
    )


def _robots_parsed(site: SiteData) -> bool:
    """robots.txt was read and answered 2xx, so its lines were read."""
    return site.robots_state is RobotsState.PARSED


@site_check(
    code="robots-txt-invalid",
    family="sitemaps",
    applies=_robots_parsed,
    severity=Severity.WARNING,
    title="robots.txt has lines crawlers cannot read",
    why="A line a crawler does not understand is skipped: a misspelt directive (Disalow) blocks "
    "nothing, an Allow or Disallow before any User-agent line belongs to no group, and Google "
    "asks for Sitemap URLs in full. The rules are those of Lighthouse's robots-txt audit: a line "
    "without ':', a directive outside user-agent, allow, disallow, sitemap, crawl-delay, "
    "clean-param, host, request-rate, visit-time and noindex, an empty User-agent, a pattern "
    "not starting with '/' or '*' or with '$' before its end, and a Sitemap that is not an "
    "absolute http, https or ftp URL. Only the first 500 KiB are read, as Google does.",
    fix="Correct or remove each line listed, then check the file in Google Search Console's "
    "robots.txt report.",
    lighthouse="robots-txt (robots.txt is valid)",
)
def robots_txt_invalid(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    problems = site.robots_problems
    if not problems:
        return
    count = max(site.robots_problem_count, len(problems))
    parts = [_robots_line(p) for p in problems[:_LISTED]]
    if count > _LISTED:
        parts.append(say("and {count} more", count=count - _LISTED))
    errors = "; ".join(parts)
    yield Hit(
        say("robots.txt has {count} error: {errors}", count=count, errors=errors)
        if count == 1
        else say("robots.txt has {count} errors: {errors}", count=count, errors=errors),
        {"count": count, "errors": [p.to_dict() for p in problems]},
        url=site.root_url + "robots.txt",
    )


@site_check(
    code="sitemap-missing",
    family="sitemaps",
    applies=_sitemaps_checked,
    severity=Severity.NOTICE,
    title="No XML sitemap found",
    why="A sitemap helps search engines find every page, especially new and deep ones.",
    fix="Publish /sitemap.xml (most CMSs and static-site generators can) and name it in robots.txt.",
)
def sitemap_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    # A sitemap that is there but could not be read is sitemap-unreadable, not missing.
    if site.sitemaps_checked and site.sitemap_urls == 0 and not site.sitemaps_unread:
        yield Hit(
            say("no sitemap in robots.txt or at /sitemap.xml, or it listed no URLs"),
            url=site.root_url + "sitemap.xml",
        )


@site_check(
    code="sitemap-unreadable",
    family="sitemaps",
    applies=_sitemaps_checked,
    severity=Severity.WARNING,
    title="Sitemap could not be read",
    why="A sitemap that is too large (over the protocol's 50 MB), fails to load or is not XML "
    "tells search engines nothing: they stop reading it, and the pages only it names stay "
    "undiscovered.",
    fix="Split a large sitemap into several files under a sitemap index (each at most 50,000 "
    "URLs and 50 MB), and make sure each answers 200 with valid XML.",
    since="0.2.0",
)
def sitemap_unreadable(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for url, reason in site.sitemaps_unread:
        yield Hit(
            say("the sitemap could not be read: {reason}", reason=reason),
            {"reason": reason},
            url=url,
        )


@site_check(
    code="slow-response",
    family="performance",
    server_only=True,  # a folder is timed on seolog's own local server
    applies=_response_times_judged,
    severity=Severity.WARNING,
    title="Server responds slowly",
    why="A slow first byte delays everything after it; crawlers also fetch fewer pages per visit. "
    "Time to first byte runs from the moment the request is written to the moment the response "
    "headers arrive. A page slow during the crawl is fetched again alone after it (the slowest "
    "first, see --reprobe); only a page still slow then is reported, so the crawler's own busy "
    "moments never count against the server.",
    fix="Cache the page (CDN or server cache), or profile what the server does for this URL.",
    lighthouse="server-response-time (Reduce initial server response time)",
    thresholds=("slow_response_ms",),
)
def slow_response(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for probe in site.reprobes:
        if probe.ttfb_ms is None or probe.ttfb_ms <= t.slow_response_ms:
            continue
        values = {
            "ttfb": f"{probe.ttfb_ms:,.0f}",
            "crawl": f"{probe.crawl_ms:,.0f}",
            "threshold": f"{t.slow_response_ms:,}",
        }
        yield Hit(
            say(
                "first byte after {ttfb} ms when fetched alone ({crawl} ms during the crawl; "
                "threshold {threshold} ms), then {download} ms to download",
                download=f"{probe.download_ms:,.0f}",
                **values,
            )
            if probe.download_ms
            else say(
                "first byte after {ttfb} ms when fetched alone ({crawl} ms during the crawl; "
                "threshold {threshold} ms)",
                **values,
            ),
            {
                "ttfb_ms": round(probe.ttfb_ms),
                "crawl_ttfb_ms": round(probe.crawl_ms),
                "download_ms": None if probe.download_ms is None else round(probe.download_ms),
                "threshold": t.slow_response_ms,
            },
            url=probe.url,
        )
