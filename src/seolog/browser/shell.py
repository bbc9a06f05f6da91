"""Does a raw HTML page look like a JavaScript app shell, empty until its scripts run?

`render = "auto"` renders exactly those pages, so a server-rendered site costs nothing extra and
a client-side app is audited as users and search engines see it. The rule, on the raw HTML:

1. the page loads a script (`<script src>`, or an inline module script), and
2. its body has little text of its own: under SHELL_MAX_WORDS words outside <script>,
   <style>, <noscript> and <template>, and
3. it has an app mount point: an element with one of the ids frameworks mount into (root,
   app, __next, __nuxt, ___gatsby, svelte, q-app, main-app), an `<app-root>`-style custom
   element, `ng-app`/`ng-version` or `data-reactroot`/`data-server-rendered`; or it has no
   `<a href>` link at all.

A page that says "enable JavaScript" in a <noscript> and nothing else meets 2 by itself; with a
script (1) it is a shell. Server-rendered pages with a mount point (Next.js with SSR) have their
text in the raw HTML and fail 2, so they are not rendered in auto mode.
"""

from __future__ import annotations

import re

SHELL_MAX_WORDS = 40

_HIDDEN = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")
_BODY = re.compile(r"<body\b[^>]*>(.*)", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b[^>]*(\bsrc\s*=|\btype\s*=\s*[\"']?module)", re.IGNORECASE)
_MOUNT = re.compile(
    r"""\bid\s*=\s*["']?(root|app|__next|__nuxt|___gatsby|svelte|q-app|main-app)["'\s>]"""
    r"|<[a-z]+-root\b|\bng-app\b|\bng-version\b|\bdata-reactroot\b|\bdata-server-rendered\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"<a\b[^>]*\bhref\s*=", re.IGNORECASE)


def visible_words(html: str) -> int:
    """Words of text in the body, outside scripts, styles, noscript and templates."""
    match = _BODY.search(html)
    body = match.group(1) if match else html
    return len(_TAG.sub(" ", _HIDDEN.sub(" ", body)).split())


def looks_like_app_shell(html: str) -> bool:
    """The rule of the module docstring."""
    if not _SCRIPT.search(html):
        return False
    if visible_words(html) >= SHELL_MAX_WORDS:
        return False
    return bool(_MOUNT.search(html)) or not _LINK.search(_HIDDEN.sub(" ", html))
