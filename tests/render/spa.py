"""A single-page app served on 127.0.0.1: every URL answers the same empty shell, and app.js
fetches the page's data from /api/page and builds its title, meta tags, heading, text and links
in the browser. A raw crawl sees one page with nothing in it; a rendered crawl sees the site."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

from tests.server import FixtureServer, Response

APP_JS = r"""
(async () => {
  const response = await fetch('/api/page?path=' + encodeURIComponent(location.pathname));
  if (!response.ok) { document.getElementById('root').textContent = 'Not found'; return; }
  const d = await response.json();
  const head = document.head;
  const meta = (name) => {
    let m = head.querySelector('meta[name="' + name + '"]');
    if (!m) { m = document.createElement('meta'); m.name = name; head.appendChild(m); }
    return m;
  };
  document.title = d.title;
  meta('description').content = d.description;
  if (d.canonical) {
    let l = head.querySelector('link[rel=canonical]');
    if (!l) { l = document.createElement('link'); l.rel = 'canonical'; head.appendChild(l); }
    l.href = d.canonical;
  }
  if (d.robots === '') { const r = head.querySelector('meta[name=robots]'); if (r) r.remove(); }
  else if (d.robots) { meta('robots').content = d.robots; }
  for (const [lang, href] of d.hreflang) {
    const l = document.createElement('link');
    l.rel = 'alternate'; l.hreflang = lang; l.href = href; head.appendChild(l);
  }
  if (d.extra) {  // more text from a second URL; a refused request leaves it out
    try {
      const more = await fetch(d.extra);
      if (more.ok) d.text += ' ' + (await more.text());
    } catch (e) {}
  }
  const links = d.links.map((h) => '<a href="' + h + '">' + h.slice(1) + ' page</a>').join(' ');
  document.getElementById('root').innerHTML =
    '<h1>' + d.h1 + '</h1><main><p>' + d.text + '</p><nav>' + links + '</nav></main>';
})();
"""


def shell(
    head: str = "",
    scripts: str = '<script src="/app.js"></script>',
    title: str = "Loading",
    body: str = "",
) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'{head}</head><body><div id="root">{body}</div>{scripts}</body></html>'
    )


@dataclass
class AppPage:
    path: str
    title: str
    links: list[str]
    text: str = ""
    description: str = ""
    h1: str = ""
    canonical: str | None = None  # set by the app (absolute or root-relative)
    robots: str | None = None  # set by the app; "" removes the raw one
    hreflang: list[tuple[str, str]] = field(default_factory=list)
    raw_head: str = ""  # in the shell the server sends
    extra: str | None = None  # a second data URL the app fetches (to test robots.txt)
    # Server-rendered, then hydrated: the HTML the server sends already has the title,
    # description, heading, text and links the app makes (the control for the render-* codes).
    ssr: bool = False

    def data(self) -> dict[str, object]:
        return {
            "title": self.title,
            "description": self.description or f"About {self.title.lower()}, made by the app.",
            "h1": self.h1 or self.title,
            "text": self.text or " ".join(f"{self.title} sentence number {i}." for i in range(30)),
            "links": self.links,
            "canonical": self.canonical,
            "robots": self.robots,
            "hreflang": self.hreflang,
            "extra": self.extra,
        }

    def body(self) -> str:
        """What the app puts in #root (as APP_JS does, without the extra text)."""
        d = self.data()
        links = " ".join(f'<a href="{h}">{h[1:]} page</a>' for h in self.links)
        return f"<h1>{d['h1']}</h1><main><p>{d['text']}</p><nav>{links}</nav></main>"

    def html(self) -> str:
        """The page as the server sends it."""
        if not self.ssr:
            return shell(self.raw_head)
        head = f'<meta name="description" content="{self.data()["description"]}">{self.raw_head}'
        return shell(head, title=self.title, body=self.body())


def serve(server: FixtureServer, pages: list[AppPage], robots: str | None = None) -> None:
    """Every page answers the shell; its data comes from /api/page."""
    server.routes["/app.js"] = Response(body=APP_JS, content_type="text/javascript")
    for page in pages:
        server.routes[page.path] = Response(body=page.html())
        server.routes[f"/api/page?path={quote(page.path, safe='')}"] = Response(
            body=json.dumps(page.data()), content_type="application/json"
        )
    if robots is not None:
        server.routes["/robots.txt"] = Response(body=robots, content_type="text/plain")


def app_site(n: int) -> list[AppPage]:
    """A home page linking to n pages, each linking to the next and home: every page is reached
    only through links the app makes."""
    home = AppPage("/", "Home of the app", [f"/p{i}" for i in range(min(n, 10))])
    pages = [
        AppPage(f"/p{i}", f"App page {i}", ["/", f"/p{(i + 1) % n}", f"/p{(i + 10) % n}"])
        for i in range(n)
    ]
    return [home, *pages]
