from __future__ import annotations

from django.urls import path

from trellis.signin import views

app_name = "signin"

urlpatterns = [
    path("two-factor/", views.two_factor_verify, name="two-factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("signin-providers/", views.provider_list, name="provider-list"),
    path("signin-providers/add/", views.provider_edit, name="provider-create"),
    path("signin-providers/<int:pk>/edit/", views.provider_edit, name="provider-edit"),
    path("signin-providers/<int:pk>/remove/", views.provider_remove, name="provider-remove"),
]
