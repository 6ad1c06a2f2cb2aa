from __future__ import annotations

from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "trellis.pathways"
    label = "pathways"
    verbose_name = "Career pathways"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link
        from trellis.core.policy import PATHWAYS_MANAGE

        register(NavItem("Pathways", "pathways:home", order=52))
        # A person's career timeline and readiness, from their staff page, for those who may
        # read anyone's (a person reaches their own from the Pathways page).
        register_record_link(
            RecordLink("staff", "Career and readiness", "pathways:person", PATHWAYS_MANAGE)
        )
