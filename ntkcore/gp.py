"""Infinite-width predictions of gradient-descent training: kernel GD, the NTK-GP and the NNGP.

For the ReLU MLP of :mod:`ntkcore.wide` (NTK parametrization) let ``K`` be the NNGP kernel and
``Θ`` the NTK (:func:`ntkcore.wide.relu_kernels`), ``(X, Y)`` the training data (``n_train``
points, noise-free targets) and ``x`` the test inputs (``n_test`` points).  Training minimises
``L = ½ Σᵢ (f(xᵢ) − yᵢ)²`` by gradient flow with unit rate; in the infinite-width limit the
network moves in function space by *kernel gradient descent* (Jacot et al. 2018):

    df_t(X)/dt = −Θ(X, X) (f_t(X) − Y),        df_t(x)/dt = −Θ(x, X) (f_t(X) − Y),

    f_t(X) = Y + e^{−Θ(X,X) t} (f_0(X) − Y),
    f_t(x) = f_0(x) − A_t (f_0(X) − Y),    A_t = Θ(x, X) Θ(X, X)⁻¹ (I − e^{−Θ(X,X) t}).

With ``Θ(X, X) = V diag(λ) Vᵀ`` this is ``A_t = Θ(x, X) V diag(g_t(λ)) Vᵀ`` with
``g_t(λ) = (1 − e^{−λt}) / λ`` (→ ``1/λ`` at ``t = ∞``); no inverse is ever formed.  Full-batch
gradient descent with learning rate ``η`` for ``k = t/η`` steps replaces ``e^{−λt}`` by
``(1 − ηλ)^k`` (``lr=`` below).

Since ``f_0 ~ GP(0, K)`` at infinite width and ``f_t`` is linear in ``f_0``, the trained network is a
Gaussian process too, the *NTK-GP* (Lee et al. 2019, eq. 16):

    μ_t(x)  = A_t Y,
    Σ_t(x)  = K(x, x) + A_t K(X, X) A_tᵀ − A_t K(X, x) − K(x, X) A_tᵀ.

The *NNGP posterior* (Neal 1994; exact Bayesian inference with prior ``GP(0, K)``, noise free) is

    mean = K(x, X) K(X, X)⁻¹ Y,    cov = K(x, x) − K(x, X) K(X, X)⁻¹ K(X, x),

which is the NTK-GP at ``t = ∞`` with ``Θ`` replaced by ``K``; with ``Θ ≠ K`` the two differ.

Finally :func:`train_ensemble` trains many finite-width networks (seeds vmapped, one compiled
program per shape) so the NTK-GP can be checked against what real networks do, and
:func:`gp_numbers` / :func:`gp_report` compute the chapters' numbers.

Everything is a pure function of its arguments (float64; no files, no caches).
"""

from __future__ import annotations

import math
import os
import time as _time
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.linalg import cho_factor, cho_solve

from . import wide
from .validation import SettingsError, number, numbers
from .wide_experiments import WideSettings

# --------------------------------------------------------------------------- kernels


class KernelBlocks(NamedTuple):
    """Analytic infinite-width Gram blocks between test inputs x and training inputs X."""

    k_tt: jnp.ndarray      # (n_test, n_test)   K(x, x)
    k_td: jnp.ndarray      # (n_test, n_train)  K(x, X)
    k_dd: jnp.ndarray      # (n_train, n_train) K(X, X)
    theta_tt: jnp.ndarray  # (n_test, n_test)   Θ(x, x)
    theta_td: jnp.ndarray  # (n_test, n_train)  Θ(x, X)
    theta_dd: jnp.ndarray  # (n_train, n_train) Θ(X, X)


def _as_inputs(x) -> jnp.ndarray:
    """``(n,)`` or ``(n, d)`` inputs as a float64 ``(n, d)`` array."""
    x = jnp.asarray(x, dtype=jnp.float64)
    return x[:, None] if x.ndim == 1 else x


def analytic_kernels(x_test, x_train, arch: wide.MLP = wide.MLP()) -> KernelBlocks:
    """NNGP ``K`` and NTK ``Θ`` blocks of ``arch`` at infinite width (see :class:`KernelBlocks`)."""
    return _analytic_kernels(_as_inputs(x_test), _as_inputs(x_train), arch)


@partial(jax.jit, static_argnames=("arch",))
def _analytic_kernels(xt, xd, arch):
    args = (arch.depth, arch.w_std, arch.b_std, arch.readout_w_std, arch.readout_b_std)
    k_tt, theta_tt = wide.relu_kernels(xt, xt, *args)
    k_td, theta_td = wide.relu_kernels(xt, xd, *args)
    k_dd, theta_dd = wide.relu_kernels(xd, xd, *args)
    return KernelBlocks(k_tt, k_td, k_dd, theta_tt, theta_td, theta_dd)


# --------------------------------------------------------------------------- kernel GD


def _times(times) -> np.ndarray:
    """``times`` as a float64 ``(T,)`` array of non-negative times (``jnp.inf`` allowed)."""
    t = np.atleast_1d(np.asarray(times, dtype=np.float64))
    if t.ndim != 1:
        raise ValueError(f"times must be a scalar or a 1-D sequence; got shape {t.shape}")
    if np.any(np.isnan(t)) or np.any(t < 0):
        raise ValueError(f"times must be non-negative (jnp.inf allowed); got {t.tolist()}")
    return t


def _times_lr(times, lr) -> tuple[np.ndarray, Optional[float]]:
    """Validated ``(times (T,), lr)``: ``lr`` None (gradient flow) or positive, and then every
    finite time a multiple of it (time = steps × lr)."""
    t = _times(times)
    if lr is None:
        return t, None
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be None (gradient flow) or a positive number; got {lr!r}")
    k = t[np.isfinite(t)] / lr
    if np.any(np.abs(k - np.round(k)) > 1e-9 * np.maximum(1.0, k)):
        raise ValueError(f"times must be multiples of lr={lr} (time = steps × lr); got {t.tolist()}")
    return t, float(lr)


def _sym_eigh(theta_dd):
    """``Θ = V diag(λ) Vᵀ`` of the symmetrised matrix: ``λ`` (n,), ``V`` (n, n)."""
    theta_dd = jnp.asarray(theta_dd, dtype=jnp.float64)
    return jnp.linalg.eigh(0.5 * (theta_dd + theta_dd.T))


def _decay(lam, times, lr: Optional[float] = None):
    """``e^{−λt}`` (or ``(1 − ηλ)^{t/η}`` with ``lr = η``), 0 at ``t = ∞``.  Returns ``(T, n)``."""
    lam_t = lam[None, :]
    t = times[:, None]
    finite = jnp.isfinite(t)
    t0 = jnp.where(finite, t, 0.0)
    if lr is None:
        d = jnp.exp(-lam_t * t0)
    else:
        d = jnp.power(1.0 - lr * lam_t, jnp.round(t0 / lr))
    return jnp.where(finite, d, 0.0)  # (T, n)


def _flow_weights(lam, times, lr: Optional[float] = None):
    """``g_t(λ) = (1 − e^{−λt}) / λ`` (``1/λ`` at ``t = ∞``), computed stably.  Returns ``(T, n)``."""
    t = times[:, None]
    finite = jnp.isfinite(t)
    if lr is None:
        # −expm1(−λt)/λ keeps full precision for small λt.
        g = -jnp.expm1(-lam[None, :] * jnp.where(finite, t, 0.0)) / lam[None, :]
        return jnp.where(finite, g, 1.0 / lam[None, :])  # (T, n)
    return (1.0 - _decay(lam, times, lr)) / lam[None, :]  # (T, n)


def gd_operator(theta_td, theta_dd, times, lr: Optional[float] = None):
    """``A_t = Θ(x, X) Θ(X, X)⁻¹ (I − e^{−Θ(X,X) t})`` for each ``t``.  Returns ``(T, n_test, n_train)``.

    Through ``Θ(X, X) = V diag(λ) Vᵀ``: ``A_t = Θ(x, X) V diag((1 − e^{−λt})/λ) Vᵀ``; ``t = ∞`` gives
    ``Θ(x, X) Θ(X, X)⁻¹``.  With ``lr = η``: gradient descent, ``e^{−λt} → (1 − ηλ)^{t/η}`` (times
    multiples of ``η``; ``t = ∞`` assumes the stable case ``ηλ_max < 2``).
    """
    return _gd_operator(theta_td, theta_dd, *_times_lr(times, lr))


@partial(jax.jit, static_argnames=("lr",))
def _gd_operator(theta_td, theta_dd, times, lr):
    lam, V = _sym_eigh(theta_dd)
    g = _flow_weights(lam, times, lr)                          # (T, n_train)
    tV = jnp.asarray(theta_td, dtype=jnp.float64) @ V          # (n_test, n_train)
    return jnp.einsum("ik,tk,jk->tij", tV, g, V)               # (T, n_test, n_train)


def kernel_gd_train(theta_dd, f0_train, y_train, times, lr: Optional[float] = None):
    """Kernel GD on the training points: ``f_t(X) = Y + e^{−Θ(X,X) t} (f_0(X) − Y)``.  ``(T, n_train)``.

    Computed in the eigenbasis of ``Θ(X, X)``; with ``lr = η``, ``e^{−λt} → (1 − ηλ)^{t/η}``.
    """
    return _kernel_gd_train(theta_dd, f0_train, y_train, *_times_lr(times, lr))


@partial(jax.jit, static_argnames=("lr",))
def _kernel_gd_train(theta_dd, f0_train, y_train, times, lr):
    lam, V = _sym_eigh(theta_dd)
    y = jnp.asarray(y_train, dtype=jnp.float64)
    r0 = V.T @ (jnp.asarray(f0_train, dtype=jnp.float64) - y)   # (n_train,) residual, eigenbasis
    d = _decay(lam, times, lr)                                  # (T, n_train)
    return y[None, :] + (d * r0[None, :]) @ V.T                 # (T, n_train)


def kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, times, lr: Optional[float] = None):
    """Kernel GD at test inputs: ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)``.  Returns ``(T, n_test)``.

    ``A_t`` from :func:`gd_operator`; ``f0_test`` (n_test,), ``f0_train``/``y_train`` (n_train,).
    """
    return _kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, *_times_lr(times, lr))


@partial(jax.jit, static_argnames=("lr",))
def _kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, times, lr):
    A = _gd_operator(theta_td, theta_dd, times, lr)             # (T, n_test, n_train)
    r0 = jnp.asarray(f0_train, dtype=jnp.float64) - jnp.asarray(y_train, dtype=jnp.float64)
    return jnp.asarray(f0_test, dtype=jnp.float64)[None, :] - A @ r0   # (T, n_test)


@jax.jit
def _rk4_segments(z0, M, c, n_steps, h):
    """Integrate ``dz/dt = M z + c`` with ``n_steps[k]`` RK4 steps of size ``h[k]`` per segment."""
    def rhs(z):
        return M @ z + c

    def rk4(_, zh):
        z, hk = zh
        k1 = rhs(z)
        k2 = rhs(z + 0.5 * hk * k1)
        k3 = rhs(z + 0.5 * hk * k2)
        k4 = rhs(z + hk * k3)
        return z + hk / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), hk

    def segment(z, nh):
        n, hk = nh
        z, _ = jax.lax.fori_loop(0, n, rk4, (z, hk))
        return z, z

    _, zs = jax.lax.scan(segment, z0, (n_steps, h))
    return zs  # (T, n_train + n_test)


def kernel_gd_ode(theta_td, theta_dd, f0_test, f0_train, y_train, times, dt: float = 1e-2):
    """Kernel GD by integrating the ODE (independent of the eigendecomposition; for cross-checks).

    The joint vector ``z = [f(X); f(x)]`` obeys ``dz/dt = −[Θ(X, X); Θ(x, X)] (z[:n_train] − Y)``,
    a linear ODE integrated by classical RK4 with steps of at most ``dt`` (each interval between
    consecutive ``times`` is split evenly).  ``times`` must be finite and non-decreasing.
    Returns ``(f_test (T, n_test), f_train (T, n_train))``.
    """
    t = _times(times)
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise ValueError(f"times must be finite and non-decreasing for the ODE; got {t}")
    theta_dd = jnp.asarray(theta_dd, dtype=jnp.float64)
    theta_td = jnp.asarray(theta_td, dtype=jnp.float64)
    y = jnp.asarray(y_train, dtype=jnp.float64)
    m, n = theta_dd.shape[0], theta_td.shape[0]
    B = jnp.concatenate([theta_dd, theta_td], axis=0)                 # (m + n, m)
    M = -jnp.concatenate([B, jnp.zeros((m + n, n))], axis=1)          # (m + n, m + n)
    c = B @ y                                                          # (m + n,)
    z0 = jnp.concatenate([jnp.asarray(f0_train, dtype=jnp.float64),
                          jnp.asarray(f0_test, dtype=jnp.float64)])
    gaps = np.diff(np.concatenate([[0.0], t]))                         # (T,)
    n_steps = np.maximum(np.ceil(gaps / dt), 1).astype(np.int64)
    zs = _rk4_segments(z0, M, c, jnp.asarray(n_steps), jnp.asarray(gaps / n_steps))
    return zs[:, m:], zs[:, :m]


# --------------------------------------------------------------------------- GPs


class GPPrediction(NamedTuple):
    mean: jnp.ndarray                  # (..., n_test)
    std: jnp.ndarray                   # (..., n_test)
    cov: Optional[jnp.ndarray] = None  # (..., n_test, n_test) when asked for


def _std(cov):
    """Square root of the diagonal of ``cov`` (tiny negative round-off variances clipped to 0)."""
    return jnp.sqrt(jnp.clip(jnp.diagonal(cov, axis1=-2, axis2=-1), 0.0, None))


def ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, times, lr: Optional[float] = None,
           full_cov: bool = False) -> GPPrediction:
    """The NTK-GP of gradient flow at each time (Lee et al. 2019, eq. 16).

    With ``A_t`` from :func:`gd_operator`:
    ``μ_t = A_t Y`` and ``Σ_t = K(x,x) + A_t K(X,X) A_tᵀ − A_t K(X,x) − K(x,X) A_tᵀ``
    (the law of ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)`` when ``f_0 ~ GP(0, K)``).  ``t = ∞`` allowed;
    ``lr = η`` gives the NTK-GP of gradient descent after ``t/η`` steps instead.  ``k_tt`` is the
    full ``(n_test, n_test)`` block.
    Returns ``mean`` (T, n_test), ``std`` (T, n_test) and, with ``full_cov``,
    ``cov`` (T, n_test, n_test).
    """
    mean, std, cov = _ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, *_times_lr(times, lr))
    return GPPrediction(mean, std, cov if full_cov else None)


@partial(jax.jit, static_argnames=("lr",))
def _ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, times, lr):
    A = _gd_operator(theta_td, theta_dd, times, lr)                  # (T, n_test, n_train)
    k_td = jnp.asarray(k_td, dtype=jnp.float64)
    mean = A @ jnp.asarray(y_train, dtype=jnp.float64)               # (T, n_test)
    AK = A @ jnp.asarray(k_dd, dtype=jnp.float64)                    # (T, n_test, n_train)
    cross = A @ k_td.T                                               # (T, n_test, n_test)
    cov = (jnp.asarray(k_tt, dtype=jnp.float64)[None] + AK @ jnp.swapaxes(A, 1, 2)
           - cross - jnp.swapaxes(cross, 1, 2))                      # (T, n_test, n_test)
    return mean, _std(cov), cov


def nngp_posterior(k_tt, k_td, k_dd, y_train, full_cov: bool = False) -> GPPrediction:
    """Exact noise-free GP posterior with prior ``GP(0, K)`` (Neal 1994), by Cholesky.

    ``mean = K(x,X) K(X,X)⁻¹ Y``, ``cov = K(x,x) − K(x,X) K(X,X)⁻¹ K(X,x)``.
    Returns ``mean`` (n_test,), ``std`` (n_test,) and, with ``full_cov``, ``cov`` (n_test, n_test).
    """
    mean, std, cov = _nngp_posterior(k_tt, k_td, k_dd, y_train)
    return GPPrediction(mean, std, cov if full_cov else None)


@jax.jit
def _nngp_posterior(k_tt, k_td, k_dd, y_train):
    k_td = jnp.asarray(k_td, dtype=jnp.float64)
    k_dd = jnp.asarray(k_dd, dtype=jnp.float64)
    chol = cho_factor(0.5 * (k_dd + k_dd.T), lower=True)
    mean = k_td @ cho_solve(chol, jnp.asarray(y_train, dtype=jnp.float64))   # (n_test,)
    cov = jnp.asarray(k_tt, dtype=jnp.float64) - k_td @ cho_solve(chol, k_td.T)  # (n_test, n_test)
    cov = 0.5 * (cov + cov.T)
    return mean, _std(cov), cov


# --------------------------------------------------------------------------- finite networks


def gd_steps(times, lr: float) -> np.ndarray:
    """Gradient-descent step counts ``k = t/η`` of ``times``; the increments between them, ``(T,)``.

    ``times`` must be finite, non-negative, non-decreasing multiples of ``lr``.
    """
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number; got {lr!r}")
    t = np.atleast_1d(np.asarray(times, dtype=np.float64))
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"times must be a non-empty 1-D sequence; got shape {t.shape}")
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(np.diff(t) < 0):
        raise ValueError(f"times must be finite, non-negative and non-decreasing; got {t.tolist()}")
    k = t / lr
    bad = np.abs(k - np.round(k)) > 1e-9 * np.maximum(1.0, k)
    if np.any(bad):
        raise ValueError(f"times must be multiples of lr={lr} (time = steps × lr); "
                         f"not multiples: {t[bad].tolist()}")
    return np.diff(np.concatenate([[0], np.round(k).astype(np.int64)]))  # (T,)


def _gd_step(x_train, y_train, lr, arch):
    """One full-batch gradient-descent step on ``L = ½ Σᵢ (f(xᵢ) − yᵢ)²``, ``p ← p − lr ∇L``, as a
    ``fori_loop`` body ``step(i, p)``."""
    def loss(p):
        return 0.5 * jnp.sum((wide.apply_batch(p, x_train, arch) - y_train) ** 2)

    def step(_, p):
        g = jax.grad(loss)(p)
        return jax.tree_util.tree_map(lambda a, b: a - lr * b, p, g)

    return step


def _train_run(params, x_train, y_train, x_test, steps, lr, arch):
    """Full-batch GD on ``½ Σ (f − y)²`` for ``steps[k]`` more steps per segment, recording f.
    Returns ``(final params, f_test (T, n_test), f_train (T, n_train))``."""
    step = _gd_step(x_train, y_train, lr, arch)

    def segment(p, n):
        p = jax.lax.fori_loop(0, n, step, p)
        return p, (wide.apply_batch(p, x_test, arch), wide.apply_batch(p, x_train, arch))

    p_end, (f_test, f_train) = jax.lax.scan(segment, params, steps)
    return p_end, f_test, f_train


def _train_one(params, x_train, y_train, x_test, steps, lr, arch):
    """:func:`_train_run` without the final parameters: ``(f_test (T, n_test), f_train (T, n_train))``."""
    return _train_run(params, x_train, y_train, x_test, steps, lr, arch)[1:]


# Number of times the compiled trainers have been traced (tests check they are not re-traced).
TRACE_COUNTS = {"train_networks": 0, "train_seeds": 0}


@partial(jax.jit, static_argnames=("arch",))
def _train_networks(params0, x_train, y_train, x_test, steps, lr, arch):
    TRACE_COUNTS["train_networks"] += 1  # runs only while tracing
    return jax.vmap(lambda p: _train_one(p, x_train, y_train, x_test, steps, lr, arch))(params0)


@partial(jax.jit, static_argnames=("width", "arch", "chunk"))
def _train_seeds(keys, x_train, y_train, x_test, steps, lr, width, arch, chunk):
    TRACE_COUNTS["train_seeds"] += 1  # runs only while tracing

    def one(key):
        p = wide.init_params(key, width, arch)
        return _train_one(p, x_train, y_train, x_test, steps, lr, arch)

    # ``chunk`` networks at a time (vmapped), the chunks one after another: bounded memory.
    return jax.lax.map(one, keys, batch_size=chunk)


def train_networks(params0, x_train, y_train, x_test, times, lr: float,
                   arch: wide.MLP = wide.MLP()):
    """Train a batch of networks (pytree of params with a leading axis S) by full-batch GD.

    Gradient descent on ``½ Σᵢ (f(xᵢ) − yᵢ)²`` with learning rate ``lr``; ``f`` is recorded after
    ``t/lr`` steps for each ``t`` in ``times`` (multiples of ``lr``, non-decreasing).
    Returns ``(f_test (S, T, n_test), f_train (S, T, n_train))``.
    """
    steps = jnp.asarray(gd_steps(times, lr))
    return _train_networks(params0, _as_inputs(x_train), jnp.asarray(y_train, dtype=jnp.float64),
                           _as_inputs(x_test), steps, jnp.float64(lr), arch)


class NetworkRun(NamedTuple):
    f0_test: jnp.ndarray    # (n_test,)           f_0(x)
    f0_train: jnp.ndarray   # (n_train,)          f_0(X)
    theta0_td: jnp.ndarray  # (n_test, n_train)   empirical initial NTK Θ_0(x, X)
    theta0_dd: jnp.ndarray  # (n_train, n_train)  Θ_0(X, X)
    f_test: jnp.ndarray     # (T, n_test)         f_t(x) after t/lr GD steps
    f_train: jnp.ndarray    # (T, n_train)        f_t(X)
    theta_end_td: Optional[jnp.ndarray] = None  # (n_test, n_train)   empirical NTK after the last step
    theta_end_dd: Optional[jnp.ndarray] = None  # (n_train, n_train)
    theta_change: Optional[jnp.ndarray] = None  # (T,) ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over [x; X] × X at each time


@partial(jax.jit, static_argnames=("width", "arch"))
def _one_network(key, x_train, y_train, x_test, steps, lr, width, arch):
    p0 = wide.init_params(key, width, arch)
    both = jnp.concatenate([x_test, x_train])                       # (n_test + n_train, 1)
    f0 = wide.apply_batch(p0, both, arch)                           # (n_test + n_train,)
    theta0 = wide.mlp_ntk_structured(p0, both, x_train, arch)       # (n_test + n_train, n_train)
    step = _gd_step(x_train, y_train, lr, arch)

    def segment(p, n):
        # As _train_run, and the NTK's relative change at the end of each segment.
        p = jax.lax.fori_loop(0, n, step, p)
        th = wide.mlp_ntk_structured(p, both, x_train, arch)
        change = jnp.linalg.norm(th - theta0) / jnp.linalg.norm(theta0)
        return p, (wide.apply_batch(p, x_test, arch), wide.apply_batch(p, x_train, arch), change)

    p_end, (f_test, f_train, change) = jax.lax.scan(segment, p0, steps)
    theta_end = wide.mlp_ntk_structured(p_end, both, x_train, arch)  # (n_test + n_train, n_train)
    return f0, theta0, f_test, f_train, theta_end, change


def train_network(seed: int, width: int, x_train, y_train, x_test, times, lr: float,
                  arch: wide.MLP = wide.MLP()) -> NetworkRun:
    """One network ``init_params(PRNGKey(seed), width)``: its f_0, its empirical initial NTK (by
    :func:`ntkcore.wide.mlp_ntk_structured`), f after full-batch GD to each of ``times``, its
    empirical NTK after the last of them, and how far its NTK has moved at each of ``times``
    (``theta_change``, ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over the blocks [x; X] × X).

    One compiled program per width and data shape; returns :class:`NetworkRun` (asynchronously:
    the arrays are ready when first read).
    """
    steps = jnp.asarray(gd_steps(times, lr))
    xd, xt = _as_inputs(x_train), _as_inputs(x_test)
    f0, theta0, f_test, f_train, theta_end, change = _one_network(
        jax.random.PRNGKey(int(seed)), xd, jnp.asarray(y_train, dtype=jnp.float64), xt, steps,
        jnp.float64(lr), int(width), arch)
    n = xt.shape[0]
    return NetworkRun(f0[:n], f0[n:], theta0[:n], theta0[n:], f_test, f_train, theta_end[:n],
                      theta_end[n:], change)


class Ensemble(NamedTuple):
    curves: np.ndarray        # (S, T, n_test)  f_t(x) of every network
    train_curves: np.ndarray  # (S, T, n_train) f_t(X) of every network
    mean: np.ndarray          # (T, n_test)     mean over seeds
    std: np.ndarray           # (T, n_test)     standard deviation over seeds (ddof = 1)


def _chunk(width: int, arch: wide.MLP, budget: int = 1 << 19) -> int:
    """Networks per vmapped chunk: at most ~``budget`` parameters (4 MiB in float64) at once.

    With only a handful of training points each step is memory bound, so a chunk's weights should
    stay in cache: measured on 2 cores at width 512, 360 µs per network-step in chunks of 1–2,
    450 in chunks of 4, 800–900 in chunks of 8–32.  Narrow networks get large chunks (there the
    per-step overhead dominates and vmapping pays)."""
    n_params = 2 * width + (arch.depth - 1) * (width * width + width) + width + 1
    return max(1, budget // n_params)


def _dispatch_ensemble(x_train, y_train, x_test, times, width, seeds, lr, arch, chunk, parallel):
    """Start training the ensemble (asynchronously); returns ``(seeds, [(f_test, f_train), ...])``.

    The seeds are split into ``parallel`` equal groups (the last padded with extra seeds whose
    results are dropped), each one call of the same compiled program: XLA runs one such program on
    one core, and concurrently dispatched programs run side by side (measured ~2× on 2 cores).
    """
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else [int(v) for v in seeds]
    if len(seeds) < 2:
        raise ValueError(f"seeds must name at least 2 networks; got {seeds}")
    if not (isinstance(width, (int, np.integer)) and width >= 1):
        raise ValueError(f"width must be a positive integer; got {width!r}")
    steps = jnp.asarray(gd_steps(times, lr))
    if parallel is None:
        parallel = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parallel = max(1, min(int(parallel or 1), len(seeds)))
    group = -(-len(seeds) // parallel)
    padded = seeds + [max(seeds) + 1 + i for i in range(group * parallel - len(seeds))]
    chunk = max(1, min(group, _chunk(width, arch) if chunk is None else int(chunk)))
    args = (_as_inputs(x_train), jnp.asarray(y_train, dtype=jnp.float64), _as_inputs(x_test), steps,
            jnp.float64(lr), int(width), arch, chunk)
    futures = [_train_seeds(jnp.stack([jax.random.PRNGKey(v) for v in padded[i:i + group]]), *args)
               for i in range(0, len(padded), group)]
    return seeds, futures


def _collect_ensemble(seeds, futures) -> Ensemble:
    S = len(seeds)
    f_test = np.concatenate([np.asarray(f) for f, _ in futures])[:S]    # (S, T, n_test)
    f_train = np.concatenate([np.asarray(f) for _, f in futures])[:S]   # (S, T, n_train)
    return Ensemble(f_test, f_train, f_test.mean(axis=0), f_test.std(axis=0, ddof=1))


def train_ensemble(x_train, y_train, x_test, times, *, width: int, seeds: Union[int, Sequence[int]] = 64,
                   lr: float = 0.125, arch: wide.MLP = wide.MLP(), chunk: Optional[int] = None,
                   parallel: Optional[int] = None) -> Ensemble:
    """An ensemble of width-``width`` networks (``init_params(PRNGKey(seed))`` for each seed) trained
    by full-batch GD on ``½ Σ (f − y)²`` with learning rate ``lr``, recorded after ``t/lr`` steps for
    each ``t`` in ``times`` (non-decreasing multiples of ``lr``, else ``ValueError``).

    ``seeds``: a count (seeds ``0 … seeds−1``) or explicit seeds.  ``chunk`` networks are vmapped
    together (default: as many as keep ~4 MiB of weights in cache), ``parallel`` groups of seeds
    run concurrently (default: one per CPU core).  One compiled program per shape (seeds per
    group, width, data sizes, number of times, chunk): ``times`` and ``lr`` are data, not constants.
    Returns :class:`Ensemble`: ``curves`` (S, T, n_test), ``train_curves`` (S, T, n_train),
    ``mean``/``std`` (T, n_test) over seeds (``std`` with ddof = 1).
    """
    return _collect_ensemble(*_dispatch_ensemble(x_train, y_train, x_test, times, width, seeds, lr,
                                                 arch, chunk, parallel))


# --------------------------------------------------------------------------- the chapters

MAX_STEPS = 20_000   # gradient-descent steps to the last time (times[-1] / lr), at most


@dataclass(frozen=True)
class GPSettings:
    """The ``[gp]`` section of a settings file: what the kernel-GD and Gaussian-process chapters
    compute beyond :class:`~ntkcore.wide_experiments.WideSettings` (plain data).

    Every field is checked in ``__post_init__``, and only there; errors carry the field's path
    (``times[2]``).  Whether ``lr`` suits the architecture is checked by :func:`check_stable`.
    """

    # Gradient-flow times (0 first), ×4 apart.  Θ(X, X)'s eigenvalues on the default data are
    # 0.017, 0.031, 0.060, 1.9, 2.7: by t = 2 the two fast modes are gone (std away from the data
    # 1 → 0.1), then the slow ones converge; at t = 128 the NTK-GP is within 0.03 (mean) and 0.004
    # (std) of t = ∞ (at t = 32: 0.19 and 0.03).
    times: tuple = (0.0, 0.5, 2.0, 8.0, 32.0, 128.0)
    # GD learning rate of every finite network (time = steps × lr; 1024 steps to t = 128).
    # ηλ_max ≈ 0.34: the discrete-time NTK-GP differs from gradient flow by ≤ 0.063 at t = 0.5,
    # ≤ 0.007 at t = 2 and < 0.001 after (``ntk_gp_gd_*`` is the exact discrete counterpart).
    lr: float = 0.125
    ensemble_width: int = 512
    ensemble_seeds: int = 64
    ensemble_curves: int = 20          # individual networks kept for drawing (at most ensemble_seeds)
    # "One network vs kernel GD": a narrow and a wide network from one seed (increasing widths;
    # the chapter draws the first and the last).  1024 rather than 2048: a 2048² float64 layer
    # (32 MiB) leaves the CPU cache and costs ~6× more per step.  Width 8: by t = 128 its NTK has
    # changed by ~6× its own size (width 1024: 2 %), so it visibly leaves kernel GD.
    net_widths: tuple = (8, 1024)
    net_seed: int = 0
    # Test inputs per unit of the post's x (4: a step of 0.25), plus the training inputs.
    samples_per_unit: int = 4

    def __post_init__(self):
        """Every field is checked here, and only here; errors carry the field's path."""
        lr = number(("lr",), self.lr, lo=0, hi=1, lo_open=True)
        object.__setattr__(self, "lr", float(lr))
        what = "3 to 8 increasing times from 0 (the first), each a multiple of lr"
        ts = numbers(("times",), self.times, min_length=3, max_length=8, lo=0, what=what)
        if ts[0] != 0:
            raise SettingsError(("times", 0), f"must be 0 (the chapters start at initialization); got {ts[0]!r}")
        for i in range(1, len(ts)):
            if ts[i] <= ts[i - 1]:
                raise SettingsError(("times", i), f"must be larger than the time before ({ts[i - 1]!r}); "
                                    f"got {ts[i]!r}")
            k = ts[i] / lr
            if abs(k - round(k)) > 1e-9 * max(1.0, k):
                raise SettingsError(("times", i), f"must be a multiple of lr = {lr!r} (time = steps × lr); "
                                    f"got {ts[i]!r}")
        if round(ts[-1] / lr) > MAX_STEPS:
            raise SettingsError(("times", len(ts) - 1), f"is {round(ts[-1] / lr)} steps of lr = {lr!r}; "
                                f"at most {MAX_STEPS} steps are allowed")
        object.__setattr__(self, "times", tuple(float(t) for t in ts))
        number(("ensemble_width",), self.ensemble_width, lo=1, hi=2048, integer=True)
        number(("ensemble_seeds",), self.ensemble_seeds, lo=2, hi=256, integer=True)
        number(("ensemble_curves",), self.ensemble_curves, lo=1, hi=64, integer=True)
        ws = numbers(("net_widths",), self.net_widths, min_length=2, max_length=4, integer=True, lo=1,
                     hi=4096, what="2 to 4 increasing integer widths from 1 to 4096")
        if any(b <= a for a, b in zip(ws, ws[1:])):
            raise SettingsError(("net_widths",), f"must be increasing; got {list(ws)}")
        object.__setattr__(self, "net_widths", tuple(ws))
        number(("net_seed",), self.net_seed, lo=0, hi=2 ** 31 - 1, integer=True)
        number(("samples_per_unit",), self.samples_per_unit, lo=1, hi=20, integer=True)


def gp_inputs(s: WideSettings, g: GPSettings = GPSettings()) -> np.ndarray:
    """The chapters' test inputs in the post's units, ``(n,)``: ``samples_per_unit`` per unit of x
    over ``s.x_range``, and every training input (so the curves pass through the data), sorted."""
    lo, hi = s.x_range
    x = np.linspace(lo, hi, (hi - lo) * g.samples_per_unit + 1)
    return np.union1d(np.round(x, 12), np.asarray(s.train_x, dtype=np.float64))


def lambda_max(s: WideSettings) -> float:
    """Largest eigenvalue of the infinite-width NTK Θ(X, X) on the training inputs (network units)."""
    x = _as_inputs(s.scaled(s.train_x))
    kb = analytic_kernels(x, x, s.arch)
    return float(np.linalg.eigvalsh(np.asarray(kb.theta_dd)).max())


def check_stable(s: WideSettings, g: GPSettings) -> None:
    """``g.lr`` with ``s``'s architecture and data: gradient descent moves each eigendirection of Θ
    by the factor ``1 − ηλ`` per step, so ``η λ_max ≤ 1`` keeps every direction converging without
    overshoot (the infinite-width picture the chapters draw).  :class:`SettingsError` at ``lr``."""
    lam = lambda_max(s)
    if g.lr * lam > 1.0:
        raise SettingsError(("lr",), f"must be at most {1.0 / lam:.4g} with these [wide] settings "
                            f"(lr × {lam:.4g}, the largest eigenvalue of the NTK on the training inputs, "
                            f"must be ≤ 1); got {g.lr!r}")


def gp_numbers(s: WideSettings = WideSettings(), g: GPSettings = GPSettings(), rbf=None, progress=None) -> dict:
    """Everything the GP chapters draw, on the chapters' data (y in scaled units, x in network units).

    Keys (T = len(times), n test inputs (:func:`gp_inputs`), m training points, W = len(net_widths),
    C = min(ensemble_curves, ensemble_seeds)):

    * ``x_grid`` (n,) post units; ``x_test`` (n,), ``x_train``/``y_train`` (m,), ``times`` (T,);
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
      (:func:`largest_kernel_gd_jump`);
    * ``ens_mean``/``ens_std`` (T, n), ``ens_curves`` (C, T, n), ``ens_width``, ``ens_seeds``, ``lr``;
      ``ens_kgd_inf`` (C, n): kernel GD to t = ∞ with the analytic Θ from each drawn network's f_0,
      ``f_0(x) + Θ(x,X) Θ(X,X)⁻¹ (Y − f_0(X))``;
    * ``seconds`` () wall time.

    What the numbers show on the default data: up to t ≈ 8 the width-512 ensemble sits on the
    NTK-GP (within its Monte Carlo error); later it lags behind in the slowest directions (mean off
    by ≈ 0.1 near x = 10 at t = 128).  Those modes have λ ≈ 0.017, 160× below λ_max, and training
    itself roughly halves the smallest empirical-NTK eigenvalue even at width 4096 (a 1–3 % change
    of Θ in Frobenius norm), so "lazy" needs far wider networks for them than for the fast modes.
    """
    t0 = _time.perf_counter()
    arch = s.arch
    xt_raw, yt_raw = s.train_data(rbf)
    x_train = jnp.asarray(s.scaled(xt_raw))
    y_train = jnp.asarray((yt_raw - s.y_shift) / s.y_scale)
    x_grid = gp_inputs(s, g)
    x_test = jnp.asarray(s.scaled(x_grid))
    times = jnp.asarray(g.times, dtype=jnp.float64)

    # Start every network training first (asynchronous dispatch: they share the cores), then do
    # the closed forms while they run.
    nets = [train_network(g.net_seed, w, x_train, y_train, x_test, times, g.lr, arch)
            for w in g.net_widths]
    ens_job = _dispatch_ensemble(x_train, y_train, x_test, times, g.ensemble_width, g.ensemble_seeds,
                                 g.lr, arch, None, None)

    kb = analytic_kernels(x_test, x_train, arch)
    cols = analytic_kernels(x_test, s.scaled([s.x_obs]), arch)
    nngp = nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, y_train)
    gp_args = (kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, y_train)
    gp_t = ntk_gp(*gp_args, times)
    gp_inf = ntk_gp(*gp_args, [jnp.inf])
    gp_gd = ntk_gp(*gp_args, times, lr=g.lr)

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
    ens = _collect_ensemble(*ens_job)
    C = min(g.ensemble_curves, g.ensemble_seeds)
    A_inf = gd_operator(kb.theta_td, kb.theta_dd, [jnp.inf])[0]                  # (n, m)
    # times[0] = 0, so the recorded first curves are each network's f_0.
    ens_kgd_inf = ens.curves[:C, 0] - (ens.train_curves[:C, 0] - np.asarray(y_train)) @ np.asarray(A_inf).T
    out = {
        "x_grid": x_grid, "x_test": x_test, "x_train": x_train, "y_train": y_train, "times": times,
        "x_train_post": xt_raw,
        "x_obs": s.x_obs, "nngp_col": cols.k_td[:, 0], "ntk_col": cols.theta_td[:, 0],
        "prior_std": jnp.sqrt(jnp.diag(kb.k_tt)),
        "nngp_mean": nngp.mean, "nngp_std": nngp.std,
        "ntk_gp_mean": gp_t.mean, "ntk_gp_std": gp_t.std,
        "ntk_gp_inf_mean": gp_inf.mean[0], "ntk_gp_inf_std": gp_inf.std[0],
        "ntk_gp_gd_mean": gp_gd.mean, "ntk_gp_gd_std": gp_gd.std,
        "net_widths": np.asarray(g.net_widths),
        "net_f": jnp.stack([r.f_test for r in nets]),
        "net_f_train": jnp.stack([r.f_train for r in nets]),
        "net_kgd_analytic": jnp.stack(kgd_a), "net_kgd_empirical": jnp.stack(kgd_e),
        "net_theta0_vs_analytic": np.array([relative_frobenius(t, theta_inf) for t in theta0]),
        "net_theta_change": np.array([relative_frobenius(e, t) for e, t in zip(theta_end, theta0)]),
        "net_theta_change_t": jnp.stack([r.theta_change for r in nets]),
        "net_jump_x": np.array([j[0] for j in jumps]), "net_jump": np.stack([j[1] for j in jumps]),
        "ens_mean": ens.mean, "ens_std": ens.std, "ens_curves": ens.curves[:C],
        "ens_kgd_inf": ens_kgd_inf,
        "ens_width": g.ensemble_width, "ens_seeds": g.ensemble_seeds, "lr": g.lr,
    }
    out = {k: np.asarray(v) for k, v in out.items()}
    out["seconds"] = np.asarray(_time.perf_counter() - t0)
    return out


# --------------------------------------------------------------------------- facts the captions state


def relative_frobenius(a, b) -> float:
    """``‖a − b‖_F / ‖b‖_F``: how far matrix ``a`` is from the reference ``b``, relative to ``b``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def largest_gap(a, b) -> tuple[int, float]:
    """Where two curves on the same inputs lie farthest apart: ``(i, |a_i − b_i|)`` with i the
    argmax of ``|a − b|`` (``a``, ``b`` of shape (n,))."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))
    i = int(np.argmax(d))
    return i, float(d[i])


def gaps_over_time(f, g) -> np.ndarray:
    """``max_x |f_t(x) − g_t(x)|`` at each time: ``f``, ``g`` of shape (T, n) → (T,)."""
    return np.abs(np.asarray(f, dtype=np.float64) - np.asarray(g, dtype=np.float64)).max(axis=-1)


def rms_gaps_over_time(f, g) -> np.ndarray:
    """Root-mean-square distance ``sqrt(mean_x (f_t(x) − g_t(x))²)`` over the inputs, at each time:
    ``f``, ``g`` of shape (T, n) → (T,).  (The gap measure of the wide-training chapter.)"""
    d = np.asarray(f, dtype=np.float64) - np.asarray(g, dtype=np.float64)
    return np.sqrt((d ** 2).mean(axis=-1))


def activation_switches(params, lo: float, hi: float, arch: wide.MLP = wide.MLP(), n: int = 4001) -> np.ndarray:
    """The inputs ``u`` in ``[lo, hi]`` (network units, 1-D input) at which some hidden unit of the
    network ``params`` switches on or off (its pre-activation ``z`` crosses 0), sorted, ``(S,)``.

    Found as sign changes of every hidden ``z`` on ``n`` evenly spaced inputs, each refined by
    bisection to ~1e-15.  There ReLU′(z) steps between 0 and 1, so a *finite* network's NTK, which
    contains ReLU′(z(x)) factors, is discontinuous in x (f itself is continuous).
    """
    u = np.linspace(lo, hi, n)

    def pre(us):
        _, _, zs = wide._forward(params, jnp.asarray(us, dtype=jnp.float64)[:, None], arch)
        return [np.asarray(z) for z in zs[:-1]]                 # hidden layers: (len(us), width) each

    found = []
    for layer, z in enumerate(pre(u)):
        cell, unit = np.nonzero(np.sign(z[:-1]) * np.sign(z[1:]) < 0)
        if cell.size == 0:
            continue
        a, b = u[cell], u[cell + 1]
        za = z[cell, unit]
        for _ in range(60):
            mid = 0.5 * (a + b)
            zm = pre(mid)[layer][np.arange(mid.size), unit]
            left = np.sign(zm) == np.sign(za)
            a, za, b = np.where(left, mid, a), np.where(left, zm, za), np.where(left, b, mid)
        found.append(0.5 * (a + b))
    return np.sort(np.concatenate(found)) if found else np.zeros(0)


def kernel_gd_across(params, points, x_train, y_train, times, lr: Optional[float] = None,
                     arch: wide.MLP = wide.MLP(), eps: float = 1e-7) -> np.ndarray:
    """How much kernel GD with the network's own initial NTK Θ_0 jumps across each of ``points``
    (network units): ``f_t(p + eps) − f_t(p − eps)`` for ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)``,
    ``A_t`` from Θ_0 (:func:`gd_operator`).  Returns ``(T, len(points))``.

    At an input where a hidden unit switches (:func:`activation_switches`) this stays finite as
    ``eps → 0`` (a jump: Θ_0(x, X) is discontinuous there); elsewhere it goes to 0 with ``eps``.
    """
    p = np.asarray(points, dtype=np.float64)
    xd = _as_inputs(x_train)
    both = _as_inputs(np.concatenate([p - eps, p + eps]))                  # (2S, 1)
    th_td = wide.mlp_ntk_structured(params, both, xd, arch)               # (2S, m)
    th_dd = wide.mlp_ntk_structured(params, xd, xd, arch)                 # (m, m)
    f = kernel_gd(th_td, th_dd, wide.apply_batch(params, both, arch), wide.apply_batch(params, xd, arch),
                  y_train, times, lr)                                      # (T, 2S)
    f = np.asarray(f)
    return f[:, p.size:] - f[:, :p.size]


def largest_kernel_gd_jump(seed: int, width: int, x_train, y_train, times, lr: Optional[float],
                           lo: float, hi: float, arch: wide.MLP = wide.MLP()) -> tuple[float, np.ndarray]:
    """Network ``init_params(PRNGKey(seed), width)``: of the inputs in ``[lo, hi]`` where a hidden
    unit switches, the one across which kernel GD with its initial NTK jumps most at the last of
    ``times``: ``(u, jump (T,))`` (``(nan, zeros)`` if no unit switches there)."""
    params = wide.init_params(jax.random.PRNGKey(int(seed)), int(width), arch)
    sw = activation_switches(params, lo, hi, arch)
    if sw.size == 0:
        return float("nan"), np.zeros(len(np.atleast_1d(times)))
    jumps = kernel_gd_across(params, sw, x_train, y_train, times, lr, arch)    # (T, S)
    i = int(np.argmax(np.abs(jumps[-1])))
    return float(sw[i]), jumps[:, i]


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


def _floats(a) -> list:
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


def gp_report(s: WideSettings = WideSettings(), g: GPSettings = GPSettings(), rbf=None) -> dict:
    """The GP chapter's infinite-width numbers as plain JSON-able lists (no networks trained).

    ``x_train``/``y_train``/``x_test`` in network units (targets as trained on; ``x_test`` from
    :func:`gp_inputs`), ``times`` (finite, 0 first), ``nngp_posterior`` mean/std over ``x_test``,
    ``ntk_gp`` mean/std (one row per time), ``ntk_gp_infinite_time`` mean/std.
    """
    arch = s.arch
    xt_raw, yt_raw = s.train_data(rbf)
    x_train = s.scaled(xt_raw)
    y_train = (yt_raw - s.y_shift) / s.y_scale
    x_test = s.scaled(gp_inputs(s, g))
    kb = analytic_kernels(x_test, x_train, arch)
    nngp = nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, y_train)
    gp_t = ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, y_train, g.times)
    gp_inf = ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, y_train, [jnp.inf])
    return {
        "architecture": {"depth": arch.depth, "w_std": float(arch.w_std), "b_std": float(arch.b_std),
                         "readout_w_std": float(arch.readout_w_std),
                         "readout_b_std": float(arch.readout_b_std)},
        "x_train": _floats(x_train), "y_train": _floats(y_train), "x_test": _floats(x_test),
        "times": _floats(g.times),
        "nngp_posterior": {"mean": _floats(nngp.mean), "std": _floats(nngp.std)},
        "ntk_gp": {"mean": [_floats(r) for r in gp_t.mean], "std": [_floats(r) for r in gp_t.std]},
        "ntk_gp_infinite_time": {"mean": _floats(gp_inf.mean[0]), "std": _floats(gp_inf.std[0])},
    }
