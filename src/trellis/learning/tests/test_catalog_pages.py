"""The catalog pages: who sees and does what (a teacher reads and enrols, a manager runs the
rest), another district's records answer 404, forms answer bad input at the field, and lists
run a fixed number of queries however many rows they show."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.learning.models import (
    Activity,
    Candidacy,
    CertificationProgram,
    Enrolment,
    RequirementEvidence,
    RequirementKind,
    Session,
)
from trellis.learning.services import catalog as services
from trellis.learning.tests.catalog_helpers import (
    D,
    attend,
    days,
    enrol,
    make_activity,
    make_program,
    make_session,
    make_teacher,
    walkthrough,
)
from trellis.org.models import Staff

pytestmark = pytest.mark.django_db


@dataclass
class World:
    activity: Activity
    upcoming: Session
    past: Session
    program: CertificationProgram
    bob: Staff
    ana: Staff
    ana_candidacy: Candidacy
    bob_candidacy: Candidacy


@pytest.fixture
def world(district_a, school_a, bob) -> World:
    activity = make_activity(district_a, "Blended-learning foundations", hours=D("6"),
                             capacity=30)  # fmt: skip
    upcoming = make_session(activity, days(10))
    past = make_session(activity, days(-10))
    bob_staff = make_teacher(district_a, school_a, user=bob.user, first_name="Bob",
                             last_name="Castle", academic_subject="ela")  # fmt: skip
    ana = make_teacher(district_a, school_a, first_name="Ana", last_name="Alvarez",
                       academic_subject="ela")  # fmt: skip
    enrol(past, bob_staff, ana)
    attend(past, bob_staff, ana)
    program = make_program(district_a, activity=activity, hours="6", walkthroughs="1")
    bob_candidacy = services.candidacy_create(
        program=program, staff=bob_staff, started_on=days(-30), cohort="2026-27 cohort",
        actor=None,
    )  # fmt: skip
    ana_candidacy = services.candidacy_create(
        program=program, staff=ana, started_on=days(-30), actor=None
    )
    return World(activity, upcoming, past, program, bob_staff, ana, ana_candidacy, bob_candidacy)


def _pages(w: World) -> list[str]:
    """Every page a member of the district may read."""
    return [
        reverse("learning:home"),
        reverse("learning:activities"),
        reverse("learning:activity", args=[w.activity.pk]),
        reverse("learning:session", args=[w.upcoming.pk]),
        reverse("learning:session", args=[w.past.pk]),
        reverse("learning:programs"),
        reverse("learning:program", args=[w.program.pk]),
        reverse("learning:mine"),
    ]


def _manager_gets(w: World) -> list[str]:
    return [
        reverse("learning:activity-create"),
        reverse("learning:activity-edit", args=[w.activity.pk]),
        reverse("learning:session-create", args=[w.activity.pk]),
        reverse("learning:session-edit", args=[w.past.pk]),
        reverse("learning:session-signin", args=[w.past.pk]),
        reverse("learning:session-export", args=[w.past.pk, "csv"]),
        reverse("learning:hours"),
        reverse("learning:hours-export", args=["csv"]),
        reverse("learning:person", args=[w.ana.pk]),
        reverse("learning:program-create"),
        reverse("learning:program-edit", args=[w.program.pk]),
        reverse("learning:program-export", args=[w.program.pk, "xlsx"]),
        reverse("learning:program-breakdown-export", args=[w.program.pk, "csv"]),
        reverse("learning:requirement-create", args=[w.program.pk]),
        reverse("learning:candidacy-create", args=[w.program.pk]),
        reverse("learning:candidacy-bulk", args=[w.program.pk]),
        reverse("learning:candidacy", args=[w.ana_candidacy.pk]),
    ]


def _manager_posts(w: World) -> list[tuple[str, dict[str, str]]]:
    evidence = walkthrough(w.ana_candidacy, days(-1))
    requirement = w.program.requirements.get(kind=RequirementKind.HOURS)
    return [
        (reverse("learning:session-attendance", args=[w.past.pk]), {}),
        (reverse("learning:session-enrol", args=[w.upcoming.pk]), {"staff": str(w.ana.pk)}),
        (reverse("learning:evidence-remove", args=[evidence.pk]), {}),
        (reverse("learning:requirement-remove", args=[requirement.pk]), {}),
        (reverse("learning:candidacy", args=[w.ana_candidacy.pk]), {}),
        (reverse("learning:activity-create"), {"title": "X"}),
    ]


def test_every_member_reads_the_catalog_programs_and_their_own_learning(bob, alice, world):
    for persona in (bob, alice):
        client = persona.client()
        for url in _pages(world):
            assert client.get(url).status_code == 200, (persona.user.username, url)


def test_a_teacher_sees_no_manager_actions(bob, alice, world):
    home = bob.client().get(reverse("learning:home")).content.decode()
    assert "Add a learning activity" not in home and "Initial training coverage" not in home
    session = bob.client().get(reverse("learning:session", args=[world.past.pk])).content.decode()
    assert "Save attendance" not in session and "Ana Alvarez" not in session
    assert (
        "Add a learning activity" in alice.client().get(reverse("learning:home")).content.decode()
    )


def test_a_teacher_cannot_manage_by_any_page(bob, world):
    client = bob.client()
    for url in _manager_gets(world):
        assert client.get(url).status_code == 403, url
    for url, data in _manager_posts(world):
        assert client.post(url, data).status_code == 403, url
    assert RequirementEvidence.objects.count() == 1 and Activity.objects.count() == 1


def test_a_manager_opens_every_page(alice, world):
    client = alice.client()
    for url in _manager_gets(world):
        assert client.get(url).status_code == 200, url


def test_another_districts_learning_answers_404(charlie, world):
    client = charlie.client()
    found = [*_pages(world)[2:5], *_manager_gets(world)[1:6], *_manager_gets(world)[8:]]
    for url in [u for u in found if u != reverse("learning:program-create")]:
        assert client.get(url).status_code == 404, url
    for url, data in _manager_posts(world)[:-1]:
        assert client.post(url, data).status_code == 404, url
    enrolment = Enrolment.objects.filter(staff=world.ana).first()
    assert client.post(reverse("learning:enrolment-cancel", args=[enrolment.pk])).status_code == 404


def test_another_districts_lists_show_none_of_ours(charlie, world):
    client = charlie.client()
    assert (
        "Blended-learning foundations" not in client.get(reverse("learning:home")).content.decode()
    )
    assert "Blended-learning" not in client.get(reverse("learning:activities")).content.decode()
    assert "Blended-learning" not in client.get(reverse("learning:programs")).content.decode()


def test_a_teacher_sees_their_own_hours_and_progress_only(bob, world):
    client = bob.client()
    mine = client.get(reverse("learning:mine")).content.decode()
    assert "Blended-learning specialist (ELA)" in mine and "Ana Alvarez" not in mine
    assert (
        client.get(reverse("learning:candidacy", args=[world.bob_candidacy.pk])).status_code == 200
    )
    assert (
        client.get(reverse("learning:candidacy", args=[world.ana_candidacy.pk])).status_code == 403
    )
    assert client.get(reverse("learning:person", args=[world.ana.pk])).status_code == 403
    program = client.get(reverse("learning:program", args=[world.program.pk])).content.decode()
    assert "Ana Alvarez" not in program and "Bob Castle" not in program


def test_my_learning_without_a_staff_record_says_so(hana, world):
    response = hana.client().get(reverse("learning:mine"))
    assert response.status_code == 200 and "no staff record" in response.content.decode()


# --- Enrolling and attendance through the pages ---------------------------------------------


def test_a_teacher_enrols_and_cancels_their_own_place(bob, world):
    client = bob.client()
    url = reverse("learning:session", args=[world.upcoming.pk])
    response = client.post(reverse("learning:session-enrol", args=[world.upcoming.pk]), follow=True)
    assert "You are enrolled" in response.content.decode()
    mine = Enrolment.objects.get(session=world.upcoming, staff=world.bob)
    response = client.post(reverse("learning:enrolment-cancel", args=[mine.pk]), follow=True)
    assert response.redirect_chain[-1][0] == url
    mine.refresh_from_db()
    assert mine.status == "cancelled"


def test_a_teacher_cannot_cancel_someone_elses_place(bob, world):
    theirs = enrol(world.upcoming, world.ana).enrolled[0]
    url = reverse("learning:enrolment-cancel", args=[theirs.pk])
    assert bob.client().post(url).status_code == 403


def test_a_full_session_puts_the_teacher_on_the_waitlist_and_says_so(bob, world, district_a):
    services.session_update(session=world.upcoming, data={"capacity": 1}, actor=None)
    enrol(world.upcoming, world.ana)
    response = bob.client().post(
        reverse("learning:session-enrol", args=[world.upcoming.pk]), follow=True
    )
    assert "on the waitlist" in response.content.decode()
    assert Enrolment.objects.get(staff=world.bob, session=world.upcoming).status == "waitlisted"


def test_a_manager_refusing_to_overbook_sees_the_reason_at_the_field(alice, world, district_a):
    services.session_update(session=world.upcoming, data={"capacity": 1}, actor=None)
    enrol(world.upcoming, world.ana)
    response = alice.client().post(
        reverse("learning:session-enrol", args=[world.upcoming.pk]), {"staff": world.bob.pk}
    )
    assert response.status_code == 400
    assert "1 of 1 seats are taken" in response.content.decode()
    assert not Enrolment.objects.filter(staff=world.bob, session=world.upcoming).exists()


def test_bad_hours_on_the_attendance_form_are_shown_at_the_row_and_nothing_is_saved(alice, world):
    url = reverse("learning:session-attendance", args=[world.past.pk])
    rows = {e.staff_id: e.pk for e in Enrolment.objects.filter(session=world.past)}
    data = {
        f"attended-{rows[world.bob.pk]}": "yes", f"hours-{rows[world.bob.pk]}": "2",
        f"attended-{rows[world.ana.pk]}": "yes", f"hours-{rows[world.ana.pk]}": "9",
    }  # fmt: skip
    response = alice.client().post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ana Alvarez: 9 hours is more than the 6 hours" in page
    assert f'aria-describedby="hours-{rows[world.ana.pk]}-error"' in page
    assert Enrolment.objects.get(staff=world.bob, session=world.past).hours == D("6")


def test_a_manager_marks_attendance_on_the_session_page(alice, world):
    url = reverse("learning:session-attendance", args=[world.past.pk])
    rows = {e.staff_id: e.pk for e in Enrolment.objects.filter(session=world.past)}
    data = {f"attended-{rows[world.bob.pk]}": "yes", f"hours-{rows[world.bob.pk]}": "4.5"}
    response = alice.client().post(url, data, follow=True)
    assert "Saved attendance: 2 changed" in response.content.decode()
    marks = dict(Enrolment.objects.filter(session=world.past).values_list("staff_id", "hours"))
    assert marks == {world.bob.pk: D("4.5"), world.ana.pk: D("0")}


def test_hours_that_are_not_a_number_are_refused_on_the_page(alice, world):
    url = reverse("learning:session-attendance", args=[world.past.pk])
    rows = {e.staff_id: e.pk for e in Enrolment.objects.filter(session=world.past)}
    data = {f"attended-{rows[world.bob.pk]}": "yes", f"hours-{rows[world.bob.pk]}": "two"}
    response = alice.client().post(url, data)
    assert response.status_code == 400 and "is not a number of hours" in response.content.decode()


def test_the_sign_in_sheet_lists_the_enrolled_with_a_blank_signature_column(alice, world):
    page = alice.client().get(reverse("learning:session-signin", args=[world.past.pk]))
    text = page.content.decode()
    assert "Alvarez, Ana" in text and "Castle, Bob" in text
    assert '<style media="print">' in text and text.count('class="signature"></td>') == 5


# --- Forms ----------------------------------------------------------------------------------


def test_an_activity_with_absurd_hours_is_refused_at_the_field(alice, district_a):
    response = alice.client().post(
        reverse("learning:activity-create"),
        {"title": "Summer institute", "source": "internal", "hours": "900", "level": "everyone"},
    )
    assert response.status_code == 400 and 'id="id_hours_error"' in response.content.decode()
    assert not Activity.objects.filter(title="Summer institute").exists()


def test_an_activity_is_added_through_the_form(alice, district_a):
    response = alice.client().post(
        reverse("learning:activity-create"),
        {"title": "Summer institute", "source": "internal", "hours": "12", "level": "new",
         "element": "coaching_skills", "is_active": "on"},
    )  # fmt: skip
    activity = Activity.objects.get(title="Summer institute")
    assert response.status_code == 302 and activity.hours == D("12")


def test_a_session_ending_before_it_starts_is_refused_at_the_field(alice, world):
    response = alice.client().post(
        reverse("learning:session-create", args=[world.activity.pk]),
        {"starts_on": days(5).isoformat(), "ends_on": days(4).isoformat()},
    )
    assert response.status_code == 400 and "can&#x27;t end before it starts" in (
        response.content.decode()
    )


def test_a_walkthrough_in_the_future_is_refused_at_the_field(alice, world):
    requirement = world.program.requirements.get(kind=RequirementKind.WALKTHROUGHS)
    response = alice.client().post(
        reverse("learning:candidacy", args=[world.ana_candidacy.pk]),
        {"requirement": requirement.pk, "completed_on": days(3).isoformat()},
    )
    assert response.status_code == 400 and 'id="id_completed_on_error"' in response.content.decode()
    assert not RequirementEvidence.objects.exists()


def test_a_schools_teachers_become_candidates_through_the_form(alice, world, school_a):
    make_teacher(school_a.district, school_a, academic_subject="ela")
    response = alice.client().post(
        reverse("learning:candidacy-bulk", args=[world.program.pk]),
        {"school": school_a.pk, "cohort": "2026-27 cohort", "started_on": days(0).isoformat()},
    )
    assert response.status_code == 302 and Candidacy.objects.count() == 3


# --- Exports ---------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_hours_export_has_a_row_per_person_with_hours_by_element(alice, world):
    response = alice.client().get(
        reverse("learning:hours-export", args=["csv"]), {"school_year": world.past.school_year}
    )
    rows = _csv(response)
    assert rows[0][-5:] == ["shared_vision", "coaching_skills", "role_skills", "ongoing",
                            "total_hours"]  # fmt: skip
    bob_row = next(r for r in rows if r[2] == "Bob")
    assert bob_row[5] == "1" and D(bob_row[-1]) == 6
    assert AuditEvent.objects.filter(action="learning.hours_exported").count() == 1


def test_the_candidate_export_carries_each_requirements_progress(alice, world):
    rows = _csv(
        alice.client().get(reverse("learning:program-export", args=[world.program.pk, "csv"]))
    )
    assert rows[0][-3:] == ["Attend “Blended-learning foundations”", "6 hours of learning",
                            "1 observed walkthrough"]  # fmt: skip
    assert [r[2] for r in rows[1:]] == ["Ana", "Bob"]
    assert rows[1][-1] == "0 of 1 walkthroughs"


def test_the_catalog_export_is_for_those_who_export(alice, bob, world):
    assert bob.client().get(reverse("learning:activity-export", args=["csv"])).status_code == 403
    rows = _csv(alice.client().get(reverse("learning:activity-export", args=["csv"])))
    assert rows[1][0] == "Blended-learning foundations" and rows[1][-1] == "yes"


# --- Constant queries -------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_run_the_same_queries_for_5_rows_as_for_50(alice, world, district_a, school_a):
    client = alice.client()
    urls = [
        reverse("learning:home"),
        reverse("learning:activities"),
        f"{reverse('learning:hours')}?school_year={world.past.school_year}",
        reverse("learning:program", args=[world.program.pk]),
        reverse("learning:session", args=[world.past.pk]),
    ]
    few = [_queries(client, url) for url in urls]
    people = [make_teacher(district_a, school_a, academic_subject="ela") for _ in range(48)]
    for n in range(50):
        make_session(make_activity(district_a, f"Clinic {n}"), days(20 + n))
    services.candidacies_enrol_school(program=world.program, school=school_a,
                                      started_on=days(-30), actor=None)  # fmt: skip
    services.session_update(session=world.past, data={"capacity": 60}, actor=None)
    enrol(world.past, *people)
    attend(world.past, *people)
    many = [_queries(client, url) for url in urls]
    assert many == few


def test_a_manager_cancels_a_place_from_the_roster_of_an_upcoming_session(alice, world):
    seat = enrol(world.upcoming, world.ana).enrolled[0]
    page = alice.client().get(reverse("learning:session", args=[world.upcoming.pk]))
    assert "Cancel Ana Alvarez's place" in page.content.decode()
    response = alice.client().post(reverse("learning:enrolment-cancel", args=[seat.pk]))
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == "cancelled"
