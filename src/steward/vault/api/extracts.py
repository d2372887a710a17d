"""API routes of extracts."""

from ninja import Router

router = Router(tags=["extracts"])
