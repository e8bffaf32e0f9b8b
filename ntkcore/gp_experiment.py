"""The numbers of the kernel-GD and Gaussian-process chapters (experiment "gp").

:func:`gp_numbers` assembles them from the closed forms of :mod:`ntkcore.gp` (kernel GD, the
NTK-GP, the NNGP posterior), the trainer of :mod:`ntkcore.training` (one narrow and one wide network,
and an ensemble) and :mod:`ntkcore.switches` (where a finite network's kernel GD jumps), on the
post's data mapped as in :class:`ntkcore.settings.WideSettings`: x to ``u ∈ [−1, 1]`` (reported as
the inputs ``x_test``/``x_train``), and u to the network input ``(cos(πu/2), sin(πu/2))``
(:func:`ntkcore.wide.embed_scaled`, the input of every network and kernel here).  Pure: nothing is written or
cached here (the pipeline caches the result, ``pipeline/datacache.py``).
"""

from __future__ import annotations

import time as _time

import jax.numpy as jnp
import numpy as np

from . import training, wide
from .gp import analytic_kernels, gp_predict, kernel_gd, kernel_regression
from .settings import GPSettings, WideSettings
from .switches import largest_kernel_gd_jump
from .wide_experiments import relative_change


def gp_inputs(s: WideSettings, g: GPSettings = GPSettings()) -> np.ndarray:
    """The chapters' test inputs in the post's units, ``(n,)``: ``samples_per_unit`` per unit of x
    over ``s.x_range``, and every training input (so the curves pass through the data), sorted."""
    lo, hi = s.x_range
    x = np.linspace(lo, hi, (hi - lo) * g.samples_per_unit + 1)
    return np.union1d(np.round(x, 12), np.asarray(s.train_x, dtype=np.float64))


def gp_data(s: WideSettings, g: GPSettings, rbf=None):
    """The chapters' data as the scalar u: ``(x_test (n,), x_train (m,), y_train (m,))``, the
    targets scaled as ``(y − y_shift)/y_scale`` (x_test from :func:`gp_inputs`).  The networks and
    kernels see ``wide.embed_scaled`` of these (:func:`network_inputs`)."""
    xt_raw, yt_raw = s.train_data(rbf)
    return s.scaled(gp_inputs(s, g)), s.scaled(xt_raw), (yt_raw - s.y_shift) / s.y_scale


def network_inputs(u) -> np.ndarray:
    """The network inputs of the scalar u of :func:`gp_data`: ``(cos(πu/2), sin(πu/2))``, ``(n, 2)``."""
    return wide.embed_scaled(u)


def gp_numbers(s: WideSettings = WideSettings(), g: GPSettings = GPSettings(), rbf=None, progress=None) -> dict:
    """Everything the GP chapters draw, on the chapters' data (y in scaled units, x in network units).

    Keys (T = len(times), n test inputs (:func:`gp_inputs`), m training points, W = len(net_widths),
    C = min(ensemble_curves, ensemble_seeds)):

    * ``x_grid`` (n,) post units; ``x_test`` (n,), ``x_train``/``y_train`` (m,) (x as the scalar u;
      the networks' inputs are :func:`network_inputs` of them), ``times`` (T,);
      ``x_train_post`` (m,) the training inputs in post units;
      ``x_obs`` () and ``nngp_col``/``ntk_col`` (n,): the kernel columns K(x, x′), Θ(x, x′);
    * ``prior_std`` (n,) = √K(x,x); ``nngp_mean``/``nngp_std`` (n,);
    * ``ntk_gp_mean``/``ntk_gp_std`` (T, n) gradient flow, ``ntk_gp_inf_mean``/``ntk_gp_inf_std``
      (n,) at t = ∞, ``ntk_gp_gd_mean``/``ntk_gp_gd_std`` (T, n) the NTK-GP of GD at ``lr``;
    * ``net_widths`` (W,), ``net_f`` (W, T, n) / ``net_f_train`` (W, T, m) one network per width
      trained by GD, ``net_kgd_analytic``/``net_kgd_empirical`` (W, T, n) kernel GD at ``lr`` from
      that network's own f_0 with the analytic Θ / with its empirical initial NTK;
      ``net_theta0_vs_analytic`` (W,) = ‖Θ₀ − Θ‖_F / ‖Θ‖_F (its initial NTK against the infinite-width
      one) and ``net_theta_change`` (W,) = ‖Θ_end − Θ₀‖_F / ‖Θ₀‖_F (how far its NTK moved by the last
      time), both over the blocks [x; X] × X; ``net_theta_change_t`` (W, T) the same at every time;
      ``net_jump_x`` (W,) (post units) the input where a hidden unit switches across which kernel GD
      with the empirical initial NTK jumps most at the last time, ``net_jump`` (W, T) that jump
      (:func:`ntkcore.switches.largest_kernel_gd_jump`);
    * ``ens_mean``/``ens_std`` (T, n), ``ens_curves`` (C, T, n), ``ens_width``, ``ens_seeds``, ``lr``;
      ``ens_kgd_inf`` (C, n): kernel GD to t = ∞ with the analytic Θ from each drawn network's f_0,
      ``f_0(x) + Θ(x,X) Θ(X,X)⁻¹ (Y − f_0(X))``;
    * ``seconds`` () wall time.

    What the numbers show on the default data (the half-circle input; Θ(X, X)'s eigenvalues 0.17
    … 4.37, so by t = 32 the NTK-GP is at t = ∞ within 0.001): away from the training inputs (≥ 1
    unit of x) the width-512 ensemble sits on the NTK-GP at every time (mean within 0.64, std within
    0.31 GP std).  At the training inputs both standard deviations collapse towards 0 as the data
    are fitted, and the ensemble's collapses more slowly (at t = 8 its std there is up to 1.6× the
    GP's; at t = 128 both are 0 to round-off, so ratios in units of the GP std are meaningless
    there).  The width-1024 network stays within an RMS gap of 0.015 of kernel GD with its initial
    NTK up to t = 128; the width-8 one moves its NTK by 340 % and leaves kernel GD (gap 0.2).
    """
    t0 = _time.perf_counter()
    arch = s.arch
    u_test, u_train, y_train = gp_data(s, g, rbf)
    x_test, x_train = network_inputs(u_test), network_inputs(u_train)      # (n, 2), (m, 2)
    times = np.asarray(g.times, dtype=np.float64)

    # Start every network training first (asynchronous dispatch: they share the cores), then do
    # the closed forms while they run.
    nets = [training.train_network(g.net_seed, w, x_train, y_train, x_test, times, g.lr, arch)
            for w in g.net_widths]
    ens_job = training.dispatch_ensemble(x_train, y_train, x_test, times, g.ensemble_width,
                                         g.ensemble_seeds, g.lr, arch)

    kb = analytic_kernels(x_test, x_train, arch)
    flow = gp_predict(x_test, x_train, y_train, g.times + (np.inf,), arch)   # gradient flow, then t = ∞
    gd = gp_predict(x_test, x_train, y_train, g.times, arch, lr=g.lr).ntk     # gradient descent at lr
    nngp = flow.nngp
    cols = analytic_kernels(x_test, s.inputs([s.x_obs]), arch)       # K(x, x′), Θ(x, x′): (n, 1) blocks
    T = len(g.times)

    # One wide and one narrow network from the same seed, next to kernel GD (at the networks'
    # learning rate, so only the width separates them) from each network's own f_0.
    kgd_a = [kernel_gd(kb.theta_td, kb.theta_dd, r.f0_test, r.f0_train, y_train, times, lr=g.lr)
             for r in nets]
    kgd_e = [kernel_gd(r.theta0_td, r.theta0_dd, r.f0_test, r.f0_train, y_train, times, lr=g.lr)
             for r in nets]
    theta_inf = jnp.concatenate([kb.theta_td, kb.theta_dd])                      # (n + m, m)
    theta0 = [jnp.concatenate([r.theta0_td, r.theta0_dd]) for r in nets]         # (n + m, m) each
    theta_end = [jnp.concatenate([r.theta_end_td, r.theta_end_dd]) for r in nets]

    # Where each network's kernel-GD curve jumps most (a hidden unit switching: its NTK's ReLU′ steps).
    u_lo, u_hi = (float(v) for v in s.scaled(np.asarray(s.x_range, dtype=np.float64)))
    jumps = [largest_kernel_gd_jump(g.net_seed, w, x_train, y_train, times, g.lr, u_lo, u_hi, arch)
             for w in g.net_widths]
    lo, hi = s.x_range
    jumps = [(lo + (u + 1.0) * (hi - lo) / 2.0, j) for u, j in jumps]     # input map inverted: post units
    ens = training.collect_ensemble(*ens_job)
    C = min(g.ensemble_curves, g.ensemble_seeds)
    # times[0] = 0, so the recorded first curves are each network's f_0.
    ens_kgd_inf = [kernel_regression(kb.theta_td, kb.theta_dd, y_train, f0_test, f0_train)
                   for f0_test, f0_train in zip(ens.curves[:C, 0], ens.train_curves[:C, 0])]
    out = {
        "x_grid": gp_inputs(s, g), "x_test": u_test, "x_train": u_train, "y_train": y_train, "times": times,
        "x_train_post": np.asarray(s.train_x, dtype=np.float64),
        "x_obs": s.x_obs, "nngp_col": cols.k_td[:, 0], "ntk_col": cols.theta_td[:, 0],
        "prior_std": jnp.sqrt(jnp.diag(kb.k_tt)),
        "nngp_mean": nngp.mean, "nngp_std": nngp.std,
        "ntk_gp_mean": flow.ntk.mean[:T], "ntk_gp_std": flow.ntk.std[:T],
        "ntk_gp_inf_mean": flow.ntk.mean[T], "ntk_gp_inf_std": flow.ntk.std[T],
        "ntk_gp_gd_mean": gd.mean, "ntk_gp_gd_std": gd.std,
        "net_widths": np.asarray(g.net_widths),
        "net_f": jnp.stack([r.f_test for r in nets]),
        "net_f_train": jnp.stack([r.f_train for r in nets]),
        "net_kgd_analytic": jnp.stack(kgd_a), "net_kgd_empirical": jnp.stack(kgd_e),
        "net_theta0_vs_analytic": np.array([relative_change(theta_inf, t, axis=(0, 1)) for t in theta0]),
        "net_theta_change": np.array([relative_change(t, e, axis=(0, 1)) for e, t in zip(theta_end, theta0)]),
        "net_theta_change_t": jnp.stack([r.theta_change for r in nets]),
        "net_jump_x": np.array([j[0] for j in jumps]), "net_jump": np.stack([j[1] for j in jumps]),
        "ens_mean": ens.mean, "ens_std": ens.std, "ens_curves": ens.curves[:C],
        "ens_kgd_inf": np.stack(ens_kgd_inf),
        "ens_width": g.ensemble_width, "ens_seeds": g.ensemble_seeds, "lr": g.lr,
    }
    out = {k: np.asarray(v) for k, v in out.items()}
    out["seconds"] = np.asarray(_time.perf_counter() - t0)
    return out
