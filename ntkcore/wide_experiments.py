"""The numbers of the wide-network chapters, computed once and cached on disk.

Three experiments on the ReLU MLP of :mod:`ntkcore.wide` (inputs: the post's grid mapped to
[-1, 1]; x' = the image of 10):

* :func:`init_band`: empirical NTK columns ``k(x, x')`` at initialization for several widths and
  seeds, the analytic infinite-width column, and the seed-to-seed spread against width.
* :func:`training_change`: full-batch gradient descent on a few points of the post's data; the
  kernel before/after, its relative change against width, and the trained network next to the
  kernel-regression prediction of its own initial NTK.
* :func:`nngp_vs_ntk`: the NNGP and NTK kernels of the same architecture, and on the training
  points the NNGP posterior mean and the NTK gradient-descent limit mean.

Results are cached under ``media/cache/`` keyed by a hash of the settings *and* of the source of
this module and of ``wide.py``: changing a setting or the code can never reuse a stale result.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from . import core, wide
from .examples import EXAMPLES

CACHE_DIR = Path(__file__).resolve().parent.parent / "media" / "cache"


@dataclass(frozen=True)
class WideSettings:
    """Everything the wide-network chapters compute from (all plain data, hashed for the cache)."""

    depth: int = 2
    w_std: float = 2 ** 0.5
    b_std: float = 0.1
    readout_w_std: float = 1.0
    readout_b_std: float = 0.1
    x_range: tuple = (-10, 20)
    x_obs: float = 10.0
    # Chapter 1: widths x seeds at initialization.
    widths: tuple = (16, 64, 256, 1024, 4096)
    seeds: int = 24
    # Chapters 2-3: a few points of the post's data: Example 4's starting function at these x,
    # with the observation (10, 50) itself; targets scaled as (y - y_shift) / y_scale.
    train_x: tuple = (-8.0, 0.0, 4.0, 10.0, 16.0)
    y_shift: float = 45.0
    y_scale: float = 10.0
    lr: float = 0.5
    steps: int = 400
    train_widths: tuple = (16, 64, 256, 1024, 2048)
    train_seeds: int = 3

    @property
    def arch(self) -> wide.MLP:
        return wide.MLP(self.depth, self.w_std, self.b_std, self.readout_w_std, self.readout_b_std)

    @property
    def grid(self) -> np.ndarray:
        return np.arange(self.x_range[0], self.x_range[1] + 1, dtype=np.float64)

    def scaled(self, x) -> np.ndarray:
        return wide.scale_inputs(x, self.x_range)

    def train_data(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x_train, y_train)`` in the post's units (x on the grid scale, y unscaled)."""
        rbf = EXAMPLES["rbf"]
        xt = np.asarray(self.train_x, dtype=np.float64)
        yt = np.array(core.values(rbf.f, rbf.theta, xt), dtype=np.float64)
        x_obs, y_obs = rbf.observation
        yt[xt == x_obs] = y_obs
        return xt, yt

    def key(self, what: str) -> str:
        src = "".join(Path(m.__file__).read_text() for m in (wide,)) + Path(__file__).read_text()
        blob = json.dumps([what, dataclasses.asdict(self), hashlib.sha256(src.encode()).hexdigest()],
                          sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _cached(settings: WideSettings, what: str, compute) -> dict:
    """Load ``what`` for ``settings`` from disk, or compute it and store it (written atomically)."""
    path = CACHE_DIR / f"{what}-{settings.key(what)}.npz"
    if path.exists():
        return _load(path)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # One process computes, others wait for it (chapters render in parallel, tests may too).
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return _load(path)
        t0 = time.perf_counter()
        out = {k: np.asarray(v) for k, v in compute(settings).items()}
        out["compute_seconds"] = np.asarray(time.perf_counter() - t0)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")  # unique per process
        np.savez_compressed(tmp, **out)
        tmp.replace(path)
    return out


def _load(path: Path) -> dict:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def fit_loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


# --------------------------------------------------------------------------- chapter 1


def _init_band(s: WideSettings) -> dict:
    arch = s.arch
    xs = jnp.asarray(s.scaled(s.grid))
    x2 = jnp.asarray(s.scaled([s.x_obs]))
    ntk_fn = jax.jit(lambda p: wide.mlp_ntk_structured(p, xs, x2, arch)[:, 0])
    curves = np.zeros((len(s.widths), s.seeds, len(xs)))  # (W, S, n) empirical k(x, x')
    for i, width in enumerate(s.widths):
        for seed in range(s.seeds):
            p = wide.init_params(jax.random.PRNGKey(seed), width, arch)
            curves[i, seed] = np.asarray(ntk_fn(p))
    nngp, ntk = wide.relu_kernels(xs[:, None], x2[:, None], s.depth, s.w_std, s.b_std,
                                  s.readout_w_std, s.readout_b_std)
    # Seed-to-seed spread: standard deviation across seeds, averaged over x, relative to the
    # analytic kernel's scale.
    spread = curves.std(axis=1, ddof=1).mean(axis=1) / np.abs(np.asarray(ntk)).mean()
    return {"x": s.grid, "x_scaled": np.asarray(xs), "widths": np.asarray(s.widths), "curves": curves,
            "analytic_ntk": np.asarray(ntk)[:, 0], "analytic_nngp": np.asarray(nngp)[:, 0],
            "spread": spread, "spread_slope": fit_loglog_slope(s.widths, spread)}


def init_band(settings: WideSettings = WideSettings()) -> dict:
    """Empirical NTK columns at init vs the analytic one.

    Keys: ``x`` (n,), ``widths`` (W,), ``curves`` (W, S, n), ``analytic_ntk`` (n,),
    ``spread`` (W,), ``spread_slope`` (), ``compute_seconds`` ().
    """
    return _cached(settings, "init_band", _init_band)


# --------------------------------------------------------------------------- chapter 2


def _training_change(s: WideSettings) -> dict:
    arch = s.arch
    xs = jnp.asarray(s.scaled(s.grid))
    x2 = jnp.asarray(s.scaled([s.x_obs]))
    xt_raw, yt_raw = s.train_data()
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
    gap = np.sqrt(((f_trained - f_kernel) ** 2).mean(axis=2))  # (W, S) RMS over the grid
    return {"x": s.grid, "widths": np.asarray(s.train_widths), "train_x": xt_raw,
            "train_y": np.asarray(yt), "rel_change": rel_change,
            "rel_change_slope": fit_loglog_slope(s.train_widths, rel_change.mean(axis=1)),
            "k_before": k_before, "k_after": k_after, "f_trained": f_trained, "f_kernel": f_kernel,
            "gap": gap, "final_loss": final_loss}


def training_change(settings: WideSettings = WideSettings()) -> dict:
    """Kernel before/after full-batch GD, against width.

    Keys: ``widths`` (W,), ``rel_change`` (W, S) = ‖K_T − K_0‖_F/‖K_0‖_F on grid+train points,
    ``rel_change_slope``, ``k_before``/``k_after`` (W, S, n), ``f_trained``/``f_kernel`` (W, S, n)
    (y in scaled units), ``gap`` (W, S) RMS distance between them, ``train_x`` (m,), ``train_y`` (m,)
    scaled targets, ``final_loss`` (W, S).
    """
    return _cached(settings, "training_change", _training_change)


# --------------------------------------------------------------------------- chapter 3


def _nngp_vs_ntk(s: WideSettings) -> dict:
    xs = s.scaled(s.grid)[:, None]
    x2 = s.scaled([s.x_obs])[:, None]
    xt_raw, yt_raw = s.train_data()
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


def nngp_vs_ntk(settings: WideSettings = WideSettings()) -> dict:
    """NNGP vs NTK of the same architecture (infinite width).

    Keys: ``x`` (n,), ``nngp``/``ntk`` (n,) columns k(x, x'), ``train_x``/``train_y`` (m,),
    ``nngp_mean``/``ntk_mean`` (n,) posterior mean and GD-limit mean, ``nngp_std`` (n,).
    """
    return _cached(settings, "nngp_vs_ntk", _nngp_vs_ntk)
