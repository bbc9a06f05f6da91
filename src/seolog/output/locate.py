"""Where a finding sits in a folder scan: the file its URL was served from, and the line of the
element it is about (`<title>`, the `<img>` without alt, the `<a>` to a broken URL …).

A finding carries a URL and its details, never a line: pages are parsed into facts, not kept.
A folder scan still has the HTML on disk, so the outputs that annotate source (GitHub workflow
commands, GitLab Code Quality, SARIF) read each file once, find the tags with a regular
expression (lines are what we want, not a DOM) and look the element up by the finding's code and
details. Anything not found has no line: the finding then points at the file, never a wrong line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from seolog.urls import origin_of, resolve_url

# The tags findings can be about. A comment, a <script> body and a <style> body are always
# matched as a whole, so a tag written inside them ("<a href" in a script string) is not taken
# for one; of the other tags only those the file's findings need are matched (a page's hundreds
# of <a> cost nothing when no finding is about a link).
_ALWAYS = r"<!--.*?(?:-->|\Z)|<(script|style)\b([^>]*)>.*?(?:</\1\s*>|\Z)"
_UPPER_TAG = re.compile(r"</?[A-Z]")


@lru_cache(maxsize=64)
def _pattern(names: frozenset[str], any_case: bool) -> re.Pattern[str]:
    # Case-insensitive matching is ~6 times slower (a 29 KB page: 1.4 against 0.22 ms) and
    # upper-case tags are rare, so it is used only for a file that has one.
    tags = "|".join(sorted(names - {"script"})) or "(?!)"
    flags = re.DOTALL | (re.IGNORECASE if any_case else 0)
    return re.compile(f"{_ALWAYS}|<({tags})\\b([^>]*)>", flags)


_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_BLOCK = re.compile(r"JSON-LD block (\d+)")


class Tag:
    """A start tag: its name (lower case), 1-based line, and attributes, read only when asked
    (most tags of a page are never looked at)."""

    __slots__ = ("_attrs", "_raw", "line", "name")

    def __init__(self, name: str, line: int, raw: str) -> None:
        self.name, self.line, self._raw = name, line, raw
        self._attrs: dict[str, str] | None = None

    @property
    def attrs(self) -> dict[str, str]:
        """Names lower case; a bare attribute has ""; the first of a repeated one counts."""
        if self._attrs is None:
            attrs: dict[str, str] = {}
            for a in _ATTR.finditer(self._raw):
                value = a.group(2) or ""
                if value[:1] in ("'", '"'):
                    value = value[1:-1]
                attrs.setdefault(a.group(1).lower(), _unescape(value))
            self._attrs = attrs
        return self._attrs


@dataclass
class HtmlIndex:
    """The tags of one HTML file that findings can be about, in document order."""

    tags: list[Tag] = field(default_factory=list)
    base: str | None = None  # the first <base href>, raw

    def all(self, *names: str) -> list[Tag]:
        return [t for t in self.tags if t.name in names]

    def first(self, *names: str) -> int | None:
        found = self.all(*names)
        return found[0].line if found else None

    def nth(self, found: list[Tag], n: int) -> int | None:
        """The line of the n-th tag (0-based), else of the first, else None."""
        if not found:
            return None
        return found[n].line if n < len(found) else found[0].line


def index_html(text: str, names: frozenset[str] | None = None) -> HtmlIndex:
    """One pass over the file: the tags named (all that findings can be about by default),
    each with its line."""
    pattern = _pattern(names or ALL_TAGS, bool(_UPPER_TAG.search(text)))
    index = HtmlIndex()
    line, counted = 1, 0
    for m in pattern.finditer(text):
        if m.group(1):  # <script> or <style>: only JSON-LD scripts can be a finding's element
            name, raw = m.group(1), m.group(2)
        elif m.group(3):
            name, raw = m.group(3), m.group(4)
        else:
            continue  # a comment
        line += text.count("\n", counted, m.start())
        counted = m.start()
        tag = Tag(name.lower(), line, raw or "")
        index.tags.append(tag)
        if tag.name == "base" and index.base is None and "href" in tag.attrs:
            index.base = tag.attrs["href"]
    return index


def _unescape(value: str) -> str:
    if "&" not in value:
        return value
    from html import unescape

    return unescape(value)


def _rels(tag: Tag) -> set[str]:
    return set(tag.attrs.get("rel", "").lower().split())


def _named(index: HtmlIndex, name: str) -> list[Tag]:
    return [t for t in index.all("meta") if t.attrs.get("name", "").strip().lower() == name]


def _canonicals(index: HtmlIndex) -> list[Tag]:
    return [t for t in index.all("link") if "canonical" in _rels(t)]


def _alternates(index: HtmlIndex) -> list[Tag]:
    return [t for t in index.all("link") if "alternate" in _rels(t) and "hreflang" in t.attrs]


def _json_ld(index: HtmlIndex) -> list[Tag]:
    return [
        t
        for t in index.all("script")
        if t.attrs.get("type", "").strip().lower() == "application/ld+json"
    ]


class _Page:
    """A file's index with the URL it was served at, to compare hrefs as the crawler did."""

    def __init__(self, index: HtmlIndex, url: str) -> None:
        self.index = index
        base = resolve_url(url, index.base) if index.base else None
        self.base = base or url

    def resolved(self, tag: Tag, attr: str) -> str | None:
        value = tag.attrs.get(attr)
        return resolve_url(self.base, value) if value is not None else None

    def with_url(self, names: tuple[str, ...], attr: str, url: Any) -> int | None:
        """The first tag whose `attr` resolves to `url` (a URL as the crawler stored it)."""
        if not isinstance(url, str):
            return None
        wanted = resolve_url(self.base, url) or url
        for tag in self.index.all(*names):
            if self.resolved(tag, attr) == wanted:
                return tag.line
        return None


def _first_of(details: Mapping[str, Any], key: str, inner: str | None = None) -> Any:
    """details[key][0][inner] (or details[key][0], or details[key]) when present."""
    value = details.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if inner is not None:
        value = value.get(inner) if isinstance(value, Mapping) else None
    return value


def _canonical(page: _Page, details: Mapping[str, Any], nth: int = 0) -> int | None:
    if details.get("in_header") is True:
        return None  # stated in the HTTP Link header: no element
    tags = _canonicals(page.index)
    wanted = _first_of(details, "canonical")
    if isinstance(wanted, str):
        for tag in tags:
            raw = tag.attrs.get("href", "")
            if raw.strip() == wanted.strip() or page.resolved(tag, "href") == wanted:
                return tag.line
    return page.index.nth(tags, nth)


def _hreflang(page: _Page, details: Mapping[str, Any]) -> int | None:
    tags = _alternates(page.index)
    for key in ("invalid", "alternates"):
        entry = _first_of(details, key)
        if isinstance(entry, Mapping):
            for tag in tags:
                if tag.attrs.get("hreflang", "").strip() == str(entry.get("hreflang", "")).strip():
                    return tag.line
            line = page.with_url(("link",), "href", entry.get("url"))
            if line is not None:
                return line
    return page.index.nth(tags, 0)


def _heading_order(page: _Page, details: Mapping[str, Any]) -> int | None:
    """The first <hN> that follows an <hM> as the finding says (<h2> then <h4>)."""
    before, after = details.get("from"), details.get("to")
    previous = None
    for tag in page.index.all("h1", "h2", "h3", "h4", "h5", "h6"):
        level = int(tag.name[1])
        if previous == before and level == after:
            return tag.line
        previous = level
    return None


def _structured(page: _Page, details: Mapping[str, Any]) -> int | None:
    number = details.get("block")
    if not isinstance(number, int):
        where = _first_of(details, "missing", "where")
        match = _BLOCK.fullmatch(where) if isinstance(where, str) else None
        number = int(match.group(1)) if match else None
    if not isinstance(number, int) or number < 1:
        return None  # microdata or RDFa: not located
    blocks = _json_ld(page.index)
    return blocks[number - 1].line if number <= len(blocks) else None


def _noindex(page: _Page, details: Mapping[str, Any]) -> int | None:
    for tag in page.index.all("meta"):
        if tag.attrs.get("name", "").strip().lower() in ("robots", "googlebot") and (
            "noindex" in tag.attrs.get("content", "").lower()
            or "none" in tag.attrs.get("content", "").lower().split(",")
        ):
            return tag.line
    return None  # by the X-Robots-Tag header


def _form(page: _Page, details: Mapping[str, Any]) -> int | None:
    forms = page.index.all("form")
    return page.with_url(("form",), "action", details.get("action")) or page.index.nth(forms, 0)


Finder = Callable[[_Page, Mapping[str, Any]], int | None]


def _in_head(page: _Page, details: Mapping[str, Any]) -> int | None:
    """Something missing from the head: the line of <head>, where it belongs."""
    return page.index.first("head")


_HEAD = frozenset({"head"})
_TITLE = frozenset({"head", "title"})
_META = frozenset({"head", "meta"})
_LINK = frozenset({"base", "link"})
_A = frozenset({"base", "a", "area"})
_IMG = frozenset({"base", "img"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _links_to(key: str) -> Finder:
    return lambda p, d: p.with_url(("a", "area"), "href", _first_of(d, key, "url"))


def _image(p: _Page, d: Mapping[str, Any]) -> int | None:
    return p.with_url(("img",), "src", _first_of(d, "images"))


def _resource(*names: str, attr: str = "src") -> tuple[frozenset[str], Finder]:
    """A resource finding (details["resource"]): the first element of `names` loading it."""
    return (
        frozenset({"base", *names}),
        lambda p, d: p.with_url(names, attr, d.get("resource")),
    )


def _meta(name: str, nth: int) -> Finder:
    return lambda p, d: p.index.nth(_named(p.index, name), nth)


# The element each code is about, and the tags that takes reading. A code not listed
# (content-thin, http-4xx, page-deep …) is about the whole page: it gets the file, no line.
_FINDERS: dict[str, tuple[frozenset[str], Finder]] = {
    "title-missing": (_HEAD, _in_head),
    "title-too-long": (_TITLE, lambda p, d: p.index.first("title")),
    "title-too-short": (_TITLE, lambda p, d: p.index.first("title")),
    "title-duplicate": (_TITLE, lambda p, d: p.index.first("title")),
    "title-multiple": (_TITLE, lambda p, d: p.index.nth(p.index.all("title"), 1)),
    "meta-description-missing": (_HEAD, _in_head),
    "meta-description-too-long": (_META, _meta("description", 0)),
    "meta-description-too-short": (_META, _meta("description", 0)),
    "meta-description-duplicate": (_META, _meta("description", 0)),
    "meta-description-multiple": (_META, _meta("description", 1)),
    "viewport-missing": (_HEAD, _in_head),
    "viewport-multiple": (_META, _meta("viewport", 1)),
    "social-tags-missing": (_HEAD, _in_head),
    "h1-missing": (frozenset({"body"}), lambda p, d: p.index.first("body")),
    "h1-multiple": (frozenset({"h1"}), lambda p, d: p.index.nth(p.index.all("h1"), 1)),
    "heading-order": (_HEADINGS, _heading_order),
    "html-lang-missing": (frozenset({"html"}), lambda p, d: p.index.first("html")),
    "noindex": (_META, _noindex),
    "canonical-invalid": (_LINK, _canonical),
    "canonical-relative": (_LINK, _canonical),
    "canonical-other-host": (_LINK, _canonical),
    "canonical-header-conflict": (_LINK, _canonical),
    "canonical-broken": (_LINK, _canonical),
    "canonical-to-redirect": (_LINK, _canonical),
    "canonical-to-noindex": (_LINK, _canonical),
    "canonical-chain": (_LINK, _canonical),
    "canonical-multiple": (_LINK, lambda p, d: _canonical(p, {}, 1)),
    "hreflang-invalid": (_LINK, _hreflang),
    "hreflang-x-default-missing": (_LINK, _hreflang),
    "hreflang-return-missing": (_LINK, _hreflang),
    "hreflang-to-error": (_LINK, _hreflang),
    "hreflang-to-noindex": (_LINK, _hreflang),
    "hreflang-to-non-canonical": (_LINK, _hreflang),
    "link-broken": (_A, _links_to("targets")),
    "link-to-redirect": (_A, _links_to("targets")),
    "link-text-generic": (_A, _links_to("links")),
    "image-alt-missing": (_IMG, _image),
    "mixed-content": (_IMG, _image),
    "form-insecure": (frozenset({"base", "form"}), _form),
    "external-link-broken": _resource("a", "area", attr="href"),
    "external-link-redirect": _resource("a", "area", attr="href"),
    "link-to-disallowed": (
        _A,
        lambda p, d: p.with_url(("a", "area"), "href", _first_of(d, "targets")),
    ),
    "link-nofollow-internal": (_A, _links_to("links")),
    "link-name-missing": (
        _A,
        lambda p, d: p.with_url(("a", "area"), "href", _first_of(d, "links")),
    ),
    "image-broken": _resource("img"),
    "image-too-large": _resource("img"),
    "image-wrong-type": _resource("img"),
    "stylesheet-broken": _resource("link", attr="href"),
    "script-broken": _resource("script"),
    "iframe-broken": _resource("iframe", "frame"),
    "structured-data-invalid": (frozenset({"script"}), _structured),
    "structured-data-missing-required": (frozenset({"script"}), _structured),
    "structured-data-missing-recommended": (frozenset({"script"}), _structured),
}
ALL_TAGS = frozenset().union(*(names for names, _finder in _FINDERS.values()))


def needs(code: str) -> frozenset[str]:
    """The tags to read to place a finding of `code` (none: it is about the whole page)."""
    entry = _FINDERS.get(code)
    return entry[0] if entry else frozenset()


def element_line(text: str, url: str, code: str, details: Mapping[str, Any]) -> int | None:
    """The 1-based line of the element a finding is about in `text` (the HTML served at `url`),
    or None when the finding is about the whole page or the element cannot be found."""
    return _line(index_html(text, needs(code)), url, code, details)


def _line(index: HtmlIndex, url: str, code: str, details: Mapping[str, Any]) -> int | None:
    entry = _FINDERS.get(code)
    if entry is None:
        return None
    try:
        return entry[1](_Page(index, url), details or {})
    except (TypeError, ValueError, AttributeError):  # details of an older shape: no line
        return None


@dataclass(frozen=True)
class Place:
    """Where a finding is: a file (a folder scan) and maybe a line, else only its URL."""

    url: str
    path: str | None = None  # relative to the working directory when under it (repo-relative)
    line: int | None = None

    @property
    def file(self) -> Path | None:
        return Path(self.path) if self.path is not None else None


class Locator:
    """Places the findings of one scan document. Each file is read and indexed at most once."""

    def __init__(self, doc: Mapping[str, Any], cwd: Path | None = None) -> None:
        scan = doc["scan"]
        folder = (scan.get("settings") or {}).get("folder")
        self.folder = Path(folder) if folder else None
        self.origin = origin_of(scan["url"])
        self.cwd = (cwd or _workspace() or Path.cwd()).resolve()
        self._indexes: dict[Path, HtmlIndex | None] = {}
        # The tags each file's findings need, so it is read once, for all of them (`/` and
        # `/index.html` are one file: the tags of both URLs' findings).
        self._needs: dict[Path, frozenset[str]] = {}
        if self.folder is not None:
            for issue in doc["issues"]:
                names = needs(issue["code"])
                file = self.file_of(issue["url"]) if names else None
                if file is not None:
                    self._needs[file] = self._needs.get(file, names) | names

    def file_of(self, url: str) -> Path | None:
        """The file a folder scan served `url` from (it may not exist: a 404), or None."""
        if self.folder is None or origin_of(url) != self.origin:
            return None
        path = unquote(urlsplit(url).path).lstrip("/")
        candidate = self.folder / path
        if not path or path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate

    def display(self, file: Path) -> str:
        """The file as CI tools name it: relative to the working directory (the repository
        root in CI) when it is under it, else absolute."""
        resolved = file.resolve()
        try:
            return resolved.relative_to(self.cwd).as_posix()
        except ValueError:
            return resolved.as_posix()

    def place(self, issue: Mapping[str, Any]) -> Place:
        url = issue["url"]
        file = self.file_of(url)
        if file is None or not file.is_file():  # a 404 names no file a fix could go in
            return Place(url)
        return Place(url, self.display(file), self._line_in(file, url, issue))

    def _line_in(self, file: Path, url: str, issue: Mapping[str, Any]) -> int | None:
        details = issue.get("details") or {}
        if issue["code"] == "robots-txt-invalid":
            line = _first_of(details, "errors", "line")
            return line if isinstance(line, int) and line > 0 else None
        if issue["code"] not in _FINDERS:
            return None
        if file not in self._indexes:
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:  # gone since the scan, or a 404 that never was a file
                self._indexes[file] = None
            else:
                self._indexes[file] = index_html(text, self._needs.get(file) or ALL_TAGS)
        index = self._indexes[file]
        return _line(index, url, issue["code"], details) if index is not None else None


def _workspace() -> Path | None:
    """The repository root a CI job checked out: GitHub and GitLab place annotations by paths
    relative to it, whichever folder (`working-directory:`) the step ran seolog in."""
    import os

    for name in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        value = os.environ.get(name)
        if value and Path(value).is_dir():
            return Path(value)
    return None
