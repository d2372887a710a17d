"""The full-domain generalization lattice: every vector of one level per attribute.

Node ``v`` precedes node ``w`` (``v <= w``) when every level of ``v`` is at most the
corresponding level of ``w``; ``w`` is then a generalization of ``v``. Nodes are numbered
in mixed radix (the last attribute varies fastest), so a node's index is computed from
its levels and an immediate successor is one stride away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from steward.deid.errors import DeidError

MAX_NODES = 5_000_000

IntMatrix = npt.NDArray[np.int16]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Lattice:
    """All level vectors for attributes with the given numbers of levels.

    Attributes:
        heights: how many levels each attribute has (level 0 included).
        levels: one row per node, its level for each attribute.
        strides: the index step that raises one attribute by one level.
    """

    heights: tuple[int, ...]
    levels: IntMatrix = field(repr=False)
    strides: tuple[int, ...]
    at_least: tuple[tuple[BoolArray, ...], ...] = field(repr=False, default=())
    """``at_least[q][l]``: a mask of the nodes whose level of attribute q is >= l."""

    @classmethod
    def of(cls, heights: Sequence[int]) -> Lattice:
        """The lattice for attributes with ``heights`` levels each.

        Raises:
            DeidError: an attribute has no level, or the lattice is too large to hold.
        """
        if not heights or any(h < 1 for h in heights):
            raise DeidError("every quasi-identifier needs at least one level")
        size = int(np.prod([int(h) for h in heights], dtype=object))
        if size > MAX_NODES:
            raise DeidError(
                f"the lattice has {size} nodes, more than {MAX_NODES}; use fewer "
                "quasi-identifiers or shallower hierarchies"
            )
        grids = np.indices(tuple(heights), dtype=np.int16)
        levels = grids.reshape(len(heights), -1).T.copy()
        strides = [1] * len(heights)
        for i in range(len(heights) - 2, -1, -1):
            strides[i] = strides[i + 1] * heights[i + 1]
        at_least = tuple(
            tuple(levels[:, q] >= level for level in range(heights[q])) for q in range(len(heights))
        )
        return cls(tuple(heights), levels, tuple(strides), at_least)

    @property
    def size(self) -> int:
        """How many nodes the lattice holds."""
        return int(self.levels.shape[0])

    @property
    def top(self) -> int:
        """The index of the most general node."""
        return self.size - 1

    def index(self, node: Sequence[int]) -> int:
        """The index of the node with these levels."""
        return int(
            sum(int(level) * stride for level, stride in zip(node, self.strides, strict=True))
        )

    def node(self, index: int) -> tuple[int, ...]:
        """The levels of the node at ``index``."""
        return tuple(int(x) for x in self.levels[index])

    def heights_of_nodes(self) -> npt.NDArray[np.int64]:
        """The sum of levels of every node (its height in the lattice)."""
        result: npt.NDArray[np.int64] = self.levels.sum(axis=1, dtype=np.int64)
        return result

    def successors(self, index: int) -> list[int]:
        """The immediate generalizations of a node (one attribute one level up)."""
        row = self.levels[index]
        return [
            index + stride
            for q, stride in enumerate(self.strides)
            if int(row[q]) < self.heights[q] - 1
        ]

    def predecessors(self, index: int) -> list[int]:
        """The immediate specializations of a node (one attribute one level down)."""
        row = self.levels[index]
        return [index - stride for q, stride in enumerate(self.strides) if int(row[q]) > 0]

    def above(self, index: int) -> BoolArray:
        """A mask of every node that generalizes ``index`` (itself included)."""
        row = self.levels[index]
        mask = np.ones(self.size, dtype=np.bool_)
        for q, level in enumerate(row.tolist()):
            if level:
                mask &= self.at_least[q][level]
        return mask

    def below(self, index: int) -> BoolArray:
        """A mask of every node that ``index`` generalizes (itself included)."""
        row = self.levels[index]
        mask = np.ones(self.size, dtype=np.bool_)
        for q, level in enumerate(row.tolist()):
            if level + 1 < self.heights[q]:
                mask &= ~self.at_least[q][level + 1]
        return mask
