"""The config files: the project's `seolog.toml` (or `[tool.seolog]` in `pyproject.toml`, found in
the working directory or its parents, like ruff and pytest find theirs) and the user's own
`config.toml` in the platform config folder (`$SEOLOG_HOME/config.toml` when SEOLOG_HOME is set).

File layers, later wins: built-in defaults < the user file < the project file < a profile
(`--profile staging`: built in, then the user file's, then the project file's). The environment
and command-line flags go on top (`seolog.resolve`). Every value remembers which layer set it, for
`seolog config show`.

```toml
[scan]                       # crawl settings, the same names as the flags
max_pages = 5000
exclude = ["\\\\?sort="]

[thresholds]                 # see `seolog checks list --thresholds`
title_max_px = 600

[checks]
disable = ["social-tags-missing"]
severity = { content-thin = "warning" }
ignore = [{ code = "link-broken", url = "/legacy/" }]   # url: a regex searched in the URL

[gates]
fail_under = 85
fail_on = "error"

[profiles.staging]           # extends the built-in staging profile
scan = { max_pages = 500 }
```
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from seolog import settings as declared
from seolog.config import user_config_path
from seolog.errors import ConfigError

FILE_NAMES = ("seolog.toml", ".seolog.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "notice")

# Staging sites are noindex and disallow everything in robots.txt on purpose: a staging audit
# should report what will matter in production, not those.
BUILTIN_PROFILES: dict[str, dict[str, Any]] = {
    "staging": {
        "scan": {"ignore_robots": True},
        "checks": {
            "disable": [
                "noindex",
                "sitemap-noindex",
                "canonical-to-noindex",
                "robots-txt-missing",
                "sitemap-missing",
                "hsts-missing",
            ]
        },
    }
}


@dataclass
class ProjectConfig:
    path: Path | None = None  # the project file
    profile: str | None = None
    user_path: Path | None = None  # the user file, when there is one
    scan: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=dict)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    ignore: list[dict[str, str]] = field(default_factory=list)
    gates: dict[str, Any] = field(default_factory=dict)
    alerts: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)  # branding; checked by reports.render
    sources: dict[str, str] = field(default_factory=dict)  # "scan.max_pages" → where it came from
    warnings: list[str] = field(default_factory=list)  # deprecated names still in use

    def audit_rules(self) -> dict[str, Any]:
        """What the checks runner needs, as stored with the scan."""
        return {"disable": self.disable, "severity": self.severity, "ignore": self.ignore}


def find_config(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        for name in FILE_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or "[tool.seolog" in candidate.read_text(errors="replace"):
                return candidate
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}", hint="check the path") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}", hint="fix the line it names") from e
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("seolog", {})
    return data


def _fail(where: str, message: str, hint: str) -> NoReturn:
    raise ConfigError(f"{where}: {message}", hint=hint)


def _check_section(where: str, data: dict[str, Any]) -> None:
    """Unknown keys and wrong types are errors naming the key: a typo must not pass silently."""
    from seolog.checks.registry import code_hint, did_you_mean, get_check
    from seolog.checks.thresholds import Thresholds, range_problem

    known = {"scan", "thresholds", "checks", "gates", "profiles", "alerts", "report"}
    for key in data:
        if key not in known:
            _fail(where, f"unknown section [{key}]", f"sections: {', '.join(sorted(known))}")
        elif not isinstance(data[key], dict):
            _fail(where, f"{key} must be a table ([{key}])", "see the README")
    names = Thresholds.describe()
    for key, value in data.get("thresholds", {}).items():
        if key not in names:
            _fail(
                where,
                f"unknown threshold {key}",
                did_you_mean(key, names, "`seolog checks list --thresholds`"),
            )
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            _fail(where, f"thresholds.{key} must be a whole number", f"e.g. {key} = 60")
        if (problem := range_problem(key, value)) is not None:
            default = getattr(Thresholds(), key)
            _fail(where, f"thresholds.{key} {problem}", f"e.g. {key} = {default}")
    checks = data.get("checks", {})
    for key in checks:
        if key not in ("disable", "severity", "ignore"):
            _fail(where, f"unknown setting checks.{key}", "settings: disable, severity, ignore")
    _check_shapes(where, checks)
    codes = list(checks.get("disable", [])) + list(checks.get("severity", {}))
    codes += [i.get("code", "") for i in checks.get("ignore", []) if isinstance(i, dict)]
    for code in codes:
        if get_check(code) is None:
            _fail(where, f"unknown check code {code!r}", code_hint(str(code)))
    for code, severity in checks.get("severity", {}).items():
        if severity not in SEVERITIES:
            _fail(
                where, f"checks.severity.{code} must be error, warning or notice", 'e.g. "warning"'
            )
    for rule in checks.get("ignore", []):
        if (
            not isinstance(rule, dict)
            or set(rule) - {"code", "url"}
            or "code" not in rule
            or not all(isinstance(v, str) for v in rule.values())
        ):
            _fail(where, "each checks.ignore entry needs a code (and optionally a url regex)",
                  'e.g. { code = "link-broken", url = "/legacy/" }')  # fmt: skip
        try:
            re.compile(rule.get("url", ""))
        except re.error as e:
            _fail(
                where,
                f"checks.ignore url {rule.get('url')!r} is not a regex ({e})",
                "escape special characters",
            )
    _check_alerts(where, data.get("alerts", {}))


def _check_shapes(where: str, checks: dict[str, Any]) -> None:
    """Lists and tables of text where [checks] wants them, before anything reads them."""
    disable, severity, ignore = (checks.get(k) for k in ("disable", "severity", "ignore"))
    if disable is not None and (
        not isinstance(disable, list) or not all(isinstance(c, str) for c in disable)
    ):
        _fail(where, "checks.disable must be a list of check codes", 'e.g. ["noindex"]')
    if severity is not None and (
        not isinstance(severity, dict) or not all(isinstance(v, str) for v in severity.values())
    ):
        _fail(where, "checks.severity must be a table of code = severity", '{ noindex = "error" }')
    if ignore is not None and not isinstance(ignore, list):
        _fail(where, "checks.ignore must be a list of { code, url } tables",
              'e.g. [{ code = "link-broken", url = "/legacy/" }]')  # fmt: skip


def _declared_values(
    where: str, section: str, table: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """A [scan] or [gates] table checked against the one declaration of settings: unknown keys
    and wrong types are errors naming the key; old names still work, with a warning (returned
    beside the values)."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in table.items():
        setting, old = declared.lookup(section, key)
        if setting is None:
            names = ", ".join(s.name for s in declared.in_section(section))
            _fail(where, f"unknown setting {section}.{key}", f"settings: {names}")
        try:
            values[setting.name] = setting.parse(value, f"{section}.{key}")
        except declared.BadValue as e:
            _fail(where, e.message, e.hint)
        if old:
            warnings.append(declared.deprecation(setting, key, where))
    return values, warnings


def _add_source(config: ProjectConfig, key: str, source: str) -> None:
    """Lists add up across layers, so their source names every layer that added to them."""
    before = config.sources.get(key)
    config.sources[key] = f"{before} + {source}" if before else source


ALERT_KEYS: dict[str, type | tuple[type, ...]] = {
    "score_drop": int,
    "new_errors": bool,
    "unreachable": bool,
    "webhook": bool,
    "email": dict,
}
EMAIL_KEYS: dict[str, type | tuple[type, ...]] = {
    "to": list,
    "from": str,
    "host": str,
    "port": int,
    "security": str,
    "username": str,
}


def _check_alerts(where: str, alerts: dict[str, Any]) -> None:
    email = alerts.get("email", {}) if isinstance(alerts.get("email"), dict) else {}
    for key in ("password", "webhook_url", "url"):
        if key in alerts or key in email:
            _fail(
                where,
                f"alerts: {key} does not belong in a config file (config files get committed)",
                "set SEOLOG_SMTP_PASSWORD / SEOLOG_WEBHOOK_URL, or store it in the keyring",
            )
    for key, value in alerts.items():
        expected = ALERT_KEYS.get(key)
        if expected is None:
            _fail(where, f"unknown setting alerts.{key}", f"settings: {', '.join(ALERT_KEYS)}")
        elif not isinstance(value, expected):
            _fail(
                where, f"alerts.{key} has the wrong type ({type(value).__name__})", "see the README"
            )
    for key, value in email.items():
        expected = EMAIL_KEYS.get(key)
        if expected is None:
            _fail(
                where, f"unknown setting alerts.email.{key}", f"settings: {', '.join(EMAIL_KEYS)}"
            )
        elif not isinstance(value, expected) or (
            key == "to" and not (isinstance(value, list) and all(isinstance(t, str) for t in value))
        ):
            _fail(where, f"alerts.email.{key} has the wrong type", "see the README")
    if email and ("to" not in email or "host" not in email):
        _fail(
            where, "alerts.email needs at least `to` and `host`", 'e.g. to = ["seo@acme.example"]'
        )
    if email.get("security", "starttls") not in ("starttls", "ssl", "none"):
        _fail(where, "alerts.email.security must be starttls, ssl or none", 'e.g. security = "ssl"')


def _apply(
    config: ProjectConfig, data: dict[str, Any], source: str, folder: Path | None = None
) -> None:
    """One layer on top of the ones below. `folder`: the config file's, against which a relative
    baseline path is read (as a CI job expects, wherever it runs from)."""
    for section, target in (("scan", config.scan), ("gates", config.gates)):
        values, warnings = _declared_values(source, section, data.get(section, {}))
        config.warnings += warnings
        baseline = values.get("baseline")
        if folder is not None and isinstance(baseline, str) and not baseline.strip().isdigit():
            values["baseline"] = str(folder / Path(baseline).expanduser())
        for key, value in values.items():
            target[key] = value
            config.sources[f"{section}.{key}"] = source
    # Plain tables: each key replaces the one below it and remembers where it came from.
    for section, target in (
        ("thresholds", config.thresholds),
        ("alerts", config.alerts),
        ("report", config.report),
    ):
        for key, value in data.get(section, {}).items():
            target[key] = value
            config.sources[f"{section}.{key}"] = source
    checks = data.get("checks", {})
    if "disable" in checks:
        config.disable = sorted(set(config.disable) | set(checks["disable"]))
        _add_source(config, "checks.disable", source)
    for code, severity in checks.get("severity", {}).items():
        config.severity[code] = severity
        config.sources[f"checks.severity.{code}"] = source
    if "ignore" in checks:
        config.ignore = [*config.ignore, *checks["ignore"]]
        _add_source(config, "checks.ignore", source)


def _load_file(config: ProjectConfig, path: Path) -> dict[str, Any]:
    data = _read(path)
    _check_section(str(path), data)
    _apply(config, data, str(path), path.parent)
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(p, dict) for p in profiles.values()):
        _fail(str(path), "profiles must be tables ([profiles.NAME])", "e.g. [profiles.staging]")
    return dict(profiles)


def load_config(
    explicit: Path | None = None,
    profile: str | None = None,
    cwd: Path | None = None,
    *,
    files: bool = True,
) -> ProjectConfig:
    """The merged file and profile layers; the environment and flags are applied on top by
    `seolog.resolve`. With `files` False no file is read (a Python caller's choice), and only
    the built-in profiles exist."""
    path = (explicit or find_config(cwd or Path.cwd())) if files else None
    user = user_config_path() if files else None
    config = ProjectConfig(path=path, profile=profile)
    layers: list[tuple[Path, dict[str, Any]]] = []  # (file, its profiles), lowest first
    if user is not None and user.is_file() and user != path:
        config.user_path = user
        layers.append((user, _load_file(config, user)))
    if path is not None:
        if explicit is not None and not explicit.is_file():
            raise ConfigError(f"no config file at {explicit}", hint="check the --config path")
        layers.append((path, _load_file(config, path)))
    if profile is not None:
        named = {name for _path, profiles in layers for name in profiles}
        if profile not in named and profile not in BUILTIN_PROFILES:
            names = sorted(named | set(BUILTIN_PROFILES))
            raise ConfigError(f"no profile named {profile!r}", hint=f"profiles: {', '.join(names)}")
        layered = copy.deepcopy(BUILTIN_PROFILES.get(profile, {}))
        _apply(config, layered, f"profile {profile} (built in)")
        for file, profiles in layers:
            if profile in profiles:
                where = f"{file} [profiles.{profile}]"
                _check_section(where, profiles[profile])
                _apply(config, profiles[profile], where, file.parent)
    return config
