"""Checking a stored log: the chain, the numbering, and the checkpoints.

:func:`verify_log` reads every entry once, in order, and stops at the first damage:

* a record that is not a well-formed entry (**malformed**);
* an entry whose number is not its position (**out of order**: an entry was
  deleted, inserted or moved);
* an entry whose hash no longer matches the link the next entry stored
  (**broken chain**: the entry was changed);
* a checkpoint for more entries than the log holds (**truncated**);
* a checkpoint whose root differs from the root of the log's first entries
  (**root mismatch**: history was rewritten, including the links);
* a checkpoint that is malformed or not signed by the given key (**bad checkpoint**).

Without a checkpoint kept off the server, a log whose tail was cut off or rewritten
along with every later link cannot be told from a genuine shorter log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from steward.audit.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from steward.audit.entry import GENESIS_HASH, check_record
from steward.audit.errors import AuditError, AuditReadError, EntryFormatError
from steward.audit.keys import VerifierKey
from steward.audit.merkle import EMPTY_ROOT, RootAccumulator, leaf_hash, sha256
from steward.audit.store import AuditStore


class Problem(StrEnum):
    """The kind of damage verification found."""

    UNREADABLE = "unreadable"
    MALFORMED = "malformed"
    OUT_OF_ORDER = "out-of-order"
    BROKEN_CHAIN = "broken-chain"
    TRUNCATED = "truncated"
    ROOT_MISMATCH = "root-mismatch"
    BAD_CHECKPOINT = "bad-checkpoint"


@dataclass(frozen=True)
class VerificationReport:
    """What :func:`verify_log` found. ``ok`` is true only if every check passed.

    Attributes:
        ok: no damage was found.
        size: how many entries were read.
        root_hash: the Merkle root of the entries read (meaningful when ``ok``).
        first_bad_index: the first position found damaged, or ``None`` (no damage,
            or damage that cannot be placed, such as a root mismatch).
        problem: the kind of damage, or ``None``.
        reason: one sentence a person can act on; never includes entry contents.
        checkpoints_checked: how many checkpoints were compared with the entries.
        suspect_range: for a root mismatch, the ``[start, stop)`` range of entries
            where the change must lie, as narrowed by matching checkpoints.
    """

    ok: bool
    size: int
    root_hash: bytes
    first_bad_index: int | None = None
    problem: Problem | None = None
    reason: str = "the log is intact"
    checkpoints_checked: int = 0
    suspect_range: tuple[int, int] | None = field(default=None)

    def __bool__(self) -> bool:
        return self.ok


@dataclass
class _Scan:
    size: int = 0
    root: bytes = EMPTY_ROOT
    roots: dict[int, bytes] = field(default_factory=dict)
    bad_index: int | None = None
    problem: Problem | None = None
    reason: str = ""


def _scan(store: AuditStore, sizes: set[int]) -> _Scan:
    scan = _Scan(roots={0: EMPTY_ROOT} if 0 in sizes else {})
    accumulator = RootAccumulator()
    previous_hash = GENESIS_HASH
    position = 0

    def fail(index: int, problem: Problem, reason: str) -> _Scan:
        scan.size, scan.root = accumulator.size, accumulator.root()
        scan.roots = {size: root for size, root in scan.roots.items() if size <= index}
        scan.bad_index, scan.problem, scan.reason = index, problem, reason
        return scan

    try:
        for position, record in enumerate(store.read()):
            try:
                entry = check_record(record)
            except EntryFormatError as error:
                return fail(position, Problem.MALFORMED, f"entry {position} is malformed: {error}")
            seq = entry["seq"]
            if seq != position:
                gap = seq - position
                missing = "1 entry before it is" if gap == 1 else f"{gap} entries before it are"
                how = (
                    f"{missing} missing (deleted), or entries were reordered"
                    if seq > position
                    else "an entry was inserted before it, or entries were reordered"
                )
                return fail(
                    position,
                    Problem.OUT_OF_ORDER,
                    f"entry {seq} is at position {position}: {how}",
                )
            if entry["prev"] != previous_hash.hex():
                if position == 0:
                    return fail(0, Problem.BROKEN_CHAIN, "entry 0 does not start the chain")
                return fail(
                    position - 1,
                    Problem.BROKEN_CHAIN,
                    f"entry {position - 1} no longer matches the hash entry {position} recorded "
                    f"for it: entry {position - 1} (or that link) was changed",
                )
            previous_hash = sha256(record)
            accumulator.append(leaf_hash(record))
            if position + 1 in sizes:
                scan.roots[position + 1] = accumulator.root()
    except AuditReadError as error:
        return fail(position, Problem.UNREADABLE, str(error))
    scan.size = accumulator.size
    scan.root = accumulator.root()
    return scan


def _load_checkpoints(
    store: AuditStore, retained: str | Checkpoint | None, key: VerifierKey | None
) -> list[tuple[str, Checkpoint]]:
    """Every checkpoint to compare, labelled for messages; raises AuditError on a bad one."""
    loaded: list[tuple[str, Checkpoint]] = []
    if isinstance(retained, Checkpoint):
        loaded.append(("the retained checkpoint", retained))
    elif retained is not None:
        try:
            checkpoint = open_checkpoint(retained, key) if key else parse_checkpoint(retained)
        except AuditError as error:
            raise AuditError(f"the retained checkpoint is not valid: {error}") from None
        loaded.append(("the retained checkpoint", checkpoint))
    for number, note in enumerate(store.checkpoints(), start=1):
        try:
            checkpoint = open_checkpoint(note, key) if key else parse_checkpoint(note)
        except AuditError as error:
            raise AuditError(f"stored checkpoint {number} is not valid: {error}") from None
        loaded.append((f"stored checkpoint {number}", checkpoint))
    return loaded


def verify_log(
    store: AuditStore,
    checkpoint: str | Checkpoint | None = None,
    public_key: VerifierKey | None = None,
) -> VerificationReport:
    """Check every entry in ``store`` and compare the log with its checkpoints.

    ``checkpoint`` is a checkpoint kept off the server (a signed note, or an already
    verified :class:`Checkpoint`). Checkpoints kept in the store are checked too.
    With ``public_key``, every checkpoint note must carry a valid signature from
    it; without, notes are only parsed, so an attacker could have forged them.

    Never raises for damage: every problem is described in the returned report.
    """
    try:
        checkpoints = _load_checkpoints(store, checkpoint, public_key)
    except AuditError as error:
        return VerificationReport(False, 0, EMPTY_ROOT, None, Problem.BAD_CHECKPOINT, str(error))
    scan = _scan(store, {c.size for _, c in checkpoints})
    report = VerificationReport(
        ok=scan.problem is None,
        size=scan.size,
        root_hash=scan.root,
        first_bad_index=scan.bad_index,
        problem=scan.problem,
        reason=scan.reason or "the log is intact",
        checkpoints_checked=len(checkpoints),
    )
    good = sorted(c.size for _, c in checkpoints if scan.roots.get(c.size) == c.root_hash)
    for label, cp in sorted(checkpoints, key=lambda item: item[1].size):
        if cp.size in scan.roots and scan.roots[cp.size] != cp.root_hash:
            start = max((s for s in good if s < cp.size), default=0)
            return VerificationReport(
                False,
                scan.size,
                scan.root,
                None,
                Problem.ROOT_MISMATCH,
                f"the first {cp.size} entries do not match {label}: an entry between "
                f"{start} and {cp.size - 1} was changed and the chain after it rewritten",
                len(checkpoints),
                (start, cp.size),
            )
    if report.ok:
        longest = max(checkpoints, key=lambda item: item[1].size, default=None)
        if longest is not None and longest[1].size > scan.size:
            label, cp = longest
            return VerificationReport(
                False,
                scan.size,
                scan.root,
                scan.size,
                Problem.TRUNCATED,
                f"{label} covers {cp.size} entries but the log holds {scan.size}: "
                f"entries from {scan.size} on were removed",
                len(checkpoints),
            )
    return report
