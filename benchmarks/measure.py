"""Timing and memory of one workload, and the line it prints."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    runs: int


def time_it(fn: Callable[[], Any], *, runs: int = 30, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(statistics.median(samples), p95, runs)


def peak_memory_kib(fn: Callable[[], Any]) -> float:
    """Peak Python allocation during one call (tracemalloc), in KiB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


@dataclass
class Result:
    workload: str
    database: str
    scale: str
    median_ms: float
    p95_ms: float
    peak_kib: float
    limit_name: str
    limit_ms: float
    ratio: float
    budget: float
    budget_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def within_budget(self) -> bool:
        return self.ratio <= self.budget

    def line(self) -> str:
        verdict = "ok" if self.within_budget else "OVER"
        return (
            f"{self.workload:<24} {self.database:<10} {self.scale:<3} "
            f"median {self.median_ms:9.2f} ms  p95 {self.p95_ms:9.2f} ms  "
            f"peak {self.peak_kib:9.0f} KiB  limit {self.limit_ms:9.2f} ms ({self.limit_name})  "
            f"ratio {self.ratio:6.2f}  budget ≤ {self.budget:g} {verdict}"
            + (f"  [{self.budget_note}]" if self.budget_note else "")
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "within_budget": self.within_budget}
