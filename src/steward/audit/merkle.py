"""The RFC 6962 Merkle tree hash over the log's entries (RFC 9162 section 2.1.1).

A leaf hash is ``SHA-256(0x00 || data)`` and an interior node is
``SHA-256(0x01 || left || right)``. A tree of ``n > 1`` leaves splits at ``k``, the
largest power of two smaller than ``n``: the left subtree holds the first ``k``
leaves and the right subtree the rest. The hash of the empty tree is ``SHA-256("")``.

Hashing uses :func:`hashlib.sha256` (OpenSSL's SHA-256 in CPython); nothing here
implements a primitive. ``hashlib`` is used rather than the ``cryptography``
package because verification hashes every entry and about as many interior nodes,
and a ``hashlib`` call costs less than half as much per hash on short inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

HASH_SIZE: Final = 32
"""Bytes in a SHA-256 digest, and so in every leaf, node and root hash."""

# Fresh SHA-256 states, copied for each hash (copying is cheaper than constructing);
# the leaf and node states have already absorbed their RFC 6962 prefix byte. Never
# update these states themselves: only their copies.
EMPTY_STATE: Final = hashlib.sha256()
LEAF_STATE: Final = hashlib.sha256(b"\x00")
NODE_STATE: Final = hashlib.sha256(b"\x01")


def sha256(*parts: bytes) -> bytes:
    """SHA-256 of the concatenation of ``parts``."""
    digest = EMPTY_STATE.copy()
    for part in parts:
        digest.update(part)
    return digest.digest()


EMPTY_ROOT: Final = sha256(b"")
"""The root hash of a tree with no leaves."""


def leaf_hash(data: bytes) -> bytes:
    """The RFC 6962 hash of one leaf: ``SHA-256(0x00 || data)``."""
    digest = LEAF_STATE.copy()
    digest.update(data)
    return digest.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 6962 hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    digest = NODE_STATE.copy()
    digest.update(left)
    digest.update(right)
    return digest.digest()


def split_point(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (which must be at least 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a tree whose leaves have the given hashes, in order."""
    accumulator = RootAccumulator()
    for leaf in leaf_hashes:
        accumulator.append(leaf)
    return accumulator.root()


def subtree_hash(leaf_hashes: Sequence[bytes], start: int, stop: int) -> bytes:
    """The Merkle tree hash of the leaves ``leaf_hashes[start:stop]`` (``start < stop``)."""
    return root_hash(leaf_hashes[start:stop])


class RootAccumulator:
    """The root of a growing tree, kept in O(log n) memory as it streams leaf hashes.

    It holds the roots of the perfect subtrees that make up the tree so far (its
    "compact range"), largest first. The tree's root folds them from right to left,
    which is exactly the RFC 6962 split applied recursively.
    """

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        """An empty tree, or the tree of ``size`` leaves whose compact range is ``peaks``.

        Raises:
            ValueError: ``peaks`` does not have one hash per 1 bit of ``size``.
        """
        if len(peaks) != size.bit_count() or size < 0:
            raise ValueError("a tree of this size has one peak per 1 bit of its size")
        self._size = size
        self._peaks: list[bytes] = list(peaks)

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    @property
    def peaks(self) -> tuple[bytes, ...]:
        """The roots of the perfect subtrees that make up the tree, largest first."""
        return tuple(self._peaks)

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash (already hashed with :func:`leaf_hash`)."""
        size = self._size
        self._size = size + 1
        if size & 1:
            # The new leaf completes one perfect subtree per trailing 1 bit of the old size.
            pop, new_node = self._peaks.pop, NODE_STATE.copy
            while size & 1:
                node = new_node()
                node.update(pop())
                node.update(leaf)
                leaf = node.digest()
                size >>= 1
        self._peaks.append(leaf)

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append each leaf hash in ``leaves`` in order."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """The root hash of the tree of every leaf appended so far."""
        return fold_peaks(self._peaks)


def fold_peaks(peaks: Sequence[bytes]) -> bytes:
    """The root of a tree given the roots of its perfect subtrees, largest first."""
    if not peaks:
        return EMPTY_ROOT
    node = peaks[-1]
    for index in range(len(peaks) - 2, -1, -1):
        node = node_hash(peaks[index], node)
    return node
