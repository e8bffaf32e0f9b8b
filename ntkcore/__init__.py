"""ntkcore: the numbers behind the NTK explainer (no manim here).

Importing ntkcore switches JAX to float64 (``jax_enable_x64``) so that every caller gets double
precision without remembering to ask for it, and runs JAX on the CPU unless ``JAX_PLATFORMS``
says otherwise (no probing for accelerators, no log line about them).
"""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
if not jax.config.jax_platforms:
    # jax was imported before us (a recipe's `import jax` first) and read no JAX_PLATFORMS then:
    # still no probing for accelerators, unless the user asked for a platform.
    jax.config.update("jax_platforms", os.environ["JAX_PLATFORMS"])

from .core import (  # noqa: E402
    Trajectory,
    ascent_trajectory,
    displacement,
    finite_step_kernel,
    gd_step,
    jacobian,
    ntk,
    ntk_jvp,
    param_grad,
    squared_error_grad,
    values,
)
from .examples import EXAMPLES, Example, get_example  # noqa: E402
from .models import ModelSpec  # noqa: E402
from .wide import relu_kernels  # noqa: E402

__all__ = [
    "EXAMPLES", "Example", "ModelSpec", "Trajectory", "ascent_trajectory", "displacement",
    "finite_step_kernel", "gd_step", "get_example", "jacobian", "ntk", "ntk_jvp", "param_grad",
    "relu_kernels", "squared_error_grad", "values",
]
