"""Figure 1: Django's deployment checks in production mode find nothing to fix; and the same
run with HSTS turned off finds it, so the figure can fail."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

_ISSUE = re.compile(r"\(([a-z_]+\.[EWCI]\d+)\)")


def _check(tmp_path: Path, **extra: str) -> tuple[int, list[str], str]:
    env = {
        **os.environ,
        "TRELLIS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "trellis.example.org",
        "TRELLIS_VAR_DIR": str(tmp_path),
        **extra,
    }
    env.pop("DEBUG", None)
    trellis = Path(sys.executable).with_name("trellis")
    result = subprocess.run(
        [str(trellis), "manage", "check", "--deploy", "--fail-level", "DEBUG"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    return result.returncode, _ISSUE.findall(output), output


def test_check_deploy_in_production_mode_finds_nothing(figure, tmp_path):
    control_rc, control, _ = _check(tmp_path / "control", SECURE_HSTS_SECONDS="0")
    assert control_rc != 0 and "security.W004" in control  # the check does see a missing HSTS
    rc, issues, output = _check(tmp_path / "production")
    ok = rc == 0 and not issues
    figure(
        "deploy",
        ok=ok,
        summary=f"{len(issues)} issues (control run without HSTS: {len(control)} found)",
        issues=issues,
    )
    assert ok, output
