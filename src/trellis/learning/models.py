"""Professional learning: the activity catalog, sessions and attendance, learning plans, PLCs,
certification programs and onboarding tracks.

Attendance is recorded on the enrolment (you cannot attend what you were not enrolled in), which
keeps the high-volume table to one row per person per session. ``school_year`` is copied onto
the rows that are summed per year so that "hours per person per school year" is one index range.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import AcademicSubject, Staff
from trellis.roles.models import Assignment, RoleType

MAX_ACTIVITY_HOURS = 200  # a semester-long university course; anything longer is a typo


class ActivitySource(models.TextChoices):
    EXTERNAL = "external", "External provider or vendor"
    INTERNAL = "internal", "Internal (district staff)"
    SITE_VISIT = "site_visit", "Site visit"
    CONFERENCE = "conference", "Conference"
    UNIVERSITY = "university", "University partnership"


class TrainingElement(models.TextChoices):
    """The three things initial training for a new role should cover."""

    SHARED_VISION = "shared_vision", "Shared vision of personalized learning"
    COACHING_SKILLS = "coaching_skills", "Coaching skills for working with adults"
    ROLE_SKILLS = "role_skills", "Role-specific skills and tools"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "New and experienced"
    NEW = "new", "New to the role"
    EXPERIENCED = "experienced", "Experienced in the role"


class Activity(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=ActivitySource.choices)
    provider = models.CharField(
        max_length=200, blank=True, help_text="The vendor, university or school that runs it."
    )
    element = models.CharField(
        max_length=20, choices=TrainingElement.choices, blank=True,
        verbose_name="initial-training element",
        help_text="Which part of initial training it serves; empty for ongoing learning.",
    )  # fmt: skip
    hours = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(MAX_ACTIVITY_HOURS)],
        help_text="Hours credited for attending one session in full.",
    )  # fmt: skip
    level = models.CharField(max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    audience = models.ManyToManyField(
        RoleType, blank=True, related_name="+",
        help_text="The roles it is meant for; none means anyone may enrol.",
    )  # fmt: skip
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text="Seats per session unless a session says otherwise; empty for no limit.",
    )  # fmt: skip
    is_active = models.BooleanField(default=True, verbose_name="offered")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["district", "title"], name="activity_unique_title"),
            models.CheckConstraint(
                name="activity_hours_range", condition=Q(hours__gt=0, hours__lte=200)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.RESTRICT, related_name="sessions")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="For sessions over several days.")
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text="Empty: the activity's capacity.",
    )  # fmt: skip
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            )
        ]
        indexes = [models.Index(fields=["district", "starts_on"], name="session_date_idx")]

    def __str__(self) -> str:
        return f"{self.activity} on {self.starts_on:%Y-%m-%d}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class Enrolment(models.Model):
    """One person in one session; attendance is marked here."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(
        max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    attended = models.BooleanField(null=True, blank=True, help_text="Empty until marked.")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_ACTIVITY_HOURS)],
        help_text="Hours credited; the activity's hours unless they left early.",
    )  # fmt: skip
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="enrolment_once"),
            models.CheckConstraint(
                name="enrolment_hours_range",
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=200),
            ),
        ]
        indexes = [
            models.Index(
                fields=["district", "school_year", "staff"], name="enrolment_year_staff_idx"
            ),
            models.Index(fields=["staff", "attended"], name="enrolment_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} in session {self.session_id}"


class LearningPlan(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="learning_plans")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "school_year"], name="plan_one_per_year")
        ]

    def __str__(self) -> str:
        return f"Learning plan {self.school_year}"


class GoalSource(models.TextChoices):
    DEBRIEF = "debrief", "Interview debrief"
    SUPERVISOR = "supervisor", "Supervisor"
    SELF = "self", "Self"
    COACH = "coach", "Coach"


class GoalStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "In progress"
    MET = "met", "Met"
    DEFERRED = "deferred", "Carried to next year"
    DROPPED = "dropped", "Set aside"


class PlanGoal(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    source = models.CharField(max_length=12, choices=GoalSource.choices)
    source_ref = models.CharField(
        max_length=60, blank=True, editable=False,
        help_text="Where a goal from elsewhere came from (e.g. an interview debrief).",
    )  # fmt: skip
    owner = models.ForeignKey(
        Staff, on_delete=models.RESTRICT, related_name="+",
        help_text="Who is responsible for moving it: the person, or a coach or mentor.",
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    review_on = models.DateField(null=True, blank=True, verbose_name="next review")
    activities = models.ManyToManyField(Activity, blank=True, related_name="+")
    evidence = models.TextField(blank=True, help_text="What shows progress: links, artefacts.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source_ref"], condition=~Q(source_ref=""), name="goal_ref_once"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Plc(models.Model):
    """A professional learning community: people in similar roles who meet regularly."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    role_type = models.ForeignKey(
        RoleType, on_delete=models.RESTRICT, null=True, blank=True, related_name="+",
        help_text="The role its members share, if one.",
    )  # fmt: skip
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    facilitator = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goals = models.TextField(blank=True, help_text="What the group is working on this year.")
    members = models.ManyToManyField(Staff, blank=True, related_name="plcs")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "PLC"
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="plc_unique")]

    def __str__(self) -> str:
        return self.name


class PlcMeeting(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    plc = models.ForeignKey(Plc, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    successes = models.TextField(blank=True)
    attendees = models.ManyToManyField(Staff, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plc} on {self.held_on:%Y-%m-%d}"


class CertificationProgram(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    content_area = models.CharField(max_length=30, choices=AcademicSubject.choices, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="certprogram_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RequirementKind(models.TextChoices):
    ACTIVITY = "activity", "Attend an activity"
    HOURS = "hours", "Learning hours"
    WALKTHROUGHS = "walkthroughs", "Observed walkthroughs"


class Requirement(models.Model):
    program = models.ForeignKey(
        CertificationProgram, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=12, choices=RequirementKind.choices)
    activity = models.ForeignKey(
        Activity, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(
        max_digits=6, decimal_places=2, default=1,
        validators=[MinValueValidator(0.25), MaxValueValidator(1000)],
        help_text="Hours, or the number of walkthroughs; 1 for an activity.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="requirement_activity_iff_kind",
                condition=Q(kind="activity", activity__isnull=False)
                | (~Q(kind="activity") & Q(activity__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        if self.kind == RequirementKind.ACTIVITY:
            return f"Attend “{self.activity}”"
        amount = f"{self.amount.normalize():f}"
        if self.kind == RequirementKind.HOURS:
            return f"{amount} {'hour' if amount == '1' else 'hours'} of learning"
        return f"{amount} observed {'walkthrough' if amount == '1' else 'walkthroughs'}"


class Candidacy(models.Model):
    """One person working toward one certification."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        CertificationProgram, on_delete=models.RESTRICT, related_name="candidacies"
    )
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="candidacies")
    cohort = models.CharField(max_length=60, blank=True, help_text="e.g. “2024-25 cohort”.")
    started_on = models.DateField()
    certified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["program_id", "staff_id"]
        verbose_name_plural = "candidacies"
        constraints = [models.UniqueConstraint(fields=["program", "staff"], name="candidacy_once")]
        indexes = [models.Index(fields=["district", "program"], name="candidacy_program_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} in {self.program_id}"


class RequirementEvidence(models.Model):
    """One observed walkthrough (or a sign-off) toward a requirement."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["completed_on", "id"]
        verbose_name_plural = "requirement evidence"

    def __str__(self) -> str:
        return f"Evidence {self.pk} toward requirement {self.requirement_id}"


class OnboardingTrack(models.Model):
    """A checklist for people starting in a role; new and experienced people get different
    tracks."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    role_type = models.ForeignKey(RoleType, on_delete=models.RESTRICT, related_name="+")
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.NEW)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role_type", "audience"], name="track_per_audience")
        ]

    def __str__(self) -> str:
        return self.name


class TrackItem(models.Model):
    track = models.ForeignKey(OnboardingTrack, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    due_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(365)],
        help_text="Days after the assignment starts.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["track_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Onboarding(models.Model):
    """A track given to one person when an assignment starts."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey(OnboardingTrack, on_delete=models.RESTRICT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="onboardings")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(assignment__isnull=False),
                name="onboarding_once_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} for {self.staff_id}"


class ItemDone(models.Model):
    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="done")
    item = models.ForeignKey(TrackItem, on_delete=models.CASCADE, related_name="+")
    done_on = models.DateField()
    done_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["onboarding", "item"], name="item_done_once")
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id} done on {self.done_on:%Y-%m-%d}"
