from __future__ import annotations

from trellis.learning.views import catalog, plans

app_name = "learning"

urlpatterns = [*catalog.urlpatterns, *plans.urlpatterns]
