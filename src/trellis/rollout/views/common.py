"""What every rollout page shares: the initiative the URL names (404 outside the district),
breadcrumbs, the section tabs and the page number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.rollout.models import Initiative
from trellis.rollout.selectors.initiative import initiative_get

Crumbs = list[tuple[str, str | None]]
Trail = tuple[str, str | None]
T = TypeVar("T")

# The initiative's sections, in the order the tabs show them: (label, url name).
SECTIONS = (
    ("Overview", "rollout:initiative"),
    ("Vision", "rollout:vision"),
    ("Taskforce", "rollout:taskforce"),
    ("Readiness checklist", "rollout:checklist"),
    ("Communications", "rollout:comms"),
    ("Rollout plan", "rollout:plan"),
    ("Progress", "rollout:progress"),
    ("Amnesty", "rollout:amnesty"),
    ("Content reviews", "rollout:reviews"),
)


def initiative_for(
    request: HttpRequest, pk: int, perm: str = policy.VIEW
) -> tuple[District, User, Initiative]:
    """The initiative in the URL, in the user's district; another district's is a 404."""
    district, user = require_district(request, perm)
    return district, user, initiative_get(district=district, pk=pk)


def is_manager(user: User, initiative: Initiative) -> bool:
    return policy.can(user, policy.ROLLOUT_MANAGE, initiative)


def crumbs(initiative: Initiative | None, *extra: tuple[str, str | None]) -> Crumbs:
    trail: Crumbs = [("Rollout", reverse("rollout:home"))]
    if initiative is not None:
        trail.append((initiative.name, reverse("rollout:initiative", args=[initiative.pk])))
    return [*trail, *extra]


def tabs(initiative: Initiative, current: str) -> list[tuple[str, str, bool]]:
    """(label, url, is current) for the section tabs; ``current`` is a url name."""
    return [
        (label, reverse(name, args=[initiative.pk]), name == current) for label, name in SECTIONS
    ]


def form_page(
    request: HttpRequest, form: Any, initiative: Initiative, title: str, *trail: Trail,
    back: str, intro: str = "",
) -> HttpResponse:  # fmt: skip
    """A form on a page of its own (400 when it comes back with errors)."""
    context = {
        "form": form, "title": title, "intro": intro, "cancel_url": back,
        "crumbs": crumbs(initiative, *trail, (title, None)),
    }  # fmt: skip
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


def saved(request: HttpRequest, form: BaseForm, save: Callable[[], T], message: str) -> T | None:
    """On a valid POST, run ``save`` (a service call): its result, with ``message`` shown on
    the next page; None when there is nothing to save or the service refused (its errors are
    then on the form's fields)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, message)
    return result


def back_to(request: HttpRequest, fallback: str) -> str:
    """Where a button's ``next`` asks to return to, if it is a page of this site."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if wanted and safe else fallback
