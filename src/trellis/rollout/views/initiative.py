"""The rollout home, an initiative's overview, its vision (versions and each school's answer)
and the one-page plan for the board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response
from trellis.core.tenancy import require_district
from trellis.org.selectors import staff_of_user
from trellis.rollout.forms.initiative import InitiativeForm, SchoolVisionForm, VisionForm
from trellis.rollout.models import VisionStatus
from trellis.rollout.selectors import checklist as checklist_selectors
from trellis.rollout.selectors import cohorts as plan_selectors
from trellis.rollout.selectors import initiative as selectors
from trellis.rollout.selectors import taskforce as taskforce_selectors
from trellis.rollout.services import initiative as services
from trellis.rollout.services.initiative import pillars_text
from trellis.rollout.views.common import crumbs, initiative_for, is_manager, tabs


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    initiatives = list(selectors.initiative_list(district=district)[:50])
    me = staff_of_user(district=district, user=user)
    parts = [(i, plan_selectors.my_part(initiative=i, staff=me)) for i in initiatives] if me else []
    context = {
        "initiatives": initiatives,
        "parts": parts,
        "can_manage": policy.can(user, policy.ROLLOUT_MANAGE, district),
        "crumbs": [("Rollout", None)],
    }
    return render(request, "rollout/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    initiative = selectors.initiative_get(district=district, pk=pk) if pk else None
    form = InitiativeForm(request.POST or None, instance=initiative, district=district)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.INITIATIVE_FIELDS}
        try:
            if initiative is None:
                initiative = services.initiative_create(district=district, data=data, actor=user)
            else:
                initiative = services.initiative_update(
                    initiative=initiative, data=data, actor=user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {initiative.name}.")
            return redirect("rollout:initiative", pk=initiative.pk)
    title = "Start an initiative" if initiative is None else f"Edit {initiative.name}"
    back = reverse("rollout:initiative", args=[pk]) if pk else reverse("rollout:home")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "cancel_url": back,
        "crumbs": crumbs(initiative, (title, None)),
        "intro": "The district's personalized-learning initiative: its approaches, its years and "
                 "the grant that pays for it.",
    })  # fmt: skip


@login_required
@require_GET
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk)
    me = staff_of_user(district=district, user=user)
    today = timezone.localdate()
    context = {
        "initiative": initiative,
        "approaches": selectors.approach_labels(initiative),
        "vision": selectors.vision_published(initiative=initiative),
        "answers": selectors.school_answers(initiative=initiative),
        "checklist": checklist_selectors.checklist_progress(
            initiative=initiative, with_items=False
        ),
        "plan": plan_selectors.rollout_plan(initiative=initiative),
        "next_meeting": taskforce_selectors.next_meeting_on(initiative=initiative, today=today),
        "open_actions": taskforce_selectors.actions(initiative=initiative, open_only=True).count(),
        "part": plan_selectors.my_part(initiative=initiative, staff=me) if me else None,
        "me": me,
        "can_manage": is_manager(user, initiative),
        "tabs": tabs(initiative, "rollout:initiative"),
        "crumbs": crumbs(None, (initiative.name, None)),
    }
    return render(request, "rollout/initiative.html", context)


# --- Vision ---------------------------------------------------------------------------------


@login_required
@require_GET
def vision(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    manager = is_manager(user, initiative)
    context = {
        "initiative": initiative,
        "published": selectors.vision_published(initiative=initiative),
        "draft": selectors.vision_draft(initiative=initiative) if manager else None,
        "versions": selectors.vision_versions(initiative=initiative),
        "answers": selectors.school_answers(initiative=initiative),
        "can_manage": manager,
        "tabs": tabs(initiative, "rollout:vision"),
        "crumbs": crumbs(initiative, ("Vision", None)),
    }
    return render(request, "rollout/vision.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def vision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    start = selectors.vision_draft(initiative=initiative) or initiative.visions.first()
    initial = {"statement": start.statement, "pillars": pillars_text(start.pillars),
               "change_note": start.change_note if start.status == VisionStatus.DRAFT else ""
               } if start else {}  # fmt: skip
    form = VisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.vision_draft_save(
                initiative=initiative, actor=user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft version {draft.number} saved.")
            return redirect("rollout:vision-version", pk=pk, number=draft.number)
    back = reverse("rollout:vision", args=[pk])
    return render(request, "core/form_page.html", {
        "form": form, "title": "Write the vision", "cancel_url": back,
        "crumbs": crumbs(initiative, ("Vision", back), ("Draft", None)),
        "intro": "A draft stays private to the rollout managers until it is published; "
                 "publishing replaces the current vision, which stays in the history.",
    })  # fmt: skip


@login_required
@require_GET
def vision_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    version = selectors.vision_get(initiative=initiative, number=number)
    if version.status == VisionStatus.DRAFT and not is_manager(user, initiative):
        return redirect("rollout:vision", pk=pk)
    back = reverse("rollout:vision", args=[pk])
    context = {
        "initiative": initiative,
        "version": version,
        "can_manage": is_manager(user, initiative),
        "crumbs": crumbs(initiative, ("Vision", back), (f"Version {number}", None)),
    }
    return render(request, "rollout/vision_version.html", context)


@login_required
@require_POST
def vision_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    version = selectors.vision_get(initiative=initiative, number=number)
    try:
        services.vision_publish(version=version, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rollout:vision-version", pk=pk, number=number)
    messages.success(request, f"Version {number} is now the district's vision.")
    return redirect("rollout:vision", pk=pk)


@login_required
@require_POST
def vision_next(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    try:
        services.vision_next_version(initiative=initiative, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("rollout:vision-edit", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def school_vision(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk)
    school = selectors.school_get(district=district, pk=school_pk)
    published = selectors.vision_published(initiative=initiative)
    may_answer = published is not None and services.can_answer_for_school(user, school)
    form = SchoolVisionForm(request.POST or None, initial={"mode": "adopted"})
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied("Only the school's principal or a rollout manager answers.")
        assert published is not None
        if form.is_valid():
            try:
                services.school_vision_record(
                    version=published, school=school, actor=user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Recorded {school.name}'s vision.")
                return redirect("rollout:school-vision", pk=pk, school_pk=school.pk)
    back = reverse("rollout:vision", args=[pk])
    context = {
        "initiative": initiative, "school": school, "published": published, "form": form,
        "may_answer": may_answer,
        "history": selectors.school_history(initiative=initiative, school=school),
        "crumbs": crumbs(initiative, ("Vision", back), (school.name, None)),
    }  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "rollout/school_vision.html", context, status=status)


@login_required
@require_GET
def vision_schools_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    return export_response(
        fmt=fmt,
        stem=f"vision-by-school-{initiative.pk}",
        header=["School", "Answer", "Version", "Recorded on", "Recorded by", "School's text"],
        rows=(_answer_row(a) for a in selectors.school_answers(initiative=initiative)),
    )


def _answer_row(answer: selectors.SchoolAnswer) -> list[Any]:
    current = answer.current
    if current is None:
        return [answer.school.name, "Not yet answered", "", "", "", ""]
    by = current.recorded_by.get_username() if current.recorded_by else ""
    return [answer.school.name, current.get_mode_display(), current.version.number,
            current.recorded_at.date(), by, current.statement]  # fmt: skip


# --- The board's one page -------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    _, _, initiative = initiative_for(request, pk)
    year = plan_selectors.initiative_year(initiative, timezone.localdate())
    context = {
        "initiative": initiative,
        "approaches": selectors.approach_labels(initiative),
        "vision": selectors.vision_published(initiative=initiative),
        "plan": plan_selectors.rollout_plan(initiative=initiative),
        "progress": plan_selectors.progress_by_school(initiative=initiative, school_year=year),
        "checklist": checklist_selectors.checklist_progress(
            initiative=initiative, with_items=False
        ),
        "today": timezone.localdate(),
        "crumbs": crumbs(initiative, ("One-page plan", None)),
    }
    return render(request, "rollout/board.html", context)


urlpatterns = [
    path("rollout/", home, name="home"),
    path("rollout/new/", initiative_edit, name="initiative-create"),
    path("rollout/<int:pk>/", initiative_detail, name="initiative"),
    path("rollout/<int:pk>/edit/", initiative_edit, name="initiative-edit"),
    path("rollout/<int:pk>/vision/", vision, name="vision"),
    path("rollout/<int:pk>/vision/draft/", vision_edit, name="vision-edit"),
    path("rollout/<int:pk>/vision/next/", vision_next, name="vision-next"),
    path("rollout/<int:pk>/vision/<int:number>/", vision_version, name="vision-version"),
    path("rollout/<int:pk>/vision/<int:number>/publish/", vision_publish, name="vision-publish"),
    path("rollout/<int:pk>/vision/schools/<int:school_pk>/", school_vision, name="school-vision"),
    path("rollout/<int:pk>/vision/schools/export.<export:fmt>", vision_schools_export,
         name="vision-schools-export"),
    path("rollout/<int:pk>/board/", board, name="board"),
]  # fmt: skip
