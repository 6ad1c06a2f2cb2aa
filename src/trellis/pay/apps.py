from __future__ import annotations

from django.apps import AppConfig


class PayConfig(AppConfig):
    name = "trellis.pay"
    label = "pay"
    verbose_name = "Pay and sustainability"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, RecordLink, register, register_record_link
        from trellis.core.policy import PAY_VIEW

        register(NavItem("Pay", "pay:home", perm=PAY_VIEW, order=48))
        register(NavItem("My pay", "pay:mine", order=90))
        register_record_link(RecordLink("staff", "Salary placement", "pay:placement", PAY_VIEW))
        register(NavItem("Consortium schedule", "pay:consortium", order=49, consortium=True))
