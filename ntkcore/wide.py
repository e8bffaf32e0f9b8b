"""Wide ReLU networks in the NTK parametrization: empirical and infinite-width kernels.

The network is the one neural-tangents' ``stax`` builds from
``Dense(W_std, b_std) → Relu → … → Dense(readout_W_std, readout_b_std)`` with
``parameterization='ntk'``: every dense layer computes

    z = (W_std / √fan_in) · W h + b_std · b,      W, b ~ N(0, 1),

with ``depth`` hidden ReLU layers of ``width`` units, inputs of ``d_in`` features (rows of an
``(n, d_in)`` array) and a scalar output.

The chapters' input (:func:`embed`): the post's grid ``x ∈ [x_min, x_max]`` is mapped linearly to
``u ∈ [−1, 1]`` (:func:`scale_inputs`), then to the angle ``φ = (π/2)·u ∈ [−π/2, π/2]`` and the
point ``(cos φ, sin φ)`` on the right half of the unit circle (``d_in = 2``).  Why: a ReLU
network's kernels grow with the input's norm, so with the scalar input ``u`` (small biases: a
nearly homogeneous network) ``Θ(x, x')`` was a hinge, ≈ 0 on the far side of ``u = 0`` and largest
at the grid's end, not a bump around ``x'``.  Feeding ``(u, 1)`` or larger biases does not cure it:
the kernel still grows with the norm towards the ends (at best, ``(u, 1)`` with bias std 1, it
peaks at x' but stays within 0.77–1 of its peak over the whole grid).  Inputs of equal norm make ``K`` and ``Θ`` functions of
the angle ``α = |φ − φ'|`` alone, and ``K(x, x)``, ``Θ(x, x)`` the same at every x.  ``K`` falls
strictly with ``α`` over the whole half turn (``E[φ(u)φ(v)]`` grows with the covariance at every
layer); ``Θ`` falls strictly up to ``α ≈ 0.83π`` with the default stds (then rises a little towards
``α = π``: the first layer's ``Θ = w²cos α/2 + b²`` is negative past ``π/2``, and it is multiplied by
the shrinking share of ReLUs on at both inputs).  So on the post's grid with x' = 10 (``α ≤ 2π/3``)
``Θ(·, x')`` and ``K(·, x')`` peak at ``x = x'`` and fall off on both sides (Θ with a corner at the
peak, as the ReLU NTK has: to ≈ 0.13 and 0.46 of its peak at x = −10 and 20; K to ≈ 0.39 and 0.70).
The ends of the grid are antipodal (``φ = ±π/2``).

Infinite width (Jacot et al. 2018; Lee et al. 2019), ReLU via the arc-cosine kernel
(Cho & Saul 2009): with ``q = Σ(x, x)``, ``q' = Σ(x', x')``, ``cos θ = Σ(x, x') / √(q q')``,

    E[φ(u) φ(v)]   = √(q q') (sin θ + (π − θ) cos θ) / (2π)
    E[φ'(u) φ'(v)] = (π − θ) / (2π)

and for each dense layer ``Σ ← W_std² E[φφ] + b_std²``, ``Θ ← Σ + W_std² E[φ'φ'] Θ`` (the first
layer: ``Σ = Θ = W_std² x x' / d_in + b_std²``).  The NNGP kernel is the last ``Σ``, the NTK the
last ``Θ``.

The empirical NTK of a finite network is computed two ways and the two are tested against each
other: :func:`ntkcore.ntk` (Jacobian contraction, any model) and :func:`mlp_ntk_structured`, which
uses the structure of an MLP (see there) and never forms the Jacobian.
"""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np


class MLP(NamedTuple):
    """Hyper-parameters of the ReLU network (shared by the empirical and analytic kernels), in the
    order of :func:`relu_kernels`' arguments: ``relu_kernels(x1, x2, *arch)``."""

    depth: int = 2
    w_std: float = 2 ** 0.5
    b_std: float = 0.1
    readout_w_std: float = 1.0
    readout_b_std: float = 0.1

    def stds(self):
        """``[(W_std, b_std)]`` for the ``depth`` hidden layers and the readout."""
        return [(self.w_std, self.b_std)] * self.depth + [(self.readout_w_std, self.readout_b_std)]


@partial(jax.jit, static_argnums=(1, 2, 3))
def init_params(key, width: int, arch: MLP = MLP(), d_in: int = 1):
    """Standard-normal weights and biases: ``[(W (fan_out, fan_in), b (fan_out,)), ...]`` for
    inputs of ``d_in`` features (the chapters' :func:`embed`: ``d_in = EMBED_DIM``).  Compiled once
    per shape (called eagerly, JAX would compile each small operation for each width)."""
    sizes = [d_in] + [width] * arch.depth + [1]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        key, kw, kb = jax.random.split(key, 3)
        params.append((jax.random.normal(kw, (fan_out, fan_in), dtype=jnp.float64),
                       jax.random.normal(kb, (fan_out,), dtype=jnp.float64)))
    return params


def _forward(params, xs, arch: MLP, eps=None):
    """Pre-activations ``z_l`` and layer inputs ``h_{l-1}`` for a batch ``xs`` of shape (n, d_in).

    ``eps`` (optional) is added to each ``z_l``: differentiating the output with respect to it gives
    the backward signals ``δ_l = ∂f/∂z_l``.  Returns ``(out (n,), inputs list, zs list)``.
    """
    h = xs
    inputs, zs = [], []
    stds = arch.stds()
    for l, ((W, b), (ws, bs)) in enumerate(zip(params, stds)):
        inputs.append(h)
        z = (ws / math.sqrt(W.shape[1])) * h @ W.T + bs * b  # (n, fan_out)
        if eps is not None:
            z = z + eps[l]
        zs.append(z)
        h = jax.nn.relu(z) if l < len(params) - 1 else z
    return h[:, 0], inputs, zs


def as_rows(xs):
    """Inputs as a float64 ``(n, d)`` array: ``(n, d)`` as it is, ``(n,)`` as ``n`` one-feature rows."""
    xs = jnp.asarray(xs, dtype=jnp.float64)
    return xs[:, None] if xs.ndim == 1 else xs


def apply(params, x, arch: MLP = MLP()):
    """The network as a model ``f(params, x)`` for one input ``x`` (``(d_in,)``; a scalar when
    ``d_in = 1``), so that ntkcore's tools apply (they map over the first axis of the inputs)."""
    out, _, _ = _forward(params, jnp.reshape(jnp.asarray(x, dtype=jnp.float64), (1, -1)), arch)
    return out[0]


@partial(jax.jit, static_argnums=(2,))
def apply_batch(params, xs, arch: MLP = MLP()):
    """``f`` on a batch: ``xs`` shape (n, d_in) (or (n,) when ``d_in = 1``) → (n,)."""
    return _forward(params, as_rows(xs), arch)[0]


@partial(jax.jit, static_argnums=(3,))
def mlp_ntk_structured(params, x1, x2, arch: MLP = MLP()):
    """Empirical NTK of the MLP without forming the Jacobian.  Returns ``(n1, n2)``.

    For a dense layer ``z = (σ_w/√m) W h + σ_b b`` the parameter gradients are
    ``∂f/∂W = (σ_w/√m) δ hᵀ`` and ``∂f/∂b = σ_b δ`` with ``δ = ∂f/∂z``, so that layer adds

        (δ(x1)·δ(x2)) ∘ ((σ_w²/m) h(x1)·h(x2) + σ_b²)

    to the kernel: a backward-signal Gram matrix times a forward-activation Gram matrix.
    ``δ`` comes from JAX (the gradient of the summed output with respect to an additive
    perturbation of each ``z``; rows of a batch do not interact, so one VJP gives all rows).
    """
    def signals(xs):
        xs = as_rows(xs)
        n = xs.shape[0]
        sizes = [W.shape[0] for W, _ in params]
        eps = [jnp.zeros((n, m), dtype=jnp.float64) for m in sizes]

        def out_sum(e):
            out, inputs, _ = _forward(params, xs, arch, e)
            return jnp.sum(out), inputs

        # One forward pass gives the layer inputs h; its VJP gives every δ = ∂f/∂z.
        deltas, inputs = jax.grad(out_sum, has_aux=True)(eps)
        return inputs, deltas

    in1, d1 = signals(x1)
    in2, d2 = (in1, d1) if x2 is None else signals(x2)
    K = 0.0
    for (W, _), (ws, bs), h1, h2, g1, g2 in zip(params, arch.stds(), in1, in2, d1, d2):
        fwd = (ws ** 2 / W.shape[1]) * (h1 @ h2.T) + bs ** 2  # (n1, n2)
        K = K + (g1 @ g2.T) * fwd  # (n1, n2)
    return K


def relu_kernels(x1, x2, depth: int, w_std: float = 2 ** 0.5, b_std: float = 0.1,
                 readout_w_std: float = 1.0, readout_b_std: float = 0.1):
    """Infinite-width ``(nngp, ntk)`` Gram matrices, each ``(n1, n2)``, for inputs of shape (n, d).

    Same architecture and conventions as neural-tangents'
    ``stax.serial(*[Dense(w_std, b_std), Relu()] * depth, Dense(readout_w_std, readout_b_std))``
    with ``kernel_fn(x1, x2, ('nngp', 'ntk'))``.

    Each layer uses the arc-cosine expectations in the form neural-tangents uses (one sqrt, one
    atan2), with ``c = Σ(x, x')``, ``q = Σ(x, x)``, ``q' = Σ(x', x')``:

        r = √max(q q' − c², 0),   t = atan2(r, c)  (the angle between the pre-activations),
        E[φ'(u)φ'(v)] = 1/2 − t/(2π),   E[φ(u)φ(v)] = r/(2π) + (1/2 − t/(2π))·c.

    A pair of identical inputs (``x = x'``, on the diagonal or not) takes the closed form of the
    diagonal, ``t = 0``: ``Σ ← w²·q/2 + b²``, ``Θ ← Σ + w²·Θ/2``.  Computing it through ``r``
    instead would turn a last-bit difference between ``c`` and ``q`` into ``r ≈ 1e-8``.  So the
    result is exact on the diagonal, and an entry of identical inputs does not depend on the Gram
    matrix it is computed in.
    """
    x1 = jnp.atleast_2d(jnp.asarray(x1, dtype=jnp.float64))
    x2 = x1 if x2 is None else jnp.atleast_2d(jnp.asarray(x2, dtype=jnp.float64))
    if x1.shape[1] != x2.shape[1]:
        raise ValueError(f"relu_kernels: x1 and x2 must have the same feature dimension; "
                         f"got {x1.shape[1]} and {x2.shape[1]}")
    if not (isinstance(depth, int) and not isinstance(depth, bool) and depth >= 1):
        raise ValueError(f"relu_kernels: depth must be an integer >= 1; got {depth!r}")
    d_in = x1.shape[1]
    same = jnp.all(x1[:, None, :] == x2[None, :, :], axis=-1)      # (n1, n2) x = x'
    # First dense layer: Σ = Θ = w² <x, x'>/d + b².
    q1 = w_std ** 2 * jnp.sum(x1 ** 2, axis=1) / d_in + b_std ** 2  # (n1,) Σ(x, x)
    q2 = w_std ** 2 * jnp.sum(x2 ** 2, axis=1) / d_in + b_std ** 2  # (n2,)
    sigma = jnp.where(same, q1[:, None], w_std ** 2 * (x1 @ x2.T) / d_in + b_std ** 2)   # (n1, n2)
    theta = sigma
    layers = [(w_std, b_std)] * (depth - 1) + [(readout_w_std, readout_b_std)]
    for ws, bs in layers:
        r = jnp.where(same, 0.0, jnp.sqrt(jnp.maximum(jnp.outer(q1, q2) - sigma ** 2, 0.0)))
        t = jnp.arctan2(r, sigma)
        e_dphi = 0.5 - t / (2 * jnp.pi)
        e_phi = r / (2 * jnp.pi) + e_dphi * sigma
        # Diagonal closed form: t = 0, so E[φ(u)²] = q/2.
        q1 = ws ** 2 * q1 / 2 + bs ** 2
        q2 = ws ** 2 * q2 / 2 + bs ** 2
        sigma = jnp.where(same, q1[:, None], ws ** 2 * e_phi + bs ** 2)   # (n1, n2)
        theta = sigma + ws ** 2 * e_dphi * theta                          # (n1, n2)
    return sigma, theta


def relu_kernels_arccos(x1, x2, depth: int, w_std: float = 2 ** 0.5, b_std: float = 0.1,
                        readout_w_std: float = 1.0, readout_b_std: float = 0.1):
    """:func:`relu_kernels` a second way, in the textbook arc-cosine form (Cho & Saul 2009):
    ``E[φφ] = √(qq') (sin θ + (π − θ) cos θ)/(2π)`` with ``θ = arccos(Σ/√(qq'))``.  Less accurate on
    the diagonal and about twice as slow; kept for cross-checks and the benchmark."""
    x1 = jnp.atleast_2d(jnp.asarray(x1, dtype=jnp.float64))
    x2 = x1 if x2 is None else jnp.atleast_2d(jnp.asarray(x2, dtype=jnp.float64))
    d = x1.shape[1]
    sigma = w_std ** 2 * (x1 @ x2.T) / d + b_std ** 2                 # (n1, n2)
    q1 = w_std ** 2 * jnp.sum(x1 ** 2, 1) / d + b_std ** 2            # (n1,)
    q2 = w_std ** 2 * jnp.sum(x2 ** 2, 1) / d + b_std ** 2            # (n2,)
    theta = sigma
    for ws, bs in [(w_std, b_std)] * (depth - 1) + [(readout_w_std, readout_b_std)]:
        norm = jnp.sqrt(jnp.outer(q1, q2))
        cos = jnp.clip(sigma / norm, -1.0, 1.0)
        ang = jnp.arccos(cos)
        e_phi = norm * (jnp.sin(ang) + (jnp.pi - ang) * cos) / (2 * jnp.pi)
        e_dphi = (jnp.pi - ang) / (2 * jnp.pi)
        sigma = ws ** 2 * e_phi + bs ** 2
        theta = sigma + ws ** 2 * e_dphi * theta
        q1, q2 = ws ** 2 * q1 / 2 + bs ** 2, ws ** 2 * q2 / 2 + bs ** 2
    return sigma, theta


def scale_inputs(x, x_range=(-10, 20)):
    """The post's grid mapped linearly onto [-1, 1]: ``u = 2(x − x_min)/(x_max − x_min) − 1``, the
    coordinate the chapters' input is a function of (:func:`embed`).  Shape of ``x``."""
    lo, hi = x_range
    return 2.0 * (np.asarray(x, dtype=np.float64) - lo) / (hi - lo) - 1.0


#: Features of the chapters' network input (:func:`embed`).
EMBED_DIM = 2
#: The chapters' network input in words, as a function of u (the report's "input").
EMBED_TEXT = "cos(πu/2), sin(πu/2)"


def input_angle(u) -> np.ndarray:
    """``φ = (π/2)·u``: the angle of the chapters' input on the unit circle, in [−π/2, π/2] for
    ``u ∈ [−1, 1]``.  Shape of ``u``."""
    return 0.5 * np.pi * np.asarray(u, dtype=np.float64)


def embed_scaled(u) -> np.ndarray:
    """The network input of ``u`` (:func:`scale_inputs`' coordinate): ``(cos φ, sin φ)`` with
    ``φ = (π/2)·u``, a point on the right half of the unit circle.  ``(n,)`` → ``(n, 2)``.

    All inputs have norm 1, so the infinite-width kernels depend on ``φ − φ'`` alone and peak at
    ``φ = φ'`` (see the module docstring).  ``u = 0`` is ``(1, 0)``; ``u = ±1`` are ``(0, ±1)``.
    """
    phi = input_angle(np.atleast_1d(u))
    return np.stack([np.cos(phi), np.sin(phi)], axis=-1)


def embed(x, x_range=(-10, 20)) -> np.ndarray:
    """The chapters' network input of the post's ``x`` on the grid ``x_range``:
    ``embed_scaled(scale_inputs(x, x_range))``, i.e. ``(cos φ, sin φ)`` with
    ``φ = π(x − x_min)/(x_max − x_min) − π/2``.  ``(n,)`` → ``(n, 2)``; the one map every wide
    network and kernel of the chapters sees (the experiments, the report, the tests)."""
    return embed_scaled(scale_inputs(x, x_range))
