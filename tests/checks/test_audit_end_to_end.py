"""A fixture site with planted defects and perfect pages, crawled for real: every expected
finding is there, on the right URL, and the perfect pages have none."""

from __future__ import annotations

from collections import defaultdict

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response

TOPICS = {
    "/": "Acme garden tools",
    "/perfect-a": "Forged steel spades",
    "/perfect-b": "Ash handled digging forks",
    "/defects": "Workshop notes and odd pages",
    "/no-title": "Pruning saws",
    "/dup-1": "Garden shears",
    "/dup-2": "Hedge trimmers",
    "/noindexed": "Old catalogue",
    "/canon-bad": "Wheelbarrows",
    "/thin": "Trowels",
    "/orphan": "Spring sale",
    "/bad-hreflang": "Watering cans",
    "/broken-json": "Compost bins",
    "/no-alt": "Seed trays",
    "/generic": "Plant labels",
    "/h1s": "Garden twine",
    "/slow": "Greenhouse heaters",
    "/unlisted": "Cold frames",
    "/header-canon": "Potting benches",
    "/oops": "Bird feeders",
}


def _words(topic: str) -> str:
    sentence = (
        f"Our {topic.lower()} are made in Sheffield from forged steel and seasoned ash, tested on "
        f"heavy clay, and sold with a lifetime guarantee; this page covers {topic.lower()} sizes, "
        "care and repairs. "
    )
    return sentence * 7


def _page(
    origin: str,
    path: str,
    title: str | None = None,
    description: str | None = None,
    extra_head: str = "",
    body: str | None = None,
    links: tuple[tuple[str, str], ...] = (),
    canonical: str | None = None,
    h1: str | None = None,
    img_alt: str | None = "Product photo",
) -> str:
    topic = TOPICS[path]
    title = f"{topic} for keen gardeners | Acme Tools" if title is None else title
    description = (
        f"Everything about {topic.lower()} from Acme: sizes, materials, care and repairs, "
        "with a lifetime guarantee on every tool."
        if description is None
        else description
    )
    canonical = origin + path if canonical is None else canonical
    head = (f"<title>{title}</title>" if title else "") + (
        f'<meta name="description" content="{description}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="canonical" href="{canonical}">'
        f'<meta property="og:title" content="{topic}">'
        f'<meta property="og:image" content="{origin}/img/{topic.split()[0].lower()}.jpg">'
        f"{extra_head}"
    )
    anchors = "".join(f'<a href="{href}">{text}</a> ' for href, text in links)
    alt = f' alt="{img_alt}"' if img_alt is not None else ""
    content = body if body is not None else f"<p>{_words(topic)}</p>"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{head}</head><body>'
        f'<h1>{h1 or topic}</h1>{content}<img src="/img/photo.jpg"{alt}><nav>{anchors}</nav>'
        "</body></html>"
    )


def _site(server: FixtureServer) -> None:
    o = server.origin
    nav = (("/perfect-a", "Forged steel spades"), ("/perfect-b", "Digging forks"))
    pages = {
        "/": {"links": (*nav, ("/defects", "Workshop notes"))},
        "/perfect-a": {"links": (("/", "Acme home page"), ("/perfect-b", "Digging forks"))},
        "/perfect-b": {"links": (("/", "Acme home page"), ("/perfect-a", "Forged steel spades"))},
        "/defects": {
            "links": tuple(
                (p, TOPICS.get(p, p))
                for p in [
                    "/no-title",
                    "/dup-1",
                    "/dup-2",
                    "/gone",
                    "/moved",
                    "/chain",
                    "/noindexed",
                    "/canon-bad",
                    "/thin",
                    "/bad-hreflang",
                    "/broken-json",
                    "/no-alt",
                    "/generic",
                    "/h1s",
                    "/slow",
                    "/error500",
                    "/unlisted",
                    "/header-canon",
                    "/oops",
                ]
            )
        },
        "/no-title": {"title": ""},
        "/dup-1": {
            "title": "Garden cutting tools for keen gardeners | Acme",
            "description": "Shears, trimmers and loppers from Acme: sizes, materials and care, "
            "with a lifetime guarantee on every tool we sell.",
        },
        "/dup-2": {
            "title": "Garden cutting tools for keen gardeners | Acme",
            "description": "Shears, trimmers and loppers from Acme: sizes, materials and care, "
            "with a lifetime guarantee on every tool we sell.",
        },
        "/noindexed": {"extra_head": '<meta name="robots" content="noindex">'},
        "/canon-bad": {"canonical": o + "/gone"},
        "/thin": {"body": "<p>Trowels. Coming soon.</p>"},
        "/orphan": {},
        "/bad-hreflang": {
            "extra_head": f'<link rel="alternate" hreflang="en-UK" href="{o}/bad-hreflang">'
            f'<link rel="alternate" hreflang="x-default" href="{o}/bad-hreflang">'
        },
        "/broken-json": {
            "extra_head": '<script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "Product", "name": }</script>'
        },
        "/no-alt": {"img_alt": None},
        "/generic": {"links": (("/perfect-a", "click here"),)},
        "/h1s": {"body": f"<h1>Second heading</h1><p>{_words('Garden twine')}</p>"},
        "/slow": {},
        "/unlisted": {},
        "/header-canon": {},
        # A discontinued product whose template says so, with 200 OK.
        "/oops": {
            "title": "Page not found | Acme garden tools and spares",
            "body": "<p>Sorry, this page could not be found. Try the search.</p>",
        },
    }
    for path, kw in pages.items():
        server.routes[path] = Response(body=_page(o, path, **kw))
    server.routes["/slow"].delay = 0.8
    # A CDN rule states another canonical in the Link header than the template's.
    server.routes["/header-canon"].headers["Link"] = f'<{o}/perfect-a>; rel="canonical"'
    server.routes["/gone"] = Response(404, "<h1>Gone</h1>")
    server.routes["/img/photo.jpg"] = Response(
        body=b"\xff\xd8\xff\xe0 a photo", content_type="image/jpeg"
    )
    server.routes["/error500"] = Response(500, "<h1>Oops</h1>")
    server.routes["/moved"] = Response(301, headers={"Location": "/perfect-a"})
    server.routes["/chain"] = Response(301, headers={"Location": "/chain-2"})
    server.routes["/chain-2"] = Response(301, headers={"Location": "/perfect-b"})
    server.routes["/robots.txt"] = Response(
        body=f"User-agent: *\nAllow: /\nSitemap: {o}/sitemap.xml\n", content_type="text/plain"
    )
    # Every indexable page but /unlisted, and planted mistakes (/gone, /noindexed, /moved).
    unlisted = {"/unlisted", "/canon-bad"}
    listed = [p for p in pages if p not in unlisted] + ["/gone", "/moved"]
    # hreflang stated in the sitemap only, with a region that does not exist.
    alternates = {
        "/orphan": f'<xhtml:link rel="alternate" hreflang="en-UK" href="{o}/orphan"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="{o}/orphan"/>'
    }
    urls = "".join(f"<url><loc>{o}{p}</loc>{alternates.get(p, '')}</url>" for p in listed)
    server.routes["/sitemap.xml"] = Response(
        body='<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{urls}</urlset>',
        content_type="application/xml",
    )


EXPECTED = {
    "/defects": {"link-broken", "link-to-redirect"},
    "/no-title": {"title-missing"},
    "/dup-1": {"title-duplicate", "meta-description-duplicate"},
    "/dup-2": {"title-duplicate", "meta-description-duplicate"},
    "/gone": {"http-4xx", "sitemap-url-error"},
    "/error500": {"http-5xx"},
    "/moved": {"sitemap-url-error"},
    "/chain": {"redirect-chain"},
    "/noindexed": {"noindex", "sitemap-noindex"},
    "/canon-bad": {"canonical-broken"},
    "/thin": {"content-thin"},
    "/orphan": {"orphan-page", "hreflang-invalid"},
    "/unlisted": {"sitemap-page-missing"},
    "/header-canon": {"canonical-header-conflict"},
    "/oops": {"soft-404", "content-thin"},
    "/bad-hreflang": {"hreflang-invalid"},
    "/broken-json": {"structured-data-invalid"},
    "/no-alt": {"image-alt-missing"},
    "/generic": {"link-text-generic"},
    "/h1s": {"h1-multiple"},
    "/slow": {"slow-response"},
}
PERFECT = ["/", "/perfect-a", "/perfect-b"]


def test_every_planted_defect_is_found_and_perfect_pages_are_clean(server: FixtureServer, cli):
    _site(server)
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    found: dict[str, set[str]] = defaultdict(set)
    for issue in doc["issues"]:
        found[issue["url"].removeprefix(server.origin)].add(issue["code"])
    assert dict(found) == EXPECTED

    scores = {p["url"].removeprefix(server.origin): p["score"] for p in doc["pages"]}
    assert all(scores[p] == 100 for p in PERFECT)
    assert scores["/no-title"] < 60  # one error halves a page
    summary = doc["summary"]
    assert summary["by_code"]["title-duplicate"] == 2
    assert summary["by_severity"]["error"] == sum(
        1 for i in doc["issues"] if i["severity"] == "error"
    )
    # A third of this site's pages carry an error: well below a healthy 90.
    assert doc["scan"]["score"] == summary["score"] < 80


def test_fail_under_gates_after_writing_the_output(server: FixtureServer, cli, tmp_path):
    _site(server)
    out = tmp_path / "scan.json"
    r = cli("scan", server.url(), "--format", "json", "--output", str(out), "--fail-under", "95")
    assert r.exit_code == ExitCode.THRESHOLD
    assert "is below --fail-under 95" in r.stderr
    assert out.read_text().startswith("{") and '"schema": "seolog.scan/1"' in out.read_text()
    assert "Score" in r.stdout  # the summary still shows when the JSON goes to a file


def _healthy_site(server: FixtureServer) -> str:
    """The fixture site reduced to its perfect pages: home links to them, the sitemap lists
    them. Returns the origin."""
    _site(server)
    o = server.origin
    server.routes["/"] = Response(
        body=_page(o, "/", links=(("/perfect-a", "Spades"), ("/perfect-b", "Forks")))
    )
    urls = "".join(f"<url><loc>{o}{p}</loc></url>" for p in PERFECT)
    server.routes[
        "/sitemap.xml"
    ].body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return o


def test_a_healthy_site_scores_at_least_90_and_passes_the_gate(server: FixtureServer, cli):
    _healthy_site(server)
    r = cli("scan", server.url(), "--fail-under", "90", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["issues"] == []
    assert doc["scan"]["score"] == 100


def test_an_invalid_robots_txt_is_one_site_finding_with_its_lines(server: FixtureServer, cli):
    """From the crawl's robots.txt fetch through the stored crawl statistics to the site check."""
    o = _healthy_site(server)
    server.routes[
        "/robots.txt"
    ].body = (
        f"User-agent: *\nDisalow: /private/\nAllow: /\nSitemap: {o}/sitemap.xml\nSitemap: /s.xml\n"
    )
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert [(i["code"], i["url"], i["message"]) for i in doc["issues"]] == [
        (
            "robots-txt-invalid",
            f"{o}/robots.txt",
            "robots.txt has 2 errors: line 2 'Disalow: /private/': unknown directive; "
            "line 5 'Sitemap: /s.xml': invalid sitemap URL",
        )
    ]
    assert doc["summary"]["crawl"]["robots_problem_count"] == 2
    assert [p["line"] for p in doc["summary"]["crawl"]["robots_problems"]] == [2, 5]
