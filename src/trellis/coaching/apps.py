from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "trellis.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link
        from trellis.core.policy import COACHING_MANAGE

        register(NavItem("Coaching", "coaching:home", order=57))
        # The staff page links a coach's caseload for coaching managers; never a teacher's log.
        register_record_link(
            RecordLink("staff", "Coaching caseload", "coaching:caseload", COACHING_MANAGE)
        )
