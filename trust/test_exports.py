"""Figure 14: exports. Every export URL the project serves (``export.<fmt>`` routes, CSV and
Excel, with every id of the organization, and the API's Ed-Fi downloads) is asked by a district
admin of one district, with a second district holding records whose names are planted markers.
Each export that answers must hold none of the other district's markers, and must leave one
access event; past ``TRELLIS_EXPORTS_PER_MINUTE`` in a minute, a person gets 429."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from trellis.coaching.tests.test_wall import _body, _urls
from trellis.core.exports import ACTION
from trellis.core.models import AuditEvent, Membership, Role
from trellis.core.services import api_token_create
from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKER = "Zebulon-Otherdistrict"
EDFI = [
    "staffs",
    "schools",
    "localEducationAgencies",
    "staffEducationOrganizationAssignmentAssociations",
]


def _district(name: str, marker: str):
    district = DistrictFactory(name=name)
    school = SchoolFactory(district=district, name=f"{marker} School")
    people = [
        StaffFactory(district=district, school=school, first_name=marker, last_name=marker)
        for _ in range(3)
    ]
    return district, school, people


def test_every_export_is_one_districts_recorded_and_limited(figure):
    mine, _, my_people = _district("Maple Valley", "Ordinary")
    other, other_school, other_people = _district("Cedar Ridge", MARKER)
    admin = UserFactory(username="exporter")
    Membership.objects.create(user=admin, district=mine, role=Role.DISTRICT_ADMIN)
    client = Client()
    client.force_login(admin)
    ids = sorted({mine.pk, other.pk, other_school.pk, *(p.pk for p in my_people + other_people)})
    urls = [u for u in _urls(ids) if "/export." in u]
    token = api_token_create(user=admin, name="trust")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answered, leaked, unrecorded = 0, [], []
    errors: list[str] = []
    with override_settings(TRELLIS_EXPORTS_PER_MINUTE=1_000_000):
        requests = [(client, u) for u in urls] + [(api, f"/api/v1/interop/edfi/{r}") for r in EDFI]
        for who, url in requests:
            before = AuditEvent.objects.filter(action=ACTION).count()
            try:
                response = who.get(url)
            except Exception as error:  # the test client raises what a server answers 500 to
                errors.append(f"{url}: {error!r}"[:300])
                continue
            if response.status_code >= 500:
                errors.append(f"{url}: {response.status_code}")
            if response.status_code != 200:
                continue
            answered += 1
            if MARKER.encode() in _body(response):
                leaked.append(url)
            if AuditEvent.objects.filter(action=ACTION).count() != before + 1:
                unrecorded.append(url)
    with override_settings(TRELLIS_EXPORTS_PER_MINUTE=5):
        burst = [client.get("/staff/export.csv").status_code for _ in range(3)]
    limited = burst[-1] == 429  # the crawl above already spent far more than 5 this minute
    ok = answered > 20 and not leaked and not unrecorded and not errors and limited
    figure(
        "exports",
        ok=ok,
        summary=f"{answered} exports answered of {len(requests)} asked: {len(leaked)} held "
        f"another district's rows, {len(unrecorded)} left no access event, {len(errors)} server "
        f"errors; over the limit: {'429' if limited else 'NOT limited'}",
        answered=answered,
        asked=len(requests),
        leaked=leaked,
        unrecorded=unrecorded,
        server_errors=errors,
    )
    assert ok, (leaked, unrecorded, errors, burst)
