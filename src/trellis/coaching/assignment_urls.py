from __future__ import annotations

from django.urls import path

from trellis.coaching import assignment_views as views

urlpatterns = [
    path("coaching/assignment/", views.home, name="assignment"),
    path(
        "coaching/assignment/export.<export:fmt>",
        views.proposals_export,
        name="assignment-export",
    ),
    path("coaching/assignment/coaches/", views.coaches, name="assignment-coaches"),
    path(
        "coaching/assignment/coaches/export.<export:fmt>",
        views.coaches_export,
        name="assignment-coaches-export",
    ),
    path("coaching/assignment/coaches/new/", views.coach_edit, name="assignment-coach-create"),
    path("coaching/assignment/coaches/<int:pk>/", views.coach_edit, name="assignment-coach"),
    path("coaching/assignment/<int:pk>/", views.proposal_detail, name="proposal"),
    path(
        "coaching/assignment/<int:pk>/export.<export:fmt>",
        views.proposal_export,
        name="proposal-export",
    ),
    path(
        "coaching/assignment/<int:pk>/teachers/<int:teacher_pk>/",
        views.pair_edit,
        name="proposal-pair",
    ),
    path("coaching/assignment/<int:pk>/approve/", views.proposal_approve, name="proposal-approve"),
    path("coaching/assignment/<int:pk>/discard/", views.proposal_discard, name="proposal-discard"),
]
