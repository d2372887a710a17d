"""Reading JSON request bodies strictly, so that a malformed body is a 422, not a 500.

ninja turns any parser failure into a bare 400; :class:`StrictJsonParser` raises
:class:`MalformedBody` instead, which :mod:`.errors` answers as documented: 422 with
``problems``. Besides syntax, it refuses a body that is not UTF-8 and strings holding
a lone surrogate (``"\\ud800"``): JSON can spell one, but it is not text, and could be
neither encrypted nor stored.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny


class MalformedBody(ValueError):
    """The body is not well-formed JSON text; ``where`` and ``message`` never echo it."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


class StrictJsonParser(Parser):
    """ninja's JSON parser, with clear refusals of bodies that are not JSON text."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        """The parsed body.

        Raises:
            MalformedBody: not UTF-8, not JSON, or a string holds a lone surrogate.
        """
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedBody("body", f"not UTF-8 text (byte {error.start})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedBody(
                "body",
                f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            ) from None
        where = surrogate_at(data)
        if where is not None:
            raise MalformedBody(where, "not valid text: it holds a lone surrogate")
        return cast(DictStrAny, data)


def surrogate_at(data: Any, where: str = "") -> str | None:
    """The path of the first key or string in ``data`` holding a lone surrogate, if any."""
    stack: list[tuple[Any, str]] = [(data, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                return at or "body"
        elif isinstance(item, dict):
            for key, value in item.items():
                path = f"{at}.{key}" if at else str(key)
                if _has_surrogate(str(key)):
                    return at or "body"
                stack.append((value, path))
        elif isinstance(item, list):
            stack.extend((value, f"{at}[{index}]") for index, value in enumerate(item))
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
