"""The post's five examples, in one place that scenes, tests and the report all read.

An :class:`Example` is plain data (model name, θ0, grid, observation, learning rates, steps) and
is validated when it is made: a bad value raises :class:`ntkcore.validation.SettingsError` (a
``ValueError``) whose ``path`` names the field and whose message says what is allowed.  Its methods return float64 NumPy arrays in grid order; results are memoised per example.

Readings fixed where the post contradicts itself (see README, "Notes on the post"):

* Example 1 uses ``θ_i = 3 x_i + 1`` (the post writes ``3i + 2`` but then calls Example 2's
  ``3x + 1`` "exactly the same function").
* Example 4's θ is centre-then-amplitude, ``θ = (4, -10, 25, 10, 50)``: a valley centred at 4 and a
  bump centred at 25 on an offset of 50 (only this reading gives the post's kernel maximum at 7).
"""

from __future__ import annotations

import math

import dataclasses
import functools
from dataclasses import dataclass
from typing import Callable, Union

import jax.numpy as jnp
import numpy as np

from . import core, models
from .models import ModelSpec
from .validation import SettingsError, is_integer, number, numbers

#: model name -> factory taking the grid (so the lookup table can size itself)
MODEL_FACTORIES: dict[str, Callable[[np.ndarray], ModelSpec]] = {
    "lookup_table": models.lookup_table,
    "linear": lambda grid: models.linear(),
    "reparametrized": lambda grid: models.reparametrized(10.0),
    "rbf": lambda grid: models.rbf(30.0),
}


@dataclass(frozen=True)
class Example:
    """One example of the post: a model, where it starts, and the data point that pushes it.

    Fields
    ------
    name:        key (``lookup_table``, ``linear``, ...).
    title:       human title for captions.
    model:       a key of :data:`MODEL_FACTORIES`, or a :class:`ModelSpec` of your own.
    theta0:      initial parameters (a tuple of floats; one per model parameter).
    x_range:     ``(x_min, x_max)``: the grid is every integer from x_min to x_max inclusive.
    observation: ``(x', y)``, the data point.
    lr:          learning rate of the one gradient-descent step on ``(f(x') - y)²`` (the arrows).
    ascent_lr:   η of the gradient-ascent steps ``θ ← θ + η ∇θ f(x')`` (training example).
    steps:       number of gradient-ascent steps (0: no training trajectory).
    min_steps:   the fewest steps the chapter drawing this example can show (1 for training).
    """

    name: str
    title: str
    model: Union[str, ModelSpec]
    theta0: tuple
    x_range: tuple = (-10, 20)
    observation: tuple = (10.0, 50.0)
    lr: float = 0.1
    ascent_lr: float = 1.0
    steps: int = 0
    min_steps: int = 0

    #: Drawing limits: a step may move f by at most this many times the spread of f itself (beyond
    #: it the dots are a flat line under the arrows), and must move it by at least this fraction.
    MAX_MOVE_RATIO = 50.0
    MIN_MOVE_RATIO = 1e-6

    # ----------------------------------------------------------------- validation
    def __post_init__(self):
        """Every field is checked here, and only here; errors carry the field's path."""
        try:
            self._validate()
        except SettingsError as e:
            raise e.within(source=f"example {self.name!r}") from None

    def _validate(self):
        if isinstance(self.model, str) and self.model not in MODEL_FACTORIES:
            raise SettingsError(("model",), f"must be one of {sorted(MODEL_FACTORIES)}; got {self.model!r}")
        x_range = self.x_range
        if (not isinstance(x_range, (tuple, list)) or len(x_range) != 2
                or not all(is_integer(v) and abs(v) <= 10_000 for v in x_range)
                or not 2 <= x_range[1] - x_range[0] <= 120):
            raise SettingsError(("x_range",), "must be two integers [x_min, x_max] in [-10000, 10000] with "
                                f"2 <= x_max - x_min <= 120 (one dot per integer); got {x_range!r}")
        numbers(("observation",), self.observation, length=2, what="two finite numbers [x', y]",
                lo=-1e9, hi=1e9)
        x_obs = self.observation[0]
        lo, hi = x_range
        if not lo <= x_obs <= hi:
            raise SettingsError(("observation", 0), f"x' must lie in the grid range [{lo}, {hi}]; got {x_obs!r}")
        number(("lr",), self.lr, lo=0, lo_open=True)
        number(("ascent_lr",), self.ascent_lr, lo=0, lo_open=True)
        number(("steps",), self.steps, lo=self.min_steps, hi=200, integer=True,
               what=f"an integer from {self.min_steps} to 200" + (" (this chapter trains)" if self.min_steps else ""))
        # Lists (from a settings file) become tuples: an Example is immutable and hashable.
        object.__setattr__(self, "x_range", tuple(x_range))
        object.__setattr__(self, "observation", tuple(float(v) for v in self.observation))
        spec = self.model_spec
        theta0 = numbers(("theta0",), self.theta0, length=spec.n_params,
                         what="a flat list of finite numbers, one per model parameter")
        object.__setattr__(self, "theta0", tuple(float(v) for v in theta0))
        if spec.obs_on_grid and x_obs not in set(self.grid.tolist()):
            raise SettingsError(("observation", 0), f"x' must be one of the grid points {lo}, {lo + 1}, ..., "
                                f"{hi} for this model; got {x_obs!r}")

    # ----------------------------------------------------------------- derived data
    @property
    def grid(self) -> np.ndarray:
        """The x values, shape ``(n,)``."""
        return np.arange(self.x_range[0], self.x_range[1] + 1, dtype=np.float64)

    @property
    def model_spec(self) -> ModelSpec:
        if isinstance(self.model, ModelSpec):
            return self.model
        return _model_for(self.model, self.x_range)

    @property
    def f(self):
        """The model function ``f(theta, x)``."""
        return self.model_spec.f

    @property
    def theta(self):
        """θ0 as a float64 JAX array, shape ``(P,)``."""
        return jnp.asarray(self.theta0, dtype=jnp.float64)

    @property
    def obs_index(self) -> int:
        """Index of the grid point nearest to the observation."""
        return int(np.argmin(np.abs(self.grid - self.observation[0])))

    def replace(self, **changes) -> "Example":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    # ----------------------------------------------------------------- the numbers
    def values(self) -> np.ndarray:
        """``f(x; θ0)`` on the grid, shape ``(n,)``."""
        return _cached(self, "values")

    def displacement(self) -> np.ndarray:
        """The red arrows ``Δf(x)`` of one GD step with ``lr``, shape ``(n,)``."""
        return _cached(self, "displacement")

    def step_eta(self) -> float:
        """The η of that GD step seen as a push along ``∇θ f(x')``: ``η = -2·lr·(f(x') - y)``.

        So ``Δf(x) = η·k̃_η(x, x')``.
        """
        x_obs, y_obs = self.observation
        fx = float(self.f(self.theta, jnp.float64(x_obs)))
        return -2.0 * self.lr * (fx - y_obs)

    def kernel_finite(self, eta: float | None = None) -> np.ndarray:
        """``k̃_η(x, x')`` on the grid (η defaults to :meth:`step_eta`), shape ``(n,)``."""
        eta = self.step_eta() if eta is None else eta
        return np.asarray(core.finite_step_kernel(self.f, self.theta, self.grid, self.observation[0], eta))

    def kernel_finite_normalized(self) -> np.ndarray:
        """``Δf(x) / Δf(x')`` = ``k̃_η(x, x') / k̃_η(x', x')`` of the GD step, shape ``(n,)``."""
        d = self.displacement()
        return d / d[self.obs_index]

    def ntk_column(self) -> np.ndarray:
        """Exact NTK ``k(x, x')`` on the grid at θ0, shape ``(n,)``."""
        return _cached(self, "ntk_column")

    def ntk_normalized(self) -> np.ndarray:
        """``k(x, x') / k(x', x')``, shape ``(n,)``."""
        k = self.ntk_column()
        return k / k[self.obs_index]

    def trajectory(self) -> core.Trajectory:
        """``steps`` gradient-ascent steps of size ``ascent_lr`` on ``f(x')`` from θ0."""
        return _cached(self, "trajectory")

    def kernels_normalized(self) -> np.ndarray:
        """Finite-step kernel of every step of the trajectory over its value at x', ``(T+1, n)``."""
        k = self.trajectory().kernel_finite
        return k / k[:, [self.obs_index]]

    def check_finite(self):
        """Raise :class:`SettingsError` (at ``lr`` or ``ascent_lr``) naming the step and the learning
        rate if anything diverged."""
        checks = [("lr", "the gradient-descent step", self.lr, self.displacement())]
        if self.steps:
            traj = self.trajectory()
            for t in range(self.steps + 1):
                checks.append(("ascent_lr", f"gradient-ascent step {t}", self.ascent_lr, traj.f[t]))
                checks.append(("ascent_lr", f"gradient-ascent step {t}", self.ascent_lr, traj.kernel_finite[t]))
        for field_name, what, rate, arr in checks:
            if not np.all(np.isfinite(arr)):
                raise SettingsError((field_name,), f"diverged at {what} (learning rate {rate}): f or θ became "
                                    "NaN or infinite; lower the learning rate", source=f"example {self.name!r}")

    def check_drawable(self):
        """Everything a chapter checks before its first frame, as :class:`SettingsError` naming the
        field: the model returns a scalar and is finite at θ0, nothing diverges (:meth:`check_finite`),
        the gradient step moves something, and not so much that the dots become a flat line."""
        src = f"example {self.name!r}"
        x0 = float(self.grid[0])
        out = jnp.shape(self.f(self.theta, jnp.float64(x0)))
        if out != ():
            raise SettingsError(("model",), f"f must return a scalar, got shape {out} (at x = {x0:g})", src)
        f0 = np.asarray(core.values(self.f, self.theta, self.grid))
        bad = np.flatnonzero(~np.isfinite(f0))
        if bad.size:
            raise SettingsError(("theta0",), f"f is not finite at the starting parameters (x = {self.grid[bad[0]]:g}: "
                                f"f = {f0[bad[0]]})", src)
        self.check_finite()
        spread = max(float(np.ptp(f0)), 1.0)
        move = float(np.abs(self.displacement()).max())
        x_obs, y_obs = self.observation
        if move < self.MIN_MOVE_RATIO * spread:
            if y_obs == float(f0[self.obs_index]):
                raise SettingsError(("observation", 1), f"y = {y_obs:g} is already f({x_obs:g}): the gradient "
                                    "step moves nothing; choose another y", src)
            needed = self.lr * self.MIN_MOVE_RATIO * spread / move if move > 0 else math.inf
            hint = (f"use lr >= {needed:.3g}" if math.isfinite(needed) and needed > self.lr else
                    "use a larger lr (this one moves nothing a screen can show)")
            raise SettingsError(("lr",), f"the gradient step moves f by at most {move:.3g}, nothing to draw next to "
                                f"f's spread {spread:.3g}; {hint}", src)
        if move > self.MAX_MOVE_RATIO * spread:
            raise SettingsError(("lr",), f"the gradient step moves f by up to {move:.4g}, {move / spread:.3g} times "
                                f"the spread of f itself: the dots would be a flat line under the arrows; "
                                f"allowed: moves up to {self.MAX_MOVE_RATIO:g} × the spread "
                                f"(lr <= about {self.lr * self.MAX_MOVE_RATIO * spread / move:.3g}, or a y nearer f)", src)
        if self.steps:
            f = self.trajectory().f
            reach = float(np.abs(f - f0).max())
            if reach > self.MAX_MOVE_RATIO * spread:
                raise SettingsError(("ascent_lr",), f"training moves f by up to {reach:.4g}, {reach / spread:.3g} times "
                                    f"the spread of f itself; allowed: up to {self.MAX_MOVE_RATIO:g} × "
                                    f"(ascent_lr <= about {self.ascent_lr * self.MAX_MOVE_RATIO * spread / reach:.3g})", src)


@functools.lru_cache(maxsize=None)
def _model_for(name: str, x_range: tuple) -> ModelSpec:
    grid = np.arange(x_range[0], x_range[1] + 1, dtype=np.float64)
    return MODEL_FACTORIES[name](grid)


@functools.lru_cache(maxsize=64)
def _cached(ex: Example, what: str):
    f, theta, grid = ex.f, ex.theta, ex.grid
    x_obs, y_obs = ex.observation
    if what == "values":
        out = core.values(f, theta, grid)
    elif what == "displacement":
        out = core.displacement(f, theta, grid, x_obs, y_obs, ex.lr)
    elif what == "ntk_column":
        out = core.ntk(f, theta, grid, jnp.asarray([x_obs]))[:, 0]
    elif what == "trajectory":
        return core.ascent_trajectory(f, theta, grid, x_obs, ex.ascent_lr, ex.steps)
    else:  # pragma: no cover - internal
        raise KeyError(what)
    out = np.asarray(out, dtype=np.float64)
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------- the five examples

_GRID = (-10, 20)
_RBF_THETA0 = (4.0, -10.0, 25.0, 10.0, 50.0)

EXAMPLES: dict[str, Example] = {
    "lookup_table": Example(
        name="lookup_table", title="Example 1: a lookup table", model="lookup_table",
        theta0=tuple(3.0 * x + 1.0 for x in range(_GRID[0], _GRID[1] + 1)),
        x_range=_GRID, lr=0.1),
    "linear": Example(
        name="linear", title="Example 2: a linear model", model="linear",
        theta0=(3.0, 1.0), x_range=_GRID, lr=0.001),
    "reparametrized": Example(
        name="reparametrized", title="Example 3: the same line, reparametrized", model="reparametrized",
        theta0=(3.0, 0.1), x_range=_GRID, lr=0.001),
    "rbf": Example(
        name="rbf", title="Example 4: a tiny RBF network", model="rbf",
        theta0=_RBF_THETA0, x_range=_GRID, lr=0.1),
    "training": Example(
        name="training", title="Example 5: the kernel changes as we train", model="rbf",
        theta0=_RBF_THETA0, x_range=_GRID, lr=0.1, ascent_lr=1.0, steps=15, min_steps=1),
}


def get_example(name: str) -> Example:
    """The example called ``name``; ``KeyError`` listing the valid names otherwise."""
    try:
        return EXAMPLES[name]
    except KeyError:
        raise KeyError(f"unknown example {name!r}; valid examples: {', '.join(EXAMPLES)}") from None
