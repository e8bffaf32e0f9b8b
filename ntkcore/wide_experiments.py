"""The numbers of the wide-network chapters: three experiments on the ReLU MLP of :mod:`ntkcore.wide`.

Inputs are the post's grid mapped to [-1, 1]; x' is the image of 10.

* :func:`init_band`: empirical NTK columns ``k(x, x')`` at initialization for several widths and
  seeds, the analytic infinite-width column, and the seed-to-seed spread against width.
* :func:`training_change`: full-batch gradient descent on a few points of the post's data; the
  kernel before/after, its relative change against width, and the trained network next to the
  kernel-regression prediction of its own initial NTK.
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


# --------------------------------------------------------------------------- chapter 1


def init_band(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """Empirical NTK columns at init vs the analytic one (``rbf`` is not used: no data here).

    Keys: ``x`` (n,), ``widths`` (W,), ``curves`` (W, S, n), ``analytic_ntk`` (n,),
    ``spread`` (W,), ``spread_slope`` ().
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
    # Seed-to-seed spread: standard deviation across seeds, averaged over x, relative to the
    # analytic kernel's scale.
    spread = curves.std(axis=1, ddof=1).mean(axis=1) / np.abs(np.asarray(ntk)).mean()
    return {"x": s.grid, "x_scaled": np.asarray(xs), "widths": np.asarray(s.widths), "curves": curves,
            "analytic_ntk": np.asarray(ntk)[:, 0], "analytic_nngp": np.asarray(nngp)[:, 0],
            "spread": spread, "spread_slope": fit_loglog_slope(s.widths, spread)}



# --------------------------------------------------------------------------- chapter 2


def training_change(s: WideSettings = WideSettings(), rbf: Example | None = None, progress=None) -> dict:
    """Kernel before/after full-batch GD, against width.

    Keys: ``widths`` (W,), ``rel_change`` (W, S) = ‖K_T − K_0‖_F/‖K_0‖_F on grid+train points,
    ``rel_change_slope``, ``k_before``/``k_after`` (W, S, n), ``f_trained``/``f_kernel`` (W, S, n)
    (y in scaled units), ``gap`` (W, S) RMS distance between them, ``train_x`` (m,), ``train_y`` (m,)
    scaled targets, ``final_loss`` (W, S).
    """
    arch = s.arch
    xs = jnp.asarray(s.scaled(s.grid))
    x2 = jnp.asarray(s.scaled([s.x_obs]))
    xt_raw, yt_raw = s.train_data(rbf)
    xt = jnp.asarray(s.scaled(xt_raw))
    yt = jnp.asarray((yt_raw - s.y_shift) / s.y_scale)
    W, S, n = len(s.train_widths), s.train_seeds, len(xs)
    rel_change = np.zeros((W, S))
    k_before = np.zeros((W, S, n))  # k(x, x') at init
    k_after = np.zeros((W, S, n))   # k(x, x') after training
    f_trained = np.zeros((W, S, n))
    f_kernel = np.zeros((W, S, n))  # f0 + Θ0(x, X) Θ0(X, X)⁻¹ (Y - f0(X))
    final_loss = np.zeros((W, S))
    ntk_fn = jax.jit(lambda p, a, b: wide.mlp_ntk_structured(p, a, b, arch))  # (len a, len b)
    for i, width in enumerate(s.train_widths):
        for seed in range(S):
            p0 = wide.init_params(jax.random.PRNGKey(1000 + seed), width, arch)
            res = wide.train_mse(p0, xt, yt, s.lr, s.steps, arch)
            grid_and_train = jnp.concatenate([xs, xt])
            K0 = ntk_fn(res.params0, grid_and_train, grid_and_train)
            KT = ntk_fn(res.params, grid_and_train, grid_and_train)
            rel_change[i, seed] = float(jnp.linalg.norm(KT - K0) / jnp.linalg.norm(K0))
            k_before[i, seed] = np.asarray(ntk_fn(res.params0, xs, x2)[:, 0])
            k_after[i, seed] = np.asarray(ntk_fn(res.params, xs, x2)[:, 0])
            f0_grid = wide.apply_batch(res.params0, xs, arch)
            f0_train = wide.apply_batch(res.params0, xt, arch)
            f_trained[i, seed] = np.asarray(wide.apply_batch(res.params, xs, arch))
            f_kernel[i, seed] = np.asarray(wide.kernel_regression(
                K0[:n, n:], K0[n:, n:], yt, f0_grid, f0_train))
            final_loss[i, seed] = res.losses[-1]
            if progress:
                progress(i * S + seed + 1, W * S)
    gap = np.sqrt(((f_trained - f_kernel) ** 2).mean(axis=2))  # (W, S) RMS over the grid
    return {"x": s.grid, "widths": np.asarray(s.train_widths), "train_x": xt_raw,
            "train_y": np.asarray(yt), "rel_change": rel_change,
            "rel_change_slope": fit_loglog_slope(s.train_widths, rel_change.mean(axis=1)),
            "k_before": k_before, "k_after": k_after, "f_trained": f_trained, "f_kernel": f_kernel,
            "gap": gap, "final_loss": final_loss}



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
