"""Surveys (instruments) for their managers: the list, a new survey blank or from the study's
questions, a survey's sections and questions in order, adding them, rewording a question while
nobody has answered it, and retiring one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core.listing import export_response, page_number, paginate
from trellis.core.tenancy import require_district
from trellis.rollout.views.common import saved
from trellis.surveys import services
from trellis.surveys.forms.instruments import (
    InstrumentForm,
    ItemEditForm,
    ItemForm,
    SectionForm,
    TemplateForm,
)
from trellis.surveys.models import Instrument, ItemKind
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.views.common import MANAGE, crumbs, form_page, require_export

ITEMS_PER_PAGE = 100
ANSWERED = "People have answered it, so its wording stays as they read it."


def _instrument_crumb(instrument: Instrument) -> tuple[str, str]:
    return instrument.name, reverse("surveys:instrument", args=[instrument.pk])


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, MANAGE)
    page = paginate(selectors.instrument_list(district=district), page_number(request))
    context = {"page": page, "crumbs": crumbs(("All surveys", None))}
    return render(request, "surveys/instruments.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    form = InstrumentForm(request.POST or None)
    made = saved(request, form, lambda: services.instrument_create(
        district=district, actor=user, **form.cleaned_data), "Saved the survey.")  # fmt: skip
    if made is not None:
        return redirect("surveys:instrument", pk=made.pk)
    return form_page(request, form, "New survey", back=reverse("surveys:home"),
                     intro="A survey is a list of questions in sections. Send it to people "
                           "in rounds: each round has its own audience and dates.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def instrument_from_template(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    form = TemplateForm(request.POST or None)
    made = saved(request, form, lambda: services.instrument_from_template(
        district=district, name=form.cleaned_data["name"], actor=user),
        "Saved the survey with the study's questions.")  # fmt: skip
    if made is not None:
        return redirect("surveys:instrument", pk=made.pk)
    return form_page(request, form, "Start from the study's survey", back=reverse("surveys:home"),
                     intro="The questions the study asked staff about the new roles, in our "
                           "own words, each with a key so later rounds show a trend.")  # fmt: skip


@login_required
@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=pk)
    page = paginate(selectors.items_of(instrument=instrument), page_number(request),
                    per_page=ITEMS_PER_PAGE)  # fmt: skip
    context = {
        "instrument": instrument, "page": page, "answered": ANSWERED,
        "choice_kinds": (ItemKind.SINGLE, ItemKind.MULTIPLE),
        "empty_sections": instrument.sections.filter(items__isnull=True),
        "crumbs": crumbs((instrument.name, None)),
    }  # fmt: skip
    return render(request, "surveys/instrument.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=pk)
    form = SectionForm(request.POST or None)
    if saved(request, form, lambda: services.section_add(
            instrument=instrument, title=form.cleaned_data["title"], actor=user),
            "Added the section."):  # fmt: skip
        return redirect("surveys:instrument", pk=pk)
    return form_page(request, form, "Add a section", _instrument_crumb(instrument),
                     back=reverse("surveys:instrument", args=[pk]))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=pk)
    form = ItemForm(request.POST or None, instrument=instrument,
                    initial={"section": request.GET.get("section")})  # fmt: skip
    if saved(
        request,
        form,
        lambda: services.item_add(instrument=instrument, actor=user, **form.cleaned_data),
        "Added the question.",
    ):
        return redirect("surveys:instrument", pk=pk)
    return form_page(request, form, "Add a question", _instrument_crumb(instrument),
                     back=reverse("surveys:instrument", args=[pk]),
                     intro="Once anyone answers a question its wording is fixed: a new "
                           "wording is a new question.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    item = selectors.item_get(district=district, pk=pk)
    form = ItemEditForm(request.POST or None, item=item)
    if saved(
        request,
        form,
        lambda: services.item_update(item=item, actor=user, **form.cleaned_data),
        "Saved the question.",
    ):
        return redirect("surveys:instrument", pk=item.instrument_id)
    return form_page(request, form, "Reword a question", _instrument_crumb(item.instrument),
                     back=reverse("surveys:instrument", args=[item.instrument_id]),
                     intro="Only while nobody has answered it: after that its wording stays "
                           "as people read it, and a new wording is a new question.")  # fmt: skip


@login_required
@require_POST
def item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    item = selectors.item_get(district=district, pk=pk)
    try:
        services.item_retire(item=item, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Retired the question: new rounds leave it out, and its "
                         "answers stay with the rounds that asked it.")  # fmt: skip
    return redirect("surveys:instrument", pk=item.instrument_id)


@login_required
@require_GET
def instruments_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    """Every survey's questions, in order: the codebook for the results exports."""
    district, _ = require_export(request, MANAGE)
    rows = (
        [i.name, item.section.title if item.section else "", item.order, item.get_kind_display(),
         item.text, item.points if item.kind == ItemKind.LIKERT else "", "; ".join(item.options),
         item.key, item.required, item.retired_at.date() if item.retired_at else "",
         item.n_answers > 0]  # type: ignore[attr-defined]
        for i in selectors.instrument_list(district=district)
        for item in selectors.items_of(instrument=i)
    )  # fmt: skip
    return export_response(fmt=fmt, stem="survey-questions", header=[
        "Survey", "Section", "Order", "Kind", "Question", "Scale points", "Choices", "Key",
        "Required", "Retired on", "Answered"], rows=rows)  # fmt: skip


urlpatterns = [
    path("surveys/instruments/", instrument_list, name="instruments"),
    path("surveys/instruments/new/", instrument_create, name="instrument-create"),
    path("surveys/instruments/from-template/", instrument_from_template,
         name="instrument-from-template"),
    path("surveys/instruments/export.<export:fmt>", instruments_export, name="instruments-export"),
    path("surveys/instruments/<int:pk>/", instrument_detail, name="instrument"),
    path("surveys/instruments/<int:pk>/sections/new/", section_add, name="section-add"),
    path("surveys/instruments/<int:pk>/items/new/", item_add, name="item-add"),
    path("surveys/items/<int:pk>/edit/", item_edit, name="item-edit"),
    path("surveys/items/<int:pk>/retire/", item_retire, name="item-retire"),
]  # fmt: skip
