"""Reads for hiring. Candidate data reaches HR and the candidate's own panel only; a panelist
sees other panelists' scores only once they have submitted their own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from trellis.core import policy
from trellis.core.models import District, User
from trellis.hiring.models import (
    Application,
    ApplicationStatus,
    Component,
    InterviewTemplate,
    PanelSeat,
    Posting,
    Score,
    Scorecard,
    SeatRole,
)
from trellis.hiring.scoring import (
    ComponentSpec,
    CriterionSpec,
    PanelResult,
    alpha_units,
    panel_result,
)
from trellis.org.models import StaffClassification


def is_manager(user: User, district: District) -> bool:
    return policy.can(user, policy.HIRING_MANAGE, district)


def my_seats(user: User, district: District) -> QuerySet[PanelSeat]:
    return PanelSeat.objects.filter(district=district, staff__user=user)


# --- Templates and postings -----------------------------------------------------------------


def template_list(*, district: District) -> QuerySet[InterviewTemplate]:
    return (
        InterviewTemplate.objects.filter(district=district)
        .annotate(
            component_count=Count("components", distinct=True),
            posting_count=Count("postings", distinct=True),
        )
        .order_by("name", "-version", "id")
    )


def template_get(*, district: District, pk: int) -> InterviewTemplate:
    return get_object_or_404(InterviewTemplate, district=district, pk=pk)


def template_components(template: InterviewTemplate) -> QuerySet[Component]:
    return template.components.prefetch_related("criteria").order_by("order", "id")


def posting_list(*, district: District, user: User, status: str = "") -> QuerySet[Posting]:
    qs = Posting.objects.filter(district=district).select_related("position__school", "template")
    if not is_manager(user, district):
        qs = qs.filter(Exists(my_seats(user, district).filter(posting=OuterRef("pk"))))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        application_count=Count("applications", distinct=True),
        seat_count=Count("seats", distinct=True),
    ).order_by("-opens_on", "id")


def posting_get(*, district: District, user: User, pk: int) -> Posting:
    posting = get_object_or_404(
        Posting.objects.select_related("position__school", "position__version", "template"),
        district=district,
        pk=pk,
    )
    if (
        not is_manager(user, district)
        and not my_seats(user, district).filter(posting=posting).exists()
    ):
        raise Http404("No such posting.")
    return posting


def public_posting(token: str) -> Posting:
    return get_object_or_404(
        Posting.objects.select_related("district", "position__school", "position__version"),
        public_token=token,
        status="open",
    )


def open_postings_for_staff(*, district: District) -> QuerySet[Posting]:
    return Posting.objects.filter(district=district, status="open").exclude(audience="external")


# --- Applications ---------------------------------------------------------------------------


def application_list(*, posting: Posting) -> QuerySet[Application]:
    return (
        Application.objects.filter(district_id=posting.district_id, posting=posting)
        .select_related("candidate")
        .annotate(scorecard_count=Count("scorecards", filter=Q(scorecards__superseded_by=None)))
        .order_by("candidate__last_name", "candidate__first_name", "id")
    )


def to_score(*, user: User, district: District) -> list[tuple[Application, bool]]:
    """The candidates interviewing for the postings this user sits on, and whether they have
    submitted their scores for each: two queries however many panels they sit on."""
    applications = (
        Application.objects.filter(
            district=district,
            status=ApplicationStatus.INTERVIEWING,
            posting__seats__staff__user=user,
        )
        .select_related("candidate", "posting")
        .order_by("posting_id", "candidate__last_name", "candidate__first_name", "id")
        .distinct()
    )
    done = set(
        Scorecard.objects.filter(
            district=district, seat__staff__user=user, superseded_by=None
        ).values_list("application_id", flat=True)
    )
    return [(a, a.pk in done) for a in applications]


def application_get(*, district: District, user: User, pk: int) -> Application:
    """HR sees every application; a panelist only those of postings they are seated on; anyone
    else gets 404, as for another district's."""
    application = get_object_or_404(
        Application.objects.select_related(
            "candidate", "posting__template", "posting__position__school"
        ),
        district=district,
        pk=pk,
    )
    if is_manager(user, district):
        return application
    if my_seats(user, district).filter(posting_id=application.posting_id).exists():
        return application
    raise Http404("No such application.")


def current_scorecards(application: Application) -> QuerySet[Scorecard]:
    """The scorecards that count: submitted, and not since corrected."""
    return Scorecard.objects.filter(
        district_id=application.district_id, application=application, superseded_by=None
    )


def scores_visible_to(application: Application, user: User) -> bool:
    """Another panelist's scores are hidden until this user has submitted their own; HR sees
    them once the whole panel has submitted."""
    district = application.district
    seats = PanelSeat.objects.filter(posting_id=application.posting_id)
    done = current_scorecards(application).values_list("seat_id", flat=True)
    mine = seats.filter(staff__user=user).first()
    if mine is not None:
        return mine.pk in set(done)
    return is_manager(user, district) and set(seats.values_list("pk", flat=True)) <= set(done)


def panel_complete(application: Application) -> bool:
    seats = set(
        PanelSeat.objects.filter(posting_id=application.posting_id).values_list("pk", flat=True)
    )
    done = set(current_scorecards(application).values_list("seat_id", flat=True))
    return bool(seats) and seats <= done


# --- Panel rules ----------------------------------------------------------------------------


def panel_problems(posting: Posting) -> list[str]:
    """What keeps the panel from scoring: its template's required seats and, for a role based in
    a school, that school's principal."""
    seats = list(PanelSeat.objects.filter(posting=posting).select_related("staff"))
    problems = []
    if len(seats) < 2:
        problems.append("Seat at least two panelists, so no candidate is judged by one person.")
    labels = dict(SeatRole.choices)
    have = {s.seat_role for s in seats}
    for role in posting.template.required_seats:
        if role not in have and not (role == SeatRole.PRINCIPAL and not posting.position.school_id):
            problems.append(f"The process requires a seat for: {labels.get(role, role)}.")
    school = posting.position.school
    if school is not None:
        principal_seated = any(
            s.seat_role == SeatRole.PRINCIPAL
            and s.staff.school_id == school.pk
            and s.staff.classification
            in (StaffClassification.PRINCIPAL, StaffClassification.ASSISTANT_PRINCIPAL)
            for s in seats
        )
        if not principal_seated:
            problems.append(
                f"The position is at {school.name}: seat its principal (the study's sites "
                "regretted leaving principals off panels)."
            )
    return list(dict.fromkeys(problems))


def conflicts(posting: Posting) -> dict[int, list[str]]:
    """Application id → conflicts of interest with seated panelists: a panelist who is the
    candidate, or who leads the school the candidate works in."""
    seats = list(PanelSeat.objects.filter(posting=posting).select_related("staff"))
    found: dict[int, list[str]] = defaultdict(list)
    for application in Application.objects.filter(posting=posting).select_related(
        "candidate__staff"
    ):
        staff = application.candidate.staff
        if staff is None:
            continue
        for seat in seats:
            if seat.staff_id == staff.pk:
                found[application.pk].append(f"{seat.staff.full_name} is the candidate.")
            elif (
                staff.school_id
                and seat.staff.school_id == staff.school_id
                and seat.staff.classification
                in (StaffClassification.PRINCIPAL, StaffClassification.ASSISTANT_PRINCIPAL)
            ):
                found[application.pk].append(
                    f"{seat.staff.full_name} supervises the candidate at their school."
                )
    return dict(found)


# --- Results --------------------------------------------------------------------------------


def template_specs(template: InterviewTemplate) -> list[ComponentSpec]:
    return [
        ComponentSpec(
            id=c.pk,
            name=c.name,
            points=c.points,
            weight=c.weight,
            criteria=tuple(CriterionSpec(k.pk, k.scale_min, k.scale_max) for k in c.criteria.all()),
        )
        for c in template_components(template)
    ]


def ratings_of(application: Application) -> dict[int, dict[int, int]]:
    """Seat id → criterion id → rating, from the scorecards that count."""
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for card in current_scorecards(application).prefetch_related("scores"):
        for score in card.scores.all():
            ratings[card.seat_id][score.criterion_id] = score.value
    return dict(ratings)


def application_result(application: Application) -> PanelResult | None:
    """The panel's result once every seated panelist has submitted; None before."""
    if not panel_complete(application):
        return None
    template = application.posting.template
    return panel_result(template_specs(template), ratings_of(application), template.total_points)


def district_results(*, district: District, agreement: bool = True) -> dict[int, PanelResult]:
    """Application id → result, for every application whose panel has all submitted, from a
    handful of queries however many applications there are (the hiring report's input)."""
    seats: dict[int, set[int]] = defaultdict(set)
    for posting_id, seat_id in PanelSeat.objects.filter(district=district).values_list(
        "posting_id", "pk"
    ):
        seats[posting_id].add(seat_id)
    ratings: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = Score.objects.filter(district=district, scorecard__superseded_by=None).values_list(
        "scorecard__application_id", "scorecard__seat_id", "criterion_id", "value"
    )
    for application_id, seat_id, criterion_id, value in rows.iterator(chunk_size=5000):
        ratings[application_id][seat_id][criterion_id] = value
    applications = Application.objects.filter(district=district, pk__in=list(ratings))
    specs: dict[int, tuple[list[ComponentSpec], int]] = {}
    results: dict[int, PanelResult] = {}
    for application_id, posting_id, template_id in applications.values_list(
        "pk", "posting_id", "posting__template_id"
    ):
        by_seat = ratings[application_id]
        if not seats[posting_id] or not seats[posting_id] <= set(by_seat):
            continue
        if template_id not in specs:
            template = InterviewTemplate.objects.get(pk=template_id)
            specs[template_id] = (template_specs(template), template.total_points)
        components, total_points = specs[template_id]
        results[application_id] = panel_result(
            components, dict(by_seat), total_points, agreement=agreement
        )
    return results


@dataclass
class TemplateAgreement:
    template: InterviewTemplate
    interviews: int
    alpha: float | None
    # (posting title, opened on, complete interviews, alpha), oldest first
    rounds: list[tuple[str, dt.date, int, float | None]] = field(default_factory=list)


def template_agreement(template: InterviewTemplate) -> TemplateAgreement:
    """Krippendorff's alpha over every scored criterion of every complete interview that used
    this template: raters are panelists (staff), units are (application, criterion)."""
    specs = {c.id: c for comp in template_specs(template) for c in comp.criteria}
    seats: dict[int, set[int]] = defaultdict(set)
    for posting_id, seat_id in PanelSeat.objects.filter(posting__template=template).values_list(
        "posting_id", "pk"
    ):
        seats[posting_id].add(seat_id)
    rows = Score.objects.filter(
        scorecard__application__posting__template=template, scorecard__superseded_by=None
    ).values_list(
        "scorecard__application_id",
        "scorecard__application__posting_id",
        "scorecard__seat_id",
        "scorecard__seat__staff_id",
        "criterion_id",
        "value",
    )
    by_application: dict[int, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for application_id, posting_id, seat_id, staff_id, criterion_id, value in rows.iterator(
        chunk_size=5000
    ):
        by_application[application_id].append((posting_id, seat_id, staff_id, criterion_id, value))
    complete = {
        application_id: items
        for application_id, items in by_application.items()
        if seats[items[0][0]] <= {item[1] for item in items}  # the whole panel has submitted
    }

    def pooled(chosen: Mapping[int, list[tuple[int, int, int, int, int]]]) -> float | None:
        units: dict[tuple[int, int], list[float]] = defaultdict(list)
        for application_id, items in chosen.items():
            for _, _, _, criterion_id, value in items:
                units[(application_id, criterion_id)].append(specs[criterion_id].share(value))
        return alpha_units(units.values()) if chosen else None

    # Over time: each posting is one hiring round, in the order the postings opened.
    by_posting: dict[int, dict[int, list[tuple[int, int, int, int, int]]]] = defaultdict(dict)
    for application_id, items in complete.items():
        by_posting[items[0][0]][application_id] = items
    rounds = []
    postings = Posting.objects.filter(template=template).order_by("opens_on", "id")
    for posting_id, title, opens_on in postings.values_list("pk", "title", "opens_on"):
        if posting_id in by_posting:
            chosen = by_posting[posting_id]
            rounds.append((title, opens_on, len(chosen), pooled(chosen)))
    return TemplateAgreement(template, len(complete), pooled(complete), rounds)
