"""The initiative and its vision: versions, publishing, and each school's answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.org.models import StaffClassification
from trellis.pay.models import FundingSource, SourceKind
from trellis.rollout.models import AdoptionMode, Initiative, SchoolVision, VisionStatus
from trellis.rollout.services import initiative as services

PILLARS = [
    {"title": "Student agency", "description": "Students set goals and choose how to reach them."},
    {"title": "Mastery", "description": "Students move on when they show they have learned."},
]


def publish(initiative, actor, statement="Every child learns at their own pace."):
    draft = services.vision_draft_save(
        initiative=initiative, statement=statement, pillars=PILLARS, actor=actor
    )
    return services.vision_publish(version=draft, actor=actor)


@pytest.fixture
def principal_of_a(school_a, district_a):
    user = UserFactory(username="pat")
    MembershipFactory(user=user, district=district_a, role="principal")
    StaffFactory(district=district_a, school=school_a, user=user,
                 classification=StaffClassification.PRINCIPAL)  # fmt: skip
    return user


def test_an_initiative_needs_an_approach_and_years_in_order(alice, district_a):
    with pytest.raises(ValidationError) as error:
        services.initiative_create(
            district=district_a,
            actor=alice.user,
            data={
                "name": "Plan",
                "approaches": [],
                "first_year": "2027-28",
                "last_year": "2025-26",
            },
        )
    assert set(error.value.message_dict) >= {"approaches", "last_year"}
    assert not Initiative.objects.exists()


def test_the_initiative_form_reports_bad_input_at_the_field(alice):
    response = alice.client().post(reverse("rollout:initiative-create"), {
        "name": "", "approaches": ["telepathy"], "first_year": "2026-27",
        "last_year": "2026-27", "meeting_weeks": "0"})  # fmt: skip
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name", "approaches", "meeting_weeks"}
    assert not Initiative.objects.exists()


def test_a_grant_of_another_district_cannot_be_linked(alice, initiative, district_b):
    theirs = FundingSource.objects.create(district=district_b, name="Their grant",
                                          kind=SourceKind.GRANT)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.initiative_update(initiative=initiative, data={"grant": theirs},
                                   actor=alice.user)  # fmt: skip
    assert "grant" in error.value.message_dict


def test_publishing_a_new_version_retires_the_old_one_and_keeps_it(alice, initiative):
    first = publish(initiative, alice.user)
    draft = services.vision_next_version(initiative=initiative, actor=alice.user)
    assert (draft.number, draft.status, draft.statement) == (2, VisionStatus.DRAFT,
                                                             first.statement)  # fmt: skip
    services.vision_draft_save(
        initiative=initiative,
        statement="Every child, every day.",
        pillars=PILLARS[:1],
        change_note="Shorter",
        actor=alice.user,
    )
    second = services.vision_publish(version=draft, actor=alice.user)
    first.refresh_from_db()
    assert first.status == VisionStatus.RETIRED
    assert second.status == VisionStatus.PUBLISHED
    assert second.statement == "Every child, every day."
    assert AuditEvent.objects.filter(action="rollout.vision_published").count() == 2


def test_a_published_version_never_changes(alice, initiative):
    first = publish(initiative, alice.user)
    with pytest.raises(ValidationError):
        services.vision_publish(version=first, actor=alice.user)
    # saving a "draft" starts version 2 rather than touching version 1
    services.vision_draft_save(initiative=initiative, statement="Other words.", pillars=PILLARS,
                               actor=alice.user)  # fmt: skip
    first.refresh_from_db()
    assert first.statement == "Every child learns at their own pace."


def test_a_vision_without_pillars_cannot_be_published(alice, initiative):
    draft = services.vision_draft_save(initiative=initiative, statement="Words.", pillars=[],
                                       actor=alice.user)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.vision_publish(version=draft, actor=alice.user)
    assert "pillars" in error.value.message_dict


def test_pillars_are_read_one_a_line_and_bad_lines_are_named():
    assert services.parse_pillars("- Agency: students choose\n\nMastery") == [
        {"title": "Agency", "description": "students choose"},
        {"title": "Mastery", "description": ""},
    ]
    with pytest.raises(ValidationError, match="Line 2"):
        services.parse_pillars("Agency\n: no title")
    with pytest.raises(ValidationError, match="same title"):
        services.parse_pillars("Agency\nagency: again")


def test_a_principal_tailors_the_vision_for_their_school(principal_of_a, alice, initiative,
                                                         school_a):  # fmt: skip
    vision = publish(initiative, alice.user)
    client = Client()
    client.force_login(principal_of_a)
    url = reverse("rollout:school-vision", args=[initiative.pk, school_a.pk])
    # the district's words unchanged are not a tailored version
    response = client.post(url, {"mode": "tailored", "statement": vision.statement})
    assert response.status_code == 400
    assert "statement" in response.context["form"].errors
    response = client.post(
        url,
        {
            "mode": "tailored",
            "note": "Staff meeting vote",
            "statement": "At Aspen every child learns at their pace.",
        },
    )
    assert response.status_code == 302
    answer = SchoolVision.objects.get()
    assert (answer.mode, answer.version, answer.recorded_by) == (
        AdoptionMode.TAILORED,
        vision,
        principal_of_a,
    )
    # a later "adopt as written" is a new row; the history keeps both
    client.post(url, {"mode": "adopted"})
    assert SchoolVision.objects.filter(school=school_a).count() == 2
    page = client.get(url)
    assert page.context["history"][0].mode == AdoptionMode.ADOPTED


def test_only_the_schools_principal_or_a_manager_answers_for_it(bob, alice, initiative, school_a,
                                                               school_a2):  # fmt: skip
    vision = publish(initiative, alice.user)
    StaffFactory(district=school_a.district, school=school_a, user=bob.user)
    with pytest.raises(PermissionDenied):
        services.school_vision_record(version=vision, school=school_a, mode="adopted",
                                      actor=bob.user)  # fmt: skip
    url = reverse("rollout:school-vision", args=[initiative.pk, school_a2.pk])
    assert bob.client().post(url, {"mode": "adopted"}).status_code == 403
    assert not SchoolVision.objects.exists()


def test_drafts_are_for_managers_only(bob, alice, initiative):
    draft = services.vision_draft_save(initiative=initiative, statement="Words.", pillars=PILLARS,
                                       actor=alice.user)  # fmt: skip
    client = bob.client()
    url = reverse("rollout:vision-version", args=[initiative.pk, draft.number])
    assert client.get(url).status_code == 302
    assert (
        "Words." not in client.get(reverse("rollout:vision", args=[initiative.pk])).content.decode()
    )
    publish_url = reverse("rollout:vision-publish", args=[initiative.pk, draft.number])
    assert client.post(publish_url).status_code == 403
    assert client.get(reverse("rollout:vision-edit", args=[initiative.pk])).status_code == 403


def test_the_vision_flow_through_the_pages(alice, initiative, school_a):
    client = alice.client()
    response = client.post(
        reverse("rollout:vision-edit", args=[initiative.pk]),
        {
            "statement": "Every child learns at their own pace.",
            "pillars": "Student agency: students set goals\nMastery: move on when ready",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("rollout:vision-publish", args=[initiative.pk, 1]))
    assert response.status_code == 302
    page = client.get(reverse("rollout:vision", args=[initiative.pk]))
    assert page.context["published"].number == 1
    assert "Student agency" in page.content.decode()
    export = client.get(reverse("rollout:vision-schools-export", args=[initiative.pk, "csv"]))
    assert school_a.name in b"".join(export.streaming_content).decode()


def test_another_districts_vision_and_schools_answer_404(charlie, alice, initiative, school_a):
    publish(initiative, alice.user)
    client = charlie.client()
    for url in (reverse("rollout:vision-version", args=[initiative.pk, 1]),
                reverse("rollout:school-vision", args=[initiative.pk, school_a.pk]),
                reverse("rollout:vision-edit", args=[initiative.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("rollout:vision-next", args=[initiative.pk])).status_code == 404
    assert (
        client.post(reverse("rollout:vision-publish", args=[initiative.pk, 1])).status_code == 404
    )
