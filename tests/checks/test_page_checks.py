"""Every page check on small HTML inputs: each fires on its defect and stays quiet on a healthy
page. The healthy page is the baseline: a false alarm there is a bug."""

from __future__ import annotations

import re

import pytest

from seolog.checks.thresholds import Thresholds
from seolog.domain import FetchErrorKind, RedirectHop, Severity
from tests.checks.pages import BODY, HEAD, URL, codes, findings, html, page

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it


def test_a_healthy_page_has_no_findings_at_all():
    assert codes(page()) == set()


@pytest.mark.parametrize(
    ("head_change", "code"),
    [
        (("<title>Forged steel garden spade with ash handle | Acme</title>", ""), "title-missing"),
        (("Forged steel garden spade with ash handle | Acme", "  "), "title-missing"),
        (("Forged steel garden spade with ash handle | Acme", "Spade"), "title-too-short"),
        (
            ("| Acme</title>", "| Acme garden tools, established 1890, Sheffield</title>"),
            "title-too-long",
        ),
        (('<meta name="description"', '<meta name="x-description"'), "meta-description-missing"),
        (
            (
                "for clay and stony soil: blade sizes, handle lengths and care, with a lifetime guarantee.",
                "Short.",
            ),
            "meta-description-too-short",
        ),
        (
            ("lifetime guarantee.", "lifetime guarantee. " + "Free delivery on all orders. " * 5),
            "meta-description-too-long",
        ),
        (
            ('<meta name="viewport" content="width=device-width, initial-scale=1">', ""),
            "viewport-missing",
        ),
        (('"@type": "Product", ', ""), "structured-data-invalid"),
        (('{"@context"', '{"@context" "broken'), "structured-data-invalid"),
        (
            ('<meta property="og:image" content="https://shop.example/img/spade.jpg">', ""),
            "social-tags-missing",
        ),
        (("<title>", '<meta name="robots" content="noindex, follow"><title>'), "noindex"),
    ],
)
def test_head_defects(head_change, code):
    old, new = head_change
    assert old in HEAD
    assert codes(page(html(head=HEAD.replace(old, new)))) == {code}


@pytest.mark.parametrize(
    ("body_change", "code"),
    [
        (("<h1>Forged steel garden spade</h1>", ""), "h1-missing"),
        (("<h2>Blade sizes</h2>", "<h1>Blade sizes</h1>"), "h1-multiple"),
        (('alt="The spade standing in dug soil"', ""), "image-alt-missing"),
        (("How to sharpen a spade", "click here"), "link-text-generic"),
        (("Digging fork with ash handle", "Read more »"), "link-text-generic"),
        (("<h2>Blade sizes</h2>", "<h3>Blade sizes</h3>"), "heading-order"),
        (
            ("<p>", '<form action="http://shop.example/subscribe"><input name="email"></form><p>'),
            "form-insecure",
        ),
    ],
)
def test_body_defects(body_change, code):
    old, new = body_change
    assert old in BODY
    assert codes(page(html(body=BODY.replace(old, new)))) == {code}


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/ref/continue.html"><code>continue</code></a>',
        '<a href="/ref/more.html"><code class="xref"><span class="pre">more</span></code></a>',
        '<pre>for x in y:\n    <a href="/ref/continue.html">continue</a></pre>',
        '<p>Press <kbd><a href="/keys/here.html">here</a></kbd>.</p>',
    ],
)
def test_code_named_like_a_generic_phrase_is_not_generic_link_text(link):
    """API docs link keywords (`continue`, `more`); the text is code, not "click here"."""
    assert codes(page(html(body=BODY + link))) == set()
    prose = BODY + '<a href="/ref/continue.html">continue</a>'
    assert codes(page(html(body=prose))) == {"link-text-generic"}  # the same word as prose


CANONICAL = f'<link rel="canonical" href="{URL}">'


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ('<link rel="canonical" href="file:///usr/share/doc/python3.11/html/spade.html">',
         "canonical-invalid"),
        ('<link rel="canonical" href="">', "canonical-invalid"),
        ('<link rel="canonical" href="http://[::1">', "canonical-invalid"),
        ('<link rel="canonical" href="/products/spade.html">', "canonical-relative"),
        (CANONICAL + '<link rel="canonical" href="https://shop.example/spade">',
         "canonical-multiple"),
    ],
)  # fmt: skip
def test_canonical_defects_are_findings_and_leave_the_page_indexable(tags, code):
    """The Python docs' `file:` canonical made every page silently non-indexable; search engines
    ignore such a tag, so seolog reports it and keeps judging the page as indexable."""
    from seolog.checks.facts import is_indexable

    p = page(html(head=HEAD.replace(CANONICAL, tags)))
    assert codes(p) == {code}
    assert is_indexable(p) is True
    assert p.snapshot is not None and p.snapshot.canonical in (None, URL)


HSTS = {"strict-transport-security": "max-age=31536000"}  # what the healthy page is served with


def test_a_canonical_in_the_link_header_counts_like_a_tag():
    moved = f'<https://shop.example/spade>; rel="canonical", <{URL}?v=1>; rel=preload'
    p = page(html(head=HEAD.replace(CANONICAL, "")), headers={**HSTS, "link": moved})
    assert codes(p) == set()  # a header canonical elsewhere: not indexable, not a defect
    assert p.snapshot is not None and p.snapshot.canonical == "https://shop.example/spade"
    agreeing = page(headers={**HSTS, "link": f'<{URL}>; rel="canonical"'})
    assert codes(agreeing) == set() and agreeing.snapshot.canonical == URL  # type: ignore[union-attr]


def test_link_header_and_html_naming_different_canonicals():
    header = {**HSTS, "link": '<https://shop.example/spade>; rel="canonical"'}
    [f] = findings(page(headers=header), "canonical-header-conflict")
    assert f.message == (f"the Link header says https://shop.example/spade, the HTML says {URL}")
    assert codes(page(headers=header)) == {"canonical-header-conflict"}
    relative = page(
        html(head=HEAD.replace(CANONICAL, "")),
        headers={**HSTS, "link": '</products/spade.html>; rel="canonical"'},
    )
    assert codes(relative) == {"canonical-relative"}
    assert findings(relative, "canonical-relative")[0].message == (
        f"canonical '/products/spade.html' in the HTTP Link header is relative (resolves to {URL})"
    )
    bad = page(headers={**HSTS, "link": '<file:///srv/www/spade.html>; rel="canonical"'})
    assert codes(bad) == {"canonical-invalid"}
    assert "(in the HTTP Link header)" in findings(bad, "canonical-invalid")[0].message


def test_a_canonical_on_another_host():
    p = page(html(head=HEAD.replace(URL + '"', 'https://staging.shop.example/products/spade"')))
    [f] = findings(p, "canonical-other-host")
    assert codes(p) == {"canonical-other-host"}
    assert f.message == (
        "canonical https://staging.shop.example/products/spade is on staging.shop.example, "
        "not shop.example"
    )
    http = page(html(head=HEAD.replace(URL + '"', URL.replace("https:", "http:") + '"')))
    assert codes(http) == set()  # the same host over http: not another host


def test_a_link_header_canonical_after_a_long_preload_list_still_counts():
    preloads = ", ".join(f"</static/{i}.css>; rel=preload; as=style" for i in range(80))
    header = {**HSTS, "link": preloads + ', <https://shop.example/spade>; rel="canonical"'}
    p = page(html(head=HEAD.replace(CANONICAL, "")), headers=header)
    assert p.snapshot is not None and p.snapshot.canonical == "https://shop.example/spade"


def test_hreflang_from_the_link_header():
    header = {
        **HSTS,
        "link": f'<{URL}>; rel="alternate"; hreflang="en", '
        '<https://shop.example/de/spade.html>; rel="alternate"; hreflang="de_DE"',
    }
    p = page(headers=header)
    assert p.snapshot is not None
    assert [(h["lang"], h["url"], h.get("source")) for h in p.snapshot.hreflang] == [
        ("en", URL, "header"),
        ("de_DE", "https://shop.example/de/spade.html", "header"),
    ]
    assert codes(p) == {"hreflang-invalid", "hreflang-x-default-missing"}


def test_canonical_tags_that_agree_are_one_canonical():
    p = page(html(head=HEAD + CANONICAL))
    assert codes(p) == set() and p.snapshot is not None and p.snapshot.canonical == URL
    elsewhere = page(html(head=HEAD.replace(URL + '"', 'https://shop.example/spade"')))
    assert codes(elsewhere) == set()  # a valid canonical elsewhere: not indexable, not a defect
    from seolog.checks.facts import is_indexable

    assert is_indexable(elsewhere) is False


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ("<title>Spades | Acme</title>", "title-multiple"),
        ('<meta name="description" content="Our spades.">', "meta-description-multiple"),
        ('<meta name="viewport" content="width=1024">', "viewport-multiple"),
    ],
)
def test_several_of_what_should_be_one(extra, code):
    (f,) = findings(page(html(head=HEAD + extra)), code)
    assert f.details == {"count": 2}
    assert codes(page(html(head=HEAD + extra))) == {code}


def test_titles_inside_inline_svg_are_not_the_page_title():
    icon = '<svg viewBox="0 0 10 10"><title>Cart</title><circle r="4"/></svg>'
    assert codes(page(html(body=BODY + icon))) == set()


# Titles and descriptions are judged by their width in Arial (20 px titles, 14 px snippets), not
# by their number of characters: the same count of i's and W's differs fourfold in width.
TITLE = "Forged steel garden spade with ash handle | Acme"  # 48 characters, 451 px
NARROW_TITLE = "Still life with lilies, tulips, lilac and fruit | Little Flit Ltd"
WIDE_TITLE = "WOMEN'S WOOL MAXI COATS, MADE IN WALES | WARM WOOL"
NARROW_DESCRIPTION = (
    "Tiny lilies, tulips and lilac in a still life: a little fruit, a slim jug, tiles. All of it is "
    "lit from the left; it is little, it is fit, it is still, it is light; all tiles fit"
)
WIDE_DESCRIPTION = (
    "WOMEN'S AND MEN'S WOOL MAXI COATS, WOVEN AND MADE IN WALES FROM MOUNTAIN WOOL. WARM, "
    "WATERPROOF AND MADE TO MEASURE."
)


def with_title(title: str):
    assert TITLE in HEAD
    return page(html(head=HEAD.replace(TITLE, title)))


def with_description(text: str):
    head = re.sub(r'(name="description" content=")[^"]*', lambda m: m.group(1) + text, HEAD)
    assert text in head
    return page(html(head=head))


def test_a_title_is_too_long_by_its_width_not_its_characters():
    assert (len(NARROW_TITLE), len(WIDE_TITLE)) == (65, 50)
    assert codes(with_title(NARROW_TITLE)) == set()  # 65 characters, but only 454 px
    wide = with_title(WIDE_TITLE)
    assert codes(wide) == {"title-too-long"}
    [f] = findings(wide, "title-too-long")
    assert f.message == "title is 608 px wide (max 580), 50 characters"
    assert f.details == {
        "length": 50,
        "title": WIDE_TITLE,
        "max": 60,
        "width_px": 608,
        "max_px": 580,
    }


def test_a_meta_description_is_too_long_by_its_width_not_its_characters():
    assert (len(NARROW_DESCRIPTION), len(WIDE_DESCRIPTION)) == (178, 116)
    assert codes(with_description(NARROW_DESCRIPTION)) == set()  # 178 characters, 830 px
    wide = with_description(WIDE_DESCRIPTION)
    assert codes(wide) == {"meta-description-too-long"}
    [f] = findings(wide, "meta-description-too-long")
    assert f.message == "meta description is 1003 px wide (max 920), 116 characters"
    assert f.details == {"length": 116, "max": 160, "width_px": 1003, "max_px": 920}


def test_pixel_thresholds_can_be_changed():
    strict = Thresholds(title_max_px=400, description_max_px=700)
    healthy = findings(page(), "title-too-long", strict)
    assert [f.message for f in healthy] == ["title is 451 px wide (max 400), 48 characters"]
    assert codes(page(), strict) == {"title-too-long", "meta-description-too-long"}
    relaxed = Thresholds(title_max_px=650, description_max_px=1100)
    assert codes(with_title(WIDE_TITLE), relaxed) == set()
    assert codes(with_description(WIDE_DESCRIPTION), relaxed) == set()
    flags = Thresholds().with_overrides(["title_max_px=650", "description-max-px=1100"])
    assert flags == relaxed


def test_character_maxima_are_still_accepted_but_the_width_decides():
    """Configs and flags written before pixel widths (`title_max_chars = 65`) keep working: the
    number is accepted and reported as `max`, but no longer makes or stops a finding."""
    t = Thresholds().with_overrides(["title_max_chars=10", "description_max_chars=10"])
    assert (t.title_max_chars, t.description_max_chars) == (10, 10)
    assert codes(page(), t) == set()  # 48 and 129 characters, but narrow enough
    [f] = findings(with_title(WIDE_TITLE), "title-too-long", Thresholds(title_max_chars=70))
    assert f.details["max"] == 70 and f.details["max_px"] == 580


def test_thresholds_stored_before_pixel_widths_load_with_the_default_widths():
    stored = {  # a scan's settings as saved before title_max_px and description_max_px existed
        "title_min_chars": 30, "title_max_chars": 65, "description_min_chars": 70,
        "description_max_chars": 160, "thin_content_words": 200, "slow_response_ms": 600,
        "max_html_bytes": 1_048_576, "max_links_per_page": 300, "max_click_depth": 4,
    }  # fmt: skip
    t = Thresholds.from_stored(stored)
    assert (t.title_max_px, t.description_max_px, t.title_max_chars) == (580, 920, 65)
    assert codes(with_title(WIDE_TITLE), t) == {"title-too-long"}
    assert t.to_stored()["title_max_px"] == 580


@pytest.mark.parametrize("agent", ["googlebot", "bingbot", "GoogleBot"])
def test_a_robots_meta_tag_for_a_named_crawler_counts(agent):
    """<meta name="googlebot" content="noindex"> keeps the page out of Google as surely as the
    generic robots tag; Google combines the two."""
    head = HEAD + f'<meta name="{agent}" content="noindex, nofollow">'
    assert codes(page(html(head=head))) == {"noindex"}
    other = HEAD + '<meta name="slurp" content="noindex">'
    assert codes(page(html(head=other))) == set()


def test_decorative_images_with_empty_alt_are_fine():
    body = BODY.replace('alt="The spade standing in dug soil"', 'alt=""')
    assert codes(page(html(body=body))) == set()


def test_thin_content_counts_body_words_against_the_threshold():
    thin = page(html(body="<h1>Spade</h1><p>Just a few words here.</p>"))
    (f,) = findings(thin, "content-thin")
    assert f.severity is Severity.NOTICE and f.details["words"] == 6
    assert codes(thin, Thresholds(thin_content_words=5)) == set()


def test_html_lang_missing_and_empty():
    assert codes(page(html(lang=""))) == {"html-lang-missing"}
    assert codes(page(html(lang=' lang=" "'))) == {"html-lang-missing"}


def test_noindex_by_header_and_its_source_is_named():
    p = page(
        headers={"strict-transport-security": "max-age=1", "x-robots-tag": "googlebot: noindex"}
    )
    (f,) = findings(p, "noindex")
    assert "X-Robots-Tag" in f.message
    nofollow = page(headers={"strict-transport-security": "x", "x-robots-tag": "nofollow"})
    assert codes(nofollow) == {"page-nofollow"}  # not noindex


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("en", True),
        ("en-GB", True),
        ("de-at", True),
        ("zh-Hant-TW", True),
        ("es-419", True),
        ("x-default", True),
        ("en-UK", False),
        ("english", False),
        ("en_GB", False),
        ("xx", False),
        ("en-ZZ", False),
    ],
)
def test_hreflang_values(value, valid):
    alternates = (
        f'<link rel="alternate" hreflang="{value}" href="https://shop.example/x/">'
        '<link rel="alternate" hreflang="x-default" href="https://shop.example/">'
    )
    found = codes(page(html(head=HEAD + alternates)))
    assert ("hreflang-invalid" not in found) is valid


def test_hreflang_set_without_x_default():
    alternates = '<link rel="alternate" hreflang="de" href="https://shop.example/de/">'
    assert codes(page(html(head=HEAD + alternates))) == {"hreflang-x-default-missing"}


def test_json_ld_graph_and_lists():
    graph = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
        '[{"@type": "Organization", "name": "Acme", "url": "https://shop.example/", '
        '"logo": "https://shop.example/logo.png"}, {"@type": "WebSite"}]}</script>'
    )
    assert codes(page(html(head=HEAD + graph))) == set()
    untyped = '<script type="application/ld+json">[{"@context": "https://schema.org"}]</script>'
    (f,) = findings(page(html(head=HEAD + untyped)), "structured-data-invalid")
    assert "no @type" in f.message
    deep = '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
    (f,) = findings(page(html(head=HEAD + deep)), "structured-data-invalid")
    assert f.message == "JSON-LD block 2 is nested too deeply to read"  # not a crash (check-error)


@pytest.mark.parametrize(
    ("status", "code"), [(404, "http-4xx"), (410, "http-4xx"), (503, "http-5xx")]
)
def test_error_statuses_are_reported_but_not_their_content(status, code):
    # An error page's thin text or missing title is not a finding; its status is.
    assert codes(page(html(head="", body="Not found"), status=status)) == {code}


def test_network_failures():
    assert codes(page(error_kind=FetchErrorKind.TIMEOUT)) == {"fetch-failed"}
    assert codes(page(error_kind=FetchErrorKind.BLOCKED_ROBOTS)) == set()


def test_redirects():
    one = (RedirectHop("http://shop.example/a", 301, "https://shop.example/a"),)
    two = (*one, RedirectHop("https://shop.example/a", 301, URL))
    assert codes(page(url="http://shop.example/a", hops=one)) == set()
    (f,) = findings(page(url="http://shop.example/a", hops=two, final_url=URL), "redirect-chain")
    assert f.details["chain"] == ["http://shop.example/a", "https://shop.example/a", URL]
    loop = page(url="http://shop.example/a", hops=two, error_kind=FetchErrorKind.REDIRECT_LOOP)
    assert codes(loop) == {"redirect-loop"}
    broken = page(url="http://shop.example/a", hops=one, status=404)
    assert codes(broken) == {"redirect-broken"}


def test_slow_large_deep_and_link_heavy_pages():
    assert codes(page(response_ms=2500)) == set()  # slow during the crawl: not yet a finding
    assert codes(page(depth=7)) == {"page-deep"}
    assert codes(page(), Thresholds(max_html_bytes=100)) == {"page-too-large"}
    many = BODY + "".join(f'<a href="/p/{i}">Product number {i}</a>' for i in range(310))
    assert codes(page(html(body=many))) == {"links-too-many"}


def test_https_pages_without_hsts_and_with_insecure_images():
    assert codes(page(headers={})) == {"hsts-missing"}
    assert codes(page(url="http://shop.example/p", headers={})) == set()
    insecure = BODY.replace('src="/img/spade.jpg"', 'src="http://cdn.example/spade.jpg"')
    assert codes(page(html(body=insecure))) == {"mixed-content"}


def test_non_html_resources_get_no_html_checks():
    pdf = page("%PDF-1.4", content_type="application/pdf")
    assert codes(pdf) == set()


def test_a_crashing_check_becomes_a_check_error_finding(monkeypatch):
    from seolog.checks import registry
    from seolog.checks.runner import run_page_checks

    spec = registry.REGISTRY["title-missing"]

    def boom(p, t):
        raise RuntimeError("kaboom")

    monkeypatch.setitem(
        registry.REGISTRY, "title-missing", spec.__class__(**{**spec.__dict__, "func": boom})
    )
    found = run_page_checks(page(), Thresholds())
    assert [(f.code, f.details["check"]) for f in found] == [("check-error", "title-missing")]


def test_heading_levels_may_climb_back_up_and_forms_on_https_are_fine():
    body = BODY.replace("<p>", "<h3>Steel</h3><h2>Handles</h2><p>", 1)
    body += '<form action="/login"><input type="password"></form>'
    assert codes(page(html(body=body))) == set()
    insecure_login = page(html(body=body), url="http://shop.example/login", headers={})
    assert codes(insecure_login) == {"form-insecure"}


SIDEBAR = (
    '<div class="sphinxsidebar" role="navigation"><h3>Navigation</h3>'
    '<h4>Previous topic</h4><p><a href="/prev.html">Errors</a></p></div>'
)


@pytest.mark.parametrize(
    "wrap",
    [
        "<main>{}</main>" + SIDEBAR,
        '<main role="main">{}</main>' + SIDEBAR,  # matched by two selectors: still one main
        '<div class="body" role="main">{}</div>' + SIDEBAR,
        "<article>{}</article>" + SIDEBAR,
        "{}<aside><h4>Related</h4><p>More spades.</p></aside>",
        "<nav><h5>Menu</h5></nav>{}<footer><h6>Legal</h6></footer>",
        # Plain <div>s named as template, as the PostgreSQL manual's navigation is.
        '<div class="navheader"><table><tr><th>Chapter 9. Functions</th></tr><tr><td>'
        '<a href="/prev.html">Prev</a> <a href="/up.html">Up</a></td></tr></table></div>{}'
        '<div class="navfooter"><a href="/index.html">Home</a></div>',
        '<div id="site-menu"><h5>Menu</h5><ul><li>Spades</li></ul></div>{}',
    ],
)
def test_headings_and_words_are_read_from_the_main_content(wrap):
    """The Python docs' sidebar <h4>s after the article's <h1> made 217 false heading-order
    findings; the template's headings are not the page's outline."""
    p = page(html(body=wrap.format(BODY)))
    assert codes(p) == set()
    assert p.snapshot is not None and p.snapshot.heading_levels == [1, 2]
    assert p.snapshot.word_count == page().snapshot.word_count  # the sidebar's words do not count
    template = ("<aside>", "<nav>", 'class="nav', 'id="site-menu"')
    assert p.snapshot.main_content != "body" or any(t in wrap for t in template)


def test_a_block_named_header_that_holds_the_h1_is_content():
    """Bootstrap's <div class="page-header"> is where the title is: not template."""
    body = BODY.replace("<h1>Forged steel garden spade</h1>", "")
    p = page(html(body='<div class="page-header"><h1>Forged steel garden spade</h1></div>' + body))
    assert codes(p) == set()
    assert p.snapshot is not None and p.snapshot.heading_levels == [1, 2]


def test_the_main_content_still_gets_heading_order_findings():
    p = page(
        html(body="<main>" + BODY.replace("<h2>", "<h4>").replace("</h2>", "</h4>") + "</main>")
    )
    assert codes(p) == {"heading-order"}


def test_an_index_lists_terms_not_generic_link_text():
    terms = "".join(
        f'<li><a href="/ref/{w}.html">{w}</a></li>'
        for w in ["break", "class", "continue", "def", "del", "elif", "else", "for", "if", "more"]
    )
    assert "link-text-generic" not in codes(page(html(body=f"<h1>Index</h1><ul>{terms}</ul>")))


def test_an_index_page_is_meant_to_be_short():
    items = "".join(
        f'<li><a href="/ref/{i}.html">Chapter {i} reference</a></li>' for i in range(12)
    )
    index = page(html(body=f"<h1>Index</h1><ul>{items}</ul>"))
    assert "content-thin" not in codes(index)
    few = page(html(body="<h1>Spade</h1><p>Only a few words and <a href='/x'>one link</a>.</p>"))
    assert "content-thin" in codes(few)


def test_nested_template_blocks_are_removed_once():
    nested = "<header><nav><h4>Menu</h4><aside><h5>Tip</h5></aside></nav></header>"
    p = page(html(body=nested + BODY + "<footer><nav><h6>Links</h6></nav></footer>"))
    assert codes(p) == set() and p.snapshot is not None
    assert p.snapshot.heading_levels == [1, 2] and p.snapshot.main_content == "body"
