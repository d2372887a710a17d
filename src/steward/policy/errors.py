"""What goes wrong when a plan file is loaded, and where: light to import (no plan
models), so that a command can catch these before it needs a plan."""

from __future__ import annotations

from dataclasses import dataclass

from steward.errors import StewardError

__all__ = ["PlanLoadError", "PlanSyntaxError", "PlanUnreadableError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, and where it is."""

    file: str
    line: int
    column: int
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PlanUnreadableError(StewardError):
    """The plan file cannot be read at all (missing, unreadable, not UTF-8 text, too big)."""


class PlanLoadError(StewardError):
    """The plan file was read but is not a valid plan; ``problems`` lists every issue."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(problems)
        summary = f"the plan has {count} problem{'s' if count != 1 else ''}"
        super().__init__(summary + ":\n" + "\n".join(str(p) for p in problems))


class PlanSyntaxError(PlanLoadError):
    """The plan file is not usable YAML (a syntax error, an empty file, several documents,
    a duplicated or non-text key, a tag); ``problems`` lists every issue with its spot."""
