"""Unfinished plans: placeholders such as ``TODO:`` left in the plan's text values.

`steward init` writes ``TODO:`` wherever a person must decide (the complaints
procedure, the regulator, a law to cite). Until each is replaced the plan is a draft:
a privacy notice must never tell people "To complain: TODO: ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import Location, Plan

PLACEHOLDER: Final = re.compile(r"\b(?:TODO|FIXME|TBD|XXX+)\b|<(?i:fill in)[^>]*>")
"""Marks of a value nobody has written yet: ``TODO``, ``FIXME``, ``TBD`` or ``XXX`` as
whole upper-case words (so Spanish *todo* or *today* never match), or ``<fill in ...>``."""

_SHOWN: Final = 60


def placeholders(plan: Plan) -> Iterator[tuple[Location, str]]:
    """Every text value of ``plan`` that holds a placeholder, with its location, in
    plan order. Looks at every string anywhere in the plan, including list items."""
    yield from _walk(plan.model_dump(mode="python"), ())


def _walk(value: object, location: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        if PLACEHOLDER.search(value):
            yield location, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*location, str(key)))
    elif isinstance(value, Sequence):
        for index, item in enumerate(value):
            yield from _walk(item, (*location, index))


def _unfinished(ctx: CheckContext) -> Iterator[Issue]:
    for location, value in placeholders(ctx.plan):
        shown = value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."
        yield Issue(location, f"unfinished placeholder: {shown!r}")


RULES: tuple[Rule, ...] = (
    Rule(
        id="GOV017",
        title="The plan has no unfinished placeholders",
        severity=Severity.ERROR,
        area=Area.ACCOUNTABILITY,
        hint="Replace the placeholder with the real answer, or remove the key if the plan "
        "does not need it. Until then the plan is a draft: its documents are written only "
        "with --draft, marked as drafts, and the vault will not run under it.",
        check=_unfinished,
    ),
)
