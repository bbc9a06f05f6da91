"""Pure URL helpers: the one normalisation every stored and compared URL goes through."""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 section 2.3: percent-encoded unreserved characters are equivalent to the literal ones.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "%/:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
# Cache sized for the distinct links of a big site; nav links repeat on every page.
_CACHE_SIZE = 1 << 16


def _fix_percent(part: str, safe: str) -> str:
    part = _STRAY_PERCENT.sub("%25", part)

    def repl(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    if "%" in part:
        part = _PERCENT.sub(repl, part)
    return quote(part, safe=safe)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for seg in segments[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


# WHATWG URL standard: code points a host may never contain (a space, "%", "<" …). A URL with
# one is not a URL a browser or a crawler would fetch ("http://exa mple.com/").
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/<>?@\\^|\x7f]")


def _normalise_host(host: str) -> str | None:
    host = host.rstrip(".").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if not host.isascii() or _FORBIDDEN_HOST.search(host):
        return None
    return host


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_url(url: str) -> str | None:
    """Return the canonical form of an http(s) URL, or None when it is not one.

    Two spellings of the same resource must dedupe to one page: scheme and host case, default
    ports, empty paths, dot segments, fragments and percent-encoding are all made uniform.
    The query keeps its order, because reordering parameters can change what a server returns.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = _normalise_host(parts.hostname)
    if not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _remove_dot_segments(_fix_percent(parts.path or "/", _PATH_SAFE))
    query = _fix_percent(parts.query, _QUERY_SAFE) if parts.query else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def join_folder(origin: str, folder: str, path: str) -> str:
    """origin + folder + a relative path made only of plain characters, dot segments removed:
    what `resolve_url` returns for such a path against a normalised base in that folder, at a
    fraction of urljoin's cost (relative links are most of a documentation site's links, and
    each page has its own base, so a cache barely helps)."""
    return origin + _remove_dot_segments(folder + path)


@lru_cache(maxsize=_CACHE_SIZE)
def resolve_url(base: str, href: str) -> str | None:
    """Resolve a link or Location value against the URL it appeared on, then normalise it."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        joined = urljoin(base, href)
    except ValueError:
        return None
    return normalize_url(joined)


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased (schemes and hosts are case-insensitive), so
    origins compare equal however a page wrote them."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def path_of(url: str) -> str:
    """The path and query of a URL: where the same page sits on another host (staging, a review
    app, a folder scan's made-up host)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def host_of(url: str) -> str:
    return urlsplit(url).netloc


def root_url(url: str) -> str:
    """The site root a URL belongs to: its origin with a trailing slash."""
    return origin_of(url) + "/"


Origin = tuple[str, str, int]  # (scheme, host, port): the port always explicit


def origin_key(url: str) -> Origin | None:
    """An http(s) URL's origin with the default port filled in, so `https://a.example` and
    `https://A.example:443/x` compare equal; None for anything else (no credentials for it)."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # a port that is no number, a bracket left open
        return None
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if not host.isascii():  # bücher.de as the crawl writes it: xn--bcher-kva.de
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def origin_text(origin: Origin) -> str:
    """scheme://host[:port], the port only when it is not the scheme's default."""
    scheme, host, port = origin
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")
