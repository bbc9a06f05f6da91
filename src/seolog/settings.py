"""Every scan and gate setting, declared once.

A setting's name is at the same time its config key (`[scan] max_pages`), the keyword a Python
caller passes (`seolog.scan(url, max_pages=50)`), and the stem of its flag (`--max-pages`) and of
its environment variable (`SEOLOG_SCAN_MAX_PAGES`). The Typer options of `seolog scan`, the
validation of the config files, `seolog config show` and the resolved `CrawlSettings` all derive
from the list below, so adding a setting is one entry here, and nothing can drift apart.

Renaming a setting keeps the old name working: list it in `old_names` and it is still read (from
a file, the environment or a keyword), with a deprecation line naming the new one.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seolog import config
from seolog.domain import Severity
from seolog.urls import origin_key, origin_text

CRAWL = "Crawl"
EXTERNAL = "External links and resources"
ACCESS = "Access (staging sites)"
AUDIT = "Audit and gates"
RENDERING = "Rendering (JavaScript sites)"
LAB = "Lab scores (Lighthouse)"

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class Kind(StrEnum):
    """How a value is written in a file, a flag or the environment, and what it becomes."""

    INT = "whole number"
    FLOAT = "number"
    BOOL = "true or false"
    STR = "text"
    PATTERNS = "list of regular expressions"
    HOSTS = "list of host names"  # example.com: that host and its subdomains
    ORIGINS = "list of origins"  # https://cdn.example.com:8443: scheme, host and port only
    FILE = "file path"  # made absolute where it is given, so a resumed scan finds it
    SIZE = "size"  # bytes, or a number with a unit: 500k, 5M
    SEVERITY = "severity"  # error, warning or notice
    RENDER = "render mode"  # auto, always or never
    LAB_GATES = "table of lab score minimums"  # performance = 80: the lowest page's score
    ASSERTIONS = "table of check assertions"  # [gates.checks]: CODE or glob → max and level


class BadValue(ValueError):
    """A value of the wrong shape; the caller names where it came from (file, variable, flag)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Setting:
    section: str  # "scan" or "gates": the config file table it lives in
    name: str
    kind: Kind
    default: Any  # None: unset, the behaviour the help text describes
    help: str
    panel: str
    short: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    metavar: str | None = None
    crawl_field: str | None = None  # the CrawlSettings field it sets, when it is a crawl knob
    old_names: tuple[str, ...] = ()  # earlier names, still read with a deprecation line
    flag_name: str | None = None  # the flag, when it is not --NAME (--assert for gates.checks)

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def flag(self) -> str:
        return self.flag_name or "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return self.env_for(self.name)

    def env_for(self, name: str) -> str:
        """The environment variable for this setting under `name` (its own, or an old one)."""
        return f"SEOLOG_{self.section.upper()}_{name.upper()}"

    def default_value(self) -> Any:
        """The default in its one type (a size in bytes, a fresh list)."""
        return None if self.default is None else self.parse(self.default)

    def example(self) -> str:
        """A value of the right shape, for hints."""
        if self.default is not None and self.kind not in (Kind.PATTERNS, Kind.HOSTS, Kind.ORIGINS):
            return json.dumps(self.default) if self.kind is not Kind.BOOL else "true"
        return {
            Kind.INT: "10",
            Kind.FLOAT: "2.5",
            Kind.STR: '"text"',
            Kind.PATTERNS: '["/blog/"]',
            Kind.HOSTS: '["facebook.com"]',
            Kind.ORIGINS: '["https://cdn.example.com"]',
            Kind.FILE: '"staging-ca.pem"',
            Kind.SEVERITY: '"error"',
            Kind.RENDER: '"auto"',
            Kind.LAB_GATES: "{ performance = 80 }",
            Kind.ASSERTIONS: "{ link-broken = { max = 0 } }",
        }.get(self.kind, "true")

    def expected(self) -> str:
        """What a value must be, in words, range included: "an integer ≥ 1"."""
        words = {
            Kind.INT: "an integer",
            Kind.FLOAT: "a number",
            Kind.BOOL: "true or false",
            Kind.STR: "text in quotes",
            Kind.PATTERNS: "a list of regular expressions in quotes",
            Kind.HOSTS: "a list of host names in quotes",
            Kind.ORIGINS: "a list of origins (scheme://host[:port]) in quotes",
            Kind.FILE: "a file path in quotes",
            Kind.SIZE: "a size such as 500k or 5M",
            Kind.SEVERITY: "error, warning or notice",
            Kind.RENDER: "auto, always or never",
            Kind.LAB_GATES: "a table of category = minimum score (0-100)",
            Kind.ASSERTIONS: 'a table of CODE = { max = N, level = "error" | "warn" | "off" }',
        }[self.kind]
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"{words} from {_num(low)} to {_num(high)}"
        if low is not None:
            return f"{words} ≥ {_num(low)}"
        if high is not None:
            return f"{words} ≤ {_num(high)}"
        return words

    def parse(self, value: Any, name: str | None = None) -> Any:
        """A value from a TOML file, a flag or a keyword, checked and brought to its one type.
        `name` is what the user wrote (`scan.exclude`, `--exclude`, SEOLOG_SCAN_EXCLUDE), for
        the message."""
        name = name or self.key
        kind = self.kind
        if kind is Kind.BOOL:
            ok = isinstance(value, bool)
        elif kind is Kind.INT:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind is Kind.FLOAT:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
            if ok and not math.isfinite(value):  # nan and inf parse as floats, mean nothing here
                raise BadValue(f"{name} must be a finite number", f"e.g. {self.example()}")
        elif kind is Kind.STR:
            ok = isinstance(value, str)
        elif kind is Kind.PATTERNS:
            # A copy: a caller changing the list must not change the default or the config.
            value = list(value) if isinstance(value, list | tuple) else value
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif kind is Kind.HOSTS:
            return _hosts(value, name, self)
        elif kind is Kind.ORIGINS:
            return _origins(value, name, self)
        elif kind is Kind.FILE:
            return _file(value, name, self)
        elif kind is Kind.SIZE:
            return _size(value, name)
        elif kind is Kind.ASSERTIONS:
            return parse_assertions(value, name)
        elif kind is Kind.RENDER:
            return _render_mode(value, name)
        elif kind is Kind.LAB_GATES:
            return parse_lab_gates(value, name)
        else:  # Kind.SEVERITY
            return _severity(value, name)
        if not ok:
            raise BadValue(
                f"{name}: expected {self.expected()}, got {shown(value)}",
                f"e.g. {self.name} = {self.example()}",
            )
        if kind is Kind.STR and config.CONTROL.search(value):
            # --user-agent with a line break: a header injection the HTTP library refuses
            # later, which read as "cannot reach"; the value is not repeated.
            raise BadValue(
                f"{name} holds a line break or control character",
                "give it on one line, without line breaks or control characters",
            )
        if kind is Kind.PATTERNS:
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as e:
                    raise BadValue(
                        f"invalid {name} pattern {pattern!r} ({e})",
                        "escape special characters, e.g. \\? for a literal ?",
                    ) from e
        self._check_range(value, name)
        return value

    def parse_text(self, text: str) -> Any:
        """A value from an environment variable: everything arrives as text."""
        kind = self.kind
        raw: Any = text.strip()
        try:
            if kind is Kind.BOOL:
                if raw.lower() not in _TRUE + _FALSE:
                    raise ValueError
                raw = raw.lower() in _TRUE
            elif kind is Kind.INT:
                raw = int(raw)
            elif kind is Kind.FLOAT:
                raw = float(raw)
            elif kind is Kind.PATTERNS:
                # A JSON list, or one pattern: commas and spaces are regex characters.
                raw = json.loads(raw) if raw.startswith("[") else [raw]
            elif kind is Kind.HOSTS:
                # A JSON list, or hosts separated by commas or spaces (a host has neither).
                raw = json.loads(raw) if raw.startswith("[") else re.split(r"[,\s]+", raw)
                raw = [host for host in raw if host] if isinstance(raw, list) else raw
            elif kind is Kind.ORIGINS:
                # A JSON list, or origins separated by commas or spaces (an origin has neither).
                raw = json.loads(raw) if raw.startswith("[") else re.split(r"[,\s]+", raw)
                raw = [origin for origin in raw if origin] if isinstance(raw, list) else raw
            elif kind is Kind.ASSERTIONS:
                # As the flag takes them, separated by commas or spaces: codes have neither.
                raw = split_assertions(raw)
            elif kind is Kind.LAB_GATES:
                raw = [part for part in re.split(r"[,\s]+", raw) if part]
        except ValueError as e:
            raise BadValue(
                f"{self.env}={text!r} is not a {kind.value}",
                f"e.g. {self.env}={_env_example(self)}",
            ) from e
        return self.parse(raw, self.env)

    def _check_range(self, value: Any, name: str) -> None:
        low, high = self.minimum, self.maximum
        if value is None or (low is None and high is None):
            return
        if (low is not None and value < low) or (high is not None and value > high):
            span = (
                f"{_num(low)}-{_num(high)}"
                if low is not None and high is not None
                else f"at least {_num(low)}"
                if low is not None
                else f"at most {_num(high)}"
            )
            raise BadValue(
                f"{name} must be {span}, not {shown(value)}",
                f"e.g. {self.name} = {self.example()}",
            )


def _num(value: float | None) -> str:
    return f"{value:g}"


def _env_example(setting: Setting) -> str:
    return {
        Kind.BOOL: "true",
        Kind.PATTERNS: '\'["/blog/", "/news/"]\'',
        Kind.HOSTS: "facebook.com,twitter.com",
        Kind.ORIGINS: "https://cdn.example.com,https://auth.example.com",
        Kind.FILE: "/etc/ssl/staging-ca.pem",
        Kind.SIZE: "5M",
        Kind.SEVERITY: "error",
        Kind.RENDER: "auto",
        Kind.LAB_GATES: "performance=80,seo=90",
        Kind.ASSERTIONS: "'link-broken=max:0,image-*=warn'",
    }.get(setting.kind, str(setting.default if setting.default is not None else 10))


def _size(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        size = parse_size(value)
        if size is not None and size > 0:
            return size
    raise BadValue(
        f"{name}: {value!r} is not a size",
        "use bytes or a number with a unit, e.g. 500k or 5M",
    )


_HOST_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$")


def _strings(value: Any, name: str, setting: Setting) -> list[str]:
    """A list of strings as given: one string alone (as a Python caller may pass it) is a list
    of one; anything else is refused with an example."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise BadValue(
            f"{name}: expected {setting.expected()}, got {shown(value)}",
            f"e.g. {setting.name} = {setting.example()}",
        )
    return list(value)


def _hosts(value: Any, name: str, setting: Setting) -> list[str]:
    """Host names, lower-cased, without a leading `*.` or `.` (a host always covers its
    subdomains). A URL or a host with a port is refused with the host it should have been."""
    hosts: list[str] = []
    for raw in _strings(value, name, setting):
        host = raw.strip().lower().rstrip(".")
        if host == "*":  # every other host: only the site's own resources are checked
            if host not in hosts:
                hosts.append(host)
            continue
        host = host[2:] if host.startswith("*.") else host.lstrip(".")
        if not host:
            continue
        try:
            ascii_host = host.encode("idna").decode("ascii")  # bücher.de → xn--bcher-kva.de
        except UnicodeError:
            ascii_host = ""
        if not ascii_host or not all(_HOST_LABEL.match(p) for p in ascii_host.split(".")):
            bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/")[0].split(":")[0]
            example = bare if bare and bare != host else "facebook.com"
            raise BadValue(
                f"{name} {raw!r} is not a host name",
                f"give the host alone (it covers its subdomains), e.g. {example}",
            )
        if ascii_host not in hosts:
            hosts.append(ascii_host)
    return hosts


def _origins(value: Any, name: str, setting: Setting) -> list[str]:
    """Origins credentials may also go to, each brought to scheme://host[:port] (the port only
    when it is not the default). A path, a query or user info is refused: an origin is the
    whole of what credentials are scoped by, nothing narrower, and a password in it would end up
    in the stored settings. A value with user info is never repeated in the message."""
    origins: list[str] = []
    for raw in _strings(value, name, setting):
        text = raw.strip()
        if not text:
            continue  # an unset CI variable (`--auth-origin "$CDN"`): none
        parts = urlsplit(text) if text.isprintable() else None
        origin = origin_key(text) if parts is not None else None
        if (
            parts is None
            or origin is None
            or "@" in parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or text.endswith(("?", "#"))
        ):
            said = "" if "@" in text or not text.isprintable() else f" {text!r}"
            raise BadValue(
                f"{name}{said} is not an origin (scheme://host[:port], no path, no user info)",
                "e.g. --auth-origin https://auth.example.com or http://127.0.0.1:8081",
            )
        if origin_text(origin) not in origins:
            origins.append(origin_text(origin))
    return origins


def _file(value: Any, name: str, setting: Setting) -> str | None:
    """A path made absolute (and `~` expanded) from the working directory; empty means unset,
    as CI passes `--ca-bundle "$STAGING_CA"` whether or not the variable is set. Whether the
    file exists and what it holds is checked by whoever reads it, when a scan needs it."""
    if not isinstance(value, str):
        raise BadValue(
            f"{name}: expected {setting.expected()}, got {shown(value)}",
            f"e.g. {setting.name} = {setting.example()}",
        )
    if not value.strip():
        return None
    return os.path.abspath(Path(value.strip()).expanduser())


def _severity(value: Any, name: str) -> str:
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, str) and value in Severity.__members__.values():
        return value
    raise BadValue(f"{name} must be error, warning or notice", 'e.g. "error"')


def _render_mode(value: Any, name: str) -> str:
    value = getattr(value, "value", value)  # the CLI's choice enum
    if isinstance(value, str) and value in config.RENDER_MODES:
        return value
    raise BadValue(
        f"{name} must be auto, always or never, got {shown(value)}",
        'e.g. "auto" (render pages that look like JavaScript app shells)',
    )


LAB_CATEGORIES = ("performance", "accessibility", "best_practices", "seo")


def parse_lab_gates(value: Any, name: str) -> dict[str, int] | None:
    """`performance=80` flags (or a list of them), or a TOML table { performance = 80 }: the
    lowest score a measured page may have, per Lighthouse category. `best-practices` and
    `best_practices` are one category."""
    if value is None:
        return None
    pairs: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        for item in value:
            category, sep, number = item.partition("=")
            if not sep:
                raise BadValue(f"{name}: {item!r} is not CATEGORY=SCORE", "e.g. performance=80")
            pairs.append((category, number))
    else:
        raise BadValue(
            f"{name}: expected a table of category = score, got {shown(value)}",
            "e.g. fail_under_lab = { performance = 80, seo = 90 }",
        )
    gates: dict[str, int] = {}
    for category, number in pairs:
        key = str(category).strip().lower().replace("-", "_")
        if key not in LAB_CATEGORIES:
            raise BadValue(
                f"{name}: unknown lab category {category!r}",
                "use performance, accessibility, best-practices or seo",
            )
        try:
            score = int(str(number).strip()) if not isinstance(number, bool) else -1
        except ValueError:
            score = -1
        if not 0 <= score <= 100:
            raise BadValue(
                f"{name}: {category} must be a score from 0 to 100, got {shown(number)}",
                f"e.g. {category}=80",
            )
        gates[key] = score
    return gates


def shown(value: Any) -> str:
    """A value as the user wrote it in TOML or JSON ("lots", 5, [1]), kept short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Assertions ([gates.checks], --assert): the number of issues a check may have in a scan.
# The levels are Lighthouse CI's: error fails the gate, warn prints a warning, off switches
# a broader glob off for one code (or a profile switches off what the file asserts).
LEVELS = {"error": "error", "warn": "warn", "warning": "warn", "off": "off"}
ASSERTION_SPEC = "max:N (at most N issues), error, warn or off, or both: max:N:warn"
_PATTERN = re.compile(r"^[a-z0-9*?\[\]!-]+$")


def parse_assertions(value: Any, name: str) -> dict[str, dict[str, Any]]:
    """Assertions from a TOML table (`{ "image-*" = "error", link-broken = { max = 0 } }`), a
    flag's `CODE=SPEC` strings, or one such string, brought to {pattern: {max, level}}. Only
    the shape is checked here; whether a code or glob names a check is the caller's to check
    (the registry sits above this module)."""
    if isinstance(value, str):
        value = split_assertions(value)
    items: list[tuple[str, Any, str]] = []  # (pattern, spec, the name errors give it)
    if isinstance(value, list | tuple):
        for item in value:
            if not isinstance(item, str) or "=" not in item:
                raise BadValue(
                    f"{name} {shown(item)}: expected CODE=SPEC",
                    f"SPEC is {ASSERTION_SPEC}; e.g. link-broken=max:0 or 'image-*=warn'",
                )
            pattern, _sep, spec = item.partition("=")
            items.append((pattern.strip(), spec.strip(), f"{name} {item.strip()!r}"))
        hint = f"SPEC is {ASSERTION_SPEC}; e.g. --assert link-broken=max:0"
    elif isinstance(value, dict):
        for pattern, spec in value.items():
            shown_key = pattern if _PLAIN.match(str(pattern)) else shown(pattern)
            items.append((pattern, spec, f"{name}.{shown_key}"))
        hint = (
            'e.g. link-broken = { max = 0 }, title-too-long = { max = 10, level = "warn" } '
            'or "image-*" = "error"'
        )
    else:
        raise BadValue(
            f"{name}: expected a table of CODE = LEVEL or {{ max = N, level = ... }}, "
            f"got {shown(value)}",
            'e.g. [gates.checks] link-broken = { max = 0 } and "image-*" = "warn"',
        )
    parsed: dict[str, dict[str, Any]] = {}
    for pattern, spec, where in items:
        if not isinstance(pattern, str) or not _PATTERN.match(pattern):
            raise BadValue(
                f"{where}: {shown(pattern)} is not a check code or glob",
                "codes are kebab-case (see `seolog checks list`); globs use * and ?, e.g. image-*",
            )
        parsed[pattern] = _assertion(spec, where, hint)
    return parsed


_PLAIN = re.compile(r"^[a-z0-9-]+$")


def split_assertions(text: str) -> list[str]:
    """`CODE=SPEC` items from one string, separated by commas or spaces (codes have neither)."""
    return [part for part in re.split(r"[,\s]+", text) if part]


def _assertion(spec: Any, name: str, hint: str) -> dict[str, Any]:
    if isinstance(spec, bool):
        raise BadValue(f"{name}: expected a level or a max, got {shown(spec)}", hint)
    if isinstance(spec, int):
        return _checked(spec, "error", name, hint)
    if isinstance(spec, str):
        return _spec_text(spec, name, hint)
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - {"max", "level"})
        if unknown:
            raise BadValue(f"{name}: unknown key {unknown[0]!r} (keys: max, level)", hint)
        level = spec.get("level", "error")
        if not isinstance(level, str) or level.lower() not in LEVELS:
            raise BadValue(f"{name}.level: expected error, warn or off, got {shown(level)}", hint)
        return _checked(spec.get("max", 0), LEVELS[level.lower()], name, hint)
    raise BadValue(f"{name}: expected a level or a max, got {shown(spec)}", hint)


_DIGITS = re.compile(r"[0-9]+")


def _spec_text(text: str, name: str, hint: str) -> dict[str, Any]:
    """`max:N`, `N`, `error|warn|off`, or a max and a level in either order: `max:3:warn`."""
    tokens = [t.strip().lower() for t in text.split(":")]
    most: Any = None
    level: str | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "max" and i + 1 < len(tokens) and most is None:
            token, i = tokens[i + 1], i + 1
        if _DIGITS.fullmatch(token) and most is None:  # ASCII only: int('²') fails
            most = int(token)
        elif token in LEVELS and level is None:
            level = LEVELS[token]
        else:
            raise BadValue(f"{name}: {shown(text)} is not max:N, error, warn or off", hint)
        i += 1
    if most is None and level is None:
        raise BadValue(f"{name}: {shown(text)} is not max:N, error, warn or off", hint)
    return _checked(0 if most is None else most, level or "error", name, hint)


def _checked(most: Any, level: str, name: str, hint: str) -> dict[str, Any]:
    if not isinstance(most, int) or isinstance(most, bool) or most < 0:
        raise BadValue(f"{name}.max: expected an integer ≥ 0, got {shown(most)}", hint)
    return {"max": most, "level": level}


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, **{u + s: 1024**p for p, u in ((1, "k"), (2, "m"), (3, "g"))
                            for s in ("", "b", "ib")}}  # fmt: skip


def parse_size(value: str) -> int | None:
    """'5M', '500k', '2MiB' or plain bytes; None when it is not a size."""
    m = _SIZE.match(value)
    unit = (m.group(2) or "").lower() if m else None
    if m is None or unit not in _UNITS:
        return None
    return int(float(m.group(1)) * _UNITS[unit])


def _scan(name: str, kind: Kind, default: Any, help: str, **more: Any) -> Setting:
    more.setdefault("panel", CRAWL)
    crawl_field = more.pop("crawl_field", name)
    return Setting("scan", name, kind, default, help, crawl_field=crawl_field, **more)


SETTINGS: tuple[Setting, ...] = (
    _scan("max_pages", Kind.INT, config.DEFAULT_MAX_PAGES, "Stop after this many URLs.", minimum=1),
    _scan(
        "max_depth",
        Kind.INT,
        None,
        "Follow links at most this many clicks from the start.",
        minimum=0,
    ),
    _scan(
        "concurrency",
        Kind.INT,
        config.DEFAULT_CONCURRENCY,
        "Parallel requests.",
        short="-c",
        minimum=1,
        maximum=64,
    ),
    _scan(
        "workers",
        Kind.INT,
        None,
        "Page worker processes (parsing, checks, storage); default: one per core, the second "
        "and later started only when the first falls behind.",
        minimum=1,
        maximum=64,
    ),
    _scan("rate", Kind.FLOAT, None, "At most this many requests per second.", minimum=0.01),
    _scan(
        "timeout",
        Kind.FLOAT,
        config.DEFAULT_TIMEOUT,
        "Seconds to wait for each response.",
        minimum=0.1,
    ),
    _scan("max_time", Kind.FLOAT, None, "Stop crawling after this many seconds.", minimum=1),
    _scan(
        "max_body_size",
        Kind.SIZE,
        "5M",
        "Largest HTML body read, e.g. 5M.",
        crawl_field="max_body_bytes",
    ),
    _scan(
        "retries",
        Kind.INT,
        config.DEFAULT_RETRIES,
        "Retries on connection errors, 429 and 503.",
        minimum=0,
        maximum=10,
    ),
    _scan(
        "reprobe",
        Kind.INT,
        config.DEFAULT_REPROBE,
        "After the crawl, time this many of the slowest pages again, alone; only pages still "
        "slow then get slow-response (0: none).",
        minimum=0,
        maximum=1000,
    ),
    _scan("include", Kind.PATTERNS, [], "Only crawl URLs matching this regex (repeatable)."),
    _scan("exclude", Kind.PATTERNS, [], "Skip URLs matching this regex (repeatable)."),
    _scan("subdomains", Kind.BOOL, False, "Also crawl subdomains of the start host."),
    _scan("ignore_robots", Kind.BOOL, False, "Do not obey robots.txt (prints a warning)."),
    _scan(
        "sitemaps",
        Kind.BOOL,
        True,
        "Seed the crawl from the sitemaps robots.txt names (or /sitemap.xml).",
        old_names=("use_sitemaps",),
    ),
    _scan("store_html", Kind.BOOL, False, "Keep each page's HTML in the database."),
    _scan(
        "render",
        Kind.RENDER,
        "never",
        "Load pages in headless Chromium and audit the rendered DOM: always, never, or auto "
        "(only pages whose raw HTML looks like a JavaScript app shell). The raw HTML is "
        "compared with the rendered page (render-* checks).",
        panel=RENDERING,
        metavar="MODE",
    ),
    _scan(
        "lab",
        Kind.BOOL,
        False,
        "After the audit, run Lighthouse on a sample of the pages (one per template) and store "
        "their performance, accessibility, best-practices and SEO scores and lab metrics.",
        panel=LAB,
    ),
    _scan(
        "lab_pages",
        Kind.INT,
        None,
        "Measure this many pages with --lab (default: one page per template).",
        panel=LAB,
        minimum=1,
        maximum=500,
    ),
    _scan(
        "desktop",
        Kind.BOOL,
        False,
        "Measure with Lighthouse's desktop settings instead of a mobile phone.",
        panel=LAB,
    ),
    _scan(
        "lighthouse",
        Kind.STR,
        None,
        "The Lighthouse command for --lab (default: SEOLOG_LIGHTHOUSE, else lighthouse on "
        "PATH, else npx).",
        panel=LAB,
        metavar="PATH",
    ),
    _scan(
        "render_timeout",
        Kind.FLOAT,
        config.DEFAULT_RENDER_TIMEOUT,
        "Seconds a page may take to load and settle in the browser.",
        panel=RENDERING,
        minimum=1,
        maximum=300,
    ),
    _scan(
        "render_concurrency",
        Kind.INT,
        config.DEFAULT_RENDER_CONCURRENCY,
        "Pages rendered at once (one browser context each).",
        panel=RENDERING,
        minimum=1,
        maximum=16,
    ),
    _scan(
        "render_third_party",
        Kind.BOOL,
        False,
        "Let the browser load scripts and data from other hosts (blocked by default; the "
        "site's own requests always obey robots.txt).",
        panel=RENDERING,
    ),
    _scan(
        "browser",
        Kind.STR,
        None,
        "The Chromium or Chrome to render with: a path, or a name on PATH (default: "
        "SEOLOG_BROWSER, else chromium on PATH).",
        panel=RENDERING,
        metavar="PATH",
    ),
    _scan(
        "external",
        Kind.BOOL,
        True,
        "Check external links and page resources (images, CSS, JS, iframes): each distinct "
        "URL once per scan, never crawled. --no-external skips them all.",
        panel=EXTERNAL,
    ),
    _scan(
        "max_external",
        Kind.INT,
        config.DEFAULT_MAX_EXTERNAL,
        "Check at most this many distinct external URLs and resources per scan (0: none), "
        "e.g. --max-external 2000.",
        panel=EXTERNAL,
        minimum=0,
    ),
    _scan(
        "external_per_host",
        Kind.INT,
        config.DEFAULT_EXTERNAL_PER_HOST,
        "Requests at once to any one other host, e.g. --external-per-host 1 for a fragile server.",
        panel=EXTERNAL,
        minimum=1,
        maximum=16,
    ),
    _scan(
        "external_skip",
        Kind.HOSTS,
        [],
        "Never check links to this host or its subdomains (repeatable), e.g. "
        "--external-skip facebook.com; '*' for every other host (the site's own images, CSS "
        "and JS are still checked).",
        panel=EXTERNAL,
        metavar="HOST",
    ),
    _scan(
        "user_agent",
        Kind.STR,
        None,
        "User-Agent header (default names seolog).",
        panel=ACCESS,
    ),
    _scan(
        "auth_origins",
        Kind.ORIGINS,
        [],
        "Also send --auth, --header and --cookie to this origin (repeatable), e.g. "
        "--auth-origin https://auth.example.com. Without it they go to the start URL's origin "
        "only (and its https:// twin when it redirects there): never to sitemap hosts, "
        "subdomains, redirect targets or links elsewhere.",
        panel=ACCESS,
        metavar="URL",
        flag_name="--auth-origin",
    ),
    _scan(
        "ca_bundle",
        Kind.FILE,
        None,
        "Also trust the CA certificates in this PEM file (a staging site's private CA), on top "
        "of the public ones, so external links still verify; e.g. --ca-bundle ./staging-ca.pem. "
        "Without it, the file SSL_CERT_FILE (else REQUESTS_CA_BUNDLE) names is read, if set.",
        panel=ACCESS,
        metavar="FILE",
    ),
    _scan(
        "insecure",
        Kind.BOOL,
        False,
        "Do not verify TLS certificates at all (prints a warning); prefer --ca-bundle.",
        panel=ACCESS,
    ),
    _scan(
        "sync",
        Kind.BOOL,
        False,
        "Afterwards, push the scan to the hosted platform (see `seolog sync push`; needs "
        "`seolog auth login` or SEOLOG_API_KEY and SEOLOG_API_URL).",
        panel=AUDIT,
        crawl_field=None,
    ),
    Setting(
        "gates",
        "fail_under",
        Kind.INT,
        None,
        "Exit 1 when the site score is below N (after writing the output).",
        AUDIT,
        minimum=0,
        maximum=100,
    ),
    Setting(
        "gates",
        "fail_on",
        Kind.SEVERITY,
        None,
        "Exit 1 when any issue is at or above this severity.",
        AUDIT,
    ),
    Setting(
        "gates",
        "fail_under_lab",
        Kind.LAB_GATES,
        None,
        "With --lab: exit 1 when a measured page scores below this in a Lighthouse category "
        "(repeatable), e.g. --fail-under-lab performance=80 --fail-under-lab seo=90.",
        AUDIT,
        metavar="CATEGORY=N",
    ),
    Setting(
        "gates",
        "fail_on_new",
        Kind.BOOL,
        False,
        "With --baseline: exit 1 only for issues the baseline does not have "
        "(at or above --fail-on, default any).",
        AUDIT,
    ),
    Setting(
        "gates",
        "baseline",
        Kind.STR,
        None,
        "The accepted state: a scan JSON file (--format json) or a stored scan's ID.",
        AUDIT,
        metavar="FILE|SCAN_ID",
    ),
    Setting(
        "gates",
        "checks",
        Kind.ASSERTIONS,
        None,
        "Assert at most N issues of a check: CODE=max:N (exit 1 above it), CODE=max:N:warn "
        "(a warning only), CODE=error (max 0) or CODE=off. CODE may be a glob such as "
        "'image-*'; an exact code wins over a glob. Repeatable; adds to [gates.checks].",
        AUDIT,
        metavar="CODE=SPEC",
        flag_name="--assert",
    ),
)

SECTIONS = ("scan", "gates")


def in_section(section: str) -> tuple[Setting, ...]:
    return tuple(s for s in SETTINGS if s.section == section)


def lookup(section: str | None, name: str) -> tuple[Setting | None, bool]:
    """The setting a key names in a section (None: in any, as for a flag or keyword; names are
    unique), and whether the key is a deprecated old name."""
    candidates = [s for s in SETTINGS if section is None or s.section == section]
    for s in candidates:
        if s.name == name:
            return s, False
    for s in candidates:
        if name in s.old_names:
            return s, True
    return None, False


def deprecation(setting: Setting, old: str, where: str) -> str:
    return (
        f"{where}: {setting.section}.{old} is deprecated and will be removed; call it {setting.key}"
    )
