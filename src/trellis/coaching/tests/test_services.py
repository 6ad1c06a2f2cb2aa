"""The coaching log's writes: who may write what, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from trellis.coaching import selectors, services, wall
from trellis.coaching.models import Comment, Interaction, Relationship, Share
from trellis.coaching.tests.helpers import cast

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _entry(c, **overrides):
    fields = {
        "relationship": c.relationship,
        "kind": "modelling",
        "occurred_on": TODAY(),
        "minutes": 30,
        "notes": "modelled a mini-lesson",
        "actor": c["cole"].user,
    }
    return services.interaction_log(**{**fields, **overrides})


def test_a_coach_logs_entries_that_carry_the_teachers_school_and_school_year():
    c = cast()
    entry = _entry(c)
    assert entry.school_id == c.aspen.pk
    assert entry.school_year == selectors.current_year()
    assert c.relationship.interactions.count() == 4


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"occurred_on": TODAY() + dt.timedelta(days=1)}, "occurred_on", "future"),
        ({"occurred_on": TODAY() - dt.timedelta(days=400)}, "occurred_on", "before"),
        ({"minutes": 0}, "minutes", "between 1 and 480"),
        ({"minutes": 9000}, "minutes", "between 1 and 480"),
        ({"kind": "gossip"}, "kind", "Choose"),
        ({"kind": "consultant"}, "consultant", "Name the consultant"),
        ({"notes": "x" * 10_001}, "notes", "at most"),
    ],
)
def test_bad_coaching_entries_are_refused_at_the_field_and_nothing_is_written(
    overrides, field, words
):
    c = cast()
    before = Interaction.objects.count()
    with pytest.raises(ValidationError) as caught:
        _entry(c, **overrides)
    assert words in " ".join(caught.value.message_dict[field])
    assert Interaction.objects.count() == before


def test_only_the_coach_in_the_relationship_may_log():
    c = cast()
    for name in ("tess", "mia", "pat", "alice", "otto"):
        with pytest.raises(PermissionDenied):
            _entry(c, actor=c[name].user)
    assert c.relationship.interactions.count() == 3


def test_a_coach_cannot_be_paired_with_a_teacher_they_evaluate():
    c = cast(with_log=False)
    # Vera is named as Tess's evaluator; Pat is principal of Tess's school.
    for evaluator in ("vera", "pat"):
        with pytest.raises(ValidationError) as caught:
            services.relationship_create(
                district=c.district,
                coach=c[evaluator].staff,
                teacher=c["tess"].staff,
                begin_date=TODAY(),
                actor=c["alice"].user,
            )
        assert "evaluates" in caught.value.message_dict["coach"][0]
    assert not Relationship.objects.exists()


def test_a_pair_is_refused_for_oneself_twice_or_across_districts():
    c = cast()
    cole, tess = c["cole"].staff, c["tess"].staff
    with pytest.raises(ValidationError, match="themselves"):
        services.relationship_create(
            district=c.district, coach=cole, teacher=cole, begin_date=TODAY(), actor=c["alice"].user
        )
    with pytest.raises(ValidationError, match="already coaches"):
        services.relationship_create(
            district=c.district, coach=cole, teacher=tess, begin_date=TODAY(), actor=c["alice"].user
        )
    with pytest.raises(ValidationError, match="this district"):
        services.relationship_create(
            district=c.district,
            coach=cole,
            teacher=c["charlie"].staff,
            begin_date=TODAY(),
            actor=c["alice"].user,
        )
    assert Relationship.objects.count() == 1


def test_a_coach_may_open_their_own_relationships_but_not_pair_others():
    c = cast(with_log=False)
    mine = services.relationship_create(
        district=c.district,
        coach=c["cole"].staff,
        teacher=c["otto"].staff,
        begin_date=TODAY(),
        actor=c["cole"].user,
    )
    assert mine.coach == c["cole"].staff
    with pytest.raises(PermissionDenied):
        services.relationship_create(
            district=c.district,
            coach=c["mia"].staff,
            teacher=c["otto"].staff,
            begin_date=TODAY(),
            actor=c["cole"].user,
        )


def test_the_teacher_comments_and_an_empty_comment_is_refused():
    c = cast()
    comment = services.comment_add(interaction=c.entries[1], text="Thanks!", actor=c["tess"].user)
    assert comment.author == c["tess"].user
    with pytest.raises(ValidationError):
        services.comment_add(interaction=c.entries[1], text="   ", actor=c["tess"].user)
    for outsider in ("mia", "pat", "alice"):  # a reader by share may read, not write
        with pytest.raises(PermissionDenied):
            services.comment_add(interaction=c.entries[1], text="hi", actor=c[outsider].user)
    assert Comment.objects.filter(interaction=c.entries[1]).count() == 1


def test_the_teacher_cannot_share_with_an_evaluator_and_only_the_teacher_shares():
    c = cast()
    for evaluator in ("vera", "pat"):
        with pytest.raises(ValidationError, match="evaluates you"):
            services.share_grant(
                relationship=c.relationship, user=c[evaluator].user, actor=c["tess"].user
            )
    with pytest.raises(ValidationError, match="works in this district"):
        services.share_grant(
            relationship=c.relationship, user=c["charlie"].user, actor=c["tess"].user
        )
    with pytest.raises(PermissionDenied):
        services.share_grant(relationship=c.relationship, user=c["otto"].user, actor=c["cole"].user)
    assert list(Share.objects.values_list("user__username", flat=True)) == ["mia"]


def test_a_share_stops_working_when_the_reader_becomes_the_evaluator():
    c = cast()
    assert wall.can_read(c["mia"].user, c.relationship)
    tess = c["tess"].staff
    tess.supervisor = c["mia"].staff
    tess.save()
    assert not wall.can_read(c["mia"].user, c.relationship)


def test_revoking_a_share_ends_the_readers_access():
    c = cast()
    share = Share.objects.get(user=c["mia"].user)
    services.share_revoke(share=share, actor=c["tess"].user)
    assert not wall.can_read(c["mia"].user, c.relationship)


def test_a_relationship_cannot_end_before_its_last_entry():
    c = cast()
    with pytest.raises(ValidationError, match="after this end date"):
        services.relationship_end(
            relationship=c.relationship,
            end_date=TODAY() - dt.timedelta(days=10),
            actor=c["cole"].user,
        )
    ended = services.relationship_end(
        relationship=c.relationship, end_date=TODAY(), actor=c["cole"].user
    )
    assert ended.end_date == TODAY()
    with pytest.raises(ValidationError, match="ended"):
        services.relationship_end(relationship=ended, end_date=TODAY(), actor=c["cole"].user)


def test_changing_an_entry_records_which_fields_changed_not_what_they_say():
    c = cast()
    entry = c.entries[0]
    services.interaction_update(
        interaction=entry,
        kind=entry.kind,
        occurred_on=entry.occurred_on,
        minutes=50,
        notes="rewritten",
        next_steps=entry.next_steps,
        actor=c["cole"].user,
    )
    from trellis.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="coaching.interaction_changed").get()
    assert event.changes == {"fields": [None, ["minutes", "notes"]]}


def test_the_summary_counts_by_type_school_and_month_and_the_caseload_groups_teachers():
    c = cast()
    result = selectors.summary(district=c.district, school_year=selectors.current_year())
    assert result.total_entries == sum(
        1 for e in c.entries if e.school_year == selectors.current_year()
    )
    assert {row[1] for row in result.rows} <= {"Aspen Elementary"}
    load = selectors.caseload(
        district=c.district, coach=c["cole"].staff, school_year=selectors.current_year()
    )
    assert [t.teacher.pk for t in load.teachers] == [c["tess"].staff.pk]
    assert load.by_school == [("Aspen Elementary", 1)]
    assert load.by_band == [("Elementary", 1)]
