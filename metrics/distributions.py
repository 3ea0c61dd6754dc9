"""The few probability functions the KPIs need, from ``scipy.special``.

Why not ``scipy.stats``: importing it takes 1–3 s on a 2-core machine (it loads
every distribution), and the dashboard pays that on its first page after every
start. ``scipy.special`` has the same numerical routines (``scipy.stats`` calls
them underneath) and imports in a fraction of the time. Tests check each
function against ``scipy.stats``.

Example::

    normal_quantile(0.975)      # 1.959963984540054
    t_quantile(0.975, 10)       # 2.2281388519649385
"""

from __future__ import annotations

import numpy as np
from scipy import special


def normal_quantile(p):
    """Standard normal quantile (``norm.ppf``)."""
    return special.ndtri(p)


def normal_upper_tail(x):
    """P(Z > x) for a standard normal Z (``norm.sf``)."""
    return special.ndtr(-np.asarray(x, dtype=float))


def t_quantile(p, df):
    """Student t quantile with ``df`` degrees of freedom (``t.ppf``); NaN df gives NaN."""
    return special.stdtrit(df, p)


def t_upper_tail(x, df):
    """P(T > x) for Student's t with ``df`` degrees of freedom (``t.sf``)."""
    return special.stdtr(df, -np.asarray(x, dtype=float))


def binomial_quantile(q, n, p):
    """Smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, p) (``binom.ppf``, 0 < q < 1).

    ``bdtrik`` inverts the continuous extension of the distribution function;
    rounding up and checking the integer below gives the discrete quantile, as
    scipy.stats does.
    """
    whole_n = np.rint(np.asarray(n, dtype=float)).astype(np.int64)  # counts, possibly as floats
    k = np.ceil(special.bdtrik(q, whole_n, p))
    below = np.maximum(k - 1, 0)
    at_below = special.bdtr(below.astype(np.int64), whole_n, p)
    return np.where(at_below >= q, below, k)
