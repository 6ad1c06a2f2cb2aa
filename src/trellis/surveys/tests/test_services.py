"""Survey services: every kind of bad input refused with a message at its field and nothing
written; the audience by role, school and cohort; invitations by email and reminders only to
those who have not answered, at most once a day; and a response that carries nobody's name.

The helpers here (people with staff records, an open round, a known link) serve the page, API
and browser tests too."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from trellis.core.models import Role
from trellis.factories import MembershipFactory, SchoolFactory, StaffFactory, UserFactory
from trellis.org.models import StaffClassification
from trellis.rollout.models import MemberSource
from trellis.rollout.services import cohorts as rollout
from trellis.rollout.services.initiative import initiative_create
from trellis.surveys import services
from trellis.surveys.models import (
    Administration,
    Answer,
    GroupSource,
    Invitation,
    Item,
    ItemKind,
    Response,
    Status,
)
from trellis.surveys.tests.builders import instrument

pytestmark = pytest.mark.django_db

CLASSIFICATION = {Role.TEACHER: StaffClassification.TEACHER,
                  Role.COACH: StaffClassification.INSTRUCTIONAL_COORDINATOR,
                  Role.PRINCIPAL: StaffClassification.PRINCIPAL}  # fmt: skip


def person(district, role=Role.TEACHER, school=None, username=None):
    """A member of the district with a staff record (at ``school``) in the role's work."""
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, district=district, role=role)
    StaffFactory(district=district, school=school, user=user,
                 classification=CLASSIFICATION.get(role, StaffClassification.TEACHER))  # fmt: skip
    return user


def round_data(**changes):
    today = timezone.localdate()
    data = {"title": "Spring staff survey", "school_year": "2026-27", "opens_on": today,
            "closes_on": today + dt.timedelta(days=14), "audience_roles": ["teacher"],
            "group_source": GroupSource.MEMBERSHIP, "min_group": 5, "min_text": 10}  # fmt: skip
    return {**data, **changes}


def open_round(survey, actor, **changes):
    """A round of ``survey`` created and opened (the invitations written, emails queued)."""
    schools, cohort = changes.pop("schools", ()), changes.pop("cohort", None)
    admin = services.administration_create(instrument=survey, data=round_data(**changes),
                                           schools=schools, cohort=cohort, actor=actor)  # fmt: skip
    services.administration_open(administration=admin, actor=actor)
    admin.refresh_from_db()
    return admin


def link(admin, user):
    """A fresh private link for ``user``'s invitation, as the email would carry it."""
    token = uuid.uuid4().hex
    Invitation.objects.filter(administration=admin, user=user).update(
        token_hash=services.token_hash(token)
    )
    return token


def full_answers(admin, likert=3):
    """An answer to every question of the round."""
    answers = {}
    for item in admin.instrument.items.filter(retired_at__isnull=True):
        answers[item.pk] = {
            ItemKind.LIKERT: likert,
            ItemKind.MULTIPLE: [0, 2],
            ItemKind.SINGLE: 0,
            ItemKind.TEXT: "More time to plan.",
        }[item.kind]
    return answers  # fmt: skip


def item_of(survey, key):
    return survey.items.get(key=key)


@pytest.fixture
def survey(alice, district_a):
    return instrument(district_a, alice.user)


@pytest.fixture
def teachers(district_a, school_a):
    return [person(district_a, school=school_a) for _ in range(3)]


@pytest.fixture
def live(survey, alice, teachers):
    return open_round(survey, alice.user)


def nothing_written():
    return (Response.objects.count(), Answer.objects.count(),
            Invitation.objects.filter(responded=True).count())  # fmt: skip


# --- Bad input ------------------------------------------------------------------------------


def test_an_answer_off_the_scale_is_refused_at_its_question_and_nothing_is_written(live, teachers):
    invitation = live.invitations.get(user=teachers[0])
    pay = item_of(live.instrument, "pay-attracts")
    traits = item_of(live.instrument, "traits")
    answers = {**full_answers(live), pay.pk: 7, traits.pk: [0, 99]}
    with pytest.raises(ValidationError) as refused:
        services.response_submit(invitation=invitation, answers=answers)
    assert refused.value.message_dict == {
        f"item_{pay.pk}": ["That answer is not on this question's scale."],
        f"item_{traits.pk}": ["Choose from the list."],
    }
    assert nothing_written() == (0, 0, 0)


def test_a_five_point_question_takes_a_middle_answer_and_a_four_point_one_does_not(
    survey, alice, teachers
):
    middle = services.item_add(instrument=survey, kind=ItemKind.LIKERT, points=5,
                               text="My coach helps me.", actor=alice.user)  # fmt: skip
    admin = open_round(survey, alice.user)
    invitation = admin.invitations.get(user=teachers[0])
    assert services.response_submit(invitation=invitation, answers={middle.pk: 5}) == 1
    four = item_of(survey, "pay-keeps")
    with pytest.raises(ValidationError, match="not on this question's scale"):
        services.response_submit(invitation=admin.invitations.get(user=teachers[1]),
                                 answers={four.pk: 5})  # fmt: skip


def test_a_second_response_through_the_same_invitation_is_refused(live, teachers):
    invitation = live.invitations.get(user=teachers[0])
    services.response_submit(invitation=invitation, answers=full_answers(live))
    before = nothing_written()
    with pytest.raises(ValidationError, match="already been used"):
        services.response_submit(invitation=invitation, answers=full_answers(live, likert=1))
    assert nothing_written() == before == (1, 9, 1)


def test_a_response_after_the_round_closes_is_refused(live, alice, teachers):
    services.administration_close(administration=live, actor=alice.user)
    with pytest.raises(ValidationError, match="not open for answers"):
        services.response_submit(invitation=live.invitations.get(user=teachers[0]),
                                 answers=full_answers(live))  # fmt: skip
    assert nothing_written() == (0, 0, 0)


def test_a_response_after_the_closing_date_is_refused_even_before_the_round_is_closed(
    live, teachers
):
    Administration.objects.filter(pk=live.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=9),
        closes_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="not open for answers"):
        services.response_submit(invitation=live.invitations.get(user=teachers[0]),
                                 answers=full_answers(live))  # fmt: skip
    assert nothing_written() == (0, 0, 0)


def test_an_answered_question_keeps_its_wording(live, alice, teachers):
    services.response_submit(invitation=live.invitations.get(user=teachers[0]),
                             answers=full_answers(live))  # fmt: skip
    pay = item_of(live.instrument, "pay-attracts")
    with pytest.raises(ValidationError) as refused:
        services.item_update(item=pay, text="Pay is fine.", actor=alice.user)
    assert "stays as they read it" in refused.value.message_dict["text"][0]
    pay.refresh_from_db()
    assert pay.text.startswith("Extra pay helps our district attract")


def test_an_unanswered_question_can_be_reworded(survey, alice):
    pay = item_of(survey, "pay-attracts")
    services.item_update(item=pay, text="Extra pay attracts good people.", actor=alice.user)
    pay.refresh_from_db()
    assert pay.text == "Extra pay attracts good people."


def test_retiring_a_question_twice_is_refused_and_keeps_the_first_date(survey, alice):
    pay = services.item_retire(item=item_of(survey, "pay-keeps"), actor=alice.user)
    with pytest.raises(ValidationError, match="already retired"):
        services.item_retire(item=pay, actor=alice.user)
    assert Item.objects.get(pk=pay.pk).retired_at == pay.retired_at


@pytest.mark.parametrize(("field", "value"), [("min_group", 2), ("min_text", 2), ("min_group", 0)])
def test_a_threshold_below_three_is_refused_at_its_field_and_no_round_is_written(
    survey, alice, field, value
):
    with pytest.raises(ValidationError) as refused:
        services.administration_create(instrument=survey, data=round_data(**{field: value}),
                                       actor=alice.user)  # fmt: skip
    assert set(refused.value.message_dict) == {field}
    assert "smaller than 3" in refused.value.message_dict[field][0]
    assert not Administration.objects.exists()


def test_a_round_that_closes_before_it_opens_or_asks_nobody_is_refused(survey, alice):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.administration_create(
            instrument=survey, actor=alice.user,
            data=round_data(closes_on=today - dt.timedelta(days=1), audience_roles=[]),
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"closes_on", "audience_roles"}
    assert not Administration.objects.exists()


def test_the_group_is_asked_when_the_round_asks_it_with_every_other_error_beside_it(
    survey, alice, teachers
):
    admin = open_round(survey, alice.user, group_source=GroupSource.ASK)
    pay = item_of(survey, "pay-attracts")
    with pytest.raises(ValidationError) as refused:
        services.response_submit(invitation=admin.invitations.get(user=teachers[0]),
                                 answers={pay.pk: 0})  # fmt: skip
    assert set(refused.value.message_dict) == {"group", f"item_{pay.pk}"}
    services.response_submit(invitation=admin.invitations.get(user=teachers[0]),
                             answers={pay.pk: 4}, group="instructional_leader")  # fmt: skip
    assert Response.objects.get().group == "instructional_leader"


def test_only_managers_build_and_run_surveys(bob, district_a, survey, live):
    with pytest.raises(PermissionDenied):
        services.instrument_from_template(district=district_a, name="Mine", actor=bob.user)
    with pytest.raises(PermissionDenied):
        services.administration_close(administration=live, actor=bob.user)


# --- The template ---------------------------------------------------------------------------


def test_the_template_holds_the_studys_sections_and_questions_with_their_keys(survey):
    sections = list(survey.sections.values_list("title", flat=True))
    assert sections == ["Pay and the new roles", "Professional learning", "Careers",
                        "The people in the roles"]  # fmt: skip
    kinds = list(survey.items.order_by("order").values_list("kind", flat=True))
    assert kinds.count(ItemKind.LIKERT) == 7 and kinds[-2:] == [ItemKind.MULTIPLE, ItemKind.TEXT]
    assert len(item_of(survey, "traits").options) == 8
    assert all(survey.items.values_list("key", flat=True))


# --- Audience, invitations and reminders ----------------------------------------------------


def test_the_audience_is_chosen_by_role_school_and_cohort(alice, district_a, survey, school_a):
    other_school = SchoolFactory(district=district_a, name="Birch Elementary")
    aspen = [person(district_a, school=school_a) for _ in range(2)]
    birch = [person(district_a, school=other_school) for _ in range(2)]
    coach = person(district_a, Role.COACH, school=school_a)
    principal = person(district_a, Role.PRINCIPAL, school=other_school)
    draft = services.administration_create(
        instrument=survey, actor=alice.user,
        data=round_data(audience_roles=["teacher", "principal"]),
    )  # fmt: skip
    assert set(services.audience(draft)) == {*aspen, *birch, principal}
    draft.audience_schools.set([other_school])
    assert set(services.audience(draft)) == {*birch, principal}
    # and a cohort narrows it to its active members
    cohort = cohort_of(alice, district_a, [aspen[0], birch[0]])
    draft.audience_schools.set([])
    draft.audience_cohort = cohort
    assert set(services.audience(draft)) == {aspen[0], birch[0]}
    assert coach not in services.audience(draft)


def cohort_of(alice, district, users):
    """A cohort of the district's initiative with these people (teachers) as members."""
    initiative = initiative_create(district=district, actor=alice.user, data={
        "name": "Blended learning", "approaches": ["blended"], "first_year": "2025-26",
        "last_year": "2027-28"})  # fmt: skip
    phase = rollout.phase_save(initiative=initiative, actor=alice.user, data={
        "name": "Second", "school_year": "2026-27", "target_share": Decimal("50"),
        "teachers_per_coach": 25, "is_pilot": False})  # fmt: skip
    cohort = rollout.cohort_save(
        initiative=initiative,
        actor=alice.user,
        data={"name": "Cohort 2", "phase": phase, "notes": ""},
    )
    staff = [u.staff_records.get() for u in users]
    rollout.members_add(cohort=cohort, staff=staff, source=MemberSource.ASSIGNED, actor=alice.user)
    return cohort


def test_opening_emails_each_person_a_private_link_and_stores_only_its_hash(
    survey, alice, teachers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin = open_round(survey, alice.user)
    assert admin.status == Status.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.email for t in teachers)
    body = mail.outbox[0].body
    assert "anonymous" in body and "fewer than 5 people" in body
    token = body.split("/surveys/answer/")[1].split("/")[0]
    invitation = services.invitation_by_token(token)
    assert invitation is not None and invitation.token_hash != token
    assert invitation.user.email == mail.outbox[0].to[0]
    assert invitation.invited_on == timezone.localdate()


def test_a_round_whose_closing_date_has_passed_or_with_nobody_to_ask_does_not_open(
    survey, alice, district_a
):
    today = timezone.localdate()
    draft = services.administration_create(instrument=survey, actor=alice.user, data=round_data(
        opens_on=today - dt.timedelta(days=5), closes_on=today - dt.timedelta(days=1)))  # fmt: skip
    with pytest.raises(ValidationError, match="closing date has passed"):
        services.administration_open(administration=draft, actor=alice.user)
    nobody = services.administration_create(instrument=survey, actor=alice.user,
                                            data=round_data(audience_roles=["viewer"]))  # fmt: skip
    with pytest.raises(ValidationError, match="Nobody is in this survey's audience"):
        services.administration_open(administration=nobody, actor=alice.user)
    assert set(Administration.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not Invitation.objects.exists()


def test_reminders_go_only_to_those_who_have_not_answered_and_once_a_day(
    live, alice, teachers, django_capture_on_commit_callbacks
):
    services.response_submit(invitation=live.invitations.get(user=teachers[0]),
                             answers=full_answers(live))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(administration=live, actor=alice.user) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.email for t in teachers[1:])
    assert all(m.subject.startswith("Reminder: ") for m in mail.outbox)
    # a second click the same day reminds nobody
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(administration=live, actor=alice.user) == 0
    assert len(mail.outbox) == 2
    # the next day they are due again
    Invitation.objects.update(reminded_on=timezone.localdate() - dt.timedelta(days=1))
    assert services.reminders_send(administration=live, actor=alice.user) == 2


def test_a_reminder_replaces_the_earlier_link(live, alice, teachers):
    token = link(live, teachers[1])
    services.reminders_send(administration=live, actor=alice.user)
    assert services.invitation_by_token(token) is None


def test_a_draft_cannot_be_reminded_or_closed_and_a_closed_round_stays_closed(survey, alice, live):
    draft = services.administration_create(instrument=survey, data=round_data(), actor=alice.user)
    with pytest.raises(ValidationError, match="while the survey is open"):
        services.reminders_send(administration=draft, actor=alice.user)
    with pytest.raises(ValidationError, match="cannot become closed"):
        services.administration_close(administration=draft, actor=alice.user)
    services.administration_close(administration=live, actor=alice.user)
    with pytest.raises(ValidationError, match="cannot become open"):
        services.administration_open(administration=live, actor=alice.user)


# --- Anonymity ------------------------------------------------------------------------------


def test_a_response_carries_no_person_and_a_random_id_and_the_invitation_only_flips(
    live, teachers, district_a
):
    invitation = live.invitations.get(user=teachers[0])
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    services.response_submit(invitation=invitation, answers=full_answers(live))
    response = Response.objects.get()
    # no field of a response or its answers can point at a person
    for model in (Response, Answer):
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert targets.isdisjoint({type(teachers[0]), type(teachers[0].staff_records.get())})
    assert response.id.version == 4
    assert isinstance(response.submitted_on, dt.date)
    assert not isinstance(response.submitted_on, dt.datetime)
    assert (response.group, response.school_id) == ("other", teachers[0].staff_records.get()
                                                    .school_id)  # fmt: skip
    after = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {"responded"}
    assert after["responded"] is True


def test_the_group_comes_from_a_principals_or_coachs_membership(
    survey, alice, district_a, school_a
):
    principal = person(district_a, Role.PRINCIPAL, school=school_a)
    coach = person(district_a, Role.COACH, school=school_a)
    admin = open_round(survey, alice.user, audience_roles=["principal", "coach"])
    for user in (principal, coach):
        services.response_submit(invitation=admin.invitations.get(user=user), answers={})
    assert sorted(Response.objects.values_list("group", flat=True)) == [
        "building_leader", "instructional_leader"]  # fmt: skip


def test_someone_elses_invitation_is_refused(live, teachers):
    with pytest.raises(PermissionDenied):
        services.require_respondent(live.invitations.get(user=teachers[0]), teachers[1])
    with pytest.raises(PermissionDenied):
        services.require_respondent(None, teachers[1])
