"""Builders for survey tests: an instrument from the template, an administration, and responses
written straight to the tables (the services need a person per response)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from trellis.surveys.models import Administration, Answer, Item, ItemKind, Response, Status
from trellis.surveys.services import instrument_from_template


def instrument(district, actor, name="Staff survey"):
    return instrument_from_template(district=district, name=name, actor=actor)


def closed_round(instrument, *, min_group=5, min_text=10, title="Spring survey"):
    today = timezone.localdate()
    return Administration.objects.create(
        district=instrument.district, instrument=instrument, title=title, school_year="2026-27",
        opens_on=today - dt.timedelta(days=20), closes_on=today - dt.timedelta(days=1),
        status=Status.CLOSED, audience_roles=["teacher"], min_group=min_group, min_text=min_text,
    )  # fmt: skip


def respond(administration, *, group="other", school=None, cohort=None, likert=3, traits=(0,),
            comment=""):  # fmt: skip
    """One response answering every question the same way."""
    response = Response.objects.create(
        district=administration.district, administration=administration, group=group,
        school=school, cohort=cohort, submitted_on=timezone.localdate(),
    )  # fmt: skip
    for item in Item.objects.filter(instrument=administration.instrument):
        fields: dict = {}
        if item.kind == ItemKind.LIKERT:
            fields["value"] = likert
        elif item.kind == ItemKind.MULTIPLE:
            fields["choices"] = list(traits)
        elif comment:
            fields["text"] = comment
        else:
            continue
        Answer.objects.create(district=administration.district, response=response, item=item,
                              **fields)  # fmt: skip
    return response
