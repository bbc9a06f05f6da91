"""A target typed without a scheme (`127.0.0.1:8081`, `example.com`) gets the one that answers:
https when it does, else http with a note saying so, else one clear line (exit 4).

A registered site name wins (`seolog sites add http://127.0.0.1:8765/` names the site
`127.0.0.1`), then a folder that exists, then a host name; a target with a scheme is taken as
typed. With credentials (--auth, --header, --cookie) the fallback to http is refused: they would
cross the network in clear text, so plain http must be asked for by writing http://.
`seolog scan` (through the scan plan) and `seolog sites add` / `sites edit --url` use it.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from seolog.config import CrawlSettings
from seolog.context import AppContext
from seolog.errors import TargetUnreachable
from seolog.urls import normalize_url

if TYPE_CHECKING:
    from seolog.services.scans import ScanRequest

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|{_LABEL}(?:\.{_LABEL})*)"
# host, optional :port, optional /path: what a person types for a web address without https://
_ADDRESS = re.compile(rf"^(?P<host>{_HOST})(?P<port>:\d{{1,5}})?(?P<path>[/?].*)?$")


def schemeless_address(target: str) -> bool:
    """True for `example.com`, `127.0.0.1:8081`, `localhost:3000`, `www.example.com/blog`,
    `[::1]:8080`; False for a URL with a scheme, a site name (`acme`, no dot and no port) and a
    path-like `docs/site` (left to the folder check, which says "no such folder")."""
    target = target.strip()
    if "://" in target:
        return False
    m = _ADDRESS.match(target)
    if m is None:
        return False
    host, port, path = m.group("host"), m.group("port"), m.group("path")
    if port:
        return True  # a site name holds no colon
    if path and not host.lower().startswith("www."):
        return False  # `build.v2/public` is more likely a folder mistyped than a web address
    return "." in host or host.startswith("[")


def settle_url(address: str, settings: CrawlSettings | None = None) -> tuple[str, str | None]:
    """The URL for a scheme-less address and a note for the user (None when https answered).

    Raises TargetUnreachable (exit 4) when neither https nor http answers.
    """
    from seolog.crawl.scheme import probe_scheme

    settings = settings or CrawlSettings()
    secrets = bool(settings.headers or settings.cookies or settings.auth)
    https_url = normalize_url("https://" + address.strip())
    http_url = normalize_url("http://" + address.strip())
    if https_url is None or http_url is None:
        return address, None  # not an address after all; the caller's own check says why
    answer = asyncio.run(probe_scheme(https_url, http_url, settings))
    shown = address.strip().rstrip("/")
    if answer.url == https_url:
        return https_url, None
    if answer.url is not None and secrets:
        raise TargetUnreachable(
            f"cannot use https on {shown} ({answer.https_problem}); credentials (auth, headers, "
            "cookies) are not sent over plain http unless the URL says http://",
            hint=f"write {answer.url} to send them over http anyway, or fix https on the server",
        )
    if answer.url is not None:
        if answer.untrusted:
            return answer.url, f"HTTPS on {shown}: {answer.https_problem}; using {answer.url}"
        return answer.url, f"no HTTPS on {shown}; using {answer.url}"
    if answer.https_problem == answer.http_problem:
        why = answer.https_problem
    else:
        why = f"https: {answer.https_problem}; http: {answer.http_problem}"
    raise TargetUnreachable(
        f"cannot reach {shown} over https or http ({why})",
        hint="check the address, and that the server is running",
    )


def settle_scheme(ctx: AppContext, request: ScanRequest) -> tuple[ScanRequest, tuple[str, ...]]:
    """The scan request with the scheme that answers, and the notes to show. Anything but a
    scheme-less address (a URL, a registered site name, an existing folder) is returned as it is."""
    from seolog.services.sites import registered_url

    target = request.target.strip()
    if (
        request.base_url
        or not schemeless_address(target)
        or registered_url(ctx, target) is not None
        or Path(target).expanduser().is_dir()
    ):
        return request, ()
    url, note = settle_url(target, request.settings)
    return replace(request, target=url), (note,) if note else ()
