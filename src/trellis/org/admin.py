from __future__ import annotations

from django.contrib import admin

from trellis.org.models import School, Staff


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["name", "district", "school_id", "category"]
    list_filter = ["district", "category"]
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin[Staff]):
    list_display = ["last_name", "first_name", "district", "school", "classification"]
    list_filter = ["district", "classification"]
    search_fields = ["last_name", "first_name", "staff_unique_id", "email"]
    raw_id_fields = ["school", "user"]
