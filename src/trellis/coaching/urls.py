from __future__ import annotations

from django.urls import path

from trellis.coaching import assignment_urls, report_urls, views

app_name = "coaching"

urlpatterns = [
    path("coaching/", views.home, name="home"),
    path("coaching/new/", views.relationship_new, name="relationship-create"),
    path("coaching/records/<int:pk>/", views.relationship_detail, name="relationship"),
    path("coaching/records/<int:pk>/log/", views.interaction_new, name="interaction-create"),
    path("coaching/records/<int:pk>/end/", views.relationship_end, name="relationship-end"),
    path("coaching/records/<int:pk>/share/", views.share_add, name="share-create"),
    path(
        "coaching/records/<int:pk>/share/<int:share_pk>/remove/",
        views.share_remove,
        name="share-remove",
    ),
    path("coaching/records/<int:pk>/export.<export:fmt>", views.log_export, name="log-export"),
    path("coaching/entries/<int:pk>/edit/", views.interaction_edit, name="interaction-edit"),
    path("coaching/entries/<int:pk>/comment/", views.comment_add, name="comment-create"),
    path("coaching/counts/", views.summary, name="summary"),
    path("coaching/counts/export.<export:fmt>", views.summary_export, name="summary-export"),
    path("coaching/caseloads/", views.caseloads, name="caseloads"),
    path("coaching/caseloads/export.<export:fmt>", views.caseloads_export, name="caseloads-export"),
    path("coaching/caseloads/<int:pk>/", views.caseload, name="caseload"),
    path(
        "coaching/caseloads/<int:pk>/export.<export:fmt>",
        views.caseload_export,
        name="caseload-export",
    ),
]

urlpatterns += report_urls.urlpatterns + assignment_urls.urlpatterns
