"""/api/v1 endpoints for career pathways (tag ``pathways``)."""

from ninja import Router

from trellis.pathways.api import ladders, reports

router = Router(tags=["pathways"])
for section in (ladders, reports):
    router.add_router("/", section.router)
