"""Content provider reviews, the Middletown story: a teacher committee scores providers against
weighted criteria, recommends one, the district decides what to buy, and a year later the
committee re-scores what was bought and the district renews or drops it. Services, pages, the
API, exports, tenancy, permissions and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from trellis.conftest import Persona
from trellis.core.models import AuditEvent, Role
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.learning.tests.catalog_helpers import bearer, fields, messages, post_json
from trellis.org.models import Staff, StaffClassification
from trellis.rollout.models import (
    Criterion,
    Provider,
    ProviderReview,
    ProviderScore,
    Purchase,
    Renewal,
    ReviewStatus,
    Round,
)
from trellis.rollout.selectors.providers import results
from trellis.rollout.services import providers as services

pytestmark = pytest.mark.django_db

API = "/api/v1"
TODAY = timezone.localdate()
CRITERIA = (
    ("Standards alignment", 3, "Covers our standards at depth."),
    ("Data for teachers", 2, "Mastery by standard, in time to act."),
    ("Cost", 1, ""),
)
# Each member's scores (Bob, Tara, Uma) for each provider, criterion by criterion.
SCORES = {
    "Summit Learning": [(5, 3, 2), (4, 4, 2), (4, 2, 3)],
    "Edgenuity": [(3, 5, 4), (3, 5, 5), (4, 4, 5)],
}


@dataclass
class Member:
    persona: Persona
    staff: Staff

    def client(self) -> Client:
        return self.persona.client()


def teacher_with_login(district, school, username: str, **names) -> Member:
    user = UserFactory(username=username)
    MembershipFactory(user=user, district=district, role=Role.TEACHER)
    staff = StaffFactory(
        district=district,
        school=school,
        user=user,
        classification=StaffClassification.TEACHER,
        **names,
    )
    return Member(Persona(user, district), staff)


@pytest.fixture
def members(bob, district_a, school_a) -> list[Member]:
    """The committee: Bob (a teacher with the fixture's sign-in), Tara and Uma."""
    bob_staff = StaffFactory(
        district=district_a, school=school_a, user=bob.user, first_name="Bob", last_name="Baker"
    )
    return [
        Member(bob, bob_staff),
        teacher_with_login(district_a, school_a, "tara", first_name="Tara", last_name="Tran"),
        teacher_with_login(district_a, school_a, "uma", first_name="Uma", last_name="Ueda"),
    ]


def make_review(initiative, alice, committee, providers=tuple(SCORES)) -> ProviderReview:
    review = services.review_create(
        initiative=initiative,
        title="Middle-school math content",
        school_year="2025-26",
        committee=committee,
        content_area="math",
        criteria=CRITERIA,
        actor=alice.user,
    )
    for name in providers:
        services.provider_add(review=review, name=name, actor=alice.user)
    return review


def sheet(review, values_by_provider: dict[str, tuple[int, ...]]) -> dict[tuple[int, int], int]:
    criteria = list(review.criteria.order_by("order"))
    return {
        (review.providers.get(name=name).pk, c.pk): value
        for name, values in values_by_provider.items()
        for c, value in zip(criteria, values, strict=True)
    }


def score_everyone(review, members: list[Member], review_round=Round.INITIAL) -> None:
    providers = set(services_round_providers(review, review_round))
    for n, member in enumerate(members):
        mine = {name: rows[n] for name, rows in SCORES.items() if name in providers}
        services.scores_submit(
            review=review,
            member=member.staff,
            scores=sheet(review, mine),
            review_round=review_round,
            actor=member.persona.user,
        )


def services_round_providers(review, review_round) -> list[str]:
    qs = review.providers.all()
    if review_round == Round.REVISIT:
        qs = qs.filter(purchase=Purchase.BUY)
    return [p.name for p in qs]


def recommended(initiative, alice, members) -> ProviderReview:
    """A review the whole committee scored, with Edgenuity recommended."""
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members)
    edgenuity = review.providers.get(name="Edgenuity")
    return services.review_recommend(
        review=review, provider=edgenuity, rationale="Data teachers use.", actor=alice.user
    )


def expected_weighted(name: str) -> Decimal:
    """The weighted mean worked out here from the raw scores: each criterion's mean times its
    weight, over the sum of the weights, rounded half up to two places."""
    total = Fraction(0)
    for index, (_, weight, _) in enumerate(CRITERIA):
        values = [member_scores[index] for member_scores in SCORES[name]]
        total += Fraction(sum(values), len(values)) * weight
    exact = total / sum(weight for _, weight, _ in CRITERIA)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def api_rows(review) -> list[dict]:
    """Bob's sheet as the API takes it."""
    cells = sheet(review, {"Summit Learning": (5, 3, 2), "Edgenuity": (3, 5, 4)})
    return [{"provider_id": p, "criterion_id": c, "score": v} for (p, c), v in cells.items()]


def spoil(cells: dict, low, high) -> list:
    """Put ``low`` in the first cell and ``high`` in the second and leave out the third: the
    keys, in order."""
    keys = list(cells)
    cells[keys[0]], cells[keys[1]] = low, high
    del cells[keys[2]]
    return keys


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def decide_buy_edgenuity(review, alice, on=TODAY):
    providers = {p.name: p.pk for p in review.providers.all()}
    return services.purchase_decide(
        review=review,
        decided_on=on,
        actor=alice.user,
        decisions={
            providers["Edgenuity"]: (Purchase.BUY, Decimal("18500.00")),
            providers["Summit Learning"]: (Purchase.PASS, None),
        },
    )


# --- Services -------------------------------------------------------------------------------


def test_a_new_review_starts_scoring_with_the_default_criteria_and_its_committee(
    alice, initiative, members
):
    review = services.review_create(
        initiative=initiative,
        title="Reading content",
        school_year="2025-26",
        committee=[m.staff for m in members],
        actor=alice.user,
    )
    assert review.status == ReviewStatus.SCORING
    names = list(review.criteria.order_by("order").values_list("name", "weight"))
    assert names == [(n, w) for n, w, _ in services.DEFAULT_CRITERIA]
    assert set(review.committee.all()) == {m.staff for m in members}
    assert AuditEvent.objects.filter(action="rollout.provider_review_created").count() == 1


def test_the_weighted_results_match_an_independent_calculation_best_first(
    alice, initiative, members
):
    # given three members scored two providers on three weighted criteria
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members)
    # when the results are read
    outcome = results(review=review)
    # then each weighted mean is what the raw scores give, best first, out of 100 as a share
    by_name = {r.provider.name: r for r in outcome.rows}
    for name in SCORES:
        assert by_name[name].weighted == expected_weighted(name)
        assert by_name[name].scorers == 3
    assert [r.provider.name for r in outcome.rows] == ["Edgenuity", "Summit Learning"]
    assert by_name["Summit Learning"].weighted == Decimal("3.56")
    assert by_name["Summit Learning"].out_of_100 == 71
    assert by_name["Edgenuity"].out_of_100 == 80
    standards = outcome.criteria[0]
    assert by_name["Summit Learning"].by_criterion[standards.pk] == Decimal("4.33")
    assert [c.name for c in outcome.criteria] == [c[0] for c in CRITERIA]


def test_changing_a_weight_while_scoring_changes_the_weighted_result(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members)
    cost = review.criteria.get(name="Cost")
    services.criterion_save(review=review, criterion=cost, name="Cost", weight=10, actor=alice.user)
    summit = next(r for r in results(review=review).rows if r.provider.name == "Summit Learning")
    # (3 × 13/3 + 2 × 3 + 10 × 7/3) / 15 = 127/45
    assert summit.weighted == Decimal("2.82")


def test_a_full_review_moves_through_every_status_with_the_year_one_re_review(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members)
    edgenuity = review.providers.get(name="Edgenuity")
    review = services.review_recommend(
        review=review, provider=edgenuity, actor=alice.user, rationale="Best on data for teachers."
    )
    assert review.status == ReviewStatus.RECOMMENDED
    review = services.review_reopen(review=review, actor=alice.user)
    assert (review.status, review.recommended) == (ReviewStatus.SCORING, None)
    review = services.review_recommend(
        review=review, provider=edgenuity, actor=alice.user, rationale="Best on data for teachers."
    )
    review = decide_buy_edgenuity(review, alice, on=dt.date(2025, 6, 10))
    assert (review.status, review.revisit_on) == (ReviewStatus.DECIDED, dt.date(2026, 6, 10))
    review = services.revisit_open(review=review, actor=alice.user)
    assert review.status == ReviewStatus.REVISITING
    score_everyone(review, members, Round.REVISIT)
    revisit = results(review=review, review_round=Round.REVISIT)
    assert [r.provider.name for r in revisit.rows] == ["Edgenuity"]
    with pytest.raises(ValidationError, match="Decide whether to renew Edgenuity"):
        services.review_close(review=review, actor=alice.user)
    edgenuity.refresh_from_db()
    services.revisit_record(
        provider=edgenuity,
        renewal=Renewal.RENEW,
        actor=alice.user,
        feedback="Teachers used the data every week.",
    )
    review = services.review_close(review=review, actor=alice.user)
    assert review.status == ReviewStatus.CLOSED
    actions = list(
        AuditEvent.objects.filter(target_type__startswith="rollout.provider")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "rollout.provider_review_created",
        "rollout.provider_added",
        "rollout.provider_added",
        *["rollout.provider_scores_submitted"] * 3,
        "rollout.provider_recommended",
        "rollout.provider_review_reopened",
        "rollout.provider_recommended",
        "rollout.provider_purchase_decided",
        "rollout.provider_revisit_opened",
        *["rollout.provider_scores_submitted"] * 3,
        "rollout.provider_revisited",
        "rollout.provider_review_closed",
    ]


def test_a_review_moved_out_of_order_is_refused_and_left_as_it_was(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members)
    with pytest.raises(ValidationError, match="cannot move to “Purchase decided” now"):
        decide_buy_edgenuity(review, alice)
    for step in (services.revisit_open, services.review_close, services.review_reopen):
        with pytest.raises(ValidationError, match="cannot move"):
            step(review=review, actor=alice.user)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCORING
    assert not Provider.objects.exclude(purchase=Purchase.PENDING).exists()
    edgenuity = review.providers.get(name="Edgenuity")
    services.review_recommend(
        review=review, provider=edgenuity, rationale="Data.", actor=alice.user
    )
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="scoring has closed"):
        score_everyone(review, members[:1])
    with pytest.raises(ValidationError, match="only while the committee is scoring"):
        services.criterion_save(review=review, name="New", weight=2, actor=alice.user)
    with pytest.raises(ValidationError, match="added while the committee is scoring"):
        services.provider_add(review=review, name="Late Co", actor=alice.user)


def test_recommending_before_anyone_scored_is_refused(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    with pytest.raises(ValidationError, match="No committee member has scored yet"):
        services.review_recommend(
            review=review,
            provider=review.providers.first(),
            rationale="Gut feeling",
            actor=alice.user,
        )
    review.refresh_from_db()
    assert (review.status, review.recommended) == (ReviewStatus.SCORING, None)


def test_deciding_needs_a_choice_for_every_provider_and_writes_nothing(alice, initiative, members):
    review = recommended(initiative, alice, members)
    edgenuity = review.providers.get(name="Edgenuity")
    summit = review.providers.get(name="Summit Learning")
    with pytest.raises(ValidationError) as refused:
        services.purchase_decide(
            review=review,
            decided_on=TODAY,
            actor=alice.user,
            decisions={edgenuity.pk: (Purchase.BUY, Decimal("-5"))},
        )
    assert refused.value.message_dict == {
        f"cost_{edgenuity.pk}": ["Ensure this value is greater than or equal to 0."],
        f"purchase_{summit.pk}": ["Decide whether to buy Summit Learning."],
    }
    with pytest.raises(ValidationError) as later:
        services.purchase_decide(
            review=review,
            decided_on=TODAY + dt.timedelta(days=1),
            revisit_on=TODAY,
            actor=alice.user,
            decisions={edgenuity.pk: ("buy", None), summit.pk: ("pass", None)},
        )
    assert set(later.value.message_dict) == {"decided_on", "revisit_on"}
    review.refresh_from_db()
    assert review.status == ReviewStatus.RECOMMENDED
    assert set(review.providers.values_list("purchase", flat=True)) == {Purchase.PENDING}


def test_re_reviewing_a_provider_that_was_not_bought_is_refused(alice, initiative, members):
    review = recommended(initiative, alice, members)
    decide_buy_edgenuity(review, alice)
    review.refresh_from_db()
    services.revisit_open(review=review, actor=alice.user)
    review.refresh_from_db()
    summit = review.providers.get(name="Summit Learning")
    with pytest.raises(ValidationError, match="Only a provider the district bought"):
        services.revisit_record(
            provider=summit, renewal=Renewal.DROP, feedback="n/a", actor=alice.user
        )
    with pytest.raises(ValidationError) as refused:
        services.scores_submit(
            review=review,
            member=members[0].staff,
            actor=members[0].persona.user,
            review_round=Round.REVISIT,
            scores=sheet(review, {"Edgenuity": (4, 4, 4), "Summit Learning": (1, 1, 1)}),
        )
    assert "not in this review" in refused.value.message_dict["scores"][0]
    assert not ProviderScore.objects.filter(round=Round.REVISIT).exists()


def test_a_review_where_nothing_was_bought_closes_without_a_re_review(alice, initiative, members):
    review = recommended(initiative, alice, members)
    services.purchase_decide(
        review=review,
        decided_on=TODAY,
        actor=alice.user,
        decisions={p.pk: (Purchase.PASS, None) for p in review.providers.all()},
    )
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="Nothing was bought"):
        services.revisit_open(review=review, actor=alice.user)
    assert services.review_close(review=review, actor=alice.user).status == ReviewStatus.CLOSED


def test_a_review_with_purchases_cannot_skip_the_re_review(alice, initiative, members):
    review = recommended(initiative, alice, members)
    review = decide_buy_edgenuity(review, alice)
    with pytest.raises(ValidationError, match="Open the year-one re-review"):
        services.review_close(review=review, actor=alice.user)


def test_the_re_review_defaults_to_a_year_later_even_after_a_leap_day():
    assert services.a_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert services.a_year_after(dt.date(2025, 9, 1)) == dt.date(2026, 9, 1)


def test_a_weight_of_0_or_11_and_a_duplicate_criterion_are_refused(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    for weight in (0, 11):
        with pytest.raises(ValidationError) as refused:
            services.criterion_save(review=review, name="Rigour", weight=weight, actor=alice.user)
        assert refused.value.message_dict == {
            "weight": ["A weight is a whole number from 1 to 10."]
        }
    with pytest.raises(ValidationError) as twice:
        services.criterion_save(review=review, name="cost", weight=2, actor=alice.user)
    assert "already has a criterion" in twice.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as on_create:
        services.review_create(
            initiative=initiative,
            title="Science",
            school_year="2025-26",
            committee=[members[0].staff],
            criteria=[("Fit", 2, ""), ("Depth", 11, "")],
            actor=alice.user,
        )
    assert on_create.value.message_dict == {
        "criteria": ["Line 2: A weight is a whole number from 1 to 10."]
    }
    assert ProviderReview.objects.count() == 1 and Criterion.objects.count() == 3


def test_a_duplicate_provider_name_is_refused_whatever_its_case(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    with pytest.raises(ValidationError) as refused:
        services.provider_add(review=review, name="  edgenuity ", actor=alice.user)
    assert refused.value.message_dict == {"name": ["This provider is already in the review."]}
    assert review.providers.count() == 2


def test_a_missing_or_out_of_range_score_is_refused_at_its_cell_and_nothing_is_saved(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    bob = members[0]
    scores = sheet(review, {"Summit Learning": (5, 3, 2), "Edgenuity": (3, 5, 4)})
    cells = spoil(scores, 0, 6)
    with pytest.raises(ValidationError) as refused:
        services.scores_submit(
            review=review, member=bob.staff, scores=scores, actor=bob.persona.user
        )
    errors = refused.value.message_dict
    assert errors[services.cell_key(*cells[0])] == ["A score is a whole number from 1 to 5."]
    assert errors[services.cell_key(*cells[1])] == ["A score is a whole number from 1 to 5."]
    assert errors[services.cell_key(*cells[2])][0].startswith("Score ")
    assert not ProviderScore.objects.exists()


def test_only_the_committee_scores_and_a_member_only_their_own_sheet(
    alice, initiative, members, staff_a, hana
):
    review = make_review(initiative, alice, [m.staff for m in members[:2]])
    bob, tara, uma = members
    mine = sheet(review, {"Summit Learning": (5, 3, 2), "Edgenuity": (3, 5, 4)})
    with pytest.raises(PermissionDenied, match="not on this review's committee"):
        services.scores_submit(review=review, member=uma.staff, scores=mine, actor=uma.persona.user)
    with pytest.raises(PermissionDenied):
        services.scores_submit(
            review=review, member=tara.staff, scores=mine, actor=bob.persona.user
        )
    # a rollout manager types in Tara's paper sheet
    services.scores_submit(review=review, member=tara.staff, scores=mine, actor=alice.user)
    assert ProviderScore.objects.filter(member=tara.staff).count() == 6
    assert not ProviderScore.objects.filter(member=bob.staff).exists()


def test_the_committee_keeps_whoever_has_scored(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    score_everyone(review, members[:1])
    with pytest.raises(ValidationError, match="already scored"):
        services.committee_set(
            review=review, committee=[m.staff for m in members[1:]], actor=alice.user
        )
    services.committee_set(review=review, committee=[members[0].staff], actor=alice.user)
    assert list(review.committee.all()) == [members[0].staff]


# --- Pages ----------------------------------------------------------------------------------


def test_a_manager_starts_a_review_from_the_page_with_the_default_criteria_prefilled(
    alice, initiative, members
):
    client = alice.client()
    url = reverse("rollout:review-new", args=[initiative.pk])
    form = client.get(url).context["form"]
    prefilled = form.initial["criteria"].splitlines()
    assert prefilled[0] == "Standards alignment | 3 | " + services.DEFAULT_CRITERIA[0][2]
    criteria = "\n".join([*prefilled[:2], "Cost | 1 | What it costs"])
    response = client.post(
        url,
        {
            "title": "Math content",
            "school_year": "2025-26",
            "content_area": "math",
            "committee": [m.staff.pk for m in members[:2]],
            "criteria": criteria,
        },
    )
    review = ProviderReview.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "rollout:review", args=[review.pk]
    )
    assert list(review.criteria.values_list("name", "weight")) == [
        ("Standards alignment", 3),
        ("Customizability", 2),
        ("Cost", 1),
    ]
    assert review.committee.count() == 2
    listing = client.get(reverse("rollout:reviews", args=[initiative.pk])).content.decode()
    assert "Math content" in listing and "Committee scoring" in listing


def test_the_start_page_reports_each_bad_criteria_line_and_each_unknown_staff_id(
    alice, initiative, members, monkeypatch
):
    # given a district too large for a list of people, so staff ids are typed one a line
    monkeypatch.setattr("trellis.rollout.forms.providers.STAFF_SELECT_LIMIT", 1)
    client = alice.client()
    url = reverse("rollout:review-new", args=[initiative.pk])
    ids = "\n".join([members[0].staff.staff_unique_id, "NOPE-1", "", "NOPE-2"])
    criteria = "Fit | 3 | ok\nDepth | 0\nfit | 2\n | 4\nRigour | ten"
    response = client.post(
        url, {"title": "Math", "school_year": "2025-26", "committee": ids, "criteria": criteria}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["committee"] == [
        "Line 2: no current staff member has the staff id “NOPE-1”.",
        "Line 4: no current staff member has the staff id “NOPE-2”.",
    ]
    assert errors["criteria"] == [
        "Line 2: the weight of “Depth” is a whole number from 1 to 10.",
        "Line 3: “fit” is listed twice.",
        "Line 4: name the criterion before the first “|”.",
        "Line 5: the weight of “Rigour” is a whole number from 1 to 10.",
    ]
    fine = client.post(
        url,
        {
            "title": "Math",
            "school_year": "2025-26",
            "committee": f"{members[0].staff.staff_unique_id}\n{members[1].staff.staff_unique_id}",
            "criteria": "Fit | 3 | ok",
        },
    )
    assert fine.status_code == 302
    assert ProviderReview.objects.get().committee.count() == 2


def test_the_start_page_needs_a_title_and_a_committee(alice, initiative):
    response = alice.client().post(
        reverse("rollout:review-new", args=[initiative.pk]), {"school_year": "1999", "criteria": ""}
    )
    errors = response.context["form"].errors
    assert errors["title"] == ["Give the review a title."]
    assert errors["committee"] == ["Name the teachers on the committee."]
    assert errors["criteria"] == ["List at least one criterion to score against."]
    assert "school_year" in errors
    assert not ProviderReview.objects.exists()


def _grid_post(review, values: dict[str, tuple[int, ...]]) -> dict[str, str]:
    return {services.cell_key(*cell): str(v) for cell, v in sheet(review, values).items()}


def test_a_member_scores_on_the_grid_and_finds_their_earlier_scores_there(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    bob = members[0]
    url = reverse("rollout:review-score", args=[review.pk])
    page = bob.client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 6 and "<legend>Standards alignment" in html
    assert "5 Excellent" in html and "Your scores" in html
    response = bob.client().post(
        url, _grid_post(review, {"Summit Learning": (5, 3, 2), "Edgenuity": (3, 5, 4)})
    )
    assert response.status_code == 302
    again = bob.client().get(url)
    summit = review.providers.get(name="Summit Learning")
    standards = review.criteria.get(name="Standards alignment")
    cell = services.cell_key(summit.pk, standards.pk)
    assert re.search(rf'name="{cell}" value="5"[^>]* checked', again.content.decode())
    # sending the sheet again replaces Bob's scores, never adds to them
    bob.client().post(
        url, _grid_post(review, {"Summit Learning": (1, 1, 1), "Edgenuity": (2, 2, 2)})
    )
    assert ProviderScore.objects.filter(member=bob.staff).count() == 6
    assert set(ProviderScore.objects.values_list("score", flat=True)) == {1, 2}


def test_a_missing_or_out_of_range_cell_gets_its_message_at_that_cell_and_nothing_is_saved(
    alice, initiative, members
):
    bob = members[0]
    review = make_review(initiative, alice, [m.staff for m in members])
    data = _grid_post(review, {"Summit Learning": (5, 3, 2), "Edgenuity": (3, 5, 4)})
    keys = spoil(data, "0", "6")
    response = bob.client().post(reverse("rollout:review-score", args=[review.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[keys[0]] == errors[keys[1]] == ["A score is a whole number from 1 to 5."]
    assert errors[keys[2]][0].startswith("Score Edgenuity on") or errors[keys[2]][0].startswith(
        "Score Summit"
    )
    html = response.content.decode()
    assert f'id="{keys[2]}_error"' in html and f'aria-describedby="{keys[2]}_error"' in html
    assert "Nothing was saved" in html
    assert not ProviderScore.objects.exists()


def test_a_manager_types_in_a_members_paper_sheet_and_a_member_cannot_choose_another(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    bob, tara = members[0], members[1]
    url = reverse("rollout:review-score", args=[review.pk])
    page = alice.client().get(url, {"member": tara.staff.pk})
    assert "Scores of Tara Tran" in page.content.decode()
    data = _grid_post(review, {"Summit Learning": (4, 4, 2), "Edgenuity": (3, 5, 5)})
    alice.client().post(f"{url}?member={tara.staff.pk}", data)
    assert ProviderScore.objects.filter(member=tara.staff).count() == 6
    # Bob naming Tara's sheet still gets his own
    bob.client().post(f"{url}?member={tara.staff.pk}", data)
    assert ProviderScore.objects.filter(member=bob.staff).count() == 6
    assert alice.client().get(url, {"member": 999999}).status_code == 404


def test_a_teacher_not_on_the_committee_gets_403_on_the_score_page(alice, initiative, members, bob):
    review = make_review(initiative, alice, [m.staff for m in members[1:]])
    url = reverse("rollout:review-score", args=[review.pk])
    assert bob.client().get(url).status_code == 403
    assert bob.client().post(url, {}).status_code == 403
    assert bob.client().get(reverse("rollout:review", args=[review.pk])).status_code == 200


def test_a_full_review_through_the_pages_shows_the_next_step_at_every_status(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    client = alice.client()
    detail = reverse("rollout:review", args=[review.pk])

    def page() -> str:
        return client.get(detail).content.decode()

    assert "Each committee member scores every provider" in page()
    score_everyone(review, members)
    assert "3 of 3 committee members have scored" in page()
    edgenuity = review.providers.get(name="Edgenuity")
    recommend = reverse("rollout:review-recommend", args=[review.pk])
    assert client.get(recommend).context["form"].initial["provider"] == edgenuity.pk
    client.post(recommend, {"provider": edgenuity.pk, "rationale": "Data teachers use."})
    assert "Decide purchases" in page()
    summit = review.providers.get(name="Summit Learning")
    decide = reverse("rollout:review-decide", args=[review.pk])
    response = client.post(
        decide,
        {
            f"purchase_{edgenuity.pk}": "buy",
            f"cost_{edgenuity.pk}": "18500",
            f"purchase_{summit.pk}": "pass",
            "decided_on": f"{TODAY}",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    html = page()
    assert "Open the year-one re-review" in html and "$18500.00" in html
    client.post(reverse("rollout:review-step", args=[review.pk, "revisit"]))
    assert "Still to decide: Edgenuity" in page()
    # the re-review sheet has only what was bought
    bob = members[0]
    sheet_page = bob.client().get(reverse("rollout:review-score", args=[review.pk]))
    assert [p.name for p in sheet_page.context["form"].providers] == ["Edgenuity"]
    assert "Year-one re-review." in sheet_page.content.decode()
    cells = {services.cell_key(edgenuity.pk, c.pk): "4" for c in review.criteria.all()}
    assert (
        bob.client().post(reverse("rollout:review-score", args=[review.pk]), cells).status_code
        == 302
    )
    assert ProviderScore.objects.filter(round=Round.REVISIT, member=bob.staff).count() == 3
    renewal = reverse("rollout:provider-renewal", args=[review.pk, edgenuity.pk])
    refused = client.post(renewal, {"renewal": "renew", "feedback": ""})
    assert refused.context["form"].errors["feedback"] == [
        "Write down what teachers said after a year."
    ]
    client.post(renewal, {"renewal": "renew", "feedback": "Used every week."})
    client.post(reverse("rollout:review-step", args=[review.pk, "close"]))
    html = page()
    assert "This review is closed." in html and "Used every week." in html
    assert "Results: Year-one re-review" in html
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED


def test_out_of_order_steps_from_the_pages_are_refused_with_a_message(alice, initiative, members):
    review = make_review(initiative, alice, [m.staff for m in members])
    client = alice.client()
    recommend = client.post(
        reverse("rollout:review-recommend", args=[review.pk]),
        {"provider": review.providers.first().pk, "rationale": "Early"},
    )
    assert recommend.status_code == 400
    assert "No committee member has scored yet." in recommend.content.decode()
    decide = client.post(
        reverse("rollout:review-decide", args=[review.pk]), {"decided_on": f"{TODAY}"}, follow=True
    )
    assert decide.redirect_chain[-1][0] == reverse("rollout:review", args=[review.pk])
    assert "cannot move to “Purchase decided” now" in decide.content.decode()
    closed = client.post(reverse("rollout:review-step", args=[review.pk, "close"]), follow=True)
    assert "cannot move to “Closed” now" in closed.content.decode()
    assert client.post(reverse("rollout:review-step", args=[review.pk, "skip"])).status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCORING


def test_deciding_from_the_page_without_a_choice_for_every_provider_marks_each_one(
    alice, initiative, members
):
    review = recommended(initiative, alice, members)
    edgenuity = review.providers.get(name="Edgenuity")
    summit = review.providers.get(name="Summit Learning")
    response = alice.client().post(
        reverse("rollout:review-decide", args=[review.pk]),
        {f"purchase_{edgenuity.pk}": "buy", "decided_on": "someday", f"cost_{edgenuity.pk}": "-3"},
    )
    errors = response.context["form"].errors
    assert errors[f"purchase_{summit.pk}"] == ["Decide whether to buy Summit Learning."]
    assert set(errors) == {f"purchase_{summit.pk}", f"cost_{edgenuity.pk}", "decided_on"}
    assert set(Provider.objects.values_list("purchase", flat=True)) == {Purchase.PENDING}


def test_criteria_providers_and_the_committee_change_from_the_pages_while_scoring(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members[:2]])
    client = alice.client()
    bad = client.post(
        reverse("rollout:criterion-new", args=[review.pk]), {"name": "Rigour", "weight": "11"}
    )
    assert bad.context["form"].errors["weight"] == ["A weight is a whole number from 1 to 10."]
    client.post(
        reverse("rollout:criterion-new", args=[review.pk]), {"name": "Rigour", "weight": "4"}
    )
    cost = review.criteria.get(name="Cost")
    zero = client.post(
        reverse("rollout:criterion-edit", args=[review.pk, cost.pk]),
        {"name": "Cost", "weight": "0"},
    )
    assert zero.status_code == 400
    client.post(
        reverse("rollout:criterion-edit", args=[review.pk, cost.pk]),
        {"name": "Yearly cost", "weight": "2"},
    )
    cost.refresh_from_db()
    assert (cost.name, cost.weight) == ("Yearly cost", 2)
    twice = client.post(reverse("rollout:provider-new", args=[review.pk]), {"name": "EDGENUITY"})
    assert twice.context["form"].errors["name"] == ["This provider is already in the review."]
    client.post(
        reverse("rollout:provider-new", args=[review.pk]),
        {"name": "Khan Academy", "website": "khanacademy.org"},
    )
    assert review.providers.get(name="Khan Academy").website == "https://khanacademy.org"
    committee = reverse("rollout:committee-edit", args=[review.pk])
    client.post(committee, {"committee": [m.staff.pk for m in members]})
    assert review.committee.count() == 3
    html = client.get(reverse("rollout:review", args=[review.pk])).content.decode()
    assert "Rigour" in html and "Khan Academy" in html and "Uma Ueda" in html


def test_the_results_export_has_every_round_with_the_decisions(alice, initiative, members):
    review = recommended(initiative, alice, members)
    review = decide_buy_edgenuity(review, alice)
    services.revisit_open(review=review, actor=alice.user)
    score_everyone(review, members, Round.REVISIT)
    client = alice.client()
    rows = csv_rows(client.get(reverse("rollout:review-results-export", args=[review.pk, "csv"])))
    assert rows[0][:6] == [
        "Round",
        "Provider",
        "Product",
        "Standards alignment (weight 3)",
        "Data for teachers (weight 2)",
        "Cost (weight 1)",
    ]
    table = {(r[0], r[1]): r for r in rows[1:]}
    first = table[("Initial review", "Edgenuity")]
    assert first[6:12] == ["4.00", "80", "3", "yes", "Purchase", "18500.00"]
    assert table[("Initial review", "Summit Learning")][6] == "3.56"
    assert ("Year-one re-review", "Edgenuity") in table and len(rows) == 4
    committee = csv_rows(
        client.get(reverse("rollout:review-committee-export", args=[review.pk, "csv"]))
    )
    assert [r[0] for r in committee[1:]] == ["Bob Baker", "Tara Tran", "Uma Ueda"]
    excel = client.get(reverse("rollout:reviews-export", args=[initiative.pk, "xlsx"]))
    sheet_rows = list(load_workbook(io.BytesIO(excel.content)).active.values)
    assert sheet_rows[1][:4] == (
        "Middle-school math content",
        "Mathematics",
        "2025-26",
        "Year-one re-review",
    )


def test_the_reviews_list_paginates(alice, initiative, members):
    for n in range(51):
        services.review_create(
            initiative=initiative,
            title=f"Review {n:02d}",
            school_year="2025-26",
            committee=[members[0].staff],
            criteria=CRITERIA[:1],
            actor=alice.user,
        )
    client = alice.client()
    url = reverse("rollout:reviews", args=[initiative.pk])
    assert len(client.get(url).context["page"].object_list) == 50
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 1


# --- Who may do what ------------------------------------------------------------------------


STEPS = ("reopen", "revisit", "close")


def _urls(initiative, review) -> list[tuple[str, str, dict]]:
    """Every page, export and API call of the section, with a body that would be valid."""
    i, r = initiative.pk, review.pk
    p = review.providers.first().pk
    c = review.criteria.first().pk
    return [
        ("get", reverse("rollout:reviews", args=[i]), {}),
        ("get", reverse("rollout:reviews-export", args=[i, "csv"]), {}),
        ("get", reverse("rollout:review", args=[r]), {}),
        ("get", reverse("rollout:review-results-export", args=[r, "xlsx"]), {}),
        ("get", reverse("rollout:review-committee-export", args=[r, "csv"]), {}),
        ("get", reverse("rollout:review-score", args=[r]), {}),
        ("post", reverse("rollout:review-new", args=[i]), {"title": "X"}),
        ("post", reverse("rollout:criterion-new", args=[r]), {"name": "X", "weight": 2}),
        ("post", reverse("rollout:criterion-edit", args=[r, c]), {"name": "X", "weight": 2}),
        ("post", reverse("rollout:provider-new", args=[r]), {"name": "Newco"}),
        ("post", reverse("rollout:committee-edit", args=[r]), {}),
        ("post", reverse("rollout:review-recommend", args=[r]), {"provider": p}),
        ("post", reverse("rollout:review-decide", args=[r]), {}),
        ("post", reverse("rollout:provider-renewal", args=[r, p]), {"renewal": "renew"}),
        *(("post", reverse("rollout:review-step", args=[r, s]), {}) for s in STEPS),
        ("get", f"{API}/rollout/initiatives/{i}/provider-reviews", {}),
        (
            "post",
            f"{API}/rollout/initiatives/{i}/provider-reviews",
            {"title": "X", "school_year": "2025-26", "committee_ids": []},
        ),
        ("get", f"{API}/rollout/provider-reviews/{r}", {}),
        ("post", f"{API}/rollout/provider-reviews/{r}/providers", {"name": "Newco"}),
        ("post", f"{API}/rollout/provider-reviews/{r}/scores", {"scores": []}),
        (
            "post",
            f"{API}/rollout/provider-reviews/{r}/recommendation",
            {"provider_id": p, "rationale": "x"},
        ),
        (
            "post",
            f"{API}/rollout/provider-reviews/{r}/decision",
            {"decisions": [], "decided_on": f"{TODAY}"},
        ),
        (
            "post",
            f"{API}/rollout/provider-reviews/{r}/providers/{p}/renewal",
            {"renewal": "renew", "feedback": "x"},
        ),
        *(("post", f"{API}/rollout/provider-reviews/{r}/{s}", {}) for s in STEPS),
    ]


def _call(pages: Client, api: Client, method: str, url: str, body: dict):
    if url.startswith(API):
        if method == "get":
            return api.get(url)
        return post_json(api, url.removeprefix(API), body)
    return pages.get(url) if method == "get" else pages.post(url, body)


def _snapshot() -> tuple:
    return (
        list(ProviderReview.objects.order_by("pk").values_list("status", "title")),
        list(Provider.objects.order_by("pk").values_list("name", "purchase", "renewal")),
        list(Criterion.objects.order_by("pk").values_list("name", "weight")),
        ProviderScore.objects.count(),
    )


def test_another_district_gets_404_for_every_review_page_export_and_api_call(
    alice, charlie, initiative, other_initiative, members, district_b, school_b
):
    ours = make_review(initiative, alice, [m.staff for m in members])
    cedar = teacher_with_login(district_b, school_b, "cedric")
    theirs = make_review(other_initiative, charlie, [cedar.staff])
    before = _snapshot()
    for persona, target, review in ((charlie, initiative, ours), (alice, other_initiative, theirs)):
        pages, api = persona.client(), bearer(persona.user)
        for method, url, body in _urls(target, review):
            response = _call(pages, api, method, url, body)
            assert response.status_code == 404, (persona.user.username, method, url)
    assert _snapshot() == before


def test_a_teacher_gets_403_on_every_manager_write_and_reads_the_rest(
    alice, bob, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members[1:]])
    before = _snapshot()
    pages, api = bob.client(), bearer(bob.user)
    for method, url, body in _urls(initiative, review):
        response = _call(pages, api, method, url, body)
        # Exports need the export permission, which teachers do not have.
        reading = method == "get" and "/score/" not in url and "/export." not in url
        assert response.status_code == (200 if reading else 403), (method, url)
    for name, args in (
        ("rollout:review-new", [initiative.pk]),
        ("rollout:criterion-new", [review.pk]),
        ("rollout:review-decide", [review.pk]),
    ):
        assert pages.get(reverse(name, args=args)).status_code == 403
    assert _snapshot() == before
    html = pages.get(reverse("rollout:reviews", args=[initiative.pk])).content.decode()
    assert "Start a review" not in html


def test_a_committee_member_submits_only_their_own_scores_through_the_api(
    alice, initiative, members
):
    review = make_review(initiative, alice, [m.staff for m in members])
    bob, tara = members[0], members[1]
    rows = api_rows(review)
    url = f"/rollout/provider-reviews/{review.pk}/scores"
    theirs = post_json(bearer(bob.persona.user), url, {"member_id": tara.staff.pk, "scores": rows})
    assert theirs.status_code == 403
    mine = post_json(bearer(bob.persona.user), url, {"scores": rows})
    assert mine.status_code == 200, mine.content
    committee = {m["name"]: m["scored"] for m in mine.json()["committee"]}
    assert committee == {"Bob Baker": 6, "Tara Tran": 0, "Uma Ueda": 0}
    paper = post_json(bearer(alice.user), url, {"member_id": tara.staff.pk, "scores": rows})
    assert paper.status_code == 200
    assert ProviderScore.objects.filter(member=tara.staff).count() == 6
    nobody = post_json(bearer(alice.user), url, {"scores": rows})  # alice has no staff record
    assert nobody.status_code == 403


# --- The API --------------------------------------------------------------------------------


def test_the_api_runs_a_review_from_start_to_close(alice, initiative, members):
    client = bearer(alice.user)
    created = post_json(
        client,
        f"/rollout/initiatives/{initiative.pk}/provider-reviews",
        {
            "title": "Math content",
            "school_year": "2025-26",
            "content_area": "math",
            "committee_ids": [m.staff.pk for m in members],
            "criteria": [{"name": n, "weight": w, "description": d} for n, w, d in CRITERIA],
        },
    )
    assert created.status_code == 201, created.content
    review_id = created.json()["id"]
    base = f"/rollout/provider-reviews/{review_id}"
    ids = {}
    for name in SCORES:
        added = post_json(client, f"{base}/providers", {"name": name})
        assert added.status_code == 201
        ids[name] = added.json()["id"]
    criteria = [c["id"] for c in created.json()["criteria"]]
    for n, member in enumerate(members):
        rows = [
            {"provider_id": ids[name], "criterion_id": c, "score": SCORES[name][n][k]}
            for name in SCORES
            for k, c in enumerate(criteria)
        ]
        sent = post_json(bearer(member.persona.user), f"{base}/scores", {"scores": rows})
        assert sent.status_code == 200, sent.content
    detail = client.get(f"{API}{base}").json()
    first = detail["rounds"][0]
    assert [r["provider"] for r in first["results"]] == ["Edgenuity", "Summit Learning"]
    assert first["results"][1]["weighted"] == str(expected_weighted("Summit Learning"))
    assert first["results"][0]["out_of_100"] == 80
    means = {m["criterion_id"]: m["mean"] for m in first["results"][1]["means"]}
    assert means[criteria[0]] == "4.33"
    step = post_json(
        client, f"{base}/recommendation", {"provider_id": ids["Edgenuity"], "rationale": "Data."}
    )
    assert (
        step.json()["status"] == "recommended" and step.json()["recommended_id"] == ids["Edgenuity"]
    )
    decided = post_json(
        client,
        f"{base}/decision",
        {
            "decided_on": f"{TODAY}",
            "decisions": [
                {"provider_id": ids["Edgenuity"], "purchase": "buy", "annual_cost": "18500"},
                {"provider_id": ids["Summit Learning"], "purchase": "pass"},
            ],
        },
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["revisit_on"] == f"{services.a_year_after(TODAY)}"
    assert post_json(client, f"{base}/revisit").json()["status"] == "revisiting"
    rows = [{"provider_id": ids["Edgenuity"], "criterion_id": c, "score": 4} for c in criteria]
    assert (
        post_json(bearer(members[0].persona.user), f"{base}/scores", {"scores": rows}).status_code
        == 200
    )
    renewed = post_json(
        client,
        f"{base}/providers/{ids['Edgenuity']}/renewal",
        {"renewal": "renew", "feedback": "Used weekly."},
    )
    assert renewed.status_code == 200
    closed = post_json(client, f"{base}/close").json()
    assert closed["status"] == "closed"
    revisit = closed["rounds"][1]
    assert revisit["round"] == "revisit" and revisit["results"][0]["weighted"] == "4.00"
    listed = client.get(f"{API}/rollout/initiatives/{initiative.pk}/provider-reviews").json()
    assert listed["count"] == 1 and listed["items"][0]["providers"] == 2


def test_the_api_names_the_index_of_each_bad_score_and_writes_nothing(
    alice, initiative, members, district_a
):
    review = make_review(initiative, alice, [m.staff for m in members])
    other = make_review(initiative, alice, [m.staff for m in members], providers=("Other Co",))
    bob = bearer(members[0].persona.user)
    rows = api_rows(review)
    url = f"/rollout/provider-reviews/{review.pk}/scores"
    bad = [dict(r) for r in rows]
    bad[3]["score"], bad[4]["score"] = 0, 6
    bad[1]["provider_id"] = other.providers.get().pk
    bad[2]["criterion_id"] = 987654
    response = post_json(bob, url, {"scores": bad})
    assert response.status_code == 422
    assert fields(response) == [
        "body.scores.1.provider_id",
        "body.scores.2.criterion_id",
        "body.scores.3.score",
        "body.scores.4.score",
    ]
    assert messages(response)[2] == "A score is a whole number from 1 to 5."
    missing = post_json(bob, url, {"scores": rows[:-1]})
    assert missing.status_code == 422 and fields(missing) == ["body.scores"]
    assert messages(missing)[0].startswith("Score ")
    twice = post_json(bob, url, {"scores": [*rows, rows[0]]})
    assert fields(twice) == [f"body.scores.{len(rows)}"]
    typed = post_json(bob, url, {"scores": [{**rows[0], "score": "high"}]})
    assert fields(typed) == ["body.payload.scores.0.score"]
    assert not ProviderScore.objects.exists()


def test_the_api_refuses_bad_references_and_bad_steps_at_the_field(
    alice, initiative, members, staff_b
):
    client = bearer(alice.user)
    start = f"/rollout/initiatives/{initiative.pk}/provider-reviews"
    body = {
        "title": "Math",
        "school_year": "2025-26",
        "committee_ids": [members[0].staff.pk, staff_b.pk],
    }
    other = post_json(client, start, body)
    assert other.status_code == 422 and fields(other) == ["body.committee_ids.1"]
    nobody = post_json(client, start, {**body, "committee_ids": []})
    assert fields(nobody) == ["body.committee_ids"]
    assert messages(nobody) == ["Name the teachers on the committee."]
    weight = post_json(
        client,
        start,
        {
            **body,
            "committee_ids": [members[0].staff.pk],
            "criteria": [{"name": "Fit", "weight": 0}],
        },
    )
    assert fields(weight) == ["body.payload.criteria.0.weight"]
    assert not ProviderReview.objects.exists()
    review = make_review(initiative, alice, [m.staff for m in members])
    base = f"/rollout/provider-reviews/{review.pk}"
    dup = post_json(client, f"{base}/providers", {"name": "edgenuity"})
    assert dup.status_code == 422 and fields(dup) == ["body.name"]
    early = post_json(
        client,
        f"{base}/recommendation",
        {"provider_id": review.providers.first().pk, "rationale": "x"},
    )
    assert early.status_code == 422 and messages(early) == ["No committee member has scored yet."]
    out_of_order = post_json(
        client, f"{base}/decision", {"decided_on": f"{TODAY}", "decisions": []}
    )
    assert out_of_order.status_code == 422 and "cannot move" in messages(out_of_order)[0]
    score_everyone(review, members)
    edgenuity = review.providers.get(name="Edgenuity")
    post_json(client, f"{base}/recommendation", {"provider_id": edgenuity.pk, "rationale": "x"})
    partial = post_json(
        client,
        f"{base}/decision",
        {
            "decided_on": f"{TODAY}",
            "decisions": [
                {"provider_id": edgenuity.pk, "purchase": "buy", "annual_cost": "100"},
                {"provider_id": 123456, "purchase": "pass"},
            ],
        },
    )
    assert fields(partial) == ["body.decisions.1.provider_id"]
    unchosen = post_json(
        client,
        f"{base}/decision",
        {
            "decided_on": f"{TODAY}",
            "decisions": [{"provider_id": edgenuity.pk, "purchase": "buy"}],
        },
    )
    assert fields(unchosen) == ["body.decisions"]
    assert messages(unchosen) == ["Decide whether to buy Summit Learning."]
    decided = post_json(
        client,
        f"{base}/decision",
        {
            "decided_on": f"{TODAY}",
            "decisions": [
                {"provider_id": edgenuity.pk, "purchase": "buy"},
                {
                    "provider_id": review.providers.get(name="Summit Learning").pk,
                    "purchase": "pass",
                },
            ],
        },
    )
    assert decided.status_code == 200
    post_json(client, f"{base}/revisit")
    summit = review.providers.get(name="Summit Learning")
    criterion = review.criteria.first()
    not_bought = post_json(
        bearer(members[0].persona.user),
        f"{base}/scores",
        {"scores": [{"provider_id": summit.pk, "criterion_id": criterion.pk, "score": 3}]},
    )
    assert fields(not_bought) == ["body.scores.0.provider_id"]
    assert "did not buy Summit Learning" in messages(not_bought)[0]
    renew = post_json(
        client, f"{base}/providers/{summit.pk}/renewal", {"renewal": "drop", "feedback": "n/a"}
    )
    assert renew.status_code == 422
    assert not ProviderScore.objects.filter(round=Round.REVISIT).exists()
