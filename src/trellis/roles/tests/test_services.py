"""Role catalog, job descriptions, positions and assignments: the services' rules, the audit
trail they leave, and that a refused write leaves nothing behind.

The helpers at the top build the usual chain (role type → job description → review → publish
→ position) through the services themselves; the other roles test modules import them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.core import events
from trellis.core.models import AuditEvent, District
from trellis.factories import StaffFactory
from trellis.org.models import Staff, StaffClassification
from trellis.roles import services
from trellis.roles.catalog import STANDARD_ROLES
from trellis.roles.models import (
    Assignment,
    EndReason,
    JobDescription,
    JobDescriptionReview,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleCategory,
    RoleLevel,
    RoleType,
    VersionStatus,
)

pytestmark = pytest.mark.django_db

YEAR = "2026-27"
JAN = dt.date(2026, 1, 5)


# --- Helpers (also used by test_api, test_tenancy and test_pages) ---------------------------


def make_role_type(district: District, name: str = "Implementation specialist", **data):
    return services.role_type_create(
        district=district,
        data={"name": name, "category": RoleCategory.INSTRUCTIONAL_LEADERSHIP, **data},
        actor=None,
    )


def make_principal(district: District, **kwargs) -> Staff:
    kwargs.setdefault("school", None)
    return StaffFactory(district=district, classification=StaffClassification.PRINCIPAL, **kwargs)


def make_draft(
    district: District,
    title: str = "Instructional coach",
    *,
    role_type: RoleType | None = None,
    level: str = RoleLevel.SCHOOL,
    responsibilities: str = "Coach teachers weekly\nLead data meetings",
    actor=None,
    **data,
) -> JobDescriptionVersion:
    role_type = role_type or make_role_type(district, name=f"{title} type")
    job = services.job_description_create(
        district=district,
        role_type=role_type,
        title=title,
        data={"level": level, "responsibilities": responsibilities, **data},
        actor=actor,
    )
    return job.versions.get(number=1)


def sign_off(version: JobDescriptionVersion, reviewer: Staff | None = None, actor=None):
    reviewer = reviewer or make_principal(version.district)
    return services.review_record(
        version=version,
        reviewer=reviewer,
        reviewer_role=ReviewerRole.PRINCIPAL,
        decision=ReviewDecision.APPROVED,
        actor=actor,
    )


def make_published(district: District, title: str = "Instructional coach", **kwargs):
    version = make_draft(district, title, **kwargs)
    if version.level != RoleLevel.DISTRICT:
        sign_off(version)
    return services.version_publish(version=version, actor=None)


def make_position(
    district: District,
    version: JobDescriptionVersion | None = None,
    requisition: str = "R-100",
    *,
    fte: str = "1.00",
    school=None,
    status: str = PositionStatus.OPEN,
    actor=None,
) -> Position:
    version = version or make_published(district, f"Job for {requisition}")
    return services.position_create(
        district=district,
        data={
            "version": version,
            "school": school,
            "requisition_number": requisition,
            "fte": Decimal(fte),
            "school_year": YEAR,
        },
        actor=actor,
        status=status,
    )


def assign(position: Position, staff: Staff, fte: str | None = None, begin=JAN, actor=None):
    return services.assignment_create(
        position=position,
        staff=staff,
        begin_date=begin,
        fte=Decimal(fte) if fte is not None else None,
        actor=actor,
    )


def row_counts() -> dict[str, int]:
    models = (
        RoleType,
        JobDescription,
        JobDescriptionVersion,
        JobDescriptionReview,
        Position,
        Assignment,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- Role catalog ---------------------------------------------------------------------------


def test_seeding_adds_the_studys_ten_types_once(alice, district_a):
    made = services.role_types_seed(district=district_a, actor=alice.user)
    again = services.role_types_seed(district=district_a, actor=alice.user)
    keys = set(RoleType.objects.filter(district=district_a).values_list("standard_key", flat=True))
    assert made == 10 and again == 0
    assert RoleType.objects.filter(district=district_a).count() == 10
    assert keys == {role.key for role in STANDARD_ROLES}
    assert AuditEvent.objects.filter(action="roles.role_type_created").count() == 10


def test_seeding_keeps_a_districts_own_type_of_the_same_name(district_a):
    make_role_type(district_a, name="Teacher-leader")
    made = services.role_types_seed(district=district_a, actor=None)
    names = set(RoleType.objects.filter(district=district_a).values_list("name", flat=True))
    assert made == 10
    assert {"Teacher-leader", "Teacher-leader (study)"} <= names


def test_seeding_one_district_leaves_the_other_empty(district_a, district_b):
    services.role_types_seed(district=district_a, actor=None)
    assert not RoleType.objects.filter(district=district_b).exists()
    assert services.role_types_seed(district=district_b, actor=None) == 10


def test_role_type_create_refuses_a_duplicate_name_in_any_case(district_a):
    make_role_type(district_a, name="Data coach")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        make_role_type(district_a, name="DATA COACH")
    assert "name" in error.value.message_dict
    assert row_counts() == before


def test_a_role_type_in_use_cannot_be_deleted_only_retired(district_a):
    version = make_draft(district_a)
    role_type = version.job_description.role_type
    with pytest.raises(ValidationError) as error:
        services.role_type_delete(role_type=role_type, actor=None)
    assert "retire it instead" in error.value.messages[0]
    assert RoleType.objects.filter(pk=role_type.pk).exists()
    assert not AuditEvent.objects.filter(action="roles.role_type_deleted").exists()


def test_an_unused_role_type_is_deleted_with_an_audit_event(alice, district_a):
    role_type = make_role_type(district_a, name="Unused")
    services.role_type_delete(role_type=role_type, actor=alice.user)
    event = AuditEvent.objects.get(action="roles.role_type_deleted")
    assert not RoleType.objects.filter(pk=role_type.pk).exists()
    assert event.actor == alice.user and event.district == district_a
    assert event.changes["name"] == ["Unused", None]


def test_retire_and_restore_a_role_type(alice, district_a):
    role_type = make_role_type(district_a)
    services.role_type_retire(role_type=role_type, actor=alice.user)
    role_type.refresh_from_db()
    assert role_type.is_retired
    services.role_type_restore(role_type=role_type, actor=alice.user)
    role_type.refresh_from_db()
    assert not role_type.is_retired
    assert actions()[-2:] == ["roles.role_type_retired", "roles.role_type_restored"]


def test_retiring_twice_records_one_event(district_a):
    role_type = make_role_type(district_a)
    services.role_type_retire(role_type=role_type, actor=None)
    services.role_type_retire(role_type=role_type, actor=None)
    assert AuditEvent.objects.filter(action="roles.role_type_retired").count() == 1


# --- Job descriptions -----------------------------------------------------------------------


def test_job_description_starts_as_draft_version_one(alice, district_a):
    version = make_draft(district_a, "Math coach", actor=alice.user)
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    assert version.created_by == alice.user
    event = AuditEvent.objects.get(action="roles.job_description_created")
    assert event.changes["title"] == [None, "Math coach"]


def test_a_new_job_description_takes_the_types_usual_level(district_a):
    role_type = make_role_type(district_a, default_level=RoleLevel.DISTRICT)
    job = services.job_description_create(
        district=district_a, role_type=role_type, title="Coordinator", data={}, actor=None
    )
    assert job.versions.get().level == RoleLevel.DISTRICT


def test_job_description_refuses_a_retired_role_type(district_a):
    role_type = services.role_type_retire(role_type=make_role_type(district_a), actor=None)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a, role_type=role_type, title="Coach", data={}, actor=None
        )
    assert "role_type" in error.value.message_dict
    assert row_counts() == before


def test_job_description_refuses_another_districts_role_type(district_a, district_b):
    foreign = make_role_type(district_b)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a, role_type=foreign, title="Coach", data={}, actor=None
        )
    assert "role_type" in error.value.message_dict
    assert row_counts() == before


def test_job_description_refuses_a_duplicate_title(district_a):
    version = make_draft(district_a, "Data coach")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a,
            role_type=version.job_description.role_type,
            title="  data COACH ",
            data={},
            actor=None,
        )
    assert "title" in error.value.message_dict
    assert row_counts() == before


def test_a_version_that_fails_validation_takes_its_job_description_with_it(district_a):
    # The job description row is saved before the version is checked: both must roll back.
    role_type = make_role_type(district_a)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a,
            role_type=role_type,
            title="Upside down",
            data={"lowest_grade": 5, "highest_grade": 1},
            actor=None,
        )
    assert "lowest grade must not be above" in str(error.value)
    assert row_counts() == before


def test_unknown_traits_are_refused_at_the_field(district_a):
    role_type = make_role_type(district_a)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a,
            role_type=role_type,
            title="Coach",
            data={"traits": {"charisma": 3}},
            actor=None,
        )
    assert "traits" in error.value.message_dict
    assert row_counts() == before


def test_publish_refuses_a_draft_without_responsibilities(district_a):
    version = make_draft(district_a, level=RoleLevel.DISTRICT, responsibilities="  \n ")
    with pytest.raises(ValidationError) as error:
        services.version_publish(version=version, actor=None)
    version.refresh_from_db()
    assert "responsibilities" in error.value.message_dict
    assert version.status == VersionStatus.DRAFT
    assert not AuditEvent.objects.filter(action="roles.version_published").exists()


@pytest.mark.parametrize("level", [RoleLevel.SCHOOL, RoleLevel.CLASSROOM])
def test_school_and_classroom_roles_need_a_principals_sign_off(district_a, level):
    version = make_draft(district_a, level=level)
    with pytest.raises(ValidationError) as error:
        services.version_publish(version=version, actor=None)
    version.refresh_from_db()
    assert "principal must sign off" in " ".join(error.value.messages)
    assert version.status == VersionStatus.DRAFT


def test_a_request_for_changes_is_not_a_sign_off(district_a):
    version = make_draft(district_a)
    services.review_record(
        version=version,
        reviewer=make_principal(district_a),
        reviewer_role=ReviewerRole.PRINCIPAL,
        decision=ReviewDecision.CHANGES_REQUESTED,
        actor=None,
    )
    with pytest.raises(ValidationError):
        services.version_publish(version=version, actor=None)


def test_an_approval_as_hr_is_not_a_principals_sign_off(district_a):
    version = make_draft(district_a)
    services.review_record(
        version=version,
        reviewer=make_principal(district_a),
        reviewer_role=ReviewerRole.HR,
        decision=ReviewDecision.APPROVED,
        actor=None,
    )
    with pytest.raises(ValidationError):
        services.version_publish(version=version, actor=None)


def test_a_school_role_publishes_after_a_principals_sign_off(alice, district_a):
    version = make_draft(district_a)
    sign_off(version, actor=alice.user)
    published = services.version_publish(version=version, actor=alice.user)
    published.refresh_from_db()
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == alice.user and published.published_at is not None
    assert actions()[-2:] == ["roles.version_reviewed", "roles.version_published"]


def test_a_district_role_publishes_without_a_sign_off(district_a):
    version = make_draft(district_a, level=RoleLevel.DISTRICT)
    services.version_publish(version=version, actor=None)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert not version.reviews.exists()


def test_a_published_version_cannot_change(district_a):
    version = make_published(district_a, summary="Original")
    with pytest.raises(ValidationError):
        services.version_update(version=version, data={"summary": "Changed"}, actor=None)
    version.refresh_from_db()
    assert version.summary == "Original"
    assert not AuditEvent.objects.filter(action="roles.version_updated").exists()


def test_a_published_version_cannot_be_published_or_reviewed_again(district_a):
    version = make_published(district_a)
    with pytest.raises(ValidationError):
        services.version_publish(version=version, actor=None)
    with pytest.raises(ValidationError):
        sign_off(version)
    assert version.reviews.count() == 1


def test_updating_a_draft_records_before_and_after(alice, district_a):
    version = make_draft(district_a, summary="Old")
    services.version_update(version=version, data={"summary": "New"}, actor=alice.user)
    version.refresh_from_db()
    event = AuditEvent.objects.get(action="roles.version_updated")
    assert version.summary == "New"
    assert event.changes == {"summary": ["Old", "New"]}


def test_a_new_draft_copies_the_latest_version(alice, district_a):
    v1 = make_published(
        district_a,
        summary="Coach teachers",
        qualifications="Five years teaching",
        traits={"communication": 3},
        evaluative=False,
        contract_months=Decimal("10.5"),
        lowest_grade=0,
        highest_grade=5,
        content_area="math",
    )
    v2 = services.version_new_draft(job_description=v1.job_description, actor=alice.user)
    assert v2.number == v1.number + 1 == 2
    assert v2.status == VersionStatus.DRAFT
    for name in services.VERSION_FIELDS:
        assert getattr(v2, name) == getattr(v1, name), name
    assert v2.reviews.count() == 0  # a sign-off is for one version's wording
    assert AuditEvent.objects.get(action="roles.version_started").changes == {"number": [None, 2]}


def test_only_one_draft_at_a_time(district_a):
    version = make_draft(district_a)
    with pytest.raises(ValidationError):
        services.version_new_draft(job_description=version.job_description, actor=None)
    assert version.job_description.versions.count() == 1


def test_publishing_version_two_retires_version_one(district_a):
    v1 = make_published(district_a)
    v2 = services.version_new_draft(job_description=v1.job_description, actor=None)
    sign_off(v2)
    services.version_publish(version=v2, actor=None)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.retired_at is not None
    assert v2.status == VersionStatus.PUBLISHED
    retired = AuditEvent.objects.get(action="roles.version_retired")
    assert retired.target_id == str(v1.pk)


def test_retire_only_a_published_version(district_a):
    draft = make_draft(district_a)
    with pytest.raises(ValidationError):
        services.version_retire(version=draft, actor=None)
    published = make_published(district_a, "Another")
    services.version_retire(version=published, actor=None)
    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED


def test_a_reviewer_from_another_district_is_refused(district_a, district_b):
    version = make_draft(district_a)
    outsider = make_principal(district_b)
    with pytest.raises(ValidationError) as error:
        sign_off(version, reviewer=outsider)
    assert "reviewer" in error.value.message_dict
    assert not JobDescriptionReview.objects.exists()
    assert not AuditEvent.objects.filter(action="roles.version_reviewed").exists()


@pytest.mark.parametrize(
    "classification",
    [StaffClassification.TEACHER, StaffClassification.LEA_ADMINISTRATOR],
)
def test_only_a_principal_or_assistant_can_review_as_principal(district_a, classification):
    version = make_draft(district_a)
    not_principal = StaffFactory(district=district_a, school=None, classification=classification)
    with pytest.raises(ValidationError) as error:
        sign_off(version, reviewer=not_principal)
    assert "reviewer" in error.value.message_dict
    assert not JobDescriptionReview.objects.exists()


def test_an_assistant_principal_can_sign_off(district_a):
    version = make_draft(district_a)
    assistant = StaffFactory(
        district=district_a, school=None, classification=StaffClassification.ASSISTANT_PRINCIPAL
    )
    review = sign_off(version, reviewer=assistant)
    assert review.district == district_a
    assert services.principal_signed_off(version)


# --- Positions ------------------------------------------------------------------------------


def test_position_create_audits_and_starts_as_asked(alice, district_a, school_a):
    version = make_published(district_a)
    position = make_position(
        district_a, version, "R-1", school=school_a, status=PositionStatus.PLANNED, actor=alice.user
    )
    event = AuditEvent.objects.get(action="roles.position_created")
    assert position.status == PositionStatus.PLANNED and position.school == school_a
    assert event.actor == alice.user and event.target_id == str(position.pk)
    assert event.changes["requisition_number"] == [None, "R-1"]


def test_position_create_refuses_a_draft_version(district_a):
    draft = make_draft(district_a)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        make_position(district_a, draft, "R-1")
    assert "version" in error.value.message_dict
    assert row_counts() == before


def test_position_create_refuses_a_retired_version(district_a):
    version = services.version_retire(version=make_published(district_a), actor=None)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        make_position(district_a, version, "R-1")
    assert "version" in error.value.message_dict
    assert row_counts() == before


def test_position_create_refuses_a_version_retired_since_it_was_read(district_a):
    # A page validated the version while it was published; someone retired it before the save.
    version = make_published(district_a)
    services.version_retire(version=JobDescriptionVersion.objects.get(pk=version.pk), actor=None)
    with pytest.raises(ValidationError) as error:
        make_position(district_a, version, "R-1")
    assert "version" in error.value.message_dict
    assert not Position.objects.exists()


def test_job_description_refuses_a_role_type_retired_since_it_was_read(district_a):
    role_type = make_role_type(district_a)
    services.role_type_retire(role_type=RoleType.objects.get(pk=role_type.pk), actor=None)
    with pytest.raises(ValidationError) as error:
        services.job_description_create(
            district=district_a, role_type=role_type, title="Coach", data={}, actor=None
        )
    assert "role_type" in error.value.message_dict
    assert not JobDescription.objects.exists()


def test_position_create_refuses_another_districts_version_and_school(
    district_a, district_b, school_b
):
    foreign = make_published(district_b)
    with pytest.raises(ValidationError) as error:
        make_position(district_a, foreign, "R-1")
    assert "version" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_position(district_a, make_published(district_a), "R-2", school=school_b)
    assert "school" in error.value.message_dict
    assert not Position.objects.exists()


def test_position_create_refuses_a_duplicate_requisition_number(district_a):
    version = make_published(district_a)
    make_position(district_a, version, "R-7")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        make_position(district_a, version, "r-7")
    assert "requisition_number" in error.value.message_dict
    assert row_counts() == before


def test_the_same_requisition_number_is_fine_in_another_district(district_a, district_b):
    make_position(district_a, requisition="R-7")
    make_position(district_b, requisition="R-7")
    assert Position.objects.filter(requisition_number="R-7").count() == 2


def test_a_new_position_cannot_start_filled(district_a):
    version = make_published(district_a)
    with pytest.raises(ValidationError) as error:
        make_position(district_a, version, "R-1", status=PositionStatus.FILLED)
    assert "status" in error.value.message_dict
    assert not Position.objects.exists()


def test_position_status_follows_the_assignments(alice, district_a, staff_a):
    position = make_position(district_a, status=PositionStatus.PLANNED)
    services.position_transition(position=position, to=PositionStatus.OPEN, actor=alice.user)
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN

    assignment = assign(position, staff_a, actor=alice.user)  # the whole 1.0 FTE
    position.refresh_from_db()
    assert position.status == PositionStatus.FILLED

    services.assignment_end(
        assignment=assignment,
        end_date=dt.date(2026, 6, 30),
        reason=EndReason.PROMOTED,
        actor=alice.user,
    )
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN
    moves = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(action="roles.position_status_changed").order_by("id")
    ]
    assert moves == [["planned", "open"], ["open", "filled"], ["filled", "open"]]


def test_a_partly_held_position_stays_open(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.50")
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN


def test_filled_is_never_chosen_by_hand(district_a):
    position = make_position(district_a)
    with pytest.raises(ValidationError) as error:
        services.position_transition(position=position, to=PositionStatus.FILLED, actor=None)
    position.refresh_from_db()
    assert "status" in error.value.message_dict
    assert position.status == PositionStatus.OPEN
    assert not AuditEvent.objects.filter(action="roles.position_status_changed").exists()


def test_a_filled_position_cannot_be_closed_or_frozen(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a)
    for to in (PositionStatus.CLOSED, PositionStatus.FROZEN, PositionStatus.OPEN):
        with pytest.raises(ValidationError):
            services.position_transition(position=position, to=to, actor=None)
    position.refresh_from_db()
    assert position.status == PositionStatus.FILLED


def test_closing_a_position_someone_holds_is_refused(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.50")  # still open: half the FTE is vacant
    with pytest.raises(ValidationError) as error:
        services.position_transition(position=position, to=PositionStatus.CLOSED, actor=None)
    position.refresh_from_db()
    assert "End the current assignments first" in error.value.message_dict["status"][0]
    assert position.status == PositionStatus.OPEN


def test_closing_is_refused_while_an_ended_assignment_still_runs(district_a, staff_a):
    # An assignment ended with a last day next month is still current until then.
    position = make_position(district_a)
    today = timezone.localdate()
    assignment = assign(position, staff_a, begin=today - dt.timedelta(days=30))
    services.assignment_end(
        assignment=assignment,
        end_date=today + dt.timedelta(days=30),
        reason=EndReason.MOVED_AWAY,
        actor=None,
    )
    with pytest.raises(ValidationError):
        services.position_transition(position=position, to=PositionStatus.CLOSED, actor=None)
    position.refresh_from_db()
    assert position.status != PositionStatus.CLOSED


def test_a_closed_position_is_final(district_a):
    position = make_position(district_a)
    services.position_transition(position=position, to=PositionStatus.CLOSED, actor=None)
    with pytest.raises(ValidationError):
        services.position_transition(position=position, to=PositionStatus.OPEN, actor=None)
    position.refresh_from_db()
    assert position.status == PositionStatus.CLOSED


def test_a_transition_note_is_kept_in_the_audit_trail(district_a):
    position = make_position(district_a)
    services.position_transition(
        position=position, to=PositionStatus.FROZEN, note=" Budget hold ", actor=None
    )
    event = AuditEvent.objects.get(action="roles.position_status_changed")
    assert event.changes == {"status": ["open", "frozen"], "note": [None, "Budget hold"]}


def test_position_fte_cannot_drop_below_what_people_hold(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.80")
    with pytest.raises(ValidationError) as error:
        services.position_update(position=position, data={"fte": Decimal("0.50")}, actor=None)
    assert "fte" in error.value.message_dict
    assert Position.objects.get(pk=position.pk).fte == Decimal("1.00")


# --- Assignments ----------------------------------------------------------------------------


def test_assignment_create_takes_the_positions_fte_and_audits(alice, district_a, staff_a):
    position = make_position(district_a, fte="0.50")
    assignment = assign(position, staff_a, actor=alice.user)
    event = AuditEvent.objects.get(action="roles.assignment_started")
    assert assignment.fte == Decimal("0.50") and assignment.end_date is None
    assert event.actor == alice.user and event.target_id == str(assignment.pk)
    assert event.district == district_a


@pytest.mark.parametrize(
    "status", [PositionStatus.PLANNED, PositionStatus.FROZEN, PositionStatus.CLOSED]
)
def test_only_an_open_position_can_be_filled(district_a, staff_a, status):
    position = make_position(district_a, status=PositionStatus.PLANNED)
    if status != PositionStatus.PLANNED:
        services.position_transition(position=position, to=PositionStatus.OPEN, actor=None)
        services.position_transition(position=position, to=status, actor=None)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        assign(position, staff_a)
    assert "position" in error.value.message_dict
    assert row_counts() == before


def test_a_filled_position_takes_nobody_else(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a)
    other = StaffFactory(district=district_a, school=None)
    with pytest.raises(ValidationError) as error:
        assign(position, other, "0.10")
    assert "position" in error.value.message_dict
    assert Assignment.objects.count() == 1


def test_two_people_cannot_hold_more_than_the_positions_fte(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.60")
    other = StaffFactory(district=district_a, school=None)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        assign(position, other, "0.60")
    position.refresh_from_db()
    assert set(error.value.message_dict) == {"fte"}
    assert row_counts() == before
    assert position.status == PositionStatus.OPEN


def test_the_rest_of_the_fte_fills_the_position(district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.60")
    assign(position, StaffFactory(district=district_a, school=None), "0.40")
    position.refresh_from_db()
    assert position.status == PositionStatus.FILLED


def test_a_person_cannot_work_more_than_full_time(district_a, staff_a):
    first = make_position(district_a, requisition="R-1")
    second = make_position(district_a, requisition="R-2")
    assign(first, staff_a, "0.60")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        assign(second, staff_a, "0.60")
    assert set(error.value.message_dict) == {"staff"}
    assert row_counts() == before


def test_a_person_can_take_a_new_post_after_the_old_one_ends(district_a, staff_a):
    first = make_position(district_a, requisition="R-1")
    second = make_position(district_a, requisition="R-2")
    old = assign(first, staff_a)
    services.assignment_end(
        assignment=old, end_date=dt.date(2026, 3, 31), reason=EndReason.PROMOTED, actor=None
    )
    new = assign(second, staff_a, begin=dt.date(2026, 4, 1))
    assert new.fte == Decimal("1.00")


def test_an_overlapping_new_post_is_refused_even_if_the_old_one_has_an_end(district_a, staff_a):
    first = make_position(district_a, requisition="R-1")
    second = make_position(district_a, requisition="R-2")
    old = assign(first, staff_a)
    services.assignment_end(
        assignment=old, end_date=dt.date(2026, 3, 31), reason=EndReason.PROMOTED, actor=None
    )
    with pytest.raises(ValidationError) as error:
        assign(second, staff_a, begin=dt.date(2026, 3, 15))
    assert "staff" in error.value.message_dict


def test_staff_of_another_district_cannot_be_assigned(district_a, staff_b):
    position = make_position(district_a)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        assign(position, staff_b)
    assert "staff" in error.value.message_dict
    assert row_counts() == before


def test_someone_who_left_cannot_be_assigned(district_a, school_a):
    gone = StaffFactory(district=district_a, school=school_a, is_active=False)
    position = make_position(district_a)
    with pytest.raises(ValidationError) as error:
        assign(position, gone)
    assert "staff" in error.value.message_dict
    assert not Assignment.objects.exists()


def test_ending_an_assignment_keeps_the_row_with_its_reason(alice, district_a, staff_a):
    position = make_position(district_a)
    assignment = assign(position, staff_a)
    services.assignment_end(
        assignment=assignment,
        end_date=dt.date(2026, 6, 30),
        reason=EndReason.RETURNED_TO_CLASSROOM,
        note=" Missed teaching ",
        actor=alice.user,
    )
    kept = Assignment.objects.get(pk=assignment.pk)
    event = AuditEvent.objects.get(action="roles.assignment_ended")
    assert kept.end_date == dt.date(2026, 6, 30)
    assert kept.end_reason == EndReason.RETURNED_TO_CLASSROOM
    assert kept.end_note == "Missed teaching"
    assert event.changes == {
        "end_date": [None, "2026-06-30"],
        "end_reason": [None, "returned_to_classroom"],
    }
    assert event.actor == alice.user


def test_an_assignment_cannot_end_before_it_began(district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.assignment_end(
            assignment=assignment, end_date=JAN - dt.timedelta(days=1), reason="other", actor=None
        )
    assignment.refresh_from_db()
    assert "end_date" in error.value.message_dict
    assert assignment.end_date is None
    assert row_counts() == before


def test_an_assignment_can_end_on_the_day_it_began(district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    services.assignment_end(assignment=assignment, end_date=JAN, reason="not_a_fit", actor=None)
    assignment.refresh_from_db()
    assert assignment.end_date == JAN


def test_ending_needs_a_reason(district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    with pytest.raises(ValidationError) as error:
        services.assignment_end(
            assignment=assignment, end_date=dt.date(2026, 6, 30), reason="", actor=None
        )
    assignment.refresh_from_db()
    assert "end_reason" in error.value.message_dict
    assert assignment.end_date is None


def test_an_assignment_ends_only_once(district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    services.assignment_end(
        assignment=assignment, end_date=dt.date(2026, 6, 30), reason="retired", actor=None
    )
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.assignment_end(
            assignment=assignment, end_date=dt.date(2026, 7, 30), reason="other", actor=None
        )
    assignment.refresh_from_db()
    assert "already ended" in error.value.messages[0]
    assert assignment.end_date == dt.date(2026, 6, 30) and assignment.end_reason == "retired"
    assert row_counts() == before


def test_a_person_history_keeps_every_assignment(district_a, staff_a):
    position = make_position(district_a)
    first = assign(position, staff_a)
    services.assignment_end(
        assignment=first, end_date=dt.date(2026, 2, 1), reason="leave", actor=None
    )
    second = assign(position, staff_a, begin=dt.date(2026, 3, 1))
    rows = list(Assignment.objects.filter(staff=staff_a).order_by("begin_date"))
    assert [a.pk for a in rows] == [first.pk, second.pk]
    assert rows[0].end_reason == "leave" and rows[1].end_date is None


def test_every_write_leaves_its_audit_event(alice, district_a, staff_a):
    user = alice.user
    role_type = make_role_type(district_a)
    version = make_draft(district_a, role_type=role_type, actor=user)
    services.version_update(version=version, data={"summary": "Coach"}, actor=user)
    sign_off(version, actor=user)
    services.version_publish(version=version, actor=user)
    draft = services.version_new_draft(job_description=version.job_description, actor=user)
    sign_off(draft, actor=user)
    draft = services.version_publish(version=draft, actor=user)
    position = make_position(district_a, draft, "R-1", status=PositionStatus.PLANNED, actor=user)
    services.position_update(position=position, data={"notes": "Grant"}, actor=user)
    services.position_transition(position=position, to=PositionStatus.OPEN, actor=user)
    assignment = assign(position, staff_a, actor=user)
    services.assignment_end(
        assignment=assignment, end_date=dt.date(2026, 5, 1), reason="promoted", actor=user
    )
    by_alice = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert by_alice == {
        "roles.job_description_created",
        "roles.version_updated",
        "roles.version_reviewed",
        "roles.version_published",
        "roles.version_started",
        "roles.version_retired",
        "roles.position_created",
        "roles.position_updated",
        "roles.position_status_changed",
        "roles.assignment_started",
        "roles.assignment_ended",
    }
    assert not AuditEvent.objects.exclude(district=district_a).exists()


# --- peak_fte ------------------------------------------------------------------------------

BASE = dt.date(2026, 1, 1)
HORIZON = 30  # rows live within days 0..20; open-ended windows are checked up to here


def _brute_peak(rows, begin, end):
    last = end if end is not None else BASE + dt.timedelta(days=HORIZON)
    best = Decimal("0")
    day = begin
    while day <= last:
        total = sum((f for b, e, f in rows if b <= day and (e is None or e >= day)), Decimal("0"))
        best = max(best, total)
        day += dt.timedelta(days=1)
    return best


_fte = st.sampled_from([Decimal(n) / 100 for n in (5, 10, 25, 40, 50, 60, 75, 100)])


@st.composite
def _row(draw):
    begin = draw(st.integers(0, 20))
    length = draw(st.one_of(st.none(), st.integers(0, 10)))
    end = None if length is None else BASE + dt.timedelta(days=begin + length)
    return BASE + dt.timedelta(days=begin), end, draw(_fte)


@st.composite
def _window(draw):
    begin = draw(st.integers(0, 25))
    length = draw(st.one_of(st.none(), st.integers(0, 10)))
    end = None if length is None else BASE + dt.timedelta(days=begin + length)
    return BASE + dt.timedelta(days=begin), end


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_row(), max_size=6), window=_window())
def test_peak_fte_matches_a_day_by_day_sum(rows, window):
    begin, end = window
    assert services.peak_fte(rows, begin, end) == _brute_peak(rows, begin, end)


def test_peak_fte_examples():
    d = BASE
    rows = [
        (d, d + dt.timedelta(days=9), Decimal("0.5")),
        (d + dt.timedelta(days=5), None, Decimal("0.4")),
    ]
    assert services.peak_fte(rows, d, d + dt.timedelta(days=4)) == Decimal("0.5")
    assert services.peak_fte(rows, d, None) == Decimal("0.9")
    assert services.peak_fte(rows, d + dt.timedelta(days=10), None) == Decimal("0.4")
    assert services.peak_fte([], d, None) == Decimal("0")


# --- Domain events -------------------------------------------------------------------------


@pytest.fixture
def started_events():
    received: list[dict] = []

    def handler(**payload):
        received.append(payload)

    events.subscribe("roles.assignment_started", handler)
    yield received
    events._SUBSCRIBERS["roles.assignment_started"].remove(handler)


def test_assignment_started_is_delivered_only_after_commit(
    django_capture_on_commit_callbacks, started_events, district_a, staff_a
):
    position = make_position(district_a)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign(position, staff_a)
        # Not yet: the transaction has not committed.
        assert started_events == []
    assert started_events == [
        {
            "assignment_id": assignment.pk,
            "district_id": district_a.pk,
            "staff_id": staff_a.pk,
            "position_id": position.pk,
        }
    ]


def test_assignment_started_is_not_delivered_for_rolled_back_work(
    django_capture_on_commit_callbacks, started_events, district_a, staff_a
):
    position = make_position(district_a)

    class Abandon(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandon),
        transaction.atomic(),
    ):
        assign(position, staff_a)
        raise Abandon
    assert started_events == []
    assert callbacks == []
    assert not Assignment.objects.exists()


def test_a_refused_assignment_publishes_nothing(
    django_capture_on_commit_callbacks, started_events, district_a, staff_b
):
    position = make_position(district_a)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        assign(position, staff_b)
    assert started_events == []
