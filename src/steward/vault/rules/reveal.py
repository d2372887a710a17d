"""May this role reveal this field, for this purpose, with this reason? Decided from the
plan, the role, the field, the person's consents and the words typed; no I/O.

A reveal shows one clear value to one person, so everything about it must hold:

1. the role may reveal the field at all (:func:`steward.policy.access.decide`: read and
   reveal grants, not expired, not a ``never`` field);
2. the purpose is one the role holds (:func:`steward.policy.access.held_purposes`: named
   in its read or reveal grant) and one the field serves;
3. a purpose resting on consent has the person's agreement, not withdrawn;
4. the reason says something: at least 8 characters with a few different letters, no
   control characters (a NUL, an escape sequence, a bidirectional override), at most
   500 characters. It goes into the audit log as typed, whitespace collapsed.

:func:`reveal_purposes` says, for each purpose of the field, whether 1-3 pass: the
reveal dialog offers only those that do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from steward.policy import decide, held_purposes
from steward.policy.model import Action, FieldSpec, LegalBasis, Plan, Role

MIN_REASON_CHARS: Final = 8
MAX_REASON_CHARS: Final = 500
MIN_REASON_LETTERS: Final = 5
MIN_DISTINCT_LETTERS: Final = 3
_SPOOFING: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional embeddings, overrides and isolates: they make audit text read otherwise."""
REASON_HAS_CONTROLS: Final = (
    "the reason contains a control character (such as a NUL or an escape); write it in plain words"
)
REASON_TOO_LONG: Final = f"the reason is too long: at most {MAX_REASON_CHARS} characters"
REASON_SAYS_NOTHING: Final = "state the reason in a few words (at least 8 characters that say why)"
REASON_PROBLEMS: Final = frozenset({REASON_HAS_CONTROLS, REASON_TOO_LONG, REASON_SAYS_NOTHING})
"""Every answer :func:`reason_problem` gives: fixed sentences, never the text typed."""


class ConsentState(StrEnum):
    """What the person said about one consent-based purpose, for the record revealed."""

    AGREED = "agreed"
    NOT_AGREED = "not agreed"
    """Refused, never asked, or no answer recorded: all the same to a reveal."""
    WITHDRAWN = "withdrawn"


class Refusal(StrEnum):
    """Why a reveal is refused (``NONE`` when it is allowed)."""

    NONE = "none"
    GRANT = "grant"
    PURPOSE_NOT_HELD = "purpose not held"
    PURPOSE_NOT_SERVED = "purpose not served"
    NO_CONSENT = "no consent"
    CONSENT_WITHDRAWN = "consent withdrawn"
    REASON = "reason"


@dataclass(frozen=True)
class RevealVerdict:
    """The decision on one reveal.

    Attributes:
        refusal: why it is refused, or :attr:`Refusal.NONE`.
        message: a plain sentence for the person who asked; never contains the reason
            typed or any personal data.
        reason: the reason as it goes into the audit log (whitespace collapsed); empty
            when refused.
    """

    refusal: Refusal
    message: str
    reason: str = ""

    @property
    def allowed(self) -> bool:
        """Whether the value may be shown."""
        return self.refusal is Refusal.NONE


def reason_problem(reason: str) -> str | None:
    """What is wrong with ``reason`` as the stated reason of a reveal, or ``None``.

    The problem names what to change, never the text itself.
    """
    if any(_control(ch) for ch in reason):
        return REASON_HAS_CONTROLS
    text = " ".join(reason.split())
    if len(text) > MAX_REASON_CHARS:
        return REASON_TOO_LONG
    letters = [ch.casefold() for ch in text if ch.isalpha()]
    if (
        len(text) < MIN_REASON_CHARS
        or len(letters) < MIN_REASON_LETTERS
        or len(set(letters)) < MIN_DISTINCT_LETTERS
    ):
        return REASON_SAYS_NOTHING
    return None


def decide_reveal(
    plan: Plan,
    role: Role,
    spec: FieldSpec,
    purpose: str,
    reason: str,
    consents: Mapping[str, ConsentState],
    *,
    today: date,
) -> RevealVerdict:
    """Decide one reveal of ``spec`` by ``role`` for ``purpose`` with ``reason``.

    ``consents`` holds the person's state for each consent-based purpose of the record
    (a purpose missing from it counts as not agreed). The checks run in the order of
    the module's list; the first that fails is the answer.
    """
    refused = _purpose_refusal(plan, role, spec, purpose, consents, today=today)
    if refused is not None:
        return refused
    problem = reason_problem(reason)
    if problem is not None:
        return RevealVerdict(Refusal.REASON, problem)
    return RevealVerdict(Refusal.NONE, "allowed", " ".join(reason.split()))


def reveal_purposes(
    plan: Plan,
    role: Role,
    spec: FieldSpec,
    consents: Mapping[str, ConsentState],
    *,
    today: date,
) -> list[tuple[str, str | None]]:
    """Each of the field's purposes (in the field's order) with why ``role`` could not
    reveal it for that purpose now, or ``None`` when it could (given a good reason):
    what the reveal dialog offers, and what it explains."""
    out: list[tuple[str, str | None]] = []
    for purpose in spec.purposes:
        refused = _purpose_refusal(plan, role, spec, purpose, consents, today=today)
        out.append((purpose, refused.message if refused else None))
    return out


def _purpose_refusal(
    plan: Plan,
    role: Role,
    spec: FieldSpec,
    purpose: str,
    consents: Mapping[str, ConsentState],
    *,
    today: date,
) -> RevealVerdict | None:
    grant = decide(role, Action.REVEAL, spec, today=today)
    if not grant:
        return RevealVerdict(Refusal.GRANT, f"the role '{role.id}' may not: {grant.reason}")
    if purpose not in held_purposes(role):
        return RevealVerdict(
            Refusal.PURPOSE_NOT_HELD,
            f"the purpose given is not one the role '{role.id}' works for",
        )
    if purpose not in spec.purposes:
        return RevealVerdict(
            Refusal.PURPOSE_NOT_SERVED, "the purpose given is not one this field serves"
        )
    basis = next((p.legal_basis for p in plan.purposes if p.id == purpose), None)
    if basis is LegalBasis.CONSENT:
        state = consents.get(purpose, ConsentState.NOT_AGREED)
        if state is ConsentState.WITHDRAWN:
            return RevealVerdict(
                Refusal.CONSENT_WITHDRAWN,
                "the person withdrew their consent to this purpose",
            )
        if state is not ConsentState.AGREED:
            return RevealVerdict(Refusal.NO_CONSENT, "the person did not agree to this purpose")
    return None


def _control(ch: str) -> bool:
    """Whether ``ch`` may not appear in a reason: control characters, lone surrogates
    and bidirectional overrides. Tabs and line breaks are fine (they become spaces)."""
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in _SPOOFING
