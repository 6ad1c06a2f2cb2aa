"""Coach assignment end to end on a real database: profiles, a proposal run as a task, a
person's edits, approval writing the relationships, bad input, and who may see it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from trellis.coaching import assignment
from trellis.coaching.models import (
    AssignmentProposal,
    CoachProfile,
    ProposalStatus,
    ProposedPair,
    Relationship,
)
from trellis.core.models import AuditEvent, District, Membership, Role, User
from trellis.core.services import api_token_create
from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory, UserFactory
from trellis.org.models import Grade, Staff, StaffClassification
from trellis.rollout.models import Cohort, CohortMember, Initiative, MemberSource, Phase

pytestmark = pytest.mark.django_db

YEAR, LAST = "2027-28", "2026-27"
BEGIN = dt.date(2027, 8, 16)


class World:
    """Two elementary schools; Ada (K-2 and 3-5, 2 teachers) taught at Oak; Ben (3-5 math,
    2 teachers). Teachers: Kim (Oak, K-2, first year), Lee (Oak, 3-5, Ben's last year), Max (Elm,
    3-5 math), Noa (Elm, K-2, first year), Oli (Elm, 3-5 ELA)."""

    def __init__(self) -> None:
        self.district = DistrictFactory()
        d = self.district
        self.oak = SchoolFactory(
            district=d, name="Oak", lowest_grade=Grade.KINDERGARTEN, highest_grade=Grade.FIFTH
        )
        self.elm = SchoolFactory(
            district=d, name="Elm", lowest_grade=Grade.KINDERGARTEN, highest_grade=Grade.FIFTH
        )
        self.manager = UserFactory(username="hr")
        Membership.objects.create(user=self.manager, district=d, role=Role.DISTRICT_ADMIN)
        coach = StaffClassification.INSTRUCTIONAL_COORDINATOR
        self.ada = StaffFactory(
            district=d, school=None, first_name="Ada", last_name="Stone", classification=coach
        )
        self.ben = StaffFactory(
            district=d, school=None, first_name="Ben", last_name="Ortiz", classification=coach
        )
        self.t = {}
        for name, school, band, subject in [
            ("Kim", self.oak, "k2", "ela"),
            ("Lee", self.oak, "35", "math"),
            ("Max", self.elm, "35", "math"),
            ("Noa", self.elm, "k2", "ela"),
            ("Oli", self.elm, "35", "ela"),
        ]:
            self.t[name] = StaffFactory(
                district=d,
                school=school,
                first_name=name,
                last_name="Teacher",
                grade_band=band,
                academic_subject=subject,
                classification=StaffClassification.TEACHER,
            )
        assignment.coach_profile_save(
            district=d,
            staff=self.ada,
            max_teachers=2,
            hours_per_week=None,
            grade_bands=["k2", "35"],
            former_schools=[self.oak],
            actor=self.manager,
        )
        assignment.coach_profile_save(
            district=d,
            staff=self.ben,
            max_teachers=2,
            hours_per_week=None,
            grade_bands=["35"],
            content_areas=["math"],
            actor=self.manager,
        )
        initiative = Initiative.objects.create(
            district=d, name="Personalized learning", first_year=LAST, last_year="2029-30"
        )
        earlier = Phase.objects.create(
            district=d,
            initiative=initiative,
            name="Pilot",
            school_year=LAST,
            target_share=10,
            is_pilot=True,
        )
        phase = Phase.objects.create(
            district=d, initiative=initiative, name="Wave 1", school_year=YEAR, target_share=50
        )
        for p, cohort_name, people in [
            (earlier, "Pilot", ["Lee"]),
            (phase, "Wave 1", ["Kim", "Noa", "Lee"]),
        ]:
            cohort = Cohort.objects.create(
                district=d, initiative=initiative, phase=p, name=cohort_name
            )
            for name in people:
                CohortMember.objects.create(
                    district=d,
                    cohort=cohort,
                    phase=p,
                    staff=self.t[name],
                    source=MemberSource.VOLUNTEER,
                    joined_on=dt.date(2026, 8, 1),
                )
        # Last year Ben coached Lee all year; Ada coached Oli for a month.
        self.lee_ben = Relationship.objects.create(
            district=d, coach=self.ben, teacher=self.t["Lee"], begin_date=dt.date(2026, 8, 20)
        )
        Relationship.objects.create(
            district=d,
            coach=self.ada,
            teacher=self.t["Oli"],
            begin_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 9, 30),
        )

    def run(self, django_capture_on_commit_callbacks, **kwargs) -> AssignmentProposal:
        with django_capture_on_commit_callbacks(execute=True):
            proposal = assignment.proposal_start(
                district=self.district,
                school_year=YEAR,
                begin_date=BEGIN,
                actor=self.manager,
                **kwargs,
            )
        proposal.refresh_from_db()
        return proposal

    def pairs(self, proposal: AssignmentProposal) -> dict[str, str | None]:
        return {
            p.teacher.first_name: p.coach.first_name if p.coach else None
            for p in assignment.pair_rows(proposal)
        }


@pytest.fixture
def world() -> World:
    return World()


def test_a_proposal_runs_in_the_background_task_and_keeps_every_rule(
    world, django_capture_on_commit_callbacks
):
    proposal = world.run(django_capture_on_commit_callbacks)
    assert proposal.status == ProposalStatus.READY
    assert proposal.optimal
    # Lee stays with Ben (last year's pair; no longer first-year: in the pilot before). Ada
    # never takes Oak's teachers (she taught there), so Kim, first-year at Oak K-2, has nobody.
    assert world.pairs(proposal) == {
        "Kim": None,
        "Lee": "Ben",
        "Max": "Ben",
        "Noa": "Ada",
        "Oli": "Ada",
    }
    assert (proposal.teachers, proposal.assigned, proposal.first_year) == (5, 4, 2)
    assert (proposal.first_year_assigned, proposal.kept) == (1, 2)  # Lee-Ben and Oli-Ada
    kim = ProposedPair.objects.get(proposal=proposal, teacher=world.t["Kim"])
    assert (
        kim.first_year
        and kim.reason == "The coaches who could take them (Ada Stone) taught at their school."
    )
    lee = ProposedPair.objects.get(proposal=proposal, teacher=world.t["Lee"])
    assert lee.last_coach == world.ben and "kept from last year" in lee.reason
    assert not lee.first_year  # in the pilot the year before: not their first year


def test_editing_refuses_a_former_school_and_approval_refuses_over_capacity(
    world, django_capture_on_commit_callbacks
):
    proposal = world.run(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Ada Stone taught at Oak, flagged at hire"):
        assignment.pair_set(
            proposal=proposal, teacher=world.t["Kim"], coach=world.ada, actor=world.manager
        )
    assert ProposedPair.objects.get(proposal=proposal, teacher=world.t["Kim"]).coach is None

    pair = assignment.pair_set(
        proposal=proposal, teacher=world.t["Oli"], coach=world.ben, actor=world.manager
    )
    assert pair.edited and pair.reason.startswith("Chosen by hr, although Ben Ortiz does not cover")
    with pytest.raises(ValidationError, match=r"Over capacity: Ben Ortiz \(3 of 2 teachers\)"):
        assignment.proposal_approve(proposal=proposal, actor=world.manager)
    assert not Relationship.objects.filter(begin_date=BEGIN).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.READY


def test_approval_opens_the_pairs_ends_the_others_and_keeps_last_years(
    world, django_capture_on_commit_callbacks
):
    proposal = world.run(django_capture_on_commit_callbacks)
    # Move Max from Ben to no coach, and Noa stays with Ada.
    assignment.pair_set(proposal=proposal, teacher=world.t["Max"], coach=None, actor=world.manager)
    # Oli has an open relationship with Ben that the proposal does not keep.
    old = Relationship.objects.create(
        district=world.district,
        coach=world.ben,
        teacher=world.t["Oli"],
        begin_date=dt.date(2027, 1, 5),
    )
    opened = assignment.proposal_approve(proposal=proposal, actor=world.manager)
    assert opened == 2  # Noa and Oli with Ada; Lee's pair with Ben is kept, not reopened
    open_pairs = set(
        Relationship.objects.filter(end_date__isnull=True).values_list(
            "teacher__first_name", "coach__first_name"
        )
    )
    assert open_pairs == {("Lee", "Ben"), ("Noa", "Ada"), ("Oli", "Ada")}
    old.refresh_from_db()
    assert old.end_date == BEGIN - dt.timedelta(days=1)
    world.lee_ben.refresh_from_db()
    assert world.lee_ben.end_date is None
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert AuditEvent.objects.filter(action="coaching.proposal_approved").count() == 1
    with pytest.raises(ValidationError, match="only a proposal ready for review can change"):
        assignment.pair_set(
            proposal=proposal, teacher=world.t["Kim"], coach=world.ben, actor=world.manager
        )


def test_hours_limit_a_coach_first_year_teachers_take_more(
    world, django_capture_on_commit_callbacks
):
    assignment.coach_profile_save(
        district=world.district,
        staff=world.ada,
        max_teachers=None,
        hours_per_week=3,
        grade_bands=["k2", "35"],
        former_schools=[world.oak],
        actor=world.manager,
    )
    proposal = world.run(django_capture_on_commit_callbacks, hours_per_first_year=3)
    # Noa (first year, 3 hours) fills Ada's 3 hours; Oli is left out.
    assert world.pairs(proposal)["Noa"] == "Ada"
    assert world.pairs(proposal)["Oli"] is None
    oli = ProposedPair.objects.get(proposal=proposal, teacher=world.t["Oli"])
    assert "Ada Stone (3 of 3 hours)" in oli.reason


def test_a_teacher_with_no_grade_band_stops_the_run_with_their_name(
    world, django_capture_on_commit_callbacks
):
    Staff.objects.filter(pk=world.t["Oli"].pk).update(grade_band="")  # Elm is K-5: two bands
    proposal = world.run(django_capture_on_commit_callbacks)
    assert proposal.status == ProposalStatus.FAILED
    assert proposal.problems == [
        f"{world.t['Oli'].full_name} ({world.t['Oli'].staff_unique_id}) has no grade band and "
        "teaches at a school of several bands; set it on their staff record."
    ]
    assert not ProposedPair.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(
    ("teachers", "hours", "bands", "field", "message"),
    [
        (0, None, ["k2"], "max_teachers", "0 teachers leaves no room to coach"),
        (-3, None, ["k2"], "max_teachers", "-3 teachers leaves no room"),
        (None, 0, ["k2"], "hours_per_week", "0 hours leaves no room"),
        (None, None, ["k2"], "max_teachers", "Give a number of teachers, or of hours"),
        (5, None, [], "grade_bands", "Choose at least one grade band"),
        (5, None, ["k7"], "grade_bands", "Unknown grade band: k7."),
    ],
)
def test_a_coach_profile_with_no_room_is_refused_at_its_field(
    world, teachers, hours, bands, field, message
):
    before = list(CoachProfile.objects.values_list("pk", "max_teachers", "hours_per_week"))
    with pytest.raises(ValidationError) as caught:
        assignment.coach_profile_save(
            district=world.district,
            staff=world.ben,
            max_teachers=teachers,
            hours_per_week=hours,
            grade_bands=bands,
            actor=world.manager,
        )
    assert message in caught.value.message_dict[field][0]
    assert list(CoachProfile.objects.values_list("pk", "max_teachers", "hours_per_week")) == before


def test_the_pages_run_edit_approve_and_refuse_outsiders(world, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(world.manager)
    assert client.get("/coaching/assignment/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/coaching/assignment/",
            {
                "school_year": YEAR,
                "begin_date": "2027-08-16",
                "hours_per_teacher": "1",
                "hours_per_first_year": "2",
            },
        )
    proposal = AssignmentProposal.objects.get(district=world.district)
    assert response["Location"] == f"/coaching/assignment/{proposal.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "The coaches who could take them (Ada Stone) taught at their school." in page
    assert client.get(f"/coaching/assignment/{proposal.pk}/export.csv").status_code == 200

    # A bad begin date is shown at its field; nothing is queued.
    response = client.post(
        "/coaching/assignment/",
        {
            "school_year": YEAR,
            "begin_date": "2020-01-01",
            "hours_per_teacher": "1",
            "hours_per_first_year": "2",
        },
    )
    assert "Choose a day within 2027-28" in response.content.decode()
    assert AssignmentProposal.objects.count() == 1

    edit = f"/coaching/assignment/{proposal.pk}/teachers/{world.t['Kim'].pk}/"
    refused = client.post(edit, {"coach": world.ada.pk})
    assert "flagged at hire" in refused.content.decode()
    assert client.post(f"/coaching/assignment/{proposal.pk}/approve/").status_code == 302
    assert Relationship.objects.filter(begin_date=BEGIN).count() == 3

    # A teacher may not see it; another district's manager gets 404.
    teacher_user = UserFactory()
    Membership.objects.create(user=teacher_user, district=world.district, role=Role.TEACHER)
    teacher = Client()
    teacher.force_login(teacher_user)
    assert teacher.get(f"/coaching/assignment/{proposal.pk}/").status_code == 403
    other = _manager_of(DistrictFactory())
    outsider = Client()
    outsider.force_login(other)
    assert outsider.get(f"/coaching/assignment/{proposal.pk}/").status_code == 404
    assert outsider.get(f"{edit}").status_code == 404


def _manager_of(district: District) -> User:
    user = UserFactory()
    Membership.objects.create(user=user, district=district, role=Role.DISTRICT_ADMIN)
    return user


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_create(user=user, name='t')}"})


def test_the_api_runs_changes_and_approves_and_keeps_districts_apart(
    world, django_capture_on_commit_callbacks
):
    api = _api(world.manager)
    body = {"school_year": YEAR, "begin_date": "2027-08-16"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/coaching/proposals", body, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    detail = api.get(f"/api/v1/coaching/proposals/{pk}").json()
    assert detail["status"] == "ready" and detail["optimal"] is True
    pairs = api.get(f"/api/v1/coaching/proposals/{pk}/pairs").json()
    assert pairs["count"] == 5
    put = api.put(
        f"/api/v1/coaching/proposals/{pk}/pairs/{world.t['Kim'].pk}",
        json.dumps({"coach_id": world.ada.pk}),
        content_type="application/json",
    )
    assert put.status_code == 422
    assert "flagged at hire" in put.content.decode()
    bad = api.post(
        "/api/v1/coaching/proposals",
        {"school_year": "2027-29", "begin_date": "2027-08-16"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    approved = api.post(f"/api/v1/coaching/proposals/{pk}/approve")
    assert approved.status_code == 200 and approved.json()["opened"] == 3

    outsider = _api(_manager_of(DistrictFactory()))
    assert outsider.get(f"/api/v1/coaching/proposals/{pk}").status_code == 404
    assert outsider.get(f"/api/v1/coaching/proposals/{pk}/pairs").status_code == 404
    assert outsider.get("/api/v1/coaching/proposals").json()["count"] == 0


def test_a_run_whose_worker_died_is_marked_stopped_when_next_read(world, settings):
    settings.TRELLIS_IMPORT_STALE_SECONDS = 60
    proposal = AssignmentProposal.objects.create(
        district=world.district, school_year=YEAR, begin_date=BEGIN, created_by=world.manager
    )
    AssignmentProposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=119),
    )
    fresh = assignment.proposal_get(district=world.district, pk=proposal.pk)
    assert fresh.status == ProposalStatus.RUNNING  # 119 s: within the 60 s solve + 60 s
    AssignmentProposal.objects.filter(pk=proposal.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=121)
    )
    stale = assignment.proposal_get(district=world.district, pk=proposal.pk)
    assert stale.status == ProposalStatus.FAILED
    assert "(its worker ended); nothing was written" in stale.problems[0]
    assert not ProposedPair.objects.filter(proposal=proposal).exists()
