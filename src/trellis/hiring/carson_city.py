"""The performance interview Trellis ships with, modelled on Carson City's process for
implementation specialists: six parts of equal weight, 300 points in all, each rated by every
panelist on a four-level rubric. Described in our own words."""

from __future__ import annotations

from typing import NamedTuple

from trellis.hiring.models import ComponentMode as M
from trellis.hiring.models import DataTaskKind, SeatRole

KEY = "carson_city_performance_interview"
NAME = "Performance interview for implementation specialists"
DESCRIPTION = (
    "A four- to five-hour process of six equally weighted parts (300 points) that shows how a "
    "candidate coaches adults, reads data, teaches and solves problems with others. The panel: "
    "a district employee, the receiving school's principal, someone already in the role and a "
    "teacher-leader."
)
REQUIRED_SEATS = [
    SeatRole.DISTRICT_EMPLOYEE,
    SeatRole.PRINCIPAL,
    SeatRole.INCUMBENT,
    SeatRole.TEACHER_LEADER,
]
LEVELS = {
    "1": "Not yet: little or no evidence",
    "2": "Developing: some evidence, with gaps",
    "3": "Proficient: clear, consistent evidence",
    "4": "Exemplary: strong evidence; could model it for others",
}


class DataTaskSpec(NamedTuple):
    """The made-up class a part shows; the seed fixes the data, so every district that uses
    the shipped process gives its candidates the same data set."""

    kind: str
    title: str
    prompt: str
    seed: int
    students: int
    standards: tuple[str, ...]
    scale_min: int = 1
    scale_max: int = 4


class Part(NamedTuple):
    name: str
    mode: str
    minutes: int | None
    description: str
    criteria: tuple[str, ...]
    data_task: DataTaskSpec | None = None


# Grade 6 mathematics and grade 7 English language arts (Common Core codes): standards most
# candidates have taught or coached, so the task is about reading data, not the content.
MATH_6 = ("6.RP.A.1", "6.RP.A.3", "6.NS.B.3", "6.EE.A.2", "6.EE.B.7", "6.SP.B.5")
ELA_7 = ("RL.7.1", "RL.7.2", "RI.7.1", "RI.7.2", "W.7.1", "L.7.4")


PARTS: tuple[Part, ...] = (
    Part(
        "Paper screening",
        M.DOCUMENT_REVIEW,
        None,
        "The application packet, rated before the interview day.",
        (
            "Overall experience",
            "Cognitive coaching background",
            "Professional learning community experience",
            "Instructional leadership roles held",
            "Curriculum, assessment and instructional design experience",
            "Other experience that supports the role",
        ),
    ),
    Part(
        "Reading a data-tracker report",
        M.TASK,
        30,
        "The candidate reads a teacher's mastery-tracker report and explains what it shows.",
        (
            "Reads the data accurately",
            "Draws sound conclusions for instruction",
            "Explains clearly to a teacher",
        ),
        DataTaskSpec(
            DataTaskKind.MASTERY_TRACKER,
            "Grade 6 mathematics: unit mastery tracker",
            "This is a teacher's mastery-tracker report for one class at the end of a unit "
            "(levels 1 to 4; 3 is proficient). Explain what it shows and what you would suggest "
            "to the teacher for next week.",
            seed=4417,
            students=24,
            standards=MATH_6,
        ),
    ),
    Part(
        "Facilitating a reflective coaching conversation",
        M.ROLE_PLAY,
        30,
        "A role play: a panel member plays a teacher just observed; the candidate leads the "
        "feedback conversation.",
        (
            "Listens and asks open questions",
            "Keeps the teacher reflecting, not defending",
            "Agrees on a concrete next step",
        ),
    ),
    Part(
        "Questions and answers",
        M.QUESTIONS,
        45,
        "Knowledge and performance questions.",
        ("Content of the answers", "Accuracy", "Fit of the response to the question"),
    ),
    Part(
        "Model lesson",
        M.DEMONSTRATION,
        15,
        "A lesson of at most 15 minutes with the panel as students.",
        ("Learning targets", "Information presented", "Organization", "Materials", "Outcomes"),
    ),
    Part(
        "Group problem-solving on a student data set",
        M.GROUP,
        60,
        "Candidates review a student data set together, find its high and low points and plan "
        "how to approach teachers, while the panel watches.",
        (
            "Finds the high and low points in the data",
            "Plans a sound approach to teachers",
            "Listens to and builds on others' ideas",
        ),
        DataTaskSpec(
            DataTaskKind.STUDENT_DATA_SET,
            "Grade 7 English language arts: student data set",
            "Together, find the high and low points in this class's data (levels 1 to 4; 3 is "
            "proficient) and plan how you would take them to the grade 7 ELA team.",
            seed=7078,
            students=28,
            standards=ELA_7,
        ),
    ),
)
