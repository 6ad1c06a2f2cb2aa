"""The scale generator's hiring step, for the first (biggest) district of a scale: the shipped
interview process, a posting for each of up to 60 open positions, a four-seat panel, eight
applications each, six of them scored by the whole panel, in bulk. The first seat of the first
posting belongs to the bench account, so the benchmarks can open its scoring screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from trellis.core.models import District, User
from trellis.demo.people import PeopleSource
from trellis.hiring.models import (
    Application,
    ApplicationStatus,
    Candidate,
    Criterion,
    PanelSeat,
    Posting,
    PostingStatus,
    Score,
    Scorecard,
    SeatRole,
    Source,
)
from trellis.hiring.services import standard_template_build
from trellis.org.models import Staff
from trellis.roles.models import Position, PositionStatus

BATCH = 5_000
POSTINGS = 60
APPLICANTS = 8
SCORED = 6
SEATS = (
    SeatRole.DISTRICT_EMPLOYEE,
    SeatRole.PRINCIPAL,
    SeatRole.INCUMBENT,
    SeatRole.TEACHER_LEADER,
)
SOURCES = [s for s, _ in Source.choices if s != Source.INTERNAL]


def hiring_generate(districts: Sequence[District], people: PeopleSource) -> int:
    district = districts[0]
    template = standard_template_build(district)
    criteria = list(Criterion.objects.filter(component__template=template).order_by("id"))
    positions = list(
        Position.objects.filter(district=district, status=PositionStatus.OPEN).order_by("id")[
            :POSTINGS
        ]
    )
    today = timezone.localdate()
    postings = [
        Posting(
            district=district,
            position=p,
            template=template,
            title=f"Posting {p.requisition_number}",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=5),
            status=PostingStatus.OPEN,
        )
        for p in positions
    ]
    Posting.objects.bulk_create(postings, batch_size=BATCH)
    staff = list(
        Staff.objects.filter(district=district, is_active=True)
        .order_by("-id")
        .values_list("pk", flat=True)[: len(postings) * len(SEATS)]
    )
    bench = User.objects.filter(username=f"bench-{district.slug}").first()
    seats = []
    for i, posting in enumerate(postings):
        for j, role in enumerate(SEATS):
            seats.append(
                PanelSeat(
                    district=district,
                    posting=posting,
                    staff_id=staff[i * len(SEATS) + j],
                    seat_role=role,
                )
            )
    if bench is not None and seats:
        Staff.objects.filter(pk=seats[0].staff_id).update(user=bench)
    PanelSeat.objects.bulk_create(seats, batch_size=BATCH)

    candidates = []
    for i in range(len(postings) * APPLICANTS):
        first, last = people.name()
        candidates.append(
            Candidate(
                district=district,
                first_name=first,
                last_name=last,
                email=f"c{i}@candidates.example.org",
                source=SOURCES[i % len(SOURCES)],
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=BATCH)
    applications = []
    for i, posting in enumerate(postings):
        for k in range(APPLICANTS):
            status = ApplicationStatus.DEBRIEF if k < SCORED else ApplicationStatus.INTERVIEWING
            applications.append(
                Application(
                    district=district,
                    posting=posting,
                    status=status,
                    candidate=candidates[i * APPLICANTS + k],
                )
            )
    Application.objects.bulk_create(applications, batch_size=BATCH)

    cards = []
    for n, application in enumerate(applications):
        if n % APPLICANTS >= SCORED:
            continue
        posting_seats = seats[(n // APPLICANTS) * len(SEATS) : (n // APPLICANTS + 1) * len(SEATS)]
        cards += [
            Scorecard(district=district, application=application, seat=s) for s in posting_seats
        ]
    Scorecard.objects.bulk_create(cards, batch_size=BATCH)
    scores = []
    for card in cards:
        base = people.rng.randint(2, 3)
        for criterion in criteria:
            value = min(4, max(1, base + people.rng.choice((-1, 0, 0, 1))))
            scores.append(
                Score(district=district, scorecard=card, criterion=criterion, value=value)
            )
        if len(scores) >= BATCH:
            Score.objects.bulk_create(scores, batch_size=BATCH)
            scores = []
    Score.objects.bulk_create(scores, batch_size=BATCH)
    return (
        len(postings)
        + len(seats)
        + len(candidates)
        + len(applications)
        + len(cards)
        + (len(cards) * len(criteria))
    )
