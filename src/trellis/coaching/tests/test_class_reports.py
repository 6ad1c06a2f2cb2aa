"""Class data reports: the heatmap's high and low points by hand, imports of both kinds of file,
every refused input at its line and column with nothing written, and the wall (the teacher, their
coach and a share see it; the evaluator never does, through pages, exports or the API).

The fixed class (tests/files/class_simple.csv; the OneRoster files hold the same levels):

    student  NBT.B.5  NF.A.1  NF.A.2   mean
    S-01        4        4       3     11/3 = 3.7
    S-02        4        3       2      9/3 = 3.0
    S-03        4        3       1      8/3 = 2.7
    S-04        1        2       1      4/3 = 1.3
    mean     13/4=3.25  12/4=3.0  7/4=1.75
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from trellis.coaching import class_reports, heatmap, services
from trellis.coaching.class_reports import ReportFileError, ResultRow
from trellis.coaching.heatmap import Cell
from trellis.coaching.models import ClassReport, ClassResult, ReportShare, Standard
from trellis.coaching.tests.helpers import cast, member
from trellis.core.models import AuditEvent, Role
from trellis.core.services import api_token_create
from trellis.demo.class_reports import class_reports_load

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
NBT = "CCSS.MATH.CONTENT.4.NBT.B.5"
NF1 = "CCSS.MATH.CONTENT.4.NF.A.1"
NF2 = "CCSS.MATH.CONTENT.4.NF.A.2"
LEVELS = {
    "S-01": (4, 4, 3),
    "S-02": (4, 3, 2),
    "S-03": (4, 3, 1),
    "S-04": (1, 2, 1),
}
YEAR = "2025-26"


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def fixture(name: str) -> SimpleUploadedFile:
    return upload(name, (FILES / name).read_bytes())


def oneroster_zip(results: bytes | None = None, items: bytes | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/results.csv", results or (FILES / "results.csv").read_bytes())
        archive.writestr("export/lineItems.csv", items or (FILES / "lineItems.csv").read_bytes())
    return SimpleUploadedFile("gradebook.zip", buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def c():
    """The coaching cast: Cole coaches Tess (open), with the district's standards."""
    c = cast(with_log=False)
    c.relationship = services.relationship_create(
        district=c.district,
        coach=c["cole"].staff,
        teacher=c["tess"].staff,
        begin_date=timezone.localdate() - dt.timedelta(days=30),
        actor=c["alice"].user,
    )
    for code in (NBT, NF1, NF2, "CCSS.ELA-LITERACY.RL.4.1"):
        Standard.objects.create(district=c.district, code=code, description=f"About {code[-6:]}")
    return c


def import_(c, *files, actor="tess", **extra) -> ClassReport:
    report, _ = class_reports.class_report_import(
        district=c.district,
        teacher=c["tess"].staff,
        title="Grade 4 math, unit 3",
        school_year=YEAR,
        files=list(files),
        actor=c[actor].user,
        **extra,
    )
    return report


def counts() -> tuple[int, int, int]:
    return ClassReport.objects.count(), ClassResult.objects.count(), ReportShare.objects.count()


def as_levels(report: ClassReport) -> dict[str, tuple[int, ...]]:
    heat = class_reports.report_heatmap(report=report)
    return {
        s: tuple(heat.level(s, code) for code in (NBT, NF1, NF2))  # type: ignore[misc]
        for s in heat.students
    }


# --- The heatmap by hand -----------------------------------------------------------------------


def test_the_high_and_low_points_match_a_hand_computation():
    # given the fixed class of four students on three standards
    cells = [
        Cell(student, standard, level)
        for student, levels in LEVELS.items()
        for standard, level in zip((NBT, NF1, NF2), levels, strict=True)
    ]
    # when the heatmap is built on the 1–4 scale
    heat = heatmap.build(cells, scale_min=1, scale_max=4)
    # then the means are the hand-computed fractions
    assert heat.standard_mean == {NBT: Fraction(13, 4), NF1: Fraction(3), NF2: Fraction(7, 4)}
    assert heat.student_mean["S-04"] == Fraction(4, 3)
    assert heat.standard_proficient == {
        NBT: Fraction(3, 4),
        NF1: Fraction(3, 4),
        NF2: Fraction(1, 4),
    }
    # the high point is NBT.B.5, the low point NF.A.2
    assert heat.strongest == [NBT]
    assert heat.weakest == [NF2]
    # half of a class of four at each end: S-01 and S-02 ahead, S-04 and S-03 behind
    assert heat.ahead == ["S-01", "S-02"]
    assert heat.behind == ["S-04", "S-03"]
    # S-04 is 2.25 levels under the class on NBT.B.5, which the class met: one to check in with
    assert heat.gaps == [Cell("S-04", NBT, 1)]
    # and the means people read are rounded half up to one decimal
    shown = [class_reports.one_decimal(heat.standard_mean[s]) for s in (NBT, NF1, NF2)]
    assert shown == ["3.3", "3.0", "1.8"]
    assert class_reports.one_decimal(heat.student_mean["S-01"]) == "3.7"


def test_a_class_where_everyone_ties_has_no_high_or_low_point_and_nobody_ahead():
    cells = [Cell(s, std, 3) for s in ("S-1", "S-2", "S-3") for std in (NBT, NF1)]
    heat = heatmap.build(cells, scale_min=1, scale_max=4)
    assert (heat.strongest, heat.weakest, heat.ahead, heat.behind, heat.gaps) == ([],) * 5


def test_the_report_page_shows_the_hand_computed_points_in_the_districts_words(c):
    report = import_(c, fixture("class_simple.csv"))
    response = c["tess"].client().get(reverse("coaching:class-report", args=[report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for words in ("High points", "Low points", "Students to check in with"):
        assert words in page
    assert "class mean 3.3, 75% at level 3 or above" in page  # NBT.B.5, the high point
    assert "class mean 1.8, 25% at level 3 or above" in page  # NF.A.2, the low point
    assert "S-04 (mean 1.3)" in page and "S-01 (mean 3.7)" in page
    # every cell carries its number as text as well as its colour band
    assert '<td class="level band-3">4</td>' in page
    assert '<td class="level band-0">1</td>' in page
    assert '<th scope="row">Class mean</th>' in page


def test_the_heatmap_exports_as_csv_with_the_class_means_and_as_excel(c):
    report = import_(c, fixture("class_simple.csv"))
    client = c["cole"].client()
    url = reverse("coaching:class-report-heatmap-export", args=[report.pk, "csv"])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0] == f"Student,{NBT},{NF1},{NF2},Student mean"
    assert lines[1] == "S-01,4,4,3,3.7"
    assert lines[-1] == "Class mean,3.3,3.0,1.8,"
    xlsx = client.get(reverse("coaching:class-report-heatmap-export", args=[report.pk, "xlsx"]))
    assert xlsx.content.startswith(b"PK")
    checkins = reverse("coaching:class-report-check-ins-export", args=[report.pk, "csv"])
    rows = b"".join(client.get(checkins).streaming_content).decode("utf-8-sig").splitlines()
    assert rows[1] == f"S-04,{NBT},1,3.3"
    assert AuditEvent.objects.filter(action="coaching.class_report_exported").count() == 3


# --- Imports -----------------------------------------------------------------------------------


def test_a_simple_csv_imports_every_result(c):
    report = import_(c, fixture("class_simple.csv"))
    assert report.source == "csv" and report.file_name == "class_simple.csv"
    assert as_levels(report) == LEVELS
    assert ClassResult.objects.filter(report=report).count() == 12


def test_oneroster_results_and_line_items_as_two_files_import_the_same_class(c):
    # given results.csv (with a homework item, a result not submitted and one to be deleted)
    report, parsed = class_reports.class_report_import(
        district=c.district,
        teacher=c["tess"].staff,
        title="From the gradebook",
        school_year=YEAR,
        files=[fixture("results.csv"), fixture("lineItems.csv")],
        actor=c["tess"].user,
    )
    # then metadata.standard, learningObjectiveSet and the title each named a standard
    assert report.source == "oneroster"
    assert as_levels(report) == LEVELS
    # and the homework, the unsubmitted and the deleted results were left out and counted
    assert (parsed.skipped_items, parsed.skipped_results) == (1, 3)


def test_a_oneroster_zip_imports_the_same_class_and_the_coach_may_bring_it_in(c):
    report = import_(c, oneroster_zip(), actor="cole")
    assert as_levels(report) == LEVELS
    assert report.uploaded_by == c["cole"].user


def test_the_import_page_brings_a_class_in_and_shows_it(c):
    client = c["tess"].client()
    url = reverse("coaching:class-report-import")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "teacher": c["tess"].staff.pk,
            "title": "Grade 4 math, unit 3",
            "school_year": class_reports_year(),
            "scale_min": 1,
            "scale_max": 4,
            "file": fixture("results.csv"),
            "line_items": fixture("lineItems.csv"),
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported 12 results" in page and "1 line items name no standard" in page
    assert ClassResult.objects.count() == 12


def class_reports_year() -> str:
    from trellis.core.schoolyear import school_year_of

    return school_year_of(timezone.localdate())


GOOD = "student_code,standard,level\nS-01,{NBT},4\nS-02,{NBT},3\n".replace("{NBT}", NBT)

BAD_SIMPLE = [
    # (what, file content, line, column, words in the message)
    ("unknown standard", GOOD + "S-03,CCSS.MATH.CONTENT.9.ZZ.A.1,3\n", 4, "standard",
     "not one of the district's standards"),
    ("level above the scale", GOOD + f"S-03,{NF1},5\n", 4, "level",
     "outside this report's scale, 1 to 4"),
    ("level below the scale", GOOD + f"S-03,{NF1},0\n", 4, "level", "outside this report's scale"),
    ("a level with a fraction", GOOD + f"S-03,{NF1},2.5\n", 4, "level", "not a whole number"),
    ("a level in words", GOOD + f"S-03,{NF1},three\n", 4, "level", "not a whole number"),
    ("an empty level", GOOD + f"S-03,{NF1},\n", 4, "level", "not a whole number"),
    ("a duplicate student and standard", GOOD + f"S-01,{NBT},2\n", 4, None,
     "S-01 already has a level for CCSS.MATH.CONTENT.4.NBT.B.5 (line 2)"),
    ("a name with a space", GOOD + f"Jane Smith,{NF1},3\n", 4, "student_code", "never names"),
    ("a name with a comma", GOOD + f'"Smith, Jane",{NF1},3\n', 4, "student_code", "never names"),
    ("a first name alone", GOOD + f"Jane,{NF1},3\n", 4, "student_code", "never names"),
    ("a hyphenated name", GOOD + f"Mary-Jane,{NF1},3\n", 4, "student_code", "never names"),
    ("an email address", GOOD + f"jane7@school.org,{NF1},3\n", 4, "student_code", "never names"),
    ("a code without a digit", GOOD + f"ABC_DEF,{NF1},3\n", 4, "student_code",
     "not a student code"),
    ("a code that is too long", GOOD + f"{'S' * 40}1,{NF1},3\n", 4, "student_code", "at most 40"),
    ("an odd character", GOOD + f"S#01,{NF1},3\n", 4, "student_code", "codes only, never names"),
    ("a short row", GOOD + "S-09,3\n", 4, None, "expected 3 columns, found 2"),
    ("wrong headers", "student,standard,score\nS-01,{NBT},4\n", 1, None,
     "the header must be “student_code,standard,level”"),
    ("a header and nothing else", "student_code,standard,level\n", None, None,
     "there are no results in the file"),
    ("an empty file", "", None, None, "the file is empty"),
    ("only blank lines", "\n\n  \n", None, None, "the file is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "line", "column", "words"),
    [case[1:] for case in BAD_SIMPLE],
    ids=[case[0] for case in BAD_SIMPLE],
)
def test_a_bad_simple_csv_is_refused_at_its_line_and_column_and_writes_nothing(
    c, content, line, column, words
):
    # given a report that is already there
    import_(c, fixture("class_simple.csv"))
    before = counts()
    # when a file with one bad row is imported
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("class.csv", content))
    # then the problem is named where it is, and nothing was written
    problem = refused.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("class.csv", line, column)
    assert words in problem.message
    assert counts() == before


def test_all_of_a_files_problems_are_listed_and_none_of_its_good_rows_are_written(c):
    content = GOOD + f"Jane Smith,{NF1},3\nS-05,{NF1},7\nS-06,NOPE,2\n"
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("class.csv", content))
    found = [(p.line, p.column) for p in refused.value.problems]
    assert found == [(4, "student_code"), (5, "level"), (6, "standard")]
    assert counts() == (0, 0, 0)


def test_a_file_that_is_not_utf8_is_refused_with_the_line_where_it_breaks(c):
    content = (GOOD + f"S-03,{NF1},3\n# José\n").encode("latin-1")
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("class.csv", content))
    problem = refused.value.problems[0]
    assert problem.line == 5 and "not UTF-8" in problem.message
    assert counts() == (0, 0, 0)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(c):
    big = GOOD + "x" * (class_reports.MAX_FILE_BYTES + 1)
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("class.csv", big))
    assert "the limit is 5 MB" in refused.value.problems[0].message
    assert counts() == (0, 0, 0)


def test_a_byte_order_mark_and_windows_line_ends_are_fine(c):
    content = ("\ufeff" + GOOD.replace("\n", "\r\n")).encode()
    report = import_(c, upload("class.csv", content))
    assert ClassResult.objects.filter(report=report).count() == 2


def test_a_report_on_another_scale_takes_its_levels(c):
    content = f"student_code,standard,level\nS-01,{NBT},0\nS-02,{NBT},10\n"
    report = import_(c, upload("class.csv", content), scale_min=0, scale_max=10)
    assert sorted(ClassResult.objects.filter(report=report).values_list("level", flat=True)) == [
        0,
        10,
    ]


def _items(extra: str = "") -> bytes:
    return ((FILES / "lineItems.csv").read_text() + extra).encode()


def _results(extra: str = "") -> bytes:
    return ((FILES / "results.csv").read_text() + extra).encode()


RESULT = "r-99,active,2025-10-17T15:00:00Z,fall,{item},{student},{status},{score},2025-10-17,\n"
BAD_ONEROSTER = [
    ("a line item naming an unknown standard",
     _items("li-x,active,2025-10-15T12:00:00Z,Decimals,,,,cls-4a,,,1,4,CCSS.MATH.CONTENT.4.NF.C.9,\n"),
     _results(), "lineItems.csv", 6, "metadata.standard", "not one of the district's standards"),
    ("a line item naming two standards",
     _items(f"li-x,active,2025-10-15T12:00:00Z,Mixed,,,,cls-4a,,,1,4,,{NBT};{NF1}\n"),
     _results(), "lineItems.csv", 6, "learningObjectiveSet", "must name one standard"),
    ("a result for a line item not in lineItems.csv", _items(),
     _results(RESULT.format(item="li-nope", student="S-07", status="fully graded", score="3")),
     "results.csv", 17, "lineItemSourcedId", "not in lineItems.csv"),
    ("a name as the student", _items(),
     _results(RESULT.format(item="li-mult", student="Jane Smith", status="fully graded",
                            score="3")),
     "results.csv", 17, "studentSourcedId", "never names"),
    ("a score with a fraction", _items(),
     _results(RESULT.format(item="li-mult", student="S-07", status="fully graded", score="3.5")),
     "results.csv", 17, "score", "not a whole number"),
    ("a score above the scale", _items(),
     _results(RESULT.format(item="li-mult", student="S-07", status="fully graded", score="12")),
     "results.csv", 17, "score", "outside this report's scale"),
    ("two line items on one standard for one student",
     _items(f"li-again,active,2025-10-15T12:00:00Z,Retake,,,,cls-4a,,,1,4,{NBT},\n"),
     _results(RESULT.format(item="li-again", student="S-01", status="fully graded", score="3")),
     "results.csv", 17, None, "S-01 already has a level"),
    ("an unknown score status", _items(),
     _results(RESULT.format(item="li-mult", student="S-07", status="graded-ish", score="3")),
     "results.csv", 17, "scoreStatus", "not a OneRoster score status"),
    ("results without their required columns", _items(),
     b"sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus\nr-1,li-mult,S-01,fully graded\n",
     "results.csv", 1, "score", "column is missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("items", "results", "file", "line", "column", "words"),
    [case[1:] for case in BAD_ONEROSTER],
    ids=[case[0] for case in BAD_ONEROSTER],
)
def test_bad_oneroster_files_are_refused_at_their_line_and_column_in_a_zip_or_not(
    c, items, results, file, line, column, words
):
    for files in (
        [upload("results.csv", results), upload("lineItems.csv", items)],
        [oneroster_zip(results, items)],
    ):
        with pytest.raises(ReportFileError) as refused:
            import_(c, *files)
        problem = refused.value.problems[0]
        assert (problem.file, problem.line, problem.column) == (file, line, column)
        assert words in problem.message
        assert counts() == (0, 0, 0)


def test_results_without_their_line_items_ask_for_them(c):
    with pytest.raises(ReportFileError) as refused:
        import_(c, fixture("results.csv"))
    assert "need their lineItems.csv" in refused.value.problems[0].message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("results.csv", (FILES / "results.csv").read_bytes())
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("gradebook.zip", buffer.getvalue()))
    assert "the zip has no lineItems.csv" in refused.value.problems[0].message
    with pytest.raises(ReportFileError) as refused:
        import_(c, upload("gradebook.zip", b"PK\x03\x04 not really a zip"))
    assert counts() == (0, 0, 0)


def test_the_import_page_shows_the_problem_at_the_file_field_and_writes_nothing(c):
    client = c["tess"].client()
    response = client.post(
        reverse("coaching:class-report-import"),
        {
            "teacher": c["tess"].staff.pk,
            "title": "Unit 3",
            "school_year": class_reports_year(),
            "scale_min": 1,
            "scale_max": 4,
            "file": upload("class.csv", GOOD + f"Smith Jane,{NF1},3\n"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "class.csv, line 4, column student_code" in page
    assert "never names" in page and 'role="alert"' in page
    assert counts() == (0, 0, 0)


def test_a_coach_brings_a_class_in_only_for_a_teacher_they_coach(c):
    # Otto is not coached by Cole: the service refuses, and the page never offers him
    with pytest.raises(PermissionDenied):
        class_reports.class_report_import(
            district=c.district, teacher=c["otto"].staff, title="x", school_year=YEAR,
            files=[fixture("class_simple.csv")], actor=c["cole"].user,
        )  # fmt: skip
    teachers = class_reports.upload_teachers(user=c["cole"].user, district=c.district)
    assert {t.pk for t in teachers} == {c["cole"].staff.pk, c["tess"].staff.pk}
    # a principal brings in nobody's class (but their own, if they taught one)
    assert c["pat"].client().get(reverse("coaching:class-report-import")).status_code == 200
    with pytest.raises(PermissionDenied):
        import_(c, fixture("class_simple.csv"), actor="pat")
    assert counts() == (0, 0, 0)


def test_a_page_with_nobody_to_import_for_is_forbidden():
    c = cast(with_log=False)
    c["pat"].staff.user = None
    c["pat"].staff.save()
    assert c["pat"].client().get(reverse("coaching:class-report-import")).status_code == 403


def test_the_audit_trail_counts_an_import_but_never_holds_a_student_code(c):
    import_(c, fixture("class_simple.csv"))
    event = AuditEvent.objects.get(action="coaching.class_report_imported")
    assert event.changes["results"] == [None, 12]
    text = " ".join(f"{e.target_label} {e.changes}" for e in AuditEvent.objects.all())
    assert "S-0" not in text and "Grade 4 math" not in text


# --- The wall ----------------------------------------------------------------------------------


READERS = {"tess", "cole", "mia"}


def test_the_teacher_the_coach_and_a_share_see_the_report_and_nobody_else_does(c):
    # given Tess's report, shared with Mia
    report = import_(c, fixture("class_simple.csv"))
    class_reports.class_report_share(report=report, user=c["mia"].user, actor=c["tess"].user)
    urls = [
        reverse("coaching:class-report", args=[report.pk]),
        reverse("coaching:class-report-heatmap-export", args=[report.pk, "csv"]),
        reverse("coaching:class-report-standards-export", args=[report.pk, "xlsx"]),
    ]
    for name, person in c.people.items():
        client = person.client()
        for url in urls:
            response = client.get(url)
            # then the readers see it; the principal, the evaluator, a colleague, another
            # school's principal, the district admin and another district get a 404
            assert response.status_code == (200 if name in READERS else 404), (name, url)
        listed = client.get(reverse("coaching:class-reports")).content.decode()
        assert ("Grade 4 math, unit 3" in listed) == (name in READERS), name


def test_the_evaluator_is_refused_even_when_the_teacher_shared_before_they_evaluated(c):
    # given Tess shared with Vera before Vera became her evaluator
    report = import_(c, fixture("class_simple.csv"))
    tess = c["tess"].staff
    tess.supervisor = None
    tess.save()
    class_reports.class_report_share(report=report, user=c["vera"].user, actor=c["tess"].user)
    url = reverse("coaching:class-report", args=[report.pk])
    assert c["vera"].client().get(url).status_code == 200
    # when Vera is named her evaluator
    tess.supervisor = c["vera"].staff
    tess.save()
    # then the share no longer opens the report, by page, export or API
    assert c["vera"].client().get(url).status_code == 404
    export = reverse("coaching:class-report-heatmap-export", args=[report.pk, "csv"])
    assert c["vera"].client().get(export).status_code == 404
    assert api(c, "vera").get(f"/api/v1/coaching/reports/{report.pk}").status_code == 404
    assert not class_reports.readable_reports(user=c["vera"].user, district=c.district).exists()


def test_a_coach_who_becomes_the_evaluator_or_stops_coaching_no_longer_sees_it(c):
    report = import_(c, fixture("class_simple.csv"))
    url = reverse("coaching:class-report", args=[report.pk])
    cole = c["cole"].client()
    assert cole.get(url).status_code == 200
    tess = c["tess"].staff
    tess.supervisor = c["cole"].staff
    tess.save()
    assert cole.get(url).status_code == 404
    tess.supervisor = c["vera"].staff
    tess.save()
    services.relationship_end(
        relationship=c.relationship, end_date=timezone.localdate(), actor=c["cole"].user
    )
    assert cole.get(url).status_code == 404


def test_sharing_with_the_evaluator_or_the_principal_is_refused(c):
    report = import_(c, fixture("class_simple.csv"))
    for name in ("vera", "pat"):
        with pytest.raises(ValidationError, match="never shared with an evaluator"):
            class_reports.class_report_share(report=report, user=c[name].user, actor=c["tess"].user)
    response = (
        c["tess"]
        .client()
        .post(reverse("coaching:class-report-share", args=[report.pk]), {"username": "vera"})
    )
    assert response.status_code == 400
    assert "never shared with an evaluator" in response.content.decode()
    with pytest.raises(ValidationError, match="works in this district"):
        class_reports.class_report_share(
            report=report, user=c["charlie"].user, actor=c["tess"].user
        )
    assert ReportShare.objects.count() == 0


def test_only_the_teacher_shares_and_stops_sharing(c):
    report = import_(c, fixture("class_simple.csv"))
    with pytest.raises(PermissionDenied):
        class_reports.class_report_share(report=report, user=c["mia"].user, actor=c["cole"].user)
    client = c["tess"].client()
    response = client.post(
        reverse("coaching:class-report-share", args=[report.pk]), {"username": "mia"}
    )
    assert response.status_code == 302
    share = ReportShare.objects.get()
    assert (
        c["mia"].client().get(reverse("coaching:class-report", args=[report.pk])).status_code == 200
    )
    client.post(reverse("coaching:class-report-unshare", args=[report.pk, share.pk]))
    assert (
        c["mia"].client().get(reverse("coaching:class-report", args=[report.pk])).status_code == 404
    )


def test_the_teacher_deletes_a_report_and_a_shared_reader_cannot(c):
    report = import_(c, fixture("class_simple.csv"))
    class_reports.class_report_share(report=report, user=c["mia"].user, actor=c["tess"].user)
    url = reverse("coaching:class-report-delete", args=[report.pk])
    assert c["mia"].client().post(url).status_code == 403
    assert c["pat"].client().post(url).status_code == 404
    assert c["tess"].client().post(url).status_code == 302
    assert counts() == (0, 0, 0)
    assert AuditEvent.objects.filter(action="coaching.class_report_deleted").count() == 1


def test_another_districts_user_gets_404_and_sees_nothing_listed(c):
    report = import_(c, fixture("class_simple.csv"))
    charlie = c["charlie"].client()
    assert charlie.get(reverse("coaching:class-report", args=[report.pk])).status_code == 404
    assert "Grade 4 math" not in charlie.get(reverse("coaching:class-reports")).content.decode()
    assert NBT not in charlie.get(reverse("coaching:standards")).content.decode()


# --- The API -----------------------------------------------------------------------------------


def api(c, name):
    client = c[name].client()
    client.defaults["HTTP_AUTHORIZATION"] = (
        f"Bearer {api_token_create(user=c[name].user, name='t')}"
    )
    return client


def test_the_api_gives_the_report_to_its_readers_and_404_to_everyone_else(c):
    report = import_(c, fixture("class_simple.csv"))
    class_reports.class_report_share(report=report, user=c["mia"].user, actor=c["tess"].user)
    for name in c.people:
        response = api(c, name).get(f"/api/v1/coaching/reports/{report.pk}")
        assert response.status_code == (200 if name in READERS else 404), name
        listed = api(c, name).get("/api/v1/coaching/reports").json()
        assert (listed["count"] == 1) == (name in READERS), name
    body = api(c, "cole").get(f"/api/v1/coaching/reports/{report.pk}").json()
    heat = body["heatmap"]
    assert heat["high_points"] == [NBT] and heat["low_points"] == [NF2]
    assert heat["levels"][3] == [1, 2, 1]
    assert heat["check_ins"] == [{"student": "S-04", "standard": NBT, "level": 1}]
    assert heat["students_behind"][0] == {"student": "S-04", "mean": "1.3"}


def test_the_api_imports_a_zip_and_refuses_a_bad_file_with_line_and_column(c):
    client = api(c, "cole")
    form = {"teacher_id": c["tess"].staff.pk, "title": "Unit 3", "school_year": YEAR}
    response = client.post("/api/v1/coaching/reports", {**form, "file": oneroster_zip()})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "oneroster"
    bad = upload("class.csv", GOOD + f"S-03,{NF1},9\n")
    response = client.post("/api/v1/coaching/reports", {**form, "file": bad})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["file"], error["line"], error["column"]) == ("class.csv", 4, "level")
    assert ClassReport.objects.count() == 1


def test_the_api_refuses_sharing_with_the_evaluator(c):
    report = import_(c, fixture("class_simple.csv"))
    url = f"/api/v1/coaching/reports/{report.pk}/shares"
    client = api(c, "tess")
    refused = client.post(url, {"username": "vera"}, content_type="application/json")
    assert refused.status_code == 422
    assert "evaluator" in refused.content.decode()
    made = client.post(url, {"username": "mia"}, content_type="application/json")
    assert made.status_code == 201
    assert ReportShare.objects.get().user == c["mia"].user


# --- The demo ----------------------------------------------------------------------------------


def test_the_demo_loads_bobs_reports_once():
    c = cast(with_log=False)
    member(c.district, "bob", Role.TEACHER, c.aspen)
    first = class_reports_load(c.district)
    assert first > 3
    assert ClassReport.objects.filter(teacher__user__username="bob").count() == 3
    assert class_reports_load(c.district) == 0
    report = ClassReport.objects.filter(title__contains="fractions").get()
    heat = class_reports.report_heatmap(report=report)
    assert heat.strongest and heat.weakest and heat.strongest != heat.weakest


def test_rows_given_directly_are_checked_like_a_file(c):
    with pytest.raises(ReportFileError, match="never names"):
        class_reports.class_report_create(
            district=c.district, teacher=c["tess"].staff, title="x", school_year=YEAR,
            rows=[ResultRow("Jane Smith", NBT, 3)], actor=c["tess"].user,
        )  # fmt: skip
    assert counts() == (0, 0, 0)


ODD_FILES = [
    ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("book.xlsx", b"PK\x05\x06" + b"\x00" * 18),  # an empty zip, as a spreadsheet
    ("nul.csv", b"student_code,standard,level\nS-01\x00,x,1\n"),
    ("huge-cell.csv", b"student_code,standard,level\n" + b'"' + b"9" * 200_000 + b'",x,1\n'),
    ("utf16.csv", "student_code,standard,level\nS-01,x,1\n".encode("utf-16")),
    ("quote.csv", b'student_code,standard,level\n"S-01,x,1\n'),
]


@pytest.mark.parametrize(("name", "content"), ODD_FILES, ids=[n for n, _ in ODD_FILES])
def test_odd_files_get_a_message_on_the_page_never_a_500(c, name, content):
    response = (
        c["tess"]
        .client()
        .post(
            reverse("coaching:class-report-import"),
            {
                "teacher": c["tess"].staff.pk,
                "title": "Unit 3",
                "school_year": class_reports_year(),
                "scale_min": 1,
                "scale_max": 4,
                "file": upload(name, content),
            },
        )
    )
    assert response.status_code == 400
    assert name.split(".")[0] in response.content.decode()  # the message names the file
    assert counts() == (0, 0, 0)
