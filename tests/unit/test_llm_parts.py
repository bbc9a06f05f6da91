"""The budget's arithmetic under parallel requests, and reading a model's answer."""

from __future__ import annotations

import threading

import pytest

from seolog.llm.budget import Budget, Price
from seolog.llm.client import Usage
from seolog.llm.prompts import parse_answer

pytestmark = pytest.mark.store_agnostic


def test_parallel_requests_never_pass_the_budget_even_at_their_worst() -> None:
    budget = Budget(Price(1.0, 2.0), max_cost=1.0)  # per 1,000 tokens
    sent: list[int] = []

    def ask() -> None:
        for _ in range(50):
            reservation = budget.reserve(100, 50)  # at most 0.1 + 0.1 = 0.2 each
            if reservation is None:
                return
            sent.append(1)
            budget.settle(reservation, Usage(100, 50))  # the worst case, every time

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 5  # 5 x 0.2 = 1.0, the whole budget and not a cent more
    assert budget.spent_cost == pytest.approx(1.0)


def test_a_cheap_answer_leaves_room_for_more() -> None:
    budget = Budget(Price(1.0, 2.0), max_cost=0.35)
    first = budget.reserve(100, 50)
    assert first is not None and budget.reserve(100, 50) is None  # 0.2 reserved, 0.2 more: no
    assert budget.settle(first, Usage(100, 5)) == pytest.approx(0.11)
    assert budget.reserve(100, 50) is not None  # 0.11 + 0.2 fits in 0.35


def test_a_failed_request_frees_its_reservation_and_costs_nothing() -> None:
    budget = Budget(Price(1.0, 1.0), max_tokens=200)
    reservation = budget.reserve(100, 100)
    assert reservation is not None and budget.reserve(1, 1) is None
    assert budget.settle(reservation, None) == 0.0
    assert budget.reserve(100, 100) is not None and budget.spent_tokens == 0


@pytest.mark.parametrize(
    "text",
    [
        '{"title": "A title"}',
        '```json\n{"title": "A title"}\n```',
        'Sure! Here it is:\n{"title": "A title"}\nHope this helps.',
    ],
)
def test_the_json_object_is_read_from_what_models_wrap_it_in(text: str) -> None:
    assert parse_answer(text) == {"title": "A title"}


@pytest.mark.parametrize("text", ["no json here", '["a", "list"]', "{not: json}"])
def test_an_answer_without_a_json_object_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_answer(text)
