"""Role catalog, job description, position and assignment pages through the test client: the
forms, the messages they leave, bad input, filters, exports and the roles-by-level figures."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from trellis.core.models import AuditEvent
from trellis.core.schoolyear import school_year_of
from trellis.factories import ConsortiumFactory, DistrictFactory, StaffFactory
from trellis.roles import services
from trellis.roles.models import (
    Assignment,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleLevel,
    RoleType,
    VersionStatus,
)
from trellis.roles.tests.test_services import (
    YEAR,
    assign,
    make_draft,
    make_position,
    make_principal,
    make_published,
    make_role_type,
    row_counts,
    sign_off,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _download(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def figure_table(body: str) -> dict[str, list[int]]:
    """The figure's table as {role: [classroom, school, district, total]}."""
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>((?:<td class="num">\d+</td>)+)</tr>', body)
    return {html.unescape(label): [int(n) for n in re.findall(r">(\d+)<", c)] for label, c in rows}


# --- Role catalog ---------------------------------------------------------------------------


def test_adding_a_role_type_shows_it_in_the_catalog(alice):
    client = alice.client()
    response = client.post(
        reverse("roles:role-type-create"),
        {"name": "Implementation specialist", "category": "instructional_leadership",
         "default_level": "school", "staff_classification": "instructional_coordinator",
         "description": "Helps schools roll out the model."},
    )  # fmt: skip
    role_type = RoleType.objects.get(name="Implementation specialist")
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:role-type-detail", args=[role_type.pk])
    assert role_type.district == alice.district and role_type.standard_key == ""
    catalog = client.get(reverse("roles:catalog"))
    assert "Implementation specialist" in catalog.content.decode()
    assert [t.name for t in catalog.context["page"]] == ["Implementation specialist"]
    assert AuditEvent.objects.get(action="roles.role_type_created").actor == alice.user


def test_a_duplicate_role_type_name_is_refused_at_the_field(alice, district_a):
    make_role_type(district_a, name="Data coach")
    response = alice.client().post(
        reverse("roles:role-type-create"),
        {"name": "data coach", "category": "student_focused", "default_level": "school",
         "staff_classification": "teacher"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "already has a role" in str(response.context["form"].errors["name"])
    assert RoleType.objects.count() == 1


def test_an_empty_catalog_offers_the_studys_ten_types(alice):
    client = alice.client()
    empty = client.get(reverse("roles:catalog")).content.decode()
    assert "The catalog is empty" in empty
    assert f'action="{reverse("roles:catalog-seed")}"' in empty
    assert "Add the ten common role types" in empty

    response = client.post(reverse("roles:catalog-seed"), follow=True)
    assert response.redirect_chain == [(reverse("roles:catalog"), 302)]
    assert "Added 10 of the study's common role types." in _messages(response)
    assert RoleType.objects.filter(district=alice.district).count() == 10
    body = response.content.decode()
    assert "Learning facilitator" in body and "District coordinator" in body
    assert "The catalog is empty" not in body


def test_seeding_again_adds_nothing(alice):
    client = alice.client()
    client.post(reverse("roles:catalog-seed"))
    response = client.post(reverse("roles:catalog-seed"), follow=True)
    assert "Added 0 of the study's common role types." in _messages(response)
    assert RoleType.objects.count() == 10


def test_a_teacher_sees_no_seed_button(bob):
    body = bob.client().get(reverse("roles:catalog")).content.decode()
    assert "The catalog is empty" in body
    assert reverse("roles:catalog-seed") not in body


def test_catalog_filters_by_state(alice, district_a):
    make_role_type(district_a, name="Kept")
    services.role_type_retire(role_type=make_role_type(district_a, name="Gone"), actor=None)
    client = alice.client()
    retired = client.get(reverse("roles:catalog"), {"state": "retired"}).context["page"]
    active = client.get(reverse("roles:catalog"), {"state": "active"}).context["page"]
    assert [t.name for t in retired] == ["Gone"]
    assert [t.name for t in active] == ["Kept"]


def test_deleting_a_type_in_use_shows_why_and_keeps_it(alice, district_a):
    version = make_draft(district_a)
    role_type = version.job_description.role_type
    response = alice.client().post(
        reverse("roles:role-type-state", args=[role_type.pk, "delete"]), follow=True
    )
    assert any("retire it instead" in m for m in _messages(response))
    assert RoleType.objects.filter(pk=role_type.pk).exists()


# --- Job descriptions -----------------------------------------------------------------------

JD_BODY = {
    "summary": "Helps teachers use data.",
    "responsibilities": "Run data meetings\nCoach teachers",
    "level": "school",
    "commitment": "full_time",
    "trait_communication": "3",
    "trait_flexibility": "1",
}


def test_writing_a_job_description_saves_draft_version_one(alice, district_a):
    role_type = make_role_type(district_a)
    response = alice.client().post(
        reverse("roles:jd-create"), {"role_type": role_type.pk, "title": "Data coach", **JD_BODY}
    )
    job = JobDescription.objects.get(title="Data coach")
    version = job.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:version-detail", args=[job.pk, 1])
    assert version.status == VersionStatus.DRAFT
    assert version.traits == {"communication": 3, "flexibility": 1}
    assert version.lines("responsibilities") == ["Run data meetings", "Coach teachers"]


def test_an_empty_title_is_refused_and_nothing_is_written(alice, district_a):
    role_type = make_role_type(district_a)
    before = row_counts()
    response = alice.client().post(
        reverse("roles:jd-create"), {"role_type": role_type.pk, "title": "  ", **JD_BODY}
    )
    assert response.status_code == 400
    assert "title" in response.context["head"].errors
    assert "The job description was not saved" in response.content.decode()
    assert row_counts() == before


def test_a_duplicate_title_is_refused_at_the_field(alice, district_a):
    version = make_draft(district_a, "Data coach")
    response = alice.client().post(
        reverse("roles:jd-create"),
        {"role_type": version.job_description.role_type_id, "title": "DATA coach", **JD_BODY},
    )
    assert response.status_code == 400
    assert "already exists" in str(response.context["head"].errors["title"])
    assert JobDescription.objects.count() == 1


def test_a_retired_role_type_is_not_offered_for_a_new_job_description(alice, district_a):
    make_role_type(district_a, name="Active type")
    services.role_type_retire(role_type=make_role_type(district_a, name="Old type"), actor=None)
    response = alice.client().get(reverse("roles:jd-create"))
    offered = [t.name for t in response.context["head"].fields["role_type"].queryset]
    assert offered == ["Active type"]


def test_publishing_without_a_sign_off_shows_why_and_keeps_the_draft(alice, district_a):
    version = make_draft(district_a)
    job = version.job_description_id
    response = alice.client().post(
        reverse("roles:version-action", args=[job, 1, "publish"]), follow=True
    )
    version.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("roles:version-detail", args=[job, 1])
    assert any("A principal must sign off" in m for m in _messages(response))
    assert "A principal must sign off" in response.content.decode()
    assert version.status == VersionStatus.DRAFT
    assert not AuditEvent.objects.filter(action="roles.version_published").exists()


def test_a_review_then_publish_through_the_pages(alice, district_a, school_a):
    version = make_draft(district_a)
    principal = make_principal(district_a, school=school_a)
    job = version.job_description_id
    client = alice.client()
    detail = client.get(reverse("roles:version-detail", args=[job, 1]))
    assert principal in detail.context["review_form"].fields["reviewer"].queryset

    review = client.post(
        reverse("roles:version-action", args=[job, 1, "review"]),
        {"reviewer": principal.pk, "reviewer_role": "principal", "decision": "approved",
         "note": "Reads well."},
    )  # fmt: skip
    publish = client.post(reverse("roles:version-action", args=[job, 1, "publish"]), follow=True)
    version.refresh_from_db()
    assert review.status_code == 302
    assert version.status == VersionStatus.PUBLISHED
    assert "Published version 1. It can no longer change." in _messages(publish)
    assert "Reads well." in publish.content.decode()


def test_an_invalid_review_answers_400(alice, district_a):
    version = make_draft(district_a)
    teacher = StaffFactory(district=district_a, school=None, classification="teacher")
    response = alice.client().post(
        reverse("roles:version-action", args=[version.job_description_id, 1, "review"]),
        {"reviewer": teacher.pk, "reviewer_role": "principal", "decision": "approved"},
    )
    assert response.status_code == 400
    assert "reviewer" in response.context["form"].errors
    assert not version.reviews.exists()


def test_a_published_version_cannot_be_edited_on_its_page(alice, district_a):
    version = make_published(district_a, summary="Original")
    url = reverse("roles:version-edit", args=[version.job_description_id, 1])
    response = alice.client().post(
        url, {"summary": "Changed", "level": "school", "commitment": "full_time"}, follow=True
    )
    version.refresh_from_db()
    assert any("cannot change" in m for m in _messages(response))
    assert version.summary == "Original"


def test_editing_a_draft_saves_it(alice, district_a):
    version = make_draft(district_a)
    url = reverse("roles:version-edit", args=[version.job_description_id, 1])
    response = alice.client().post(url, {**JD_BODY, "summary": "Rewritten"})
    version.refresh_from_db()
    assert response.status_code == 302
    assert version.summary == "Rewritten"


def test_an_upside_down_grade_band_is_refused_on_the_edit_page(alice, district_a):
    version = make_draft(district_a)
    url = reverse("roles:version-edit", args=[version.job_description_id, 1])
    response = alice.client().post(url, {**JD_BODY, "lowest_grade": "5", "highest_grade": "1"})
    version.refresh_from_db()
    assert response.status_code == 400
    assert "lowest grade must not be above" in response.content.decode()
    assert version.lowest_grade is None


def _two_versions(district, first: str, second: str) -> JobDescriptionVersion:
    v1 = make_published(district, "Data coach", responsibilities=first)
    v2 = services.version_new_draft(job_description=v1.job_description, actor=None)
    services.version_update(
        version=v2, data={"responsibilities": second, "evaluative": True}, actor=None
    )
    return v2


def test_compare_shows_the_changed_rows_between_versions(alice, district_a):
    v2 = _two_versions(
        district_a,
        "Run data meetings\nCoach teachers",
        "Run data meetings\nCoach teachers\nTrain new staff",
    )
    response = alice.client().get(reverse("roles:jd-compare", args=[v2.job_description_id]))
    body = response.content.decode()
    rows = {row.label: row for row in response.context["rows"]}
    assert response.status_code == 200
    assert (response.context["left"].number, response.context["right"].number) == (1, 2)
    assert re.search(r"<ins>(<span[^>]*>Added: </span>)?Train new staff</ins>", body)
    assert "<del>" not in body
    assert rows["Responsibilities"].changed and rows["Evaluates teachers"].changed
    assert (rows["Evaluates teachers"].left, rows["Evaluates teachers"].right) == ("No", "Yes")
    assert not rows["Summary"].changed and not rows["Level"].changed


def test_compare_marks_removed_lines(alice, district_a):
    v2 = _two_versions(district_a, "Keep this\nDrop this", "Keep this")
    body = (
        alice.client()
        .get(reverse("roles:jd-compare", args=[v2.job_description_id]), {"a": 1, "b": 2})
        .content.decode()
    )
    assert re.search(r"<del>(<span[^>]*>Removed: </span>)?Drop this</del>", body)
    assert "Keep this</del>" not in body


@pytest.mark.parametrize("query", [{"a": "9", "b": "1"}, {"a": "x"}])
def test_compare_with_unknown_versions_answers_400(alice, district_a, query):
    v2 = _two_versions(district_a, "A", "B")
    response = alice.client().get(reverse("roles:jd-compare", args=[v2.job_description_id]), query)
    assert response.status_code == 400
    assert response.context["error"] == "Choose two of this job description's versions (1, 2)."
    assert 'role="alert"' in response.content.decode()


def test_starting_a_new_version_from_the_page(alice, district_a):
    v1 = make_published(district_a)
    response = alice.client().post(
        reverse("roles:version-action", args=[v1.job_description_id, 1, "new-version"])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:version-detail", args=[v1.job_description_id, 2])
    assert v1.job_description.versions.get(number=2).status == VersionStatus.DRAFT


# --- Positions ------------------------------------------------------------------------------


def test_adding_a_position_through_its_form(alice, district_a, school_a):
    version = make_published(district_a)
    response = alice.client().post(
        reverse("roles:position-create"),
        {"version": version.pk, "school": school_a.pk, "requisition_number": "MV-1",
         "fte": "0.50", "school_year": school_year_of(timezone.localdate()), "reason": "new",
         "status": "open"},
    )  # fmt: skip
    position = Position.objects.get(requisition_number="MV-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:position-detail", args=[position.pk])
    assert position.status == PositionStatus.OPEN and position.fte == Decimal("0.50")
    assert AuditEvent.objects.get(action="roles.position_created").actor == alice.user


def test_the_position_form_offers_only_published_versions(alice, district_a):
    published = make_published(district_a, "Published job")
    make_draft(district_a, "Draft job")
    retired = services.version_retire(version=make_published(district_a, "Old job"), actor=None)
    response = alice.client().get(reverse("roles:position-create"))
    offered = list(response.context["form"].fields["version"].queryset)
    assert offered == [published]
    assert retired not in offered


def _many_positions(district, school, version, count: int) -> None:
    """Read-only set-up for the board: rows written directly, not through the service."""
    Position.objects.bulk_create(
        Position(
            district=district,
            version=version,
            school=school if i % 2 else None,
            requisition_number=f"B-{i:03d}",
            school_year=YEAR,
            status=PositionStatus.OPEN if i % 3 else PositionStatus.PLANNED,
        )
        for i in range(count)
    )


def test_position_board_paginates_fifty_a_page(alice, district_a, school_a):
    _many_positions(district_a, school_a, make_published(district_a), 55)
    client = alice.client()
    first = client.get(reverse("roles:position-board"))
    second = client.get(reverse("roles:position-board"), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert [p.requisition_number for p in second.context["page"]] == [
        f"B-{i:03d}" for i in range(50, 55)
    ]
    assert first.context["summary"].total == 55


def test_position_board_filters_by_status_and_place(alice, district_a, school_a):
    _many_positions(district_a, school_a, make_published(district_a), 12)
    client = alice.client()
    board = reverse("roles:position-board")
    planned = client.get(board, {"status": "planned"}).context["page"]
    office = client.get(board, {"school": "office"}).context["page"]
    at_school = client.get(board, {"school": school_a.pk, "status": "open"}).context["page"]
    assert {p.requisition_number for p in planned} == {f"B-{i:03d}" for i in range(0, 12, 3)}
    assert {p.requisition_number for p in office} == {f"B-{i:03d}" for i in range(0, 12, 2)}
    assert {p.requisition_number for p in at_school} == {
        f"B-{i:03d}" for i in range(12) if i % 2 and i % 3
    }
    assert "District office" in client.get(board, {"school": "office"}).content.decode()


def test_position_board_shows_who_holds_a_position(alice, district_a, staff_a):
    position = make_position(district_a, fte="1.00")
    assign(position, staff_a, begin=timezone.localdate() - dt.timedelta(days=1))
    body = alice.client().get(reverse("roles:position-board")).content.decode()
    assert "Ana Alvarez" in body
    assert "Filled" in body


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["page", "q", "school", "status", "school_year", "role_type"]),
        st.text(max_size=20),
    )
)
def test_no_query_string_makes_the_board_fail(alice, params):
    response = alice.client().get(reverse("roles:position-board"), params)
    assert response.status_code in {200, 400}


def _evil_position(district) -> Position:
    version = make_published(district, '=HYPERLINK("http://evil.example","x")')
    return make_position(district, version, "EV-1")


def test_csv_export_parses_and_neutralises_formulas(alice, district_a):
    _evil_position(district_a)
    response = alice.client().get(reverse("roles:position-export", args=["csv"]))
    text = _download(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert response["Content-Disposition"] == 'attachment; filename="maple-positions.csv"'
    assert [r["requisition_number"] for r in rows] == ["EV-1"]
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["status"] == "Open" and rows[0]["where"] == "District office"
    assert AuditEvent.objects.filter(action="roles.positions_exported").count() == 1


def test_xlsx_export_parses_and_neutralises_formulas(alice, district_a):
    _evil_position(district_a)
    response = alice.client().get(reverse("roles:position-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(_download(response))).active
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("title") + 1)
    assert header[0] == "requisition_number"
    assert sheet.cell(row=2, column=1).value == "EV-1"
    assert title.data_type == "s"
    assert not str(title.value).startswith("=")
    assert "HYPERLINK" in str(title.value)


def test_export_follows_the_board_filters(alice, district_a, school_a):
    _many_positions(district_a, school_a, make_published(district_a), 6)
    response = alice.client().get(
        reverse("roles:position-export", args=["csv"]), {"status": "planned"}
    )
    rows = list(csv.DictReader(io.StringIO(_download(response).decode("utf-8-sig"))))
    assert sorted(r["requisition_number"] for r in rows) == ["B-000", "B-003"]


def test_manual_transition_from_the_page(alice, district_a):
    position = make_position(district_a, status=PositionStatus.PLANNED)
    client = alice.client()
    detail = client.get(reverse("roles:position-detail", args=[position.pk]))
    offered = [value for value, _ in detail.context["transition_form"].fields["to"].choices]
    response = client.post(
        reverse("roles:position-transition", args=[position.pk]), {"to": "open", "note": "Go"}
    )
    position.refresh_from_db()
    assert sorted(offered) == ["closed", "open"]
    assert response.status_code == 302 and position.status == PositionStatus.OPEN


def test_filled_cannot_be_chosen_on_the_page(alice, district_a):
    position = make_position(district_a)
    response = alice.client().post(
        reverse("roles:position-transition", args=[position.pk]), {"to": "filled"}
    )
    position.refresh_from_db()
    assert response.status_code == 400
    assert "to" in response.context["transition_form"].errors
    assert position.status == PositionStatus.OPEN


def test_assigning_through_the_page_fills_the_position(alice, district_a, staff_a):
    position = make_position(district_a, fte="1.00")
    response = alice.client().post(
        reverse("roles:assignment-create", args=[position.pk]),
        {"staff": staff_a.pk, "begin_date": "2026-02-01", "fte": "1.00", "is_tosa": "on"},
    )
    position.refresh_from_db()
    assignment = Assignment.objects.get(position=position)
    assert response.status_code == 302
    assert assignment.is_tosa and assignment.begin_date == dt.date(2026, 2, 1)
    assert position.status == PositionStatus.FILLED


def test_over_filling_on_the_page_is_refused_at_the_fte_field(alice, district_a, staff_a):
    position = make_position(district_a, fte="1.00")
    assign(position, staff_a, "0.60")
    other = StaffFactory(district=district_a, school=None)
    before = row_counts()
    response = alice.client().post(
        reverse("roles:assignment-create", args=[position.pk]),
        {"staff": other.pk, "begin_date": "2026-02-01", "fte": "0.60"},
    )
    assert response.status_code == 400
    assert "at most 0.40 FTE is free" in str(response.context["assign_form"].errors["fte"])
    assert row_counts() == before


# --- Ending assignments and a person's history ------------------------------------------------


def test_ending_before_the_begin_date_is_refused_at_the_field(alice, district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a, begin=dt.date(2026, 2, 1))
    before = row_counts()
    response = alice.client().post(
        reverse("roles:assignment-end", args=[assignment.pk]),
        {"end_date": "2026-01-15", "end_reason": "not_a_fit", "end_note": "Too soon"},
    )
    assignment.refresh_from_db()
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "it cannot end before that" in str(errors["end_date"])
    assert "The record was not saved" in response.content.decode()
    assert assignment.end_date is None and assignment.end_reason == ""
    assert row_counts() == before


def test_ending_needs_a_reason_on_the_page(alice, district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    response = alice.client().post(
        reverse("roles:assignment-end", args=[assignment.pk]), {"end_date": "2026-06-30"}
    )
    assignment.refresh_from_db()
    assert response.status_code == 400
    assert "end_reason" in response.context["form"].errors
    assert assignment.end_date is None


def test_ending_an_assignment_keeps_it_in_the_persons_history(alice, district_a, staff_a):
    position = make_position(district_a)
    assignment = assign(position, staff_a, begin=dt.date(2026, 2, 1))
    client = alice.client()
    response = client.post(
        reverse("roles:assignment-end", args=[assignment.pk]),
        {"end_date": "2026-06-30", "end_reason": "returned_to_classroom", "end_note": ""},
    )
    position.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:position-detail", args=[position.pk])
    assert position.status == PositionStatus.OPEN
    history = client.get(reverse("roles:person", args=[staff_a.pk])).content.decode()
    assert "R-100" in history and "2026-06-30" in history and "Returned to the classroom" in history
    again = client.get(reverse("roles:assignment-end", args=[assignment.pk]), follow=True)
    assert "This assignment has already ended." in _messages(again)


# --- Org chart and the roles-by-level figures ---------------------------------------------------


def test_org_chart_puts_holders_under_their_school(alice, district_a, school_a, staff_a):
    version = make_published(district_a, "Data coach")
    position = make_position(district_a, version, "R-1", school=school_a)
    assign(position, staff_a, begin=timezone.localdate())
    units = alice.client().get(reverse("roles:org-chart")).context["units"]
    by_name = {u.name: u for u in units}
    assert [u.name for u in units] == ["District office", "Aspen Elementary"]
    seat = by_name["Aspen Elementary"].seats[0]
    assert seat.position == position and [a.staff for a in seat.holders] == [staff_a]
    assert by_name["District office"].seats == []


def test_figure_counts_live_positions_by_type_and_level(alice, district_a, district_b):
    coach = make_role_type(district_a, name="Coach")
    school_level = make_published(district_a, "Coach, school", role_type=coach)
    district_level = make_published(
        district_a, "Coach, district", role_type=coach, level=RoleLevel.DISTRICT
    )
    make_position(district_a, school_level, "R-1")
    make_position(district_a, school_level, "R-2", status=PositionStatus.PLANNED)
    closed = make_position(district_a, school_level, "R-3")
    services.position_transition(position=closed, to=PositionStatus.CLOSED, actor=None)
    make_position(district_a, district_level, "R-4")
    facilitator = make_role_type(district_a, name="Facilitator", category="student_focused")
    frozen = make_position(
        district_a,
        make_published(district_a, "Facilitator", role_type=facilitator, level="classroom"),
        "R-5",
    )
    services.position_transition(position=frozen, to=PositionStatus.FROZEN, actor=None)
    services.role_type_retire(role_type=make_role_type(district_a, name="Unused old"), actor=None)
    make_position(district_b, make_published(district_b, "Coach", role_type=make_role_type(
        district_b, name="Coach")), "R-1")  # fmt: skip

    response = alice.client().get(reverse("roles:figure"))
    table = figure_table(response.content.decode())
    # columns: classroom, school, district, total
    assert table["Coach"] == [0, 2, 1, 3]
    assert table["Facilitator"] == [1, 0, 0, 1]
    assert "Unused old" not in table
    assert response.context["figure"].unit == "positions"


def test_consortium_figure_counts_districts_not_positions(dana, district_a, district_b):
    outside = DistrictFactory(consortium=ConsortiumFactory())
    for district in (district_a, district_b, outside):
        services.role_types_seed(district=district, actor=None)

    def coach_job(district, title, level=RoleLevel.SCHOOL):
        kind = RoleType.objects.get(
            district=district, standard_key="instructional_strategies_coach"
        )
        return make_published(district, title, role_type=kind, level=level)

    maple_coach = coach_job(district_a, "Strategy coach")
    for n in range(3):
        make_position(district_a, maple_coach, f"A-{n}")
    make_position(district_a, coach_job(district_a, "Lead coach", RoleLevel.DISTRICT), "A-9")
    make_position(district_b, coach_job(district_b, "Strategy coach"), "B-1")
    make_position(outside, coach_job(outside, "Strategy coach"), "C-1")

    response = dana.client().get(reverse("roles:consortium-figure"))
    table = figure_table(response.content.decode())
    assert response.status_code == 200
    assert table["Instructional strategies coach"] == [0, 2, 1, 3]
    assert table["Learning facilitator"] == [0, 0, 0, 0]
    assert "Tri-County" in response.content.decode()


def test_consortium_figure_export_counts_districts(dana, district_a, district_b):
    for district in (district_a, district_b):
        kind = make_role_type(district, name="Own coach")
        version = make_published(district, "Own coach job", role_type=kind)
        make_position(district, version, "R-1")
        make_position(district, version, "R-2")
    response = dana.client().get(reverse("roles:consortium-figure-export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(_download(response).decode("utf-8-sig"))))
    own = [r for r in rows if r["role"] == "District's own roles"]
    assert [(r["school"], r["total"]) for r in own] == [("2", "2")]


def test_figure_counts_a_job_description_once_a_position_uses_it(alice, district_a):
    # A draft never makes a position, so nothing appears in the figure until it is published.
    version = make_draft(district_a, "Coach")
    table = figure_table(alice.client().get(reverse("roles:figure")).content.decode())
    assert table.get(version.job_description.role_type.name) == [0, 0, 0, 0]
    sign_off(version)
    make_position(district_a, services.version_publish(version=version, actor=None), "R-1")
    table = figure_table(alice.client().get(reverse("roles:figure")).content.decode())
    assert table[version.job_description.role_type.name] == [0, 1, 0, 1]
