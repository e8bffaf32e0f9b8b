"""Facts read off the numbers, for the sentences on screen ("the move changes sign at x = −0.1",
"the dots lie on the line 3x + 1").  Pure functions of arrays; the scenes only format them."""

from __future__ import annotations

import numpy as np

from . import core


def sign_change(xs, d):
    """Where ``d`` (sampled at ``xs``) first changes sign, by linear interpolation between the two
    grid points around it; ``None`` if it never does."""
    for k in range(len(d) - 1):
        if d[k] < 0 <= d[k + 1] or d[k] > 0 >= d[k + 1]:
            return float(xs[k] - d[k] * (xs[k + 1] - xs[k]) / (d[k + 1] - d[k]))
    return None


def straight_line(xs, f, rtol: float = 1e-9):
    """``(slope, intercept)`` when the points ``(xs, f)`` lie on a straight line (to ``rtol`` of
    the largest |f|), else ``None``.  Slope and intercept are rounded to 9 decimals."""
    xs, f = np.asarray(xs, float), np.asarray(f, float)
    slope, intercept = np.polyfit(xs, f, 1)
    if np.abs(slope * xs + intercept - f).max() > rtol * max(1.0, np.abs(f).max()):
        return None
    return round(float(slope), 9), round(float(intercept), 9)


def still_point(xs, d, tol: float = 1e-9):
    """The x that a step leaves in place: the first grid point that does not move, else where the
    move changes sign (``None`` if neither)."""
    still = np.flatnonzero(np.abs(np.asarray(d)) <= tol)
    return float(xs[still[0]]) if still.size else sign_change(xs, d)


def kernel_at_origin(ex) -> float:
    """``k(0, 0)`` of an example's model at θ0: the constant term of a straight-line model's NTK
    (1 for θ1·x + θ2, scale² for θ1·x + scale·θ2)."""
    return float(core.ntk(ex.f, ex.theta, [0.0], [0.0])[0, 0])


def negative_runs(ks) -> list:
    """``[(i_start, i_end), ...]``: index ranges (inclusive) where ``ks < 0``."""
    runs, start = [], None
    for i, k in enumerate(ks):
        if k < 0 and start is None:
            start = i
        if k >= 0 and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(ks) - 1))
    return runs


def kernel_peak(f, theta, x2, x_range, eta=None, step: float = 1e-3):
    """Where the normalized kernel peaks as a function of a continuous x (not only at the grid's
    whole numbers): ``(x*, value)`` of the largest

        ``k(x, x′) / k(x′, x′)``                (``eta=None``: the exact NTK), or
        ``k̃_η(x, x′) / k̃_η(x′, x′)``            (the finite-step kernel of a push η along ∇θ f(x′))

    on ``x_range = (lo, hi)`` sampled every ``step`` (the smooth curves a chapter draws; Example 4:
    the step's kernel peaks at x ≈ 7.3, the exact NTK at x ≈ 7.7, while the whole-number dots
    peak at 7 and 8)."""
    lo, hi = x_range
    xs = np.linspace(lo, hi, int(round((hi - lo) / step)) + 1)            # (m,)
    pts = np.append(xs, x2)                                                # (m + 1,)
    if eta is None:
        k = np.asarray(core.ntk(f, theta, pts, [x2]))[:, 0]                # (m + 1,)
    else:
        k = np.asarray(core.finite_step_kernel(f, theta, pts, x2, eta))   # (m + 1,)
    k = k[:-1] / k[-1]
    i = int(np.argmax(k))
    return float(xs[i]), float(k[i])
