"""Benchmark: the cost of encrypting a delivery package, against plain AES-256-GCM.

Run: .venv/bin/python benchmarks/bench_delivery.py [--sizes 1,50] [--repeat R]

For each payload size (MB), the baseline encrypts the same bytes once with one
``AESGCM`` object, a random nonce and no associated data: the least any authenticated
encryption of the payload costs. ``pack_for_key`` adds an X25519 key agreement and
HKDF (HPKE) and the header; ``pack_with_passphrase`` adds the header and one Argon2id
derivation, whose cost does not depend on the payload. That fixed cost is measured
separately (at Steward's default: 64 MiB, 3 passes, 4 lanes) and also subtracted, so
the ratio of the bulk encryption itself is shown too. Opening is measured the same
way. Figures are medians over ``--repeat`` runs measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds

from steward.crypto import open_package, pack_for_key, pack_with_passphrase
from steward.crypto.sealed import Argon2Parameters, derive_key

MB = 1024 * 1024
PASSPHRASE = "k7qf-2mxa-9dpt-wq3e-hh5n-zr8c-b1vy"
CHEAPEST = Argon2Parameters(memory_kib=8, iterations=1, lanes=1)
"""Argon2id at its least cost: isolates the bulk encryption of a passphrase package."""


def main() -> None:
    """Print the fixed costs, then per size the seconds and ratio to plain AES-GCM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,50", help="payload sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    key = X25519PrivateKey.generate()
    params = Argon2Parameters()
    argon = median_seconds(lambda: derive_key(PASSPHRASE, os.urandom(16), params), args.repeat)
    empty = median_seconds(
        lambda: pack_for_key(b"", key.public_key(), context="bench"), args.repeat * 20
    )
    print(
        f"fixed cost per package: Argon2id ({params.memory_kib // 1024} MiB, "
        f"{params.iterations} passes, {params.lanes} lanes) {argon * 1000:.0f} ms; "
        f"HPKE (X25519 + HKDF, empty payload) {empty * 1000:.2f} ms"
    )
    print(f"{'size':>6} {'operation':<36} {'seconds':>9} {'x AES-GCM':>10} {'MB/s':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        _one_size(size, key, args.repeat)


def _one_size(size: int, key: X25519PrivateKey, repeat: int) -> None:
    payload = os.urandom(size * MB)
    aes = AESGCM(AESGCM.generate_key(bit_length=256))
    to_key = pack_for_key(payload, key.public_key(), context="bench")
    with_phrase = pack_with_passphrase(payload, PASSPHRASE, context="bench")
    base = median_seconds(lambda: aes.encrypt(os.urandom(12), payload, None), repeat)
    rows = [
        ("AES-256-GCM (baseline)", base),
        (
            "pack_for_key",
            median_seconds(lambda: pack_for_key(payload, key.public_key(), context="b"), repeat),
        ),
        (
            "open_package (key)",
            median_seconds(lambda: open_package(to_key, private_key=key), repeat),
        ),
        (
            "pack_with_passphrase",
            median_seconds(lambda: pack_with_passphrase(payload, PASSPHRASE, context="b"), repeat),
        ),
        (
            "pack_with_passphrase, Argon2id aside",
            median_seconds(
                lambda: pack_with_passphrase(payload, PASSPHRASE, context="b", parameters=CHEAPEST),
                repeat,
            ),
        ),
        (
            "open_package (passphrase)",
            median_seconds(lambda: open_package(with_phrase, passphrase=PASSPHRASE), repeat),
        ),
    ]
    for name, seconds in rows:
        print(
            f"{size:>4}MB {name:<36} {seconds:>9.4f} {seconds / base:>10.2f} {size / seconds:>8.0f}"
        )


if __name__ == "__main__":
    main()
