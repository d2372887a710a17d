"""RFC 6962 tree hashes against the published known answers.

The leaves and roots below are the test vectors of transparency-dev/merkle,
``proof/verify_test.go`` (``leaves`` and ``roots``; the same vectors appear in
certificate-transparency-go ``merkle/log_verifier_test.go``). The single hash
vectors are from transparency-dev/merkle ``rfc6962/rfc6962_test.go``.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.audit.merkle import (
    EMPTY_ROOT,
    RootAccumulator,
    leaf_hash,
    node_hash,
    root_hash,
    split_point,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]


def test_empty_tree_hash() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_hash([]) == EMPTY_ROOT


def test_leaf_and_node_hash_known_answers() -> None:
    assert (
        leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert (
        leaf_hash(b"L123456").hex()
        == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert (
        node_hash(b"N123", b"N456").hex()
        == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_for_sizes_1_to_8(size: int) -> None:
    hashes = [leaf_hash(leaf) for leaf in LEAVES[:size]]
    assert root_hash(hashes) == ROOTS[size - 1]


def test_the_accumulator_passes_through_every_known_root() -> None:
    accumulator = RootAccumulator()
    for size, leaf in enumerate(LEAVES, start=1):
        accumulator.append(leaf_hash(leaf))
        assert accumulator.size == size
        assert accumulator.root() == ROOTS[size - 1]


@pytest.mark.parametrize(
    ("size", "split"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1025, 1024)]
)
def test_split_is_the_largest_power_of_two_below_the_size(size: int, split: int) -> None:
    assert split_point(size) == split


def _reference_root(hashes: list[bytes]) -> bytes:
    """RFC 6962 section 2.1 MTH, written out recursively with hashlib as an independent check."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(
        b"\x01" + _reference_root(hashes[:k]) + _reference_root(hashes[k:])
    ).digest()


@given(st.lists(st.binary(max_size=8), max_size=70))
def test_streaming_root_equals_the_recursive_definition(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    assert all(
        h == hashlib.sha256(b"\x00" + leaf).digest() for h, leaf in zip(hashes, leaves, strict=True)
    )
    assert root_hash(hashes) == _reference_root(hashes)


def test_a_leaf_is_not_confused_with_a_node() -> None:
    left, right = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(left, right) != leaf_hash(left + right)
    assert node_hash(left, right) != node_hash(right, left)
