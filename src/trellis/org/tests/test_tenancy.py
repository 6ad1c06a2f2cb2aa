"""A user of district A must find nothing of district B: pages, exports and API alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name", ["org:staff-detail", "org:staff-edit"], ids=["detail", "edit form"]
)
def test_alice_gets_404_for_charlies_staff_pages(alice, staff_b, url_name):
    # given alice administers district A and staff_b belongs to district B
    # when she opens the record by its id
    response = alice.client().get(reverse(url_name, args=[staff_b.pk]))
    # then it does not exist for her
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["org:school-detail", "org:school-edit"])
def test_alice_gets_404_for_charlies_school_pages(alice, school_b, url_name):
    response = alice.client().get(reverse(url_name, args=[school_b.pk]))
    assert response.status_code == 404


def test_alice_cannot_edit_charlies_staff_by_posting(alice, staff_b):
    response = alice.client().post(
        reverse("org:staff-edit", args=[staff_b.pk]),
        {"staff_unique_id": "X1", "first_name": "Hacked", "last_name": "Name"},
    )
    staff_b.refresh_from_db()
    assert response.status_code == 404
    assert staff_b.first_name == "Zed"


def test_staff_list_and_export_show_only_alices_district(alice, staff_a, staff_b):
    client = alice.client()
    page = client.get(reverse("org:staff-list")).content.decode()
    export = b"".join(
        client.get(reverse("org:staff-export", args=["csv"])).streaming_content
    ).decode()
    assert "Alvarez" in page and "Zimmerman" not in page
    assert "Alvarez" in export and "Zimmerman" not in export


def test_school_export_shows_only_alices_district(alice, school_a, school_b):
    export = b"".join(
        alice.client().get(reverse("org:school-export", args=["csv"])).streaming_content
    )
    assert b"Aspen Elementary" in export and b"Ridgeview" not in export


def test_staff_form_offers_only_schools_of_the_district(alice, school_a, school_b):
    page = alice.client().get(reverse("org:staff-create")).content.decode()
    assert "Aspen Elementary" in page and "Ridgeview Middle" not in page


def test_posting_another_districts_school_is_rejected_at_the_field(alice, school_b):
    response = alice.client().post(
        reverse("org:staff-create"),
        {"staff_unique_id": "N1", "first_name": "New", "last_name": "Person",
         "school": school_b.pk, "classification": "teacher", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "school" in response.context["form"].errors


def test_api_staff_of_another_district_is_404(alice, staff_b):
    response = alice.client().get(f"/api/v1/staff/{staff_b.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_api_patch_of_another_districts_staff_is_404_and_changes_nothing(alice, staff_b):
    response = alice.client().patch(
        f"/api/v1/staff/{staff_b.pk}", {"first_name": "Hacked"}, content_type="application/json"
    )
    staff_b.refresh_from_db()
    assert response.status_code == 404
    assert staff_b.first_name == "Zed"


def test_api_cannot_point_staff_at_another_districts_school(alice, staff_a, school_b):
    response = alice.client().patch(
        f"/api/v1/staff/{staff_a.pk}", {"school_id": school_b.pk}, content_type="application/json"
    )
    staff_a.refresh_from_db()
    assert response.status_code == 404
    assert staff_a.school_id != school_b.pk


def test_naming_a_foreign_district_in_the_header_gives_no_access(alice, district_b, staff_b):
    response = alice.client().get("/api/v1/staff", headers={"X-Trellis-District": "cedar"})
    assert response.status_code == 403


def test_teacher_cannot_edit_or_export(bob, staff_a):
    client = bob.client()
    assert client.get(reverse("org:staff-edit", args=[staff_a.pk])).status_code == 403
    assert client.get(reverse("org:staff-export", args=["csv"])).status_code == 403
    assert client.get(reverse("org:staff-detail", args=[staff_a.pk])).status_code == 200


def test_consortium_lead_sees_totals_but_no_staff_records(dana, staff_a, staff_b):
    client = dana.client()
    overview = client.get(reverse("insights:consortium"))
    assert overview.status_code == 200
    assert "Maple Valley" in overview.content.decode()
    assert "Alvarez" not in overview.content.decode()
    assert client.get(reverse("org:staff-list")).status_code == 403
    assert client.get(reverse("org:staff-detail", args=[staff_a.pk])).status_code == 403
    assert client.get("/api/v1/staff").status_code == 403


def test_district_member_cannot_see_consortium_totals(alice, staff_b):
    assert alice.client().get(reverse("insights:consortium")).status_code == 403
