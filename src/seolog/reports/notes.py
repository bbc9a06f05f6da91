"""The consultant's own words in a report (an executive summary, the next steps), written in
Markdown and rendered safely: raw HTML in the file shows as text, links go only to web and mail
addresses, and images are not fetched (a report loads nothing from the network)."""

from __future__ import annotations


def markdown_html(text: str) -> str:
    """HTML for `text` (CommonMark and tables); never a tag the writer typed."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")  # ![..](url) would make the PDF fetch it; shown as a link instead
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return str(md.render(text))


def _safe_link(url: str) -> bool:
    """Web, mail and in-report links only (markdown-it already refuses javascript: and data:)."""
    lowered = url.strip().lower()
    if ":" not in lowered.split("/")[0]:
        return True  # relative, or #anchor
    return lowered.startswith(("http://", "https://", "mailto:"))
