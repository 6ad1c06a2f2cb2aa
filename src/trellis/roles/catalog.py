"""The study's ten common personalized-learning role types, described in our own words.

Each entry: (key, name, category, usual level, Ed-Fi staff classification, description).
"""

from __future__ import annotations

from typing import NamedTuple

from trellis.org.models import StaffClassification as SC
from trellis.roles.models import RoleCategory as C
from trellis.roles.models import RoleLevel as L


class StandardRole(NamedTuple):
    key: str
    name: str
    category: str
    level: str
    classification: str
    description: str


STANDARD_ROLES: tuple[StandardRole, ...] = (
    StandardRole(
        "learning_facilitator",
        "Learning facilitator",
        C.STUDENT_FOCUSED,
        L.CLASSROOM,
        SC.TEACHER,
        "A classroom teacher who guides each learner through their own path — planning from "
        "data, running small groups and checking mastery — rather than lecturing to the class.",
    ),
    StandardRole(
        "academic_counselor",
        "Academic counselor",
        C.STUDENT_FOCUSED,
        L.SCHOOL,
        SC.COUNSELOR,
        "Helps students set learning and career goals and builds a course of study around them.",
    ),
    StandardRole(
        "social_worker",
        "Social worker / student support counselor",
        C.STUDENT_FOCUSED,
        L.SCHOOL,
        SC.COUNSELOR,
        "Gives students personal support: mental health, restorative practice, family outreach "
        "and links to community services.",
    ),
    StandardRole(
        "instructional_strategies_coach",
        "Instructional strategies coach",
        C.INSTRUCTIONAL_LEADERSHIP,
        L.SCHOOL,
        SC.INSTRUCTIONAL_COORDINATOR,
        "Works beside teachers on tailoring daily instruction to each student: reading data, "
        "planning lessons, differentiating. Includes personalized-learning and data coaches.",
    ),
    StandardRole(
        "technology_coach",
        "Technology / blended-learning coach",
        C.INSTRUCTIONAL_LEADERSHIP,
        L.SCHOOL,
        SC.INSTRUCTIONAL_COORDINATOR,
        "Shows teachers and students which digital tools exist, how to judge them and how to "
        "use them well in blended classrooms.",
    ),
    StandardRole(
        "content_coach",
        "Content-focused instructional coach",
        C.INSTRUCTIONAL_LEADERSHIP,
        L.SCHOOL,
        SC.INSTRUCTIONAL_COORDINATOR,
        "A subject expert, usually in math or literacy, who helps teachers personalize "
        "instruction in that subject, alongside the strategy and technology coaches.",
    ),
    StandardRole(
        "teacher_leader",
        "Teacher-leader",
        C.INSTRUCTIONAL_LEADERSHIP,
        L.CLASSROOM,
        SC.TEACHER,
        "A full-time teacher who pilots new practices, opens their classroom as a model, helps "
        "train colleagues and carries teachers' views to district leaders.",
    ),
    StandardRole(
        "career_pathway_leader",
        "Career pathway / CTE leader",
        C.ADMINISTRATIVE,
        L.SCHOOL,
        SC.SCHOOL_ADMINISTRATOR,
        "Leads one career pathway or academy in a high school; a school may have several.",
    ),
    StandardRole(
        "curriculum_leader",
        "Curriculum development leader",
        C.ADMINISTRATIVE,
        L.SCHOOL,
        SC.TEACHER,
        "A teacher given extra hours or release time to write curriculum that fits the "
        "district's personalized-learning vision and standards.",
    ),
    StandardRole(
        "district_coordinator",
        "District coordinator",
        C.ADMINISTRATIVE,
        L.DISTRICT,
        SC.LEA_ADMINISTRATOR,
        "A central-office leader who keeps one part of the initiative consistent across schools "
        "— instructional technology, professional learning or career education, say.",
    ),
)
