"""The post's four model families, as pure functions ``f(theta, x)``.

Each factory returns a :class:`ModelSpec`: the function, how many parameters it takes, and its
formula for captions.  ``theta`` is a 1-D float64 array; ``x`` a scalar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import jax.numpy as jnp
import numpy as np


@dataclass(frozen=True)
class ModelSpec:
    """A model ``f(theta, x)`` plus what validation and captions need to know about it."""

    f: Callable  # f(theta, x) -> scalar
    n_params: int | None  # None: any length (checked by the model itself)
    latex: str  # the formula, for MathTex
    param_names: tuple[str, ...] = field(default=())
    obs_on_grid: bool = False  # the observation's x must be a grid point (lookup table)


def lookup_table(grid) -> ModelSpec:
    """One parameter per grid point: ``f(x; θ) = Σ_i θ_i [x = x_i]``.

    Its NTK is ``k(x, x') = [x = x']``: a step at ``x'`` moves ``f(x')`` and nothing else.
    """
    grid = jnp.asarray(np.asarray(grid, dtype=np.float64))

    def f(theta, x):
        return jnp.dot(theta, (grid == x).astype(theta.dtype))

    return ModelSpec(
        f=f,
        n_params=int(grid.shape[0]),
        latex=r"f(x;\theta) = \theta_x",
        obs_on_grid=True,
    )


def linear() -> ModelSpec:
    """``f(x; θ) = θ1·x + θ2``.  NTK: ``k(x, x') = x·x' + 1``."""

    def f(theta, x):
        return theta[0] * x + theta[1]

    return ModelSpec(f=f, n_params=2, latex=r"f(x;\theta) = \theta_1 x + \theta_2",
                     param_names=("θ₁", "θ₂"))


def reparametrized(scale: float = 10.0) -> ModelSpec:
    """``f(x; θ) = θ1·x + scale·θ2``.  NTK: ``k(x, x') = x·x' + scale²``."""

    def f(theta, x):
        return theta[0] * x + scale * theta[1]

    return ModelSpec(f=f, n_params=2, latex=rf"f(x;\theta) = \theta_1 x + {scale:g}\,\theta_2",
                     param_names=("θ₁", "θ₂"))


def rbf(width: float = 30.0) -> ModelSpec:
    """Two Gaussian bumps on an offset, centre-then-amplitude:

    ``f(x; θ) = θ2·exp(-(x-θ1)²/w) + θ4·exp(-(x-θ3)²/w) + θ5`` with ``w = width``.
    """

    def f(theta, x):
        return (theta[1] * jnp.exp(-((x - theta[0]) ** 2) / width)
                + theta[3] * jnp.exp(-((x - theta[2]) ** 2) / width)
                + theta[4])

    return ModelSpec(
        f=f,
        n_params=5,
        latex=(rf"f(x;\theta) = \theta_2 e^{{-(x-\theta_1)^2/{width:g}}}"
               rf" + \theta_4 e^{{-(x-\theta_3)^2/{width:g}}} + \theta_5"),
        param_names=("θ₁ (valley centre)", "θ₂ (valley depth)", "θ₃ (bump centre)",
                     "θ₄ (bump height)", "θ₅ (offset)"),
    )
