"""Stub: replaced by the real pages."""

from __future__ import annotations

urlpatterns: list[object] = []
