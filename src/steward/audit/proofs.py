"""Merkle inclusion and consistency proofs: building them (RFC 6962 section 2.1.1-2.1.2)
and checking them (RFC 9162 sections 2.1.3.2 and 2.1.4.2).

An *inclusion proof* (audit path) shows that one leaf is in a tree of a given size
with a given root. A *consistency proof* shows that the tree of ``old_size`` leaves
is a prefix of the tree of ``new_size`` leaves: nothing recorded before was changed,
removed or reordered, only appended to.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from steward.audit.errors import ProofError, ProofVerificationError
from steward.audit.merkle import HASH_SIZE, node_hash, split_point, subtree_hash


def _check_hashes(*values: bytes) -> None:
    for value in values:
        if len(value) != HASH_SIZE:
            raise ProofVerificationError(f"a hash in the proof is not {HASH_SIZE} bytes long")


def inclusion_path(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path for leaf ``index`` in the tree of the first ``size`` leaves.

    Raises:
        ProofError: ``index`` is not below ``size``, or ``size`` exceeds the leaves given.
    """
    if not 0 <= index < size <= len(leaf_hashes):
        raise ProofError(f"no leaf {index} in a tree of {size} (the log holds {len(leaf_hashes)})")
    return _path(leaf_hashes, index, 0, size)


def _path(leaves: Sequence[bytes], index: int, start: int, stop: int) -> list[bytes]:
    if stop - start == 1:
        return []
    middle = start + split_point(stop - start)
    if index < middle - start:
        return [*_path(leaves, index, start, middle), subtree_hash(leaves, middle, stop)]
    return [
        *_path(leaves, index - (middle - start), middle, stop),
        subtree_hash(leaves, start, middle),
    ]


def consistency_path(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """The consistency proof from the tree of ``old_size`` leaves to that of ``new_size``.

    The proof is empty when ``old_size`` is 0 or equals ``new_size``.

    Raises:
        ProofError: ``old_size`` exceeds ``new_size``, or ``new_size`` exceeds the leaves given.
    """
    if not 0 <= old_size <= new_size <= len(leaf_hashes):
        raise ProofError(
            f"cannot prove tree size {old_size} grew into {new_size} "
            f"(the log holds {len(leaf_hashes)})"
        )
    if old_size in (0, new_size):
        return []
    return _subproof(leaf_hashes, old_size, 0, new_size, True)


def _subproof(leaves: Sequence[bytes], m: int, start: int, stop: int, whole: bool) -> list[bytes]:
    n = stop - start
    if m == n:
        return [] if whole else [subtree_hash(leaves, start, stop)]
    k = split_point(n)
    if m <= k:
        return [
            *_subproof(leaves, m, start, start + k, whole),
            subtree_hash(leaves, start + k, stop),
        ]
    return [
        *_subproof(leaves, m - k, start + k, stop, False),
        subtree_hash(leaves, start, start + k),
    ]


def root_from_inclusion_path(
    index: int, size: int, leaf_hash: bytes, path: Sequence[bytes]
) -> bytes:
    """The root that ``path`` leads to from leaf ``index`` of a tree of ``size`` leaves.

    Raises:
        ProofVerificationError: the index is not in the tree, a hash has the wrong
            length, or the path has the wrong number of hashes for this position.
    """
    if not 0 <= index < size:
        raise ProofVerificationError(f"no leaf {index} in a tree of {size}")
    _check_hashes(leaf_hash, *path)
    fn, sn = index, size - 1
    node = leaf_hash
    for sibling in path:
        if sn == 0:
            raise ProofVerificationError("the inclusion proof has too many hashes")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofVerificationError("the inclusion proof has too few hashes")
    return node


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, path: Sequence[bytes], root: bytes
) -> None:
    """Check that the leaf with ``leaf_hash`` is leaf ``index`` of the tree with ``root``.

    Raises:
        ProofVerificationError: the proof is malformed or leads to a different root.
    """
    computed = root_from_inclusion_path(index, size, leaf_hash, path)
    if not hmac.compare_digest(computed, root):
        raise ProofVerificationError(
            f"leaf {index} is not in the tree of size {size} with that root"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> None:
    """Check that the tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    A tree of size 0 is a prefix of every tree; equal sizes need equal roots and an
    empty proof.

    Raises:
        ProofVerificationError: the sizes go backwards, the proof is malformed, or
            it does not lead to both roots.
    """
    if not 0 <= old_size <= new_size:
        raise ProofVerificationError(f"a tree cannot shrink from size {old_size} to {new_size}")
    if old_size == new_size:
        if path or not hmac.compare_digest(old_root, new_root):
            raise ProofVerificationError("trees of the same size must have the same root")
        return
    if old_size == 0:
        if path:
            raise ProofVerificationError("a proof from the empty tree must be empty")
        return
    if not path:
        raise ProofVerificationError("the consistency proof is empty")
    _check_hashes(old_root, new_root, *path)
    hashes = list(path)
    if old_size & (old_size - 1) == 0:
        hashes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_node = new_node = hashes[0]
    for sibling in hashes[1:]:
        if sn == 0:
            raise ProofVerificationError("the consistency proof has too many hashes")
        if fn & 1 or fn == sn:
            old_node = node_hash(sibling, old_node)
            new_node = node_hash(sibling, new_node)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new_node = node_hash(new_node, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofVerificationError("the consistency proof has too few hashes")
    if not (hmac.compare_digest(old_node, old_root) and hmac.compare_digest(new_node, new_root)):
        raise ProofVerificationError(
            f"the tree of size {old_size} is not a prefix of the tree of size {new_size}"
        )
