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

Two passes share this module. The fast pass (the default) checks each entry's
number and link by byte search in its canonical record and hashes it into the
tree, and parses only the first and the last entry in full; the strict pass parses
every entry. Every change to stored bytes breaks a link or a checkpoint root, so
the fast pass finds it too; when it does, the log is rescanned strictly to name
the damage. See "Fast and strict verification" in docs/audit.md.
"""

from __future__ import annotations

from binascii import hexlify
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import chain
from typing import Final

from steward.audit.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from steward.audit.entry import (
    GENESIS_HASH,
    PREV_MARKER,
    PREV_MIN_OFFSET,
    SEQ_MARKER,
    VERSION_SUFFIX,
    check_record,
)
from steward.audit.errors import AuditError, AuditReadError, EntryFormatError
from steward.audit.keys import VerifierKey
from steward.audit.merkle import (
    EMPTY_ROOT,
    LEAF_STATE,
    NODE_STATE,
    RootAccumulator,
    fold_peaks,
    leaf_hash,
)
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
    suspect: tuple[int, int] | None = None


def _failed(
    scan: _Scan, accumulator: RootAccumulator, index: int, problem: Problem, reason: str
) -> _Scan:
    scan.size, scan.root = accumulator.size, accumulator.root()
    scan.roots = {size: root for size, root in scan.roots.items() if size <= index}
    scan.bad_index, scan.problem, scan.reason = index, problem, reason
    return scan


def _out_of_order(seq: int, position: int) -> str:
    if seq > position:
        gap = seq - position
        missing = "1 entry before it is" if gap == 1 else f"{gap} entries before it are"
        how = f"{missing} missing (deleted), or entries were reordered"
    else:
        how = "an entry was inserted before it, or entries were reordered"
    return f"entry {seq} is at position {position}: {how}"


def _strict_scan(store: AuditStore, sizes: set[int]) -> _Scan:
    """Check every record in full (:func:`check_record`), then its number and its link."""
    scan = _Scan(roots={0: EMPTY_ROOT} if 0 in sizes else {})
    accumulator = RootAccumulator()
    append, roots = accumulator.append, scan.roots
    previous_hex = GENESIS_HASH.hex()
    position = 0
    try:
        records = iter(store.read())
        for position, record in enumerate(records):
            try:
                entry = check_record(record)
            except EntryFormatError as error:
                reason = f"entry {position} is malformed: {error}"
                return _failed(scan, accumulator, position, Problem.MALFORMED, reason)
            seq = entry["seq"]
            if seq != position:
                reason = _out_of_order(seq, position)
                return _failed(scan, accumulator, position, Problem.OUT_OF_ORDER, reason)
            if entry["prev"] != previous_hex:
                return _broken_link(scan, accumulator, position, record, next(records, None))
            leaf = leaf_hash(record)
            previous_hex = leaf.hex()
            append(leaf)
            if position + 1 in sizes:
                roots[position + 1] = accumulator.root()
    except AuditReadError as error:
        return _failed(scan, accumulator, position, Problem.UNREADABLE, str(error))
    scan.size = accumulator.size
    scan.root = accumulator.root()
    return scan


def _links_to(following: bytes, record: bytes) -> bool:
    """Whether ``following`` is a well-formed entry whose link is ``record``'s leaf hash."""
    try:
        return bool(check_record(following)["prev"] == leaf_hash(record).hex())
    except EntryFormatError:
        return False


def _broken_link(
    scan: _Scan,
    accumulator: RootAccumulator,
    position: int,
    record: bytes,
    following: bytes | None,
) -> _Scan:
    """Name the changed entry when entry ``position``'s link does not match its predecessor.

    A changed entry breaks the link stored in the entry after it. An entry whose own
    link was changed breaks its link *and* (its bytes having changed) the next link
    too. So the next link decides: intact, the entry before ``position`` was changed;
    broken as well, entry ``position`` was. For the last entry there is no next link:
    either is possible, which the report says (``suspect_range``), and a checkpoint of
    the entries before it settles (see :func:`verify_log`).
    """
    if position == 0:
        return _failed(
            scan,
            accumulator,
            0,
            Problem.BROKEN_CHAIN,
            "entry 0 does not start the chain: its link was changed",
        )
    before = position - 1
    if following is None:
        failed = _failed(
            scan,
            accumulator,
            before,
            Problem.BROKEN_CHAIN,
            f"the last entry, {position}, does not link to entry {before}: entry {before} "
            f"or the link in entry {position} was changed",
        )
        failed.suspect = (before, position + 1)
        return failed
    if _links_to(following, record):
        return _failed(
            scan,
            accumulator,
            before,
            Problem.BROKEN_CHAIN,
            f"entry {before} no longer matches the hash entry {position} recorded "
            f"for it: entry {before} was changed",
        )
    return _failed(
        scan,
        accumulator,
        position,
        Problem.BROKEN_CHAIN,
        f"entry {position} was changed: its link no longer matches entry {before}, and "
        f"entry {position + 1} no longer matches it",
    )


_SEQ_NUMBER: Final = SEQ_MARKER + b'%d,"'
_GENESIS_HEX: Final = GENESIS_HASH.hex().encode("ascii")


def _fast_scan(store: AuditStore, sizes: set[int]) -> _Scan | None:
    """Check the numbering, the chain and the tree from the record bytes alone.

    Every record is hashed, and its number and link are found by byte search
    (:func:`~steward.audit.entry.quick_match`, inlined here); the first and the
    last record are also checked in full. Returns ``None`` as soon as anything does
    not match, so that the caller can rescan strictly and name the damage exactly.
    """
    pending = sorted((size for size in sizes if size > 0), reverse=True)
    roots = {0: EMPTY_ROOT} if 0 in sizes else {}
    next_size = pending.pop() if pending else -1
    peaks: list[bytes] = []
    push, pop = peaks.append, peaks.pop
    new_leaf, new_node = LEAF_STATE.copy, NODE_STATE.copy
    find_from, skip = PREV_MIN_OFFSET, len(PREV_MARKER)
    prev_marker, seq_number, suffix = PREV_MARKER, _SEQ_NUMBER, VERSION_SUFFIX
    link = _GENESIS_HEX
    size = 0
    try:
        records = iter(store.read())
        first = next(records, None)
        if first is None:
            return _Scan(roots=roots)
        record = first
        for record in chain((first,), records):
            prev_at = record.find(prev_marker, find_from)
            if (
                prev_at < 0
                or not record.startswith(link, prev_at + skip)
                or record.rfind(seq_number % size) < 0
                or not record.endswith(suffix)
            ):
                return None
            hasher = new_leaf()
            hasher.update(record)
            node = hasher.digest()
            link = hexlify(node)
            # Merge one completed perfect subtree per trailing 1 bit of the old size.
            count = size
            while count & 1:
                hasher = new_node()
                hasher.update(pop())
                hasher.update(node)
                node = hasher.digest()
                count >>= 1
            push(node)
            size += 1
            if size == next_size:
                roots[size] = fold_peaks(peaks)
                next_size = pending.pop() if pending else -1
    except AuditReadError:
        return None
    try:
        check_record(first)
        check_record(record)
    except EntryFormatError:
        return None
    return _Scan(size=size, root=fold_peaks(peaks), roots=roots)


def _scan(store: AuditStore, sizes: set[int], strict: bool) -> _Scan:
    if not strict:
        fast = _fast_scan(store, sizes)
        if fast is not None:
            return fast
    scan = _strict_scan(store, sizes)
    if scan.problem is None and not strict:
        # The quick pass saw a mismatch that a full pass over a second read does not:
        # the store changed (or failed) between the two reads.
        scan.problem = Problem.UNREADABLE
        scan.reason = "the log changed while it was being verified; verify it again"
    return scan


def _load_checkpoints(
    store: AuditStore,
    retained: str | Checkpoint | None,
    key: VerifierKey | None,
    kept: Sequence[tuple[str, str]] = (),
) -> list[tuple[str, Checkpoint]]:
    """Every checkpoint to compare, labelled for messages; raises AuditError on a bad one."""
    loaded: list[tuple[str, Checkpoint]] = []
    if isinstance(retained, Checkpoint):
        loaded.append(("the retained checkpoint", retained))
    elif retained is not None:
        kept = [("the retained checkpoint", retained), *kept]
    stored = [(f"stored checkpoint {n}", note) for n, note in enumerate(store.checkpoints(), 1)]
    for label, note in [*kept, *stored]:
        try:
            checkpoint = open_checkpoint(note, key) if key else parse_checkpoint(note)
        except AuditError as error:
            raise AuditError(f"{label} is not valid: {error}") from None
        loaded.append((label, checkpoint))
    return loaded


def _settle_last_link(
    report: VerificationReport, scan: _Scan, checkpoints: list[tuple[str, Checkpoint]]
) -> VerificationReport:
    """A broken link at the last entry: a checkpoint of the entries before it decides."""
    for label, cp in checkpoints:
        if cp.size == scan.size and cp.root_hash == scan.root:
            return replace(
                report,
                first_bad_index=scan.size,
                suspect_range=None,
                reason=f"the link in the last entry, {scan.size}, was changed: the entries "
                f"before it match {label}",
            )
    return report


def verify_log(
    store: AuditStore,
    checkpoint: str | Checkpoint | None = None,
    public_key: VerifierKey | None = None,
    *,
    strict: bool = False,
    kept: Sequence[tuple[str, str]] = (),
) -> VerificationReport:
    """Check every entry in ``store`` and compare the log with its checkpoints.

    ``checkpoint`` is a checkpoint kept off the server (a signed note, or an already
    verified :class:`Checkpoint`); ``kept`` holds more such notes, each with a label
    for messages (e.g. the file it came from). Checkpoints kept in the store are
    checked too. A log shorter than ANY of these checkpoints is reported truncated.
    With ``public_key``, every checkpoint note must carry a valid signature from
    it; without, notes are only parsed, so an attacker could have forged them.

    By default every entry's number, link and leaf hash are checked from its bytes,
    and the first and last entries are also parsed and checked in full; any change
    to a stored entry is found this way (see "Fast and strict verification" in
    ``docs/audit.md``). With ``strict=True`` every entry is parsed and checked in
    full as well, which also finds an entry that was *written* malformed; it is
    several times slower. Whenever the fast pass finds damage, the log is rescanned
    strictly, so the report is the same in both modes.

    Never raises for damage: every problem is described in the returned report.
    """
    try:
        checkpoints = _load_checkpoints(store, checkpoint, public_key, kept)
    except AuditError as error:
        return VerificationReport(False, 0, EMPTY_ROOT, None, Problem.BAD_CHECKPOINT, str(error))
    scan = _scan(store, {c.size for _, c in checkpoints}, strict)
    report = VerificationReport(
        ok=scan.problem is None,
        size=scan.size,
        root_hash=scan.root,
        first_bad_index=scan.bad_index,
        problem=scan.problem,
        reason=scan.reason or "the log is intact",
        checkpoints_checked=len(checkpoints),
        suspect_range=scan.suspect,
    )
    if scan.suspect is not None:
        report = _settle_last_link(report, scan, checkpoints)
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
