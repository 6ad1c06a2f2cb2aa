"""Hiring: interview process templates (a rubric per component), postings from open positions,
candidates and their applications (Ed-Fi Application / ApplicationEvent), the panel, interviews
and independent scorecards, and the debrief's development goals."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from trellis.core.models import District, User
from trellis.org.models import Staff
from trellis.roles.models import Position

# --- Interview process templates ------------------------------------------------------------


class SeatRole(models.TextChoices):
    """Who sits on a panel. A template lists the seats it requires; a school-based role always
    requires that school's principal."""

    DISTRICT_EMPLOYEE = "district_employee", "District employee"
    PRINCIPAL = "principal", "Principal of the receiving school"
    INCUMBENT = "incumbent", "Someone already in the role"
    TEACHER_LEADER = "teacher_leader", "Teacher-leader"
    HR = "hr", "HR"
    OTHER = "other", "Other"


class ComponentMode(models.TextChoices):
    DOCUMENT_REVIEW = "document_review", "Review of documents"
    TASK = "task", "Performance task"
    ROLE_PLAY = "role_play", "Role play"
    QUESTIONS = "questions", "Questions and answers"
    DEMONSTRATION = "demonstration", "Model lesson or demonstration"
    GROUP = "group", "Group session (several candidates)"


class InterviewTemplate(models.Model):
    """A performance-interview process. Once an interview has been scored with it, a version is
    locked: changing it makes the next version, so running interviews keep their rubric."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="interview_templates"
    )
    name = models.CharField(max_length=160)
    version = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    total_points = models.PositiveSmallIntegerField(
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="The scale of the total score, e.g. 300.",
    )
    required_seats = models.JSONField(
        default=list, blank=True, help_text="Seat roles every panel using this template needs."
    )
    debrief_threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="After a hire, components scored below this share of their points become "
        "development goals.",
    )
    standard_key = models.CharField(max_length=40, blank=True, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "version"], name="template_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Component(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(
        InterviewTemplate, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=20, choices=ComponentMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    points = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    weight = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
        help_text="Relative weight in the total; equal weights give every part the same say.",
    )

    class Meta:
        ordering = ["template_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "template", "order"], name="component_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DataTaskKind(models.TextChoices):
    MASTERY_TRACKER = "mastery_tracker", "A teacher's mastery-tracker report"
    STUDENT_DATA_SET = "student_data_set", "A student data set"


DATA_TASK_STUDENTS = (8, 40)  # a class small enough to read in the time, big enough to vary
DATA_TASK_STANDARDS = (2, 12)  # two at least, so there is a strongest and a weakest
DATA_TASK_SEED_MAX = 2_147_483_647  # a PostgreSQL integer


class DataTask(models.Model):
    """A made-up class that one part of the interview puts before the candidate: the seed and
    the shape are stored, never the data, because the generator makes the same class from the
    same seed; so every candidate on a posting reads the same data set."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    component = models.OneToOneField(Component, on_delete=models.CASCADE, related_name="data_task")
    kind = models.CharField(max_length=20, choices=DataTaskKind.choices)
    title = models.CharField(max_length=160)
    prompt = models.TextField(
        blank=True, max_length=2000, help_text="What the candidate is asked to do with the data."
    )
    seed = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(DATA_TASK_SEED_MAX)]
    )
    students = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(DATA_TASK_STUDENTS[0]),
            MaxValueValidator(DATA_TASK_STUDENTS[1]),
        ]
    )
    standards = models.JSONField(default=list, help_text="Standard codes, in column order.")
    scale_min = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(9)])
    scale_max = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["component_id"]
        constraints = [
            models.CheckConstraint(
                name="data_task_students_in_range",
                condition=Q(students__gte=DATA_TASK_STUDENTS[0])
                & Q(students__lte=DATA_TASK_STUDENTS[1]),
                violation_error_message="A data task has 8 to 40 students.",
            ),
            # Three levels at least: a gap is two levels below the class.
            models.CheckConstraint(
                name="data_task_scale_spans_three_levels",
                condition=Q(scale_max__gte=F("scale_min") + 2),
                violation_error_message="The scale needs at least three levels.",
            ),
            models.CheckConstraint(
                name="data_task_kind_known",
                condition=Q(kind__in=DataTaskKind.values),
                violation_error_message="Choose a kind of data task.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One thing the panel rates, on a scale, with a descriptor for each level."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=160)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=4)
    descriptors = models.JSONField(
        default=dict, blank=True, help_text='What each level looks like: {"1": "…", …}.'
    )

    class Meta:
        ordering = ["component_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="criterion_scale_ordered",
                condition=Q(scale_min__lt=F("scale_max")),
                violation_error_message="The top of the scale must be above the bottom.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Postings, candidates, applications -----------------------------------------------------


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal (current staff)"
    EXTERNAL = "external", "External"
    BOTH = "both", "Internal and external"


class PostingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for applications"
    CLOSED = "closed", "Closed"


def _public_token() -> str:
    return secrets.token_urlsafe(12)


class Posting(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="postings")
    position = models.ForeignKey(Position, on_delete=models.RESTRICT, related_name="postings")
    template = models.ForeignKey(
        InterviewTemplate,
        on_delete=models.RESTRICT,
        related_name="postings",
        verbose_name="interview process",
    )
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    public_token = models.CharField(
        max_length=24, default=_public_token, unique=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="posting_dates_ordered",
                condition=Q(closes_on__gte=F("opens_on")),
                violation_error_message="A posting cannot close before it opens.",
            ),
        ]
        indexes = [models.Index(fields=["district", "status", "opens_on"], name="posting_idx")]

    def __str__(self) -> str:
        return self.title


class Source(models.TextChoices):
    INTERNAL = "internal", "Internal (current staff)"
    UNIVERSITY = "university", "University or preparation program"
    OTHER_DISTRICT = "other_district", "Another district"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    REFERRAL = "referral", "Referral"
    JOB_BOARD = "job_board", "Job board or website"
    OTHER = "other", "Other"


class Candidate(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="candidates")
    staff = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set for internal candidates.",
    )
    first_name = models.CharField(max_length=75)
    last_name = models.CharField(max_length=75)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "email"], name="candidate_unique_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_internal(self) -> bool:
        return self.staff_id is not None


class ApplicationStatus(models.TextChoices):
    """Ed-Fi ApplicationStatus where it fits."""

    SUBMITTED = "submitted", "Submitted"
    SCREENED = "screened", "Screened"
    INTERVIEWING = "interviewing", "Interviewing"
    DEBRIEF = "debrief", "Debrief"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Offer declined"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


def cv_path(instance: Application, filename: str) -> str:
    return f"cv/{instance.district_id}/{secrets.token_hex(8)}.{filename.rsplit('.', 1)[-1]}"


class Application(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="applications")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    cover_note = models.TextField(blank=True, max_length=5000)
    cv = models.FileField(upload_to=cv_path, blank=True, verbose_name="CV")
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "posting", "candidate"], name="application_once"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "posting", "status"], name="application_posting_idx")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.posting}"


class ApplicationEvent(models.Model):
    """Every status change: who, when, from what to what, and why."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["district", "application", "at"], name="appevent_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


# --- Panels, interviews, scorecards ---------------------------------------------------------


class PanelSeat(models.Model):
    """A panelist seated for one posting; they see and score that posting's candidates only."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="seats")
    staff = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="+")
    seat_role = models.CharField(max_length=20, choices=SeatRole.choices)

    class Meta:
        ordering = ["posting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "posting", "staff"], name="seat_once_per_posting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_seat_role_display()})"


class Interview(models.Model):
    """A block of time with the panel; a group session holds several candidates at once."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="interviews")
    applications = models.ManyToManyField(Application, related_name="interviews")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=240, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    location = models.CharField(max_length=200, blank=True)
    is_group = models.BooleanField(default=False, verbose_name="group session")

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.posting} at {self.starts_at:%Y-%m-%d %H:%M}"


class Scorecard(models.Model):
    """One panelist's scores for one application. Submitted scorecards never change; a
    correction is a new scorecard that supersedes it, with a reason, both kept."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scorecards"
    )
    seat = models.ForeignKey(PanelSeat, on_delete=models.RESTRICT, related_name="scorecards")
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["district", "application", "seat"], name="scorecard_app_idx")
        ]

    def __str__(self) -> str:
        return f"{self.seat} on {self.application}"


class Score(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.RESTRICT, related_name="+")
    value = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "scorecard", "criterion"], name="score_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


# --- Decisions and the debrief --------------------------------------------------------------


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PLAN = "in_plan", "In a learning plan"
    MET = "met", "Met"


class DevelopmentGoal(models.Model):
    """A growth area from the interview, attached to the new hire; the learning area turns it
    into a learning-plan goal."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="goals")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="development_goals")
    component = models.ForeignKey(Component, on_delete=models.RESTRICT, related_name="+")
    share = models.DecimalField(
        max_digits=4, decimal_places=3, help_text="The panel's mean, as a share of the points."
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["share", "id"]
        indexes = [models.Index(fields=["district", "staff"], name="devgoal_staff_idx")]

    def __str__(self) -> str:
        return self.text


class DebriefMeeting(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="debrief_meeting"
    )
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Debrief of {self.application} on {self.held_on:%Y-%m-%d}"
