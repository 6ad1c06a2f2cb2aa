"""Pay and sustainability: salary schedules (steps × lanes), where each person sits on them,
how each position is paid, who pays for it (funding sources and splits), and scenarios."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import Staff
from trellis.roles.models import Position, RoleType

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class SalarySchedule(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schedules")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    name = models.CharField(max_length=120, default="Teacher salary schedule")
    lanes = models.JSONField(default=list, help_text="Lane names in order, e.g. BA, BA+15, MA.")
    contract_months = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
        help_text="The contract basis in months (10 for most teachers).",
    )
    contract_days = models.PositiveSmallIntegerField(
        default=185,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Working days in the contract; the daily rate follows from them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "school_year"], name="schedule_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year}"


class ScheduleCell(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(SalarySchedule, on_delete=models.CASCADE, related_name="cells")
    step = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    lane = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["schedule_id", "step", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "schedule", "step", "lane"], name="cell_once"
            ),
        ]

    def __str__(self) -> str:
        return f"step {self.step}, {self.lane}: {self.amount}"


class Placement(models.Model):
    """Where a person sits on the schedule in a school year."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="placements")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    step = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    lane = models.CharField(max_length=40)

    class Meta:
        ordering = ["-school_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "staff", "school_year"], name="placement_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.school_year}: step {self.step}, {self.lane}"


class PayTerms(models.Model):
    """How a position is paid, on top of (or instead of) the teacher salary schedule."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    position = models.OneToOneField(Position, on_delete=models.CASCADE, related_name="pay_terms")
    stipend = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        verbose_name="school-year stipend",
        help_text="Paid on top of salary, for the year.",
    )
    summer_stipend = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE
    )
    extension_months = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("3"))],
        verbose_name="contract extension (months)",
        help_text="Months beyond the schedule's contract, e.g. 1 for an 11-month role.",
    )
    lateral = models.BooleanField(
        default=False,
        verbose_name="lateral move",
        help_text="Paid as a teacher: no stipend, no extension.",
    )
    paid_by_consortium = models.BooleanField(
        default=False, help_text="Paid at the consortium's average schedule, by the consortium."
    )
    budget_step = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Placement used for the cost while the position is vacant.",
    )
    budget_lane = models.CharField(max_length=40, default="MA")
    priority = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How much the district wants to keep this position after the grant: 1–5.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "pay terms"

    def __str__(self) -> str:
        return f"Pay terms of {self.position}"


class SourceKind(models.TextChoices):
    GRANT = "grant", "Grant"
    GENERAL = "general", "General fund"
    FEDERAL = "federal", "Other federal funds"
    OTHER = "other", "Other"


class FundingSource(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="The award, for a grant.",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(
        null=True, blank=True, help_text="A grant's last day; the cliff follows it."
    )
    allowed_uses = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="source_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FundingSplit(models.Model):
    """The share of a position's cost a source pays in a school year; a position's shares for a
    year add to 100 %."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="funding")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    source = models.ForeignKey(FundingSource, on_delete=models.RESTRICT, related_name="splits")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["position_id", "school_year", "-percent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "position", "school_year", "source"], name="split_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% {self.source}"


class ChangeKind(models.TextChoices):
    CONTRACT_MONTHS = "contract_months", "Set the contract length"
    TO_FUND = "to_fund", "Move to a funding source"
    END_STIPEND = "end_stipend", "End the stipends"
    LATERAL = "lateral", "Make it a lateral move"


class Scenario(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="scenario_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    role_type = models.ForeignKey(
        RoleType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty to change every position.",
    )
    months = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
        help_text="For a contract length: the new total, e.g. 10.5.",
    )
    source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scenario_id", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
