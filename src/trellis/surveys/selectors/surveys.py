"""Reads for instruments, administrations and a person's own invitations."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from trellis.core.models import District, User
from trellis.surveys.models import (
    Administration,
    Instrument,
    Invitation,
    Item,
    Status,
    SurveySettings,
)


def survey_settings(*, district: District) -> SurveySettings:
    """The district's smallest groups; the defaults (unsaved) when it never set them."""
    found = SurveySettings.objects.filter(district=district).first()
    return found if found is not None else SurveySettings(district=district)


def instrument_list(*, district: District) -> QuerySet[Instrument]:
    return (
        Instrument.objects.filter(district=district)
        .annotate(
            n_items=Count("items", filter=Q(items__retired_at__isnull=True), distinct=True),
            n_rounds=Count("administrations", distinct=True),
        )
        .order_by("name", "id")
    )  # an aggregate drops the model's ordering


def instrument_get(*, district: District, pk: int) -> Instrument:
    return get_object_or_404(Instrument, district=district, pk=pk)


def items_of(*, instrument: Instrument) -> QuerySet[Item]:
    return (
        instrument.items.select_related("section")
        .annotate(n_answers=Count("answers"))
        .order_by("section__order", "order", "pk")
    )


def questions(*, instrument: Instrument) -> QuerySet[Item]:
    """The questions a respondent sees, in order: the retired ones left out."""
    return (
        instrument.items.filter(retired_at__isnull=True)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )


def item_get(*, district: District, pk: int) -> Item:
    return get_object_or_404(Item.objects.select_related("instrument"), district=district, pk=pk)


def administration_list(
    *, district: District, status: str | None = None
) -> QuerySet[Administration]:
    """Rounds, newest first, with how many were asked (``n_invited``) and have answered
    (``n_answered``): counts only, never who."""
    qs = Administration.objects.filter(district=district).select_related("instrument")
    if status is not None:
        qs = qs.filter(status=status)
    return qs.annotate(
        n_invited=Count("invitations", distinct=True),
        n_answered=Count("invitations", filter=Q(invitations__responded=True), distinct=True),
    ).order_by("-opens_on", "-id")  # an aggregate drops the model's ordering


def administration_get(*, district: District, pk: int) -> Administration:
    return get_object_or_404(
        Administration.objects.select_related("instrument"), district=district, pk=pk
    )


def my_invitations(*, district: District, user: User) -> QuerySet[Invitation]:
    """The open surveys this person has been asked to answer and has not yet."""
    return Invitation.objects.filter(
        district=district, user=user, responded=False, administration__status=Status.OPEN
    ).select_related("administration")


def invitation_of(*, administration: Administration, user: User) -> Invitation | None:
    return administration.invitations.filter(user=user).first()
