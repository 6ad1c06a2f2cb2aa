"""Demo and scale data for coaching.

Demo: in Maple Valley, Cole (coach at Aspen) coaches Bob and four more Aspen teachers, with a
term's log (visits, planning, co-teaching, data conversations, a consultant's walkthrough),
Bob's comments, and a second coach working in the middle and high schools. Dates are relative to
today so the log is always this school year's.

Scale: the biggest district gets one coach per 25 teachers, each with their teachers and about
six entries per teacher over two school years, inserted in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from trellis.coaching import services
from trellis.coaching.models import Interaction, InteractionKind, Relationship
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.demo.people import PeopleSource
from trellis.org.models import Staff, StaffClassification

BATCH = 5_000
KINDS = [k for k in InteractionKind.values if k != InteractionKind.CONSULTANT]

_BOB_LOG = [
    # days ago, kind, minutes, notes, next steps
    (70, "planning", 45, "Mapped the first station-rotation unit: three stations, 20 minutes "
     "each, the teacher-led table on fractions.", "Bob tries the rotation on Thursday."),
    (63, "visit", 40, "Rotation ran; the online station finished early and drifted.",
     "Add a must-do / may-do list at the online station."),
    (56, "modelling", 30, "Modelled a 10-minute mini-lesson at the teacher-led table.",
     "Bob leads the next one; I observe."),
    (42, "data", 35, "Exit tickets: 14 of 22 met the fractions goal; regrouped by need.",
     "Three flexible groups for next week."),
    (35, "co_teaching", 50, "Co-taught the regrouped rotation; transitions under a minute.",
     "Try student-led data chats."),
    (21, "consultant", 40, "Walkthrough by the district's blended-learning partner: strong "
     "routines, choice board could offer more voice.", "Draft a choice board with students."),
    (12, "resources", 10, "Sent two choice-board templates and a short video on student goal "
     "setting.", ""),
    (4, "walkthrough", 25, "Walkthrough: students set their own goals on the choice board.",
     "Share the board at the next grade-level meeting."),
]  # fmt: skip
_BOB_COMMENTS = {
    63: "The must-do list worked on Friday. Thank you!",
    42: "Can we look at the math group again in two weeks?",
}


def coaching_load(district: District, actor: User | None) -> int:
    """Cole's caseload and log (idempotent: nothing is added once the district has coaching)."""
    if Relationship.objects.filter(district=district).exists():
        return 0
    cole = Staff.objects.filter(district=district, user__username="cole").first()
    bob = Staff.objects.filter(district=district, user__username="bob").first()
    manager = actor or User.objects.filter(memberships__district=district).first()
    if cole is None or bob is None or manager is None or cole.user is None:
        return 0
    today = timezone.localdate()
    start = today - dt.timedelta(days=80)
    bob_record = services.relationship_create(
        district=district,
        coach=cole,
        teacher=bob,
        begin_date=start,
        focus="Station rotation in math",
        actor=manager,
    )
    made = 1
    for days, kind, minutes, notes, next_steps in _BOB_LOG:
        entry = services.interaction_log(
            relationship=bob_record,
            kind=kind,
            occurred_on=today - dt.timedelta(days=days),
            minutes=minutes,
            notes=notes,
            next_steps=next_steps,
            consultant="Northwind Learning Partners" if kind == "consultant" else "",
            actor=cole.user,
        )
        made += 1
        if days in _BOB_COMMENTS and bob.user is not None:
            services.comment_add(interaction=entry, text=_BOB_COMMENTS[days], actor=bob.user)
    peers = Staff.objects.filter(
        district=district,
        school=cole.school,
        classification=StaffClassification.TEACHER,
        is_active=True,
    ).exclude(pk=bob.pk)[:4]
    for n, teacher in enumerate(peers):
        record = services.relationship_create(
            district=district,
            coach=cole,
            teacher=teacher,
            begin_date=start + dt.timedelta(days=7 * n),
            focus=["Playlists", "Small-group instruction", "Using the data dashboard",
                   "Student goal setting"][n],
            actor=manager,
        )  # fmt: skip
        for k in range(3 + n):
            services.interaction_log(
                relationship=record,
                kind=KINDS[(n + k) % len(KINDS)],
                occurred_on=today - dt.timedelta(days=60 - 7 * n - 5 * k),
                minutes=20 + 5 * k,
                notes="Worked on the focus together.",
                actor=cole.user,
            )
            made += 1
    return made


def coaching_generate(districts: Sequence[District], people: PeopleSource) -> int:
    """One coach per 25 teachers in the biggest district, six entries per teacher."""
    district = districts[0]
    staff = list(
        Staff.objects.filter(district=district, is_active=True)
        .order_by("school_id", "pk")
        .values_list("pk", "school_id")
    )
    coaches = staff[::26]
    coach_ids = {pk for pk, _ in coaches}
    teachers = [(pk, school) for pk, school in staff if pk not in coach_ids]
    today = timezone.localdate()
    begin = today - dt.timedelta(days=420)
    relationships = [
        Relationship(
            district=district,
            coach_id=coaches[n // 25 % len(coaches)][0],
            teacher_id=pk,
            focus="Blended learning",
            begin_date=begin,
        )
        for n, (pk, _) in enumerate(teachers)
    ]
    Relationship.objects.bulk_create(relationships, batch_size=BATCH)
    pairs = Relationship.objects.filter(district=district).values_list("pk", "teacher__school_id")
    entries: list[Interaction] = []
    total = 0
    for n, (pk, school_id) in enumerate(pairs.iterator(chunk_size=BATCH)):
        for k in range(6):
            day = today - dt.timedelta(days=(n * 7 + k * 61) % 400)
            entries.append(
                Interaction(
                    district=district,
                    relationship_id=pk,
                    kind=KINDS[(n + k) % len(KINDS)],
                    occurred_on=day,
                    minutes=15 + (n + k) % 6 * 10,
                    notes="Generated entry.",
                    school_id=school_id,
                    school_year=school_year_of(day),
                )
            )
        if len(entries) >= BATCH:
            Interaction.objects.bulk_create(entries, batch_size=BATCH)
            total += len(entries)
            entries = []
    Interaction.objects.bulk_create(entries, batch_size=BATCH)
    return len(relationships) + total + len(entries)
