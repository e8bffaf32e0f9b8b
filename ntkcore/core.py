"""The numbers behind every picture: function values, gradient steps and kernels.

Every function here takes a model ``f(theta, x) -> scalar`` (``theta`` any JAX pytree, ``x`` a
scalar) and returns NumPy-compatible JAX arrays. All derivatives come from JAX; nothing is
differentiated by hand.

Notation (following Huszár, "Some Intuition on the Neural Tangent Kernel", 2020):

* ``∇θ f(x)`` is the gradient of the model output at ``x`` with respect to the parameters.
* One gradient-descent step on the squared error ``L(θ) = (f(x'; θ) - y)²`` with learning rate
  ``lr`` moves ``θ`` to ``θ - lr ∇θ L``; the *displacement* of the function is
  ``Δf(x) = f(x; θ - lr ∇θ L) - f(x; θ)`` (the red arrows of the post).
* The finite-step kernel is ``k̃_η(x, x') = (f(x; θ + η ∇θ f(x')) - f(x; θ)) / η``.
* The (exact, empirical) neural tangent kernel is ``k(x, x') = <∇θ f(x), ∇θ f(x')>``, the limit of
  ``k̃_η`` as ``η → 0``.
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

Model = Callable  # f(theta, x) -> scalar


# --------------------------------------------------------------------------- pytree helpers


def tree_axpy(a, x, y):
    """``a·x + y`` leaf by leaf for two pytrees of the same structure."""
    return jax.tree_util.tree_map(lambda xi, yi: a * xi + yi, x, y)


def tree_vdot(x, y):
    """``<x, y>`` summed over all leaves of two pytrees of the same structure."""
    leaves = jax.tree_util.tree_leaves(jax.tree_util.tree_map(jnp.vdot, x, y))
    return sum(leaves)


# --------------------------------------------------------------------------- function values


def values(f: Model, theta, xs):
    """``f(x; θ)`` for every ``x`` in ``xs``.  Returns shape ``(n,)``."""
    return jax.vmap(f, in_axes=(None, 0))(theta, jnp.asarray(xs, dtype=jnp.float64))


def param_grad(f: Model, theta, x):
    """``∇θ f(x; θ)``, a pytree shaped like ``theta``."""
    return jax.grad(f)(theta, jnp.asarray(x, dtype=jnp.float64))


# --------------------------------------------------------------------------- one gradient step


def squared_error_grad(f: Model, theta, x_obs, y_obs):
    """``∇θ (f(x'; θ) - y)²``, a pytree shaped like ``theta``."""
    loss = lambda th: (f(th, jnp.asarray(x_obs, dtype=jnp.float64)) - y_obs) ** 2
    return jax.grad(loss)(theta)


def gd_step(f: Model, theta, x_obs, y_obs, lr):
    """One gradient-descent step on ``(f(x') - y)²``: ``θ - lr ∇θ L``."""
    return tree_axpy(-lr, squared_error_grad(f, theta, x_obs, y_obs), theta)


def displacement(f: Model, theta, xs, x_obs, y_obs, lr):
    """The red arrows: ``Δf(x) = f(x; θ - lr ∇θ L) - f(x; θ)``.  Returns shape ``(n,)``."""
    theta_new = gd_step(f, theta, x_obs, y_obs, lr)
    return values(f, theta_new, xs) - values(f, theta, xs)


# --------------------------------------------------------------------------- kernels


def finite_step_kernel(f: Model, theta, xs, x2, eta):
    """``k̃_η(x, x') = (f(x; θ + η ∇θ f(x')) - f(x; θ)) / η`` for ``x`` in ``xs``.

    Returns shape ``(n,)``.  For a model that is linear in ``θ`` this equals the NTK for every η.
    """
    theta_pushed = tree_axpy(eta, param_grad(f, theta, x2), theta)
    return (values(f, theta_pushed, xs) - values(f, theta, xs)) / eta


def jacobian(f: Model, theta, xs):
    """``∂f(x)/∂θ`` for each ``x``: a pytree like ``theta`` with a leading axis of size ``n``."""
    return jax.vmap(jax.grad(f), in_axes=(None, 0))(theta, jnp.asarray(xs, dtype=jnp.float64))


def ntk(f: Model, theta, x1, x2=None):
    """Exact empirical NTK Gram matrix ``K[i, j] = <∇θ f(x1_i), ∇θ f(x2_j)>``.

    Computed as the Jacobian contraction ``J(x1) J(x2)ᵀ`` summed over the leaves of ``θ``.
    ``x2=None`` means ``x2 = x1``.  Returns shape ``(n1, n2)``.
    """
    j1 = jacobian(f, theta, x1)
    j2 = j1 if x2 is None else jacobian(f, theta, x2)

    def contract(a, b):
        a = a.reshape(a.shape[0], -1)  # (n1, P_leaf)
        b = b.reshape(b.shape[0], -1)  # (n2, P_leaf)
        return a @ b.T  # (n1, n2)

    return sum(jax.tree_util.tree_leaves(jax.tree_util.tree_map(contract, j1, j2)))


def ntk_jvp(f: Model, theta, x1, x2):
    """The same Gram matrix as :func:`ntk`, a second way: one JVP per column.

    ``K[:, j] = ∂/∂ε f(x1; θ + ε ∇θ f(x2_j)) at ε = 0`` — the η → 0 limit of the finite-step kernel,
    taken exactly by forward-mode differentiation.  Returns shape ``(n1, n2)``.  Used to cross-check.
    """
    x1 = jnp.asarray(x1, dtype=jnp.float64)

    def column(xj):
        tangent = param_grad(f, theta, xj)
        _, out = jax.jvp(lambda th: values(f, th, x1), (theta,), (tangent,))
        return out  # (n1,)

    return jax.vmap(column)(jnp.asarray(x2, dtype=jnp.float64)).T


# --------------------------------------------------------------------------- training


class Trajectory(NamedTuple):
    """Gradient ascent on ``f(x')``: everything recorded at each of ``steps + 1`` parameter values."""

    thetas: list  # length T+1, pytrees
    f: np.ndarray  # (T+1, n) function values on the grid
    kernel_finite: np.ndarray  # (T+1, n) k̃_η(x, x') of the step taken from θ_t
    ntk: np.ndarray  # (T+1, n) exact k(x, x') at θ_t


def ascent_trajectory(f: Model, theta0, xs, x_obs, eta, steps) -> Trajectory:
    """``θ_{t+1} = θ_t + η ∇θ f(x'; θ_t)`` for ``t = 0 .. steps-1``.

    At each ``θ_t`` (``t = 0 .. steps``) records ``f`` on ``xs``, the finite-step kernel of the step
    taken from ``θ_t`` (``k̃_η(x, x')``, so ``η·k̃_η`` is exactly how far that step moves ``f``) and the
    exact NTK column ``k(x, x')``.  The whole loop is one compiled program (``lax.scan``), compiled
    once per model and shape; :func:`ascent_trajectory_reference` is the same computation step by
    step, for the tests.
    """
    xs = jnp.asarray(xs, dtype=jnp.float64)
    thetas, fs, kfs, nts = _ascent_scan(f, int(steps))(theta0, xs, jnp.float64(x_obs), jnp.float64(eta))
    leaves, treedef = jax.tree_util.tree_flatten(thetas)
    thetas = [jax.tree_util.tree_unflatten(treedef, [leaf[t] for leaf in leaves]) for t in range(steps + 1)]
    return Trajectory(thetas=thetas, f=np.asarray(fs), kernel_finite=np.asarray(kfs), ntk=np.asarray(nts))


@functools.lru_cache(maxsize=64)
def _ascent_scan(f: Model, steps: int):
    """The compiled trajectory of :func:`ascent_trajectory` for the model ``f`` and ``steps``."""

    def record(theta, xs, x_obs, eta):
        g = param_grad(f, theta, x_obs)
        f_now = values(f, theta, xs)                                   # (n,)
        k_finite = (values(f, tree_axpy(eta, g, theta), xs) - f_now) / eta   # (n,)
        k_exact = jax.vmap(lambda x: tree_vdot(param_grad(f, theta, x), g))(xs)  # (n,)
        return f_now, k_finite, k_exact, g

    def run(theta0, xs, x_obs, eta):
        def step(theta, _):
            f_now, k_finite, k_exact, g = record(theta, xs, x_obs, eta)
            return tree_axpy(eta, g, theta), (theta, f_now, k_finite, k_exact)

        last, (thetas, fs, kfs, nts) = jax.lax.scan(step, theta0, None, length=steps)
        f_now, k_finite, k_exact, _ = record(last, xs, x_obs, eta)
        append = lambda a, b: jnp.concatenate([a, b[None]])  # noqa: E731
        thetas = jax.tree_util.tree_map(append, thetas, last)
        return thetas, append(fs, f_now), append(kfs, k_finite), append(nts, k_exact)

    return jax.jit(run)


def ascent_trajectory_reference(f: Model, theta0, xs, x_obs, eta, steps) -> Trajectory:
    """:func:`ascent_trajectory` computed step by step with the plain functions (no compilation)."""
    xs = jnp.asarray(xs, dtype=jnp.float64)
    x2 = jnp.asarray([x_obs], dtype=jnp.float64)
    thetas, fs, kfs, nts = [], [], [], []
    theta = theta0
    for t in range(steps + 1):
        thetas.append(theta)
        fs.append(values(f, theta, xs))
        kfs.append(finite_step_kernel(f, theta, xs, x_obs, eta))
        nts.append(ntk(f, theta, xs, x2)[:, 0])
        if t < steps:
            theta = tree_axpy(eta, param_grad(f, theta, x_obs), theta)
    return Trajectory(
        thetas=thetas,
        f=np.asarray(jnp.stack(fs)),
        kernel_finite=np.asarray(jnp.stack(kfs)),
        ntk=np.asarray(jnp.stack(nts)),
    )
