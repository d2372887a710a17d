"""API routes of disclosures."""

from ninja import Router

router = Router(tags=["disclosures"])
