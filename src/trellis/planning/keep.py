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

    A 0–1 knapsack in two stages (the highest total priority, then the cheapest set that
    reaches it, so the choice is stable). Positions of the same priority are interchangeable for
    the priority, so an optimal choice keeps the cheapest of each priority first; saying so in
    the model (keeping one implies keeping every cheaper one of its priority) removes the
    symmetric choices and lets CP-SAT prove optimality quickly for thousands of positions.

    A position that alone costs more than the whole budget is dropped and said so.
    """
    if budget_cents < 0:
        raise ValueError("The budget cannot be negative.")
    if any(c.cost_cents < 0 or c.priority < 0 for c in candidates):
        raise ValueError("Costs and priorities cannot be negative.")
    groups: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.priority, []).append(candidate)
    model = cp_model.CpModel()
    keep: dict[int, cp_model.IntVar] = {}
    for items in groups.values():
        items.sort(key=lambda c: (c.cost_cents, c.key))
        cheaper = None
        for item in items:
            keep[item.key] = model.new_bool_var(f"keep_{item.key}")
            if cheaper is not None:
                model.add_implication(keep[item.key], cheaper)
            cheaper = keep[item.key]
    cost = sum(c.cost_cents * keep[c.key] for c in candidates)
    priority = sum(c.priority * keep[c.key] for c in candidates)
    model.add(cost <= budget_cents)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
    solver.parameters.num_workers = 1  # the same answer on every run
    model.maximize(priority)
    first = solver.solve(model)
    if first not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("The solver found no choice; this should not happen for a knapsack.")
    model.add(priority >= round(solver.objective_value))
    for var in keep.values():
        model.add_hint(var, solver.value(var))
    model.minimize(cost)
    second = solver.solve(model)
    if second not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("The solver lost the choice it had found.")
    kept = [c for c in candidates if solver.value(keep[c.key])]
    dropped = [c for c in candidates if not solver.value(keep[c.key])]
    notes = [
        f"{c.key} alone costs more than the budget." for c in dropped if c.cost_cents > budget_cents
    ]
    optimal = first == cp_model.OPTIMAL and second == cp_model.OPTIMAL
    return KeepChoice(kept, dropped, budget_cents, optimal, notes)
