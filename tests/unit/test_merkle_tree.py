"""RFC 6962 Merkle tree hashes and inclusion proofs."""

from __future__ import annotations

import hashlib

import pytest

from deconflict.domain.merkle import inclusion_proof, merkle_root, verify_inclusion


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 6962 §2.1."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


LEAVES = [f"entry-{i}".encode() for i in range(17)]


@pytest.mark.parametrize("size", range(0, 18))
def test_root_matches_the_rfc_definition(size: int) -> None:
    assert merkle_root(LEAVES[:size]) == reference_root(LEAVES[:size])


@pytest.mark.parametrize("size", range(1, 18))
def test_every_leaf_proves_its_inclusion_and_nothing_else_does(size: int) -> None:
    leaves = LEAVES[:size]
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(leaf, index, size, proof, root)
        assert not verify_inclusion(b"forged", index, size, proof, root)
        if size > 1:
            assert not verify_inclusion(leaf, (index + 1) % size, size, proof, root)


def test_known_empty_and_single_leaf_hashes() -> None:
    assert merkle_root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle_root([b""]).hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
