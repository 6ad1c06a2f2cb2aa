from __future__ import annotations

from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "trellis.pathways"
    label = "pathways"
    verbose_name = "Career pathways"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link

        register(NavItem("Pathways", "pathways:home", order=52))
        # A person's career timeline and readiness, from their staff page.
        register_record_link(RecordLink("staff", "Career and readiness", "pathways:person"))
