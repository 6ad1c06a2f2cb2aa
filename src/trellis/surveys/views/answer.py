"""Answering a survey: from the link in the email (the token is the key, signed in or not) or
from the home list (signed in, through one's own invitation). A used link, a closed round or
someone else's link is a plain page that says so, never an error."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.tenancy import require_district
from trellis.surveys import services
from trellis.surveys.forms.answer import AnswerForm
from trellis.surveys.models import GroupSource, Invitation, Status
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.views.common import notice

NOT_YOURS = ("This survey link was sent to someone else. Open the link in your own email, or "
             "find the surveys you were asked to answer on the Surveys page.")  # fmt: skip
BAD_LINK = ("This survey link is not valid. A reminder sends a new link and the earlier one "
            "stops working: use the newest email, or sign in and find the survey on the "
            "Surveys page.")  # fmt: skip


def _why_not(invitation: Invitation) -> tuple[str, str] | None:
    """(title, text) when this invitation cannot be used to answer now."""
    admin = invitation.administration
    if invitation.responded:
        return "Already answered", (f"You have already answered “{admin.title}”. Thank you: "
                                    "each person answers once.")  # fmt: skip
    today = timezone.localdate()
    if admin.status == Status.CLOSED or (admin.status == Status.OPEN and today > admin.closes_on):
        return "Survey closed", f"“{admin.title}” has closed, so it takes no more answers."
    if admin.status != Status.OPEN or today < admin.opens_on:
        return "Not open yet", (f"“{admin.title}” opens on {admin.opens_on:%B %-d, %Y}. Come "
                                "back to this link then.")  # fmt: skip
    return None


def _answer(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    refused = _why_not(invitation)
    if refused is not None:
        return notice(request, *refused, status=409 if request.method == "POST" else 200)
    admin = invitation.administration
    items = list(selectors.questions(instrument=admin.instrument))
    form = AnswerForm(request.POST or None, items=items,
                      ask_group=admin.group_source == GroupSource.ASK)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(invitation=invitation, answers=form.answers(),
                                     group=form.cleaned_data.get("group"))  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("surveys:thanks")
    context = {"round": admin, "form": form, "anonymous": not request.user.is_authenticated}
    return render(request, "surveys/answer.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The email's link: the token is the key, so it works without signing in too."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return notice(request, "Link not valid", BAD_LINK, status=404)
    if request.user.is_authenticated:
        try:
            services.require_respondent(invitation, request.user)
        except PermissionDenied:
            return notice(request, "Not your link", NOT_YOURS, status=403)
    return _answer(request, invitation)


@login_required
@require_http_methods(["GET", "POST"])
def round_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """From the home list: the signed-in person's own invitation to this round."""
    district, user = require_district(request, policy.VIEW)
    admin = selectors.administration_get(district=district, pk=pk)
    try:
        invitation = services.require_respondent(
            selectors.invitation_of(administration=admin, user=user), user
        )
    except PermissionDenied:
        return notice(request, "Not asked", "You were not asked to answer this survey.", 403)
    return _answer(request, invitation)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return notice(request, "Thank you", "Your answers are saved, with nothing that links them to "
                  "you. Results appear after the survey closes, and only for groups large "
                  "enough that nobody can be picked out.")  # fmt: skip


urlpatterns = [
    path("surveys/answer/<str:token>/", answer, name="answer"),
    path("surveys/rounds/<int:pk>/answer/", round_answer, name="round-answer"),
    path("surveys/thanks/", thanks, name="thanks"),
]
