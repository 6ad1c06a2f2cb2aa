"""The JSON API at /api/v1/: one router (and OpenAPI tag) per area."""

from __future__ import annotations

from trellis.coaching.api import router as coaching_router
from trellis.core.api import BearerAuth, SessionAuth, TrellisAPI, install_problem_handlers
from trellis.hiring.api import router as hiring_router
from trellis.insights.api import router as insights_router
from trellis.interop.api import router as interop_router
from trellis.learning.api import router as learning_router
from trellis.org.api import router as org_router
from trellis.pathways.api import router as pathways_router
from trellis.pay.api import router as pay_router
from trellis.roles.api import router as roles_router
from trellis.rollout.api import router as rollout_router
from trellis.surveys.api import router as surveys_router

api = TrellisAPI(
    title="Trellis API",
    version="1",
    description=(
        "Plan, staff, grow and sustain the people side of a personalized-learning initiative. "
        "Authenticate with `Authorization: Bearer <token>` (see `trellis token USERNAME`) or a "
        "browser session. Lists take `limit` and `offset` and answer `{items, count}`. Send "
        "`X-Trellis-District: <slug>` to work in a district other than your first."
    ),
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
)
install_problem_handlers(api)
api.add_router("/", org_router)
api.add_router("/", roles_router)
api.add_router("/", hiring_router)
api.add_router("/", pay_router)
api.add_router("/", learning_router)
api.add_router("/", coaching_router)
api.add_router("/", rollout_router)
api.add_router("/", pathways_router)
api.add_router("/", surveys_router)
api.add_router("/", insights_router)
api.add_router("/", interop_router)
