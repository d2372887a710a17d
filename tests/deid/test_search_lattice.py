"""Tests for the generalization lattice."""

from __future__ import annotations

import numpy as np
import pytest

from steward.deid.errors import DeidError
from steward.deid.search.lattice import Lattice


def test_lattice_enumerates_every_level_vector() -> None:
    lattice = Lattice.of([3, 2, 4])
    assert lattice.size == 24
    rows = {tuple(int(x) for x in row) for row in lattice.levels}
    assert len(rows) == 24
    for index in range(lattice.size):
        assert lattice.index(lattice.node(index)) == index
    assert lattice.node(lattice.top) == (2, 1, 3)


def test_neighbours_differ_by_one_level() -> None:
    lattice = Lattice.of([3, 2, 4])
    index = lattice.index((1, 0, 2))
    assert sorted(lattice.node(i) for i in lattice.successors(index)) == [
        (1, 0, 3),
        (1, 1, 2),
        (2, 0, 2),
    ]
    assert sorted(lattice.node(i) for i in lattice.predecessors(index)) == [(0, 0, 2), (1, 0, 1)]


def test_above_and_below_are_the_order_cones() -> None:
    lattice = Lattice.of([3, 2, 4])
    index = lattice.index((1, 0, 2))
    above = {lattice.node(int(i)) for i in np.flatnonzero(lattice.above(index))}
    below = {lattice.node(int(i)) for i in np.flatnonzero(lattice.below(index))}
    nodes = [lattice.node(i) for i in range(lattice.size)]
    assert above == {n for n in nodes if all(a >= b for a, b in zip(n, (1, 0, 2), strict=True))}
    assert below == {n for n in nodes if all(a <= b for a, b in zip(n, (1, 0, 2), strict=True))}


def test_empty_and_huge_lattices_are_refused() -> None:
    with pytest.raises(DeidError):
        Lattice.of([])
    with pytest.raises(DeidError, match="nodes"):
        Lattice.of([10] * 8)
