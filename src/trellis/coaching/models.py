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
from trellis.org.models import AcademicSubject, GradeBand, School, Staff

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


# --- Coach assignment: who coaches whom next year, proposed and then approved -----------------


class CoachProfile(models.Model):
    """What a coach can take on, for the assignment proposal. The former schools are flagged at
    hire (an internal hire is never placed over the peers of the school they taught in)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    max_teachers = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name="teachers at most",
        help_text="How many teachers they can coach this year. Leave empty to limit by hours.",
    )  # fmt: skip
    hours_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name="coaching hours a week",
        help_text="Hours a week for coaching; each teacher takes the hours set on the proposal "
        "(first-year teachers more). Leave empty to limit by teachers.",
    )  # fmt: skip
    grade_bands = models.JSONField(default=list, help_text="Grade band codes they cover.")
    content_areas = models.JSONField(
        default=list, blank=True, help_text="Subjects they cover; none means every subject."
    )
    former_schools = models.ManyToManyField(
        School, blank=True, related_name="+", verbose_name="schools they taught in",
        help_text="Flagged at hire: they will not be placed with teachers of these schools.",
    )  # fmt: skip
    is_active = models.BooleanField(
        default=True, verbose_name="in this year's proposal",
        help_text="Turn off for a coach on leave; their teachers are proposed to others.",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["staff__last_name", "staff__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "staff"], name="coach_profile_once"),
            models.CheckConstraint(
                name="coach_profile_has_capacity",
                condition=Q(max_teachers__gte=1) | Q(hours_per_week__gte=1),
                violation_error_message="Give a number of teachers or of hours, at least 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Coach profile {self.pk}"

    @property
    def band_labels(self) -> str:
        labels = dict(GradeBand.choices)
        return ", ".join(labels.get(b, b) for b in self.grade_bands)

    @property
    def area_labels(self) -> str:
        labels = dict(AcademicSubject.choices)
        return ", ".join(labels.get(a, a) for a in self.content_areas) or "Every subject"


class ProposalStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Running"
    READY = "ready", "Ready for review"
    APPROVED = "approved", "Approved"
    FAILED = "failed", "Could not run"
    DISCARDED = "discarded", "Discarded"


class AssignmentProposal(models.Model):
    """One run of the coach assignment for a school year; a person edits then approves it."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.QUEUED
    )
    begin_date = models.DateField(help_text="When the approved pairs start.")
    hours_per_teacher = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="Coaching hours a week each teacher takes, for coaches limited by hours.",
    )  # fmt: skip
    hours_per_first_year = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(40)],
        verbose_name="hours per first-year teacher",
    )  # fmt: skip
    stage = models.CharField(max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When a running proposal last reported its stage."
    )
    problems = models.JSONField(default=list, blank=True)
    optimal = models.BooleanField(default=False)
    solve_seconds = models.FloatField(default=0)
    teachers = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    first_year = models.PositiveIntegerField(default=0)
    first_year_assigned = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "-created_at"], name="proposal_recent_idx")]

    def __str__(self) -> str:
        return f"Coach assignment proposal {self.pk} ({self.school_year})"


class ProposedPair(models.Model):
    """A teacher in a proposal, with the coach proposed (none: left unassigned) and why."""

    proposal = models.ForeignKey(AssignmentProposal, on_delete=models.CASCADE, related_name="pairs")
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    first_year = models.BooleanField(default=False)
    last_coach = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited = models.BooleanField(default=False, help_text="Changed by a person after the run.")

    class Meta:
        ordering = ["teacher__last_name", "teacher__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "teacher"], name="proposed_pair_once")
        ]
        indexes = [models.Index(fields=["proposal", "coach"], name="proposed_pair_coach_idx")]

    def __str__(self) -> str:
        return f"Proposed pair {self.pk}"


# --- Class data reports: a class's mastery per standard, behind the coaching wall -------------


class Standard(models.Model):
    """A learning standard the district reports mastery on (e.g. CCSS.MATH.4.NF.A.1)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="standard_code_once")
        ]

    def __str__(self) -> str:
        return self.code


class ClassReport(models.Model):
    """One class's mastery levels, per student (by pseudonymous code only) and standard."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="class_reports")
    title = models.CharField(max_length=200, help_text="E.g. “Grade 4 math, unit 3”.")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=4)
    source = models.CharField(max_length=20, help_text="oneroster or csv")
    file_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="class_report_scale_ordered", condition=Q(scale_min__lt=F("scale_max"))
            )
        ]
        indexes = [models.Index(fields=["district", "teacher"], name="class_report_teacher_idx")]

    def __str__(self) -> str:
        return f"Class report {self.pk}"


class ClassResult(models.Model):
    report = models.ForeignKey(ClassReport, on_delete=models.CASCADE, related_name="results")
    student_code = models.CharField(max_length=40, help_text="Pseudonymous; never a name.")
    standard = models.ForeignKey(Standard, on_delete=models.RESTRICT, related_name="+")
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["student_code", "standard__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "student_code", "standard"], name="class_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"Class result {self.pk}"


class ReportShare(models.Model):
    """The teacher lets one more person see a class report (never their evaluator)."""

    report = models.ForeignKey(ClassReport, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_share_once")]

    def __str__(self) -> str:
        return f"Report share {self.pk}"
