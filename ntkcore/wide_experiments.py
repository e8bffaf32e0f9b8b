"""The numbers of the wide-network chapters: three experiments on the ReLU MLP of :mod:`ntkcore.wide`.

Inputs are the post's grid mapped linearly to [-1, 1] (``u = 2(x − x_min)/(x_max − x_min) − 1``,
so ``u = 0`` at the middle of the grid, x = 5 for the post's [−10, 20]); x' is the image of 10.
Notation: ``k`` is one network's (empirical) NTK, ``Θ`` the infinite-width NTK.

* :func:`init_band`: empirical NTK columns ``k(x, x')`` at initialization for several widths and
  seeds, the analytic infinite-width column ``Θ(x, x')``, the seed-to-seed spread against width,
  and why ``Θ(x, x')`` bends at ``u = 0`` (:func:`opposite_side_facts`).
* :func:`training_change`: full-batch gradient descent on a few points of the post's data; the
  kernel column before, during and after training, its relative change (the column's, and the
  whole kernel matrix's) against width, and the trained network next to the kernel-regression
  prediction of its own initial NTK.
* :func:`nngp_vs_ntk`: the NNGP and NTK kernels of the same architecture, and on the training
  points the NNGP posterior mean and the NTK gradient-descent limit mean.

These are pure computations: nothing is written or cached here.  The pipeline caches their results
on disk (``pipeline/datacache.py``), keyed by the settings and by the source of all of ``ntkcore``;
:data:`ntkcore.experiments.EXPERIMENTS` names them for the pipeline and for the scenes.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from . import core, wide
from .examples import EXAMPLES, Example
from .validation import SettingsError, is_integer, number, numbers


@dataclass(frozen=True)
class WideSettings:
    """Everything the wide-network chapters compute from (plain data; ``[wide]`` in a settings file)."""

    depth: int = 2
    w_std: float = 2 ** 0.5
    b_std: float = 0.1
    readout_w_std: float = 1.0
    readout_b_std: float = 0.1
    x_range: tuple = (-10, 20)
    x_obs: float = 10.0
    # Chapter "wide_init": widths x seeds at initialization.
    widths: tuple = (16, 64, 256, 1024, 4096)
    seeds: int = 24
    # Chapters "wide_training", "nngp_vs_ntk": a few points of the post's data: Example 4's starting
    # function at these x, with the observation (10, 50) itself; targets scaled as (y - y_shift) / y_scale.
    train_x: tuple = (-8.0, 0.0, 4.0, 10.0, 16.0)
    y_shift: float = 45.0
    y_scale: float = 10.0
    lr: float = 0.5
    steps: int = 400
    train_widths: tuple = (16, 64, 256, 1024, 2048)
    train_seeds: int = 3

    def __post_init__(self):
        """Every field is checked here, and only here; errors carry the field's path."""
        number(("depth",), self.depth, lo=1, hi=6, integer=True)
        number(("w_std",), self.w_std, lo=0, hi=10, lo_open=True)
        number(("b_std",), self.b_std, lo=0, hi=10)
        number(("readout_w_std",), self.readout_w_std, lo=0, hi=10, lo_open=True)
        number(("readout_b_std",), self.readout_b_std, lo=0, hi=10)
        if (not isinstance(self.x_range, (tuple, list)) or len(self.x_range) != 2
                or not all(is_integer(v) for v in self.x_range)
                or not 2 <= self.x_range[1] - self.x_range[0] <= 120):
            raise SettingsError(("x_range",), "must be two integers [x_min, x_max] with "
                                f"2 <= x_max - x_min <= 120; got {self.x_range!r}")
        lo, hi = self.x_range
        object.__setattr__(self, "x_range", tuple(self.x_range))
        number(("x_obs",), self.x_obs, lo=lo, hi=hi, what=f"a number in the grid range [{lo}, {hi}]")
        for name, top in (("widths", 8192), ("train_widths", 4096)):
            ws = numbers((name,), getattr(self, name), min_length=2, max_length=8, integer=True, lo=1, hi=top,
                         what=f"2 to 8 increasing integer widths from 1 to {top}")
            if any(b <= a for a, b in zip(ws, ws[1:])):
                raise SettingsError((name,), f"must be increasing; got {list(ws)}")
            object.__setattr__(self, name, tuple(ws))
        number(("seeds",), self.seeds, lo=2, hi=64, integer=True)
        number(("train_seeds",), self.train_seeds, lo=1, hi=16, integer=True)
        xt = numbers(("train_x",), self.train_x, min_length=2, max_length=20, lo=lo, hi=hi,
                     what=f"2 to 20 distinct numbers in the grid range [{lo}, {hi}]")
        if len(set(xt)) != len(xt):
            raise SettingsError(("train_x",), f"must be distinct; got {list(xt)}")
        object.__setattr__(self, "train_x", tuple(float(v) for v in xt))
        number(("y_shift",), self.y_shift)
        number(("y_scale",), self.y_scale, lo=0, lo_open=True)
        number(("lr",), self.lr, lo=0, hi=10, lo_open=True)
        number(("steps",), self.steps, lo=1, hi=5000, integer=True)

    @property
    def arch(self) -> wide.MLP:
        return wide.MLP(self.depth, self.w_std, self.b_std, self.readout_w_std, self.readout_b_std)

    @property
    def grid(self) -> np.ndarray:
        return np.arange(self.x_range[0], self.x_range[1] + 1, dtype=np.float64)

    def scaled(self, x) -> np.ndarray:
        return wide.scale_inputs(x, self.x_range)

    def train_data(self, rbf: Example | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(x_train, y_train)`` in the post's units (x on the grid scale, y unscaled): Example 4's
        starting function (``rbf``; by default the post's) at ``train_x``, and the observation itself
        where ``train_x`` contains its x'."""
        rbf = EXAMPLES["rbf"] if rbf is None else rbf
        xt = np.asarray(self.train_x, dtype=np.float64)
        yt = np.array(core.values(rbf.f, rbf.theta, xt), dtype=np.float64)
        x_obs, y_obs = rbf.observation
        yt[xt == x_obs] = y_obs
        return xt, yt


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
    (..., n) → (...)."""
    second = np.abs(np.diff(np.asarray(values, dtype=np.float64), n=2, axis=-1))   # (..., n − 2)
    return np.asarray(x, dtype=np.float64)[1:-1][second.argmax(axis=-1)]


def unscaled_input(u, x_range) -> np.ndarray:
    """The inverse of :meth:`WideSettings.scaled`: the x of the grid whose network input is ``u``."""
    lo, hi = x_range
    return lo + (np.asarray(u, dtype=np.float64) + 1.0) * (hi - lo) / 2.0


def first_layer_shared_fraction(u, u_ref, w_std: float = 2 ** 0.5, b_std: float = 0.1) -> np.ndarray:
    """Of the first-layer ReLUs that fire at input ``u_ref``, the fraction that also fire at ``u``
    (infinite width).  Shape of ``u``.

    A first-layer unit computes ``z(u) = w_std·W·u + b_std·b`` with ``W, b ~ N(0, 1)``: ``z(u)`` and
    ``z(u_ref)`` are jointly Gaussian with mean 0, variances ``q = w_std²u² + b_std²``,
    ``q' = w_std²u_ref² + b_std²`` and covariance ``c = w_std²·u·u_ref + b_std²``.  With
    ``cos θ = c/√(q q')``, ``P(z(u) > 0, z(u_ref) > 0) = (π − θ)/(2π)`` (Sheppard's formula) and
    ``P(z(u_ref) > 0) = 1/2``, so the fraction is ``1 − θ/π``: 1 for inputs on the same side of
    ``u = 0`` when ``b_std = 0`` (θ = 0), 0 for inputs on opposite sides (θ = π).  Small biases
    keep it near those values.  (No unit fires where ``q = 0``: fraction 0 there.)
    """
    u = np.asarray(u, dtype=np.float64)
    q = w_std ** 2 * u ** 2 + b_std ** 2
    q_ref = w_std ** 2 * float(u_ref) ** 2 + b_std ** 2
    c = w_std ** 2 * u * float(u_ref) + b_std ** 2
    # An input with q = 0 (u = 0 and no biases) makes z = 0: no unit fires there (fraction 0).
    cos = np.divide(c, np.sqrt(q * q_ref), out=np.full_like(q, -1.0), where=q > 0)
    return 1.0 - np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def opposite_side_facts(s: "WideSettings", analytic_col) -> dict:
    """Why ``Θ(x, x')`` bends where the input ``u`` crosses 0, in numbers.

    ``analytic_col`` (n,) is ``Θ(x, x')`` on ``s.grid``.  The grid points whose input has the sign
    of ``u' = u(x')`` are "x'-side", those of opposite sign "far side" (``u = 0`` itself is in
    neither).  Returns ``x_center`` (the x of ``u = 0``), ``obs_side`` (sign of u': +1 when x' is
    right of x_center), ``shared_far``/``shared_near``: the mean over each side of
    :func:`first_layer_shared_fraction` (of the first-layer ReLUs firing at x', the fraction that
    also fire at x), and ``theta_far_max``/``theta_near_max``: the largest ``Θ(x, x')`` on each
    side.  The grid's ends have u = ±1, so both sides have grid points unless x' is the middle
    (``obs_side`` 0): then there are no sides and these four are 0 (never NaN: the pipeline takes
    a NaN for a diverged computation).
    """
    u = s.scaled(s.grid)                       # (n,)
    u_ref = float(s.scaled([s.x_obs])[0])
    col = np.asarray(analytic_col, dtype=np.float64)
    share = first_layer_shared_fraction(u, u_ref, s.w_std, s.b_std)   # (n,)
    near, far = u * u_ref > 0, u * u_ref < 0

    def side(values, mask, reduce):
        return float(reduce(values[mask])) if mask.any() else 0.0

    return {"x_center": float(unscaled_input(0.0, s.x_range)), "obs_side": float(np.sign(u_ref)),
            "shared": share,
            "shared_far": side(share, far, np.mean), "shared_near": side(share, near, np.mean),
            "theta_far_max": side(col, far, np.max), "theta_near_max": side(col, near, np.max)}


# --------------------------------------------------------------------------- chapter 1


def init_band(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """Empirical NTK columns at init vs the analytic one (``rbf`` is not used: no data here).

    Keys: ``x`` (n,), ``x_scaled`` (n,) the network's inputs u, ``widths`` (W,), ``curves``
    (W, S, n) empirical ``k(x, x')``, ``analytic_ntk`` (n,) ``Θ(x, x')``, ``analytic_nngp`` (n,),
    ``spread`` (W,) :func:`seed_spread`, ``spread_slope`` (), and the :func:`opposite_side_facts` (``x_center``,
    ``obs_side``, ``shared`` (n,), ``shared_far``, ``shared_near``, ``theta_far_max``,
    ``theta_near_max``).
    """
    arch = s.arch
    xs = jnp.asarray(s.scaled(s.grid))
    x2 = jnp.asarray(s.scaled([s.x_obs]))
    ntk_fn = jax.jit(lambda p: wide.mlp_ntk_structured(p, xs, x2, arch)[:, 0])
    curves = np.zeros((len(s.widths), s.seeds, len(xs)))  # (W, S, n) empirical k(x, x')
    for i, width in enumerate(s.widths):
        for seed in range(s.seeds):
            p = wide.init_params(jax.random.PRNGKey(seed), width, arch)
            curves[i, seed] = np.asarray(ntk_fn(p))
            if progress:
                progress(i * s.seeds + seed + 1, len(s.widths) * s.seeds)
    nngp, ntk = wide.relu_kernels(xs[:, None], x2[:, None], s.depth, s.w_std, s.b_std,
                                  s.readout_w_std, s.readout_b_std)
    analytic = np.asarray(ntk)[:, 0]
    spread = seed_spread(curves, analytic)     # (W,)
    return {"x": s.grid, "x_scaled": np.asarray(xs), "widths": np.asarray(s.widths), "curves": curves,
            "analytic_ntk": analytic, "analytic_nngp": np.asarray(nngp)[:, 0],
            "spread": spread, "spread_slope": fit_loglog_slope(s.widths, spread),
            **opposite_side_facts(s, analytic)}



# --------------------------------------------------------------------------- chapter 2


#: The seed whose networks the chapter draws (its kernel column is also recorded during training).
DRAWN_SEED = 0
#: How many kernel columns are recorded during training (evenly spaced steps, the first and last
#: included).
SNAPSHOTS = 9


def training_init(width: int, seed: int, arch: wide.MLP):
    """The starting parameters of the trained network of this width and seed."""
    return wide.init_params(jax.random.PRNGKey(1000 + seed), width, arch)


def snapshot_steps(steps: int, n: int = SNAPSHOTS) -> np.ndarray:
    """``n`` evenly spaced training steps from 0 to ``steps`` (rounded to whole steps; fewer when
    ``steps < n − 1``).  ``(≤ n,)`` ints, starting at 0 and ending at ``steps``."""
    return np.unique(np.rint(np.linspace(0, steps, n)).astype(int))


def train_with_snapshots(p0, x_train, y_train, lr: float, at_steps, arch: wide.MLP):
    """Gradient descent as :func:`wide.train_mse`, stopping at each of ``at_steps`` (increasing,
    starting at 0, at least two): the parameters there and the losses of the whole run.

    Trained in chunks between consecutive snapshots; each chunk continues from the last one's
    parameters, so the run is the same as one run of ``at_steps[-1]`` steps.  Returns
    ``(params at each snapshot (list), losses (at_steps[-1] + 1,))``."""
    params, losses = [p0], []
    for a, b in zip(at_steps[:-1], at_steps[1:]):
        res = wide.train_mse(params[-1], x_train, y_train, lr, int(b - a), arch)
        params.append(res.params)
        losses.append(res.losses[:-1])      # the loss before each step of this chunk
    return params, np.concatenate(losses + [res.losses[-1:]])   # … and after the last step


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
    xs = jnp.asarray(s.scaled(s.grid))
    x2 = jnp.asarray(s.scaled([s.x_obs]))
    xt_raw, yt_raw = s.train_data(rbf)
    observation = np.asarray((EXAMPLES["rbf"] if rbf is None else rbf).observation, dtype=np.float64)
    xt = jnp.asarray(s.scaled(xt_raw))
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
            # Every seed is trained in the same chunks (one compiled program per chunk length).
            path, losses = train_with_snapshots(p0, xt, yt, s.lr, snaps, arch)
            pT = path[-1]
            if seed == DRAWN_SEED:
                for j, p in enumerate(path):
                    k_steps[i, j] = np.asarray(ntk_fn(p, xs, x2)[:, 0])
            K0 = ntk_fn(p0, grid_and_train, grid_and_train)
            KT = ntk_fn(pT, grid_and_train, grid_and_train)
            rel_change[i, seed] = float(relative_change(K0, KT, axis=(0, 1)))
            k_before[i, seed] = np.asarray(ntk_fn(p0, xs, x2)[:, 0])
            k_after[i, seed] = np.asarray(ntk_fn(pT, xs, x2)[:, 0])
            f0_grid = wide.apply_batch(p0, xs, arch)
            f0_train = wide.apply_batch(p0, xt, arch)
            f_trained[i, seed] = np.asarray(wide.apply_batch(pT, xs, arch))
            f_kernel[i, seed] = np.asarray(wide.kernel_regression(
                K0[:n, n:], K0[n:, n:], yt, f0_grid, f0_train))
            final_loss[i, seed] = losses[-1]
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



# --------------------------------------------------------------------------- chapter 3


def nngp_vs_ntk(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """NNGP vs NTK of the same architecture (infinite width).

    Keys: ``x`` (n,), ``nngp``/``ntk`` (n,) columns k(x, x'), ``train_x``/``train_y`` (m,),
    ``nngp_mean``/``ntk_mean`` (n,) posterior mean and GD-limit mean, ``nngp_std`` (n,).
    """
    xs = s.scaled(s.grid)[:, None]
    x2 = s.scaled([s.x_obs])[:, None]
    xt_raw, yt_raw = s.train_data(rbf)
    xt = s.scaled(xt_raw)[:, None]
    yt = (yt_raw - s.y_shift) / s.y_scale
    args = (s.depth, s.w_std, s.b_std, s.readout_w_std, s.readout_b_std)
    nngp_col, ntk_col = wide.relu_kernels(xs, x2, *args)
    nngp_td, ntk_td = wide.relu_kernels(xs, xt, *args)   # (n, m) test-train
    nngp_dd, ntk_dd = wide.relu_kernels(xt, xt, *args)   # (m, m) train-train
    nngp_tt, _ = wide.relu_kernels(xs, xs, *args)
    nngp_mean = wide.kernel_regression(nngp_td, nngp_dd, yt)
    ntk_mean = wide.kernel_regression(ntk_td, ntk_dd, yt)
    # NNGP posterior (noise-free) standard deviation, for a band around its mean.
    cov = nngp_tt - nngp_td @ jnp.linalg.solve(nngp_dd, nngp_td.T)
    nngp_std = jnp.sqrt(jnp.clip(jnp.diag(cov), 0.0, None))
    return {"x": s.grid, "nngp": np.asarray(nngp_col)[:, 0], "ntk": np.asarray(ntk_col)[:, 0],
            "train_x": xt_raw, "train_y": yt, "nngp_mean": np.asarray(nngp_mean),
            "ntk_mean": np.asarray(ntk_mean), "nngp_std": np.asarray(nngp_std)}
