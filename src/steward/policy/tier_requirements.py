"""What each sensitivity tier requires; the checks read these instead of fixed numbers."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from steward.policy.duration import Duration
from steward.policy.tiers import Tier


@dataclass(frozen=True)
class TierRequirements:
    """Requirements that tighten as the tier rises.

    Attributes:
        retention_ceiling: longest retention for a purpose at this tier (None: no ceiling).
        mfa_for_all_staff: every staff role that reads personal data needs MFA.
        oversight_body: an oversight body must be named.
        sealed_intake: intake forms should be sealed to a key the server does not hold.
        review_ceiling: the plan must be reviewed at least this often.
        min_group_size: the smallest group size that aggregates and de-identified
            extracts may show at this tier.
    """

    retention_ceiling: Duration | None
    mfa_for_all_staff: bool
    oversight_body: bool
    sealed_intake: bool
    review_ceiling: Duration | None
    min_group_size: int


REQUIREMENTS: Final = MappingProxyType(
    {
        Tier.PUBLIC: TierRequirements(None, False, False, False, None, 2),
        Tier.INTERNAL: TierRequirements(
            Duration(10, "y"), False, False, False, Duration(3, "y"), 5
        ),
        Tier.CONFIDENTIAL: TierRequirements(
            Duration(5, "y"), False, False, False, Duration(2, "y"), 5
        ),
        Tier.RESTRICTED: TierRequirements(Duration(2, "y"), True, True, True, Duration(1, "y"), 10),
    }
)


def requirements_for(tier: Tier) -> TierRequirements:
    """The requirements of ``tier``."""
    return REQUIREMENTS[tier]
