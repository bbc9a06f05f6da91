"""The hard budget of a suggestion run (`--max-cost`, `--max-tokens`): a request is sent only
when, at its most expensive (its prompt plus every output token it may use), it still fits.
So the run stops *before* the budget is passed, never after, whatever the answers cost.

Requests run in parallel: each reserves its worst case before it is sent and settles what it
really cost once answered, under one lock, so two requests cannot both take the last room."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from seolog.llm.client import Usage


@dataclass(frozen=True)
class Price:
    """What a model costs per 1,000 tokens, in the currency the user priced it in."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1000


FREE = Price(0.0, 0.0)


@dataclass(frozen=True)
class Reservation:
    tokens: int
    cost: float


class Budget:
    def __init__(
        self,
        price: Price | None,
        max_cost: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self.price = price  # None: unknown, so cost is not counted (and --max-cost refused)
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self.spent_cost = 0.0
        self.spent_tokens = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._reserved_cost = 0.0
        self._reserved_tokens = 0
        self._lock = threading.Lock()

    def worst_case(self, prompt_tokens: int, max_output: int) -> Reservation:
        price = self.price or FREE
        return Reservation(prompt_tokens + max_output, price.cost(prompt_tokens, max_output))

    def reserve(self, prompt_tokens: int, max_output: int) -> Reservation | None:
        """Room for a request at its worst case; None when it might pass the budget."""
        want = self.worst_case(prompt_tokens, max_output)
        with self._lock:
            if self.max_tokens is not None and (
                self.spent_tokens + self._reserved_tokens + want.tokens > self.max_tokens
            ):
                return None
            if self.max_cost is not None and (
                self.spent_cost + self._reserved_cost + want.cost > self.max_cost + 1e-12
            ):
                return None
            self._reserved_tokens += want.tokens
            self._reserved_cost += want.cost
            return want

    def settle(self, reservation: Reservation, usage: Usage | None) -> float | None:
        """Free the reservation and count what the request used (None: it failed unanswered).
        The request's cost, or None when the model has no price."""
        with self._lock:
            self._reserved_tokens -= reservation.tokens
            self._reserved_cost -= reservation.cost
            if usage is None:
                return 0.0 if self.price is not None else None
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            self.spent_tokens += usage.total
            if self.price is None:
                return None
            cost = self.price.cost(usage.prompt_tokens, usage.completion_tokens)
            self.spent_cost += cost
            return cost
