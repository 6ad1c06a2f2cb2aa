from __future__ import annotations

from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "trellis.hiring"
    label = "hiring"
    verbose_name = "Hiring"
