"""The Lighthouse sample: one page per template (path pattern + DOM shape), chosen and ordered
deterministically, the home page first."""

from __future__ import annotations

import pytest

from seolog.lab.sample import PageShape, path_pattern, sample_pages

pytestmark = pytest.mark.store_agnostic

SITE = "https://shop.example"
ARTICLE = "h1:1 p:12 img:2"  # DOM shapes as a caller might sign them
LISTING = "h1:1 li:30"
STATIC = "h1:1 p:3"


def page(path: str, depth: int | None = 1, shape: str = ARTICLE) -> PageShape:
    return PageShape(SITE + path, depth, shape)


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("/", "/"),
        ("", "/"),
        ("/index.html", "/"),
        ("/?utm_source=x", "/"),
        ("/blog/2024/05/my-post", "/blog/{n}/{n}/{slug}"),
        ("/blog/2024/05/my-post/", "/blog/{n}/{n}/{slug}"),  # a trailing slash changes nothing
        ("/blog/2024/05/my-post?page=2", "/blog/{n}/{n}/{slug}"),  # nor does the query
        ("/news/2024-05-31/launch", "/news/{date}/launch"),
        ("/archive/2024-05", "/archive/{date}"),
        ("/p/12345", "/p/{n}"),
        ("/p/12345.html", "/p/{n}.html"),
        ("/blog/my-post.html", "/blog/{slug}.html"),
        ("/u/550e8400-e29b-41d4-a716-446655440000/settings", "/u/{uuid}/settings"),
        ("/c/5f2b9c3e1a/edit", "/c/{hex}/edit"),
        ("/c/DEADBEEF42", "/c/{hex}"),
        ("/deadbeef", "/deadbeef"),  # hex letters only: a word, not an id
        ("/products/red_shoes", "/products/{slug}"),
        ("/t/abcdefghijklmnopqrstuvwxyz", "/t/{slug}"),  # long: an id, not a route
        ("/blog/caf%C3%A9-au-lait", "/blog/{slug}"),
        ("/about", "/about"),  # short fixed segments stay
        ("/docs/v2/install", "/docs/v2/install"),
        ("/garden-tools/spades", "/garden-tools/spades"),  # slugs are generalised only last
    ],
)
def test_path_pattern(path: str, pattern: str) -> None:
    assert path_pattern(SITE + path) == pattern


def test_one_page_per_template_the_shallowest() -> None:
    pages = [
        page("/blog/2024/05/deep-post", depth=4),
        page("/blog/2024/04/a-shallow-post", depth=2),
        page("/blog/2023/01/another-post", depth=3),
    ]
    assert sample_pages(pages, None) == [SITE + "/blog/2024/04/a-shallow-post"]


def test_ties_go_to_the_shortest_url_then_alphabetical() -> None:
    pages = [
        page("/blog/2024/05/bbbb-post", depth=2),
        page("/blog/2024/05/a-long-post", depth=2),
        page("/blog/2024/05/aaaa-post", depth=2),
    ]
    assert sample_pages(pages, None) == [SITE + "/blog/2024/05/aaaa-post"]
    assert sample_pages(list(reversed(pages)), None) == [SITE + "/blog/2024/05/aaaa-post"]


def test_sitemap_only_pages_count_as_deepest() -> None:
    pages = [page("/p/1", depth=None), page("/p/22", depth=5)]
    assert sample_pages(pages, None) == [SITE + "/p/22"]


def test_the_dom_shape_separates_pages_at_the_same_level() -> None:
    """/about and /contact share the pattern /{*}; a listing at the same level differs in shape."""
    pages = [
        page("/about", shape=STATIC),
        page("/contact", shape=STATIC),
        page("/spades", shape=LISTING),
    ]
    assert sample_pages(pages, None) == [SITE + "/about", SITE + "/spades"]


def test_the_path_separates_pages_of_the_same_shape() -> None:
    pages = [page("/blog/2024/05/my-post"), page("/guides/my-guide")]
    assert sorted(sample_pages(pages, None)) == [
        SITE + "/blog/2024/05/my-post",
        SITE + "/guides/my-guide",
    ]


def test_home_first_then_templates_by_size_ties_by_url() -> None:
    pages = [
        *(page(f"/p/{i}", depth=2, shape=LISTING) for i in range(10, 13)),  # 3 products
        *(page(f"/blog/post-{i}", depth=2) for i in range(5)),  # 5 posts
        page("/", depth=0, shape="home"),
        page("/zebra", shape=STATIC),  # two templates of 1 page: ordered by URL
        page("/help/faq", shape=STATIC),
    ]
    assert sample_pages(pages, None) == [
        SITE + "/",
        SITE + "/blog/post-0",
        SITE + "/p/10",
        SITE + "/help/faq",
        SITE + "/zebra",
    ]


def test_the_home_page_is_its_own_template() -> None:
    """The home page shares no template with /about, even with the same shape."""
    pages = [page("/about", depth=1, shape=STATIC), page("/", depth=0, shape=STATIC)]
    assert sample_pages(pages, None) == [SITE + "/", SITE + "/about"]


def test_limit_caps_the_count_and_keeps_the_home_page() -> None:
    pages = [
        *(page(f"/p/{i}", shape=LISTING) for i in range(4)),
        *(page(f"/blog/post-{i}") for i in range(2)),
        page("/", depth=0, shape="home"),
    ]
    assert sample_pages(pages, 2) == [SITE + "/", SITE + "/p/0"]
    assert sample_pages(pages, 0) == []
    assert sample_pages(pages, 99) == sample_pages(pages, None)
    with pytest.raises(ValueError):
        sample_pages(pages, -1)


def test_a_url_listed_twice_counts_once() -> None:
    pages = [
        *(page("/blog/post-1") for _ in range(5)),  # one page, five times
        page("/p/1", shape=LISTING),
        page("/p/2", shape=LISTING),
    ]
    assert sample_pages(pages, None) == [SITE + "/p/1", SITE + "/blog/post-1"]


def test_the_order_of_the_input_does_not_matter() -> None:
    pages = [
        page("/", depth=0, shape="home"),
        *(page(f"/blog/2024/0{i}/post-{i}", depth=i) for i in range(1, 6)),
        *(page(f"/p/{i}", depth=2, shape=LISTING) for i in range(5)),
        page("/about", shape=STATIC),
    ]
    assert sample_pages(pages, None) == sample_pages(list(reversed(pages)), None)


def test_no_pages_no_sample() -> None:
    assert sample_pages([], None) == []
