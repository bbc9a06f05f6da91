"""TLS for the crawl: which certificates a scan trusts (`verify_for`), and a failed secure
connection in words a user can act on, instead of OpenSSL's
"[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"."""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from seolog.errors import UsageError
from seolog.wording import say, term

if TYPE_CHECKING:
    from seolog.config import CrawlSettings

# OpenSSL's words for "the other side does not speak TLS": a plain-HTTP server answering a
# ClientHello with "HTTP/1.0 400 …", or closing the connection.
_NOT_TLS = ("wrong version number", "record layer failure", "packet length too long", "eof")
UNTRUSTED = "its certificate is not trusted"
# OpenSSL's reasons for the usual untrusted certificates, marked so reports can translate them
OPENSSL_REASONS = (
    term("self-signed certificate"),
    term("self-signed certificate in certificate chain"),
    term("certificate has expired"),
    term("unable to get local issuer certificate"),
)
INSECURE = (
    "--insecure: TLS certificates will not be verified, so anyone on the network path could "
    "pose as the site; prefer --ca-bundle FILE for a private CA"
)
# Read, in this order, when --ca-bundle is not given: OpenSSL's and Python requests' variables.
CA_BUNDLE_ENV = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
_PEM_CERTIFICATE = (b"-----BEGIN CERTIFICATE-----", b"-----BEGIN TRUSTED CERTIFICATE-----")
_PEM_HINT = (
    "give the CA's certificate in PEM form (text starting -----BEGIN CERTIFICATE-----); "
    "a DER file converts with `openssl x509 -inform der -in ca.der -out ca.pem`"
)


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    """The innermost SSL error of the chain: OpenSSL's own (aiohttp's certificate error is an
    SSLError subclass too, wrapping it without its verify_message)."""
    found = None
    seen: BaseException | None = exc
    visited: list[BaseException] = []
    while seen is not None and seen not in visited:
        visited.append(seen)
        if isinstance(seen, ssl.SSLError):
            found = seen
        seen = seen.__cause__ or seen.__context__
    return found


def tls_reason(exc: BaseException) -> str:
    """Why the secure connection failed: not HTTPS there, an untrusted certificate, or else."""
    err = _ssl_error(exc)
    if isinstance(err, ssl.SSLCertVerificationError):
        said = getattr(err, "verify_message", None)
        return say(
            "its certificate is not trusted ({why})", why=said or term("it cannot be verified")
        )
    text = str(err or exc).lower()
    if any(words in text for words in _NOT_TLS):
        return say("the server there does not speak HTTPS")
    return say("the secure (TLS) connection failed")


def unreachable_hint(reason: str) -> str | None:
    """The fix to offer when the start URL (or its robots.txt) failed for `reason` (a
    tls_reason): for a certificate we do not trust, the options that trust it; else None."""
    if not reason.startswith(UNTRUSTED):
        return None
    return (
        "if the site uses a private CA (staging), pass its certificate with --ca-bundle FILE "
        "(or set SSL_CERT_FILE), or --insecure to skip verification"
    )


def ca_bundle(
    settings: CrawlSettings, env: Mapping[str, str] | None = None
) -> tuple[Path, str] | None:
    """The extra CA file a scan trusts and what named it (`--ca-bundle`, or the environment
    variable): the setting first, then SSL_CERT_FILE, then REQUESTS_CA_BUNDLE."""
    if settings.ca_bundle:
        return Path(settings.ca_bundle), "--ca-bundle"
    env = os.environ if env is None else env
    for name in CA_BUNDLE_ENV:
        value = env.get(name, "").strip()
        if value:
            return Path(value).expanduser().absolute(), name
    return None


@functools.cache
def _public_cas() -> ssl.SSLContext:
    """httpx's own default context (certifi's CAs), built once per process and shared by the
    scan's clients: loading the CAs costs tens of milliseconds each time."""
    import httpx

    return httpx.create_ssl_context()


def public_verify(settings: CrawlSettings) -> ssl.SSLContext | bool:
    """What other hosts' certificates are verified against: --insecure is for the site being
    scanned (its origin variants included), so a linked site's broken certificate is still a
    broken link; the CA bundle still counts (a staging site may link its private twins)."""
    return verify_for(replace(settings, insecure=False))


def verify_for(
    settings: CrawlSettings, env: Mapping[str, str] | None = None
) -> ssl.SSLContext | bool:
    """What the scan's HTTP clients verify TLS certificates against: False with --insecure;
    else the public CAs (certifi's, as httpx uses) plus the CA bundle, when there is one, so a
    staging site behind a private CA verifies and so do the public sites it links to; httpx's
    own default context (built once per process) when there is none. A bundle that cannot be
    used is a UsageError naming the file and where it came from.

    A scan asks this several times (the plan checks the bundle, then each client is built
    with it), and loading the CAs costs tens of milliseconds each time, so the context with a
    bundle is built once per file (and built again when the file changes)."""
    if settings.insecure:
        return False
    found = ca_bundle(settings, env)
    if found is None:
        return _public_cas()
    path, named = found
    try:
        state = path.stat()
    except OSError:  # _with_bundle says what is wrong with it, each time it is asked
        return _with_bundle(path, named)
    return _cached_with_bundle(path, named, state.st_mtime_ns, state.st_size)


@functools.lru_cache(maxsize=8)
def _cached_with_bundle(path: Path, named: str, _mtime_ns: int, _size: int) -> ssl.SSLContext:
    """`_with_bundle`, once per version of the file (a refused file is not cached)."""
    return _with_bundle(path, named)


def _with_bundle(path: Path, named: str) -> ssl.SSLContext:
    """The public CAs plus the bundle `path` (named by `named`), or a UsageError saying why
    the bundle cannot be used."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if named != "--ca-bundle" and path.is_dir():  # requests takes a folder of hashed certs
        context.load_verify_locations(capath=str(path))
        return context
    where = f"the CA bundle {path} ({named})"
    fix = (
        "fix the path, e.g. --ca-bundle ./staging-ca.pem (the CA's certificate, PEM); a "
        "resumed scan reads the file it started with"
        if named == "--ca-bundle"
        else f"fix or unset {named}, or pass --ca-bundle FILE"
    )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{where} does not exist", hint=fix) from None
    except IsADirectoryError:
        raise UsageError(f"{where} is a folder", hint="name the CA's PEM file in it") from None
    except OSError as e:
        raise UsageError(f"cannot read {where}: {e.strerror}", hint=fix) from None
    if not any(marker in data for marker in _PEM_CERTIFICATE):
        raise UsageError(f"{where} holds no PEM certificate", hint=_PEM_HINT)
    try:
        context.load_verify_locations(cafile=str(path))
    except ssl.SSLError as e:
        raise UsageError(
            f"{where} holds a certificate OpenSSL cannot read ({e.reason or e})", hint=_PEM_HINT
        ) from None
    return context
