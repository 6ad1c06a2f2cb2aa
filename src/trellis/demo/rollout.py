"""Demo initiatives, written through the rollout services so every row is validated and audited.

- Maple Valley (345 teachers, four elementary schools) runs a three-year blended-learning
  rollout: a volunteer pilot of 33 teachers chosen by the pilot suggestion from the volunteers,
  one in every school, two school years ago; a second cohort last year; everyone else this year.
  A second-cohort teacher withdrew mid-year (their amnesty year stands). A committee of pilot
  teachers reviewed digital math content, the district bought the one it recommended and renewed
  it after a year; this year's ELA review is being scored.
- Harbor Point is led through a taskforce: the chief technology officer, the project director,
  the five principals and a teacher-leader from each school, meeting every six weeks. It wrote
  the vision (version 2 is current; two schools tailored it), works through the readiness
  checklist and keeps a communications plan with what families and teachers said.

Dates are relative to today, so the rollout is always under way.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.demo.learning_catalog import teacher_cohorts
from trellis.org.models import School, Staff, StaffClassification
from trellis.pay.models import FundingSource
from trellis.roles.models import Assignment
from trellis.rollout.models import (
    Audience,
    Channel,
    CohortMember,
    EvidenceKind,
    GradeBand,
    Initiative,
    ItemStatus,
    MemberSource,
    MemberStatus,
    Phase,
    ProviderReview,
    Purchase,
    Renewal,
    Round,
    Seat,
    TaskforceMember,
)
from trellis.rollout.selectors.cohorts import pilot_suggestion, teachers_not_started
from trellis.rollout.selectors.providers import results
from trellis.rollout.services import checklist, comms, initiative, providers, taskforce
from trellis.rollout.services import cohorts as plan

SEED = 20_261_201
SC = StaffClassification


def _year(offset: int) -> str:
    start = int(school_year_of(timezone.localdate())[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


def _day(school_year: str, month: int, day: int) -> dt.date:
    """A date in ``school_year`` (August to December in its first calendar year), never later
    than today."""
    start = int(school_year[:4])
    when = dt.date(start if month >= 7 else start + 1, month, day)
    return min(when, timezone.localdate())


def _holders(district: District, *titles: str) -> list[Staff]:
    """Who holds one of these positions now, in a stable order."""
    ids = (
        Assignment.objects.filter(
            district=district,
            end_date__isnull=True,
            position__version__job_description__title__in=titles,
        )
        .order_by("staff__staff_unique_id")
        .values_list("staff_id", flat=True)
    )
    return list(Staff.objects.filter(pk__in=list(ids)).order_by("staff_unique_id"))


def rollout_load(district: District, actor: User | None) -> int:
    """Load the district's demo initiative once; returns the rows created (0 when it exists or
    the district has no demo initiative)."""
    if actor is None or Initiative.objects.filter(district=district).exists():
        return 0
    if district.slug == "maple-valley":
        return _maple(district, actor)
    if district.slug == "harbor-point":
        return _harbor(district, actor)
    return 0


# --- Maple Valley: the three-year rollout ---------------------------------------------------

MAPLE_PILLARS = [
    {"title": "Students own their learning",
     "description": "Every student sets goals with their teacher and tracks their progress."},
    {"title": "Time is flexible, learning is not",
     "description": "Students move on when they show mastery, with help when they need it."},
    {"title": "Every classroom blends",
     "description": "Station rotation in every K–5 room, with the teacher-led table at the "
                    "heart of it."},
]  # fmt: skip


def _maple(district: District, actor: User) -> int:
    grant = FundingSource.objects.filter(district=district, name="RTT-D grant").first()
    mv = initiative.initiative_create(district=district, actor=actor, data={
        "name": "Blended learning in every classroom",
        "summary": "Station rotation and mastery-based progress in all four elementary schools, "
                   "phased in over three years: volunteers first, then a second cohort, then "
                   "every teacher.",
        "approaches": ["blended", "mastery"], "first_year": _year(-2), "last_year": _year(0),
        "grant": grant, "meeting_weeks": 6,
    })  # fmt: skip
    draft = initiative.vision_draft_save(
        initiative=mv, actor=actor, pillars=MAPLE_PILLARS,
        statement="In Maple Valley every child learns at the pace that fits them: teachers "
                  "know where each student stands, students know what comes next, and the "
                  "classroom is arranged so both can act on it every day.",
    )  # fmt: skip
    draft = initiative.vision_publish(version=draft, actor=actor)
    pat = User.objects.filter(username="pat").first()
    for school in School.objects.filter(district=district).order_by("name"):
        who = pat if pat and school.name == "Aspen Elementary" else actor
        initiative.school_vision_record(version=draft, school=school, mode="adopted", actor=who,
                                        note="Adopted at the fall staff meeting.")  # fmt: skip
    rows = 1 + 4
    rows += _maple_rollout(district, mv, actor)
    rows += _maple_reviews(district, mv, actor)
    rows += _maple_comms(mv, actor)
    return rows


def _phase(mv: Initiative, actor: User, name: str, offset: int, share: str, pilot: bool,
           per_coach: int = 25) -> Phase:  # fmt: skip
    return plan.phase_save(initiative=mv, actor=actor, data={
        "name": name, "school_year": _year(offset), "target_share": Decimal(share),
        "teachers_per_coach": per_coach, "is_pilot": pilot,
    })  # fmt: skip


def _maple_rollout(district: District, mv: Initiative, actor: User) -> int:
    teachers = list(
        Staff.objects.filter(district=district, classification=SC.TEACHER, is_active=True)
        .order_by("staff_unique_id")
    )  # fmt: skip
    first, second, _ = teacher_cohorts(teachers)
    # 33 of 345 is the study's pilot: a share of 9.6 % rounds to it.
    pilot = _phase(mv, actor, "Pilot", -2, "9.6", True)
    middle = _phase(mv, actor, "Second cohort", -1, "50", False)
    # Everyone at once: coaches take thirty teachers each this year.
    last = _phase(mv, actor, "Everyone", 0, "100", False, per_coach=30)
    coaches = _holders(district, "Instructional coach, K–5", "Technology TOSA",
                       "Implementation specialist, K–2 literacy",
                       "Implementation specialist, 3–5 mathematics")  # fmt: skip
    # The teachers who volunteered first (the learning pilot), then thirty more.
    for index, person in enumerate([*first, *second[:30]]):
        plan.volunteer_add(
            initiative=mv,
            staff=person,
            actor=actor,
            grade_band=GradeBand.K2 if index % 2 else GradeBand.G35,
            content_area=person.academic_subject,
            note="Tried stations last spring." if index % 7 == 0 else "",
        )
    pilot_cohort = plan.cohort_save(initiative=mv, actor=actor, coaches=coaches[:2], data={
        "name": "Pilot cohort", "phase": pilot,
        "notes": "Volunteers from every school; they also chose the math content."})  # fmt: skip
    chosen = pilot_suggestion(phase=pilot).result.chosen
    by_pk = {t.pk: t for t in teachers}
    plan.members_add(cohort=pilot_cohort, staff=[by_pk[pk] for pk in chosen],
                     source=MemberSource.VOLUNTEER, actor=actor,
                     joined_on=_day(_year(-2), 8, 15))  # fmt: skip
    # Last year: the volunteers not taken into the pilot, then teachers assigned.
    in_pilot = set(chosen)
    joining = [t for t in [*first, *second] if t.pk not in in_pilot][:150]
    second_cohort = plan.cohort_save(initiative=mv, actor=actor, coaches=coaches[:5], data={
        "name": "Second cohort", "phase": middle, "notes": ""})  # fmt: skip
    plan.members_add(cohort=second_cohort, staff=joining, source=MemberSource.ASSIGNED,
                     actor=actor, joined_on=_day(_year(-1), 8, 15))  # fmt: skip
    everyone = plan.cohort_save(initiative=mv, actor=actor, coaches=coaches, data={
        "name": "Everyone else", "phase": last, "notes": "All remaining teachers."})  # fmt: skip
    rest = teachers_not_started(initiative=mv)
    plan.members_add(cohort=everyone, staff=rest, source=MemberSource.ASSIGNED, actor=actor,
                     joined_on=_day(_year(0), 8, 15))  # fmt: skip
    # A second-cohort teacher withdrew at midyear: their amnesty year stands.
    moved = CohortMember.objects.filter(cohort=second_cohort).order_by("staff__staff_unique_id")
    plan.member_transition(
        member=moved[3],
        to=MemberStatus.WITHDRAWN,
        actor=actor,
        on=_day(_year(-1), 1, 31),
        reason="Moved out of state at midyear.",
    )
    return 3 + 3 + len(chosen) + len(joining) + len(rest)


MATH_PROVIDERS = (
    ("Numberline Learning", "Adaptive K–5 math practice", (5, 4, 4, 5, 3, 3)),
    ("Brightpath Math", "K–8 math curriculum and practice", (4, 3, 4, 3, 4, 4)),
    ("Quanta Kids", "Math games and fluency", (3, 2, 5, 2, 3, 5)),
)
ELA_PROVIDERS = (
    ("Storyweave", "Leveled reading library"),
    ("Phonics Garden", "K–2 foundational skills"),
)


def _scores(review: ProviderReview, members: Sequence[Staff],
            profile: Mapping[str, tuple[int, ...]], rng: random.Random, review_round: str,
            actor: User) -> None:  # fmt: skip
    criteria = list(review.criteria.order_by("order"))
    providers_ = list(review.providers.all())
    if review_round == Round.REVISIT:
        providers_ = [p for p in providers_ if p.purchase == Purchase.BUY]
    for member in members:
        sheet = {
            (p.pk, c.pk): max(1, min(5, profile[p.name][i] + rng.choice((-1, 0, 0, 1))))
            for p in providers_
            for i, c in enumerate(criteria)
        }
        providers.scores_submit(review=review, member=member, scores=sheet,
                                review_round=review_round, actor=actor)  # fmt: skip


def _maple_reviews(district: District, mv: Initiative, actor: User) -> int:
    rng = random.Random(SEED)
    pilot_members = list(
        Staff.objects.filter(cohort_memberships__cohort__initiative=mv,
                             cohort_memberships__phase__is_pilot=True,
                             cohort_memberships__status=MemberStatus.ACTIVE)
        .order_by("staff_unique_id")
    )  # fmt: skip
    committee = pilot_members[:5]
    math = providers.review_create(initiative=mv, title="Digital math content, K–5",
                                   school_year=_year(-2), committee=committee,
                                   content_area="math", actor=actor)  # fmt: skip
    for name, product, _ in MATH_PROVIDERS:
        providers.provider_add(review=math, name=name, product=product, actor=actor)
    profile = {name: marks for name, _, marks in MATH_PROVIDERS}
    _scores(math, committee, profile, rng, Round.INITIAL, actor)
    best = results(review=math).rows[0].provider
    math = providers.review_recommend(
        review=math, provider=best, actor=actor,
        rationale="Strongest on standards and on the data teachers need at the teacher-led "
                  "table; students in the pilot could use it on their own from week two.",
    )  # fmt: skip
    decided = _day(_year(-2), 3, 15)
    math = providers.purchase_decide(
        review=math, decided_on=decided, actor=actor,
        decisions={p.pk: ((Purchase.BUY, Decimal("18500.00")) if p.pk == best.pk
                          else (Purchase.PASS, None)) for p in math.providers.all()},
    )  # fmt: skip
    math = providers.revisit_open(review=math, actor=actor)
    _scores(math, committee[:4], profile, rng, Round.REVISIT, actor)
    providers.revisit_record(
        provider=math.providers.get(pk=best.pk), renewal=Renewal.RENEW, actor=actor,
        feedback="Teachers use the mastery report weekly to regroup; grade 1 found the "
                 "interface hard at first. Renew, with a short training for new teachers.",
    )  # fmt: skip
    providers.review_close(review=math, actor=actor)
    ela = providers.review_create(initiative=mv, title="Digital reading content, K–5",
                                  school_year=_year(0), committee=pilot_members[5:9],
                                  content_area="ela", actor=actor)  # fmt: skip
    for name, product in ELA_PROVIDERS:
        providers.provider_add(review=ela, name=name, product=product, actor=actor)
    ela_profile = {"Storyweave": (4, 4, 5, 3, 4, 3), "Phonics Garden": (4, 3, 3, 4, 3, 4)}
    _scores(ela, pilot_members[5:7], ela_profile, rng, Round.INITIAL, actor)
    return 2 + len(MATH_PROVIDERS) + len(ELA_PROVIDERS)


def _maple_comms(mv: Initiative, actor: User) -> int:
    alice = Staff.objects.filter(district_id=mv.district_id, user__username="alice").first()
    items = (
        (
            Audience.BOARD,
            Channel.MEETING,
            -2,
            6,
            20,
            True,
            "The pilot's first semester: what 33 teachers tried and what students said.",
        ),
        (
            Audience.TEACHERS,
            Channel.NEWSLETTER,
            0,
            8,
            1,
            True,
            "Everyone starts this year: your coach, your training dates and your amnesty year.",
        ),
        (
            Audience.FAMILIES,
            Channel.LETTER,
            0,
            9,
            5,
            True,
            "What station rotation looks like in your child's classroom.",
        ),
        (
            Audience.BOARD,
            Channel.MEETING,
            0,
            5,
            12,
            False,
            "Three years in: progress by school and the budget after the grant.",
        ),
    )
    for audience, channel, offset, month, day, done, message in items:
        start = int(_year(offset)[:4])
        planned = dt.date(start if month >= 7 else start + 1, month, day)
        item = comms.communication_save(initiative=mv, actor=actor, data={
            "audience": audience, "channel": channel, "message": message,
            "planned_on": planned, "owner": alice})  # fmt: skip
        if done and planned <= timezone.localdate():
            comms.communication_done(communication=item, done=True, on=planned, actor=actor)
    return len(items)


# --- Harbor Point: the taskforce district ---------------------------------------------------

HARBOR_V1 = ("Harbor Point students will learn in ways that fit them, with technology as a "
             "tool.")  # fmt: skip
HARBOR_V2 = (
    "Every Harbor Point student has a voice in what and how they learn: they set goals with "
    "their teachers, take on real projects for an audience beyond the classroom, and show what "
    "they know in more than one way."
)
HARBOR_PILLARS = [
    {"title": "Student voice and choice", "description": "Students set goals and choose paths."},
    {"title": "Real projects", "description": "Work that matters to someone beyond the class."},
    {"title": "Many ways to show learning", "description": "Portfolios, exhibitions and tests."},
    {"title": "Teachers as designers", "description": "Time and coaching to design together."},
]
TAILORED = {
    "Harbor Point Middle School": "At Harbor Point Middle every student leads their own "
    "conference twice a year and completes one community project each semester.",
    "Harbor Point High School": "At Harbor Point High students build a portfolio toward a "
    "senior exhibition, with projects linked to the career pathways.",
}
AVAILABILITY = (
    "Mon 15:30-17:00, Wed 15:00-17:30", "Tue 7:00-8:00, Wed 15:30-17:00",
    "Wed 15:30-17:30, Thu 15:30-17:00", "Mon 15:30-16:30, Wed 15:30-17:00",
    "Wed 15:45-17:15", "Tue 15:30-17:00, Wed 16:00-17:30", "Wed 15:30-17:00, Fri 7:00-8:00",
)  # fmt: skip
MEETING_NOTES = (
    ("Agree what the taskforce is for; draft the first definition of personalized learning.",
     "Agreed to meet every six weeks. Principals to bring two classroom examples each."),
    ("Review the draft vision with each school's examples.",
     "Middle and high school asked for room to tailor; version 2 to say more about projects."),
    ("Readiness checklist: recommendations 1 and 2; plan the family night.",
     "Communication plan agreed; site visit to a district further along set for the spring."),
    ("Site visit debrief; pilot planning for next year.",
     "Teachers want common planning time; the middle school will try a new schedule."),
)  # fmt: skip


def _harbor(district: District, actor: User) -> int:
    grant = FundingSource.objects.filter(district=district, name="RTT-D grant").first()
    hp = initiative.initiative_create(district=district, actor=actor, data={
        "name": "Personalized learning, Harbor Point",
        "summary": "A district taskforce of the chief technology officer, the project director, "
                   "every principal and a teacher-leader from each school steers a K–12 shift "
                   "to student-directed and project-based learning.",
        "approaches": ["student_directed", "project_based"], "first_year": _year(-1),
        "last_year": _year(1), "grant": grant, "meeting_weeks": 6,
    })  # fmt: skip
    first = initiative.vision_draft_save(initiative=hp, statement=HARBOR_V1,
                                         pillars=HARBOR_PILLARS[:2], actor=actor)  # fmt: skip
    first = initiative.vision_publish(version=first, actor=actor)
    schools = list(School.objects.filter(district=district).order_by("name"))
    initiative.school_vision_record(
        version=first,
        school=schools[0],
        mode="adopted",
        actor=actor,
        note="Adopted before the feedback round.",
    )
    second = initiative.vision_next_version(initiative=hp, actor=actor)
    initiative.vision_draft_save(initiative=hp, statement=HARBOR_V2, pillars=HARBOR_PILLARS,
                                 change_note="Says more about projects and voice, after the "
                                 "schools' feedback.", actor=actor)  # fmt: skip
    second = initiative.vision_publish(version=second, actor=actor)
    for school in schools:
        tailored = TAILORED.get(school.name, "")
        initiative.school_vision_record(
            version=second, school=school, mode="tailored" if tailored else "adopted",
            statement=tailored, actor=actor, note="Decided with the school's leadership team.",
        )  # fmt: skip
    members = _harbor_taskforce(district, hp, actor, schools)
    rows = 3 + len(schools) + 1 + len(members)
    rows += _harbor_meetings(hp, actor, members)
    rows += _harbor_checklist(hp, actor, members)
    rows += _harbor_comms(hp, actor)
    return rows


def _harbor_taskforce(
    district: District, hp: Initiative, actor: User, schools: list[School]
) -> list[TaskforceMember]:
    today = timezone.localdate()
    joined = today - dt.timedelta(weeks=26)
    people: list[tuple[Staff, str, School | None, bool]] = []
    cto = Staff.objects.filter(
        district=district, school=None, classification=SC.LEA_SPECIALIST
    ).order_by("staff_unique_id")
    director = Staff.objects.filter(district=district, user=actor).first()
    chief = cto.first()
    if chief is not None:
        people.append((chief, Seat.CTO, None, True))
    if director is not None:
        people.append((director, Seat.DIRECTOR, None, True))
    leaders = {s.school_id: s for s in _holders(district, "Teacher-leader, personalized learning")}
    for school in schools:
        principal = Staff.objects.filter(school=school, classification=SC.PRINCIPAL).first()
        if principal is not None:
            people.append((principal, Seat.PRINCIPAL, school, True))
        leader = (
            leaders.get(school.pk)
            or Staff.objects.filter(school=school, classification=SC.TEACHER)
            .order_by("staff_unique_id")
            .first()
        )
        if leader is not None:
            people.append((leader, Seat.TEACHER_LEADER, school, False))
    made = []
    for index, (person, seat, seat_school, required) in enumerate(people):
        made.append(taskforce.member_save(initiative=hp, actor=actor, data={
            "staff": person, "seat": seat, "school": seat_school, "required": required,
            "availability": AVAILABILITY[index % len(AVAILABILITY)] if index != 5 else "",
            "joined_on": joined,
        }))  # fmt: skip
    return made


def _harbor_meetings(hp: Initiative, actor: User, members: list[TaskforceMember]) -> int:
    rng = random.Random(SEED + 1)
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    count = 0
    for n, (agenda, notes) in enumerate(MEETING_NOTES):
        day = today - dt.timedelta(weeks=6 * (len(MEETING_NOTES) - n) - 1)
        day -= dt.timedelta(days=(day.weekday() - 2) % 7)  # the Wednesday before
        starts = dt.datetime.combine(day, dt.time(15, 45), tzinfo=zone)
        meeting = taskforce.meeting_schedule(initiative=hp, actor=actor, data={
            "starts_at": starts, "minutes": 90, "location": "District office, board room",
            "agenda": agenda})  # fmt: skip
        present = [m for m in members if rng.random() > 0.15]
        taskforce.meeting_record(meeting=meeting, present=present, notes=notes, actor=actor)
        owner = members[(n + 2) % len(members)].staff
        action = taskforce.action_add(initiative=hp, meeting=meeting, owner=owner, actor=actor,
                                      due_on=day + dt.timedelta(weeks=4),
                                      text=("Bring two classroom examples", "Send version 2 to "
                                            "the schools", "Book the site visit", "Draft the "
                                            "middle school schedule")[n])  # fmt: skip
        if n < len(MEETING_NOTES) - 1:
            taskforce.action_close(action=action, done=True, actor=actor)
        count += 2
    upcoming = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 14)
    taskforce.meeting_schedule(initiative=hp, actor=actor, data={
        "starts_at": dt.datetime.combine(upcoming, dt.time(15, 45), tzinfo=zone), "minutes": 90,
        "location": "Harbor Point High School library",
        "agenda": "Pilot cohort: who volunteers, and coach capacity per school."})  # fmt: skip
    return count + 1


# (recommendation-order index among the 22 questions, status, evidence)
CHECKLIST_PROGRESS = (
    (0, ItemStatus.DONE, "The taskforce's definition, version 2, published."),
    (1, ItemStatus.DONE, "Principals and a teacher-leader from each school sit on the taskforce; "
                         "families are still missing."),
    (2, ItemStatus.DONE, "https://harbor-point.example.org/personalized-learning/plan"),
    (3, ItemStatus.IN_PROGRESS, "A short staff survey on the vision is drafted."),
    (4, ItemStatus.DONE, "Site visit notes, spring."),
    (5, ItemStatus.IN_PROGRESS, ""),
    (7, ItemStatus.IN_PROGRESS, "Pilot planned for next year with volunteers."),
    (9, ItemStatus.DONE, "Job descriptions for teacher-leaders and strategy coaches published."),
    (12, ItemStatus.DONE, ""),
    (14, ItemStatus.IN_PROGRESS, ""),
    (19, ItemStatus.IN_PROGRESS, ""),
    (21, ItemStatus.NOT_APPLICABLE, ""),
)  # fmt: skip


def _harbor_checklist(hp: Initiative, actor: User, members: list[TaskforceMember]) -> int:
    made = checklist.checklist_start(initiative=hp, actor=actor)
    items = list(hp.checklist.order_by("recommendation", "order"))
    owners = [m.staff for m in members]
    today = timezone.localdate()
    for n, (index, status, evidence) in enumerate(CHECKLIST_PROGRESS):
        item = items[index]
        checklist.item_update(item=item, actor=actor, data={
            "status": status, "owner": owners[n % len(owners)],
            "due_on": today + dt.timedelta(days=30 * (n % 5) - 45)})  # fmt: skip
        if evidence.startswith("https://"):
            checklist.evidence_add(
                item=item,
                kind=EvidenceKind.LINK,
                url=evidence,
                text="The plan on the district website",
                actor=actor,
            )
        elif evidence:
            checklist.evidence_add(item=item, kind=EvidenceKind.NOTE, text=evidence, actor=actor)
    checklist.item_add(initiative=hp, recommendation=2, actor=actor,
                       text="Will the middle school's new schedule give teachers common "
                            "planning time every week?")  # fmt: skip
    return made + 1


def _harbor_comms(hp: Initiative, actor: User) -> int:
    director = Staff.objects.filter(district_id=hp.district_id, user=actor).first()
    today = timezone.localdate()
    plan_rows = (
        (Audience.BOARD, Channel.MEETING, -60, True, "The taskforce's vision and the phased plan."),
        (Audience.PRINCIPALS, Channel.MEETING, -45, True, "How to lead the vision conversation "
                                                          "with your staff."),
        (Audience.TEACHERS, Channel.NEWSLETTER, -20, True, "What the vision means for your "
                                                           "classroom; how to volunteer."),
        (Audience.FAMILIES, Channel.MEETING, 10, False, "Family night: projects and student "
                                                        "voice at every school."),
        (Audience.COMMUNITY, Channel.WEBSITE, 25, False, "Partners wanted: audiences for "
                                                         "student projects."),
    )  # fmt: skip
    for audience, channel, days, done, message in plan_rows:
        when = today + dt.timedelta(days=days)
        item = comms.communication_save(initiative=hp, actor=actor, data={
            "audience": audience, "channel": channel, "message": message, "planned_on": when,
            "owner": director})  # fmt: skip
        if done:
            comms.communication_done(communication=item, done=True, on=when, actor=actor)
    comms.feedback_save(initiative=hp, actor=actor, data={
        "audience": Audience.TEACHERS, "held_on": today - dt.timedelta(days=14),
        "format": "Teacher forum after school, all five schools", "participants": 64,
        "heard": "Teachers like the vision but worry about planning time and about being "
                 "judged while they learn.",
        "response": "Common planning time in the middle school pilot; first-year amnesty "
                    "from evaluation consequences explained in the next newsletter."})  # fmt: skip
    comms.feedback_save(
        initiative=hp,
        actor=actor,
        data={
            "audience": Audience.FAMILIES,
            "held_on": today - dt.timedelta(days=40),
            "format": "Online survey",
            "participants": 212,
            "heard": "Families want to see student projects and to know how grades will work.",
            "response": "Exhibition nights each semester; a grading explainer for families.",
        },
    )
    return len(plan_rows) + 2
