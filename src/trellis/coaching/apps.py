from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "trellis.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Coaching", "coaching:home", order=57))
