"""Schools and staff pages: lists, forms, bad input and the audit trail they leave."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.core.models import AuditEvent
from trellis.factories import StaffFactory
from trellis.org.models import School, Staff

pytestmark = pytest.mark.django_db

VALID_STAFF = {
    "staff_unique_id": "MV-900",
    "first_name": "Rosa",
    "last_name": "Quintero",
    "email": "rosa.quintero@maple.example.org",
    "classification": "teacher",
    "is_active": "on",
}


def test_creating_a_staff_record_saves_it_and_records_who_did_it(alice, school_a):
    response = alice.client().post(
        reverse("org:staff-create"), {**VALID_STAFF, "school": school_a.pk}
    )
    staff = Staff.objects.get(staff_unique_id="MV-900")
    assert response.status_code == 302
    assert staff.district == alice.district and staff.school == school_a
    event = AuditEvent.objects.get(action="org.staff_created")
    assert event.actor == alice.user and event.district == alice.district
    assert event.changes["last_name"] == [None, "Quintero"]


def test_editing_records_before_and_after(hana, staff_a):
    data = {**VALID_STAFF, "staff_unique_id": staff_a.staff_unique_id, "last_name": "Alvarez-Ruiz"}
    response = hana.client().post(reverse("org:staff-edit", args=[staff_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.get(action="org.staff_updated")
    assert event.changes["last_name"] == ["Alvarez", "Alvarez-Ruiz"]
    assert event.actor == hana.user


def test_alice_sees_audit_events_and_charlie_does_not(alice, charlie, school_a):
    alice.client().post(reverse("org:staff-create"), VALID_STAFF)
    # (a fresh client, so the "Saved" message does not show on the log page)
    alices_log = alice.client().get(reverse("core:audit-list")).content.decode()
    charlies_log = charlie.client().get(reverse("core:audit-list")).content.decode()
    assert "org.staff_created" in alices_log and "Rosa Quintero" in alices_log
    assert "Rosa Quintero" not in charlies_log


def test_audit_log_is_for_admins_only(hana, bob):
    assert hana.client().get(reverse("core:audit-list")).status_code == 403
    assert bob.client().get(reverse("core:audit-list")).status_code == 403


def test_audit_log_filters_by_action_and_exports(alice, school_a):
    alice.client().post(reverse("org:staff-create"), VALID_STAFF)
    client = alice.client()
    filtered = client.get(reverse("core:audit-list"), {"action": "org.school_created"})
    assert "Rosa Quintero" not in filtered.content.decode()
    export = b"".join(
        client.get(reverse("core:audit-export", args=["csv"])).streaming_content
    ).decode()
    assert "org.staff_created" in export
    assert AuditEvent.objects.filter(action="core.audit_exported").count() == 1


def test_audit_filter_with_reversed_dates_is_rejected_at_the_field(alice):
    response = alice.client().get(
        reverse("core:audit-list"), {"since": "2026-05-02", "until": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "until" in response.context["form"].errors


def test_school_with_empty_name_is_rejected_and_nothing_written(alice):
    response = alice.client().post(
        reverse("org:school-create"),
        {"name": "  ", "school_id": "12", "category": "elementary", "lowest_grade": "0",
         "highest_grade": "5"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not School.objects.exists() and not AuditEvent.objects.exists()


def test_school_with_grades_upside_down_is_rejected(alice):
    response = alice.client().post(
        reverse("org:school-create"),
        {"name": "Upside", "school_id": "12", "category": "elementary", "lowest_grade": "5",
         "highest_grade": "0"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "lowest grade must not be above" in response.content.decode()
    assert not School.objects.exists()


def test_malformed_email_is_rejected_at_the_field(alice):
    response = alice.client().post(reverse("org:staff-create"), {**VALID_STAFF, "email": "rosa@"})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Staff.objects.exists()


def test_duplicate_staff_id_is_rejected_at_the_field(alice, staff_a):
    response = alice.client().post(
        reverse("org:staff-create"), {**VALID_STAFF, "staff_unique_id": staff_a.staff_unique_id}
    )
    assert response.status_code == 400
    assert "already in use" in str(response.context["form"].errors["staff_unique_id"])
    assert Staff.objects.count() == 1


def test_same_staff_id_is_fine_in_another_district(alice, staff_b):
    data = {**VALID_STAFF, "staff_unique_id": staff_b.staff_unique_id}
    response = alice.client().post(reverse("org:staff-create"), data)
    assert response.status_code == 302


def test_page_number_that_is_not_a_number_names_the_field(alice, staff_a):
    response = alice.client().get(reverse("org:staff-list"), {"page": "abc"})
    assert response.status_code == 400
    assert "page" in response.context["form"].errors
    assert "Page" in response.content.decode()


def test_staff_list_paginates_fifty_a_page(alice, district_a):
    StaffFactory.create_batch(55, district=district_a, school=None)
    client = alice.client()
    first = client.get(reverse("org:staff-list"))
    second = client.get(reverse("org:staff-list"), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5


def test_staff_list_filters_by_search_and_school(alice, staff_a, school_a, district_a):
    StaffFactory(district=district_a, school=None, first_name="Omar", last_name="Office")
    client = alice.client()
    by_name = client.get(reverse("org:staff-list"), {"q": "alvar"}).context["page"]
    by_school = client.get(reverse("org:staff-list"), {"school": school_a.pk}).context["page"]
    assert [s.last_name for s in by_name] == ["Alvarez"]
    assert [s.last_name for s in by_school] == ["Alvarez"]


def test_htmx_filter_returns_only_the_rows(alice, staff_a):
    response = alice.client().get(reverse("org:staff-list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Alvarez" in body and "<html" not in body


def test_empty_district_shows_an_invitation_not_an_empty_table(alice):
    body = alice.client().get(reverse("org:school-list")).content.decode()
    assert "No schools yet" in body and "<table" not in body


def test_export_neutralises_spreadsheet_formulas(alice, district_a):
    StaffFactory(district=district_a, school=None, first_name="=HYPERLINK(1)", last_name="Evil")
    export = b"".join(
        alice.client().get(reverse("org:staff-export", args=["csv"])).streaming_content
    ).decode()
    assert "'=HYPERLINK(1)" in export


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["page", "q", "school", "classification", "active", "sort"]),
        st.text(max_size=30),
    )
)
def test_no_query_string_makes_the_staff_list_fail(alice, staff_a, params):
    response = alice.client().get(reverse("org:staff-list"), params)
    assert response.status_code in {200, 400}
