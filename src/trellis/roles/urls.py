from __future__ import annotations

from django.urls import path

from trellis.roles import views

app_name = "roles"

urlpatterns = [
    path("roles/", views.catalog, name="catalog"),
    path("roles/export.<export:fmt>", views.catalog_export, name="catalog-export"),
    path("roles/seed/", views.catalog_seed, name="catalog-seed"),
    path("roles/types/new/", views.role_type_edit, name="role-type-create"),
    path("roles/types/<int:pk>/", views.role_type_detail, name="role-type-detail"),
    path("roles/types/<int:pk>/edit/", views.role_type_edit, name="role-type-edit"),
    path("roles/types/<int:pk>/<str:action>/", views.role_type_state, name="role-type-state"),
    path("roles/job-descriptions/", views.jd_list, name="jd-list"),
    path("roles/job-descriptions/export.<export:fmt>", views.jd_export, name="jd-export"),
    path("roles/job-descriptions/new/", views.jd_new, name="jd-create"),
    path("roles/job-descriptions/<int:pk>/", views.jd_detail, name="jd-detail"),
    path("roles/job-descriptions/<int:pk>/compare/", views.version_compare, name="jd-compare"),
    path(
        "roles/job-descriptions/<int:pk>/v<int:number>/",
        views.version_detail,
        name="version-detail",
    ),
    path(
        "roles/job-descriptions/<int:pk>/v<int:number>/edit/",
        views.version_edit,
        name="version-edit",
    ),
    path(
        "roles/job-descriptions/<int:pk>/v<int:number>/<str:action>/",
        views.version_action,
        name="version-action",
    ),
    path("roles/org-chart/", views.org_chart, name="org-chart"),
    path("roles/by-level/", views.figure, name="figure"),
    path("roles/by-level/export.<export:fmt>", views.figure_export, name="figure-export"),
    path("consortium/roles/", views.consortium_figure, name="consortium-figure"),
    path(
        "consortium/roles/export.<export:fmt>",
        views.consortium_figure_export,
        name="consortium-figure-export",
    ),
    path("positions/", views.position_board, name="position-board"),
    path("positions/export.<export:fmt>", views.position_export, name="position-export"),
    path("positions/new/", views.position_new, name="position-create"),
    path("positions/<int:pk>/", views.position_detail, name="position-detail"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position-edit"),
    path("positions/<int:pk>/status/", views.position_transition, name="position-transition"),
    path("positions/<int:pk>/assign/", views.assignment_new, name="assignment-create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("people/<int:pk>/assignments/", views.person, name="person"),
    path(
        "people/<int:pk>/assignments/export.<export:fmt>",
        views.person_export,
        name="person-export",
    ),
]
