"""Stub: replaced by the real pages of this section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def taskforce(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


urlpatterns = [
    path("rollout/<int:pk>/taskforce/", taskforce, name="taskforce"),
]
