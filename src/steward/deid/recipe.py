"""The de-identification recipe: a reviewable YAML file of column-by-column operations.

:func:`load_recipe` reads the file, validates it with pydantic and reports every problem
with its line and column, the way plan files are reported. The models only describe
the recipe; :mod:`steward.deid.transforms.pipeline` carries it out.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from steward.deid.errors import DeidError
from steward.deid.hierarchy import Hierarchy, HierarchyError, load_hierarchy
from steward.policy import (
    Position,
    PositionMap,
    Problem,
    format_location,
    parse_yaml,
    schema_problems,
)

MAX_RECIPE_BYTES: Final = 1024 * 1024
Location = tuple[str | int, ...]


class RecipeError(DeidError):
    """A recipe is unreadable or invalid; ``problems`` lists each issue with its line."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        self.problems = tuple(problems)
        count = len(problems)
        summary = f"the recipe has {count} problem{'s' if count != 1 else ''}"
        super().__init__(message or summary + ":\n" + "\n".join(str(p) for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mask(_Strict):
    """Hide characters: keep the first / last few, replace the rest with ``char``."""

    keep_first: int = Field(0, ge=0, le=64)
    keep_last: int = Field(0, ge=0, le=64)
    char: str = Field("*", min_length=1, max_length=1)
    length: int | None = Field(None, ge=1, le=64)


class Pseudonymize(_Strict):
    """Replace values by ``prefix`` + the first ``length`` hex digits of their HMAC."""

    prefix: str = Field("", max_length=16, pattern=r"^[A-Za-z0-9_.:-]*$")
    length: int = Field(16, ge=8, le=64)


class Generalize(_Strict):
    """Generalize by an ARX hierarchy file (``hierarchy`` + ``level``) or a built-in."""

    hierarchy: str | None = None
    level: int | None = Field(None, ge=0)
    missing: Literal["error", "suppress"] = "error"
    builtin: Literal["age_band", "numeric_bins", "date", "postal_truncate"] | None = None
    width: float | None = Field(None, gt=0)
    edges: list[float] | None = None
    to: Literal["month", "quarter", "year"] | None = None
    keep: int | None = Field(None, ge=0, le=32)
    format: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Generalize:
        if (self.hierarchy is None) == (self.builtin is None):
            raise ValueError("give either 'hierarchy' (an ARX file) or 'builtin'")
        if self.hierarchy is not None:
            if self.level is None:
                raise ValueError("a hierarchy needs a 'level' (0 is the original value)")
            self._only("hierarchy", {"hierarchy", "level", "missing"})
            return self
        needs = {
            "age_band": {"width"},
            "numeric_bins": set(),
            "date": {"to"},
            "postal_truncate": {"keep"},
        }[str(self.builtin)]
        for name in needs:
            if getattr(self, name) is None:
                raise ValueError(f"builtin '{self.builtin}' needs '{name}'")
        if self.builtin == "numeric_bins" and (self.width is None) == (self.edges is None):
            raise ValueError("builtin 'numeric_bins' needs either 'width' or 'edges'")
        if self.builtin == "numeric_bins" and self.edges is not None:
            edges = self.edges
            if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValueError("'edges' must hold at least two strictly increasing numbers")
        per_builtin = {
            "age_band": {"width"},
            "numeric_bins": {"width", "edges"},
            "date": {"to", "format"},
            "postal_truncate": {"keep"},
        }[str(self.builtin)]
        self._only(f"builtin '{self.builtin}'", per_builtin | {"builtin", "missing"})
        return self

    def _only(self, what: str, allowed: set[str]) -> None:
        extra = sorted(n for n in self.model_fields_set if n not in allowed)
        if extra:
            raise ValueError(f"{', '.join(repr(e) for e in extra)} does not apply to {what}")


class Noise(_Strict):
    """Add zero-mean noise (Laplace scale ``b`` or Gaussian sigma), optionally rounded."""

    kind: Literal["laplace", "gaussian"]
    scale: float = Field(gt=0)
    round: float | None = Field(None, gt=0)


class ShiftDates(_Strict):
    """Move every date of a person (``person`` names the id column) by one secret offset."""

    person: str = Field(min_length=1)
    max_days: int = Field(ge=1, le=3650)
    format: str | None = None


class Redact(_Strict):
    """Replace personal data inside free text with typed placeholders (``[PERSON]``...).

    ``kinds`` restricts the kinds (names or placeholders; default: all); ``region`` is
    the phone region for numbers written without a +code.
    """

    kinds: list[str] | None = Field(None, min_length=1)
    region: str = Field("US", min_length=2, max_length=3)

    @model_validator(mode="after")
    def _known(self) -> Redact:
        from steward.deid.redact import check_region, resolve_kinds

        try:
            resolve_kinds(self.kinds)
            check_region(self.region)
        except DeidError as error:
            raise ValueError(str(error)) from None
        return self


class ColumnSteps(_Strict):
    """What to do with one column. Unlisted columns follow the recipe's ``unlisted``."""

    keep: bool = False
    drop: bool = False
    mask: Mask | None = None
    pseudonymize: Pseudonymize | None = None
    redact: Redact | None = None
    generalize: Generalize | None = None
    top_code: float | None = None
    bottom_code: float | None = None
    noise: Noise | None = None
    shift_dates: ShiftDates | None = None

    @model_validator(mode="after")
    def _combinable(self) -> ColumnSteps:
        given = self.operations()
        if not given:
            raise ValueError("no operation; use one of " + ", ".join(OPERATIONS))
        for alone in ("keep", "drop", "mask", "pseudonymize", "redact"):
            if alone in given and len(given) > 1:
                raise ValueError(f"'{alone}' cannot be combined with {_others(given, alone)}")
        numeric = [n for n in ("top_code", "bottom_code", "noise") if n in given]
        if numeric and "shift_dates" in given:
            raise ValueError("'shift_dates' is for dates; it cannot be combined with " + numeric[0])
        for name in ("top_code", "bottom_code"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"'{name}' must be a finite number")
        top, bottom = self.top_code, self.bottom_code
        if top is not None and bottom is not None and bottom > top:
            raise ValueError("'bottom_code' is above 'top_code'")
        return self

    def operations(self) -> list[str]:
        """The operations given, in the order they are applied."""
        return [n for n in OPERATIONS if _given(getattr(self, n))]


OPERATIONS: Final = (
    "keep",
    "drop",
    "mask",
    "pseudonymize",
    "redact",
    "shift_dates",
    "bottom_code",
    "top_code",
    "noise",
    "generalize",
)


class Suppress(_Strict):
    """Local suppression of records in classes smaller than ``k`` (default: the recipe's k)."""

    k: int | None = Field(None, ge=2)
    replace_with: str = Field("*", max_length=16)
    remove_records: bool = False


class Recipe(_Strict):
    """A whole recipe file."""

    steward_recipe: Literal[1]
    description: str = ""
    quasi_identifiers: list[str] = Field(default_factory=list)
    sensitive: list[str] = Field(default_factory=list)
    k: int | None = Field(None, ge=1)
    key: str = Field("pseudonyms", pattern=r"^[a-z][a-z0-9-]{0,39}$")
    unlisted: Literal["keep", "drop"] = "keep"
    columns: dict[str, ColumnSteps] = Field(default_factory=dict)
    suppress: Suppress | None = None

    def reference_errors(self) -> list[tuple[Location, str]]:
        """Cross-references the schema cannot see: where and what, in file order."""
        errors: list[tuple[Location, str]] = []
        for index, name in enumerate(self.quasi_identifiers):
            steps = self.columns.get(name)
            if steps is not None and steps.drop:
                errors.append(
                    (("quasi_identifiers", index), f"quasi-identifier '{name}' is dropped")
                )
            if self.unlisted == "drop" and steps is None:
                errors.append(
                    (("quasi_identifiers", index), f"'{name}' is dropped (unlisted: drop); list it")
                )
        for index, name in enumerate(self.sensitive):
            if name in self.quasi_identifiers:
                errors.append((("sensitive", index), f"'{name}' is also a quasi-identifier"))
        if self.suppress is not None:
            if not self.quasi_identifiers:
                errors.append((("suppress",), "local suppression needs quasi_identifiers"))
            if self.suppress.k is None and (self.k is None or self.k < 2):
                errors.append((("suppress",), "give 'k' (at least 2) here or at the top"))
        return errors

    def needs_key(self) -> bool:
        """Whether any operation needs the secret key."""
        return any(s.pseudonymize or s.shift_dates or s.noise for s in self.columns.values())

    def redacted_columns(self) -> list[str]:
        """The columns whose free text is redacted."""
        return [column for column, steps in self.columns.items() if steps.redact is not None]

    def input_columns(self) -> list[tuple[Location, str]]:
        """Every input column the recipe names, with where it is named."""
        named: list[tuple[Location, str]] = [(("columns", c), c) for c in self.columns]
        for column, steps in self.columns.items():
            if steps.shift_dates is not None:
                named.append(
                    (("columns", column, "shift_dates", "person"), steps.shift_dates.person)
                )
        for part in ("quasi_identifiers", "sensitive"):
            named += [((part, i), c) for i, c in enumerate(getattr(self, part))]
        return named


@dataclass(frozen=True)
class LoadedRecipe:
    """A valid recipe with its source, its SHA-256 and its hierarchies loaded."""

    recipe: Recipe
    source: str
    digest: str
    text: str
    positions: PositionMap
    hierarchies: dict[str, Hierarchy] = field(default_factory=dict)

    def problem(self, location: Location, message: str, *, key: bool = False) -> Problem:
        """A problem at ``location`` of this recipe."""
        where = self.positions.locate(location, key=key)
        return Problem(self.source, where.line, where.column, message, format_location(location))

    def check_columns(self, names: list[str]) -> None:
        """Raise unless every column the recipe names exists in the data.

        Raises:
            RecipeError: one problem per unknown column, at the line naming it.
        """
        known = set(names)
        hint = "; the columns are " + ", ".join(names)
        problems = [
            self.problem(where, f"no column '{name}' in the data{hint}", key=len(where) == 2)
            for where, name in self.recipe.input_columns()
            if name not in known
        ]
        if problems:
            raise RecipeError(problems)


def load_recipe(path: str | Path) -> LoadedRecipe:
    """Read and validate a recipe file; hierarchy files are relative to its folder.

    Raises:
        RecipeError: the file is unreadable, the YAML or the schema is wrong, or a
            hierarchy file is missing or malformed; each problem has its line.
    """
    file = Path(path)
    try:
        if file.is_dir():
            raise _unreadable(file, "is a folder, not a recipe file")
        if file.stat().st_size > MAX_RECIPE_BYTES:
            raise _unreadable(file, "too large for a recipe file")
        raw = file.read_bytes()
    except FileNotFoundError:
        raise _unreadable(file, "no such recipe file") from None
    except OSError as error:
        raise _unreadable(file, f"cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _unreadable(file, f"not UTF-8 text (byte {error.start})") from None
    return load_recipe_text(
        text, source=str(file), base_dir=file.parent, digest=hashlib.sha256(raw).hexdigest()
    )


def load_recipe_text(
    text: str, *, source: str = "<recipe>", base_dir: Path | None = None, digest: str | None = None
) -> LoadedRecipe:
    """Validate recipe text; ``source`` names it in problems.

    Raises:
        RecipeError: the YAML, the schema, a cross-reference or a hierarchy is wrong.
    """
    data, positions, syntax = parse_yaml(text)
    problems = [
        _at(source, p.position, p.message.replace("plan", "recipe"), p.location) for p in syntax
    ]
    if data is None:
        raise RecipeError(problems)
    if not isinstance(data, dict):
        raise RecipeError([*problems, _at(source, positions.locate(()), "a recipe is a mapping")])
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as error:
        raise RecipeError(
            problems + schema_problems(error, positions, source, Recipe, _unknown_operation)
        ) from None
    if problems:
        raise RecipeError(problems)
    digest = digest or hashlib.sha256(text.encode("utf-8")).hexdigest()
    loaded = LoadedRecipe(recipe, source, digest, text, positions)
    references = [loaded.problem(loc, message) for loc, message in recipe.reference_errors()]
    if references:
        raise RecipeError(references)
    hierarchy_problems: list[Problem] = []
    for column, steps in recipe.columns.items():
        spec = steps.generalize
        if spec is None or spec.hierarchy is None:
            continue
        where: Location = ("columns", column, "generalize", "hierarchy")
        try:
            folder = base_dir or Path.cwd()
            hierarchy = load_hierarchy(folder / spec.hierarchy, missing=spec.missing)
            hierarchy.check_level(spec.level or 0)
        except HierarchyError as error:
            if "level" in str(error) and "does not exist" in str(error):
                where = ("columns", column, "generalize", "level")
            hierarchy_problems.append(loaded.problem(where, str(error)))
            continue
        loaded.hierarchies[column] = hierarchy
    if hierarchy_problems:
        raise RecipeError(hierarchy_problems)
    return loaded


def _unreadable(file: Path, message: str) -> RecipeError:
    return RecipeError([], f"{file}: {message}")


def _at(source: str, where: Position, message: str, location: Location = ()) -> Problem:
    return Problem(source, where.line, where.column, message, format_location(location))


def _unknown_operation(location: Location, name: str) -> str | None:
    if len(location) == 3 and location[0] == "columns":
        return f"unknown operation '{name}'; operations: {', '.join(OPERATIONS)}"
    return None


def _given(value: object) -> bool:
    return value is not None and value is not False


def _others(given: list[str], name: str) -> str:
    return ", ".join(f"'{g}'" for g in given if g != name)
