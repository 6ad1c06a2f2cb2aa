"""Content provider review pages: a teacher committee scores digital content providers against
weighted criteria, recommends one, the district decides what to buy, and a year later the
committee re-scores what was bought and says whether to renew.

Everyone in the district reads a review. Committee members score their own sheets; rollout
managers run the review and may type in a member's paper sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.numbers import is_whole
from trellis.core.tenancy import require_district
from trellis.org.models import Staff
from trellis.org.selectors import staff_of_user
from trellis.rollout.forms.providers import (
    SCALE,
    CommitteeForm,
    CriterionForm,
    DecideForm,
    MemberForm,
    ProviderForm,
    RecommendForm,
    RenewalForm,
    ReviewForm,
    ScoreForm,
)
from trellis.rollout.models import Criterion, ProviderReview, Round
from trellis.rollout.models import ReviewStatus as Status
from trellis.rollout.selectors import providers as selectors
from trellis.rollout.services import providers as services
from trellis.rollout.views.common import crumbs, form_page, initiative_for, is_manager, saved, tabs


def _review_for(
    request: HttpRequest, pk: int, perm: str = policy.VIEW
) -> tuple[District, User, ProviderReview]:
    """The review in the URL, in the user's district; another district's is a 404."""
    district, user = require_district(request, perm)
    return district, user, selectors.review_get(district=district, pk=pk)


def _list_url(initiative_id: int) -> str:
    return reverse("rollout:reviews", args=[initiative_id])


def _review_url(review: ProviderReview) -> str:
    return reverse("rollout:review", args=[review.pk])


def _review_form_page(
    request: HttpRequest, form: Any, review: ProviderReview, title: str, intro: str = ""
) -> HttpResponse:
    trail = (
        ("Content reviews", _list_url(review.initiative_id)),
        (review.title, _review_url(review)),
    )
    return form_page(request, form, review.initiative, title, *trail, back=_review_url(review),
                     intro=intro)  # fmt: skip


# --- The list and a new review --------------------------------------------------------------


@login_required
@require_GET
def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "page": paginate(selectors.review_list(initiative=initiative), page_number(request)),
        "can_manage": is_manager(user, initiative),
        "tabs": tabs(initiative, "rollout:reviews"),
        "crumbs": crumbs(initiative, ("Content reviews", None)),
    }
    return render(request, "rollout/providers/list.html", context)


@login_required
@require_GET
def reviews_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    return export_response(
        fmt=fmt,
        stem=f"content-reviews-{initiative.pk}",
        header=["Title", "Content area", "School year", "Status", "Providers", "Committee",
                "Recommended", "Re-review due"],
        rows=(
            [r.title, r.get_content_area_display(), r.school_year, r.get_status_display(),
             r.n_providers, r.n_committee,  # type: ignore[attr-defined]
             r.recommended.name if r.recommended else "", r.revisit_on]
            for r in selectors.review_list(initiative=initiative)
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    form = ReviewForm(request.POST or None, district=district)
    review = saved(request, form, lambda: services.review_create(
        initiative=initiative, actor=user, **form.cleaned_data
    ), "Started the review. Add the providers the committee will score.")  # fmt: skip
    if review is not None:
        return redirect(_review_url(review))
    back = _list_url(pk)
    intro = ("A committee of teachers scores each provider from 1 to 5 on every criterion; "
             "the weights decide how much each criterion counts.")  # fmt: skip
    return form_page(request, form, initiative, "Start a content review",
                     ("Content reviews", back), back=back, intro=intro)  # fmt: skip


# --- A review -------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, review = _review_for(request, pk)
    scoring = services.open_round(review)
    me = staff_of_user(district=district, user=user)
    progress = selectors.committee_progress(review=review, review_round=scoring or Round.INITIAL)
    criteria = selectors.criteria_of(review=review)
    providers = list(review.providers.order_by("name", "pk"))
    context = {
        "review": review,
        "initiative": review.initiative,
        "criteria": criteria,
        "providers": providers,
        "progress": progress,
        "state": selectors.review_state(providers=providers, progress=progress, criteria=criteria),
        "rounds": selectors.results_by_round(review=review),
        "scoring": scoring,
        "on_committee": me is not None and any(p.member.pk == me.pk for p in progress),
        "can_manage": is_manager(user, review.initiative),
        "tabs": tabs(review.initiative, "rollout:reviews"),
        "crumbs": crumbs(review.initiative, ("Content reviews", _list_url(review.initiative_id)),
                         (review.title, None)),
    }  # fmt: skip
    return render(request, "rollout/providers/review.html", context)


@login_required
@require_GET
def review_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponseBase:
    _, user, review = _review_for(request, pk)
    policy.require(user, policy.EXPORT, review)
    if table == "committee":
        header = ["Member", "Staff id", "School", "Cells scored", "Cells on the sheet"]
        rows: Any = (
            [p.member.full_name, p.member.staff_unique_id,
             p.member.school.name if p.member.school else "", p.scored, p.expected]
            for p in selectors.committee_progress(review=review)
        )  # fmt: skip
    else:
        header, rows = _results_table(review)
    return export_response(fmt=fmt, stem=f"content-review-{review.pk}-{table}", header=header,
                           rows=rows)  # fmt: skip


def _results_table(review: ProviderReview) -> tuple[list[str], list[list[Any]]]:
    """Every round's results with each provider's decision, one row a provider a round."""
    rounds = selectors.results_by_round(review=review)
    criteria = rounds[0].criteria
    header = ["Round", "Provider", "Product", *(f"{c.name} (weight {c.weight})" for c in criteria),
              "Weighted (1-5)", "Out of 100", "Scorers", "Recommended", "Purchase",
              "Yearly cost", "Renewal", "Teachers' feedback"]  # fmt: skip
    rows = [
        [results.label, r.provider.name, r.provider.product, *r.means, r.weighted,
         r.out_of_100, r.scorers, "yes" if r.provider.pk == review.recommended_id else "",
         r.provider.get_purchase_display(), r.provider.annual_cost,
         r.provider.get_renewal_display(), r.provider.feedback]
        for results in rounds
        for r in results.rows
    ]  # fmt: skip
    return header, rows


# --- Criteria, providers, committee (while scoring) -----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int | None = None) -> HttpResponse:
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    criterion = None
    if criterion_pk is not None:
        criterion = get_object_or_404(Criterion, review=review, pk=criterion_pk)
    form = CriterionForm(request.POST or None, criterion=criterion)
    if saved(request, form, lambda: services.criterion_save(
        review=review, criterion=criterion, actor=user, **form.cleaned_data
    ), "Saved the criterion."):  # fmt: skip
        return redirect(_review_url(review))
    title = "Add a criterion" if criterion is None else f"Change “{criterion.name}”"
    return _review_form_page(request, form, review, title)


@login_required
@require_http_methods(["GET", "POST"])
def provider_new(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    form = ProviderForm(request.POST or None)
    name = request.POST.get("name", "").strip()
    if saved(request, form, lambda: services.provider_add(
        review=review, actor=user, **form.cleaned_data
    ), f"Added {name} to the review."):  # fmt: skip
        return redirect(_review_url(review))
    return _review_form_page(request, form, review, "Add a provider")


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    members = selectors.committee(review=review)
    form = CommitteeForm(request.POST or None, district=district, initial={"committee": members})
    if saved(request, form, lambda: services.committee_set(
        review=review, committee=form.cleaned_data["committee"], actor=user
    ), "Saved the committee."):  # fmt: skip
        return redirect(_review_url(review))
    return _review_form_page(request, form, review, "Change the committee")


# --- Scoring --------------------------------------------------------------------------------


def _sheet_member(
    request: HttpRequest, district: District, user: User, committee: list[Staff], manager: bool
) -> Staff:
    """Whose sheet: the signed-in member's own; a manager may name another (``?member=``)."""
    wanted = request.GET.get("member", "")
    if manager and is_whole(wanted):
        chosen = next((m for m in committee if m.pk == int(wanted)), None)
        if chosen is None:
            raise Http404("No such committee member.")
        return chosen
    me = staff_of_user(district=district, user=user)
    if me is not None and any(m.pk == me.pk for m in committee):
        return me
    if manager and committee:
        return committee[0]
    raise PermissionDenied("Only the members of this review's committee score it.")


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, review = _review_for(request, pk)
    review_round = services.open_round(review)
    if review_round is None:
        messages.info(request, "The committee is not scoring this review now.")
        return redirect(_review_url(review))
    manager = is_manager(user, review.initiative)
    committee = selectors.committee(review=review)
    member = _sheet_member(request, district, user, committee, manager)
    form = ScoreForm(
        request.POST or None,
        providers=list(selectors.round_providers(review=review, review_round=review_round)),
        criteria=selectors.criteria_of(review=review),
        earlier=selectors.my_scores(review=review, member=member, review_round=review_round),
    )
    if saved(request, form, lambda: services.scores_submit(
        review=review, member=member, scores=form.scores(), review_round=review_round, actor=user
    ), f"Saved {member.full_name}'s scores."):  # fmt: skip
        return redirect(_review_url(review))
    context = {
        "review": review, "form": form, "member": member, "round": Round(review_round),
        "member_form": MemberForm(initial={"member": member.pk}, committee=committee)
        if manager else None,
        "own": member.user_id == user.pk,
        "scale": SCALE,
        "crumbs": crumbs(review.initiative, ("Content reviews", _list_url(review.initiative_id)),
                         (review.title, _review_url(review)), ("Score", None)),
    }  # fmt: skip
    return render(
        request, "rollout/providers/score.html", context, status=400 if form.errors else 200
    )


# --- Recommend, decide, re-review, close ----------------------------------------------------


def _out_of_order(request: HttpRequest, review: ProviderReview, to: str) -> HttpResponse | None:
    """Back to the review with the reason, when its status does not allow this step."""
    try:
        services.step_check(review, to)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_review_url(review))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    if refused := _out_of_order(request, review, Status.RECOMMENDED):
        return refused
    results = selectors.results(review=review)
    best = results.rows[0] if results.rows and results.rows[0].weighted else None
    form = RecommendForm(request.POST or None, providers=review.providers.order_by("name"),
                         initial={"provider": best.provider.pk if best else None})  # fmt: skip
    if saved(request, form, lambda: services.review_recommend(
        review=review, actor=user, **form.cleaned_data
    ), "Recorded the committee's recommendation."):  # fmt: skip
        return redirect(_review_url(review))
    intro = (f"Highest weighted score: {best.provider.name}, {best.out_of_100} out of 100."
             if best else "No provider has a full set of scores yet.")  # fmt: skip
    return _review_form_page(request, form, review, "Recommend a provider", intro)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    if refused := _out_of_order(request, review, Status.DECIDED):
        return refused
    form = DecideForm(request.POST or None, providers=list(review.providers.order_by("name")))
    if saved(request, form, lambda: services.purchase_decide(
        review=review, decisions=form.decisions(), actor=user,
        decided_on=form.cleaned_data["decided_on"], revisit_on=form.cleaned_data["revisit_on"],
    ), "Recorded the purchase decision."):  # fmt: skip
        return redirect(_review_url(review))
    recommended = f"The committee recommends {review.recommended}. " if review.recommended else ""
    intro = f"{recommended}Decide on every provider; the re-review comes a year later."
    return _review_form_page(request, form, review, "Decide purchases", intro)


@login_required
@require_http_methods(["GET", "POST"])
def renewal(request: HttpRequest, pk: int, provider_pk: int) -> HttpResponse:
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    provider = selectors.provider_get(review=review, pk=provider_pk)
    form = RenewalForm(request.POST or None, provider=provider)
    if saved(request, form, lambda: services.revisit_record(
        provider=provider, actor=user, **form.cleaned_data
    ), f"Recorded the year-one decision on {provider.name}."):  # fmt: skip
        return redirect(_review_url(review))
    return _review_form_page(request, form, review, f"After a year: {provider.name}")


Step = Callable[..., ProviderReview]
STEPS: dict[str, tuple[Step, str]] = {
    "reopen": (services.review_reopen, "Back to scoring: the recommendation was withdrawn."),
    "revisit": (services.revisit_open, "Opened the year-one re-review."),
    "close": (services.review_close, "Closed the review."),
}


@login_required
@require_POST
def review_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Reopen scoring, open the year-one re-review or close: one button each."""
    _, user, review = _review_for(request, pk, policy.ROLLOUT_MANAGE)
    if step not in STEPS:
        raise Http404("No such step.")
    move, done = STEPS[step]
    try:
        move(review=review, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_review_url(review))


urlpatterns: list[URLPattern] = [
    path("rollout/<int:pk>/reviews/", reviews, name="reviews"),
    path("rollout/<int:pk>/reviews/export.<export:fmt>", reviews_export, name="reviews-export"),
    path("rollout/<int:pk>/reviews/new/", review_new, name="review-new"),
    path("rollout/reviews/<int:pk>/", review, name="review"),
    path("rollout/reviews/<int:pk>/results/export.<export:fmt>", review_export,
         {"table": "results"}, name="review-results-export"),
    path("rollout/reviews/<int:pk>/committee/export.<export:fmt>", review_export,
         {"table": "committee"}, name="review-committee-export"),
    path("rollout/reviews/<int:pk>/criteria/new/", criterion_edit, name="criterion-new"),
    path("rollout/reviews/<int:pk>/criteria/<int:criterion_pk>/edit/", criterion_edit,
         name="criterion-edit"),
    path("rollout/reviews/<int:pk>/providers/new/", provider_new, name="provider-new"),
    path("rollout/reviews/<int:pk>/committee/", committee_edit, name="committee-edit"),
    path("rollout/reviews/<int:pk>/score/", score, name="review-score"),
    path("rollout/reviews/<int:pk>/recommend/", recommend, name="review-recommend"),
    path("rollout/reviews/<int:pk>/decide/", decide, name="review-decide"),
    path("rollout/reviews/<int:pk>/providers/<int:provider_pk>/renewal/", renewal,
         name="provider-renewal"),
    path("rollout/reviews/<int:pk>/<str:step>/", review_step, name="review-step"),
]  # fmt: skip
