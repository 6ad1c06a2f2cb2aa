"""A small school where everyone has a place around one coaching relationship.

Aspen Elementary: Tess (teacher) is coached by Cole (coach). Pat is Aspen's principal; Vera is
named as Tess's evaluator; Alice is a district admin; Mia is a mentor Tess may share with; Otto
teaches at Aspen too; Pia is the principal of another school. Charlie runs another district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.test import Client
from django.utils import timezone

from trellis.coaching import services
from trellis.coaching.models import Interaction, Relationship
from trellis.core.models import District, Membership, Role, User
from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory, UserFactory
from trellis.org.models import School, Staff

SECRETS = (
    "SECRET-NOTE-7f3a",
    "SECRET-NEXT-91bc",
    "SECRET-COMMENT-44d0",
    "SECRET-CONSULTANT-e2a9",
)
NOTE, NEXT, COMMENT, CONSULTANT = SECRETS


@dataclass
class Member:
    user: User
    staff: Staff | None

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


@dataclass
class Cast:
    district: District
    aspen: School
    birch: School
    people: dict[str, Member] = field(default_factory=dict)
    relationship: Relationship | None = None
    entries: list[Interaction] = field(default_factory=list)

    def __getitem__(self, name: str) -> Member:
        return self.people[name]


def member(
    district: District, username: str, role: str, school: School | None, **staff: object
) -> Member:
    user = UserFactory(username=username, first_name=username.capitalize())
    Membership.objects.create(user=user, district=district, role=role)
    record = StaffFactory(
        district=district, school=school, user=user, first_name=username.capitalize(), **staff
    )
    return Member(user, record)


def cast(with_log: bool = True) -> Cast:
    district = DistrictFactory(name="Maple Valley", slug="maple")
    aspen = SchoolFactory(district=district, name="Aspen Elementary")
    birch = SchoolFactory(district=district, name="Birch Middle", lowest_grade=6, highest_grade=8)
    c = Cast(district, aspen, birch)
    c.people["cole"] = member(district, "cole", Role.COACH, aspen)
    c.people["pat"] = member(district, "pat", Role.PRINCIPAL, aspen)
    c.people["vera"] = member(district, "vera", Role.TEACHER, None)
    c.people["alice"] = member(district, "alice", Role.DISTRICT_ADMIN, None)
    c.people["mia"] = member(district, "mia", Role.COACH, birch)
    c.people["otto"] = member(district, "otto", Role.TEACHER, aspen)
    c.people["pia"] = member(district, "pia", Role.PRINCIPAL, birch)
    c.people["tess"] = member(
        district, "tess", Role.TEACHER, aspen, supervisor=c.people["vera"].staff
    )
    other = DistrictFactory(name="Cedar Ridge", slug="cedar")
    c.people["charlie"] = member(other, "charlie", Role.DISTRICT_ADMIN, None)
    if with_log:
        log(c)
    return c


def log(c: Cast) -> None:
    """Cole coaches Tess; three entries carrying every kind of secret; Tess comments and shares
    with Mia."""
    today = timezone.localdate()
    c.relationship = services.relationship_create(
        district=c.district,
        coach=c["cole"].staff,  # type: ignore[arg-type]
        teacher=c["tess"].staff,  # type: ignore[arg-type]
        begin_date=today - dt.timedelta(days=40),
        focus="station rotation",
        actor=c["alice"].user,
    )
    for days, kind, consultant in (
        (30, "visit", ""),
        (20, "planning", ""),
        (5, "consultant", CONSULTANT),
    ):
        c.entries.append(
            services.interaction_log(
                relationship=c.relationship,
                kind=kind,
                occurred_on=today - dt.timedelta(days=days),
                minutes=45,
                notes=f"{NOTE} small groups",
                next_steps=f"{NEXT} try exit tickets",
                consultant=consultant,
                actor=c["cole"].user,
            )
        )
    services.comment_add(interaction=c.entries[0], text=COMMENT, actor=c["tess"].user)
    services.share_grant(relationship=c.relationship, user=c["mia"].user, actor=c["tess"].user)


def leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace")
    return [s for s in SECRETS if s in text]
