from __future__ import annotations

from django.urls import path

from trellis.org import views

app_name = "org"

urlpatterns = [
    path("schools/", views.school_list, name="school-list"),
    path("schools/export.<export:fmt>", views.school_export, name="school-export"),
    path("schools/new/", views.school_edit, name="school-create"),
    path("schools/<int:pk>/", views.school_detail, name="school-detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school-edit"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/export.<export:fmt>", views.staff_export, name="staff-export"),
    path("staff/new/", views.staff_edit, name="staff-create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff-edit"),
]
