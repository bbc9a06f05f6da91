"""What `seolog suggest` adds to a language model's own time, and what --concurrency buys.

    python bench/suggest_bench.py                  # 60 pages, a model taking 0.25 s an answer
    python bench/suggest_bench.py --pages 200 --latency 1.0

A site of --pages pages, each with a title too short (so each is asked for a title and a
description), is scanned once (--store-html, for the excerpts). Then `seolog suggest` asks the
suite's OpenAI-compatible contract server (tests/suggest/llm.py, on 127.0.0.1) for every page,
once with --concurrency 1 and once with --concurrency 4, each into a fresh copy of the store.
The server waits --latency seconds before each answer, as a model writing would.

For each run: wall seconds (process start to exit), pages/s, and seolog's own time per page:
the wall time less the model's (latency x pages / concurrency), that is planning, prompts,
checks, storage and the HTTP round trips. The peer is the same run at the other concurrency:
with a model that takes its time, four at once should be close to four times as fast.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.server import FixtureServer  # noqa: E402
from tests.suggest.llm import KEY, MODEL, LlmServer  # noqa: E402


def site(pages: int) -> FixtureServer:
    server = FixtureServer()
    links = " ".join(f'<a href="/p{n}">{n}</a>' for n in range(pages))
    text = "Words about the topic of this page, in a paragraph of its own. " * 20
    for n in range(pages):
        server.page(f"/p{n}", f"Page {n}", f"<h1>Page {n}</h1><main><p>{text}</p></main>{links}")
    server.page("/", "Home", f"<h1>Home</h1>{links}")
    return server.start()


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "seolog", *args], env=env, capture_output=True,
                          text=True, timeout=3600)  # fmt: skip
    took = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"seolog {' '.join(args)} exited {done.returncode}: {done.stderr[-500:]}")
    return took, json.loads(done.stdout) if done.stdout.strip() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.25)
    opts = parser.parse_args()
    server, llm = site(opts.pages), LlmServer().start()
    llm.delay = opts.latency
    work = Path(tempfile.mkdtemp(prefix="seolog-suggest-bench-"))
    env = {**os.environ, "SEOLOG_HOME": str(work / "scanned"), "SEOLOG_LLM_API_KEY": KEY,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}  # fmt: skip
    try:
        run(["scan", server.url(), "--no-sitemaps", "--store-html", "--no-external", "-q"], env)
        print(f"{opts.pages + 1} pages, a model answering in {opts.latency:g} s")
        print(f"{'concurrency':>11} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'own ms/page':>12}")
        rates = {}
        for concurrency in (1, 4):
            home = work / f"c{concurrency}"
            shutil.copytree(work / "scanned", home)
            took, doc = run(["suggest", "1", "--api-url", llm.url, "--model", MODEL, "-c",
                             str(concurrency), "--format", "json"],
                            {**env, "SEOLOG_HOME": str(home)})  # fmt: skip
            pages = doc["pages"]["done"]
            own = (took - opts.latency * pages / concurrency) / max(pages, 1) * 1000
            rates[concurrency] = pages / took
            print(
                f"{concurrency:>11} {pages:>6} {took:>7.1f} {rates[concurrency]:>8.2f} {own:>12.0f}"
            )
        print(f"--concurrency 4 is {rates[4] / rates[1]:.1f}x as fast as 1")
    finally:
        llm.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
