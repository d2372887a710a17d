"""Carry out a recipe on a Polars LazyFrame: check, type, transform, suppress.

The plan is built lazily; nothing is read until the caller collects or sinks the
result, except one checking pass that counts values that are not numbers or dates, or
not in a hierarchy (so that a bad value is reported before any output is written).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from steward.deid.engine import CLASS_SIZE
from steward.deid.errors import DeidError
from steward.deid.hierarchy import (
    AgeBands,
    DateHierarchy,
    Hierarchy,
    NumericBins,
    PostalTruncation,
    as_date,
)
from steward.deid.io import column_names
from steward.deid.recipe import ColumnSteps, Generalize, LoadedRecipe, RecipeError
from steward.deid.redact import redact_expr, resolve_kinds
from steward.deid.transforms.coding import top_bottom_code
from steward.deid.transforms.dates import shift_dates
from steward.deid.transforms.keys import DeidKeys
from steward.deid.transforms.mask import mask
from steward.deid.transforms.noise import add_noise
from steward.deid.transforms.pseudonymize import pseudonymize
from steward.deid.transforms.suppression import small_classes, suppress

NUMERIC_STEPS = ("top_code", "bottom_code", "noise")
NUMERIC_BUILTINS = ("age_band", "numeric_bins")


@dataclass(frozen=True)
class Parsing:
    """Which text columns a recipe's steps parse before transforming them.

    Attributes:
        numeric: text columns parsed as numbers (top/bottom code, noise).
        dates: text columns parsed as dates (shift_dates), with their strftime format.
        floats: the numeric columns holding fractions, parsed as Float64 (the others
            as Int64); decided over the whole table by :func:`decide`.
        fractional: the columns binned by width whose values (as binned) are not all
            whole numbers, so their bands read ``20-<25`` rather than ``20-24``; decided
            over the whole table by :func:`decide`, so every batch labels alike.
    """

    numeric: tuple[str, ...] = ()
    dates: tuple[tuple[str, str | None], ...] = ()
    floats: frozenset[str] = frozenset()
    fractional: frozenset[str] = frozenset()


@dataclass
class Applied:
    """A recipe's lazy result and the record of what it does.

    Attributes:
        frame: the de-identified table, not yet computed.
        operations: one entry per operation: column, operation and parameters (never
            key material), in the order applied.
        kept: columns passed through unchanged.
        dropped: columns left out.
        suppression: the local suppression settings and how many records it touches.
    """

    frame: pl.LazyFrame
    operations: list[dict[str, Any]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    suppression: dict[str, Any] | None = None


def apply_recipe(
    frame: pl.LazyFrame, loaded: LoadedRecipe, keys: DeidKeys | None = None
) -> Applied:
    """The recipe's operations on ``frame``, as a lazy plan.

    Raises:
        RecipeError: a column the recipe names does not exist, or a column holds values
            its operation cannot take (counts only, with the recipe line).
        DeidError: the recipe needs a key and none is given.
    """
    schema = frame.collect_schema()
    parsing = prepare(schema, loaded, keys)
    checks = check_expressions(schema, loaded, parsing)
    counts: dict[str, int] = {}
    if checks:
        row = frame.select(checks).collect(engine="streaming").row(0, named=True)
        counts = {name: int(value or 0) for name, value in row.items()}
    parsing = decide(parsing, counts, loaded)
    result = transform(frame, loaded, keys, parsing)
    recipe = loaded.recipe
    if recipe.suppress is not None:
        k, qi = suppression_k(loaded), recipe.quasi_identifiers
        small = small_classes(result.frame, qi, k)
        result.suppression = suppression_record(loaded, int(small[CLASS_SIZE].sum()))
        result.frame = suppress(
            result.frame,
            qi,
            k,
            replace_with=recipe.suppress.replace_with,
            remove_records=recipe.suppress.remove_records,
            small=small,
        )
    return result


def prepare(schema: pl.Schema, loaded: LoadedRecipe, keys: DeidKeys | None) -> Parsing:
    """Check the recipe against a table's ``schema``; return which text columns its
    numeric and date steps parse (before counting what cannot be parsed).

    Raises:
        RecipeError: a column the recipe names does not exist, or a redacted column is
            not text.
        DeidError: the recipe needs a key and none is given.
    """
    recipe = loaded.recipe
    loaded.check_columns(list(schema.names()))
    if recipe.needs_key() and keys is None:
        raise DeidError("the recipe pseudonymizes, shifts dates or adds noise: it needs a key")
    _check_text(schema, loaded)
    numeric: list[str] = []
    dates: list[tuple[str, str | None]] = []
    for column, steps in recipe.columns.items():
        if any(getattr(steps, n) is not None for n in NUMERIC_STEPS) and (
            schema[column] == pl.String
        ):
            numeric.append(column)
        if steps.shift_dates is not None and not schema[column].is_temporal():
            dates.append((column, steps.shift_dates.format))
    return Parsing(tuple(numeric), tuple(dates))


def transform(
    frame: pl.LazyFrame, loaded: LoadedRecipe, keys: DeidKeys | None, parsing: Parsing
) -> Applied:
    """The row-wise part of the recipe (every column step, not local suppression) on
    ``frame``, with the text columns parsed as ``parsing`` decided.

    Each output row depends only on its input row (noise aside: its stream follows the
    row order), so the table may be transformed in batches.

    Raises:
        HierarchyError: a generalization level the hierarchy does not have.
    """
    recipe = loaded.recipe
    names = column_names(frame)
    frame = _parsed(frame, parsing)
    result = Applied(frame)
    expressions: list[pl.Expr] = []
    for column, steps in recipe.columns.items():
        expr = _column(column, steps, loaded, keys, result, parsing.fractional)
        if expr is not None:
            expressions.append(expr.alias(column))
    listed = set(recipe.columns)
    unlisted = [n for n in names if n not in listed]
    if recipe.unlisted == "drop":
        result.dropped += unlisted
    else:
        result.kept += unlisted
    out = frame.with_columns(expressions) if expressions else frame
    if result.dropped:
        out = out.drop(result.dropped)
    result.frame = out
    return result


def suppression_k(loaded: LoadedRecipe) -> int:
    """The class size below which local suppression acts."""
    recipe = loaded.recipe
    return (recipe.suppress.k if recipe.suppress else None) or recipe.k or 2


def suppression_record(loaded: LoadedRecipe, records: int) -> dict[str, Any]:
    """The manifest's record of local suppression, touching ``records`` records."""
    recipe = loaded.recipe
    assert recipe.suppress is not None  # called only for a recipe that suppresses
    return {
        "k": suppression_k(loaded),
        "quasi_identifiers": list(recipe.quasi_identifiers),
        "replace_with": recipe.suppress.replace_with,
        "remove_records": recipe.suppress.remove_records,
        "records": records,
    }


def hierarchy_for(column: str, spec: Generalize, loaded: LoadedRecipe) -> tuple[Hierarchy, int]:
    """The hierarchy and level a ``generalize`` step asks for."""
    if spec.hierarchy is not None:
        return loaded.hierarchies[column], spec.level or 0
    hierarchy: Hierarchy
    if spec.builtin == "age_band":
        hierarchy, level = AgeBands([int(spec.width or 5)]), 1
    elif spec.builtin == "numeric_bins":
        hierarchy, level = NumericBins(width=spec.width, edges=spec.edges), 1
    elif spec.builtin == "date":
        dates = DateHierarchy(spec.format)
        hierarchy, level = dates, dates.level_for(spec.to or "year")
    else:
        postal = PostalTruncation((spec.keep or 0) + 1)
        hierarchy, level = postal, postal.level_for_keep(spec.keep or 0)
    hierarchy.missing = spec.missing
    return hierarchy, level


def _column(
    column: str,
    steps: ColumnSteps,
    loaded: LoadedRecipe,
    keys: DeidKeys | None,
    result: Applied,
    fractional: frozenset[str] = frozenset(),
) -> pl.Expr | None:
    def record(operation: str, parameters: dict[str, Any]) -> None:
        result.operations.append(
            {"column": column, "operation": operation, "parameters": parameters}
        )

    if steps.keep:
        result.kept.append(column)
        return None
    if steps.drop:
        result.dropped.append(column)
        record("drop", {})
        return None
    expr = pl.col(column)
    if steps.mask is not None:
        record("mask", steps.mask.model_dump())
        return mask(expr, **steps.mask.model_dump())
    if steps.redact is not None:
        redact = steps.redact
        wanted = resolve_kinds(redact.kinds)
        record("redact", {"kinds": list(wanted), "region": redact.region.upper()})
        return redact_expr(column, wanted, redact.region)
    if steps.pseudonymize is not None:
        assert keys is not None  # checked by apply_recipe
        alias = steps.pseudonymize
        record(
            "pseudonymize",
            {**alias.model_dump(), "algorithm": "HMAC-SHA-256", "key": keys.name},
        )
        return pseudonymize(expr, keys.pseudonym, prefix=alias.prefix, length=alias.length)
    if steps.shift_dates is not None:
        assert keys is not None
        shift = steps.shift_dates
        record("shift_dates", {**shift.model_dump(exclude_none=True), "key": keys.name})
        expr = shift_dates(expr, pl.col(shift.person), keys.date_shift, max_days=shift.max_days)
    if steps.bottom_code is not None or steps.top_code is not None:
        for name in ("bottom_code", "top_code"):
            if getattr(steps, name) is not None:
                record(name, {"value": getattr(steps, name)})
        expr = top_bottom_code(expr, top=steps.top_code, bottom=steps.bottom_code)
    if steps.noise is not None:
        assert keys is not None
        noise = steps.noise
        record("noise", {**noise.model_dump(exclude_none=True), "key": keys.name})
        expr = add_noise(expr, noise.kind, noise.scale, keys.seed(column), noise.round)
    if steps.generalize is not None:
        spec = steps.generalize
        hierarchy, level = hierarchy_for(column, spec, loaded)
        if isinstance(hierarchy, NumericBins):
            hierarchy = hierarchy.for_values(whole=column not in fractional)
        parameters = spec.model_dump(exclude_none=True)
        parameters.update({"hierarchy_levels": hierarchy.levels, "level": level})
        record("generalize", parameters)
        expr = hierarchy.guarded(expr, level)
    return expr


def _check_text(schema: pl.Schema, loaded: LoadedRecipe) -> None:
    """Raise unless every column the recipe redacts holds text."""
    problems = [
        loaded.problem(
            ("columns", column), f"'redact' needs text; the column holds {schema[column]}", key=True
        )
        for column in loaded.recipe.redacted_columns()
        if schema[column] not in (pl.String, pl.Null)
    ]
    if problems:
        raise RecipeError(problems)


def check_expressions(schema: pl.Schema, loaded: LoadedRecipe, parsing: Parsing) -> list[pl.Expr]:
    """The counts that check a table before it is transformed, as sums (so the counts of
    a table's batches add up to the table's): per parsed text column, the values that
    are not numbers or dates and (numbers) not whole numbers; per generalized column,
    the values its hierarchy cannot place. Each is named after its column, with a NUL and
    ``bad`` or ``float``; none when there is nothing to check."""
    checks: list[pl.Expr] = []
    dates = dict(parsing.dates)
    for column, steps in loaded.recipe.columns.items():
        if column in parsing.numeric:
            value = _blank_to_null(pl.col(column))
            checks += [
                (value.is_not_null() & value.cast(pl.Float64, strict=False).is_null())
                .sum()
                .alias(f"{column}\x00bad"),
                (value.is_not_null() & value.cast(pl.Int64, strict=False).is_null())
                .sum()
                .alias(f"{column}\x00float"),
            ]
        if column in dates:
            parsed = as_date(pl.col(column), dates[column])
            checks.append(
                (_blank_to_null(pl.col(column)).is_not_null() & parsed.is_null())
                .sum()
                .alias(f"{column}\x00bad")
            )
        spec = steps.generalize
        if spec is not None and spec.builtin in NUMERIC_BUILTINS and spec.edges is None:
            number = pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
            checks.append(
                (number.is_not_null() & (number.floor() != number))
                .sum()
                .alias(f"{column}\x00fraction")
            )
        if (
            spec is not None
            and spec.missing == "error"
            and column not in parsing.numeric
            and column not in dates
        ):
            hierarchy, _ = hierarchy_for(column, spec, loaded)
            checks.append(hierarchy.unplaceable(pl.col(column)).sum().alias(f"{column}\x00bad"))
    return checks


def decide(parsing: Parsing, counts: Mapping[str, int], loaded: LoadedRecipe) -> Parsing:
    """``parsing`` with the numeric columns that need Float64 (rather than Int64), from
    the counts of :func:`check_expressions` over the whole table.

    Raises:
        RecipeError: a column holds values its operation cannot take (how many, with the
            recipe line; never the values).
    """
    problems = []
    dates = dict(parsing.dates)
    for column, steps in loaded.recipe.columns.items():
        bad = int(counts.get(f"{column}\x00bad") or 0)
        if bad:
            what = "numbers" if column in parsing.numeric else "dates" if column in dates else None
            if what is None:
                assert steps.generalize is not None  # only generalize steps count otherwise
                hierarchy, _ = hierarchy_for(column, steps.generalize, loaded)
                message = hierarchy.missing_message(bad)
            else:
                noun = "value is" if bad == 1 else "values are"
                message = f"{bad} {noun} not {what}"
            problems.append(loaded.problem(("columns", column), message, key=True))
    if problems:
        raise RecipeError(problems)
    floats = frozenset(c for c in parsing.numeric if counts.get(f"{c}\x00float"))
    fractional = frozenset(
        column
        for column, steps in loaded.recipe.columns.items()
        if counts.get(f"{column}\x00fraction") or _makes_fractions(steps)
    )
    return replace(parsing, floats=floats, fractional=fractional)


def _makes_fractions(steps: ColumnSteps) -> bool:
    """Whether a column's steps before binning can turn whole numbers into fractions:
    noise not rounded to a whole step, or a top or bottom code that is not whole."""
    if steps.noise is not None and not float(steps.noise.round or 0.5).is_integer():
        return True
    codes = (steps.top_code, steps.bottom_code)
    return any(code is not None and not float(code).is_integer() for code in codes)


def _parsed(frame: pl.LazyFrame, parsing: Parsing) -> pl.LazyFrame:
    """Text columns that numeric or date steps need, parsed as ``parsing`` decided."""
    casts = [
        _blank_to_null(pl.col(c))
        .cast(pl.Float64 if c in parsing.floats else pl.Int64, strict=False)
        .alias(c)
        for c in parsing.numeric
    ]
    casts += [as_date(pl.col(c), fmt).alias(c) for c, fmt in parsing.dates]
    return frame.with_columns(casts) if casts else frame


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    text = expr.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)
