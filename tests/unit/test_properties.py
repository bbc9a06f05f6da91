"""Property-based tests (Hypothesis): the URL normaliser and the parsers hold their promises on
inputs nobody thought to write down."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seolog.checks.international import hreflang_problem
from seolog.checks.markup import json_ld_problem
from seolog.parse.extract import decode_body, extract_page
from seolog.urls import normalize_url, resolve_url
from seolog.worklog.parse import format_minutes, parse_duration

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

hosts = st.from_regex(
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?(\.[A-Za-z]{2,6}){1,2}", fullmatch=True
)
paths = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8), max_size=5
)
urls = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(path)}{'?' + query if query else ''}"
        f"{'#' + fragment if fragment else ''}"
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    hosts,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    paths,
    st.text(max_size=12),
    st.text(max_size=6),
)


@given(urls)
@settings(max_examples=300, deadline=None)  # no wall-clock limit: CI may be busy
def test_normalising_is_idempotent_and_canonical(url):
    once = normalize_url(url)
    if once is None:
        return
    assert normalize_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme in ("http", "https") and parts.scheme == parts.scheme.lower()
    assert parts.netloc == parts.netloc.lower() and not parts.fragment
    default = {"http": ":80", "https": ":443"}[parts.scheme]
    assert not parts.netloc.endswith(default)  # default ports are dropped


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)  # no wall-clock limit: CI may be busy
def test_resolving_any_href_never_raises(href):
    resolved = resolve_url("https://www.example.com/dir/page.html", href)
    assert resolved is None or normalize_url(resolved) == resolved


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_extracting_any_text_never_raises(text):
    snap = extract_page(
        text, "https://www.example.com/", lambda u: u.startswith("https://www.example.com/")
    )
    assert snap.word_count >= 0


@given(
    st.binary(max_size=300),
    st.sampled_from(["", "text/html", "text/html; charset=klingon", "text/html; charset=utf-16"]),
)
def test_decoding_any_bytes_never_raises(body, content_type):
    assert isinstance(decode_body(body, content_type), str)


@given(st.integers(min_value=1, max_value=24 * 60))
def test_durations_round_trip(minutes):
    assert parse_duration(format_minutes(minutes)) == minutes


@given(st.text(max_size=30))
def test_hreflang_and_json_ld_checks_never_raise(text):
    problem = hreflang_problem(text)
    assert problem is None or isinstance(problem, str)
    assert json_ld_problem(text) is None or isinstance(json_ld_problem(text), str)


@given(st.text(alphabet="abcXYZ019._~!$&'()*+,;=:@/-%?#é ", max_size=30))
@settings(max_examples=500, deadline=None)
def test_the_fast_path_for_root_relative_links_agrees_with_the_full_resolver(tail):
    from seolog.parse.extract import LinkResolver

    href = "/" + tail
    base = "https://www.example.com/dir/page.html"
    assert LinkResolver(base)(href) == resolve_url(base, href)


@given(
    st.text(alphabet="abcXYZ019._~!$&'()*+,;=:@/-%?#é ", max_size=30),
    st.sampled_from(
        [
            "https://www.example.com/dir/page.html",
            "https://www.example.com/a/b/",
            "https://www.example.com/a/b?q=1",
            "https://www.example.com/",
            "https://www.example.com/a//b/c",  # urljoin drops the empty segment
            "https://www.example.com/a;p/b",
        ]
    ),
)
@settings(max_examples=1000, deadline=None)
def test_the_fast_path_for_relative_links_agrees_with_the_full_resolver(href, base):
    from seolog.parse.extract import LinkResolver

    assert LinkResolver(base)(href) == resolve_url(base, href)
