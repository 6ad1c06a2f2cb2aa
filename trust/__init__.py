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
    test: str  # the file in trust/ that measures it
    seconds: int  # about how long that file takes on a 2-core machine: `--jobs` balances on it


FIGURES = [
    Spec(
        1,
        "deploy",
        "Deploy checks",
        "check --deploy in production mode: 0 issues",
        "test_deploy",
        4,
    ),
    Spec(
        2,
        "authorization",
        "Authorization matrix",
        "0 unexpected allows, 0 unexpected denies",
        "test_authorization",
        77,
    ),
    Spec(
        3, "wall", "Coaching wall", "0 coaching contents reached by an evaluator", "test_wall", 20
    ),
    Spec(
        4,
        "suppression",
        "Survey suppression",
        "0 cells under the minimum, 0 recoverable",
        "test_suppression",
        9,
    ),
    Spec(
        5,
        "fuzzing",
        "API fuzzing",
        "0 server errors, 0 schema violations, anonymous 401",
        "test_api_fuzz",
        77,
    ),
    Spec(6, "parsers", "Parser robustness", "0 uncaught exceptions", "test_parsers", 14),
    Spec(7, "crash", "Crash safety", "0 partial writes", "test_crash", 49),
    Spec(
        8,
        "audit",
        "Audit completeness",
        "every service audited; events unchangeable",
        "test_audit",
        100,
    ),
    Spec(
        9,
        "sessions",
        "Sign-in and sessions",
        "lockout, timeouts, two-factor where required",
        "test_sessions",
        23,
    ),
    Spec(
        10,
        "supply",
        "Supply chain",
        "0 known vulnerabilities, 0 high/medium findings, SBOM",
        "test_supply_chain",
        19,
    ),
    Spec(
        11,
        "backup",
        "Backup and restore drill",
        "0 row-count or checksum mismatches",
        "test_backup",
        33,
    ),
    Spec(
        12,
        "deletion",
        "District deletion",
        "0 rows left, no other district touched",
        "test_deletion",
        10,
    ),
    Spec(13, "load", "Load", "0 errors at the measured rate", "test_load", 33),
    Spec(14, "exports", "Exports", "one district, rate-limited, recorded", "test_exports", 4),
]


def out_path() -> Path:
    """Where the figures are recorded, one JSON line each: ``var/trust/figures.jsonl``, or the
    file ``TRELLIS_TRUST_FIGURES`` names (each of ``--jobs`` writes its own)."""
    if named := os.environ.get("TRELLIS_TRUST_FIGURES"):
        return Path(named)
    var = Path(os.environ.get("TRELLIS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return var / "trust" / "figures.jsonl"
