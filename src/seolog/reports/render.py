"""Jinja to HTML: the package's templates, overridable by name from an agency's folder, with the
agency's branding, strings in the report's language, and everything from crawled pages escaped."""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from seolog import __version__
from seolog.errors import ConfigError
from seolog.reports import charts
from seolog.reports.i18n import Translator, translator

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SEVERITY_COLOURS = {"error": "#dc2626", "warning": "#d97706", "notice": "#2563eb"}


def package_templates() -> Path:
    """`seolog/templates` when installed; the checkout's `templates/` when run from source."""
    installed = Path(__file__).resolve().parent.parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "templates"


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff":
        kind = "font/woff"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


@dataclass
class Branding:
    """From the config file's [report] section; every field optional."""

    agency: str = "seolog"
    logo: Path | None = None
    primary_color: str = "#1d4ed8"
    footer: str = ""
    contact: str = ""
    template_dir: Path | None = None

    @classmethod
    def from_config(cls, report: dict[str, Any], base: Path | None = None) -> Branding:
        known = {"agency", "logo", "primary_color", "footer", "contact", "template_dir"}
        unknown = set(report) - known
        if unknown:
            raise ConfigError(
                f"unknown setting report.{sorted(unknown)[0]}",
                hint=f"settings: {', '.join(sorted(known))}",
            )
        values = dict(report)
        for key in ("logo", "template_dir"):
            if values.get(key):
                path = Path(values[key]).expanduser()
                values[key] = path if path.is_absolute() or base is None else base / path
        brand = cls(**values)
        brand.check()
        return brand

    def check(self) -> None:
        if not _COLOUR.match(self.primary_color):
            raise ConfigError(
                f"report primary colour {self.primary_color!r} is not #rrggbb",
                hint='e.g. "#1d4ed8"',
            )
        if self.logo is not None and not self.logo.is_file():
            raise ConfigError(f"the report logo {self.logo} does not exist", hint="check the path")
        if self.template_dir is not None and not self.template_dir.is_dir():
            raise ConfigError(
                f"the template folder {self.template_dir} does not exist", hint="check the path"
            )

    @property
    def logo_uri(self) -> str | None:
        return _data_uri(self.logo) if self.logo else None


def _fonts_css(folder: Path) -> str:
    """@font-face rules with the bundled Inter inlined: the HTML travels as one file, and the PDF
    embeds the same font on every machine."""
    rules = []
    for weight in (400, 600, 700):
        for subset in ("latin", "latin-ext"):
            font = folder / "fonts" / f"inter-{subset}-{weight}-normal.woff"
            if font.is_file():
                rules.append(
                    f'@font-face {{ font-family: "Inter"; font-weight: {weight}; '
                    f'src: url("{_data_uri(font)}") format("woff"); }}'
                )
    return "\n".join(rules)


class Renderer:
    def __init__(self, lang: str, branding: Branding) -> None:
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

        self.branding = branding
        folders = [branding.template_dir] if branding.template_dir else []
        folders.append(package_templates())
        self.t: Translator = translator(lang, [f / "i18n" for f in folders])
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
            autoescape=True,  # page titles and URLs come from the web: never trust them
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        css_path = next((f / "report.css" for f in folders if (f / "report.css").is_file()), None)
        css = css_path.read_text(encoding="utf-8") if css_path else ""
        self.env.globals.update(
            t=self.t,
            hours=lambda value: self.t.number(value, 2),
            brand=branding,
            css=_fonts_css(package_templates())
            + "\n"
            + css.replace("#1d4ed8", branding.primary_color),
            charts=charts,
            colours=SEVERITY_COLOURS,
            version=__version__,
            generated=datetime.now().astimezone(),
        )
        self.env.filters["num"] = self.t.number
        self.env.filters["day"] = self.t.date
        self.env.filters["bar_rows"] = _bar_rows

    def html(self, template: str, **data: Any) -> str:
        from jinja2 import TemplateError, TemplateNotFound

        from seolog.errors import ReportError

        try:
            return self.env.get_template(template).render(**data)
        except TemplateNotFound as e:
            raise ReportError(f"no report template {e.name!r}", hint="check --template-dir") from e
        except TemplateError as e:
            line = getattr(e, "lineno", None)  # syntax errors know where; others do not
            where = f" ({getattr(e, 'filename', None)}:{line})" if line else ""
            raise ReportError(
                f"the report template failed{where}: {e}",
                hint="fix the template, or drop --template-dir",
            ) from e


def _bar_rows(pairs: Any, colour: str) -> list[tuple[str, float, str]]:
    """(label, value) pairs as bar chart rows in one colour."""
    return [(str(label), float(value), colour) for label, value in pairs]


def write_pdf(html: str, path: Path) -> int:
    """Print the HTML to PDF with WeasyPrint; returns the file size. Fonts and images are inline,
    so nothing is fetched."""
    from weasyprint import HTML

    from seolog.errors import ReportError

    try:
        HTML(string=html, base_url=str(package_templates())).write_pdf(str(path))
    except OSError as e:
        raise ReportError(
            f"cannot write {path}: {e.strerror}", hint="check the folder is writable"
        ) from e
    return path.stat().st_size
