"""The ``figure`` fixture: a trust test records its figure here, then asserts its bar."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from trellis.signin.testing import force_login_passes_two_factor  # noqa: F401 — see its module
from trust import FIGURES, out_path

KEYS = {spec.key for spec in FIGURES}


@pytest.fixture
def figure() -> Callable[..., None]:
    def record(key: str, *, ok: bool, summary: str, **numbers: Any) -> None:
        assert key in KEYS, f"unknown figure {key!r}"
        path = out_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"key": key, "ok": ok, "summary": summary, "numbers": numbers}
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, default=str) + "\n")

    return record
