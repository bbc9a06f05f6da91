"""Settings: where seolog keeps its data and how a crawl behaves, with documented defaults."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from seolog import __version__

DEFAULT_USER_AGENT = (
    f"Mozilla/5.0 (compatible; seolog/{__version__}; +https://pypi.org/project/seolog/)"
)
# Robots.txt groups are matched on the product token, not the whole User-Agent string.
ROBOTS_AGENT = "seolog"

# Defaults, with the reasoning that picked them.
DEFAULT_CONCURRENCY = 8  # loopback measurements: httpx is fastest at 4-8 connections per host
DEFAULT_TIMEOUT = (
    20.0  # seconds per request; slow CMS pages still answer, dead hosts fail fast enough
)
DEFAULT_MAX_PAGES = 10_000  # a whole small-business site; raise it for big sites
DEFAULT_MAX_BODY = 5 * 1024 * 1024  # 5 MiB: larger than nearly any real HTML page
DEFAULT_REPROBE = 20  # slow pages re-timed after the crawl: a few seconds on a slow site
DEFAULT_RETRIES = 2  # connection errors, 429 and 503 are retried this many times
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After ends the retries for that URL
# External links and resources: each distinct URL is checked once per scan, at most this many
# (a site linking to 100,000 other pages gets a note, not an hour-long check), and never more than
# EXTERNAL_PER_HOST requests at once to one host (other people's servers: be polite).
DEFAULT_MAX_EXTERNAL = 10_000
DEFAULT_EXTERNAL_PER_HOST = 2
DEFAULT_RENDER_TIMEOUT = 20.0  # seconds a page may take to load and settle in the browser
DEFAULT_RENDER_CONCURRENCY = 2  # pages in the browser at once: Chromium is heavy on 2 cores
RENDER_MODES = ("auto", "always", "never")


# Control characters a header value cannot carry (a tab may: RFC 9110 field values allow it).
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# A header name is an RFC 9110 token.
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_COMPATIBLE = re.compile(r"compatible;\s*([A-Za-z][\w-]*)")
_PRODUCT = re.compile(r"\s*([A-Za-z][\w-]*)")


def robots_token(user_agent: str) -> str:
    """The crawler's name as robots.txt groups and robots meta tags address it, lowercased: the product after
    "compatible;" as crawlers write it ("Mozilla/5.0 (compatible; AcmeAudit/2.0)" is
    "acmeaudit", as Googlebot's is "googlebot"), else the first product ("AcmeAudit/2.0")."""
    m = _COMPATIBLE.search(user_agent) or _PRODUCT.match(user_agent)
    return m.group(1).lower() if m else ROBOTS_AGENT


def seolog_home() -> Path:
    """Config, data and cache all live under SEOLOG_HOME so tests and users can relocate them."""
    env = os.environ.get("SEOLOG_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("seolog", appauthor=False))


def user_config_path() -> Path:
    """The user's own config file, below every project's: `$SEOLOG_HOME/config.toml` when
    SEOLOG_HOME is set (tests, containers), else the platform's config folder
    (~/.config/seolog/config.toml on Linux)."""
    env = os.environ.get("SEOLOG_HOME")
    if env:
        return Path(env).expanduser() / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("seolog", appauthor=False)) / "config.toml"


def database_url(explicit: str | None = None) -> str:
    """--db beats SEOLOG_DATABASE_URL beats the SQLite file in SEOLOG_HOME. A plain file path
    (no `scheme://`) means a SQLite file there."""
    given = explicit or os.environ.get("SEOLOG_DATABASE_URL")
    if given:
        return given if "://" in given else f"sqlite:///{Path(given).expanduser().absolute()}"
    return f"sqlite:///{seolog_home() / 'seolog.db'}"


@dataclass
class CrawlSettings:
    """How one scan crawls. Stored with the scan (minus secrets) so a resume crawls the same way."""

    concurrency: int = DEFAULT_CONCURRENCY
    # Page worker processes; None: one per core, more than one only when the first falls behind.
    workers: int | None = None
    rate: float | None = None  # requests per second across the crawl; None = as fast as allowed
    timeout: float = DEFAULT_TIMEOUT
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int | None = None
    max_time: float | None = None  # seconds for the whole crawl
    max_body_bytes: int = DEFAULT_MAX_BODY
    retries: int = DEFAULT_RETRIES
    retry_backoff: float = 0.5  # seconds before the first retry; doubles each time
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    subdomains: bool = False
    ignore_robots: bool = False
    sitemaps: bool = True  # seed from sitemaps (stored as `use_sitemaps` before 0.2)
    store_html: bool = False
    reprobe: int = DEFAULT_REPROBE  # slow pages timed again alone after the crawl
    user_agent: str = DEFAULT_USER_AGENT
    external: bool = True  # check external links and every page's resources (--no-external)
    max_external: int = DEFAULT_MAX_EXTERNAL  # distinct URLs checked, at most
    external_per_host: int = DEFAULT_EXTERNAL_PER_HOST  # requests at once to one other host
    external_skip: list[str] = field(default_factory=list)  # hosts never checked (and subdomains)
    ca_bundle: str | None = None  # PEM file of CAs to trust (a staging site's private CA)
    insecure: bool = False  # do not verify TLS certificates at all (warned about)
    # Origins (scheme://host[:port]) that also get the credentials below, besides the start
    # URL's (--auth-origin); not secret, so stored and kept by a resume.
    auth_origins: list[str] = field(default_factory=list)
    folder: str | None = None  # a local folder served for the crawl; start URL is its --base-url
    # Rendering in headless Chromium (seolog.browser): "never", "always", or "auto" (app shells).
    render: str = "never"
    render_timeout: float = DEFAULT_RENDER_TIMEOUT
    render_concurrency: int = DEFAULT_RENDER_CONCURRENCY
    render_third_party: bool = False  # let the browser load other hosts' scripts and data
    browser: str | None = None  # the Chromium to render with; None: SEOLOG_BROWSER, else PATH
    # Lab scores after the audit (seolog.services.lab): Lighthouse on a sample of the pages.
    lab: bool = False
    lab_pages: int | None = None  # None: one page per template
    desktop: bool = False  # Lighthouse's desktop preset (mobile by default)
    lighthouse: str | None = None  # None: SEOLOG_LIGHTHOUSE, else lighthouse on PATH, else npx
    thresholds: dict[str, int] = field(default_factory=dict)  # the audit's, as overridden
    audit_rules: dict[str, Any] = field(
        default_factory=dict
    )  # disabled checks, severities, ignores
    # Secrets: never stored with the scan (see to_stored), never in a repr or a traceback.
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    cookies: dict[str, str] = field(default_factory=dict, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)

    SECRET_FIELDS = ("headers", "cookies", "auth")

    def to_stored(self) -> dict[str, Any]:
        """The settings as saved with a scan: secrets reduced to names so they never hit the disk."""
        data = asdict(self)
        data["headers"] = sorted(self.headers)
        data["cookies"] = sorted(self.cookies)
        data["auth"] = self.auth[0] if self.auth else None
        # The old name of `sitemaps`, kept for scripts reading `scan.settings` (see CHANGELOG).
        data["use_sitemaps"] = self.sitemaps
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> CrawlSettings:
        known = {f.name for f in fields(cls)} - set(cls.SECRET_FIELDS)
        values = {k: v for k, v in data.items() if k in known}
        if "sitemaps" not in values and "use_sitemaps" in data:  # stored before the rename
            values["sitemaps"] = data["use_sitemaps"]
        return cls(**values)


@dataclass(frozen=True)
class Credentials:
    """What opens a staging site: extra headers, cookies, basic auth. Sent with the crawl's
    requests and never stored (a resume asks for them again)."""

    headers: dict[str, str] = field(default_factory=dict, repr=False)
    cookies: dict[str, str] = field(default_factory=dict, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Checked where they come in (a Python caller may pass anything): a wrong shape is a
        usage error that never repeats the value."""
        from seolog.errors import UsageError

        for name, table in (("headers", self.headers), ("cookies", self.cookies)):
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise UsageError(
                    f"{name} must map names to text values", hint="e.g. {'X-Key': '…'}"
                )
        auth = self.auth
        if auth is not None and not (
            isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(a, str) for a in auth)
        ):
            raise UsageError("auth must be a (user, password) pair", hint="e.g. ('alice', '…')")
        self._one_line()

    def _one_line(self) -> None:
        """A line break in a header would end it early and start another (header injection);
        the HTTP library then refuses the request, which read as "cannot reach" and kept the
        value in the error. Refused here, naming the header or cookie, never its value."""
        from seolog.errors import UsageError

        hint = "give the value on one line, without line breaks or control characters"
        for name, value in self.headers.items():
            if not HEADER_NAME.fullmatch(name):
                raise UsageError(
                    "a header name holds a space, a line break or another character header "
                    "names cannot have",
                    hint="write each header as 'Name: value', e.g. 'X-Api-Key: …'",
                )
            if CONTROL.search(value):
                raise UsageError(
                    f"the value of header {name!r} holds a line break or control character",
                    hint=hint,
                )
        for name, value in self.cookies.items():
            if CONTROL.search(name) or not name.isprintable():
                raise UsageError("a cookie name holds a line break or control character", hint)
            if CONTROL.search(value):
                raise UsageError(
                    f"the value of cookie {name!r} holds a line break or control character",
                    hint=hint,
                )
        if self.auth is not None and any(CONTROL.search(part) for part in self.auth):
            raise UsageError("the basic auth user or password holds a line break", hint=hint)
