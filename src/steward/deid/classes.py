"""Equivalence classes: the engine-neutral summary every risk metric and search works on.

An engine (Polars, later Spark) reads the records and aggregates them into a
:class:`ClassTable`: one row per distinct combination of quasi-identifier values, with
how many records share it and, for each sensitive attribute, how those records' values
are distributed. Everything computed from a ``ClassTable`` is plain NumPy, so it runs the
same whatever engine produced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class SensitiveCounts:
    """How one sensitive attribute's values are spread over the classes (long format).

    Row ``i`` says: class ``class_index[i]`` holds ``counts[i]`` records whose value is
    ``values[i]``. Classes without records of a value have no row for it.
    """

    class_index: Int64Array
    values: ObjectArray
    counts: Int64Array


@dataclass(frozen=True)
class ClassTable:
    """The equivalence classes of a table over its quasi-identifiers.

    Attributes:
        qi: the quasi-identifier columns, in order.
        sizes: how many records each class holds (all at least 1).
        values: for each quasi-identifier, the value of each class (``None`` for a null).
        sensitive: for each sensitive column, the distribution of its values per class.
    """

    qi: tuple[str, ...]
    sizes: Int64Array
    values: Mapping[str, ObjectArray] = field(default_factory=dict)
    sensitive: Mapping[str, SensitiveCounts] = field(default_factory=dict)

    @property
    def records(self) -> int:
        """How many records the table holds."""
        return int(self.sizes.sum())

    @property
    def classes(self) -> int:
        """How many distinct quasi-identifier combinations occur."""
        return int(self.sizes.size)
