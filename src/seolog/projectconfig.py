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
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, cast

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
    worklog: dict[str, Any] = field(default_factory=dict)  # timer limit, invoice numbering
    suggest: dict[str, Any] = field(default_factory=dict)  # the language model's endpoint
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
    except UnicodeDecodeError as e:  # TOML is UTF-8; this is a binary file or another encoding
        raise ConfigError(
            f"{path} is not a UTF-8 text file, so not a seolog config",
            hint="check the --config path, or save the file as UTF-8",
        ) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}", hint="fix the line it names") from e
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("seolog", {})
    return data


def _fail(where: str, message: str, hint: str) -> NoReturn:
    raise ConfigError(f"{where}: {message}", hint=hint)


@dataclass
class Problems:
    """Everything wrong with one config file, gathered before anything is raised, so a user
    fixes the file in one go rather than one typo per run."""

    items: list[tuple[str, str]] = field(default_factory=list)  # (message, hint)
    prefix: str = ""  # "[profiles.staging] " while a profile's tables are checked

    def add(self, message: str, hint: str) -> None:
        self.items.append((self.prefix + message, hint))

    def raise_if_any(self, where: str) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            _fail(where, *self.items[0])
        lines = "\n".join(f"  - {message} — {hint}" for message, hint in self.items)
        raise ConfigError(
            f"{where}: {len(self.items)} problems\n{lines}",
            hint="fix them all; `seolog config show` checks the file without crawling",
        )


SECTIONS = (
    "scan",
    "thresholds",
    "checks",
    "gates",
    "profiles",
    "alerts",
    "report",
    "worklog",
    "suggest",
)
# [report] is read by reports.render.Branding when a report is made; its keys are checked here
# too, so a typo shows with the others (tests keep the two lists equal).
REPORT_KEYS = (
    "agency",
    "logo",
    "primary_color",
    "footer",
    "contact",
    "template_dir",
    "white_label",
)
# [worklog]: key → (the types it takes, an example). Read by the work log and invoices.
WORKLOG_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "max_timer_hours": ((int, float), "max_timer_hours = 10"),
    "invoice_number": ((str,), 'invoice_number = "{year}-{seq:04d}"'),
    "invoice_due_days": ((int,), "invoice_due_days = 30"),
    "invoice_details": (
        (list,),
        'invoice_details = ["IBAN NL00 BANK 0123 4567 89", "VAT NL000000000B01"]',
    ),
}

# [suggest]: the language model `seolog suggest` asks (key → (types, an example)). The key is
# never here: `seolog auth login --llm` keeps it in the keyring, or SEOLOG_LLM_API_KEY.
SUGGEST_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "api_url": ((str,), 'api_url = "http://127.0.0.1:11434/v1"'),
    "model": ((str,), 'model = "gpt-4o-mini"'),
    "brand": ((str,), 'brand = "Acme"'),
    "max_cost": ((int, float), "max_cost = 2.50"),
    "max_tokens": ((int,), "max_tokens = 200000"),
    "concurrency": ((int,), "concurrency = 2"),
    "timeout": ((int, float), "timeout = 60"),
    "minutes_saved": ((int, float), "minutes_saved = 5"),
    "prices": ((dict,), 'prices = { "gpt-4o-mini" = { input = 0.00015, output = 0.0006 } }'),
}

# Keys that hold secrets, and where each secret belongs instead: config files get committed.
_AUTH = "set SEOLOG_AUTH=user:password in the environment; --auth reads it"
_API_KEY = "set SEOLOG_API_KEY in the environment, or run `seolog auth login`"
_LLM_KEY = "set SEOLOG_LLM_API_KEY in the environment, or run `seolog auth login --llm`"
_HEADER = 'pass it from a CI secret: --header "Authorization: $TOKEN"'
_COOKIE = 'pass it from a CI secret: --cookie "name=$VALUE"'
_SECRET_PLACES = {
    **dict.fromkeys(("auth", "basic_auth", "password", "passwd"), _AUTH),
    **dict.fromkeys(
        ("api_key", "apikey", "api_token", "token", "access_token", "secret"), _API_KEY
    ),
    **dict.fromkeys(("headers", "header", "authorization"), _HEADER),
    **dict.fromkeys(("cookies", "cookie"), _COOKIE),
}
_ALERT_SECRETS = {
    "password": "set SEOLOG_SMTP_PASSWORD in the environment",
    "webhook_url": "set SEOLOG_WEBHOOK_URL in the environment",
    "url": "set SEOLOG_WEBHOOK_URL in the environment",
}


def _secret_place(path: tuple[str, ...]) -> str | None:
    """Where the secret a key would hold belongs, or None when the key holds no secret.
    `path` is the key's place in a file's tables, a profile's without `profiles.NAME`."""
    key = path[-1].lower().replace("-", "_")
    if path[0] == "alerts" and key in _ALERT_SECRETS:
        return _ALERT_SECRETS[key]
    if path[0] == "suggest" and _SECRET_PLACES.get(key) == _API_KEY:
        return _LLM_KEY
    return _SECRET_PLACES.get(key)


# Tables whose keys are check codes or threshold names, never secrets.
_CODE_TABLES = {
    ("checks",),
    ("gates", "checks"),
    ("thresholds",),
    ("report",),
    ("suggest", "prices"),  # model names
}


def _find_secrets(data: dict[str, Any], problems: Problems, path: tuple[str, ...] = ()) -> None:
    """Refuse a secret anywhere in the file, profiles included, never repeating its value."""
    for key, value in data.items():
        here = (*path, str(key))
        inner = here[2:] if here[0] == "profiles" else here  # a profile holds sections too
        if not inner:
            if isinstance(value, dict):
                _find_secrets(value, problems, here)
            continue
        place = _secret_place(inner)
        if inner == ("alerts", "webhook") and isinstance(value, str):  # a URL, not true/false
            place = _ALERT_SECRETS["webhook_url"] + " and keep webhook = true here"
        if place is not None:
            problems.add(
                f"{'.'.join(here)} does not belong in a config file: it holds a secret, "
                "and config files get committed",
                place,
            )
        elif isinstance(value, dict) and inner not in _CODE_TABLES:
            _find_secrets(value, problems, here)


def check_data(where: str, data: dict[str, Any]) -> None:
    """A file's (or a profile's) tables, checked all at once: every unknown key (with the
    closest known one), every wrongly typed value (with the type it takes) and every secret is
    one line of one error."""
    problems = Problems()
    _find_secrets(data, problems)
    _check_tables(data, problems)
    profiles = data.get("profiles", {})
    if isinstance(profiles, dict):
        for name, profile in profiles.items():
            problems.prefix = f"[profiles.{name}] "
            if not isinstance(profile, dict):
                problems.add("a profile must be a table", "e.g. [profiles.staging]")
            else:
                _check_tables(profile, problems, profile=True)
        problems.prefix = ""
    problems.raise_if_any(where)


def _secret(*path: str) -> bool:
    return _secret_place(path) is not None


def _check_tables(data: dict[str, Any], problems: Problems, profile: bool = False) -> None:
    """Unknown keys and wrong types are problems naming the key: a typo must not pass silently."""
    from seolog.checks.registry import did_you_mean

    known = [s for s in SECTIONS if not (profile and s == "profiles")]
    for key in list(data):
        if key not in known:
            value = data[key]
            secrets_only = isinstance(value, dict) and all(_secret(key, k) for k in value)
            if not _secret(key) and not (value and secrets_only):  # a secret is said once
                problems.add(
                    f"unknown section [{key}]", did_you_mean(key, known, "the README's config")
                )
            data = {k: v for k, v in data.items() if k != key}
        elif not isinstance(data[key], dict):
            problems.add(f"{key} must be a table ([{key}])", f"e.g. [{key}] on a line of its own")
            data = {k: v for k, v in data.items() if k != key}
    for section in ("scan", "gates"):
        _declared_values(section, data.get(section, {}), problems)
    _check_thresholds(data.get("thresholds", {}), problems)
    _check_checks(data.get("checks", {}), problems)
    _check_alerts(data.get("alerts", {}), problems)
    report = data.get("report", {})
    for key in report:
        if key not in REPORT_KEYS:
            problems.add(
                f"unknown setting report.{key}", did_you_mean(key, REPORT_KEYS, "the README")
            )
    _check_worklog(data.get("worklog", {}), problems)
    _check_suggest(data.get("suggest", {}), problems)


def _typed(
    section: str,
    table: dict[str, Any],
    keys: dict[str, tuple[tuple[type, ...], str]],
    problems: Problems,
) -> Iterator[tuple[str, Any, str]]:
    """A plain section's keys: an unknown one, or a value of the wrong type (or not above 0),
    is a problem naming it; the others come back as (key, value, the key's example)."""
    from seolog.checks.registry import did_you_mean

    for key, value in table.items():
        if key not in keys:
            if not _secret(section, key):  # a secret is said once, by _find_secrets
                problems.add(
                    f"unknown setting {section}.{key}",
                    did_you_mean(key, list(keys), f"the README's [{section}]"),
                )
            continue
        types, example = keys[key]
        positive = not isinstance(value, int | float) or value > 0
        if isinstance(value, bool) or not isinstance(value, types) or not positive:
            problems.add(
                f"{section}.{key}: {declared.shown(value)} is not allowed here", f"e.g. {example}"
            )
            continue
        yield key, value, example


def _check_suggest(suggest: dict[str, Any], problems: Problems) -> None:
    for key, value, example in _typed("suggest", suggest, SUGGEST_KEYS, problems):
        if key == "prices":
            for model, price in value.items():
                if not _price(price):
                    problems.add(
                        f"suggest.prices.{model}: a price per 1,000 tokens needs input and output",
                        "e.g. " + example,
                    )


def _price(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"input", "output"}
        and all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                for v in value.values())
    )  # fmt: skip


def _check_worklog(worklog: dict[str, Any], problems: Problems) -> None:
    for key, value, example in _typed("worklog", worklog, WORKLOG_KEYS, problems):
        if key == "invoice_number" and "{seq" not in str(value):
            problems.add(
                "worklog.invoice_number has no {seq}: every invoice would get the same number",
                f"e.g. {example}",
            )


def _check_thresholds(thresholds: dict[str, Any], problems: Problems) -> None:
    from seolog.checks.registry import did_you_mean
    from seolog.checks.thresholds import Thresholds, range_problem

    names = Thresholds.describe()
    for key, value in thresholds.items():
        if key not in names:
            problems.add(
                f"unknown threshold {key}",
                did_you_mean(key, names, "`seolog checks list --thresholds`"),
            )
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.add(
                f"thresholds.{key}: expected an integer ≥ 0, got {declared.shown(value)}",
                f"e.g. {key} = {getattr(Thresholds(), key)}",
            )
        elif (problem := range_problem(key, value)) is not None:
            problems.add(
                f"thresholds.{key} {problem}", f"e.g. {key} = {getattr(Thresholds(), key)}"
            )


def _check_checks(checks: dict[str, Any], problems: Problems) -> None:
    from seolog.checks.registry import code_hint, did_you_mean, get_check

    for key in checks:
        if key not in ("disable", "severity", "ignore"):
            problems.add(
                f"unknown setting checks.{key}",
                did_you_mean(key, ("disable", "severity", "ignore"), "the README's [checks]"),
            )
    if not _check_shapes(checks, problems):
        return
    codes = list(checks.get("disable", [])) + list(checks.get("severity", {}))
    codes += [i.get("code", "") for i in checks.get("ignore", []) if isinstance(i, dict)]
    for code in codes:
        if get_check(code) is None:
            problems.add(f"unknown check code {code!r}", code_hint(str(code)))
    for code, severity in checks.get("severity", {}).items():
        if severity not in SEVERITIES:
            problems.add(
                f"checks.severity.{code} must be error, warning or notice, not "
                f"{declared.shown(severity)}",
                'e.g. "warning"',
            )
    for rule in checks.get("ignore", []):
        if (
            not isinstance(rule, dict)
            or set(rule) - {"code", "url"}
            or "code" not in rule
            or not all(isinstance(v, str) for v in rule.values())
        ):
            problems.add("each checks.ignore entry needs a code (and optionally a url regex)",
                         'e.g. { code = "link-broken", url = "/legacy/" }')  # fmt: skip
            continue
        try:
            re.compile(rule.get("url", ""))
        except re.error as e:
            problems.add(
                f"checks.ignore url {rule.get('url')!r} is not a regex ({e})",
                "escape special characters",
            )


def _check_shapes(checks: dict[str, Any], problems: Problems) -> bool:
    """Lists and tables of text where [checks] wants them, before anything reads them."""
    before = len(problems.items)
    disable, severity, ignore = (checks.get(k) for k in ("disable", "severity", "ignore"))
    if disable is not None and (
        not isinstance(disable, list) or not all(isinstance(c, str) for c in disable)
    ):
        problems.add(
            f"checks.disable must be a list of check codes, not {declared.shown(disable)}",
            'e.g. ["noindex"]',
        )
    if severity is not None and (
        not isinstance(severity, dict) or not all(isinstance(v, str) for v in severity.values())
    ):
        problems.add("checks.severity must be a table of code = severity", '{ noindex = "error" }')
    if ignore is not None and not isinstance(ignore, list):
        problems.add("checks.ignore must be a list of { code, url } tables",
                     'e.g. [{ code = "link-broken", url = "/legacy/" }]')  # fmt: skip
    return len(problems.items) == before


def assertion_problems(assertions: dict[str, Any]) -> list[tuple[str, str]]:
    """Each assertion pattern that names no check: an unknown code, or a glob matching none,
    with the closest code or glob. (The shape was checked by the settings declaration.)"""
    from fnmatch import fnmatchcase

    from seolog.checks.registry import catalog, code_hint, did_you_mean

    codes = [spec.code for spec in catalog()]
    found: list[tuple[str, str]] = []
    for pattern in assertions:
        if not any(ch in pattern for ch in "*?["):
            if pattern not in codes:
                found.append((f"unknown check code {pattern!r}", code_hint(pattern)))
        elif not any(fnmatchcase(code, pattern) for code in codes):
            globs = {
                "-".join(code.split("-")[:n]) + "-*"
                for code in codes
                for n in range(1, code.count("-") + 1)
            }
            found.append(
                (
                    f"{pattern!r} matches no check code",
                    did_you_mean(pattern, sorted(globs), "`seolog checks list`"),
                )
            )
    return found


def _declared_values(
    section: str, table: dict[str, Any], problems: Problems, where: str = "config"
) -> tuple[dict[str, Any], list[str]]:
    """A [scan] or [gates] table checked against the one declaration of settings: unknown keys
    and wrong types are problems naming the key; old names still work, with a warning (returned
    beside the values)."""
    from seolog.checks.registry import did_you_mean

    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in table.items():
        setting, old = declared.lookup(section, key)
        if setting is None:
            if not _secret(section, key):
                names = [s.name for s in declared.in_section(section)]
                problems.add(
                    f"unknown setting {section}.{key}",
                    did_you_mean(key, names, "`seolog config show` for every setting"),
                )
            continue
        if setting.kind is declared.Kind.ASSERTIONS:
            values[setting.name] = _assertions(setting, f"{section}.{key}", value, problems)
        else:
            try:
                values[setting.name] = setting.parse(value, f"{section}.{key}")
            except declared.BadValue as e:
                problems.add(e.message, e.hint)
                continue
        if old:
            warnings.append(declared.deprecation(setting, key, where))
    return values, warnings


def _assertions(
    setting: declared.Setting, name: str, value: Any, problems: Problems
) -> dict[str, Any]:
    """[gates.checks] in any of its shapes (a table, a list of "CODE=SPEC" strings, one string
    of them) one entry at a time, so every bad one is reported, not the first; and every shape
    gets the same check that each code or glob names a check."""
    if isinstance(value, dict):
        entries: list[Any] = [{pattern: spec} for pattern, spec in value.items()]
    elif isinstance(value, list | tuple):
        entries = [[item] for item in value]
    elif isinstance(value, str):
        entries = [[part] for part in declared.split_assertions(value)]
    else:
        entries = [value]  # the wrong type: the declaration says what it takes
    parsed: dict[str, Any] = {}
    for entry in entries:
        try:
            parsed.update(setting.parse(entry, name))
        except declared.BadValue as e:
            problems.add(e.message, e.hint)
    for message, hint in assertion_problems(parsed):
        problems.add(f"{name}: {message}", hint)
    return parsed


def _scan_id(text: str) -> bool:
    """A stored scan's ID, not a file name: ASCII digits only (`int('²')` fails)."""
    return text.strip().isascii() and text.strip().isdigit()


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


def _check_alerts(alerts: dict[str, Any], problems: Problems) -> None:
    """The [alerts] table's keys and types (its secrets were refused by _find_secrets)."""
    from seolog.checks.registry import did_you_mean

    email = alerts.get("email", {}) if isinstance(alerts.get("email"), dict) else {}
    for key, value in alerts.items():
        expected = ALERT_KEYS.get(key)
        if expected is None:
            if not _secret("alerts", key):
                problems.add(
                    f"unknown setting alerts.{key}", did_you_mean(key, ALERT_KEYS, "the README")
                )
        elif key == "webhook" and isinstance(value, str):
            continue  # a URL: refused as a secret already, never repeated here
        elif not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            problems.add(
                f"alerts.{key}: expected {_WORDS[key]}, got {declared.shown(value)}",
                "see the README's [alerts]",
            )
    for key, value in email.items():
        expected = EMAIL_KEYS.get(key)
        if expected is None:
            if not _secret("alerts", "email", key):
                problems.add(
                    f"unknown setting alerts.email.{key}",
                    did_you_mean(key, EMAIL_KEYS, "the README"),
                )
        elif (
            not isinstance(value, expected)
            or isinstance(value, bool)
            or (key == "to" and not all(isinstance(t, str) for t in cast(list[Any], value)))
        ):
            problems.add(
                f"alerts.email.{key}: expected {_WORDS[key]}, got {declared.shown(value)}",
                "see the README's [alerts]",
            )
    if email and ("to" not in email or "host" not in email):
        problems.add(
            "alerts.email needs at least `to` and `host`", 'e.g. to = ["seo@acme.example"]'
        )
    if email.get("security", "starttls") not in ("starttls", "ssl", "none"):
        problems.add("alerts.email.security must be starttls, ssl or none", 'e.g. security = "ssl"')


_WORDS = {
    "score_drop": "an integer",
    "new_errors": "true or false",
    "unreachable": "true or false",
    "webhook": "true or false",
    "email": "a table ([alerts.email])",
    "to": 'a list of addresses, e.g. ["seo@acme.example"]',
    "from": "text in quotes",
    "host": "text in quotes",
    "port": "an integer",
    "security": "starttls, ssl or none",
    "username": "text in quotes",
}


def _apply(
    config: ProjectConfig, data: dict[str, Any], source: str, folder: Path | None = None
) -> None:
    """One layer on top of the ones below. `folder`: the config file's, against which a relative
    baseline or CA bundle path is read (as a CI job expects, wherever it runs from)."""
    for section, target in (("scan", config.scan), ("gates", config.gates)):
        problems = Problems()
        values, warnings = _declared_values(section, data.get(section, {}), problems, source)
        problems.raise_if_any(source)  # checked already: only a built-in profile comes here new
        config.warnings += warnings
        baseline = values.get("baseline")
        if folder is not None and isinstance(baseline, str) and not _scan_id(baseline):
            values["baseline"] = str(folder / Path(baseline).expanduser())
        # A CA bundle named in a file is the file's neighbour, wherever the scan runs from
        # (the declaration made it absolute from the working directory).
        bundle = data.get(section, {}).get("ca_bundle")
        if folder is not None and isinstance(bundle, str) and bundle.strip():
            values["ca_bundle"] = os.path.abspath(folder / Path(bundle.strip()).expanduser())
        assertions = values.pop("checks", None)
        if assertions is not None:  # per code or glob: a profile changes one, keeps the rest
            merged = target.setdefault("checks", {})
            for pattern, assertion in assertions.items():
                merged[pattern] = assertion
                config.sources[f"gates.checks.{pattern}"] = source
            _add_source(config, "gates.checks", source)
        for key, value in values.items():
            target[key] = value
            config.sources[f"{section}.{key}"] = source
    # Plain tables: each key replaces the one below it and remembers where it came from.
    for section, target in (
        ("thresholds", config.thresholds),
        ("alerts", config.alerts),
        ("report", config.report),
        ("worklog", config.worklog),
        ("suggest", config.suggest),
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
    check_data(str(path), data)  # every profile too, used or not: a typo fails today
    _apply(config, data, str(path), path.parent)
    return dict(data.get("profiles", {}))


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
                _apply(config, profiles[profile], where, file.parent)
    return config
