"""What the survey pages share: breadcrumbs, a form on a page of its own, a plain notice (a
closed survey, a used link) and the manager's and results reader's checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from trellis.core import policy
from trellis.core.models import District, User
from trellis.core.tenancy import require_district

Crumbs = list[tuple[str, str | None]]
MANAGE = policy.SURVEYS_MANAGE
RESULTS = policy.SURVEYS_RESULTS


def crumbs(*trail: tuple[str, str | None]) -> Crumbs:
    return [("Surveys", reverse("surveys:home")), *trail]


def require_export(request: HttpRequest, perm: str) -> tuple[District, User]:
    """The page's own permission, and the district's export permission too."""
    district, user = require_district(request, perm)
    policy.require(user, policy.EXPORT, district)
    return district, user


def form_page(
    request: HttpRequest, form: Any, title: str, *trail: tuple[str, str | None], back: str,
    intro: str = "",
) -> HttpResponse:  # fmt: skip
    """A form on a page of its own (400 when it comes back with errors)."""
    context = {"form": form, "title": title, "intro": intro, "cancel_url": back,
               "crumbs": crumbs(*trail, (title, None))}  # fmt: skip
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


def notice(request: HttpRequest, title: str, text: str, status: int = 200) -> HttpResponse:
    """A page that only says something: why a survey cannot be answered, or thanks."""
    context = {"title": title, "text": text, "crumbs": crumbs((title, None))}
    return render(request, "surveys/notice.html", context, status=status)
