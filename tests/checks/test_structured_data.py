"""Structured data against Google's rich-result requirements, in JSON-LD, microdata and RDFa:
`structured-data-missing-required` and `structured-data-missing-recommended`, on real HTML through
the real extractor. The healthy page (a complete Product) has no finding at all."""

from __future__ import annotations

import json
import re

import pytest

from seolog.checks.richresults import RULES
from seolog.domain import Severity, StructuredItem
from tests.checks.pages import BODY, HEAD, codes, findings, html, page

pytestmark = pytest.mark.store_agnostic

REQUIRED = "structured-data-missing-required"
RECOMMENDED = "structured-data-missing-recommended"
# The healthy page without its JSON-LD Product: each test brings its own markup.
BARE_HEAD = re.sub(r'<script type="application/ld\+json">.*?</script>', "", HEAD)


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def with_ld(*blocks: object):
    return page(html(head=BARE_HEAD + "".join(ld(b) for b in blocks)))


def with_body(markup: str):
    return page(html(head=BARE_HEAD, body=BODY + markup))


def crumb(position: int | None, name: str | None, item: str | None) -> dict:
    c: dict = {"@type": "ListItem"}
    if position is not None:
        c["position"] = position
    if name is not None:
        c["name"] = name
    if item is not None:
        c["item"] = item
    return c


def breadcrumbs(*crumbs: dict) -> dict:
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": crumbs}


FULL_ORG = {
    "@context": "https://schema.org",
    "@type": "Organization",
    "name": "Acme",
    "url": "https://shop.example/",
    "logo": "https://shop.example/logo.png",
}

MICRODATA_CRUMBS = (
    '<ol itemscope itemtype="https://schema.org/BreadcrumbList">'
    '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
    '<a itemprop="item" href="/tools/"><span itemprop="name">Tools</span></a>'
    '<meta itemprop="position" content="1"></li>'
    '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
    '<span itemprop="name">Spades</span><meta itemprop="position" content="2"></li></ol>'
)
RDFA_CRUMBS = (
    '<ol vocab="https://schema.org/" typeof="BreadcrumbList">'
    '<li property="itemListElement" typeof="ListItem">'
    '<a property="item" typeof="WebPage" href="/tools/"><span property="name">Tools</span></a>'
    '<meta property="position" content="1"></li>'
    '<li property="itemListElement" typeof="ListItem">'
    '<span property="name">Spades</span><meta property="position" content="2"></li></ol>'
)
MICRODATA_ORG = (
    '<div itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Acme</span>'
    '<a itemprop="url" href="/">Home</a><img itemprop="logo" src="/logo.png" alt="Acme"></div>'
)
RDFA_ORG = (
    '<div vocab="https://schema.org/" typeof="Organization"><span property="name">Acme</span>'
    '<a property="url" href="/">Home</a><img property="logo" src="/logo.png" alt="Acme"></div>'
)


@pytest.mark.parametrize(
    "p",
    [
        pytest.param(page(), id="json-ld product"),
        pytest.param(with_ld(breadcrumbs(crumb(1, "Tools", "/tools/"), crumb(2, "Spades", None))),
                     id="json-ld breadcrumbs"),
        pytest.param(with_ld(FULL_ORG), id="json-ld organization"),
        pytest.param(with_body(MICRODATA_CRUMBS + MICRODATA_ORG), id="microdata"),
        pytest.param(with_body(RDFA_CRUMBS + RDFA_ORG), id="rdfa"),
    ],
)  # fmt: skip
def test_complete_items_have_no_finding(p):
    assert codes(p) == set()
    assert p.snapshot is not None and p.snapshot.structured  # read, judged, and found complete


@pytest.mark.parametrize(
    ("p", "syntax", "where"),
    [
        pytest.param(with_ld(breadcrumbs(crumb(None, "Tools", "/tools/"), crumb(2, "Spades", None))),
                     "json-ld", "JSON-LD block 1", id="json-ld"),
        pytest.param(with_body(MICRODATA_CRUMBS.replace('<meta itemprop="position" content="1">', "")),
                     "microdata", "microdata item 1", id="microdata"),
        pytest.param(with_body(RDFA_CRUMBS.replace('<meta property="position" content="1">', "")),
                     "rdfa", "RDFa item 1", id="rdfa"),
    ],
)  # fmt: skip
def test_a_missing_required_property_is_an_error_in_every_syntax(p, syntax, where):
    assert codes(p) == {REQUIRED}
    (f,) = findings(p, REQUIRED)
    assert f.severity is Severity.ERROR
    assert f.message == (
        f'ListItem "Tools" in BreadcrumbList is missing required property position ({where})'
    )
    assert f.details == {
        "count": 1,
        "missing": [
            {
                "type": "ListItem",
                "property": "position",
                "properties": ["position"],
                "syntax": syntax,
                "where": where,
                "path": "BreadcrumbList.itemListElement → ListItem",
                "docs": "https://developers.google.com/search/docs/appearance/structured-data/breadcrumb",
            }
        ],
    }


@pytest.mark.parametrize(
    ("p", "where"),
    [
        pytest.param(with_ld({**FULL_ORG, "logo": ""}), "JSON-LD block 1", id="json-ld"),
        pytest.param(with_body(MICRODATA_ORG.replace('itemprop="logo" ', "")),
                     "microdata item 1", id="microdata"),
        pytest.param(with_body(RDFA_ORG.replace('property="logo" ', "")), "RDFa item 1", id="rdfa"),
    ],
)  # fmt: skip
def test_a_missing_recommended_property_is_a_notice_in_every_syntax(p, where):
    assert codes(p) == {RECOMMENDED}
    (f,) = findings(p, RECOMMENDED)
    assert f.severity is Severity.NOTICE
    assert f.message == f'Organization "Acme" is missing recommended property logo ({where})'


def test_google_needs_a_product_to_have_offers_a_review_or_a_rating():
    bare = {"@context": "https://schema.org", "@type": "Product", "name": "Garden spade"}
    p = with_ld(bare)
    (f,) = findings(p, REQUIRED)
    assert f.message == (
        'Product "Garden spade" is missing required property offers, review or aggregateRating '
        "(JSON-LD block 1)"
    )
    assert f.details["missing"][0]["properties"] == ["offers", "review", "aggregateRating"]
    rated = {**bare, "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.6",
                                         "reviewCount": "31", "bestRating": "5", "worstRating": "1"}}  # fmt: skip
    assert REQUIRED not in codes(with_ld(rated))  # a rating is enough; no itemReviewed nested


def test_a_nested_offer_without_a_price_is_named_with_its_product():
    product = json.loads(re.search(r"ld\+json\">(.*?)</script>", HEAD).group(1))  # type: ignore[union-attr]
    del product["offers"]["price"]
    p = with_ld(product)
    assert codes(p) == {REQUIRED}
    (f,) = findings(p, REQUIRED)
    assert f.message == (
        'Offer in Product "Garden spade" is missing required property price or '
        "priceSpecification.price (JSON-LD block 1)"
    )
    assert f.details["missing"][0]["path"] == "Product.offers → Offer"
    # A price in a PriceSpecification counts.
    product["offers"]["priceSpecification"] = {"@type": "PriceSpecification", "price": "39"}
    assert codes(with_ld(product)) == set()


def test_a_graph_is_flattened_and_its_references_followed():
    """Yoast and Rank Math write one @graph whose nodes refer to each other by @id: the Offer is
    judged once, as the Product's, and the Review needs no itemReviewed (the Product is it)."""
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "#page", "mainEntity": {"@id": "#product"}},
            {"@type": "Product", "@id": "#product", "name": "Garden spade",
             "offers": {"@id": "#offer"}, "review": {"@id": "#review"}},
            {"@type": "Offer", "@id": "#offer", "priceCurrency": "EUR"},
            {"@type": "Review", "@id": "#review", "author": {"@type": "Person", "name": "Jo"},
             "reviewRating": {"@type": "Rating", "ratingValue": "5"}},
        ],
    }  # fmt: skip
    p = with_ld(graph)
    (f,) = findings(p, REQUIRED)
    assert [(m["type"], m["property"]) for m in f.details["missing"]] == [
        ("Offer", "price or priceSpecification.price")
    ]
    assert 'Offer in Product "Garden spade"' in f.message
    assert p.snapshot is not None
    assert [item.types for item in p.snapshot.structured] == [["WebPage"]]  # the rest is nested


def test_a_standalone_review_names_what_it_reviews():
    review = {"@context": "https://schema.org", "@type": "Review",
              "author": {"@type": "Person", "name": "Jo"},
              "reviewRating": {"@type": "Rating", "ratingValue": "5"}}  # fmt: skip
    (f,) = findings(with_ld(review), REQUIRED)
    assert [m["property"] for m in f.details["missing"]] == ["itemReviewed"]
    # The reviewed thing is not judged as a Product of its own: the Review asks for its name.
    named = {**review, "itemReviewed": {"@type": "Product"}}
    (f,) = findings(with_ld(named), REQUIRED)
    assert [m["property"] for m in f.details["missing"]] == ["itemReviewed.name"]
    reviewed = {**review, "itemReviewed": {"@type": "Product", "name": "Garden spade"}}
    assert REQUIRED not in codes(with_ld(reviewed))


def test_a_type_array_is_judged_by_each_known_type():
    shop = {"@context": "https://schema.org", "@type": ["Store", "Thing"], "name": "Acme",
            "url": "https://shop.example/", "telephone": "+31 20 123", "geo": "52.3,4.9",
            "openingHours": "Mo-Sa 09:00-18:00", "priceRange": "€€"}  # fmt: skip
    p = with_ld(shop)
    assert codes(p) == {REQUIRED}  # a Store is a LocalBusiness: it needs an address
    (f,) = findings(p, REQUIRED)
    assert f.message == 'Store "Acme" is missing required property address (JSON-LD block 1)'


@pytest.mark.parametrize(
    "data",
    [
        {"@context": "https://schema.org", "@type": "Person", "name": "Jo"},
        {"@context": "https://schema.org", "@type": "WebSite"},
        {"@context": "https://schema.org", "@type": "https://example.org/vocab/Product"},
        # A ListItem outside a BreadcrumbList (a carousel's ItemList) follows other rules.
        {"@context": "https://schema.org", "@type": "ItemList",
         "itemListElement": [{"@type": "ListItem", "url": "https://shop.example/a"}]},
        # An Offer outside a Product (here a Thing's; an Event's too) is no product snippet's.
        {"@context": "https://schema.org", "@type": "Thing",
         "offers": {"@type": "Offer", "url": "https://shop.example/tickets"}},
        # An organization as someone's seller is not the site's own Organization.
        {"@context": "https://schema.org", "@type": "Thing",
         "seller": {"@type": "Organization", "name": "Acme"}},
    ],
)  # fmt: skip
def test_types_and_places_the_table_does_not_judge(data):
    assert codes(with_ld(data)) == set()


def test_microdata_on_a_page_without_json_ld():
    event = (
        '<div itemscope itemtype="https://schema.org/MusicEvent">'
        '<h2 itemprop="name">Spade sharpening night</h2>'
        '<time itemprop="startDate" datetime="2026-12-04T19:00">4 December</time></div>'
    )
    p = with_body(event)
    assert p.snapshot is not None and p.snapshot.json_ld == []
    (f,) = findings(p, REQUIRED)
    assert f.message == (
        'MusicEvent "Spade sharpening night" is missing required property location '
        "(microdata item 1)"
    )
    assert f.details["missing"][0]["syntax"] == "microdata"
    (n,) = findings(p, RECOMMENDED)
    assert n.details["count"] == 8  # description, endDate, … performer
    assert n.message.endswith("(microdata item 1); 3 more not named here")


def test_the_last_breadcrumb_needs_no_link_but_the_others_do():
    fine = breadcrumbs(crumb(1, "Tools", "/tools/"), crumb(2, "Spades", None))
    assert codes(with_ld(fine)) == set()
    unlinked = breadcrumbs(crumb(1, "Tools", None), crumb(2, "Spades", None))
    (f,) = findings(with_ld(unlinked), REQUIRED)
    assert f.message == (
        'ListItem "Tools" in BreadcrumbList is missing required property item (JSON-LD block 1)'
    )
    # Written out of order, the last crumb is still the one with the highest position.
    shuffled = breadcrumbs(crumb(2, "Spades", None), crumb(1, "Tools", "/tools/"))
    assert codes(with_ld(shuffled)) == set()


def test_faq_questions_need_an_answer_with_text():
    faq = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [
        {"@type": "Question", "name": "Is the handle ash?",
         "acceptedAnswer": {"@type": "Answer", "text": "Yes."}},
        {"@type": "Question", "name": "Does it rust?", "acceptedAnswer": {"@type": "Answer"}},
    ]}  # fmt: skip
    (f,) = findings(with_ld(faq), REQUIRED)
    assert f.message == (
        'Question "Does it rust?" in FAQPage is missing required property acceptedAnswer.text '
        "(JSON-LD block 1)"
    )
    assert "government and health" in f.details["missing"][0]["note"]


def test_many_misses_make_one_finding_per_code_with_every_property_in_the_details():
    thin = [
        {"@context": "https://schema.org", "@type": "JobPosting", "title": "Smith"},
        {"@context": "https://schema.org", "@type": "Event", "name": "Fair"},
        {"@context": "https://schema.org", "@type": "Recipe", "name": "Pie"},
    ]
    p = with_ld(*thin)
    assert codes(p) == {REQUIRED, RECOMMENDED}
    (f,) = findings(p, REQUIRED)
    assert f.details["count"] == 4 + 2 + 1 == len(f.details["missing"])
    assert f.message == (
        'JobPosting "Smith" is missing required properties description, datePosted, '
        "hiringOrganization and (jobLocation or applicantLocationRequirements) "
        '(JSON-LD block 1); Event "Fair" is missing required properties startDate, … '
        "(JSON-LD block 2); 2 more not named here"
    )
    assert {m["where"] for m in f.details["missing"]} == {f"JSON-LD block {i}" for i in (1, 2, 3)}


def test_json_ld_without_context_is_invalid_not_judged():
    bare = {"@type": "Product", "name": "Garden spade"}
    assert codes(with_ld(bare)) == {"structured-data-invalid"}


def test_empty_values_do_not_count_as_present():
    blank = {**FULL_ORG, "url": " ", "logo": None}
    (f,) = findings(with_ld(blank), RECOMMENDED)
    assert [m["property"] for m in f.details["missing"]] == ["url", "logo"]


def test_readers_agree_on_one_shape():
    """The same Product in the three syntaxes reads as the same item."""
    product_ld = ld({"@context": "https://schema.org", "@type": "Product", "name": "Spade",
                     "image": "https://shop.example/img/s.jpg",
                     "offers": {"@type": "Offer", "price": "39", "priceCurrency": "EUR"}})  # fmt: skip
    microdata = (
        '<div itemscope itemtype="http://schema.org/Product"><h2 itemprop="name">Spade</h2>'
        '<img itemprop="image" src="/img/s.jpg" alt="">'
        '<div itemprop="offers" itemscope itemtype="http://schema.org/Offer">'
        '<span itemprop="price" content="39">€39</span>'
        '<meta itemprop="priceCurrency" content="EUR"></div></div>'
    )
    rdfa = (
        '<div prefix="s: http://schema.org/" typeof="s:Product"><h2 property="s:name">Spade</h2>'
        '<img property="s:image" src="/img/s.jpg" alt="">'
        '<div property="s:offers" typeof="s:Offer"><span property="s:price" content="39">€39'
        '</span><meta property="s:priceCurrency" content="EUR"></div></div>'
    )
    p = page(html(head=BARE_HEAD + product_ld, body=BODY + microdata + rdfa))
    assert p.snapshot is not None

    def plain(item: StructuredItem) -> dict:
        return {
            "types": item.types,
            **{k: [plain(v) if isinstance(v, StructuredItem) else v for v in vs]
               for k, vs in item.props.items()},
        }  # fmt: skip

    read = [plain(i) for i in p.snapshot.structured]
    assert [i.syntax for i in p.snapshot.structured] == ["json-ld", "microdata", "rdfa"]
    assert (
        read[0]
        == read[1]
        == read[2]
        == {
            "types": ["Product"],
            "name": ["Spade"],
            "image": ["https://shop.example/img/s.jpg"],
            "offers": [{"types": ["Offer"], "price": ["39"], "priceCurrency": ["EUR"]}],
        }
    )


def test_itemref_and_open_graph_properties():
    """Microdata's itemref adds properties from elsewhere in the page; RDFa `property`
    attributes outside any typed item (every Open Graph tag) make no item."""
    markup = (
        '<div itemscope itemtype="https://schema.org/Organization" itemref="org-logo">'
        '<span itemprop="name">Acme</span><a itemprop="url" href="/">Acme</a></div>'
        '<p id="org-logo"><img itemprop="logo" src="/logo.png" alt="Acme"></p>'
    )
    p = with_body(markup)
    assert codes(p) == set()
    assert p.snapshot is not None and len(p.snapshot.structured) == 1
    assert page().snapshot.structured[0].syntax == "json-ld"  # type: ignore[union-attr]
    assert len(page().snapshot.structured) == 1  # type: ignore[union-attr] # og: tags make none


def test_hostile_structured_data_does_not_break_the_page():
    deep: dict = {"@type": "Thing", "name": "x"}
    for _ in range(800):
        deep = {"@type": "Thing", "about": deep}
    cyclic = {"@context": "https://schema.org", "@graph": [
        {"@type": "Product", "@id": "#a", "name": "A", "isRelatedTo": {"@id": "#b"},
         "offers": {"@type": "Offer", "price": "1"}},
        {"@type": "Product", "@id": "#b", "name": "B", "isRelatedTo": {"@id": "#a"},
         "offers": {"@type": "Offer", "price": "2"}},
    ]}  # fmt: skip
    nested_scopes = '<div itemscope itemtype="https://schema.org/Thing" itemprop="about">' * 3000
    p = page(html(head=BARE_HEAD + ld(deep) + ld(cyclic), body=BODY + nested_scopes))
    found = codes(p)
    assert "check-error" not in found and REQUIRED not in found


def test_every_dotted_need_has_its_head_as_a_need_of_its_own():
    """A missing `reviewRating` is reported once, not also as `reviewRating.ratingValue`: that
    holds only if every dotted single need's head is itself listed."""
    for rule in RULES.values():
        needs = rule.required + rule.recommended + rule.alone + rule.not_last
        singles = {need[0] for need in needs if len(need) == 1}
        for need in needs:
            if len(need) == 1 and "." in need[0]:
                assert need[0].split(".")[0] in singles, need


# --- a LocalBusiness is judged where it is the page's own item --------------------------------

COMPLETE_EVENT = {
    "@context": "https://schema.org", "@type": "MusicEvent", "name": "Spade sharpening night",
    "description": "Bring a spade.", "startDate": "2026-12-04T19:00", "endDate": "2026-12-04T22:00",
    "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    "eventStatus": "https://schema.org/EventScheduled", "image": "https://shop.example/e.jpg",
    "location": {"@type": "Place", "name": "The shed"},
    "offers": {"@type": "Offer", "url": "https://shop.example/tickets"},
    "performer": {"@type": "Person", "name": "Jo"},
}  # fmt: skip
COMPLETE_JOB = {
    "@context": "https://schema.org", "@type": "JobPosting", "title": "Smith",
    "description": "Forge spades.", "datePosted": "2026-11-01", "validThrough": "2026-12-31",
    "employmentType": "FULL_TIME", "identifier": "J-1", "directApply": "true",
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": "3000"},
    "jobLocation": {"@type": "Place", "name": "The forge"},
}  # fmt: skip
# A business named only by its name: no address, no opening hours.
RESTAURANT = {"@type": "Restaurant", "name": "The Spade Inn"}


def _product_with_seller() -> dict:
    product = json.loads(re.search(r"ld\+json\">(.*?)</script>", HEAD).group(1))  # type: ignore[union-attr]
    product["offers"]["seller"] = {"@type": "Store", "name": "Acme"}
    return product


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_product_with_seller(), id="offer seller store"),
        pytest.param({**COMPLETE_EVENT, "organizer": RESTAURANT}, id="event organizer restaurant"),
        pytest.param({**COMPLETE_JOB, "hiringOrganization": RESTAURANT},
                     id="job hiring organization restaurant"),
    ],
)  # fmt: skip
def test_a_business_as_seller_organizer_or_employer_owes_no_address(data):
    """Google asks a LocalBusiness for its address where the business is the page's item, not
    where it sells an Offer, organizes an Event or hires for a JobPosting."""
    p = with_ld(data)
    assert codes(p) == set()
    assert p.snapshot is not None and p.snapshot.structured  # read, and the parent judged


@pytest.mark.parametrize(
    ("data", "subject", "path"),
    [
        pytest.param({"@context": "https://schema.org", **RESTAURANT}, 'Restaurant "The Spade Inn"',
                     "Restaurant", id="top level"),
        pytest.param({"@context": "https://schema.org", "@type": "WebPage", "name": "Visit us",
                      "mainEntity": RESTAURANT},
                     'Restaurant "The Spade Inn" in WebPage "Visit us"',
                     "WebPage.mainEntity → Restaurant", id="a page's main entity"),
    ],
)  # fmt: skip
def test_a_business_that_is_the_pages_item_needs_its_address(data, subject, path):
    p = with_ld(data)
    (f,) = findings(p, REQUIRED)
    assert f.message == f"{subject} is missing required property address (JSON-LD block 1)"
    assert [(m["property"], m["path"]) for m in f.details["missing"]] == [("address", path)]
    assert RECOMMENDED in codes(p)  # and its url, telephone, … as the business's own


def test_an_organization_as_an_about_pages_main_entity_is_the_sites_own():
    about = {"@context": "https://schema.org", "@type": "AboutPage",
             "mainEntity": {**FULL_ORG, "logo": ""}}  # fmt: skip
    (f,) = findings(with_ld(about), RECOMMENDED)
    assert f.message == (
        'Organization "Acme" in AboutPage is missing recommended property logo (JSON-LD block 1)'
    )


# --- RDFa and microdata nested thousands of levels deep -----------------------------------------

DEEP = 2_000


def _deep_rdfa() -> str:
    """A Product whose offer sits inside 2,000 nested property elements, followed by 2,000
    sibling property elements: the prefix is declared on the deepest element, the vocab at the
    top."""
    return (
        '<div vocab="https://schema.org/" typeof="Product"><span property="name">Spade</span>'
        + '<div property="description">' * DEEP
        + '<div prefix="s: http://schema.org/" property="s:offers" typeof="s:Offer">'
        '<meta property="price" content="39"><meta property="s:priceCurrency" content="EUR">'
        "</div>" + '<span property="sku">SP</span>' * DEEP + "</div>" * (DEEP + 1)
    )


def _deep_microdata() -> str:
    return (
        '<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Spade</span>'
        + '<div itemprop="description">' * DEEP
        + '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<meta itemprop="price" content="39"><meta itemprop="priceCurrency" content="EUR">'
        "</div>" + '<span itemprop="sku">SP</span>' * DEEP + "</div>" * (DEEP + 1)
    )


@pytest.mark.parametrize(
    ("markup", "syntax"),
    [pytest.param(_deep_rdfa(), "rdfa", id="rdfa"),
     pytest.param(_deep_microdata(), "microdata", id="microdata")],
)  # fmt: skip
def test_markup_thousands_of_levels_deep_is_read_whole(markup, syntax):
    """Each property element finds its item, vocab and prefixes from what its parent had, not by
    walking to the root: a page this deep is read as a shallow one is."""
    p = with_body(markup)
    assert p.snapshot is not None
    (product,) = p.snapshot.structured
    assert (product.syntax, product.types) == (syntax, ["Product"])
    assert product.props["name"] == ["Spade"]
    assert product.props["sku"] == ["SP"] * DEEP
    descriptions = product.props["description"]
    assert len(descriptions) == DEEP and all(isinstance(d, str) for d in descriptions)
    assert descriptions[-1] == " ".join(["SP"] * DEEP)[:300]  # the innermost level's text
    (offer,) = product.props["offers"]
    assert isinstance(offer, StructuredItem)
    assert (offer.types, offer.props) == (["Offer"], {"price": ["39"], "priceCurrency": ["EUR"]})
    assert not codes(p) & {REQUIRED, "check-error"}


def test_the_nearest_rdfa_vocab_and_prefix_win():
    markup = (
        '<div vocab="https://example.org/v/" prefix="s: https://example.org/s/">'
        '<div vocab="https://schema.org/" typeof="Organization">'
        '<span property="name">Acme</span>'
        '<div prefix="s: http://schema.org/"><a property="s:url" href="/">Home</a></div>'
        '<img property="s:logo" src="/logo.png" alt="Acme"></div></div>'
    )
    p = with_body(markup)
    assert p.snapshot is not None
    (org,) = p.snapshot.structured
    assert org.types == ["Organization"]
    assert org.props == {
        "name": ["Acme"],
        "url": ["https://shop.example/"],
        "https://example.org/s/logo": ["https://shop.example/logo.png"],
    }
