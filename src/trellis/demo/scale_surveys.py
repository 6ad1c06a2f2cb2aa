"""The scale generator's surveys step, for the biggest district, in bulk.

The study's staff survey (the shipped template, built as the service builds it) asked of every
current staff member in three closed rounds over two school years, more answering each time:
about 173,000 responses and 1.36 million answers at L (7,000 at S, 90,000 at M). Everyone asked
has an account with a district role (principal, coach or teacher, from their classification),
linked to their staff record, and an invitation; a response keeps only what
``surveys.services.response_submit`` keeps: the group the role gives, the school and the active
cohort of the staff record, and the day. Answers stay on each item's scale: Likert points from
1, up to three traits as sorted indexes, and a comment from about one in eight. No audit events
are written (the services write them for the instrument, each round and each answer): they
protect their district from deletion, and like every scale step this one leaves its districts
deletable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from bisect import bisect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from trellis.core.models import District, Membership, Role, User
from trellis.demo.people import PeopleSource
from trellis.org.models import Staff
from trellis.org.models import StaffClassification as SC
from trellis.rollout.models import CohortMember, MemberStatus
from trellis.surveys import template
from trellis.surveys.models import (
    Administration,
    Answer,
    GroupSource,
    Instrument,
    Invitation,
    Item,
    ItemKind,
    RespondentGroup,
    Response,
    Section,
    Status,
)
from trellis.surveys.selectors.surveys import survey_settings
from trellis.surveys.services import GROUP_OF_ROLE

BATCH = 5_000
SEED = 2_027
NAME = "Staff survey"
DESCRIPTION = "The study's staff survey on the new roles, pay, learning and careers."
AUDIENCE = [Role.TEACHER, Role.COACH, Role.PRINCIPAL]
ROLE_OF: dict[str, Role] = {
    SC.PRINCIPAL: Role.PRINCIPAL,
    SC.INSTRUCTIONAL_COORDINATOR: Role.COACH,
    SC.LEA_SPECIALIST: Role.COACH,
}
# An unusable password, as ``set_unusable_password`` makes, without a random string per person.
NO_PASSWORD = "!scale"  # noqa: S105 — not a password: the mark of none


@dataclass(frozen=True)
class Round:
    title: str
    school_year: str
    opens_on: dt.date
    closes_on: dt.date
    share: float  # of those asked who answer
    lift: int  # how far answers have moved toward agreeing since the first round


D = dt.date
ROUNDS = (
    Round("Spring 2025 staff survey", "2024-25", D(2025, 4, 7), D(2025, 4, 25), 0.70, 0),
    Round("Spring 2026 staff survey", "2025-26", D(2026, 4, 6), D(2026, 4, 24), 0.80, 1),
    Round("Fall 2026 staff survey", "2026-27", D(2026, 10, 5), D(2026, 10, 23), 0.85, 2),
)  # the last is the largest closed round, and the latest
SKIP = 0.03  # a scale or choice question left blank
COMMENT = 0.12
COMMENTS = (
    "The coaching after trainings is what makes them stick.",
    "Release time for the new roles matters more than the stipend.",
    "We need the schedule settled before the year starts, not after.",
    "The pilot teachers should lead the sessions for the rest of us.",
    "More time with the data coach, please.",
    "The pay is welcome but the workload of the roles keeps growing.",
    "Please keep the playlists: my students use them every day.",
    "I would apply for a coaching role if it did not mean leaving my classroom entirely.",
    "Clearer steps from teacher-leader to coordinator would help people plan.",
    "Our principal makes time for the PLCs and it shows.",
    "Too many initiatives at once; finish this one well.",
    "The certification hours are hard to fit in during the spring.",
)


def surveys_generate(districts: Sequence[District], people: PeopleSource) -> int:
    district = districts[0]
    actor = User.objects.get(username=f"bench-{district.slug}")
    rng = random.Random(f"{SEED}:{district.slug}")  # two scales can share a database
    instrument, items = _instrument(district, actor)
    with _page_cache():
        staff, rows = _accounts(district)
        cohort_of = _cohorts(district)
        for round_ in ROUNDS:
            rows += _round(district, instrument, items, staff, cohort_of, round_, actor, rng)
    return rows + 1 + len(items) + len(template.SECTIONS)


def _instrument(district: District, actor: User) -> tuple[Instrument, list[Item]]:
    """The study's instrument as ``instrument_from_template`` builds it, section by section with
    the items numbered in order, but with no audit event: like every scale step, this one leaves
    its districts deletable (audit events protect theirs)."""
    instrument = Instrument(district=district, name=NAME, template_key=template.TEMPLATE_KEY,
                            description=DESCRIPTION, created_by=actor)  # fmt: skip
    instrument.full_clean()
    instrument.save()
    items: list[Item] = []
    for number, (title, questions) in enumerate(template.SECTIONS, start=1):
        section = Section.objects.create(district=district, instrument=instrument, title=title,
                                         order=number)  # fmt: skip
        items += [
            Item(district=district, instrument=instrument, section=section, order=len(items) + n,
                 kind=t.kind, text=t.text, points=t.points if t.kind == ItemKind.LIKERT else 4,
                 options=list(t.options), key=t.key)
            for n, t in enumerate(questions, start=1)
        ]  # fmt: skip
    for item in items:
        item.full_clean()
    return instrument, Item.objects.bulk_create(items)


@contextmanager
def _page_cache(kib: int = 256 * 1024) -> Iterator[None]:
    """A larger SQLite page cache while the answers go in. At L their unique index outgrows the
    default few megabytes, and each sweep through it then spills and rereads pages: about 12 s
    more of the step waiting on the disk."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


@dataclass(frozen=True)
class Person:
    user_id: int
    school_id: int | None
    staff_id: int
    group: str


def _accounts(district: District) -> tuple[list[Person], int]:
    """An account with one district role for every current staff member who has none yet, linked
    to the staff record (the bench account, on its panel seat, keeps its own)."""
    staff = list(
        Staff.objects.filter(district=district, is_active=True, user__isnull=True)
        .order_by("pk")
        .values_list("pk", "staff_unique_id", "first_name", "last_name", "email",
                     "classification", "school_id")
    )  # fmt: skip
    prefix = f"{district.slug}."
    joined = _prepared(User, "date_joined", timezone.now())
    _insert(User, USER_FIELDS, [
        (f"{prefix}{uid}", first, last, email, NO_PASSWORD, False, False, True, joined)
        for _, uid, first, last, email, _, _ in staff
    ])  # fmt: skip
    user_of = dict(User.objects.filter(username__startswith=prefix).values_list("username", "pk"))
    roles: list[Role] = [ROLE_OF.get(row[5], Role.TEACHER) for row in staff]
    created = _prepared(Membership, "created_at", timezone.now())
    _insert(Membership, MEMBERSHIP_FIELDS, [
        (user_of[f"{prefix}{row[1]}"], district.pk, role, created)
        for row, role in zip(staff, roles, strict=True)
    ])  # fmt: skip
    _link(district, prefix)
    people = [
        Person(user_of[f"{prefix}{row[1]}"], row[6], row[0],
               GROUP_OF_ROLE.get(role, RespondentGroup.OTHER))
        for row, role in zip(staff, roles, strict=True)
    ]  # fmt: skip
    return people, 2 * len(staff)


def _link(district: District, prefix: str) -> None:
    """Each staff record to its account, in one statement (bulk_update would write a CASE of a
    thousand arms per batch). The accounts' statistics are brought up to date first: planned
    from those of the near-empty table it was, PostgreSQL scans every account for every record,
    which takes minutes at L."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(User._meta.db_table)}")
    account = User.objects.filter(username=Concat(Value(prefix), OuterRef("staff_unique_id")))
    Staff.objects.filter(district=district, is_active=True, user__isnull=True).update(
        user_id=Subquery(account.values("pk")[:1])
    )


def _cohorts(district: District) -> dict[int, int]:
    """Each person's cohort as a response records it: their latest active membership."""
    found: dict[int, int] = {}
    for staff_id, cohort_id in (
        CohortMember.objects.filter(district=district, status=MemberStatus.ACTIVE)
        .order_by("staff_id", "-phase__school_year", "pk")
        .values_list("staff_id", "cohort_id")
    ):
        found.setdefault(staff_id, cohort_id)
    return found


# Likert weights per point (1 = strongly disagree), before a round's lift and a group's tilt.
BASE = {4: (12, 28, 42, 18), 5: (10, 22, 18, 34, 16)}
TRAIT_WEIGHTS = (30, 18, 22, 12, 14, 8, 16, 20)  # the template's eight traits


def _likert_pick(item: Item, lift: int, tilt: int) -> tuple[float, ...]:
    """Cumulative shares of each point: later rounds and leaders lean toward agreeing, and each
    question has its own lean, so the report has something to show."""
    weights = list(BASE[item.points])
    shift = lift + tilt + item.order % 3 - 1
    weights[-1] += 4 * shift
    weights[-2] += 3 * shift
    weights[0] = max(2, weights[0] - 4 * shift)
    weights[1] = max(2, weights[1] - 3 * shift)
    total = sum(weights)
    return tuple(c / total for c in accumulate(weights))


def _prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """One value in the database's terms, as the field would write it."""
    field = model._meta.get_field(name)
    return field.get_db_prep_save(value, connection)  # type: ignore[union-attr]


def _insert(model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> int:
    """Rows already in the database's terms, by COPY on PostgreSQL and executemany on SQLite:
    Django's bulk_create prepares every value of every row, about 20 µs a row, which would add
    half a minute at L."""
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(column[f]) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            # The table's and columns' names come from the model, the values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
    n = len(rows)
    rows.clear()
    return n


USER_FIELDS = ("username", "first_name", "last_name", "email", "password", "is_superuser",
               "is_staff", "is_active", "date_joined")  # fmt: skip
MEMBERSHIP_FIELDS = ("user", "district", "role", "created_at")
RESPONSE_FIELDS = ("id", "district", "administration", "group", "school", "cohort",
                   "submitted_on")  # fmt: skip
ANSWER_FIELDS = ("district", "response", "item", "value", "choices", "text")
INVITATION_FIELDS = ("district", "administration", "user", "token_hash", "invited_on",
                     "reminded_on", "responded")  # fmt: skip


def _round(district: District, instrument: Instrument, items: list[Item], staff: list[Person],
           cohort_of: dict[int, int], round_: Round, actor: User,
           rng: random.Random) -> int:  # fmt: skip
    floor = survey_settings(district=district)  # the district's smallest groups, as a round takes
    admin = Administration(
        district=district, instrument=instrument, title=round_.title,
        school_year=round_.school_year, opens_on=round_.opens_on, closes_on=round_.closes_on,
        status=Status.CLOSED, audience_roles=list(AUDIENCE), group_source=GroupSource.MEMBERSHIP,
        min_group=floor.min_group, min_text=floor.min_text, created_by=actor,
    )  # fmt: skip
    admin.full_clean()
    admin.save()
    tilts = {RespondentGroup.BUILDING_LEADER: 2, RespondentGroup.INSTRUCTIONAL_LEADER: 1,
             RespondentGroup.OTHER: 0}  # fmt: skip
    picks: dict[tuple[int, str], tuple[float, ...]] = {
        (item.pk, group): _likert_pick(item, round_.lift, tilt)
        for item in items if item.kind == ItemKind.LIKERT for group, tilt in tilts.items()
    }  # fmt: skip
    traits = next((i for i in items if i.kind == ItemKind.MULTIPLE), None)
    trait_cum = tuple(accumulate(TRAIT_WEIGHTS[: len(traits.options)])) if traits else ()
    # Values as the fields would prepare them: the id as UUIDField writes it (hex where the
    # database has no uuid type), dates as ISO text, choices as the JSON text JSONField writes.
    native_uuid = connection.features.has_native_uuid_field
    days = [(round_.opens_on + dt.timedelta(days=d)).isoformat()
            for d in range((round_.closes_on - round_.opens_on).days + 1)]  # fmt: skip
    opens, reminded = round_.opens_on.isoformat(), days[7]
    district_id, admin_id = district.pk, admin.pk
    invitations: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    for person in staff:
        answered = rng.random() < round_.share
        late = rng.random() < 0.4  # answered only after the reminder, or never
        token = hashlib.sha256(f"scale:{admin_id}:{person.user_id}".encode()).hexdigest()
        invitations.append((district_id, admin_id, person.user_id, token, opens,
                            reminded if late or not answered else None, answered))  # fmt: skip
        if answered:
            response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            responses.append((response_id if native_uuid else response_id.hex, district_id,
                              admin_id, person.group, person.school_id,
                              cohort_of.get(person.staff_id), rng.choice(days)))  # fmt: skip
    # Written in the order of their random keys (response ids, then each response's answers,
    # tokens), so each unique index takes the round in one sweep instead of a page at random
    # for every row (10 s less at L on SQLite).
    responses.sort(key=itemgetter(0))
    invitations.sort(key=itemgetter(3))
    answers: list[tuple[Any, ...]] = []
    for response_id, _, _, group, *_ in responses:
        for item in items:
            if item.kind == ItemKind.TEXT:
                if rng.random() < COMMENT:
                    answers.append((district_id, response_id, item.pk, None, "[]",
                                    rng.choice(COMMENTS)))  # fmt: skip
                continue
            if rng.random() < SKIP:  # no scale or choice question is required
                continue
            value, choices = None, "[]"
            if item.kind == ItemKind.LIKERT:
                value = min(bisect(picks[item.pk, group], rng.random()) + 1, item.points)
            elif item.kind == ItemKind.MULTIPLE:
                picked = {bisect(trait_cum, rng.random() * trait_cum[-1])
                          for _ in range(rng.randint(1, 3))}  # fmt: skip
                choices = json.dumps(sorted(picked))
            else:  # one choice, numbered from 0: the template has none, another might
                value = rng.randrange(len(item.options))
            answers.append((district_id, response_id, item.pk, value, choices, ""))
    written = _insert(Response, RESPONSE_FIELDS, responses)
    written += _insert(Answer, ANSWER_FIELDS, answers)
    written += _insert(Invitation, INVITATION_FIELDS, invitations)
    return 1 + written
