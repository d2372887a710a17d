"""Write the chosen generalization back into a table, record by record.

A :class:`Recoding` is what the search decided, in a form any engine can carry out
without the search's tables: for each quasi-identifier, its hierarchy's leaves, each
leaf's label at the chosen level and its class code there, and the (few) classes that
are suppressed. :meth:`Recoding.apply` is a Polars query over any table holding the
quasi-identifiers: a lazy scan streamed to a file, a table in memory, or one batch of a
Spark partition; so every engine writes the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from steward.deid.search.groups import BoolArray, Groups, IntArray
from steward.deid.search.hierarchies import MISSING, CodedHierarchy

SUPPRESSED: Final = "*"
"""What every quasi-identifier of a suppressed record reads."""
KEY_LIMIT: Final = 1 << 62
LEAF: Final = "__steward_leaf_"
HIDDEN: Final = "__steward_suppressed"


@dataclass(frozen=True)
class Recoding:
    """The generalization to write: see the module docstring.

    The per-leaf tables are Polars series, made once: a query over a hierarchy of
    100,000 values then costs no conversion from Python each time it is built.

    Attributes:
        qi: the quasi-identifiers, in order.
        leaves: per quasi-identifier, its hierarchy's leaves as an enum (a value's leaf
            is its text; a null is the empty leaf).
        labels: per quasi-identifier, each leaf's label at the chosen level (text; null
            for the empty label: a missing value stays missing).
        classes: per quasi-identifier, each leaf's class code at the chosen level.
        radices: per quasi-identifier, how many class codes its level has.
        suppressed: the suppressed classes, one row per class of class codes (a column
            per quasi-identifier).
    """

    qi: tuple[str, ...]
    leaves: tuple[pl.Enum, ...]
    labels: tuple[pl.Series, ...]
    classes: tuple[pl.Series, ...]
    radices: tuple[int, ...]
    suppressed: tuple[IntArray, ...]

    @property
    def suppresses(self) -> bool:
        """Whether any class is suppressed."""
        return bool(self.suppressed and self.suppressed[0].size)

    def apply(self, table: pl.LazyFrame) -> pl.LazyFrame:
        """``table`` with each quasi-identifier replaced by its label (text), and every
        quasi-identifier of a record in a suppressed class replaced by ``*``.

        Every value must be a leaf of its hierarchy (as :func:`~.encode.encode` checked
        when the tuples were coded); other columns and the row order are unchanged.
        """
        leaf_names = [f"{LEAF}{i}" for i in range(len(self.qi))]
        coded = table.with_columns(
            self._leaf(column, leaves).alias(name)
            for column, leaves, name in zip(self.qi, self.leaves, leaf_names, strict=True)
        )
        codes = [pl.col(name) for name in leaf_names]
        labelled = [
            pl.lit(labels).gather(code) for labels, code in zip(self.labels, codes, strict=True)
        ]
        if self.suppresses:
            coded = coded.with_columns(self._suppressed(codes).alias(HIDDEN))
            labelled = [
                pl.when(pl.col(HIDDEN)).then(pl.lit(SUPPRESSED)).otherwise(label)
                for label in labelled
            ]
            leaf_names.append(HIDDEN)
        generalized = coded.with_columns(
            label.alias(column) for label, column in zip(labelled, self.qi, strict=True)
        )
        return generalized.drop(leaf_names)

    @staticmethod
    def _leaf(column: str, leaves: pl.Enum) -> pl.Expr:
        text = pl.col(column).cast(pl.String).fill_null(MISSING)
        return text.cast(leaves, strict=False).to_physical()

    def _suppressed(self, leaf_codes: Sequence[pl.Expr]) -> pl.Expr:
        """Whether a record's class is suppressed: its class codes, combined into one
        number (or text, when the numbers would overflow), are among the suppressed."""
        classes = [
            pl.lit(codes).gather(leaf) for codes, leaf in zip(self.classes, leaf_codes, strict=True)
        ]
        if math.prod(self.radices) < KEY_LIMIT:
            key: pl.Expr = pl.lit(0, dtype=pl.Int64)
            wanted = np.zeros(self.suppressed[0].size, dtype=np.int64)
            for code, radix, chosen in zip(classes, self.radices, self.suppressed, strict=True):
                key = key * radix + code
                wanted = wanted * radix + chosen
            return key.is_in(pl.Series(wanted, dtype=pl.Int64).implode())
        text = pl.concat_str([code.cast(pl.String) for code in classes], separator=",")
        names = [
            ",".join(map(str, row))
            for row in zip(*(c.tolist() for c in self.suppressed), strict=True)
        ]
        return text.is_in(pl.Series(names, dtype=pl.String).implode())


def recoding(
    qi: Sequence[str],
    hierarchies: Sequence[CodedHierarchy],
    node: Sequence[int],
    classes: Groups,
    fail: BoolArray,
) -> Recoding:
    """The :class:`Recoding` of ``node``, given its ``classes`` (rolled up from the
    tuples) and the mask ``fail`` of those suppressed."""
    suppressed = tuple(
        hierarchy.maps[level][codes[fail]]
        for hierarchy, level, codes in zip(hierarchies, node, classes.codes, strict=True)
    )
    levels = list(zip(hierarchies, node, strict=True))
    return Recoding(
        qi=tuple(qi),
        leaves=tuple(h.leaf_enum for h in hierarchies),
        labels=tuple(_labels(h, level) for h, level in levels),
        classes=tuple(pl.Series(h.maps[level], dtype=pl.Int64) for h, level in levels),
        radices=tuple(len(h.labels[level]) for h, level in levels),
        suppressed=suppressed,
    )


def _labels(hierarchy: CodedHierarchy, level: int) -> pl.Series:
    """Each leaf's label at ``level``, the empty label as null."""
    distinct = pl.Series(hierarchy.labels[level], dtype=pl.String)
    named = pl.when(distinct == MISSING).then(None).otherwise(distinct)
    return pl.select(named).to_series().gather(hierarchy.maps[level])
