"""The study's staff survey as a starting instrument, in our own words: whether extra pay draws
and keeps people in the new roles, whether professional learning practises what it preaches,
whether the roles should be a career path and are seen as one, and which traits matter most.
``key`` ties each item to the same question in later years, for trends."""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_KEY = "staff-survey"
TRAITS = (
    "Communicating with adults",
    "Flexibility and comfort with ambiguity",
    "Belief in learner-centered instruction",
    "Content knowledge",
    "Organization",
    "Knowledge of technology",
    "Experience with data",
    "Leadership experience",
)


@dataclass(frozen=True)
class TemplateItem:
    key: str
    kind: str
    text: str
    points: int = 4
    options: tuple[str, ...] = field(default_factory=tuple)


SECTIONS: tuple[tuple[str, tuple[TemplateItem, ...]], ...] = (
    ("Pay and the new roles", (
        TemplateItem("pay-attracts", "likert",
                     "Extra pay helps our district attract strong people to the new "
                     "personalized-learning roles."),
        TemplateItem("pay-keeps", "likert",
                     "Extra pay helps our district keep strong people in these roles."),
    )),
    ("Professional learning", (
        TemplateItem("pd-personalized", "likert",
                     "The professional learning I receive is itself personalized to my needs."),
        TemplateItem("pd-coaching", "likert",
                     "After a training, I get coaching and feedback that help me use it."),
    )),
    ("Careers", (
        TemplateItem("path-formal", "likert",
                     "The new roles should form a formal career path in our district."),
        TemplateItem("path-advancement", "likert",
                     "Teachers here see the new roles as a way to advance."),
        TemplateItem("path-future-leaders", "likert",
                     "When leadership posts open, leaders here look first to people in the new "
                     "roles."),
    )),
    ("The people in the roles", (
        TemplateItem("traits", "multiple",
                     "Which qualities matter most for someone in these roles? Choose up to "
                     "three.", options=TRAITS),
        TemplateItem("comments", "text",
                     "Anything else the district should know about the new roles?"),
    )),
)  # fmt: skip
