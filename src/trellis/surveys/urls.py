from __future__ import annotations

from trellis.surveys.views import pages

app_name = "surveys"

urlpatterns = [*pages.urlpatterns]
