"""The scale generator's surveys step: rounds of the study's survey, written in bulk the way
``response_submit`` would have written them, that the report and the dashboard can read."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from trellis.core.models import District, Membership, Role, User
from trellis.demo.scale import generate
from trellis.demo.scale_surveys import NAME, ROUNDS
from trellis.insights.selectors import district_dashboard
from trellis.org.models import School, Staff
from trellis.rollout.models import Cohort, CohortMember
from trellis.surveys import template
from trellis.surveys.models import (
    Administration,
    Answer,
    Instrument,
    Invitation,
    ItemKind,
    RespondentGroup,
    Response,
    Status,
)
from trellis.surveys.selectors.results import participation, results
from trellis.surveys.services import audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_s():
    result = generate(scale="S")
    return result, District.objects.get(slug="scale-s")


def test_every_current_staff_member_is_asked_through_an_account_of_their_own(scale_s):
    result, district = scale_s
    instrument = Instrument.objects.get(district=district, name=NAME)
    assert instrument.template_key == template.TEMPLATE_KEY
    assert instrument.items.count() == sum(len(items) for _, items in template.SECTIONS)
    rounds = list(Administration.objects.filter(instrument=instrument).order_by("opens_on"))
    assert [r.title for r in rounds] == [r.title for r in ROUNDS]
    assert {r.status for r in rounds} == {Status.CLOSED}
    current = Staff.objects.filter(district=district, is_active=True)
    # every current staff member but the bench admin (who keeps its own account) gets one
    linked = current.exclude(user__username=f"bench-{district.slug}")
    assert linked.filter(user__isnull=True).count() == 0
    roles = Counter(Membership.objects.filter(district=district).values_list("role", flat=True))
    assert roles[Role.PRINCIPAL] and roles[Role.COACH] and roles[Role.TEACHER]
    assert roles[Role.PRINCIPAL] + roles[Role.COACH] + roles[Role.TEACHER] == linked.count()
    for round_ in rounds:
        # the invitations are the round's audience, as the service would work it out
        invited = set(round_.invitations.values_list("user_id", flat=True))
        assert invited == {u.pk for u in audience(round_)}
        taken = participation(administration=round_)
        assert taken.answered == round_.responses.count() > 0.6 * taken.invited
    assert Invitation.objects.values("token_hash").distinct().count() == Invitation.objects.count()
    assert result.rows["surveys"] > Answer.objects.count() > 5_000


def test_responses_and_answers_keep_what_response_submit_keeps(scale_s):
    _, district = scale_s
    schools = set(School.objects.filter(district=district).values_list("pk", flat=True))
    cohorts = set(Cohort.objects.filter(district=district).values_list("pk", flat=True))
    for round_ in Administration.objects.filter(district=district):
        days = set(round_.responses.values_list("submitted_on", flat=True))
        assert min(days) >= round_.opens_on and max(days) <= round_.closes_on
    responses = Response.objects.filter(district=district)
    assert set(responses.values_list("school_id", flat=True)) - {None} <= schools
    assert set(responses.values_list("cohort_id", flat=True)) - {None} <= cohorts
    # the groups follow the roles: no more building leaders than principals were asked
    groups = Counter(responses.values_list("group", flat=True))
    principals = Membership.objects.filter(district=district, role=Role.PRINCIPAL).count()
    assert 0 < groups[RespondentGroup.BUILDING_LEADER] <= len(ROUNDS) * principals
    assert groups[RespondentGroup.INSTRUCTIONAL_LEADER] and groups[RespondentGroup.OTHER]
    # only teachers are in cohorts, so only "other" responses carry one
    in_cohort = responses.filter(cohort__isnull=False)
    assert set(in_cohort.values_list("group", flat=True)) == {RespondentGroup.OTHER}
    assert in_cohort.count() <= len(ROUNDS) * CohortMember.objects.filter(district=district).count()
    for answer in Answer.objects.filter(district=district).select_related("item"):
        item = answer.item
        if item.kind == ItemKind.LIKERT:
            assert 1 <= answer.value <= item.points and answer.choices == [] and not answer.text
        elif item.kind == ItemKind.MULTIPLE:
            assert answer.value is None and not answer.text
            assert 1 <= len(answer.choices) <= 3 and answer.choices == sorted(set(answer.choices))
            assert all(0 <= c < len(item.options) for c in answer.choices)
        else:
            assert answer.value is None and answer.choices == [] and answer.text
    # nobody answers one question twice, and no response is empty
    per_response = Answer.objects.values("response").annotate(n=Count("pk"))
    assert min(r["n"] for r in per_response) >= 1
    assert per_response.count() == responses.count()


def test_the_report_and_the_dashboard_read_the_generated_rounds(scale_s):
    _, district = scale_s
    round_ = (
        Administration.objects.filter(district=district)
        .annotate(n=Count("responses"))
        .order_by("-n")
        .first()
    )
    assert round_.title == ROUNDS[-1].title  # the latest round is the largest
    for breakdown in ("group", "school", "cohort", None):
        report = results(administration=round_, breakdown=breakdown)
        assert report.respondents == round_.n
        for row in report.items:
            answered = Answer.objects.filter(response__administration=round_, item=row.item)
            assert row.total.n == answered.count()
            if row.item.kind == ItemKind.LIKERT:
                assert sum(row.total.counts) == row.total.n and row.total.agree is not None
                shown = [c for c in row.rows if not c.hidden]
                assert breakdown is None or shown
                assert all(c.n >= round_.min_group for c in shown)
            if row.item.kind == ItemKind.TEXT:
                assert row.comments == sorted(answered.values_list("text", flat=True))
    bench = User.objects.get(username=f"bench-{district.slug}")
    board = district_dashboard(district=district, user=bench)
    assert (
        board.overview.staff_count
        == Staff.objects.filter(district=district, is_active=True).count()
    )
