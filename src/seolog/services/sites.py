"""Sites: register, look up, edit and remove the websites seolog audits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.ids import numeric_id
from seolog.services.exclusive import exclusive_store
from seolog.storage import repo
from seolog.storage.db import session_scope
from seolog.storage.models import Site, utcnow
from seolog.suggest import closest
from seolog.urls import normalize_url, root_url

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOSTLIKE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/.*)?$")


def parse_url(value: str, what: str = "URL") -> str:
    """Accept `https://host/path` or a bare `host.tld`; anything else is a usage error."""
    candidate = value.strip()
    if "://" not in candidate and _HOSTLIKE.match(candidate):
        candidate = "https://" + candidate
    url = normalize_url(candidate)
    if url is None:
        raise UsageError(
            f"{value!r} is not a valid http(s) {what}",
            hint="give a full address such as https://www.example.com/",
        )
    return url


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"invalid site name {name!r}",
            hint="use letters, digits, '.', '-' or '_' (up to 100 characters), e.g. acme",
        )
    if name.isdigit():
        raise UsageError(f"invalid site name {name!r}", hint="a site name cannot be only digits")
    return name


def check_email(email: str | None) -> str | None:
    if email is not None and email and not _EMAIL.match(email):
        raise UsageError(f"invalid e-mail address {email!r}", hint="use name@domain.tld")
    return email or None


def default_name(session: Session, url: str) -> str:
    """A free site name from the host: www.acme.example → acme.example, then -2, -3 …"""
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    base = re.sub(r"[^A-Za-z0-9._-]", "-", host)[:90] or "site"
    name, n = base, 1
    while repo.site_by_name(session, name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def get_site(session: Session, ident: str) -> Site:
    """Find a site by name or numeric id."""
    site = repo.site_by_name(session, ident)
    number = numeric_id(ident) if site is None and ident == ident.strip() else None
    if number is not None:
        site = repo.site_by_id(session, number)
    if site is None:
        raise NotFoundError(f"no site named {ident!r}", hint=site_hint(session, ident))
    return site


def site_hint(session: Session, ident: str) -> str:
    """The hint for an unknown site name: the closest registered one ("acme"), if any is close."""
    match = closest(ident, repo.site_names(session))
    if match is not None:
        return f"did you mean {match!r}? see `seolog sites list`"
    return "see `seolog sites list`, or add it with `seolog sites add URL`"


def ensure_site(session: Session, url: str) -> Site:
    """The site a start URL belongs to, registered on first scan.

    Two processes may register the same site (or two sites with the same default name) at the
    same moment; the loser of that race re-reads instead of failing.
    """
    root = root_url(url)
    for _attempt in range(5):
        site = repo.site_by_root(session, root)
        if site is not None:
            return site
        try:
            with session.begin_nested():
                return repo.add(session, Site(name=default_name(session, root), root_url=root))
        except IntegrityError:
            continue  # someone else just took the root URL or the name: look again
    raise UsageError(f"cannot register {root}: it keeps changing under us", hint="retry the scan")


@dataclass
class SiteInput:
    url: str | None = None
    name: str | None = None
    client: str | None = None
    email: str | None = None
    notes: str | None = None
    active: bool | None = None


def _set_client(session: Session, site: Site, name: str) -> None:
    """The client's name, linked to its record in the work log when one has that name."""
    from seolog.storage.worklog import client_by_name

    client = client_by_name(session, name) if name.strip() else None
    site.client_name = client.name if client else (name.strip() or None)
    site.client_id = client.id if client else None


def _save(session: Session, site: Site) -> Site:
    try:
        return repo.add(session, site)
    except IntegrityError as e:
        session.rollback()
        raise UsageError(
            f"a site with that name or URL already exists ({site.name}, {site.root_url})",
            hint="see `seolog sites list`; names and root URLs are unique",
        ) from e


def _site_url(value: str, notes: list[str] | None) -> str:
    """A site's address: as typed with a scheme; without one, https if it answers, else http
    (with a note saying so)."""
    from seolog.services.target import schemeless_address, settle_url

    if schemeless_address(value):
        url, note = settle_url(value)
        if note and notes is not None:
            notes.append(note)
        return parse_url(url)
    return parse_url(value)


def add_site(ctx: AppContext, data: SiteInput, notes: list[str] | None = None) -> Site:
    """Register a site. What the user should hear (the address had no HTTPS, so http is used)
    is appended to `notes`."""
    url = _site_url(data.url or "", notes)
    with session_scope(ctx.engine) as session:
        root = root_url(url)
        existing = repo.site_by_root(session, root)
        if existing is not None:
            raise UsageError(
                f"{root} is already registered as {existing.name!r}",
                hint=f"change it with `seolog sites edit {existing.name} ...`",
            )
        name = check_name(data.name) if data.name else default_name(session, root)
        if repo.site_by_name(session, name) is not None:
            raise UsageError(f"a site named {name!r} already exists", hint="pick another --name")
        site = Site(
            name=name,
            root_url=root,
            client_email=check_email(data.email),
            notes=data.notes,
            active=True if data.active is None else data.active,
        )
        _set_client(session, site, data.client or "")
        return _save(session, site)


def list_sites(
    ctx: AppContext, include_inactive: bool = True
) -> list[tuple[Site, repo.SiteScanStats]]:
    with session_scope(ctx.engine) as session:
        return [
            (s, repo.site_scan_stats(session, s.id or 0))
            for s in repo.list_sites(session, include_inactive)
        ]


def show_site(ctx: AppContext, ident: str) -> tuple[Site, repo.SiteScanStats]:
    with session_scope(ctx.engine) as session:
        site = get_site(session, ident)
        return site, repo.site_scan_stats(session, site.id or 0)


def edit_site(ctx: AppContext, ident: str, data: SiteInput, notes: list[str] | None = None) -> Site:
    url = _site_url(data.url, notes) if data.url is not None else None
    with session_scope(ctx.engine) as session:
        site = get_site(session, ident)
        if data.name is not None and data.name != site.name:
            name = check_name(data.name)
            if repo.site_by_name(session, name) is not None:
                raise UsageError(
                    f"a site named {name!r} already exists", hint="pick another --name"
                )
            site.name = name
        if url is not None:
            site.root_url = root_url(url)
        if data.client is not None:
            _set_client(session, site, data.client)
        if data.email is not None:
            site.client_email = check_email(data.email)
        if data.notes is not None:
            site.notes = data.notes or None
        if data.active is not None:
            site.active = data.active
        site.updated_at = utcnow()
        return _save(session, site)


def remove_site(ctx: AppContext, ident: str) -> Site:
    """Remove a site with its scans: not while a scan runs (its rows would go from under it)."""
    with exclusive_store(ctx, f"remove site {ident}"), session_scope(ctx.engine) as session:
        site = get_site(session, ident)
        from seolog.storage import worklog

        billed = worklog.invoiced_entries(session, site_id=site.id)
        if billed:
            raise UsageError(
                f"site {site.name!r} is named by {len(billed)} invoiced log entries; removing it "
                "would change those invoices' entries",
                hint="keep the site (`seolog sites edit NAME --inactive` stops scheduled scans), "
                "or void the invoices first",
            )
        repo.delete_site(session, site)
        return site


def site_document(site: Site, stats: repo.SiteScanStats | None = None) -> dict[str, Any]:
    """A site as JSON for scripts. Field names are public API (see CHANGELOG)."""
    data: dict[str, Any] = {
        "id": site.id,
        "uuid": site.uuid,
        "name": site.name,
        "url": site.root_url,
        "client": site.client_name,
        "email": site.client_email,
        "notes": site.notes,
        "active": site.active,
        "created_at": site.created_at.isoformat(),
        "updated_at": site.updated_at.isoformat(),
    }
    if stats is not None:
        data["scans"] = stats.scans
        data["last_scan_at"] = stats.last_scan_at.isoformat() if stats.last_scan_at else None
    return data


def registered_url(ctx: AppContext, target: str) -> str | None:
    """The root URL of the site named exactly `target` (`127.0.0.1`, `acme.example`), if one is
    registered: a name wins over the address or folder it looks like."""
    target = target.strip()
    if not _NAME.match(target):
        return None  # a URL, a path, `host:port`: never a name, and no store opened for it
    with session_scope(ctx.engine) as session:
        site = repo.site_by_name(session, target)
        return site.root_url if site is not None else None


def is_folder(target: str) -> bool:
    return "://" not in target and Path(target).expanduser().is_dir()
