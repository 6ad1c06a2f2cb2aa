from __future__ import annotations

from django.apps import AppConfig


class RolloutConfig(AppConfig):
    name = "trellis.rollout"
    label = "rollout"
    verbose_name = "Initiative and rollout"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register, register_staff_notes
        from trellis.rollout.selectors.cohorts import amnesty_notes

        register(NavItem("Rollout", "rollout:home", order=50))
        # A teacher's amnesty year shows wherever their evaluation-related data does.
        register_staff_notes(amnesty_notes)
