"""The demo consortium: its shape, its personas, and that loading twice changes nothing."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from trellis.core.models import District, Membership, User
from trellis.demo.loader import DEMO_TOTP_SECRET, PASSWORD, demo_load, two_factor_personas
from trellis.insights.models import Grantee
from trellis.interop.models import ImportRun, ImportStatus
from trellis.org.models import (
    School,
    SchoolAssignment,
    SchoolCategory,
    Staff,
    StaffClassification,
)
from trellis.roles.models import (
    Assignment,
    JobDescriptionVersion,
    Position,
    RoleLevel,
    VersionStatus,
)
from trellis.signin import totp

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it takes a while) and committed; each test still
    runs in its own transaction, rolled back after it. The database is emptied at the end, as a
    transactional test leaves it."""
    # The tests' fast hasher (conftest) is per test; the demo's passwords must match it.
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        summary = demo_load()
    yield summary
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()


@pytest.fixture
def loaded(_demo, db):
    return _demo


def test_first_district_has_four_elementary_schools_and_345_teachers(loaded):
    maple = District.objects.get(slug="maple-valley")
    schools = School.objects.filter(district=maple)
    teachers = Staff.objects.filter(district=maple, classification=StaffClassification.TEACHER)
    assert schools.count() == 4
    assert set(schools.values_list("category", flat=True)) == {SchoolCategory.ELEMENTARY}
    assert teachers.count() == 345
    assert set(teachers.values_list("academic_subject", flat=True)) == {"ela", "math"}


def test_second_district_has_middle_and_high_schools(loaded):
    categories = set(
        School.objects.filter(district__slug="cedar-ridge").values_list("category", flat=True)
    )
    assert categories == {SchoolCategory.MIDDLE, SchoolCategory.HIGH}


def test_the_345_teacher_district_has_its_coaches_tosas_and_teacher_leaders(loaded):
    maple = District.objects.get(slug="maple-valley")
    live = Assignment.objects.filter(district=maple, end_date__isnull=True)
    titles = list(live.values_list("position__version__job_description__title", flat=True))
    # Three instructional coaches (cole among them) and two technology TOSAs who never evaluate
    assert titles.count("Instructional coach, K–5") == 3
    assert live.filter(position__version__job_description__title="Instructional coach, K–5",
                       staff__user__username="cole").exists()  # fmt: skip
    tosas = live.filter(position__version__job_description__title="Technology TOSA")
    assert tosas.count() == 2 and all(tosas.values_list("is_tosa", flat=True))
    assert not tosas.first().position.version.evaluative
    # A teacher-leader in each school, a coordinator, specialists by grade band and subject
    leaders = live.filter(
        position__version__job_description__role_type__standard_key="teacher_leader"
    )
    assert set(leaders.values_list("position__school__name", flat=True)) == set(
        School.objects.filter(district=maple).values_list("name", flat=True)
    )
    assert titles.count("Personalized learning coordinator") == 1
    specialists = JobDescriptionVersion.objects.filter(
        district=maple, job_description__role_type__name="Implementation specialist"
    )
    assert {(v.grade_band, v.content_area) for v in specialists} == {
        ("Kindergarten – Grade 2", "ela"),
        ("Grade 3 – Grade 5", "math"),
    }
    # Every job description is published, school and classroom ones with a principal's sign-off
    versions = JobDescriptionVersion.objects.filter(district=maple)
    assert set(versions.values_list("status", flat=True)) == {VersionStatus.PUBLISHED}
    for version in versions.exclude(level=RoleLevel.DISTRICT):
        review = version.reviews.get(reviewer_role="principal", decision="approved")
        assert review.reviewer.user.username == "pat"  # the principal persona signed off


def test_every_demo_district_has_ended_assignments_with_reasons(loaded):
    for district in District.objects.all():
        ended = Assignment.objects.filter(district=district, end_date__isnull=False)
        assert ended.count() >= 2, district.slug
        assert "" not in set(ended.values_list("end_reason", flat=True))
    reasons = set(Assignment.objects.exclude(end_reason="").values_list("end_reason", flat=True))
    assert {"promoted", "retired", "not_a_fit", "returned_to_classroom", "moved_away"} <= reasons


def test_reference_landscape_has_the_21_grantees(loaded):
    assert Grantee.objects.count() == 21
    assert Grantee.objects.filter(cohort_year=2012).count() == 16


def test_loading_twice_changes_nothing(loaded):
    before = (
        list(Staff.objects.order_by("pk").values_list("pk", "staff_unique_id", "first_name")),
        School.objects.count(), User.objects.count(), Membership.objects.count(),
        list(User.objects.values_list("username", "password")),
        Position.objects.count(), Assignment.objects.count(),
    )  # fmt: skip
    second = demo_load()
    after = (
        list(Staff.objects.order_by("pk").values_list("pk", "staff_unique_id", "first_name")),
        School.objects.count(), User.objects.count(), Membership.objects.count(),
        list(User.objects.values_list("username", "password")),
        Position.objects.count(), Assignment.objects.count(),
    )  # fmt: skip
    assert after == before
    assert sum(second.created.values()) == 0


def test_harbor_points_roster_arrived_once_and_matched_everyone(loaded):
    harbor = District.objects.get(slug="harbor-point")
    run = ImportRun.objects.get(district=harbor)
    assert run.status == ImportStatus.SUCCEEDED
    # Every roster person was already in Trellis: linked by staff number, none created twice.
    assert run.counts["staff"]["created"] == 0
    assert run.counts["ignored"]["users"] == 3  # the sample's students and guardian
    people = Staff.objects.filter(district=harbor, is_active=True)
    assert not people.filter(sourced_id="").exists()
    assert SchoolAssignment.objects.filter(district=harbor).count() == people.count()


@pytest.mark.parametrize(
    ("username", "sees", "never_sees"),
    [
        ("alice", "Maple Valley School District", "Cedar Ridge High School"),
        ("charlie", "Cedar Ridge Unified School District", "Aspen Elementary"),
    ],
)
def test_each_persona_signs_in_to_their_own_district(loaded, username, sees, never_sees):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    home = client.get("/").content.decode()
    schools = client.get("/schools/").content.decode()
    assert sees in home
    assert never_sees not in home + schools


def test_demo_admins_sign_in_with_the_printed_authenticator_key(loaded):
    # given the key `trellis demo` prints, added to an authenticator app
    code = totp.code_for_step(DEMO_TOTP_SECRET, totp.step_at())
    # when hana (HR) signs in with the demo password and then the app's code
    client = Client(REMOTE_ADDR="10.8.0.1")
    client.post(reverse("core:login"), {"username": "hana", "password": PASSWORD})
    asked = client.get("/")
    client.post(reverse("signin:two-factor"), {"code": code})
    # then she was asked for the code, and with it she is in
    assert asked.status_code == 302 and asked["Location"].startswith("/two-factor/")
    assert client.get("/").status_code == 200
    assert set(two_factor_personas()) == {"alice", "hana", "pat", "charlie", "sam", "hal"}


def test_consortium_lead_lands_on_totals(loaded):
    client = Client()
    assert client.login(username="dana", password=PASSWORD)
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert "Tri-County Learning Consortium" in body
    assert "Maple Valley School District" in body and "Harbor Point Public Schools" in body


def _table(response) -> dict[str, list[str]]:
    """The figure's data table as {role: [classroom, school, district, total]}."""

    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">\d+</td>){4})</tr>',
        response.content.decode(),
    )
    return {html.unescape(label): re.findall(r">(\d+)<", cells) for label, cells in rows}


def test_the_roles_by_level_figure_shows_maple_valleys_demo_roles(loaded):
    client = Client()
    client.force_login(User.objects.get(username="alice"))
    table = _table(client.get(reverse("roles:figure")))
    # Live positions by level: four coach posts (one vacant), a teacher-leader in each of the
    # four schools, two technology TOSAs, two implementation specialists, one coordinator
    assert table["Instructional strategies coach"] == ["0", "4", "0", "4"]
    assert table["Teacher-leader"] == ["4", "0", "0", "4"]
    assert table["Technology / blended-learning coach"] == ["0", "0", "2", "2"]
    assert table["Implementation specialist"] == ["0", "0", "2", "2"]
    assert table["District coordinator"] == ["0", "0", "1", "1"]
    assert table["Learning facilitator"] == ["0", "0", "0", "0"]


def test_the_consortium_figure_counts_member_districts_not_positions(loaded):
    client = Client()
    client.force_login(User.objects.get(username="dana"))
    table = _table(client.get(reverse("roles:consortium-figure")))
    # Every demo district has teacher-leaders in its classrooms and a district coordinator
    assert table["Teacher-leader"] == ["3", "0", "0", "3"]
    assert table["District coordinator"] == ["0", "0", "3", "3"]
    # Strategy coaches in Maple Valley and Harbor Point; pathway leaders only in Cedar Ridge
    assert table["Instructional strategies coach"] == ["0", "2", "0", "2"]
    assert table["Career pathway / CTE leader"] == ["0", "1", "0", "1"]
    assert table["Academic counselor"] == ["0", "1", "0", "1"]


def test_cole_coaches_bob_with_a_log_bob_reads_and_his_principal_cannot(loaded):
    from trellis.coaching.models import Interaction, Relationship

    record = Relationship.objects.get(coach__user__username="cole", teacher__user__username="bob")
    assert record.interactions.count() >= 8
    assert Relationship.objects.filter(coach__user__username="cole").count() >= 3
    assert {"consultant", "data", "visit"} <= set(
        Interaction.objects.filter(relationship=record).values_list("kind", flat=True)
    )
    url = f"/coaching/records/{record.pk}/"
    bob, pat = Client(), Client()
    bob.force_login(User.objects.get(username="bob"))
    pat.force_login(User.objects.get(username="pat"))
    assert "Station rotation" in bob.get(url).content.decode()
    assert pat.get(url).status_code == 404
    assert pat.get("/coaching/counts/").status_code == 200


def test_maple_valley_has_this_years_coach_proposal_with_last_years_pairs(loaded):
    from trellis.coaching.models import AssignmentProposal, CoachProfile, ProposedPair

    maple = District.objects.get(slug="maple-valley")
    proposal = AssignmentProposal.objects.get(district=maple)
    assert proposal.status == "ready" and proposal.optimal
    assert proposal.teachers >= 300
    assert CoachProfile.objects.filter(district=maple).count() >= 4  # Cole and the holders
    assert 0 < proposal.kept <= proposal.assigned < proposal.teachers
    # Nobody is placed over the school they taught in.
    for profile in CoachProfile.objects.filter(district=maple).prefetch_related("former_schools"):
        former = [s.pk for s in profile.former_schools.all()]
        assert not ProposedPair.objects.filter(
            proposal=proposal, coach=profile.staff, teacher__school_id__in=former
        ).exists()
    # Every teacher left out says why.
    assert not ProposedPair.objects.filter(
        proposal=proposal, coach__isnull=True, reason=""
    ).exists()
