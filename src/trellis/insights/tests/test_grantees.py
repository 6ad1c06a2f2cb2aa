from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.insights.services import grantees_load

pytestmark = pytest.mark.django_db


def test_grantee_landscape_filters_by_approach_and_exports(bob):
    grantees_load()
    client = bob.client()
    page = client.get(reverse("insights:grantee-list"), {"approach": "mastery"})
    names = [g.short_name for g in page.context["page"].object_list]
    assert "Carson City" in names and "Galt" not in names
    export = b"".join(
        client.get(reverse("insights:grantee-export", args=["csv"])).streaming_content
    ).decode()
    assert export.count("\n") == 22  # header + 21 grantees


def test_unknown_competition_year_is_rejected_at_the_field(bob):
    response = bob.client().get(reverse("insights:grantee-list"), {"cohort_year": "1999"})
    assert response.status_code == 400
    assert "cohort_year" in response.context["form"].errors
