"""What every test shares: one Hypothesis profile for the whole suite.

No per-example deadline (machines here are shared and their speed varies, so a
deadline measures the neighbours, not the code), and the ``too_slow`` health check is
off for the same reason. Each property test sets only how many examples it needs.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "steward",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("steward")
