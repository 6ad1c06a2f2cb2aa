from __future__ import annotations

from django.urls import path

from trellis.hiring import data_task_views, views

app_name = "hiring"

urlpatterns = [
    path("hiring/", views.home, name="home"),
    path("hiring/postings/new/", views.posting_new, name="posting-create"),
    path("hiring/postings/export.<export:fmt>", views.posting_export, name="posting-export"),
    path(
        "hiring/postings/<int:pk>/candidates.<export:fmt>",
        views.candidate_export,
        name="candidate-export",
    ),
    path("hiring/postings/<int:pk>/", views.posting_detail, name="posting-detail"),
    path("hiring/postings/<int:pk>/apply/", views.apply_internal, name="apply-internal"),
    path("hiring/postings/<int:pk>/<str:action>/", views.posting_action, name="posting-action"),
    path("hiring/interviews/<int:pk>.ics", views.interview_ics, name="interview-ics"),
    path(
        "hiring/interviews/<int:pk>/parts/<int:component_pk>/data/",
        data_task_views.panel_view,
        name="data-task",
    ),
    path(
        "hiring/interviews/<int:pk>/parts/<int:component_pk>/data/candidate/",
        data_task_views.candidate_view,
        name="data-task-candidate",
    ),
    path(
        "hiring/interviews/<int:pk>/parts/<int:component_pk>/data.<export:fmt>",
        data_task_views.export,
        name="data-task-export",
    ),
    path("hiring/applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("hiring/applications/<int:pk>/cv/", views.application_cv, name="application-cv"),
    path("hiring/applications/<int:pk>/score/", views.score, name="score"),
    path("hiring/scorecards/<int:pk>/correct/", views.scorecard_correct, name="scorecard-correct"),
    path(
        "hiring/applications/<int:pk>/<str:action>/",
        views.application_action,
        name="application-action",
    ),
    path("hiring/processes/", views.template_list, name="template-list"),
    path("hiring/processes/<int:pk>/", views.template_detail, name="template-detail"),
    path("hiring/processes/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("hiring/processes/<int:pk>/revise/", views.template_revise, name="template-revise"),
    path("hiring/processes/<int:pk>/parts/new/", views.component_edit, name="component-create"),
    path(
        "hiring/processes/<int:pk>/parts/<int:component_pk>/",
        views.component_edit,
        name="component-edit",
    ),
    path(
        "hiring/processes/<int:pk>/parts/<int:component_pk>/data-task/",
        data_task_views.edit,
        name="data-task-edit",
    ),
    path("hiring/reports/", views.report, name="report"),
    path("hiring/reports/<str:table>.<export:fmt>", views.report_export, name="report-export"),
    path("jobs/<str:token>/", views.public, name="public"),
    path("jobs/<str:token>/thanks/", views.public_thanks, name="public-thanks"),
]
