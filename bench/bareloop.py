"""The bare crawl loop seolog is measured against: httpx + selectolax, nothing else.

    python bench/bareloop.py http://127.0.0.1:8081/ [--workers 8]

Breadth-first over same-host links (fragments dropped), 8 concurrent fetches over one client,
each HTML page parsed for its title and links. Prints the pages fetched. No robots.txt, no
storage, no checks: the ceiling a crawler written in Python on these libraries can reach.
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser as HTMLParser


async def crawl(start: str, workers: int) -> int:
    host, queue, seen = urlsplit(start).netloc, asyncio.Queue[str](), {start}
    queue.put_nowait(start)
    pages = 0

    async def work(client: httpx.AsyncClient) -> None:
        nonlocal pages
        while True:
            url = await queue.get()
            try:
                r = await client.get(url)
                pages += 1
                if "html" in r.headers.get("content-type", ""):
                    tree = HTMLParser(r.content)
                    _title = tree.css_first("title")
                    for a in tree.css("a[href]"):
                        link = urldefrag(urljoin(url, a.attributes["href"] or "")).url
                        if urlsplit(link).netloc == host and link not in seen:
                            seen.add(link)
                            queue.put_nowait(link)
            except httpx.HTTPError:
                pass
            finally:
                queue.task_done()

    async with httpx.AsyncClient(timeout=30) as client:
        tasks = [asyncio.create_task(work(client)) for _ in range(workers)]
        await queue.join()
        for t in tasks:
            t.cancel()
    return pages


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 8
    print(asyncio.run(crawl(sys.argv[1], n)))
