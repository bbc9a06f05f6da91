"""`seolog suggest`: titles, descriptions, H1s, alt texts and FAQ entries from a language model
for the pages a scan flagged, checked as the audit checks a page, stored per page and field.

A run is planned first (which pages, which fields, in which language, at what most cost), then
sent page by page, a few at once. Each page's suggestions are stored as soon as they arrive, in
one unit of work with the run's totals: an interrupted run keeps what it paid for, and the next
run skips every (page, field) that has a suggestion for what the page says now, so nothing is
paid for twice."""

from __future__ import annotations

import queue
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from seolog.checks.thresholds import Thresholds
from seolog.context import AppContext
from seolog.errors import Interrupted, NotFoundError, SeologError, UsageError
from seolog.llm.budget import Budget, Price
from seolog.llm.client import Answer, ChatClient, ContentRefused, Malformed, most_tokens
from seolog.llm.fields import FLAGGED_BY
from seolog.llm.prompts import (
    EXCERPT_CHARS,
    FIELDS,
    LANGS,
    MAX_IMAGES,
    PageFacts,
    messages,
    output_tokens,
    parse_answer,
    prompt_text,
)
from seolog.llm.verify import Candidate, Verdict, limits_of, verify
from seolog.storage import suggestions as store
from seolog.storage.db import read_scope, session_scope
from seolog.storage.models import Suggestion, SuggestionRun, utcnow

CURRENT = {"title": "title", "description": "meta_description", "h1": "h1"}


@dataclass(frozen=True)
class SuggestRequest:
    target: str  # a site, a scan ID, or a page URL
    api_url: str
    model: str
    fields: tuple[str, ...] | None = None  # None: what the scan flagged on each page
    lang: str | None = None  # None: each page's own
    pages: int | None = None
    code: str | None = None
    url_pattern: str | None = None
    content: bool = True  # send an excerpt of the page's text
    again: bool = False  # ask again for pages that have a suggestion
    brand: str | None = None
    price: Price | None = None
    max_cost: float | None = None
    max_tokens: int | None = None
    concurrency: int = 2
    timeout: float = 60.0


@dataclass(frozen=True)
class PlannedPage:
    url: str
    fields: tuple[str, ...]
    facts: PageFacts
    current: dict[str, str | None]  # field → what the page says now (alt: per image below)

    def chat(self, thresholds: Thresholds, problems: dict[str, list[str]] | None = None) -> Any:
        return messages(self.facts, self.fields, limits_of(thresholds), problems)

    def max_output(self) -> int:
        return output_tokens(self.fields, len(self.facts.images))


@dataclass
class Plan:
    scan_id: int
    site_id: int
    pages: list[PlannedPage]
    skipped: int  # (page, field) pairs that have a suggestion already
    thresholds: Thresholds
    taken: set[str] = field(default_factory=set)  # every page's title, case-folded

    def estimate(self, budget: Budget) -> tuple[int, float | None]:
        """(tokens, cost) at most, the retries left out: every answer as long as allowed."""
        tokens, cost = 0, 0.0
        for page in self.pages:
            want = budget.worst_case(
                most_tokens(prompt_text(page.chat(self.thresholds))), page.max_output()
            )
            tokens += want.tokens
            cost += want.cost
        return tokens, cost if budget.price is not None else None


@dataclass
class Outcome:
    run_id: int
    status: str  # done | budget | interrupted | failed
    pages_done: int
    pages_planned: int
    stored: Counter[str] = field(default_factory=Counter)  # status → suggestions stored
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    error: str | None = None


Progress = Callable[[int, int, str], None]


def plan(ctx: AppContext, request: SuggestRequest) -> Plan:
    """The pages to ask about and the fields of each, from the scan's pages and findings."""
    from seolog.services.lab import target_scan

    scan_id, only = target_scan(ctx, request.target, then="")
    pattern = _pattern(request.url_pattern)
    with read_scope(ctx.engine) as session:
        from seolog.storage import repo

        scan = repo.scan_by_id(session, scan_id)
        assert scan is not None
        thresholds = Thresholds.from_stored((scan.settings or {}).get("thresholds"))
        rows = store.scan_pages(session, scan_id)
        codes = store.page_codes(session, scan_id)
        asked = request.fields or FIELDS
        kept = {} if request.again else store.kept(session, scan.site_id, asked)
    site_lang = _site_lang(rows)
    # Each page's title as written, by its case-folded form (how duplicates are compared).
    titles = {r.title.strip().casefold(): r.title.strip() for r in rows if r.title}
    planned: list[PlannedPage] = []
    chosen: list[tuple[Any, tuple[str, ...], str, tuple[str, ...], dict[str, str | None]]] = []
    skipped = 0
    for row in rows:
        if only is not None and row.url not in only:
            continue
        if pattern is not None and not pattern.search(row.url):
            continue
        found = codes.get(row.id, set())
        if request.code is not None and request.code not in found:
            continue
        if row.indexable is False and only is None:
            continue  # a noindex page's title is seen by no searcher
        lang = request.lang or _lang(row.lang) or site_lang
        missing_alt = tuple(i["src"] for i in row.images or [] if i.get("alt") is None)
        current = {name: _current(row, name) for name in CURRENT}
        wanted = [f for f in asked if _wanted(f, request.fields is not None, found, missing_alt)]
        fields = []
        for name in wanted:
            targets = missing_alt[:MAX_IMAGES] if name == "alt" else ("",)
            done = [_same(kept.get((row.url, name, t)), current.get(name), lang) for t in targets]
            if all(done):
                skipped += len(targets)
                continue
            fields.append(name)
        if not fields:
            continue
        chosen.append((row, tuple(fields), lang, missing_alt, current))
        if request.pages is not None and len(chosen) >= request.pages:
            break
    html: dict[int, str] = {}
    if request.content and chosen:
        with read_scope(ctx.engine) as session:
            html = store.page_html(session, [row.id for row, *_rest in chosen])
    for row, names, lang, missing_alt, current in chosen:
        own = (row.title or "").strip().casefold()
        avoid = _closest_titles(own, titles) if "title" in names else ()
        facts = PageFacts(
            url=row.url,
            lang=lang,
            title=row.title,
            description=row.meta_description if request.content else None,
            h1=current["h1"] if request.content else None,
            excerpt=_excerpt(html.get(row.id)),
            images=missing_alt[:MAX_IMAGES] if "alt" in names else (),
            brand=request.brand,
            avoid_titles=avoid,
        )
        planned.append(PlannedPage(row.url, names, facts, current))
    return Plan(scan_id, scan.site_id, planned, skipped, thresholds, set(titles))


def _closest_titles(own: str, titles: dict[str, str], limit: int = 20) -> tuple[str, ...]:
    """Other pages' titles to name in the prompt as taken: those sharing the most words with
    this page's (the likeliest to be written again), at most `limit`."""
    words = set(own.split())
    others = [(len(words & set(folded.split())), text) for folded, text in titles.items()
              if folded != own]  # fmt: skip
    others.sort(key=lambda pair: -pair[0])
    return tuple(text for _shared, text in others[:limit])


def _pattern(text: str | None) -> re.Pattern[str] | None:
    if text is None:
        return None
    try:
        return re.compile(text)
    except re.error as e:
        raise UsageError(f"--url {text!r} is not a regular expression: {e}",
                         hint=r"e.g. --url '/blog/' or --url '\.html$'") from None  # fmt: skip


def _wanted(name: str, explicit: bool, found: set[str], missing_alt: tuple[str, ...]) -> bool:
    if name == "alt" and not missing_alt:
        return False  # every image has its alt attribute: nothing to write
    if explicit:
        return True
    return any(code in found for code in FLAGGED_BY.get(name, ()))


def _current(row: Any, name: str) -> str | None:
    value = getattr(row, CURRENT[name])
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _same(kept: Any, current: str | None, lang: str) -> bool:
    """A suggestion already made for this field, for what the page still says, in its language."""
    return kept is not None and kept[0] == current and kept[1] == lang


def _lang(value: str | None) -> str | None:
    primary = (value or "").strip().lower().split("-")[0].split("_")[0]
    return primary if primary in LANGS else None


def _site_lang(rows: list[Any]) -> str:
    langs = Counter(lang for r in rows if (lang := _lang(r.lang)))
    return langs.most_common(1)[0][0] if langs else "en"


def _excerpt(html: str | None) -> str | None:
    """An excerpt of the page's main text, from its stored HTML (`--store-html`)."""
    from seolog.parse.extract import main_text

    return (main_text(html, EXCERPT_CHARS) or None) if html else None


def run(
    ctx: AppContext,
    request: SuggestRequest,
    client: ChatClient,
    the_plan: Plan,
    progress: Progress | None = None,
) -> Outcome:
    """Ask for each planned page's suggestions and store them as they come."""
    budget = Budget(request.price, request.max_cost, request.max_tokens)
    with session_scope(ctx.engine) as session:
        run_row = store.add_run(
            session,
            SuggestionRun(
                site_id=the_plan.site_id,
                scan_id=the_plan.scan_id,
                api_url=client.api_url,
                model=client.model,
                fields=",".join(sorted({f for p in the_plan.pages for f in p.fields})),
                pages_planned=len(the_plan.pages),
                cost=0.0 if request.price is not None else None,
                max_cost=request.max_cost,
                max_tokens=request.max_tokens,
            ),
        )
        run_id = run_row.id or 0
    worker = _Worker(ctx, run_id, the_plan, client, budget)
    status, error = "done", None
    try:
        status = worker.all(the_plan.pages, request.concurrency, progress)
    except KeyboardInterrupt:
        status, error = "interrupted", "interrupted (Ctrl-C); run again to go on"
    except SeologError as e:
        status, error = "failed", e.message
        raise
    finally:
        outcome = _finish(ctx, run_id, status, error)
    if status == "interrupted":
        raise Interrupted(
            f"interrupted: {outcome.pages_done} of {outcome.pages_planned} pages answered and "
            "stored",
            hint="run the same command again: pages answered already are not asked again",
        )
    return outcome


class _Worker:
    """Sends the pages, a few at a time, and stores each page's answer."""

    def __init__(
        self, ctx: AppContext, run_id: int, the_plan: Plan, client: ChatClient, budget: Budget
    ) -> None:
        self.ctx = ctx
        self.run_id = run_id
        self.plan = the_plan
        self.client = client
        self.budget = budget
        self.stop = threading.Event()
        self.over_budget = False
        self._titles_lock = threading.Lock()
        self.titles = set(the_plan.taken)  # and each title suggested, as it is accepted

    def all(self, pages: list[PlannedPage], concurrency: int, progress: Progress | None) -> str:
        """Send the pages from `concurrency` threads. They are daemons: Ctrl-C ends the run at
        once, without waiting out an answer in flight (a minute, on a slow model); what was
        answered before is stored, in units of work a killed thread cannot leave half-done."""
        todo: queue.SimpleQueue[PlannedPage] = queue.SimpleQueue()
        for page in pages:
            todo.put(page)
        results: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()

        def work() -> None:
            while not self.stop.is_set():
                try:
                    page = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    self.page(page)
                except BaseException as e:  # handed to the main thread, which stops the run
                    results.put(e)
                    return
                results.put(None)

        threads = [
            threading.Thread(target=work, name=f"suggest-{n}", daemon=True)
            for n in range(max(1, min(concurrency, len(pages))))
        ]
        for thread in threads:
            thread.start()
        done = 0
        try:
            while done < len(pages):
                try:
                    error = results.get(timeout=0.2)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and results.empty():
                        break  # stopped by the budget: the threads took no more pages
                    continue
                if error is not None:
                    raise error
                done += 1
                if progress is not None:
                    progress(done, len(pages), "")
        finally:
            self.stop.set()
        for thread in threads:
            thread.join()
        return "budget" if self.over_budget else "done"

    def _ask(self, page: PlannedPage, problems: dict[str, list[str]] | None) -> Answer | None:
        chat = page.chat(self.plan.thresholds, problems)
        reservation = self.budget.reserve(most_tokens(prompt_text(chat)), page.max_output())
        if reservation is None:
            self.over_budget = True
            self.stop.set()
            return None
        answer = None
        try:
            answer = self.client.complete(chat, page.max_output())
            return answer
        finally:
            self.budget.settle(reservation, answer.usage if answer is not None else None)

    def page(self, page: PlannedPage) -> None:
        if self.stop.is_set():
            return
        answers: list[Answer] = []
        rows: list[tuple[Candidate, str, str | None]] = []  # (candidate, status, problem)
        try:
            verdict = self._try(page, None, answers)
            if verdict is None:
                return  # the budget stopped it before anything was sent
            if verdict.problems:
                second = self._try(_only(page, tuple(verdict.problems)), verdict.problems, answers)
                if second is not None:  # the second answer stands for the fields re-asked
                    again = set(verdict.problems)
                    kept = {(c.field, c.target) for c in verdict.good}  # an image's alt text
                    verdict.good += [c for c in second.good if (c.field, c.target) not in kept]
                    verdict.bad = [c for c in verdict.bad if c.field not in again] + second.bad
                    verdict.problems = second.problems
            rows += [(c, "new", None) for c in verdict.good]
            for c in verdict.bad:
                rows.append((c, "flagged", "; ".join(verdict.problems.get(c.field, []))))
            answered = {c.field for c, _s, _p in rows}
            for name, whys in verdict.problems.items():
                if name not in answered:
                    rows.append((Candidate(name, "", ""), "flagged", "; ".join(whys)))
        except ContentRefused as e:
            rows = [(Candidate(name, "", ""), "refused", e.message) for name in page.fields]
        self._store(page, rows, answers)

    def _try(
        self, page: PlannedPage, problems: dict[str, list[str]] | None, answers: list[Answer]
    ) -> Verdict | None:
        """Ask, and judge the answer; None when the budget has no room for the request."""
        try:
            answer = self._ask(page, problems)
        except Malformed as e:
            return Verdict([], [], {name: [e.message] for name in page.fields})
        if answer is None:
            return None
        answers.append(answer)
        try:
            parsed = parse_answer(answer.text)
        except ValueError:
            why = "the answer was not the one JSON object asked for"
            return Verdict([], [], {name: [why] for name in page.fields})
        with self._titles_lock:
            verdict = verify(parsed, page.fields, page.facts.images, self.plan.thresholds,
                             self.titles)  # fmt: skip
            self.titles |= {c.text.casefold() for c in verdict.good if c.field == "title"}
        return verdict

    def _store(
        self,
        page: PlannedPage,
        rows: list[tuple[Candidate, str, str | None]],
        answers: list[Answer],
    ) -> None:
        prompt = sum(a.usage.prompt_tokens for a in answers)
        completion = sum(a.usage.completion_tokens for a in answers)
        price = self.budget.price
        cost = price.cost(prompt, completion) if price is not None else None
        n_rows = max(1, len(rows))
        now = utcnow()
        suggestions = [
            Suggestion(
                run_id=self.run_id,
                site_id=self.plan.site_id,
                scan_id=self.plan.scan_id,
                page_url=page.url,
                field=c.field,
                target=c.target,
                lang=page.facts.lang,
                current=page.current.get(c.field) if c.field in CURRENT else None,
                suggested=c.text,
                status=status,
                problem=problem,
                model=answers[-1].model if answers else self.client.model,
                # The page's tokens split between its rows; the first takes what the
                # division leaves, so a page's rows add up to what it used.
                prompt_tokens=prompt // n_rows + (prompt % n_rows if n == 0 else 0),
                completion_tokens=completion // n_rows + (completion % n_rows if n == 0 else 0),
                cost=cost / n_rows if cost is not None else None,
                created_at=now,
                updated_at=now,
            )
            for n, (c, status, problem) in enumerate(rows)
        ]
        with session_scope(self.ctx.engine) as session:
            store.add_suggestions(session, suggestions)
            values: dict[str, Any] = {
                "pages_done": SuggestionRun.pages_done + 1,
                "prompt_tokens": SuggestionRun.prompt_tokens + prompt,
                "completion_tokens": SuggestionRun.completion_tokens + completion,
            }
            if cost is not None:
                values["cost"] = col(SuggestionRun.cost) + cost
            session.execute(
                update(SuggestionRun).where(col(SuggestionRun.id) == self.run_id).values(**values)
            )


def _only(page: PlannedPage, fields: tuple[str, ...]) -> PlannedPage:
    return PlannedPage(page.url, fields, page.facts, page.current)


def _finish(ctx: AppContext, run_id: int, status: str, error: str | None) -> Outcome:
    with session_scope(ctx.engine) as session:
        row = store.run_by_id(session, run_id)
        assert row is not None
        row.status = status
        row.error = error
        row.completed_at = utcnow()
        session.add(row)
        stored = Counter(s.status for s in store.suggestions(session, run_id=run_id))
        return Outcome(
            run_id,
            status,
            row.pages_done,
            row.pages_planned,
            stored,
            row.prompt_tokens,
            row.completion_tokens,
            row.cost,
            error,
        )


def find(ctx: AppContext, ids: list[int]) -> list[Suggestion]:
    with read_scope(ctx.engine) as session:
        rows = store.suggestions(session, ids=ids)
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise NotFoundError(
            f"no suggestion {', '.join(map(str, missing))}",
            hint="list them with `seolog suggestions list SITE`",
        )
    return rows


def set_status(ctx: AppContext, ids: list[int], status: str) -> list[Suggestion]:
    """Accept or reject suggestions; a flagged or refused one cannot be accepted (it failed the
    checks, or there is nothing to accept)."""
    rows = find(ctx, ids)
    if status == "accepted":
        bad = [r for r in rows if not r.suggested]
        if bad:
            raise UsageError(
                f"suggestion {bad[0].id} has no text to accept ({bad[0].status})",
                hint="ask again: seolog suggest SITE --again --url URL",
            )
    with session_scope(ctx.engine) as session:
        rows = store.suggestions(session, ids=ids)
        store.set_status(session, rows, status)
    return rows


def listed(
    ctx: AppContext,
    target: str | None,
    statuses: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
) -> list[Suggestion]:
    """The suggestions of a site (a name) or a scan (an ID); all of them without a target."""
    site_id = scan_id = None
    if target is not None:
        site_id, scan_id = _site_or_scan(ctx, target)
    with read_scope(ctx.engine) as session:
        return store.suggestions(session, site_id, scan_id, statuses, fields)


def _site_or_scan(ctx: AppContext, target: str) -> tuple[int | None, int | None]:
    from seolog.ids import numeric_id
    from seolog.services.sites import get_site
    from seolog.storage import repo

    with read_scope(ctx.engine) as session:
        number = numeric_id(target)
        if number is not None and repo.scan_by_id(session, number) is not None:
            return None, number
        site = get_site(session, target)
        return site.id, None


CSV_HEADER = ("url", "field", "target", "current", "suggested", "status", "id")


def accepted(ctx: AppContext, site_id: int) -> dict[tuple[str, str], list[str]]:
    """The site's accepted suggestions, (page URL, field) → the texts (an alt text each image,
    as "image: text"), the latest first: what the audit report shows beside a finding."""
    with read_scope(ctx.engine) as session:
        rows = store.suggestions(session, site_id, statuses=("accepted",))
    found: dict[tuple[str, str], list[str]] = {}
    for r in sorted(rows, key=lambda r: r.id or 0, reverse=True):
        texts = found.setdefault((r.page_url, r.field), [])
        if r.field == "alt":
            texts.append(f"{r.target.rsplit('/', 1)[-1]}: {r.suggested}")
        elif not texts:
            texts.append(r.suggested)
    return found


def csv_rows(rows: list[Suggestion]) -> Iterator[list[object]]:
    """A CMS import: URL, field, current, suggested (an image's URL as the target)."""
    for r in rows:
        yield [r.page_url, r.field, r.target, r.current or "", r.suggested, r.status, r.id]


def listed_run(ctx: AppContext, run_id: int) -> list[Suggestion]:
    with read_scope(ctx.engine) as session:
        return store.suggestions(session, run_id=run_id)


def log_time_saved(ctx: AppContext, rows: list[Suggestion], minutes_each: float) -> dict[str, Any]:
    """A work-log entry for the writing the accepted suggestions saved: `minutes_each` per
    suggestion, on the site, with the pages' URLs."""
    from seolog.services.logs import EntryInput, add_entry
    from seolog.storage import repo

    with read_scope(ctx.engine) as session:
        found = [repo.site_by_id(session, site_id) for site_id in {r.site_id for r in rows}]
    sites = {site.name for site in found if site is not None}
    fields = sorted({r.field for r in rows})
    minutes = max(1, round(minutes_each * len(rows)))
    entry = add_entry(
        ctx,
        EntryInput(
            description=f"Wrote {len(rows)} {', '.join(fields)} with language-model "
            "suggestions (seolog suggest), reviewed and accepted",
            site=next(iter(sites)) if len(sites) == 1 else None,
            work_type="content",
            time=f"{minutes}m",
            tags=["suggestions"],
            urls=sorted({r.page_url for r in rows})[:50],
        ),
    )
    return {"id": entry.id, "minutes": minutes}
