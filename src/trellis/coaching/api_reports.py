"""/api/v1 endpoints for class data reports (tag ``coaching``). A report is returned only to the
people ``class_reports.readable_reports`` lets see it (anyone else: 404, the teacher's evaluator
included)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.coaching import class_reports as reports
from trellis.core.api import StrictSchema, api_district, api_user, problem
from trellis.core.models import User
from trellis.org.selectors import staff_get

router = Router(tags=["coaching"])


class TeacherOut(Schema):
    id: int
    name: str = Field(alias="full_name")
    staff_unique_id: str


class ReportOut(Schema):
    id: int
    title: str
    teacher: TeacherOut
    school_year: str
    scale_min: int
    scale_max: int
    source: str
    file_name: str
    created_at: dt.datetime


class ReportListOut(ReportOut):
    students: int
    standards: int


class StandardPointOut(Schema):
    standard: str
    mean: str = Field(description="The class mean, rounded to one decimal.")
    proficient_share: str = Field(description="Share of students at the proficient level or up.")


class StudentPointOut(Schema):
    student: str
    mean: str


class CheckInOut(Schema):
    student: str
    standard: str
    level: int


class HeatmapOut(Schema):
    students: list[str]
    standards: list[str]
    levels: list[list[int | None]] = Field(description="One row per student, one column each.")
    proficient: int
    standard_means: list[StandardPointOut]
    high_points: list[str] = Field(description="The strongest standards.")
    low_points: list[str] = Field(description="The weakest standards.")
    students_ahead: list[StudentPointOut]
    students_behind: list[StudentPointOut]
    check_ins: list[CheckInOut] = Field(description="Students to check in with.")


class ReportDetailOut(ReportOut):
    heatmap: HeatmapOut

    @staticmethod
    def resolve_heatmap(obj: Any) -> dict[str, Any]:
        return _heatmap(obj)


class ReportIn(Schema):
    teacher_id: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(min_length=1, max_length=200)
    school_year: str = Field(pattern=r"^\d{4}-\d{2}$")
    scale_min: int = Field(1, ge=0, le=reports.MAX_LEVEL - 1)
    scale_max: int = Field(4, ge=1, le=reports.MAX_LEVEL)


class ShareIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)


class ShareOut(Schema):
    id: int
    username: str

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.get_username())


def _heatmap(report: Any) -> dict[str, Any]:
    heat = reports.report_heatmap(report=report)
    mean = reports.one_decimal
    return {
        "students": heat.students,
        "standards": heat.standards,
        "levels": [[heat.level(s, c) for c in heat.standards] for s in heat.students],
        "proficient": heat.proficient,
        "standard_means": [
            {
                "standard": s,
                "mean": mean(heat.standard_mean[s]),
                "proficient_share": reports.percent(heat.standard_proficient[s]),
            }
            for s in heat.standards
        ],
        "high_points": heat.strongest,
        "low_points": heat.weakest,
        "students_ahead": [{"student": s, "mean": mean(heat.student_mean[s])} for s in heat.ahead],
        "students_behind": [
            {"student": s, "mean": mean(heat.student_mean[s])} for s in heat.behind
        ],
        "check_ins": [
            {"student": g.student, "standard": g.standard, "level": g.level} for g in heat.gaps
        ],
    }


@router.get(
    "/coaching/reports",
    response=list[ReportListOut],
    summary="Class data reports you may see (yours, your coachees', shared with you)",
)
@paginate(LimitOffsetPagination)
def report_list(request: HttpRequest) -> Any:
    return reports.report_list(user=api_user(request), district=api_district(request))


@router.post(
    "/coaching/reports",
    response={201: ReportOut},
    summary="Import a class report: a simple CSV, OneRoster results.csv + lineItems.csv, or a zip",
)
def report_import(
    request: HttpRequest,
    details: Form[ReportIn],
    file: File[UploadedFile],
    line_items: File[UploadedFile | None] = None,
) -> Any:
    district, user = api_district(request), api_user(request)
    files = [f for f in (file, line_items) if f is not None]
    try:
        report, _ = reports.class_report_import(
            district=district, teacher=staff_get(district=district, pk=details.teacher_id),
            title=details.title, school_year=details.school_year, scale_min=details.scale_min,
            scale_max=details.scale_max, files=files, actor=user,
        )  # fmt: skip
    except reports.ReportFileError as error:
        return _file_problem(error)
    return Status(201, report)


def _file_problem(error: reports.ReportFileError) -> HttpResponse:
    errors = [{"field": "file", **p.as_dict()} for p in error.problems]
    return problem(422, "The file was not imported", f"{error.total} problem(s).", errors)


@router.get(
    "/coaching/reports/{report_id}",
    response=ReportDetailOut,
    summary="A class report with its heatmap, high and low points",
)
def report_detail(request: HttpRequest, report_id: int) -> Any:
    district, user = api_district(request), api_user(request)
    report = reports.report_readable(user=user, district=district, pk=report_id)
    reports.record_report_access(user, report)
    return report


@router.delete("/coaching/reports/{report_id}", response={204: None}, summary="Delete a report")
def report_delete(request: HttpRequest, report_id: int) -> Any:
    district, user = api_district(request), api_user(request)
    report = reports.report_readable(user=user, district=district, pk=report_id)
    reports.class_report_delete(report=report, actor=user)
    return Status(204, None)


@router.post(
    "/coaching/reports/{report_id}/shares",
    response={201: ShareOut},
    summary="The teacher shares the report (never with their evaluator)",
)
def share_create(request: HttpRequest, report_id: int, payload: ShareIn) -> Any:
    district, user = api_district(request), api_user(request)
    report = reports.report_readable(user=user, district=district, pk=report_id)
    reader = User.objects.filter(username=payload.username, memberships__district=district).first()
    if reader is None:
        return problem(
            422,
            "Invalid request",
            "Some fields are not valid.",
            [{"field": "body.username", "message": "Nobody with that username works here."}],
        )
    return Status(201, reports.class_report_share(report=report, user=reader, actor=user))


@router.delete(
    "/coaching/reports/{report_id}/shares/{share_id}",
    response={204: None},
    summary="The teacher stops sharing the report",
)
def share_delete(request: HttpRequest, report_id: int, share_id: int) -> Any:
    district, user = api_district(request), api_user(request)
    report = reports.report_readable(user=user, district=district, pk=report_id)
    reports.class_report_unshare(share=reports.share_of(report=report, pk=share_id), actor=user)
    return Status(204, None)
