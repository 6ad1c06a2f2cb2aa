"""Tenancy (consortium → district), accounts, memberships, API tokens and the audit trail.

Schools and staff live in ``trellis.org``; the tenancy roots live here because memberships and
audit events refer to them and ``core`` imports no other app.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Locale(models.TextChoices):
    """NCES locale, as the study classifies grantees."""

    CITY = "city", "City"
    SUBURB = "suburb", "Suburb"
    TOWN = "town", "Town"
    RURAL = "rural", "Rural"


class Approach(models.TextChoices):
    """The study's six personalized-learning approaches: the grantees' and a district's own."""

    MASTERY = "mastery", "Mastery / competency-based"
    CAREER_EXPOSURE = "career_exposure", "Career exposure"
    STUDENT_DIRECTED = "student_directed", "Student-directed learning"
    COLLEGE_ACCESS = "college_access", "College access and success"
    PROJECT_BASED = "project_based", "Project-based learning"
    BLENDED = "blended", "Blended learning"


class Consortium(models.Model):
    """A group of districts working together (Ed-Fi EducationOrganizationNetwork)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    network_id = models.PositiveIntegerField(
        unique=True, help_text="Ed-Fi EducationOrganizationId of the network."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "consortia"

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A local education agency; the tenant every district-owned row belongs to."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.SET_NULL, null=True, blank=True, related_name="districts"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    lea_id = models.PositiveIntegerField(
        unique=True, verbose_name="LEA id", help_text="State LEA / Ed-Fi LocalEducationAgencyId."
    )
    state = models.CharField(max_length=2, help_text="Two-letter state code, e.g. NV.")
    locale = models.CharField(max_length=10, choices=Locale.choices, default=Locale.SUBURB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # Consortium aggregates list a network's members.
            models.Index(fields=["consortium", "name"], name="district_consortium_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships."""

    class Meta:
        ordering = ["username"]


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "District admin"
    HR = "hr", "HR"
    PRINCIPAL = "principal", "Principal"
    COACH = "coach", "Coach"
    TEACHER = "teacher", "Teacher"
    PANELIST = "panelist", "Panel member"
    CONSORTIUM_LEAD = "consortium_lead", "Consortium lead"
    VIEWER = "viewer", "Viewer (board / funder)"


class Membership(models.Model):
    """One role a user holds in one district, or (consortium lead) in one consortium."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            # A consortium lead belongs to a consortium; every other role to a district.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="consortium_lead", consortium__isnull=False, district__isnull=True)
                    | (
                        ~Q(role="consortium_lead")
                        & Q(district__isnull=False, consortium__isnull=True)
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["district", "user", "role"], name="membership_unique_district_role"
            ),
            models.UniqueConstraint(
                fields=["consortium", "user", "role"], name="membership_unique_consortium_role"
            ),
        ]

    def __str__(self) -> str:
        scope = self.district or self.consortium
        return f"{self.user} — {self.get_role_display()} in {scope}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="cli")
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which record, when, and what changed. Append-only."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor_label = models.CharField(max_length=150, help_text="Username at the time of the event.")
    action = models.CharField(max_length=80, help_text="app.verb, e.g. org.staff_created.")
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="field → [before, after].")
    occurred_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The audit page lists a district's newest events first, optionally by action.
            models.Index(fields=["district", "-occurred_at"], name="audit_district_time_idx"),
            models.Index(fields=["district", "action", "-occurred_at"], name="audit_action_idx"),
            models.Index(fields=["district", "target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class LoginAttempt(models.Model):
    """A failed sign-in, kept to slow down guessing: a wrong password, or a wrong code at the
    second step (which only someone who had the password reaches)."""

    class Step(models.TextChoices):
        PASSWORD = "password", "Password"
        CODE = "code", "Two-factor code"

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField()
    step = models.CharField(max_length=8, choices=Step.choices, default=Step.PASSWORD)
    attempted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [
            # Lockout counts recent failures for one (username, address) pair, per address, and
            # wrong codes per username from any address.
            models.Index(fields=["username", "address", "attempted_at"], name="login_pair_idx"),
            models.Index(fields=["address", "attempted_at"], name="login_address_idx"),
            models.Index(fields=["username", "step", "attempted_at"], name="login_step_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.attempted_at:%Y-%m-%d %H:%M}"
