"""Keys for the hosted platform: log in, check, log out, and find the key a push uses.

A key lives in the system keyring (one entry per site and API URL) or, for CI and servers without
a keyring, in SEOLOG_API_KEY. The store keeps only what the platform said about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, SyncError, UsageError
from seolog.secrets import (
    API_KEY_ENV,
    API_URL_ENV,
    ApiKey,
    keyring_delete,
    keyring_file,
    keyring_get,
    keyring_set,
    require_keyring,
)
from seolog.services.sites import get_site
from seolog.storage import repo
from seolog.storage import sync as store
from seolog.storage.db import session_scope
from seolog.storage.models import Site, SyncAccount
from seolog.sync.client import (
    AuthRejected,
    PlatformClient,
    Transient,
    Verified,
    normalize_api_url,
)
from seolog.urls import root_url

# --- credentials -------------------------------------------------------------------------------


def keyring_name(api_url: str, site: Site) -> str:
    """One keyring entry per site and API: the key is scoped to one platform site."""
    return f"api-key {api_url} {site.root_url}"


@dataclass(frozen=True)
class Credentials:
    api_url: str
    key: ApiKey


def api_url_for(ctx: AppContext, session: Session, site: Site, given: str | None) -> str:
    """--api-url, else SEOLOG_API_URL, else the one API the site is logged in to."""
    if given or ctx.env.get(API_URL_ENV):
        return normalize_api_url(given or ctx.env[API_URL_ENV])
    known = store.accounts(session, site.id)
    if len(known) == 1:
        return known[0].api_url
    if not known:
        raise SyncError(
            f"site {site.name} is not logged in to a platform",
            hint=f"run `seolog auth login {site.name} --api-url URL`, "
            f"or set {API_KEY_ENV} and {API_URL_ENV}",
        )
    raise UsageError(
        f"site {site.name} is logged in to {len(known)} platforms",
        hint="choose one with --api-url: " + ", ".join(a.api_url for a in known),
    )


def _key(ctx: AppContext, site: Site, api_url: str) -> ApiKey:
    key = key_or_none(ctx, site, api_url)
    if key is None:
        raise SyncError(
            f"no API key for site {site.name} at {api_url}",
            hint=f"run `seolog auth login {site.name} --api-url {api_url}`, or set {API_KEY_ENV}",
        )
    return key


def key_or_none(ctx: AppContext, site: Site | None, api_url: str) -> ApiKey | None:
    if ctx.env.get(API_KEY_ENV):
        return ApiKey(ctx.env[API_KEY_ENV], "environment")
    if site is None:
        return None
    value = keyring_get(keyring_name(api_url, site))
    return ApiKey(value, "keyring") if value else None


def credentials(ctx: AppContext, session: Session, site: Site, api_url: str | None) -> Credentials:
    url = api_url_for(ctx, session, site, api_url)
    return Credentials(url, _key(ctx, site, url))


def opened_site(ctx: AppContext, site: Site, creds: Credentials, timeout: float) -> int | None:
    """The platform site the key opens, asked once per push or retry: what was sent is kept per
    platform site, and the key in use may not be the one the login verified (SEOLOG_API_KEY).
    A keyring key's answer is remembered as at login.

    When the platform cannot be reached, a keyring key opens the site its login recorded (that
    key has not changed since), so the push queues the scan and meets the outage as before. A key
    from the environment has no such record: nothing is queued, for no platform site."""
    try:
        with PlatformClient(creds.api_url, creds.key, timeout=timeout) as client:
            verified = client.verify()
    except Transient as e:
        recorded = _recorded_site(ctx, site, creds)
        if recorded is not None:
            return recorded
        raise SyncError(
            f"{e.message}; nothing was queued (which platform site the key opens is unknown)",
            hint="try again once the platform is back",
        ) from None
    if creds.key.source == "keyring":
        _remember(ctx, site, creds.api_url, verified)
    return verified.site_id


def _recorded_site(ctx: AppContext, site: Site, creds: Credentials) -> int | None:
    if creds.key.source != "keyring":
        return None
    with session_scope(ctx.engine) as session:
        row = store.account(session, site.id or 0, creds.api_url)
        return row.platform_site_id if row else None


# --- auth ----------------------------------------------------------------------------------------


@dataclass
class Account:
    """What `auth login` and `auth status` show: never the key, only its prefix."""

    site: str
    api_url: str
    key: str | None  # masked
    key_source: str | None  # keyring | environment | None (missing)
    platform_site_id: int | None = None
    platform_site_name: str | None = None
    platform_site_url: str | None = None
    verified_at: datetime | None = None
    valid: bool | None = None  # None: not checked now
    problem: str | None = None
    warning: str | None = None


def login(
    ctx: AppContext,
    site_ident: str,
    api_url: str,
    read_key: Callable[[], str],
    timeout: float,
    warn: Callable[[str], None] | None = None,
) -> Account:
    """Verify the key with the platform, then keep it in the keyring and the verified site in
    the store. A key the platform refuses is not stored anywhere. `read_key` is asked only once
    the site and the URL are known to be right."""
    url = normalize_api_url(api_url)
    with session_scope(ctx.engine) as session:
        site = get_site(session, site_ident)
    require_keyring()
    stored_in = keyring_file()
    if stored_in and warn is not None:  # before the key is asked for: there is time to stop
        warn(
            f"the keyring here keeps keys in {stored_in}, readable by anyone who can read that "
            f"file; on a shared machine prefer {API_KEY_ENV} in the environment of the job"
        )
    key = read_key().strip()
    if not key or any(c.isspace() for c in key):
        raise UsageError("that is not an API key", hint="paste the site's key, e.g. sk_siloq_…")
    secret = ApiKey(key, "keyring")
    try:
        with PlatformClient(url, secret, timeout=timeout) as client:
            verified = client.verify()
    except AuthRejected as e:
        raise SyncError(
            e.message, hint="copy the site's key from the platform again; this one was not stored"
        ) from None
    keyring_set(keyring_name(url, site), key)
    row = _remember(ctx, site, url, verified, key_name=verified.key_name)
    account = _account(site, url, secret, row)
    account.valid = True
    account.warning = site_mismatch(account, site.root_url)
    return account


def _remember(ctx: AppContext, site: Site, api_url: str, v: Verified, **more: Any) -> SyncAccount:
    """Keep what the platform said about a key: the site it opens, and when it said so."""
    with session_scope(ctx.engine) as session:
        return store.save_account(
            session,
            site.id or 0,
            api_url,
            platform_site_id=v.site_id,
            platform_site_name=v.site_name,
            platform_site_url=v.site_url,
            verified_at=ctx.clock(),
            **more,
        )


def _account(
    site: Site | None, api_url: str, key: ApiKey | None, row: SyncAccount | None
) -> Account:
    return Account(
        site=site.name if site else "(environment)",
        api_url=api_url,
        key=key.masked if key else None,
        key_source=key.source if key else None,
        platform_site_id=row.platform_site_id if row else None,
        platform_site_name=row.platform_site_name if row else None,
        platform_site_url=row.platform_site_url if row else None,
        verified_at=row.verified_at if row else None,
    )


def site_mismatch(account: Account, site_root: str) -> str | None:
    """A warning when the key opens a platform site at another address than the local site."""
    if not account.platform_site_url:
        return None
    theirs = root_url(account.platform_site_url) if "://" in account.platform_site_url else ""
    if theirs and theirs != site_root:
        return (
            f"the key belongs to platform site {account.platform_site_name or ''} at "
            f"{account.platform_site_url}, not {site_root}"
        )
    return None


def auth_status(
    ctx: AppContext, site_ident: str | None, check: bool, timeout: float
) -> list[Account]:
    """Every login (or the site's), with the key's source and prefix; `check` asks the platform
    whether the key still works."""
    with session_scope(ctx.engine) as session:
        sites = [get_site(session, site_ident)] if site_ident else repo.list_sites(session)
        rows: list[tuple[Site | None, SyncAccount | None]] = [
            (site, acct) for site in sites for acct in store.accounts(session, site.id)
        ]
    if not rows and ctx.env.get(API_URL_ENV):
        # No login, but CI's environment: the key there is for whichever site gets pushed.
        rows = [(sites[0] if site_ident else None, None)]
    result = []
    for site, acct in rows:
        api_url = acct.api_url if acct else normalize_api_url(ctx.env[API_URL_ENV])
        key = key_or_none(ctx, site, api_url)
        info = _account(site, api_url, key, acct)
        if key is None:
            info.problem = "no key: log in again, or set " + API_KEY_ENV
        elif check:
            info = _check(ctx, site if acct else None, info, key, timeout)
        result.append(info)
    return result


def _check(
    ctx: AppContext, site: Site | None, info: Account, key: ApiKey, timeout: float
) -> Account:
    """The account as the platform sees it now (remembered for a logged-in site: `site` None
    for a key from the environment), or `info` with the problem."""
    try:
        with PlatformClient(info.api_url, key, timeout=timeout) as client:
            v = client.verify()
    except SyncError as e:
        info.valid = False
        info.problem = e.message
        return info
    if site is not None:
        info = _account(site, info.api_url, key, _remember(ctx, site, info.api_url, v))
    else:
        info.platform_site_id, info.platform_site_name = v.site_id, v.site_name
        info.platform_site_url, info.verified_at = v.site_url, ctx.clock()
    info.valid = True
    return info


def logout(ctx: AppContext, site_ident: str, api_url: str | None) -> tuple[str, bool]:
    """Forget a site's key and login. Pages still queued stay queued for a later login."""
    with session_scope(ctx.engine) as session:
        site = get_site(session, site_ident)
        url = api_url_for(ctx, session, site, api_url)
        had_account = store.forget_account(session, site.id or 0, url)
    had_key = keyring_delete(keyring_name(url, site))
    if not (had_account or had_key):
        raise NotFoundError(f"site {site.name} is not logged in to {url}")
    return url, had_key


def environment_note(ctx: AppContext) -> str | None:
    """Which environment overrides are in force (for `auth status`), without their values."""
    present = [name for name in (API_KEY_ENV, API_URL_ENV) if ctx.env.get(name)]
    return ", ".join(present) + " set in the environment" if present else None
