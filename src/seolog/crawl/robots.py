"""robots.txt per RFC 9309, one fetch per origin, answered before any other request to it."""

from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass, field
from encodings import idna
from urllib.parse import unquote

from protego import Protego

from seolog.crawl.fetch import Fetcher
from seolog.domain import RobotsProblem, RobotsState
from seolog.urls import origin_of, resolve_url

# RFC 9309 section 2.5: parse at least the first 500 KiB; Google reads that much and ignores the
# rest, so the validator reads the same (Lighthouse itself reads the whole file).
ROBOTS_PARSE_LIMIT = 500 * 1024
ROBOTS_PROBLEMS_KEPT = 100  # stored with the scan; an HTML page served as robots.txt has thousands
_LINE_SHOWN = 100  # characters of a problem line kept


@dataclass
class RobotsRules:
    """What one origin's robots.txt says. `state` explains the decision in summaries and tests."""

    origin: str
    state: RobotsState
    agent: str = "seolog"
    detail: str = ""
    parser: Protego | None = None
    sitemaps: list[str] = field(default_factory=list)
    problems: list[RobotsProblem] = field(default_factory=list)  # the first ROBOTS_PROBLEMS_KEPT
    problem_count: int = 0  # all of them

    def allowed(self, url: str) -> bool:
        if self.state in (RobotsState.MISSING, RobotsState.IGNORED):
            return True
        if self.state is RobotsState.UNREACHABLE:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, self.agent))

    @property
    def crawl_delay(self) -> float:
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(self.agent)
        return float(delay) if delay else 0.0


# RFC 9309 section 2.2.1: a group's user-agent line names a product token of letters, "_" and
# "-", matched case-insensitively and whole. Google's parser takes the leading run of those
# characters ("Googlebot/2.1" is googlebot); Protego matches a prefix ("Google" would take
# googlebot's rules), so the lines are rewritten to the token before Protego reads them.
_USER_AGENT_LINE = re.compile(r"^([ \t]*user[- ]?agent[ \t]*:[ \t]*)([^#\r\n]*)", re.I | re.M)
_TOKEN = re.compile(r"[A-Za-z_-]*")
_NO_MATCH = "~"  # no product token holds it, so Protego never matches it to ours


def _token(value: str) -> str:
    match = _TOKEN.match(value.strip())
    return match.group().lower() if match else ""


def match_groups_by_token(text: str, agent: str) -> str:
    """robots.txt with each user-agent line reduced to what RFC 9309 matches: `*`, our `agent`
    when its product token is ours, or a name that matches no crawler."""
    ours = _token(agent)

    def reduce(m: re.Match[str]) -> str:
        value = m.group(2).strip()
        if value == "*":
            return m.group(0)
        name = agent if ours and _token(value) == ours else _NO_MATCH
        return m.group(1) + name

    return _USER_AGENT_LINE.sub(reduce, text)


def parse_robots(origin: str, text: str, agent: str) -> RobotsRules:
    parser = Protego.parse(match_groups_by_token(text[:ROBOTS_PARSE_LIMIT], agent))
    # Sitemap lines should be absolute, but relative ones are common: resolve them like a link.
    sitemaps = [u for s in parser.sitemaps if (u := resolve_url(origin + "/robots.txt", s))]
    return RobotsRules(origin, RobotsState.PARSED, agent, parser=parser, sitemaps=sitemaps)


class Robots:
    """Fetches and caches robots.txt per origin; concurrent callers share one fetch."""

    def __init__(self, fetcher: Fetcher, agent: str, ignore: bool = False) -> None:
        self.fetcher = fetcher
        self.agent = agent
        self.ignore = ignore
        self._rules: dict[str, RobotsRules] = {}
        self._pending: dict[str, asyncio.Task[RobotsRules]] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        rules = self._rules.get(origin)
        if rules is not None:
            return rules
        task = self._pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self._pending[origin] = task
        rules = await task
        self._rules[origin] = rules
        return rules

    def cached(self, url: str) -> RobotsRules | None:
        return self._rules.get(origin_of(url))

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url)

    async def _load(self, origin: str) -> RobotsRules:
        if self.ignore:
            return RobotsRules(origin, RobotsState.IGNORED, self.agent, detail="--ignore-robots")
        result = await self.fetcher.fetch(
            origin + "/robots.txt",
            want_body=lambda _ct: True,
            cap=ROBOTS_PARSE_LIMIT,
            truncate=True,
        )
        status = result.status_code
        if not result.ok or status is None or status == 429 or status >= 500:
            reason = result.error or f"HTTP {status}"
            return RobotsRules(origin, RobotsState.UNREACHABLE, self.agent, detail=reason)
        if 400 <= status < 500 or status >= 300:
            return RobotsRules(origin, RobotsState.MISSING, self.agent, detail=f"HTTP {status}")
        body = result.body or b""
        text = body.decode("utf-8-sig", errors="replace")  # a BOM is not a rule
        rules = parse_robots(origin, text, self.agent)
        rules.detail = f"HTTP {status}"
        if len(body) >= ROBOTS_PARSE_LIMIT:  # cut short: its last line may be cut in two
            text = text[: text.rfind("\n") + 1]
        problems = validate_robots(text)
        rules.problems, rules.problem_count = problems[:ROBOTS_PROBLEMS_KEPT], len(problems)
        return rules


# --- validation: the lines Lighthouse 12.2.3's robots-txt audit calls errors --------------------
# A port of core/audits/seo/robots-txt.js (verifyDirective, parseLine, validateRobots), messages
# and all (first letter lower-cased); tests/lighthouse runs Lighthouse's own functions on the same
# samples. Lighthouse's rules follow Google's robots.txt reference.

# DIRECTIVE_SAFELIST: standard, universally supported, Yahoo/Bing/Yandex, Yandex, seen in the wild.
_KNOWN_DIRECTIVES = frozenset(
    {"user-agent", "disallow", "allow", "sitemap", "crawl-delay", "clean-param", "host"}
    | {"request-rate", "visit-time", "noindex"}
)
_GROUP_MEMBERS = frozenset({"allow", "disallow"})  # must follow a user-agent line
_SITEMAP_SCHEMES = frozenset({"http", "https", "ftp"})  # SITEMAP_VALID_PROTOCOLS
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# What JavaScript's String.prototype.trim() strips (ECMAScript WhiteSpace and LineTerminator):
# Python's str.strip() differs (it strips U+001C-U+001F and U+0085, and keeps U+FEFF).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)

SYNTAX_NOT_UNDERSTOOD = "syntax not understood"
UNKNOWN_DIRECTIVE = "unknown directive"
INVALID_SITEMAP_URL = "invalid sitemap URL"
INVALID_SITEMAP_PROTOCOL = "invalid sitemap URL protocol"
NO_USER_AGENT = "no user-agent specified"
BAD_PATTERN_START = 'pattern should either be empty, start with "/" or "*"'
BAD_DOLLAR = '"$" should only be used at the end of the pattern'


def validate_robots(text: str) -> list[RobotsProblem]:
    """The lines of a robots.txt that Lighthouse's robots-txt audit calls errors, in order.

    Per line (validateRobots, parseLine): `#` starts a comment; a blank line is fine; a line
    without `:` is not understood; the directive must be a known one (verifyDirective); an
    allow or disallow line before the first valid user-agent line has no group.
    """
    problems: list[RobotsProblem] = []
    in_group = False
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        content = line.split("#", 1)[0].strip(_JS_SPACE)
        if not content:
            continue
        name, colon, value = content.partition(":")
        directive, value = name.strip(_JS_SPACE).lower(), value.strip(_JS_SPACE)
        error = _directive_error(directive, value) if colon else SYNTAX_NOT_UNDERSTOOD
        if error is None:
            if directive == "user-agent":
                in_group = True
            elif directive in _GROUP_MEMBERS and not in_group:
                error = NO_USER_AGENT
        if error is not None:
            shown = line.strip()
            if len(shown) > _LINE_SHOWN:
                shown = shown[: _LINE_SHOWN - 1] + "…"
            problems.append(RobotsProblem(number, shown, error))
    return problems


def _directive_error(directive: str, value: str) -> str | None:
    """verifyDirective: what is wrong with one `directive: value` line, or None."""
    if directive not in _KNOWN_DIRECTIVES:
        return UNKNOWN_DIRECTIVE
    if directive == "sitemap":
        scheme = _url_scheme(value)
        if scheme is None:
            return INVALID_SITEMAP_URL
        if scheme not in _SITEMAP_SCHEMES:
            return INVALID_SITEMAP_PROTOCOL
    if directive == "user-agent" and not value:
        return NO_USER_AGENT
    if directive in _GROUP_MEMBERS:
        if value and value[0] not in "/*":
            return BAD_PATTERN_START
        dollar = value.find("$")
        if dollar != -1 and dollar != len(value) - 1:
            return BAD_DOLLAR
    return None


# --- `new URL(value)`: whether the WHATWG URL parser takes an absolute URL ---------------------
# Lighthouse asks only that, and then that the scheme be http, https or ftp. So only the parts of
# the parser that can fail matter: the scheme, and for special schemes the host and the port.

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})  # and file, below
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | frozenset(map(chr, range(0x20))) | {"%", "\x7f"}
_MAX_PORT = 65535
_DOTS = re.compile("[.\u3002\uff0e\uff61]")  # what IDNA takes for a label separator
_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _url_scheme(value: str) -> str | None:
    """The lower-cased scheme of `value` if the WHATWG URL parser takes it as an absolute URL,
    else None."""
    url = re.sub(r"[\t\n\r]", "", value.strip(_C0_OR_SPACE))
    match = _SCHEME.match(url)
    if match is None:
        return None  # no scheme: relative, and there is no base to resolve it against
    scheme, rest = match.group()[:-1].lower(), url[match.end() :]
    if scheme in _SPECIAL_SCHEMES:
        authority = re.split(r"[/\\?#]", rest.lstrip("/\\"), maxsplit=1)[0]
        return scheme if _authority_ok(authority) else None
    if scheme == "file":
        if re.match(r"[/\\]{2}", rest):  # file://host/path: a host, if any, is a domain
            host = re.split(r"[/\\?#]", rest[2:], maxsplit=1)[0]
            return scheme if not host or _domain_ok(host) else None
        return scheme
    if rest.startswith("//"):
        authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
        return scheme if _authority_ok(authority, opaque=True) else None
    return scheme  # an opaque path (mailto:x, urn:x): parsed, but no sitemap


def _authority_ok(authority: str, opaque: bool = False) -> bool:
    """[user info@]host[:port] of a URL with a special scheme, or of another scheme (`opaque`):
    its host is taken as written, and it may be empty."""
    _userinfo, at, hostport = authority.rpartition("@")  # user info ends at the last @
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            return False
        host, after = hostport[: end + 1], hostport[end + 1 :]
        if after and not after.startswith(":"):
            return False
        colon, port = after[:1], after[1:]
    else:
        host, colon, port = hostport.partition(":")
    if port and not (port.isascii() and port.isdigit() and int(port) <= _MAX_PORT):
        return False
    if not host:  # a special URL needs a host; any URL with user info or a port does
        return opaque and not (at or colon)
    if host.startswith("["):
        return host.endswith("]") and _ipv6_ok(host[1:-1])
    if opaque:
        return not any(c in _FORBIDDEN_HOST for c in host)
    return _domain_ok(host)


def _ipv6_ok(address: str) -> bool:
    if "%" in address:  # a zone id: Python takes it, the URL standard does not
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def _domain_ok(host: str) -> bool:
    """The host of a special URL: percent-decoded, IDNA to ASCII label by label (empty labels
    allowed, as UTS 46 does without DNS length checks), no forbidden code points, and when it
    ends in a number an IPv4 address (so http://999.1.1.1 is no URL)."""
    labels = []
    for label in _DOTS.split(unquote(host, errors="replace")):
        if not label.isascii():
            try:
                label = _to_ascii(label)
            except UnicodeError:
                return False
        label = label.lower()
        if not _punycode_ok(label) or any(c in _FORBIDDEN_DOMAIN for c in label):
            return False
        labels.append(label)
    if labels == [""]:
        return False
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    if not _ends_in_number(labels[-1]):
        return True
    if len(labels) > 4:
        return False
    numbers = [_ipv4_number(label) for label in labels]
    if any(n is None or n > 255 for n in numbers[:-1]):
        return False
    last = numbers[-1]
    return last is not None and last < 256 ** (5 - len(numbers))


def _punycode_ok(label: str) -> bool:
    """An xn-- label must decode to a valid non-ASCII label (UTS 46 section 4.1)."""
    if not label.startswith("xn--"):
        return True
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        _to_ascii(decoded)
    except UnicodeError:
        return False
    return bool(decoded) and not decoded.isascii()


def _to_ascii(label: str) -> str:
    """IDNA ToASCII of one label without its 63-character limit (the URL standard does not check
    DNS lengths); raises UnicodeError for a label IDNA forbids."""
    prepped = idna.nameprep(label)
    return prepped if prepped.isascii() else "xn--" + prepped.encode("punycode").decode("ascii")


def _ends_in_number(label: str) -> bool:
    """The URL standard's "ends in a number", given the last label: decimal digits, or 0x and
    hex digits."""
    if label.isascii() and label.isdigit():
        return True
    return label[:2] in ("0x", "0X") and all(c in "0123456789abcdefABCDEF" for c in label[2:])


def _ipv4_number(part: str) -> int | None:
    """One part of an IPv4 address: decimal, 0x hexadecimal or 0 octal; None when it is not."""
    if not part:
        return None
    digits, base = part, 10
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    if not all(c in _DIGITS[base] for c in digits):
        return None
    return int(digits, base) if digits else 0
