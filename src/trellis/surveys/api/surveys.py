"""/api/v1 endpoints for surveys (tag ``surveys``): instruments with their sections and
questions (from the study's template too), rounds (administrations) opened, reminded and closed,
their participation (counts only) and results (small groups hidden, exactly as on the pages and
in the exports), and answering through one's own invitation."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as QueryError
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import RecordId, StrictSchema, api_district, api_user, body_ref, body_refs
from trellis.core.models import District, Role
from trellis.org.models import School
from trellis.pathways.api.ladders import SchoolYear
from trellis.rollout.models import Cohort
from trellis.surveys import services
from trellis.surveys.forms.results import parse_slice, slice_choices
from trellis.surveys.models import (
    Administration,
    GroupSource,
    ItemKind,
    RespondentGroup,
    Section,
)
from trellis.surveys.models import Status as RoundStatus
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.selectors.results import Cell, NotReady, participation, results, trend

router = Router(tags=["surveys"])
MANAGE = policy.SURVEYS_MANAGE
RESULTS = policy.SURVEYS_RESULTS


class SectionOut(Schema):
    id: int
    title: str
    order: int


class InstrumentItemOut(Schema):
    id: int
    section_id: int | None
    order: int
    kind: ItemKind
    text: str
    points: int
    options: list[str]
    required: bool
    key: str
    retired_at: dt.datetime | None
    answered: bool = Field(description="Answered in some round: its wording is fixed.")

    @staticmethod
    def resolve_answered(obj: Any) -> bool:
        n = getattr(obj, "n_answers", None)  # counted in the instrument's list of questions
        return bool(obj.answers.exists() if n is None else n)


class InstrumentOut(Schema):
    id: int
    name: str
    description: str
    template_key: str
    created_at: dt.datetime


class InstrumentDetailOut(InstrumentOut):
    sections: list[SectionOut]
    items: list[InstrumentItemOut]

    @staticmethod
    def resolve_sections(obj: Any) -> list[Any]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(selectors.items_of(instrument=obj))


class InstrumentIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5_000)
    from_template: bool = Field(False, description="Start with the study's questions.")


class SectionIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)


class ItemIn(StrictSchema):
    kind: ItemKind
    text: str = Field(min_length=1, max_length=1_000)
    section_id: RecordId | None = None
    points: int = Field(4, description="Agree–disagree questions: 4, or 5 with a middle answer.")
    options: list[str] = Field(default_factory=list, max_length=50)
    required: bool = False
    key: str = Field("", max_length=60, description="Ties the question across rounds (trends).")


class SurveyItemPatch(StrictSchema):
    text: str = Field(min_length=1, max_length=1_000)
    options: list[str] = Field(default_factory=list, max_length=50)
    required: bool = False


class AdministrationIn(StrictSchema):
    instrument_id: RecordId
    title: str = Field(min_length=1, max_length=200)
    school_year: SchoolYear
    opens_on: dt.date
    closes_on: dt.date
    audience_roles: list[Role] = Field(min_length=1, max_length=10)
    school_ids: list[RecordId] = Field(default_factory=list, max_length=1_000)
    cohort_id: RecordId | None = None
    group_source: GroupSource = GroupSource.MEMBERSHIP
    min_group: int | None = Field(
        None, description="The smallest group reported; the district's own when left out."
    )
    min_text: int | None = Field(
        None, description="The smallest group whose comments are shown; the district's own "
        "when left out.",
    )  # fmt: skip


class AdministrationOut(Schema):
    id: int
    instrument_id: int
    title: str
    school_year: str
    opens_on: dt.date
    closes_on: dt.date
    status: RoundStatus
    audience_roles: list[str]
    school_ids: list[int]
    cohort_id: int | None
    group_source: GroupSource
    min_group: int
    min_text: int

    @staticmethod
    def resolve_school_ids(obj: Any) -> list[int]:
        return [s.pk for s in obj.audience_schools.all()]

    @staticmethod
    def resolve_cohort_id(obj: Any) -> int | None:
        return obj.audience_cohort_id  # type: ignore[no-any-return]


class SurveyActionOut(Schema):
    id: int
    status: RoundStatus
    emailed: int = Field(description="Invitations or reminders sent.")


class ParticipationOut(Schema):
    invited: int
    answered: int
    rate: float | None


class CellOut(Schema):
    label: str
    hidden: bool
    n: int | None
    agree: float | None
    counts: list[int] | None


class TrendOut(Schema):
    administration_id: int
    title: str
    school_year: str
    n: int | None
    agree: float | None


class ItemResultOut(Schema):
    item_id: int
    key: str
    kind: ItemKind
    text: str
    section: str | None
    scale: list[str]
    total: CellOut
    rows: list[CellOut]
    comments: list[str]
    trend: list[TrendOut]


class ResultsOut(Schema):
    administration_id: int
    breakdown: str | None
    slice: str | None
    slice_label: str
    respondents: int | None
    min_group: int
    min_text: int
    items: list[ItemResultOut]


class AnswerIn(StrictSchema):
    token: str = Field(min_length=1, max_length=200, description="From the invitation's link.")
    group: RespondentGroup | None = Field(None, description="When the round asks for it.")
    answers: dict[str, int | list[int] | str | None] = Field(
        default_factory=dict, max_length=500,
        description="Question id → the scale point (1 = strongly disagree), the choice's index "
                    "(from 0), a list of indexes, or text.",
    )  # fmt: skip


class AnswerOut(Schema):
    answered: int


# --- Instruments ----------------------------------------------------------------------------


@router.get("/surveys/instruments", response=list[InstrumentOut])
@paginate(LimitOffsetPagination)
def instrument_list(request: HttpRequest) -> Any:
    return selectors.instrument_list(district=api_district(request, MANAGE))


@router.post("/surveys/instruments", response={201: InstrumentDetailOut},
             summary="A new survey, blank or with the study's questions")  # fmt: skip
def instrument_create(request: HttpRequest, payload: InstrumentIn) -> Any:
    district, user = api_district(request, MANAGE), api_user(request)
    if payload.from_template:
        if payload.description:
            raise ValidationError({"description": "A survey from the study's questions has "
                                   "the study's description."})  # fmt: skip
        made = services.instrument_from_template(district=district, name=payload.name, actor=user)
    else:
        made = services.instrument_create(district=district, name=payload.name,
                                          description=payload.description, actor=user)  # fmt: skip
    return Status(201, made)


@router.get("/surveys/instruments/{instrument_id}", response=InstrumentDetailOut)
def instrument_detail(request: HttpRequest, instrument_id: int) -> Any:
    district = api_district(request, MANAGE)
    return selectors.instrument_get(district=district, pk=instrument_id)


@router.post("/surveys/instruments/{instrument_id}/sections", response={201: SectionOut})
def section_add(request: HttpRequest, instrument_id: int, payload: SectionIn) -> Any:
    instrument = selectors.instrument_get(district=api_district(request, MANAGE), pk=instrument_id)
    return Status(201, services.section_add(instrument=instrument, title=payload.title,
                                            actor=api_user(request)))  # fmt: skip


@router.post("/surveys/instruments/{instrument_id}/items", response={201: InstrumentItemOut})
def item_add(request: HttpRequest, instrument_id: int, payload: ItemIn) -> Any:
    district = api_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=instrument_id)
    data = payload.model_dump(exclude={"section_id"})
    section = body_ref(Section, district, payload.section_id, "section_id", "section", True)
    return Status(201, services.item_add(instrument=instrument, section=section,
                                         actor=api_user(request), **data))  # fmt: skip


@router.patch("/surveys/items/{item_id}", response=InstrumentItemOut,
              summary="Reword a question, only while nobody has answered it")  # fmt: skip
def item_update(request: HttpRequest, item_id: int, payload: SurveyItemPatch) -> Any:
    item = selectors.item_get(district=api_district(request, MANAGE), pk=item_id)
    return services.item_update(item=item, actor=api_user(request), **payload.model_dump())


@router.post("/surveys/items/{item_id}/retire", response=InstrumentItemOut)
def item_retire(request: HttpRequest, item_id: int) -> Any:
    item = selectors.item_get(district=api_district(request, MANAGE), pk=item_id)
    return services.item_retire(item=item, actor=api_user(request))


# --- Rounds ---------------------------------------------------------------------------------


def _readable(request: HttpRequest) -> tuple[District, bool]:
    """The district, and whether the caller manages surveys (else they read closed rounds'
    results, or may see none)."""
    district = api_district(request)
    if policy.can(api_user(request), MANAGE, district):
        return district, True
    policy.require(api_user(request), RESULTS, district)
    return district, False


@router.get(
    "/surveys/administrations",
    response=list[AdministrationOut],
    summary="Rounds: every one for managers, the closed ones for results readers",
)
@paginate(LimitOffsetPagination)
def administration_list(request: HttpRequest) -> Any:
    district, manager = _readable(request)
    status = None if manager else RoundStatus.CLOSED
    listed = selectors.administration_list(district=district, status=status)
    return listed.prefetch_related("audience_schools")


@router.post("/surveys/administrations", response={201: AdministrationOut})
def administration_create(request: HttpRequest, payload: AdministrationIn) -> Any:
    district = api_district(request, MANAGE)
    instrument = selectors.instrument_get(district=district, pk=payload.instrument_id)
    data = payload.model_dump(include=set(services.ADMIN_FIELDS), exclude_none=True)
    made = services.administration_create(
        instrument=instrument, data=data, actor=api_user(request),
        schools=body_refs(School.objects.all(), district, payload.school_ids, "school_ids",
                          "school"),
        cohort=body_ref(Cohort, district, payload.cohort_id, "cohort_id", "cohort", True),
    )  # fmt: skip
    return Status(201, made)


class SettingsIn(StrictSchema):
    min_group: int | None = Field(None, description="3 at least; 5 is usual.")
    min_text: int | None = Field(None, description="At least min_group; 10 is usual.")


class SettingsOut(Schema):
    min_group: int
    min_text: int


@router.get("/surveys/settings", response=SettingsOut)
def settings_detail(request: HttpRequest) -> Any:
    """The district's smallest groups: no round reports a smaller one."""
    return selectors.survey_settings(district=api_district(request, policy.VIEW))


@router.patch("/surveys/settings", response=SettingsOut)
def settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    district = api_district(request, MANAGE)
    data = payload.model_dump(exclude_none=True)
    return services.settings_save(district=district, data=data, actor=api_user(request))


def _round(request: HttpRequest, pk: int, perm: str) -> Administration:
    return selectors.administration_get(district=api_district(request, perm), pk=pk)


@router.get("/surveys/administrations/{administration_id}", response=AdministrationOut)
def administration_detail(request: HttpRequest, administration_id: int) -> Any:
    district, manager = _readable(request)
    admin = selectors.administration_get(district=district, pk=administration_id)
    if not manager and admin.status != RoundStatus.CLOSED:
        raise PermissionDenied("Results readers see a round once it has closed.")
    return admin


def _acted(admin: Administration, emailed: int) -> dict[str, Any]:
    admin.refresh_from_db(fields=["status"])
    return {"id": admin.pk, "status": admin.status, "emailed": emailed}


@router.post(
    "/surveys/administrations/{administration_id}/open",
    response=SurveyActionOut,
    summary="Open the round and email each person in its audience a private link",
)
def administration_open(request: HttpRequest, administration_id: int) -> Any:
    admin = _round(request, administration_id, MANAGE)
    base = request.build_absolute_uri("/").rstrip("/")
    n = services.administration_open(administration=admin, actor=api_user(request), base_url=base)
    return _acted(admin, n)


@router.post("/surveys/administrations/{administration_id}/remind", response=SurveyActionOut,
             summary="Remind those who have not answered (at most once a day each)")  # fmt: skip
def administration_remind(request: HttpRequest, administration_id: int) -> Any:
    admin = _round(request, administration_id, MANAGE)
    base = request.build_absolute_uri("/").rstrip("/")
    n = services.reminders_send(administration=admin, actor=api_user(request), base_url=base)
    return _acted(admin, n)


@router.post("/surveys/administrations/{administration_id}/close", response=SurveyActionOut)
def administration_close(request: HttpRequest, administration_id: int) -> Any:
    admin = _round(request, administration_id, MANAGE)
    services.administration_close(administration=admin, actor=api_user(request))
    return _acted(admin, 0)


@router.get(
    "/surveys/administrations/{administration_id}/participation",
    response=ParticipationOut,
    summary="How many were asked and answered: never who",
)
def administration_participation(request: HttpRequest, administration_id: int) -> Any:
    p = participation(administration=_round(request, administration_id, MANAGE))
    return {"invited": p.invited, "answered": p.answered, "rate": p.rate}


def _cell(cell: Cell) -> dict[str, Any]:
    return {"label": cell.label, "hidden": cell.hidden, "n": cell.n, "agree": cell.agree,
            "counts": cell.counts}  # fmt: skip


@router.get(
    "/surveys/administrations/{administration_id}/results",
    response=ResultsOut,
    summary="A closed round's results, small groups hidden (409 while it is open)",
    description="Break down by group, school or cohort; narrow to a slice of another kind "
    "with `slice=kind:value`, e.g. `slice=group:building_leader` or `slice=school:12`.",
)
def administration_results(
    request: HttpRequest,
    administration_id: int,
    breakdown: Literal["group", "school", "cohort"] | None = None,
    slice: str = "",
) -> Any:
    district = api_district(request, RESULTS)
    admin = selectors.administration_get(district=district, pk=administration_id)
    if slice and slice not in dict(slice_choices(district)):
        raise QueryError([{"loc": ("query", "slice"), "msg": f"No slice {slice!r} here."}])
    try:
        result = results(administration=admin, breakdown=breakdown, slice_by=parse_slice(slice))
    except NotReady as error:
        raise HttpError(409, error.messages[0]) from error
    except ValidationError as error:
        raise QueryError(
            [
                {"loc": ("query", field), "msg": messages[0]}
                for field, messages in error.message_dict.items()
            ]
        ) from error
    return {
        "administration_id": admin.pk, "breakdown": breakdown, "slice": slice or None,
        "slice_label": result.slice_label, "respondents": result.respondents,
        "min_group": admin.min_group, "min_text": admin.min_text,
        "items": [{
            "item_id": r.item.pk, "key": r.item.key, "kind": r.item.kind, "text": r.item.text,
            "section": r.item.section.title if r.item.section else None, "scale": list(r.scale),
            "total": _cell(r.total), "rows": [_cell(c) for c in r.rows], "comments": r.comments,
            "trend": [{"administration_id": p.administration.pk, "title": p.administration.title,
                       "school_year": p.administration.school_year, "n": p.n, "agree": p.agree}
                      for p in trend(administration=admin, item=r.item)],
        } for r in result.items],
    }  # fmt: skip


# --- Answering ------------------------------------------------------------------------------


@router.post("/surveys/answer", response={201: AnswerOut},
             summary="Answer a round through one's own invitation, once")  # fmt: skip
def answer(request: HttpRequest, payload: AnswerIn) -> Any:
    invitation = services.invitation_by_token(payload.token)
    if invitation is None:
        raise Http404("No invitation has that token.")
    services.require_respondent(invitation, api_user(request))
    errors = {key: "Name a question by its id." for key in payload.answers
              if not (key.isascii() and key.isdigit() and len(key) <= 18)}  # fmt: skip
    if errors:
        raise ValidationError({f"answers.{key}": message for key, message in errors.items()})
    try:
        n = services.response_submit(
            invitation=invitation, group=payload.group,
            answers={int(key): value for key, value in payload.answers.items()},
        )  # fmt: skip
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        # The service names a question's field item_<id>; the body names it answers.<id>.
        raise ValidationError({key.replace("item_", "answers.", 1): messages for key, messages
                               in error.message_dict.items()}) from error  # fmt: skip
    return Status(201, {"answered": n})
