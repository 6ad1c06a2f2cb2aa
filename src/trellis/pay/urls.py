from __future__ import annotations

from django.urls import path

from trellis.pay import views

app_name = "pay"

urlpatterns = [
    path("pay/", views.home, name="home"),
    path("pay/mine/", views.mine, name="mine"),
    path("pay/schedules/import/", views.schedule_import, name="schedule-import"),
    path("pay/schedules/<int:pk>/", views.schedule_detail, name="schedule"),
    path("pay/schedules/<int:pk>/copy/", views.schedule_copy, name="schedule-copy"),
    path(
        "pay/schedules/<int:pk>/export.<export:fmt>",
        views.schedule_export,
        name="schedule-export",
    ),
    path("pay/sources/new/", views.source_new, name="source-create"),
    path("pay/costs/export.<export:fmt>", views.cost_export, name="cost-export"),
    path("pay/keep/export.<export:fmt>", views.keep_export, name="keep-export"),
    path("pay/board/", views.board, name="board"),
    path("pay/people/<int:pk>/", views.placement, name="placement"),
    path("pay/positions/<int:pk>/", views.position_pay, name="position"),
    path("pay/projection/", views.projection, name="projection"),
    path("pay/projection/export.<export:fmt>", views.projection_export, name="projection-export"),
    path("pay/scenarios/new/", views.scenario_new, name="scenario-create"),
    path("pay/keep/", views.keep, name="keep"),
    path("consortium/schedule/", views.consortium, name="consortium"),
]
