"""The catalog services: activities, sessions, enrolment with its waitlist, attendance marked all
or nothing, and certifications granted and withdrawn by ``candidacy_refresh``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trellis.core.models import AuditEvent
from trellis.learning.models import (
    Activity,
    Audience,
    Candidacy,
    Enrolment,
    EnrolmentStatus,
    RequirementEvidence,
    RequirementKind,
    Session,
    TrainingElement,
)
from trellis.learning.selectors import catalog as selectors
from trellis.learning.services import catalog as services
from trellis.learning.tests.catalog_helpers import (
    D,
    attend,
    days,
    enrol,
    hold_role,
    make_activity,
    make_coach_role,
    make_program,
    make_session,
    make_teacher,
    walkthrough,
)

pytestmark = pytest.mark.django_db


def error_of(excinfo) -> dict[str, list[str]]:
    error = excinfo.value
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


# --- Activities -----------------------------------------------------------------------------


def test_an_activity_is_created_with_its_roles_and_audited(alice, district_a):
    # given a coach role in the catalog
    role_type, _ = make_coach_role(district_a)
    # when a manager adds an activity meant for it
    activity = make_activity(district_a, "Coaching adults", audience=[role_type])
    # then it is saved with its audience, and the audit names both
    assert list(activity.audience.all()) == [role_type]
    event = AuditEvent.objects.get(action="learning.activity_created")
    assert event.changes["audience"] == [None, "Instructional coach"]
    assert event.changes["title"] == [None, "Coaching adults"]


def test_a_duplicate_title_in_any_case_is_refused_at_the_title(district_a):
    make_activity(district_a, "Site visit")
    with pytest.raises(ValidationError) as excinfo:
        make_activity(district_a, "SITE VISIT")
    assert "title" in error_of(excinfo)
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("hours", ["0", "0.1", "-3", "200.25", "5000"])
def test_hours_outside_a_quarter_hour_to_200_are_refused(district_a, hours):
    with pytest.raises(ValidationError) as excinfo:
        make_activity(district_a, hours=D(hours))
    assert "hours" in error_of(excinfo)
    assert not Activity.objects.exists()


def test_another_districts_role_is_refused_as_an_audience(district_a, district_b):
    foreign, _ = make_coach_role(district_b)
    with pytest.raises(ValidationError) as excinfo:
        make_activity(district_a, audience=[foreign])
    assert "audience" in error_of(excinfo)
    assert not Activity.objects.exists()


def test_an_unknown_field_is_refused_rather_than_ignored(district_a):
    with pytest.raises(ValidationError) as excinfo:
        make_activity(district_a, created_at=None)
    assert "created_at" in error_of(excinfo)


def test_an_activity_update_records_only_what_changed(alice, district_a):
    activity = make_activity(district_a)
    services.activity_update(activity=activity, data={"hours": D("7.5")}, actor=alice.user)
    event = AuditEvent.objects.get(action="learning.activity_updated")
    assert event.changes == {"hours": ["6.00", "7.5"]}


def test_element_coverage_counts_offered_activities_and_shows_the_gap(district_a):
    make_activity(district_a, "Vision kickoff", element=TrainingElement.SHARED_VISION)
    make_activity(district_a, "Platform training", element=TrainingElement.ROLE_SKILLS)
    make_activity(district_a, "Retired coaching series", element="coaching_skills",
                  is_active=False)  # fmt: skip
    coverage = {c.element: c.count for c in selectors.element_coverage(district=district_a)}
    assert coverage == {"shared_vision": 1, "coaching_skills": 0, "role_skills": 1}


# --- Sessions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"), [(dt.date(2026, 8, 12), "2026-27"), (dt.date(2026, 3, 2), "2025-26")]
)
def test_a_session_takes_its_school_year_from_its_date(district_a, day, year):
    assert make_session(make_activity(district_a), day).school_year == year


def test_a_session_with_a_start_time_is_audited_with_it(district_a):
    session = make_session(make_activity(district_a), days(3), start_time=dt.time(15, 45))
    event = AuditEvent.objects.get(action="learning.session_created")
    assert event.changes["start_time"] == [None, "15:45"]
    services.session_update(session=session, data={"start_time": dt.time(8, 0)}, actor=None)
    event = AuditEvent.objects.get(action="learning.session_updated")
    assert event.changes == {"start_time": ["15:45", "08:00"]}


def test_a_session_cannot_end_before_it_starts(district_a):
    activity = make_activity(district_a)
    with pytest.raises(ValidationError) as excinfo:
        make_session(activity, days(5), ends_on=days(4))
    assert "ends_on" in error_of(excinfo)
    assert not Session.objects.exists()


@pytest.mark.parametrize("starts_on", [dt.date(1999, 12, 31), dt.date(2099, 1, 1)])
def test_an_absurd_session_date_is_refused(district_a, starts_on):
    with pytest.raises(ValidationError) as excinfo:
        make_session(make_activity(district_a), starts_on)
    assert "starts_on" in error_of(excinfo)


def test_a_session_longer_than_a_year_is_refused(district_a):
    with pytest.raises(ValidationError) as excinfo:
        make_session(make_activity(district_a), days(1), ends_on=days(400))
    assert "ends_on" in error_of(excinfo)


def test_an_activity_no_longer_offered_cannot_be_scheduled(district_a):
    with pytest.raises(ValidationError, match="no longer offered"):
        make_session(make_activity(district_a, is_active=False))


def test_a_session_with_attendance_cannot_move_to_the_future(district_a, staff_a):
    session = make_session(make_activity(district_a), days(-3))
    enrol(session, staff_a)
    attend(session, staff_a)
    with pytest.raises(ValidationError) as excinfo:
        services.session_update(session=session, data={"starts_on": days(10)}, actor=None)
    assert "starts_on" in error_of(excinfo)
    session.refresh_from_db()
    assert session.starts_on == days(-3)


def test_moving_a_session_to_another_year_moves_its_enrolments(district_a, staff_a):
    session = make_session(make_activity(district_a), dt.date(2026, 3, 2))
    enrol(session, staff_a)
    services.session_update(session=session, data={"starts_on": dt.date(2026, 9, 1)}, actor=None)
    assert Enrolment.objects.get().school_year == "2026-27"


# --- Enrolment and the waitlist -------------------------------------------------------------


@pytest.fixture
def full_session(district_a, school_a):
    """A two-seat session ahead of today, both seats taken."""
    session = make_session(make_activity(district_a, capacity=2), days(14))
    people = [make_teacher(district_a, school_a, last_name=n) for n in ("Ames", "Baker")]
    enrol(session, *people)
    return session


def test_beyond_capacity_a_person_goes_on_the_waitlist(full_session, district_a, school_a):
    late = make_teacher(district_a, school_a)
    outcome = enrol(full_session, late)
    assert outcome.enrolled == [] and [e.staff for e in outcome.waitlisted] == [late]
    assert Enrolment.objects.get(staff=late).status == EnrolmentStatus.WAITLISTED


def test_a_manager_may_refuse_to_overbook_and_nothing_is_written(full_session, district_a):
    late = make_teacher(district_a, None)
    before = Enrolment.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        enrol(full_session, late, waitlist=False)
    assert "2 of 2 seats are taken" in error_of(excinfo)["waitlist"][0]
    assert Enrolment.objects.count() == before


def test_enrolling_more_people_than_seats_without_the_waitlist_enrols_nobody(district_a):
    session = make_session(make_activity(district_a, capacity=1), days(3))
    people = [make_teacher(district_a) for _ in range(2)]
    with pytest.raises(ValidationError):
        enrol(session, *people, waitlist=False)
    assert not Enrolment.objects.exists()


def test_cancelling_a_seat_promotes_the_first_waitlisted_and_audits_it(
    full_session, district_a, alice
):
    first, second = make_teacher(district_a), make_teacher(district_a)
    enrol(full_session, first)
    enrol(full_session, second)
    seat = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).first()
    promoted = services.enrolment_cancel(enrolment=seat, actor=alice.user)
    assert promoted.staff == first
    statuses = dict(Enrolment.objects.values_list("staff_id", "status"))
    assert statuses[first.pk] == "enrolled" and statuses[second.pk] == "waitlisted"
    assert statuses[seat.staff_id] == "cancelled"
    event = AuditEvent.objects.get(action="learning.waitlist_promoted")
    assert event.changes == {"status": ["waitlisted", "enrolled"]}
    assert event.actor == alice.user


def test_cancelling_a_waitlisted_place_promotes_nobody(full_session, district_a):
    waiting = enrol(full_session, make_teacher(district_a)).waitlisted[0]
    assert services.enrolment_cancel(enrolment=waiting, actor=None) is None
    assert Enrolment.objects.filter(status="enrolled").count() == 2


def test_someone_who_cancels_and_comes_back_queues_behind_those_waiting(full_session, district_a):
    first, second = make_teacher(district_a), make_teacher(district_a)
    early = enrol(full_session, first).waitlisted[0]
    services.enrolment_cancel(enrolment=early, actor=None)
    enrol(full_session, second)
    enrol(full_session, first)  # back again, now behind the second
    seat = Enrolment.objects.filter(status="enrolled").first()
    assert services.enrolment_cancel(enrolment=seat, actor=None).staff == second


def test_a_larger_capacity_seats_the_waitlist(full_session, district_a):
    waiting = enrol(full_session, make_teacher(district_a)).waitlisted[0]
    services.session_update(session=full_session, data={"capacity": 3}, actor=None)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED


def test_a_cancelled_place_with_attendance_marked_is_refused(district_a, staff_a):
    session = make_session(make_activity(district_a), days(-1))
    enrolment = enrol(session, staff_a).enrolled[0]
    attend(session, staff_a)
    with pytest.raises(ValidationError, match="correct the attendance"):
        services.enrolment_cancel(enrolment=enrolment, actor=None)


def test_only_current_staff_of_the_district_enrol(district_a, district_b, staff_b):
    session = make_session(make_activity(district_a), days(5))
    former = make_teacher(district_a, is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        enrol(session, former)
    assert "not current staff" in error_of(excinfo)["staff"][0]
    with pytest.raises(ValidationError) as excinfo:
        enrol(session, staff_b)
    assert "not on this district's staff" in error_of(excinfo)["staff"][0]
    assert not Enrolment.objects.exists()


def test_nobody_is_enrolled_twice(district_a, staff_a):
    session = make_session(make_activity(district_a), days(5))
    enrol(session, staff_a)
    with pytest.raises(ValidationError) as excinfo:
        enrol(session, staff_a)
    assert "already enrolled" in error_of(excinfo)["staff"][0]


def test_a_started_session_is_closed_to_self_enrolment(district_a, staff_a):
    session = make_session(make_activity(district_a), days(-1))
    with pytest.raises(ValidationError, match="closed for enrolment"):
        services.enrolment_create(session=session, staff=staff_a, actor=None)
    # ...but a manager can still record someone who attended
    enrolment, _ = services.enrolment_create(
        session=session, staff=staff_a, actor=None, allow_past=True
    )
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_person_outside_the_activitys_roles_is_enrolled_with_a_warning(district_a, staff_a):
    role_type, _ = make_coach_role(district_a)
    session = make_session(make_activity(district_a, audience=[role_type]), days(5))
    enrolment, warnings = services.enrolment_create(session=session, staff=staff_a, actor=None)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert warnings == [
        f"{staff_a.full_name} does not hold a role this activity is meant for "
        "(Instructional coach)."
    ]


def test_an_experienced_coach_in_a_new_coach_activity_gets_a_warning(district_a, staff_a):
    role_type, version = make_coach_role(district_a)
    hold_role(version, staff_a, days(-800), "C-1")
    activity = make_activity(district_a, audience=[role_type], level=Audience.NEW)
    _, warnings = services.enrolment_create(
        session=make_session(activity, days(5)), staff=staff_a, actor=None
    )
    assert len(warnings) == 1 and "meant for people new to it" in warnings[0]


def test_a_new_coach_in_an_experienced_activity_gets_a_warning(district_a, staff_a):
    role_type, version = make_coach_role(district_a)
    hold_role(version, staff_a, days(-30), "C-1")
    activity = make_activity(district_a, audience=[role_type], level=Audience.EXPERIENCED)
    _, warnings = services.enrolment_create(
        session=make_session(activity, days(5)), staff=staff_a, actor=None
    )
    assert len(warnings) == 1 and "is new to the role" in warnings[0]


# --- Attendance -----------------------------------------------------------------------------


@pytest.fixture
def marked(district_a, school_a):
    """A three-hour session last week with two people enrolled and one waitlisted."""
    session = make_session(make_activity(district_a, hours=D("3"), capacity=2), days(-7))
    ana = make_teacher(district_a, school_a, first_name="Ana", last_name="Alvarez")
    ben = make_teacher(district_a, school_a, first_name="Ben", last_name="Brook")
    cy = make_teacher(district_a, school_a, first_name="Cy", last_name="Cole")
    enrol(session, ana, ben, cy)
    return session, ana, ben, cy


def row(staff, attended=True, hours=None):
    return services.AttendanceRow(staff.pk, attended, None if hours is None else D(hours))


def test_attendance_defaults_to_the_activitys_hours_and_allows_partial_hours(marked, alice):
    session, ana, ben, _ = marked
    outcome = services.attendance_mark(
        session=session, rows=[row(ana), row(ben, hours="1.5")], actor=alice.user
    )
    assert outcome.marked == 2
    hours = dict(Enrolment.objects.filter(attended=True).values_list("staff_id", "hours"))
    assert hours == {ana.pk: D("3.00"), ben.pk: D("1.50")}
    event = AuditEvent.objects.get(action="learning.attendance_marked")
    assert event.changes["Ben Brook"] == [None, "attended 1.5 h"]


def test_an_absent_person_gets_no_hours(marked):
    session, ana, _, _ = marked
    services.attendance_mark(session=session, rows=[row(ana, attended=False)], actor=None)
    enrolment = Enrolment.objects.get(staff=ana)
    assert enrolment.attended is False and enrolment.hours == 0


@pytest.mark.parametrize(
    ("hours", "field", "says"),
    [
        ("-1", "rows.1.hours", "Line 2, Ben Brook: hours can't be negative."),
        ("3.5", "rows.1.hours", "more than the 3 hours"),
        ("250", "rows.1.hours", "more than the 200 any session credits"),
        ("1.333", "rows.1.hours", "two decimal places"),
        ("0", "rows.1.hours", "attended with 0 hours"),
        ("NaN", "rows.1.hours", "must be a number"),
    ],
)
def test_bad_hours_name_the_line_and_the_person_and_nothing_is_saved(marked, hours, field, says):
    session, ana, ben, _ = marked
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_mark(session=session, rows=[row(ana), row(ben, hours=hours)],
                                 actor=None)  # fmt: skip
    errors = error_of(excinfo)
    assert list(errors) == [field] and says in errors[field][0]
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_absent_with_hours_is_refused(marked):
    session, ana, _, _ = marked
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_mark(session=session, rows=[row(ana, False, "2")], actor=None)
    assert "absent means no hours" in error_of(excinfo)["rows.0.hours"][0]


def test_a_row_for_someone_not_enrolled_is_refused_whole(marked, district_a):
    session, ana, _, cy = marked
    stranger = make_teacher(district_a)
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_mark(
            session=session, rows=[row(ana), row(stranger), row(cy)], actor=None
        )
    errors = error_of(excinfo)
    assert errors["rows.1.staff_id"] == [
        f"Line 2: staff id {stranger.pk} is not enrolled in this session."
    ]
    assert errors["rows.2.staff_id"] == ["Line 3: Cy Cole is on the waitlist, not enrolled."]
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_a_person_listed_twice_is_refused(marked):
    session, ana, _, _ = marked
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_mark(session=session, rows=[row(ana), row(ana)], actor=None)
    assert error_of(excinfo)["rows.1.staff_id"] == ["Line 2: Ana Alvarez is listed twice."]


def test_attendance_cannot_be_marked_for_a_session_ahead(district_a, staff_a):
    session = make_session(make_activity(district_a), days(2))
    enrol(session, staff_a)
    with pytest.raises(ValidationError, match="before the session starts"):
        attend(session, staff_a)
    assert Enrolment.objects.get().attended is None


def test_marking_nobody_is_refused(marked):
    with pytest.raises(ValidationError, match="nobody to mark"):
        services.attendance_mark(session=marked[0], rows=[], actor=None)


def test_hours_per_person_are_summed_per_school_year_and_element(district_a, school_a):
    ana, ben = make_teacher(district_a, school_a), make_teacher(district_a, school_a)
    platform = make_activity(district_a, "Platform", hours=D("3"))
    vision = make_activity(district_a, "Vision", element=TrainingElement.SHARED_VISION)
    clinic = make_activity(district_a, "Clinic", element="", hours=D("1.5"))
    for activity, day, hours in [
        (platform, dt.date(2025, 9, 3), None),
        (vision, dt.date(2025, 10, 1), D("2")),
        (clinic, dt.date(2026, 2, 4), None),
        (platform, dt.date(2026, 9, 2), None),  # the next school year
    ]:
        session = make_session(activity, day)
        enrol(session, ana, ben)
        services.attendance_mark(
            session=session, actor=None,
            rows=[row(ana, hours=hours and str(hours)), row(ben, attended=False)],
        )  # fmt: skip
    [ana_hours, ben_hours] = selectors.hours_for(
        district=district_a, people=[ana, ben], school_year="2025-26"
    )
    assert ana_hours.by_element == {"role_skills": D("3"), "shared_vision": D("2"), "": D("1.5")}
    assert ana_hours.total == D("6.5") and ana_hours.sessions == 3
    assert ben_hours.total == 0 and ben_hours.sessions == 0


# --- Certification --------------------------------------------------------------------------


@pytest.fixture
def candidacy(district_a, school_a):
    """Ana, a candidate since 60 days ago for a program asking for the foundations training,
    10 hours and 2 walkthroughs."""
    foundations = make_activity(district_a, "Foundations", hours=D("6"))
    program = make_program(district_a, activity=foundations, hours="10", walkthroughs="2")
    ana = make_teacher(district_a, school_a, first_name="Ana", last_name="Alvarez")
    candidacy = services.candidacy_create(
        program=program, staff=ana, started_on=days(-60), cohort="2026-27 cohort", actor=None
    )
    return candidacy, foundations


def test_a_certification_completes_on_the_day_the_last_requirement_is_met(candidacy, district_a):
    candidacy, foundations = candidacy
    ana = candidacy.staff
    first = make_session(foundations, days(-40))
    enrol(first, ana)
    attend(first, ana)
    walkthrough(candidacy, days(-30))
    walkthrough(candidacy, days(-20))
    candidacy.refresh_from_db()
    assert candidacy.certified_on is None  # 6 of 10 hours
    clinic = make_session(make_activity(district_a, "Clinic", hours=D("4")), days(-10))
    enrol(clinic, ana)
    outcome = attend(clinic, ana)
    candidacy.refresh_from_db()
    assert candidacy.certified_on == days(-10)
    assert outcome.refresh.certified == [candidacy]
    event = AuditEvent.objects.get(action="learning.candidacy_certified")
    assert event.changes == {"certified_on": [None, str(days(-10))]}


def test_removing_a_walkthrough_withdraws_the_certification_and_audits_it(candidacy, alice):
    candidacy, foundations = candidacy
    ana = candidacy.staff
    session = make_session(foundations, days(-40))
    enrol(session, ana)
    attend(session, ana)
    services.requirement_remove(
        requirement=candidacy.program.requirements.get(kind=RequirementKind.HOURS), actor=None
    )
    walkthrough(candidacy, days(-30))
    evidence = walkthrough(candidacy, days(-5))
    candidacy.refresh_from_db()
    assert candidacy.certified_on == days(-5)
    outcome = services.evidence_remove(evidence=evidence, actor=alice.user)
    candidacy.refresh_from_db()
    assert candidacy.certified_on is None and outcome.uncertified == [candidacy]
    assert AuditEvent.objects.filter(action="learning.candidacy_uncertified").count() == 1
    assert AuditEvent.objects.filter(action="learning.evidence_removed").count() == 1


def test_correcting_attendance_to_absent_withdraws_the_certification(candidacy):
    candidacy, foundations = candidacy
    ana = candidacy.staff
    services.requirement_remove(
        requirement=candidacy.program.requirements.get(kind=RequirementKind.HOURS), actor=None
    )
    walkthrough(candidacy, days(-30))
    walkthrough(candidacy, days(-29))
    session = make_session(foundations, days(-20))
    enrol(session, ana)
    attend(session, ana)
    candidacy.refresh_from_db()
    assert candidacy.certified_on == days(-20)
    services.attendance_mark(session=session, rows=[row(ana, attended=False)], actor=None)
    candidacy.refresh_from_db()
    assert candidacy.certified_on is None


def test_hours_before_the_candidacy_started_do_not_count(candidacy, district_a):
    candidacy, _ = candidacy
    ana = candidacy.staff
    old = make_session(make_activity(district_a, "Old course", hours=D("40")), days(-90))
    enrol(old, ana)
    attend(old, ana)
    progress = selectors.candidacy_progress(candidacies=[candidacy])[candidacy.pk]
    hours = next(r for r in progress.requirements if r.requirement.kind == "hours")
    assert hours.done == 0 and not hours.met


def test_an_activity_attended_before_the_candidacy_still_counts(candidacy):
    candidacy, foundations = candidacy
    ana = candidacy.staff
    earlier = make_session(foundations, days(-300))
    enrol(earlier, ana)
    attend(earlier, ana)
    progress = selectors.candidacy_progress(candidacies=[candidacy])[candidacy.pk]
    assert progress.requirements[0].met_on == days(-300)


def test_a_walkthrough_in_the_future_or_before_the_start_is_refused(candidacy):
    candidacy, _ = candidacy
    with pytest.raises(ValidationError) as excinfo:
        walkthrough(candidacy, days(1))
    assert "completed_on" in error_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        walkthrough(candidacy, days(-61))
    assert "before Ana Alvarez's candidacy started" in error_of(excinfo)["completed_on"][0]
    assert not RequirementEvidence.objects.exists()


def test_only_walkthroughs_of_the_same_program_are_recorded_by_hand(candidacy, district_a):
    candidacy, _ = candidacy
    hours = candidacy.program.requirements.get(kind=RequirementKind.HOURS)
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_record(candidacy=candidacy, requirement=hours, completed_on=days(-1),
                                 actor=None)  # fmt: skip
    assert "come from attendance" in error_of(excinfo)["requirement"][0]
    other = make_program(district_a, "Blended-learning specialist (math)")
    foreign = other.requirements.get(kind=RequirementKind.WALKTHROUGHS)
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_record(candidacy=candidacy, requirement=foreign,
                                 completed_on=days(-1), actor=None)  # fmt: skip
    assert "requirement" in error_of(excinfo)


def test_a_person_is_a_candidate_once_per_program(candidacy):
    candidacy, _ = candidacy
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_create(program=candidacy.program, staff=candidacy.staff,
                                  started_on=days(-1), actor=None)  # fmt: skip
    assert "already a candidate in the 2026-27 cohort" in error_of(excinfo)["staff"][0]


def test_a_candidacy_cannot_start_more_than_a_year_ahead(district_a, staff_a):
    program = make_program(district_a)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_create(program=program, staff=staff_a, started_on=days(400),
                                  actor=None)  # fmt: skip
    assert "started_on" in error_of(excinfo)
    assert not Candidacy.objects.exists()


def test_requirements_are_checked_for_kind_activity_and_amount(district_a, district_b):
    program = make_program(district_a, hours=None, walkthroughs=None)
    foreign = make_activity(district_b)
    cases = [
        ({"kind": "activity"}, "activity"),
        ({"kind": "activity", "activity": foreign}, "activity"),
        ({"kind": "hours"}, "amount"),
        ({"kind": "walkthroughs", "amount": D("1.5")}, "amount"),
        ({"kind": "hours", "amount": D("5"), "activity": make_activity(district_a)}, "activity"),
        ({"kind": "essay", "amount": D("1")}, "kind"),
        ({"kind": "hours", "amount": D("5000")}, "amount"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            services.requirement_add(program=program, actor=None, **data)
        assert field in error_of(excinfo), data
    assert not program.requirements.exists()


def test_a_requirement_with_walkthroughs_recorded_cannot_be_removed(candidacy):
    candidacy, _ = candidacy
    evidence = walkthrough(candidacy, days(-3))
    with pytest.raises(ValidationError, match="can't be removed"):
        services.requirement_remove(requirement=evidence.requirement, actor=None)


def test_a_new_requirement_leaves_a_granted_certification_standing(candidacy, district_a):
    candidacy, foundations = candidacy
    program = candidacy.program
    for r in program.requirements.exclude(kind=RequirementKind.ACTIVITY):
        services.requirement_remove(requirement=r, actor=None)
    session = make_session(foundations, days(-3))
    enrol(session, candidacy.staff)
    attend(session, candidacy.staff)
    candidacy.refresh_from_db()
    assert candidacy.certified_on == days(-3)
    services.requirement_add(program=program, kind="walkthroughs", amount=D("3"), actor=None)
    candidacy.refresh_from_db()
    assert candidacy.certified_on == days(-3)


def test_enrolling_a_school_takes_its_current_teachers_of_the_programs_subject(
    district_a, school_a, alice
):
    program = make_program(district_a)  # content area: ELA
    ela = [make_teacher(district_a, school_a, academic_subject="ela") for _ in range(3)]
    make_teacher(district_a, school_a, academic_subject="math")
    make_teacher(district_a, school_a, academic_subject="ela", is_active=False)
    services.candidacy_create(program=program, staff=ela[0], started_on=days(-1), actor=None)
    added = services.candidacies_enrol_school(
        program=program, school=school_a, started_on=days(0), cohort="2026-27 cohort",
        actor=alice.user,
    )  # fmt: skip
    assert added == 2
    assert set(Candidacy.objects.values_list("staff_id", flat=True)) == {t.pk for t in ela}
    with pytest.raises(ValidationError) as excinfo:
        services.candidacies_enrol_school(program=program, school=school_a,
                                          started_on=days(0), actor=None)  # fmt: skip
    assert "already a candidate" in error_of(excinfo)["school"][0]


def test_program_breakdown_counts_certified_and_in_progress_by_school_and_cohort(
    candidacy, district_a, school_a
):
    candidacy, _ = candidacy
    Candidacy.objects.filter(pk=candidacy.pk).update(certified_on=days(-1))
    other = make_teacher(district_a, None)
    services.candidacy_create(program=candidacy.program, staff=other, started_on=days(-1),
                              cohort="2025-26 cohort", actor=None)  # fmt: skip
    breakdown = selectors.program_breakdown(program=candidacy.program)
    assert [(r.label, r.certified, r.in_progress) for r in breakdown.by_school] == [
        ("Aspen Elementary", 1, 0),
        ("District office", 0, 1),
    ]
    assert [(r.label, r.certified, r.in_progress) for r in breakdown.by_cohort] == [
        ("2025-26 cohort", 0, 1),
        ("2026-27 cohort", 1, 0),
    ]


def test_progress_for_many_candidates_takes_a_fixed_number_of_queries(
    district_a, school_a, django_assert_max_num_queries
):
    foundations = make_activity(district_a, "Foundations")
    program = make_program(district_a, activity=foundations)
    people = [make_teacher(district_a, school_a, academic_subject="ela") for _ in range(40)]
    services.candidacies_enrol_school(program=program, school=school_a, started_on=days(-30),
                                      actor=None)  # fmt: skip
    session = make_session(foundations, days(-5))
    enrol(session, *people)
    attend(session, *people)
    candidacies = list(Candidacy.objects.all())
    with django_assert_max_num_queries(4):
        progress = selectors.candidacy_progress(candidacies=candidacies)
    assert all(p.requirements[0].met for p in progress.values())
    assert all(p.requirements[1].done == D("6") for p in progress.values())


def test_a_walkthrough_day_for_several_candidates_is_recorded_all_or_nothing(
    candidacy, district_a, school_a
):
    candidacy, _ = candidacy
    late = services.candidacy_create(
        program=candidacy.program, staff=make_teacher(district_a, school_a), actor=None,
        started_on=days(-5),
    )  # fmt: skip
    requirement = candidacy.program.requirements.get(kind=RequirementKind.WALKTHROUGHS)
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_record_many(requirement=requirement, candidacies=[candidacy, late],
                                      completed_on=days(-10), actor=None)  # fmt: skip
    assert (
        f"before {late.staff.full_name}'s candidacy started"
        in (error_of(excinfo)["completed_on"][0])
    )
    assert not RequirementEvidence.objects.exists()
    made = services.evidence_record_many(requirement=requirement, candidacies=[candidacy, late],
                                         completed_on=days(-1), actor=None)  # fmt: skip
    assert len(made) == 2
    assert AuditEvent.objects.filter(action="learning.evidence_recorded").count() == 2
