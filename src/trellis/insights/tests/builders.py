"""A little of every area in one district, for the insight tests: through each area's own
services and test builders, except where those refuse what a test needs (back-dated history,
a certification without its evidence), which is written straight to the database as the
pathways tests do. Each builder says exactly what it adds, so a test can count on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from trellis.coaching import services as coaching
from trellis.core.models import District, Role, User
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.factories import StaffFactory
from trellis.hiring import services as hiring
from trellis.hiring.models import Application
from trellis.hiring.tests.helpers import apply, make_posting, make_user_staff, move_through
from trellis.hiring.tests.helpers import open_position as hiring_position
from trellis.learning.models import Candidacy
from trellis.learning.tests.catalog_helpers import (
    attend,
    enrol,
    make_activity,
    make_program,
    make_session,
)
from trellis.org.models import School, Staff, StaffClassification
from trellis.pathways.tests.history_builders import hold, role
from trellis.pay import services as pay
from trellis.pay.tests.helpers import GRID, coach_positions, upload
from trellis.roles import services as roles
from trellis.roles.models import EndReason, Position, RoleLevel
from trellis.rollout.models import Initiative, ItemStatus, MemberSource
from trellis.rollout.services import checklist, cohorts
from trellis.rollout.services.initiative import initiative_create

SECRET_NOTE = "SECRET-COACHING-NOTE-5d1e"
D = Decimal


def today() -> dt.date:
    return timezone.localdate()


def year(offset: int = 0) -> str:
    """The school year ``offset`` years from this one."""
    start = int(school_year_of(today())[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


def a_day_this_year() -> dt.date:
    """A recent day of this school year (today, early in July)."""
    return max(today() - dt.timedelta(days=7), school_year_bounds(year())[0])


def teachers(school: School, n: int) -> list[Staff]:
    return [StaffFactory(district=school.district, school=school) for _ in range(n)]


def specialist(school: School) -> Staff:
    """A current member of staff who is not a teacher (so no teacher count moves)."""
    return StaffFactory(
        district=school.district,
        school=school,
        classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
    )


def positions(school: School, actor: User, *, filled: int, open_: int) -> list[Position]:
    """``filled + open_`` live positions at ``school`` (each with its own job description,
    signed off by the school's principal), the first ``filled`` of them held."""
    first, principal = hiring_position(school.district, school=school, actor=actor)
    made = [first] + [
        hiring_position(school.district, school=school, principal=principal, actor=actor)[0]
        for _ in range(filled + open_ - 1)
    ]
    for position in made[:filled]:
        roles.assignment_create(
            position=position, staff=specialist(school), begin_date=today(), actor=actor
        )
    return made


def applications(
    school: School, actor: User, *, this_year: int, screened: int, last_year: int
) -> list[Application]:
    """One open posting (and its open position) with ``this_year`` applications submitted
    now, ``screened`` of them screened, and ``last_year`` submitted last school year."""
    district = school.district
    position, _ = hiring_position(district, school=school, actor=actor)
    template = hiring.template_seed(district=district, actor=actor)
    posting = make_posting(district, position, template, actor=actor)
    made = [apply(posting) for _ in range(this_year + last_year)]
    for application in made[:screened]:
        move_through(application, "screened", actor=actor)
    back = timezone.make_aware(dt.datetime.combine(school_year_bounds(year(-1))[0], dt.time(12)))
    Application.objects.filter(pk__in=[a.pk for a in made[this_year:]]).update(submitted_at=back)
    return made


def learning(school: School, *, attendees: int, certified: int, in_progress: int) -> None:
    """One six-hour session this school year attended by ``attendees`` teachers, and a
    program with ``certified`` certified candidates and ``in_progress`` still working."""
    district = school.district
    activity = make_activity(district, title=f"Blended learning at {school.name}")
    session = make_session(activity, starts_on=a_day_this_year())
    people = teachers(school, attendees)
    enrol(session, *people)
    attend(session, *people)
    program = make_program(
        district, f"Blended learning ({school.name})", hours=None, walkthroughs="1"
    )
    # Certifying through the services takes every requirement's evidence; the tile only counts.
    for n, person in enumerate(teachers(school, certified + in_progress)):
        Candidacy.objects.create(
            district=district,
            program=program,
            staff=person,
            started_on=a_day_this_year(),
            certified_on=a_day_this_year() if n < certified else None,
        )


def coaching_log(school: School, minutes: list[int]) -> Staff:
    """A coach (who signs in) coaching one teacher, with one entry this year per ``minutes``;
    returns the coach. Every note carries ``SECRET_NOTE``."""
    coach = make_user_staff(
        school.district,
        school=school,
        classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
        role=Role.COACH,
    )
    assert coach.user is not None
    relationship = coaching.relationship_create(
        district=school.district,
        coach=coach,
        teacher=specialist(school),
        begin_date=school_year_bounds(year())[0],
        actor=coach.user,
    )
    for m in minutes:
        coaching.interaction_log(
            relationship=relationship,
            kind="visit",
            occurred_on=a_day_this_year(),
            minutes=m,
            notes=SECRET_NOTE,
            actor=coach.user,
        )
    return coach


def rollout(
    school: School, actor: User, *, teachers_n: int, implementing: int, questions: int, done: int
) -> Initiative:
    """``teachers_n`` teachers; an initiative with one phase this year whose cohort holds
    ``implementing`` of them; ``questions`` checklist questions of its own, ``done`` done."""
    district: District = school.district
    people = teachers(school, teachers_n)
    initiative = initiative_create(
        district=district,
        data={"name": "Personalized learning for every child", "approaches": ["blended"],
              "first_year": year(-1), "last_year": year(1)},
        actor=actor,
    )  # fmt: skip
    phase = cohorts.phase_save(
        initiative=initiative,
        data={"name": "First cohort", "school_year": year(), "target_share": D(50),
              "teachers_per_coach": 20, "is_pilot": False},
        actor=actor,
    )  # fmt: skip
    cohort = cohorts.cohort_save(
        initiative=initiative, data={"name": "Red", "phase": phase, "notes": ""}, actor=actor
    )
    cohorts.members_add(
        cohort=cohort, staff=people[:implementing], source=MemberSource.ASSIGNED, actor=actor
    )
    for n in range(questions):
        item = checklist.item_add(
            initiative=initiative, recommendation=1, text=f"Question {n + 1}?", actor=actor
        )
        if n < done:
            checklist.item_update(item=item, data={"status": ItemStatus.DONE}, actor=actor)
    return initiative


def retention_history(school: School) -> None:
    """Two people began as instructional coaches over a year ago: one is still coaching, the
    other went back to the classroom after five months (one-year retention: 1 of 2)."""
    coach = role(school.district, f"Instructional coach ({school.name})", RoleLevel.SCHOOL)
    hold(coach, specialist(school), today() - dt.timedelta(days=730))
    hold(
        coach,
        specialist(school),
        today() - dt.timedelta(days=550),
        end=today() - dt.timedelta(days=400),
        reason=EndReason.RETURNED_TO_CLASSROOM,
    )


def grant_cliff(school: School, actor: User) -> list[Position]:
    """This year's salary schedule and three coach positions (one-month extension, budgeted at
    step 2, MA) paid in full by a grant that ends with this school year."""
    district = school.district
    pay.schedule_import(district=district, school_year=year(), upload=upload(GRID), actor=actor)
    made = coach_positions(district, school, actor, 3, prefix="G")
    first, last = school_year_bounds(year())
    grant = pay.source_create(
        district=district,
        actor=actor,
        data={"name": "RTT-D", "kind": "grant", "amount": D("900000"), "starts_on": first,
              "ends_on": last},
    )  # fmt: skip
    for position in made:
        pay.terms_save(
            position=position,
            actor=actor,
            data={"extension_months": D("1"), "budget_step": 2, "budget_lane": "MA",
                  "priority": 3},
        )  # fmt: skip
        pay.splits_save(position=position, school_year=year(), splits={grant: D(100)}, actor=actor)
    return made
