from __future__ import annotations

from django.urls import path

from trellis.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("consortium/", views.consortium, name="consortium"),
    path("reference/grantees/", views.grantee_list, name="grantee-list"),
    path("reference/grantees/export.<export:fmt>", views.grantee_export, name="grantee-export"),
]
