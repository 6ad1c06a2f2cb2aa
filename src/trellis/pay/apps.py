from __future__ import annotations

from django.apps import AppConfig


class PayConfig(AppConfig):
    name = "trellis.pay"
    label = "pay"
    verbose_name = "Pay and sustainability"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register
        from trellis.core.policy import PAY_VIEW

        register(NavItem("Pay", "pay:home", perm=PAY_VIEW, order=48))
        register(NavItem("Consortium schedule", "pay:consortium", order=49, consortium=True))
