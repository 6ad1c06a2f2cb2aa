from __future__ import annotations

from django.urls import path

from trellis.interop import views

app_name = "interop"

urlpatterns = [
    path("data/", views.home, name="home"),
    path("data/imports.<export:fmt>", views.runs_export, name="runs-export"),
    path("data/edfi/<str:resource>.json", views.edfi_download, name="edfi"),
    path("data/sheets/<str:kind>/", views.sheet_import, name="sheet-import"),
    path(
        "data/sheets/<str:kind>/template.<export:fmt>", views.sheet_template, name="sheet-template"
    ),
    path("data/imports/<uuid:public_id>/", views.run_detail, name="run"),
    path(
        "data/imports/<uuid:public_id>/problems.<export:fmt>",
        views.run_errors_export,
        name="run-errors-export",
    ),
]
