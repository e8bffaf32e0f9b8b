"""η → 0: the finite-step kernel of a gradient step, for shrinking pushes, and its limit, the NTK."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import core


class EtaSweep(NamedTuple):
    etas: list               # the pushes η, largest first
    finite_grid: list        # per η: k̃_η(x, x') / k̃_η(x', x') on the example's grid, (n,)
    finite_fine: list        # per η: the same on ``fine_x``, (m,)
    ntk_grid: np.ndarray     # k(x, x') / k(x', x') on the grid, (n,)
    ntk_fine: np.ndarray     # the same on ``fine_x``, (m,)


def eta_sweep(ex, fractions, fine_x) -> EtaSweep:
    """Finite-step kernels for η = ``ex.step_eta()`` × each of ``fractions`` and the exact NTK,
    each over its value at x', on the grid and on ``fine_x`` (one ntkcore call per η on
    [grid, fine x, x'] together)."""
    f, theta, x_obs = ex.f, ex.theta, ex.observation[0]
    n, m = len(ex.grid), len(fine_x)
    xs = np.concatenate([ex.grid, fine_x, [x_obs]])
    etas = [ex.step_eta() * s for s in fractions]
    finite_grid, finite_fine = [], []
    for eta in etas:
        k = np.asarray(core.finite_step_kernel(f, theta, xs, x_obs, eta))
        finite_grid.append(k[:n] / k[-1])
        finite_fine.append(k[n:n + m] / k[-1])
    k = np.asarray(core.ntk(f, theta, xs, np.array([x_obs]))[:, 0])
    return EtaSweep(etas, finite_grid, finite_fine, ex.ntk_normalized(), k[n:n + m] / k[-1])
