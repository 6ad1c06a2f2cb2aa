"""Editing an interview process: free while unused; once scored with, only as a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trellis.hiring import services
from trellis.hiring.models import Component, InterviewTemplate
from trellis.hiring.tests.helpers import hiring_setup, scored

pytestmark = pytest.mark.django_db


def test_a_part_is_edited_through_the_page_and_its_criteria_follow_the_lines(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=2)
    url = reverse("hiring:component-edit", args=[template.pk, part.pk])
    response = alice.client().post(
        url,
        {
            "name": "Reading a class mastery report",
            "description": "",
            "mode": "task",
            "duration_minutes": "25",
            "points": "50",
            "weight": "1.00",
            "criteria": "Reads the data accurately\nNames two next steps\n",
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.name == "Reading a class mastery report"
    assert list(part.criteria.values_list("name", flat=True)) == [
        "Reads the data accurately",
        "Names two next steps",
    ]


def test_bad_input_on_a_part_writes_nothing(alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    part = template.components.get(order=1)
    before = list(part.criteria.values_list("name", flat=True))
    url = reverse("hiring:component-edit", args=[template.pk, part.pk])
    for criteria, points in (("", "50"), ("Same\nsame", "50"), ("One", "0")):
        data = {
            "name": part.name,
            "mode": part.mode,
            "points": points,
            "weight": "1",
            "criteria": criteria,
        }
        assert alice.client().post(url, data).status_code == 400, (criteria, points)
    assert list(part.criteria.values_list("name", flat=True)) == before


def test_a_scored_process_cannot_change_and_revising_makes_the_next_version(alice):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    scored(hiring, hiring.applications[0], [[3] * 6] * len(hiring.seats))
    template = InterviewTemplate.objects.get(pk=hiring.template.pk)
    assert template.is_locked
    part = template.components.first()
    with pytest.raises(ValidationError):
        services.component_save(
            template=template, component=part, data={"name": "x"}, criteria=["y"], actor=alice.user
        )
    response = alice.client().post(reverse("hiring:template-revise", args=[template.pk]))
    revised = InterviewTemplate.objects.get(name=template.name, version=2)
    assert response.url == reverse("hiring:template-edit", args=[revised.pk])
    assert Component.objects.filter(template=revised).count() == 6
    # the locked version's edit page refuses, the part stays as it was
    page = alice.client().get(reverse("hiring:template-edit", args=[template.pk]))
    assert page.status_code == 302
    assert Component.objects.get(pk=part.pk).name == part.name


def test_a_teacher_cannot_open_the_editor(bob, alice):
    template = services.template_seed(district=alice.district, actor=alice.user)
    assert bob.client().get(reverse("hiring:template-edit", args=[template.pk])).status_code == 403


def test_hr_corrects_a_scorecard_through_the_page_and_both_are_kept(alice, hana):
    from trellis.hiring.models import Scorecard
    from trellis.hiring.tests.helpers import scored

    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    application = scored(hiring, hiring.applications[0], [[3] * 6] * len(hiring.seats))
    original = Scorecard.objects.filter(application=application).first()
    url = reverse("hiring:scorecard-correct", args=[original.pk])
    page = hana.client().get(url)
    assert page.status_code == 200 and b'value="3" required checked' in page.content
    ratings = {f"criterion_{s.criterion_id}": "4" for s in original.scores.all()}
    assert hana.client().post(url, ratings).status_code == 400  # no reason given
    response = hana.client().post(url, {**ratings, "notes": "Entered a row too low."})
    assert response.status_code == 302
    corrected = Scorecard.objects.get(supersedes=original)
    assert set(corrected.scores.values_list("value", flat=True)) == {4}
    assert Scorecard.objects.filter(application=application).count() == len(hiring.seats) + 1
    # a corrected scorecard cannot be corrected again; the new one can
    assert hana.client().get(url).status_code == 404


def test_a_panelist_cannot_correct_scores(alice):
    from django.test import Client

    from trellis.hiring.models import Scorecard
    from trellis.hiring.tests.helpers import scored

    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    application = scored(hiring, hiring.applications[0], [[3] * 6] * len(hiring.seats))
    card = Scorecard.objects.filter(application=application).first()
    client = Client()
    client.force_login(hiring.seats[0].staff.user)
    assert client.get(reverse("hiring:scorecard-correct", args=[card.pk])).status_code == 403


def test_agreement_over_time_has_one_round_per_posting_oldest_first(alice):
    import datetime as dt

    from trellis.hiring import selectors
    from trellis.hiring.tests.helpers import scored

    first = hiring_setup(alice.district, actor=alice.user, applicants=2)
    matrix = [[3, 2, 4, 3, 3, 2], [4, 2, 3, 3, 4, 1], [3, 1, 4, 2, 3, 3], [4, 2, 4, 3, 2, 2]]
    for application in first.applications:
        scored(first, application, matrix)
    second = hiring_setup(alice.district, actor=alice.user, applicants=1)
    scored(second, second.applications[0], matrix[::-1])
    first.posting.opens_on -= dt.timedelta(days=30)
    first.posting.save()
    agreement = selectors.template_agreement(first.template)
    assert agreement.interviews == 3
    assert [(title, n) for title, _, n, _ in agreement.rounds] == [
        (first.posting.title, 2),
        (second.posting.title, 1),
    ]
    assert all(a is not None and -1 <= a <= 1 for *_, a in agreement.rounds)
