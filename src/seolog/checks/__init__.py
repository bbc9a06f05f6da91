"""The audit's checks. Importing this package registers every family (import = registration)."""

from seolog.checks import (  # noqa: F401
    canonical,
    content,
    http,
    international,
    linkattrs,
    links,
    markup,
    origins,
    rendering,
    resources,
    runner,
    site,
    structured,
    urls,
)
