"""Benchmark: field encryption and decryption against raw AES-256-GCM on the same values.

Run: .venv/bin/python benchmarks/bench_field_crypto.py [--values N] [--rounds R]
     [--store memory|sqlite]

The baseline encrypts the same values with one AESGCM object and a random nonce and
no associated data: the least any authenticated encryption of these values costs.
Steward adds the versioned header, the associated data binding each value to its
dataset, record and field, and the per-subject key look-up (in memory, or in the SQLite
subject key store a server uses, where each use also checks the store's key state).
Ratios are medians over rounds measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.crypto import (
    FileKeyProvider,
    KeyRing,
    MemorySubjectKeyStore,
    SqliteSubjectKeyStore,
    SubjectKeyStore,
)

FIELDS_PER_RECORD = 8


def main() -> None:
    """Print throughput and the ratio to raw AESGCM for encryption and decryption."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--values", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--subjects", type=int, default=500)
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    args = parser.parse_args()

    values = [f"Resident {i:06d}, 12 Elm Street".encode() for i in range(args.values)]
    places = [(f"s{i % args.subjects}", f"r{i}") for i in range(args.values)]
    with tempfile.TemporaryDirectory() as folder:
        store: SubjectKeyStore = (
            SqliteSubjectKeyStore(Path(folder) / "subject-keys.sqlite3")
            if args.store == "sqlite"
            else MemorySubjectKeyStore()
        )
        keyring = KeyRing(FileKeyProvider.create(Path(folder) / "kek.json"), store)
        for subject, _ in places[: args.subjects]:
            keyring.encrypt(subject, b"warm", dataset="d", record="warm", field="f")
        raw = AESGCM(AESGCM.generate_key(bit_length=256))

        def raw_encrypt() -> list[tuple[bytes, bytes]]:
            out = []
            for value in values:
                nonce = os.urandom(12)
                out.append((nonce, raw.encrypt(nonce, value, None)))
            return out

        raw_sealed = raw_encrypt()

        def raw_decrypt() -> None:
            for nonce, sealed in raw_sealed:
                raw.decrypt(nonce, sealed, None)

        fields = [f"field_{n}" for n in range(FIELDS_PER_RECORD)]
        records = [
            (
                places[i][0],
                f"r{i}",
                dict(zip(fields, values[i : i + FIELDS_PER_RECORD], strict=True)),
            )
            for i in range(0, args.values - FIELDS_PER_RECORD + 1, FIELDS_PER_RECORD)
        ]

        def steward_encrypt() -> list[dict[str, bytes]]:
            return [
                keyring.encrypt_record(subject, fields_, dataset="service_request", record=record)
                for subject, record, fields_ in records
            ]

        sealed = steward_encrypt()

        def steward_decrypt() -> None:
            for (_, record, _), ciphertexts in zip(records, sealed, strict=True):
                keyring.decrypt_record(ciphertexts, dataset="service_request", record=record)

        def single_encrypt() -> list[bytes]:
            return [
                keyring.encrypt(subject, value, dataset="service_request", record=rec, field="f")
                for value, (subject, rec) in zip(values, places, strict=True)
            ]

        singles = single_encrypt()

        def single_decrypt() -> None:
            for ciphertext, (_, rec) in zip(singles, places, strict=True):
                keyring.decrypt(ciphertext, dataset="service_request", record=rec, field="f")

        pairs = {
            "encrypt, whole records": (raw_encrypt, steward_encrypt),
            "decrypt, whole records": (raw_decrypt, steward_decrypt),
            "encrypt, one field a call": (raw_encrypt, single_encrypt),
            "decrypt, one field a call": (raw_decrypt, single_decrypt),
        }
        print(
            f"{args.values} values of ~30 bytes, {args.subjects} subjects, {args.rounds} rounds, "
            f"{args.store} key store"
        )
        print(f"{'operation':30} {'raw values/s':>14} {'steward values/s':>18} {'ratio':>7}")
        for name, (baseline, measured) in pairs.items():
            ratios, raw_rates, our_rates = [], [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                baseline()
                middle = time.perf_counter()
                measured()
                end = time.perf_counter()
                ratios.append((end - middle) / (middle - start))
                raw_rates.append(args.values / (middle - start))
                our_rates.append(args.values / (end - middle))
            print(
                f"{name:30} {statistics.median(raw_rates):14,.0f} "
                f"{statistics.median(our_rates):18,.0f} {statistics.median(ratios):7.2f}"
            )


if __name__ == "__main__":
    main()
