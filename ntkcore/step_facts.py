"""Facts about one gradient step or one push, for the reasons the first chapters give on screen
("only θ₁₀ appears in the loss", "f is linear in θ: the Taylor expansion has no η² term",
"k(x, x′) = 1 if x = x′, else 0").  Pure functions; the scenes only format them.

Notation as in :mod:`ntkcore.core`: the push of θ along the gradient at x′ is
``θ + η g`` with ``g = ∇θ f(x′)``, and ``f(x; θ + η g) = f(x; θ) + η k(x, x′) + ½ η² s(x, x′) + O(η³)``
with ``s(x, x′) = gᵀ ∇²θ f(x) g`` (the second-order term, :func:`second_order_term`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from . import core


def parameter_step(ex) -> np.ndarray:
    """``Δθ = θ1 − θ0`` of the example's gradient-descent step on ``(f(x′) − y)²`` with ``lr``:
    ``Δθ = −lr·2·(f(x′) − y)·∇θ f(x′)``.  Shape ``(P,)``."""
    x_obs, y_obs = ex.observation
    theta1 = core.gd_step(ex.f, ex.theta, x_obs, y_obs, ex.lr)
    return np.asarray(theta1 - ex.theta, dtype=np.float64)   # (P,)


def changed_parameters(ex, tol: float = 0.0) -> np.ndarray:
    """Indices of the parameters that the example's gradient step changes (``|Δθ_i| > tol``).

    For the lookup table only ``θ_{x′}`` appears in ``(f(x′) − y)²``, so only it changes."""
    return np.flatnonzero(np.abs(parameter_step(ex)) > tol)   # (m,) indices into θ


def second_order_term(f, theta, xs, x2) -> np.ndarray:
    """``s(x, x′) = d²/dη² f(x; θ + η ∇θ f(x′))`` at ``η = 0`` (``= gᵀ ∇²θ f(x) g``, ``g = ∇θ f(x′)``)
    for every ``x`` in ``xs``: the η² coefficient (times 2) of the push's Taylor expansion.

    Zero for a model that is linear in θ; then ``k̃_η = k`` for every η.  Shape ``(n,)``."""
    g = core.param_grad(f, theta, x2)

    def along(x):
        h = lambda eta: f(core.tree_axpy(eta, g, theta), x)   # noqa: E731  f along the push
        return jax.grad(jax.grad(h))(jnp.float64(0.0))

    return np.asarray(jax.vmap(along)(jnp.asarray(xs, dtype=jnp.float64)))   # (n,)


def push_is_exact(f, theta, xs, x2, atol: float = 1e-12) -> bool:
    """True when the push's Taylor expansion stops at the first order on ``xs`` (every second-order
    term is zero to ``atol``): f moves by exactly ``η·k(x, x′)`` however large η is."""
    return bool(np.all(np.abs(second_order_term(f, theta, xs, x2)) <= atol))


def is_delta_kernel(ex) -> bool:
    """True when the NTK column at the observation is ``k(x, x′) = 1 if x = x′, else 0`` on the
    grid (a lookup table: every x has a parameter of its own)."""
    k = ex.ntk_column()   # (n,)
    return bool(np.array_equal(k, (ex.grid == ex.observation[0]).astype(np.float64)))


def offset_move(ex, i: int) -> tuple:
    """``(Δθᵢ, Δθᵢ / Δf(x′))`` of the example's gradient step, for a parameter that enters f as an
    offset (``∂f/∂θᵢ = 1`` at every x and θ): it lifts f by ``Δθᵢ`` everywhere, so far from every
    other parameter's reach the step moves f by ``Δθᵢ`` and the step's kernel ``Δf(x) / Δf(x′)``
    levels off near ``Δθᵢ / Δf(x′)`` (Example 4: 0.60 / 1.44 = 0.42)."""
    d_theta = float(parameter_step(ex)[i])
    d_obs = float(ex.displacement()[ex.obs_index])
    return d_theta, d_theta / d_obs


def first_order_gap(ex) -> float:
    """How far the example's gradient step is from its first-order (kernel) prediction, relative to
    its largest move: ``max_x |Δf(x) − η·k(x, x′)| / max_x |Δf(x)|`` over the grid, with
    ``η = −2·lr·(f(x′) − y)`` the step seen as a push along ``∇θ f(x′)``.

    ``Δf(x) = η·k(x, x′) + O(η²)``, so the gap goes to 0 with the step; it is 0 for a model linear
    in θ at any step (Example 4 at lr 0.1: about 0.09)."""
    d = ex.displacement()                                  # (n,) the step's red arrows
    pred = ex.step_eta() * ex.ntk_column()                 # (n,) η·k(x, x′)
    return float(np.abs(d - pred).max() / np.abs(d).max())
