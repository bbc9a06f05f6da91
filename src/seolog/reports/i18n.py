"""Report strings per language, kept in `templates/i18n/<lang>.toml`, and locale-aware dates,
numbers and money (Babel)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from seolog.errors import UsageError

LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Translator:
    lang: str
    locale: str
    strings: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        text = self.strings.get(key, key)
        return text.format(**values) if values else text

    def date(self, value: date, style: str = "long") -> str:
        from babel.dates import format_date

        return format_date(value, format=style, locale=self.locale)

    def number(self, value: float | int | Decimal, digits: int = 0) -> str:
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: Decimal | None, currency: str | None) -> str:
        from babel.numbers import format_currency

        if value is None:
            return "–"
        return format_currency(value, currency or "EUR", locale=self.locale)


@cache
def _catalog(folder: str, lang: str) -> tuple[str, dict[str, str]]:
    data = tomllib.loads((Path(folder) / f"{lang}.toml").read_text(encoding="utf-8"))
    return data["locale"], data["text"]


def translator(lang: str, folders: list[Path]) -> Translator:
    """The catalogue of `lang` from the first folder that has it (an agency may add its own)."""
    lang = lang.strip().lower()
    for folder in folders:
        if (folder / f"{lang}.toml").is_file():
            locale, strings = _catalog(str(folder), lang)
            return Translator(lang, locale, strings)
    raise UsageError(f"no report language {lang!r}", hint=f"use one of: {', '.join(LANGUAGES)}")
