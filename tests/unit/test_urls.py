"""URL normalisation: every stored and compared URL goes through it."""

from __future__ import annotations

import pytest

from seolog.urls import normalize_url, resolve_url

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#frag", "https://example.com/a"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/%7euser/%2f", "https://example.com/~user/%2F"),
        ("https://example.com/a b/é", "https://example.com/a%20b/%C3%A9"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/?b=2&a=1", "https://example.com/?b=2&a=1"),
        ("https://EXAMPLE.com./x", "https://example.com/x"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_normalize(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://example.com/",
        "mailto:a@b.c",
        "http://",
        "http://[::1",
        "not a url",
        "http://exa mple.com/spades",  # a host with a space: no browser fetches it
        "http://ex%zzample.com/",
        "http://a<b.example/",
    ],
)
def test_normalize_rejects(raw):
    assert normalize_url(raw) is None


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("https://e.com/a/b.html", "c.html", "https://e.com/a/c.html"),
        ("https://e.com/a/b.html", "../c", "https://e.com/c"),
        ("https://e.com/a/", "//cdn.e.com/x", "https://cdn.e.com/x"),
        ("https://e.com/a/", "?q=1", "https://e.com/a/?q=1"),
        ("https://e.com/a/", "#top", None),
        ("https://e.com/a/", "javascript:void(0)", None),
        ("https://e.com/a/", "tel:123", None),
    ],
)
def test_resolve(base, href, expected):
    assert resolve_url(base, href) == expected
