"""The readiness checklist as shipped: the study's five recommendations and its 22 guiding
questions, in our own words. ``checklist_start`` copies them into an initiative; a district then
owns its copy and may add questions of its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recommendation:
    number: int
    title: str
    summary: str


@dataclass(frozen=True)
class Question:
    key: str
    recommendation: int
    text: str


RECOMMENDATIONS = (
    Recommendation(
        1, "A clear vision, shared across the district",
        "Agree with the people who will carry it what personalized learning looks like in "
        "our classrooms, and make sure every school leader, teacher and family hears it.",
    ),
    Recommendation(
        2, "Bold in vision, measured in implementation",
        "Rethink staffing, schedules and roles boldly, but phase the change in: pilot, learn, "
        "widen, with teachers choosing and giving feedback along the way.",
    ),
    Recommendation(
        3, "Pay the new leadership roles, and plan to keep paying",
        "Extra pay attracts and keeps the right coaches and coordinators; decide early which "
        "roles must outlast the grant and how they will be funded.",
    ),
    Recommendation(
        4, "Professional learning that is broad, flexible and coached",
        "Train on teaching practice rather than on devices, teach leaders to coach adults, "
        "and personalize the learning of staff the way we want classrooms personalized.",
    ),
    Recommendation(
        5, "Principals involved at every step",
        "Bring principals into the vision, the hiring and the training, and give them a "
        "clear part in leading the change in their buildings.",
    ),
)  # fmt: skip

QUESTIONS = (
    Question("vision-articulated", 1,
             "Have district leaders written down what personalized learning will look like in "
             "our schools, clearly enough that a visitor could recognize it?"),
    Question("vision-stakeholders", 1,
             "Did district and school people help shape the vision, and whose voice is still "
             "missing?"),
    Question("vision-communication-plan", 1,
             "Is there a plan for getting the vision to every school leader and teacher?"),
    Question("vision-understanding", 1,
             "How will we find out whether principals and teachers understand the vision?"),
    Question("bold-site-visits", 2,
             "Have district and school leaders seen personalized learning at work in other "
             "districts or schools?"),
    Question("bold-structures", 2,
             "Would changes to staffing, schedules or job descriptions help teachers and "
             "administrators reach the initiative's goals?"),
    Question("bold-systems-inventory", 2,
             "Does the plan list which district, school and classroom systems are already in "
             "place and which still have to be built?"),
    Question("bold-pilot", 2,
             "Does the plan start with a pilot and widen step by step to full "
             "implementation?"),
    Question("bold-phase-results", 2,
             "How will we capture what each phase teaches us, and use it to steer the next one "
             "and win over teachers and principals?"),
    Question("pay-job-descriptions", 3,
             "Does every new role have a job description that spells out its skills, its time "
             "and its responsibilities?"),
    Question("pay-early-funding", 3,
             "How will we pay the extra compensation for the new roles in the early years?"),
    Question("pay-sustain", 3,
             "Which roles must stay as the work matures, and how will their extra pay be "
             "funded once the grant ends?"),
    Question("learning-observe", 4,
             "Will principals, coaches and teachers get to watch the model in real "
             "classrooms?"),
    Question("learning-outside-partners", 4,
             "Which vendors, consultants or universities can help build our people's skills in "
             "the core of the approach?"),
    Question("learning-coaching-adults", 4,
             "Are instructional leaders trained to coach other adults?"),
    Question("learning-differentiated", 4,
             "Is professional learning matched to each person's skills and knowledge?"),
    Question("learning-personalized", 4,
             "Does the professional learning plan itself practise personalized learning?"),
    Question("learning-leaders-meet", 4,
             "Do instructional leaders meet often to share what they are learning?"),
    Question("learning-follow-up", 4,
             "After a training, do teachers get ongoing coaching and useful feedback?"),
    Question("principals-engaged", 5,
             "How will principals take part in shaping the vision, hiring the key staff and "
             "the professional learning?"),
    Question("principals-communicate", 5,
             "What will principals and assistant principals do to explain and champion the "
             "vision in their schools?"),
    Question("principals-support-leaders", 5,
             "How will principals and assistant principals back the coaches and specialists "
             "who help their teachers?"),
)  # fmt: skip

RECOMMENDATION_TITLES = {r.number: r.title for r in RECOMMENDATIONS}
