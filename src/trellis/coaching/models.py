"""Coaching: who coaches whom, and the log of what they did together.

Coaching is non-evaluative. The content of the log (notes, next steps, comments, a consultant's
feedback) is read only through ``coaching.wall``; no role or permission grants it, and a
teacher's evaluator is refused even where the teacher has shared. The relationship itself (who
coaches whom, since when) is caseload planning and visible to the district's coaching managers.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import School, Staff

MAX_MINUTES = 480  # a full school day with one teacher


class Relationship(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="coachees")
    teacher = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="coaches")
    focus = models.CharField(
        max_length=200, blank=True,
        help_text="What the coaching is about, in a few words (e.g. “station rotation”). "
        "Coaching managers see it; keep anything personal for the notes.",
    )  # fmt: skip
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-begin_date", "id"]
        constraints = [
            models.CheckConstraint(name="coaching_not_self", condition=~Q(coach=F("teacher"))),
            models.CheckConstraint(
                name="coaching_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("begin_date")),
            ),
            models.UniqueConstraint(
                fields=["coach", "teacher"],
                condition=Q(end_date__isnull=True),
                name="coaching_one_open_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "coach"], name="coaching_coach_idx"),
            models.Index(fields=["district", "teacher"], name="coaching_teacher_idx"),
        ]

    def __str__(self) -> str:
        return f"Coaching relationship {self.pk}"


class InteractionKind(models.TextChoices):
    RESOURCES = "resources", "Resources by email"
    VISIT = "visit", "Classroom visit"
    CO_TEACHING = "co_teaching", "Co-teaching"
    MODELLING = "modelling", "Modelling a lesson"
    PLANNING = "planning", "Planning together"
    DATA = "data", "Data conversation"
    WALKTHROUGH = "walkthrough", "Walkthrough feedback"
    CONSULTANT = "consultant", "Consultant walkthrough"


class Interaction(models.Model):
    """One entry in the coaching log. Append-mostly; ``school`` and ``school_year`` are copied
    from the teacher and the date so the leaders' counts group without joins."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=12, choices=InteractionKind.choices)
    occurred_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    notes = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    consultant = models.CharField(
        max_length=200, blank=True, help_text="For a consultant's walkthrough: who observed."
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    logged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="interaction_minutes_range", condition=Q(minutes__gte=1, minutes__lte=480)
            )
        ]
        indexes = [
            models.Index(
                fields=["district", "school_year", "occurred_on"], name="interaction_year_idx"
            ),
            models.Index(fields=["relationship", "-occurred_on"], name="interaction_rel_idx"),
        ]

    def __str__(self) -> str:
        # Never the notes: this string can reach logs and error pages.
        return f"Coaching interaction {self.pk}"


class Comment(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk}"


class Share(models.Model):
    """The teacher lets one more person read their coaching record with this coach."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["relationship", "user"], name="share_once")]

    def __str__(self) -> str:
        return f"Share {self.pk}"
