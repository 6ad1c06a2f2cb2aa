from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from trellis.insights.models import Grantee


@admin.register(Grantee)
class GranteeAdmin(admin.ModelAdmin[Grantee]):
    """Reference data is loaded from the shipped file; the admin only shows it."""

    list_display = ["name", "state", "cohort_year", "award_usd", "students_served", "locale"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
