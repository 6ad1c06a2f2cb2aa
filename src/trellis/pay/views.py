"""Pay pages. Salary data is for HR and district admins (``pay.view``); everyone else sees only
their own pay. Every view and export of pay data is recorded as an access event."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response
from trellis.core.schoolyear import validate_school_year
from trellis.core.tenancy import require_district
from trellis.org.selectors import staff_get
from trellis.pay import calc, selectors, services
from trellis.pay.models import ChangeKind, FundingSource, FundingSplit, PayTerms, Placement
from trellis.roles.models import Position, RoleType

Crumbs = list[tuple[str, str | None]]


def _crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Pay", reverse("pay:home")), *extra]


def _view(request: HttpRequest, what: str) -> tuple[Any, Any]:
    district, user = require_district(request, policy.PAY_VIEW)
    selectors.record_access(user, district, what)
    return district, user


# --- Forms ----------------------------------------------------------------------------------


class ProjectionForm(forms.Form):
    years = forms.IntegerField(min_value=1, max_value=15, initial=5, label="Years")
    cola = forms.DecimalField(
        min_value=-10,
        max_value=20,
        decimal_places=2,
        initial=2,
        label="Cost-of-living change a year (%)",
    )


class TermsForm(forms.ModelForm[PayTerms]):
    class Meta:
        model = PayTerms
        fields = [
            "stipend",
            "summer_stipend",
            "extension_months",
            "lateral",
            "paid_by_consortium",
            "budget_step",
            "budget_lane",
            "priority",
        ]

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=ChangeKind.choices, label="Change")
    role_type = forms.ModelChoiceField(
        queryset=RoleType.objects.none(), required=False, empty_label="Every position"
    )
    months = forms.DecimalField(
        required=False,
        min_value=1,
        max_value=12,
        decimal_places=1,
        label="New contract length (months)",
    )
    source = forms.ModelChoiceField(
        queryset=FundingSource.objects.none(), required=False, label="Move to"
    )

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_type"].queryset = RoleType.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["source"].queryset = FundingSource.objects.filter(district=district)  # type: ignore[attr-defined]


class KeepForm(forms.Form):
    budget = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, label="Yearly budget after the grant ($)"
    )
    school_year = forms.CharField(
        max_length=7, label="For the school year", validators=[validate_school_year]
    )


# --- Pages ----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    if not policy.can(user, policy.PAY_VIEW, district):
        return redirect("pay:mine")
    selectors.record_access(user, district, "overview")
    context = {
        "schedules": selectors.schedule_list(district=district),
        "sources": FundingSource.objects.filter(district=district),
        "scenarios": selectors.scenario_list(district=district),
        "crumbs": [("Pay", None)],
    }
    return render(request, "pay/home.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    lines = selectors.own_pay(user=user, district=district)
    selectors.record_access(user, district, "own pay")
    total = sum((amount for _, amount in lines), Decimal("0"))
    return render(
        request, "pay/mine.html", {"lines": lines, "total": total, "crumbs": [("My pay", None)]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule grid; HR edits any cell and saves the whole grid at once."""
    district, user = _view(request, f"salary schedule {pk}")
    schedule = selectors.schedule_get(district=district, pk=pk)
    plain = selectors.as_calc(schedule)
    errors: list[str] = []
    warnings = calc.schedule_warnings(plain)
    if request.method == "POST":
        policy.require(user, policy.PAY_EDIT, district)
        cells: dict[tuple[int, str], Decimal] = {}
        for step in plain.steps:
            for index, lane in enumerate(plain.lanes):
                raw = request.POST.get(f"cell_{step}_{index}", "").replace(",", "").strip()
                try:
                    cells[(step, lane)] = Decimal(raw)
                    if not cells[(step, lane)].is_finite():
                        raise InvalidOperation
                except InvalidOperation:
                    errors.append(f"Step {step}, {lane}: “{raw}” is not a salary.")
        if not errors:
            try:
                _, warnings = services.schedule_save(
                    district=district,
                    school_year=schedule.school_year,
                    lanes=schedule.lanes,
                    cells=cells,
                    contract_months=schedule.contract_months,
                    contract_days=schedule.contract_days,
                    name=schedule.name,
                    actor=user,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"Saved the {schedule.school_year} schedule.")
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("pay:schedule", pk=pk)
    posted = request.POST if request.method == "POST" else None
    rows = [
        (
            step,
            [
                (f"cell_{step}_{i}", posted.get(f"cell_{step}_{i}") if posted else amount, lane)
                for i, (lane, amount) in enumerate(zip(plain.lanes, amounts, strict=True))
            ],
        )
        for step, amounts in selectors.grid(plain)
    ]
    context = {
        "schedule": schedule,
        "rows": rows,
        "errors": errors,
        "warnings": warnings,
        "crumbs": _crumbs((str(schedule), None)),
    }
    return render(request, "pay/schedule.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_import(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.PAY_EDIT)

    class ImportForm(forms.Form):
        school_year = forms.CharField(
            max_length=7, validators=[validate_school_year], initial=selectors.current_year()
        )
        file = forms.FileField(
            help_text="CSV or Excel: a header row “step, BA, BA+15, MA…”, then one row per step."
        )

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule, warnings = services.schedule_import(
                district=district,
                school_year=form.cleaned_data["school_year"],
                upload=form.cleaned_data["file"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Imported the {schedule.school_year} schedule.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("pay:schedule", pk=schedule.pk)
    context = {
        "form": form,
        "title": "Import a salary schedule",
        "cancel_url": reverse("pay:home"),
        "crumbs": _crumbs(("Import", None)),
        "intro": "",
        "multipart": True,
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def position_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A position's cost sheet: its terms and who pays for it this year."""
    district, user = _view(request, f"position {pk} cost")
    position = get_object_or_404(
        Position.objects.select_related("version__job_description"), district=district, pk=pk
    )
    year = selectors.current_year()
    terms = PayTerms.objects.filter(position=position).first()
    sources = list(FundingSource.objects.filter(district=district))
    # Two forms on the page: only the one submitted is bound (and may show errors).
    terms_posted = request.method == "POST" and "terms-stipend" in request.POST
    form = TermsForm(request.POST if terms_posted else None, instance=terms, prefix="terms")
    split_errors: list[str] = []
    if request.method == "POST":
        policy.require(user, policy.PAY_EDIT, district)
        if terms_posted and form.is_valid():
            try:
                _, flags = services.terms_save(
                    position=position, data=form.cleaned_data, actor=user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved the pay terms.")
                for flag in flags:
                    messages.warning(request, flag)
                return redirect("pay:position", pk=pk)
        elif "split-year" in request.POST:
            try:
                splits = {s: Decimal(request.POST.get(f"split-{s.pk}") or "0") for s in sources}
                services.splits_save(
                    position=position,
                    school_year=request.POST["split-year"],
                    splits=splits,
                    actor=user,
                )
            except (ValidationError, InvalidOperation) as error:
                split_errors = getattr(error, "messages", ["Give each share as a number."])
            else:
                messages.success(request, "Saved the funding split.")
                return redirect("pay:position", pk=pk)
    current: dict[int, Decimal | str] = {
        s.source_id: s.percent
        for s in FundingSplit.objects.filter(position=position, school_year=year)
    }
    plans = {p.key: p for p in selectors.position_plans(district=district, school_year=year)}
    cost = None
    schedule_row = selectors.schedule_for(district=district, school_year=year)
    if pk in plans and schedule_row is not None:
        plan = plans[pk]
        cost = calc.position_cost(selectors.as_calc(schedule_row), plan.terms, plan.holding, year)
    if split_errors:  # show what was typed, not what is stored
        current = {s.pk: request.POST.get(f"split-{s.pk}", "") for s in sources}
    context = {
        "position": position,
        "form": form,
        "year": year,
        "cost": cost,
        "sources": [(s, current.get(s.pk, "")) for s in sources],
        "split_errors": split_errors,
        "crumbs": _crumbs((position.requisition_number, None)),
    }
    status = 400 if form.errors or split_errors else 200
    return render(request, "pay/position.html", context, status=status)


def _projection_context(request: HttpRequest, district: Any) -> dict[str, Any]:
    form = ProjectionForm(request.GET or None)
    years, cola = 5, Decimal("2")
    if form.is_bound and form.is_valid():
        years, cola = form.cleaned_data["years"], form.cleaned_data["cola"]
    wanted = [pk for pk in request.GET.getlist("compare") if pk.isascii() and pk.isdigit()]
    compare = list(selectors.scenario_list(district=district).filter(pk__in=wanted))
    baseline = selectors.projection(district=district, years=years, cola_percent=cola)
    names = {s.key: s.name for s in selectors.sources_of(district)}
    series = [(key, names[key]) for key in sorted({k for y in baseline.years for k in y.by_source})]
    peak = max((y.total for y in baseline.years), default=Decimal("0")) or Decimal("1")
    others = [
        (s, selectors.projection(district=district, years=years, cola_percent=cola, scenario=s))
        for s in compare
    ]
    return {
        "form": form,
        "projection": baseline,
        "series": series,
        "peak": peak,
        "others": others,
        "years": years,
        "cola": cola,
    }


@login_required
@require_GET
def projection(request: HttpRequest) -> HttpResponse:
    district, _ = _view(request, "projection")
    context = _projection_context(request, district)
    context["crumbs"] = _crumbs(("Projection", None))
    context["scenarios"] = selectors.scenario_list(district=district)
    status = 400 if context["form"].is_bound and context["form"].errors else 200
    return render(request, "pay/projection.html", context, status=status)


@login_required
@require_GET
def projection_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.PAY_VIEW)
    selectors.record_access(user, district, "projection", exported=True)
    context = _projection_context(request, district)
    series = context["series"]
    rows = [
        (
            y.school_year,
            *(y.by_source.get(key, Decimal("0")) for key, _ in series),
            y.unfunded,
            y.total,
        )
        for y in context["projection"].years
    ]
    header = ["school_year", *(name for _, name in series), "unfunded", "total"]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-pay-projection", header=header, rows=rows
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.PAY_EDIT)
    form = ScenarioForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = {
            "kind": data["kind"],
            "role_type": data["role_type"],
            "months": data["months"],
            "source": data["source"],
        }
        try:
            scenario = services.scenario_create(
                district=district,
                name=data["name"],
                description=data["description"],
                changes=[change],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the scenario “{scenario.name}”.")
            return redirect(f"{reverse('pay:projection')}?compare={scenario.pk}")
    context = {
        "form": form,
        "title": "A new scenario",
        "cancel_url": reverse("pay:projection"),
        "crumbs": _crumbs(("New scenario", None)),
        "intro": "Compare one change with "
        "the baseline: scale 11-month contracts back to 10.5, move a role to the general "
        "fund, end a stipend, or make a role a lateral move.",
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def keep(request: HttpRequest) -> HttpResponse:
    district, _ = _view(request, "what to keep")
    form = KeepForm(request.GET or None, initial={"school_year": selectors.current_year()})
    report = None
    if form.is_bound and form.is_valid():
        try:
            report = selectors.keep_report(
                district=district,
                budget=form.cleaned_data["budget"],
                school_year=form.cleaned_data["school_year"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    context = {"form": form, "report": report, "crumbs": _crumbs(("What to keep", None))}
    return render(request, "pay/keep.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def consortium(request: HttpRequest) -> HttpResponse:
    led = policy.first_led_consortium(request.user)  # type: ignore[arg-type]
    if led is None:
        raise Http404("No consortium.")
    year = request.GET.get("year") or selectors.current_year()
    try:
        validate_school_year(year)
    except ValidationError:
        year = selectors.current_year()
    table = selectors.consortium_schedule(consortium=led, school_year=year)
    return render(
        request, "pay/consortium.html", {"table": table, "crumbs": [("Consortium schedule", None)]}
    )


# --- Forms for schedules and sources ---------------------------------------------------------


class CopyForm(forms.Form):
    school_year = forms.CharField(
        max_length=7, validators=[validate_school_year], label="New school year"
    )
    percent = forms.DecimalField(
        max_digits=5, decimal_places=2, initial=2, label="Change to every cell (%)"
    )


class SourceForm(forms.ModelForm[FundingSource]):
    class Meta:
        model = FundingSource
        fields = ["name", "kind", "amount", "starts_on", "ends_on", "allowed_uses"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "allowed_uses": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self) -> None:
        pass  # the service validates and saves


@login_required
@require_http_methods(["GET", "POST"])
def schedule_copy(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.PAY_EDIT)
    schedule = selectors.schedule_get(district=district, pk=pk)
    next_year = calc.school_year_label(calc.year_start(schedule.school_year) + 1)
    form = CopyForm(request.POST or None, initial={"school_year": next_year})
    if request.method == "POST" and form.is_valid():
        try:
            copy, warnings = services.schedule_copy(
                schedule=schedule, actor=user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Made the {copy.school_year} schedule.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("pay:schedule", pk=copy.pk)
    detail = reverse("pay:schedule", args=[pk])
    context = {
        "form": form,
        "title": f"Copy {schedule} to another year",
        "cancel_url": detail,
        "crumbs": _crumbs((str(schedule), detail), ("Copy", None)),
        "intro": "",
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.PAY_EDIT)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_create(district=district, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added the funding source.")
            return redirect("pay:home")
    context = {
        "form": form,
        "title": "Add a funding source",
        "cancel_url": reverse("pay:home"),
        "crumbs": _crumbs(("New funding source", None)),
        "intro": "A grant with its end date shows where the cliff falls.",
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


# --- Exports and the board page --------------------------------------------------------------


@login_required
@require_GET
def schedule_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.PAY_VIEW)
    schedule = selectors.schedule_get(district=district, pk=pk)
    selectors.record_access(user, district, f"salary schedule {pk}", exported=True)
    plain = selectors.as_calc(schedule)
    rows = [(step, *amounts) for step, amounts in selectors.grid(plain)]
    return export_response(
        fmt=fmt,
        stem=f"{district.slug}-schedule-{schedule.school_year}",
        header=["step", *plain.lanes],
        rows=rows,
    )


@login_required
@require_GET
def cost_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Every live position's cost this school year and who pays for it."""
    district, user = require_district(request, policy.PAY_VIEW)
    selectors.record_access(user, district, "position costs", exported=True)
    year = selectors.current_year()
    result = selectors.projection(district=district, years=1, first_year=year)
    names = {s.key: s.name for s in selectors.sources_of(district)}
    plans = selectors.position_plans(district=district, school_year=year)
    rows = [
        (
            p.label,
            p.role_type,
            p.holding.step,
            p.holding.lane,
            p.holding.fte,
            p.terms.extension_months,
            p.terms.stipend,
            p.terms.summer_stipend,
            "yes" if p.terms.lateral else "no",
            p.priority,
            result.years[0].by_position[p.key],
            "; ".join(f"{v:g}% {names.get(k, k)}" for k, v in p.splits.items()),
        )
        for p in plans
    ]
    header = [
        "position",
        "role_type",
        "step",
        "lane",
        "fte",
        "extension_months",
        "stipend",
        "summer_stipend",
        "lateral",
        "priority",
        f"cost_{year}",
        "funding",
    ]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-position-costs-{year}", header=header, rows=rows
    )


@login_required
@require_GET
def keep_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.PAY_VIEW)
    form = KeepForm(request.GET)
    if not form.is_valid():
        raise Http404("Give a budget and a school year.")
    selectors.record_access(user, district, "what to keep", exported=True)
    report = selectors.keep_report(
        district=district,
        budget=form.cleaned_data["budget"],
        school_year=form.cleaned_data["school_year"],
    )
    rows = [(label, "keep", cost, priority) for label, cost, priority in report.kept_rows]
    rows += [(label, "drop", cost, priority) for label, cost, priority in report.dropped_rows]
    return export_response(
        fmt=fmt,
        stem=f"{district.slug}-what-to-keep-{report.school_year}",
        header=["position", "choice", "cost", "priority"],
        rows=rows,
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """One printable page for the board: the projection, the cliff and the scenarios."""
    district, _ = _view(request, "board report")
    context = _projection_context(request, district)
    context["others"] = [
        (
            s,
            selectors.projection(
                district=district, years=context["years"], cola_percent=context["cola"], scenario=s
            ),
        )
        for s in selectors.scenario_list(district=district)
    ]
    context["district"] = district
    context["crumbs"] = _crumbs(("Board report", None))
    return render(request, "pay/board.html", context)


class PlacementForm(forms.Form):
    school_year = forms.CharField(max_length=7, validators=[validate_school_year])
    step = forms.IntegerField(min_value=1, max_value=60)
    lane = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, lanes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [(lane, lane) for lane in lanes]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def placement(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a person sits on the salary schedule (HR)."""
    district, user = _view(request, f"placement of staff {pk}")
    staff = staff_get(district=district, pk=pk)
    year = selectors.current_year()
    schedule = selectors.schedule_for(district=district, school_year=year)
    lanes = list(schedule.lanes) if schedule else []
    current = (
        Placement.objects.filter(district=district, staff=staff).order_by("-school_year").first()
    )
    initial = {
        "school_year": year,
        "step": current.step if current else 1,
        "lane": current.lane if current else (lanes[0] if lanes else ""),
    }
    form = PlacementForm(request.POST or None, lanes=lanes, initial=initial)
    if request.method == "POST":
        policy.require(user, policy.PAY_EDIT, district)
        if form.is_valid():
            services.placement_set(staff=staff, actor=user, **form.cleaned_data)
            messages.success(request, f"Placed {staff.full_name} on the schedule.")
            return redirect("pay:placement", pk=pk)
    staff_url = reverse("org:staff-detail", args=[pk])
    intro = (
        f"Now: step {current.step}, {current.lane} ({current.school_year})."
        if current
        else "Not placed on the schedule yet."
    )
    context = {
        "form": form,
        "title": f"{staff.full_name} on the salary schedule",
        "cancel_url": staff_url,
        "intro": intro,
        "crumbs": [
            ("Staff", reverse("org:staff-list")),
            (staff.full_name, staff_url),
            ("Salary placement", None),
        ],
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)
