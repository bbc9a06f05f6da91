"""Structured data in its three syntaxes — JSON-LD, microdata and RDFa — read into one shape.

Every item becomes a `StructuredItem`: its types, its properties (text, URLs or nested items) and
where it sits. JSON-LD's `@graph` is flattened and `{"@id": …}` references are resolved to the node
they name, so a Yoast-style graph reads like nested markup. Microdata and RDFa are read from the
page's own selectolax tree, which is already parsed: no second parse.

Why not extruct: it parses the page again with lxml, pulls in 16 packages (rdflib, pyRdfa,
html5lib, requests, BeautifulSoup; ~53 MB), takes ~0.5 s to import, and its RDFa reader took
~7 ms on a 14 KB page — thirty times this whole extractor — returning flat triples that would
still need nesting. What the checks need (types and properties, as Google reads them) is small.

Microdata follows the HTML standard's algorithm (itemscope, itemtype, itemprop, itemref, the
value of each element kind); RDFa covers RDFa Lite (vocab, typeof, property, prefix, resource),
the subset schema.org documents. Both are read only on pages whose HTML has `itemscope` or
`typeof=` at all (lowercase, as it is written in practice); `property=` alone is no sign, since
every page with Open Graph tags has it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from seolog.domain import StructuredItem
from seolog.wording import say

Value = str | StructuredItem
Resolve = Callable[[str], str | None]
T = TypeVar("T")

_SCHEMA = (
    "https://schema.org/",
    "http://schema.org/",
    "https://www.schema.org/",
    "http://www.schema.org/",
    "schema:",  # the prefix RDFa's initial context defines, also seen in JSON-LD
)
_RDFA = re.compile(r"typeof\s*=")  # "typeof" alone is in most inline scripts
_MAX_ITEMS = 2_000  # per syntax and page: a catalogue page has hundreds; beyond, it is a trap
_MAX_DEPTH = 40  # nesting of JSON-LD objects: deeper is no markup a search engine reads
_MAX_TEXT = 300  # a value's text, kept for names in messages; the checks test presence
# Microdata: the attribute that holds each element kind's value (HTML standard, "values").
_URL_ATTRS = {
    "a": "href",
    "area": "href",
    "link": "href",
    "audio": "src",
    "embed": "src",
    "iframe": "src",
    "img": "src",
    "source": "src",
    "track": "src",
    "video": "src",
    "object": "data",
}


def short_name(term: str) -> str:
    """`https://schema.org/Product`, `schema:Product` → `Product`; other vocabularies unchanged."""
    term = term.strip()
    for prefix in _SCHEMA:
        if term.startswith(prefix):
            return term[len(prefix) :]
    return term


def read_structured(
    tree: LexborHTMLParser, html: str, json_ld: list[str], resolve: Resolve
) -> list[StructuredItem]:
    """The page's top-level items in all three syntaxes. `json_ld` holds the raw blocks (a block
    that does not parse is skipped: `structured-data-invalid` reports it); `resolve` makes
    microdata and RDFa URLs absolute. Must run before the tree loses any element."""
    items = read_json_ld(json_ld) if json_ld else []
    # Plain substring tests: a case-insensitive regex over the page cost more than the rest of
    # the reader (~1 ms on 13 KB). Attribute names written in capitals are not looked for.
    if "itemscope" in html:
        items += read_microdata(tree, resolve)
    if "typeof" in html and _RDFA.search(html):
        items += read_rdfa(tree, resolve)
    return items


def _text(value: str | None) -> str:
    return " ".join(value.split())[:_MAX_TEXT] if value else ""


# --- JSON-LD -------------------------------------------------------------------------------


class _Ref:
    """A `{"@id": …}` value, until every node of the page is known."""

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value if isinstance(value, str) else json.dumps(value))


class _JsonLd:
    def __init__(self) -> None:
        self.items: list[StructuredItem] = []
        self.by_id: dict[str, StructuredItem] = {}

    def node(self, data: dict[str, Any], where: str, depth: int) -> StructuredItem | None:
        if len(self.items) >= _MAX_ITEMS or depth > _MAX_DEPTH:
            return None
        types = [short_name(t) for t in _as_list(data.get("@type")) if isinstance(t, str)]
        ident = data.get("@id")
        item = self.by_id.get(ident) if isinstance(ident, str) else None
        if item is None:
            item = StructuredItem(types, {}, "json-ld", where)
            self.items.append(item)
            if isinstance(ident, str) and ident:
                self.by_id[ident] = item
        else:  # the same node described twice: search engines merge them
            item.types += [t for t in types if t not in item.types]
        for key, raw in data.items():
            if key.startswith("@"):
                continue
            values = self.values(raw, where, depth + 1)
            if values:
                item.props.setdefault(short_name(key), []).extend(values)
        return item

    def values(self, raw: Any, where: str, depth: int) -> list[Any]:
        out: list[Any] = []
        for value in _as_list(raw):
            if value is None:
                continue
            if isinstance(value, list):
                if depth < _MAX_DEPTH:
                    out += self.values(value, where, depth + 1)
            elif isinstance(value, dict):
                if "@value" in value:
                    if value["@value"] is not None:
                        out.append(_literal(value["@value"]))
                elif ("@list" in value or "@set" in value) and depth < _MAX_DEPTH:
                    out += self.values(value.get("@list", value.get("@set")), where, depth + 1)
                elif set(value) <= {"@id", "@context"} and isinstance(value.get("@id"), str):
                    out.append(_Ref(value["@id"]))
                else:
                    item = self.node(value, where, depth)
                    if item is not None:
                        out.append(item)
            else:
                out.append(_literal(value))
        return out

    def resolve(self) -> set[int]:
        """Replace references by the nodes they name (the IRI stays when none does); returns
        the ids of the items something refers to (they are not top-level)."""
        referred: set[int] = set()
        for item in self.items:
            for name, values in item.props.items():
                if not any(isinstance(v, _Ref) for v in values):
                    continue
                resolved: list[Value] = []
                for v in values:
                    if isinstance(v, _Ref):
                        target = self.by_id.get(v.iri)
                        if target is None:
                            resolved.append(_text(v.iri))
                        elif target is not item:
                            resolved.append(target)
                            referred.add(id(target))
                    else:
                        resolved.append(v)
                item.props[name] = resolved
        return referred


def _top_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """The node objects of a block: itself, a list's members, a @graph's nodes. An object
    without @context is not schema.org to a search engine (`structured-data-invalid` says so)."""
    for node in _as_list(data):
        if not isinstance(node, dict) or "@context" not in node:
            continue
        graph = node.get("@graph")
        if graph is None:
            yield node
            continue
        if set(node) - {"@context", "@graph", "@id"}:
            yield {k: v for k, v in node.items() if k != "@graph"}
        yield from (n for n in _as_list(graph) if isinstance(n, dict))


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(data: Any) -> Any:
    """JSON's "\ud800" decodes to a lone surrogate, which no UTF-8 store or file can hold:
    replaced by U+FFFD wherever it sits (names and values reach findings)."""
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    if isinstance(data, list):
        return [_without_surrogates(v) for v in data]
    if isinstance(data, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in data.items()}
    return data


def read_json_ld(blocks: list[str]) -> list[StructuredItem]:
    reader = _JsonLd()
    roots: list[StructuredItem] = []
    for number, raw in enumerate(blocks, 1):
        try:
            data = json.loads(raw)
            if _SURROGATE_ESCAPE.search(raw):  # rare: only then walk the data
                data = _without_surrogates(data)
        except (ValueError, RecursionError):
            continue
        for node in _top_nodes(data):
            item = reader.node(node, say("JSON-LD block {number}", number=number), 0)
            if item is not None and item not in roots:
                roots.append(item)
    referred = reader.resolve()
    return [item for item in roots if id(item) not in referred]


# --- microdata and RDFa ------------------------------------------------------------------------


def _element_value(node: LexborNode, resolve: Resolve, rdfa: bool) -> str:
    """An element's value as microdata (HTML standard) and RDFa Lite read it. A `content`
    attribute wins on any element: Google's own examples put it on `<span>`s."""
    attrs = node.attributes
    content = attrs.get("content")
    if content is not None:
        return _text(content)
    tag = node.tag or ""
    if rdfa and attrs.get("resource"):
        return _text(resolve(attrs["resource"] or "") or attrs["resource"])
    url_attr = _URL_ATTRS.get(tag)
    if url_attr is not None:
        raw = attrs.get(url_attr)
        if raw is not None or not rdfa:
            return _text(resolve(raw or "") or raw) if raw else ""
    if tag in ("data", "meter") and attrs.get("value") is not None:
        return _text(attrs.get("value"))
    if tag == "time" and attrs.get("datetime"):
        return _text(attrs.get("datetime"))
    return _text(node.text(deep=True, separator=" "))


def _unique(nodes: list[LexborNode]) -> list[LexborNode]:
    """Lexbor returns an element once per selector it matches; keep the first (document order
    is kept)."""
    seen: set[int] = set()
    out: list[LexborNode] = []
    for node in nodes:
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            out.append(node)
    return out


def _number(roots: list[StructuredItem], where_of: Callable[[int], str]) -> list[StructuredItem]:
    """Name each top-level item (`where_of(2)`: "microdata item 2") and give its nested items
    the same place."""
    seen: set[int] = set()
    for number, root in enumerate(roots, 1):
        where = where_of(number)
        stack = [root]
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            item.where = where
            stack += [v for vs in item.props.values() for v in vs if isinstance(v, StructuredItem)]
    return roots


def _attach(
    nodes: list[LexborNode],
    items: dict[int, StructuredItem],
    owner_of: Callable[[LexborNode], StructuredItem | None],
    names_of: Callable[[LexborNode], list[str]],
    value_of: Callable[[LexborNode], str],
) -> list[StructuredItem]:
    """Give each property element's value to the item it belongs to; returns the top-level
    items (those no property holds), in document order."""
    held: set[int] = set()
    for node in nodes:
        names = names_of(node)
        if not names:
            continue
        owner = owner_of(node)
        if owner is None:
            continue
        value: Value | None = items.get(node.mem_id)
        if value is owner:
            continue
        if value is None:
            value = value_of(node)
        else:
            held.add(id(value))
        for name in names:
            owner.props.setdefault(name, []).append(value)
    return [item for item in items.values() if id(item) not in held]


class _Inherited(Generic[T]):
    """A value each element inherits from its parent unless it changes it itself (RDFa's vocab
    and prefixes, the item a property belongs to), worked out once per element and kept by
    `mem_id`: asking for every property element costs one walk over the tree in all, not one
    walk to the root each, which a page thousands of elements deep made quadratic. Lexbor's
    `mem_id` is the element's address, stable while the tree lives."""

    def __init__(self, own: Callable[[LexborNode, T], T], root: T) -> None:
        self.own = own  # (element, its parent's value) → its value
        self.root = root  # above the document
        self.known: dict[int, T] = {}

    def __call__(self, node: LexborNode) -> T:
        path: list[LexborNode] = []  # the node and its ancestors not yet known, nearest first
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self.known:
            path.append(current)
            current = current.parent
        value = self.root if current is None else self.known[current.mem_id]
        for element in reversed(path):
            value = self.known[element.mem_id] = self.own(element, value)
        return value


def read_microdata(tree: LexborHTMLParser, resolve: Resolve) -> list[StructuredItem]:
    nodes = _unique(tree.css("[itemscope], [itemprop]"))
    items: dict[int, StructuredItem] = {}
    refs: dict[int, StructuredItem] = {}  # element an itemref names → the item it adds to
    ids: dict[str, LexborNode] | None = None
    for node in nodes:
        attrs = node.attributes
        if "itemscope" not in attrs or len(items) >= _MAX_ITEMS:
            continue
        types = [short_name(t) for t in (attrs.get("itemtype") or "").split()]
        item = items[node.mem_id] = StructuredItem(types, {}, "microdata", "")
        if attrs.get("itemref"):
            if ids is None:
                ids = {}
                for el in tree.css("[id]"):
                    ids.setdefault(el.attributes.get("id") or "", el)
            for ref in (attrs.get("itemref") or "").split():
                if ref in ids:
                    refs.setdefault(ids[ref].mem_id, item)

    def scope(element: LexborNode, outer: StructuredItem | None) -> StructuredItem | None:
        ident = element.mem_id
        return items[ident] if ident in items else refs.get(ident, outer)

    scopes: _Inherited[StructuredItem | None] = _Inherited(scope, None)

    def owner_of(node: LexborNode) -> StructuredItem | None:
        if node.mem_id in refs:
            return refs[node.mem_id]
        parent = node.parent
        return scopes(parent) if parent is not None else None

    def names_of(node: LexborNode) -> list[str]:
        return [short_name(n) for n in (node.attributes.get("itemprop") or "").split()]

    roots = _attach(nodes, items, owner_of, names_of, lambda n: _element_value(n, resolve, False))
    return _number(roots, lambda n: say("microdata item {number}", number=n))


class _Terms:
    """RDFa Lite's term expansion at one element: `vocab` and `prefix` in force there."""

    __slots__ = ("prefixes", "vocab")

    def __init__(self, vocab: str | None = None, prefixes: dict[str, str] | None = None) -> None:
        self.vocab = vocab
        self.prefixes = prefixes or {}

    def within(self, element: LexborNode) -> _Terms:
        """The terms in force at `element`, a child of where these are: its own `vocab` and
        `prefix` declarations win. Shared, not copied, where it declares neither."""
        attrs = element.attributes
        vocab = attrs.get("vocab")
        tokens = (attrs.get("prefix") or "").split()
        if not vocab and not tokens:
            return self
        own: dict[str, str] = {}
        for name, iri in zip(tokens[::2], tokens[1::2], strict=False):
            own.setdefault(name.rstrip(":"), iri)
        prefixes = {**self.prefixes, **own} if own else self.prefixes
        return _Terms(vocab.strip() if vocab else self.vocab, prefixes)

    def expand(self, term: str) -> str:
        if "://" in term:
            return short_name(term)
        if ":" in term:
            prefix, _, rest = term.partition(":")
            iri = self.prefixes.get(prefix)
            return short_name(iri + rest) if iri else short_name(term)
        # A bare term without a vocab is not valid RDFa; read it as schema.org, as lenient
        # consumers do, so the item is still judged.
        return short_name(self.vocab + term) if self.vocab else term


def read_rdfa(tree: LexborHTMLParser, resolve: Resolve) -> list[StructuredItem]:
    nodes = _unique(tree.css("[typeof], [property]"))
    items: dict[int, StructuredItem] = {}
    terms_at = _Inherited(lambda element, outer: outer.within(element), _Terms())
    for node in nodes:
        typeof = node.attributes.get("typeof")
        if typeof is None or len(items) >= _MAX_ITEMS:
            continue
        terms = terms_at(node)
        items[node.mem_id] = StructuredItem(
            [terms.expand(t) for t in typeof.split()], {}, "rdfa", ""
        )

    scopes: _Inherited[StructuredItem | None] = _Inherited(
        lambda element, outer: items.get(element.mem_id, outer), None
    )

    def owner_of(node: LexborNode) -> StructuredItem | None:
        parent = node.parent
        return scopes(parent) if parent is not None else None

    def names_of(node: LexborNode) -> list[str]:
        names = (node.attributes.get("property") or "").split()
        if not names:
            return []
        terms = terms_at(node)
        return [terms.expand(n) for n in names]

    roots = _attach(nodes, items, owner_of, names_of, lambda n: _element_value(n, resolve, True))
    return _number(roots, lambda n: say("RDFa item {number}", number=n))
