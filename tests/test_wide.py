"""Wide ReLU networks: analytic infinite-width kernels against closed forms and Monte Carlo; the
structured empirical NTK against the generic Jacobian one.  (The kernels against many random
networks of the chapters' architecture -- the NNGP as their output covariance, the NTK as their
mean kernel, the seed spread against width -- are in test_wide_experiments.py.)"""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from ntkcore import wide

ARCH = wide.MLP(depth=2)
X = jnp.asarray(wide.scale_inputs(np.arange(-10, 21, 3.0)))  # (11,) in [-1, 1]


def test_scale_inputs_maps_grid_to_unit_interval():
    np.testing.assert_allclose(wide.scale_inputs([-10, 5, 20]), [-1.0, 0.0, 1.0])


def test_structured_ntk_equals_jacobian_ntk():
    for depth, width in ((3, 16),):   # every kind of layer: input, hidden-to-hidden, readout
        arch = wide.MLP(depth=depth)
        p = wide.init_params(jax.random.PRNGKey(depth), width, arch)
        k_struct = wide.mlp_ntk_structured(p, X, X[:5], arch)
        k_jac = jax.jit(lambda th: ntkcore.ntk(lambda t, x: wide.apply(t, x, arch), th, X, X[:5]))(p)
        np.testing.assert_allclose(k_struct, k_jac, rtol=1e-10, atol=1e-10)


def test_apply_batch_equals_apply():
    p = wide.init_params(jax.random.PRNGKey(0), 16, ARCH)
    np.testing.assert_allclose(wide.apply_batch(p, X, ARCH), ntkcore.values(lambda th, x: wide.apply(th, x, ARCH), p, X),
                               atol=1e-12)


def test_relu_kernels_is_public_with_the_documented_signature():
    import inspect
    assert ntkcore.relu_kernels is wide.relu_kernels
    params = inspect.signature(ntkcore.relu_kernels).parameters
    assert list(params) == ["x1", "x2", "depth", "w_std", "b_std", "readout_w_std", "readout_b_std"]
    assert params["w_std"].default == 2 ** 0.5 and params["b_std"].default == 0.1
    assert params["readout_w_std"].default == 1.0 and params["readout_b_std"].default == 0.1


def test_depth1_closed_values():
    # x = x' = 1, depth 1: q = 2·1 + 0.01 = 2.01, θ = 0, E[φ²] = q/2, E[φ'²] = 1/2:
    # nngp = 1·q/2 + 0.01 = 1.015;  ntk = nngp + 1·(1/2)·q = 2.02.
    nngp, ntk = wide.relu_kernels(np.array([[1.0]]), np.array([[1.0]]), depth=1)
    assert float(nngp[0, 0]) == pytest.approx(1.015, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(2.02, abs=1e-12)
    # x = 1, x' = -1 with no biases: the pre-activations are perfectly anti-correlated (θ = π),
    # ReLU never fires on both: both kernels vanish.
    nngp, ntk = wide.relu_kernels(np.array([[1.0]]), np.array([[-1.0]]), depth=1, b_std=0.0,
                                  readout_b_std=0.0)
    assert float(nngp[0, 0]) == pytest.approx(0.0, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(0.0, abs=1e-12)


def test_depth1_against_monte_carlo_of_the_arccos_expectations():
    # Independent of the arc-cosine formulas: sample the first layer's Gaussian pre-activations.
    x, xp = 0.6, -0.3
    q, qp, c = 2 * x * x + 0.01, 2 * xp * xp + 0.01, 2 * x * xp + 0.01
    rng = np.random.default_rng(0)
    uv = rng.multivariate_normal([0, 0], [[q, c], [c, qp]], size=2_000_000)
    e_phi = np.mean(np.maximum(uv[:, 0], 0) * np.maximum(uv[:, 1], 0))
    e_dphi = np.mean((uv[:, 0] > 0) & (uv[:, 1] > 0))
    nngp_mc = 1.0 * e_phi + 0.01
    ntk_mc = nngp_mc + 1.0 * e_dphi * c
    nngp, ntk = wide.relu_kernels(np.array([[x]]), np.array([[xp]]), depth=1)
    assert float(nngp[0, 0]) == pytest.approx(nngp_mc, abs=3e-3)
    assert float(ntk[0, 0]) == pytest.approx(ntk_mc, abs=3e-3)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_kernels_are_symmetric_psd_and_ntk_dominates_nngp(depth):
    nngp, ntk = (np.asarray(k) for k in wide.relu_kernels(X[:, None], X[:, None], depth))
    for k in (nngp, ntk):
        np.testing.assert_allclose(k, k.T, atol=1e-12)
        assert np.linalg.eigvalsh(k).min() > -1e-10
    # Θ = Σ + (positive terms): the NTK is at least the NNGP entrywise on the diagonal.
    assert np.all(np.diag(ntk) >= np.diag(nngp))
    assert not np.allclose(nngp, ntk)  # "don't mix your kernels": they are different


def test_diagonal_closed_form_depth2():
    # On the diagonal θ = 0 at every layer: q ← w² q/2 + b², Θ ← q_new + w²/2 Θ.
    x = 0.7
    q = 2 * x * x + 0.01
    theta = q
    for w2, b2 in ((2.0, 0.01), (1.0, 0.01)):
        q_new = w2 * q / 2 + b2
        theta = q_new + w2 / 2 * theta
        q = q_new
    nngp, ntk = wide.relu_kernels(np.array([[x]]), np.array([[x]]), depth=2)
    assert float(nngp[0, 0]) == pytest.approx(q, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(theta, abs=1e-12)


def test_relu_kernels_rejects_bad_depth():
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        wide.relu_kernels(X[:, None], X[:, None], depth=0)

