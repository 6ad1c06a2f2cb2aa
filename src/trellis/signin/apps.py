from __future__ import annotations

from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "trellis.signin"
    label = "signin"
    verbose_name = "District sign-in"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Sign-in", "signin:provider-list", perm="members.manage", order=95))
