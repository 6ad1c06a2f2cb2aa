from __future__ import annotations

from django.apps import AppConfig


class PayConfig(AppConfig):
    name = "trellis.pay"
    label = "pay"
    verbose_name = "Pay and sustainability"
