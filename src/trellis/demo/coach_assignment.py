"""Demo coach assignment for Maple Valley, the 345-teacher district: its three coaches and two
technology TOSAs (the study's Middletown) with their capacity, last year's pairs, and this
year's proposal, ready for review.

- Each teacher without a grade band gets one (half K-2, half 3-5 in each school, by staff id).
- Coaches: Cole and the holders of the district's coaching positions. The K-2 literacy
  specialist was hired from Birch Elementary, flagged so she is not placed over her former peers.
- Last year's pairs: every third teacher worked with one of the coaches last school year.
- The proposal is for this school year, starting today, run at once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from trellis.coaching import assignment
from trellis.coaching.models import AssignmentProposal, CoachProfile, Relationship
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.demo.rollout import _holders
from trellis.org.models import AcademicSubject, GradeBand, School, Staff, StaffClassification

# (position title, teachers at most, hours a week, grade bands, subjects)
_COACHES = [
    ("Instructional coach, K–5", 30, None, ["k2", "35"], []),
    ("Technology TOSA", None, 20, ["k2", "35"], []),
    ("Implementation specialist, K–2 literacy", 30, None, ["k2"], [AcademicSubject.ELA]),
    ("Implementation specialist, 3–5 mathematics", 30, None, ["35"], [AcademicSubject.MATH]),
]


def _grade_bands(district: District) -> None:
    teachers = Staff.objects.filter(
        district=district, classification=StaffClassification.TEACHER, grade_band=""
    ).order_by("school_id", "staff_unique_id")
    by_school: dict[int | None, list[int]] = {}
    for pk, school_pk in teachers.values_list("pk", "school_id"):
        by_school.setdefault(school_pk, []).append(pk)
    for key, pks in by_school.items():
        school = School.objects.filter(pk=key).first() if key is not None else None
        band = assignment.school_band(school)
        if band:
            Staff.objects.filter(pk__in=pks).update(grade_band=band)
            continue
        half = len(pks) // 2
        Staff.objects.filter(pk__in=pks[:half]).update(grade_band=GradeBand.K2)
        Staff.objects.filter(pk__in=pks[half:]).update(grade_band=GradeBand.G35)


def coach_assignment_load(district: District, actor: User) -> int:
    """Profiles, last year's pairs and a proposal, once (0 when the district has a proposal)."""
    if AssignmentProposal.objects.filter(district=district).exists():
        return 0
    _grade_bands(district)
    made = 0
    cole = Staff.objects.filter(district=district, user__username="cole").first()
    coaches: list[Staff] = []
    if cole is not None and not CoachProfile.objects.filter(staff=cole).exists():
        assignment.coach_profile_save(
            district=district,
            staff=cole,
            max_teachers=30,
            hours_per_week=None,
            grade_bands=["k2", "35"],
            actor=actor,
        )
        coaches.append(cole)
        made += 1
    birch = School.objects.filter(district=district, name="Birch Elementary").first()
    for title, most, hours, bands, areas in _COACHES:
        for holder in _holders(district, title):
            if CoachProfile.objects.filter(staff=holder).exists():
                continue
            former = [birch] if birch and "K–2 literacy" in title else []
            assignment.coach_profile_save(
                district=district,
                staff=holder,
                max_teachers=most,
                hours_per_week=hours,
                grade_bands=bands,
                content_areas=areas,
                former_schools=former,
                actor=actor,
            )
            coaches.append(holder)
            made += 1
            break
    today = timezone.localdate()
    year = school_year_of(today)
    last_start, last_end = school_year_bounds(assignment.previous_year(year))
    if coaches:
        taken = set(
            Relationship.objects.filter(district=district).values_list("teacher_id", flat=True)
        )
        teachers = (
            Staff.objects.filter(
                district=district, classification=StaffClassification.TEACHER, is_active=True
            )
            .exclude(pk__in=[c.pk for c in coaches])
            .order_by("staff_unique_id")
        )
        pairs = [
            Relationship(
                district=district,
                coach=coaches[n % len(coaches)],
                teacher=teacher,
                focus="Blended learning",
                begin_date=last_start + dt.timedelta(days=45),
                end_date=last_end,
                created_by=actor,
            )
            for n, teacher in enumerate(t for i, t in enumerate(teachers) if i % 3 == 0)
            if teacher.pk not in taken and teacher.pk != coaches[n % len(coaches)].pk
        ]
        Relationship.objects.bulk_create(pairs)
        made += len(pairs)
    proposal = assignment.proposal_start(
        district=district, school_year=year, begin_date=today, actor=actor
    )
    assignment.run_proposal(proposal.pk)
    return made + 1
