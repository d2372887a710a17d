"""Span-level redaction of free text: each piece of personal data becomes a typed placeholder.

``"Call Maria Lopez on (202) 456-1111"`` becomes ``"Call [PERSON] on [PHONE]"``. The
spans are found with the detectors of :mod:`steward.deid.scan.registry`, the same ones
the column scan uses: a candidate is redacted only when it passes its kind's validator,
so a 16-digit number that fails the Luhn check, an impossible date or a number no phone
plan knows stays as it is. Person names come from the name vocabulary
(:mod:`steward.deid.scan.name_spans`), not from a language model.

Where spans overlap, the longest wins; between spans of the same length, the more
specific kind (the registry's order: SSN, card, IBAN... before phone, address, name).
The result is the same for the same text, kinds and region.

For a column, :func:`redact_series` first runs every kind's pattern over the whole
column in Polars, then looks for offsets in Python only in the values where that
kind's pattern matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import phonenumbers
import polars as pl

from steward.deid.errors import DeidError
from steward.deid.scan.registry import Detector, by_kind, detector, text_kinds

DEFAULT_REGION: Final = "US"
_GLUE: Final = "-/_"


@dataclass(frozen=True)
class Span:
    """One redacted piece of text: its kind and its offsets in the original text."""

    kind: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        """What replaces the span: ``[EMAIL]``."""
        return detector(self.kind).label


@dataclass(frozen=True)
class RedactedText:
    """Redacted text and the spans that were replaced (offsets in the original text)."""

    text: str
    spans: tuple[Span, ...]

    def counts(self) -> dict[str, int]:
        """How many spans of each kind were redacted."""
        counts: dict[str, int] = {}
        for span in self.spans:
            counts[span.kind] = counts.get(span.kind, 0) + 1
        return counts


def resolve_kinds(names: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds to redact: every text kind when ``names`` is None, else the named ones.

    A kind may be named by its kind name (``credit_card``) or its placeholder
    (``CARD``), in any case. The result keeps the registry's order.

    Raises:
        DeidError: a name is neither a text kind nor a placeholder, or none is given.
    """
    available = text_kinds()
    if names is None:
        return available
    aliases = {kind: kind for kind in available}
    aliases.update({detector(kind).placeholder.lower(): kind for kind in available})
    wanted: set[str] = set()
    for name in names:
        key = name.strip().strip("[]").lower()
        if key not in aliases:
            choices = ", ".join(detector(kind).placeholder.lower() for kind in available)
            raise DeidError(f"unknown kind {name.strip()!r} to redact; the kinds are {choices}")
        wanted.add(aliases[key])
    if not wanted:
        raise DeidError("no kind to redact was given")
    return tuple(kind for kind in available if kind in wanted)


def check_region(region: str) -> str:
    """``region`` upper-cased, when :mod:`phonenumbers` knows it.

    Raises:
        DeidError: the region is not an ISO 3166 code phonenumbers supports.
    """
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise DeidError(f"unknown phone region {region!r}; use a code such as US, GB, IN")
    return code


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _glued(text: str, start: int, end: int) -> bool:
    """True when the span is part of a longer token (``ORD-2024-001234``, ``v4.2.1.7``),
    or a number written in space-separated groups goes on (``4649 9167 7454 5683``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or after.isalnum() or "_" in (before, after):
        return True
    if " " in text[start:end] and _digit_group(text, start - 2, end + 1):
        return True
    if before in _GLUE and start >= 2 and text[start - 2].isalnum():
        return True
    return after in _GLUE and end + 1 < len(text) and text[end + 1].isalnum()


def _digit_group(text: str, before: int, after: int) -> bool:
    return (before >= 0 and text[before].isdigit() and text[before + 1] == " ") or (
        after < len(text) and text[after].isdigit() and text[after - 1] == " "
    )


def candidates(text: str, spec: Detector, region: str, claimed: Sequence[Span] = ()) -> list[Span]:
    """Every span of ``spec``'s kind in ``text`` that passes its validator.

    A candidate inside a span of ``claimed`` (found for a kind earlier in the registry's
    order) would lose to it, so it is not validated.
    """
    if spec.finder is not None:
        return [Span(spec.kind, start, end) for start, end in spec.finder(text)]
    assert spec.inline is not None  # text kinds have a pattern or a finder
    found = []
    for match in _compiled(spec.inline).finditer(text):
        start = match.start()
        value = match.group().rstrip(spec.trim) if spec.trim else match.group()
        if not value or _follows(text, start, spec.not_after):
            continue
        for size in _sizes(value, spec.shrink):
            end = start + size
            if spec.standalone and _glued(text, start, end):
                continue
            if any(other.start <= start and end <= other.end for other in claimed):
                break
            if spec.valid(value[:size], region):
                found.append(Span(spec.kind, start, end))
                break
    return found


_LAST_GROUP: Final = re.compile(r"[\s.\-]+[^\s.\-]+$")


def _sizes(value: str, shrink: bool) -> list[int]:
    """The lengths to try: the whole match, then (``shrink``) without its last groups."""
    sizes = [len(value)]
    while shrink:
        cut = _LAST_GROUP.search(value[: sizes[-1]])
        if cut is None or cut.start() < 7:
            break
        sizes.append(cut.start())
    return sizes


def _follows(text: str, start: int, words: frozenset[str]) -> bool:
    """True when the word right before ``start`` is one of ``words``."""
    if not words:
        return False
    head = text[max(0, start - 16) : start].split()
    return bool(head) and head[-1].strip(":#").lower() in words


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans in text order: longest first, then the registry's order."""
    rank = {kind: index for index, kind in enumerate(by_kind())}
    ordered = sorted(spans, key=lambda s: (s.start - s.end, rank[s.kind], s.start))
    kept: list[Span] = []
    for span in ordered:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def find_spans(
    text: str, kinds: Sequence[str] | None = None, region: str = DEFAULT_REGION
) -> list[Span]:
    """The personal-data spans of ``text`` (after overlaps are resolved), in order.

    Raises:
        DeidError: an unknown kind.
    """
    wanted = resolve_kinds(kinds)
    return _find(text, wanted, region)


def _find(text: str, kinds: Iterable[str], region: str) -> list[Span]:
    found: list[Span] = []
    for kind in kinds:
        found.extend(candidates(text, detector(kind), region, found))
    return resolve_overlaps(found)


def _apply(text: str, spans: Sequence[Span]) -> str:
    parts = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(span.placeholder)
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def redact_text(
    text: str, kinds: Sequence[str] | None = None, region: str = DEFAULT_REGION
) -> RedactedText:
    """``text`` with each personal-data span replaced by its placeholder (``[PHONE]``).

    ``kinds`` restricts the kinds (names or placeholders, see :func:`resolve_kinds`);
    ``region`` is the phone region for numbers written without a +code.

    Raises:
        DeidError: an unknown kind or region.
    """
    region = check_region(region)
    spans = find_spans(text, kinds, region)
    return RedactedText(_apply(text, spans), tuple(spans))


def redact_series(
    series: pl.Series,
    kinds: Sequence[str] | None = None,
    region: str = DEFAULT_REGION,
    *,
    tally: dict[str, int] | None = None,
) -> pl.Series:
    """A text column with every value redacted; nulls stay null, the order is kept.

    Each kind's pattern first runs over the whole column in Polars; offsets are then
    looked for in Python only in the values where it matched. ``tally``, when given,
    is increased by the number of spans redacted per kind.

    Raises:
        DeidError: the column is not text, or an unknown kind or region.
    """
    if series.dtype not in (pl.String, pl.Null):
        raise DeidError(
            f"column {series.name!r} holds {series.dtype}, not text; only text is redacted"
        )
    region = check_region(region)
    wanted = resolve_kinds(kinds)
    values = series.cast(pl.String)
    frame = pl.DataFrame({"v": values})
    masks = frame.select(
        [
            pl.col("v").str.contains(_prefilter(detector(kind))).fill_null(False).alias(kind)
            for kind in wanted
        ]
    )
    per_kind = {kind: masks.get_column(kind).to_list() for kind in wanted}
    out: list[str | None] = []
    for row, value in enumerate(values.to_list()):
        if value is None:
            out.append(None)
            continue
        present = [kind for kind in wanted if per_kind[kind][row]]
        if not present:
            out.append(value)
            continue
        spans = _find(value, present, region)
        if tally is not None:
            for span in spans:
                tally[span.kind] = tally.get(span.kind, 0) + 1
        out.append(_apply(value, spans))
    return pl.Series(series.name, out, dtype=pl.String)


def _prefilter(spec: Detector) -> str:
    """A pattern whose absence from a value means the kind cannot be in it."""
    if spec.finder is not None:
        return r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]"  # names need a capitalized word
    assert spec.inline is not None
    return spec.inline


def redact_expr(
    column: str, kinds: Sequence[str] | None = None, region: str = DEFAULT_REGION
) -> pl.Expr:
    """A Polars expression redacting ``column`` (for recipes), checked now, run lazily.

    Raises:
        DeidError: an unknown kind or region.
    """
    wanted = resolve_kinds(kinds)
    code = check_region(region)
    return pl.col(column).map_batches(
        lambda s: redact_series(s, wanted, code), return_dtype=pl.String
    )
