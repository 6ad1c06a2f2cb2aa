"""/api/v1 endpoints for coaching assignments (tag ``coaching``)."""

from ninja import Router

router = Router(tags=["coaching"])
