"""Where a finite ReLU network's kernel gradient descent jumps: the inputs at which a hidden unit
switches on or off.

A finite network's empirical NTK contains ReLU′(z(x)) factors, which step between 0 and 1 where
a hidden pre-activation ``z(x)`` crosses 0; so kernel GD with that NTK,
``f_t(x) = f_0(x) − A_t (f_0(X) − Y)`` (:func:`ntkcore.gp.kernel_gd`), is discontinuous in x there
although f itself is continuous.  The infinite-width Θ has no such steps.

The inputs are searched along a path of network inputs, ``path(t)`` for ``t`` in an interval: by
default the chapters' input, ``t = u`` and ``path = ntkcore.wide.embed_scaled`` (the point
``(cos(πu/2), sin(πu/2))``), so every switch is reported as the u where it happens.
"""

from __future__ import annotations

from functools import partial
from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np

from . import wide
from .gp import kernel_gd


def activation_switches(params, lo: float, hi: float, arch: wide.MLP = wide.MLP(), n: int = 4001,
                        path=wide.embed_scaled) -> np.ndarray:
    """The ``t`` in ``[lo, hi]`` at which some hidden unit of the network ``params`` switches on or
    off at the input ``path(t)`` (its pre-activation ``z`` crosses 0), sorted, ``(S,)``.  ``path``
    maps ``(k,)`` to ``(k, d_in)`` inputs (default: the chapters' input of u).

    Found as sign changes of every hidden ``z`` on ``n`` evenly spaced inputs, each refined by
    bisection to ~1e-15.  There ReLU′(z) steps between 0 and 1, so a *finite* network's NTK, which
    contains ReLU′(z(x)) factors, is discontinuous in x (f itself is continuous).
    """
    u = np.linspace(lo, hi, n)

    def pre(us):                                                # (depth, len(us), width)
        return np.asarray(_hidden_z(params, wide.as_rows(path(np.asarray(us, dtype=np.float64))), arch))

    z = pre(u)
    layer, cell, unit = np.nonzero(np.sign(z[:, :-1]) * np.sign(z[:, 1:]) < 0)
    if cell.size == 0:
        return np.zeros(0)
    # Every crossing of every layer bisected at once: one compiled forward pass per shape.
    a, b = u[cell], u[cell + 1]
    za = z[layer, cell, unit]
    rows = np.arange(cell.size)
    for _ in range(60):
        mid = 0.5 * (a + b)
        zm = pre(mid)[layer, rows, unit]
        left = np.sign(zm) == np.sign(za)
        a, za, b = np.where(left, mid, a), np.where(left, zm, za), np.where(left, b, mid)
    return np.sort(0.5 * (a + b))


@partial(jax.jit, static_argnums=(2,))
def _hidden_z(params, xs, arch):
    """The hidden layers' pre-activations for inputs ``xs`` (n, d_in), stacked: ``(depth, n, width)``."""
    return jnp.stack(wide._forward(params, xs, arch)[2][:-1])


def kernel_gd_across(params, points, x_train, y_train, times, lr: Optional[float] = None,
                     arch: wide.MLP = wide.MLP(), eps: float = 1e-7, path=wide.embed_scaled) -> np.ndarray:
    """How much kernel GD with the network's own initial NTK Θ_0 jumps across each of ``points``
    (values of ``t`` on ``path``, as :func:`activation_switches`): ``f_t(path(p + eps)) −
    f_t(path(p − eps))`` for ``f_t(x) = f_0(x) − A_t (f_0(X) − Y)``, ``A_t`` from Θ_0
    (:func:`ntkcore.gp.gd_operator`); ``x_train`` (m, d_in) network inputs.  Returns ``(T, len(points))``.

    At an input where a hidden unit switches (:func:`activation_switches`) this stays finite as
    ``eps → 0`` (a jump: Θ_0(x, X) is discontinuous there); elsewhere it goes to 0 with ``eps``.
    """
    p = np.asarray(points, dtype=np.float64)
    xd = np.asarray(wide.as_rows(x_train))                                 # (m, d)
    both = np.asarray(wide.as_rows(path(np.concatenate([p - eps, p + eps]))))   # (2S, d)
    th_td = wide.mlp_ntk_structured(params, both, xd, arch)               # (2S, m)
    th_dd = wide.mlp_ntk_structured(params, xd, xd, arch)                 # (m, m)
    f = kernel_gd(th_td, th_dd, wide.apply_batch(params, both, arch), wide.apply_batch(params, xd, arch),
                  y_train, times, lr)                                      # (T, 2S)
    f = np.asarray(f)
    return f[:, p.size:] - f[:, :p.size]


def largest_kernel_gd_jump(seed: int, width: int, x_train, y_train, times, lr: Optional[float],
                           lo: float, hi: float, arch: wide.MLP = wide.MLP(),
                           path=wide.embed_scaled) -> tuple[float, np.ndarray]:
    """Network ``init_params(PRNGKey(seed), width, d_in=d)`` (``x_train`` (m, d) network inputs): of
    the ``t`` in ``[lo, hi]`` where a hidden unit switches at ``path(t)``, the one across which
    kernel GD with its initial NTK jumps most at the last of ``times``: ``(t, jump (T,))``
    (``(nan, zeros)`` if no unit switches there)."""
    x_train = np.asarray(wide.as_rows(x_train))
    params = wide.init_params(jax.random.PRNGKey(int(seed)), int(width), arch, d_in=x_train.shape[1])
    sw = activation_switches(params, lo, hi, arch, path=path)
    if sw.size == 0:
        return float("nan"), np.zeros(len(np.atleast_1d(times)))
    jumps = kernel_gd_across(params, sw, x_train, y_train, times, lr, arch, path=path)    # (T, S)
    i = int(np.argmax(np.abs(jumps[-1])))
    return float(sw[i]), jumps[:, i]
