"""Training finite-width networks: one trainer, full-batch gradient descent on the squared error.

Every network the chapters train is the ReLU MLP of :mod:`ntkcore.wide` on ``m`` training points
``(X, Y)`` (network inputs ``X`` (m, d): the chapters' are :func:`ntkcore.wide.embed`'s points on the
half circle, d = 2), trained by full-batch gradient descent with learning rate ``η`` on

    L(p) = ½ Σᵢ (f(xᵢ; p) − yᵢ)²,        p_{k+1} = p_k − η ∇L(p_k).

:func:`gd_run` is that trainer: it runs ``steps[s]`` more steps in each segment ``s`` and records
``observe(p)`` at the end of each.  Everything else here calls it inside one compiled program:

* :func:`train_snapshots`: one network, its parameters after each of some step counts;
* :func:`train_network`: one network from a seed, with f and its empirical NTK along the way;
* :func:`train_ensemble`: many networks from many seeds (vmapped in chunks, groups of seeds in
  parallel), with f at each time.

In all of them the learning rate, the data and the step counts are arguments, not constants: one
compiled program per shape.  Times are ``t = k·η`` after ``k`` steps (so that gradient descent
approximates the gradient flow ``dp/dt = −∇L``).
"""

from __future__ import annotations

import math
import os
from functools import partial
from typing import NamedTuple, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from . import wide


def mse(params, x_train, y_train, arch: wide.MLP):
    """``L = ½ Σᵢ (f(xᵢ) − yᵢ)²`` over the training points ``x_train`` (m, d), ``y_train`` (m,)."""
    return 0.5 * jnp.sum((wide.apply_batch(params, x_train, arch) - y_train) ** 2)


def gd_run(params, x_train, y_train, lr, steps, arch: wide.MLP, observe):
    """Full-batch gradient descent ``p ← p − lr ∇L(p)`` on :func:`mse`, ``steps[s]`` steps in each
    segment ``s`` (``steps`` (S,) integers, 0 allowed), recording ``observe(p)`` after each segment.

    Pure and traceable (no ``jit`` of its own: its callers compile it whole).  Returns
    ``(parameters after the last segment, observe(p) stacked over the segments (S, ...))``.
    """
    def step(_, p):
        g = jax.grad(mse)(p, x_train, y_train, arch)
        return jax.tree_util.tree_map(lambda a, b: a - lr * b, p, g)

    def segment(p, n):
        p = jax.lax.fori_loop(0, n, step, p)
        return p, observe(p)

    return jax.lax.scan(segment, params, steps)


def _as_inputs(x) -> np.ndarray:
    """Network inputs as a float64 ``(n, d)`` array (``(n,)``: one feature)."""
    x = np.asarray(x, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def _positive_lr(lr) -> float:
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number; got {lr!r}")
    return float(lr)


def gd_steps(times, lr: float) -> np.ndarray:
    """Gradient-descent step counts ``k = t/η`` of ``times``; the increments between them, ``(T,)``.

    ``times`` must be finite, non-negative, non-decreasing multiples of ``lr``.
    """
    lr = _positive_lr(lr)
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


# --------------------------------------------------------------------------- one network


@partial(jax.jit, static_argnames=("arch",))
def _snapshots(params, x_train, y_train, lr, steps, arch):
    return gd_run(params, x_train, y_train, lr, steps, arch, lambda p: p)[1]


def train_snapshots(params, x_train, y_train, lr: float, at_steps, arch: wide.MLP = wide.MLP()):
    """The network ``params`` after each of ``at_steps`` (non-decreasing step counts, 0 allowed)
    of full-batch gradient descent with learning rate ``lr``: one uninterrupted run.

    Returns the parameters with a leading axis ``len(at_steps)`` (``[(W (K, …), b (K, …)), ...]``);
    one compiled program per shape and ``len(at_steps)``.
    """
    at = np.asarray(at_steps, dtype=np.int64)
    if at.ndim != 1 or at.size == 0 or np.any(at < 0) or np.any(np.diff(at) < 0):
        raise ValueError(f"at_steps must be non-decreasing step counts from 0; got {at.tolist()}")
    steps = np.diff(np.concatenate([[0], at]))                                  # (K,)
    return _snapshots(params, _as_inputs(x_train), np.asarray(y_train, dtype=np.float64),
                      np.float64(_positive_lr(lr)), steps, arch)


def snapshot(params, k: int):
    """The ``k``-th network of parameters with a leading axis (e.g. :func:`train_snapshots`)."""
    return jax.tree_util.tree_map(lambda a: a[k], params)


class NetworkRun(NamedTuple):
    f0_test: jnp.ndarray    # (n_test,)           f_0(x)
    f0_train: jnp.ndarray   # (n_train,)          f_0(X)
    theta0_td: jnp.ndarray  # (n_test, n_train)   empirical initial NTK Θ_0(x, X)
    theta0_dd: jnp.ndarray  # (n_train, n_train)  Θ_0(X, X)
    f_test: jnp.ndarray     # (T, n_test)         f_t(x) after t/lr GD steps
    f_train: jnp.ndarray    # (T, n_train)        f_t(X)
    theta_end_td: jnp.ndarray  # (n_test, n_train)   empirical NTK after the last step
    theta_end_dd: jnp.ndarray  # (n_train, n_train)
    theta_change: jnp.ndarray  # (T,) ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over [x; X] × X at each time


@partial(jax.jit, static_argnames=("width", "arch"))
def _one_network(key, x_train, y_train, x_test, steps, lr, width, arch):
    p0 = wide.init_params(key, width, arch, d_in=x_train.shape[1])
    both = jnp.concatenate([x_test, x_train])                       # (n_test + n_train, d)
    theta0 = wide.mlp_ntk_structured(p0, both, x_train, arch)       # (n_test + n_train, n_train)

    def observe(p):
        change = jnp.linalg.norm(wide.mlp_ntk_structured(p, both, x_train, arch) - theta0) / jnp.linalg.norm(theta0)
        return wide.apply_batch(p, x_test, arch), wide.apply_batch(p, x_train, arch), change

    p_end, (f_test, f_train, change) = gd_run(p0, x_train, y_train, lr, steps, arch, observe)
    f0 = wide.apply_batch(p0, both, arch)                           # (n_test + n_train,)
    theta_end = wide.mlp_ntk_structured(p_end, both, x_train, arch)  # (n_test + n_train, n_train)
    return f0, theta0, f_test, f_train, theta_end, change


def train_network(seed: int, width: int, x_train, y_train, x_test, times, lr: float,
                  arch: wide.MLP = wide.MLP()) -> NetworkRun:
    """One network ``init_params(PRNGKey(seed), width, d_in=d)`` on inputs of ``d`` features
    (``x_train`` (m, d), ``x_test`` (n, d); ``(m,)``: one feature): its f_0, its empirical initial NTK (by
    :func:`ntkcore.wide.mlp_ntk_structured`), f after full-batch GD to each of ``times``, its
    empirical NTK after the last of them, and how far its NTK has moved at each of ``times``
    (``theta_change``, ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over the blocks [x; X] × X).

    One compiled program per width and data shape; returns :class:`NetworkRun` (asynchronously:
    the arrays are ready when first read).
    """
    xd, xt = _as_inputs(x_train), _as_inputs(x_test)
    f0, theta0, f_test, f_train, theta_end, change = _one_network(
        jax.random.PRNGKey(int(seed)), xd, np.asarray(y_train, dtype=np.float64), xt, gd_steps(times, lr),
        np.float64(lr), int(width), arch)
    n = xt.shape[0]
    return NetworkRun(f0[:n], f0[n:], theta0[:n], theta0[n:], f_test, f_train, theta_end[:n],
                      theta_end[n:], change)


# --------------------------------------------------------------------------- ensembles


class Ensemble(NamedTuple):
    curves: np.ndarray        # (S, T, n_test)  f_t(x) of every network
    train_curves: np.ndarray  # (S, T, n_train) f_t(X) of every network
    mean: np.ndarray          # (T, n_test)     mean over seeds
    std: np.ndarray           # (T, n_test)     standard deviation over seeds (ddof = 1)


@partial(jax.jit, static_argnames=("width", "arch", "chunk"))
def _train_seeds(keys, x_train, y_train, x_test, steps, lr, width, arch, chunk):
    def observe(p):
        return wide.apply_batch(p, x_test, arch), wide.apply_batch(p, x_train, arch)

    def one(key):
        return gd_run(wide.init_params(key, width, arch, d_in=x_train.shape[1]), x_train, y_train, lr, steps, arch,
                      observe)[1]

    # ``chunk`` networks at a time (vmapped), the chunks one after another: bounded memory.
    return jax.lax.map(one, keys, batch_size=chunk)   # ((S, T, n_test), (S, T, n_train))


def _chunk(width: int, arch: wide.MLP, budget: int = 1 << 19, d_in: int = 1) -> int:
    """Networks per vmapped chunk: at most ~``budget`` parameters (4 MiB in float64) at once.

    With only a handful of training points each step is memory bound, so a chunk's weights should
    stay in cache: measured on 2 cores at width 512, 360 µs per network-step in chunks of 1–2,
    450 in chunks of 4, 800–900 in chunks of 8–32.  Narrow networks get large chunks (there the
    per-step overhead dominates and vmapping pays)."""
    n_params = (d_in + 1) * width + (arch.depth - 1) * (width * width + width) + width + 1
    return max(1, budget // n_params)


def dispatch_ensemble(x_train, y_train, x_test, times, width, seeds, lr, arch, chunk=None, parallel=None):
    """Start training the ensemble of :func:`train_ensemble` (asynchronously); returns
    ``(seeds, [(f_test, f_train), ...])`` for :func:`collect_ensemble`.

    The seeds are split into ``parallel`` equal groups (the last padded with extra seeds whose
    results are dropped), each one call of the same compiled program: XLA runs one such program on
    one core, and concurrently dispatched programs run side by side (measured ~2× on 2 cores).
    """
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else [int(v) for v in seeds]
    if len(seeds) < 2:
        raise ValueError(f"seeds must name at least 2 networks; got {seeds}")
    if not (isinstance(width, (int, np.integer)) and width >= 1):
        raise ValueError(f"width must be a positive integer; got {width!r}")
    steps = gd_steps(times, lr)
    if parallel is None:
        parallel = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parallel = max(1, min(int(parallel or 1), len(seeds)))
    group = -(-len(seeds) // parallel)
    padded = seeds + [max(seeds) + 1 + i for i in range(group * parallel - len(seeds))]
    x_train = _as_inputs(x_train)
    chunk = max(1, min(group, _chunk(width, arch, d_in=x_train.shape[1]) if chunk is None else int(chunk)))
    args = (x_train, np.asarray(y_train, dtype=np.float64), _as_inputs(x_test), steps,
            np.float64(lr), int(width), arch, chunk)
    futures = [_train_seeds(jnp.stack([jax.random.PRNGKey(v) for v in padded[i:i + group]]), *args)
               for i in range(0, len(padded), group)]
    return seeds, futures


def collect_ensemble(seeds, futures) -> Ensemble:
    """Wait for :func:`dispatch_ensemble`'s programs; the :class:`Ensemble` of ``seeds``."""
    S = len(seeds)
    f_test = np.concatenate([np.asarray(f) for f, _ in futures])[:S]    # (S, T, n_test)
    f_train = np.concatenate([np.asarray(f) for _, f in futures])[:S]   # (S, T, n_train)
    return Ensemble(f_test, f_train, f_test.mean(axis=0), f_test.std(axis=0, ddof=1))


def train_ensemble(x_train, y_train, x_test, times, *, width: int, seeds: Union[int, Sequence[int]] = 64,
                   lr: float = 0.125, arch: wide.MLP = wide.MLP(), chunk: Optional[int] = None,
                   parallel: Optional[int] = None) -> Ensemble:
    """An ensemble of width-``width`` networks (``init_params(PRNGKey(seed), d_in=d)`` for each seed,
    inputs ``x_train`` (m, d), ``x_test`` (n, d); ``(m,)``: one feature) trained
    by full-batch GD on ``½ Σ (f − y)²`` with learning rate ``lr``, recorded after ``t/lr`` steps for
    each ``t`` in ``times`` (non-decreasing multiples of ``lr``, else ``ValueError``).

    ``seeds``: a count (seeds ``0 … seeds−1``) or explicit seeds.  ``chunk`` networks are vmapped
    together (default: as many as keep ~4 MiB of weights in cache), ``parallel`` groups of seeds
    run concurrently (default: one per CPU core).  One compiled program per shape (seeds per
    group, width, data sizes, number of times, chunk): ``times`` and ``lr`` are data, not constants.
    Returns :class:`Ensemble`: ``curves`` (S, T, n_test), ``train_curves`` (S, T, n_train),
    ``mean``/``std`` (T, n_test) over seeds (``std`` with ddof = 1).
    """
    return collect_ensemble(*dispatch_ensemble(x_train, y_train, x_test, times, width, seeds, lr,
                                               arch, chunk, parallel))
