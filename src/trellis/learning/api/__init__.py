"""/api/v1 endpoints for professional learning (tag ``learning``)."""

from ninja import Router

from trellis.learning.api import catalog, plans

router = Router(tags=["learning"])
router.add_router("/", catalog.router)
router.add_router("/", plans.router)
