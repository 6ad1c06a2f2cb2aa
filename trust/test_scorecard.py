"""The scorecard's own runner: every figure names a test file that exists, and ``--jobs`` runs
every test file of trust/ exactly once, in groups of about equal time."""

from __future__ import annotations

from pathlib import Path

import pytest

from trust import FIGURES
from trust.__main__ import _groups

HERE = Path(__file__).resolve().parent


def test_every_figure_names_a_test_file_of_its_own():
    files = [spec.test for spec in FIGURES]
    assert len(set(files)) == len(FIGURES)
    for spec in FIGURES:
        assert (HERE / f"{spec.test}.py").is_file(), spec
        assert spec.seconds > 0, spec


@pytest.mark.parametrize("jobs", [2, 3, 14, 40])
def test_jobs_run_every_test_file_once_in_groups_of_about_equal_time(jobs):
    groups = _groups(jobs)
    listed = [file for group in groups for file in group]
    expected = sorted(f"trust/{path.name}" for path in HERE.glob("test_*.py"))
    assert sorted(listed) == expected
    assert len(groups) == min(jobs, len(expected)) and all(groups)
    seconds = {f"trust/{spec.test}.py": spec.seconds for spec in FIGURES}
    loads = [sum(seconds.get(file, 10) for file in group) for group in groups]
    # Longest first onto the least loaded group: the longest group is within one file of an
    # even share, and for two jobs well under two thirds of the whole.
    assert max(loads) <= sum(loads) / len(groups) + max(seconds.values())
    if jobs == 2:
        assert max(loads) < 0.6 * sum(loads), loads
