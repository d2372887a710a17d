"""Risk to the people a category of data is about: a pure function of facts from the plan.

The impact assessment rates each category held on two scales, *likelihood* (how
likely it is that the data is exposed or misused) and *severity* (how much harm
that would do to the people it is about). Their product gives the risk. Safeguards
lower the likelihood; they do not make a leak of the same data less harmful, so
severity stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from steward.policy.tiers import Tier

LARGE_SCALE = 10_000
"""Holding data about this many people or more makes exposure more likely."""

VERY_LARGE_SCALE = 100_000
"""Holding data about this many people or more makes exposure more likely again."""


class Level(IntEnum):
    """A rating on a three-point scale."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        """The lower-case name printed in documents."""
        return self.name.lower()


@dataclass(frozen=True)
class Exposure:
    """What makes a category's data more sensitive or more exposed.

    Attributes:
        tier: the category's taxonomy tier.
        special: a special category (health, religion, ...).
        status: reveals a vulnerable status (immigration, criminal history, ...).
        children: the data is about children.
        third_party_hosting: systems run by someone else hold it.
        cross_border: it leaves the organization's country.
        shared: an outside party receives it, in any form.
        people: roughly how many people it is about (None: unknown).
    """

    tier: Tier
    special: bool = False
    status: bool = False
    children: bool = False
    third_party_hosting: bool = False
    cross_border: bool = False
    shared: bool = False
    people: int | None = None


@dataclass(frozen=True)
class Safeguards:
    """Safeguards in place for every stored field of the category: the plan applies
    them and Steward enforces them (see :mod:`steward.policy.safeguards`).

    Attributes:
        encrypted: every field is encrypted at rest.
        masked: every field is masked until someone with a reveal grant reveals it.
        mfa: every staff role that may read it signs in with a second factor.
        sealed: every intake form holding it is sealed to a key the server lacks.
        retention: every purpose it serves has a retention period that is enforced.
        disclosure_rules: disclosures need a legal ground and an approver, enforced.
        limited_sharing: outside parties receive it only de-identified or aggregated,
            enforced.
        planned: names of the attributes above that the plan asks for but Steward does
            not enforce yet: listed as planned, they lower nothing.
        irrelevant: names of the attributes above that cannot apply (a sealed intake for
            data no intake form collects): listed nowhere.
    """

    encrypted: bool = False
    masked: bool = False
    mfa: bool = False
    sealed: bool = False
    retention: bool = False
    disclosure_rules: bool = False
    limited_sharing: bool = False
    planned: frozenset[str] = frozenset()
    irrelevant: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rating:
    """The assessment of one category: before and after safeguards, with reasons."""

    likelihood: Level
    severity: Level
    inherent: Level
    residual_likelihood: Level
    residual: Level
    reasons: tuple[str, ...]
    safeguards: tuple[str, ...]
    gaps: tuple[str, ...]
    planned: tuple[str, ...] = ()


def severity_of(exposure: Exposure) -> tuple[Level, list[str]]:
    """How much harm exposure would do, with the reasons; never raises."""
    reasons: list[str] = []
    flags = [
        (exposure.special, "a special category"),
        (exposure.status, "reveals a vulnerable status"),
        (exposure.children, "about children"),
    ]
    for flag, reason in flags:
        if flag:
            reasons.append(reason)
    if reasons or exposure.tier >= Tier.RESTRICTED:
        reasons.insert(0, f"{exposure.tier.label} tier")
        return Level.HIGH, reasons
    if exposure.tier is Tier.CONFIDENTIAL:
        return Level.MEDIUM, [f"{exposure.tier.label} tier"]
    return Level.LOW, [f"{exposure.tier.label} tier"]


def likelihood_of(exposure: Exposure) -> tuple[Level, list[str]]:
    """How likely exposure is before safeguards, with the reasons; never raises.

    Every holding starts at one point; third-party hosting, cross-border transfer,
    sharing, a large and a very large number of people each add one. One point is
    low, two or three medium, four or more high.
    """
    reasons: list[str] = []
    points = 1
    facts = [
        (exposure.third_party_hosting, "hosted by a third party"),
        (exposure.cross_border, "crosses borders"),
        (exposure.shared, "shared with outside parties"),
    ]
    for fact, reason in facts:
        if fact:
            points += 1
            reasons.append(reason)
    if exposure.people is not None and exposure.people >= LARGE_SCALE:
        points += 2 if exposure.people >= VERY_LARGE_SCALE else 1
        reasons.append(f"about {exposure.people:,} people")
    level = Level.LOW if points <= 1 else Level.MEDIUM if points <= 3 else Level.HIGH
    return level, reasons


def combine(likelihood: Level, severity: Level) -> Level:
    """The risk of a likelihood and a severity: their product 1-2 low, 3-4 medium, 6-9 high."""
    score = likelihood * severity
    return Level.LOW if score <= 2 else Level.MEDIUM if score <= 4 else Level.HIGH


def assess(exposure: Exposure, safeguards: Safeguards) -> Rating:
    """Rate one category before and after the plan's safeguards; a pure function.

    Safeguards come in two groups. *Custody* (encryption at rest, masking, MFA for
    every reader) lowers the likelihood by one level when all three hold; a sealed
    intake counts in place of masking. *Exposure control* (retention for every
    purpose, disclosure rules, and sharing only de-identified or aggregated data)
    lowers it by one more when all three hold. Likelihood never drops below low.
    A safeguard that is only planned (not enforced yet) is listed apart and lowers
    nothing.
    """
    severity, severity_reasons = severity_of(exposure)
    likelihood, likelihood_reasons = likelihood_of(exposure)
    applied, planned, gaps = _safeguard_lists(safeguards)
    custody = safeguards.encrypted and safeguards.mfa and (safeguards.masked or safeguards.sealed)
    control = safeguards.retention and safeguards.disclosure_rules and safeguards.limited_sharing
    residual_likelihood = Level(max(Level.LOW, likelihood - int(custody) - int(control)))
    return Rating(
        likelihood=likelihood,
        severity=severity,
        inherent=combine(likelihood, severity),
        residual_likelihood=residual_likelihood,
        residual=combine(residual_likelihood, severity),
        reasons=tuple(severity_reasons + likelihood_reasons),
        safeguards=tuple(applied),
        gaps=tuple(gaps),
        planned=tuple(planned),
    )


_SAFEGUARD_WORDS = (
    ("encrypted", "encrypted at rest"),
    ("masked", "masked until revealed with a reason"),
    ("mfa", "every reader uses multi-factor sign-in"),
    ("sealed", "intake sealed to the staff's private key"),
    ("retention", "retention limit for every purpose"),
    ("disclosure_rules", "disclosure only on a legal ground, approved by a second person"),
    ("limited_sharing", "outside parties get only de-identified or aggregated data"),
)


def _safeguard_lists(safeguards: Safeguards) -> tuple[list[str], list[str], list[str]]:
    """(in place, planned, missing) safeguards in words; planned ones are not in place."""
    applied: list[str] = []
    planned: list[str] = []
    gaps: list[str] = []
    for attribute, words in _SAFEGUARD_WORDS:
        if attribute in safeguards.irrelevant:
            continue
        if getattr(safeguards, attribute):
            applied.append(words)
        elif attribute in safeguards.planned:
            planned.append(words)
        else:
            gaps.append(words)
    return applied, planned, gaps
