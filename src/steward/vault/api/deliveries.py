"""API routes of deliveries."""

from ninja import Router

router = Router(tags=["deliveries"])
