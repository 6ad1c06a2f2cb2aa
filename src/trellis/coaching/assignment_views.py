"""Coach assignment pages, for coaching managers: coach profiles, proposals with their progress,
a person's edits, and the approval that writes the caseloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.coaching import assignment
from trellis.coaching.assignment_forms import CoachProfileForm, PairForm, ProposalForm
from trellis.coaching.models import AssignmentProposal, ProposalStatus
from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.org.models import Staff

Crumbs = list[tuple[str, str | None]]


def _crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [
        ("Coaching", reverse("coaching:home")),
        ("Coach assignment", reverse("coaching:assignment")),
        *extra,
    ]


def _manager(request: HttpRequest) -> tuple[District, User]:
    return require_district(request, policy.COACHING_MANAGE)


def _proposal(district: District, pk: int) -> AssignmentProposal:
    try:
        return assignment.proposal_get(district=district, pk=pk)
    except AssignmentProposal.DoesNotExist:
        raise Http404("No such proposal.") from None


# -- Proposals ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    district, user = _manager(request)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = assignment.proposal_start(
                district=district,
                school_year=data["school_year"],
                begin_date=data["begin_date"],
                hours_per_teacher=data["hours_per_teacher"],
                hours_per_first_year=data["hours_per_first_year"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("coaching:proposal", pk=proposal.pk)
    context = {
        "form": form,
        "page": paginate(assignment.proposals(district=district), page_number(request)),
        "coaches": assignment.coach_profiles(district=district).filter(is_active=True).count(),
        "crumbs": _crumbs(),
    }
    return render(request, "coaching/assignment/home.html", context)


@login_required
@require_GET
def proposals_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = _manager(request)
    policy.require(user, policy.EXPORT, district)
    return export_response(
        fmt=fmt,
        stem="coach-assignment-proposals",
        header=[
            "Proposal",
            "School year",
            "Status",
            "Teachers",
            "Assigned",
            "First-year",
            "First-year assigned",
            "Last year's pairs kept",
            "Optimal",
            "Solve seconds",
            "Created",
        ],
        rows=(
            [
                p.pk,
                p.school_year,
                p.get_status_display(),
                p.teachers,
                p.assigned,
                p.first_year,
                p.first_year_assigned,
                p.kept,
                "yes" if p.optimal else "no",
                p.solve_seconds,
                p.created_at.date(),
            ]
            for p in assignment.proposals(district=district).iterator()
        ),
    )


def _pairs(request: HttpRequest, proposal: AssignmentProposal) -> tuple[Any, dict[str, str]]:
    pairs = assignment.pair_rows(proposal)
    shown = request.GET.get("show", "")
    if shown == "unassigned":
        pairs = pairs.filter(coach__isnull=True)
    elif shown == "first_year":
        pairs = pairs.filter(first_year=True)
    elif shown == "edited":
        pairs = pairs.filter(edited=True)
    coach = request.GET.get("coach", "")
    if coach.isascii() and coach.isdigit():
        pairs = pairs.filter(coach_id=int(coach))
    return pairs, {"show": shown, "coach": coach}


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = _manager(request)
    proposal = _proposal(district, pk)
    if request.GET.get("part") == "status":
        return render(request, "coaching/assignment/_status.html", {"proposal": proposal})
    context: dict[str, Any] = {
        "proposal": proposal,
        "crumbs": _crumbs((str(proposal.school_year), None)),
    }
    if proposal.status in (ProposalStatus.READY, ProposalStatus.APPROVED):
        pairs, filters = _pairs(request, proposal)
        context |= {
            "loads": assignment.loads(proposal),
            "page": paginate(pairs, page_number(request)),
            "filters": filters,
            "show_choices": [
                ("", "Every teacher"),
                ("unassigned", "Without a coach"),
                ("first_year", "First implementation year"),
                ("edited", "Changed by a person"),
            ],
        }
    return render(request, "coaching/assignment/proposal.html", context)


@login_required
@require_GET
def proposal_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    district, user = _manager(request)
    policy.require(user, policy.EXPORT, district)
    proposal = _proposal(district, pk)
    pairs, _ = _pairs(request, proposal)
    return export_response(
        fmt=fmt,
        stem=f"coach-assignment-{proposal.school_year}-{proposal.pk}",
        header=[
            "Teacher",
            "Staff id",
            "School",
            "Coach",
            "Coach staff id",
            "First implementation year",
            "Last year's coach",
            "Changed by a person",
            "Why",
        ],
        rows=(
            [
                p.teacher.full_name,
                p.teacher.staff_unique_id,
                p.teacher.school.name if p.teacher.school else "",
                p.coach.full_name if p.coach else "",
                p.coach.staff_unique_id if p.coach else "",
                "yes" if p.first_year else "no",
                p.last_coach.full_name if p.last_coach else "",
                "yes" if p.edited else "no",
                p.reason,
            ]
            for p in pairs.iterator(chunk_size=2_000)
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair_edit(request: HttpRequest, pk: int, teacher_pk: int) -> HttpResponse:
    district, user = _manager(request)
    proposal = _proposal(district, pk)
    pair = assignment.pair_rows(proposal).filter(teacher_id=teacher_pk).first()
    if pair is None:
        raise Http404("No such teacher in this proposal.")
    form = PairForm(request.POST or None, district=district, initial={"coach": pair.coach_id})
    if request.method == "POST" and form.is_valid():
        try:
            assignment.pair_set(
                proposal=proposal,
                teacher=pair.teacher,
                coach=form.cleaned_data["coach"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{pair.teacher.full_name}'s coach changed.")
            return redirect("coaching:proposal", pk=proposal.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Coach for {pair.teacher.full_name}",
            "intro": f"Proposed: {pair.coach or 'no coach'}. {pair.reason}",
            "cancel_url": reverse("coaching:proposal", args=[proposal.pk]),
            "crumbs": _crumbs(
                (proposal.school_year, reverse("coaching:proposal", args=[proposal.pk])),
                (pair.teacher.full_name, None),
            ),
        },
    )


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = _manager(request)
    proposal = _proposal(district, pk)
    try:
        opened = assignment.proposal_approve(proposal=proposal, actor=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("coaching:proposal", pk=proposal.pk)
    messages.success(
        request, f"Approved: {opened} coaching relationship{'s' if opened != 1 else ''} opened."
    )
    return redirect(f"{reverse('coaching:caseloads')}?school_year={proposal.school_year}")


@login_required
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = _manager(request)
    proposal = _proposal(district, pk)
    try:
        assignment.proposal_discard(proposal=proposal, actor=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("coaching:proposal", pk=proposal.pk)
    messages.success(request, "Proposal discarded.")
    return redirect("coaching:assignment")


# -- Coach profiles ----------------------------------------------------------------------------


@login_required
@require_GET
def coaches(request: HttpRequest) -> HttpResponse:
    district, _ = _manager(request)
    context = {
        "page": paginate(assignment.coach_profiles(district=district), page_number(request)),
        "band_labels": assignment.BAND_LABELS,
        "crumbs": _crumbs(("Coaches", None)),
    }
    return render(request, "coaching/assignment/coaches.html", context)


@login_required
@require_GET
def coaches_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = _manager(request)
    policy.require(user, policy.EXPORT, district)
    return export_response(
        fmt=fmt,
        stem="coach-profiles",
        header=[
            "Coach",
            "Staff id",
            "Teachers at most",
            "Hours a week",
            "Grade bands",
            "Subjects",
            "Schools they taught in",
            "In this year's proposal",
        ],
        rows=(
            [
                p.staff.full_name,
                p.staff.staff_unique_id,
                p.max_teachers,
                p.hours_per_week,
                ", ".join(assignment.BAND_LABELS.get(b, b) for b in p.grade_bands),
                ", ".join(assignment.AREA_LABELS.get(a, a) for a in p.content_areas)
                or "Every subject",
                ", ".join(s.name for s in p.former_schools.all()),
                "yes" if p.is_active else "no",
            ]
            for p in assignment.coach_profiles(district=district)
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def coach_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = _manager(request)
    profile = None
    if pk is not None:
        profile = assignment.coach_profiles(district=district).filter(pk=pk).first()
        if profile is None:
            raise Http404("No such coach profile.")
    form = CoachProfileForm(
        request.POST or None, instance=profile, district=district, new=profile is None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff: Staff = profile.staff if profile else data["staff"]
        try:
            assignment.coach_profile_save(
                district=district,
                staff=staff,
                max_teachers=data["max_teachers"],
                hours_per_week=data["hours_per_week"],
                grade_bands=data["grade_bands"],
                content_areas=data["content_areas"],
                former_schools=data["former_schools"],
                is_active=data["is_active"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{staff.full_name}'s coach profile saved.")
            return redirect("coaching:assignment-coaches")
    title = f"Coach profile: {profile.staff.full_name}" if profile else "Add a coach"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "What this coach can take on next year. The proposal never gives a coach "
            "more teachers or hours than this, only teachers of the grade bands and subjects "
            "they cover, and never teachers of a school they taught in.",
            "cancel_url": reverse("coaching:assignment-coaches"),
            "crumbs": _crumbs(("Coaches", reverse("coaching:assignment-coaches")), (title, None)),
        },
    )
