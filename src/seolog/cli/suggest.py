"""`seolog suggest TARGET`: titles, descriptions, H1s, alt texts and FAQ entries from a language
model for the pages a scan flagged."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.llm.budget import Price
    from seolog.services.suggestions import Outcome, Plan, SuggestRequest

EPILOG = """\
[bold]Examples[/bold]

  seolog suggest acme --dry-run             [dim]# the prompts and the most it can cost[/dim]
  seolog suggest acme --max-cost 0.50       [dim]# what acme's latest scan flagged[/dim]
  seolog suggest 12 --for titles,descriptions --lang nl --pages 20
  seolog suggest acme --code title-too-long --url '/blog/'
  seolog suggest acme --api-url http://127.0.0.1:11434/v1 --model llama3.1   [dim]# Ollama[/dim]
  seolog suggestions list acme              [dim]# then accept, reject, export[/dim]

The endpoint is any OpenAI-compatible chat-completions API: --api-url (default the OpenAI
API) and --model, or [suggest] api_url and model in the config. Its key: seolog auth login
--llm --api-url URL (kept in the system keyring), or SEOLOG_LLM_API_KEY. Prices per 1,000
tokens go in [suggest] prices; --max-cost and --max-tokens stop the run before it would pass
them. Each page's suggestions are stored as they arrive: run the command again after an
interruption, and pages answered already are not asked (nor paid for) again.

[bold]Exit codes[/bold]

  0 done (or stopped by the budget, said on stderr) · 2 a bad flag · 3 no such site or scan,
  no key for a hosted endpoint, no such model · 4 the endpoint did not answer · 6 the
  endpoint refused the key or the request · 130 interrupted (what was answered is kept)
"""


class Lang(StrEnum):
    en = "en"
    nl = "nl"


FIELD_NAMES = {
    "title": "title",
    "titles": "title",
    "description": "description",
    "descriptions": "description",
    "h1": "h1",
    "h1s": "h1",
    "alt": "alt",
    "alts": "alt",
    "faq": "faq",
    "faqs": "faq",
}


def register(app: typer.Typer) -> None:
    app.command("suggest", epilog=EPILOG)(suggest)


def parse_fields(value: str | None) -> tuple[str, ...] | None:
    """`titles,descriptions` → ("title", "description"); None: what the scan flagged."""
    from seolog.errors import UsageError
    from seolog.suggest import did_you_mean

    if value is None:
        return None
    names: list[str] = []
    for part in (p.strip().lower() for p in value.split(",")):
        if not part:
            continue
        if part not in FIELD_NAMES:
            raise UsageError(
                f"--for {part!r} is not a field",
                hint="--for takes titles, descriptions, h1, alt, faq: "
                + did_you_mean(part, FIELD_NAMES, "seolog suggest --help"),
            )
        if FIELD_NAMES[part] not in names:
            names.append(FIELD_NAMES[part])
    return tuple(names) or None


def suggest(
    ctx: typer.Context,
    target: o.ScanTargetArg,
    fields: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="FIELDS",
            help="titles, descriptions, h1, alt, faq (comma-separated). "
            "Default: what the scan flagged on each page.",
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Write in this language (default: each page's own lang)."),
    ] = None,
    pages: Annotated[
        int | None, typer.Option("--pages", min=1, help="At most this many pages.")
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", metavar="CODE", help="Only pages with this finding."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="REGEX", help="Only pages whose URL matches."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show the prompts and the most it can cost; send nothing."),
    ] = False,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="The OpenAI-compatible API's base [default: https://api.openai.com/v1].",
            envvar="SEOLOG_LLM_API_URL",
            show_envvar=True,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="The model [default: gpt-4o-mini on the OpenAI API].",
            envvar="SEOLOG_LLM_MODEL",
            show_envvar=True,
        ),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option("--max-cost", min=0, help="Stop before the run would cost more than this."),
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option("--max-tokens", min=1, help="Stop before the run would use more tokens."),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", "-c", min=1, max=16, help="Pages at once [2].")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=1, help="Seconds for one answer [60].")
    ] = None,
    no_content: Annotated[
        bool,
        typer.Option("--no-content", help="Send only each page's URL and title, no content."),
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Ask again for pages that have suggestions.")
    ] = False,
    brand: Annotated[
        str | None, typer.Option("--brand", help="The brand name for titles ([suggest] brand).")
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Titles, descriptions, H1s, alt texts and FAQs from a language model, checked by the audit.

    For each page a scan flagged (missing, too wide, too short, duplicate),
    a language model is asked for a new one, grounded on the page's current
    title, description, H1 and an excerpt of its text (kept by a scan with
    --store-html). Each suggestion must pass the checks a page would (title
    width in pixels, description length, not another page's title); one that
    fails is asked for again once, then stored as flagged. Review them with
    `seolog suggestions`.
    """
    from seolog.projectconfig import load_config
    from seolog.services import suggestions as service

    state: State = ctx.obj
    cfg = load_config(state.config).suggest
    request = _request(
        target,
        cfg,
        {
            "fields": parse_fields(fields),
            "lang": lang.value if lang else None,
            "pages": pages,
            "code": code,
            "url_pattern": url,
            "content": not no_content,
            "again": again,
            "api_url": api_url,
            "model": model,
            "brand": brand,
            "max_cost": max_cost,
            "max_tokens": max_tokens,
            "concurrency": concurrency,
            "timeout": timeout,
        },
    )
    if code is not None:
        _known_code(code)
    the_plan = service.plan(state.app, request)
    if dry_run:
        _dry_run(state, request, the_plan, fmt)
        return
    if not the_plan.pages:
        _nothing(state, the_plan, fmt)
        return
    outcome = _send(state, request, the_plan)
    _show(state, request, the_plan, outcome, fmt)


def _request(target: str, cfg: dict[str, Any], given: dict[str, Any]) -> SuggestRequest:
    """Flags first, then [suggest] in the config, then the defaults."""
    from seolog.errors import UsageError
    from seolog.llm.client import DEFAULT_API_URL, normalize_api_url
    from seolog.services.suggestions import SuggestRequest

    def pick(name: str, default: Any = None) -> Any:
        value = given.get(name)
        return value if value is not None else cfg.get(name, default)

    api_url = normalize_api_url(pick("api_url", DEFAULT_API_URL))
    model = pick("model")
    if model is None:
        if api_url != DEFAULT_API_URL:
            raise UsageError(
                f"which model of {api_url}? --model is missing",
                hint="e.g. --model llama3.1 (or [suggest] model in the config)",
            )
        model = "gpt-4o-mini"
    price = _price(cfg, model, api_url)
    if pick("max_cost") is not None and price is None:
        raise UsageError(
            f"--max-cost needs the price of {model}, and the config has none",
            hint=f'add [suggest] prices = {{ "{model}" = {{ input = 0.00015, output = 0.0006 }} }}'
            " (per 1,000 tokens), or use --max-tokens",
        )
    return SuggestRequest(
        target=target,
        api_url=api_url,
        model=str(model),
        fields=given["fields"],
        lang=given["lang"],
        pages=given["pages"],
        code=given["code"],
        url_pattern=given["url_pattern"],
        content=given["content"],
        again=given["again"],
        brand=pick("brand"),
        price=price,
        max_cost=pick("max_cost"),
        max_tokens=pick("max_tokens"),
        concurrency=int(pick("concurrency", 2)),
        timeout=float(pick("timeout", 60.0)),
    )


def _price(cfg: dict[str, Any], model: str, api_url: str) -> Price | None:
    """[suggest] prices for the model; free on a server of this machine (Ollama, llama.cpp);
    else unknown."""
    from urllib.parse import urlsplit

    from seolog.llm.budget import FREE, Price

    given = (cfg.get("prices") or {}).get(model)
    if given is not None:
        return Price(float(given["input"]), float(given["output"]))
    host = urlsplit(api_url).hostname or ""
    return FREE if host in ("localhost", "127.0.0.1", "::1") else None


def _known_code(code: str) -> None:
    from seolog.checks.registry import code_hint, get_check
    from seolog.errors import NotFoundError

    if get_check(code) is None:
        raise NotFoundError(f"--code {code!r} is not a check", hint=code_hint(code))


def _dry_run(state: State, request: SuggestRequest, the_plan: Plan, fmt: o.Format) -> None:
    from seolog.cli import render
    from seolog.llm.budget import Budget
    from seolog.llm.prompts import prompt_text

    budget = Budget(request.price)
    tokens, cost = the_plan.estimate(budget)
    if fmt is o.Format.json:
        render.emit_json(
            {
                "scan": the_plan.scan_id,
                "model": request.model,
                "api_url": request.api_url,
                "pages": [
                    {
                        "url": p.url,
                        "fields": list(p.fields),
                        "lang": p.facts.lang,
                        "messages": p.chat(the_plan.thresholds),
                    }
                    for p in the_plan.pages
                ],
                "skipped": the_plan.skipped,
                "estimate": {"tokens": tokens, "cost": cost},
            }
        )
        return
    console = render.out(state.no_color)
    for page in the_plan.pages:
        console.rule(f"{page.url} · {', '.join(page.fields)} · {page.facts.lang}")
        console.print(prompt_text(page.chat(the_plan.thresholds)), markup=False, highlight=False)
    render.note(
        f"{len(the_plan.pages)} page(s) would be sent to {request.model} at {request.api_url}: "
        f"at most {tokens:,} tokens"
        + _cost_words(cost)
        + (f"; {the_plan.skipped} field(s) have a suggestion already" if the_plan.skipped else "")
        + ". Nothing was sent.",
        state.quiet,
        state.no_color,
    )


def _cost_words(cost: float | None) -> str:
    if cost is None:
        return " (no price known for the model: set [suggest] prices to see the cost)"
    if cost == 0:
        return ", free (a server on this machine, or a price of 0)"
    return f", at most {cost:.4f} in cost"


def _nothing(state: State, the_plan: Plan, fmt: o.Format) -> None:
    from seolog.cli import render

    if fmt is o.Format.json:
        render.emit_json({"scan": the_plan.scan_id, "run": None, "pages": 0,
                          "skipped": the_plan.skipped})  # fmt: skip
    render.note(
        "Nothing to ask: no page of the scan needs a suggestion"
        + (
            f" ({the_plan.skipped} field(s) have one already; --again asks anew)"
            if the_plan.skipped
            else " (choose fields with --for)"
        )
        + ".",
        state.quiet,
        state.no_color,
    )


def _send(state: State, request: SuggestRequest, the_plan: Plan) -> Outcome:
    from seolog.cli import render
    from seolog.llm.client import ChatClient
    from seolog.services import suggestions as service
    from seolog.services.llmauth import require_key

    key = require_key(state.app, request.api_url)
    with (
        ChatClient(
            request.api_url,
            request.model,
            key,
            timeout=request.timeout,
            connections=request.concurrency,
            backoff=_backoff(state),
        ) as client,
        render.count_progress(state.quiet, state.no_color, "Suggesting") as bar,
    ):

        def progress(done: int, total: int, _url: str) -> None:
            if bar is not None:
                bar(done, total)

        return service.run(state.app, request, client, the_plan, progress)


def _backoff(state: State) -> float:
    from seolog.errors import UsageError
    from seolog.llm.client import BACKOFF_S

    value = state.app.env.get("SEOLOG_LLM_BACKOFF", "").strip()
    try:
        return float(value) if value else BACKOFF_S
    except ValueError:
        raise UsageError(
            f"SEOLOG_LLM_BACKOFF={value!r} is not a number of seconds", hint="e.g. 1 or 0.5"
        ) from None


def _show(
    state: State, request: SuggestRequest, the_plan: Plan, outcome: Outcome, fmt: o.Format
) -> None:
    from seolog.cli import render
    from seolog.cli.suggestions import suggestion_doc, suggestion_rows
    from seolog.services.suggestions import listed_run

    rows = listed_run(state.app, outcome.run_id)
    if fmt is o.Format.json:
        render.emit_json(
            {
                "run": outcome.run_id,
                "scan": the_plan.scan_id,
                "model": request.model,
                "status": outcome.status,
                "pages": {"planned": outcome.pages_planned, "done": outcome.pages_done},
                "skipped": the_plan.skipped,
                "usage": {
                    "prompt_tokens": outcome.prompt_tokens,
                    "completion_tokens": outcome.completion_tokens,
                    "cost": outcome.cost,
                },
                "suggestions": [suggestion_doc(r) for r in rows],
            }
        )
    else:
        suggestion_rows(rows, state.no_color, f"Suggestions of run {outcome.run_id}")
    cost = (
        ""
        if outcome.cost is None
        else ", free"
        if outcome.cost == 0
        else f", cost {outcome.cost:.4f}"
    )
    counts = ", ".join(f"{n} {status}" for status, n in sorted(outcome.stored.items()))
    render.note(
        f"{outcome.pages_done} of {outcome.pages_planned} page(s) answered by {request.model}: "
        f"{counts or 'nothing stored'}; {outcome.prompt_tokens + outcome.completion_tokens:,} "
        f"tokens{cost}.",
        state.quiet,
        state.no_color,
    )
    if outcome.status == "budget":
        render.warning(
            f"stopped before passing the budget: {outcome.pages_planned - outcome.pages_done} "
            "page(s) not asked; raise --max-cost or --max-tokens and run again to go on",
            state.quiet,
            state.no_color,
        )
