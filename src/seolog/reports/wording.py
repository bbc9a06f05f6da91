"""Finding messages in the report's language: a stored English message is matched back against
the catalog's templates (`seolog.wording.say`), and the translation filled in with the
same values, themselves translated where the catalog has them (a `term` such as "meta
description", or a nested message). A message no template matches stays as it is."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_SLOT = re.compile(r"\{(\w+)\}")
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d{4,}")  # 1195 or 1,195 (the checks write English)
_MIN_LITERAL = 3  # a template of slots and spaces only ("{count} {what}") would match anything
_DEPTH = 3  # nested messages: a crawl error in a problem in a resource finding
_JOIN = "; "  # how a check joins the parts of one finding
_LIST = ", "  # how a check lists URLs, values and problems in one slot


def _pattern(template: str) -> re.Pattern[str] | None:
    parts = _SLOT.split(template)  # literal, name, literal, name, …
    names = parts[1::2]
    literal = "".join(parts[0::2])
    if not names or len(set(names)) != len(names) or len(literal.strip()) < _MIN_LITERAL:
        return None
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


class Wording:
    """Translates finding messages with one language's catalog (msgid → translation)."""

    def __init__(
        self, messages: Mapping[str, str], number: Callable[[int], str] | None = None
    ) -> None:
        self.messages = messages
        self.number = number  # writes a count the language's way (1.195), when given
        found = []
        for msgid in messages:
            pattern = _pattern(msgid) if "{" in msgid else None
            if pattern is not None:
                found.append((len(_SLOT.sub("", msgid)), msgid, pattern))
        # the most specific template first: the one with the most fixed text
        found.sort(key=lambda f: -f[0])
        self.patterns = [(msgid, pattern) for _, msgid, pattern in found]
        self.done: dict[str, str] = {}

    def __call__(self, message: str) -> str:
        if message not in self.done:
            self.done[message] = self._translate(message, 0)
        return self.done[message]

    def _value(self, value: str, depth: int) -> str:
        """A slot's value: a count written the language's way, else translated if it can be."""
        if self.number is not None and _COUNT.fullmatch(value):
            return self.number(int(value.replace(",", "")))
        return self._translate(value, depth)

    def _translate(self, message: str, depth: int) -> str:
        exact = self.messages.get(message)
        if exact:
            return exact
        if depth > _DEPTH:
            return message
        if _JOIN in message:
            # findings of several parts ("line 4 …: unknown directive; line 6 …"): part by part
            # when each part is a message of its own (a template with "; " in it does not split
            # into those, and is matched whole below)
            parts = message.split(_JOIN)
            done = [self._translate(part, depth + 1) for part in parts]
            if all(d != p for d, p in zip(done, parts, strict=True)):
                return _JOIN.join(done)
        if depth and (_LIST in message or _JOIN in message):
            # any other list in a slot ("'': empty value; 'xx': 'xx' is not a language code")
            # stays as it is: a template starting with a slot would translate its last item only
            return message
        for msgid, pattern in self.patterns:
            match = pattern.fullmatch(message)
            if match is None:
                continue
            values = {k: self._value(v, depth + 1) for k, v in match.groupdict().items()}
            try:
                return self.messages[msgid].format(**values)
            except (KeyError, IndexError, ValueError):  # a translation with a misspelt {name}
                return message
        return message
