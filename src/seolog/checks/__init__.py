"""The audit's checks. Importing this package registers every family (import = registration)."""

from seolog.checks import content, http, international, links, markup, runner, site  # noqa: F401
