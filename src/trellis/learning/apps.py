from __future__ import annotations

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "trellis.learning"
    label = "learning"
    verbose_name = "Professional learning"

    def ready(self) -> None:
        from trellis.core import events
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link
        from trellis.core.policy import LEARNING_MANAGE
        from trellis.learning.services.plans import assignment_started

        # A started assignment gets the onboarding track of its role (new or experienced).
        events.subscribe("roles.assignment_started", assignment_started)
        register(NavItem("Learning", "learning:home", order=55))
        register(NavItem("PLCs", "learning:plcs", order=56))
        register(NavItem("My learning", "learning:mine", order=90))
        register(NavItem("My plan", "learning:plan-mine", order=91))
        register_record_link(RecordLink("staff", "Learning plan", "learning:plan", LEARNING_MANAGE))
        register_record_link(
            RecordLink("staff", "Professional learning", "learning:person", LEARNING_MANAGE)
        )
