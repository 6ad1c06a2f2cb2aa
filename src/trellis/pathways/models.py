"""Career pathways: ladders of steps with their requirements, and HR's yes/no on each person's
evaluation standing. Moves, turnover, retention and flows are worked out from roles'
assignment history, never stored twice."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.learning.models import CertificationProgram
from trellis.org.models import Staff
from trellis.roles.models import RoleType

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class Ladder(models.Model):
    """An ordered path of steps, e.g. learning facilitator → TOSA → learning director →
    principal. A district may keep several; a step's roles may sit on more than one."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="ladder_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """One rung. Someone is on it when they hold an assignment in one of its role types or,
    for the classroom and the principal's office, when their staff classification is one of
    its classifications. Its requirements are what it takes to move up onto it."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(help_text="1 is the bottom rung.")
    name = models.CharField(max_length=120)
    role_types = models.ManyToManyField(RoleType, blank=True, related_name="+")
    classifications = models.JSONField(
        default=list, blank=True, help_text="Ed-Fi staff classifications, e.g. teacher."
    )
    min_years = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal(0), validators=NON_NEGATIVE,
        verbose_name="years on the step below",
    )  # fmt: skip
    min_hours = models.DecimalField(
        max_digits=6, decimal_places=1, default=Decimal(0), validators=NON_NEGATIVE,
        verbose_name="hours of professional learning",
    )  # fmt: skip
    hours_years = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)],
        verbose_name="counted over (school years)",
        help_text="The hours are counted over this many school years, this one included.",
    )  # fmt: skip
    good_standing = models.BooleanField(
        default=False, verbose_name="in good standing",
        help_text="HR has recorded the person in good standing for the latest school year.",
    )  # fmt: skip
    certifications = models.ManyToManyField(CertificationProgram, blank=True, related_name="+")

    class Meta:
        ordering = ["ladder", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "ladder", "order"], name="step_unique_order"
            ),
            models.CheckConstraint(
                name="step_requirements_non_negative",
                condition=Q(min_years__gte=0, min_hours__gte=0),
            ),
        ]
        indexes = [models.Index(fields=["district", "ladder"], name="step_ladder_idx")]

    def __str__(self) -> str:
        return self.name


class Standing(models.Model):
    """HR's yes or no for one person and school year: in good standing or not. Only the answer,
    never the evaluation behind it."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="standings")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    good = models.BooleanField(verbose_name="in good standing")
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["staff", "-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "staff", "school_year"], name="standing_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"Standing {self.school_year}"
