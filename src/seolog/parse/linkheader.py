"""The HTTP `Link:` header (RFC 8288): where a server states a page's canonical and its language
alternates without touching the HTML (and the only place a PDF can state them).

Google reads `rel="canonical"` and `rel="alternate"; hreflang="…"` from it exactly as from
`<link>` tags, so the extractor merges them into the page's snapshot with their origin noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Preload lists can be long and the canonical may come last; a response header is at most a few
# tens of KB anyway (the HTTP client refuses larger), so this only bounds the work.
_MAX_LINKS = 1000


@dataclass(frozen=True, slots=True)
class HeaderLink:
    target: str  # as written between < and >
    rels: frozenset[str]  # lowercased
    params: dict[str, str] = field(default_factory=dict)  # other parameters, names lowercased


def _split(value: str, sep: str) -> list[str]:
    """Split on `sep` outside <…> and "…" (a URL or a quoted title may hold commas)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = bracketed = escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"' and not bracketed:
            quoted = not quoted
        elif ch == "<" and not quoted:
            bracketed = True
        elif ch == ">" and not quoted:
            bracketed = False
        elif ch == sep and not quoted and not bracketed:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def parse_link_header(value: str) -> list[HeaderLink]:
    """Every link in a Link header; a malformed entry (no <target>) is skipped, not fatal."""
    links = []
    for entry in _split(value, ",")[:_MAX_LINKS]:
        entry = entry.strip()
        if not entry.startswith("<") or ">" not in entry:
            continue
        target, _, rest = entry[1:].partition(">")
        params: dict[str, str] = {}
        for param in _split(rest, ";"):
            name, eq, raw = param.partition("=")
            name = name.strip().lower()
            if not name:
                continue
            raw = raw.strip()
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                raw = raw[1:-1].replace('\\"', '"')
            params.setdefault(name, raw if eq else "")
        rels = frozenset(params.pop("rel", "").lower().split())
        links.append(HeaderLink(target.strip(), rels, params))
    return links
