"""/api/v1 endpoints for coaching reports (tag ``coaching``)."""

from ninja import Router

router = Router(tags=["coaching"])
