"""The initiative and how it rolls out: the vision and each school's version of it, the taskforce,
the readiness checklist, the communications plan, phases and cohorts with each teacher's year of
evaluation amnesty, and the teacher committee that reviews digital content providers.

Everything hangs off an ``Initiative`` and carries its district, so every index leads with it.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import AcademicSubject, School, Staff
from trellis.pay.models import FundingSource

RECOMMENDATIONS = 5  # the study's checklist has five recommendations


class Initiative(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="A paragraph a board member would follow.")
    approaches = models.JSONField(
        default=list, blank=True, help_text="Approach codes (mastery, blended…); one or more."
    )
    first_year = models.CharField(
        max_length=7, validators=[validate_school_year], verbose_name="first school year"
    )
    last_year = models.CharField(
        max_length=7, validators=[validate_school_year], verbose_name="last school year"
    )
    grant = models.ForeignKey(
        FundingSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The grant that pays for it, from the pay area's funding sources.",
    )  # fmt: skip
    meeting_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        verbose_name="taskforce meets every (weeks)",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_year", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="initiative_unique_name"),
            # Both are "YYYY-YY", so text order is year order.
            models.CheckConstraint(
                name="initiative_years_ordered", condition=Q(last_year__gte=F("first_year"))
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Vision ---------------------------------------------------------------------------------


class VisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class VisionVersion(models.Model):
    """One version of the district's statement of what personalized learning looks like here.
    A published version never changes; the next one starts as a copy."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="visions")
    number = models.PositiveSmallIntegerField()
    statement = models.TextField()
    pillars = models.JSONField(
        default=list,
        blank=True,
        help_text="A list of {title, description}: what the statement rests on.",
    )
    change_note = models.CharField(max_length=300, blank=True, verbose_name="what changed")
    status = models.CharField(
        max_length=10, choices=VisionStatus.choices, default=VisionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["initiative", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "number"], name="vision_unique_number"
            ),
            models.UniqueConstraint(
                fields=["district", "initiative"],
                condition=Q(status="draft"),
                name="vision_one_draft",
            ),
            models.UniqueConstraint(
                fields=["district", "initiative"],
                condition=Q(status="published"),
                name="vision_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"Vision, version {self.number}"


class AdoptionMode(models.TextChoices):
    ADOPTED = "adopted", "Adopted as written"
    TAILORED = "tailored", "Tailored for the school"


class SchoolVision(models.Model):
    """A school's answer to a published vision: adopted as written, or its own tailored text.
    Rows are never changed; the newest per school is its current vision, the rest its history."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        VisionVersion, on_delete=models.RESTRICT, related_name="school_versions"
    )
    mode = models.CharField(max_length=10, choices=AdoptionMode.choices)
    statement = models.TextField(blank=True, help_text="The school's own words, when tailored.")
    note = models.CharField(max_length=300, blank=True, help_text="How the school decided.")
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="school_vision_tailored_has_text",
                condition=Q(mode="adopted") | ~Q(statement=""),
            )
        ]
        indexes = [
            # "each school's latest answer" reads a district's rows by school, newest first.
            models.Index(fields=["district", "school", "-recorded_at"], name="school_vision_idx")
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_mode_display()}"


# --- Taskforce ------------------------------------------------------------------------------


class Seat(models.TextChoices):
    CTO = "cto", "Chief technology officer"
    DIRECTOR = "director", "District director"
    PRINCIPAL = "principal", "Principal"
    TEACHER_LEADER = "teacher_leader", "Teacher-leader"
    COACH = "coach", "Coach or specialist"
    ASSOCIATION = "association", "Teachers' association"
    FAMILY = "family", "Family or community member"
    OTHER = "other", "Other"


class TaskforceMember(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="taskforce")
    staff = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="+")
    seat = models.CharField(max_length=20, choices=Seat.choices)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="For a seat held for one school (its principal, its teacher-leader).",
    )  # fmt: skip
    required = models.BooleanField(
        default=False, help_text="The meeting-time finder puts required seats first."
    )
    availability = models.TextField(
        blank=True,
        help_text="Weekly times they can meet, e.g. “Mon 15:30-17:00, Wed 15:00-16:30”.",
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["seat", "staff__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "staff"],
                condition=Q(left_on__isnull=True),
                name="taskforce_member_once",
            ),
            models.CheckConstraint(
                name="taskforce_left_after_joined",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
            ),
        ]
        indexes = [models.Index(fields=["district", "initiative"], name="taskforce_member_idx")]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_seat_display()})"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["district", "initiative", "-starts_at"], name="meeting_idx")
        ]

    def __str__(self) -> str:
        # The district's date, not UTC's: an evening meeting is not the next day.
        return f"Taskforce meeting {timezone.localtime(self.starts_at):%Y-%m-%d}"


class Attendance(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(TaskforceMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()

    class Meta:
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "meeting", "member"], name="attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {'present' if self.present else 'absent'}"


class Action(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.CharField(max_length=500, verbose_name="action")
    owner = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Open actions first on both databases (PostgreSQL sorts empty dates last by default).
        ordering = [F("done_on").asc(nulls_first=True), "due_on", "id"]
        indexes = [models.Index(fields=["district", "initiative", "due_on"], name="action_idx")]

    def __str__(self) -> str:
        return self.text[:80]


# --- Readiness checklist --------------------------------------------------------------------


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class ChecklistItem(models.Model):
    """One guiding question of the readiness checklist, for one initiative: the study's (copied
    from ``rollout.checklist`` in our words, with a ``key``) or the district's own (no key)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="checklist")
    recommendation = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(RECOMMENDATIONS)]
    )
    key = models.CharField(max_length=40, blank=True)
    text = models.TextField(verbose_name="question")
    order = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    due_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recommendation", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "key"],
                condition=~Q(key=""),
                name="checklist_key_once",
            ),
            models.CheckConstraint(
                name="checklist_recommendation_range",
                condition=Q(recommendation__gte=1, recommendation__lte=RECOMMENDATIONS),
            ),
        ]
        indexes = [models.Index(fields=["district", "initiative"], name="checklist_idx")]

    def __str__(self) -> str:
        return self.text[:80]


class EvidenceKind(models.TextChoices):
    NOTE = "note", "Note"
    LINK = "link", "Link"
    FILE = "file", "File"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Outside static files; read only through the permission-checked download view.
    return f"rollout/evidence/{instance.district_id}/{filename}"


class Evidence(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    text = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"Evidence {self.pk} ({self.kind})"


# --- Communications -------------------------------------------------------------------------


class Audience(models.TextChoices):
    BOARD = "board", "School board"
    PRINCIPALS = "principals", "Principals"
    TEACHERS = "teachers", "Teachers"
    STAFF = "staff", "All staff"
    FAMILIES = "families", "Families"
    STUDENTS = "students", "Students"
    COMMUNITY = "community", "Community and partners"


class Channel(models.TextChoices):
    MEETING = "meeting", "Meeting or presentation"
    EMAIL = "email", "Email"
    NEWSLETTER = "newsletter", "Newsletter"
    WEBSITE = "website", "Website"
    SOCIAL = "social", "Social media"
    LETTER = "letter", "Letter home"
    VIDEO = "video", "Video"
    OTHER = "other", "Other"


class Communication(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="communications"
    )
    audience = models.CharField(max_length=12, choices=Audience.choices)
    message = models.TextField(help_text="What this audience needs to hear.")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    planned_on = models.DateField(verbose_name="date")
    owner = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]
        indexes = [
            models.Index(fields=["district", "initiative", "planned_on"], name="communication_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.message[:60]}"


class FeedbackSession(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="feedback_sessions"
    )
    audience = models.CharField(max_length=12, choices=Audience.choices)
    held_on = models.DateField()
    format = models.CharField(
        max_length=200, blank=True, help_text="Where and how: a forum, a survey, a staff meeting."
    )
    participants = models.PositiveIntegerField(null=True, blank=True)
    heard = models.TextField(verbose_name="what we heard")
    response = models.TextField(blank=True, verbose_name="what we will do about it")

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["district", "initiative", "-held_on"], name="feedback_idx")]

    def __str__(self) -> str:
        return f"Feedback from {self.get_audience_display()} on {self.held_on}"


# --- Phases, cohorts, volunteers and amnesty ------------------------------------------------


class Phase(models.Model):
    """A school year of the rollout, with the share of teachers who should be implementing by
    its end (cumulative: everyone by the last phase is 100 %)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=100)
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    target_share = models.DecimalField(
        max_digits=5, decimal_places=2, verbose_name="target share of teachers (%)",
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The share of all teachers implementing by the end of this year.",
    )  # fmt: skip
    teachers_per_coach = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="How many teachers in a cohort one of its coaches can support.",
    )  # fmt: skip
    is_pilot = models.BooleanField(default=False, verbose_name="the pilot")

    class Meta:
        ordering = ["initiative", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "school_year"], name="phase_one_per_year"
            ),
            models.UniqueConstraint(
                fields=["district", "initiative"],
                condition=Q(is_pilot=True),
                name="phase_one_pilot",
            ),
            models.CheckConstraint(
                name="phase_share_range", condition=Q(target_share__gt=0, target_share__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class Cohort(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="cohorts")
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="cohorts")
    name = models.CharField(max_length=100)
    coaches = models.ManyToManyField(
        Staff, blank=True, related_name="+", help_text="Who coaches this cohort's teachers."
    )
    notes = models.TextField(blank=True)
    # A pilot that leaves out a school needs someone to say so knowingly; these are the schools
    # they accepted leaving out, so a different gap asks again.
    schools_left_out = models.JSONField(default=list, blank=True)
    left_out_accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    left_out_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["phase__school_year", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "phase", "name"], name="cohort_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberSource(models.TextChoices):
    VOLUNTEER = "volunteer", "Volunteered"
    ASSIGNED = "assigned", "Assigned"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "In the cohort"
    WITHDRAWN = "withdrawn", "Withdrew"


class CohortMember(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    # Copied from the cohort so the database itself refuses two cohorts of one phase.
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="cohort_memberships")
    source = models.CharField(max_length=10, choices=MemberSource.choices)
    status = models.CharField(
        max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    joined_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["cohort", "staff__last_name", "staff__first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "phase", "staff"], name="cohort_member_once_a_phase"
            ),
            models.CheckConstraint(
                name="cohort_member_withdrawn_dated",
                condition=(Q(status="withdrawn") & Q(withdrawn_on__isnull=False))
                | (~Q(status="withdrawn") & Q(withdrawn_on__isnull=True)),
            ),
        ]
        indexes = [
            models.Index(fields=["district", "staff"], name="cohort_member_staff_idx"),
            # Progress counts members by cohort and status.
            models.Index(fields=["district", "cohort", "status"], name="cohort_member_cohort_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} in {self.cohort}"


class GradeBand(models.TextChoices):
    K2 = "k2", "Pre-K to grade 2"
    G35 = "35", "Grades 3–5"
    G68 = "68", "Grades 6–8"
    G912 = "912", "Grades 9–12"
    SEVERAL = "several", "Several bands"


class Volunteer(models.Model):
    """A teacher who offered to join the rollout early; the pilot suggestion chooses from them."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="volunteers")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    grade_band = models.CharField(max_length=8, choices=GradeBand.choices)
    content_area = models.CharField(max_length=30, choices=AcademicSubject.choices)
    note = models.CharField(max_length=300, blank=True)
    volunteered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["volunteered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "staff"], name="volunteer_once"
            )
        ]
        indexes = [
            models.Index(fields=["district", "initiative", "volunteered_at"], name="volunteer_idx")
        ]

    def __str__(self) -> str:
        return f"{self.staff} volunteered"


class Amnesty(models.Model):
    """A teacher's first school year of implementation, in which evaluation carries no
    consequences. Kept in step with cohort membership by ``rollout.services.cohorts``."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="amnesties")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="amnesties")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    starts_on = models.DateField()
    ends_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school_year", "staff__last_name", "id"]
        verbose_name_plural = "amnesties"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "initiative", "staff"], name="amnesty_once"
            ),
            models.CheckConstraint(
                name="amnesty_dates_ordered", condition=Q(ends_on__gt=F("starts_on"))
            ),
        ]
        indexes = [
            models.Index(fields=["district", "staff"], name="amnesty_staff_idx"),
            models.Index(fields=["district", "school_year"], name="amnesty_year_idx"),
        ]

    def __str__(self) -> str:
        return f"Evaluation amnesty {self.school_year}"


# --- Content provider reviews ---------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    SCORING = "scoring", "Committee scoring"
    RECOMMENDED = "recommended", "Recommendation made"
    DECIDED = "decided", "Purchase decided"
    REVISITING = "revisiting", "Year-one re-review"
    CLOSED = "closed", "Closed"


class ProviderReview(models.Model):
    """A teacher committee's review of digital content providers: weighted criteria, each
    member's scores, a recommendation, the purchase decision and a re-review after a year."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="provider_reviews"
    )
    title = models.CharField(max_length=200)
    content_area = models.CharField(max_length=30, choices=AcademicSubject.choices, blank=True)
    school_year = models.CharField(max_length=7, validators=[validate_school_year])
    committee = models.ManyToManyField(Staff, blank=True, related_name="+")
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SCORING
    )
    recommended = models.ForeignKey(
        "Provider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recommendation = models.TextField(blank=True, help_text="Why the committee recommends it.")
    revisit_on = models.DateField(null=True, blank=True, verbose_name="re-review due")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "title", "id"]
        indexes = [models.Index(fields=["district", "initiative"], name="provider_review_idx")]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(ProviderReview, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["review", "order", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "review", "name"], name="criterion_unique_name"
            ),
            models.CheckConstraint(
                name="criterion_weight_range", condition=Q(weight__gte=1, weight__lte=10)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Purchase(models.TextChoices):
    PENDING = "pending", "Not decided"
    BUY = "buy", "Purchase"
    PASS = "pass", "Do not purchase"


class Renewal(models.TextChoices):
    PENDING = "pending", "Not decided"
    RENEW = "renew", "Renew"
    DROP = "drop", "Drop"


class Provider(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(ProviderReview, on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(max_length=200)
    product = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    purchase = models.CharField(max_length=8, choices=Purchase.choices, default=Purchase.PENDING)
    annual_cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    decided_on = models.DateField(null=True, blank=True)
    renewal = models.CharField(max_length=8, choices=Renewal.choices, default=Renewal.PENDING)
    feedback = models.TextField(
        blank=True, help_text="What teachers said after a year of using it."
    )

    class Meta:
        ordering = ["review", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "review", "name"], name="provider_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Round(models.TextChoices):
    INITIAL = "initial", "Initial review"
    REVISIT = "revisit", "Year-one re-review"


class ProviderScore(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(Staff, on_delete=models.RESTRICT, related_name="+")
    round = models.CharField(max_length=8, choices=Round.choices, default=Round.INITIAL)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["provider", "criterion", "member", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "provider", "criterion", "member", "round"],
                name="provider_score_once",
            ),
            models.CheckConstraint(
                name="provider_score_range", condition=Q(score__gte=1, score__lte=5)
            ),
        ]

    def __str__(self) -> str:
        return f"Score {self.score}"
