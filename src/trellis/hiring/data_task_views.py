"""Pages for interview data tasks: the panel's view of a part's data set with its answer key,
the candidate's view (the same data, no key, for the screen in the interview room), the export,
and HR's editor on the interview process."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response
from trellis.core.tenancy import require_district
from trellis.hiring import data_tasks, selectors
from trellis.hiring.forms import DataTaskForm
from trellis.hiring.models import Component, DataTask, Interview

Crumbs = list[tuple[str, str | None]]


def _context(request: HttpRequest, pk: int, component_pk: int) -> dict[str, Any]:
    district, user = require_district(request, policy.VIEW)
    interview, component, task = data_tasks.interview_data_task(
        district=district, user=user, interview_pk=pk, component_pk=component_pk
    )
    posting = interview.posting
    return {
        "interview": interview,
        "component": component,
        "data": data_tasks.data_set(task),
        "args": [interview.pk, component.pk],
        "crumbs": [
            ("Hiring", reverse("hiring:home")),
            (posting.title, reverse("hiring:posting-detail", args=[posting.pk])),
            (component.name, None),
        ],
    }


@login_required
@require_GET
def panel_view(request: HttpRequest, pk: int, component_pk: int) -> HttpResponse:
    """The panel's view: the data set and, for scoring, its high and low points."""
    return render(request, "hiring/data_task.html", _context(request, pk, component_pk))


@login_required
@require_GET
def candidate_view(request: HttpRequest, pk: int, component_pk: int) -> HttpResponse:
    """What the candidate sees during the part: the data, never the answer key."""
    context = _context(request, pk, component_pk)
    context["data"] = context["data"].without_key()
    return render(request, "hiring/data_task_candidate.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pk: int, component_pk: int, fmt: str) -> HttpResponseBase:
    """The data set only (a candidate may be handed this file); the key stays on the page."""
    context = _context(request, pk, component_pk)
    data: data_tasks.DataSet = context["data"]
    interview: Interview = context["interview"]
    return export_response(
        fmt=fmt,
        stem=f"interview-{interview.pk}-part-{context['component'].order}-data",
        header=["student", *data.standards],
        rows=data.export_rows(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, component_pk: int) -> HttpResponse:
    """Attach a data task to a part, change it, pick a new seed, or take it off."""
    district, user = require_district(request, policy.HIRING_MANAGE)
    template = selectors.template_get(district=district, pk=pk)
    component: Component = get_object_or_404(template.components, pk=component_pk)
    detail = reverse("hiring:template-detail", args=[pk])
    if template.is_locked:
        messages.error(request, "This version has been used for scoring; make a new version.")
        return redirect(detail)
    task = DataTask.objects.filter(component=component).first()
    if request.method == "POST" and request.POST.get("remove"):
        return _remove(request, component, user, detail)
    form = _form(request, district, task)
    status = 200
    if request.method == "POST" and "regenerate" not in request.POST:
        if form.is_valid():
            try:
                data_tasks.data_task_save(component=component, data=form.service_data(), actor=user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the data task of “{component.name}”.")
                return redirect(detail)
        status = 400
    elif request.method == "POST" and not form.is_valid():
        status = 400
    preview = _preview(form) if form.is_bound and not form.errors else None
    if preview is None and not form.is_bound and task is not None:
        preview = data_tasks.data_set(task)
    context = {
        "form": form,
        "component": component,
        "template": template,
        "task": task,
        "preview": preview,
        "cancel_url": detail,
        "crumbs": [
            ("Hiring", reverse("hiring:home")),
            ("Interview processes", reverse("hiring:template-list")),
            (str(template), detail),
            (f"Data task: {component.name}", None),
        ],
    }
    return render(request, "hiring/data_task_edit.html", context, status=status)


def _form(request: HttpRequest, district: Any, task: DataTask | None) -> DataTaskForm:
    codes = data_tasks.standard_choices(district=district, also=task.standards if task else ())
    if request.method != "POST":
        initial: dict[str, Any] = {"seed": data_tasks.new_seed()}
        if task is not None:
            initial = {f: getattr(task, f) for f in data_tasks.DATA_TASK_FIELDS}
        return DataTaskForm(initial=initial, codes=codes)
    posted = request.POST.copy()
    if "regenerate" in posted:
        posted["seed"] = str(data_tasks.new_seed())
    return DataTaskForm(posted, codes=codes)


def _preview(form: DataTaskForm) -> data_tasks.DataSet:
    task = DataTask(**form.service_data())
    return data_tasks.data_set(task)


def _remove(request: HttpRequest, component: Component, user: Any, detail: str) -> HttpResponse:
    try:
        data_tasks.data_task_remove(component=component, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Took the data task off “{component.name}”.")
    return redirect(detail)
