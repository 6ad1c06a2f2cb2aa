"""Stub: replaced by the real pages of this section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


def progress(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


def amnesty(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


urlpatterns = [
    path("rollout/<int:pk>/plan/", plan, name="plan"),
    path("rollout/<int:pk>/progress/", progress, name="progress"),
    path("rollout/<int:pk>/amnesty/", amnesty, name="amnesty"),
]
