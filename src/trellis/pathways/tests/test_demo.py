"""The demo's career pathways in Maple Valley: two ladders, five school years of history with
every kind of move, HR's standing, and readiness for the teacher and coach personas."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from trellis.core.models import District
from trellis.core.schoolyear import school_year_of
from trellis.demo.loader import demo_load
from trellis.org.models import Staff
from trellis.pathways.models import Standing
from trellis.pathways.selectors.history import (
    MoveKind,
    district_moves,
    flows,
    new_leaders,
    retention,
)
from trellis.pathways.selectors.ladders import (
    MET,
    MISSING,
    Readiness,
    ladder_list,
    ladder_rank,
    person_readiness,
)

pytestmark = pytest.mark.django_db
STUDY_LADDER = "Learning facilitator to principal"


def _on_study_ladder(district: District, username: str) -> Readiness:
    person = Staff.objects.get(district=district, user__username=username)
    readiness = person_readiness(district=district, person=person)
    return next(r for r in readiness if r.ladder.name == STUDY_LADDER)


def test_maple_valley_has_ladders_years_of_moves_and_readiness_for_its_personas(db):
    demo_load()
    maple = District.objects.get(slug="maple-valley")
    # The study's ladder has four steps; the teacher-leader ladder three
    steps = {ladder.name: ladder.steps.count() for ladder in ladder_list(district=maple)}
    assert steps == {STUDY_LADDER: 4, "Teacher-leader to district coordinator": 3}

    # Promotions, lateral moves, returns to the classroom and exits, with the study's reasons
    moves = district_moves(district=maple, ladder_rank=ladder_rank(district=maple))
    kinds = Counter(m.kind for m in moves)
    assert {MoveKind.PROMOTION, MoveKind.LATERAL, MoveKind.RETURN, MoveKind.EXIT} <= set(kinds)
    assert {"retired", "moved_away", "not_a_fit", "returned_to_classroom", "promoted"} <= {
        m.reason for m in moves
    }
    # Every figure has rows: retention by role, new leaders by year (some from
    # personalized-learning roles, some not), flows between levels
    assert any(row.rate(1) is not None for row in retention(district=maple))
    pipeline = new_leaders(district=maple)
    assert sum(r.from_pl for r in pipeline) > 0
    assert sum(r.leaders - r.from_pl for r in pipeline) > 0
    this_year = int(school_year_of(timezone.localdate())[:4])
    years = [f"{y}-{(y + 1) % 100:02d}" for y in (this_year - 5, this_year)]
    assert flows(district=maple, first_year=years[0], last_year=years[1]).total > 0

    # HR's standing this year: mostly yes, one no
    answers = Counter(
        Standing.objects.filter(district=maple, school_year=school_year_of(timezone.localdate()))
        .values_list("good", flat=True)
    )  # fmt: skip
    assert answers[False] == 1 and answers[True] >= 10

    # Bob is a learning facilitator with requirements still missing for the TOSA step
    bob = _on_study_ladder(maple, "bob")
    assert (bob.current.name, bob.next.name) == (  # type: ignore[union-attr]
        "Learning facilitator", "Teacher on special assignment",
    )  # fmt: skip
    assert MISSING in {c.state for c in bob.checks} and not bob.ready
    # Cole coaches: on the TOSA step, part of the way to learning director
    cole = _on_study_ladder(maple, "cole")
    assert cole.next is not None and cole.next.name == "Learning director"
    assert {MET, MISSING} <= {c.state for c in cole.checks}
