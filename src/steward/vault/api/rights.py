"""API routes of people's rights (filled in by the module's owner)."""

from ninja import Router

router = Router(tags=["rights"])
