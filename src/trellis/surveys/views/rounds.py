"""Rounds (administrations) for their managers: starting one, its page with participation as
counts only, opening it (the invitations go out), reminders, closing it, and the exports of
rounds and participation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core.listing import export_response
from trellis.core.models import Role, User
from trellis.core.tenancy import require_district
from trellis.rollout.views.common import saved
from trellis.surveys import services
from trellis.surveys.forms.rounds import AdministrationForm
from trellis.surveys.models import Administration, Status
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.selectors.results import Participation, participation
from trellis.surveys.views.common import MANAGE, Crumbs, crumbs, form_page, require_export

ROLE_LABELS = dict(Role.choices)


def round_crumbs(admin: Administration, current: str | None = None) -> Crumbs:
    """Surveys › the survey › the round (› ``current``, a page about the round)."""
    instrument = admin.instrument
    here = reverse("surveys:round", args=[admin.pk]) if current else None
    trail = [(instrument.name, reverse("surveys:instrument", args=[instrument.pk])),
             (admin.title, here)]  # fmt: skip
    return crumbs(*trail, *([(current, None)] if current else []))


def audience_words(admin: Administration) -> str:
    """Who a round asks, in words: "Teachers and coaches at Aspen Elementary, in Cohort 2"."""
    roles = [str(ROLE_LABELS.get(r, r)) for r in admin.audience_roles]
    words = ", ".join(roles[:-1]) + (" and " if len(roles) > 1 else "") + roles[-1]
    schools = [s.name for s in admin.audience_schools.all()]
    words += f" at {', '.join(schools)}" if schools else " at every school and the district office"
    if admin.audience_cohort is not None:
        words += f", in {admin.audience_cohort.name}"
    return words


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=pk)
    form = AdministrationForm(request.POST or None, district=district)

    def create() -> Administration:
        data = dict(form.cleaned_data)
        schools, cohort = data.pop("schools"), data.pop("cohort")
        return services.administration_create(instrument=instrument, data=data, schools=schools,
                                              cohort=cohort, actor=user)  # fmt: skip

    made = saved(request, form, create, "Saved the round. Open it to send the invitations.")
    if made is not None:
        return redirect("surveys:round", pk=made.pk)
    back = reverse("surveys:instrument", args=[pk])
    return form_page(request, form, "Start a round", (instrument.name, back), back=back,
                     intro="Answers are anonymous by construction: Trellis keeps who has "
                           "answered only to send reminders, and stores each response with "
                           "nothing but the person's group, school and cohort. Results appear "
                           "after the round closes, and only for groups large enough that "
                           "nobody can be picked out.")  # fmt: skip


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, MANAGE)
    admin = selectors.administration_get(district=district, pk=pk)
    context = {
        "round": admin, "audience": audience_words(admin),
        "participation": participation(administration=admin),
        "crumbs": round_crumbs(admin),
    }  # fmt: skip
    return render(request, "surveys/round.html", context)


@dataclass(frozen=True)
class Action:
    """A button on a round's page that changes it, behind a page that says what it will do."""

    label: str
    when: str  # the status a round must have
    done: str
    explain: Callable[[Administration, Participation], str]
    run: Callable[[Administration, User, str], object]


def _open_words(admin: Administration, _: Participation) -> str:
    people = len(services.audience(admin))
    return (f"Opening emails a private link to each of the {people} people in the audience now "
            f"({audience_words(admin)}). They can answer until {admin.closes_on:%B %-d, %Y}. "
            "Once people answer, the questions they answered can no longer be "
            "reworded.")  # fmt: skip


def _remind_words(admin: Administration, p: Participation) -> str:
    return (f"Emails a reminder with a new link to the {p.invited - p.answered} people who have "
            "not answered yet; their earlier links stop working. Nobody who has answered is "
            "emailed, and nobody is reminded twice in one day.")  # fmt: skip


def _close_words(admin: Administration, p: Participation) -> str:
    return (f"Closing ends the round with {p.answered} of {p.invited} answered: nobody can "
            "answer after that, and a closed round cannot be reopened. Its results then appear "
            "to those who read survey results, with small groups hidden.")  # fmt: skip


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


ACTIONS = {
    "open": Action(
        "Open the round", Status.DRAFT, "The round is open: invited {n} people.", _open_words,
        lambda a, u, base: services.administration_open(administration=a, actor=u,
                                                        base_url=base),
    ),
    "remind": Action(
        "Send reminders", Status.OPEN, "Sent {n} reminders.", _remind_words,
        lambda a, u, base: services.reminders_send(administration=a, actor=u, base_url=base),
    ),
    "close": Action(
        "Close the round", Status.OPEN, "The round is closed; its results are ready.",
        _close_words, lambda a, u, _: services.administration_close(administration=a, actor=u),
    ),
}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def round_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: what the action will do, with the button; POST: do it."""
    district, user = require_district(request, MANAGE)
    admin = selectors.administration_get(district=district, pk=pk)
    act = ACTIONS[action]
    if request.method == "POST":
        try:
            n = act.run(admin, user, _base_url(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, act.done.format(n=n))
        return redirect("surveys:round", pk=pk)
    context = {"round": admin, "action": act, "ready": admin.status == act.when,
               "explain": act.explain(admin, participation(administration=admin)),
               "crumbs": round_crumbs(admin, act.label)}  # fmt: skip
    return render(request, "surveys/confirm.html", context)


def _participation_row(admin: Administration, invited: int, answered: int) -> list[object]:
    rate = round(100 * answered / invited) if invited else ""
    return [admin.title, admin.instrument.name, admin.school_year, admin.opens_on, admin.closes_on,
            admin.get_status_display(), invited, answered, rate]  # fmt: skip


PARTICIPATION_HEADER = ["Round", "Survey", "School year", "Opens", "Closes", "Status", "Invited",
                        "Answered", "Answered (%)"]  # fmt: skip


@login_required
@require_GET
def participation_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    """How many were asked and answered: counts only, never who."""
    district, _ = require_export(request, MANAGE)
    admin = selectors.administration_get(district=district, pk=pk)
    p = participation(administration=admin)
    return export_response(fmt=fmt, stem=f"survey-participation-{admin.pk}",
                           header=PARTICIPATION_HEADER,
                           rows=[_participation_row(admin, p.invited, p.answered)])  # fmt: skip


@login_required
@require_GET
def rounds_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, _ = require_export(request, MANAGE)
    listed = selectors.administration_list(district=district).prefetch_related(
        "audience_schools").select_related("audience_cohort")  # fmt: skip
    return export_response(
        fmt=fmt, stem="survey-rounds",
        header=[*PARTICIPATION_HEADER, "Who is asked", "Respondent group",
                "Smallest group reported", "Smallest group with comments"],
        rows=([*_participation_row(a, a.n_invited, a.n_answered),  # type: ignore[attr-defined]
               audience_words(a),
               a.get_group_source_display(), a.min_group, a.min_text] for a in listed),
    )  # fmt: skip


urlpatterns = [
    path("surveys/instruments/<int:pk>/rounds/new/", round_create, name="round-create"),
    path("surveys/rounds/export.<export:fmt>", rounds_export, name="rounds-export"),
    path("surveys/rounds/<int:pk>/", round_detail, name="round"),
    path("surveys/rounds/<int:pk>/open/", round_act, {"action": "open"}, name="round-open"),
    path("surveys/rounds/<int:pk>/remind/", round_act, {"action": "remind"}, name="round-remind"),
    path("surveys/rounds/<int:pk>/close/", round_act, {"action": "close"}, name="round-close"),
    path("surveys/rounds/<int:pk>/participation/export.<export:fmt>", participation_export,
         name="participation-export"),
]  # fmt: skip
