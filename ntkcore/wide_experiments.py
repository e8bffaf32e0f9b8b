"""The numbers of the wide-network chapters: two experiments on the ReLU MLP of :mod:`ntkcore.wide`.

Inputs: the post's grid mapped linearly to ``u = 2(x − x_min)/(x_max − x_min) − 1 ∈ [−1, 1]``, then
to the point ``(cos φ, sin φ)``, ``φ = (π/2)·u``, on the right half of the unit circle
(:func:`ntkcore.wide.embed`; ``WideSettings.inputs``).  All inputs have norm 1, so the
infinite-width kernels depend on the angle between two inputs alone: ``Θ(·, x')`` peaks at x' and
falls off smoothly on both sides (:func:`column_shape`).  x' is the observation's x (10).
Notation: ``k`` is one network's (empirical) NTK, ``Θ`` the infinite-width NTK.

* :func:`init_band`: empirical NTK columns ``k(x, x')`` at initialization for several widths and
  seeds, the analytic infinite-width columns ``Θ(x, x')`` and ``K(x, x')`` and their shape (peak,
  ends), and the seed-to-seed spread against width.
* :func:`training_change`: full-batch gradient descent on a few points of the post's data; the
  kernel column before, during and after training, its relative change (the column's, and the
  whole kernel matrix's) against width, and the trained network next to the kernel-regression
  prediction of its own initial NTK.

(:func:`first_layer_shared_fraction` and :func:`opposite_side_facts` explained the bend of the
kernel at ``u = 0`` that the earlier scalar input ``u`` produced; with the half-circle input
nothing happens at ``u = 0``: they are still computed, on the new input, for chapter 7 until it is
rewritten, but no longer explain anything.)

(The kernel-GD and Gaussian-process chapters' numbers are :mod:`ntkcore.gp_experiment`'s; the
settings, :class:`~ntkcore.settings.WideSettings`, live with the other settings.)

These are pure computations: nothing is written or cached here.  The pipeline caches their results
on disk (``pipeline/datacache.py``), keyed by the settings and by the source of all of ``ntkcore``;
:data:`ntkcore.experiments.EXPERIMENTS` names them for the pipeline and for the scenes.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from . import training, wide
from .examples import EXAMPLES, Example
from .gp import kernel_regression
from .settings import WideSettings


def fit_loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


def relative_change(before, after, axis=-1) -> np.ndarray:
    """``‖after − before‖ / ‖before‖``, Euclidean norms along ``axis`` (a tuple of two axes gives
    the Frobenius norm of a matrix).  E.g. a kernel column ``k_t(·, x')`` on the grid against
    ``k_0(·, x')``: ``(..., n)`` → ``(...)``."""
    before, after = np.asarray(before, float), np.asarray(after, float)
    return np.sqrt(((after - before) ** 2).sum(axis=axis)) / np.sqrt((before ** 2).sum(axis=axis))


def seed_spread(curves, analytic) -> np.ndarray:
    """The seed-to-seed spread of kernel columns, per width: the standard deviation over seeds
    (``ddof=1``) of ``k(x, x')`` at each grid point, averaged over the grid, divided by the mean
    of ``|Θ(x, x')|`` over the grid.  ``curves`` (W, S, n), ``analytic`` (n,) → (W,)."""
    curves = np.asarray(curves, dtype=np.float64)
    return curves.std(axis=1, ddof=1).mean(axis=-1) / np.abs(np.asarray(analytic, dtype=np.float64)).mean()


def largest_deviation(curves, analytic) -> tuple[float, float]:
    """How far the kernel columns of one width get from ``Θ``: ``(max |k(x, x') − Θ(x, x')|`` over
    seeds and grid points, that maximum divided by ``max_x |Θ(x, x')|)``.  ``curves`` (S, n),
    ``analytic`` (n,)."""
    dev = float(np.max(np.abs(np.asarray(curves, float) - np.asarray(analytic, float))))
    return dev, dev / float(np.max(np.abs(np.asarray(analytic, float))))


def sharpest_bend(x, values) -> np.ndarray:
    """The grid point where each curve bends hardest: the interior ``x_i`` with the largest
    ``|v_{i+1} − 2 v_i + v_{i−1}|`` (second difference; ``x`` evenly spaced).  ``values``
    (..., n) → (...).  (With the half-circle input the analytic Θ(·, x') bends hardest at its peak
    x', where the ReLU NTK has a corner.)"""
    second = np.abs(np.diff(np.asarray(values, dtype=np.float64), n=2, axis=-1))   # (..., n − 2)
    return np.asarray(x, dtype=np.float64)[1:-1][second.argmax(axis=-1)]


class ColumnShape(NamedTuple):
    """The shape of a kernel column ``k(x, x')`` on a grid (:func:`column_shape`)."""

    peak_x: float       # the grid x of its largest value
    peak: float         # that value
    left: float         # k(x_min, x') / peak
    right: float        # k(x_max, x') / peak
    unimodal: bool      # strictly increasing up to the peak, strictly decreasing after it


def column_shape(x, col) -> ColumnShape:
    """Where a kernel column peaks, how far it has fallen at the grid's two ends (as fractions of
    the peak), and whether it is unimodal (strictly up, then strictly down).  ``x``, ``col`` (n,)."""
    x, col = np.asarray(x, dtype=np.float64), np.asarray(col, dtype=np.float64)
    i = int(np.argmax(col))
    d = np.diff(col)
    unimodal = bool(np.all(d[:i] > 0) and np.all(d[i:] < 0))
    return ColumnShape(float(x[i]), float(col[i]), float(col[0] / col[i]), float(col[-1] / col[i]), unimodal)


def unscaled_input(u, x_range) -> np.ndarray:
    """The inverse of :meth:`WideSettings.scaled`: the x of the grid whose ``u`` is ``u``."""
    lo, hi = x_range
    return lo + (np.asarray(u, dtype=np.float64) + 1.0) * (hi - lo) / 2.0


def first_layer_shared_fraction(v, v_ref, w_std: float = 2 ** 0.5, b_std: float = 0.1) -> np.ndarray:
    """Of the first-layer ReLUs that fire at the network input ``v_ref``, the fraction that also
    fire at ``v`` (infinite width).  ``v`` (n, d) network inputs (``(n,)``: one feature), ``v_ref``
    (d,) → (n,).

    A first-layer unit computes ``z(v) = (w_std/√d)·W·v + b_std·b`` with ``W, b ~ N(0, 1)``: ``z(v)``
    and ``z(v_ref)`` are jointly Gaussian with mean 0, variances ``q = w_std²|v|²/d + b_std²``,
    ``q' = w_std²|v_ref|²/d + b_std²`` and covariance ``c = w_std²·v·v_ref/d + b_std²``.  With
    ``cos θ = c/√(q q')``, ``P(z(v) > 0, z(v_ref) > 0) = (π − θ)/(2π)`` (Sheppard's formula) and
    ``P(z(v_ref) > 0) = 1/2``, so the fraction is ``1 − θ/π``.  (No unit fires where ``q = 0``:
    fraction 0 there.)  For the scalar input u with ``b_std = 0`` it was 1 on x''s side of ``u = 0``
    and 0 on the other; on the half circle it falls smoothly with the angle, ``≈ 1 − |φ − φ'|/π``.
    """
    v = np.asarray(v, dtype=np.float64)
    v = v[:, None] if v.ndim == 1 else v
    v_ref = np.atleast_1d(np.asarray(v_ref, dtype=np.float64))
    d = v.shape[1]
    q = w_std ** 2 * np.sum(v * v, axis=1) / d + b_std ** 2
    q_ref = w_std ** 2 * float(v_ref @ v_ref) / d + b_std ** 2
    c = w_std ** 2 * (v @ v_ref) / d + b_std ** 2
    # An input with q = 0 (v = 0 and no biases) makes z = 0: no unit fires there (fraction 0).
    cos = np.divide(c, np.sqrt(q * q_ref), out=np.full_like(q, -1.0), where=q > 0)
    return 1.0 - np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def opposite_side_facts(s: "WideSettings", analytic_col) -> dict:
    """The kernel on either side of ``u = 0``, in numbers (chapter 7's explanation of the bend the
    earlier scalar input made there; with the half-circle input ``u = 0`` is no special point, and
    these numbers explain nothing: kept for that chapter until it is rewritten).

    ``analytic_col`` (n,) is ``Θ(x, x')`` on ``s.grid``.  The grid points whose u has the sign
    of ``u' = u(x')`` are "x'-side", those of opposite sign "far side" (``u = 0`` itself is in
    neither).  Returns ``x_center`` (the x of ``u = 0``), ``obs_side`` (sign of u': +1 when x' is
    right of x_center), ``shared`` (n,) :func:`first_layer_shared_fraction` on the network inputs
    (of the first-layer ReLUs firing at x', the fraction that also fire at x),
    ``shared_far``/``shared_near``: its mean over each side, and ``theta_far_max``/``theta_near_max``:
    the largest ``Θ(x, x')`` on each side.  The grid's ends have u = ±1, so both sides have grid
    points unless x' is the middle (``obs_side`` 0): then there are no sides and these four are 0
    (never NaN: the pipeline takes a NaN for a diverged computation).
    """
    u = s.scaled(s.grid)                       # (n,)
    u_ref = float(s.scaled([s.x_obs])[0])
    col = np.asarray(analytic_col, dtype=np.float64)
    share = first_layer_shared_fraction(s.inputs(s.grid), s.inputs([s.x_obs])[0], s.w_std, s.b_std)   # (n,)
    near, far = u * u_ref > 0, u * u_ref < 0

    def side(values, mask, reduce):
        return float(reduce(values[mask])) if mask.any() else 0.0

    return {"x_center": float(unscaled_input(0.0, s.x_range)), "obs_side": float(np.sign(u_ref)),
            "shared": share,
            "shared_far": side(share, far, np.mean), "shared_near": side(share, near, np.mean),
            "theta_far_max": side(col, far, np.max), "theta_near_max": side(col, near, np.max)}


# --------------------------------------------------------------------------- chapter "wide_init"


def init_band(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """Empirical NTK columns at init vs the analytic one (``rbf`` is not used: no data here).

    Keys: ``x`` (n,), ``x_scaled`` (n,) their u, ``x_input`` (n, 2) the network inputs
    (:func:`ntkcore.wide.embed`), ``widths`` (W,), ``curves`` (W, S, n) empirical ``k(x, x')``,
    ``analytic_ntk`` (n,) ``Θ(x, x')``, ``analytic_nngp`` (n,) ``K(x, x')``, their
    :func:`column_shape`: ``ntk_peak_x``/``nngp_peak_x`` () where each peaks and
    ``ntk_ends``/``nngp_ends`` (2,) each at x_min and x_max as a fraction of its peak,
    ``spread`` (W,) :func:`seed_spread`, ``spread_slope`` (), and the :func:`opposite_side_facts`
    (``x_center``, ``obs_side``, ``shared`` (n,), ``shared_far``, ``shared_near``,
    ``theta_far_max``, ``theta_near_max``).
    """
    arch = s.arch
    xs = jnp.asarray(s.inputs(s.grid))         # (n, 2)
    x2 = jnp.asarray(s.inputs([s.x_obs]))      # (1, 2)
    ntk_fn = jax.jit(lambda p: wide.mlp_ntk_structured(p, xs, x2, arch)[:, 0])
    curves = np.zeros((len(s.widths), s.seeds, len(xs)))  # (W, S, n) empirical k(x, x')
    for i, width in enumerate(s.widths):
        for seed in range(s.seeds):
            p = wide.init_params(jax.random.PRNGKey(seed), width, arch, d_in=xs.shape[1])
            curves[i, seed] = np.asarray(ntk_fn(p))
            if progress:
                progress(i * s.seeds + seed + 1, len(s.widths) * s.seeds)
    nngp, ntk = wide.relu_kernels(xs, x2, *arch)             # (n, 1) each
    analytic, analytic_k = np.asarray(ntk)[:, 0], np.asarray(nngp)[:, 0]
    theta_shape, k_shape = column_shape(s.grid, analytic), column_shape(s.grid, analytic_k)
    spread = seed_spread(curves, analytic)     # (W,)
    return {"x": s.grid, "x_scaled": s.scaled(s.grid), "x_input": np.asarray(xs),
            "widths": np.asarray(s.widths), "curves": curves,
            "analytic_ntk": analytic, "analytic_nngp": analytic_k,
            "ntk_peak_x": theta_shape.peak_x, "ntk_ends": np.array([theta_shape.left, theta_shape.right]),
            "nngp_peak_x": k_shape.peak_x, "nngp_ends": np.array([k_shape.left, k_shape.right]),
            "spread": spread, "spread_slope": fit_loglog_slope(s.widths, spread),
            **opposite_side_facts(s, analytic)}



# --------------------------------------------------------------------------- chapter "wide_training"


#: The seed whose networks the chapter draws (its kernel column is also recorded during training).
DRAWN_SEED = 0
#: How many kernel columns are recorded during training (evenly spaced steps, the first and last
#: included).
SNAPSHOTS = 9


def training_init(width: int, seed: int, arch: wide.MLP):
    """The starting parameters of the trained network of this width and seed (for the chapters'
    input, :func:`ntkcore.wide.embed`)."""
    return wide.init_params(jax.random.PRNGKey(1000 + seed), width, arch, d_in=wide.EMBED_DIM)


def snapshot_steps(steps: int, n: int = SNAPSHOTS) -> np.ndarray:
    """``n`` evenly spaced training steps from 0 to ``steps`` (rounded to whole steps; fewer when
    ``steps < n − 1``).  ``(≤ n,)`` ints, starting at 0 and ending at ``steps``."""
    return np.unique(np.rint(np.linspace(0, steps, n)).astype(int))


def training_change(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """Kernel before, during and after full-batch GD, against width.

    Notation: ``k_t`` is the network's empirical NTK after t steps (``k_0`` at initialization,
    ``k_T`` after the last step ``T = s.steps``).  Keys:

    * ``widths`` (W,), ``x`` (n,) the grid;
    * ``train_x`` (m,), ``train_y`` (m,) scaled targets ``(y − y_shift)/y_scale``, ``train_y_raw``
      (m,) unscaled, ``is_observation`` (m,) bool: which training point is the post's observation
      (the others are Example 4's starting f at ``train_x``), ``observation`` (2,) its (x, y);
    * ``rel_change`` (W, S) = ‖k_T − k_0‖_F/‖k_0‖_F of the whole kernel matrix on grid + training
      points, ``rel_change_slope`` () its log–log slope against width (seed means);
    * ``k_before``/``k_after`` (W, S, n) the column ``k(x, x')``, ``col_change`` (W, S) =
      ‖k_T(·, x') − k_0(·, x')‖/‖k_0(·, x')‖ over the grid;
    * ``drawn_seed`` (), ``snap_steps`` (K,), ``k_steps`` (W, K, n): the column of the drawn seed's
      network after each of ``snap_steps`` (the first is ``k_before``, the last ``k_after``);
    * ``f_trained``/``f_kernel`` (W, S, n) (y in scaled units), ``gap`` (W, S) RMS distance
      between them, ``final_loss`` (W, S).
    """
    arch = s.arch
    xs = jnp.asarray(s.inputs(s.grid))         # (n, 2) network inputs
    x2 = jnp.asarray(s.inputs([s.x_obs]))      # (1, 2)
    xt_raw, yt_raw = s.train_data(rbf)
    observation = np.asarray((EXAMPLES["rbf"] if rbf is None else rbf).observation, dtype=np.float64)
    xt = jnp.asarray(s.inputs(xt_raw))         # (m, 2)
    yt = jnp.asarray((yt_raw - s.y_shift) / s.y_scale)
    W, S, n = len(s.train_widths), s.train_seeds, len(xs)
    snaps = snapshot_steps(s.steps)
    rel_change = np.zeros((W, S))
    k_before = np.zeros((W, S, n))  # k_0(x, x')
    k_after = np.zeros((W, S, n))   # k_T(x, x')
    k_steps = np.zeros((W, len(snaps), n))  # k_t(x, x') of the drawn seed, t in snaps
    f_trained = np.zeros((W, S, n))
    f_kernel = np.zeros((W, S, n))  # f0 + k_0(x, X) k_0(X, X)⁻¹ (Y - f0(X))
    final_loss = np.zeros((W, S))
    ntk_fn = jax.jit(lambda p, a, b: wide.mlp_ntk_structured(p, a, b, arch))  # (len a, len b)
    grid_and_train = jnp.concatenate([xs, xt])
    for i, width in enumerate(s.train_widths):
        for seed in range(S):
            p0 = training_init(width, seed, arch)
            # One uninterrupted run, stopping at each snapshot (one compiled program per width).
            path = training.train_snapshots(p0, xt, yt, s.lr, snaps, arch)
            pT = training.snapshot(path, -1)
            if seed == DRAWN_SEED:
                for j in range(len(snaps)):
                    k_steps[i, j] = np.asarray(ntk_fn(training.snapshot(path, j), xs, x2)[:, 0])
            K0 = ntk_fn(p0, grid_and_train, grid_and_train)
            KT = ntk_fn(pT, grid_and_train, grid_and_train)
            rel_change[i, seed] = float(relative_change(K0, KT, axis=(0, 1)))
            k_before[i, seed] = np.asarray(ntk_fn(p0, xs, x2)[:, 0])
            k_after[i, seed] = np.asarray(ntk_fn(pT, xs, x2)[:, 0])
            f0_grid = wide.apply_batch(p0, xs, arch)
            f0_train = wide.apply_batch(p0, xt, arch)
            f_trained[i, seed] = np.asarray(wide.apply_batch(pT, xs, arch))
            f_kernel[i, seed] = np.asarray(kernel_regression(K0[:n, n:], K0[n:, n:], yt, f0_grid, f0_train))
            final_loss[i, seed] = float(training.mse(pT, xt, yt, arch))
            if progress:
                progress(i * S + seed + 1, W * S)
    gap = np.sqrt(((f_trained - f_kernel) ** 2).mean(axis=2))  # (W, S) RMS over the grid
    return {"x": s.grid, "widths": np.asarray(s.train_widths), "train_x": xt_raw,
            "train_y": np.asarray(yt), "train_y_raw": yt_raw, "is_observation": xt_raw == observation[0],
            "observation": observation, "rel_change": rel_change,
            "rel_change_slope": fit_loglog_slope(s.train_widths, rel_change.mean(axis=1)),
            "k_before": k_before, "k_after": k_after, "col_change": relative_change(k_before, k_after),
            "drawn_seed": np.asarray(DRAWN_SEED), "snap_steps": snaps, "k_steps": k_steps,
            "f_trained": f_trained, "f_kernel": f_kernel, "gap": gap, "final_loss": final_loss}
