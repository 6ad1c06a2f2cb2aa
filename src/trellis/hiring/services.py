"""Writes for hiring. Each validates, saves and audits in one transaction.

Status machines: postings (draft → open → closed) and applications (``APPLICATION_FLOW``).
Scorecards are append-only: a correction is a new scorecard that supersedes the old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from trellis.coaching import assignment as coach_assignment
from trellis.core.audit import audit_record
from trellis.core.models import AuditEvent, District, User
from trellis.core.schoolyear import school_year_of
from trellis.core.uploads import check_upload
from trellis.core.writes import assign_fields, save_validated
from trellis.hiring import carson_city, selectors
from trellis.hiring.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Audience,
    Candidate,
    Component,
    Criterion,
    DataTask,
    DebriefMeeting,
    DevelopmentGoal,
    GoalStatus,
    Interview,
    InterviewTemplate,
    PanelSeat,
    Posting,
    PostingStatus,
    Score,
    Scorecard,
    SeatRole,
    Source,
)
from trellis.learning.services.plans import goals_from_debrief
from trellis.org import services as org_services
from trellis.org.models import Staff, StaffClassification
from trellis.roles import services as roles_services
from trellis.roles.models import Assignment, Position, PositionStatus, RoleCategory

A = ApplicationStatus
FINAL = frozenset({A.ACCEPTED, A.DECLINED, A.REJECTED, A.WITHDRAWN})
APPLICATION_FLOW: dict[str, frozenset[str]] = {
    A.SUBMITTED: frozenset({A.SCREENED, A.REJECTED, A.WITHDRAWN}),
    A.SCREENED: frozenset({A.INTERVIEWING, A.REJECTED, A.WITHDRAWN}),
    A.INTERVIEWING: frozenset({A.DEBRIEF, A.REJECTED, A.WITHDRAWN}),
    A.DEBRIEF: frozenset({A.OFFERED, A.REJECTED, A.WITHDRAWN}),
    A.OFFERED: frozenset({A.ACCEPTED, A.DECLINED, A.WITHDRAWN}),
    A.ACCEPTED: frozenset(),
    A.DECLINED: frozenset(),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}
CV_TYPES = {
    "pdf": b"%PDF",
    "docx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "doc": b"\xd0\xcf\x11\xe0",
    "rtf": b"{\\rtf",
    "txt": b"",
}
CV_MAX_BYTES = 5 * 1024 * 1024
POSTING_FIELDS = ("position", "template", "title", "summary", "audience", "opens_on", "closes_on")


# --- Templates ------------------------------------------------------------------------------


def standard_template_build(district: District) -> InterviewTemplate:
    """The Carson City-style template's rows, without an audit event (the scale generator's
    bulk data uses this; people and the demo go through ``template_seed``)."""
    template = InterviewTemplate.objects.create(
        district=district,
        name=carson_city.NAME,
        description=carson_city.DESCRIPTION,
        total_points=300,
        required_seats=list(carson_city.REQUIRED_SEATS),
        standard_key=carson_city.KEY,
    )
    for order, part in enumerate(carson_city.PARTS, start=1):
        component = Component.objects.create(
            district=district,
            template=template,
            order=order,
            name=part.name,
            description=part.description,
            mode=part.mode,
            duration_minutes=part.minutes,
            points=50,
            weight=Decimal("1.00"),
        )
        Criterion.objects.bulk_create(
            Criterion(
                district=district,
                component=component,
                order=i,
                name=name,
                scale_min=1,
                scale_max=4,
                descriptors=carson_city.LEVELS,
            )
            for i, name in enumerate(part.criteria, start=1)
        )
        if part.data_task is not None:
            shipped_data_task(component, part.data_task).save()
    return template


def shipped_data_task(component: Component, spec: carson_city.DataTaskSpec) -> DataTask:
    """The shipped process's data task for ``component``, unsaved."""
    return DataTask(
        district_id=component.district_id,
        component=component,
        kind=spec.kind,
        title=spec.title,
        prompt=spec.prompt,
        seed=spec.seed,
        students=spec.students,
        standards=list(spec.standards),
        scale_min=spec.scale_min,
        scale_max=spec.scale_max,
    )


@transaction.atomic
def template_seed(*, district: District, actor: User | None) -> InterviewTemplate:
    """The Carson City-style performance interview, once per district."""
    found = InterviewTemplate.objects.filter(district=district, standard_key=carson_city.KEY)
    if found.exists():
        return found.order_by("-version").first()  # type: ignore[return-value]
    template = standard_template_build(district)
    audit_record(
        actor=actor,
        action="hiring.template_created",
        target=template,
        changes={"name": [None, template.name]},
    )
    return template


def _copy(template: InterviewTemplate, name: str, version: int) -> InterviewTemplate:
    copy = InterviewTemplate.objects.create(
        district_id=template.district_id,
        name=name,
        version=version,
        description=template.description,
        total_points=template.total_points,
        required_seats=list(template.required_seats),
        debrief_threshold=template.debrief_threshold,
        standard_key=template.standard_key if name == template.name else "",
    )
    tasks = {t.component_id: t for t in DataTask.objects.filter(component__template=template)}
    for component in template.components.prefetch_related("criteria"):
        criteria = list(component.criteria.all())
        task = tasks.get(component.pk)
        component.pk, component.template = None, copy
        component.save()
        for criterion in criteria:
            criterion.pk, criterion.component = None, component
        Criterion.objects.bulk_create(criteria)
        if task is not None:  # same seed: the copy's candidates read the same data set
            task.pk, task.component = None, component
            task.save()
    return copy


@transaction.atomic
def template_clone(*, template: InterviewTemplate, name: str, actor: User) -> InterviewTemplate:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the copy a name."})
    if InterviewTemplate.objects.filter(district_id=template.district_id, name=name).exists():
        raise ValidationError({"name": f"A process called “{name}” already exists."})
    copy = _copy(template, name, 1)
    audit_record(
        actor=actor,
        action="hiring.template_cloned",
        target=copy,
        changes={"from": [None, str(template)]},
    )
    return copy


@transaction.atomic
def template_revise(*, template: InterviewTemplate, actor: User) -> InterviewTemplate:
    """The template to edit: itself while unused, else its next version (running interviews
    keep the version they were scored with)."""
    template = InterviewTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_locked:
        return template
    if template.replaced_by_id:
        return template.replaced_by  # type: ignore[return-value]
    latest = (
        InterviewTemplate.objects.filter(district_id=template.district_id, name=template.name)
        .order_by("-version")
        .first()
    )
    assert latest is not None
    revised = _copy(template, template.name, latest.version + 1)
    template.replaced_by = revised
    template.save(update_fields=["replaced_by"])
    audit_record(
        actor=actor,
        action="hiring.template_revised",
        target=revised,
        changes={"version": [template.version, revised.version]},
    )
    return revised


def require_unlocked(template: InterviewTemplate) -> None:
    if template.locked_at is not None:
        raise ValidationError(
            "Interviews have been scored with this version, so it cannot change; make a new "
            "version to edit."
        )


TEMPLATE_FIELDS = ("description", "total_points", "debrief_threshold", "required_seats")
COMPONENT_FIELDS = ("name", "description", "mode", "duration_minutes", "points", "weight")


@transaction.atomic
def template_update(
    *, template: InterviewTemplate, data: Mapping[str, Any], actor: User
) -> InterviewTemplate:
    template = InterviewTemplate.objects.select_for_update().get(pk=template.pk)
    require_unlocked(template)
    assign_fields(template, data, TEMPLATE_FIELDS)
    unknown = set(template.required_seats) - set(SeatRole.values)
    if unknown:
        raise ValidationError({"required_seats": f"Unknown seats: {', '.join(sorted(unknown))}."})
    save_validated(template)
    audit_record(
        actor=actor,
        action="hiring.template_updated",
        target=template,
        changes={k: [None, str(getattr(template, k))] for k in data},
    )
    return template


@transaction.atomic
def component_save(
    *,
    template: InterviewTemplate,
    component: Component | None,
    data: Mapping[str, Any],
    criteria: list[str],
    actor: User,
) -> Component:
    """Add or change one part and its criteria (one per line, rated 1–4 on the shipped
    descriptors unless a criterion already had its own scale)."""
    template = InterviewTemplate.objects.select_for_update().get(pk=template.pk)
    require_unlocked(template)
    names = [c.strip() for c in criteria if c.strip()]
    if not names:
        raise ValidationError({"criteria": "List at least one criterion the panel will rate."})
    if len(set(n.lower() for n in names)) != len(names):
        raise ValidationError({"criteria": "Each criterion must appear once."})
    if component is None:
        last = template.components.order_by("-order").first()
        component = Component(
            district_id=template.district_id,
            template=template,
            order=(last.order + 1) if last else 1,
        )
    elif component.template_id != template.pk:
        raise ValidationError("This part belongs to another interview process.")
    assign_fields(component, data, COMPONENT_FIELDS)
    save_validated(component)
    existing = {c.name.lower(): c for c in component.criteria.all()}
    keep = []
    for order, name in enumerate(names, start=1):
        criterion = existing.get(name.lower()) or Criterion(
            district_id=template.district_id,
            component=component,
            scale_min=1,
            scale_max=4,
            descriptors=carson_city.LEVELS,
        )
        criterion.name, criterion.order = name, order
        save_validated(criterion)
        keep.append(criterion.pk)
    component.criteria.exclude(pk__in=keep).delete()
    audit_record(
        actor=actor,
        action="hiring.component_saved",
        target=template,
        changes={"part": [None, f"{component.name}: {len(names)} criteria"]},
    )
    return component


@transaction.atomic
def component_delete(*, component: Component, actor: User) -> None:
    template = InterviewTemplate.objects.select_for_update().get(pk=component.template_id)
    require_unlocked(template)
    if template.components.count() <= 1:
        raise ValidationError("An interview process needs at least one part.")
    audit_record(
        actor=actor,
        action="hiring.component_deleted",
        target=template,
        changes={"part": [component.name, None]},
    )
    component.delete()


# --- Postings -------------------------------------------------------------------------------


@transaction.atomic
def posting_create(*, district: District, data: Mapping[str, Any], actor: User) -> Posting:
    posting = Posting(district=district)
    assign_fields(posting, data, POSTING_FIELDS)
    errors: dict[str, str] = {}
    position: Position = posting.position
    if position.district_id != district.pk:
        errors["position"] = "Choose a position in this district."
    elif position.status not in (PositionStatus.OPEN, PositionStatus.PLANNED):
        errors["position"] = (
            f"{position.requisition_number} is {position.get_status_display().lower()}; post "
            "an open or planned position."
        )
    if posting.template.district_id != district.pk:
        errors["template"] = "Choose an interview process of this district."
    if errors:
        raise ValidationError(errors)
    save_validated(posting)
    audit_record(
        actor=actor,
        action="hiring.posting_created",
        target=posting,
        changes={"title": [None, posting.title], "position": [None, position.requisition_number]},
    )
    return posting


POSTING_FLOW: dict[str, frozenset[str]] = {
    PostingStatus.DRAFT: frozenset({PostingStatus.OPEN, PostingStatus.CLOSED}),
    PostingStatus.OPEN: frozenset({PostingStatus.CLOSED}),
    PostingStatus.CLOSED: frozenset({PostingStatus.OPEN}),
}


@transaction.atomic
def posting_transition(*, posting: Posting, to: str, actor: User) -> Posting:
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    if to not in POSTING_FLOW.get(posting.status, frozenset()):
        raise ValidationError({"status": f"A {posting.status} posting cannot become {to}."})
    before, posting.status = posting.status, to
    posting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="hiring.posting_status_changed",
        target=posting,
        changes={"status": [before, to]},
    )
    return posting


# --- Applications ---------------------------------------------------------------------------


def check_cv(upload: UploadedFile | None) -> None:
    """A CV must be a document we accept, of at most 5 MB, and look like what it says."""
    if upload is None:
        return
    check_upload(
        upload, field="cv", label="The CV", types=CV_TYPES, max_bytes=CV_MAX_BYTES,
        kinds_message="Upload the CV as PDF, Word (.docx or .doc), OpenDocument (.odt), RTF "
        "or plain text.",
    )  # fmt: skip


def _accepting(posting: Posting, internal: bool, today: dt.date) -> None:
    if posting.status != PostingStatus.OPEN or not posting.opens_on <= today <= posting.closes_on:
        raise ValidationError("This posting is not taking applications.")
    if internal and posting.audience == Audience.EXTERNAL:
        raise ValidationError("This posting is for external candidates.")
    if not internal and posting.audience == Audience.INTERNAL:
        raise ValidationError("This posting is open to current staff only; sign in to apply.")


@transaction.atomic
def application_submit(
    *,
    posting: Posting,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    source: str = Source.OTHER,
    cover_note: str = "",
    cv: UploadedFile | None = None,
    staff: Staff | None = None,
    actor: User | None = None,
) -> Application:
    """An external candidate through the public form, or a member of staff signed in."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    _accepting(posting, staff is not None, timezone.localdate())
    check_cv(cv)
    email = (email or "").strip().lower()
    candidate = Candidate.objects.filter(district_id=posting.district_id, email=email).first()
    if candidate is None:
        candidate = Candidate(
            district_id=posting.district_id,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            phone=phone.strip(),
            staff=staff,
            source=Source.INTERNAL if staff is not None else source,
        )
        save_validated(candidate)
    if Application.objects.filter(posting=posting, candidate=candidate).exists():
        raise ValidationError({"email": "An application with this email is already in."})
    application = Application(
        district_id=posting.district_id,
        posting=posting,
        candidate=candidate,
        cover_note=(cover_note or "").strip(),
    )
    if cv is not None:
        application.cv = cv
    save_validated(application)
    ApplicationEvent.objects.create(
        district_id=posting.district_id, application=application, to_status=A.SUBMITTED, actor=actor
    )
    audit_record(
        actor=actor,
        action="hiring.application_submitted",
        target=application,
        changes={"candidate": [None, candidate.full_name]},
    )
    return application


def _move(application: Application, to: str, reason: str, actor: User | None) -> None:
    before = application.status
    if to not in APPLICATION_FLOW.get(before, frozenset()):
        labels = dict(ApplicationStatus.choices)
        allowed = ", ".join(labels[s].lower() for s in sorted(APPLICATION_FLOW[before]))
        raise ValidationError(
            {
                "status": (
                    f"A {labels[before].lower()} application cannot become "
                    f"{labels.get(to, to).lower()}; it can become: "
                    f"{allowed or 'nothing (it is final)'}."
                )
            }
        )
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(
        district_id=application.district_id,
        application=application,
        from_status=before,
        to_status=to,
        reason=(reason or "").strip(),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="hiring.application_moved",
        target=application,
        changes={"status": [before, to]},
    )


@transaction.atomic
def application_move(
    *, application: Application, to: str, reason: str = "", actor: User
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to in (A.REJECTED, A.WITHDRAWN) and not (reason or "").strip():
        raise ValidationError({"reason": "Say why, for the candidate's record."})
    if to in (A.OFFERED, A.ACCEPTED):
        raise ValidationError({"status": "Make offers and record acceptance from the offer step."})
    _move(application, to, reason, actor)
    return application


# --- Panels ---------------------------------------------------------------------------------


@transaction.atomic
def seat_add(*, posting: Posting, staff: Staff, seat_role: str, actor: User) -> PanelSeat:
    if staff.district_id != posting.district_id:
        raise ValidationError({"staff": "Choose a panelist from this district's staff."})
    if Scorecard.objects.filter(application__posting=posting).exists():
        raise ValidationError("Scoring has started; the panel can no longer change.")
    if PanelSeat.objects.filter(posting=posting, staff=staff).exists():
        raise ValidationError({"staff": f"{staff.full_name} already has a seat on this panel."})
    seat = PanelSeat(
        district_id=posting.district_id, posting=posting, staff=staff, seat_role=seat_role
    )
    save_validated(seat)
    audit_record(
        actor=actor,
        action="hiring.panelist_seated",
        target=posting,
        changes={"panel": [None, f"{staff.full_name} ({seat_role})"]},
    )
    return seat


@transaction.atomic
def seat_remove(*, seat: PanelSeat, actor: User) -> None:
    if (
        seat.scorecards.exists()
        or Scorecard.objects.filter(application__posting_id=seat.posting_id).exists()
    ):
        raise ValidationError("Scoring has started; the panel can no longer change.")
    audit_record(
        actor=actor,
        action="hiring.panelist_unseated",
        target=seat.posting,
        changes={"panel": [str(seat), None]},
    )
    seat.delete()


# --- Interviews -----------------------------------------------------------------------------


@transaction.atomic
def interview_schedule(
    *,
    posting: Posting,
    applications: list[Application],
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    actor: User,
) -> Interview:
    if not applications:
        raise ValidationError({"applications": "Choose at least one candidate."})
    if any(a.posting_id != posting.pk for a in applications):
        raise ValidationError({"applications": "Choose candidates of this posting."})
    if any(a.status in FINAL for a in applications):
        raise ValidationError({"applications": "A candidate chosen is no longer in the running."})
    interview = Interview(
        district_id=posting.district_id,
        posting=posting,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=(location or "").strip(),
        is_group=len(applications) > 1,
    )
    save_validated(interview)
    interview.applications.set(applications)
    for application in applications:
        locked = Application.objects.select_for_update().get(pk=application.pk)
        for step in (A.SCREENED, A.INTERVIEWING):
            if step in APPLICATION_FLOW.get(locked.status, frozenset()):
                _move(locked, step, "Interview scheduled.", actor)
    audit_record(
        actor=actor,
        action="hiring.interview_scheduled",
        target=posting,
        changes={
            "interview": [None, f"{starts_at:%Y-%m-%d %H:%M}, {len(applications)} candidate(s)"]
        },
    )
    return interview


# --- Scoring --------------------------------------------------------------------------------


def _check_ratings(template: InterviewTemplate, ratings: Mapping[int, Any]) -> dict[int, int]:
    criteria = {c.pk: c for c in Criterion.objects.filter(component__template=template)}
    errors: dict[str, list[str]] = {}
    clean: dict[int, int] = {}
    unknown = set(ratings) - set(criteria)
    if unknown:
        errors["scores"] = [
            f"Criterion {c} is not part of this interview." for c in sorted(unknown)
        ]
    for pk, criterion in criteria.items():
        raw = ratings.get(pk)
        key = f"criterion_{pk}"
        if raw in (None, ""):
            errors[key] = [f"Rate “{criterion.name}”."]
            continue
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            errors[key] = [f"“{criterion.name}” needs a whole number."]
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            errors[key] = [
                f"“{criterion.name}” is rated from {criterion.scale_min} to "
                f"{criterion.scale_max}; {value} is outside the scale."
            ]
            continue
        clean[pk] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _save_scorecard(
    application: Application,
    seat: PanelSeat,
    ratings: dict[int, int],
    notes: str,
    actor: User,
    supersedes: Scorecard | None = None,
    reason: str = "",
) -> Scorecard:
    scorecard = Scorecard.objects.create(
        district_id=application.district_id,
        application=application,
        seat=seat,
        submitted_by=actor,
        notes=(notes or "").strip(),
        supersedes=supersedes,
        correction_reason=reason,
    )
    Score.objects.bulk_create(
        Score(
            district_id=application.district_id, scorecard=scorecard, criterion_id=pk, value=value
        )
        for pk, value in ratings.items()
    )
    return scorecard


@transaction.atomic
def scorecard_submit(
    *,
    application: Application,
    seat: PanelSeat,
    ratings: Mapping[int, Any],
    notes: str = "",
    actor: User,
) -> Scorecard:
    """One panelist's independent scores; every criterion, each on its scale, once."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    posting = application.posting
    if seat.posting_id != posting.pk:
        raise ValidationError("You are not seated on this candidate's panel.")
    if application.status != A.INTERVIEWING:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()}; scores are taken "
            "while the candidate is interviewing."
        )
    problems = selectors.panel_problems(posting)
    if problems:
        raise ValidationError(["The panel is not complete, so scoring cannot start:", *problems])
    if selectors.current_scorecards(application).filter(seat=seat).exists():
        raise ValidationError(
            "You have already submitted scores for this candidate; submitted scores cannot be "
            "changed (HR can record a correction)."
        )
    template = posting.template
    clean = _check_ratings(template, ratings)
    scorecard = _save_scorecard(application, seat, clean, notes, actor)
    if template.locked_at is None:
        InterviewTemplate.objects.filter(pk=template.pk).update(locked_at=timezone.now())
    audit_record(
        actor=actor,
        action="hiring.scorecard_submitted",
        target=application,
        changes={"scorecard": [None, f"{seat.staff.full_name}, {len(clean)} ratings"]},
    )
    seats = PanelSeat.objects.filter(posting=posting).count()
    if selectors.current_scorecards(application).count() >= seats:
        _move(application, A.DEBRIEF, "Every panelist has submitted scores.", actor)
    return scorecard


@transaction.atomic
def scorecard_correct(
    *, scorecard: Scorecard, ratings: Mapping[int, Any], reason: str, actor: User
) -> Scorecard:
    """Replace a submitted scorecard by a new one, keeping both; only with a reason."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if hasattr(scorecard, "superseded_by"):
        raise ValidationError("This scorecard has already been corrected; correct the newest one.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the scores are being corrected."})
    application = scorecard.application
    clean = _check_ratings(application.posting.template, ratings)
    new = _save_scorecard(
        application,
        scorecard.seat,
        clean,
        scorecard.notes,
        actor,
        supersedes=scorecard,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="hiring.scorecard_corrected",
        target=application,
        changes={"scorecard": [scorecard.pk, new.pk], "reason": [None, reason]},
    )
    return new


# --- Offers, acceptance, the debrief --------------------------------------------------------


@transaction.atomic
def offer_make(*, application: Application, actor: User, note: str = "") -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    position = Position.objects.select_for_update().get(pk=application.posting.position_id)
    if position.status != PositionStatus.OPEN:
        raise ValidationError(
            f"{position.requisition_number} is {position.get_status_display().lower()}; an offer "
            "needs an open position."
        )
    if Application.objects.filter(posting__position=position, status=A.OFFERED).exists():
        raise ValidationError("Another candidate holds an offer for this position.")
    _move(application, A.OFFERED, note or "Offer made.", actor)
    return application


@transaction.atomic
def offer_accept(
    *, application: Application, begin_date: dt.date, actor: User, is_tosa: bool = False
) -> tuple[Application, list[str]]:
    """The candidate accepts: they take the position (a staff record is made for an external
    hire), and HR gets any warnings to act on."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != A.OFFERED:
        raise ValidationError("Only an offered application can be accepted.")
    candidate = application.candidate
    position = application.posting.position
    warnings: list[str] = []
    staff = candidate.staff
    # The school an internal hire taught in, flagged for the coach assignment below.
    former_school = staff.school if staff is not None else None
    if staff is None:
        number = f"H{application.pk:06d}"
        staff = org_services.staff_create(
            district=application.district,
            actor=actor,
            data={
                "staff_unique_id": number,
                "first_name": candidate.first_name,
                "last_name": candidate.last_name,
                "email": candidate.email,
                "school": position.school,
                "classification": _classification(position),
                "hire_date": begin_date,
            },
        )
        Candidate.objects.filter(pk=candidate.pk).update(staff=staff)
    elif position.school_id and staff.school_id == position.school_id:
        warnings.append(
            f"{staff.full_name} taught at {position.school}; coaching former peers is hard. "
            "The study's sites placed internal hires in a school where they had not taught."
        )
    roles_services.assignment_create(
        position=position, staff=staff, begin_date=begin_date, is_tosa=is_tosa, actor=actor
    )
    role_type = position.version.job_description.role_type
    if former_school is not None and role_type.category == RoleCategory.INSTRUCTIONAL_LEADERSHIP:
        # Flagged at hire: the coach assignment never places them over their former peers.
        coach_assignment.flag_former_school(
            district=application.district, staff=staff, school=former_school, actor=actor
        )
    _move(application, A.ACCEPTED, "Offer accepted.", actor)
    return application, warnings


def _classification(position: Position) -> str:
    return position.version.job_description.role_type.staff_classification or (
        StaffClassification.INSTRUCTIONAL_COORDINATOR
    )


@transaction.atomic
def debrief_goals_create(*, application: Application, actor: User) -> list[DevelopmentGoal]:
    """The components the panel scored below the template's threshold become the new hire's
    development goals (once), and goals in their learning plan for the school year their
    assignment starts (learning adds each goal once, so a second run adds nothing)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != A.ACCEPTED:
        raise ValidationError("Goals come from the debrief of an accepted candidate.")
    staff = Candidate.objects.get(pk=application.candidate_id).staff
    assert staff is not None
    done = AuditEvent.objects.filter(
        district_id=application.district_id,
        action="hiring.debrief_goals_created",
        target_type=application._meta.label_lower,
        target_id=str(application.pk),
    ).exists()
    goals = list(application.goals.all())  # the debrief runs once
    if not done and not goals:
        result = selectors.application_result(application)
        if result is None:
            raise ValidationError("The panel's scores are not complete.")
        threshold = float(application.posting.template.debrief_threshold)
        for item in result.components:
            # Rounded: a part scored exactly at the threshold must not fall below it by a float.
            if round(item.share, 9) < threshold:
                component = Component.objects.get(pk=item.component.id)
                goals.append(
                    DevelopmentGoal.objects.create(
                        district_id=application.district_id,
                        application=application,
                        staff=staff,
                        component=component,
                        share=Decimal(f"{item.share:.3f}"),
                        text=f"Grow in “{component.name}”: the panel's mean was "
                        f"{item.mean:.1f} of {component.points} points.",
                    )
                )
        audit_record(
            actor=actor,
            action="hiring.debrief_goals_created",
            target=application,
            changes={"goals": [None, len(goals)]},
        )
    # Open goals (new ones, or any made before plans existed) go to the learning plan.
    waiting = [g for g in goals if g.status == GoalStatus.OPEN]
    if waiting:
        begin = (
            Assignment.objects.filter(
                district_id=application.district_id,
                staff=staff,
                position_id=application.posting.position_id,
            )
            .order_by("-begin_date")
            .values_list("begin_date", flat=True)
            .first()
        )
        goals_from_debrief(
            staff=staff,
            school_year=school_year_of(begin or timezone.localdate()),
            goals=[(g.text, f"hiring.goal:{g.pk}") for g in waiting],
            actor=actor,
        )
        DevelopmentGoal.objects.filter(pk__in=[g.pk for g in waiting]).update(
            status=GoalStatus.IN_PLAN
        )
        audit_record(
            actor=actor,
            action="hiring.debrief_goals_planned",
            target=application,
            changes={"goals_in_plan": [None, len(waiting)]},
        )
        for goal in waiting:
            goal.status = GoalStatus.IN_PLAN
    return goals


@transaction.atomic
def debrief_meeting_record(
    *, application: Application, held_on: dt.date, notes: str, actor: User
) -> DebriefMeeting:
    if application.status != A.ACCEPTED:
        raise ValidationError("The follow-up meeting is held after a hire.")
    meeting, _ = DebriefMeeting.objects.update_or_create(
        district_id=application.district_id,
        application=application,
        defaults={"held_on": held_on, "notes": (notes or "").strip(), "recorded_by": actor},
    )
    audit_record(
        actor=actor,
        action="hiring.debrief_meeting_recorded",
        target=application,
        changes={"held_on": [None, str(held_on)]},
    )
    return meeting
