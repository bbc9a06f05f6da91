"""Scan and gate settings through every layer, each value with the layer that set it.

Priority, highest first: a flag (or a Python keyword) > the environment (`SEOLOG_SCAN_<NAME>`,
`SEOLOG_GATES_<NAME>`) > a profile > the project's `seolog.toml` > the user's config file > the
default. The CLI and a Python caller both come through `resolve`, so they get the same settings
from the same files and variables.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seolog import settings as declared
from seolog.config import CrawlSettings, Credentials
from seolog.errors import ConfigError, NotFoundError, SeologError, UsageError
from seolog.projectconfig import ProjectConfig, assertion_problems, load_config

DEFAULT = "default"
ASSERTIONS = "gates.checks"  # per-check assertions: a table that layers add to
ENV_PREFIXES = tuple(f"SEOLOG_{section.upper()}_" for section in declared.SECTIONS)


@dataclass(frozen=True)
class ConfigSource:
    """Which files to read: `path` names the project file (else it is searched for from `cwd`);
    `files` False reads none, for a caller who passes everything itself."""

    path: Path | None = None
    profile: str | None = None
    files: bool = True
    cwd: Path | None = None


@dataclass(frozen=True)
class Resolved:
    values: dict[str, Any]  # "scan.max_pages" → 500, for every declared setting
    sources: dict[str, str]  # "scan.max_pages" → "default", a file, "SEOLOG_SCAN_…", a flag
    config: ProjectConfig  # the file layers: thresholds, checks, alerts, report branding
    warnings: tuple[str, ...] = ()  # deprecated names in use, unknown SEOLOG_SCAN_* variables
    flags: frozenset[str] = field(default_factory=frozenset)  # names set by a flag or keyword

    def get(self, key: str) -> Any:
        return self.values[key]

    def crawl_settings(
        self, credentials: Credentials | None = None, thresholds: list[str] | None = None
    ) -> CrawlSettings:
        """How the scan crawls and audits: the crawl knobs, the config's thresholds with any
        `NAME=N` overrides, its check rules, and the credentials (never stored)."""
        from seolog.checks.thresholds import Thresholds

        knobs = {
            s.crawl_field: self.values[s.key]
            for s in declared.in_section("scan")
            if s.crawl_field and self.values[s.key] is not None
        }
        credentials = credentials or Credentials()
        return CrawlSettings(
            **knobs,
            headers=dict(credentials.headers),
            cookies=dict(credentials.cookies),
            auth=credentials.auth,
            thresholds=Thresholds.from_stored(self.config.thresholds)
            .with_overrides(thresholds or [])
            .to_stored(),
            audit_rules=self.config.audit_rules(),
        )


def resolve(
    source: ConfigSource,
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    flag_label: str = "command line",
) -> Resolved:
    """Every declared setting's value and where it came from. `flags` are by setting name (a
    None value counts as not given); `env` is the process environment unless given."""
    import os

    config = load_config(source.path, source.profile, source.cwd, files=source.files)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in declared.SETTINGS:
        table = config.scan if s.section == "scan" else config.gates
        values[s.key] = copy.deepcopy(table[s.name]) if s.name in table else s.default_value()
        sources[s.key] = config.sources.get(s.key, DEFAULT)
    for key, where in config.sources.items():  # each assertion's own layer, for `config show`
        if key.startswith(ASSERTIONS + "."):
            sources[key] = where
    warnings = list(config.warnings)
    _environment(values, sources, warnings, dict(os.environ) if env is None else env)
    given = _flags(values, sources, warnings, flags or {}, flag_label)
    return Resolved(values, sources, config, tuple(warnings), given)


def _environment(
    values: dict[str, Any], sources: dict[str, str], warnings: list[str], env: Mapping[str, str]
) -> None:
    known: set[str] = set()
    for s in declared.SETTINGS:
        names = [(s.env, False)] + [(s.env_for(old), True) for old in s.old_names]
        known.update(name for name, _old in names)
        for name, old in names:
            if name not in env or (old and s.env in env):
                continue
            try:
                value = s.parse_text(env[name])
            except declared.BadValue as e:
                raise ConfigError(e.message, hint=e.hint) from None
            _set(values, sources, s, value, f"environment {name}", name, ConfigError)
            if old:
                warnings.append(f"{name} is deprecated and will be removed; call it {s.env}")
    for name in sorted(env):
        if name.startswith(ENV_PREFIXES) and name not in known:
            warnings.append(f"{name} is not a seolog setting and was ignored")


def _flags(
    values: dict[str, Any],
    sources: dict[str, str],
    warnings: list[str],
    flags: Mapping[str, Any],
    label: str,
) -> frozenset[str]:
    given: set[str] = set()
    for name, value in flags.items():
        if value is None:
            continue
        setting, old = declared.lookup(None, name)
        if setting is None:
            names = ", ".join(s.name for s in declared.SETTINGS)
            raise UsageError(f"unknown setting {name!r}", hint=f"settings: {names}")
        if old:
            warnings.append(declared.deprecation(setting, name, label))
        named = setting.flag if label == "command line" else setting.name
        try:
            parsed = setting.parse(value, named)
        except declared.BadValue as e:
            raise UsageError(e.message, hint=e.hint) from None
        _set(values, sources, setting, parsed, label, named, UsageError)
        given.add(setting.name)
    return frozenset(given)


def _set(
    values: dict[str, Any],
    sources: dict[str, str],
    setting: declared.Setting,
    value: Any,
    source: str,
    named: str,
    error: type[SeologError],
) -> None:
    """A layer's value replaces the one below, except assertions: those add to the table below
    (per code or glob), each an error naming `named` when it names no check."""
    if setting.kind is not declared.Kind.ASSERTIONS:
        values[setting.key] = value
        sources[setting.key] = source
        return
    problems = assertion_problems(value)
    if problems:  # a code that names no check exits as an unknown code does everywhere (3)
        message, hint = problems[0]
        raise NotFoundError(f"{named}: {message}", hint=hint)
    merged = dict(values[setting.key] or {})
    for pattern, assertion in value.items():
        merged[pattern] = assertion
        sources[f"{setting.key}.{pattern}"] = source
    values[setting.key] = merged
    below = sources[setting.key]
    sources[setting.key] = source if below == DEFAULT else f"{below} + {source}"
