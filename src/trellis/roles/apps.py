from __future__ import annotations

from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "trellis.roles"
    label = "roles"
    verbose_name = "Roles and positions"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link

        register(NavItem("Roles", "roles:catalog", order=40))
        register(NavItem("Positions", "roles:position-board", order=45))
        register(NavItem("Role map", "roles:consortium-figure", order=46, consortium=True))
        register_record_link(RecordLink("staff", "Assignment history", "roles:person"))
