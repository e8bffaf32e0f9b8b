"""Where a finite ReLU network's kernel gradient descent jumps: the inputs at which a hidden unit
switches on or off.

A finite network's empirical NTK contains ReLU′(z(x)) factors, which step between 0 and 1 where
a hidden pre-activation ``z(x)`` crosses 0; so kernel GD with that NTK,
``f_t(x) = f_0(x) − A_t (f_0(X) − Y)`` (:func:`ntkcore.gp.kernel_gd`), is discontinuous in x there
although f itself is continuous.  The infinite-width Θ has no such steps.
"""

from __future__ import annotations

from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np

from . import wide
from .gp import kernel_gd


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
    ``A_t`` from Θ_0 (:func:`ntkcore.gp.gd_operator`).  Returns ``(T, len(points))``.

    At an input where a hidden unit switches (:func:`activation_switches`) this stays finite as
    ``eps → 0`` (a jump: Θ_0(x, X) is discontinuous there); elsewhere it goes to 0 with ``eps``.
    """
    p = np.asarray(points, dtype=np.float64)
    xd = np.asarray(x_train, dtype=np.float64).reshape(-1, 1)             # (m, 1)
    both = np.concatenate([p - eps, p + eps])[:, None]                     # (2S, 1)
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
