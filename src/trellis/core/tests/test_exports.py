"""Every export is recorded as an access event and rate-limited per person, pages and the
API's Ed-Fi downloads alike; a refused or unauthenticated export records nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.core.exports import ACTION
from trellis.core.models import AuditEvent
from trellis.core.services import api_token_create
from trellis.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _events(user):
    return AuditEvent.objects.filter(actor=user, action=ACTION)


def test_a_page_export_is_recorded_with_its_district_url_and_format(alice, district_a):
    StaffFactory(district=district_a, last_name="Quill")
    response = alice.client().get("/staff/export.xlsx")
    assert response.status_code == 200
    event = _events(alice.user).get()
    assert event.district == district_a
    assert event.target_label == "/staff/export.xlsx"
    assert event.changes == {"format": [None, "xlsx"]}


def test_over_the_limit_a_person_waits_and_nothing_more_is_recorded(alice, bob, settings):
    settings.TRELLIS_EXPORTS_PER_MINUTE = 3
    client = alice.client()
    assert [client.get("/staff/export.csv").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/schools/export.csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "at most 3 a minute" in refused.content.decode()
    assert _events(alice.user).count() == 3
    # Another person is not held up by Alice's exports.
    assert bob.client().get("/schools/export.csv").status_code == 403  # his own refusal
    assert _events(bob.user).count() == 0


def test_a_refused_or_anonymous_export_records_nothing(bob):
    assert bob.client().get("/staff/export.csv").status_code == 403
    assert Client().get("/staff/export.csv").status_code == 302
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_the_api_ed_fi_download_is_recorded_and_limited(alice, settings):
    settings.TRELLIS_EXPORTS_PER_MINUTE = 2
    token = api_token_create(user=alice.user, name="t")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    codes = [api.get("/api/v1/interop/edfi/staffs").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert _events(alice.user).count() == 2
    assert api.get("/api/v1/staff").status_code == 200  # not an export: never limited
