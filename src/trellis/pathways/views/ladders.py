"""Ladders and people: the district's ladders, a ladder's steps with who is on them and what
each asks, the editor for a ladder and its steps (all or nothing), succession for a step, and
a person's career timeline and readiness with HR's standing record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.org.models import Staff, StaffClassification
from trellis.org.selectors import staff_get, staff_of_user
from trellis.pathways.forms.ladders import LadderForm, StandingForm, step_formset
from trellis.pathways.models import Ladder, Step
from trellis.pathways.selectors import history
from trellis.pathways.selectors import ladders as selectors
from trellis.pathways.services import ladder_delete as delete_ladder
from trellis.pathways.services import ladder_save, standing_record, steps_save
from trellis.pay.selectors import RolePay, typical_pay

Crumbs = list[tuple[str, str | None]]
REPORTS = policy.PATHWAYS_REPORTS
# The pathways sections, in the order the tabs show them: (label, url name, permission).
SECTIONS = (
    ("Ladders", "pathways:home", None),
    # Named people and why they left: for those who manage careers, not every report reader.
    ("Moves", "pathways:moves", policy.PATHWAYS_MANAGE),
    ("Turnover", "pathways:turnover", REPORTS),
    ("Retention", "pathways:retention", REPORTS),
    ("Pipeline", "pathways:pipeline", REPORTS),
    ("Flows", "pathways:flows", REPORTS),
)
STATE_LABELS = {selectors.MET: "Met", selectors.MISSING: "Missing",
                selectors.IN_PROGRESS: "In progress"}  # fmt: skip
CLASSIFICATIONS = dict(StaffClassification.choices)
OFFICE = "District office"


def tabs(user: User, district: District, current: str) -> list[tuple[str, str, bool]]:
    """(label, url, is current) for the sections this user may open."""
    granted = policy.permissions(user, district)
    return [(label, reverse(name), name == current)
            for label, name, perm in SECTIONS if perm is None or perm in granted]  # fmt: skip


def crumbs(*trail: tuple[str, str | None]) -> Crumbs:
    return [("Pathways", reverse("pathways:home")), *trail]


def require_export(request: HttpRequest, perm: str) -> tuple[District, User]:
    """The page's own permission, and the district's export permission too."""
    district, user = require_district(request, perm)
    policy.require(user, policy.EXPORT, district)
    return district, user


def _count(value: Any, unit: str) -> str:
    """2 years, 1 year, 1.5 years."""
    return f"{Decimal(value).normalize():f} {unit}{'' if value == 1 else 's'}"


# --- Ladders --------------------------------------------------------------------------------


@dataclass
class StepRow:
    """One step as the ladder page and its export show it."""

    step: Step
    people: int
    pay: RolePay | None

    @property
    def who(self) -> list[str]:
        names = [t.name for t in self.step.role_types.all()]
        names += [CLASSIFICATIONS.get(c, c) for c in self.step.classifications]
        return list(dict.fromkeys(names))  # a "Principal" role and classification: once

    @property
    def requirements(self) -> list[str]:
        step, words = self.step, []
        if step.min_years:
            words.append(f"{_count(step.min_years, 'year')} on the step below")
        if step.min_hours:
            words.append(f"{_count(step.min_hours, 'hour')} of professional learning over "
                         f"{_count(step.hours_years, 'school year')}")  # fmt: skip
        words += [f"Certified in {c.name}" for c in step.certifications.all()]
        if step.good_standing:
            words.append("In good standing, as recorded by HR")
        return words

    @property
    def pay_words(self) -> str:
        pay = self.pay
        if pay is None:
            return ""
        if pay.lateral or not pay.changes:
            return "No change: paid as a teacher"
        parts = [f"${pay.stipend:,.0f} stipend a year" if pay.stipend else "",
                 f"${pay.summer_stipend:,.0f} summer stipend" if pay.summer_stipend else "",
                 f"{_count(pay.extension_months, 'more month')} on the contract"
                 if pay.extension_months else ""]  # fmt: skip
        typical = "its position" if pay.positions == 1 else f"typical of {pay.positions} positions"
        return f"{'; '.join(p for p in parts if p)} ({typical})"


def step_rows(district: District, steps: list[Step], user: User) -> list[StepRow]:
    counts = selectors.people_on_counts(district=district, steps=steps)
    groups = {s.pk: [t.pk for t in s.role_types.all()] for s in steps}
    # A step with one post would show that person's pay: only for those who may see pay.
    may_see_pay = policy.can(user, policy.PAY_VIEW, district)
    pay = typical_pay(district=district, groups=groups) if may_see_pay else {}
    return [StepRow(s, counts[s.pk], pay.get(s.pk)) for s in steps]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    context = {
        "page": paginate(selectors.ladder_list(district=district), page_number(request)),
        "me": staff_of_user(district=district, user=user),
        "can_manage": policy.can(user, policy.PATHWAYS_MANAGE, district),
        "tabs": tabs(user, district, "pathways:home"),
        "crumbs": [("Pathways", None)],
    }
    return render(request, "pathways/home.html", context)


@login_required
@require_GET
def home_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_export(request, policy.VIEW)
    return export_response(
        fmt=fmt, stem=f"{district.slug}-ladders",
        header=["Ladder", "Description", "Steps, bottom first"],
        rows=([ladder.name, ladder.description, " → ".join(s.name for s in ladder.steps.all())]
              for ladder in selectors.ladder_list(district=district)),
    )  # fmt: skip


@login_required
@require_GET
def ladder(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    found = selectors.ladder_get(district=district, pk=pk)
    context = {
        "ladder": found,
        "rows": step_rows(district, selectors.steps_of(ladder=found), user),
        "can_manage": policy.can(user, policy.PATHWAYS_MANAGE, district),
        "crumbs": crumbs((found.name, None)),
    }
    return render(request, "pathways/ladder.html", context)


@login_required
@require_GET
def ladder_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_export(request, policy.VIEW)
    found = selectors.ladder_get(district=district, pk=pk)
    rows = step_rows(district, selectors.steps_of(ladder=found), user)
    return export_response(
        fmt=fmt, stem=f"ladder-{found.pk}",
        header=["Step", "Name", "Who is on it", "To move up onto it", "Pay change", "People"],
        rows=([r.step.order, r.step.name, "; ".join(r.who), "; ".join(r.requirements),
               r.pay_words, r.people] for r in rows),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def ladder_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.PATHWAYS_MANAGE)
    found = selectors.ladder_get(district=district, pk=pk) if pk else None
    steps = selectors.steps_of(ladder=found) if found else []
    title = f"Edit {found.name}" if found else "Start a ladder"
    back = reverse("pathways:ladder", args=[pk]) if found else reverse("pathways:home")
    trail = crumbs(*([(found.name, back)] if found else []), (title, None))
    form = LadderForm.of(request.POST or None, found)
    rows = step_formset(request.POST or None, district=district, steps=steps)
    # Both checked, so a bad name does not hide the steps' own errors.
    valid = [form.is_valid(), rows.is_valid()] if request.method == "POST" else [False]
    if all(valid):
        try:
            # The ladder and its steps are one change: a refused step leaves no ladder behind.
            with transaction.atomic():
                saved = ladder_save(
                    district=district, ladder=found, actor=user, **form.cleaned_data
                )
                steps_save(ladder=saved, specs=rows.specs(), actor=user)
        except ValidationError as error:
            rows.add_service_errors(error, form)
        else:
            messages.success(request, f"Saved the ladder {saved.name} and its steps.")
            return redirect("pathways:ladder", pk=saved.pk)
    context = {"form": form, "rows": rows, "title": title, "cancel_url": back, "crumbs": trail}
    return render(request, "pathways/ladder_form.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def ladder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.PATHWAYS_MANAGE)
    found = selectors.ladder_get(district=district, pk=pk)
    delete_ladder(ladder=found, actor=user)
    messages.success(request, f"Deleted the ladder {found.name}.")
    return redirect("pathways:home")


# --- Succession -----------------------------------------------------------------------------


def _step(district: District, pk: int, order: int) -> tuple[Ladder, Step]:
    found = selectors.ladder_get(district=district, pk=pk)
    return found, selectors.step_get(ladder=found, order=order)


def _candidates(district: District, found: Ladder, step: Step) -> tuple[Any, list[Any]]:
    result = selectors.succession(district=district, ladder=found, step=step)
    rows = [("Ready now", person, r) for person, r in result.ready_now]
    rows += [("Within a year", person, r) for person, r in result.within_year]
    return result, rows


@login_required
@require_GET
def succession(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    district, user = require_district(request, policy.PATHWAYS_MANAGE)
    found, step = _step(district, pk, order)
    result, rows = _candidates(district, found, step)
    # Readiness includes HR's standing answers: reading them leaves an access event.
    audit_record(actor=user, action="pathways.succession_viewed", target=found,
                 changes={"step": [None, step.name]})  # fmt: skip
    context = {
        "ladder": found, "step": step, "result": result,
        "page": paginate(rows, page_number(request)),  # type: ignore[arg-type]
        "crumbs": crumbs((found.name, reverse("pathways:ladder", args=[pk])),
                         (f"Succession: {step.name}", None)),
    }  # fmt: skip
    return render(request, "pathways/succession.html", context)


@login_required
@require_GET
def succession_export(request: HttpRequest, pk: int, order: int, fmt: str) -> HttpResponseBase:
    district, user = require_export(request, policy.PATHWAYS_MANAGE)
    found, step = _step(district, pk, order)
    _, rows = _candidates(district, found, step)
    audit_record(actor=user, action="pathways.succession_exported", target=found,
                 changes={"step": [None, step.name], "format": [None, fmt]})  # fmt: skip
    return export_response(
        fmt=fmt, stem=f"succession-{found.pk}-step-{step.order}",
        header=["When", "Staff id", "Name", "School", "Ready by", "Still needed"],
        rows=([when, p.staff_unique_id, p.full_name, p.school.name if p.school else "",
               r.ready_by, "; ".join(f"{c.label}: {c.detail}" for c in r.checks
                                     if c.state != selectors.MET)]
              for when, p, r in rows),
    )  # fmt: skip


# --- A person's career ----------------------------------------------------------------------


HIRED, ASSIGNMENT, MOVE = 0, 1, 2  # what a timeline line is, in the order of one day


@dataclass(frozen=True)
class Entry:
    """One line of a career timeline: the hire, an assignment, or a move out of a role."""

    on: dt.date
    kind: int
    until: dt.date | None
    what: str
    role: str
    school: str
    reason: str

    @property
    def event(self) -> bool:
        """A single day (the hire, a move) rather than a stretch of time."""
        return self.kind != ASSIGNMENT


def career(district: District, person: Staff) -> list[Entry]:
    held = history.held_in(district=district, staff_ids=[person.pk])
    moves = history.moves_of(held, selectors.ladder_rank(district=district))
    names = selectors.school_names(district, [h.school_id for h in held] + [person.school_id])
    entries = [Entry(h.begin, ASSIGNMENT, h.end, "Assignment", h.role,
                     names.get(h.school_id or 0, OFFICE), history.REASON_LABELS.get(h.reason, ""))
               for h in held]  # fmt: skip
    entries += [Entry(m.on, MOVE, None, m.kind_label, f"{m.from_role} → {m.to_role}",
                      names.get(m.school_id or 0, OFFICE), m.reason_label)
                for m in moves]  # fmt: skip
    if person.hire_date:
        entries.append(Entry(person.hire_date, HIRED, None, "Hired",
                             CLASSIFICATIONS.get(person.classification, ""),
                             names.get(person.school_id or 0, OFFICE), ""))  # fmt: skip
    return sorted(entries, key=lambda e: (e.on, e.kind))


def person_for(request: HttpRequest, pk: int, perm: str = policy.VIEW) -> tuple[Any, ...]:
    """The person in the URL, for themselves and for pathways managers; for anyone else it
    does not exist (a 404 tells nothing about who is on record)."""
    district, user = require_district(request, perm)
    person = staff_get(district=district, pk=pk)
    manager = policy.can(user, policy.PATHWAYS_MANAGE, district)
    if person.user_id != user.pk and not manager:
        raise Http404("No such person.")
    return district, user, person, manager


def _person_page(request: HttpRequest, pk: int, form: StandingForm | None = None) -> HttpResponse:
    district, user, person, manager = person_for(request, pk)
    if person.user_id != user.pk:
        audit_record(actor=user, action="pathways.readiness_viewed", target=person)
    context = {
        "person": person, "is_self": person.user_id == user.pk, "can_manage": manager,
        "readiness": selectors.person_readiness(district=district, person=person),
        "timeline": career(district, person), "states": STATE_LABELS,
        "standings": selectors.standing_list(district=district, staff=person),
        "form": (form or StandingForm()) if manager else None,
        "crumbs": crumbs((person.full_name, None)),
    }  # fmt: skip
    return render(request, "pathways/person.html", context, status=400 if form else 200)


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk)


@login_required
@require_POST
def standing(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.PATHWAYS_MANAGE)
    person = staff_get(district=district, pk=pk)
    form = StandingForm(request.POST)
    if form.is_valid():
        try:
            standing_record(staff=person, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("school_year", error.messages)
        else:
            good = "in good standing" if form.cleaned_data["good"] else "not in good standing"
            messages.success(request, f"Recorded {person.full_name} as {good} for "
                             f"{form.cleaned_data['school_year']}.")  # fmt: skip
            return redirect("pathways:person", pk=pk)
    return _person_page(request, pk, form)


def person_table(district: District, person: Staff, table: str) -> tuple[list[str], Any]:
    """(header, rows) of one of the person page's tables; an unknown table is a 404."""
    if table == "timeline":
        header = ["From", "To", "What", "Role", "School", "Reason"]
        return header, ([e.on, e.until, e.what, e.role, e.school, e.reason]
                        for e in career(district, person))  # fmt: skip
    if table == "standing":
        return ["School year", "In good standing", "Recorded on"], (
            [s.school_year, "yes" if s.good else "no", s.recorded_at.date()]
            for s in selectors.standing_list(district=district, staff=person))  # fmt: skip
    if table != "readiness":
        raise Http404("No such table.")
    header = ["Ladder", "On step", "Since", "Next step", "Requirement", "State", "Detail",
              "Could be met by"]  # fmt: skip
    return header, ([r.ladder.name, r.current.name if r.current else "", r.since,
                     r.next.name if r.next else "", c.label, STATE_LABELS[c.state], c.detail, c.by]
                    for r in selectors.person_readiness(district=district, person=person)
                    for c in r.checks)  # fmt: skip


@login_required
@require_GET
def person_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponseBase:
    district, user, person, _ = person_for(request, pk, policy.EXPORT)
    header, rows = person_table(district, person, table)
    audit_record(actor=user, action="pathways.person_exported", target=person,
                 changes={"table": [None, table], "format": [None, fmt]})  # fmt: skip
    stem = f"career-{person.staff_unique_id}-{table}"
    return export_response(fmt=fmt, stem=stem, header=header, rows=rows)


urlpatterns = [
    path("pathways/", home, name="home"),
    path("pathways/export.<export:fmt>", home_export, name="home-export"),
    path("pathways/ladders/new/", ladder_edit, name="ladder-create"),
    path("pathways/ladders/<int:pk>/", ladder, name="ladder"),
    path("pathways/ladders/<int:pk>/export.<export:fmt>", ladder_export, name="ladder-export"),
    path("pathways/ladders/<int:pk>/edit/", ladder_edit, name="ladder-edit"),
    path("pathways/ladders/<int:pk>/delete/", ladder_delete, name="ladder-delete"),
    path("pathways/ladders/<int:pk>/steps/<int:order>/succession/", succession,
         name="succession"),
    path("pathways/ladders/<int:pk>/steps/<int:order>/succession/export.<export:fmt>",
         succession_export, name="succession-export"),
    path("pathways/people/<int:pk>/", person, name="person"),
    path("pathways/people/<int:pk>/standing/", standing, name="standing"),
    path("pathways/people/<int:pk>/<slug:table>/export.<export:fmt>", person_export,
         name="person-export"),
]  # fmt: skip
