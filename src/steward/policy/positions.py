"""YAML parsing that remembers where every key and value stands in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from steward.policy.model.plan import Location

_COMPOSER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's composer when PyYAML was built with it (same nodes and marks, faster)."""

MAX_NODES: Final = 200_000
"""A plan larger than this (after alias expansion) is refused rather than expanded."""


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int
    column: int


@dataclass
class PositionMap:
    """Where each value (and each mapping key) of a parsed document stands."""

    values: dict[Location, Position] = field(default_factory=dict)
    keys: dict[Location, Position] = field(default_factory=dict)

    def locate(self, location: Location, *, key: bool = False) -> Position:
        """The position of ``location``, or of its nearest enclosing value.

        With ``key=True`` the position of the key naming ``location`` is preferred,
        which is where an unknown key should be reported.
        """
        if key and location in self.keys:
            return self.keys[location]
        path = tuple(location)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))


@dataclass(frozen=True)
class SyntaxProblem:
    """A problem found while reading YAML, before any model sees the data."""

    position: Position
    message: str
    location: Location = ()


class _Builder:
    """Turns composed YAML nodes into plain Python data while recording positions."""

    def __init__(self) -> None:
        self.positions = PositionMap()
        self.problems: list[SyntaxProblem] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._count = 0

    def build(self, node: Node, path: Location) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooLarge
        self.positions.values[path] = _position(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            try:
                return self._constructor.construct_object(node, deep=True)
            except yaml.YAMLError as error:
                self.problems.append(SyntaxProblem(_position(node), _clean(error), path))
                return None
        return None  # pragma: no cover - the composer yields only the three node kinds

    def _mapping(self, node: MappingNode, path: Location) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            where = _position(key_node)
            if not isinstance(key_node, ScalarNode):
                self.problems.append(SyntaxProblem(where, "a key must be plain text", path))
                continue
            key = key_node.value
            if key in result:
                self.problems.append(
                    SyntaxProblem(where, f"key '{key}' appears twice in the same mapping", path)
                )
                continue
            self.positions.keys[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key))
        return result


class _TooLarge(Exception):
    pass


def parse_yaml(text: str) -> tuple[Any, PositionMap, list[SyntaxProblem]]:
    """Parse one YAML document into plain data, with positions and any problems.

    Returns ``(data, positions, problems)``; when problems is non-empty the data
    may be partial. Never raises for bad input.
    """
    try:
        documents = list(yaml.compose_all(text, Loader=_COMPOSER))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        message = f"not valid YAML: {_clean(error)}"
        if _tab_at(text, where):
            message = "a tab is used for indentation; YAML indents with spaces only"
        return None, PositionMap(), [SyntaxProblem(where, message)]
    except yaml.YAMLError as error:
        return None, PositionMap(), [SyntaxProblem(Position(1, 1), f"not valid YAML: {error}")]
    if not documents or documents[0] is None:
        return None, PositionMap(), [SyntaxProblem(Position(1, 1), "the plan file is empty")]
    if len(documents) > 1:
        where = _position(documents[1])
        return None, PositionMap(), [SyntaxProblem(where, "a plan file holds one YAML document")]
    builder = _Builder()
    try:
        data = builder.build(documents[0], ())
    except _TooLarge:
        message = f"the plan expands to more than {MAX_NODES} values; remove repeated aliases"
        return None, PositionMap(), [SyntaxProblem(Position(1, 1), message)]
    return data, builder.positions, builder.problems


def _tab_at(text: str, where: Position) -> bool:
    lines = text.splitlines()
    if not 0 < where.line <= len(lines):
        return False
    line = lines[where.line - 1]
    return "\t" in line[: max(where.column, 1)]


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _clean(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [p for p in (error.context, error.problem) if p]
        return "; ".join(parts) if parts else "malformed YAML"
    return str(error)
