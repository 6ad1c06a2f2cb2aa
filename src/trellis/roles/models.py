"""Roles and positions: the catalog of role types, versioned job descriptions, positions
(Ed-Fi OpenStaffPosition) and the staff assigned to them over time (Ed-Fi
StaffEducationOrganizationAssignmentAssociation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import AcademicSubject, Grade, School, Staff, StaffClassification


class RoleCategory(models.TextChoices):
    STUDENT_FOCUSED = "student_focused", "Student-focused"
    INSTRUCTIONAL_LEADERSHIP = "instructional_leadership", "Instructional leadership"
    ADMINISTRATIVE = "administrative", "Administrative"


class RoleLevel(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    SCHOOL = "school", "School"
    DISTRICT = "district", "District"


class RoleType(models.Model):
    """A kind of personalized-learning role. Each district keeps its own catalog: the study's
    ten common types (``standard_key`` set) and any it adds."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="role_types")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=RoleCategory.choices)
    default_level = models.CharField(
        max_length=10,
        choices=RoleLevel.choices,
        default=RoleLevel.SCHOOL,
        help_text="Where people in this role usually work; each job description can differ.",
    )
    description = models.TextField(blank=True)
    staff_classification = models.CharField(
        max_length=40,
        choices=StaffClassification.choices,
        default=StaffClassification.INSTRUCTIONAL_COORDINATOR,
        verbose_name="Ed-Fi staff classification",
        help_text="How state reporting classifies people in this role.",
    )
    standard_key = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="Set for the study's common role types; empty for the district's own.",
    )
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="roletype_unique_name"),
            models.UniqueConstraint(
                fields=["district", "standard_key"],
                condition=~Q(standard_key=""),
                name="roletype_unique_standard",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class JobDescription(models.Model):
    """A job description document; its content lives in numbered versions."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="job_descriptions"
    )
    role_type = models.ForeignKey(
        RoleType, on_delete=models.RESTRICT, related_name="job_descriptions"
    )
    title = models.CharField(max_length=160)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "title"], name="jobdesc_unique_title"),
        ]
        indexes = [models.Index(fields=["district", "role_type"], name="jobdesc_type_idx")]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Trait(models.TextChoices):
    """The qualities the study found matter most in personalized-learning roles."""

    COMMUNICATION = "communication", "Communicating with adults"
    FLEXIBILITY = "flexibility", "Flexibility and comfort with ambiguity"
    LEARNER_CENTERED = "learner_centered", "Belief in learner-centered instruction"
    CONTENT_KNOWLEDGE = "content_knowledge", "Content knowledge"
    ORGANIZATION = "organization", "Organization"
    COLLABORATION = "collaboration", "Collaboration"
    INSTRUCTIONAL_EXPERIENCE = "instructional_experience", "Instructional experience"
    COACHING_EXPERIENCE = "coaching_experience", "Coaching experience"


class Importance(models.IntegerChoices):
    HELPFUL = 1, "Helpful"
    IMPORTANT = 2, "Important"
    ESSENTIAL = 3, "Essential"


class Commitment(models.TextChoices):
    FULL_TIME = "full_time", "Full-time role"
    ADDED_DUTY = "added_duty", "Added duty (on top of a teaching post)"


class JobDescriptionVersion(models.Model):
    """One version of a job description. A draft can change; a published version never does
    (a change is a new version); a retired one can no longer be used for new positions."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    job_description = models.ForeignKey(
        JobDescription, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    summary = models.TextField(blank=True, help_text="Two or three sentences on the role.")
    responsibilities = models.TextField(
        blank=True, help_text="One responsibility per line. Required before publishing."
    )
    qualifications = models.TextField(blank=True, help_text="One qualification per line.")
    traits = models.JSONField(
        default=dict,
        blank=True,
        help_text="How much each trait matters: {trait: 1 helpful, 2 important, 3 essential}.",
    )
    level = models.CharField(max_length=10, choices=RoleLevel.choices, default=RoleLevel.SCHOOL)
    evaluative = models.BooleanField(
        default=False,
        help_text="Does the role evaluate teachers? Coaching roles usually should not, so "
        "teachers can ask for help without risk to their rating.",
    )
    commitment = models.CharField(
        max_length=12, choices=Commitment.choices, default=Commitment.FULL_TIME
    )
    contract_months = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
        help_text="Length of the contract in months, e.g. 10, 10.5 or 11.",
    )
    lowest_grade = models.SmallIntegerField(choices=Grade.choices, null=True, blank=True)
    highest_grade = models.SmallIntegerField(choices=Grade.choices, null=True, blank=True)
    content_area = models.CharField(max_length=30, choices=AcademicSubject.choices, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job_description_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "job_description", "number"], name="jdversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["district", "job_description"],
                condition=Q(status="draft"),
                name="jdversion_one_draft",
                violation_error_message="This job description already has a draft.",
            ),
            models.UniqueConstraint(
                fields=["district", "job_description"],
                condition=Q(status="published"),
                name="jdversion_one_published",
            ),
            models.CheckConstraint(
                name="jdversion_grades_ordered",
                condition=Q(lowest_grade__isnull=True)
                | Q(highest_grade__isnull=True)
                | Q(lowest_grade__lte=F("highest_grade")),
                violation_error_message="The lowest grade must not be above the highest grade.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_description.title} v{self.number}"

    @property
    def grade_band(self) -> str:
        if self.lowest_grade is None and self.highest_grade is None:
            return ""
        low = Grade(self.lowest_grade).label if self.lowest_grade is not None else "…"
        high = Grade(self.highest_grade).label if self.highest_grade is not None else "…"
        return low if low == high else f"{low} – {high}"

    def trait_rows(self) -> list[tuple[str, str, int]]:
        """(trait key, label, importance) for every trait, most important first."""
        rows = [(t.value, t.label, int(self.traits.get(t.value, 0))) for t in Trait]
        return sorted(rows, key=lambda r: -r[2])

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class ReviewerRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    HR = "hr", "HR"
    DISTRICT_LEADER = "district_leader", "District leader"
    OTHER = "other", "Other"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", "Signed off"
    CHANGES_REQUESTED = "changes_requested", "Asked for changes"


class JobDescriptionReview(models.Model):
    """Who read a draft and what they said: the study's advice is to write job descriptions
    with principals, so a principal's sign-off is recorded here."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        JobDescriptionVersion, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="+")
    reviewer_role = models.CharField(max_length=20, choices=ReviewerRole.choices)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["district", "version"], name="jdreview_version_idx")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer}"


class PositionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    FROZEN = "frozen", "Frozen"
    CLOSED = "closed", "Closed"


class PositionReason(models.TextChoices):
    NEW = "new", "New position"
    REPLACEMENT = "replacement", "Replacement"


class Position(models.Model):
    """A published job description placed at a school or the district office (Ed-Fi
    OpenStaffPosition, identified by its requisition number)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="positions")
    version = models.ForeignKey(
        JobDescriptionVersion,
        on_delete=models.RESTRICT,
        related_name="positions",
        verbose_name="job description",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="positions",
        help_text="Leave empty for a district-office position.",
    )
    requisition_number = models.CharField(
        max_length=20, help_text="The HR requisition number (Ed-Fi RequisitionNumber)."
    )
    fte = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        verbose_name="FTE",
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
        help_text="Full-time equivalent, from 0.05 to 1.00.",
    )
    status = models.CharField(
        max_length=10, choices=PositionStatus.choices, default=PositionStatus.PLANNED
    )
    school_year = models.CharField(
        max_length=7, validators=[validate_school_year], help_text="For example 2026-27."
    )
    reason = models.CharField(
        max_length=12, choices=PositionReason.choices, default=PositionReason.NEW
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["requisition_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "requisition_number"], name="position_unique_requisition"
            ),
        ]
        indexes = [
            # The positions board filters by year and status, then school.
            models.Index(
                fields=["district", "school_year", "status", "school"], name="position_board_idx"
            ),
            models.Index(fields=["district", "school", "status"], name="position_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requisition_number} {self.version.job_description.title}"

    @property
    def title(self) -> str:
        return self.version.job_description.title

    @property
    def place(self) -> str:
        return self.school.name if self.school else "District office"


class EndReason(models.TextChoices):
    """Why an assignment ended: the study's reasons, then Ed-Fi SeparationReason values."""

    PROMOTED = "promoted", "Promoted"
    RETURNED_TO_CLASSROOM = "returned_to_classroom", "Returned to the classroom"
    NOT_A_FIT = "not_a_fit", "Role was not a good fit"
    RETIRED = "retired", "Retired"
    MOVED_AWAY = "moved_away", "Moved away"
    CHANGE_OF_ASSIGNMENT = "change_of_assignment", "Change of assignment"
    POSITION_ENDED = "position_ended", "Position ended (e.g. grant funding ended)"
    EMPLOYMENT_ELSEWHERE = "employment_elsewhere", "Took a job elsewhere"
    PERSONAL = "personal", "Personal or family reasons"
    LEAVE = "leave", "Leave of absence"
    LAYOFF = "layoff", "Layoff (budget or enrollment)"
    DISMISSED = "dismissed", "Dismissed"
    OTHER = "other", "Other"


class Assignment(models.Model):
    """A person in a position from a begin date to an end date (open-ended while current).
    Ending an assignment records the date and why; rows are never overwritten or deleted."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.RESTRICT, related_name="assignments")
    staff = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="assignments")
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    fte = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        verbose_name="FTE",
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    is_tosa = models.BooleanField(
        default=False,
        verbose_name="teacher on special assignment",
        help_text="A teacher working in this role at teacher pay.",
    )
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-begin_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="assignment_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("begin_date")),
                violation_error_message="An assignment cannot end before it begins.",
            ),
            models.CheckConstraint(
                name="assignment_end_reason_with_end",
                condition=Q(end_date__isnull=True, end_reason="")
                | Q(end_date__isnull=False) & ~Q(end_reason=""),
                violation_error_message="An ended assignment needs a reason, and only then.",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "staff", "begin_date"], name="assignment_staff_idx"),
            models.Index(
                fields=["district", "position", "begin_date"], name="assignment_position_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} in {self.position.requisition_number}"

    def active_on(self, day: dt.date) -> bool:
        return self.begin_date <= day and (self.end_date is None or self.end_date >= day)
