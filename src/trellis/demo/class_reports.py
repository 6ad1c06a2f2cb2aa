"""Demo class data reports: a small set of grade-4 math and ELA standards for the district, and
three of Bob's classes (two math, one reading) as heatmaps with clear high and low points.

Students are made-up codes (S01…), never names. Idempotent: standards are matched on their code
and a report on Bob and its title, so running it twice creates nothing new.
"""

from __future__ import annotations

from django.utils import timezone

from trellis.coaching import class_reports
from trellis.coaching.heatmap import synthetic
from trellis.coaching.models import ClassReport, Standard
from trellis.core.models import District
from trellis.core.schoolyear import school_year_of
from trellis.org.models import Staff

MATH = "Math"
ELA = "ELA"
STANDARDS = [
    # code, subject, description (in our own words)
    ("CCSS.MATH.CONTENT.4.OA.A.3", MATH, "Solve multistep word problems with whole numbers and "
     "check that the answer makes sense."),
    ("CCSS.MATH.CONTENT.4.NBT.A.2", MATH, "Read, write and compare multi-digit whole numbers."),
    ("CCSS.MATH.CONTENT.4.NBT.B.5", MATH, "Multiply a number of up to four digits by a one-digit "
     "number, and two two-digit numbers."),
    ("CCSS.MATH.CONTENT.4.NF.A.1", MATH, "Explain why two fractions are equivalent, using "
     "models of the parts."),
    ("CCSS.MATH.CONTENT.4.NF.A.2", MATH, "Compare two fractions with different numerators and "
     "denominators."),
    ("CCSS.MATH.CONTENT.4.NF.B.3", MATH, "Add and subtract fractions with like denominators, "
     "including mixed numbers."),
    ("CCSS.MATH.CONTENT.4.MD.A.2", MATH, "Solve measurement word problems about distance, time, "
     "volume, mass and money."),
    ("CCSS.ELA-LITERACY.RL.4.1", ELA, "Point to details in a story when explaining what it says "
     "and what it suggests."),
    ("CCSS.ELA-LITERACY.RL.4.2", ELA, "Find a story's theme and summarize it."),
    ("CCSS.ELA-LITERACY.RI.4.2", ELA, "Find the main idea of an informational text and how "
     "details support it."),
    ("CCSS.ELA-LITERACY.W.4.1", ELA, "Write an opinion piece that gives reasons backed by facts."),
    ("CCSS.ELA-LITERACY.L.4.2", ELA, "Use capitals, punctuation and spelling correctly."),
]  # fmt: skip

_MATH = [code for code, subject, _ in STANDARDS if subject == MATH]
_ELA = [code for code, subject, _ in STANDARDS if subject == ELA]
REPORTS = [
    # title, standards, seed, students
    ("Grade 4 math, fractions unit", [c for c in _MATH if ".NF." in c], 41, 22),
    ("Grade 4 math, place value and operations", [c for c in _MATH if ".NF." not in c], 42, 22),
    ("Grade 4 reading and writing, fall benchmark", _ELA, 43, 22),
]


def class_reports_load(district: District) -> int:
    """The standards and Bob's class reports; returns how many rows it created (0 the second
    time)."""
    made = 0
    for code, subject, description in STANDARDS:
        _, created = Standard.objects.get_or_create(
            district=district, code=code, defaults={"subject": subject, "description": description}
        )
        made += created
    bob = (
        Staff.objects.filter(district=district, user__username="bob").select_related("user").first()
    )
    if bob is None or bob.user is None:
        return made
    year = school_year_of(timezone.localdate())
    for title, standards, seed, students in REPORTS:
        if ClassReport.objects.filter(district=district, teacher=bob, title=title).exists():
            continue
        cells = synthetic(seed=seed, students=students, standards=standards)
        class_reports.class_report_create(
            district=district,
            teacher=bob,
            title=title,
            school_year=year,
            rows=[class_reports.ResultRow(c.student, c.standard, c.level) for c in cells],
            source=class_reports.SIMPLE,
            file_name="demo.csv",
            actor=bob.user,
        )
        made += 1
    return made
