from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    # Uploaded rosters and progress files go to this test's own folder.
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.VAR_DIR = tmp_path
