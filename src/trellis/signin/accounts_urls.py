"""The parts of django-allauth Trellis serves, under ``accounts/``.

Only the OpenID Connect and SAML sign-in routes, and the pages and names their flows fall back to.
allauth's own sign-in, sign-up and password pages are left out on purpose: accounts come from
staff records, and password sign-in stays on the core page with its lockout.
"""

from __future__ import annotations

from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

urlpatterns = [
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("", include("allauth.socialaccount.providers.saml.urls")),
    path(
        "login/cancelled/",
        TemplateView.as_view(template_name="socialaccount/login_cancelled.html"),
        name="socialaccount_login_cancelled",
    ),
    path(
        "login/error/",
        TemplateView.as_view(template_name="socialaccount/authentication_error.html"),
        name="socialaccount_login_error",
    ),
    # Wherever allauth sends someone "back to sign in", they reach Trellis's sign-in page.
    path(
        "login/",
        RedirectView.as_view(pattern_name="core:login", query_string=True),
        name="account_login",
    ),
]
