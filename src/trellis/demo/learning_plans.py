"""Demo learning plans, PLCs and onboarding, written through the learning services so every row
is validated and audited like real work.

- Two PLCs where the district has people in the roles: one for coaches and technology TOSAs
  (every two weeks), one for implementation specialists (monthly), each with several past
  meetings: agenda, notes, challenges, successes and who came.
- Onboarding tracks for the instructional coach role, for people new to it and for people who
  held it before, and a checklist for each current coach.
- Learning plans for the coach and teacher personas (Cole and Bob in Maple Valley) with goals
  from several sources in several states, one of them past its review date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.learning.models import (
    Activity,
    Audience,
    Cadence,
    GoalSource,
    GoalStatus,
    LearningPlan,
    Onboarding,
    OnboardingTrack,
    PlanGoal,
    Plc,
)
from trellis.learning.services import plans as services
from trellis.org.models import Staff
from trellis.roles.models import Assignment, RoleType

COACH_KEYS = ("instructional_strategies_coach", "technology_coach")
SPECIALIST = "Implementation specialist"
MEETINGS = (
    (
        "Check-in on coaching cycles\nLook at one teacher's exit-ticket data together",
        "Most cycles are in their second week. We read a grade 3 tracker and agreed what a "
        "regrouping conversation sounds like.",
        "Finding time to meet teachers during the reading block.",
        "Two teachers now regroup every Friday without help.",
    ),
    (
        "Practise a coaching conversation in pairs\nPlan the next family night",
        "Pairs practised opening with the teacher's own question; the observer noted "
        "when the coach slipped into advice.",
        "Teachers ask coaches to judge lessons; keeping coaching apart from evaluation.",
        "A teacher invited colleagues to watch her station rotation.",
    ),
    (
        "Review the new learning platform reports\nShare one success each",
        "The platform's mastery report is clear; the usage report is not worth the time.",
        "Students who log in at home are counted twice in one report.",
        "Every member shared a success; three were about small-group instruction.",
    ),
    (
        "Mid-year reflection on the PLC's goals",
        "Members rated progress on each group goal and chose one to push until spring.",
        "Substitutes are short, so teachers miss coaching meetings.",
        "The PLC's shared planning template is now used in every school.",
    ),
)
NEW_COACH_ITEMS = (
    ("Meet your principal", "Agree how coaching stays separate from evaluation.", 5),
    ("Shadow an experienced coach", "Two full coaching cycles, start to finish.", 20),
    ("Open coaching cycles with three teachers", "", 30),
    ("Complete the coaching-skills series", "The district's own sessions for new coaches.", 45),
    ("Bring a data meeting to your PLC", "Share what you tried and what you would change.", 60),
    ("Review your learning plan with your evaluator", "", 90),
)
EXPERIENCED_COACH_ITEMS = (
    ("Meet your principal about this year's school goals", "", 7),
    ("Update your coaching calendar for the year", "", 14),
    ("Set your own learning-plan goals", "", 30),
)
# (text, source, owner: "self" or a persona, status path, review in days from today or None)
BOB_GOALS = (
    ("Run a weekly station rotation in the reading block and track which station each "
     "student needs next.", GoalSource.SELF, "self", ("active",), 30),
    ("Use the mastery tracker to regroup students in math every two weeks.",
     GoalSource.SUPERVISOR, "self", (), -10),
    ("Co-plan two lessons a month with the instructional coach, choosing small groups from "
     "student data.", GoalSource.COACH, "cole", ("active",), 45),
    ("Earn the blended-learning certification (ELA).", GoalSource.SELF, "self",
     ("active", "deferred"), None),
)  # fmt: skip
COLE_GOALS = (
    ("Open a coaching cycle with every teacher new to the school by October.",
     GoalSource.SUPERVISOR, "self", ("active", "met"), None),
    ("Practise coaching conversations that start from the teacher's own question.",
     GoalSource.SELF, "self", ("active",), 60),
    ("Lead a districtwide session on the learning platform.", GoalSource.COACH, "self",
     ("dropped",), None),
)  # fmt: skip


def learning_plans_load(district: District, admin: User | None) -> int:
    """Load the district's demo PLCs, onboarding and learning plans; only what is missing is
    created, so a second run adds nothing. Returns the number of rows created."""
    holders = _current_holders(district)
    made = 0
    coaches = [s for key in COACH_KEYS for s in holders.get(key, [])]
    made += _plc(district, admin, "Coaches PLC", COACH_KEYS[0], Cadence.BIWEEKLY, coaches)
    specialists = holders.get(SPECIALIST, [])
    made += _plc(
        district, admin, "Implementation specialists PLC", SPECIALIST, Cadence.MONTHLY, specialists
    )
    made += _tracks(district, admin)
    made += _plans(district, admin)
    return made


def _current_holders(district: District) -> dict[str, list[Staff]]:
    """Current holders by role type key (standard key, else the role type's name)."""
    found: dict[str, list[Staff]] = {}
    assignments = (
        Assignment.objects.filter(district=district, end_date__isnull=True)
        .select_related("staff", "position__version__job_description__role_type")
        .order_by("begin_date", "id")
    )
    for a in assignments:
        role_type = a.position.version.job_description.role_type
        people = found.setdefault(role_type.standard_key or role_type.name, [])
        if a.staff not in people:
            people.append(a.staff)
    return found


def _role_type(district: District, key: str) -> RoleType | None:
    return (
        RoleType.objects.filter(district=district, standard_key=key).first()
        or RoleType.objects.filter(district=district, name=key).first()
    )


def _plc(
    district: District,
    admin: User | None,
    name: str,
    role_key: str,
    cadence: str,
    members: Sequence[Staff],
) -> int:
    if not members or Plc.objects.filter(district=district, name=name).exists():
        return 0
    cole = next((m for m in members if m.user and m.user.username == "cole"), None)
    plc = services.plc_create(
        district=district,
        actor=admin,
        data={
            "name": name,
            "role_type": _role_type(district, role_key),
            "cadence": cadence,
            "facilitator": cole or members[0],
            "goals": "Every member runs coaching cycles grounded in student data.\n"
            "Share one success and one problem of practice at each meeting.",
            "members": list(members),
        },
    )
    step = 14 if cadence == Cadence.BIWEEKLY else 28
    today = timezone.localdate()
    for n, (agenda, notes, challenges, successes) in enumerate(MEETINGS):
        came = [m for i, m in enumerate(members) if len(members) < 3 or (i + n) % 4 != 0]
        services.meeting_create(
            plc=plc,
            actor=admin,
            attendees=came,
            data={
                "held_on": today - dt.timedelta(days=step * (len(MEETINGS) - n)),
                "agenda": agenda,
                "notes": notes,
                "challenges": challenges,
                "successes": successes,
            },
        )
    return 1 + len(MEETINGS)


def _tracks(district: District, admin: User | None) -> int:
    coach = RoleType.objects.filter(district=district, standard_key=COACH_KEYS[0]).first()
    if coach is None:
        return 0
    made = 0
    for audience, name, items in (
        (Audience.NEW, "New coaches: the first 90 days", NEW_COACH_ITEMS),
        (Audience.EXPERIENCED, "Returning coaches: the start of the year", EXPERIENCED_COACH_ITEMS),
    ):
        if OnboardingTrack.objects.filter(role_type=coach, audience=audience).exists():
            continue
        track = services.track_create(
            district=district,
            actor=admin,
            data={"name": name, "role_type": coach, "audience": audience},
        )
        for title, detail, due_days in items:
            services.track_item_add(
                track=track,
                actor=admin,
                data={"title": title, "detail": detail, "due_days": due_days},
            )
        made += 1 + len(items)
    started = Assignment.objects.filter(
        district=district,
        end_date__isnull=True,
        position__version__job_description__role_type=coach,
    ).select_related("position__version__job_description__role_type")
    for assignment in started:
        if not Onboarding.objects.filter(assignment=assignment).exists():
            made += services.onboarding_assign(assignment=assignment, actor=admin) is not None
    return made


def _plans(district: District, admin: User | None) -> int:
    people = {
        s.user.username: s
        for s in Staff.objects.filter(district=district, user__username__in=("bob", "cole"))
        .select_related("user")
        .order_by("id")
        if s.user is not None
    }
    activity = Activity.objects.filter(district=district, is_active=True).order_by("id").first()
    made = 0
    for username, goals in (("bob", BOB_GOALS), ("cole", COLE_GOALS)):
        staff = people.get(username)
        if staff is not None:
            made += _goals(staff, people, goals, activity, admin)
    return made


def _goals(
    staff: Staff,
    people: dict[str, Staff],
    goals: Sequence[tuple[str, str, str, tuple[str, ...], int | None]],
    activity: Activity | None,
    admin: User | None,
) -> int:
    today = timezone.localdate()
    year = school_year_of(today)
    plan = LearningPlan.objects.filter(staff=staff, school_year=year).first()
    made = 0
    for text, source, owner, path, review_in in goals:
        if plan is not None and PlanGoal.objects.filter(plan=plan, text=text).exists():
            continue
        review_on = None
        if review_in is not None:  # never before the plan's school year begins
            review_on = max(today + dt.timedelta(days=review_in), dt.date(int(year[:4]), 7, 1))
        goal = services.goal_add(
            staff=staff,
            school_year=year,
            source=source,
            actor=admin,
            data={
                "text": text,
                "owner": staff if owner == "self" else people.get(owner, staff),
                "review_on": review_on,
                "activities": [activity] if activity and source == GoalSource.COACH else [],
                "evidence": "Lesson plans and exit-ticket trackers in the shared folder."
                if "active" in path
                else "",
            },
        )
        plan = goal.plan
        for status in path:
            services.goal_move(goal=goal, to=GoalStatus(status), actor=admin)
        made += 1
    return made
