"""De-identifying an extract's table with the engine, and measuring the result.

Two ways, both through :mod:`steward.deid`:

* a **recipe** file (``steward deid apply`` format), applied to the table; its keyed
  steps (pseudonyms, date shifts, noise) use keys derived from the vault's own root key
  under the recipe's key name;
* otherwise the engine's **optimal anonymization** (:func:`steward.deid.run_anonymize`,
  as ``steward deid anonymize`` runs it) to the k target, with at most
  :data:`~steward.vault.rules.extract_release.MAX_SUPPRESSION` of the records
  suppressed, over hierarchies built from the plan's fields (:func:`builtin_hierarchy`):
  a choice generalizes to adjacent pairs of its choices, then ``*``; a number to bands
  of 5 and 20, then ``*``; a date to its month and year, then ``*``; other text loses
  its last characters one by one (a postal code: ``0213*``, ``021**``, ``02***``), then
  ``*``.

Suppressed records are left out of the output (their quasi-identifiers would all be
``*``, a group of its own that may be small). Every column that is not a sensitive
attribute (a field the plan marks ``identifier: sensitive``) is a quasi-identifier: an
attacker may know any of them. The risk is then measured on the output itself, over
the same quasi-identifiers (:func:`steward.deid.run_risk`, as ``steward deid risk``
measures it). Plain Python and Polars: no database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

from steward.deid import AnonymizeRequest, DeidError, RiskRequest, run_anonymize, run_risk
from steward.deid.search import CodedHierarchy, from_rows
from steward.deid.transforms import LoadedRecipe, apply_recipe, derive_keys
from steward.policy.model import FieldSpec, IdentifierRole, InputKind
from steward.vault.rules.extract_release import MAX_SUPPRESSION, Measured

ROOT: Final = "*"
"""The top of every hierarchy, and what a suppressed value becomes."""
NONE_LABEL: Final = "(none)"
"""What a missing value is called in a quasi-identifier (its own value, then ``*``)."""


@dataclass
class Deidentified:
    """The de-identified table, the measured risk and what the manifest says of how."""

    table: pl.DataFrame
    measured: Measured
    qi: list[str]
    sensitive: list[str]
    method: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] = field(default_factory=dict)


def builtin_hierarchy(spec: FieldSpec, values: Sequence[str]) -> CodedHierarchy:
    """A hierarchy for ``spec`` over ``values`` (the distinct values present, missing
    ones as :data:`NONE_LABEL`), as the module docstring describes."""
    leaves = sorted(set(values) | ({*spec.choices} if spec.input is InputKind.CHOICE else set()))
    rows = [[value, *_levels(spec, value)] for value in leaves]
    return from_rows(spec.name, rows, source=f"built-in ({spec.name})")


def _levels(spec: FieldSpec, value: str) -> list[str]:
    if value == NONE_LABEL:
        return [NONE_LABEL, NONE_LABEL, ROOT]
    if spec.input is InputKind.CHOICE and value in spec.choices:
        at = spec.choices.index(value) // 2 * 2
        pair = "|".join(spec.choices[at : at + 2])
        return [pair, ROOT, ROOT]
    if spec.input is InputKind.NUMBER:
        number = _number(value)
        if number is None:
            return ["?", "?", ROOT]
        return [_band(number, 5), _band(number, 20), ROOT]
    if spec.input is InputKind.DATE and len(value) >= 7 and value[4] == "-":
        return [value[:7], value[:4], ROOT]
    if spec.input in {InputKind.CHOICE, InputKind.DATE}:
        return ["?", "?", ROOT]
    return [_truncate(value, 1), _truncate(value, 2), ROOT]


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _band(number: float, width: int) -> str:
    start = math.floor(number / width) * width
    return f"{start}-{start + width - 1}"


def _truncate(value: str, hidden: int) -> str:
    kept = max(len(value) - hidden, 1)
    return value[:kept] + "*" * (len(value) - kept)


def quasi_and_sensitive(
    fields: Sequence[FieldSpec], columns: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The output ``columns`` split into quasi-identifiers and sensitive attributes."""
    sensitive_names = {f.name for f in fields if f.identifier is IdentifierRole.SENSITIVE}
    qi = [c for c in columns if c not in sensitive_names]
    return qi, [c for c in columns if c in sensitive_names]


def anonymize_builtin(table: pl.DataFrame, fields: Sequence[FieldSpec], k: int) -> Deidentified:
    """The optimal generalization of ``table`` to ``k`` with built-in hierarchies.

    Raises:
        DeidError: no generalization meets k within the suppression limit, or there is
            no quasi-identifier to generalize.
    """
    qi, sensitive = quasi_and_sensitive(fields, table.columns)
    if not qi:
        raise DeidError("the extract has no quasi-identifier to generalize")
    filled = table.with_columns([pl.col(c).fill_null(NONE_LABEL) for c in qi])
    by_name = {f.name: f for f in fields}
    hierarchies = {c: builtin_hierarchy(by_name[c], filled[c].unique().to_list()) for c in qi}
    request = AnonymizeRequest(
        filled.lazy(),
        qi=tuple(qi),
        k=k,
        hierarchies=hierarchies,
        max_suppression=MAX_SUPPRESSION,
        metric="loss",
    )
    result = run_anonymize(request)
    out = result.held()  # no output file was asked for: the table is held
    if any(result.levels[q] < hierarchies[q].height - 1 for q in qi):
        out = out.filter(~pl.all_horizontal([pl.col(q) == ROOT for q in qi]))
    method = {
        "kind": "anonymize",
        "hierarchies": dict.fromkeys(qi, "built-in"),
        "levels": dict(result.levels),
        "max_suppression": MAX_SUPPRESSION,
        "information_loss": result.loss,
        "attribute_loss": dict(result.attribute_loss),
        "entropy_bits": result.entropy,
    }
    return _measured(out, table.height, qi, sensitive, k, method)


def apply_recipe_to(
    table: pl.DataFrame, loaded: LoadedRecipe, fields: Sequence[FieldSpec], k: int, root: bytes
) -> Deidentified:
    """``table`` transformed by the recipe, then measured.

    Raises:
        RecipeError: the recipe names a column the extract does not hold, or a value its
            step cannot take.
        DeidError: the recipe cannot be carried out, or leaves no quasi-identifier to
            measure the risk over.
    """
    recipe = loaded.recipe
    keys = derive_keys(root, recipe.key) if recipe.needs_key() else None
    applied = apply_recipe(table.lazy(), loaded, keys)
    try:
        out = applied.frame.collect()
    except pl.exceptions.PolarsError:
        raise DeidError("the recipe could not be carried out on the extract") from None
    qi, sensitive = quasi_and_sensitive(fields, out.columns)
    sensitive = sorted(set(sensitive) | {c for c in recipe.sensitive if c in out.columns})
    qi = [c for c in qi if c not in sensitive]
    if not qi:
        raise DeidError("the recipe leaves no quasi-identifier to measure the risk over")
    method = {
        "kind": "recipe",
        "recipe_sha256": loaded.digest,
        "recipe": recipe.model_dump(mode="json", exclude_defaults=True),
        "operations": applied.operations,
        "dropped": applied.dropped,
        "suppression": applied.suppression,
    }
    return _measured(out, table.height, qi, sensitive, k, method)


def _measured(
    out: pl.DataFrame,
    source: int,
    qi: list[str],
    sensitive: list[str],
    k: int,
    method: dict[str, Any],
) -> Deidentified:
    request = RiskRequest(out.lazy(), qi=tuple(qi), sensitive=tuple(sensitive), k=k)
    report = run_risk(request).report
    l_values = [item.distinct_l for item in report.sensitive]
    measured = Measured(
        records=out.height,
        k=report.k,
        small_cells=report.small_cells.classes,
        suppressed=source - out.height,
        source_records=source,
        l_diversity=min(l_values) if l_values else None,
    )
    return Deidentified(out, measured, qi, sensitive, method, report.to_dict())
