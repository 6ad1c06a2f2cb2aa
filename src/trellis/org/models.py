"""Schools and staff (Ed-Fi School and Staff), owned by a district."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from trellis.core.models import District, Locale, User


class Grade(models.IntegerChoices):
    """Ed-Fi GradeLevelDescriptor, ordered so a school's range can be checked."""

    PRESCHOOL = -1, "Pre-K"
    KINDERGARTEN = 0, "Kindergarten"
    FIRST = 1, "Grade 1"
    SECOND = 2, "Grade 2"
    THIRD = 3, "Grade 3"
    FOURTH = 4, "Grade 4"
    FIFTH = 5, "Grade 5"
    SIXTH = 6, "Grade 6"
    SEVENTH = 7, "Grade 7"
    EIGHTH = 8, "Grade 8"
    NINTH = 9, "Grade 9"
    TENTH = 10, "Grade 10"
    ELEVENTH = 11, "Grade 11"
    TWELFTH = 12, "Grade 12"


class GradeBand(models.TextChoices):
    """The grade bands coaches are matched on."""

    K2 = "k2", "Pre-K to grade 2"
    G35 = "35", "Grades 3–5"
    G68 = "68", "Grades 6–8"
    G912 = "912", "Grades 9–12"


class SchoolCategory(models.TextChoices):
    """Ed-Fi SchoolCategoryDescriptor (the common values)."""

    ELEMENTARY = "elementary", "Elementary school"
    MIDDLE = "middle", "Middle school"
    HIGH = "high", "High school"
    ELEMENTARY_SECONDARY = "elementary_secondary", "Elementary/secondary school"
    OTHER = "other", "Other"


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    school_id = models.PositiveIntegerField(
        verbose_name="school id", help_text="State school id / Ed-Fi SchoolId."
    )
    category = models.CharField(
        max_length=30, choices=SchoolCategory.choices, default=SchoolCategory.ELEMENTARY
    )
    lowest_grade = models.SmallIntegerField(choices=Grade.choices, default=Grade.KINDERGARTEN)
    highest_grade = models.SmallIntegerField(choices=Grade.choices, default=Grade.FIFTH)
    locale = models.CharField(max_length=10, choices=Locale.choices, blank=True)
    sourced_id = models.CharField(
        max_length=255, blank=True, verbose_name="roster id",
        help_text="The student information system's id for this school (OneRoster sourcedId); "
        "set by roster imports.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "school_id"], name="school_unique_id"),
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="school_unique_sourced_id",
            ),
            models.UniqueConstraint(fields=["district", "name"], name="school_unique_name"),
            models.CheckConstraint(
                name="school_grade_range_ordered",
                condition=Q(lowest_grade__lte=F("highest_grade")),
                violation_error_message="The lowest grade must not be above the highest grade.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_span(self) -> str:
        low, high = Grade(self.lowest_grade).label, Grade(self.highest_grade).label
        return low if low == high else f"{low} – {high}"


class StaffClassification(models.TextChoices):
    """Ed-Fi StaffClassificationDescriptor."""

    TEACHER = "teacher", "Teacher"
    INSTRUCTIONAL_COORDINATOR = "instructional_coordinator", "Instructional coordinator"
    SCHOOL_SPECIALIST = "school_specialist", "School specialist"
    PRINCIPAL = "principal", "Principal"
    ASSISTANT_PRINCIPAL = "assistant_principal", "Assistant principal"
    SCHOOL_ADMINISTRATOR = "school_administrator", "School administrator"
    COUNSELOR = "counselor", "Counselor"
    LIBRARIAN = "librarian", "Librarian / media specialist"
    INSTRUCTIONAL_AIDE = "instructional_aide", "Instructional aide"
    SUBSTITUTE_TEACHER = "substitute_teacher", "Substitute teacher"
    LEA_ADMINISTRATOR = "lea_administrator", "District administrator"
    LEA_SPECIALIST = "lea_specialist", "District specialist"
    SUPERINTENDENT = "superintendent", "Superintendent"
    SUPPORT_SERVICES = "support_services", "Support services staff"
    OTHER = "other", "Other"


class LevelOfEducation(models.TextChoices):
    """Ed-Fi LevelOfEducationDescriptor."""

    BACHELORS = "bachelors", "Bachelor's"
    MASTERS = "masters", "Master's"
    SPECIALIST = "specialist", "Education specialist"
    DOCTORATE = "doctorate", "Doctorate"
    ASSOCIATES = "associates", "Associate's"
    SOME_COLLEGE = "some_college", "Some college"
    HIGH_SCHOOL = "high_school", "High school diploma"


class AcademicSubject(models.TextChoices):
    """Ed-Fi AcademicSubjectDescriptor (the common values)."""

    ELA = "ela", "English language arts"
    MATH = "math", "Mathematics"
    SCIENCE = "science", "Science"
    SOCIAL_STUDIES = "social_studies", "Social studies"
    ARTS = "arts", "Fine and performing arts"
    PE = "pe", "Physical, health and safety education"
    WORLD_LANGUAGES = "world_languages", "World languages"
    CTE = "cte", "Career and technical education"
    SPECIAL_EDUCATION = "special_education", "Special education"
    MULTIPLE = "multiple", "Multiple subjects"


class Staff(models.Model):
    """A person employed by the district (Ed-Fi Staff essentials)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="staff")
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff",
        help_text="The school they mainly work in; empty for district-office staff.",
    )  # fmt: skip
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_records"
    )
    staff_unique_id = models.CharField(
        max_length=32, verbose_name="staff id", help_text="The district's own staff number."
    )
    first_name = models.CharField(max_length=75)
    middle_name = models.CharField(max_length=75, blank=True)
    last_name = models.CharField(max_length=75)
    email = models.EmailField(blank=True)
    classification = models.CharField(
        max_length=40, choices=StaffClassification.choices, default=StaffClassification.TEACHER
    )
    academic_subject = models.CharField(
        max_length=30, choices=AcademicSubject.choices, blank=True, verbose_name="subject"
    )
    grade_band = models.CharField(
        max_length=3, choices=GradeBand.choices, blank=True,
        help_text="The grades they teach, for matching a coach. Leave empty for staff who do not "
        "teach a class; a school of one band fills it in.",
    )  # fmt: skip
    years_prior_teaching = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)],
        verbose_name="years of prior teaching experience",
    )  # fmt: skip
    years_prior_professional = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)],
        verbose_name="years of prior professional experience",
    )  # fmt: skip
    highest_education = models.CharField(
        max_length=20, choices=LevelOfEducation.choices, blank=True,
        verbose_name="highest level of education completed",
    )  # fmt: skip
    hire_date = models.DateField(null=True, blank=True)
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervisees",
        verbose_name="evaluator",
        help_text="Who evaluates this person, when not their school's principal (an assistant "
        "principal, a district supervisor). Sees their learning plan, never their coaching notes.",
    )  # fmt: skip
    is_active = models.BooleanField(default=True, verbose_name="currently employed")
    sourced_id = models.CharField(
        max_length=255, blank=True, verbose_name="roster id",
        help_text="The student information system's id for this person (OneRoster sourcedId); "
        "roster imports match on it, never on email.",
    )  # fmt: skip
    username = models.CharField(
        max_length=150, blank=True,
        help_text="The district sign-in name from the roster, used to match district sign-in.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "staff"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="staff_unique_sourced_id",
            ),
            models.UniqueConstraint(
                fields=["district", "staff_unique_id"], name="staff_unique_id_per_district"
            ),
            models.UniqueConstraint(
                fields=["district", "email"], condition=~Q(email=""), name="staff_unique_email"
            ),
            models.UniqueConstraint(
                fields=["district", "user"],
                condition=Q(user__isnull=False),
                name="staff_one_record_per_user",
            ),
        ]
        indexes = [
            # The staff list sorts by name within a district, optionally within a school or
            # classification; these keep each page an index range scan at 75,000 staff.
            models.Index(fields=["district", "last_name", "first_name"], name="staff_name_idx"),
            models.Index(fields=["district", "school", "last_name"], name="staff_school_idx"),
            models.Index(
                fields=["district", "classification", "last_name"], name="staff_class_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    # Plain dict lookups: get_FOO_display() flattens the choices on every call, which shows up
    # when a page lists fifty rows.
    @property
    def classification_label(self) -> str:
        return _CLASSIFICATION_LABELS.get(self.classification, self.classification)

    @property
    def subject_label(self) -> str:
        return _SUBJECT_LABELS.get(self.academic_subject, self.academic_subject)


_CLASSIFICATION_LABELS = dict(StaffClassification.choices)
_SUBJECT_LABELS = dict(AcademicSubject.choices)


class SeparationReason(models.TextChoices):
    """Why employment with the district ended (Ed-Fi SeparationReasonDescriptor)."""

    RETIREMENT = "retirement", "Retirement"
    OTHER_EMPLOYMENT = "employment_elsewhere", "Employment in another education organization"
    LEAVING_EDUCATION = "left_education", "Left the education profession"
    RELOCATION = "relocation", "Relocation"
    LAYOFF = "layoff", "Layoff (reduction in force)"
    DISMISSAL = "dismissal", "Dismissal or non-renewal"
    PERSONAL = "personal", "Personal or family reasons"
    DEATH = "death", "Death"
    ROSTER_REMOVED = "roster_removed", "Removed from the district roster"
    OTHER = "other", "Other"


class EmploymentStatus(models.TextChoices):
    """Ed-Fi EmploymentStatusDescriptor (the common values)."""

    PERMANENT = "permanent", "Tenured or permanent"
    PROBATIONARY = "probationary", "Probationary"
    CONTRACTUAL = "contractual", "Contractual"
    SUBSTITUTE = "substitute", "Substitute or temporary"
    VOLUNTEER = "volunteer", "Volunteer or no contract"
    OTHER = "other", "Other"


class Employment(models.Model):
    """A span of employment with the district (Ed-Fi StaffEducationOrganizationEmployment
    Association). Ending one records the date and why; rows are kept."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="employments")
    status = models.CharField(
        max_length=20, choices=EmploymentStatus.choices, default=EmploymentStatus.PERMANENT,
        verbose_name="employment status",
    )  # fmt: skip
    hire_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    separation_reason = models.CharField(
        max_length=30, choices=SeparationReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-hire_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="employment_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("hire_date")),
                violation_error_message="Employment cannot end before the hire date.",
            ),
            models.CheckConstraint(
                name="employment_reason_with_end",
                condition=Q(end_date__isnull=True, separation_reason="")
                | Q(end_date__isnull=False) & ~Q(separation_reason=""),
                violation_error_message="Ended employment needs a separation reason, and only "
                "then.",
            ),
        ]
        indexes = [models.Index(fields=["district", "staff"], name="employment_staff_idx")]

    def __str__(self) -> str:
        return f"{self.staff} from {self.hire_date}"


class SchoolAssignment(models.Model):
    """A person working at a school or the district office in a classification, from a begin
    date to an end date (Ed-Fi StaffEducationOrganizationAssignmentAssociation; a OneRoster
    role). Roster imports end these rather than delete them."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="school_assignments")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments",
        help_text="Empty for the district office.",
    )  # fmt: skip
    classification = models.CharField(
        max_length=40, choices=StaffClassification.choices, default=StaffClassification.TEACHER
    )
    position_title = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(
        default=True, help_text="The person's main school (OneRoster roleType primary)."
    )
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sourced_id = models.CharField(
        max_length=255, blank=True, verbose_name="roster id",
        help_text="The roster's id for this role (OneRoster roles.csv sourcedId).",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-begin_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="school_assignment_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("begin_date")),
                violation_error_message="An assignment cannot end before it begins.",
            ),
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="school_assignment_unique_sourced_id",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "staff"], name="school_assignment_staff_idx"),
            models.Index(fields=["district", "school"], name="school_assignment_school_idx"),
        ]

    def __str__(self) -> str:
        place = self.school.name if self.school else "District office"
        return f"{self.staff} at {place}"


class CredentialType(models.TextChoices):
    """Ed-Fi CredentialTypeDescriptor."""

    CERTIFICATION = "certification", "Certification"
    ENDORSEMENT = "endorsement", "Endorsement"
    LICENSURE = "licensure", "Licensure"
    OTHER = "other", "Other"


class Credential(models.Model):
    """A teaching or leadership license a person holds (Ed-Fi Credential)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="credentials")
    identifier = models.CharField(
        max_length=60, verbose_name="credential number", help_text="As issued by the state."
    )
    credential_type = models.CharField(
        max_length=20, choices=CredentialType.choices, default=CredentialType.LICENSURE
    )
    field = models.CharField(
        max_length=30, choices=AcademicSubject.choices, blank=True, verbose_name="subject"
    )
    state = models.CharField(max_length=2, help_text="Two-letter code of the issuing state.")
    issuance_date = models.DateField()
    expiration_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issuance_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "state", "identifier"], name="credential_unique_identifier"
            ),
            models.CheckConstraint(
                name="credential_dates_ordered",
                condition=Q(expiration_date__isnull=True)
                | Q(expiration_date__gte=F("issuance_date")),
                violation_error_message="A credential cannot expire before it is issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.state})"
