"""The surveys home, and every survey page's URL: ``instruments`` (surveys, sections and
questions), ``rounds`` (administrations: create, open, remind, close, exports), ``answer``
(answering, by email link or from the home list) and ``results`` (suppressed reports)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from trellis.core import policy
from trellis.core.listing import page_number, paginate
from trellis.core.tenancy import require_district
from trellis.surveys.models import Status
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.views import answer, instruments, results, rounds, settings
from trellis.surveys.views.common import MANAGE, RESULTS

SHOWN_INSTRUMENTS = 10  # the rest are a click away, on the paginated list


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What to answer, for everyone; surveys and rounds for managers; closed rounds for those
    who read results."""
    district, user = require_district(request, policy.VIEW)
    manager, reader = policy.can(user, MANAGE, district), policy.can(user, RESULTS, district)
    rounds_page = None
    if manager or reader:
        listed = selectors.administration_list(
            district=district, status=None if manager else Status.CLOSED
        )
        rounds_page = paginate(listed, page_number(request))
    context = {
        # A person is asked by a handful of open rounds at most: no pages needed.
        "to_answer": list(selectors.my_invitations(district=district, user=user)),
        "can_manage": manager, "can_read": reader, "page": rounds_page,
        "floor": selectors.survey_settings(district=district) if manager else None,
        "instruments": selectors.instrument_list(district=district)[:SHOWN_INSTRUMENTS]
        if manager else [],
        "crumbs": [("Surveys", None)],
    }  # fmt: skip
    return render(request, "surveys/home.html", context)


urlpatterns = [
    path("surveys/", home, name="home"),
    *instruments.urlpatterns,
    *rounds.urlpatterns,
    *answer.urlpatterns,
    *results.urlpatterns,
    *settings.urlpatterns,
]
