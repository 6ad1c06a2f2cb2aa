from __future__ import annotations

from trellis.rollout.views import checklist, comms, initiative, plan, providers, taskforce

app_name = "rollout"

urlpatterns = [
    *initiative.urlpatterns,
    *plan.urlpatterns,
    *taskforce.urlpatterns,
    *checklist.urlpatterns,
    *comms.urlpatterns,
    *providers.urlpatterns,
]
