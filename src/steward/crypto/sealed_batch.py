"""Batches of sealed submissions: JSON Lines in, plaintext JSON Lines out, failures by id."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from steward.crypto.errors import DecryptionError
from steward.crypto.sealed import seal, unseal


@dataclass(frozen=True)
class SealedSubmission:
    """One sealed submission as the server stores it: an id, a dataset and opaque bytes."""

    id: str
    dataset: str
    sealed: bytes

    def to_line(self) -> str:
        """One JSON Lines line."""
        payload = {"id": self.id, "dataset": self.dataset}
        payload["sealed"] = base64.b64encode(self.sealed).decode()
        return json.dumps(payload, sort_keys=True)


@dataclass(frozen=True)
class UnsealResult:
    """The outcome for one submission: its data, or why it failed (never its content)."""

    id: str
    dataset: str
    data: dict[str, Any] | None = None
    error: str | None = None


def seal_submission(
    submission_id: str, dataset: str, data: dict[str, Any], public_key: X25519PublicKey
) -> SealedSubmission:
    """Seal a submission's answers to the intake key, bound to its id and dataset."""
    plaintext = json.dumps(data, sort_keys=True).encode("utf-8")
    return SealedSubmission(
        submission_id,
        dataset,
        seal(plaintext, public_key, context=_context(submission_id, dataset)),
    )


def read_batch(lines: Iterable[str]) -> Iterator[SealedSubmission | UnsealResult]:
    """Parse a JSON Lines batch; malformed lines come back as failed results, by line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield SealedSubmission(
                str(item["id"]),
                str(item["dataset"]),
                base64.b64decode(item["sealed"], validate=True),
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            yield UnsealResult(f"line {number}", "?", error="not a sealed submission line")


def unseal_batch(
    items: Iterable[SealedSubmission | UnsealResult], private_key: X25519PrivateKey
) -> Iterator[UnsealResult]:
    """Unseal every submission, reporting each failure by id without stopping."""
    for item in items:
        if isinstance(item, UnsealResult):
            yield item
            continue
        try:
            plaintext = unseal(item.sealed, private_key, context=_context(item.id, item.dataset))
            data = json.loads(plaintext)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except DecryptionError:
            yield UnsealResult(item.id, item.dataset, error="does not open with this key")
        except ValueError:
            yield UnsealResult(item.id, item.dataset, error="opened, but is not a JSON object")
        else:
            yield UnsealResult(item.id, item.dataset, data=data)


def _context(submission_id: str, dataset: str) -> str:
    return f"{dataset}/{submission_id}"
