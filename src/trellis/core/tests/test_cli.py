"""The ``trellis`` command and the production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from trellis.cli import main

pytestmark = pytest.mark.django_db


def test_token_command_prints_a_token_that_lists_only_her_staff(alice, staff_a, staff_b, capsys):
    assert main(["token", "alice"]) == 0
    token = capsys.readouterr().out.split()[-1]
    body = Client().get("/api/v1/staff", headers={"Authorization": f"Bearer {token}"}).json()
    assert [s["last_name"] for s in body["items"]] == ["Alvarez"]
    answer = Client().get(
        f"/api/v1/staff/{staff_b.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 404


def test_token_for_an_unknown_user_fails_clearly(db, capsys):
    assert main(["token", "nobody"]) == 2
    assert "No active user called 'nobody'" in capsys.readouterr().err


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "TRELLIS_ENV": "production",
        "SECRET_KEY": "x7#Kp2-vQ9!mZr4Lw8@Tn1$Yb6^Hc3&Jd5*Fg0(Se2)Ua9_Xo4+Vi7=Ql1~Wt8%Rk",
        "ALLOWED_HOSTS": "trellis.district.example.org",
        "TRELLIS_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "trellis.cli", "manage", "check", "--deploy", "--fail-level",
         "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "TRELLIS_ENV": "production", "TRELLIS_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "trellis.cli", "manage", "check"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
