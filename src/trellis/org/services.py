"""Writes for schools and staff. Each validates, saves and audits in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import District, User
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import School, Staff

SCHOOL_FIELDS = ("name", "school_id", "category", "lowest_grade", "highest_grade", "locale")
STAFF_FIELDS = (
    "staff_unique_id", "first_name", "middle_name", "last_name", "email", "school",
    "classification", "academic_subject", "grade_band", "years_prior_teaching",
    "years_prior_professional", "highest_education", "hire_date", "is_active", "supervisor",
)  # fmt: skip


def _check_school_unique(school: School) -> None:
    others = School.objects.filter(district_id=school.district_id).exclude(pk=school.pk)
    errors = {}
    if others.filter(school_id=school.school_id).exists():
        errors["school_id"] = f"Another school in this district already has id {school.school_id}."
    if others.filter(name__iexact=school.name).exists():
        errors["name"] = f"Another school in this district is already called “{school.name}”."
    if errors:
        raise ValidationError(errors)


def _check_staff(staff: Staff) -> None:
    others = Staff.objects.filter(district_id=staff.district_id).exclude(pk=staff.pk)
    errors = {}
    if others.filter(staff_unique_id=staff.staff_unique_id).exists():
        errors["staff_unique_id"] = f"Staff id {staff.staff_unique_id} is already in use."
    if staff.email and others.filter(email__iexact=staff.email).exists():
        errors["email"] = f"{staff.email} already belongs to another staff record."
    if staff.school is not None and staff.school.district_id != staff.district_id:
        errors["school"] = "Choose a school in this district."
    if staff.supervisor is not None and staff.supervisor.district_id != staff.district_id:
        errors["supervisor"] = "Choose an evaluator who works in this district."
    elif staff.supervisor is not None and staff.pk and staff.supervisor.pk == staff.pk:
        errors["supervisor"] = "Nobody evaluates themselves."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def school_create(*, district: District, data: Mapping[str, Any], actor: User) -> School:
    school = School(district=district)
    assign_fields(school, data, SCHOOL_FIELDS)
    _check_school_unique(school)
    save_validated(school)
    changes = diff({}, snapshot(school, SCHOOL_FIELDS))
    audit_record(actor=actor, action="org.school_created", target=school, changes=changes)
    return school


@transaction.atomic
def school_update(*, school: School, data: Mapping[str, Any], actor: User) -> School:
    # "Before" comes from the database: a bound ModelForm has already changed ``school``.
    before = snapshot(School.objects.select_for_update().get(pk=school.pk), SCHOOL_FIELDS)
    assign_fields(school, data, SCHOOL_FIELDS)
    _check_school_unique(school)
    save_validated(school)
    changes = diff(before, snapshot(school, SCHOOL_FIELDS))
    if changes:
        audit_record(actor=actor, action="org.school_updated", target=school, changes=changes)
    return school


@transaction.atomic
def staff_create(*, district: District, data: Mapping[str, Any], actor: User) -> Staff:
    staff = Staff(district=district)
    assign_fields(staff, data, STAFF_FIELDS)
    _check_staff(staff)
    save_validated(staff)
    changes = diff({}, snapshot(staff, STAFF_FIELDS))
    audit_record(actor=actor, action="org.staff_created", target=staff, changes=changes)
    return staff


@transaction.atomic
def staff_update(*, staff: Staff, data: Mapping[str, Any], actor: User) -> Staff:
    # "Before" comes from the database: a bound ModelForm has already changed ``staff``.
    before = snapshot(Staff.objects.select_for_update().get(pk=staff.pk), STAFF_FIELDS)
    assign_fields(staff, data, STAFF_FIELDS)
    _check_staff(staff)
    save_validated(staff)
    changes = diff(before, snapshot(staff, STAFF_FIELDS))
    if changes:
        audit_record(actor=actor, action="org.staff_updated", target=staff, changes=changes)
    return staff


def staff_user_link(*, staff: Staff, user: User) -> None:
    """Tie a staff record to the account its person signs in with (district sign-in). The
    caller holds the row locked and records the event with its context."""
    if staff.user_id is not None and staff.user_id != user.pk:
        raise ValidationError({"user": "This staff record already belongs to another account."})
    if Staff.objects.filter(district_id=staff.district_id, user=user).exclude(pk=staff.pk).exists():
        raise ValidationError({"user": "This account already has a staff record here."})
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
