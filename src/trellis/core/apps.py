from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trellis.core"
    label = "core"
    verbose_name = "Trellis core"

    def ready(self) -> None:
        from trellis.core import navigation

        navigation.register(
            navigation.NavItem("Audit log", "core:audit-list", perm="audit.view", order=90)
        )
