"""What a reader of every report together could work out, and what to hide so they cannot.

Every count a report shows is a sum of *finest* cells (one value of every attribute: building
leaders of one school in one cohort). A reader who has read every slicing holds one equation per
visible cell. A hidden count can be worked out from them exactly when its indicator (which
finest cells it sums) is a combination of the visible cells' indicators; and it cannot when
some vector ``z`` over the finest cells sums to zero on every visible cell yet not on the hidden
one: people could be moved along ``z`` without changing anything shown, so the hidden count is
not determined. Such a ``z`` is the certificate this module looks for.

Finest cells the reports show to be empty (one of their one- or two-value cells has nobody) are
left out: the reader knows they hold nobody.

The answer is exact, and stays quick in a district of hundreds of schools because most finest
cells are known outright: a visible cell holding one unknown finest cell gives it, and what it
gives is taken out of every other equation, and so on ("peeling"; most schools' other staff
come out this way). The certificates are the null space (SVD) of what is left, which is far
smaller than the whole table.

Three kinds of count must not be recoverable: a hidden cell; a finest cell under the minimum;
and, among the hidden parts of one partition, a union under the minimum or of parts holding
one person each.

Plain data and numpy; the module imports nothing of Trellis.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

Key = frozenset[tuple[str, str]]

ENUMERATE_UP_TO = 12  # a partition's hidden unions are enumerated up to 2**12 ways
TOLERANCE = 1e-7


@dataclass
class _System:
    """What the visible cells say about the finest cells, once the known ones are peeled."""

    fine: list[Key]
    support: dict[Key, list[int]]  # each one- or two-value cell (and the total): its finest
    known: dict[int, Key]  # finest index -> the visible cell that gave it
    column: dict[int, int]  # unknown finest index -> its column
    rows: list[Key]  # visible cells still holding unknown finest cells
    null: np.ndarray  # certificates over the unknown columns (orthonormal rows)
    # The thin SVD of the rows × columns matrix, for least-squares coefficients.
    thin: tuple[np.ndarray, np.ndarray, np.ndarray]

    def vector(self, cells: Sequence[int]) -> np.ndarray:
        out = np.zeros(len(self.column))
        for c in cells:
            if c in self.column:
                out[self.column[c]] += 1.0
        return out

    def residue(self, cells: Sequence[int]) -> np.ndarray:
        """The certificates' sums over ``cells`` (all zero: the reader can work it out)."""
        return self.null @ self.vector(cells) if self.null.size else np.zeros(0)

    def safe(self, cells: Sequence[int]) -> bool:
        residue = self.residue(cells)
        return bool(residue.size) and float(np.abs(residue).max()) > TOLERANCE

    def culprit(
        self, cells: Sequence[int], counts: Mapping[Key, int], taken: set[Key]
    ) -> Key | None:
        """A visible cell the count is worked out with (the smallest; the total, and cells as
        large as it, stay shown): one that gave a known finest cell in it, or one used in the
        least-norm combination of what is left."""
        candidates = {self.known[c] for c in cells if c in self.known}
        u, s, vt = self.thin
        if s.size:
            coefficients = u @ ((vt @ self.vector(cells)) / s)
            candidates |= {
                row for row, x in zip(self.rows, coefficients, strict=True) if abs(x) > TOLERANCE
            }
        total = max(counts.values(), default=0)
        usable = [c for c in candidates if c and c not in taken and counts[c] < total]
        if not usable:  # none of those may go: any visible cell sharing a finest cell with it
            inside = set(cells)
            usable = [
                key
                for key, held in self.support.items()
                if key and key not in taken and counts[key] < total and inside & set(held)
            ]
        return min(usable, key=lambda c: (counts[c], sorted(c)), default=None)


def _system(counts: Mapping[Key, int], hidden: set[Key], dimensions: Sequence[str]) -> _System:
    present = {key for key, n in counts.items() if n > 0}
    values = {d: sorted({v for key in present if len(key) == 1 for a, v in key if a == d})
              for d in dimensions}  # fmt: skip
    fine: list[Key] = []
    for combo in product(*([(d, v) for v in values[d]] for d in dimensions)):
        if all(frozenset(sub) in present for r in (1, 2) for sub in combinations(combo, r)):
            fine.append(frozenset(combo))
    holders: dict[Key, list[int]] = {}
    for i, f in enumerate(fine):
        for r in range(min(2, len(dimensions)) + 1):
            for sub in combinations(sorted(f), r):
                holders.setdefault(frozenset(sub), []).append(i)
    support = {key: holders.get(key, []) for key in present}
    visible = sorted(
        (key for key in present if key not in hidden), key=lambda k: (len(k), sorted(k))
    )
    # Peel: a visible cell with one unknown finest cell left gives it.
    unknown = {key: set(support[key]) for key in visible}
    rows_of: dict[int, list[Key]] = {}
    for key in visible:
        for c in support[key]:
            rows_of.setdefault(c, []).append(key)
    known: dict[int, Key] = {}
    queue = [key for key in visible if len(unknown[key]) == 1]
    while queue:
        key = queue.pop()
        if len(unknown[key]) != 1:
            continue
        (c,) = unknown[key]
        known[c] = key
        for other in rows_of.get(c, ()):
            unknown[other].discard(c)
            if len(unknown[other]) == 1:
                queue.append(other)
    columns = [c for c in range(len(fine)) if c not in known]
    column = {c: j for j, c in enumerate(columns)}
    rows = [key for key in visible if unknown[key]]
    matrix = np.zeros((len(rows), len(columns)))
    for r, key in enumerate(rows):
        for c in unknown[key]:
            matrix[r, column[c]] = 1.0
    if rows and columns:
        u, s, vt = np.linalg.svd(matrix, full_matrices=matrix.shape[0] < matrix.shape[1])
        rank = int((s > TOLERANCE).sum())
        null, thin = vt[rank:], (u[:, :rank], s[:rank], vt[:rank])
    else:
        null = np.eye(len(columns))
        thin = (np.zeros((len(rows), 0)), np.zeros(0), np.zeros((0, len(columns))))
    return _System(fine, support, known, column, rows, null, thin)


def _zero_one_kernel(residues: Sequence[np.ndarray]) -> Iterator[list[int]] | None:
    """Every set of parts whose residues sum to zero (a union the reader can work out), or
    None when there are too many ways to list."""
    matrix = np.column_stack(residues)
    # The kernel of the residues is the kernel of their Gram matrix (parts × parts): small.
    eigenvalues, vectors = np.linalg.eigh(matrix.T @ matrix)
    kernel = vectors[:, eigenvalues <= TOLERANCE].T
    if not kernel.size:
        return iter(())
    if len(kernel) > ENUMERATE_UP_TO:
        return None
    # Reduced row echelon form: a 0/1 vector of the kernel is fixed by its pivot entries.
    reduced = kernel.copy()
    pivots: list[int] = []
    row = 0
    for col in range(reduced.shape[1]):
        if row == len(reduced):
            break
        best = row + int(np.argmax(np.abs(reduced[row:, col])))
        if abs(reduced[best, col]) <= TOLERANCE:
            continue
        reduced[[row, best]] = reduced[[best, row]]
        reduced[row] /= reduced[row, col]
        for other in range(len(reduced)):
            if other != row:
                reduced[other] -= reduced[other, col] * reduced[row]
        pivots.append(col)
        row += 1

    def unions() -> Iterator[list[int]]:
        for picks in product((0.0, 1.0), repeat=len(pivots)):
            if not any(picks):
                continue
            vector = np.array(picks) @ reduced[: len(pivots)]
            rounded = np.round(vector)
            if np.abs(vector - rounded).max() <= TOLERANCE and set(rounded.tolist()) <= {0, 1}:
                yield [i for i, x in enumerate(rounded.tolist()) if x == 1]

    return unions()


def _pairs(residues: Sequence[np.ndarray]) -> Iterator[list[int]]:
    """Every two parts whose residues cancel: the reader has their sum."""
    matrix = np.column_stack(residues)
    for i in range(matrix.shape[1] - 1):
        sums = np.abs(matrix[:, i : i + 1] + matrix[:, i + 1 :]).max(axis=0, initial=0.0)
        for j in np.flatnonzero(sums <= TOLERANCE).tolist():
            yield [i, i + 1 + j]


def exposed(
    counts: Mapping[Key, int],
    finest: Mapping[Key, int],
    partitions: Sequence[tuple[Key, list[Key]]],
    hidden: set[Key],
    minimum: int,
    dimensions: Sequence[str],
) -> set[Key]:
    """Visible cells to hide so that fewer counts can be worked out (empty: none can)."""
    table = _system(counts, hidden, dimensions)
    if not table.fine:
        return set()
    index = {f: i for i, f in enumerate(table.fine)}
    more: set[Key] = set()

    def stop(cells: Sequence[int]) -> None:
        culprit = table.culprit(cells, counts, more | hidden)
        if culprit is not None:
            more.add(culprit)

    recoverable: set[Key] = set()
    for key in sorted((k for k in hidden if counts.get(k, 0) > 0), key=sorted):
        if not table.safe(table.support[key]):
            recoverable.add(key)
            stop(table.support[key])
    for f, n in sorted(finest.items(), key=lambda kv: sorted(kv[0])):
        if 0 < n < minimum and f in index and not table.safe([index[f]]):
            stop([index[f]])
    for _, kids in partitions:
        shut = [k for k in kids if counts.get(k, 0) > 0 and k in hidden and k not in recoverable]
        if len(shut) < 2:
            continue
        residues = [table.residue(table.support[k]) for k in shut]
        found = _zero_one_kernel(residues)
        if found is None:  # too many ways to list: every pair, and all of them together
            found = iter([*_pairs(residues), list(range(len(shut)))])
        for union in found:
            held = sum(counts[shut[i]] for i in union)
            if held < minimum or held == len(union):
                stop([c for i in union for c in table.support[shut[i]]])
                break
    return more
