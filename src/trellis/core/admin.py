from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from trellis.core.models import ApiToken, AuditEvent, Consortium, District, Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class TrellisUserAdmin(UserAdmin[User]):
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The audit trail names the people who acted and cannot change (on PostgreSQL a trigger
        # refuses it): someone it names is switched off, not deleted. District deletion
        # (`trellis delete-district`) removes a district's own accounts with its events.
        if obj is not None and obj.audit_events.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the bulk delete would not ask the question above
        return actions


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin[Consortium]):
    list_display = ["name", "network_id"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "lea_id", "state", "locale", "consortium"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: nobody edits or deletes the audit trail, superusers included."""

    list_display = ["occurred_at", "district", "actor_label", "action", "target_label"]
    list_filter = ["action", "district"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
