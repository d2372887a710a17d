"""What the anonymization report says in words: what each level of each hierarchy
means, which columns pass through unchanged, and how suppression enters the loss.

Only hierarchy labels that group several values, column names and counts appear;
never a value as recorded (a level-0 value, or a label that equals one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from steward.deid.search.anonymize import Anonymization
from steward.deid.search.hierarchies import CodedHierarchy

EXAMPLES: Final = 3
"""How many example labels each level shows at most."""


@dataclass(frozen=True)
class LevelMeaning:
    """One level of a hierarchy, for people.

    Attributes:
        level: 0 (as recorded) up to the top.
        meaning: what the level does to a value, in plain words.
        examples: up to :data:`EXAMPLES` labels of the level, each grouping at least
            two recorded values and equal to none (empty when there are none).
        chosen: whether the anonymization chose this level.
    """

    level: int
    meaning: str
    examples: tuple[str, ...]
    chosen: bool


def level_meanings(hierarchy: CodedHierarchy, chosen: int) -> list[LevelMeaning]:
    """What each level of ``hierarchy`` means, ``chosen`` marked."""
    return [
        LevelMeaning(level, _meaning(hierarchy, level), examples(hierarchy, level), level == chosen)
        for level in range(hierarchy.height)
    ]


def examples(hierarchy: CodedHierarchy, level: int) -> tuple[str, ...]:
    """Up to :data:`EXAMPLES` labels of ``level``, in the hierarchy's order: only labels
    that group two or more recorded values and are not themselves a recorded value
    (so none can be a person's own value). Level 0 has none."""
    if level == 0:
        return ()
    leaves = set(hierarchy.leaves)
    labels = hierarchy.labels[level]
    counts = hierarchy.leaf_counts[level]
    shown = [
        label for code, label in enumerate(labels) if int(counts[code]) >= 2 and label not in leaves
    ]
    return tuple(shown[:EXAMPLES])


def _meaning(hierarchy: CodedHierarchy, level: int) -> str:
    if level == 0:
        return "the value as recorded"
    groups = len(hierarchy.labels[level])
    if groups == 1:
        return "every value replaced by one label"
    counts = hierarchy.leaf_counts[level]
    low, high = int(counts.min()), int(counts.max())
    span = f"{low}" if low == high else f"{low} to {high}"
    return f"values grouped into {groups:,} labels, each covering {span} recorded values"


@dataclass(frozen=True)
class Passage:
    """Which columns the anonymization left as they were.

    Attributes:
        untouched: columns that are not quasi-identifiers: written as read in every
            record, suppressed records included.
        kept_level0: quasi-identifiers kept at level 0: as read, except in
            suppressed records, where they are ``*``.
    """

    untouched: tuple[str, ...]
    kept_level0: tuple[str, ...]


def passage(columns: Sequence[str], levels: Mapping[str, int]) -> Passage:
    """The columns of ``columns`` that ``levels`` (quasi-identifier -> level) leaves as
    they were."""
    untouched = tuple(c for c in columns if c not in levels)
    kept = tuple(q for q, level in levels.items() if level == 0)
    return Passage(untouched, kept)


def suppression_words(result: Anonymization) -> list[str]:
    """Paragraphs, in plain words and with the figures, on how suppression enters the
    loss of every quasi-identifier, those kept at level 0 included."""
    share = result.suppressed / result.records if result.records else 0.0
    if result.suppressed == 0:
        return [
            "No record was suppressed, so suppression adds nothing to any loss: a "
            "quasi-identifier kept at level 0 loses nothing, and the loss of the others "
            "comes from their generalization alone."
        ]
    kept = [q for q, level in result.levels.items() if level == 0]
    words = [
        f"{result.suppressed:,} of {result.records:,} records ({share:.2%}) were suppressed: "
        "every quasi-identifier of those records is written as *. The loss counts a "
        "suppressed record as fully hidden in every quasi-identifier, so suppression "
        "costs even the quasi-identifiers that were not generalized.",
        f"A quasi-identifier kept at level 0 therefore loses exactly the share suppressed: "
        f"{result.suppressed:,} / {result.records:,} = {share:.4f}. A generalized one loses "
        "that share in full plus, on the records kept, what its level hides.",
    ]
    if kept:
        names = ", ".join(kept)
        words.append(
            f"Here that is {names}: its loss of {share:.4f} comes from suppression alone."
            if len(kept) == 1
            else f"Here those are {names}: each loss of {share:.4f} comes from suppression alone."
        )
    return words
