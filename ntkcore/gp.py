"""Infinite-width predictions of gradient-descent training: kernel GD, the NTK-GP and the NNGP.

For the ReLU MLP of :mod:`ntkcore.wide` (NTK parametrization) let ``K`` be the NNGP kernel and
``Θ`` the NTK (:func:`ntkcore.wide.relu_kernels`), ``(X, Y)`` the training data (``n_train``
points, noise-free targets) and ``x`` the test inputs (``n_test`` points).  Inputs are the
network's: ``(n, d)`` arrays (``(n,)``: one feature); the chapters' are the points
``(cos(πu/2), sin(πu/2))`` of :func:`ntkcore.wide.embed`.  Training minimises
``L = ½ Σᵢ (f(xᵢ) − yᵢ)²`` by gradient flow with unit rate; in the infinite-width limit the
network moves in function space by *kernel gradient descent* (Jacot et al. 2018):

    df_t(X)/dt = −Θ(X, X) (f_t(X) − Y),        df_t(x)/dt = −Θ(x, X) (f_t(X) − Y),

    f_t(x) = f_0(x) − A_t (f_0(X) − Y),    A_t = Θ(x, X) Θ(X, X)⁻¹ (I − e^{−Θ(X,X) t}).

With ``Θ(X, X) = V diag(λ) Vᵀ`` this is ``A_t = Θ(x, X) V diag(g_t(λ)) Vᵀ`` with
``g_t(λ) = (1 − e^{−λt}) / λ`` (→ ``1/λ`` at ``t = ∞``); no inverse is ever formed.  Full-batch
gradient descent with learning rate ``η`` for ``k = t/η`` steps replaces ``e^{−λt}`` by
``(1 − ηλ)^k`` (``lr=`` below).  At ``t = ∞`` kernel GD is kernel regression,
``f(x) = f_0(x) + Θ(x, X) Θ(X, X)⁻¹ (Y − f_0(X))`` (:func:`kernel_regression`).

Since ``f_0 ~ GP(0, K)`` at infinite width and ``f_t`` is linear in ``f_0``, the trained network is a
Gaussian process too, the *NTK-GP* (Lee et al. 2019, eq. 16):

    μ_t(x)  = A_t Y,
    Σ_t(x)  = K(x, x) + A_t K(X, X) A_tᵀ − A_t K(X, x) − K(x, X) A_tᵀ.

The *NNGP posterior* (Neal 1994; exact Bayesian inference with prior ``GP(0, K)``, noise free) is

    mean = K(x, X) K(X, X)⁻¹ Y,    cov = K(x, x) − K(x, X) K(X, X)⁻¹ K(X, x),

which is the NTK-GP at ``t = ∞`` with ``Θ`` replaced by ``K``; with ``Θ ≠ K`` the two differ.

Every kernel entry comes by one route: one Gram matrix of the inputs ``[x; X]``, sliced into
blocks (:func:`analytic_kernels`), so an entry of ``Θ(x, X)`` at a training input is the same
number as in ``Θ(X, X)`` and the NTK-GP interpolates its training points at ``t = ∞``.
:func:`gp_predict` is the whole path, inputs to both processes, as one compiled function.

Everything is a pure function of its arguments (float64; no files, no caches).
"""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.linalg import cho_factor, cho_solve

from . import wide

# --------------------------------------------------------------------------- kernels


class KernelBlocks(NamedTuple):
    """Analytic infinite-width Gram blocks between test inputs x and training inputs X."""

    k_tt: jnp.ndarray      # (n_test, n_test)   K(x, x)
    k_td: jnp.ndarray      # (n_test, n_train)  K(x, X)
    k_dd: jnp.ndarray      # (n_train, n_train) K(X, X)
    theta_tt: jnp.ndarray  # (n_test, n_test)   Θ(x, x)
    theta_td: jnp.ndarray  # (n_test, n_train)  Θ(x, X)
    theta_dd: jnp.ndarray  # (n_train, n_train) Θ(X, X)


def _as_inputs(x) -> np.ndarray:
    """``(n,)`` or ``(n, d)`` inputs as a float64 ``(n, d)`` array."""
    x = np.asarray(x, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def _kernel_blocks(xt, xd, arch: wide.MLP) -> KernelBlocks:
    """The blocks of one Gram matrix of ``[x; X]`` (traceable)."""
    n = xt.shape[0]
    k, theta = wide.relu_kernels(jnp.concatenate([xt, xd]), None, *arch)   # (n + m, n + m) each
    return KernelBlocks(k[:n, :n], k[:n, n:], k[n:, n:], theta[:n, :n], theta[:n, n:], theta[n:, n:])


def analytic_kernels(x_test, x_train, arch: wide.MLP = wide.MLP()) -> KernelBlocks:
    """NNGP ``K`` and NTK ``Θ`` blocks of ``arch`` at infinite width (see :class:`KernelBlocks`),
    all sliced from one Gram matrix of ``[x_test; x_train]``."""
    return _analytic_kernels(_as_inputs(x_test), _as_inputs(x_train), arch)


_analytic_kernels = jax.jit(_kernel_blocks, static_argnames=("arch",))


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


def kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, times, lr: Optional[float] = None):
    """Kernel GD at test inputs: ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)``.  Returns ``(T, n_test)``.

    ``A_t`` from :func:`gd_operator`; ``f0_test`` (n_test,), ``f0_train``/``y_train`` (n_train,).
    At the training inputs themselves (``theta_td = theta_dd``) this is
    ``f_t(X) = Y + e^{−Θ(X,X) t} (f_0(X) − Y)``.
    """
    return _kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, *_times_lr(times, lr))


@partial(jax.jit, static_argnames=("lr",))
def _kernel_gd(theta_td, theta_dd, f0_test, f0_train, y_train, times, lr):
    A = _gd_operator(theta_td, theta_dd, times, lr)             # (T, n_test, n_train)
    r0 = jnp.asarray(f0_train, dtype=jnp.float64) - jnp.asarray(y_train, dtype=jnp.float64)
    return jnp.asarray(f0_test, dtype=jnp.float64)[None, :] - A @ r0   # (T, n_test)


def kernel_regression(k_td, k_dd, y_train, f0_test=None, f0_train=None):
    """Kernel gradient descent run to convergence (:func:`kernel_gd` at ``t = ∞``):

    ``f(x) = f_0(x) + k(x, X) k(X, X)⁻¹ (Y − f_0(X))`` (``f_0 = 0`` when not given).  Returns ``(n_test,)``.
    """
    f0_test = np.zeros(np.shape(k_td)[0]) if f0_test is None else f0_test
    f0_train = np.zeros(np.shape(k_dd)[0]) if f0_train is None else f0_train
    return kernel_gd(k_td, k_dd, f0_test, f0_train, y_train, [np.inf])[0]


# --------------------------------------------------------------------------- GPs


class GPPrediction(NamedTuple):
    mean: jnp.ndarray                  # (..., n_test)
    std: jnp.ndarray                   # (..., n_test)
    cov: Optional[jnp.ndarray] = None  # (..., n_test, n_test) when asked for


def _std(var):
    """Square root of variances (tiny negative round-off variances clipped to 0)."""
    return jnp.sqrt(jnp.clip(var, 0.0, None))


def _quadratic_diag(P, M, Q):
    """``diag(P M Qᵀ)`` over the last two axes: ``P``, ``Q`` (..., n, m), ``M`` (m, m) → (..., n)."""
    return jnp.einsum("...ij,jk,...ik->...i", P, M, Q)


def ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, times, lr: Optional[float] = None,
           full_cov: bool = False) -> GPPrediction:
    """The NTK-GP of gradient flow at each time (Lee et al. 2019, eq. 16).

    With ``A_t`` from :func:`gd_operator`:
    ``μ_t = A_t Y`` and ``Σ_t = K(x,x) + A_t K(X,X) A_tᵀ − A_t K(X,x) − K(x,X) A_tᵀ``
    (the law of ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)`` when ``f_0 ~ GP(0, K)``).  ``t = ∞`` allowed;
    ``lr = η`` gives the NTK-GP of gradient descent after ``t/η`` steps instead.  ``k_tt`` is the
    full ``(n_test, n_test)`` block.
    Returns ``mean`` (T, n_test), ``std`` (T, n_test) and, with ``full_cov``,
    ``cov`` (T, n_test, n_test) (without it only the variances are computed).
    """
    return GPPrediction(*_ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, *_times_lr(times, lr), full_cov))


@partial(jax.jit, static_argnames=("lr", "full_cov"))
def _ntk_gp(k_tt, k_td, k_dd, theta_td, theta_dd, y_train, times, lr, full_cov):
    """``k_tt`` (n, n), or with ``full_cov = False`` its diagonal (n,) suffices."""
    A = _gd_operator(theta_td, theta_dd, times, lr)                  # (T, n_test, n_train)
    k_tt, k_td, k_dd = (jnp.asarray(k, dtype=jnp.float64) for k in (k_tt, k_td, k_dd))
    mean = A @ jnp.asarray(y_train, dtype=jnp.float64)               # (T, n_test)
    if not full_cov:
        k_diag = k_tt if k_tt.ndim == 1 else jnp.diagonal(k_tt)       # (n_test,)
        var = k_diag[None] + _quadratic_diag(A, k_dd, A) - 2 * jnp.einsum("tij,ij->ti", A, k_td)
        return mean, _std(var), None                                 # (T, n_test) each
    cross = A @ k_td.T                                               # (T, n_test, n_test)
    cov = k_tt[None] + A @ k_dd @ jnp.swapaxes(A, 1, 2) - cross - jnp.swapaxes(cross, 1, 2)
    return mean, _std(jnp.diagonal(cov, axis1=1, axis2=2)), cov      # (T, n_test), (T, n_test, n_test)


def nngp_posterior(k_tt, k_td, k_dd, y_train, full_cov: bool = False) -> GPPrediction:
    """Exact noise-free GP posterior with prior ``GP(0, K)`` (Neal 1994), by Cholesky.

    ``mean = K(x,X) K(X,X)⁻¹ Y``, ``cov = K(x,x) − K(x,X) K(X,X)⁻¹ K(X,x)``.
    Returns ``mean`` (n_test,), ``std`` (n_test,) and, with ``full_cov``, ``cov`` (n_test, n_test).
    """
    return GPPrediction(*_nngp_posterior(k_tt, k_td, k_dd, y_train, full_cov))


@partial(jax.jit, static_argnames=("full_cov",))
def _nngp_posterior(k_tt, k_td, k_dd, y_train, full_cov):
    """``k_tt`` (n, n), or with ``full_cov = False`` its diagonal (n,) suffices."""
    k_tt, k_td, k_dd = (jnp.asarray(k, dtype=jnp.float64) for k in (k_tt, k_td, k_dd))
    chol = cho_factor(0.5 * (k_dd + k_dd.T), lower=True)
    mean = k_td @ cho_solve(chol, jnp.asarray(y_train, dtype=jnp.float64))   # (n_test,)
    w = cho_solve(chol, k_td.T)                                              # (n_train, n_test) K(X,X)⁻¹ K(X,x)
    if not full_cov:
        k_diag = k_tt if k_tt.ndim == 1 else jnp.diagonal(k_tt)               # (n_test,)
        return mean, _std(k_diag - jnp.einsum("ij,ji->i", k_td, w)), None
    cov = k_tt - k_td @ w
    cov = 0.5 * (cov + cov.T)                                                # (n_test, n_test)
    return mean, _std(jnp.diagonal(cov)), cov


# --------------------------------------------------------------------------- the whole path


class GPPredictions(NamedTuple):
    nngp: GPPrediction      # the NNGP posterior: mean, std (n_test,), cov (n_test, n_test) if asked
    ntk: GPPrediction       # the NTK-GP: mean, std (T, n_test), cov (T, n_test, n_test) if asked


def gp_predict(x_test, x_train, y_train, times, arch: wide.MLP = wide.MLP(), lr: Optional[float] = None,
               full_cov: bool = False) -> GPPredictions:
    """The infinite-width network ``arch`` trained on ``(x_train, y_train)``, at ``x_test``: the
    NNGP posterior and the NTK-GP at each of ``times`` (``t = ∞`` allowed; ``lr = η``: gradient
    descent, as :func:`ntk_gp`).

    Inputs ``(n,)`` or ``(n, d)``.  One compiled function (per shape, ``arch``, ``lr`` and
    ``full_cov``) from the inputs to both processes.  Every kernel entry by one route: ``K`` and ``Θ``
    of ``[x_test; x_train]`` against ``x_train`` are rows of one Gram matrix, and ``K(x, x)`` is
    its diagonal (identical inputs; :func:`ntkcore.wide.relu_kernels`), or with ``full_cov`` the
    whole Gram matrix of ``[x_test; x_train]`` (:func:`analytic_kernels`).
    """
    t, lr = _times_lr(times, lr)
    nngp, ntk = _gp_predict(_as_inputs(x_test), _as_inputs(x_train), np.asarray(y_train, dtype=np.float64),
                            t, lr, arch, bool(full_cov))
    return GPPredictions(GPPrediction(*nngp), GPPrediction(*ntk))


def _gp_kernels(xt, xd, arch: wide.MLP, full_cov: bool) -> KernelBlocks:
    """The blocks both processes need (traceable); without ``full_cov``, ``k_tt`` and ``theta_tt``
    are only the diagonals ``(n_test,)``: each entry ``x = x'`` alone, the diagonal closed form."""
    if full_cov:
        return _kernel_blocks(xt, xd, arch)
    n = xt.shape[0]
    k, theta = wide.relu_kernels(jnp.concatenate([xt, xd]), xd, *arch)            # (n + m, m) each
    k_tt, theta_tt = jax.vmap(lambda u: wide.relu_kernels(u[None], u[None], *arch))(xt)   # (n, 1, 1) each
    return KernelBlocks(k_tt[:, 0, 0], k[:n], k[n:], theta_tt[:, 0, 0], theta[:n], theta[n:])


@partial(jax.jit, static_argnames=("lr", "arch", "full_cov"))
def _gp_predict(xt, xd, y_train, times, lr, arch, full_cov):
    kb = _gp_kernels(xt, xd, arch, full_cov)
    nngp = _nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, y_train, full_cov)
    ntk = _ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, y_train, times, lr, full_cov)
    return nngp, ntk
