"""Communications pages: the plan (who hears what, how, when and from whom, ticked off when it
has gone out) and the feedback sessions (what the district heard back and what it will do).

Everyone in the district reads them; rollout managers plan, tick off and record.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.rollout.forms.comms import CommsFilterForm, CommunicationForm, FeedbackForm
from trellis.rollout.models import Communication, FeedbackSession, Initiative
from trellis.rollout.selectors import comms as selectors
from trellis.rollout.services import comms as services
from trellis.rollout.views.common import (
    back_to,
    crumbs,
    form_page,
    initiative_for,
    is_manager,
    saved,
    tabs,
)


def _plan_url(initiative_id: int) -> str:
    return reverse("rollout:comms", args=[initiative_id])


def _feedback_url(initiative_id: int) -> str:
    return reverse("rollout:feedback", args=[initiative_id])


# --- The plan -------------------------------------------------------------------------------


@login_required
@require_GET
def comms(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    form = CommsFilterForm(request.GET)
    plan = selectors.communication_list(initiative=initiative, **form.filters())
    context = {
        "initiative": initiative,
        "form": form,
        "page": paginate(plan, page_number(request)),
        "counts": selectors.audience_counts(initiative=initiative),
        "feedback": selectors.feedback_list(initiative=initiative)[:3],
        "can_manage": is_manager(user, initiative),
        "here": request.get_full_path(),
        "tabs": tabs(initiative, "rollout:comms"),
        "crumbs": crumbs(initiative, ("Communications", None)),
    }
    return render(request, "rollout/comms/plan.html", context)


@login_required
@require_GET
def comms_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    filters = CommsFilterForm(request.GET).filters()
    plan = selectors.communication_list(initiative=initiative, **filters)
    return export_response(
        fmt=fmt,
        stem=f"communications-{initiative.pk}",
        header=["Date", "Audience", "Message", "How", "Owner", "Done on", "Overdue"],
        rows=(
            [c.planned_on, c.get_audience_display(), c.message, c.get_channel_display(),
             c.owner.full_name if c.owner else "", c.done_on,
             "yes" if c.overdue else "no"]  # type: ignore[attr-defined]
            for c in plan.iterator()
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def communication_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    return _communication_form(request, district, user, initiative, None)


@login_required
@require_http_methods(["GET", "POST"])
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    communication = selectors.communication_get(district=district, pk=pk)
    return _communication_form(request, district, user, communication.initiative, communication)


def _communication_form(
    request: HttpRequest, district: District, user: User, initiative: Initiative,
    communication: Communication | None,
) -> HttpResponse:  # fmt: skip
    form = CommunicationForm(request.POST or None, district=district, communication=communication)
    if saved(request, form, lambda: services.communication_save(
        initiative=initiative, data=form.cleaned_data, actor=user, communication=communication
    ), "Saved to the communications plan."):  # fmt: skip
        return redirect(_plan_url(initiative.pk))
    title = "Plan a communication" if communication is None else "Change a communication"
    back = _plan_url(initiative.pk)
    return form_page(request, form, initiative, title, ("Communications", back), back=back)


@login_required
@require_POST
def communication_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick a communication off (``done=yes``) or untick it (``done=no``)."""
    district, user = require_district(request, policy.VIEW)
    communication = selectors.communication_get(district=district, pk=pk)
    done = request.POST.get("done") != "no"
    try:
        services.communication_done(communication=communication, done=done, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ticked off." if done else "Marked as still to do.")
    return redirect(back_to(request, _plan_url(communication.initiative_id)))


# --- Feedback sessions ----------------------------------------------------------------------


@login_required
@require_GET
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "page": paginate(selectors.feedback_list(initiative=initiative), page_number(request)),
        "can_manage": is_manager(user, initiative),
        "tabs": tabs(initiative, "rollout:comms"),
        "crumbs": crumbs(
            initiative, ("Communications", _plan_url(pk)), ("Feedback sessions", None)
        ),
    }
    return render(request, "rollout/comms/feedback.html", context)


@login_required
@require_GET
def feedback_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    return export_response(
        fmt=fmt,
        stem=f"feedback-sessions-{initiative.pk}",
        header=["Held on", "Audience", "Format", "Participants", "What we heard",
                "What we will do"],
        rows=(
            [s.held_on, s.get_audience_display(), s.format, s.participants, s.heard, s.response]
            for s in selectors.feedback_list(initiative=initiative).iterator()
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    return _feedback_form(request, user, initiative, None)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    session = selectors.feedback_get(district=district, pk=pk)
    return _feedback_form(request, user, session.initiative, session)


def _feedback_form(
    request: HttpRequest, user: User, initiative: Initiative, session: FeedbackSession | None
) -> HttpResponse:
    form = FeedbackForm(request.POST or None, session=session)
    if saved(request, form, lambda: services.feedback_save(
        initiative=initiative, data=form.cleaned_data, actor=user, session=session
    ), "Recorded the feedback session."):  # fmt: skip
        return redirect(_feedback_url(initiative.pk))
    title = "Record a feedback session" if session is None else "Change a feedback session"
    back = _feedback_url(initiative.pk)
    trail = (("Communications", _plan_url(initiative.pk)), ("Feedback sessions", back))
    return form_page(request, form, initiative, title, *trail, back=back)


urlpatterns: list[URLPattern] = [
    path("rollout/<int:pk>/communications/", comms, name="comms"),
    path("rollout/<int:pk>/communications/export.<export:fmt>", comms_export,
         name="comms-export"),
    path("rollout/<int:pk>/communications/new/", communication_new, name="communication-new"),
    path("rollout/communications/<int:pk>/edit/", communication_edit, name="communication-edit"),
    path("rollout/communications/<int:pk>/done/", communication_done, name="communication-done"),
    path("rollout/<int:pk>/feedback/", feedback, name="feedback"),
    path("rollout/<int:pk>/feedback/export.<export:fmt>", feedback_export,
         name="feedback-export"),
    path("rollout/<int:pk>/feedback/new/", feedback_new, name="feedback-new"),
    path("rollout/feedback/<int:pk>/edit/", feedback_edit, name="feedback-edit"),
]  # fmt: skip
