"""The demo's staff surveys in Maple Valley: two closed springs that report every school and
cohort and hide the few principals (and the coaches beside them), a trend from one spring to the
next, and an open pulse the personas have still to answer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import District, Membership, User
from trellis.core.schoolyear import school_year_of
from trellis.demo.loader import PASSWORD, demo_load
from trellis.org.models import School, Staff
from trellis.surveys.models import (
    Administration,
    Answer,
    Instrument,
    Invitation,
    Item,
    ItemKind,
    Response,
    Status,
)
from trellis.surveys.selectors.results import NotReady, participation, results, trend
from trellis.surveys.selectors.surveys import my_invitations

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    return demo_load()


@pytest.fixture
def maple(loaded):
    return District.objects.get(slug="maple-valley")


def _springs(maple: District) -> list[Administration]:
    """The spring before last and last spring, oldest first."""
    year = int(school_year_of(timezone.localdate())[:4])
    return [
        Administration.objects.get(district=maple, title=f"Spring {y} staff survey")
        for y in (year - 1, year)
    ]


def _item(report, key: str):
    return next(r for r in report.items if r.item.key == key)


def test_last_spring_reports_every_school_and_cohort_and_hides_the_few_leaders(maple):
    # given last spring's closed round
    spring = _springs(maple)[1]
    assert spring.status == Status.CLOSED
    # most of those asked answered: one response for each invitation used, each asked person
    # a member of a school's staff
    asked = participation(administration=spring)
    assert asked.answered > 0.75 * asked.invited
    assert Response.objects.filter(administration=spring).count() == asked.answered
    school_staff = Staff.objects.filter(district=maple, school__isnull=False)
    assert set(spring.invitations.values_list("user_id", flat=True)) <= set(
        school_staff.values_list("user_id", flat=True)
    )
    # when the report is broken down by school or cohort, every row of every question reports
    schools = set(School.objects.filter(district=maple).values_list("name", flat=True))
    for breakdown, labels in (
        ("school", schools),
        ("cohort", {"Pilot cohort", "Second cohort", "No cohort"}),
    ):
        report = results(administration=spring, breakdown=breakdown)
        for item in report.items:
            if item.item.kind != ItemKind.TEXT:
                assert {row.label for row in item.rows} == labels, (breakdown, item.item.key)
                assert item.hidden_rows == 0, (breakdown, item.item.key)
    # by group, the teachers report; the four principals are too few, and the coaches are hidden
    # with them, or the whole less the teachers would give them away
    by_group = results(administration=spring, breakdown="group")
    assert by_group.respondents == asked.answered
    for item in by_group.items:
        if item.item.kind == ItemKind.LIKERT:
            shown = {row.label for row in item.rows if not row.hidden}
            hidden = {row.label for row in item.rows if row.hidden}
            assert shown == {"Other"}, item.item.key
            assert hidden == {"Building leader", "Instructional leader"}, item.item.key
    # and there are enough comments to show them
    assert len(_item(by_group, "comments").comments) >= 10


def test_the_spring_before_reports_every_school_and_hides_the_same_groups(maple):
    earlier = _springs(maple)[0]
    by_school = results(administration=earlier, breakdown="school")
    by_group = results(administration=earlier, breakdown="group")
    for key in ("pay-attracts", "pd-coaching", "path-formal"):
        assert _item(by_school, key).hidden_rows == 0, key
        hidden = {row.label for row in _item(by_group, key).rows if row.hidden}
        assert hidden == {"Building leader", "Instructional leader"}, key
    assert len(_item(by_group, "comments").comments) >= 10


def test_answers_differ_by_school_and_cohort_and_coaching_improved_since_the_spring_before(maple):
    earlier, spring = _springs(maple)
    # Cottonwood, whose coach HR no longer counts in good standing, rates coaching lowest
    by_school = results(administration=spring, breakdown="school")
    coaching = {row.label: row.agree for row in _item(by_school, "pd-coaching").rows}
    cottonwood = coaching.pop("Cottonwood Elementary")
    assert cottonwood is not None and all(cottonwood < agree for agree in coaching.values())
    # the pilot cohort finds its professional learning more personalized than the rest
    by_cohort = results(administration=spring, breakdown="cohort")
    personalized = {row.label: row.agree for row in _item(by_cohort, "pd-personalized").rows}
    assert personalized["Pilot cohort"] > personalized["No cohort"]
    # and the trend has a point for each spring, rising
    item = Item.objects.get(instrument__district=maple, key="pd-coaching")
    points = trend(administration=spring, item=item)
    assert [p.administration for p in points] == [earlier, spring]
    assert points[0].agree is not None and points[1].agree is not None
    assert points[0].agree < points[1].agree


def test_the_open_pulse_shows_no_results_and_waits_for_the_personas(maple):
    pulse = Administration.objects.get(district=maple, status=Status.OPEN)
    # nothing is shown while it is open, and some have answered already
    with pytest.raises(NotReady):
        results(administration=pulse)
    before = participation(administration=pulse)
    assert 0 < before.answered < before.invited
    # the teacher, coach and principal personas are asked and have not answered
    for username in ("bob", "cole", "pat"):
        user = User.objects.get(username=username)
        waiting = my_invitations(district=maple, user=user)
        assert [i.administration_id for i in waiting] == [pulse.pk], username
    # when bob signs in, he finds it on the surveys page and answers it
    bob = Client()
    assert bob.login(username="bob", password=PASSWORD)
    assert pulse.title in bob.get(reverse("surveys:home")).content.decode()
    question = pulse.instrument.items.get(key="path-formal")
    sent = bob.post(reverse("surveys:round-answer", args=[pulse.pk]), {f"item_{question.pk}": "4"})
    # then it counts him as answered, and asks him no more
    assert sent.status_code == 302
    assert participation(administration=pulse).answered == before.answered + 1
    assert not my_invitations(district=maple, user=User.objects.get(username="bob")).exists()


def _snapshot():
    counts = [
        model.objects.count()
        for model in (Instrument, Administration, Invitation, Response, Answer, User, Membership)
    ]
    return (
        counts,
        list(Staff.objects.order_by("pk").values_list("pk", "user_id")),
        list(Invitation.objects.order_by("pk").values_list("pk", "responded")),
    )


def test_loading_twice_changes_nothing(loaded):
    # given the demo loaded once, with its surveys
    assert loaded.created["survey rows"] > 0
    before = _snapshot()
    # when it is loaded again
    second = demo_load()
    # then no survey, round, invitation, answer or account is added or changed
    assert _snapshot() == before
    assert second.created["survey rows"] == 0
