"""Facts read off the numbers, for the sentences on screen ("the move changes sign at x = −0.1",
"the dots lie on the line 3x + 1", "64 networks match the NTK-GP up to t = 8").  Pure functions of
arrays; the scenes only format them."""

from __future__ import annotations

import math
from typing import NamedTuple

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


# --------------------------------------------------------------------------- curves and Gaussian processes


def largest_gap(a, b) -> tuple[int, float]:
    """Where two curves on the same inputs lie farthest apart: ``(i, |a_i − b_i|)`` with i the
    argmax of ``|a − b|`` (``a``, ``b`` of shape (n,))."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))
    i = int(np.argmax(d))
    return i, float(d[i])


def rms_gaps_over_time(f, g) -> np.ndarray:
    """Root-mean-square distance ``sqrt(mean_x (f_t(x) − g_t(x))²)`` over the inputs, at each time:
    ``f``, ``g`` of shape (T, n) → (T,).  (The gap measure of the wide-training chapter.)"""
    d = np.asarray(f, dtype=np.float64) - np.asarray(g, dtype=np.float64)
    return np.sqrt((d ** 2).mean(axis=-1))


class MeanOffset(NamedTuple):
    index: int          # the input where the ensemble mean is farthest from the GP mean
    gap: float          # |ensemble mean − GP mean| there
    in_gp_std: float    # gap / σ_t(x): in units of the GP's own standard deviation there
    in_std_err: float   # gap / (s(x)/√S): in standard errors of the S-network mean there


def worst_mean_offset(ens_mean, ens_std, gp_mean, gp_std, seeds: int) -> MeanOffset:
    """At one time (arrays (n,)): where the mean of ``seeds`` networks is farthest from the GP mean,
    that distance, and it in two units: the GP's standard deviation σ(x) (how wide the band is) and
    the standard error s(x)/√S of the ensemble mean (s the ensemble's own std; how far sampling
    alone would move the mean)."""
    d = np.abs(np.asarray(ens_mean, dtype=np.float64) - np.asarray(gp_mean, dtype=np.float64))
    i = int(np.argmax(d))
    se = float(np.asarray(ens_std, dtype=np.float64)[i]) / math.sqrt(seeds)
    return MeanOffset(i, float(d[i]), float(d[i] / np.asarray(gp_std, dtype=np.float64)[i]), float(d[i] / se))


def grid_indices(x_grid, points, tol: float = 1e-9) -> np.ndarray:
    """Index in ``x_grid`` (n,) of each of ``points`` (m,) → (m,); ``ValueError`` if one is not on it."""
    x_grid, points = np.asarray(x_grid, dtype=np.float64), np.asarray(points, dtype=np.float64)
    idx = np.abs(x_grid[None, :] - points[:, None]).argmin(axis=1)
    off = np.abs(x_grid[idx] - points) > tol
    if np.any(off):
        raise ValueError(f"points not on the grid: {points[off].tolist()}")
    return idx


def away_from(x_grid, points, distance: float) -> np.ndarray:
    """Boolean mask (n,): the inputs of ``x_grid`` at least ``distance`` from every one of ``points``."""
    x_grid, points = np.asarray(x_grid, dtype=np.float64), np.asarray(points, dtype=np.float64)
    return np.abs(x_grid[:, None] - points[None, :]).min(axis=1) >= distance


def std_ratio_range(std_num, std_den, mask) -> tuple[float, float]:
    """``(min, max)`` of ``std_num / std_den`` over the inputs where ``mask`` is true."""
    r = np.asarray(std_num, dtype=np.float64)[mask] / np.asarray(std_den, dtype=np.float64)[mask]
    return float(r.min()), float(r.max())


class Agreement(NamedTuple):
    mean_off: np.ndarray   # (T,) max_x |ensemble mean − GP mean| / GP std
    std_off: np.ndarray    # (T,) max_x |ensemble std − GP std| / GP std
    mean_gap: np.ndarray   # (T,) max_x |ensemble mean − GP mean|
    std_gap: np.ndarray    # (T,) max_x |ensemble std − GP std|
    agree: np.ndarray      # (T,) bool: mean_off ≤ tol and std_off ≤ tol
    tol: float


def ensemble_agreement(ens_mean, ens_std, gp_mean, gp_std, tol: float = 1.0) -> Agreement:
    """How far an ensemble of trained networks is from the NTK-GP, at each time, in units of the
    GP's own standard deviation σ_t(x) (all arrays (T, n); σ > 0 at finite times).

    The ensemble agrees at time t when, at every x, its mean is within ``tol``·σ of the GP mean and
    its standard deviation within ``tol``·σ of σ.  (With S networks, sampling alone moves the mean
    by about σ/√S and the std by about σ/√(2(S − 1)): far below σ for S = 64.)
    """
    gp_std = np.asarray(gp_std, dtype=np.float64)
    dm = np.abs(np.asarray(ens_mean, dtype=np.float64) - np.asarray(gp_mean, dtype=np.float64))  # (T, n)
    ds = np.abs(np.asarray(ens_std, dtype=np.float64) - gp_std)                                 # (T, n)
    mean_off, std_off = (dm / gp_std).max(axis=-1), (ds / gp_std).max(axis=-1)
    return Agreement(mean_off, std_off, dm.max(axis=-1), ds.max(axis=-1),
                     (mean_off <= tol) & (std_off <= tol), float(tol))


def agreeing_prefix(agree) -> int:
    """How many of the first times agree in a row (``agree`` (T,) bool)."""
    agree = np.asarray(agree, dtype=bool)
    return int(agree.size if agree.all() else np.argmin(agree))
