"""The project config file: `seolog.toml`, or `[tool.seolog]` in `pyproject.toml`, found in the
working directory or its parents (like ruff and pytest find theirs).

Layers, later wins: built-in defaults < the file < a profile (`--profile staging`) < command-line
flags. Every value remembers which layer set it, for `seolog config show`.

```toml
[scan]                       # crawl settings, the same names as the flags
max_pages = 5000
exclude = ["\\\\?sort="]

[thresholds]                 # see `seolog checks list --thresholds`
title_max_chars = 65

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
from typing import Any

from seolog.errors import ConfigError

FILE_NAMES = ("seolog.toml", ".seolog.toml", "pyproject.toml")

SCAN_KEYS: dict[str, type | tuple[type, ...]] = {
    "concurrency": int,
    "rate": (int, float),
    "timeout": (int, float),
    "max_pages": int,
    "max_depth": int,
    "max_time": (int, float),
    "retries": int,
    "include": list,
    "exclude": list,
    "subdomains": bool,
    "ignore_robots": bool,
    "sitemaps": bool,
    "user_agent": str,
    "sync": bool,
}
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
    path: Path | None = None
    profile: str | None = None
    scan: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=dict)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    ignore: list[dict[str, str]] = field(default_factory=list)
    gates: dict[str, Any] = field(default_factory=dict)
    alerts: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)  # branding; checked by reports.render
    sources: dict[str, str] = field(default_factory=dict)  # "scan.max_pages" → where it came from

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


def _fail(where: str, message: str, hint: str) -> None:
    raise ConfigError(f"{where}: {message}", hint=hint)


def _check_section(where: str, data: dict[str, Any]) -> None:
    """Unknown keys and wrong types are errors naming the key: a typo must not pass silently."""
    from seolog.checks.registry import get_check
    from seolog.checks.thresholds import Thresholds

    known = {"scan", "thresholds", "checks", "gates", "profiles", "alerts", "report"}
    for key in data:
        if key not in known:
            _fail(where, f"unknown section [{key}]", f"sections: {', '.join(sorted(known))}")
    for key, value in data.get("scan", {}).items():
        expected = SCAN_KEYS.get(key)
        if expected is None:
            _fail(where, f"unknown setting scan.{key}", f"settings: {', '.join(SCAN_KEYS)}")
        elif not isinstance(value, expected) or (isinstance(value, bool) and expected is int):
            _fail(
                where, f"scan.{key} has the wrong type ({type(value).__name__})", "see the README"
            )
    names = Thresholds.describe()
    for key, value in data.get("thresholds", {}).items():
        if key not in names:
            _fail(where, f"unknown threshold {key}", "see `seolog checks list --thresholds`")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            _fail(where, f"thresholds.{key} must be a whole number", f"e.g. {key} = 60")
    checks = data.get("checks", {})
    for key in checks:
        if key not in ("disable", "severity", "ignore"):
            _fail(where, f"unknown setting checks.{key}", "settings: disable, severity, ignore")
    codes = list(checks.get("disable", [])) + list(checks.get("severity", {}))
    codes += [i.get("code", "") for i in checks.get("ignore", []) if isinstance(i, dict)]
    for code in codes:
        if get_check(code) is None:
            _fail(where, f"unknown check code {code!r}", "see `seolog checks list`")
    for code, severity in checks.get("severity", {}).items():
        if severity not in SEVERITIES:
            _fail(
                where, f"checks.severity.{code} must be error, warning or notice", 'e.g. "warning"'
            )
    for rule in checks.get("ignore", []):
        if not isinstance(rule, dict) or set(rule) - {"code", "url"} or "code" not in rule:
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
    gates = data.get("gates", {})
    for key, value in gates.items():
        if key == "fail_under":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
                _fail(where, "gates.fail_under must be 0-100", "e.g. fail_under = 85")
        elif key == "fail_on":
            if value not in SEVERITIES:
                _fail(
                    where,
                    "gates.fail_on must be error, warning or notice",
                    'e.g. fail_on = "error"',
                )
        else:
            _fail(where, f"unknown setting gates.{key}", "settings: fail_under, fail_on")


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
        elif not isinstance(value, expected):
            _fail(where, f"alerts.email.{key} has the wrong type", "see the README")
    if email and ("to" not in email or "host" not in email):
        _fail(
            where, "alerts.email needs at least `to` and `host`", 'e.g. to = ["seo@acme.example"]'
        )
    if email.get("security", "starttls") not in ("starttls", "ssl", "none"):
        _fail(where, "alerts.email.security must be starttls, ssl or none", 'e.g. security = "ssl"')


def _apply(config: ProjectConfig, data: dict[str, Any], source: str) -> None:
    # Plain tables: each key replaces the one below it and remembers where it came from.
    for section, target in (
        ("scan", config.scan),
        ("thresholds", config.thresholds),
        ("gates", config.gates),
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


def load_config(
    explicit: Path | None = None, profile: str | None = None, cwd: Path | None = None
) -> ProjectConfig:
    """The merged file and profile layers; command-line flags are applied by the caller."""
    path = explicit or find_config(cwd or Path.cwd())
    config = ProjectConfig(path=path, profile=profile)
    data: dict[str, Any] = {}
    if path is not None:
        if explicit is not None and not explicit.is_file():
            raise ConfigError(f"no config file at {explicit}", hint="check the --config path")
        data = _read(path)
        _check_section(str(path), data)
        _apply(config, data, str(path))
    if profile is not None:
        profiles = data.get("profiles", {})
        if profile not in profiles and profile not in BUILTIN_PROFILES:
            names = sorted(set(profiles) | set(BUILTIN_PROFILES))
            raise ConfigError(f"no profile named {profile!r}", hint=f"profiles: {', '.join(names)}")
        layered = copy.deepcopy(BUILTIN_PROFILES.get(profile, {}))
        _apply(config, layered, f"profile {profile} (built in)")
        if profile in profiles:
            _check_section(f"{path} [profiles.{profile}]", profiles[profile])
            _apply(config, profiles[profile], f"{path} [profiles.{profile}]")
    return config
