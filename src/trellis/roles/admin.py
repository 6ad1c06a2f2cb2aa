"""Read-mostly admin: changes go through the pages and the API, where services audit them."""

from __future__ import annotations

from django.contrib import admin

from trellis.roles.models import Assignment, JobDescription, Position, RoleType


@admin.register(RoleType)
class RoleTypeAdmin(admin.ModelAdmin[RoleType]):
    list_display = ["name", "district", "category", "default_level", "retired_at"]
    list_filter = ["district", "category"]
    search_fields = ["name"]


@admin.register(JobDescription)
class JobDescriptionAdmin(admin.ModelAdmin[JobDescription]):
    list_display = ["title", "district", "role_type"]
    list_filter = ["district"]
    search_fields = ["title"]
    raw_id_fields = ["role_type", "created_by"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin[Position]):
    list_display = ["requisition_number", "district", "school", "status", "school_year", "fte"]
    list_filter = ["district", "status", "school_year"]
    search_fields = ["requisition_number"]
    raw_id_fields = ["version", "school"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin[Assignment]):
    list_display = ["staff", "position", "begin_date", "end_date", "fte", "end_reason"]
    list_filter = ["district", "end_reason"]
    raw_id_fields = ["staff", "position"]
