"""Who reaches which coaching page and API call: readers the log, leaders the counts, managers
the caseloads, another district nothing; bad input to the API answers problem+json."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from trellis.coaching.models import Interaction, Relationship
from trellis.coaching.tests.helpers import NOTE, cast, leaks
from trellis.core.services import api_token_create

pytestmark = pytest.mark.django_db


def _api(person, path: str, method: str = "get", body=None):
    token = api_token_create(user=person.user, name="t")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    if method == "post":
        return client.post(f"/api/v1{path}", body or {}, content_type="application/json")
    return client.get(f"/api/v1{path}")


def test_another_district_gets_404_for_the_log_and_the_caseload_and_zero_counts():
    c = cast()
    charlie = c["charlie"]
    assert charlie.client().get(f"/coaching/records/{c.relationship.pk}/").status_code == 404
    caseload = f"/coaching/caseloads/{c['cole'].staff.pk}/"
    assert charlie.client().get(caseload).status_code == 404
    assert (
        _api(charlie, f"/coaching/relationships/{c.relationship.pk}/interactions").status_code
        == 404
    )
    counts = _api(charlie, "/coaching/summary").json()
    assert counts["total_entries"] == 0


def test_the_coach_sees_per_teacher_counts_a_manager_sees_the_caseload_without_them():
    c = cast()
    url = f"/coaching/caseloads/{c['cole'].staff.pk}/"
    own = c["cole"].client().get(url).content.decode()
    managed = c["alice"].client().get(url).content.decode()
    assert "Entries" in own and "Entries" not in managed
    assert c["tess"].staff.full_name in managed
    assert c["pat"].client().get(url).status_code == 404
    export = c["alice"].client().get(f"/coaching/caseloads/{c['cole'].staff.pk}/export.csv")
    assert b"Grade band" in b"".join(export.streaming_content)
    assert c["alice"].client().get("/coaching/caseloads/").status_code == 200
    assert c["cole"].client().get("/coaching/caseloads/").status_code == 403


def test_counts_export_for_leaders_only_and_without_content():
    c = cast()
    response = c["pat"].client().get("/coaching/counts/export.csv")
    body = b"".join(response.streaming_content)
    assert b"Classroom visit" in body and leaks(body) == []
    assert c["otto"].client().get("/coaching/counts/export.csv").status_code == 403


def test_the_teacher_reads_the_log_through_the_api_and_an_evaluator_gets_404():
    c = cast()
    path = f"/coaching/relationships/{c.relationship.pk}/interactions"
    mine = _api(c["tess"], path)
    assert mine.status_code == 200 and NOTE in mine.content.decode()
    assert mine.json()["count"] == 3
    for evaluator in ("pat", "vera"):
        response = _api(c[evaluator], path)
        assert response.status_code == 404 and leaks(response.content) == []


def test_logging_through_the_api_refuses_a_future_date_with_the_field_path():
    c = cast()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = f"/coaching/relationships/{c.relationship.pk}/interactions"
    body = {"kind": "visit", "occurred_on": f"{tomorrow}", "minutes": 30}
    response = _api(c["cole"], path, "post", body)
    assert response.status_code == 422
    assert "future" in response.content.decode()
    assert "occurred_on" in response.content.decode()
    response = _api(c["cole"], path, "post", {**body, "occurred_on": "2020-01-01", "minutes": -5})
    assert response.status_code == 422
    assert Interaction.objects.count() == 3
    ok = _api(c["cole"], path, "post", {**body, "occurred_on": f"{timezone.localdate()}"})
    assert ok.status_code == 201 and ok.json()["kind"] == "visit"


def test_a_coach_opens_a_relationship_through_the_api_and_cannot_choose_another_coach():
    c = cast(with_log=False)
    body = {"teacher_id": c["otto"].staff.pk, "begin_date": f"{timezone.localdate()}"}
    response = _api(c["cole"], "/coaching/relationships", "post", body)
    assert response.status_code == 201
    assert response.json()["coach"]["id"] == c["cole"].staff.pk
    other = _api(
        c["mia"], "/coaching/relationships", "post", {**body, "coach_id": c["cole"].staff.pk}
    )
    assert other.status_code == 201 and other.json()["coach"]["id"] == c["mia"].staff.pk
    assert Relationship.objects.count() == 2


def test_the_log_page_and_its_export_record_an_access_event():
    c = cast()
    from trellis.core.models import AuditEvent

    c["tess"].client().get(f"/coaching/records/{c.relationship.pk}/")
    export = c["tess"].client().get(f"/coaching/records/{c.relationship.pk}/export.xlsx")
    assert export.status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"coaching.record_viewed", "coaching.record_exported"} <= actions


def test_naming_someone_as_a_teachers_evaluator_on_the_staff_form_closes_the_record_to_them():
    c = cast()
    tess, mia = c["tess"].staff, c["mia"].staff
    assert c["mia"].client().get(f"/coaching/records/{c.relationship.pk}/").status_code == 200
    form = {
        "staff_unique_id": tess.staff_unique_id, "first_name": tess.first_name,
        "last_name": tess.last_name, "classification": tess.classification,
        "school": tess.school_id, "is_active": "on", "supervisor": mia.staff_unique_id,
    }  # fmt: skip
    response = c["alice"].client().post(f"/staff/{tess.pk}/edit/", form)
    assert response.status_code == 302
    tess.refresh_from_db()
    assert tess.supervisor == mia
    assert c["mia"].client().get(f"/coaching/records/{c.relationship.pk}/").status_code == 404
    bad = c["alice"].client().post(f"/staff/{tess.pk}/edit/", {**form, "supervisor": "NOPE"})
    assert "No staff member in this district has that id" in bad.content.decode()
    other = c["charlie"].staff.staff_unique_id
    refused = c["alice"].client().post(f"/staff/{tess.pk}/edit/", {**form, "supervisor": other})
    assert refused.status_code == 400
    tess.refresh_from_db()
    assert tess.supervisor == mia
