"""API routes of aggregates."""

from ninja import Router

router = Router(tags=["aggregates"])
