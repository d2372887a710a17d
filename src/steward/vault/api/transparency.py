"""API routes of transparency."""

from ninja import Router

router = Router(tags=["transparency"])
