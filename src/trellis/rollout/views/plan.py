"""The rollout plan: phases and cohorts with their checks, cohort members (added by staff id,
from the pilot suggestion, or every teacher not yet started), volunteers, amnesty and progress
by school."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import User
from trellis.core.tenancy import require_district
from trellis.org.models import Staff
from trellis.org.selectors import staff_of_user
from trellis.rollout.forms.plan import (
    AddMembersForm,
    AddRemainingForm,
    CohortForm,
    PhaseForm,
    SuggestionForm,
    VolunteerForm,
    WithdrawForm,
    YearForm,
)
from trellis.rollout.models import Cohort, Initiative, MemberSource, MemberStatus
from trellis.rollout.selectors import cohorts as selectors
from trellis.rollout.services import cohorts as services
from trellis.rollout.views.common import crumbs, initiative_for, is_manager, tabs


def _plan_crumbs(initiative: Initiative, *extra: tuple[str, str | None]) -> Any:
    return crumbs(initiative, ("Rollout plan", reverse("rollout:plan", args=[initiative.pk])),
                  *extra)  # fmt: skip


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "plan": selectors.rollout_plan(initiative=initiative),
        "volunteers": selectors.volunteer_pool(initiative=initiative).count(),
        "can_manage": is_manager(user, initiative),
        "tabs": tabs(initiative, "rollout:plan"),
        "crumbs": crumbs(initiative, ("Rollout plan", None)),
    }
    return render(request, "rollout/plan/plan.html", context)


@login_required
@require_GET
def plan_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    result = selectors.rollout_plan(initiative=initiative)
    return export_response(
        fmt=fmt,
        stem=f"rollout-plan-{initiative.pk}",
        header=["Phase", "School year", "Pilot", "Target share (%)", "Target teachers", "Cohort",
                "Teachers", "Withdrew", "Schools", "Coaches", "Coach capacity"],
        rows=(
            [row.phase.name, row.phase.school_year, row.phase.is_pilot, row.phase.target_share,
             row.target, c.cohort.name, c.members, c.withdrawn, c.schools, c.coaches, c.capacity]
            for row in result.phases for c in row.cohorts
        ),
    )  # fmt: skip


# --- Phases ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, pk: int, phase_pk: int | None = None) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    phase = selectors.phase_get(initiative=initiative, pk=phase_pk) if phase_pk else None
    # A new rollout's first phase is the pilot, about a tenth; an edit starts from the phase.
    first = phase is None and not initiative.phases.exists()
    initial = {"is_pilot": True, "target_share": 10} if first else {}
    form = PhaseForm(request.POST or None, instance=phase, initiative=initiative, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_save(initiative=initiative, data=form.cleaned_data, actor=user,
                                phase=phase)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the phase {form.cleaned_data['name']}.")
            return redirect("rollout:plan", pk=pk)
    title = "Add a phase" if phase is None else f"Edit {phase.name}"
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "cancel_url": reverse("rollout:plan", args=[pk]),
        "crumbs": _plan_crumbs(initiative, (title, None)),
        "intro": "A phase is a school year of the rollout. Its target is the share of all "
                 "teachers implementing by the end of that year: about 10% for a pilot, "
                 "100% by the last phase.",
    })  # fmt: skip


@login_required
@require_POST
def phase_delete(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    phase = selectors.phase_get(initiative=initiative, pk=phase_pk)
    try:
        services.phase_delete(phase=phase, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed the phase {phase.name}.")
    return redirect("rollout:plan", pk=pk)


# --- Cohorts --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, pk: int, cohort_pk: int | None = None) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    cohort = get_object_or_404(Cohort, initiative=initiative, pk=cohort_pk) if cohort_pk else None
    initial: dict[str, Any] = {"phase": request.GET.get("phase")}
    if cohort is not None:
        initial = {"name": cohort.name, "phase": cohort.phase_id, "notes": cohort.notes,
                   "coaches": list(cohort.coaches.all())}  # fmt: skip
    form = CohortForm(request.POST or None, initial=initial, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "phase", "notes")}
        try:
            saved = services.cohort_save(initiative=initiative, data=data, actor=user,
                                         coaches=form.cleaned_data["coaches"] or (),
                                         cohort=cohort)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("rollout:cohort", pk=saved.pk)
    title = "Add a cohort" if cohort is None else f"Edit {cohort.name}"
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "cancel_url": reverse("rollout:plan", args=[pk]),
        "crumbs": _plan_crumbs(initiative, (title, None)),
        "intro": "A cohort is a group of teachers who start in the same phase, volunteers or "
                 "assigned, with the coaches who support them.",
    })  # fmt: skip


def _cohort_context(request: HttpRequest, user: User, cohort: Cohort, **forms: Any) -> Any:
    initiative = cohort.initiative
    status = request.GET.get("status", "")
    status = status if status in MemberStatus.values else ""
    page = paginate(selectors.cohort_members(cohort=cohort, status=status), page_number(request))
    amnesty = dict(
        selectors.amnesty_list(initiative=initiative)
        .filter(staff_id__in=[m.staff_id for m in page.object_list])
        .values_list("staff_id", "school_year")
    )
    district = initiative.district
    pilot_empty = cohort.phase.is_pilot and not cohort.members.exists()
    return {
        "initiative": initiative, "cohort": cohort, "page": page, "status": status,
        "rows": [(m, amnesty.get(m.staff_id)) for m in page.object_list],
        "coaches": list(cohort.coaches.all()),
        "can_manage": is_manager(user, initiative), "pilot_empty": pilot_empty,
        "add_form": forms.get("add_form") or AddMembersForm(district=district),
        "remaining_form": forms.get("remaining_form") or AddRemainingForm(district=district),
        "withdraw_form": WithdrawForm(initial={"on": timezone.localdate()}),
        "crumbs": _plan_crumbs(initiative, (cohort.name, None)),
    }  # fmt: skip


@login_required
@require_GET
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    cohort = selectors.cohort_get(district=district, pk=pk)
    return render(request, "rollout/plan/cohort.html", _cohort_context(request, user, cohort))


@login_required
@require_POST
def cohort_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=pk)
    form = AddMembersForm(request.POST, district=district)
    data = form.cleaned_data if form.is_valid() else None
    if data is not None and _add(request, form, cohort, user, data["staff"], data["source"]):
        return redirect("rollout:cohort", pk=cohort.pk)
    context = _cohort_context(request, user, cohort, add_form=form)
    return render(request, "rollout/plan/cohort.html", context, status=400)


@login_required
@require_POST
def cohort_add_remaining(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=pk)
    form = AddRemainingForm(request.POST, district=district)
    if form.is_valid():
        staff = selectors.teachers_not_started(
            initiative=cohort.initiative, school=form.cleaned_data["school"]
        )
        if _add(request, form, cohort, user, staff, MemberSource.ASSIGNED):
            return redirect("rollout:cohort", pk=cohort.pk)
    context = _cohort_context(request, user, cohort, remaining_form=form)
    return render(request, "rollout/plan/cohort.html", context, status=400)


def _add(
    request: HttpRequest, form: Any, cohort: Cohort, user: User, staff: list[Staff], source: str
) -> bool:
    try:
        added = services.members_add(
            cohort=cohort,
            staff=staff,
            source=source,
            actor=user,
            accept_left_out=form.cleaned_data["accept_left_out"],
            joined_on=form.cleaned_data.get("joined_on"),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"Added {len(added)} teacher{'s' if len(added) != 1 else ''} to "
                     f"{cohort.name}.")  # fmt: skip
    return True


@login_required
@require_http_methods(["GET", "POST"])
def cohort_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=pk)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff = list(Staff.objects.filter(district=district, pk__in=form.cleaned_data["staff"]))
        if _add(request, form, cohort, user, staff, MemberSource.VOLUNTEER):
            return redirect("rollout:cohort", pk=cohort.pk)
    context: dict[str, Any] = {
        "cohort": cohort,
        "form": form,
        "initiative": cohort.initiative,
        "crumbs": _plan_crumbs(
            cohort.initiative,
            (cohort.name, reverse("rollout:cohort", args=[cohort.pk])),
            ("Suggestion", None),
        ),
    }
    try:
        suggestion = selectors.pilot_suggestion(phase=cohort.phase)
    except ValueError as error:
        context["problem"] = str(error)
    else:
        context["suggestion"] = suggestion
        # A pilot at a large district is thousands of teachers: list them a page at a time.
        context["page"] = suggestion.chosen_page(page_number(request))
        if request.method == "GET":
            form.initial["staff"] = ",".join(str(k) for k in suggestion.result.chosen)
    status = 400 if request.method == "POST" else 200
    return render(request, "rollout/plan/suggest.html", context, status=status)


@login_required
@require_POST
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    member = selectors.member_get(district=district, pk=pk)
    to = request.POST.get("to", "")
    form = WithdrawForm(request.POST if to == MemberStatus.WITHDRAWN else None)
    try:
        if to == MemberStatus.WITHDRAWN and not form.is_valid():
            raise ValidationError("Give the date they withdrew.")
        services.member_transition(
            member=member, to=to, actor=user,
            on=form.cleaned_data.get("on") if form.is_bound else None,
            reason=form.cleaned_data.get("reason", "") if form.is_bound else "",
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "withdrew from" if to == MemberStatus.WITHDRAWN else "is back in"
        messages.success(request, f"{member.staff.full_name} {done} {member.cohort.name}.")
    return redirect("rollout:cohort", pk=member.cohort_id)


@login_required
@require_POST
def cohort_delete(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=pk)
    try:
        services.cohort_delete(cohort=cohort, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rollout:cohort", pk=cohort.pk)
    messages.success(request, f"Removed {cohort.name}.")
    return redirect("rollout:plan", pk=cohort.initiative_id)


@login_required
@require_GET
def cohort_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    district, _ = require_district(request, policy.EXPORT)
    cohort = selectors.cohort_get(district=district, pk=pk)
    amnesty = dict(selectors.amnesty_list(initiative=cohort.initiative)
                   .values_list("staff_id", "school_year"))  # fmt: skip
    return export_response(
        fmt=fmt,
        stem=f"cohort-{cohort.pk}",
        header=["Staff id", "Name", "School", "Subject", "How they joined", "Status", "Joined",
                "Withdrew", "Amnesty year"],
        rows=(
            [m.staff.staff_unique_id, m.staff.full_name, m.staff.school.name if m.staff.school
             else "", m.staff.subject_label, m.get_source_display(), m.get_status_display(),
             m.joined_on, m.withdrawn_on, amnesty.get(m.staff_id, "")]
            for m in selectors.cohort_members(cohort=cohort).iterator(chunk_size=2000)
        ),
    )  # fmt: skip


# --- Volunteers -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def volunteers(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk)
    manager = is_manager(user, initiative)
    form = VolunteerForm(request.POST or None, district=district, for_someone=True)
    if request.method == "POST":
        services.require_manager(user, initiative)
        data = form.cleaned_data if form.is_valid() else None
        if data is not None and _volunteer(request, form, initiative, data["staff"], user):
            return redirect("rollout:volunteers", pk=pk)
    page = paginate(selectors.volunteer_pool(initiative=initiative), page_number(request))
    context = {
        "initiative": initiative, "page": page, "form": form if manager else None,
        "crumbs": _plan_crumbs(initiative, ("Volunteers", None)),
    }  # fmt: skip
    return render(request, "rollout/plan/volunteers.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _volunteer(request: HttpRequest, form: Any, initiative: Initiative, staff: Staff,
               user: User) -> bool:  # fmt: skip
    data = {k: form.cleaned_data[k] for k in ("grade_band", "content_area", "note")}
    try:
        services.volunteer_add(initiative=initiative, staff=staff, actor=user, **data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"{staff.full_name} is on the volunteer list.")
    return True


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_me(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk)
    me = staff_of_user(district=district, user=user)
    if me is None:
        raise PermissionDenied("Only staff with a record in this district can volunteer.")
    form = VolunteerForm(request.POST or None, district=district, for_someone=False,
                         initial={"content_area": me.academic_subject})  # fmt: skip
    if (
        request.method == "POST"
        and form.is_valid()
        and _volunteer(request, form, initiative, me, user)
    ):
        return redirect("rollout:initiative", pk=pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": f"Volunteer for {initiative.name}",
        "cancel_url": reverse("rollout:initiative", args=[pk]),
        "crumbs": crumbs(initiative, ("Volunteer", None)),
        "intro": "Volunteers may be chosen for an early cohort. Your first year of "
                 "implementation carries no evaluation consequences.",
    })  # fmt: skip


@login_required
@require_POST
def volunteer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    volunteer = selectors.volunteer_get(district=district, pk=pk)
    services.volunteer_withdraw(volunteer=volunteer, actor=user)
    messages.success(request, f"{volunteer.staff.full_name} is off the volunteer list.")
    return redirect("rollout:volunteers", pk=volunteer.initiative_id)


@login_required
@require_GET
def volunteers_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    return export_response(
        fmt=fmt,
        stem=f"volunteers-{initiative.pk}",
        header=["Staff id", "Name", "School", "Grades", "Content area", "Volunteered", "Note"],
        rows=(
            [v.staff.staff_unique_id, v.staff.full_name, v.staff.school.name if v.staff.school
             else "", v.get_grade_band_display(), v.get_content_area_display(),
             v.volunteered_at.date(), v.note]
            for v in selectors.volunteer_pool(initiative=initiative)
        ),
    )  # fmt: skip


# --- Amnesty and progress -------------------------------------------------------------------


def _year_form(request: HttpRequest, initiative: Initiative) -> tuple[YearForm, str]:
    form = YearForm(request.GET, initiative=initiative)
    form.is_valid()
    year = (form.cleaned_data.get("school_year") if form.is_valid() else "") or ""
    return form, year


@login_required
@require_GET
def amnesty(request: HttpRequest, pk: int) -> HttpResponse:
    _, _, initiative = initiative_for(request, pk)
    form, year = _year_form(request, initiative)
    page = paginate(selectors.amnesty_list(initiative=initiative, school_year=year),
                    page_number(request))  # fmt: skip
    context = {
        "initiative": initiative, "form": form, "page": page,
        "tabs": tabs(initiative, "rollout:amnesty"),
        "crumbs": crumbs(initiative, ("Amnesty", None)),
    }  # fmt: skip
    return render(request, "rollout/plan/amnesty.html", context)


@login_required
@require_GET
def amnesty_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    """For the evaluation system: who is exempt from evaluation consequences, and when."""
    _, user, initiative = initiative_for(request, pk, policy.EXPORT)
    _, year = _year_form(request, initiative)
    # Evaluation-related data leaving Trellis: recorded like any sensitive export.
    audit_record(
        actor=user,
        action="rollout.amnesty_exported",
        target=initiative,
        changes={"school_year": [None, year or "all"], "format": [None, fmt]},
    )
    return export_response(
        fmt=fmt,
        stem=f"evaluation-amnesty-{initiative.pk}{'-' + year if year else ''}",
        header=["StaffUniqueId", "FirstName", "LastSurname", "School", "SchoolYear",
                "AmnestyBeginDate", "AmnestyEndDate", "Cohort", "Initiative"],
        rows=(
            [a.staff.staff_unique_id, a.staff.first_name, a.staff.last_name,
             a.staff.school.name if a.staff.school else "", a.school_year, a.starts_on,
             a.ends_on, a.cohort.name, initiative.name]
            for a in selectors.amnesty_list(initiative=initiative, school_year=year)
            .iterator(chunk_size=2000)
        ),
    )  # fmt: skip


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    _, _, initiative = initiative_for(request, pk)
    form, year = _year_form(request, initiative)
    year = year or selectors.initiative_year(initiative, timezone.localdate())
    result = selectors.progress_by_school(initiative=initiative, school_year=year)
    page = paginate(result.rows, page_number(request))  # type: ignore[arg-type]
    context = {
        "initiative": initiative, "form": form, "progress": result, "page": page,
        "tabs": tabs(initiative, "rollout:progress"),
        "crumbs": crumbs(initiative, ("Progress", None)),
    }  # fmt: skip
    return render(request, "rollout/plan/progress.html", context)


@login_required
@require_GET
def progress_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    _, year = _year_form(request, initiative)
    year = year or selectors.initiative_year(initiative, timezone.localdate())
    result = selectors.progress_by_school(initiative=initiative, school_year=year)
    header = ["School", "Teachers", "Implementing", "Implementing (%)"]
    if result.with_certification:
        header += ["Certified", "Certified (%)"]
    return export_response(
        fmt=fmt,
        stem=f"rollout-progress-{initiative.pk}-{year}",
        header=header,
        rows=(
            [r.school, r.teachers, r.implementing, r.implementing_pct,
             *([r.certified, r.certified_pct] if result.with_certification else [])]
            for r in [*result.rows, result.total]
        ),
    )  # fmt: skip


urlpatterns = [
    path("rollout/<int:pk>/plan/", plan, name="plan"),
    path("rollout/<int:pk>/plan/export.<export:fmt>", plan_export, name="plan-export"),
    path("rollout/<int:pk>/plan/phases/new/", phase_edit, name="phase-create"),
    path("rollout/<int:pk>/plan/phases/<int:phase_pk>/edit/", phase_edit, name="phase-edit"),
    path("rollout/<int:pk>/plan/phases/<int:phase_pk>/delete/", phase_delete, name="phase-delete"),
    path("rollout/<int:pk>/plan/cohorts/new/", cohort_edit, name="cohort-create"),
    path("rollout/<int:pk>/plan/cohorts/<int:cohort_pk>/edit/", cohort_edit, name="cohort-edit"),
    path("rollout/cohorts/<int:pk>/", cohort_detail, name="cohort"),
    path("rollout/cohorts/<int:pk>/add/", cohort_add, name="cohort-add"),
    path("rollout/cohorts/<int:pk>/add-remaining/", cohort_add_remaining,
         name="cohort-add-remaining"),
    path("rollout/cohorts/<int:pk>/suggest/", cohort_suggest, name="cohort-suggest"),
    path("rollout/cohorts/<int:pk>/delete/", cohort_delete, name="cohort-delete"),
    path("rollout/cohorts/<int:pk>/export.<export:fmt>", cohort_export, name="cohort-export"),
    path("rollout/members/<int:pk>/status/", member_status, name="member-status"),
    path("rollout/<int:pk>/volunteers/", volunteers, name="volunteers"),
    path("rollout/<int:pk>/volunteers/export.<export:fmt>", volunteers_export,
         name="volunteers-export"),
    path("rollout/<int:pk>/volunteer/", volunteer_me, name="volunteer"),
    path("rollout/volunteers/<int:pk>/remove/", volunteer_remove, name="volunteer-remove"),
    path("rollout/<int:pk>/amnesty/", amnesty, name="amnesty"),
    path("rollout/<int:pk>/amnesty/export.<export:fmt>", amnesty_export, name="amnesty-export"),
    path("rollout/<int:pk>/progress/", progress, name="progress"),
    path("rollout/<int:pk>/progress/export.<export:fmt>", progress_export,
         name="progress-export"),
]  # fmt: skip
