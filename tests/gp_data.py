"""The GP chapters' default data, shared by the tests of ntkcore.gp, ntkcore.training,
ntkcore.switches and ntkcore.gp_experiment: x as the scalar u (U_*) and as the network inputs
(X_*, the points (cos(πu/2), sin(πu/2)) of ntkcore.wide.embed), and plain gradient descent by hand."""

import jax
import jax.numpy as jnp
import numpy as np

import ntkcore  # noqa: F401  (float64)
from ntkcore import gp, wide
from ntkcore.settings import WideSettings

S = WideSettings()
ARCH = S.arch
XT_RAW, YT_RAW = S.train_data()
U_TRAIN = S.scaled(XT_RAW)                       # (5,) u
U_TEST = S.scaled(S.grid)                        # (31,)
X_TRAIN = S.inputs(XT_RAW)                       # (5, 2) network inputs
X_TEST = S.inputs(S.grid)                        # (31, 2)
Y_TRAIN = (YT_RAW - S.y_shift) / S.y_scale       # (5,) the targets trained on
KB = gp.analytic_kernels(X_TEST, X_TRAIN, ARCH)
GP_ARGS = (KB.k_tt, KB.k_td, KB.k_dd, KB.theta_td, KB.theta_dd, Y_TRAIN)
ON_TRAIN = [int(np.argmin(np.abs(U_TEST - u))) for u in U_TRAIN]   # test-grid indices of the data
np.testing.assert_allclose(X_TEST[ON_TRAIN], X_TRAIN, atol=1e-12)  # the data lie on the grid


def f0_draw():
    """One draw of f_0 ~ GP(0, K) on [X; x] (any vector would do for the linear ODE):
    ``(f0_test (31,), f0_train (5,))``."""
    xs = np.concatenate([X_TRAIN, X_TEST])                                # (36, 2)
    k, _ = wide.relu_kernels(xs, xs, ARCH.depth)
    L = np.linalg.cholesky(np.asarray(k) + 1e-10 * np.eye(len(xs)))
    z = L @ np.random.default_rng(0).standard_normal(len(xs))
    return z[len(X_TRAIN):], z[:len(X_TRAIN)]


def gd_by_hand(p0, steps: int, lr: float, x_train=X_TRAIN, y_train=Y_TRAIN, arch=ARCH):
    """Plain full-batch gradient descent on ½ Σ (f(xᵢ) − yᵢ)², one compiled step at a time in a
    Python loop (independent of ntkcore.training): the parameters after ``steps`` steps."""
    x, y = jnp.asarray(x_train, dtype=jnp.float64), jnp.asarray(y_train, dtype=jnp.float64)

    def loss(p):
        return 0.5 * jnp.sum((wide.apply_batch(p, x, arch) - y) ** 2)

    step = jax.jit(lambda p: jax.tree_util.tree_map(lambda a, g: a - lr * g, p, jax.grad(loss)(p)))
    p = p0
    for _ in range(steps):
        p = step(p)
    return p
