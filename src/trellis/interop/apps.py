from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "trellis.interop"
    label = "interop"
    verbose_name = "Data exchange"

    def ready(self) -> None:
        from trellis.core import policy
        from trellis.core.navigation import NavItem, register

        register(NavItem("Data exchange", "interop:home", perm=policy.INTEROP_MANAGE, order=85))
