"""Relative importance of drivers: general dominance (Shapley values of R²), bootstrapped.

Why dominance: a leader asks "which of these matters most for NPS?". Regression
coefficients can't answer it when drivers are correlated (late deliveries and long
delivery hours move together) or measured in different units. General dominance
(Budescu 1993; Azen & Budescu 2003) splits the fit's R² among the drivers: each
driver gets its R² increment averaged over every subset of the other drivers
(first within each subset size, then over the sizes). That equals the Shapley
value of R², so the importances add up to the full model's R², and two
interchangeable drivers share credit equally.

How it stays fast: R² of a least-squares fit with an intercept depends only on
the correlations, R²(S) = r_Sy' R_SS⁻¹ r_Sy. So each sample's (weighted) Gram
matrix of the centred drivers and score is computed once, in one pass over the
rows, and the ≤ 2^k subset fits are k×k solves (``numpy.linalg.lstsq``, which
also copes with a driver that is constant or a copy of another). The bootstrap
resamples customers by multinomial weights, which changes only the Gram matrix.

Example (y = 2·x1 exactly, x2 unrelated: x1 gets all of R² = 1):
    >>> import numpy as np
    >>> x = np.array([[1.0, 1.0], [2.0, -1.0], [3.0, -1.0], [4.0, 1.0]])
    >>> found = dominance(x, 2 * x[:, 0], ("x1", "x2"), replicates=0)
    >>> [round(float(v), 6) + 0.0 for v in found.general], round(found.r_squared, 6)
    ([1.0, 0.0], 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import factorial

import numpy as np
import polars as pl

MAX_DRIVERS = 12
"""2^12 subset fits per sample is still quick; beyond that the subsets explode."""
REPLICATES = 200
"""Bootstrap samples for the 95 % intervals (percentile method)."""
CONFIDENCE = 0.95
RIDGE = 1e-9
"""Added to the correlation matrix's diagonal: R² moves by ~1e-9 at most."""


@dataclass(frozen=True)
class Dominance:
    """General dominance of each driver, its bootstrap interval, and the fit's R².

    ``general`` sums to ``r_squared``; ``low``/``high`` are percentile bounds
    (equal to ``general`` when no bootstrap was run). ``n`` counts the rows fitted.
    """

    drivers: tuple[str, ...]
    general: np.ndarray
    low: np.ndarray
    high: np.ndarray
    r_squared: float
    r_squared_low: float
    r_squared_high: float
    n: int
    replicates: int

    def frame(self) -> pl.DataFrame:
        """driver, importance, low, high, share (of R²), rank 1 = largest; largest first."""
        total = self.r_squared
        frame = pl.DataFrame(
            {
                "driver": list(self.drivers),
                "importance": self.general.astype(float),
                "low": self.low.astype(float),
                "high": self.high.astype(float),
                "share": (self.general / total) if total > 0 else np.zeros(len(self.drivers)),
            },
            schema={
                "driver": pl.Utf8,
                "importance": pl.Float64,
                "low": pl.Float64,
                "high": pl.Float64,
                "share": pl.Float64,
            },
        )
        return frame.sort("importance", descending=True).with_row_index("rank", offset=1)

    @property
    def top(self) -> str | None:
        """The driver with the largest general dominance (None without drivers)."""
        return self.drivers[int(np.argmax(self.general))] if self.drivers else None


def centred_gram(columns: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The weighted Gram matrix [Σw, Σw·z; Σw·z, Σw·z·z'] of ``columns`` (rows × (k+1)).

    ``columns`` should already be centred (for precision); the first row and
    column carry the weighted sums, so the covariance follows without a second
    pass (``correlations``). Computed as A'A with A = √w·[1, z] (one symmetric
    product, half the work of a general one).
    """
    rows = columns.shape[0]
    augmented = np.empty((rows, columns.shape[1] + 1))
    augmented[:, 0] = 1.0
    augmented[:, 1:] = columns
    if weights is not None:
        augmented *= np.sqrt(weights.astype(float))[:, None]
    return augmented.T @ augmented


BOOTSTRAP_BATCH = 16
"""Bootstrap samples whose Gram matrices are computed in one matrix product."""


def _bootstrap_grams(columns: np.ndarray, replicates: int, rng: np.random.Generator):
    """Yield (first sample's index, its batch of Gram matrices) for ``replicates`` samples.

    Why batched: a sample's Gram matrix is Σ w_i·a_i·a_iᵀ, linear in the resampling
    counts w. So the rows' products a_i·a_iᵀ (the upper triangle: (k+2)(k+3)/2 numbers
    a row) are formed once, and a batch of samples' matrices is one product of the
    batch's counts with them, instead of a pass over the resampled rows per sample
    (``centred_gram`` with weights; the benchmark, bench/drivers.py, times both).
    """
    rows, width = columns.shape[0], columns.shape[1] + 1
    augmented = np.empty((rows, width))
    augmented[:, 0] = 1.0
    augmented[:, 1:] = columns
    upper = np.triu_indices(width)
    products = augmented[:, upper[0]] * augmented[:, upper[1]]
    counts = np.empty((BOOTSTRAP_BATCH, rows))
    for first in range(0, replicates, BOOTSTRAP_BATCH):
        size = min(BOOTSTRAP_BATCH, replicates - first)
        for b in range(size):
            counts[b] = np.bincount(rng.integers(0, rows, rows), minlength=rows)
        flat = counts[:size] @ products
        grams = np.zeros((size, width, width))
        grams[:, upper[0], upper[1]] = flat
        grams[:, upper[1], upper[0]] = flat
        yield first, grams


def correlations(gram: np.ndarray) -> np.ndarray:
    """The correlation matrix of the columns behind ``centred_gram``; a constant column's
    correlations are 0 (so it can explain nothing), including its diagonal."""
    total = gram[0, 0]
    mean = gram[0, 1:] / total
    cov = gram[1:, 1:] / total - np.outer(mean, mean)
    var = np.clip(np.diag(cov), 0.0, None)
    scale = np.sqrt(var)
    tiny = scale <= 1e-12 * max(1.0, float(scale.max(initial=0.0)))
    inv = np.where(tiny, 0.0, 1.0 / np.where(tiny, 1.0, scale))
    return cov * np.outer(inv, inv)


def subset_r_squared(corr: np.ndarray) -> np.ndarray:
    """R² of the least-squares fit of the last column on every subset of the others.

    Index ``mask`` holds the subset whose drivers are the bits of ``mask``
    (driver j is bit j); index 0, the empty model, is 0. The subsets of one size
    are solved as one stacked batch; a ridge of ``RIDGE`` on the diagonal keeps a
    constant or duplicated driver solvable without changing any other R².

    Two uncorrelated drivers with correlations 0.6 and 0.3 with y: R² adds up.
        >>> corr = np.array([[1, 0, .6], [0, 1, .3], [.6, .3, 1]])
        >>> [round(float(v), 2) for v in subset_r_squared(corr)]
        [0.0, 0.36, 0.09, 0.45]
    """
    k = corr.shape[0] - 1
    if k > MAX_DRIVERS:
        raise ValueError(f"at most {MAX_DRIVERS} drivers, got {k}")
    xx = corr[:k, :k] + RIDGE * np.eye(k)
    xy = corr[:k, k]
    r2 = np.zeros(1 << k)
    for masks, chosen in _subsets_by_size(k):
        r_sy = xy[chosen]
        beta = np.linalg.solve(xx[chosen[:, :, None], chosen[:, None, :]], r_sy[:, :, None])
        r2[masks] = (r_sy * beta[:, :, 0]).sum(axis=1)
    return np.clip(r2, 0.0, 1.0)


@lru_cache(maxsize=MAX_DRIVERS + 1)
def _subsets_by_size(k: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per subset size 1..k: the subsets' masks and their drivers' indexes (subsets × size)."""
    by_size: dict[int, list[int]] = {}
    for mask in range(1, 1 << k):
        by_size.setdefault(mask.bit_count(), []).append(mask)
    return tuple(
        (
            np.array(masks, dtype=np.int64),
            np.array([[j for j in range(k) if m >> j & 1] for m in masks], dtype=np.int64),
        )
        for _, masks in sorted(by_size.items())
    )


def _shapley_terms(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each driver j and subset S ∌ j: (mask of S, mask of S ∪ j, Shapley weight)."""
    without, with_, weight = [], [], []
    for j in range(k):
        bit = 1 << j
        masks = np.array([m for m in range(1 << k) if not m & bit], dtype=np.int64)
        sizes = np.array([bin(int(m)).count("1") for m in masks])
        without.append(masks)
        with_.append(masks | bit)
        weight.append(np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in sizes]))
    return np.array(without), np.array(with_), np.array(weight)


def general_dominance(r2: np.ndarray, k: int) -> np.ndarray:
    """Each driver's R² increment averaged within subset sizes, then over sizes (= Shapley).

    Two uncorrelated drivers: each gets its own R² (0.36 and 0.09), whatever the order.
        >>> [round(float(v), 2) for v in general_dominance(np.array([0, .36, .09, .45]), 2)]
        [0.36, 0.09]
    """
    if k == 0:
        return np.zeros(0)
    without, with_, weight = _shapley_terms(k)
    return ((r2[with_] - r2[without]) * weight).sum(axis=1)


def dominance(
    x: np.ndarray,
    y: np.ndarray,
    drivers: Sequence[str],
    *,
    replicates: int = REPLICATES,
    seed: int = 0,
) -> Dominance:
    """General dominance of the columns of ``x`` (rows × k) for ``y``, with bootstrap intervals.

    Rows are the units resampled (customers); rows with a missing value should be
    dropped before. ``replicates=0`` skips the bootstrap (bounds = estimates).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rows, k = x.shape
    if len(drivers) != k:
        raise ValueError(f"{k} driver columns but {len(drivers)} names")
    if rows < 2:
        raise ValueError("at least two rows are needed to fit anything")
    columns = np.column_stack([x, y])
    columns = columns - columns.mean(axis=0)
    without, with_, weight = _shapley_terms(k) if k else (None, None, None)

    def fit(gram: np.ndarray) -> tuple[np.ndarray, float]:
        r2 = subset_r_squared(correlations(gram))
        if not k:
            return np.zeros(0), 0.0
        return ((r2[with_] - r2[without]) * weight).sum(axis=1), float(r2[-1])

    general, r_squared = fit(centred_gram(columns))
    if replicates <= 0:
        return Dominance(
            tuple(drivers), general, general, general, r_squared, r_squared, r_squared, rows, 0
        )
    rng = np.random.default_rng(seed)
    samples = np.empty((replicates, k))
    totals = np.empty(replicates)
    for first, grams in _bootstrap_grams(columns, replicates, rng):
        for offset, gram in enumerate(grams):
            samples[first + offset], totals[first + offset] = fit(gram)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
    r2_low, r2_high = np.percentile(totals, [tail, 100 - tail])
    return Dominance(
        tuple(drivers),
        general,
        low,
        high,
        r_squared,
        float(r2_low),
        float(r2_high),
        rows,
        replicates,
    )
