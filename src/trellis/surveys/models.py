"""Staff surveys: instruments of sections and items, administrations to an audience, and the
answers, kept apart from who answered.

Anonymity is by construction: a ``Response`` carries no link to a person, its id is random and
its date has no time, so it cannot be matched to the ``Invitation`` that records who still needs
a reminder. Results are read only through ``surveys.selectors.results``, which suppresses small
groups.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import School
from trellis.rollout.models import Cohort

MIN_GROUP = 5  # the usual smallest group a result may describe
MIN_TEXT = 10  # open comments identify people more easily


class SurveySettings(models.Model):
    """The district's floor: no round of any of its surveys reports a group smaller than these.
    A district without a row has the defaults."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    min_group = models.PositiveSmallIntegerField(
        default=MIN_GROUP, validators=[MinValueValidator(3), MaxValueValidator(50)],
        verbose_name="smallest group reported",
    )  # fmt: skip
    min_text = models.PositiveSmallIntegerField(
        default=MIN_TEXT, validators=[MinValueValidator(3), MaxValueValidator(100)],
        verbose_name="smallest group whose comments are shown",
    )  # fmt: skip
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "survey settings"
        constraints = [
            models.CheckConstraint(
                name="survey_settings_thresholds", condition=Q(min_group__gte=3, min_text__gte=3)
            ),
        ]

    def __str__(self) -> str:
        return f"Survey settings of {self.district_id}"


class Instrument(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    template_key = models.CharField(max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="instrument_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    LIKERT = "likert", "Agree–disagree scale"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    TEXT = "text", "Open text"


class Item(models.Model):
    """One question. Its wording never changes once anyone has answered it: a new wording is a
    new item (the old one is retired), so every answer keeps the question it answered.
    ``key`` ties the same question across instruments and years, for trends."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    text = models.TextField(verbose_name="question")
    points = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(4), MaxValueValidator(5)],
        help_text="4: no middle answer; 5: with “neither agree nor disagree”.",
    )  # fmt: skip
    options = models.JSONField(default=list, blank=True, help_text="The choices, in order.")
    required = models.BooleanField(default=False)
    key = models.CharField(max_length=60, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.CheckConstraint(name="item_points_range", condition=Q(points__in=[4, 5]))
        ]
        indexes = [models.Index(fields=["district", "key"], name="item_key_idx")]

    def __str__(self) -> str:
        return self.text[:80]


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class GroupSource(models.TextChoices):
    ASK = "ask", "Ask each respondent"
    MEMBERSHIP = "membership", "Take it from their role in Trellis"


class RespondentGroup(models.TextChoices):
    BUILDING_LEADER = "building_leader", "Building leader"
    INSTRUCTIONAL_LEADER = "instructional_leader", "Instructional leader"
    OTHER = "other", "Other"


class Administration(models.Model):
    """One round of an instrument: who is asked, when, and the smallest groups it reports."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.RESTRICT, related_name="administrations"
    )
    title = models.CharField(max_length=200)
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    audience_roles = models.JSONField(
        default=list, help_text="Membership roles invited (teacher, coach, principal…)."
    )
    audience_schools = models.ManyToManyField(School, blank=True, related_name="+")
    audience_cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group_source = models.CharField(
        max_length=12, choices=GroupSource.choices, default=GroupSource.MEMBERSHIP
    )
    min_group = models.PositiveSmallIntegerField(
        default=MIN_GROUP, validators=[MinValueValidator(3), MaxValueValidator(50)],
        verbose_name="smallest group reported",
    )  # fmt: skip
    min_text = models.PositiveSmallIntegerField(
        default=MIN_TEXT, validators=[MinValueValidator(3), MaxValueValidator(100)],
        verbose_name="smallest group whose comments are shown",
    )  # fmt: skip
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="administration_dates_ordered",
                condition=Q(closes_on__gte=models.F("opens_on")),
            ),
            models.CheckConstraint(
                name="administration_thresholds", condition=Q(min_group__gte=3, min_text__gte=3)
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "-opens_on"], name="administration_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """Who was asked and whether they have answered: for reminders only. Nothing here, not even
    the time, links to their response."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)
    responded = models.BooleanField(default=False)

    class Meta:
        ordering = ["administration", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "administration", "user"], name="invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class Response(models.Model):
    """One person's answers, with only what the reports break down by. The id is random and the
    day has no time, so responses cannot be ordered against invitations."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="responses"
    )
    group = models.CharField(max_length=24, choices=RespondentGroup.choices)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField()

    class Meta:
        # Ordered by its random id: no order hints at who answered when.
        ordering = ["id"]
        indexes = [models.Index(fields=["district", "administration"], name="response_admin_idx")]

    def __str__(self) -> str:
        return "Response"


class Answer(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.RESTRICT, related_name="answers")
    value = models.SmallIntegerField(
        null=True, blank=True, help_text="The scale point (1 = strongly disagree) or choice index."
    )
    choices = models.JSONField(default=list, blank=True, help_text="Several choices: indexes.")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "response", "item"], name="answer_once_an_item"
            )
        ]
        indexes = [models.Index(fields=["district", "item"], name="answer_item_idx")]

    def __str__(self) -> str:
        return "Answer"
