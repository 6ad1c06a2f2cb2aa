"""/api/v1 endpoints for the initiative and its rollout (tag ``rollout``), one module per
section, each with its own router."""

from ninja import Router

from trellis.rollout.api import checklist, comms, initiative, plan, providers, taskforce

router = Router(tags=["rollout"])
for section in (initiative, plan, taskforce, checklist, comms, providers):
    router.add_router("/", section.router)
