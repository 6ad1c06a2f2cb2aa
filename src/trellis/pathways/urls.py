from __future__ import annotations

from trellis.pathways.views import ladders, reports

app_name = "pathways"

urlpatterns = [*ladders.urlpatterns, *reports.urlpatterns]
