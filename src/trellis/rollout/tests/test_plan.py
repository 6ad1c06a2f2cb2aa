"""The rollout plan: phases, cohorts, the pilot suggestion, amnesty, checks and progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import AuditEvent
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.factories import SchoolFactory, StaffFactory
from trellis.org.models import AcademicSubject, StaffClassification
from trellis.rollout.models import Amnesty, CohortMember, GradeBand, MemberSource, MemberStatus
from trellis.rollout.selectors import cohorts as selectors
from trellis.rollout.services import cohorts as services
from trellis.rollout.services.initiative import initiative_create
from trellis.rollout.tests.conftest import make_teachers


def year(offset: int = 0) -> str:
    """The school year ``offset`` years from this one."""
    start = int(school_year_of(timezone.localdate())[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


@pytest.fixture
def now_initiative(alice, district_a):
    """An initiative whose pilot runs last year, the second cohort this year, everyone next."""
    return initiative_create(
        district=district_a,
        data={"name": "Slow to go fast", "approaches": ["blended"], "first_year": year(-1),
              "last_year": year(1)},
        actor=alice.user,
    )  # fmt: skip


def phases(initiative, actor):
    pilot = services.phase_save(initiative=initiative, actor=actor, data={
        "name": "Pilot", "school_year": year(-1), "target_share": Decimal(10),
        "teachers_per_coach": 20, "is_pilot": True})  # fmt: skip
    second = services.phase_save(initiative=initiative, actor=actor, data={
        "name": "Second cohort", "school_year": year(0), "target_share": Decimal(50),
        "teachers_per_coach": 20, "is_pilot": False})  # fmt: skip
    everyone = services.phase_save(initiative=initiative, actor=actor, data={
        "name": "Everyone", "school_year": year(1), "target_share": Decimal(100),
        "teachers_per_coach": 20, "is_pilot": False})  # fmt: skip
    return pilot, second, everyone


def cohort(initiative, phase, actor, name, coaches=()):
    return services.cohort_save(initiative=initiative, actor=actor, coaches=coaches,
                                data={"name": name, "phase": phase, "notes": ""})  # fmt: skip


def one_teacher_this_year(initiative, actor, four_schools):
    """Three phases, and one teacher in this year's cohort, Red."""
    _, teachers = four_schools
    _, second, _ = phases(initiative, actor)
    red = cohort(initiative, second, actor, "Red")
    person = next(iter(teachers.values()))[0]
    services.members_add(cohort=red, staff=[person], source=MemberSource.ASSIGNED, actor=actor)
    return second, red, person


@pytest.fixture
def four_schools(district_a):
    """Four elementary schools with 20, 20, 10 and 10 teachers: 60 in all."""
    schools = [SchoolFactory(district=district_a, name=f"{n} Elementary")
               for n in ("Aspen", "Birch", "Cottonwood", "Juniper")]  # fmt: skip
    teachers = {}
    for school, n in zip(schools, (20, 20, 10, 10), strict=True):
        teachers[school.pk] = make_teachers(school, n // 2, AcademicSubject.ELA) + make_teachers(
            school, n - n // 2, AcademicSubject.MATH
        )
    return schools, teachers


# --- The pilot suggestion -------------------------------------------------------------------


def test_the_pilot_suggestion_covers_every_school_and_respects_the_share(
    alice, now_initiative, four_schools
):
    # given 60 teachers in four schools and two or more volunteers at each
    schools, teachers = four_schools
    pilot, _, _ = phases(now_initiative, alice.user)
    for school in schools:
        for index, person in enumerate(teachers[school.pk][:4]):
            services.volunteer_add(
                initiative=now_initiative, staff=person, actor=alice.user,
                grade_band=GradeBand.K2 if index % 2 else GradeBand.G35,
                content_area=person.academic_subject,
            )  # fmt: skip
    # when the district asks for a pilot of 10 %
    suggestion = selectors.pilot_suggestion(phase=pilot)
    # then it takes 6 volunteers (10 % of 60), at least one in every school
    assert suggestion.size == 6
    assert len(suggestion.result.chosen) == 6
    chosen_schools = {v.staff.school_id for v in suggestion.chosen_page(1).object_list}
    assert chosen_schools == {s.pk for s in schools}
    # and only volunteers
    volunteers = set(selectors.volunteer_pool(initiative=now_initiative).values_list(
        "staff_id", flat=True))  # fmt: skip
    assert set(suggestion.result.chosen) <= volunteers


def test_the_suggestion_explains_when_the_pilot_is_too_small_for_the_schools(
    alice, now_initiative, four_schools
):
    schools, teachers = four_schools
    pilot, _, _ = phases(now_initiative, alice.user)
    pilot = services.phase_save(initiative=now_initiative, phase=pilot, actor=alice.user, data={
        "target_share": Decimal(3)})  # fmt: skip  # 3 % of 60 is 2 teachers for 4 schools
    for school in schools:
        services.volunteer_add(initiative=now_initiative, staff=teachers[school.pk][0],
                               actor=alice.user, grade_band=GradeBand.K2,
                               content_area=AcademicSubject.ELA)  # fmt: skip
    with pytest.raises(ValueError, match="cannot include all 4 schools"):
        selectors.pilot_suggestion(phase=pilot)


def test_the_suggested_pilot_is_added_from_its_page(alice, now_initiative, four_schools):
    schools, teachers = four_schools
    pilot, _, _ = phases(now_initiative, alice.user)
    pilot_cohort = cohort(now_initiative, pilot, alice.user, "Pilot cohort")
    for school in schools:
        for person in teachers[school.pk][:3]:
            services.volunteer_add(
                initiative=now_initiative,
                staff=person,
                actor=alice.user,
                grade_band=GradeBand.G35,
                content_area=person.academic_subject,
            )
    client = alice.client()
    page = client.get(reverse("rollout:cohort-suggest", args=[pilot_cohort.pk]))
    assert page.status_code == 200
    staff = page.context["form"].initial["staff"]
    response = client.post(reverse("rollout:cohort-suggest", args=[pilot_cohort.pk]),
                           {"staff": staff})  # fmt: skip
    assert response.status_code == 302
    members = CohortMember.objects.filter(cohort=pilot_cohort)
    assert members.count() == 6
    assert set(members.values_list("source", flat=True)) == {MemberSource.VOLUNTEER}


# --- Membership rules -----------------------------------------------------------------------


def test_a_teacher_cannot_join_two_cohorts_of_the_same_phase(alice, now_initiative, four_schools):
    # given two cohorts in this year's phase and a teacher in the first
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    blue = cohort(now_initiative, second, alice.user, "Blue")
    ana = next(iter(teachers.values()))[0]
    services.members_add(cohort=red, staff=[ana], source=MemberSource.ASSIGNED, actor=alice.user)
    # when she is added to the second as well
    with pytest.raises(ValidationError) as error:
        services.members_add(cohort=blue, staff=[ana], source=MemberSource.ASSIGNED,
                             actor=alice.user)  # fmt: skip
    # then the message names her and the other cohort, and nothing was written
    assert "already in Red, a cohort of the same phase" in str(error.value.message_dict["staff"])
    assert not CohortMember.objects.filter(cohort=blue).exists()


def test_adding_members_is_all_or_nothing(alice, now_initiative, four_schools, staff_b):
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    good = next(iter(teachers.values()))[:3]
    with pytest.raises(ValidationError) as error:
        services.members_add(cohort=red, staff=[*good, staff_b], source=MemberSource.ASSIGNED,
                             actor=alice.user)  # fmt: skip
    assert "does not work in this district" in str(error.value)
    assert CohortMember.objects.count() == 0


def test_a_phase_target_over_100_percent_is_refused_at_the_field(alice, now_initiative):
    response = alice.client().post(reverse("rollout:phase-create", args=[now_initiative.pk]), {
        "name": "Everyone", "school_year": year(1), "target_share": "120",
        "teachers_per_coach": "20"})  # fmt: skip
    assert response.status_code == 200
    assert "target_share" in response.context["form"].errors
    assert not now_initiative.phases.exists()
    with pytest.raises(ValidationError) as error:
        services.phase_save(initiative=now_initiative, actor=alice.user, data={
            "name": "Everyone", "school_year": year(1), "target_share": Decimal(101),
            "teachers_per_coach": 20, "is_pilot": False})  # fmt: skip
    assert "at most 100" in str(error.value.message_dict["target_share"])


def test_phase_targets_cannot_go_down_over_the_years(alice, now_initiative):
    phases(now_initiative, alice.user)
    with pytest.raises(ValidationError) as error:
        services.phase_save(initiative=now_initiative, actor=alice.user,
                            phase=now_initiative.phases.get(name="Second cohort"),
                            data={"target_share": Decimal(5)})  # fmt: skip
    assert "cannot aim lower" in str(error.value.message_dict["target_share"])


def test_a_pilot_that_leaves_out_a_school_needs_a_knowing_yes(alice, now_initiative, four_schools):
    # given a pilot cohort and teachers from three of the four schools
    schools, teachers = four_schools
    pilot, _, _ = phases(now_initiative, alice.user)
    pilot_cohort = cohort(now_initiative, pilot, alice.user, "Pilot cohort")
    chosen = [teachers[s.pk][0] for s in schools[:3]]
    # when they are added without accepting the gap
    with pytest.raises(ValidationError) as error:
        services.members_add(cohort=pilot_cohort, staff=chosen, source=MemberSource.VOLUNTEER,
                             actor=alice.user)  # fmt: skip
    # then the warning names the school left out and nothing is written
    assert "Juniper Elementary" in str(error.value.message_dict["accept_left_out"])
    assert not CohortMember.objects.exists()
    # when accepted, they are added and the acceptance is recorded and audited
    services.members_add(cohort=pilot_cohort, staff=chosen, source=MemberSource.VOLUNTEER,
                         actor=alice.user, accept_left_out=True)  # fmt: skip
    pilot_cohort.refresh_from_db()
    assert pilot_cohort.schools_left_out == [schools[3].pk]
    assert pilot_cohort.left_out_accepted_by == alice.user
    assert AuditEvent.objects.filter(action="rollout.pilot_gap_accepted").exists()
    plan = selectors.rollout_plan(initiative=now_initiative)
    texts = [c.text for c in plan.checks]
    assert "The pilot leaves out Juniper Elementary (accepted knowingly)." in texts


def test_the_page_asks_for_the_knowing_yes_at_the_checkbox(alice, now_initiative, four_schools):
    schools, teachers = four_schools
    pilot, _, _ = phases(now_initiative, alice.user)
    pilot_cohort = cohort(now_initiative, pilot, alice.user, "Pilot cohort")
    ids = "\n".join(teachers[schools[0].pk][i].staff_unique_id for i in range(2))
    url = reverse("rollout:cohort-add", args=[pilot_cohort.pk])
    response = alice.client().post(url, {"staff": ids, "source": "volunteer"})
    assert response.status_code == 400
    assert "accept_left_out" in response.context["add_form"].errors
    response = alice.client().post(url, {"staff": ids, "source": "volunteer",
                                         "accept_left_out": "on"})  # fmt: skip
    assert response.status_code == 302
    assert CohortMember.objects.filter(cohort=pilot_cohort).count() == 2


def test_unknown_staff_ids_are_named_and_nothing_is_added(alice, now_initiative, four_schools):
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    known = next(iter(teachers.values()))[0].staff_unique_id
    response = alice.client().post(
        reverse("rollout:cohort-add", args=[red.pk]),
        {"staff": f"{known}, NOPE-1", "source": "assigned"},
    )
    assert response.status_code == 400
    assert "NOPE-1" in str(response.context["add_form"].errors["staff"])
    assert not CohortMember.objects.exists()


def test_coach_capacity_is_checked_per_cohort(alice, now_initiative, four_schools, district_a):
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    coach = StaffFactory(
        district=district_a,
        school=None,
        classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
    )
    red = cohort(now_initiative, second, alice.user, "Red", coaches=[coach])
    everyone = [t for group in teachers.values() for t in group][:30]
    services.members_add(cohort=red, staff=everyone, source=MemberSource.ASSIGNED,
                         actor=alice.user)  # fmt: skip
    texts = [c.text for c in selectors.rollout_plan(initiative=now_initiative).checks]
    assert "Red has 30 teachers and 1 coaches; at 20 teachers a coach it needs 2." in texts


# --- Amnesty --------------------------------------------------------------------------------


def test_amnesty_spans_exactly_each_teachers_first_implementation_year(
    alice, now_initiative, four_schools
):
    # given a pilot last year, a second cohort this year and everyone next year
    _, teachers = four_schools
    pilot, second, everyone = phases(now_initiative, alice.user)
    people = [t for group in teachers.values() for t in group]
    pilot_people, second_people, rest = people[:6], people[6:30], people[30:]
    for phase, group, name in ((pilot, pilot_people, "Pilot"), (second, second_people, "Two"),
                               (everyone, rest, "All")):  # fmt: skip
        c = cohort(now_initiative, phase, alice.user, name)
        services.members_add(cohort=c, staff=group, source=MemberSource.ASSIGNED,
                             actor=alice.user, accept_left_out=True)  # fmt: skip
    # then each teacher's amnesty is their cohort's school year, July 1 to June 30
    expected = {p.pk: pilot.school_year for p in pilot_people}
    expected |= {p.pk: second.school_year for p in second_people}
    expected |= {p.pk: everyone.school_year for p in rest}
    got = {a.staff_id: a for a in Amnesty.objects.filter(initiative=now_initiative)}
    assert {k: a.school_year for k, a in got.items()} == expected
    for amnesty in got.values():
        first_day, last_day = school_year_bounds(amnesty.school_year)
        assert (amnesty.starts_on, amnesty.ends_on) == (first_day, last_day)
        assert amnesty.starts_on.month == 7 and amnesty.starts_on.day == 1
        assert amnesty.ends_on == dt.date(amnesty.starts_on.year + 1, 6, 30)


def test_a_withdrawal_during_the_year_keeps_the_amnesty_and_one_before_it_removes_it(
    alice, now_initiative, four_schools
):
    _, teachers = four_schools
    pilot, _, everyone = phases(now_initiative, alice.user)
    people = next(iter(teachers.values()))
    started = cohort(now_initiative, pilot, alice.user, "Pilot")
    later = cohort(now_initiative, everyone, alice.user, "Everyone")
    services.members_add(cohort=started, staff=[people[0]], source=MemberSource.VOLUNTEER,
                         actor=alice.user, accept_left_out=True)  # fmt: skip
    services.members_add(cohort=later, staff=[people[1]], source=MemberSource.ASSIGNED,
                         actor=alice.user)  # fmt: skip
    today = timezone.localdate()
    for member in CohortMember.objects.all():
        services.member_transition(member=member, to=MemberStatus.WITHDRAWN, actor=alice.user,
                                   on=today, reason="Moved to another district")  # fmt: skip
    # the pilot teacher implemented last year: the amnesty stays; next year's never started
    assert list(Amnesty.objects.values_list("staff_id", "school_year")) == [
        (people[0].pk, pilot.school_year)
    ]
    # and taking the withdrawal back gives next year's teacher the amnesty again
    member = CohortMember.objects.get(staff=people[1])
    services.member_transition(member=member, to=MemberStatus.ACTIVE, actor=alice.user)
    assert Amnesty.objects.get(staff=people[1]).school_year == everyone.school_year


def test_moving_a_phase_to_another_year_moves_its_teachers_amnesty(
    alice, now_initiative, four_schools
):
    second, _red, person = one_teacher_this_year(now_initiative, alice.user, four_schools)
    services.phase_delete(phase=now_initiative.phases.get(name="Everyone"), actor=alice.user)
    services.phase_save(initiative=now_initiative, phase=second, actor=alice.user,
                        data={"school_year": year(1)})  # fmt: skip
    assert Amnesty.objects.get(staff=person).school_year == year(1)


def test_amnesty_shows_on_the_staff_page_and_to_the_evaluator(alice, now_initiative, four_schools):
    _second, _red, person = one_teacher_this_year(now_initiative, alice.user, four_schools)
    page = alice.client().get(reverse("org:staff-detail", args=[person.pk]))
    assert f"Evaluation amnesty {year(0)}" in page.content.decode()
    plan_page = alice.client().get(reverse("learning:plan", args=[person.pk]))
    assert f"Evaluation amnesty {year(0)}" in plan_page.content.decode()


def test_the_amnesty_export_lists_each_teacher_with_dates(alice, now_initiative, four_schools):
    _second, _red, person = one_teacher_this_year(now_initiative, alice.user, four_schools)
    response = alice.client().get(reverse("rollout:amnesty-export", args=[now_initiative.pk,
                                                                          "csv"]))  # fmt: skip
    body = b"".join(response.streaming_content).decode()
    first, last = school_year_bounds(year(0))
    assert f"{person.staff_unique_id},{person.first_name},{person.last_name}" in body
    assert f"{year(0)},{first},{last},Red" in body


# --- Progress -------------------------------------------------------------------------------


def test_progress_by_school_counts_teachers_implementing_by_the_year(
    alice, now_initiative, four_schools
):
    schools, teachers = four_schools
    pilot, second, _ = phases(now_initiative, alice.user)
    a, b = schools[0], schools[1]
    first = cohort(now_initiative, pilot, alice.user, "Pilot")
    services.members_add(cohort=first, staff=teachers[a.pk][:2], actor=alice.user,
                         source=MemberSource.VOLUNTEER, accept_left_out=True)  # fmt: skip
    later = cohort(now_initiative, second, alice.user, "Two")
    services.members_add(cohort=later, staff=teachers[b.pk][:5], actor=alice.user,
                         source=MemberSource.ASSIGNED)  # fmt: skip
    last_year = selectors.progress_by_school(initiative=now_initiative, school_year=year(-1))
    this_year = selectors.progress_by_school(initiative=now_initiative, school_year=year(0))
    by_name = {r.school: r for r in this_year.rows}
    assert {r.school: r.implementing for r in last_year.rows}[a.name] == 2
    assert {r.school: r.implementing for r in last_year.rows}[b.name] == 0
    assert (by_name[a.name].implementing, by_name[b.name].implementing) == (2, 5)
    assert by_name[a.name].teachers == 20
    assert this_year.total.implementing == 7 and this_year.total.teachers == 60
    assert this_year.with_certification is False


# --- Who may do what, and tenancy -----------------------------------------------------------


def test_a_teacher_may_volunteer_but_not_change_the_plan(bob, alice, now_initiative, school_a):
    me = StaffFactory(district=school_a.district, school=school_a, user=bob.user,
                      academic_subject=AcademicSubject.MATH)  # fmt: skip
    client = bob.client()
    response = client.post(
        reverse("rollout:volunteer", args=[now_initiative.pk]),
        {"grade_band": "35", "content_area": "math", "note": ""},
    )
    assert response.status_code == 302
    assert now_initiative.volunteers.get().staff == me
    assert client.get(reverse("rollout:phase-create", args=[now_initiative.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.phase_save(initiative=now_initiative, actor=bob.user, data={
            "name": "x", "school_year": year(0), "target_share": Decimal(10),
            "teachers_per_coach": 20, "is_pilot": True})  # fmt: skip


PLAN_PAGES = (
    "rollout:plan",
    "rollout:progress",
    "rollout:amnesty",
    "rollout:volunteers",
    "rollout:phase-create",
    "rollout:cohort-create",
    "rollout:volunteer",
    "rollout:initiative",
    "rollout:vision",
    "rollout:board",
    "rollout:initiative-edit",
)
PLAN_EXPORTS = ("rollout:plan-export", "rollout:progress-export", "rollout:amnesty-export",
                "rollout:volunteers-export", "rollout:vision-schools-export")  # fmt: skip


def test_another_districts_rollout_answers_404_everywhere(
    charlie, alice, now_initiative, four_schools
):
    # given Maple Valley's rollout with a phase, a cohort and a member
    second, red, _person = one_teacher_this_year(now_initiative, alice.user, four_schools)
    member = CohortMember.objects.get()
    client = charlie.client()
    # then every page, export and action of it is "not found" for Cedar Ridge's admin
    for name in PLAN_PAGES:
        assert client.get(reverse(name, args=[now_initiative.pk])).status_code == 404, name
    for name in PLAN_EXPORTS:
        for fmt in ("csv", "xlsx"):
            url = reverse(name, args=[now_initiative.pk, fmt])
            assert client.get(url).status_code == 404, url
    for url in (reverse("rollout:cohort", args=[red.pk]),
                reverse("rollout:cohort-export", args=[red.pk, "csv"]),
                reverse("rollout:cohort-suggest", args=[red.pk]),
                reverse("rollout:phase-edit", args=[now_initiative.pk, second.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
    for url in (reverse("rollout:cohort-add", args=[red.pk]),
                reverse("rollout:cohort-add-remaining", args=[red.pk]),
                reverse("rollout:cohort-delete", args=[red.pk]),
                reverse("rollout:member-status", args=[member.pk]),
                reverse("rollout:phase-delete", args=[now_initiative.pk, second.pk])):  # fmt: skip
        assert client.post(url, {"to": "withdrawn", "on": "2020-01-01"}).status_code == 404, url
    assert CohortMember.objects.get().status == MemberStatus.ACTIVE
    assert now_initiative.phases.count() == 3


def test_every_plan_page_renders_for_the_manager_and_a_teacher(
    alice, bob, now_initiative, four_schools
):
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    services.members_add(cohort=red, staff=next(iter(teachers.values()))[:3],
                         source=MemberSource.ASSIGNED, actor=alice.user)  # fmt: skip
    for persona in (alice, bob):
        client = persona.client()
        for name in (*PLAN_PAGES[:4], "rollout:initiative", "rollout:vision", "rollout:board"):
            assert client.get(reverse(name, args=[now_initiative.pk])).status_code == 200, name
        assert client.get(reverse("rollout:cohort", args=[red.pk])).status_code == 200
        assert client.get(reverse("rollout:home")).status_code == 200


def test_conflicts_are_found_in_every_chunk_of_a_long_list(
    alice, now_initiative, four_schools, monkeypatch
):
    # given ids checked three at a time and a conflict in the last chunk only
    monkeypatch.setattr(services, "ID_CHUNK", 3)
    _, teachers = four_schools
    _, second, _ = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    blue = cohort(now_initiative, second, alice.user, "Blue")
    people = [t for group in teachers.values() for t in group][:8]
    services.members_add(cohort=red, staff=people[7:], source=MemberSource.ASSIGNED,
                         actor=alice.user)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.members_add(cohort=blue, staff=people, source=MemberSource.ASSIGNED,
                             actor=alice.user)  # fmt: skip
    assert people[7].full_name in str(error.value)
    # and without the conflict all eight get their amnesty, read back chunk by chunk
    services.members_add(cohort=blue, staff=people[:7], source=MemberSource.ASSIGNED,
                         actor=alice.user)  # fmt: skip
    assert Amnesty.objects.filter(staff__in=people).count() == 8


def test_someone_without_a_staff_record_is_told_they_cannot_volunteer(alice, now_initiative):
    response = alice.client().get(reverse("rollout:volunteer", args=[now_initiative.pk]))
    assert response.status_code == 403


def test_editing_a_phase_on_its_page_starts_from_it_and_moves_its_teachers_amnesty(
    alice, now_initiative, four_schools
):
    _, teachers = four_schools
    pilot, second, everyone = phases(now_initiative, alice.user)
    red = cohort(now_initiative, second, alice.user, "Red")
    person = next(iter(teachers.values()))[0]
    services.members_add(cohort=red, staff=[person], source=MemberSource.ASSIGNED,
                         actor=alice.user)  # fmt: skip
    services.phase_delete(phase=everyone, actor=alice.user)
    client = alice.client()
    # the pilot's edit form shows it as saved, not a new phase's defaults
    url = reverse("rollout:phase-edit", args=[now_initiative.pk, pilot.pk])
    form = client.get(url).context["form"]
    assert form["is_pilot"].value() is True and form["target_share"].value() == Decimal(10)
    # moving the second phase a year later moves its teacher's amnesty, and the audit says so
    url = reverse("rollout:phase-edit", args=[now_initiative.pk, second.pk])
    response = client.post(url, {"name": "Second cohort", "school_year": year(1),
                                 "target_share": "50", "teachers_per_coach": "20"})  # fmt: skip
    assert response.status_code == 302
    assert Amnesty.objects.get(staff=person).school_year == year(1)
    event = AuditEvent.objects.filter(action="rollout.phase_changed").latest("pk")
    assert event.changes["school_year"] == [year(0), year(1)]


def test_a_page_number_python_calls_a_digit_is_not_a_500(alice, now_initiative):
    for value in ("²", "٣", "9" * 30, "-1", "abc"):
        url = reverse("rollout:amnesty", args=[now_initiative.pk]) + f"?page={value}"
        assert alice.client().get(url).status_code == 200, value


def test_exporting_amnesty_for_the_evaluation_system_is_recorded(alice, now_initiative):
    alice.client().get(reverse("rollout:amnesty-export", args=[now_initiative.pk, "xlsx"]))
    assert AuditEvent.objects.filter(action="rollout.amnesty_exported").count() == 1


def test_volunteers_who_left_are_not_offered_for_the_pilot(alice, now_initiative, four_schools):
    _, teachers = four_schools
    leaver, stayer = next(iter(teachers.values()))[:2]
    for person in (leaver, stayer):
        services.volunteer_add(
            initiative=now_initiative,
            staff=person,
            actor=alice.user,
            grade_band=GradeBand.K2,
            content_area=person.academic_subject,
        )
    leaver.is_active = False
    leaver.save()
    pool = selectors.volunteer_pool(initiative=now_initiative)
    assert list(pool.values_list("staff_id", flat=True)) == [stayer.pk]
