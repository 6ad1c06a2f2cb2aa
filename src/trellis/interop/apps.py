from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "trellis.interop"
    label = "interop"
    verbose_name = "Data exchange"
