from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from trellis.config.api import api
from trellis.core.listing import ExportFormatConverter
from trellis.core.views import healthz

register_converter(ExportFormatConverter, "export")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # One password form for everyone, with the lockout and two-factor sign-in behind it: the
    # admin's own form has neither.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="core:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("", include("trellis.core.urls")),
    path("", include("trellis.org.urls")),
    path("", include("trellis.roles.urls")),
    path("", include("trellis.hiring.urls")),
    path("", include("trellis.pay.urls")),
    path("", include("trellis.learning.urls")),
    path("", include("trellis.coaching.urls")),
    path("", include("trellis.rollout.urls")),
    path("", include("trellis.pathways.urls")),
    path("", include("trellis.surveys.urls")),
    path("", include("trellis.insights.urls")),
    path("", include("trellis.interop.urls")),
    path("", include("trellis.signin.urls")),
    path("accounts/", include("trellis.signin.accounts_urls")),
]
