from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "trellis.org"
    label = "org"
    verbose_name = "Organizations and staff"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Schools", "org:school-list", order=20))
        register(NavItem("Staff", "org:staff-list", order=30))
