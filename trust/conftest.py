"""The ``figure`` fixture: a trust test records its figure here, then asserts its bar."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trellis.signin.testing import force_login_passes_two_factor  # noqa: F401 — see its module
from trust import FIGURES

KEYS = {spec.key for spec in FIGURES}


def out_path() -> Path:
    var = Path(os.environ.get("TRELLIS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return var / "trust" / "figures.jsonl"


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
