"""Coaching pages. The log of a relationship is shown only to the people ``coaching.wall`` lets
read it (anyone else gets a 404); leaders get counts; coaching managers get caseloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.coaching import selectors, services, wall
from trellis.coaching.forms import (
    CommentForm,
    EndForm,
    InteractionForm,
    RelationshipForm,
    ShareForm,
    YearForm,
)
from trellis.coaching.models import Interaction, Relationship
from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.org.selectors import staff_get, staff_of_user

Crumbs = list[tuple[str, str | None]]


def _crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Coaching", reverse("coaching:home")), *extra]


def _year_form(request: HttpRequest, district: District, with_school: bool = True) -> YearForm:
    form = YearForm(request.GET, district=district, with_school=with_school)
    form.is_valid()
    return form


def _year(form: YearForm) -> str:
    return form.cleaned_data.get("school_year") or selectors.current_year()


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    me = staff_of_user(district=district, user=user)
    records = list(selectors.my_records(user=user, district=district)[:200])
    context = {
        "as_teacher": [r for r in records if me and r.teacher_id == me.pk],
        "as_coach": [r for r in records if me and r.coach_id == me.pk],
        "shared": [r for r in records if not me or me.pk not in (r.coach_id, r.teacher_id)],
        "me": me,
        "can_summary": policy.can(user, policy.COACHING_AGGREGATES, district),
        "can_manage": policy.can(user, policy.COACHING_MANAGE, district),
        "crumbs": [("Coaching", None)],
    }
    return render(request, "coaching/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    manager = policy.can(user, policy.COACHING_MANAGE, district)
    me = staff_of_user(district=district, user=user)
    if not manager and me is None:
        raise PermissionDenied("Ask a coaching manager to pair you with a teacher.")
    coach = None if manager else me
    form = RelationshipForm(request.POST or None, district=district, coach=coach)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("coach") or coach
        assert chosen is not None
        try:
            relationship = services.relationship_create(
                district=district,
                coach=chosen,
                teacher=data["teacher"],
                focus=data["focus"],
                begin_date=data["begin_date"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Coaching relationship started.")
            if wall.can_read(user, relationship):
                return redirect("coaching:relationship", pk=relationship.pk)
            return redirect("coaching:caseloads")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Start coaching a teacher",
            "intro": "The log you keep is read only by the coach and the teacher (and whoever "
            "the teacher shares it with); never by the teacher's evaluator.",
            "cancel_url": reverse("coaching:home"),
            "crumbs": _crumbs(("New relationship", None)),
        },
    )


@login_required
@require_GET
def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    relationship = selectors.relationship_readable(user=user, district=district, pk=pk)
    selectors.record_access(user, relationship)
    page = paginate(
        selectors.log_entries(relationship=relationship),
        page_number(request),
        per_page=20,
    )
    return render(request, "coaching/relationship.html", _log_context(user, relationship, page))


def _log_context(user: User, relationship: Relationship, page: Any, **extra: Any) -> Any:
    is_teacher = wall.is_teacher(user, relationship)
    return {
        "relationship": relationship,
        "page": page,
        "is_coach": wall.is_coach(user, relationship),
        "is_teacher": is_teacher,
        "shares": relationship.shares.select_related("user") if is_teacher else (),
        "comment_form": CommentForm(),
        "share_form": extra.pop("share_form", ShareForm()),
        "end_form": EndForm(),
        "crumbs": _crumbs((f"{relationship.coach} with {relationship.teacher}", None)),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def interaction_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    relationship = selectors.relationship_readable(user=user, district=district, pk=pk)
    if not wall.is_coach(user, relationship):
        raise PermissionDenied("Only the coach adds to this log.")
    return _interaction_form(request, user, relationship, None)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    interaction = selectors.interaction_readable(user=user, district=district, pk=pk)
    if not wall.is_coach(user, interaction.relationship):
        raise PermissionDenied("Only the coach changes this log.")
    return _interaction_form(request, user, interaction.relationship, interaction)


def _interaction_form(
    request: HttpRequest, user: User, relationship: Relationship, entry: Interaction | None
) -> HttpResponse:
    initial = {}
    if entry is not None:
        fields = ("kind", "occurred_on", "minutes", "consultant", "notes", "next_steps")
        initial = {name: getattr(entry, name) for name in fields}
    form = InteractionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.interaction_log(relationship=relationship, actor=user, **form.cleaned_data)
            else:
                services.interaction_update(interaction=entry, actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved to the coaching log.")
            return redirect("coaching:relationship", pk=relationship.pk)
    back = reverse("coaching:relationship", args=[relationship.pk])
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"{'Log' if entry is None else 'Change'} coaching with {relationship.teacher}",
            "intro": "Only you, the teacher and the people the teacher shares with read this.",
            "cancel_url": back,
            "crumbs": _crumbs((str(relationship.teacher), back), ("Log", None)),
        },
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    interaction = selectors.interaction_readable(user=user, district=district, pk=pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["text"][0])
        services.comment_add(interaction=interaction, text=form.cleaned_data["text"], actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Comment added.")
    return redirect(reverse("coaching:relationship", args=[interaction.relationship_id]))


@login_required
@require_POST
def share_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    relationship = selectors.relationship_readable(user=user, district=district, pk=pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        reader = User.objects.filter(
            username=form.cleaned_data["username"], memberships__district=district
        ).first()
        try:
            if reader is None:
                raise ValidationError({"username": "Nobody with that username works here."})
            services.share_grant(relationship=relationship, user=reader, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Shared with {reader.get_username()}.")
            return redirect("coaching:relationship", pk=relationship.pk)
    page = paginate(selectors.log_entries(relationship=relationship), 1, per_page=20)
    context = _log_context(user, relationship, page, share_form=form)
    return render(request, "coaching/relationship.html", context, status=400)


@login_required
@require_POST
def share_remove(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    relationship = selectors.relationship_readable(user=user, district=district, pk=pk)
    share = selectors.share_of(relationship=relationship, pk=share_pk)
    services.share_revoke(share=share, actor=user)
    messages.success(request, f"{share.user.get_username()} can no longer read this record.")
    return redirect("coaching:relationship", pk=relationship.pk)


@login_required
@require_POST
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    relationship = Relationship.objects.filter(district=district, pk=pk).first()
    if relationship is None or not (
        wall.can_read(user, relationship) or policy.can(user, policy.COACHING_MANAGE, relationship)
    ):
        raise Http404("No such coaching record.")
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the date the coaching ended.")
        services.relationship_end(
            relationship=relationship, end_date=form.cleaned_data["end_date"], actor=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The coaching relationship has ended.")
    if wall.can_read(user, relationship):
        return redirect("coaching:relationship", pk=relationship.pk)
    return redirect("coaching:caseload", pk=relationship.coach_id)


@login_required
@require_GET
def log_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    district, user = require_district(request, policy.VIEW)
    relationship = selectors.relationship_readable(user=user, district=district, pk=pk)
    selectors.record_access(user, relationship, exported=True)
    return export_response(
        fmt=fmt,
        stem=f"coaching-log-{relationship.pk}",
        header=["Date", "Kind", "Minutes", "Consultant", "Notes", "Next steps", "Comments"],
        rows=selectors.log_rows(relationship=relationship),
    )


# --- Leaders: counts only ------------------------------------------------------------------


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.COACHING_AGGREGATES)
    form = _year_form(request, district)
    result = selectors.summary(
        district=district, school_year=_year(form), school=form.cleaned_data.get("school")
    )
    page = paginate(result.rows, page_number(request))  # type: ignore[arg-type]
    context = {"form": form, "summary": result, "page": page, "crumbs": _crumbs(("Counts", None))}
    return render(request, "coaching/summary.html", context)


@login_required
@require_GET
def summary_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, _ = require_district(request, policy.COACHING_AGGREGATES)
    policy.require(request.user, policy.EXPORT, district)  # type: ignore[arg-type]
    form = _year_form(request, district)
    result = selectors.summary(
        district=district, school_year=_year(form), school=form.cleaned_data.get("school")
    )
    return export_response(
        fmt=fmt,
        stem=f"coaching-counts-{result.school_year}",
        header=["Month", "School", "Kind", "Entries", "Minutes"],
        rows=([f"{m:%Y-%m}", s, k, e, mins] for m, s, k, e, mins in result.rows),
    )


# --- Caseloads: coaching managers and the coach ---------------------------------------------


@login_required
@require_GET
def caseloads(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.COACHING_MANAGE)
    form = _year_form(request, district, with_school=False)
    year = _year(form)
    page = paginate(selectors.caseloads(district=district, school_year=year), page_number(request))
    minutes = selectors.coach_minutes(
        district=district, school_year=year, coach_ids=[c.pk for c in page.object_list]
    )
    rows = [(c, sum(minutes.get(c.pk, {}).values())) for c in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "school_year": year,
        "crumbs": _crumbs(("Caseloads", None)),
    }
    return render(request, "coaching/caseloads.html", context)


@login_required
@require_GET
def caseloads_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = require_district(request, policy.COACHING_MANAGE)
    policy.require(user, policy.EXPORT, district)
    year = _year(_year_form(request, district, with_school=False))
    coaches = list(selectors.caseloads(district=district, school_year=year))
    minutes = selectors.coach_minutes(
        district=district, school_year=year, coach_ids=[c.pk for c in coaches]
    )
    kinds = list(selectors.KIND_LABELS)
    return export_response(
        fmt=fmt,
        stem=f"coach-caseloads-{year}",
        header=["Coach", "Staff id", "School", "Teachers", *selectors.KIND_LABELS.values()],
        rows=(
            [
                c.full_name,
                c.staff_unique_id,
                c.school.name if c.school else "",
                c.teachers,  # type: ignore[attr-defined]
                *(minutes.get(c.pk, {}).get(k, 0) for k in kinds),
            ]
            for c in coaches
        ),
    )


def _caseload_for(request: HttpRequest, pk: int) -> tuple[Any, bool, YearForm]:
    """The coach's caseload for the coach or a coaching manager; per-teacher counts only for
    the coach."""
    district, user = require_district(request, policy.VIEW)
    coach = staff_get(district=district, pk=pk)
    own = coach.user_id == user.pk
    if not own and not policy.can(user, policy.COACHING_MANAGE, district):
        raise Http404("No such caseload.")
    form = _year_form(request, district, with_school=False)
    load = selectors.caseload(district=district, coach=coach, school_year=_year(form))
    return load, own, form


@login_required
@require_GET
def caseload(request: HttpRequest, pk: int) -> HttpResponse:
    load, own, form = _caseload_for(request, pk)
    context = {
        "load": load,
        "own": own,
        "page": paginate(load.teachers, page_number(request)),
        "form": form,
        "crumbs": _crumbs(("Caseload", None)),
    }
    return render(request, "coaching/caseload.html", context)


@login_required
@require_GET
def caseload_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    load, own, _ = _caseload_for(request, pk)
    header = ["Teacher", "Staff id", "School", "Grade band", "Subject", "Since"]
    if own:
        header += ["Entries this year", "Minutes this year"]
    return export_response(
        fmt=fmt,
        stem=f"caseload-{load.coach.staff_unique_id}-{load.school_year}",
        header=header,
        rows=(
            [
                t.teacher.full_name,
                t.teacher.staff_unique_id,
                t.teacher.school.name if t.teacher.school else "",
                t.grade_band,
                t.teacher.subject_label,
                t.begin_date,
                *([t.entries, t.minutes] if own else []),
            ]
            for t in load.teachers
        ),
    )
