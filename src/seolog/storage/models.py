"""The tables. Portable column types only, so the same schema runs on SQLite and PostgreSQL.

Schema changes go through a migration in `migrations/versions/`; a test compares the two.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _when() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


def _json() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


def _optional_fk(target: str) -> Any:
    """An optional link; deleting the parent leaves the child unlinked (a site outlives a client)."""
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete="SET NULL"), nullable=True, index=True
        ),
    )


def _money() -> Any:
    return Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))


def _fk(target: str, index: bool = True) -> Any:
    """A required foreign key; deleting the parent deletes the child (sites → scans → pages)."""
    return Field(
        sa_column=Column(
            Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=index
        )
    )


class Site(SQLModel, table=True):
    __tablename__ = "sites"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    name: str = Field(unique=True, max_length=200)
    root_url: str = Field(unique=True, max_length=2048)
    client_name: str | None = Field(default=None, max_length=200)
    client_email: str | None = Field(default=None, max_length=320)
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    active: bool = True
    client_id: int | None = _optional_fk("clients.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Scan(SQLModel, table=True):
    __tablename__ = "scans"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    site_id: int = _fk("sites.id")
    start_url: str = Field(max_length=2048)
    scan_type: str = Field(default="manual", max_length=20)
    status: str = Field(default="pending", max_length=20, index=True)
    settings: dict[str, Any] | None = _json()
    pages_crawled: int = 0
    score: int | None = None  # filled by the audit
    stop_reason: str | None = Field(default=None, max_length=20)
    stats: dict[str, Any] | None = _json()
    # Where the checks could judge: {"pages": {code: pages judged}, "site": {code: applied}}.
    # The page writer adds each batch's counts; the audit adds the site's. None: a scan stored
    # before seolog recorded it (its checks' coverage is unknown).
    coverage: dict[str, Any] | None = _json()
    error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    seolog_version: str = Field(max_length=40)
    # The check catalog it ran with (scope.catalog_version); None: stored before seolog kept it.
    catalog: str | None = Field(default=None, max_length=16)
    started_at: datetime | None = _when()
    completed_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Page(SQLModel, table=True):
    __tablename__ = "pages"
    __table_args__ = (Index("ix_pages_scan_url", "scan_id", "url", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id", index=False)
    url: str = Field(max_length=2048)
    final_url: str | None = Field(default=None, max_length=2048)
    status_code: int | None = None  # the first response (3xx for a redirect)
    final_status_code: int | None = None  # where the redirect chain ended
    content_type: str | None = Field(default=None, max_length=200)
    size_bytes: int | None = None
    response_ms: float | None = None
    depth: int | None = None  # link distance from the start URL; None: reached only via the sitemap
    found_via: str = Field(default="link", max_length=20)
    in_sitemap: bool = False
    redirect_hops: int = 0
    redirect_chain: list[dict[str, Any]] | None = _json()
    title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    meta_description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    h1: list[str] | None = _json()
    h2: list[str] | None = _json()
    canonical: str | None = Field(default=None, max_length=2048)
    meta_robots: str | None = Field(default=None, max_length=500)
    x_robots_tag: str | None = Field(default=None, max_length=500)
    headers: dict[str, str] | None = _json()  # the SEO-relevant response headers only
    lang: str | None = Field(default=None, max_length=50)
    hreflang: list[dict[str, str]] | None = _json()
    word_count: int | None = None
    content_hash: str | None = Field(default=None, max_length=64)
    # SimHash of the main content (signed 64-bit) and the "not found" a 200 page says: compared
    # across the crawl by the near-duplicate and soft-404 checks.
    simhash: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    soft_404: str | None = Field(default=None, max_length=100)
    open_graph: dict[str, str] | None = _json()
    twitter: dict[str, str] | None = _json()
    json_ld: list[str] | None = _json()
    images: list[dict[str, Any]] | None = _json()
    viewport: str | None = Field(default=None, max_length=500)
    error_kind: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    fetched_at: datetime | None = _when()
    indexable: bool | None = None  # None: not an HTML page
    score: int | None = None  # 0-100 once the scan is audited; None: not a scored page
    wp_post_id: int | None = None  # the WordPress post id the page reveals (shortlink, body class)
    # A page rendered in the browser (--render): what its raw HTML said, a note when it could
    # not be rendered in full, the requests the browser was refused; None: not rendered.
    render: dict[str, Any] | None = _json()


class LabResult(SQLModel, table=True):
    """Lighthouse's lab scores and metrics for one page of a scan (--lab, `seolog lab`)."""

    __tablename__ = "lab_results"

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id")
    url: str = Field(max_length=2048)
    final_url: str | None = Field(default=None, max_length=2048)
    template: str | None = Field(default=None, max_length=500)  # the path pattern it stands for
    form_factor: str = Field(max_length=20)  # mobile | desktop
    lighthouse_version: str | None = Field(default=None, max_length=40)
    performance: int | None = None  # 0-100; None: Lighthouse could not score it
    accessibility: int | None = None
    best_practices: int | None = None
    seo: int | None = None
    lcp_ms: float | None = None
    fcp_ms: float | None = None
    tbt_ms: float | None = None
    speed_index_ms: float | None = None
    layout_shift: float | None = None  # CLS; not named cls: SQLModel takes that keyword
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    measured_at: datetime | None = _when()


class Link(SQLModel, table=True):
    __tablename__ = "links"
    # No index on target_url: links are ~50 rows a page and such an index (long random strings)
    # made every page's save ~25% slower. Queries reach a scan's links through its pages.

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id", index=False)
    source_page_id: int = _fk("pages.id")
    target_url: str = Field(max_length=2048)
    anchor_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rel: str | None = Field(default=None, max_length=200)
    internal: bool = True


class PageResource(SQLModel, table=True):
    """A URL a page loads or links to on another host, by kind: what the resource checks join
    their results to, so a broken image is reported on every page that shows it."""

    __tablename__ = "page_resources"

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id", index=False)
    page_id: int = _fk("pages.id")
    url: str = Field(max_length=2048)
    kind: str = Field(max_length=20)  # ResourceKind


class Resource(SQLModel, table=True):
    """One checked URL of a scan (an external link, an image, a stylesheet …): checked once per
    scan however many pages use it. Not a page: never parsed, never crawled further."""

    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_scan_url", "scan_id", "url", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id", index=False)
    url: str = Field(max_length=2048)
    external: bool = True
    method: str = Field(default="HEAD", max_length=10)  # the request that decided: HEAD or GET
    status_code: int | None = None  # the first answer (3xx for a redirect)
    final_url: str | None = Field(default=None, max_length=2048)
    final_status_code: int | None = None
    redirect_chain: list[dict[str, Any]] | None = _json()
    content_type: str | None = Field(default=None, max_length=200)
    # Content-Length, else the body read (up to a cap); 64-bit: a linked ISO is over 2 GiB.
    size_bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    error_kind: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    response_ms: float | None = None
    checked_at: datetime | None = _when()


class Issue(SQLModel, table=True):
    """A finding of a check: on a page (page_id), or site-wide (page_id None, url the site's)."""

    __tablename__ = "issues"
    __table_args__ = (Index("ix_issues_scan_code", "scan_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = _fk("scans.id", index=False)
    page_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    url: str = Field(max_length=2048)
    code: str = Field(max_length=60)
    severity: str = Field(max_length=10)
    message: str = Field(sa_column=Column(Text, nullable=False))
    details: dict[str, Any] | None = _json()


class Client(SQLModel, table=True):
    """Who the work is for, and what an hour of it costs."""

    __tablename__ = "clients"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    name: str = Field(unique=True, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    website: str | None = Field(default=None, max_length=2048)
    # The rate is in `rates`, with the date it applies from: a rate typed here once re-priced
    # every past month. `currency` is the one new rates are in.
    currency: str = Field(default="EUR", max_length=3)
    vat_rate: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2), nullable=True))
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Rate(SQLModel, table=True):
    """An hourly rate and the day it applies from: for a client, or one of its projects, or one
    consultant (author) on either. An entry takes the most specific rate in force on its date
    and keeps it, so a later change never re-prices the past."""

    __tablename__ = "rates"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _fk("clients.id")
    project_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    author: str | None = Field(default=None, max_length=200)
    rate: Decimal | None = _money()  # None: no rate from this day on
    currency: str = Field(max_length=3)
    effective_from: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = _created()


class Invoice(SQLModel, table=True):
    """A client's billable entries of a period, frozen under a number. `document` holds the lines
    and totals as issued: an invoice renders the same forever, whatever changes later. A voided
    invoice keeps its number (numbers are never reused) and frees its entries."""

    __tablename__ = "invoices"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    number: str = Field(unique=True, max_length=60)
    seq: int
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("clients.id"), nullable=False, index=True)
    )
    period_start: date = Field(sa_column=Column(Date, nullable=False))
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    issued_on: date = Field(sa_column=Column(Date, nullable=False))
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(default="issued", max_length=10)  # issued | void
    voided_at: datetime | None = _when()
    void_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    vat_rate: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2), nullable=True))
    author: str = Field(max_length=200)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created()


class Project(SQLModel, table=True):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("client_id", "name", name="uq_projects_client_name"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    client_id: int = _fk("clients.id")
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    active: bool = True
    site_id: int | None = _optional_fk("sites.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class LogEntry(SQLModel, table=True):
    """One piece of work. Minutes are the truth; start/end are kept when the work was timed."""

    __tablename__ = "log_entries"
    __table_args__ = (Index("ix_log_entries_day", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    day: date = Field(sa_column=Column(Date, nullable=False))
    started_at: datetime | None = _when()
    ended_at: datetime | None = _when()
    minutes: int
    client_id: int | None = _optional_fk("clients.id")
    project_id: int | None = _optional_fk("projects.id")
    site_id: int | None = _optional_fk("sites.id")
    work_type: str = Field(max_length=40)
    description: str = Field(sa_column=Column(Text, nullable=False))
    billable: bool = True
    # The rate in force on the entry's day, kept: a rate change never re-prices it. With
    # `rate_manual` it was given for this entry alone (--rate) and no rate change touches it.
    rate: Decimal | None = _money()
    currency: str | None = Field(default=None, max_length=3)
    rate_manual: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    author: str = Field(
        default="", sa_column=Column(String(200), nullable=False, server_default="")
    )
    # Where an imported entry came from ("toggl:123", "seolog:<uuid>", "harvest:<hash>"): a
    # second import of the same file finds it and adds nothing.
    import_key: str | None = Field(default=None, unique=True, max_length=200)
    invoice_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("invoices.id"), nullable=True, index=True),
    )
    tags: list[str] | None = _json()
    urls: list[str] | None = _json()
    fixes: list[str] | None = _json()  # check codes the work addressed
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Timer(SQLModel, table=True):
    """A running timer: at most one per author, kept by a unique index (two `logs start` at
    once cannot both insert). In the database, so it survives closed terminals, and a shared
    PostgreSQL store serves a team."""

    __tablename__ = "timers"
    __table_args__ = (Index("uq_timers_author", "author", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    entry: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # the entry to log
    author: str = Field(
        default="", sa_column=Column(String(200), nullable=False, server_default="")
    )


class SyncAccount(SQLModel, table=True):
    """A site's link to the hosted platform: the API and the platform site its key opened.

    The key itself is in the keyring (or the environment), never here."""

    __tablename__ = "sync_accounts"
    __table_args__ = (UniqueConstraint("site_id", "api_url", name="uq_sync_accounts_site_api"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("sites.id")
    api_url: str = Field(max_length=2048)
    platform_site_id: int | None = None
    platform_site_name: str | None = Field(default=None, max_length=500)
    platform_site_url: str | None = Field(default=None, max_length=2048)
    key_name: str | None = Field(default=None, max_length=500)  # the key's label, not the key
    verified_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class SyncPostId(SQLModel, table=True):
    """The WordPress post id a page is synced under, fixed once per site and URL: the platform
    upserts by it, so a stable id is what turns a re-sync into an update, not a duplicate."""

    __tablename__ = "sync_post_ids"
    __table_args__ = (
        UniqueConstraint("site_id", "url", name="uq_sync_post_ids_site_url"),
        UniqueConstraint("site_id", "wp_post_id", name="uq_sync_post_ids_site_post"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("sites.id", index=False)
    url: str = Field(max_length=2048)
    wp_post_id: int
    origin: str = Field(max_length=20)  # wordpress: the page revealed it; assigned: seolog's
    created_at: datetime = _created()


class SyncPage(SQLModel, table=True):
    """The platform's id of a page it holds, per API and platform site (one API serves many
    sites, each key opens one): kept after the outbox rows are pruned."""

    __tablename__ = "sync_pages"
    __table_args__ = (
        UniqueConstraint(
            "site_id", "api_url", "platform_site_id", "url", name="uq_sync_pages_site_api_url"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("sites.id", index=False)
    api_url: str = Field(max_length=2048)
    # The platform site the key opened (`/auth/verify/`); None: sent before seolog recorded it.
    platform_site_id: int | None = None
    url: str = Field(max_length=2048)
    page_id: int
    synced_at: datetime = _created()


class OutboxItem(SQLModel, table=True):
    """One page to send, with its two requests' bodies: durable, so nothing queued is lost.

    state: pending → page-sent (the page exists on the platform; its SEO data not yet) → sent;
    or failed (the platform refused this page's data; `sync retry` queues it again); or
    unsendable (queued as such: the platform cannot take the page, e.g. its URL is too long for
    its column; never sent, never retried; why in last_error)."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_queue", "site_id", "api_url", "platform_site_id", "state"),
        UniqueConstraint(
            "scan_id", "api_url", "platform_site_id", "url", name="uq_sync_outbox_scan_api_url"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("sites.id", index=False)
    # The bodies are in the row, so a queued page outlives its scan being pruned: None then.
    scan_id: int | None = _optional_fk("scans.id")
    api_url: str = Field(max_length=2048)
    platform_site_id: int | None = None  # as in SyncPage: the outbox is kept per platform site
    url: str = Field(max_length=2048)
    wp_post_id: int
    page: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    seo_data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", max_length=20)
    platform_page_id: int | None = None
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _created()
    updated_at: datetime = _created()
    sent_at: datetime | None = _when()


class SuggestionRun(SQLModel, table=True):
    """One `seolog suggest` run: which endpoint and model, what it was allowed to spend, what it
    used, and how it ended: running → done | budget (stopped before the budget would be passed)
    | interrupted | failed (the endpoint stopped it; why in error)."""

    __tablename__ = "suggestion_runs"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("sites.id")
    scan_id: int | None = _optional_fk("scans.id")  # paid-for work outlives a pruned scan
    api_url: str = Field(max_length=2048)
    model: str = Field(max_length=200)
    fields: str = Field(max_length=100)  # the fields asked for, comma-separated
    status: str = Field(default="running", max_length=20)
    pages_planned: int = 0
    pages_done: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None  # None: the model has no price
    max_cost: float | None = None
    max_tokens: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    started_at: datetime = _created()
    completed_at: datetime | None = _when()


class Suggestion(SQLModel, table=True):
    """A suggested title, description, H1, alt text (per image: `target` is its URL) or FAQ of a
    page. status: new → accepted | rejected (by the user); flagged when it failed the audit's
    checks twice (why in problem); refused when the endpoint's content policy refused the page."""

    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_page_field", "site_id", "page_url", "field"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = _optional_fk("suggestion_runs.id")
    site_id: int = _fk("sites.id", index=False)
    scan_id: int | None = _optional_fk("scans.id")
    page_url: str = Field(max_length=2048)
    field: str = Field(max_length=20)  # title | description | h1 | alt | faq
    target: str = Field(default="", max_length=2048)
    lang: str = Field(max_length=10)
    current: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    suggested: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="new", max_length=20)
    problem: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    model: str = Field(max_length=200)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    created_at: datetime = _created()
    updated_at: datetime = _created()
