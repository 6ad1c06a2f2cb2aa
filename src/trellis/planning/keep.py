"""Which positions to keep after a grant ends: the set with the highest total priority whose
cost fits the budget (a 0–1 knapsack), solved exactly with OR-Tools CP-SAT.

Plain data in, plain data out: this module imports no Trellis app. Costs are whole cents so
the model stays in integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class Candidate:
    key: int
    cost_cents: int
    priority: int  # higher is more important


@dataclass
class KeepChoice:
    kept: list[Candidate]
    dropped: list[Candidate]
    budget_cents: int
    optimal: bool
    notes: list[str] = field(default_factory=list)

    @property
    def cost_cents(self) -> int:
        return sum(c.cost_cents for c in self.kept)

    @property
    def priority(self) -> int:
        return sum(c.priority for c in self.kept)

    @property
    def left_cents(self) -> int:
        return self.budget_cents - self.cost_cents


def choose(candidates: Sequence[Candidate], budget_cents: int) -> KeepChoice:
    """Maximise the kept priority within the budget; among equal priorities, spend less.

    A position that alone costs more than the whole budget is dropped and said so.
    """
    if budget_cents < 0:
        raise ValueError("The budget cannot be negative.")
    if any(c.cost_cents < 0 or c.priority < 0 for c in candidates):
        raise ValueError("Costs and priorities cannot be negative.")
    model = cp_model.CpModel()
    keep = {c.key: model.new_bool_var(f"keep_{c.key}") for c in candidates}
    model.add(sum(c.cost_cents * keep[c.key] for c in candidates) <= budget_cents)
    # Priority first; then the cheaper of equally good sets, so the choice is stable.
    total_cost = sum(c.cost_cents for c in candidates) + 1
    model.maximize(
        sum(c.priority * total_cost * keep[c.key] for c in candidates)
        - sum(c.cost_cents * keep[c.key] for c in candidates)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
    solver.parameters.num_workers = 1  # the same answer on every run
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("The solver found no choice; this should not happen for a knapsack.")
    kept = [c for c in candidates if solver.value(keep[c.key])]
    dropped = [c for c in candidates if not solver.value(keep[c.key])]
    notes = [f"{c.key} alone costs more than the budget." for c in dropped
             if c.cost_cents > budget_cents]  # fmt: skip
    return KeepChoice(kept, dropped, budget_cents, status == cp_model.OPTIMAL, notes)
