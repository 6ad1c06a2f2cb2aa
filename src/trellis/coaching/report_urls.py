"""Class data reports, under ``coaching/reports/`` in the ``coaching`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from trellis.coaching import report_views as views

urlpatterns: list[URLPattern] = [
    path("coaching/reports/", views.report_list, name="class-reports"),
    path(
        "coaching/reports/export.<export:fmt>",
        views.report_list_export,
        name="class-reports-export",
    ),
    path("coaching/reports/new/", views.report_import, name="class-report-import"),
    path("coaching/reports/standards/", views.standard_list, name="standards"),
    path(
        "coaching/reports/standards/export.<export:fmt>",
        views.standard_list_export,
        name="standards-export",
    ),
    path("coaching/reports/<int:pk>/", views.report_detail, name="class-report"),
    path(
        "coaching/reports/<int:pk>/heatmap.<export:fmt>",
        views.report_export,
        {"table": "heatmap"},
        name="class-report-heatmap-export",
    ),
    path(
        "coaching/reports/<int:pk>/standards.<export:fmt>",
        views.report_export,
        {"table": "standards"},
        name="class-report-standards-export",
    ),
    path(
        "coaching/reports/<int:pk>/check-ins.<export:fmt>",
        views.report_export,
        {"table": "check-ins"},
        name="class-report-check-ins-export",
    ),
    path("coaching/reports/<int:pk>/share/", views.report_share, name="class-report-share"),
    path(
        "coaching/reports/<int:pk>/share/<int:share_pk>/remove/",
        views.report_unshare,
        name="class-report-unshare",
    ),
    path("coaching/reports/<int:pk>/delete/", views.report_delete, name="class-report-delete"),
]
