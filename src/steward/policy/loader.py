"""Load a plan file: YAML syntax, the plan schema and cross-references, with line numbers."""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from steward.policy.errors import PlanLoadError, PlanSyntaxError, PlanUnreadableError, Problem
from steward.policy.model.plan import Location, Plan
from steward.policy.positions import Position, PositionMap, parse_yaml

MAX_PLAN_BYTES = 5 * 1024 * 1024
"""Plan files larger than this are refused as unreadable."""


@dataclass(frozen=True)
class LoadedPlan:
    """A valid plan together with where it came from.

    Attributes:
        plan: the validated plan.
        source: the file name problems and findings are reported against.
        digest: SHA-256 of the file's bytes, identifying this exact plan text.
        positions: where every value stands in the file.
    """

    plan: Plan
    source: str
    digest: str
    positions: PositionMap

    def locate(self, location: Location) -> Position:
        """The file position of a location in the plan (or its nearest parent)."""
        return self.positions.locate(location)


def load_plan(path: str | Path) -> LoadedPlan:
    """Read and validate the plan file at ``path``.

    Raises:
        PlanUnreadableError: the file is missing, unreadable, too large or not UTF-8.
        PlanSyntaxError: the file is not usable YAML (a :class:`PlanLoadError`).
        PlanLoadError: the schema or a cross-reference is wrong; every problem is
            listed with its line and column.
    """
    file = Path(path)
    try:
        if file.is_dir():
            raise PlanUnreadableError(f"{file}: is a folder, not a plan file")
        size = file.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanUnreadableError(f"{file}: {size} bytes is too large for a plan file")
        raw = file.read_bytes()
    except FileNotFoundError:
        raise PlanUnreadableError(f"{file}: no such file") from None
    except PermissionError:
        raise PlanUnreadableError(f"{file}: permission denied") from None
    except OSError as error:
        raise PlanUnreadableError(f"{file}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PlanUnreadableError(
            f"{file}:{line}: not UTF-8 text (byte {error.start}); save the plan as UTF-8"
        ) from None
    return load_plan_text(text, source=str(file), digest=hashlib.sha256(raw).hexdigest())


def load_plan_text(text: str, source: str = "<plan>", digest: str | None = None) -> LoadedPlan:
    """Validate plan text; ``source`` names it in problem reports.

    Raises:
        PlanSyntaxError: the text is not usable YAML; every problem is listed, with
            any schema problems of what could be read.
        PlanLoadError: the schema or a cross-reference is wrong.
    """
    data, positions, syntax = parse_yaml(text)
    problems = [_problem(source, p.position, p.message, p.location) for p in syntax]
    refuse = PlanSyntaxError if problems else PlanLoadError
    if data is None and problems:
        raise PlanSyntaxError(problems)
    if not isinstance(data, dict):
        where = positions.locate(())
        raise refuse([*problems, _problem(source, where, "a plan must be a mapping of keys")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        raise refuse(problems + schema_problems(error, positions, source)) from None
    if problems:
        raise PlanSyntaxError(problems)
    references = [
        _problem(source, positions.locate(loc), message, loc)
        for loc, message in plan.reference_errors()
    ]
    if references:
        raise PlanLoadError(references)
    digest = digest or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedPlan(plan=plan, source=source, digest=digest, positions=positions)


def format_location(location: Location) -> str:
    """A readable path: ``("datasets", 0, "fields", 2)`` -> ``datasets[0].fields[2]``."""
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problem(source: str, where: Position, message: str, location: Location = ()) -> Problem:
    return Problem(source, where.line, where.column, message, format_location(location))


UnknownKeyMessage = Callable[[Location, str], str | None]
"""Given the location of an unknown key and its name, a special message (or ``None``)."""


def schema_problems(
    error: ValidationError,
    positions: PositionMap,
    source: str,
    model: type[BaseModel] = Plan,
    unknown_key: UnknownKeyMessage | None = None,
) -> list[Problem]:
    """Every validation error of ``model`` as a located, plain-language problem.

    Unknown keys are reported at the key, with a "did you mean" suggestion or the list
    of allowed keys; ``unknown_key`` may word them differently for some locations.
    """
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        location: Location = tuple(item["loc"])
        kind = item["type"]
        where = positions.locate(location, key=kind == "extra_forbidden")
        message = _message(item, location, model, unknown_key)
        problems.append(_problem(source, where, message, location))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _message(
    item: Any, location: Location, model: type[BaseModel], unknown_key: UnknownKeyMessage | None
) -> str:
    kind = item["type"]
    name = location[-1] if location else ""
    if kind == "missing":
        return f"missing required key '{name}'"
    if kind == "extra_forbidden":
        special = unknown_key(location, str(name)) if unknown_key else None
        if special:
            return special
        allowed = allowed_keys(model, location[:-1])
        close = get_close_matches(str(name), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if not close and allowed:
            hint = "; allowed keys: " + ", ".join(allowed)
        return f"unknown key '{name}'{hint}"
    message = str(item["msg"]).removeprefix("Value error, ")
    value = item.get("input")
    if kind != "value_error" and isinstance(value, str | int | float):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        message += f" (got {shown})"
    return message[0].lower() + message[1:] if message else message


def allowed_keys(model: type[BaseModel], location: Location) -> list[str]:
    """The keys the model at ``location`` under ``model`` accepts (empty if unknown).

    Follows fields, list items, mapping values and optional values.
    """
    current: Any = model
    for part in location:
        current = _step(current, part)
        if current is None:
            return []
    found = _model_in(current)
    return sorted(f.alias or n for n, f in found.model_fields.items()) if found else []


def _step(annotation: Any, part: str | int) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                stepped = _step(arg, part)
                if stepped is not None:
                    return stepped
        return None
    if origin is list:
        return typing.get_args(annotation)[0] if isinstance(part, int) else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
