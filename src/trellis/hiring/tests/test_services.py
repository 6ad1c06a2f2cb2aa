"""Hiring's writes and the selectors they lean on: templates, postings, applications and their
status machine, the panel's rules, independent scorecards and corrections, who may see what,
offers and acceptance, the debrief, and the panel's agreement. A refused write leaves nothing
behind; a successful one leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from trellis.core.models import AuditEvent
from trellis.factories import SchoolFactory
from trellis.hiring import carson_city, selectors, services
from trellis.hiring.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Audience,
    Candidate,
    Component,
    Criterion,
    DebriefMeeting,
    DevelopmentGoal,
    InterviewTemplate,
    PanelSeat,
    Posting,
    PostingStatus,
    Score,
    Scorecard,
    SeatRole,
    Source,
)
from trellis.hiring.tests.helpers import (
    FULL_PANEL,
    apply,
    hiring_setup,
    make_posting,
    make_principal,
    make_user_staff,
    move_through,
    open_position,
    ratings_for,
    refresh,
    schedule,
    scored,
    submit_scorecards,
)
from trellis.hiring.tests.test_scoring import interval_alpha
from trellis.org.models import Staff, StaffClassification
from trellis.roles import services as roles_services
from trellis.roles.models import Assignment, Position, PositionStatus

pytestmark = pytest.mark.django_db

A = ApplicationStatus
TO_DEBRIEF = (A.SCREENED, A.INTERVIEWING, A.DEBRIEF)
# One row per seat (district employee, principal, incumbent, teacher-leader), one rating per
# part applied to all its criteria. Part means in points: 45⅚, 37.5, 29⅙, 12.5, 50, 37.5;
# total 212.5 of 300. Parts 3 (58.3 %) and 4 (25 %) are below the 70 % debrief threshold.
MATRIX = [
    [4, 3, 3, 2, 4, 3],
    [4, 3, 2, 2, 4, 3],
    [3, 3, 3, 2, 4, 4],
    [4, 4, 3, 1, 4, 3],
]
MATRIX_TOTAL = 212.5


def means_of(matrix) -> list[float]:
    """Part means in points for a matrix of one rating per part (scale 1–4, 50 points)."""
    return [50 * sum((row[i] - 1) / 3 for row in matrix) / len(matrix) for i in range(6)]


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def row_counts() -> dict[str, int]:
    models = (
        InterviewTemplate,
        Component,
        Criterion,
        Posting,
        Candidate,
        Application,
        ApplicationEvent,
        PanelSeat,
        Scorecard,
        Score,
        DevelopmentGoal,
        DebriefMeeting,
        Staff,
        Assignment,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def hiring(district_a, hana):
    return hiring_setup(district_a, actor=hana.user, applicants=2)


def debriefed(hiring, application, matrix=MATRIX):
    """Every panelist scores ``application``; it is in debrief afterwards."""
    application = scored(hiring, application, matrix)
    assert application.status == A.DEBRIEF
    return application


def hired(hiring, application, actor, matrix=MATRIX):
    application = debriefed(hiring, application, matrix)
    services.offer_make(application=application, actor=actor)
    application, _ = services.offer_accept(
        application=application, begin_date=dt.date(2026, 8, 1), actor=actor
    )
    return application


# --- Templates ------------------------------------------------------------------------------


def test_template_seed_makes_six_parts_of_fifty_points_once(district_a, district_b, hana):
    template = services.template_seed(district=district_a, actor=hana.user)
    components = list(selectors.template_components(template))
    assert template.total_points == 300
    assert template.standard_key == carson_city.KEY
    assert template.debrief_threshold == Decimal("0.70")
    assert template.required_seats == list(FULL_PANEL)
    assert len(components) == 6
    assert [c.points for c in components] == [50] * 6
    assert sum(c.points for c in components) == 300
    assert {c.weight for c in components} == {Decimal("1.00")}
    assert [c.name for c in components] == [p.name for p in carson_city.PARTS]
    assert [c.criteria.count() for c in components] == [len(p.criteria) for p in carson_city.PARTS]
    assert {(k.scale_min, k.scale_max) for k in Criterion.objects.all()} == {(1, 4)}

    before = row_counts()
    again = services.template_seed(district=district_a, actor=hana.user)
    assert again.pk == template.pk
    assert row_counts() == before
    assert actions().count("hiring.template_created") == 1

    other = services.template_seed(district=district_b, actor=None)
    assert other.pk != template.pk and other.district == district_b
    assert Component.objects.filter(template=other).count() == 6


def test_template_clone_copies_components_and_criteria(district_a, hana):
    template = services.template_seed(district=district_a, actor=hana.user)
    copy = services.template_clone(template=template, name="  Coach interview ", actor=hana.user)

    def shape(t):
        return [
            (
                c.order,
                c.name,
                c.mode,
                c.duration_minutes,
                c.points,
                c.weight,
                [
                    (k.order, k.name, k.scale_min, k.scale_max, k.descriptors)
                    for k in c.criteria.all()
                ],
            )
            for c in selectors.template_components(t)
        ]

    assert copy.pk != template.pk
    assert copy.name == "Coach interview" and copy.version == 1
    assert copy.standard_key == ""
    assert copy.total_points == 300 and copy.required_seats == template.required_seats
    assert shape(copy) == shape(template)
    assert not set(Component.objects.filter(template=copy).values_list("pk", flat=True)) & set(
        Component.objects.filter(template=template).values_list("pk", flat=True)
    )
    assert Criterion.objects.filter(component__template=template).count() == 23
    assert Criterion.objects.filter(component__template=copy).count() == 23
    assert "hiring.template_cloned" in actions()
    # The seeded template is still the one the seed finds.
    assert services.template_seed(district=district_a, actor=None).pk == template.pk


def test_template_clone_needs_a_new_name(district_a, hana):
    template = services.template_seed(district=district_a, actor=hana.user)
    before = row_counts()
    for name in ("  ", template.name):
        with pytest.raises(ValidationError) as error:
            services.template_clone(template=template, name=name, actor=hana.user)
        assert "name" in error.value.message_dict
    assert row_counts() == before


def test_template_revise_returns_the_template_itself_while_unlocked(district_a, hana):
    template = services.template_seed(district=district_a, actor=hana.user)
    before = row_counts()
    revised = services.template_revise(template=template, actor=hana.user)
    assert revised.pk == template.pk
    assert row_counts() == before


def test_template_revise_makes_the_next_version_once_scored(hiring, hana):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    submit_scorecards(application, hiring.seats[:1], MATRIX[:1])
    template = InterviewTemplate.objects.get(pk=hiring.template.pk)
    assert template.is_locked

    revised = services.template_revise(template=template, actor=hana.user)
    template.refresh_from_db()
    assert revised.pk != template.pk
    assert revised.version == template.version + 1 == 2
    assert revised.name == template.name
    assert template.replaced_by_id == revised.pk
    assert not revised.is_locked
    assert Component.objects.filter(template=revised).count() == 6
    assert Criterion.objects.filter(component__template=revised).count() == 23
    # Running interviews keep the version they are scored with.
    assert Posting.objects.get(pk=hiring.posting.pk).template_id == template.pk
    assert AuditEvent.objects.filter(action="hiring.template_revised").count() == 1
    # Asking again gives the same next version, not a third.
    assert services.template_revise(template=template, actor=hana.user).pk == revised.pk
    assert InterviewTemplate.objects.filter(district=hiring.district).count() == 2


# --- Postings -------------------------------------------------------------------------------


def _posting_data(position, template):
    today = timezone.localdate()
    return {
        "position": position,
        "template": template,
        "title": "Implementation specialist",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=14),
    }


def test_posting_create_makes_a_draft_and_audits_it(district_a, hana):
    position, _ = open_position(district_a, actor=hana.user)
    template = services.template_seed(district=district_a, actor=hana.user)
    posting = services.posting_create(
        district=district_a, data=_posting_data(position, template), actor=hana.user
    )
    assert posting.status == PostingStatus.DRAFT
    assert posting.public_token
    event = AuditEvent.objects.get(action="hiring.posting_created")
    assert event.target_id == str(posting.pk) and event.actor == hana.user


def test_posting_create_refuses_a_closed_or_filled_position(district_a, hana, staff_a):
    template = services.template_seed(district=district_a, actor=hana.user)
    closed, _ = open_position(district_a, actor=hana.user)
    roles_services.position_transition(position=closed, to=PositionStatus.CLOSED, actor=None)
    filled, _ = open_position(district_a, actor=hana.user)
    roles_services.assignment_create(
        position=filled, staff=staff_a, begin_date=dt.date(2026, 1, 5), actor=None
    )
    assert Position.objects.get(pk=filled.pk).status == PositionStatus.FILLED

    before = row_counts()
    for position, word in ((closed, "closed"), (filled, "filled")):
        position = Position.objects.get(pk=position.pk)
        with pytest.raises(ValidationError) as error:
            services.posting_create(
                district=district_a, data=_posting_data(position, template), actor=hana.user
            )
        assert word in error.value.message_dict["position"][0]
    assert row_counts() == before


def test_posting_create_refuses_another_districts_template(district_a, district_b, hana):
    position, _ = open_position(district_a, actor=hana.user)
    theirs = services.template_seed(district=district_b, actor=None)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.posting_create(
            district=district_a, data=_posting_data(position, theirs), actor=hana.user
        )
    assert "template" in error.value.message_dict
    assert row_counts() == before


def test_posting_goes_draft_to_open_to_closed(district_a, hana):
    position, _ = open_position(district_a, actor=hana.user)
    template = services.template_seed(district=district_a, actor=hana.user)
    posting = make_posting(
        district_a, position, template, actor=hana.user, status=PostingStatus.DRAFT
    )
    posting = services.posting_transition(posting=posting, to=PostingStatus.OPEN, actor=hana.user)
    assert Posting.objects.get(pk=posting.pk).status == PostingStatus.OPEN
    with pytest.raises(ValidationError) as error:
        services.posting_transition(posting=posting, to=PostingStatus.DRAFT, actor=hana.user)
    assert "status" in error.value.message_dict
    posting = services.posting_transition(posting=posting, to=PostingStatus.CLOSED, actor=hana.user)
    assert Posting.objects.get(pk=posting.pk).status == PostingStatus.CLOSED
    changes = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(action="hiring.posting_status_changed").order_by("id")
    ]
    assert changes == [["draft", "open"], ["open", "closed"]]


# --- Applications ---------------------------------------------------------------------------


def test_application_submit_records_the_candidate_an_event_and_an_audit(hiring):
    application = apply(hiring.posting, email="  Robin@Example.NET ", first_name=" Robin ")
    candidate = application.candidate
    assert candidate.email == "robin@example.net" and candidate.first_name == "Robin"
    assert candidate.source == Source.UNIVERSITY and not candidate.is_internal
    assert application.status == A.SUBMITTED
    event = application.events.get()
    assert (event.from_status, event.to_status) == ("", A.SUBMITTED)
    assert AuditEvent.objects.filter(
        action="hiring.application_submitted", target_id=str(application.pk)
    ).exists()


@pytest.mark.parametrize("status", [PostingStatus.DRAFT, PostingStatus.CLOSED])
def test_a_posting_not_open_takes_no_applications(district_a, hana, status):
    position, _ = open_position(district_a, actor=hana.user)
    template = services.template_seed(district=district_a, actor=hana.user)
    posting = make_posting(district_a, position, template, actor=hana.user, status=status)
    before = row_counts()
    with pytest.raises(ValidationError, match="not taking applications"):
        apply(posting)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("opens", "closes"), [(1, 10), (-10, -1)], ids=["not yet open", "already closed"]
)
def test_an_open_posting_outside_its_dates_takes_no_applications(district_a, hana, opens, closes):
    today = timezone.localdate()
    position, _ = open_position(district_a, actor=hana.user)
    template = services.template_seed(district=district_a, actor=hana.user)
    posting = make_posting(
        district_a,
        position,
        template,
        actor=hana.user,
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(days=closes),
    )
    assert posting.status == PostingStatus.OPEN
    before = row_counts()
    with pytest.raises(ValidationError, match="not taking applications"):
        apply(posting)
    assert row_counts() == before


def test_an_internal_only_posting_refuses_external_candidates(district_a, hana, staff_a):
    setup = hiring_setup(district_a, actor=hana.user, applicants=0, audience=Audience.INTERNAL)
    before = row_counts()
    with pytest.raises(ValidationError, match="current staff only"):
        apply(setup.posting)
    assert row_counts() == before
    application = apply(setup.posting, staff=staff_a)
    assert application.candidate.staff == staff_a
    assert application.candidate.source == Source.INTERNAL


def test_an_external_only_posting_refuses_staff(district_a, hana, staff_a):
    setup = hiring_setup(district_a, actor=hana.user, applicants=0, audience=Audience.EXTERNAL)
    before = row_counts()
    with pytest.raises(ValidationError, match="external candidates"):
        apply(setup.posting, staff=staff_a)
    assert row_counts() == before
    assert apply(setup.posting).candidate.staff is None


def test_one_application_per_email_and_posting(hiring):
    apply(hiring.posting, email="sam@example.net")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        apply(hiring.posting, email="SAM@example.net ")
    assert "email" in error.value.message_dict
    assert row_counts() == before


def test_the_same_candidate_may_apply_to_another_posting(district_a, hana, hiring):
    first = apply(hiring.posting, email="sam@example.net")
    position, _ = open_position(district_a, actor=hana.user)
    other = make_posting(district_a, position, hiring.template, actor=hana.user)
    second = apply(other, email="sam@example.net")
    assert second.candidate_id == first.candidate_id
    assert Candidate.objects.filter(email="sam@example.net").count() == 1


PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"
BAD_CVS = {
    "wrong extension": ("cv.exe", PDF, "Upload the CV as PDF"),
    "no extension": ("cv", PDF, "Upload the CV as PDF"),
    "over 5 MB": ("cv.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024 - 3), "the limit is 5 MB"),
    "pdf that is not one": ("cv.pdf", b"MZ\x90\x00 not a pdf", "does not look like a .pdf"),
    "docx that is a pdf": ("cv.docx", PDF, "does not look like a .docx"),
    "empty": ("cv.pdf", b"", "empty"),
}


@pytest.mark.parametrize(("name", "content", "message"), BAD_CVS.values(), ids=BAD_CVS.keys())
def test_a_bad_cv_is_refused_and_leaves_nothing(hiring, name, content, message):
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        apply(hiring.posting, cv=SimpleUploadedFile(name, content))
    assert message in error.value.message_dict["cv"][0]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Resume.PDF", PDF),
        ("cv.docx", b"PK\x03\x04word/document.xml"),
        ("cv.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("cv.rtf", b"{\\rtf1\\ansi hello}"),
        ("cv.txt", b"Plain text CV"),
        ("cv.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024 - 4)),  # exactly 5 MB
    ],
)
def test_a_good_cv_is_stored(hiring, _media, name, content):
    application = apply(hiring.posting, cv=SimpleUploadedFile(name, content))
    application = refresh(application)
    stored = Path(_media) / application.cv.name
    assert application.cv.name.startswith(f"cv/{hiring.district.pk}/")
    assert stored.suffix.lower() == "." + name.rsplit(".", 1)[-1].lower()
    assert stored.read_bytes() == content


# --- The application status machine ---------------------------------------------------------


@pytest.mark.parametrize("to", [A.REJECTED, A.WITHDRAWN])
def test_rejecting_or_withdrawing_needs_a_reason(hiring, hana, to):
    application = hiring.applications[0]
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.application_move(application=application, to=to, reason="  ", actor=hana.user)
    assert "reason" in error.value.message_dict
    assert row_counts() == before
    moved = services.application_move(
        application=application, to=to, reason="Chose another role.", actor=hana.user
    )
    assert refresh(moved).status == to


@pytest.mark.parametrize("to", [A.OFFERED, A.ACCEPTED])
def test_offers_and_acceptance_do_not_go_through_move(hiring, hana, to):
    application = move_through(hiring.applications[0], *TO_DEBRIEF, actor=hana.user)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.application_move(application=application, to=to, actor=hana.user)
    assert "offer step" in error.value.message_dict["status"][0]
    assert row_counts() == before
    assert refresh(application).status == A.DEBRIEF


def test_an_illegal_jump_is_refused_with_the_allowed_steps(hiring, hana):
    application = hiring.applications[0]
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.application_move(application=application, to=A.DEBRIEF, actor=hana.user)
    message = error.value.message_dict["status"][0]
    assert "submitted application cannot become debrief" in message
    assert "not selected, screened, withdrawn" in message
    assert row_counts() == before
    assert refresh(application).status == A.SUBMITTED

    services.application_move(
        application=application, to=A.REJECTED, reason="Not a fit.", actor=hana.user
    )
    with pytest.raises(ValidationError) as error:
        services.application_move(application=application, to=A.SCREENED, actor=hana.user)
    assert "nothing (it is final)" in error.value.message_dict["status"][0]


def test_every_status_change_writes_an_event_with_from_to_and_actor(hiring, hana):
    application = hiring.applications[0]
    services.application_move(application=application, to=A.SCREENED, actor=hana.user)
    services.application_move(
        application=application, to=A.WITHDRAWN, reason=" Took another job ", actor=hana.user
    )
    events = [
        (e.from_status, e.to_status, e.actor, e.reason)
        for e in ApplicationEvent.objects.filter(application=application).order_by("at", "id")
    ]
    assert events == [
        ("", A.SUBMITTED, None, ""),
        (A.SUBMITTED, A.SCREENED, hana.user, ""),
        (A.SCREENED, A.WITHDRAWN, hana.user, "Took another job"),
    ]
    moved = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(
            action="hiring.application_moved", target_id=str(application.pk)
        ).order_by("id")
    ]
    assert moved == [[A.SUBMITTED, A.SCREENED], [A.SCREENED, A.WITHDRAWN]]


# --- Panel rules ----------------------------------------------------------------------------


def _principal_problem(problems, school):
    return [p for p in problems if f"The position is at {school.name}" in p]


def test_a_full_panel_has_no_problems(hiring):
    assert selectors.panel_problems(hiring.posting) == []
    assert {s.seat_role for s in hiring.seats} == set(FULL_PANEL)
    assert AuditEvent.objects.filter(action="hiring.panelist_seated").count() == 4


def test_the_schools_principal_must_be_seated(district_a, hana):
    setup = hiring_setup(
        district_a,
        actor=hana.user,
        seat_roles=(SeatRole.DISTRICT_EMPLOYEE, SeatRole.INCUMBENT, SeatRole.TEACHER_LEADER),
    )
    problems = selectors.panel_problems(setup.posting)
    assert "The process requires a seat for: Principal of the receiving school." in problems
    assert len(_principal_problem(problems, setup.school)) == 1


def test_a_principal_of_another_school_does_not_count(district_a, hana):
    setup = hiring_setup(
        district_a,
        actor=hana.user,
        seat_roles=(SeatRole.DISTRICT_EMPLOYEE, SeatRole.INCUMBENT, SeatRole.TEACHER_LEADER),
    )
    elsewhere = make_principal(district_a, SchoolFactory(district=district_a))
    services.seat_add(
        posting=setup.posting, staff=elsewhere, seat_role=SeatRole.PRINCIPAL, actor=hana.user
    )
    problems = selectors.panel_problems(setup.posting)
    assert not any("requires a seat for" in p for p in problems)
    assert len(_principal_problem(problems, setup.school)) == 1
    assert len(problems) == 1

    services.seat_add(
        posting=setup.posting, staff=setup.principal, seat_role=SeatRole.PRINCIPAL, actor=None
    )
    assert selectors.panel_problems(setup.posting) == []


def test_the_templates_required_seats_are_reported(district_a, hana):
    setup = hiring_setup(
        district_a, actor=hana.user, seat_roles=(SeatRole.DISTRICT_EMPLOYEE, SeatRole.PRINCIPAL)
    )
    problems = selectors.panel_problems(setup.posting)
    assert problems == [
        "The process requires a seat for: Someone already in the role.",
        "The process requires a seat for: Teacher-leader.",
    ]


def test_a_panel_needs_at_least_two_seats(district_a, hana):
    setup = hiring_setup(district_a, actor=hana.user, seat_roles=(SeatRole.PRINCIPAL,))
    problems = selectors.panel_problems(setup.posting)
    assert problems[0].startswith("Seat at least two panelists")
    assert not _principal_problem(problems, setup.school)

    empty = hiring_setup(district_a, actor=hana.user, seat_roles=())
    problems = selectors.panel_problems(empty.posting)
    assert problems[0].startswith("Seat at least two panelists")
    assert len(problems) == 1 + len(FULL_PANEL) + 1  # two-seat rule, each seat, the principal


def test_a_district_office_position_needs_no_principal(district_a, hana, hiring):
    office = roles_services.position_create(
        district=district_a,
        data={
            "version": hiring.position.version,
            "school": None,
            "requisition_number": "H-OFFICE",
            "fte": Decimal("1.00"),
            "school_year": "2026-27",
        },
        actor=None,
        status=PositionStatus.OPEN,
    )
    posting = make_posting(district_a, office, hiring.template, actor=hana.user)
    for seat in hiring.seats:
        if seat.seat_role != SeatRole.PRINCIPAL:
            services.seat_add(
                posting=posting, staff=seat.staff, seat_role=seat.seat_role, actor=hana.user
            )
    assert selectors.panel_problems(posting) == []


def test_a_panelist_who_is_the_candidate_is_a_conflict(hiring):
    incumbent = hiring.seat(SeatRole.INCUMBENT).staff
    application = apply(hiring.posting, staff=incumbent)
    found = selectors.conflicts(hiring.posting)
    assert found == {application.pk: [f"{incumbent.full_name} is the candidate."]}


def test_the_principal_of_the_candidates_school_is_a_conflict(district_a, hiring):
    # A teacher at the position's school applies; that school's principal sits on the panel.
    # The teacher-leader panelist works there too but supervises nobody.
    colleague = make_user_staff(district_a, school=hiring.school)
    elsewhere = make_user_staff(district_a, school=SchoolFactory(district=district_a))
    near = apply(hiring.posting, staff=colleague)
    far = apply(hiring.posting, staff=elsewhere)
    found = selectors.conflicts(hiring.posting)
    assert found == {
        near.pk: [f"{hiring.principal.full_name} supervises the candidate at their school."]
    }
    assert far.pk not in found
    assert all(a.pk not in found for a in hiring.applications)  # external candidates


def test_seat_add_refuses_another_districts_staff(hiring, hana, staff_b):
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.seat_add(
            posting=hiring.posting, staff=staff_b, seat_role=SeatRole.OTHER, actor=hana.user
        )
    assert "staff" in error.value.message_dict
    assert row_counts() == before


def test_seat_add_refuses_the_same_person_twice(hiring, hana):
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.seat_add(
            posting=hiring.posting,
            staff=hiring.principal,
            seat_role=SeatRole.OTHER,
            actor=hana.user,
        )
    assert "already has a seat" in error.value.message_dict["staff"][0]
    assert row_counts() == before


def test_the_panel_cannot_change_once_scoring_started(district_a, hiring, hana):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    submit_scorecards(application, hiring.seats[:1], MATRIX[:1])
    newcomer = make_user_staff(district_a, school=None)
    before = row_counts()
    with pytest.raises(ValidationError, match="Scoring has started"):
        services.seat_add(
            posting=hiring.posting, staff=newcomer, seat_role=SeatRole.HR, actor=hana.user
        )
    with pytest.raises(ValidationError, match="Scoring has started"):
        services.seat_remove(seat=hiring.seats[3], actor=hana.user)
    assert row_counts() == before


# --- Interviews -----------------------------------------------------------------------------


def test_scheduling_moves_candidates_to_interviewing_and_marks_group_sessions(hiring, hana):
    first, second = hiring.applications
    group = schedule(hiring.posting, [first, second], actor=hana.user)
    assert group.is_group
    assert set(group.applications.values_list("pk", flat=True)) == {first.pk, second.pk}
    for application in (first, second):
        assert refresh(application).status == A.INTERVIEWING
        steps = [
            (e.from_status, e.to_status, e.reason, e.actor)
            for e in application.events.order_by("at", "id")
        ][1:]
        assert steps == [
            (A.SUBMITTED, A.SCREENED, "Interview scheduled.", hana.user),
            (A.SCREENED, A.INTERVIEWING, "Interview scheduled.", hana.user),
        ]
    third = apply(hiring.posting)
    services.application_move(application=third, to=A.SCREENED, actor=hana.user)
    alone = schedule(hiring.posting, [refresh(third)], actor=hana.user)
    assert not alone.is_group
    assert refresh(third).status == A.INTERVIEWING
    assert AuditEvent.objects.filter(action="hiring.interview_scheduled").count() == 2


def test_scheduling_refuses_no_one_outsiders_and_finished_candidates(district_a, hiring, hana):
    other = hiring_setup(district_a, actor=hana.user, applicants=1, seat_roles=())
    finished = services.application_move(
        application=hiring.applications[1], to=A.WITHDRAWN, reason="Moved away.", actor=hana.user
    )
    before = row_counts()
    for chosen in ([], [other.applications[0]], [refresh(finished)]):
        with pytest.raises(ValidationError) as error:
            schedule(hiring.posting, chosen, actor=hana.user)
        assert "applications" in error.value.message_dict
    assert row_counts() == before


# --- Scorecards -----------------------------------------------------------------------------


def test_scoring_waits_for_a_complete_panel(district_a, hana):
    setup = hiring_setup(
        district_a,
        actor=hana.user,
        seat_roles=(SeatRole.DISTRICT_EMPLOYEE, SeatRole.INCUMBENT, SeatRole.TEACHER_LEADER),
    )
    application = setup.applications[0]
    schedule(setup.posting, [application], actor=hana.user)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        submit_scorecards(application, setup.seats[:1], MATRIX[:1])
    messages = error.value.messages
    assert messages[0] == "The panel is not complete, so scoring cannot start:"
    assert any(f"The position is at {setup.school.name}" in m for m in messages)
    assert row_counts() == before
    assert not InterviewTemplate.objects.get(pk=setup.template.pk).is_locked


def test_scoring_needs_an_interviewing_candidate(hiring):
    before = row_counts()
    with pytest.raises(ValidationError, match="scores are taken while the candidate is"):
        submit_scorecards(hiring.applications[0], hiring.seats[:1], MATRIX[:1])
    assert row_counts() == before


def test_a_rating_off_the_scale_or_missing_is_refused_by_criterion(hiring, hana):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    seat = hiring.seats[0]
    ratings = ratings_for(hiring.template, MATRIX[0])
    too_high, too_low, missing, *_ = list(ratings)
    ratings[too_high], ratings[too_low] = 5, 0
    del ratings[missing]
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.scorecard_submit(
            application=application, seat=seat, ratings=ratings, actor=seat.staff.user
        )
    errors = error.value.message_dict
    assert set(errors) == {f"criterion_{too_high}", f"criterion_{too_low}", f"criterion_{missing}"}
    assert "outside the scale" in errors[f"criterion_{too_high}"][0]
    assert "outside the scale" in errors[f"criterion_{too_low}"][0]
    assert errors[f"criterion_{missing}"][0].startswith("Rate ")
    assert row_counts() == before
    assert not InterviewTemplate.objects.get(pk=hiring.template.pk).is_locked


def test_a_panelist_scores_a_candidate_once(hiring, hana):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    seat = hiring.seats[0]
    submit_scorecards(application, [seat], MATRIX[:1])
    before = row_counts()
    with pytest.raises(ValidationError, match="already submitted scores"):
        submit_scorecards(application, [seat], MATRIX[1:2])
    assert row_counts() == before
    assert Scorecard.objects.filter(seat=seat).count() == 1


def test_a_seat_on_another_posting_cannot_score(district_a, hiring, hana):
    other = hiring_setup(district_a, actor=hana.user, applicants=0)
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    before = row_counts()
    with pytest.raises(ValidationError, match="not seated on this candidate's panel"):
        submit_scorecards(application, other.seats[:1], MATRIX[:1])
    assert row_counts() == before


def test_the_last_scorecard_moves_the_candidate_to_debrief_with_a_result(hiring, hana):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    submit_scorecards(application, hiring.seats[:3], MATRIX[:3])
    assert refresh(application).status == A.INTERVIEWING
    assert selectors.application_result(application) is None
    assert InterviewTemplate.objects.get(pk=hiring.template.pk).is_locked

    last = hiring.seats[3]
    card = submit_scorecards(application, [last], MATRIX[3:])[0]
    assert card.submitted_by == last.staff.user
    assert card.scores.count() == 23
    application = refresh(application)
    assert application.status == A.DEBRIEF
    event = application.events.order_by("at", "id").last()
    assert (event.from_status, event.to_status) == (A.INTERVIEWING, A.DEBRIEF)
    assert event.reason == "Every panelist has submitted scores."

    result = selectors.application_result(application)
    assert result is not None
    assert result.panelists == 4 and result.total_points == 300
    assert [c.mean for c in result.components] == pytest.approx(means_of(MATRIX))
    assert result.total == pytest.approx(MATRIX_TOTAL)
    assert result.alpha is not None
    assert AuditEvent.objects.filter(action="hiring.scorecard_submitted").count() == 4
    # The other candidate is untouched.
    assert selectors.application_result(hiring.applications[1]) is None


def test_a_correction_keeps_both_scorecards_and_counts_the_new_one(hiring, hana):
    application = debriefed(hiring, hiring.applications[0])
    seat = hiring.seats[3]
    original = Scorecard.objects.get(application=application, seat=seat)
    corrected_row = [4, 4, 4, 4, 4, 4]

    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.scorecard_correct(
            scorecard=original,
            ratings=ratings_for(hiring.template, corrected_row),
            reason=" ",
            actor=hana.user,
        )
    assert "reason" in error.value.message_dict
    assert row_counts() == before

    new = services.scorecard_correct(
        scorecard=original,
        ratings=ratings_for(hiring.template, corrected_row),
        reason="Entered the wrong candidate's sheet.",
        actor=hana.user,
    )
    assert new.supersedes_id == original.pk and new.seat_id == seat.pk
    assert new.correction_reason == "Entered the wrong candidate's sheet."
    assert Scorecard.objects.filter(application=application).count() == 5
    assert Score.objects.filter(scorecard=original).count() == 23
    assert selectors.current_scorecards(application).count() == 4
    assert original.pk not in selectors.current_scorecards(application).values_list("pk", flat=True)
    result = selectors.application_result(application)
    matrix = [*MATRIX[:3], corrected_row]
    assert result.total == pytest.approx(sum(means_of(matrix)))
    assert result.total != pytest.approx(MATRIX_TOTAL)
    assert AuditEvent.objects.filter(action="hiring.scorecard_corrected").count() == 1
    with pytest.raises(ValidationError, match="already been corrected"):
        services.scorecard_correct(
            scorecard=original,
            ratings=ratings_for(hiring.template, MATRIX[3]),
            reason="Again.",
            actor=hana.user,
        )


def test_scores_stay_hidden_until_you_have_scored(hiring, hana, bob):
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    first, second = hiring.seats[0].staff.user, hiring.seats[1].staff.user
    assert not selectors.scores_visible_to(application, first)
    assert not selectors.scores_visible_to(application, hana.user)

    submit_scorecards(application, hiring.seats[:1], MATRIX[:1])
    assert selectors.scores_visible_to(application, first)
    assert not selectors.scores_visible_to(application, second)
    assert not selectors.scores_visible_to(application, hana.user)

    submit_scorecards(application, hiring.seats[1:], MATRIX[1:])
    assert selectors.scores_visible_to(application, second)
    assert selectors.scores_visible_to(application, hana.user)
    assert not selectors.scores_visible_to(application, bob.user)


def test_application_get_is_for_hr_and_the_candidates_own_panel(
    district_a, district_b, hiring, hana, bob, charlie
):
    application = hiring.applications[0]
    panelist = hiring.seats[2].staff.user
    assert selectors.application_get(district=district_a, user=hana.user, pk=application.pk)
    assert selectors.application_get(district=district_a, user=panelist, pk=application.pk)

    other = hiring_setup(district_a, actor=hana.user, applicants=0)
    outsider = other.seats[0].staff.user
    for user, district in (
        (bob.user, district_a),
        (outsider, district_a),
        (charlie.user, district_a),
        (charlie.user, district_b),
        (hana.user, district_b),
    ):
        with pytest.raises(Http404):
            selectors.application_get(district=district, user=user, pk=application.pk)


# --- Offers ---------------------------------------------------------------------------------


def test_only_one_offer_at_a_time(hiring, hana):
    first, second = (move_through(a, *TO_DEBRIEF, actor=hana.user) for a in hiring.applications)
    services.offer_make(application=first, actor=hana.user)
    assert refresh(first).status == A.OFFERED
    before = row_counts()
    with pytest.raises(ValidationError, match="Another candidate holds an offer"):
        services.offer_make(application=second, actor=hana.user)
    assert row_counts() == before
    assert refresh(second).status == A.DEBRIEF


def test_no_offer_for_a_filled_position(hiring, hana):
    first, second = (move_through(a, *TO_DEBRIEF, actor=hana.user) for a in hiring.applications)
    services.offer_make(application=first, actor=hana.user)
    services.offer_accept(application=first, begin_date=dt.date(2026, 8, 1), actor=hana.user)
    assert Position.objects.get(pk=hiring.position.pk).status == PositionStatus.FILLED
    before = row_counts()
    with pytest.raises(ValidationError, match="filled"):
        services.offer_make(application=second, actor=hana.user)
    assert row_counts() == before


def test_an_external_hire_becomes_staff_in_the_position(hiring, hana):
    application = move_through(hiring.applications[0], *TO_DEBRIEF, actor=hana.user)
    with pytest.raises(ValidationError, match="Only an offered application"):
        services.offer_accept(
            application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user
        )
    services.offer_make(application=application, actor=hana.user)
    staff_before = Staff.objects.count()
    application, warnings = services.offer_accept(
        application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user
    )
    assert warnings == []
    assert refresh(application).status == A.ACCEPTED
    candidate = Candidate.objects.get(pk=application.candidate_id)
    staff = candidate.staff
    assert staff is not None and Staff.objects.count() == staff_before + 1
    assert (staff.first_name, staff.last_name, staff.email) == (
        candidate.first_name,
        candidate.last_name,
        candidate.email,
    )
    assert staff.district == hiring.district and staff.school == hiring.school
    assert staff.classification == StaffClassification.INSTRUCTIONAL_COORDINATOR
    assert staff.hire_date == dt.date(2026, 8, 1)
    assignment = Assignment.objects.get(position=hiring.position)
    assert assignment.staff == staff and assignment.begin_date == dt.date(2026, 8, 1)
    assert Position.objects.get(pk=hiring.position.pk).status == PositionStatus.FILLED
    assert {"org.staff_created", "roles.assignment_started"} <= set(actions())


def test_an_internal_hire_from_the_same_school_gets_a_warning(district_a, hiring, hana):
    teacher = make_user_staff(district_a, school=hiring.school, first_name="Noor")
    application = move_through(apply(hiring.posting, staff=teacher), *TO_DEBRIEF, actor=hana.user)
    services.offer_make(application=application, actor=hana.user)
    staff_before = Staff.objects.count()
    _, warnings = services.offer_accept(
        application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user
    )
    assert len(warnings) == 1
    assert teacher.full_name in warnings[0] and hiring.school.name in warnings[0]
    assert Staff.objects.count() == staff_before
    assert Assignment.objects.get(position=hiring.position).staff == teacher


def test_an_internal_hire_from_another_school_gets_no_warning(district_a, hiring, hana):
    teacher = make_user_staff(district_a, school=SchoolFactory(district=district_a))
    application = move_through(apply(hiring.posting, staff=teacher), *TO_DEBRIEF, actor=hana.user)
    services.offer_make(application=application, actor=hana.user)
    _, warnings = services.offer_accept(
        application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user
    )
    assert warnings == []
    assert Assignment.objects.get(position=hiring.position).staff == teacher


def test_an_internal_coach_hire_is_flagged_for_the_school_they_taught_in(district_a, hiring, hana):
    from trellis.coaching.models import CoachProfile

    former = SchoolFactory(district=district_a, name="Willow Elementary")
    teacher = make_user_staff(district_a, school=former)
    external = hiring.applications[0]
    application = move_through(apply(hiring.posting, staff=teacher), *TO_DEBRIEF, actor=hana.user)
    services.offer_make(application=application, actor=hana.user)
    services.offer_accept(application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user)
    profile = CoachProfile.objects.get(staff=teacher)
    assert [s.name for s in profile.former_schools.all()] == ["Willow Elementary"]
    assert profile.max_teachers == 25 and profile.grade_bands
    assert "coaching.coach_profile_created" in set(actions())
    # An external hire taught nowhere in the district: nothing to flag.
    assert not CoachProfile.objects.exclude(staff=teacher).exists()
    assert external.candidate.staff is None


# --- The debrief ----------------------------------------------------------------------------


def test_debrief_goals_are_the_parts_below_the_threshold_once(hiring, hana):
    application = hired(hiring, hiring.applications[0], hana.user)
    goals = services.debrief_goals_create(application=application, actor=hana.user)
    components = list(selectors.template_components(hiring.template))
    staff = Candidate.objects.get(pk=application.candidate_id).staff
    assert sorted(g.component_id for g in goals) == [components[2].pk, components[3].pk]
    assert {g.staff_id for g in goals} == {staff.pk}
    by_component = {g.component_id: g for g in goals}
    assert by_component[components[2].pk].share == Decimal("0.583")
    assert by_component[components[3].pk].share == Decimal("0.250")
    assert "12.5 of 50 points" in by_component[components[3].pk].text

    again = services.debrief_goals_create(application=application, actor=hana.user)
    assert sorted(g.pk for g in again) == sorted(g.pk for g in goals)
    assert DevelopmentGoal.objects.count() == 2
    assert AuditEvent.objects.filter(action="hiring.debrief_goals_created").count() == 1


def test_a_part_exactly_at_the_threshold_is_not_a_goal(hiring, hana):
    # Model lesson (part 5) has five criteria rated 1–4 (three steps each): two panelists rate
    # 4,3,3,3,3 (11 steps) and two 3,3,3,3,3 (10 steps), so 42 of 60 steps: exactly 70 % of
    # the points, which is not below the 0.70 threshold. Every other part gets full marks.
    at_threshold = [4, 4, 4, 4, [4, 3, 3, 3, 3], 4]
    plain = [4, 4, 4, 4, [3, 3, 3, 3, 3], 4]
    application = hired(
        hiring, hiring.applications[0], hana.user, [at_threshold, at_threshold, plain, plain]
    )
    result = selectors.application_result(application)
    assert result.components[4].mean == pytest.approx(35.0)  # 70 % of 50
    goals = services.debrief_goals_create(application=application, actor=hana.user)
    assert [(g.component.name, g.share) for g in goals] == []


def test_debrief_goals_need_an_accepted_candidate(hiring, hana):
    application = debriefed(hiring, hiring.applications[0])
    before = row_counts()
    with pytest.raises(ValidationError, match="accepted candidate"):
        services.debrief_goals_create(application=application, actor=hana.user)
    assert row_counts() == before


def test_the_debrief_meeting_is_recorded_after_a_hire(hiring, hana):
    application = debriefed(hiring, hiring.applications[0])
    with pytest.raises(ValidationError, match="after a hire"):
        services.debrief_meeting_record(
            application=application, held_on=dt.date(2026, 9, 1), notes="", actor=hana.user
        )
    assert not DebriefMeeting.objects.exists()
    services.offer_make(application=application, actor=hana.user)
    application, _ = services.offer_accept(
        application=application, begin_date=dt.date(2026, 8, 1), actor=hana.user
    )
    meeting = services.debrief_meeting_record(
        application=application,
        held_on=dt.date(2026, 9, 1),
        notes=" Goals agreed. ",
        actor=hana.user,
    )
    assert meeting.notes == "Goals agreed." and meeting.recorded_by == hana.user
    assert DebriefMeeting.objects.get(application=application).held_on == dt.date(2026, 9, 1)
    assert AuditEvent.objects.filter(action="hiring.debrief_meeting_recorded").count() == 1


# --- Agreement ------------------------------------------------------------------------------


def test_agreement_is_none_until_an_interview_is_complete(hiring, hana):
    assert selectors.template_agreement(hiring.template).alpha is None
    application = hiring.applications[0]
    schedule(hiring.posting, [application], actor=hana.user)
    submit_scorecards(application, hiring.seats[:2], MATRIX[:2])
    agreement = selectors.template_agreement(hiring.template)
    assert agreement.interviews == 0
    assert agreement.alpha is None


def test_agreement_pools_every_complete_interview(district_a, hiring, hana):
    second_matrix = [
        [3, 2, 4, 2, 3, 3],
        [3, 3, 4, 1, 3, 2],
        [2, 2, 4, 2, 4, 3],
        [3, 2, 3, 2, 3, 3],
    ]
    first, second = hiring.applications
    debriefed(hiring, first, MATRIX)
    debriefed(hiring, second, second_matrix)
    partial = apply(hiring.posting)
    schedule(hiring.posting, [partial], actor=hana.user)
    submit_scorecards(partial, hiring.seats[:1], [[1, 1, 1, 1, 1, 1]])

    # Raters are the panelists; units are (application, criterion); values are shares.
    rows = []
    for i in range(4):
        row = []
        for matrix in (MATRIX, second_matrix):
            ratings = ratings_for(hiring.template, matrix[i])
            row += [(ratings[pk] - 1) / 3 for pk in sorted(ratings)]
        rows.append(row)
    agreement = selectors.template_agreement(hiring.template)
    assert agreement.interviews == 2
    assert agreement.alpha == pytest.approx(interval_alpha(rows), abs=1e-9)
    assert agreement.alpha != pytest.approx(
        selectors.application_result(refresh(first)).alpha, abs=1e-6
    )


def test_district_results_match_each_applications_own_result(district_a, district_b, hiring, hana):
    first, second = hiring.applications
    debriefed(hiring, first, MATRIX)
    schedule(hiring.posting, [second], actor=hana.user)
    submit_scorecards(second, hiring.seats[:3], MATRIX[:3])  # one panelist still to score
    theirs = hiring_setup(district_b, actor=None, applicants=1)
    debriefed(theirs, theirs.applications[0], MATRIX)

    results = selectors.district_results(district=district_a)
    assert set(results) == {first.pk}
    own = selectors.application_result(refresh(first))
    assert results[first.pk].total == pytest.approx(own.total) == pytest.approx(MATRIX_TOTAL)
    assert [c.mean for c in results[first.pk].components] == pytest.approx(
        [c.mean for c in own.components]
    )
    assert set(selectors.district_results(district=district_b)) == {theirs.applications[0].pk}
