"""Writes for surveys: instruments and their items, administrations (draft → open → closed, by
``ADMINISTRATION_TRANSITIONS``), invitations and reminders, and responses.

A response is written with no link to its author: the invitation is only marked answered, and
the response carries a random id and the day, never the time. An item's wording never changes
once answered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.models import District, Membership, Role, User
from trellis.core.schoolyear import validate_school_year
from trellis.core.writes import save_validated
from trellis.org.models import School, Staff
from trellis.rollout.models import Cohort, CohortMember, MemberStatus
from trellis.surveys import template
from trellis.surveys.models import (
    Administration,
    Answer,
    GroupSource,
    Instrument,
    Invitation,
    Item,
    ItemKind,
    RespondentGroup,
    Response,
    Section,
    Status,
    SurveySettings,
)
from trellis.surveys.selectors.surveys import survey_settings

S = Status
ADMINISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
MAX_TEXT = 5_000
MAX_OPTIONS = 20
# Who a membership makes you, when the survey takes the group from Trellis.
GROUP_OF_ROLE = {
    Role.PRINCIPAL: RespondentGroup.BUILDING_LEADER,
    Role.COACH: RespondentGroup.INSTRUCTIONAL_LEADER,
}


def _today() -> dt.date:
    return timezone.localdate()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _manage(actor: User, target: District | Instrument | Administration) -> None:
    policy.require(actor, policy.SURVEYS_MANAGE, target)


# --- Instruments and items ------------------------------------------------------------------


@transaction.atomic
def instrument_create(
    *, district: District, name: str, description: str = "", actor: User
) -> Instrument:
    _manage(actor, district)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the survey a name."})
    if Instrument.objects.filter(district=district, name__iexact=name).exists():
        raise ValidationError({"name": "The district already has a survey with that name."})
    instrument = Instrument(district=district, name=name, description=(description or "").strip(),
                            created_by=actor)  # fmt: skip
    save_validated(instrument)
    audit_record(actor=actor, action="surveys.instrument_created", target=instrument,
                 changes={"name": [None, name]})  # fmt: skip
    return instrument


@transaction.atomic
def instrument_from_template(*, district: District, name: str, actor: User) -> Instrument:
    """A new instrument with the study's items, section by section."""
    instrument = instrument_create(
        district=district, name=name, actor=actor,
        description="The study's staff survey on the new roles, pay, learning and careers.",
    )  # fmt: skip
    instrument.template_key = template.TEMPLATE_KEY
    instrument.save(update_fields=["template_key"])
    audit_record(actor=actor, action="surveys.template_applied", target=instrument,
                 changes={"template_key": ["", template.TEMPLATE_KEY]})  # fmt: skip
    for order, (title, items) in enumerate(template.SECTIONS, start=1):
        section = section_add(instrument=instrument, title=title, actor=actor, order=order)
        for t in items:
            item_add(
                instrument=instrument,
                section=section,
                kind=t.kind,
                text=t.text,
                points=t.points,
                options=list(t.options),
                key=t.key,
                actor=actor,
            )
    return instrument


@transaction.atomic
def section_add(
    *, instrument: Instrument, title: str, actor: User, order: int | None = None
) -> Section:
    _manage(actor, instrument)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the section a title."})
    if order is None:
        order = (instrument.sections.aggregate(n=Max("order"))["n"] or 0) + 1
    section = Section(district_id=instrument.district_id, instrument=instrument, title=title,
                      order=order)  # fmt: skip
    save_validated(section)
    audit_record(actor=actor, action="surveys.section_added", target=instrument,
                 changes={"section": [None, title]})  # fmt: skip
    return section


def _check_item(kind: str, text: str, points: int, options: Sequence[str]) -> list[str]:
    errors: dict[str, str] = {}
    if kind not in ItemKind.values:
        errors["kind"] = "Choose the kind of question."
    if not (text or "").strip():
        errors["text"] = "Write the question."
    elif len(text) > 1_000:
        errors["text"] = "Keep a question under 1,000 characters."
    if kind == ItemKind.LIKERT and points not in (4, 5):
        errors["points"] = "An agree–disagree scale has 4 points, or 5 with a middle answer."
    clean = [o.strip() for o in options if (o or "").strip()]
    if kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        if len(clean) < 2:
            errors["options"] = "Give at least two choices, one a line."
        elif len(clean) > MAX_OPTIONS:
            errors["options"] = f"Keep it to {MAX_OPTIONS} choices."
        elif len({o.lower() for o in clean}) != len(clean):
            errors["options"] = "Two choices are the same."
    if errors:
        raise ValidationError(errors)
    return clean if kind in (ItemKind.SINGLE, ItemKind.MULTIPLE) else []


@transaction.atomic
def item_add(
    *,
    instrument: Instrument,
    kind: str,
    text: str,
    actor: User,
    section: Section | None = None,
    points: int = 4,
    options: Sequence[str] = (),
    required: bool = False,
    key: str = "",
) -> Item:
    _manage(actor, instrument)
    if section is not None and section.instrument_id != instrument.pk:
        raise ValidationError({"section": "Choose a section of this survey."})
    clean = _check_item(kind, text, points, options)
    order = (instrument.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = Item(district_id=instrument.district_id, instrument=instrument, section=section,
                order=order, kind=kind, text=text.strip(), points=points if kind == ItemKind.LIKERT
                else 4, options=clean, required=required, key=(key or "").strip()[:60])  # fmt: skip
    save_validated(item)
    audit_record(actor=actor, action="surveys.item_added", target=instrument,
                 changes={"item": [None, item.text[:200]]})  # fmt: skip
    return item


@transaction.atomic
def item_update(
    *, item: Item, text: str, options: Sequence[str] = (), required: bool = False, actor: User
) -> Item:
    """Change a question's wording or choices, only while nobody has answered it."""
    _manage(actor, item.instrument)
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.answers.exists():
        raise ValidationError({"text": "People have answered this question, so its wording "
                               "stays as they read it. Retire it and add a new question "
                               "instead."})  # fmt: skip
    clean = _check_item(item.kind, text, item.points, options or item.options)
    before = item.text
    item.text, item.options, item.required = text.strip(), clean, required
    save_validated(item)
    audit_record(actor=actor, action="surveys.item_changed", target=item.instrument,
                 changes={"item": [before[:200], item.text[:200]]})  # fmt: skip
    return item


@transaction.atomic
def item_retire(*, item: Item, actor: User) -> Item:
    _manage(actor, item.instrument)
    item = Item.objects.select_for_update().select_related("instrument").get(pk=item.pk)
    if item.retired_at is not None:
        raise ValidationError("This question is already retired.")
    item.retired_at = timezone.now()
    item.save(update_fields=["retired_at"])
    audit_record(actor=actor, action="surveys.item_retired", target=item.instrument,
                 changes={"item": [item.text[:200], None]})  # fmt: skip
    return item


# --- Administrations ------------------------------------------------------------------------


ADMIN_FIELDS = ("title", "school_year", "opens_on", "closes_on", "audience_roles",
                "group_source", "min_group", "min_text")  # fmt: skip


@transaction.atomic
def administration_create(
    *,
    instrument: Instrument,
    data: Mapping[str, Any],
    schools: Iterable[School] = (),
    cohort: Cohort | None = None,
    actor: User,
) -> Administration:
    _manage(actor, instrument)
    unknown = set(data) - set(ADMIN_FIELDS)
    if unknown:
        raise ValidationError({k: "This field cannot be set here." for k in sorted(unknown)})
    admin = Administration(district_id=instrument.district_id, instrument=instrument,
                           created_by=actor, audience_cohort=cohort, **data)  # fmt: skip
    floor = survey_settings(district=instrument.district)
    if "min_group" not in data:
        admin.min_group = floor.min_group
    if "min_text" not in data:
        admin.min_text = floor.min_text
    errors: dict[str, str] = {}
    if not (admin.title or "").strip():
        errors["title"] = "Give this round a title, e.g. “Spring 2027 staff survey”."
    errors |= _threshold_errors(admin.min_group, admin.min_text, floor)
    roles = admin.audience_roles
    if not isinstance(roles, list) or not roles or any(r not in Role.values for r in roles):
        errors["audience_roles"] = "Choose who is asked: one or more roles."
    if admin.opens_on and admin.closes_on and admin.closes_on < admin.opens_on:
        errors["closes_on"] = "The survey closes before it opens."
    chosen = list(schools)
    if any(s.district_id != instrument.district_id for s in chosen):
        errors["schools"] = "Choose schools of this district."
    if cohort is not None and cohort.district_id != instrument.district_id:
        errors["cohort"] = "Choose a cohort of this district."
    if not instrument.items.filter(retired_at__isnull=True).exists():
        errors["instrument"] = "The survey has no questions yet."
    if errors:
        raise ValidationError(errors)
    validate_school_year(admin.school_year)
    save_validated(admin)
    admin.audience_schools.set(chosen)
    audit_record(actor=actor, action="surveys.administration_created", target=admin,
                 changes={"title": [None, admin.title]})  # fmt: skip
    return admin


def _threshold_errors(
    min_group: int | None, min_text: int | None, floor: SurveySettings | None = None
) -> dict[str, str]:
    """Smallest groups of at least 3, and of at least the district's own when it set them."""
    errors: dict[str, str] = {}
    if min_group is None or min_group < 3:
        errors["min_group"] = "Report no group smaller than 3: smaller groups identify people."
    elif floor is not None and min_group < floor.min_group:
        errors["min_group"] = f"This district reports no group smaller than {floor.min_group}."
    elif min_group > 50:
        errors["min_group"] = "Choose 50 or fewer: larger groups would hide nearly everything."
    if min_text is None or min_text < 3:
        errors["min_text"] = "Show no comments from a group smaller than 3."
    elif floor is not None and min_text < floor.min_text:
        errors["min_text"] = (
            f"This district shows no comments from a group smaller than {floor.min_text}."
        )
    elif min_text > 100:
        errors["min_text"] = "Choose 100 or fewer."
    return errors


@transaction.atomic
def settings_save(*, district: District, data: Mapping[str, Any], actor: User) -> SurveySettings:
    """Set the district's smallest groups. Rounds already started keep theirs."""
    _manage(actor, district)
    unknown = set(data) - {"min_group", "min_text"}
    if unknown:
        raise ValidationError({k: "This field cannot be set here." for k in sorted(unknown)})
    current = SurveySettings.objects.select_for_update().filter(district=district).first()
    saved = current or SurveySettings(district=district)
    before = (saved.min_group, saved.min_text)
    min_group, min_text = data.get("min_group", before[0]), data.get("min_text", before[1])
    errors = _threshold_errors(min_group, min_text)
    if not errors and min_text < min_group:
        errors["min_text"] = "Comments need at least as many people as numbers do."
    if errors:
        raise ValidationError(errors)
    saved.min_group, saved.min_text, saved.updated_by = min_group, min_text, actor
    save_validated(saved)
    after = (min_group, min_text)
    names = ("min_group", "min_text")
    changes = {k: [b, a] for k, b, a in zip(names, before, after, strict=True) if b != a}
    audit_record(actor=actor, action="surveys.settings_changed", target=district, changes=changes)
    return saved


def audience(admin: Administration) -> list[User]:
    """The people an administration asks: members of the district with one of its roles, in its
    schools and cohort when it names them."""
    users = User.objects.filter(
        memberships__district_id=admin.district_id, memberships__role__in=admin.audience_roles,
        is_active=True,
    ).distinct()  # fmt: skip
    schools = list(admin.audience_schools.values_list("pk", flat=True))
    if schools:
        users = users.filter(staff_records__district_id=admin.district_id,
                             staff_records__school_id__in=schools)  # fmt: skip
    if admin.audience_cohort_id is not None:
        in_cohort = CohortMember.objects.filter(
            cohort_id=admin.audience_cohort_id, status=MemberStatus.ACTIVE
        ).values("staff__user_id")
        users = users.filter(pk__in=in_cohort)
    return list(users.order_by("pk"))


def _move(admin: Administration, to: str) -> str:
    before = admin.status
    if to not in ADMINISTRATION_TRANSITIONS[before]:
        raise ValidationError(f"A {admin.get_status_display().lower()} survey cannot become "
                              f"{to}.")  # fmt: skip
    admin.status = to
    return before


@transaction.atomic
def administration_open(*, administration: Administration, actor: User, base_url: str = "") -> int:
    """Open the survey and invite its audience by email; returns how many were invited."""
    _manage(actor, administration)
    admin = Administration.objects.select_for_update().get(pk=administration.pk)
    before = _move(admin, S.OPEN)
    if admin.closes_on < _today():
        raise ValidationError({"closes_on": "The closing date has passed; change it first."})
    people = audience(admin)
    if not people:
        raise ValidationError("Nobody is in this survey's audience yet.")
    admin.save(update_fields=["status"])
    tokens = []
    for user in people:
        token = secrets.token_urlsafe(24)
        tokens.append((user, token))
        Invitation.objects.create(district_id=admin.district_id, administration=admin,
                                  user=user, token_hash=token_hash(token),
                                  invited_on=_today())  # fmt: skip
    transaction.on_commit(lambda: _send(admin, tokens, base_url, reminder=False))
    audit_record(
        actor=actor,
        action="surveys.administration_opened",
        target=admin,
        changes={"status": [before, admin.status], "invited": [None, len(people)]},
    )
    return len(people)


def _send(admin: Administration, tokens: Sequence[tuple[User, str]], base_url: str,
          reminder: bool) -> None:  # fmt: skip
    """The invitations (or reminders) by email: the console in development."""
    subject = f"{'Reminder: ' if reminder else ''}{admin.title}"
    for user, token in tokens:
        if not user.email:
            continue
        link = f"{base_url}/surveys/answer/{token}/"
        send_mail(
            subject,
            f"Your district asks for your views. Your answers are anonymous: nobody, not even "
            f"the survey's managers, can see who answered what, and groups of fewer than "
            f"{admin.min_group} people are never reported.\n\n{link}\n\nThe survey closes on "
            f"{admin.closes_on:%B %-d, %Y}.",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=True,
        )


@transaction.atomic
def reminders_send(*, administration: Administration, actor: User, base_url: str = "") -> int:
    """Remind those who have not answered (at most once a day). New links replace the old."""
    _manage(actor, administration)
    if administration.status != S.OPEN:
        raise ValidationError("Reminders go out while the survey is open.")
    due = list(
        administration.invitations.filter(responded=False).exclude(reminded_on=_today())
        .select_related("user")
    )  # fmt: skip
    tokens = []
    for invitation in due:
        token = secrets.token_urlsafe(24)
        invitation.token_hash, invitation.reminded_on = token_hash(token), _today()
        invitation.save(update_fields=["token_hash", "reminded_on"])
        tokens.append((invitation.user, token))
    transaction.on_commit(lambda: _send(administration, tokens, base_url, reminder=True))
    audit_record(actor=actor, action="surveys.reminders_sent", target=administration,
                 changes={"reminded": [None, len(due)]})  # fmt: skip
    return len(due)


@transaction.atomic
def administration_close(*, administration: Administration, actor: User) -> Administration:
    _manage(actor, administration)
    admin = Administration.objects.select_for_update().get(pk=administration.pk)
    before = _move(admin, S.CLOSED)
    admin.save(update_fields=["status"])
    audit_record(actor=actor, action="surveys.administration_closed", target=admin,
                 changes={"status": [before, admin.status]})  # fmt: skip
    return admin


# --- Answering ------------------------------------------------------------------------------


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("administration__instrument", "user")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )


def _clean_answer(item: Item, raw: Any) -> dict[str, Any] | None:
    """The answer to store for ``item`` from what was sent, or None for no answer."""
    if raw in (None, "", []):
        if item.required:
            raise ValidationError({f"item_{item.pk}": "This question needs an answer."})
        return None
    at = f"item_{item.pk}"
    if item.kind == ItemKind.TEXT:
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            raise ValidationError({at: f"Keep it under {MAX_TEXT:,} characters."})
        return {"text": text} if text else None
    if item.kind == ItemKind.MULTIPLE:
        values = raw if isinstance(raw, list | tuple) else [raw]
        try:
            picks = sorted({int(v) for v in values})
        except (TypeError, ValueError) as error:
            raise ValidationError({at: "Choose from the list."}) from error
        if any(not 0 <= p < len(item.options) for p in picks):
            raise ValidationError({at: "Choose from the list."})
        return {"choices": picks}
    # A scale runs 1 (strongly disagree) to its points; choices are numbered from 0.
    low, high = (1, item.points) if item.kind == ItemKind.LIKERT else (0, len(item.options) - 1)
    try:
        value = int(raw)
    except (TypeError, ValueError) as error:
        raise ValidationError({at: "Choose one of the answers."}) from error
    if not low <= value <= high:
        raise ValidationError({at: "That answer is not on this question's scale."})
    return {"value": value}


def _who(invitation: Invitation, group: str | None) -> tuple[str, int | None, int | None]:
    """The respondent's group, school and cohort: all a response keeps about them."""
    admin = invitation.administration
    if admin.group_source == GroupSource.ASK:
        if group not in RespondentGroup.values:
            raise ValidationError({"group": "Say which group you belong to."})
        chosen = str(group)
    else:
        roles = set(
            Membership.objects.filter(
                user=invitation.user, district_id=admin.district_id
            ).values_list("role", flat=True)
        )
        chosen = next((GROUP_OF_ROLE[r] for r in (Role.PRINCIPAL, Role.COACH) if r in roles),
                      RespondentGroup.OTHER)  # fmt: skip
    staff = Staff.objects.filter(district_id=admin.district_id, user=invitation.user).first()
    cohort = None
    if staff is not None:
        member = CohortMember.objects.filter(staff=staff, status=MemberStatus.ACTIVE)
        if admin.audience_cohort_id is not None:
            member = member.filter(cohort_id=admin.audience_cohort_id)
        cohort = member.order_by("-phase__school_year").values_list("cohort_id", flat=True).first()
    return chosen, staff.school_id if staff else None, cohort


@transaction.atomic
def response_submit(
    *, invitation: Invitation, answers: Mapping[int, Any], group: str | None = None
) -> int:
    """Record one person's answers, anonymously; returns how many questions they answered.
    The invitation only learns that it was used."""
    invitation = Invitation.objects.select_for_update().select_related(
        "administration", "user").get(pk=invitation.pk)  # fmt: skip
    admin = invitation.administration
    if invitation.responded:
        raise ValidationError("This invitation has already been used to answer.")
    if admin.status != S.OPEN or not admin.opens_on <= _today() <= admin.closes_on:
        raise ValidationError("This survey is not open for answers.")
    items = list(admin.instrument.items.filter(retired_at__isnull=True))
    if extra := set(answers) - {i.pk for i in items}:
        raise ValidationError({"answers": f"{len(extra)} answers are for questions not in this "
                               "survey."})  # fmt: skip
    errors: dict[str, str] = {}
    clean: dict[int, dict[str, Any]] = {}
    for item in items:
        try:
            answer = _clean_answer(item, answers.get(item.pk))
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
            continue
        if answer is not None:
            clean[item.pk] = answer
    try:
        group_chosen, school_id, cohort_id = _who(invitation, group)
    except ValidationError as error:  # shown beside the answers' errors, not instead of them
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    response = Response.objects.create(
        district_id=admin.district_id, administration=admin, group=group_chosen,
        school_id=school_id, cohort_id=cohort_id, submitted_on=_today(),
    )  # fmt: skip
    Answer.objects.bulk_create(
        Answer(district_id=admin.district_id, response=response, item_id=item_id, **fields)
        for item_id, fields in clean.items()
    )
    invitation.responded = True
    invitation.save(update_fields=["responded"])
    # Who took part is already on the invitation; the event says no more than that.
    audit_record(actor=invitation.user, action="surveys.answered", target=admin)
    return len(clean)


def require_respondent(invitation: Invitation | None, user: User) -> Invitation:
    """A signed-in person answers only through their own invitation."""
    if invitation is None or invitation.user_id != user.pk:
        raise PermissionDenied("This survey link is not yours.")
    return invitation
