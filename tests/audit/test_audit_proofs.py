"""Inclusion and consistency proofs: published vectors, corruptions and properties.

The proof vectors are from transparency-dev/merkle ``proof/verify_test.go``
(``inclusionProofs`` and ``consistencyProofs``; the leaf numbers there are 1-based,
here they are converted to 0-based indices). They match those of
certificate-transparency-go ``merkle/log_verifier_test.go``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.audit.errors import ProofError, ProofVerificationError
from steward.audit.merkle import EMPTY_ROOT, leaf_hash, root_hash
from steward.audit.proofs import (
    consistency_path,
    inclusion_path,
    root_from_inclusion_path,
    verify_consistency,
    verify_inclusion,
)
from tests.audit.test_audit_merkle import LEAVES, ROOTS

H = bytes.fromhex
SOME_HASH = H("abacaba000000000000000000000000000000000000000000060061e00123456")
LEAF_HASHES = [leaf_hash(leaf) for leaf in LEAVES]

# (0-based leaf index, tree size, audit path)
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, consistency path)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]


def _fails(check: Callable[[], None]) -> bool:
    try:
        check()
    except ProofVerificationError:
        return True
    return False


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION_VECTORS)
def test_inclusion_vectors_are_generated_and_verify(
    index: int, size: int, path: list[bytes]
) -> None:
    assert inclusion_path(LEAF_HASHES, index, size) == path
    root = ROOTS[size - 1]
    assert root_from_inclusion_path(index, size, LEAF_HASHES[index], path) == root
    verify_inclusion(index, size, LEAF_HASHES[index], path, root)


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION_VECTORS[1:])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[bytes]) -> None:
    root, leaf = ROOTS[size - 1], LEAF_HASHES[index]
    probes: list[tuple[int, int, bytes, list[bytes], bytes]] = [
        (index - 1, size, leaf, path, root),
        (index + 1, size, leaf, path, root),
        (index ^ 2, size, leaf, path, root),
        (index, size * 2, leaf, path, root),
        (index, size // 2, leaf, path, root),
        (index, size, leaf_hash(b"WrongLeaf"), path, root),
        (index, size, leaf, path, EMPTY_ROOT),
        (index, size, leaf, path, SOME_HASH),
        (index, size, leaf, [*path, b""], root),
        (index, size, leaf, [*path, root], root),
        (index, size, leaf, [b"", *path], root),
        (index, size, leaf, [root, *path], root),
        (index, size, leaf, path[:-1], root),
    ]
    for position in range(len(path)):
        flipped = list(path)
        flipped[position] = bytes([flipped[position][0] ^ 8]) + flipped[position][1:]
        probes.append((index, size, leaf, flipped, root))
    if len(path) > 1:
        probes.append((index, size, leaf, [path[0], SOME_HASH, *path[1:]], root))
    for probe in probes:
        assert _fails(lambda p=probe: verify_inclusion(*p)), probe[:2]  # type: ignore[misc]


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 4)])
def test_inclusion_needs_a_leaf_inside_the_tree(index: int, size: int) -> None:
    with pytest.raises(ProofVerificationError):
        verify_inclusion(index, size, SOME_HASH, [], EMPTY_ROOT)


def test_single_leaf_tree_needs_an_empty_path_and_the_leaf_as_root() -> None:
    leaf = leaf_hash(b"data")
    verify_inclusion(0, 1, leaf, [], leaf)
    assert _fails(lambda: verify_inclusion(0, 1, leaf, [], SOME_HASH))
    assert _fails(lambda: verify_inclusion(0, 1, b"", [], b""))


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY_VECTORS)
def test_consistency_vectors_are_generated_and_verify(
    old: int, new: int, path: list[bytes]
) -> None:
    assert consistency_path(LEAF_HASHES, old, new) == path
    verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], path)


@pytest.mark.parametrize(("old", "new", "path"), [v for v in CONSISTENCY_VECTORS if v[2]])
def test_corrupted_consistency_proofs_fail(old: int, new: int, path: list[bytes]) -> None:
    root1, root2 = ROOTS[old - 1], ROOTS[new - 1]
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (old - 1, new, root1, root2, path),
        (old + 1, new, root1, root2, path),
        (old ^ 2, new, root1, root2, path),
        (old, new * 2, root1, root2, path),
        (old, new // 2, root1, root2, path),
        (old, new, b"WrongRoot", root2, path),
        (old, new, root1, b"WrongRoot", path),
        (old, new, root2, root1, path),
        (old, new, root1, root2, []),
        (old, new, root1, root2, [*path, b""]),
        (old, new, root1, root2, [*path, root1]),
        (old, new, root1, root2, [*path, root2]),
        (old, new, root1, root2, [b"", *path]),
        (old, new, root1, root2, [root1, *path]),
        (old, new, root1, root2, [root2, *path]),
        (old, new, root1, root2, [path[0], *path]),
        (old, new, root1, root2, path[:-1]),
    ]
    for position in range(len(path)):
        flipped = list(path)
        flipped[position] = bytes([flipped[position][0] ^ 16]) + flipped[position][1:]
        probes.append((old, new, root1, root2, flipped))
    for probe in probes:
        assert _fails(lambda p=probe: verify_consistency(*p)), probe[:2]  # type: ignore[misc]


ROOT_A, ROOT_B = b"don't care 1", b"don't care 2"


@pytest.mark.parametrize(
    ("old", "new", "root1", "root2", "path", "valid"),
    [
        (0, 0, ROOT_A, ROOT_B, [], False),
        (1, 1, ROOT_A, ROOT_B, [], False),
        (0, 0, ROOT_A, ROOT_A, [], True),
        (0, 1, ROOT_A, ROOT_B, [], True),
        (1, 1, ROOT_B, ROOT_B, [], True),
        (1, 0, ROOT_A, ROOT_B, [], False),
        (2, 1, ROOT_A, ROOT_B, [], False),
        (1, 2, ROOT_A, ROOT_B, [], False),
        (0, 0, EMPTY_ROOT, ROOT_B, [], False),
        (1, 1, EMPTY_ROOT, ROOT_B, [], False),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    ],
)
def test_consistency_edge_cases(
    old: int, new: int, root1: bytes, root2: bytes, path: list[bytes], valid: bool
) -> None:
    # The edge cases of TestVerifyConsistency in transparency-dev/merkle proof/verify_test.go.
    assert _fails(lambda: verify_consistency(old, new, root1, root2, path)) is not valid


def test_asking_for_impossible_proofs_is_a_proof_error() -> None:
    with pytest.raises(ProofError):
        inclusion_path(LEAF_HASHES, 8, 8)
    with pytest.raises(ProofError):
        inclusion_path(LEAF_HASHES, 0, 9)
    with pytest.raises(ProofError):
        consistency_path(LEAF_HASHES, 5, 4)
    with pytest.raises(ProofError):
        consistency_path(LEAF_HASHES, 1, 9)


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[list[bytes], int, int]:
    size = draw(st.integers(1, 130))
    hashes = [leaf_hash(number.to_bytes(4, "big")) for number in range(size)]
    tree_size = draw(st.integers(1, size))
    return hashes, draw(st.integers(0, tree_size - 1)), tree_size


@settings(max_examples=150)
@given(tree_and_index(), st.data())
def test_every_inclusion_proof_verifies_and_tampering_fails(
    case: tuple[list[bytes], int, int], data: st.DataObject
) -> None:
    hashes, index, size = case
    root = root_hash(hashes[:size])
    path = inclusion_path(hashes, index, size)
    verify_inclusion(index, size, hashes[index], path, root)
    assert _fails(lambda: verify_inclusion(index, size, leaf_hash(b"other"), path, root))
    if path:
        position = data.draw(st.integers(0, len(path) - 1))
        bit = data.draw(st.integers(0, 255))
        tampered = list(path)
        damaged = bytearray(tampered[position])
        damaged[bit // 8] ^= 1 << (bit % 8)
        tampered[position] = bytes(damaged)
        assert _fails(lambda: verify_inclusion(index, size, hashes[index], tampered, root))
        assert _fails(lambda: verify_inclusion(index, size, hashes[index], path[:-1], root))


@settings(max_examples=150)
@given(st.integers(0, 130), st.data())
def test_every_consistency_proof_between_sizes_verifies(new: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(0, new))
    hashes = [leaf_hash(number.to_bytes(4, "big")) for number in range(new)]
    old_root, new_root = root_hash(hashes[:old]), root_hash(hashes)
    path = consistency_path(hashes, old, new)
    verify_consistency(old, new, old_root, new_root, path)
    if 0 < old < new:
        assert _fails(lambda: verify_consistency(old, new, SOME_HASH, new_root, path))
        assert _fails(lambda: verify_consistency(old, new, old_root, SOME_HASH, path))
        changed = [*hashes[: old - 1], leaf_hash(b"changed"), *hashes[old:]]
        assert _fails(lambda: verify_consistency(old, new, old_root, root_hash(changed), path))
