"""Report strings in the report's language, and locale-aware dates, numbers and money (Babel).

The strings are gettext catalogs: the English text is the message id, and `locale/<lang>.po`
beside the templates translates it (read at run time with Babel, so there is nothing to compile).
A translator adds a language by adding a `.po` file made from `locale/seolog.pot`; an agency can
put one in its own template folder (`--template-dir`). English needs no file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

from seolog.errors import ReportError, UsageError
from seolog.reports import labels
from seolog.reports.wording import Wording

SOURCE = "en"  # the language of the message ids
SOURCE_LOCALE = "en_GB"  # dates as 30 November 2026, money as €1,234.50
DOMAIN = "seolog"  # the .pot file's name


@dataclass(frozen=True)
class Translator:
    lang: str
    locale: str
    messages: Mapping[str, str] = field(default_factory=dict)  # msgid → translation

    def __call__(self, msgid: str, **values: object) -> str:
        """The translation of `msgid` (itself when the catalog lacks it), `{name}`s filled in."""
        text = self.messages.get(msgid) or msgid
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation with a misspelt {name}
            return msgid.format(**values)

    @cached_property
    def _wording(self) -> Wording:
        return Wording(self.messages, self.number)

    def finding(self, message: str) -> str:
        """A check's finding message ("title is 28 characters (min 30)") in this language."""
        return self._wording(message) if self.messages else message

    def family(self, name: str) -> str:
        return self(labels.FAMILIES.get(name, name))

    def work_type(self, name: str) -> str:
        english = labels.WORK_TYPES.get(name)
        return self(english) if english else name

    def band(self, score: int | None) -> str:
        band = labels.score_band(score)
        return self(labels.BANDS[band]) if band else ""

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


def _read(path: Path) -> tuple[str, dict[str, str]]:
    from babel.core import UnknownLocaleError
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except (OSError, PoFileError, UnknownLocaleError, ValueError) as e:
        raise ReportError(
            f"cannot read the report language file {path}: {e}",
            hint="fix it (msgfmt --check-format reads it too), or remove it",
        ) from e
    if catalog.locale is None:
        raise ReportError(
            f"the report language file {path} names no language",
            hint='add the locale to its header, e.g. "Language: de_DE\\n"',
        )
    messages = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
    return str(catalog.locale), messages


@cache
def _catalog(path: str, mtime: float) -> tuple[str, dict[str, str]]:
    return _read(Path(path))


def languages(folders: list[Path]) -> list[str]:
    """English and every language with a catalog in `folders`."""
    found = {p.stem.lower() for folder in folders for p in folder.glob("*.po")}
    return [SOURCE, *sorted(found - {SOURCE})]


def translator(lang: str, folders: list[Path]) -> Translator:
    """The catalog of `lang` from the first folder that has it (an agency may add its own)."""
    lang = lang.strip().lower()
    for folder in folders:
        po = folder / f"{lang}.po"
        if po.is_file():
            locale, messages = _catalog(str(po), po.stat().st_mtime)
            return Translator(lang, locale, messages)
    if lang == SOURCE:
        return Translator(SOURCE, SOURCE_LOCALE)
    raise UsageError(
        f"no report language {lang!r}",
        hint=f"use one of: {', '.join(languages(folders))} (or add locale/{lang}.po)",
    )
