"""The readiness checklist: the study's five recommendations and their guiding questions, each
with an owner, a status, a due date and the evidence that answers it.

Everyone in the district reads it. Rollout managers start it, add the district's own questions
and hand them out; a question's owner updates it and adds evidence. Evidence files are read only
through the download view here, which checks the district and records who downloaded what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.rollout.checklist import RECOMMENDATION_TITLES
from trellis.rollout.forms.checklist import EvidenceForm, ItemForm, QuestionForm
from trellis.rollout.models import ChecklistItem, EvidenceKind
from trellis.rollout.selectors import checklist as selectors
from trellis.rollout.services import checklist as services
from trellis.rollout.views.common import crumbs, form_page, initiative_for, is_manager, tabs


def _home(initiative_id: int) -> str:
    return reverse("rollout:checklist", args=[initiative_id])


def _question_url(item: ChecklistItem) -> str:
    return reverse("rollout:checklist-question", args=[item.pk])


@login_required
@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "progress": selectors.checklist_progress(initiative=initiative),
        "started": selectors.study_started(initiative=initiative),
        "can_manage": is_manager(user, initiative),
        "today": timezone.localdate(),
        "tabs": tabs(initiative, "rollout:checklist"),
        "crumbs": crumbs(initiative, ("Readiness checklist", None)),
    }
    return render(request, "rollout/checklist/checklist.html", context)


@login_required
@require_POST
def checklist_start(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    added = services.checklist_start(initiative=initiative, actor=user)
    if added:
        messages.success(request, f"Started the checklist with {added} of the study's questions.")
    else:
        messages.success(request, "The checklist already has all of the study's questions.")
    return redirect(_home(pk))


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The district's own question, under the recommendation the page was opened from."""
    district, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    initial = {"recommendation": request.GET.get("recommendation", "")[:2]}
    form = QuestionForm(request.POST or None, district=district, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_add(
                initiative=initiative,
                recommendation=data["recommendation"],
                text=data["text"],
                data=form.service_data(),
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added the question to the checklist.")
            return redirect(_question_url(item))
    return form_page(request, form, initiative, "Add a question of our own",
                     ("Readiness checklist", _home(pk)), back=_home(pk))  # fmt: skip


def _question_page(
    request: HttpRequest, district: District, user: User, item: ChecklistItem, **forms: Any
) -> HttpResponse:
    """The question with its evidence, and the forms this person may use on it."""
    editable = services.can_update(user, item)
    manager = is_manager(user, item.initiative)
    item_form = forms.get("item_form") or ItemForm(item=item, district=district, with_owner=manager)
    added = forms.get("evidence_form")
    evidence_forms = [added if added and added.kind == kind else EvidenceForm(kind=kind)
                      for kind in EvidenceKind.values]  # fmt: skip
    context = {
        "initiative": item.initiative, "item": item, "can_update": editable,
        "recommendation": RECOMMENDATION_TITLES[item.recommendation],
        "item_form": item_form if editable else None,
        "evidence_forms": evidence_forms if editable else [],
        "page": paginate(selectors.evidence_list(item=item), page_number(request)),
        "today": timezone.localdate(),
        "crumbs": crumbs(item.initiative, ("Readiness checklist", _home(item.initiative_id)),
                         ("Question", None)),
    }  # fmt: skip
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "rollout/checklist/question.html", context, status=status)


def _item(request: HttpRequest, pk: int) -> tuple[District, User, ChecklistItem]:
    district, user = require_district(request, policy.VIEW)
    return district, user, selectors.item_get(district=district, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, pk: int) -> HttpResponse:
    """The question page; its form changes the status and due date (and, for a rollout
    manager, the owner)."""
    district, user, item = _item(request, pk)
    if request.method == "GET":
        return _question_page(request, district, user, item)
    if not services.can_update(user, item):
        raise PermissionDenied("Only the question's owner or a rollout manager can update it.")
    manager = is_manager(user, item.initiative)
    form = ItemForm(request.POST, item=item, district=district, with_owner=manager)
    if form.is_valid():
        try:
            services.item_update(item=item, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the question.")
            return redirect(_question_url(item))
    return _question_page(request, district, user, item, item_form=form)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, item = _item(request, pk)
    kind = request.POST.get("kind", "")
    if kind not in EvidenceKind.values:
        messages.error(request, "Choose a note, a link or a file to add.")
        return redirect(_question_url(item))
    form = EvidenceForm(request.POST, request.FILES, kind=kind)
    if form.is_valid():
        try:
            services.evidence_add(item=item, actor=user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the {EvidenceKind(kind).label.lower()}.")
            return redirect(_question_url(item))
    return _question_page(request, district, user, item, evidence_form=form)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an evidence file to someone of the district, and record that they did."""
    district, user = require_district(request, policy.VIEW)
    evidence = selectors.evidence_get(district=district, pk=pk)
    if not evidence.file:
        raise Http404("This evidence has no file.")
    audit_record(actor=user, action="rollout.evidence_downloaded", target=evidence)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.filename)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    evidence = selectors.evidence_get(district=district, pk=pk)
    services.evidence_remove(evidence=evidence, actor=user)
    messages.success(request, "Removed the evidence.")
    return redirect(_question_url(evidence.item))


@login_required
@require_GET
def checklist_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    header = ["Recommendation", "Question", "Status", "Owner", "Owner's staff id", "Due on",
              "Evidence"]  # fmt: skip
    rows = (
        [f"{i.recommendation}. {RECOMMENDATION_TITLES[i.recommendation]}", i.text,
         i.get_status_display(), i.owner.full_name if i.owner else "",
         i.owner.staff_unique_id if i.owner else "", i.due_on,
         i.evidence_count]  # type: ignore[attr-defined]
        for i in selectors.checklist_items(initiative=initiative)
    )  # fmt: skip
    return export_response(fmt=fmt, stem=f"readiness-checklist-{pk}", header=header, rows=rows)


urlpatterns = [
    path("rollout/<int:pk>/checklist/", checklist, name="checklist"),
    path("rollout/<int:pk>/checklist/start/", checklist_start, name="checklist-start"),
    path("rollout/<int:pk>/checklist/questions/new/", question_new,
         name="checklist-question-new"),
    path("rollout/<int:pk>/checklist/export.<export:fmt>", checklist_export,
         name="checklist-export"),
    path("rollout/checklist/questions/<int:pk>/", question, name="checklist-question"),
    path("rollout/checklist/questions/<int:pk>/evidence/", evidence_add,
         name="checklist-evidence-add"),
    path("rollout/checklist/evidence/<int:pk>/file/", evidence_file,
         name="checklist-evidence-file"),
    path("rollout/checklist/evidence/<int:pk>/remove/", evidence_remove,
         name="checklist-evidence-remove"),
]  # fmt: skip
