"""The district's smallest groups: a floor under every round's own, set by survey managers,
refused below 3, audited, and the same through the page and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.surveys import services
from trellis.surveys.models import Administration, SurveySettings
from trellis.surveys.selectors.surveys import survey_settings
from trellis.surveys.tests.builders import instrument
from trellis.surveys.tests.test_services import round_data

pytestmark = pytest.mark.django_db
URL = reverse("surveys:settings")
API = "/api/v1/surveys/settings"


@pytest.fixture
def survey(alice, district_a):
    return instrument(district_a, alice.user)


def without_thresholds(**changes):
    data = round_data(**changes)
    del data["min_group"], data["min_text"]
    return data


def test_a_district_that_never_chose_has_five_and_ten(district_a):
    floor = survey_settings(district=district_a)
    assert (floor.min_group, floor.min_text, floor.pk) == (5, 10, None)


def test_a_new_round_starts_from_the_districts_own_smallest_groups(alice, district_a, survey):
    services.settings_save(district=district_a, data={"min_group": 8, "min_text": 12},
                           actor=alice.user)  # fmt: skip
    made = services.administration_create(instrument=survey, data=without_thresholds(),
                                          actor=alice.user)  # fmt: skip
    assert (made.min_group, made.min_text) == (8, 12)


def test_a_round_may_ask_for_larger_groups_but_never_smaller_than_the_districts(
    alice, district_a, survey
):
    services.settings_save(district=district_a, data={"min_group": 8}, actor=alice.user)
    larger = services.administration_create(
        instrument=survey, data=round_data(min_group=9, min_text=10), actor=alice.user
    )
    assert larger.min_group == 9
    with pytest.raises(ValidationError) as refused:
        services.administration_create(instrument=survey, data=round_data(title="Smaller",
                                       min_group=6, min_text=10), actor=alice.user)  # fmt: skip
    assert refused.value.message_dict == {
        "min_group": ["This district reports no group smaller than 8."]
    }
    assert not Administration.objects.filter(title="Smaller").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"min_group": 2}, "min_group", "Report no group smaller than 3"),
        ({"min_text": 0}, "min_text", "Show no comments from a group smaller than 3"),
        ({"min_group": 51}, "min_group", "Choose 50 or fewer"),
        ({"min_group": 7, "min_text": 6}, "min_text", "at least as many people as numbers"),
        ({"evaluator": 1}, "evaluator", "cannot be set here"),
    ],
)
def test_bad_smallest_groups_are_refused_at_their_field_and_nothing_is_saved(
    alice, district_a, data, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.settings_save(district=district_a, data=data, actor=alice.user)
    assert message in refused.value.message_dict[field][0]
    assert not SurveySettings.objects.exists()
    assert not AuditEvent.objects.filter(action="surveys.settings_changed").exists()


def test_a_change_is_audited_with_before_and_after(alice, district_a):
    services.settings_save(district=district_a, data={"min_group": 6}, actor=alice.user)
    event = AuditEvent.objects.get(action="surveys.settings_changed")
    assert event.changes == {"min_group": [5, 6]} and event.actor == alice.user


def test_only_survey_managers_set_them_and_never_for_another_district(bob, alice, district_b):
    with pytest.raises(PermissionDenied):
        services.settings_save(district=bob.district, data={"min_group": 3}, actor=bob.user)
    with pytest.raises(PermissionDenied):
        services.settings_save(district=district_b, data={"min_group": 3}, actor=alice.user)
    assert not SurveySettings.objects.exists()


def test_the_page_saves_and_shows_an_error_at_the_field(alice, district_a):
    client = alice.client()
    assert client.get(URL).status_code == 200
    bad = client.post(URL, {"min_group": "2", "min_text": "10"})
    assert bad.status_code == 400
    assert "Report no group smaller than 3" in bad.content.decode()
    good = client.post(URL, {"min_group": "7", "min_text": "10"})
    assert good.status_code == 302
    assert survey_settings(district=district_a).min_group == 7
    home = client.get(reverse("surveys:home")).content.decode()
    assert "No result describes a group of fewer than 7 people" in home


def test_a_teacher_cannot_open_the_page(bob):
    assert bob.client().get(URL).status_code == 403


def test_the_api_reads_and_changes_them_with_errors_at_the_field(alice, bob, district_a):
    client = alice.client()
    assert client.get(API).json() == {"min_group": 5, "min_text": 10}
    bad = client.patch(API, {"min_group": 1}, content_type="application/json")
    assert bad.status_code == 422
    assert any("smaller than 3" in e["message"] for e in bad.json()["errors"])
    ok = client.patch(API, {"min_group": 6}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"min_group": 6, "min_text": 10}
    assert bob.client().get(API).json()["min_group"] == 6
    refused = bob.client().patch(API, {"min_group": 3}, content_type="application/json")
    assert refused.status_code == 403
    assert survey_settings(district=district_a).min_group == 6
