"""Stub: replaced by the real pages of this section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stub")


def initiative(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


def vision(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


urlpatterns = [
    path("rollout/", home, name="home"),
    path("rollout/<int:pk>/", initiative, name="initiative"),
    path("rollout/<int:pk>/vision/", vision, name="vision"),
]
