"""Stub: replaced by the real pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stub")


def person(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


urlpatterns = [
    path("pathways/", home, name="home"),
    path("pathways/people/<int:pk>/", person, name="person"),
]
