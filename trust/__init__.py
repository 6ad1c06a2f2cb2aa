"""The trust scorecard (`make trust`): figures that try to break Trellis, each against its bar.

Each figure is measured by a test in this folder that records its numbers through the
``figure`` fixture and then fails when they miss the bar, so a figure can only be at its bar
while the protection behind it holds. ``python -m trust`` runs them, prints one line per figure
(a figure with no test yet prints "not measured") and exits non-zero unless every figure is
measured and at its bar. SECURITY.md says what each figure means and how to run it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Spec:
    number: int
    key: str
    title: str
    bar: str


FIGURES = [
    Spec(1, "deploy", "Deploy checks", "check --deploy in production mode: 0 issues"),
    Spec(2, "authorization", "Authorization matrix", "0 unexpected allows, 0 unexpected denies"),
    Spec(3, "wall", "Coaching wall", "0 coaching contents reached by an evaluator"),
    Spec(4, "suppression", "Survey suppression", "0 cells under the minimum, 0 recoverable"),
    Spec(5, "fuzzing", "API fuzzing", "0 server errors, 0 schema violations, anonymous 401"),
    Spec(6, "parsers", "Parser robustness", "0 uncaught exceptions"),
    Spec(7, "crash", "Crash safety", "0 partial writes"),
    Spec(8, "audit", "Audit completeness", "every service audited; events unchangeable"),
    Spec(9, "sessions", "Sign-in and sessions", "lockout, timeouts, two-factor where required"),
    Spec(10, "supply", "Supply chain", "0 known vulnerabilities, 0 high/medium findings, SBOM"),
    Spec(11, "backup", "Backup and restore drill", "0 row-count or checksum mismatches"),
    Spec(12, "deletion", "District deletion", "0 rows left, no other district touched"),
    Spec(13, "load", "Load", "0 errors at the measured rate"),
    Spec(14, "exports", "Exports", "one district, rate-limited, recorded"),
]


def out_path() -> Path:
    """Where the figures are recorded, one JSON line each (``var/trust/figures.jsonl``)."""
    var = Path(os.environ.get("TRELLIS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return var / "trust" / "figures.jsonl"
