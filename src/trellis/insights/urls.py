from __future__ import annotations

from django.urls import path

from trellis.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/export.<export:fmt>", views.dashboard_export, name="dashboard-export"),
    path("board-report/", views.board_report, name="board-report"),
    path("consortium/", views.consortium, name="consortium"),
    path("consortium/export.<export:fmt>", views.consortium_export, name="consortium-export"),
    path("reference/grantees/", views.grantee_list, name="grantee-list"),
    path("reference/grantees/export.<export:fmt>", views.grantee_export, name="grantee-export"),
]
