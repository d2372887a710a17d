"""The risk rating is a pure function: a table of cases."""

from __future__ import annotations

import pytest

from steward.policy.documents.risk import (
    Exposure,
    Level,
    Safeguards,
    assess,
    combine,
    likelihood_of,
    severity_of,
)
from steward.policy.tiers import Tier

L, M, H = Level.LOW, Level.MEDIUM, Level.HIGH
ALL = Safeguards(True, True, True, True, True, True, True)
CUSTODY = Safeguards(encrypted=True, masked=True, mfa=True)
NONE = Safeguards()


@pytest.mark.parametrize(
    ("exposure", "severity"),
    [
        (Exposure(Tier.PUBLIC), L),
        (Exposure(Tier.INTERNAL), L),
        (Exposure(Tier.CONFIDENTIAL), M),
        (Exposure(Tier.RESTRICTED), H),
        (Exposure(Tier.INTERNAL, special=True), H),
        (Exposure(Tier.INTERNAL, status=True), H),
        (Exposure(Tier.INTERNAL, children=True), H),
    ],
)
def test_severity(exposure: Exposure, severity: Level) -> None:
    assert severity_of(exposure)[0] is severity


@pytest.mark.parametrize(
    ("exposure", "likelihood"),
    [
        (Exposure(Tier.INTERNAL), L),
        (Exposure(Tier.INTERNAL, people=9_999), L),
        (Exposure(Tier.INTERNAL, people=10_000), M),
        (Exposure(Tier.INTERNAL, third_party_hosting=True), M),
        (Exposure(Tier.INTERNAL, third_party_hosting=True, cross_border=True), M),
        (Exposure(Tier.INTERNAL, third_party_hosting=True, cross_border=True, shared=True), H),
        (Exposure(Tier.INTERNAL, people=100_000), M),
        (Exposure(Tier.INTERNAL, shared=True, people=100_000), H),
    ],
)
def test_likelihood(exposure: Exposure, likelihood: Level) -> None:
    assert likelihood_of(exposure)[0] is likelihood


@pytest.mark.parametrize(
    ("likelihood", "severity", "risk"),
    [
        (L, L, L),
        (L, M, L),
        (M, L, L),
        (L, H, M),
        (M, M, M),
        (H, L, M),
        (M, H, H),
        (H, M, H),
        (H, H, H),
    ],
)
def test_combine(likelihood: Level, severity: Level, risk: Level) -> None:
    assert combine(likelihood, severity) is risk


@pytest.mark.parametrize(
    ("exposure", "safeguards", "inherent", "residual"),
    [
        # Restricted data shared abroad by a third-party host: high, and safeguards help.
        (
            Exposure(
                Tier.RESTRICTED,
                status=True,
                third_party_hosting=True,
                cross_border=True,
                shared=True,
            ),
            NONE,
            H,
            H,
        ),
        (
            Exposure(
                Tier.RESTRICTED,
                status=True,
                third_party_hosting=True,
                cross_border=True,
                shared=True,
            ),
            CUSTODY,
            H,
            H,
        ),
        (
            Exposure(
                Tier.RESTRICTED,
                status=True,
                third_party_hosting=True,
                cross_border=True,
                shared=True,
            ),
            ALL,
            H,
            M,
        ),
        # Severity never drops: restricted data held carefully is still medium at best.
        (Exposure(Tier.RESTRICTED), ALL, M, M),
        # Confidential, medium likelihood: custody safeguards bring it down to low.
        (Exposure(Tier.CONFIDENTIAL, people=40_000), CUSTODY, M, L),
        (Exposure(Tier.CONFIDENTIAL, people=40_000), NONE, M, M),
        # A sealed intake stands in for masking.
        (
            Exposure(Tier.CONFIDENTIAL, people=40_000),
            Safeguards(encrypted=True, sealed=True, mfa=True),
            M,
            L,
        ),
        # Missing MFA breaks the custody group.
        (Exposure(Tier.CONFIDENTIAL, people=40_000), Safeguards(encrypted=True, masked=True), M, M),
        (Exposure(Tier.INTERNAL), NONE, L, L),
    ],
)
def test_assess(
    exposure: Exposure, safeguards: Safeguards, inherent: Level, residual: Level
) -> None:
    rating = assess(exposure, safeguards)
    assert rating.inherent is inherent
    assert rating.residual is residual
    assert rating.residual <= rating.inherent
    assert rating.severity is severity_of(exposure)[0]


def test_assess_explains_itself() -> None:
    rating = assess(
        Exposure(Tier.CONFIDENTIAL, shared=True, people=50_000), Safeguards(encrypted=True)
    )
    assert rating.reasons == (
        "confidential tier",
        "shared with outside parties",
        "about 50,000 people",
    )
    assert rating.safeguards == ("encrypted at rest",)
    assert "every reader uses multi-factor sign-in" in rating.gaps
    assert Level.HIGH.label == "high"
