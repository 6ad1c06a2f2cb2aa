"""Demo staff surveys for Maple Valley: the study's instrument asked of its teachers, coaches and
principals.

- Two closed rounds, each in the spring of one of the last two school years, so every question
  has a trend. Most of those asked answered, and answers lean by school, cohort and year so the
  report has something to show: the pilot cohort rates its professional learning higher,
  Cottonwood (whose coach HR no longer counts in good standing) rates coaching lowest, and
  professional learning improved from one spring to the next. Every school and cohort reports.
  The four principals are too few, so the building leaders are hidden, and the coaches beside
  them too, or the whole less the teachers would give them away (they lean their own way all
  the same: coaches agree more that extra pay draws and keeps people).
- An open pulse of the same instrument, which about a third of those asked have answered and
  the teacher, coach and principal personas (bob, cole, pat) have not: they answer it when they
  sign in.

Being asked takes an account, and the demo's staff have none besides the personas: the school
staff the surveys ask get one, with the district role their classification gives, linked to
their staff record; no password (nobody signs in as them) and no email (opening the pulse mails
the personas only).

The services run a survey in the present: a round opens only before its closing date and takes
answers only while open, today. So the closed rounds are created, opened and closed as the
services do it (validated and audited) while their invitations, responses and answers are
written in bulk, each as ``response_submit`` writes it: the group the role gives, the school
of the staff record, the cohort active that school year, the day without a time; and in
shuffled order, so that no row order ties a response to an invitation. The pulse is opened and
answered through the services themselves.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from trellis.core.audit import audit_record
from trellis.core.models import District, Membership, Role, User
from trellis.core.schoolyear import school_year_of
from trellis.org.models import Staff
from trellis.org.models import StaffClassification as SC
from trellis.rollout.models import CohortMember, MemberStatus
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
    Status,
)
from trellis.surveys.services import (
    GROUP_OF_ROLE,
    administration_close,
    administration_create,
    administration_open,
    audience,
    instrument_from_template,
    response_submit,
    token_hash,
)

SEED = 20_261_203
NAME = "Staff survey"
ROLE_OF: dict[str, Role] = {SC.TEACHER: Role.TEACHER, SC.INSTRUCTIONAL_COORDINATOR: Role.COACH,
           SC.PRINCIPAL: Role.PRINCIPAL}  # fmt: skip
AUDIENCE = [Role.TEACHER, Role.COACH, Role.PRINCIPAL]
PERSONAS = ("bob", "cole", "pat")  # asked by the pulse, left to answer it themselves
LEADERS_SHARE = 0.95  # of the principals and coaches asked in a closed round, who answered
PULSE_SHARE = 0.33  # of the others asked, who have answered the pulse so far
SKIP = 0.02  # a scale or choice question left blank (none is required)

# Where each question stands among teachers: 0 is half agreeing, +0.5 about seven in ten.
BASE = {"pay-attracts": 0.2, "pay-keeps": -0.1, "pd-personalized": -0.2, "pd-coaching": 0.25,
        "path-formal": 0.6, "path-advancement": -0.15, "path-future-leaders": -0.5}  # fmt: skip
# How a group, school, cohort or earlier year leans, by the start of a question's key.
GROUP_LEAN: dict[str, dict[str, float]] = {
    RespondentGroup.INSTRUCTIONAL_LEADER: {"pay": 0.9, "path-advancement": 0.6, "pd-coaching": 0.4},
    RespondentGroup.BUILDING_LEADER: {"path-future-leaders": 1.0, "path-formal": 0.5, "pay": 0.3},
}
SCHOOL_LEAN = {
    "Aspen Elementary": {"": 0.25},
    "Cottonwood Elementary": {"": -0.2, "pd-coaching": -0.6},
    "Juniper Elementary": {"path": 0.3},
}
COHORT_LEAN = {"Pilot cohort": {"pd": 0.5, "path-formal": 0.3}, "Second cohort": {"pd": 0.25}}
TRAIT_WEIGHTS = (30, 18, 22, 12, 14, 8, 16, 20)  # in the order of the template's traits
COMMENTS = (
    "The coaching after a training is what makes it stick.",
    "Release time for the new roles matters more than the stipend.",
    "Please settle the schedule before the year starts, not after.",
    "The pilot teachers should lead the sessions for the rest of us.",
    "I would apply for a coaching role if it did not mean leaving my classroom entirely.",
    "Clearer steps from teacher-leader to coordinator would help people plan.",
    "The stipend is welcome, but the work of the roles keeps growing.",
    "Station rotation finally works in my room; the data coach helped most.",
    "Too many initiatives at once. Finish this one well.",
    "The certification hours are hard to fit in during the spring.",
    "Professional learning still feels the same for everyone, whatever we already know.",
    "Our PLC time is protected this year and it shows.",
    "New teachers need a coach in their first month, not their third.",
    "Posting the new roles openly, with the pay, made them feel real.",
    "I don't know how people are chosen for the specialist posts.",
    "Please keep the playlists; my students use them every day.",
    "Our coach is stretched across too many classrooms.",
    "The walkthroughs feel like evaluations even when they are not.",
    "More time to plan with the other grade-level teachers, please.",
    "The career ladder is a good idea; show us who has climbed it.",
    "Families ask good questions about mastery grading; we need answers to give them.",
    "Let teachers visit each other's classrooms during the school day.",
)


@dataclass(frozen=True)
class Spring:
    """A closed round in the spring of ``year``."""

    year: int
    share: float  # of the teachers asked, who answered
    comment: float  # of those who answered, who left a comment
    lean: Mapping[str, float]


@dataclass(frozen=True)
class Person:
    user_id: int
    staff_id: int | None
    school_id: int | None
    school: str
    group: str
    hired: dt.date | None
    mood: float  # how favourably they answer, whatever the question


def surveys_load(district: District, actor: User | None) -> int:
    """Load Maple Valley's staff survey, its rounds and their answers once; returns the rows
    created (0 when the district already has the survey or is not the demo's Maple Valley)."""
    if (
        actor is None
        or district.slug != "maple-valley"
        or Instrument.objects.filter(district=district, name=NAME).exists()
    ):
        return 0
    rng = random.Random(SEED)
    rows = _accounts(district)
    instrument = instrument_from_template(district=district, name=NAME, actor=actor)
    items = list(instrument.items.order_by("order", "pk"))
    rows += 1 + instrument.sections.count() + len(items)
    this_year = int(school_year_of(timezone.localdate())[:4])
    springs = (
        # The spring before: professional learning and the path forward were newer then.
        Spring(this_year - 1, 0.72, 0.07, {"pd": -0.4, "path-advancement": -0.3}),
        Spring(this_year, 0.86, 0.08, {}),
    )
    for spring in springs:
        rows += _closed_round(instrument, items, spring, actor, rng)
    rows += _pulse(instrument, items, actor, rng)
    return rows


def _accounts(district: District) -> int:
    """An account for each current member of school staff the surveys ask who has none yet."""
    staff = list(
        Staff.objects.filter(district=district, is_active=True, user__isnull=True,
                             school__isnull=False, classification__in=list(ROLE_OF))
        .order_by("staff_unique_id")
    )  # fmt: skip
    users = [
        User(username=f"{district.slug}.{s.staff_unique_id}", first_name=s.first_name,
             last_name=s.last_name, password=make_password(None))
        for s in staff
    ]  # fmt: skip
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=user, district=district, role=ROLE_OF[person.classification])
        for user, person in zip(users, staff, strict=True)
    )
    for user, person in zip(users, staff, strict=True):
        person.user = user
    Staff.objects.bulk_update(staff, ["user"])
    return 2 * len(users)


def _people(district: District, users: Sequence[User]) -> dict[int, Person]:
    """What a response keeps about each of these users (the group their role gives, their
    school), and how favourably they answer."""
    ids = [u.pk for u in users]
    roles: dict[int, set[str]] = defaultdict(set)
    memberships = Membership.objects.filter(district=district, user_id__in=ids)
    for user_id, role in memberships.values_list("user_id", "role"):
        roles[user_id].add(role)
    staff = {
        row[0]: row[1:]
        for row in Staff.objects.filter(district=district, user_id__in=ids).values_list(
            "user_id", "pk", "school_id", "school__name", "hire_date"
        )
    }
    people = {}
    for user in users:
        group = next((GROUP_OF_ROLE[r] for r in (Role.PRINCIPAL, Role.COACH)
                      if r in roles[user.pk]), RespondentGroup.OTHER)  # fmt: skip
        staff_id, school_id, school, hired = staff.get(user.pk, (None, None, "", None))
        # Seeded by the name, so each person answers alike from round to round.
        mood = random.Random(f"{SEED}:{user.username}").gauss(0, 0.4)
        people[user.pk] = Person(user.pk, staff_id, school_id, school or "", group, hired, mood)
    return people


def _cohorts(district: District, school_year: str) -> dict[int, tuple[int, str]]:
    """Each staff member's cohort in ``school_year``: their latest active membership begun by
    then (``response_submit`` takes the latest, today)."""
    found: dict[int, tuple[int, str]] = {}
    rows = (
        CohortMember.objects.filter(district=district, status=MemberStatus.ACTIVE,
                                    phase__school_year__lte=school_year)
        .order_by("staff_id", "-phase__school_year", "pk")
        .values_list("staff_id", "cohort_id", "cohort__name")
    )  # fmt: skip
    for staff_id, cohort_id, name in rows:
        found.setdefault(staff_id, (cohort_id, name))
    return found


def _lean(leans: Mapping[str, float], key: str) -> float:
    return sum(value for start, value in leans.items() if key.startswith(start))


def _answers(
    items: Sequence[Item],
    person: Person,
    cohort: str,
    lean: Mapping[str, float],
    comments: list[str],
    comment: float,
    rng: random.Random,
) -> dict[int, Any]:
    """One person's answers, as a respondent sends them: a scale point, trait indexes and, for
    a share ``comment`` of people, a comment (while the round's last)."""
    answers: dict[int, Any] = {}
    for item in items:
        if item.kind == ItemKind.TEXT:
            if comments and rng.random() < comment:
                answers[item.pk] = comments.pop()
            continue
        if rng.random() < SKIP:
            continue
        if item.kind == ItemKind.MULTIPLE:
            weights = list(TRAIT_WEIGHTS[: len(item.options)])
            if person.group != RespondentGroup.OTHER:
                weights[0] += 20  # leaders put communicating with adults first
            picks: set[int] = set()
            for _ in range(rng.choice((1, 2, 3, 3))):
                picks.add(rng.choices(range(len(weights)), weights)[0])
            answers[item.pk] = sorted(picks)
            continue
        leaning = (
            BASE.get(item.key, 0.0) + person.mood + _lean(lean, item.key)
            + _lean(GROUP_LEAN.get(person.group, {}), item.key)
            + _lean(SCHOOL_LEAN.get(person.school, {}), item.key)
            + _lean(COHORT_LEAN.get(cohort, {}), item.key)
        )  # fmt: skip
        # Agreeing starts above the middle of the scale: a lean of 0 puts half there.
        point = math.floor((item.points + 1) / 2 + leaning + rng.gauss(0, 0.8) + 0.5)
        answers[item.pk] = min(item.points, max(1, point))
    return answers


def _fields(item: Item, answer: Any) -> dict[str, Any]:
    if item.kind == ItemKind.TEXT:
        return {"text": answer}
    if item.kind == ItemKind.MULTIPLE:
        return {"choices": answer}
    return {"value": answer}


def _monday_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def _round(instrument: Instrument, actor: User, title: str, opens: dt.date,
           closes: dt.date) -> Administration:  # fmt: skip
    return administration_create(instrument=instrument, actor=actor, data={
        "title": title, "school_year": school_year_of(opens), "opens_on": opens,
        "closes_on": closes, "audience_roles": list(AUDIENCE),
        "group_source": GroupSource.MEMBERSHIP,
    })  # fmt: skip


def _closed_round(instrument: Instrument, items: Sequence[Item], spring: Spring, actor: User,
                  rng: random.Random) -> int:  # fmt: skip
    district = instrument.district
    opens = _monday_from(dt.date(spring.year, 4, 12))
    closes = opens + dt.timedelta(days=18)  # a Friday, two and a half weeks on
    admin = _round(instrument, actor, f"Spring {spring.year} staff survey", opens, closes)
    people = _people(district, audience(admin))
    asked = [p for p in people.values() if p.hired is None or p.hired <= opens]
    cohorts = _cohorts(district, admin.school_year)
    Administration.objects.filter(pk=admin.pk).update(status=Status.OPEN)
    audit_record(actor=actor, action="surveys.administration_opened", target=admin,
                 changes={"status": [Status.DRAFT, Status.OPEN],
                          "invited": [None, len(asked)]})  # fmt: skip
    reminded = opens + dt.timedelta(days=7)
    invitations, answered = [], []
    for person in asked:
        # Leaders, who ask their staff to answer, nearly all answer themselves.
        share = spring.share if person.group == RespondentGroup.OTHER else LEADERS_SHARE
        responds = rng.random() < share
        late = rng.random() < 0.3  # answered only after the reminder, or never
        invitations.append(Invitation(
            district=district, administration=admin, user_id=person.user_id,
            token_hash=token_hash(secrets.token_urlsafe(24)), invited_on=opens,
            reminded_on=reminded if late or not responds else None, responded=responds,
        ))  # fmt: skip
        if responds:
            first, last = (7, 18) if late else (0, 6)
            answered.append((person, opens + dt.timedelta(days=rng.randint(first, last))))
    rng.shuffle(answered)
    comments = list(COMMENTS)
    rng.shuffle(comments)
    by_item = {item.pk: item for item in items}
    responses, rows = [], []
    for person, day in answered:
        cohort_id, cohort = cohorts.get(person.staff_id or 0, (None, ""))
        response = Response(district=district, administration=admin, group=person.group,
                            school_id=person.school_id, cohort_id=cohort_id,
                            submitted_on=day)  # fmt: skip
        responses.append(response)
        answers = _answers(items, person, cohort, spring.lean, comments, spring.comment, rng)
        for pk, answer in answers.items():
            rows.append(Answer(district=district, response=response, item_id=pk,
                               **_fields(by_item[pk], answer)))  # fmt: skip
    Invitation.objects.bulk_create(invitations)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(rows, batch_size=2_000)
    administration_close(administration=admin, actor=actor)
    return 1 + len(invitations) + len(responses) + len(rows)


def _pulse(instrument: Instrument, items: Sequence[Item], actor: User,
           rng: random.Random) -> int:  # fmt: skip
    """This season's pulse, open: about a third have answered, the personas not yet."""
    district = instrument.district
    today = timezone.localdate()
    season = "Fall" if today.month >= 7 else "Spring"
    admin = _round(instrument, actor, f"{season} {today.year} pulse",
                   today - dt.timedelta(days=8), today + dt.timedelta(days=13))  # fmt: skip
    invited = administration_open(administration=admin, actor=actor)
    others = list(admin.invitations.exclude(user__username__in=PERSONAS).select_related("user")
                  .order_by("pk"))  # fmt: skip
    answering = [i for i in others if rng.random() < PULSE_SHARE]
    rng.shuffle(answering)  # answered in no particular order, as people do
    people = _people(district, [i.user for i in answering])
    cohorts = _cohorts(district, admin.school_year)
    comments = list(COMMENTS)
    rng.shuffle(comments)
    rows = 1 + invited
    for invitation in answering:
        person = people[invitation.user_id]
        cohort = cohorts.get(person.staff_id or 0, (None, ""))[1]
        answers = _answers(items, person, cohort, {}, comments, 0.08, rng)
        rows += 1 + response_submit(invitation=invitation, answers=answers)
    return rows
